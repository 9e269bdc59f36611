#!/bin/sh
# The service command, checked from inside the default image: tests/service/run
# adds tests/shell (for lib.sh) and this folder, and runs this script as root.
here=$(dirname "$0")
. "$here/../shell/lib.sh"
for group in "$here"/t-*.sh; do
	echo "# $(basename "$group")"
	cd "$T" || exit 99
	. "$group"
done
finish
