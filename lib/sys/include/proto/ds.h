/*
 * The data store's protocol (servers/ds). Services publish their endpoint
 * under a label; others look labels up, or subscribe to a label prefix and
 * are notified when a matching entry changes. A service may also keep small
 * values under its own label that survive its restart; anyone may read
 * them (DS_FETCH), so they hold nothing secret: a service publishes
 * through them where others find its tables (proto/info.h).
 *
 * Every request carries a label (1-15 printable characters, NUL-terminated
 * within 16 bytes); every reply's status is a negative errno or 0.
 */
#ifndef PROTO_DS_H
#define PROTO_DS_H

#include <axolotl/abi.h>

#define DS_LABEL_MAX 16 /* with the terminating NUL */
#define DS_VALUE_MAX 24

enum ds_call {
	DS_PUBLISH = 0x400, /* label, endpoint: publish (yourself; rs may publish anyone) */
	DS_LOOKUP,          /* label -> endpoint, or -ESRCH */
	DS_SUBSCRIBE,       /* label = a prefix: notify me when matching entries change */
	DS_CHECK,           /* -> one changed label and its endpoint, or -EAGAIN */
	DS_STORE,           /* label = key, len, value: keep it under my published label */
	DS_RETRIEVE,        /* label = key -> len, value */
	DS_FETCH,           /* label = the owner's label, value = key (NUL-terminated) -> len, value */
};

struct ds_request {
	char label[DS_LABEL_MAX];
	int64_t endpoint;               /* DS_PUBLISH */
	int64_t len;                    /* DS_STORE: bytes of value */
	uint8_t value[DS_VALUE_MAX];    /* DS_STORE */
};

struct ds_reply {
	int64_t status;
	int64_t endpoint; /* DS_LOOKUP, DS_CHECK; DS_RETRIEVE: the value's length */
	char label[DS_LABEL_MAX];
	uint8_t value[DS_VALUE_MAX];
};

_Static_assert(sizeof(struct ds_request) == 56, "a ds request fills a message payload");
_Static_assert(sizeof(struct ds_reply) == 56, "a ds reply fills a message payload");

#endif
