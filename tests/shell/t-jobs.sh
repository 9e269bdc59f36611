# Background jobs, wait, traps, signals.
sleep 0.2 &
p=$!
wait $p
check wait_for_background 0 "$?"
(exit 5) &
wait $!
check wait_gives_job_status 5 "$?"
(sleep 0.3; echo late > "$T/late") &
(sleep 0.1; echo early > "$T/early") &
wait
check wait_for_all "early late" "$(cat "$T/early" "$T/late" | tr '\n' ' ' | sed 's/ $//')"
sleep 10 &
p=$!
kill $p
wait $p
check kill_background_sigterm 143 "$?"
sleep 10 &
p=$!
kill -KILL $p
wait $p
check kill_background_sigkill 137 "$?"
check background_pid_differs yes "$( sleep 0.1 & [ "$!" != "$$" ] && echo yes; wait)"
wait
check wait_without_jobs 0 "$?"
got=
trap 'got=usr1' USR1
kill -USR1 $$
check trap_usr1_runs "usr1" "$got"
trap - USR1
check trap_exit_in_subshell "bye" "$( (trap 'echo bye' EXIT; true) )"
check trap_on_exit_status 4 "$(sh -c 'trap "echo \$?" EXIT; exit 4')"
check trap_term_in_child "term" "$(sh -c 'trap "echo term; exit 0" TERM; kill -TERM $$; sleep 5')"
check trap_ignored_signal "alive" "$(sh -c 'trap "" INT; kill -INT $$; echo alive')"
check trap_listed "trap -- 'echo x' HUP" "$(trap 'echo x' HUP; t=$(trap); echo "$t" | grep HUP)"
trap - HUP
check signal_exit_status 130 "$(sh -c 'kill -INT $$'; echo $?)"
check set_e_stops "before" "$(sh -c 'set -e; echo before; false; echo after')"
check pid_is_a_number yes "$(case $$ in *[!0-9]*) echo no;; *) echo yes;; esac)"
