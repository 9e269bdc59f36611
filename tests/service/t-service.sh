# service: restarts of the memory and tty drivers, up and down, and every
# refusal (docs/service.md). Columns of /proc/services: LABEL ENDPOINT STATE
# RESTARTS STARTS CAUSE UPTIME.

field() { awk -v l="$1" -v f="$2" '$1 == l { print $f }' /proc/services; }
core() { awk '$1 == "vm" || $1 == "pm" || $1 == "ds" { print $1, $2, $3, $4 }' /proc/services | tr '\n' ' '; }
drivers() { awk '$1 == "memory" || $1 == "tty" { print $1, $2, $3, $4 }' /proc/services | tr '\n' ' '; }
zeros() { head -c 4 /dev/zero | od -An -tx1 | tr -d ' \n'; }
# status, for while /dev/null is down: the command's output goes to a file instead
status_quiet() {
	name=$1 want=$2
	shift 2
	"$@" > "$T/out" 2>&1
	check "$name" "$want" "$?"
}

check list_header "LABEL ENDPOINT STATE RESTARTS" "$(service list | head -n 1 | awk '{ print $1, $2, $3, $4 }')"
check list_drivers_running "running running" "$(field memory 3) $(field tty 3)"

# restart memory: a new incarnation, counted, and /dev/null and /dev/zero work through it
ep=$(field memory 2)
status restart_memory 0 service restart memory
check restart_memory_counted 1 "$(field memory 4)"
check restart_memory_new_endpoint yes "$([ "$(field memory 2)" != "$ep" ] && [ -n "$ep" ] && echo yes)"
status restart_memory_dev_null_works 0 sh -c 'echo x > /dev/null'
check restart_memory_dev_zero_works 00000000 "$(zeros)"

# calls in flight while the memory driver restarts are parked and issued again: no error, no byte lost
# (restarts go on, up to 100, until dd is done; it must have seen at least five)
(dd if=/dev/urandom bs=64k count=256 2>"$T/dd.err" | wc -c > "$T/dd.n"; echo $? > "$T/dd.st") &
n=0
while [ ! -s "$T/dd.st" ] && [ $n -lt 100 ]; do
	service restart memory > /dev/null 2>&1 && n=$((n + 1))
done
wait
check urandom_across_memory_restarts 16777216 "$(cat "$T/dd.n")"
check urandom_across_memory_restarts_whole_reads "256+0 records in" "$(head -n 1 "$T/dd.err")"
check urandom_across_memory_restarts_no_error 0 "$(grep -c 'dd:' "$T/dd.err")"
check urandom_across_at_least_five_restarts yes "$([ $n -ge 5 ] && echo yes)"
memory_restarts=$((n + 1))

# restart tty: the terminal's settings and window size come back
stty -F /dev/ttyS0 cols 91 rows 33 -echo
before=$(stty -F /dev/ttyS0 -g)
status restart_tty 0 service restart tty
check restart_tty_keeps_termios "$before" "$(stty -F /dev/ttyS0 -g)"
check restart_tty_keeps_window_size "33 91" "$(stty -F /dev/ttyS0 size)"
check restart_tty_counted 1 "$(field tty 4)"
check status_says_restarts yes "$(service status tty | grep -q '^tty: running, endpoint [0-9]*, 2 starts, 1 restart,' && echo yes)"

# down, then up
status down_memory 0 service down memory
check down_memory_state down "$(field memory 3)"
check down_memory_dev_null_fails yes "$(sh -c 'echo x > /dev/null' 2>/dev/null || echo yes)"
status_quiet down_memory_again_is_no_error 0 service down memory
status_quiet up_memory 0 service up memory
check up_memory_state running "$(field memory 3)"
status up_memory_dev_null_works 0 sh -c 'echo x > /dev/null'
status up_running_service_refused 1 service up memory
check up_running_service_message "service: memory is already running" "$(service up memory 2>&1)"
check list_shows_restart_counts "memory $((memory_restarts + 1)) tty 1" "$(service list | awk '$1 == "memory" || $1 == "tty" { printf "%s%s %s", sep, $1, $4; sep = " " }')"

# the services the system cannot do without are refused, and nothing changes
was=$(core)
for l in vm pm ds rs vfs; do
	status "down_${l}_refused" 1 service down "$l"
	status "restart_${l}_refused" 1 service restart "$l"
done
check down_vm_message "service: vm may not be stopped or restarted: the system cannot run without it" \
	"$(service down vm 2>&1)"
check core_services_unchanged "$was" "$(core)"

# unknown labels
status restart_unknown_refused 1 service restart nosuch
check restart_unknown_message "service: no service named 'nosuch' (service list shows them)" \
	"$(service restart nosuch 2>&1)"
status status_unknown_refused 1 service status nosuch

# an unprivileged user: every subcommand refused, nothing changes
was=$(drivers)
for sub in list "status memory" "up memory" "down memory" "restart memory" "refresh tty"; do
	name=unprivileged_$(echo "$sub" | tr ' ' _)_refused
	status "$name" 1 su -s /bin/sh nobody -c "service $sub"
done
check unprivileged_message "service: only root may use service (anyone may read /proc/services)" \
	"$(su -s /bin/sh nobody -c 'service restart memory' 2>&1)"
check unprivileged_nothing_changed "$was" "$(drivers)"

# bad arguments: one line, status 2
status usage_no_arguments 2 service
status usage_unknown_command 2 service bogus memory
status usage_missing_label 2 service restart
status usage_extra_argument 2 service list extra
status usage_label_too_long 2 service restart abcdefghijklmnopq
check usage_one_line 1 "$(service bogus memory 2>&1 >/dev/null | grep -c '^usage: ')"

# refresh: a fresh start, as at boot: the kept settings are not taken back
status refresh_tty 0 service refresh tty
check refresh_tty_forgets_settings yes "$([ "$(stty -F /dev/ttyS0 size)" != "33 91" ] && echo yes)"
check refresh_tty_counted 2 "$(field tty 4)"

# procfs: restarted, /proc works through its next incarnation (service list reads it too)
status restart_procfs 0 service restart procfs
check restart_procfs_counted 1 "$(field procfs 4)"
check restart_procfs_proc_readable yes "$(grep -q '^MemTotal:' /proc/meminfo && echo yes)"
check restart_procfs_process_files init "$(cat /proc/1/comm)"
check restart_procfs_services_listed running "$(field procfs 3)"

# faults in the middle of requests: the memory driver crashes five times (each time once it serves again;
# injected faults are restarted at once, outside the failure streak) while a program reads /dev/urandom:
# no error, no byte lost
# inject HOW N DONE: fault HOW memory, each once it serves again (fault refuses until then), until N are in
# or the file DONE says the reader ended; prints how many went in
inject() {
	n=0 polls=0
	while [ ! -s "$3" ] && [ $n -lt "$2" ] && [ $polls -lt 400 ]; do
		polls=$((polls + 1))
		if [ "$(field memory 3)" = running ] && fault "$1" memory --wait 0 > "$T/fault.out" 2>&1; then
			n=$((n + 1))
			sleep 0.1 # the fault happens at its next request: let it come
		fi
	done
	echo $n
}
# read_under HOW N WORD BLOCKS: dd reads BLOCKS x 64 KiB of /dev/urandom while N faults HOW go in (WORD: N in
# words, for the check's name): all N injected, every byte read, every read whole
read_under() {
	rm -f "$T/under.st"
	(dd if=/dev/urandom bs=64k count="$4" 2>"$T/under.err" | wc -c > "$T/under.n"; echo done > "$T/under.st") &
	n=$(inject "$1" "$2" "$T/under.st")
	wait
	check "$1_memory_$3_injected" "$2" "$n"
	check "$1_urandom_all_bytes" $(($4 * 65536)) "$(cat "$T/under.n")"
	check "$1_urandom_whole_reads" "$4+0 records in" "$(head -n 1 "$T/under.err")"
}
read_under crash 5 five 512
check crash_memory_serving_again running "$(field memory 3)"
check crash_fault_says_what "fault: crash injected into memory" "$(cat "$T/fault.out")"
# (refusals and usage errors of the fault command: tests/fault/t-fault.sh)
check crash_memory_no_back_off 0 "$(field memory 3 | grep -vc running)"

# hangs in the middle of requests: the memory driver loops (fault hang) twice while a program reads
# /dev/urandom; rs sees it silent for two heartbeat periods, ends and restarts it: no error, no byte lost;
# procfs, starved meanwhile by the spinning driver, is not mistaken for hung
restarts_before=$(field procfs 4)
read_under hang 2 two 256
check hang_memory_cause hang "$(field memory 6)"
check hang_procfs_not_restarted "$restarts_before" "$(field procfs 4)"
check hang_fault_says_what "fault: hang injected into memory" "$(cat "$T/fault.out")"

# a driver rs gives up on (crashes counted as its own failures, in a row, each once it serves again: rs backs
# off 0, 0.2, 0.4, 0.8, 1.6 s, then marks it failed): the reader parked on it gets EIO and ends (none hangs); a
# new open gets ENXIO; 'service up' brings it back (its output to a file: /dev/null is the memory driver's)
(dd if=/dev/urandom of=/dev/null bs=64k count=100000 2>"$T/dd3.err"; echo $? > "$T/dd3.st") &
n=0 polls=0
while [ "$(field memory 3)" != failed ] && [ $polls -lt 600 ]; do
	polls=$((polls + 1))
	if [ "$(field memory 3)" = running ] && fault crash --counted memory --wait 0 > /dev/null 2>&1; then
		n=$((n + 1))
		sleep 0.1
	fi
done
wait
check failed_memory_state failed "$(field memory 3)"
check failed_memory_after_crashes yes "$([ $n -ge 1 ] && echo yes)"
check failed_reader_ended_with_an_error 1 "$(cat "$T/dd3.st")"
check failed_reader_saw_eio 1 "$(grep -c 'I/O error' "$T/dd3.err")"
check failed_new_open_enxio 1 "$(head -c 1 /dev/zero 2>&1 | grep -c 'No such device or address')"
status_quiet failed_memory_up_again 0 service up memory
check failed_memory_serving_again 00000000 "$(zeros)"

# every memory minor, each asked right after a crash of its driver: as if nothing had happened
crash_then() {
	polls=0
	while [ "$(field memory 3)" != running ] && [ $polls -lt 100 ]; do polls=$((polls + 1)); sleep 0.1; done
	fault crash memory --wait 0 > "$T/fault.out" 2>&1
	"$@"
}
check crash_then_zero_reads_zeros 00000000 "$(crash_then zeros)"
check crash_then_null_reads_nothing 0 "$(crash_then head -c 10 /dev/null | wc -c)"
check crash_then_full_write_enospc 1 "$(crash_then sh -c 'echo x > /dev/full' 2>&1 | grep -c 'No space left on device')"
check crash_then_random_reads 16 "$(crash_then head -c 16 /dev/random | wc -c)"
check crash_then_null_opens yes "$(crash_then sh -c ': < /dev/null' && echo yes)"

# the RAM disk outlives its driver (kept state, sys/kept.h): filled with random data, then streamed through
# sha256sum three times, the driver crashing in the middle of each stream: every sum matches, no error
status_quiet kept_memory_down 0 service down memory
status_quiet kept_memory_up 0 service up memory
dd if=/dev/urandom of=/dev/ram0 bs=64k count=128 2>/dev/null
want=$(dd if=/dev/ram0 bs=64k 2>/dev/null | sha256sum)
good=0
for i in 1 2 3; do
	(dd if=/dev/ram0 bs=64k 2>"$T/k.err" | sha256sum > "$T/k.sum") &
	polls=0
	while [ "$(field memory 3)" != running ] && [ $polls -lt 100 ]; do polls=$((polls + 1)); sleep 0.1; done
	fault crash memory --wait 0 > "$T/fault.out" 2>&1
	wait
	[ "$(cat "$T/k.sum")" = "$want" ] && [ "$(grep -c 'dd:' "$T/k.err")" = 0 ] && good=$((good + 1))
done
check kept_ram_disk_sums_match_across_crashes 3 "$good"
check kept_ram_disk_restarted yes "$([ "$(field memory 4)" -ge 3 ] && echo yes)"
status_quiet kept_memory_refresh 0 service refresh memory
check kept_refresh_empties_the_disk 0 "$(dd if=/dev/ram0 bs=64k count=16 2>/dev/null | tr -d '\000' | wc -c)"
