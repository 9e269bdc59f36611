/*
 * ds, the data store: labels -> endpoints, with subscriptions, and a small
 * key -> value store per service that outlives the service's restarts.
 * Protocol: lib/sys/include/proto/ds.h.
 */
#include <string.h>

#include <proto/ds.h>
#include <sys/server.h>

#define NR_ENTRIES 128
#define NR_SUBS 32
#define NR_VALUES 128

struct entry {
	char label[DS_LABEL_MAX];
	endpoint_t ep;
	uint64_t changed; /* bit s: subscriber s has not seen the change */
};

struct sub {
	endpoint_t ep;
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

static struct entry *find_label(const char *l)
{
	for (int i = 0; i < NR_ENTRIES; i++)
		if (entries[i].ep && strcmp(entries[i].label, l) == 0)
			return &entries[i];
	return 0;
}

static struct entry *find_endpoint(endpoint_t ep)
{
	for (int i = 0; i < NR_ENTRIES; i++)
		if (entries[i].ep == ep)
			return &entries[i];
	return 0;
}

static int is_rs(endpoint_t ep)
{
	struct entry *e = find_endpoint(ep);

	return e && strcmp(e->label, "rs") == 0;
}

/* Mark e changed for every subscriber whose prefix it matches, and tell them. */
static void announce(struct entry *e)
{
	for (int s = 0; s < NR_SUBS; s++) {
		if (!subs[s].ep || strncmp(e->label, subs[s].prefix, strlen(subs[s].prefix)) != 0)
			continue;
		e->changed |= 1ULL << s;
		ax_notify(subs[s].ep);
	}
}

static int64_t do_publish(const ax_message *m, ax_message *reply)
{
	const struct ds_request *rq = (const void *)m->bytes;
	struct entry *e;

	(void)reply;
	if (!label_ok(rq->label))
		return -AX_EINVAL;
	if (rq->endpoint != m->source && !is_rs(m->source))
		return -AX_EPERM; /* only rs publishes others */
	if ((e = find_label(rq->label))) {
		if (e->ep != m->source && !is_rs(m->source))
			return -AX_EPERM; /* the label is someone else's */
	} else {
		for (e = entries; e < entries + NR_ENTRIES && e->ep; e++)
			;
		if (e == entries + NR_ENTRIES)
			return -AX_ENOMEM;
		strcpy(e->label, rq->label);
	}
	e->ep = (endpoint_t)rq->endpoint;
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
	if (!(e = find_label(rq->label)))
		return -AX_ESRCH;
	rp->endpoint = e->ep;
	return 0;
}

static int64_t do_subscribe(const ax_message *m, ax_message *reply)
{
	const struct ds_request *rq = (const void *)m->bytes;
	int s;

	(void)reply;
	if (!label_ok(rq->label))
		return -AX_EINVAL;
	for (s = 0; s < NR_SUBS && subs[s].ep && subs[s].ep != m->source; s++)
		;
	if (s == NR_SUBS)
		return -AX_ENOMEM;
	subs[s].ep = m->source;
	strcpy(subs[s].prefix, rq->label);
	for (int i = 0; i < NR_ENTRIES; i++) /* what already exists counts as changed */
		if (entries[i].ep && strncmp(entries[i].label, rq->label, strlen(rq->label)) == 0)
			entries[i].changed |= 1ULL << s;
	return 0;
}

static int64_t do_check(const ax_message *m, ax_message *reply)
{
	struct ds_reply *rp = (void *)reply->bytes;

	for (int s = 0; s < NR_SUBS; s++) {
		if (subs[s].ep != m->source)
			continue;
		for (int i = 0; i < NR_ENTRIES; i++) {
			if (entries[i].ep && (entries[i].changed & (1ULL << s))) {
				entries[i].changed &= ~(1ULL << s);
				strcpy(rp->label, entries[i].label);
				rp->endpoint = entries[i].ep;
				return 0;
			}
		}
	}
	return -AX_EAGAIN;
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
	{DS_FETCH, do_fetch},
};

int main(void)
{
	ax_printf("ds: data store up at endpoint %d\n", ax_self);
	ax_serve(calls, (int)(sizeof(calls) / sizeof(calls[0])), 0);
}
