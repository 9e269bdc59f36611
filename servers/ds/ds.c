/*
 * ds, the data store: labels -> endpoints, with subscriptions, and a small
 * key -> value store per service that outlives the service's restarts.
 * Protocol: lib/sys/include/proto/ds.h.
 */
#include <string.h>

#include <proto/ds.h>
#include <sys/server.h>

#define NR_ENTRIES 128
#define NR_SUBS 64 /* a bit of entry.changed each */
#define NR_VALUES 128

struct entry {
	char label[DS_LABEL_MAX];
	endpoint_t ep;    /* DS_UP: the service; AX_NONE otherwise */
	int state;        /* enum ds_state; 0: the slot is free */
	uint64_t changed; /* bit s: subscription s has not seen the change */
};

/* One subscription: a client may hold several, one per prefix. */
struct sub {
	endpoint_t ep; /* AX_NONE: free */
	char prefix[DS_LABEL_MAX];
};

struct value {
	char owner[DS_LABEL_MAX]; /* the label of the service that stored it */
	char key[DS_LABEL_MAX];
	int64_t len;
	uint8_t bytes[DS_VALUE_MAX];
};

static struct entry entries[NR_ENTRIES];
static struct sub subs[NR_SUBS];
static struct value values[NR_VALUES];
static endpoint_t rs = AX_NONE; /* the boot process "rs", who may publish anyone: never restarted */

/* 1-15 printable characters, NUL-terminated inside the field. */
static int label_ok(const char *l)
{
	size_t n = strnlen(l, DS_LABEL_MAX);

	if (n == 0 || n == DS_LABEL_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (l[i] <= ' ' || l[i] > '~')
			return 0;
	return 1;
}

static int matches(const char *label, const char *prefix)
{
	return strncmp(label, prefix, strlen(prefix)) == 0;
}

/* The entry of label l, deleted ones (DS_GONE, not yet seen by every subscriber) included; or 0. */
static struct entry *find_label(const char *l)
{
	for (int i = 0; i < NR_ENTRIES; i++)
		if (entries[i].state && strcmp(entries[i].label, l) == 0)
			return &entries[i];
	return 0;
}

/* The label ep has published (it is up under it), or 0. */
static struct entry *find_endpoint(endpoint_t ep)
{
	for (int i = 0; i < NR_ENTRIES; i++)
		if (entries[i].state == DS_UP && entries[i].ep == ep)
			return &entries[i];
	return 0;
}

static int is_rs(endpoint_t ep)
{
	return rs != AX_NONE && ep == rs;
}

/* A deleted entry is freed once every subscriber has seen its deletion. */
static void maybe_free(struct entry *e)
{
	if (e->state == DS_GONE && !e->changed)
		e->state = 0;
}

static void drop_sub(int s)
{
	subs[s].ep = AX_NONE;
	for (int i = 0; i < NR_ENTRIES; i++) {
		entries[i].changed &= ~(1ULL << s);
		maybe_free(&entries[i]);
	}
}

/* Mark e changed for every subscription whose prefix it matches, and tell its holder. */
static void announce(struct entry *e)
{
	for (int s = 0; s < NR_SUBS; s++) {
		if (subs[s].ep == AX_NONE || !matches(e->label, subs[s].prefix))
			continue;
		e->changed |= 1ULL << s;
		if (ax_notify(subs[s].ep) == -AX_EDEADEP)
			drop_sub(s); /* the subscriber is gone: its next incarnation subscribes anew */
	}
	maybe_free(e);
}

/* A free entry for a new label (a deleted one that everyone has seen is free), or 0. */
static struct entry *new_entry(const char *l)
{
	for (int i = 0; i < NR_ENTRIES; i++) {
		if (!entries[i].state) {
			memset(&entries[i], 0, sizeof(entries[i]));
			strcpy(entries[i].label, l);
			return &entries[i];
		}
	}
	return 0;
}

/*
 * Anyone publishes itself, up, under a free label or its own; rs publishes
 * anyone in any state (a service's new endpoint before it runs; down or
 * failed when it ends), and only rs touches a label that is not up.
 */
static int64_t do_publish(const ax_message *m, ax_message *reply)
{
	const struct ds_request *rq = (const void *)m->bytes;
	int64_t state = rq->state ? rq->state : DS_UP;
	struct entry *e;

	(void)reply;
	if (!label_ok(rq->label) || state < DS_UP || state > DS_STOPPED || state == DS_GONE)
		return -AX_EINVAL;
	if (!is_rs(m->source) && (state != DS_UP || rq->endpoint != m->source))
		return -AX_EPERM; /* only rs publishes others, or a state */
	if (state == DS_UP && (rq->endpoint <= 0 || rq->endpoint > INT32_MAX))
		return -AX_EINVAL;
	e = find_label(rq->label);
	if (e && e->state != DS_GONE && e->ep != m->source && !is_rs(m->source))
		return -AX_EPERM; /* the label is someone else's, or kept by rs */
	if (!e && !(e = new_entry(rq->label)))
		return -AX_ENOMEM;
	e->state = (int)state;
	e->ep = state == DS_UP ? (endpoint_t)rq->endpoint : AX_NONE;
	announce(e);
	return 0;
}

static int64_t do_lookup(const ax_message *m, ax_message *reply)
{
	const struct ds_request *rq = (const void *)m->bytes;
	struct ds_reply *rp = (void *)reply->bytes;
	struct entry *e;

	if (!label_ok(rq->label))
		return -AX_EINVAL;
	if (!(e = find_label(rq->label)) || e->state == DS_GONE)
		return -AX_ESRCH;
	rp->endpoint = e->ep;
	rp->state = e->state;
	return 0;
}

static int find_sub(endpoint_t ep, const char *prefix)
{
	for (int s = 0; s < NR_SUBS; s++)
		if (subs[s].ep == ep && ep != AX_NONE && strcmp(subs[s].prefix, prefix) == 0)
			return s;
	return -1;
}

static int64_t do_subscribe(const ax_message *m, ax_message *reply)
{
	const struct ds_request *rq = (const void *)m->bytes;
	int s;

	(void)reply;
	if (!label_ok(rq->label))
		return -AX_EINVAL;
	if (find_sub(m->source, rq->label) >= 0)
		return 0; /* already */
	for (s = 0; s < NR_SUBS && subs[s].ep != AX_NONE; s++)
		;
	if (s == NR_SUBS)
		return -AX_ENOMEM;
	subs[s].ep = m->source;
	strcpy(subs[s].prefix, rq->label);
	for (int i = 0; i < NR_ENTRIES; i++) /* what already exists counts as changed */
		if (entries[i].state && entries[i].state != DS_GONE && matches(entries[i].label, rq->label))
			entries[i].changed |= 1ULL << s;
	return 0;
}

static int64_t do_unsubscribe(const ax_message *m, ax_message *reply)
{
	const struct ds_request *rq = (const void *)m->bytes;
	int s;

	(void)reply;
	if (!label_ok(rq->label))
		return -AX_EINVAL;
	if ((s = find_sub(m->source, rq->label)) < 0)
		return -AX_ESRCH;
	drop_sub(s);
	return 0;
}

/* One change the caller has not seen, through any of its subscriptions; seen through all of them now. */
static int64_t do_check(const ax_message *m, ax_message *reply)
{
	struct ds_reply *rp = (void *)reply->bytes;
	uint64_t mine = 0;

	for (int s = 0; s < NR_SUBS; s++)
		if (subs[s].ep == m->source && m->source != AX_NONE)
			mine |= 1ULL << s;
	for (int i = 0; mine && i < NR_ENTRIES; i++) {
		struct entry *e = &entries[i];

		if (e->state && (e->changed & mine)) {
			e->changed &= ~mine;
			strcpy(rp->label, e->label);
			rp->endpoint = e->ep;
			rp->state = e->state;
			maybe_free(e);
			return 0;
		}
	}
	return -AX_EAGAIN;
}

/* Remove a label: its owner (up under it) or rs. Subscribers see DS_GONE once. */
static int64_t do_delete(const ax_message *m, ax_message *reply)
{
	const struct ds_request *rq = (const void *)m->bytes;
	struct entry *e;

	(void)reply;
	if (!label_ok(rq->label))
		return -AX_EINVAL;
	if (!(e = find_label(rq->label)) || e->state == DS_GONE)
		return -AX_ESRCH;
	if (!is_rs(m->source) && (e->state != DS_UP || e->ep != m->source))
		return -AX_EPERM;
	e->state = DS_GONE;
	e->ep = AX_NONE;
	announce(e);
	return 0;
}

/* The value slot for (owner, key); a free one if create. */
static struct value *find_value(const char *owner, const char *key, int create)
{
	struct value *free_slot = 0;

	for (int i = 0; i < NR_VALUES; i++) {
		if (!values[i].owner[0]) {
			if (!free_slot)
				free_slot = &values[i];
		} else if (strcmp(values[i].owner, owner) == 0 && strcmp(values[i].key, key) == 0) {
			return &values[i];
		}
	}
	return create ? free_slot : 0;
}

static int64_t do_store(const ax_message *m, ax_message *reply)
{
	const struct ds_request *rq = (const void *)m->bytes;
	struct entry *me = find_endpoint(m->source);
	struct value *v;

	(void)reply;
	if (!label_ok(rq->label) || rq->len < 0 || rq->len > DS_VALUE_MAX)
		return -AX_EINVAL;
	if (!me)
		return -AX_EPERM; /* values belong to a published label */
	if (!(v = find_value(me->label, rq->label, 1)))
		return -AX_ENOMEM;
	strcpy(v->owner, me->label);
	strcpy(v->key, rq->label);
	v->len = rq->len;
	memcpy(v->bytes, rq->value, (size_t)rq->len);
	return 0;
}

static int64_t do_retrieve(const ax_message *m, ax_message *reply)
{
	const struct ds_request *rq = (const void *)m->bytes;
	struct ds_reply *rp = (void *)reply->bytes;
	struct entry *me = find_endpoint(m->source);
	struct value *v;

	if (!label_ok(rq->label))
		return -AX_EINVAL;
	if (!me)
		return -AX_EPERM;
	if (!(v = find_value(me->label, rq->label, 0)))
		return -AX_ESRCH;
	rp->endpoint = v->len;
	memcpy(rp->value, v->bytes, (size_t)v->len);
	return 0;
}

/* Another service's value: anyone may read what a service keeps (proto/ds.h). */
static int64_t do_fetch(const ax_message *m, ax_message *reply)
{
	const struct ds_request *rq = (const void *)m->bytes;
	struct ds_reply *rp = (void *)reply->bytes;
	char key[DS_LABEL_MAX];
	struct value *v;

	memcpy(key, rq->value, DS_LABEL_MAX);
	if (!label_ok(rq->label) || !label_ok(key))
		return -AX_EINVAL;
	if (!(v = find_value(rq->label, key, 0)))
		return -AX_ESRCH;
	rp->endpoint = v->len;
	memcpy(rp->value, v->bytes, (size_t)v->len);
	return 0;
}

static const struct ax_call calls[] = {
	{DS_PUBLISH, do_publish}, {DS_LOOKUP, do_lookup},   {DS_SUBSCRIBE, do_subscribe},
	{DS_CHECK, do_check},     {DS_STORE, do_store},     {DS_RETRIEVE, do_retrieve},
	{DS_FETCH, do_fetch},     {DS_UNSUBSCRIBE, do_unsubscribe}, {DS_DELETE, do_delete},
};

int main(void)
{
	rs = ax_boot_endpoint("rs");
	for (int s = 0; s < NR_SUBS; s++)
		subs[s].ep = AX_NONE;
	ax_printf("ds: data store up at endpoint %d\n", ax_self);
	ax_serve(calls, (int)(sizeof(calls) / sizeof(calls[0])), 0);
}
