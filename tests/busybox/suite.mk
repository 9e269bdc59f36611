# The BusyBox suites: Debian's BusyBox, unmodified, run by the POSIX
# personality; and its output reaching the console.
SUITES += busybox busybox_output_on_console
busybox.image := tests/busybox/image.list
busybox.archives := busybox-programs.cpio=tests/busybox/programs.list
busybox.needs := $(B)/bin/busybox
busybox.run := --expected tests/busybox/expected.txt
busybox_output_on_console.iso := $(B)/busybox.iso
busybox_output_on_console.run := --expect-line '^busybox echo: hello from Debian.s BusyBox' \
	--expect-line '^busybox sh: hello from ash' --expect-line '^997 998 999$$' --expect-line '^Axolotl x86_64$$' \
	--expect-line 'TESTS DONE'
