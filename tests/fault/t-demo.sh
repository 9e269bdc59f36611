# the demos (docs/demo.md): each runs to its end, says what it proved, and exits 0
check demo_lists_three 3 "$(demo | grep -c '^  [a-z]')"
for d in ramdisk typing campaign; do
	status "demo_${d}_exits_0" 0 sh -c "demo $d > $T/d.out 2>&1"
	sed 's/^/# /' "$T/d.out"
	check "demo_${d}_says_proved" 1 "$(grep -c '^proved: ' "$T/d.out")"
done
status demo_unknown 2 demo nosuch
status demo_no_paths 2 demo ../../etc/passwd
status demo_two_names 2 demo ramdisk typing
check demo_unknown_one_line "demo: no demo named 'nosuch' (demo lists them)" "$(demo nosuch 2>&1)"
status demo_unprivileged 1 su -s /bin/sh nobody -c 'demo ramdisk'
