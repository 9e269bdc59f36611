/*
 * What rs says to the services it watches: heartbeats. rs pings a service
 * whose table entry has a `heartbeat` period with a notification, and the
 * service answers with a notification to rs. Neither ever blocks, so a
 * hung service cannot stall rs. lib/sys's server loop (ax_serve) answers
 * by itself: a notification from rs's endpoint never reaches the service's
 * on_notify, so every service on lib/sys is pingable with no code of its
 * own. A service that is silent for two periods (before its first answer:
 * two periods and RS_START_GRACE_MS) is killed and restarted.
 *
 * What rs tells anyone about the services (procfs's /proc/services): a
 * table in rs's memory behind a standing read-only grant, RS_INFO_GRANT of
 * rs's grant table (grantee AX_ANY): a struct rs_info_header, then
 * header.entries entries of header.entry_size bytes, one per service of the
 * table in table order. rs is a boot process and is never restarted, so its
 * endpoint (the boot information's "rs") and the grant never change. Each
 * entry is a seqlock (sys/seqlock.h), rewritten whenever the service is
 * started or restarted, ends, or its start fails.
 */
#ifndef PROTO_RS_H
#define PROTO_RS_H

#include <stdint.h>

#include <axolotl/abi.h>

#define RS_START_GRACE_MS 2000 /* more silence allowed before a new incarnation's first answer: its start-up */

/*
 * Control, for POSIX programs (the `service` command, docs/service.md): a
 * system call number Linux does not use, served by pm, which forwards it to
 * rs as RS_CTL with the caller's effective uid. From a program:
 *
 *     syscall(AX_SYS_RSCTL, op, label[0..7], label[8..15], arg0, arg1, arg2)
 *
 * the label packed into two words, little-endian, NUL-padded; the three
 * arguments 0 except for RS_CTL_FLIP (give all six: musl's syscall passes
 * six registers whatever the call names, and rs refuses nonzero ones with
 * -EINVAL). It returns 0
 * or -errno: -EPERM for a caller that is not root, or a service that may
 * not be stopped or started (recovery none, or a boot process rs does not
 * supervise: vm, pm, ds, rs, vfs); -ESRCH no such service; -EBUSY not
 * possible in its state (up while it runs); -EINVAL a bad op or label;
 * -ENOSYS no rs. Anything else is the error of the start that failed.
 */
#define AX_SYS_RSCTL 500
enum rs_ctl_op {
	RS_CTL_UP = 1,  /* start a service that is down or failed (its restart count goes on: it takes back its state) */
	RS_CTL_DOWN,    /* end it and leave it down */
	RS_CTL_RESTART, /* end it and start it again now: it takes back its state */
	RS_CTL_REFRESH, /* end it and start it again as at boot: its restart count seen as 0, its state dropped */
	RS_CTL_CRASH,   /* fault injection (the fault command): it takes a CPU exception at its next instruction,
			   in the middle of whatever it is asked next; an experiment, not its own failure: rs
			   restarts it at once, outside its failure streak (no back-off, never marked failed), and
			   trusts its kept state; -EAGAIN if it is not running */
	RS_CTL_CRASH_COUNTED, /* the same, counted as the service's own failure, as a bug would be: back-off and
				 giving up apply (to see what a crash loop does) */
	RS_CTL_HANG,    /* fault injection: it loops from its next instruction (RS_FAULT_ADDR + RS_FAULT_HANG_AT),
			   answering nothing, until rs sees it miss its heartbeat and ends it; restarted as after
			   RS_CTL_CRASH */
	RS_CTL_KILL,    /* fault injection: rs ends it at once, as a kill -9 would; restarted as after RS_CTL_CRASH */
	RS_CTL_EXIT,    /* fault injection: it ends itself (KC_PROC_DESTROY of itself, at RS_FAULT_ADDR +
			   RS_FAULT_EXIT_AT) at its next instruction, as a driver taking an exit path would */
	RS_CTL_GARBAGE, /* fault injection: its next reply to a client carries a result no request can have
			   (RS_GARBAGE); the client (vfs) complains and rs restarts it (RS_CAUSE_COMPLAINT).
			   Through lib/sys's server loop (an RS_FAULT message): -EAGAIN if it is not waiting for
			   a message just now */
	RS_CTL_FLIP,    /* fault injection: arg[0] bits (1..RS_FLIP_MAX) flipped at random in its text (arg[1]
			   RS_FLIP_TEXT: made writable for the flip, then read-only again) or data (RS_FLIP_DATA:
			   its writable segments, .data and .bss), chosen by a generator seeded with arg[2]. What
			   follows is its own: a death counts as its failure, as a bug's would */
};
#define RS_CTL_LAST RS_CTL_FLIP

/* A fault injection's name, as the fault command takes it and /proc/recovery shows it; 0 for other ops. */
static inline const char *rs_fault_name(long op)
{
	switch (op) {
	case RS_CTL_KILL: return "kill";
	case RS_CTL_CRASH: case RS_CTL_CRASH_COUNTED: return "crash";
	case RS_CTL_HANG: return "hang";
	case RS_CTL_EXIT: return "exit";
	case RS_CTL_GARBAGE: return "garbage";
	case RS_CTL_FLIP: return "flip";
	default: return 0;
	}
}
#define RS_FLIP_MAX 1000
enum rs_flip_where { RS_FLIP_TEXT = 1, RS_FLIP_DATA };

/* The code rs shares into a service for RS_CTL_HANG and RS_CTL_EXIT, read and execute. */
#define RS_FAULT_ADDR 0x4ff000000000ULL
#define RS_FAULT_EXIT_AT 0   /* KC_PROC_DESTROY of itself, on its own stack */
#define RS_FAULT_HANG_AT 64  /* an endless loop: no-ops to the end of the page, and a jump back */

/*
 * RS_FAULT: rs -> a service on lib/sys's server loop, sent only if it waits
 * (AX_SENDNB), never answered. u64[0] RS_FAULT_GARBAGE: the loop's next
 * reply to anyone but rs has RS_GARBAGE as its result.
 */
#define RS_FAULT_GARBAGE 1
#define RS_GARBAGE ((int64_t)-0x4741524241474521LL) /* below every errno: no request can have it as its result */

enum {
	RS_CTL = 0x600, /* pm -> rs: struct rs_ctl_request; the reply's i64[0] is the result */
	RS_COMPLAIN,    /* a server -> rs: struct rs_complaint; 0, or -ESRCH (no such running service), -EINVAL, -EPERM */
	RS_KEPT,        /* a service -> rs: (nothing) -> struct rs_kept_reply: its kept state, mapped at RS_KEPT_ADDR */
	RS_FAULT,       /* rs -> a service: a fault to act out (RS_FAULT_GARBAGE); no reply */
};

/*
 * A complaint: a server (vfs, a file system) got a malformed or impossible
 * answer from a driver (more bytes than it asked for, an event that names
 * no request) and asks rs to restart it. rs takes complaints from system
 * processes it knows (boot processes and its services) about a running
 * service whose recovery is restart, ends it, and recovers it as after a
 * crash (the cause RS_CAUSE_COMPLAINT; it counts in its failure streak).
 */
enum rs_why {
	RS_WHY_BAD_REPLY = 1, /* an answer out of range, or of the wrong kind */
	RS_WHY_BAD_EVENT,     /* an event or notification that makes no sense */
};

struct rs_complaint {
	int64_t endpoint; /* the driver, as the server knows it */
	uint64_t why;     /* enum rs_why */
	uint64_t reserved[5];
};

_Static_assert(sizeof(struct rs_complaint) == 56, "a complaint fills a message payload");

struct rs_ctl_request {
	uint64_t op;    /* enum rs_ctl_op */
	char label[16]; /* NUL-terminated */
	uint64_t euid;  /* the POSIX caller's effective uid, as pm knows it */
	uint64_t arg[3]; /* RS_CTL_FLIP: count, enum rs_flip_where, seed; 0 for every other op */
};

_Static_assert(sizeof(struct rs_ctl_request) == 56, "an rs control request fills a message payload");

/* How a service's last incarnation ended (rs_service_info.last_cause): AX_DEATH_*, or rs's own causes. */
#define RS_CAUSE_HANG 16      /* rs ended it: it missed its heartbeat */
#define RS_CAUSE_COMPLAINT 17 /* rs ended it: a server said it answered something impossible */

#define RS_INFO_GRANT 1          /* rs's grant over its service information */
#define RS_INFO_MAGIC 0x52534932 /* "RSI2": this layout */

struct rs_info_header {
	uint32_t magic;      /* RS_INFO_MAGIC */
	uint32_t entries;    /* services in the table (fixed once rs is up) */
	uint32_t entry_size; /* sizeof(struct rs_service_info) */
	uint32_t reserved;
};

/* A service's state, as /proc/services names it. */
enum rs_service_state {
	RS_SVC_UNSTARTABLE, /* its table entry has errors: never started */
	RS_SVC_START_FAILED, /* its last start failed (last_error) */
	RS_SVC_RUNNING,
	RS_SVC_DOWN,         /* it ended and is not restarted: recovery none */
	RS_SVC_RESTARTING,   /* it ended and waits out its back-off before the restart */
	RS_SVC_FAILED,       /* it failed too often in a row: left down */
};

struct rs_service_info {
	uint32_t seq;        /* seqlock: odd while rs changes the entry */
	int32_t state;       /* enum rs_service_state */
	char label[16];
	endpoint_t endpoint; /* current or last; AX_NONE before the first start */
	uint32_t starts;     /* incarnations so far */
	uint32_t restarts;   /* of those, restarts after a death */
	int32_t last_error;  /* RS_SVC_START_FAILED: why (a negative errno) */
	int32_t last_cause;  /* how the last incarnation ended: AX_DEATH_* or RS_CAUSE_*, 0 while none has */
	uint32_t ready;      /* 1: the current incarnation has answered a heartbeat */
	uint64_t started_ns; /* monotonic ns the current incarnation started (0: by the kernel) */
	uint64_t ended_ns;   /* the last one ended */
	uint64_t recovery_ns; /* the last restart: from the end of the one before to the first answer; 0: none yet */
	/* fault injection (the fault command): the last fault, and what followed it */
	uint64_t injected_ns; /* monotonic ns the last fault was injected; 0: never */
	uint64_t ready_ns;    /* the current incarnation first answered a heartbeat; 0: not yet */
	uint32_t injections;  /* faults injected so far */
	uint32_t injected;    /* the last one: enum rs_ctl_op (RS_CTL_CRASH ... RS_CTL_FLIP) */
	uint32_t flipped;     /* RS_CTL_FLIP: bits flipped */
	uint32_t reserved;
};

_Static_assert(sizeof(struct rs_info_header) == 16, "rs_info_header layout");
_Static_assert(sizeof(struct rs_service_info) == 104, "rs_service_info layout");

/*
 * Kept state (DESIGN.md, "State that must outlive a driver lives outside
 * it"): a service whose table entry says `kept BYTES` asks rs for it with
 * RS_KEPT once it runs; rs maps the same pages into every incarnation at
 * RS_KEPT_ADDR, read and write, and keeps them while the service is down.
 * `fresh` says the service must start from defaults: its first start, a
 * `service refresh`, or an incarnation that died soon after it had started
 * from this state (a crash rs did not inject: the state may be what kills
 * it). Its contents are the service's: lib/sys's sys/kept.h checks them by
 * magic, version and checksum. -ENOENT: the table gives it none.
 */
#define RS_KEPT_ADDR 0x500000000000ULL

struct rs_kept_reply {
	int64_t status; /* 0 or a negative errno */
	uint64_t addr;  /* RS_KEPT_ADDR */
	uint64_t size;  /* bytes */
	uint64_t fresh; /* 1: start from defaults (clear it); 0: the previous incarnation's */
};

_Static_assert(sizeof(struct rs_kept_reply) == 32, "rs_kept_reply layout");

#endif
