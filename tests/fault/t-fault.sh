# fault (docs/fault.md): each kind of fault into a driver, what the command says of it, and its refusals.
# Columns of /proc/recovery: LABEL FAULTS LAST FLIPPED STARTS STATE CAUSE INJECTED_US ENDED_US STARTED_US READY_US.

field() { awk -v l="$1" -v f="$2" '$1 == l { print $f }' /proc/services; }
recovery() { awk -v l="$1" -v f="$2" '$1 == l { print $f }' /proc/recovery; }
# the report's line says who detected it, then three times in ms; "ok DETECTOR" if it is whole
report() {
	sed -n 2p "$T/fault.out" | sed -n "s/^fault: $1: detected by \(.*\) after [0-9]*\.[0-9]\{3\} ms; restarted at +[0-9]*\.[0-9]\{3\} ms; serving again at +[0-9]*\.[0-9]\{3\} ms (guest time from the injection)$/ok \1/p"
}

starts=$(recovery memory 5) faults=$(recovery memory 2)
status kill_memory 0 sh -c "fault kill memory > $T/fault.out 2>&1"
check kill_says_injected "fault: kill injected into memory" "$(head -n 1 "$T/fault.out")"
check kill_report "ok the kernel: it was killed" "$(report memory)"
check kill_restarted_once $((starts + 1)) "$(recovery memory 5)"
check kill_recorded "kill killed" "$(recovery memory 3) $(recovery memory 7)"
check kill_times_in_order yes "$(awk '$1 == "memory" && $8 <= $9 && $9 <= $10 && $10 <= $11 { print "yes" }' /proc/recovery)"

status exit_memory 0 sh -c "fault exit memory > $T/fault.out 2>&1"
check exit_report "ok the kernel: it exited" "$(report memory)"
status crash_memory 0 sh -c "fault crash memory > $T/fault.out 2>&1"
check crash_report "ok the kernel: a CPU exception" "$(report memory)"
status hang_memory 0 sh -c "fault hang memory > $T/fault.out 2>&1"
check hang_report "ok rs: missed heartbeats" "$(report memory)"
status kill_tty 0 sh -c "fault kill tty > $T/fault.out 2>&1"
check kill_tty_report "ok the kernel: it was killed" "$(report tty)"
check faults_counted $((faults + 4)) "$(recovery memory 2)"

# a garbage reply: the next answer the driver gives (here to an open or a read of /dev/zero) is a result
# no request can have; vfs says EIO to that one call, complains, and rs restarts the driver
restarts=$(field memory 4)
(fault garbage memory > "$T/fault.out" 2>&1; echo $? > "$T/fault.st") &
n=0
while [ ! -s "$T/fault.st" ] && [ $n -lt 200 ]; do
	head -c 1 /dev/zero > /dev/null 2>>"$T/garbage.err"
	n=$((n + 1))
	sleep 0.05
done
wait
check garbage_fault_status 0 "$(cat "$T/fault.st")"
check garbage_report "ok a client's complaint to rs" "$(report memory)"
check garbage_cause complaint "$(field memory 6)"
check garbage_restarted $((restarts + 1)) "$(field memory 4)"
# (the call that got the garbage sees EIO, unless it was a close, whose result nobody sees)
check garbage_at_most_one_call_saw_eio yes "$([ "$(grep -c 'I/O error' "$T/garbage.err")" -le 1 ] && echo yes)"
check garbage_serving_again 1 "$(head -c 1 /dev/zero | wc -c)"

# bit flips: rs says how many; the command says what followed (the driver may well not notice); the
# driver is refreshed after each, so no flipped code stays behind
for where in text data; do
	status "flip_${where}_memory" 0 sh -c "fault flip memory --$where --count 20 --seed 7 --wait 500 > $T/fault.out 2>&1"
	check "flip_${where}_says_flipped" "fault: 20 bits of the $where of memory flipped (seed 7)" "$(head -n 1 "$T/fault.out")"
	check "flip_${where}_recorded" "flip 20" "$(recovery memory 3) $(recovery memory 4)"
	check "flip_${where}_outcome_said" 1 "$(sed -n 2p "$T/fault.out" | grep -c '^fault: memory: \(no failure detected within 500 ms: it still runs\|detected by .*\)$')"
	service refresh memory > /dev/null 2>&1
	check "flip_${where}_refreshed" running "$(field memory 3)"
done

# refusals: one line, non-zero
status usage_nothing 2 fault
status usage_unknown_kind 2 fault poke memory
status usage_no_label 2 fault kill
status usage_two_labels 2 fault kill memory tty
status usage_flip_where 2 fault flip memory
status usage_flip_both 2 fault flip memory --text --data
status usage_flip_count_zero 2 fault flip memory --text --count 0
status usage_flip_count_big 2 fault flip memory --text --count 1001
status usage_flip_count_word 2 fault flip memory --text --count many
status usage_counted_kill 2 fault kill --counted memory
status usage_count_crash 2 fault crash --count memory
status usage_wait_negative 2 fault kill memory --wait -1
status usage_long_label 2 fault kill a_label_much_too_long
check usage_one_line 1 "$(fault flip memory --text --count 0 2>&1 | wc -l)"
status refused_vm 1 fault kill vm
status refused_vfs 1 fault exit vfs
status refused_rs 1 fault garbage rs
status refused_unknown 1 fault kill nosuch
check refused_says_why "fault: vm may not be faulted: the system cannot run without it" "$(fault kill vm 2>&1)"
status refused_unprivileged 1 su -s /bin/sh nobody -c 'fault kill memory'
check refused_unprivileged_says "fault: only root may inject faults" "$(su -s /bin/sh nobody -c 'fault flip memory --data' 2>&1)"
check refused_nothing_injected "$(recovery memory 2)" "$(su -s /bin/sh nobody -c 'fault kill memory' > /dev/null 2>&1; recovery memory 2)"
