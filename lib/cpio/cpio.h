/*
 * Reading newc cpio archives ("070701", the format of Linux's initramfs and
 * of release/mkcpio): the boot archives pm, rs and ramfs read. Pure logic,
 * for the servers and the host tests alike.
 */
#ifndef LIB_CPIO_H
#define LIB_CPIO_H

#include <stddef.h>
#include <stdint.h>

/* One archive entry, its fields in the order of the newc header. */
struct cpio_entry {
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t devmajor, devminor, rdevmajor, rdevminor, namesize;
	const char *name;    /* NUL-terminated, as stored (no leading "/" is removed) */
	const uint8_t *data; /* filesize bytes */
};

/*
 * The entry at offset *at of the archive [base, base+size), moving *at past
 * it: 1, or 0 at the trailer ("TRAILER!!!"), or -EINVAL when the archive is
 * malformed there (a bad magic or hex digit, a name or data past the end).
 */
int cpio_next(const uint8_t *base, size_t size, size_t *at, struct cpio_entry *e);

/*
 * Look path up (leading slashes ignored) in the archive [base, base+size).
 * Returns 0 and the file's bytes and mode, -ENOENT if absent, -EINVAL if
 * the archive is malformed before the file is found.
 */
int cpio_find(const uint8_t *base, size_t size, const char *path, const uint8_t **data, size_t *len,
	      unsigned *mode);

#endif
