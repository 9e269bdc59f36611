# The ramfs suites: the file server through its protocol; and the same
# image with an extra archive handed over by fw_cfg and unpacked over the root.
SUITES += ramfs ramfs_extra
ramfs.image := tests/ramfs/image.list
ramfs.archives := ramfs-root.cpio=tests/ramfs/programs.list
ramfs.run := --expected tests/ramfs/expected.txt
ramfs_extra.iso := $(B)/ramfs.iso
ramfs_extra.needs := $(B)/ramfs-extra.cpio
ramfs_extra.run := --expected tests/ramfs/expected-extra.txt \
	--qemu '-fw_cfg name=opt/axolotl/extra.cpio,file=$(B)/ramfs-extra.cpio'

$(B)/ramfs-extra.cpio: tests/ramfs/extra.spec $(wildcard tests/ramfs/extra/*) tests/ramfs/big.txt release/mkcpio
	release/mkcpio $@ --no-parents --spec tests/ramfs/extra.spec
