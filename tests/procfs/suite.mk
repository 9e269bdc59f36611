# The procfs suites: /proc read by test programs, and by BusyBox's ps, top and free.
SUITES += procfs procfs_busybox
procfs.image := tests/procfs/image.list
procfs.archives := procfs-services.cpio=tests/procfs/services.list procfs-programs.cpio=tests/procfs/programs.list
procfs.run := --expected tests/procfs/expected.txt
procfs_busybox.image := tests/procfs/busybox.list
procfs_busybox.archives := procfs-bb-root.cpio=tests/procfs/busybox-root.list
procfs_busybox.cpio.procfs-bb-root.cpio := $(DEV_NODES)
procfs_busybox.needs := $(B)/bin/busybox
procfs_busybox.run := --expected tests/procfs/busybox-expected.txt
