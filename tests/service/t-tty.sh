# The tty driver restarted under programs (issue 16, terminals exactly once; docs/tty.md, "Restarts"):
# what a program sees of its terminal stays the same, and what it writes while the driver crashes arrives
# once, complete and in order (tests/shell/run checks the stream on the host, at ttyS1's far end).
# field: t-service.sh's (the groups run in one shell, in order)
tty_running() {
	polls=0
	while [ "$(field tty 3 2>/dev/null)" != running ] && [ $polls -lt 100 ]; do polls=$((polls + 1)); sleep 0.1; done
}

check tty_state_kept_across_a_crash "ttystate: same" "$(ttystate /dev/ttyS1 crash)"
check tty_state_kept_across_a_restart "ttystate: same" "$(ttystate /dev/tty2 restart)"

# large writes (64 KiB), which the driver takes a queue's worth at a time, while it crashes twice and hangs (rs ends
# it after two silent heartbeat periods)
count=150000
seq 1 $count > "$T/lines"
echo "stream-begin tty_output_once_across_faults $count"
rm -f "$T/written"
{ dd if="$T/lines" bs=64k 2>"$T/dd.err"; echo $? > "$T/written"; } &
during=0
# fault refuses while the driver is still being restarted: try again (/proc/services is slow to ask meanwhile)
for how in crash crash hang; do
	tries=0
	until [ -e "$T/written" ] || fault $how tty > "$T/fault.out" 2>&1 || [ $tries -ge 100 ]; do
		tries=$((tries + 1))
		sleep 0.05
	done
	[ ! -e "$T/written" ] && [ $tries -lt 100 ] && during=$((during + 1))
	sleep 0.2
done
wait
writer_status=$(cat "$T/written")
tty_running
echo "stream-end tty_output_once_across_faults"
# (the first fault comes as the writer starts; the others may find it done on a fast machine)
check tty_faults_while_writing yes "$([ "$during" -ge 1 ] && echo yes)"
check tty_writer_saw_no_error "0 0" "$writer_status $(grep -c 'dd:' "$T/dd.err")"

# a write that waits in the driver, part of it queued, while the driver crashes (output stopped with
# tcflow TCOOFF, so the crash finds it waiting): the next incarnation goes on from where it was
echo "stream-begin tty_waiting_write_goes_on_after_a_crash 3000"
ttystate /dev/ttyS1 stopped-write 3000 > "$T/stopped.out"
echo "stream-end tty_waiting_write_goes_on_after_a_crash"
check tty_waiting_write_returned_whole "ttystate: written 13893" "$(cat "$T/stopped.out")"

echo "stream-begin tty_waiting_write_goes_on_after_a_hang 3000"
ttystate /dev/ttyS1 stopped-write 3000 hang > "$T/stopped.out"
echo "stream-end tty_waiting_write_goes_on_after_a_hang"
check tty_waiting_write_returned_whole_after_a_hang "ttystate: written 13893" "$(cat "$T/stopped.out")"
