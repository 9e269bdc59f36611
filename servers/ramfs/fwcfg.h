/* Extra files for one boot from QEMU's fw_cfg (fwcfg.c). */
#ifndef RAMFS_FWCFG_H
#define RAMFS_FWCFG_H

#include "fs.h"

/*
 * Unpack fw_cfg's opt/axolotl/extra.cpio over the file system, if QEMU has
 * one: 1 if unpacked, 0 if there is none (or no fw_cfg, or no privilege
 * for its ports), or -errno (said in the log).
 */
int ramfs_load_extra(struct ramfs *fs);

#endif
