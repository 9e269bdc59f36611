# The vfs suite: vfs over ramfs, checked by a program speaking the POSIX bridge's messages.
SUITES += vfs
vfs.image := tests/vfs/image.list
vfs.archives := vfs-root.cpio=tests/vfs/programs.list
vfs.cpio.vfs-root.cpio := --chardev dev/null=1:3 --chardev dev/zero=1:5
vfs.run := --expected tests/vfs/expected.txt
