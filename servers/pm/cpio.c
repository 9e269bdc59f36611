#include "cpio.h"

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

int cpio_find(const uint8_t *base, size_t size, const char *path, const uint8_t **data, size_t *len,
	      unsigned *mode)
{
	size_t at = 0;

	while (path[0] == '/')
		path++;
	for (;;) {
		uint32_t m, filesize, namesize;
		const char *name;
		size_t data_at;

		if (size - at < HEADER || memcmp(base + at, "070701", 6) != 0 || hex8(base + at + 14, &m) < 0 ||
		    hex8(base + at + 54, &filesize) < 0 || hex8(base + at + 94, &namesize) < 0)
			return -22;
		if (namesize == 0 || namesize > size - at - HEADER || base[at + HEADER + namesize - 1] != 0)
			return -22;
		name = (const char *)base + at + HEADER;
		data_at = pad4(at + HEADER + namesize);
		if (data_at > size || filesize > size - data_at)
			return -22;
		if (strcmp(name, "TRAILER!!!") == 0)
			return -2;
		if (strcmp(name, path) == 0) {
			*data = base + data_at;
			*len = filesize;
			*mode = m;
			return 0;
		}
		at = pad4(data_at + filesize);
	}
}
