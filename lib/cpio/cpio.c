/* Reading newc cpio archives: see cpio.h. */
#include "cpio.h"

#include <errno.h>
#include <string.h>

#define HEADER 110 /* "070701" and 13 eight-digit hex fields */

static int hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t pad4(size_t n) { return (n + 3) & ~(size_t)3; }

int cpio_next(const uint8_t *base, size_t size, size_t *at, struct cpio_entry *e)
{
	uint32_t *field[] = {&e->ino,      &e->mode,     &e->uid,       &e->gid,       &e->nlink,    &e->mtime,
			     &e->filesize, &e->devmajor, &e->devminor, &e->rdevmajor, &e->rdevminor, &e->namesize};
	size_t data_at;

	if (*at > size || size - *at < HEADER || memcmp(base + *at, "070701", 6) != 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(field) / sizeof(field[0]); i++)
		if (hex8(base + *at + 6 + 8 * i, field[i]) < 0)
			return -EINVAL;
	if (e->namesize == 0 || e->namesize > size - *at - HEADER || base[*at + HEADER + e->namesize - 1] != 0)
		return -EINVAL;
	e->name = (const char *)base + *at + HEADER;
	data_at = pad4(*at + HEADER + e->namesize);
	if (data_at > size || e->filesize > size - data_at)
		return -EINVAL;
	e->data = base + data_at;
	*at = pad4(data_at + e->filesize);
	return strcmp(e->name, "TRAILER!!!") == 0 ? 0 : 1;
}

int cpio_find(const uint8_t *base, size_t size, const char *path, const uint8_t **data, size_t *len,
	      unsigned *mode)
{
	struct cpio_entry e;
	size_t at = 0;
	int r;

	while (path[0] == '/')
		path++;
	while ((r = cpio_next(base, size, &at, &e)) == 1) {
		if (strcmp(e.name, path) == 0) {
			*data = e.data;
			*len = e.filesize;
			*mode = e.mode;
			return 0;
		}
	}
	return r == 0 ? -ENOENT : r;
}
