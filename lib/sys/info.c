/* Publishing an information table's location in ds and finding it (sys/info.h, proto/info.h). */
#include <proto/ds.h>
#include <sys/ax.h>
#include <sys/info.h>

int ds_call(endpoint_t ds, int type, const char *label, const void *value, size_t len, struct ds_reply *out)
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
