/* The data store: publish, look up, subscriptions, per-service values, bad requests. */
#include <string.h>

#include <proto/ds.h>

#include "../test.h"

static endpoint_t ds;

/* One ds call; returns the status and leaves the reply in *rp. */
static int64_t call(int type, const char *label, int64_t endpoint, const void *value, int64_t len,
		    struct ds_reply *rp)
{
	ax_message m = {.type = type};
	struct ds_request *rq = (struct ds_request *)m.bytes;
	int r;

	memcpy(rq->label, label, strnlen(label, DS_LABEL_MAX));
	rq->endpoint = endpoint;
	rq->len = len;
	if (value)
		memcpy(rq->value, value, (size_t)len);
	if ((r = ax_sendrec(ds, &m)) < 0)
		return r;
	if (rp)
		memcpy(rp, m.bytes, sizeof(*rp));
	return m.i64[0];
}

int main(void)
{
	struct ds_reply rp;
	endpoint_t pub = ax_boot_endpoint("dspub");
	ax_message m;

	ds = ax_boot_endpoint("ds");
	test_eq("ds_publish_self", call(DS_PUBLISH, "test_ds", ax_self, 0, 0, 0), 0);
	test_eq("ds_lookup_finds_endpoint", call(DS_LOOKUP, "test_ds", 0, 0, 0, &rp) == 0 ? rp.endpoint : -1, ax_self);
	test_eq("ds_lookup_unknown_esrch", call(DS_LOOKUP, "nobody", 0, 0, 0, 0), -AX_ESRCH);
	test_eq("ds_publish_someone_else_eperm", call(DS_PUBLISH, "fake", pub, 0, 0, 0), -AX_EPERM);
	test_eq("ds_empty_label_einval", call(DS_LOOKUP, "", 0, 0, 0, 0), -AX_EINVAL);
	test_eq("ds_unterminated_label_einval", call(DS_LOOKUP, "0123456789abcdefXYZ", 0, 0, 0, 0), -AX_EINVAL);
	test_eq("ds_label_with_space_einval", call(DS_PUBLISH, "a b", ax_self, 0, 0, 0), -AX_EINVAL);
	m = (ax_message){.type = 0x4ff};
	test_eq("ds_unknown_call_enosys", ax_sendrec(ds, &m) == 0 ? m.i64[0] : -1, -AX_ENOSYS);

	test_eq("ds_subscribe_prefix", call(DS_SUBSCRIBE, "drv.", 0, 0, 0, 0), 0);
	test_eq("ds_check_nothing_yet_eagain", call(DS_CHECK, "x", 0, 0, 0, 0), -AX_EAGAIN);
	ax_send(pub, &m); /* dspub publishes drv.one now */
	test_eq("ds_subscriber_notified", receive_within(ds, 2000, &m) == 0 && m.type == AX_MSG_NOTIFY, 1);
	test_result("ds_check_reports_change",
		    call(DS_CHECK, "x", 0, 0, 0, &rp) == 0 && strcmp(rp.label, "drv.one") == 0 && rp.endpoint == pub,
		    "wrong change");
	test_eq("ds_check_once_per_change", call(DS_CHECK, "x", 0, 0, 0, 0), -AX_EAGAIN);

	test_eq("ds_store_value", call(DS_STORE, "state", 0, "hello", 6, 0), 0);
	test_result("ds_retrieve_value",
		    call(DS_RETRIEVE, "state", 0, 0, 0, &rp) == 0 && rp.endpoint == 6 && strcmp((char *)rp.value, "hello") == 0,
		    "wrong value");
	test_eq("ds_store_replaces", call(DS_STORE, "state", 0, "bye", 4, 0), 0);
	test_result("ds_retrieve_replaced",
		    call(DS_RETRIEVE, "state", 0, 0, 0, &rp) == 0 && strcmp((char *)rp.value, "bye") == 0, "old value");
	test_eq("ds_retrieve_missing_esrch", call(DS_RETRIEVE, "nothing", 0, 0, 0, 0), -AX_ESRCH);
	test_eq("ds_store_too_long_einval", call(DS_STORE, "big", 0, 0, DS_VALUE_MAX + 1, 0), -AX_EINVAL);
	test_eq("ds_store_negative_length_einval", call(DS_STORE, "neg", 0, 0, -1, 0), -AX_EINVAL);
	test_done();
	return 0;
}
