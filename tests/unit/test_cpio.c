/* lib/cpio against archives written by release/mkcpio's format. */
#include <stdio.h>

#include "check.h"
#include <cpio/cpio.h>

static uint8_t arc[4096];
static size_t len;

/* One newc entry, as release/mkcpio writes it. */
static void add(const char *name, unsigned mode, const char *data)
{
	size_t nlen = strlen(name) + 1, dlen = strlen(data);

	len += (size_t)sprintf((char *)arc + len, "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x", 1u,
			       mode, 0u, 0u, 1u, 0u, dlen, 0u, 0u, 0u, 0u, nlen, 0u);
	memcpy(arc + len, name, nlen);
	len = (len + nlen + 3) & ~(size_t)3;
	memcpy(arc + len, data, dlen);
	len = (len + dlen + 3) & ~(size_t)3;
}

static void build(void)
{
	memset(arc, 0, sizeof(arc));
	len = 0;
	add("bin", 040755, "");
	add("bin/hello", 0100755, "HELLO-ELF");
	add("etc/motd", 0100644, "hi");
	add("TRAILER!!!", 0, "");
}

static void finds_files_with_or_without_slash(void)
{
	const uint8_t *d;
	size_t n;
	unsigned mode;

	build();
	CHECK(cpio_find(arc, len, "bin/hello", &d, &n, &mode) == 0 && n == 9 && memcmp(d, "HELLO-ELF", 9) == 0);
	CHECK(mode == 0100755);
	CHECK(cpio_find(arc, len, "/etc/motd", &d, &n, &mode) == 0 && n == 2 && memcmp(d, "hi", 2) == 0);
}

static void missing_file_enoent(void)
{
	const uint8_t *d;
	size_t n;
	unsigned mode;

	build();
	CHECK(cpio_find(arc, len, "bin/nothing", &d, &n, &mode) == -2);
	CHECK(cpio_find(arc, len, "bin/hell", &d, &n, &mode) == -2);
}

static void malformed_archives_refused(void)
{
	const uint8_t *d;
	size_t n;
	unsigned mode;

	build();
	CHECK(cpio_find(arc, 50, "etc/motd", &d, &n, &mode) == -22);      /* cut inside a header */
	CHECK(cpio_find(arc, len - 20, "etc/motd", &d, &n, &mode) == 0); /* found before the cut */
	arc[0] = 'X';
	CHECK(cpio_find(arc, len, "bin/hello", &d, &n, &mode) == -22);
	build();
	memcpy(arc + 116 + 54, "ffffffff", 8); /* the second entry (at 116): a size past the end */
	CHECK(cpio_find(arc, len, "etc/motd", &d, &n, &mode) == -22);
}

/* cpio_next walks every entry with its fields, ends at the trailer, and stops at a bad hex digit. */
static void next_walks_entries_to_the_trailer(void)
{
	struct cpio_entry e;
	size_t at = 0;
	int seen = 0;

	build();
	while (cpio_next(arc, len, &at, &e) == 1) {
		seen++;
		if (seen == 2)
			CHECK(strcmp(e.name, "bin/hello") == 0 && e.mode == 0100755 && e.filesize == 9 && e.nlink == 1 &&
			      memcmp(e.data, "HELLO-ELF", 9) == 0);
	}
	CHECK(seen == 3);
	CHECK(at == len);
	CHECK(cpio_next(arc, len, &at, &e) == -22); /* past the end */
	at = 0;
	arc[6 + 8 * 4] = 'g'; /* nlink of the first entry */
	CHECK(cpio_next(arc, len, &at, &e) == -22 && at == 0);
}

int main(void)
{
	RUN(finds_files_with_or_without_slash);
	RUN(missing_file_enoent);
	RUN(malformed_archives_refused);
	RUN(next_walks_entries_to_the_trailer);
	return check_exit();
}
