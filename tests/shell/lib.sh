# tests/shell/lib.sh: the checks' reporting, in a TAP-like form the host
# runner (tests/shell/run) counts: "ok N name" or "not ok N name - why",
# and at the end "1..N" and "# failed: F".
T=/tmp/shelltest.$$
mkdir -p "$T" || exit 99
tests=0
failures=0

# check NAME WANT GOT: pass when the two strings are equal.
check() {
	tests=$((tests + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $tests $1"
	else
		failures=$((failures + 1))
		printf 'not ok %d %s - want [%s] got [%s]\n' "$tests" "$1" "$2" "$3" | tr '\n' ' ' | sed 's/ $//'
		echo
	fi
}

# status NAME WANT COMMAND...: pass when COMMAND exits with WANT.
status() {
	name=$1 want=$2
	shift 2
	"$@" >/dev/null 2>&1
	check "$name" "$want" "$?"
}

# services_not_up: the services not running or ever restarted, as "NAME STATE RESTARTS" (empty: all up)
services_not_up() { awk 'NR > 1 && ($3 != "running" || $4 != 0) { print $1, $3, $4 }' /proc/services | tr '\n' ' '; }

finish() {
	cd /
	rm -rf "$T"
	echo "1..$tests"
	echo "# failed: $failures"
	[ "$failures" -eq 0 ]
}
