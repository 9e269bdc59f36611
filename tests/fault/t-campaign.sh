# fault campaign (docs/fault.md, "Campaigns"): many faults while a workload checks every byte it gets back,
# and the table at the end. Columns of its rows: KIND INJECTED RESTARTED FAILED NOT-BACK NO-EFFECT WRONG
# ERRORS REFUSED.

row() { awk -v k="$1" -v c="$2" '$1 == k { print $c }' "$T/c.out"; }
# the sum of a row's verdicts (RESTARTED to REFUSED): each injection gets exactly one
verdicts() { awk -v k="$1" '$1 == k { print $3 + $4 + $5 + $6 + $7 + $8 + $9 }' "$T/c.out"; }
running() { awk '$1 == "memory" || $1 == "tty" { print $3 }' /proc/services | tr '\n' ' '; }

# 1,000 kills, crashes and hangs across the memory and tty drivers: every one detected and recovered from,
# the workload sees no error and no wrong byte, the system stays up
status campaign_1000_status 0 sh -c "fault campaign memory,tty --faults 1000 --seed 17 > $T/c.out 2>&1"
sed 's/^/# /' "$T/c.out"
check campaign_1000_injected 1000 "$(row all 2)"
check campaign_1000_all_restarted 1000 "$(row all 3)"
check campaign_1000_none_failed_lost_refused "0 0 0" "$(row all 4) $(row all 5) $(row all 9)"
check campaign_1000_each_kind yes "$([ "$(row kill 2)" -gt 0 ] && [ "$(row crash 2)" -gt 0 ] && [ "$(row hang 2)" -gt 0 ] && echo yes)"
check campaign_1000_detectors "the kernel $(($(row kill 2) + $(row crash 2))) (killed $(row kill 2), exception $(row crash 2), exit 0), missed heartbeats $(row hang 2), complaints 0" \
	"$(sed -n 's/^detected by: //p' "$T/c.out")"
check campaign_1000_workload_clean "0 errors, 0 wrong bytes" "$(sed -n 's/^workload: [0-9]* operations, //p' "$T/c.out")"
# each fault waited for a round of four calls of its driver's workload since the last one
check campaign_1000_workload_ran yes "$(awk '$1 == "workload:" && $2 >= 4000 { print "yes" }' "$T/c.out")"
check campaign_1000_recovery_said yes "$(grep -q '^recovery, its end to its successor serving (guest ms): min [0-9.]*, median [0-9.]*, max [0-9.]*$' "$T/c.out" && echo yes)"
check campaign_1000_system_up "system: up after 1000 faults" "$(tail -n 1 "$T/c.out")"
check campaign_1000_drivers_running "running running " "$(running)"

# a workload held up is seen: the memory workload stopped (SIGSTOP) as the campaign begins, the second
# fault waits 5 s for it to do something, and counts a stall among the errors (status 1)
fault campaign memory --faults 2 --kinds kill --every 1000 > "$T/s.out" 2>&1 &
f=$!
tries=0
until w=$(pgrep -P "$f") || [ $tries -ge 50 ]; do sleep 0.1; tries=$((tries + 1)); done
kill -STOP $w
sleep 12
kill -CONT $w
wait "$f"
check stall_status 1 "$?"
sed 's/^/# /' "$T/s.out"
check stall_both_restarted 2 "$(awk '$1 == "all" { print $3 }' "$T/s.out")"
check stall_said yes "$(grep -q '^stalled: [1-9][0-9]* times\? a workload did nothing for 5000 ms after its driver served again' "$T/s.out" && echo yes)"
check stall_among_errors yes "$(awk '$1 == "workload:" && $4 >= 1 { print "yes" }' "$T/s.out")"

# bit flips into each driver's text and data: the system stays up, and every injection is classified (a
# flipped driver may fail, be marked failed, or do nothing anyone sees; none is left unaccounted for)
for d in memory tty; do
	status "flips_${d}_status" 0 sh -c "fault campaign $d --faults 16 --kinds flip-text,flip-data --count 10 --seed 5 > $T/c.out 2>&1"
	sed 's/^/# /' "$T/c.out"
	check "flips_${d}_injected" 16 "$(row all 2)"
	check "flips_${d}_each_classified" 16 "$(verdicts all)"
	check "flips_${d}_text_and_data" yes "$([ "$(row flip-text 2)" -gt 0 ] && [ "$(row flip-data 2)" -gt 0 ] && echo yes)"
	check "flips_${d}_none_lost_refused" "0 0" "$(row all 5) $(row all 9)"
	check "flips_${d}_system_up" "system: up after 16 faults" "$(tail -n 1 "$T/c.out")"
	service up "$d" > /dev/null 2>&1 # if rs gave up on it after the last fault
	service restart "$d" > /dev/null 2>&1
done
check flips_drivers_running "running running " "$(running)"

# exits and garbage replies: each exit seen by the kernel, each garbage reply by vfs, which complains
status mixed_status 0 sh -c "fault campaign memory,tty --faults 20 --kinds exit,garbage --seed 3 --window 2000 > $T/c.out 2>&1"
sed 's/^/# /' "$T/c.out"
check mixed_all_restarted 20 "$(row all 3)"
check mixed_detectors "exit $(row exit 2), complaints $(row garbage 2)" \
	"$(sed -n 's/^detected by: the kernel [0-9]* (killed 0, exception 0, \(exit [0-9]*\)), missed heartbeats 0, \(complaints [0-9]*\)$/\1, \2/p' "$T/c.out")"

# refusals
status campaign_usage 2 fault campaign
status campaign_unknown_kind 2 fault campaign memory --kinds poke
status campaign_bad_faults 2 fault campaign memory --faults 0
status campaign_refused_vm 1 fault campaign vm --faults 1
status campaign_refused_unknown 1 fault campaign nosuch --faults 1
status campaign_unprivileged 1 su -s /bin/sh nobody -c 'fault campaign memory --faults 1'
