/* Finding a file in a newc cpio archive (pm's programs until vfs). Pure logic. */
#ifndef PM_CPIO_H
#define PM_CPIO_H

#include <stddef.h>
#include <stdint.h>

/*
 * Look path up (without a leading slash) in the archive [base, base+size).
 * Returns 0 and the file's bytes and mode, -ENOENT (2) if absent, -EINVAL
 * if the archive is malformed before the file is found.
 */
int cpio_find(const uint8_t *base, size_t size, const char *path, const uint8_t **data, size_t *len,
	      unsigned *mode);

#endif
