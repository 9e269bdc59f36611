/* Publishing information tables and finding them (sys/info.h, proto/info.h). */
#include <proto/ds.h>
#include <sys/ax.h>
#include <sys/info.h>
#include <sys/seqlock.h>

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

static int ds_call(endpoint_t ds, int type, const char *label, const void *value, size_t len, struct ds_reply *out)
{
	ax_message m = {.type = type};
	struct ds_request *rq = (struct ds_request *)(void *)m.bytes;
	size_t n = strlen(label);

	if (n == 0 || n >= DS_LABEL_MAX || len > DS_VALUE_MAX)
		return -AX_EINVAL;
	memcpy(rq->label, label, n + 1);
	rq->endpoint = ax_self;
	rq->len = (int64_t)len;
	if (len)
		memcpy(rq->value, value, len);
	if (ax_sendrec(ds, &m) < 0)
		return -AX_EDEADEP;
	if (out)
		memcpy(out, m.bytes, sizeof(*out));
	return (int)m.i64[0];
}

int info_publish(endpoint_t ds, const char *label, const char *key, uint32_t grant, uint64_t size, uint32_t magic)
{
	struct info_location where = {ax_self, grant, size, magic, 0};
	int r = ds_call(ds, DS_PUBLISH, label, 0, 0, 0);

	return r < 0 ? r : ds_call(ds, DS_STORE, key, &where, sizeof(where), 0);
}

int info_find(endpoint_t ds, const char *owner, const char *key, struct info_location *where)
{
	struct ds_reply rp;
	size_t n = strlen(key);
	char k[DS_VALUE_MAX] = {0};
	int r;

	if (n == 0 || n >= DS_LABEL_MAX)
		return -AX_EINVAL;
	memcpy(k, key, n);
	if ((r = ds_call(ds, DS_FETCH, owner, k, sizeof(k), &rp)) < 0)
		return r;
	if (rp.endpoint != (int64_t)sizeof(*where))
		return -AX_EINVAL;
	memcpy(where, rp.value, sizeof(*where));
	return 0;
}
