# Exhaustion, handled as Linux handles it (docs/limits.md): a fork bomb stops
# at RLIMIT_NPROC (set, and the default) and kill -9 -1 ends it; a memory hog gets ENOMEM or is
# killed (SIGKILL) and the rest runs on, and memory running out kills the
# largest process, not the one that faulted; descriptors end with EMFILE, the
# system's pipes and open files with ENFILE short of root's reserve; the RAM
# file system full gives ENOSPC and keeps what it had; a busy loop and floods
# into a pipe and a terminal do not keep a new command from running (within
# 5 s: a bound for a hang, not a measure of speed).
nobody_procs() { ps -o user,pid | awk '$1 == "nobody"' | wc -l; }

# end_nobody: kill -9 -1 as nobody, then wait (5 s at most) until none of nobody's processes is left
end_nobody() {
	setuidgid nobody kill -9 -1 2>/dev/null
	for i in 1 2 3 4 5 6 7 8 9 10; do [ "$(nobody_procs)" -eq 0 ] && break; sleep 0.5; done
}

# fork_bomb NAME COMMAND: a fork bomb as nobody (sh -c COMMAND); root still runs commands and ps, the
# bomb stops at 64 processes, and kill -9 -1 as nobody ends it
fork_bomb() {
	setuidgid nobody sh -c "$2" &
	sleep 3
	check "${1}_root_runs_commands" yes "$(timeout 5 sh -c 'echo yes' 2>&1)"
	check "${1}_root_runs_ps" yes "$(ps -o pid > /dev/null 2>&1 && echo yes)"
	setuidgid nobody kill -STOP -1 2>/dev/null # still, to be counted (ps reads /proc one process at a time)
	sleep 0.5
	n=$(nobody_procs)
	check "${1}_stops_at_64" yes "$([ "$n" -gt 32 ] && [ "$n" -le 64 ] && echo yes || echo "no: $n processes")"
	end_nobody
	check "${1}_ended_by_kill_minus_1" 0 "$(nobody_procs)"
}

# under ulimit -u 64; then at the default limit (64, half of the 128 processes the system holds, as Linux
# halves its own): at 256 the bomb took every process and root's commands got ENOMEM
fork_bomb exhaust_fork_bomb 'ulimit -u 64; exec stress --forkbomb'
fork_bomb exhaust_default_fork_bomb 'exec stress --forkbomb'

# memory: ENOMEM or SIGKILL (137), then the rest runs on
setuidgid nobody stress --hog > "$T/hog" 2>&1
st=$?
check exhaust_memory_hog_enomem_or_killed yes "$([ $st = 137 ] || grep -q ENOMEM "$T/hog" && echo yes || echo "no: status $st $(cat "$T/hog")")"
check exhaust_memory_new_process_runs yes "$(sh -c 'echo yes')"
check exhaust_memory_services_up "" "$(services_not_up)"

# the OOM killer takes the largest, not whoever faulted: one process holds all but 6 MiB, another then
# takes 16 MiB; the holder must be the one killed (it was the one that faulted before) and the other ends well
setuidgid nobody stress --hog 6 > "$T/holder" 2>&1 &
holder=$!
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do grep -q "holding\|after" "$T/holder" && break; sleep 0.5; done
check exhaust_oom_holder_holds yes "$(grep -q holding "$T/holder" && echo yes || cat "$T/holder")"
out=$(setuidgid nobody stress --alloc 16 2>&1)
check exhaust_oom_small_faulting_process_lives "stress: alloc: took 16 MiB, status 0" "$out, status $?"
sleep 0.5
state=$(cut -d' ' -f3 /proc/$holder/stat 2>/dev/null)
check exhaust_oom_largest_killed yes "$(case "$state" in '' | Z) echo yes ;; *) echo "no: state $state" ;; esac)"
kill -9 $holder 2>/dev/null
wait $holder 2>/dev/null
check exhaust_oom_services_up "" "$(services_not_up)"

# descriptors
check exhaust_descriptors_emfile 0 "$(setuidgid nobody sh -c 'ulimit -n 64; stress --fds' >/dev/null 2>&1; echo $?)"

# the system's pipes and open files: a user meets ENFILE at the last 8 pipes and the last 64th of the
# open-file table, which are root's (as Linux keeps files past file-max for CAP_SYS_ADMIN)
setuidgid nobody stress --files > "$T/files" 2>&1 &
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do grep -q "holding\|ENFILE;\|no ENFILE" "$T/files" && break; sleep 0.5; done
check exhaust_files_user_meets_enfile yes "$(grep -q 'pipes then ENFILE, [0-9]* open files then ENFILE; holding' "$T/files" && echo yes || cat "$T/files")"
check exhaust_files_root_opens_a_file yes "$(grep -q root /etc/passwd && echo yes)"
check exhaust_files_root_makes_a_pipe yes "$(echo yes | cat)"
end_nobody
check exhaust_files_user_opens_again yes "$(setuidgid nobody sh -c 'echo yes | cat')"

# the RAM file system full
echo kept > "$T/kept"
before=$(md5sum < "$T/kept")
err=$(dd if=/dev/zero of="$T/big" bs=1M count=400 2>&1) # not into a file: there is no room for one
check exhaust_ramfs_full_dd_fails 1 "$?"
check exhaust_ramfs_full_enospc yes "$(echo "$err" | grep -q 'No space left on device' && echo yes || echo "$err")"
check exhaust_ramfs_full_keeps_files "$before" "$(md5sum < "$T/kept")"
check exhaust_ramfs_full_small_write_fails 1 "$(sh -c "echo x > '$T/more'" 2>/dev/null; echo $?)"
rm -f "$T/big" "$T/more"
check exhaust_ramfs_writes_again_after_rm again "$(echo again > "$T/again" && cat "$T/again")"

# a busy loop, a pipe flood and a terminal flood, all at once
setuidgid nobody sh -c 'while :; do :; done' &
loop=$!
setuidgid nobody sh -c 'yes | cat > /dev/null' &
pipe=$!
yes > /dev/tty3 &
tty=$!
sleep 1
check exhaust_busy_and_floods_command_answers yes "$(timeout 5 sh -c 'echo yes')"
check exhaust_busy_and_floods_services_up "" "$(services_not_up)"
kill $loop $tty
setuidgid nobody kill -9 -1 2>/dev/null
wait 2>/dev/null
