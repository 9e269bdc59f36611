#!/bin/sh
# BusyBox ash, checked from inside the system: release/qemu-run --add tests/shell:/root/shell
# --cmd 'sh /root/shell/run-all.sh' (tests/shell/run does that, or runs it on this host).
# Exits 0 only if every check passed.
here=$(dirname "$0")
. "$here/lib.sh"
for group in "$here"/t-*.sh; do
	echo "# $(basename "$group")"
	cd "$T" || exit 99
	. "$group"
done
finish
