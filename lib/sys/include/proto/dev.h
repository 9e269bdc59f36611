/*
 * The protocol between vfs (or any client) and device drivers.
 *
 * Every request is self-contained: it names the minor device, the byte
 * position (block devices) and the client's buffer by grant, and a driver
 * keeps no per-client state a request depends on. So when a driver dies
 * and rs starts a fresh copy under a new endpoint, vfs simply sends the
 * requests that were pending to the new endpoint again (DEV_REISSUE):
 * reads and writes at an explicit position are idempotent, and an open of
 * a character device is only a check. A stream's requests that waited
 * (a terminal's) the driver keeps with their progress in kept state, so
 * the next incarnation goes on with them (lib/driver, docs/drivers.md).
 *
 * Bulk data never travels in messages: the client makes a grant for its
 * buffer (vfs makes a magic grant over the user's own buffer, so the
 * driver copies straight into it) and the driver uses KC_SAFECOPY with
 * (granter, grant id, offset). Lengths are at most DEV_IO_MAX per request.
 *
 * Replies: i64[0] = bytes done (>= 0) or a negative Linux errno; a driver
 * answers every request, malformed ones with -EINVAL (bad fields, a
 * reserved field not 0), -ENXIO (no such minor), -ENOSYS (unknown request).
 *
 * Requests that must wait (a terminal read with no line typed yet, a write
 * to a terminal whose output is stopped) are never left unanswered: the
 * driver answers DEV_SUSPENDED at once and keeps the request, by its id
 * (chosen by the client, unique among its pending requests) and with its
 * grant, which the client keeps valid. When one completes, or a select
 * registration becomes ready, the driver sends the client a notification;
 * the client then asks DEV_STATUS until the answer is DEV_EV_NONE. So a
 * driver never blocks on a client (it only answers and notifies), and a
 * client may sendrec a driver at any time without deadlock. DEV_CANCEL
 * takes back a pending request (a signal interrupted the caller).
 *
 * Terminal job control: a read or write (or a tcsetattr-like ioctl) from a
 * process group that is not the terminal's foreground group, on the
 * caller's controlling terminal, is answered DEV_BACKGROUND with the signal
 * the caller's group must get (SIGTTIN, SIGTTOU) in struct dev_reply's signal;
 * vfs has pm send it. When pm refuses (the process ignores or blocks the signal), a read
 * gets -EIO, as on Linux, and a write or ioctl is sent again with
 * DEV_NOSTOP (DEV_IOCTL: DEV_IOCTL_NOSTOP): Linux
 * lets those proceed.
 * Keyboard signals (^C, ^Z, ^\) and SIGWINCH the driver asks pm for itself:
 * it notifies pm, which pulls them with PM_SIGNAL_PULL (proto/pm.h).
 */
#ifndef PROTO_DEV_H
#define PROTO_DEV_H

#include <stdint.h>

enum {
	DEV_OPEN = 0x700, /* struct dev_open_req -> 0 */
	DEV_CLOSE,        /* struct dev_minor_req -> 0 (the last close of the device by any process) */
	DEV_READ,         /* struct dev_io_req -> bytes, DEV_SUSPENDED, DEV_BACKGROUND */
	DEV_WRITE,        /* struct dev_io_req, from the grant -> bytes, DEV_SUSPENDED, DEV_BACKGROUND */
	DEV_IOCTL,        /* struct dev_ioctl_req -> value, DEV_BACKGROUND */
	DEV_SIZE,         /* struct dev_minor_req -> bytes (block devices; character devices: -ENOTTY) */
	DEV_CANCEL,       /* struct dev_cancel_req -> bytes already done (> 0), or -EINTR; the id is then gone */
	DEV_SELECT,       /* struct dev_select_req -> events ready now */
	DEV_STATUS,       /* (nothing) -> struct dev_status_reply: one event; ask again until DEV_EV_NONE */
	DEV_SESSION_END,  /* struct dev_session_end_req: the session's leader ended (terminals: the one it
			     controls is given up, its foreground group hung up, as Linux does) -> 0 */
};

/* ---- Requests and replies: each is the payload of one message (ax_message.bytes) ---- */

/*
 * Every request names its device first: minor = DEV_MKMINOR(major, minor)
 * from vfs (other clients may give the bare minor), | DEV_MINOR_BLOCK for a
 * block device. The caller's ids (pid, sid, pgrp) are the process's for whom
 * vfs asks: a terminal decides job control and /dev/tty by them.
 */
struct dev_minor_req { /* DEV_CLOSE, DEV_SIZE */
	uint64_t minor;
};

struct dev_open_req {
	uint64_t minor;
	uint32_t flags;    /* open flags (O_*) */
	uint32_t reserved; /* 0 */
	int32_t pid, sid;
	int32_t pgrp;
	uint32_t reserved2; /* 0 */
};

struct dev_io_req { /* DEV_READ, DEV_WRITE */
	uint64_t minor;
	uint64_t pos;     /* block devices: the byte position; character devices: ignored */
	uint64_t len;     /* at most DEV_IO_MAX */
	uint64_t grant;   /* the client's grant over its buffer (a grant id: 32 bits) */
	int64_t granter;  /* the client */
	uint32_t flags;   /* DEV_NONBLOCK, DEV_NOSTOP, DEV_REISSUE */
	uint32_t id;      /* the client's name for the request, unique among its pending ones */
	int32_t pgrp, sid;
};

struct dev_ioctl_req {
	uint64_t minor;
	uint64_t request; /* the ioctl's number (32 bits) */
	uint64_t grant;   /* over the argument's bytes, or DEV_NO_GRANT */
	int64_t granter;
	uint64_t value;   /* the argument itself, for ioctls that pass a number */
	int32_t pid, sid;
	int32_t pgrp;
	uint32_t flags;   /* DEV_IOCTL_NOSTOP */
};

struct dev_cancel_req {
	uint64_t minor;
	uint32_t id;       /* a DEV_SUSPENDED request's */
	uint32_t reserved; /* 0 */
};

struct dev_select_req {
	uint64_t minor;
	uint32_t events;   /* DEV_POLL* */
	uint32_t notify;   /* DEV_SELECT_NOTIFY or 0 */
	int32_t sid;       /* the caller's (for /dev/tty) */
	uint32_t reserved; /* 0 */
};

struct dev_session_end_req {
	int64_t sid; /* 1 .. INT32_MAX */
};

/* The answer to every request but DEV_STATUS. */
struct dev_reply {
	int64_t result;  /* bytes, a value, 0, a negative errno, DEV_SUSPENDED or DEV_BACKGROUND */
	uint64_t signal; /* DEV_BACKGROUND: the signal for the caller's group */
};

/* DEV_STATUS's answer. */
struct dev_status_reply {
	int64_t event;  /* DEV_EV_*: the reply's i64[0] */
	uint64_t minor; /* the device the event is about */
	uint32_t id;    /* DEV_EV_DONE: the request that ended */
	uint32_t reserved;
	int64_t result; /* DEV_EV_DONE: bytes or -errno; DEV_EV_SELECT: the events now ready */
};

_Static_assert(sizeof(struct dev_minor_req) == 8, "dev_minor_req layout");
_Static_assert(sizeof(struct dev_open_req) == 32, "dev_open_req layout");
_Static_assert(sizeof(struct dev_io_req) == 56, "dev_io_req layout");
_Static_assert(sizeof(struct dev_ioctl_req) == 56, "dev_ioctl_req layout");
_Static_assert(sizeof(struct dev_cancel_req) == 16, "dev_cancel_req layout");
_Static_assert(sizeof(struct dev_select_req) == 24, "dev_select_req layout");
_Static_assert(sizeof(struct dev_session_end_req) == 8, "dev_session_end_req layout");
_Static_assert(sizeof(struct dev_reply) == 16, "dev_reply layout");
_Static_assert(sizeof(struct dev_status_reply) == 32, "dev_status_reply layout");

#define DEV_IO_MAX (1u << 20) /* bytes per read or write request */
#define DEV_MINOR_BLOCK (1ULL << 32) /* in minor: the minor is a block device's (else a character device's) */
#define DEV_NONBLOCK 0x800    /* DEV_READ/DEV_WRITE flags: O_NONBLOCK, as Linux numbers it */
#define DEV_NOSTOP 0x1        /* DEV_WRITE flag: no SIGTTOU stop (the caller ignores or blocks it) */
#define DEV_REISSUE 0x2       /* DEV_READ/DEV_WRITE flag: sent before, under this id, to a former incarnation of
				 the driver: if it kept the request, go on with it (docs/drivers.md) */
#define DEV_IOCTL_NOSTOP 0x1  /* DEV_IOCTL flag: the same for an ioctl that changes the terminal */
#define DEV_NO_GRANT 0xffffffffu

/* Answers (result) that are not a count or an errno: outside Linux's errno range. */
#define DEV_SUSPENDED (-5000)  /* kept by its id; completion comes through DEV_STATUS */
#define DEV_BACKGROUND (-5001) /* job control: struct dev_reply's signal is for the caller's group */

/* poll(2)'s events, as Linux numbers them */
#define DEV_POLLIN 0x001
#define DEV_POLLPRI 0x002
#define DEV_POLLOUT 0x004
#define DEV_POLLERR 0x008
#define DEV_POLLHUP 0x010
#define DEV_SELECT_NOTIFY 1 /* none ready: remember, and report through DEV_STATUS when one is (once) */

/* DEV_STATUS events */
enum {
	DEV_EV_NONE = 0,
	DEV_EV_DONE,   /* a DEV_SUSPENDED request ended: id, minor, result (bytes or -errno) */
	DEV_EV_SELECT, /* a DEV_SELECT_NOTIFY registration fired: minor, result = the events now ready */
};

/* Linux's numbers for the devices of the memory driver (character major 1, block major 1). */
#define MEM_MAJOR 1
#define MEM_MINOR_NULL 3
#define MEM_MINOR_ZERO 5
#define MEM_MINOR_FULL 7
#define MEM_MINOR_RANDOM 8
#define MEM_MINOR_URANDOM 9
#define RAMDISK_MINOR 0 /* block 1:0, /dev/ram0: minor = DEV_MINOR_BLOCK | RAMDISK_MINOR */
#define BLKGETSIZE64 0x80081272 /* DEV_IOCTL on a block device: its size in bytes, a u64 into the grant */

/*
 * Terminals (the tty driver), Linux's numbers: major 4 minors 1..6 the
 * virtual consoles tty1..tty6 (0: tty0, the one shown), 64.. the serial
 * ports ttyS0, ttyS1; major 5 minor 0 /dev/tty (the caller's controlling
 * terminal: the driver finds it by the caller's session), minor 1
 * /dev/console (the terminal the system console is on).
 */
#define TTY_MAJOR 4
#define TTYAUX_MAJOR 5
#define TTY_MINOR_SERIAL 64
#define TTYAUX_MINOR_TTY 0
#define TTYAUX_MINOR_CONSOLE 1
/* In DEV_* minors from vfs the major is given too: minor | major << 20 (the low 32 bits). */
#define DEV_MKMINOR(major, minor) ((uint64_t)(minor) | (uint64_t)(major) << 20)
#define DEV_MAJOR_OF(m) ((uint32_t)(((m) >> 20) & 0xfff))
#define DEV_MINOR_OF(m) ((uint32_t)((m) & 0xfffff))

#endif
