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

/* States, several subscriptions per client, unsubscribing and deleting. No rs runs here: nobody may publish a state. */
static void subscription_checks(void)
{
	struct ds_reply rp;
	int gone_seen = 0;

	test_result("ds_lookup_reports_up_state", call(DS_LOOKUP, "test_ds", 0, 0, 0, &rp) == 0 && rp.state == DS_UP,
		    "not up");
	test_eq("ds_publish_state_without_rs_eperm", call(DS_PUBLISH, "test_ds", ax_self, 0, DS_DOWN, 0), -AX_EPERM);
	test_eq("ds_publish_bad_state_einval", call(DS_PUBLISH, "test_ds", ax_self, 0, 9, 0), -AX_EINVAL);
	test_eq("ds_subscribe_second_prefix", call(DS_SUBSCRIBE, "mine.", 0, 0, 0, 0), 0);
	test_eq("ds_subscribe_same_prefix_again", call(DS_SUBSCRIBE, "mine.", 0, 0, 0, 0), 0);
	test_eq("ds_publish_self_under_second_label", call(DS_PUBLISH, "mine.a", ax_self, 0, 0, 0), 0);
	test_result("ds_second_subscription_reports",
		    call(DS_CHECK, "x", 0, 0, 0, &rp) == 0 && strcmp(rp.label, "mine.a") == 0 && rp.endpoint == ax_self &&
			    rp.state == DS_UP,
		    "no change for mine.a");
	test_eq("ds_delete_others_eperm", call(DS_DELETE, "drv.one", 0, 0, 0, 0), -AX_EPERM);
	test_eq("ds_delete_unknown_esrch", call(DS_DELETE, "nobody", 0, 0, 0, 0), -AX_ESRCH);
	test_eq("ds_delete_own", call(DS_DELETE, "mine.a", 0, 0, 0, 0), 0);
	test_eq("ds_deleted_lookup_esrch", call(DS_LOOKUP, "mine.a", 0, 0, 0, 0), -AX_ESRCH);
	while (call(DS_CHECK, "x", 0, 0, 0, &rp) == 0)
		gone_seen |= strcmp(rp.label, "mine.a") == 0 && rp.state == DS_GONE && rp.endpoint == AX_NONE;
	test_eq("ds_subscriber_sees_deletion", gone_seen, 1);
	test_eq("ds_unsubscribe", call(DS_UNSUBSCRIBE, "mine.", 0, 0, 0, 0), 0);
	test_eq("ds_unsubscribe_unknown_esrch", call(DS_UNSUBSCRIBE, "mine.", 0, 0, 0, 0), -AX_ESRCH);
	call(DS_PUBLISH, "mine.b", ax_self, 0, 0, 0);
	test_eq("ds_unsubscribed_prefix_silent", call(DS_CHECK, "x", 0, 0, 0, 0), -AX_EAGAIN);
	test_result("ds_first_subscription_still_works", call(DS_PUBLISH, "drv.mine", ax_self, 0, 0, 0) == 0 &&
								   call(DS_CHECK, "x", 0, 0, 0, &rp) == 0 &&
								   strcmp(rp.label, "drv.mine") == 0,
		    "drv. no longer reported");
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

	subscription_checks();
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
