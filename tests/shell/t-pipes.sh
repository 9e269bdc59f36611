# Pipelines and exit statuses.
check pipe_two_stages xyz "$(echo abc | tr a-c x-z)"
check pipe_three_stages 3 "$(seq 1 12 | grep 1 | grep -v 11 | wc -l | tr -d ' ')"
check pipe_status_is_the_last true "$(false | true && echo true)"
true | false
check pipe_status_of_failing_last 1 "$?"
! false
check bang_inverts_status 0 "$?"
check pipe_long_data 20000 "$(seq 1 20000 | cat | cat | wc -l | tr -d ' ')"
check pipe_reader_ends_first 1 "$(seq 1 100000 | head -n 1)"
check pipe_into_while_read 6 "$(printf '1\n2\n3\n' | { s=0; while read n; do s=$((s + n)); done; echo $s; })"
false
check status_false 1 "$?"
nosuchcommand_xyz 2>/dev/null
check status_not_found 127 "$?"
printf 'echo hi\n' > "$T/noexec"
chmod 644 "$T/noexec"
"$T/noexec" 2>/dev/null
check status_not_executable 126 "$?"
(exit 42)
check status_of_subshell_exit 42 "$?"
check and_or_lists "a c" "$( (true && echo a; false && echo b; false || echo c) | tr '\n' ' ' | sed 's/ $//')"
