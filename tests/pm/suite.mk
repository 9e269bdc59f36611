# The pm suite: pm without vfs, its programs from an archive; and that an
# unimplemented call is logged once, by name.
SUITES += pm pm_enosys_logged_once_by_name
pm.image := tests/pm/image.list
pm.archives := pm-programs.cpio=tests/pm/programs.list
pm.run := --expected tests/pm/expected.txt
pm_enosys_logged_once_by_name.iso := $(B)/pm.iso
pm_enosys_logged_once_by_name.run := --expect-line 'pm: pid 1 called acct \(163\), not implemented: ENOSYS' \
	--expect-line 'TESTS DONE'
