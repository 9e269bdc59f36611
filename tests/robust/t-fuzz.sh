# The system-call fuzzer (docs/fuzz.md): a bounded, seeded run by four
# workers as nobody; then a new process must start and every service must
# still be running, never restarted.
out=$(fuzz run -s 7 -n 20000 -c 4 2>&1)
check fuzz_run_ends_well 0 "$?"
check fuzz_made_its_calls yes "$(echo "$out" | awk '/ calls, / { print ($2 >= 20000 ? "yes" : "no: " $0) }')"
check fuzz_no_worker_stuck "0 stuck" "$(echo "$out" | grep -o '[0-9]* stuck')"
check fuzz_a_new_process_runs_after hello "$(sh -c 'echo hello')"
check fuzz_services_running_never_restarted "" "$(services_not_up)"
# bad arguments: one line, status 2
status fuzz_no_mode_status_2 2 fuzz
status fuzz_bad_workers_status_2 2 fuzz run -c 99
status fuzz_bad_call_name_status_2 2 fuzz run -o no_such_call
check fuzz_bad_arguments_one_line 1 "$(fuzz run -s x 2>&1 | wc -l)"
