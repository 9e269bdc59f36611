/*
 * The driver library: what every device driver shares, so that each one is
 * restartable by construction. The contract it keeps for a driver (and the
 * driver's own part of it) is docs/drivers.md; the protocol is
 * lib/sys/include/proto/dev.h.
 *
 * A driver describes its character devices (struct chardrv), its block
 * devices (struct blockdrv), or both, and what it keeps across restarts,
 * then calls driver_start and driver_run. The library then:
 *   - receives, answers rs's heartbeats (lib/sys's ax_serve), and
 *     dispatches each request by the class its minor names (DEV_MINOR_BLOCK);
 *   - checks every field before the driver sees a request: the device
 *     (-ENXIO), lengths, flags, grant ids, reserved fields (-EINVAL), a
 *     request id the client already has waiting (-EINVAL);
 *   - for character devices keeps the requests that must wait (DEV_SUSPENDED,
 *     DEV_STATUS, DEV_CANCEL) and the select registrations, retries them when
 *     the driver says a device made progress (driver_kick), runs VTIME-like
 *     timers on the kernel's alarm;
 *   - for block devices clamps every transfer to the device's size, answers
 *     DEV_SIZE and BLKGETSIZE64, so the driver only moves bytes;
 *   - keeps state across restarts (sys/kept.h): after every request and
 *     interrupt it commits the waiting requests and the driver's state to the
 *     region rs keeps, so the next incarnation starts from the state as it
 *     was before the request it died in, and finishes what this one took on
 *     (pending.h);
 *   - announces the driver in ds.
 */
#ifndef DRIVER_DRIVER_H
#define DRIVER_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <proto/dev.h>
#include <sys/server.h>

#include "pending.h"

/* ---- character devices ---------------------------------------------------------------- */

struct chardrv {
	unsigned units; /* its devices are units 0 .. units-1 (at most 64) */
	uint32_t io_flags; /* request flags it takes besides DEV_NONBLOCK and DEV_REISSUE (a terminal: DEV_NOSTOP) */
	/* The unit a request's minor names for a caller of session sid, or -1 (-ENXIO). */
	int (*unit)(uint64_t minor, int32_t sid);
	/* Whether the minor is one of its devices at all (DEV_CLOSE, DEV_SIZE: /dev/tty without a session is). */
	bool (*names)(uint64_t minor);
	/* DEV_OPEN, after the checks: 0 or -errno. May be 0: every open succeeds. */
	int64_t (*open)(int unit, const struct dev_open_req *rq);
	/*
	 * Job control before a read or write: the signal the caller's group
	 * must get (DEV_BACKGROUND), or 0. May be 0.
	 */
	int (*job_control)(int unit, const struct dev_io_req *rq, bool write);
	/*
	 * A read or write, now or again later: bytes or -errno, or DEV_SUSPENDED
	 * (it must wait; the library keeps it and asks again after driver_kick).
	 * A write records its progress in io->done as it goes. timed_out: the
	 * read's deadline passed.
	 */
	int64_t (*read)(struct drv_io *io, bool timed_out);
	int64_t (*write)(struct drv_io *io);
	/* When a waiting read times out (ns of ax_now_ns), 0: never. May be 0. */
	uint64_t (*deadline)(const struct drv_io *io);
	/* DEV_IOCTL, its fields checked: a value, -errno, or DEV_BACKGROUND (driver_background). */
	int64_t (*ioctl)(int unit, const struct dev_ioctl_req *rq, ax_message *reply);
	/* poll(2)'s events ready now (DEV_POLL*). */
	uint32_t (*ready)(int unit);
	/* After the library went over a unit's waiting requests: push out what they queued. May be 0. */
	void (*flush)(int unit);
};

/* A device made progress (input came, output room appeared, settings changed): retry what waits on it. */
void driver_kick(int unit);

/* A DEV_BACKGROUND answer naming sig. */
int64_t driver_background(ax_message *reply, int sig);

/* ---- block devices ---------------------------------------------------------------------- */

struct blockdrv {
	/* The unit a request's minor names (DEV_MINOR_BLOCK set), or -1 (-ENXIO). */
	int (*unit)(uint64_t minor);
	/* Its size in bytes. */
	uint64_t (*size)(int unit);
	/*
	 * Move [pos, pos+len) (already inside the device, len > 0) to or from
	 * the client's buffer (driver_copy with rq): bytes done or -errno.
	 * Positional, so doing it twice is doing it once.
	 */
	int64_t (*transfer)(int unit, const struct dev_io_req *rq, uint64_t pos, uint64_t len, bool write);
};

/* ---- the driver --------------------------------------------------------------------------- */

struct driver {
	const char *name;              /* for messages */
	const char *label;             /* announced in ds as the driver's (0: it may not talk to ds) */
	const struct chardrv *chr;     /* 0: no character devices */
	const struct blockdrv *blk;    /* 0: no block devices */
	const struct ax_call *calls;   /* other requests it takes (any type but DEV_*) */
	int ncalls;
	void (*interrupt)(uint64_t irqs); /* the hardware's notification: a bit per IRQ line */
	void (*alarm)(void);              /* the kernel's alarm rang (after the library's timers) */
	/*
	 * Its own state that outlives it: kept_len bytes at state, which the
	 * driver works on; magic and version name their layout. After every
	 * request the library commits them to the kept region (kept_copy: what
	 * is live in them; 0: all of them) and seals the copy (kept_sum: the
	 * checksum of what is live; 0: of all of it).
	 */
	void *state;
	size_t kept_len;
	uint32_t kept_magic, kept_version;
	void (*kept_copy)(void *committed, const void *live);
	uint64_t (*kept_sum)(const void *committed);
	/*
	 * Output to hardware is the one thing a rollback cannot take back. A
	 * driver that streams hands the hardware only bytes the last commit
	 * holds, after it (committed: called after every commit), and says how
	 * many with driver_sent; the next incarnation's kept_sent learns how
	 * many of the committed state's bytes already went out. May be 0.
	 */
	void (*committed)(void);
	void (*kept_sent)(int unit, uint32_t n);
	/*
	 * Its state changes with nearly every request and interrupt (a
	 * terminal's queues): committed after each. Otherwise only after the
	 * driver says driver_changed() (and after the library's own changes),
	 * so a driver whose requests change nothing (/dev/null) pays nothing.
	 */
	bool state_always_changes;
};

/* The state changed: the next commit copies it. */
void driver_changed(void);

/* Of the output the last commit holds for unit, n bytes are now with the hardware (their running count). */
void driver_sent(int unit, uint32_t n);

/*
 * Before anything else: takes the kept state. True when the last
 * incarnation's committed state was good: it is back in d->state, and the
 * requests it kept are orphans its clients take back by asking again
 * (pending.h); false: d->state is as the driver left it (zeros at first).
 * Then announces the driver in ds.
 */
bool driver_start(const struct driver *d);

/* Serve forever. */
_Noreturn void driver_run(const struct driver *d);

/* The bytes after the kept state (a RAM disk's), page-aligned: 0 if none. */
void *driver_kept_extra(size_t *size);

/* Copy between the driver and a client's grant (dir: AX_COPY_FROM reads the client): 0 or < 0. */
int driver_copy(uint64_t granter, uint64_t grant, uint64_t off, void *buf, uint64_t len, int dir);

/* Character part and block part of the loop (driver.c dispatches to them). */
int64_t chardrv_request(const ax_message *m, ax_message *r);
int64_t blockdrv_request(const ax_message *m, ax_message *r);
void chardrv_attach(const struct chardrv *c, struct drv_io *table);
void blockdrv_attach(const struct blockdrv *b);
void chardrv_alarm(void);

#endif
