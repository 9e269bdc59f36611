#!/bin/sh
# BusyBox ash, checked from inside the system: release/qemu-run --add tests/shell:/root/shell
# --cmd 'sh /root/shell/run-all.sh' (tests/shell/run does that, or runs it on this host).
# With a folder argument it runs that folder's t-*.sh instead (tests/service).
# Exits 0 only if every check passed.
here=$(dirname "$0")
checks=${1:-$here}
. "$here/lib.sh"
for group in "$checks"/t-*.sh; do
	echo "# $(basename "$group")"
	cd "$T" || exit 99
	. "$group"
done
finish
