/*
 * The data store's protocol (servers/ds). Services publish their endpoint
 * under a label; others look labels up, or subscribe to label prefixes (as
 * many as they like) and are notified when a matching entry changes. rs
 * (the boot process of that name) publishes every service's endpoint
 * before the service runs, and its state when it ends: ds is the one
 * place where endpoints change (docs/rs.md). A service may also keep small
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
	DS_PUBLISH = 0x400, /* label, endpoint, state: publish (yourself, up; rs may publish anyone in any state) */
	DS_LOOKUP,          /* label -> endpoint and state, or -ESRCH */
	DS_SUBSCRIBE,       /* label = a prefix: also notify me when matching entries change */
	DS_CHECK,           /* -> one changed label, its endpoint and state, or -EAGAIN */
	DS_STORE,           /* label = key, len, value: keep it under my published label */
	DS_RETRIEVE,        /* label = key -> len, value */
	DS_FETCH,           /* label = the owner's label, value = key (NUL-terminated) -> len, value */
	DS_UNSUBSCRIBE,     /* label = a prefix I subscribed to: no more notifications for it (-ESRCH: none) */
	DS_DELETE,          /* label: remove the entry (its owner or rs); subscribers see it as DS_GONE */
};

/* What a label's entry says of its service. */
enum ds_state {
	DS_UP = 1, /* endpoint is its live incarnation */
	DS_DOWN,    /* it ended and rs is bringing it back: endpoint is AX_NONE until DS_UP names the next one */
	DS_FAILED,  /* rs gave up on it: endpoint is AX_NONE until someone starts it again */
	DS_GONE,    /* deleted: only a subscriber's DS_CHECK sees this, once */
	DS_STOPPED, /* it ended and nothing restarts it (recovery none, no binary, 'service down'): AX_NONE until
		       someone starts it. A client waits for a DS_DOWN service, and fails at once for the others */
};

struct ds_request {
	char label[DS_LABEL_MAX];
	int64_t endpoint; /* DS_PUBLISH */
	union {
		int64_t len;   /* DS_STORE: bytes of value */
		int64_t state; /* DS_PUBLISH: enum ds_state (0 means DS_UP) */
	};
	uint8_t value[DS_VALUE_MAX]; /* DS_STORE */
};

struct ds_reply {
	int64_t status;
	int64_t endpoint; /* DS_LOOKUP, DS_CHECK; DS_RETRIEVE: the value's length */
	char label[DS_LABEL_MAX];
	union {
		uint8_t value[DS_VALUE_MAX]; /* DS_RETRIEVE, DS_FETCH */
		int64_t state;               /* DS_LOOKUP, DS_CHECK: enum ds_state */
	};
};

_Static_assert(sizeof(struct ds_request) == 56, "a ds request fills a message payload");
_Static_assert(sizeof(struct ds_reply) == 56, "a ds reply fills a message payload");

#endif
