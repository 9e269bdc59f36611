/*
 * The character requests a driver keeps while they wait (proto/dev.h,
 * DEV_SUSPENDED), as pure logic: no IPC, so the host tests drive it
 * (tests/unit/test_driver_pending.c). The table lives in the driver's kept
 * state, so a restarted driver still has its predecessor's requests and
 * their progress. It cannot know which of them the client still wants (the
 * caller may have been interrupted while the driver was down), so at start
 * each becomes an orphan: a request the client sends again under the same
 * id with DEV_REISSUE, for the same device, direction and length, takes it
 * back and goes on from where it was (a write's bytes already queued are
 * not queued again; a read that finished gives its result); any other
 * request under that id replaces it. Orphans never run by themselves.
 */
#ifndef DRIVER_PENDING_H
#define DRIVER_PENDING_H

#include <stdbool.h>
#include <stdint.h>

#define DRV_PENDING 64 /* waiting requests a driver keeps, all clients together */

struct drv_io {
	uint8_t used, write, finished, orphan;
	uint32_t id;         /* the client's name for it */
	int32_t client;      /* the client's endpoint */
	uint32_t unit;       /* the driver's number for the device */
	uint64_t minor;      /* as the client gave it: DEV_STATUS reports it */
	uint64_t grant;      /* the client's buffer (a grant id) */
	int64_t granter;
	uint64_t len, done;  /* bytes asked, bytes done so far (a write's progress) */
	uint32_t flags;      /* DEV_NONBLOCK, DEV_NOSTOP */
	uint32_t reserved;   /* 0 */
	uint64_t started_ns; /* when it came: VTIME's timer counts from there */
	int64_t result;      /* finished: bytes or -errno, what DEV_STATUS answers */
};

enum drv_claim {
	DRV_CLAIM_NEW,       /* no request of the client has that id: a new one */
	DRV_CLAIM_REPLACED,  /* an orphan had it and was dropped (not asked for again): a new one */
	DRV_CLAIM_DUPLICATE, /* the client has a live request with that id: the new one is malformed */
	DRV_CLAIM_RESUMED,   /* an orphan taken back: *slot, with the new request's grant */
};

/* The request of client with id, or 0. */
struct drv_io *drv_io_find(struct drv_io *t, unsigned n, int32_t client, uint32_t id);

/* A start from kept state: every request there becomes an orphan. Returns how many. */
unsigned drv_io_orphan_all(struct drv_io *t, unsigned n);

/* What a new request rq (reissue: it carries DEV_REISSUE) is to the table (see above). */
enum drv_claim drv_io_claim(struct drv_io *t, unsigned n, const struct drv_io *rq, bool reissue, struct drv_io **slot);

/* Keep rq: its slot (a free one, else an orphan's, the oldest first), or 0 when all are live. */
struct drv_io *drv_io_add(struct drv_io *t, unsigned n, const struct drv_io *rq);

/* The next finished request of client, or 0. */
struct drv_io *drv_io_next_done(struct drv_io *t, unsigned n, int32_t client);

#endif
