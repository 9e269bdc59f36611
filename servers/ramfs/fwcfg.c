/*
 * Extra files for one boot: QEMU's fw_cfg device can carry a file named
 * opt/axolotl/extra.cpio (qemu -fw_cfg name=opt/axolotl/extra.cpio,file=X;
 * release/qemu-run --add and --cmd make one). If it is there, ramfs
 * unpacks it over the root archive at start-up: files of the same name
 * are replaced, missing folders made.
 *
 * fw_cfg on x86: a 16-bit selector port (0x510) and an 8-bit data port
 * (0x511) that reads the selected item byte after byte. Item 0 is the
 * signature "QEMU"; item 0x19 is the file directory: a big-endian count,
 * then per file a big-endian size (4 bytes), selector (2), reserved (2)
 * and a NUL-padded name (56). The DMA interface (0x514) would be faster
 * but needs physical addresses ramfs does not have; a byte per kernel call
 * reads about a megabyte a second under TCG, plenty for a few programs.
 *
 * Needs kc=devio and io=0x510-0x511 in ramfs's image line. Without them,
 * or on a machine without fw_cfg (the ports read 0xff), nothing happens.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sys/ax.h>

#include "fwcfg.h"

#define FWCFG_SELECT 0x510
#define FWCFG_DATA 0x511
#define FWCFG_SIGNATURE 0x0000
#define FWCFG_FILE_DIR 0x0019
#define FWCFG_NAME_MAX 56
#define EXTRA_NAME "opt/axolotl/extra.cpio"
#define EXTRA_MAX (64u << 20) /* no more than ramfs's own byte limit */

/* Select item sel: 0, or the kernel's refusal (no devio privilege). */
static int fwcfg_select(uint16_t sel)
{
	return ax_devio(FWCFG_SELECT, AX_IO_OUT16, sel, 0);
}

/* The next n bytes of the selected item. */
static int fwcfg_read(void *buf, size_t n)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < n; i++) {
		uint32_t v;
		int r = ax_devio(FWCFG_DATA, AX_IO_IN8, 0, &v);

		if (r < 0)
			return r;
		p[i] = (uint8_t)v;
	}
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The selector and size of the fw_cfg file called name: 1, 0 if there is none (or no fw_cfg), or -errno. */
static int fwcfg_find(const char *name, uint16_t *sel, uint32_t *size)
{
	uint8_t sig[4], count[4], file[64];
	uint32_t n;

	if (fwcfg_select(FWCFG_SIGNATURE) < 0)
		return 0; /* not allowed the ports: this image does not want extra files */
	if (fwcfg_read(sig, sizeof(sig)) < 0 || memcmp(sig, "QEMU", 4) != 0)
		return 0;
	if (fwcfg_select(FWCFG_FILE_DIR) < 0 || fwcfg_read(count, sizeof(count)) < 0)
		return -EIO;
	n = be32(count);
	if (n > 4096)
		return -EIO; /* not a directory QEMU would make */
	for (uint32_t i = 0; i < n; i++) {
		if (fwcfg_read(file, sizeof(file)) < 0)
			return -EIO;
		file[63] = 0;
		if (strcmp((const char *)file + 8, name) == 0) {
			*size = be32(file);
			*sel = (uint16_t)(file[4] << 8 | file[5]);
			return 1;
		}
	}
	return 0;
}

int ramfs_load_extra(struct ramfs *fs)
{
	uint16_t sel;
	uint32_t size;
	uint8_t *buf;
	const char *bad;
	uint64_t files = fs->inodes_used;
	int r = fwcfg_find(EXTRA_NAME, &sel, &size);

	if (r <= 0) {
		if (r < 0)
			ax_printf("ramfs: fw_cfg's file directory is unreadable (%d); no extra files\n", r);
		return r;
	}
	if (size > EXTRA_MAX) {
		ax_printf("ramfs: fw_cfg %s is %u bytes, more than %u; not unpacked\n", EXTRA_NAME, size, EXTRA_MAX);
		return -EFBIG;
	}
	if (!(buf = malloc(size ? size : 1))) {
		ax_printf("ramfs: no memory for fw_cfg %s (%u bytes); not unpacked\n", EXTRA_NAME, size);
		return -ENOMEM;
	}
	if (fwcfg_select(sel) < 0 || fwcfg_read(buf, size) < 0) {
		free(buf);
		ax_printf("ramfs: fw_cfg %s could not be read; not unpacked\n", EXTRA_NAME);
		return -EIO;
	}
	r = ramfs_load_cpio(fs, buf, size, &bad);
	free(buf);
	if (r)
		ax_printf("ramfs: fw_cfg %s: entry %s failed (%d); the entries before it are in place\n", EXTRA_NAME,
		          bad ? bad : "?", r);
	else
		ax_printf("ramfs: unpacked fw_cfg %s over the root (%u bytes, %ld new files)\n", EXTRA_NAME, size,
		          (long)(fs->inodes_used - files));
	return r ? r : 1;
}
