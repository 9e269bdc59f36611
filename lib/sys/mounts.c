/*
 * The mount table's text, as Linux's /proc/mounts shows it (proto/info.h):
 * vfs calls info_mounts_set on every mount and unmount. Pure: no IPC, so
 * the host unit tests build it (tests/unit/test_procfs.c).
 */
#include "include/sys/info.h"
#include "include/sys/seqlock.h"

#define ENAMETOOLONG 36

/* Append s to text at *at with Linux's /proc/mounts escapes when mangle; 0, or -1 when it does not fit. */
static int put(char *text, uint32_t *at, const char *s, int mangle)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (mangle && (c == ' ' || c == '\t' || c == '\n' || c == '\\')) {
			if (*at + 4 > INFO_MOUNTS_TEXT_MAX)
				return -1;
			text[(*at)++] = '\\';
			text[(*at)++] = (char)('0' + (c >> 6));
			text[(*at)++] = (char)('0' + ((c >> 3) & 7));
			text[(*at)++] = (char)('0' + (c & 7));
		} else {
			if (*at + 1 > INFO_MOUNTS_TEXT_MAX)
				return -1;
			text[(*at)++] = (char)c;
		}
	}
	return 0;
}

/* One "SOURCE TARGET FSTYPE OPTIONS 0 0\n" line at *at; 0, or -1 (and *at unchanged) when it does not fit. */
static int put_mount(char *text, uint32_t *at, const struct info_mount *m)
{
	uint32_t start = *at;

	if (put(text, at, m->source, 1) || put(text, at, " ", 0) || put(text, at, m->target, 1) ||
	    put(text, at, " ", 0) || put(text, at, m->fstype, 1) || put(text, at, " ", 0) ||
	    put(text, at, m->options, 1) || put(text, at, " 0 0\n", 0)) {
		*at = start;
		return -1;
	}
	return 0;
}

int info_mounts_set(struct info_mounts *t, const struct info_mount *mounts, int n)
{
	uint32_t len = 0, count = 0;
	int r = 0;

	seq_write_begin(&t->seq);
	t->magic = INFO_MOUNTS_MAGIC;
	for (int i = 0; i < n; i++) {
		if (put_mount(t->text, &len, &mounts[i]) < 0) {
			r = -ENAMETOOLONG;
			break;
		}
		count++;
	}
	t->len = len;
	t->count = count;
	seq_write_end(&t->seq);
	return r;
}

