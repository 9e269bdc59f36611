/*
 * The protocol between vfs (or any client) and device drivers.
 *
 * Every request is self-contained: it names the minor device, the byte
 * position (block devices) and the client's buffer by grant, and a driver
 * keeps no per-client state a request depends on. So when a driver dies
 * and rs starts a fresh copy under a new endpoint, vfs simply sends the
 * requests that were pending to the new endpoint again: reads and writes
 * at an explicit position are idempotent, and an open of a character
 * device is only a check. (A terminal's line discipline is the exception
 * that keeps state; its driver saves that state in ds.)
 *
 * Bulk data never travels in messages: the client makes a grant for its
 * buffer (vfs makes a magic grant over the user's own buffer, so the
 * driver copies straight into it) and the driver uses KC_SAFECOPY with
 * (granter, grant id, offset). Lengths are at most DEV_IO_MAX per request.
 *
 * Replies: i64[0] = bytes done (>= 0) or a negative Linux errno; a driver
 * answers every request, malformed ones with -EINVAL (bad fields), -ENXIO
 * (no such minor), -ENOSYS (unknown request).
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
 * the caller's group must get (SIGTTIN, SIGTTOU) in u64[1]; vfs has pm send
 * it. When pm refuses (the process ignores or blocks the signal), a read
 * gets -EIO, as on Linux, and a write or ioctl is sent again with
 * DEV_NOSTOP (DEV_IOCTL: DEV_IOCTL_NOSTOP in u64[6]'s high half): Linux
 * lets those proceed.
 * Keyboard signals (^C, ^Z, ^\) and SIGWINCH the driver asks pm for itself:
 * it notifies pm, which pulls them with PM_SIGNAL_PULL (proto/pm.h).
 */
#ifndef PROTO_DEV_H
#define PROTO_DEV_H

#include <stdint.h>

enum {
	DEV_OPEN = 0x700, /* u64[0]=minor u64[1]=open flags (O_*) u64[2]=caller pid|sid<<32 u64[3]=caller pgrp -> 0 */
	DEV_CLOSE,        /* u64[0]=minor -> 0 (the last close of the device by any process) */
	DEV_READ,         /* u64[0]=minor u64[1]=position u64[2]=length u64[3]=grant u64[4]=granter
			     u64[5]=flags | id<<32 u64[6]=caller pgrp | sid<<32 -> bytes, DEV_SUSPENDED, DEV_BACKGROUND */
	DEV_WRITE,        /* as DEV_READ, from the grant -> bytes */
	DEV_IOCTL,        /* u64[0]=minor u64[1]=request u64[2]=grant (DEV_NO_GRANT: none) u64[3]=granter
			     u64[4]=the argument's value (for ioctls that pass a number) u64[5]=caller pid|sid<<32
			     u64[6]=caller pgrp | DEV_IOCTL_NOSTOP<<32 -> value, DEV_BACKGROUND */
	DEV_SIZE,         /* u64[0]=minor -> bytes (block devices; character devices: -ENOTTY) */
	DEV_CANCEL,       /* u64[0]=minor u64[1]=id -> bytes already done (> 0), or -EINTR; the id is then gone */
	DEV_SELECT,       /* u64[0]=minor u64[1]=events (DEV_POLL*) u64[2]=DEV_SELECT_NOTIFY or 0 -> events ready now */
	DEV_STATUS,       /* -> u64[0]=DEV_EV_* ... (one event; ask again until DEV_EV_NONE) */
};

#define DEV_IO_MAX (1u << 20) /* bytes per read or write request */
#define DEV_MINOR_BLOCK (1ULL << 32) /* in u64[0]: the minor is a block device's (else a character device's) */
#define DEV_NONBLOCK 0x800    /* DEV_READ/DEV_WRITE flags (u64[5]'s low 32 bits): O_NONBLOCK, as Linux numbers it */
#define DEV_NOSTOP 0x1        /* DEV_WRITE flag: no SIGTTOU stop (the caller ignores or blocks it) */
#define DEV_IOCTL_NOSTOP 0x1  /* DEV_IOCTL, u64[6] >> 32: the same for an ioctl that changes the terminal */
#define DEV_NO_GRANT 0xffffffffu

/* Answers (i64[0]) that are not a count or an errno: outside Linux's errno range. */
#define DEV_SUSPENDED (-5000)  /* kept by its id; completion comes through DEV_STATUS */
#define DEV_BACKGROUND (-5001) /* job control: u64[1] = the signal for the caller's group */

/* poll(2)'s events, as Linux numbers them */
#define DEV_POLLIN 0x001
#define DEV_POLLPRI 0x002
#define DEV_POLLOUT 0x004
#define DEV_POLLERR 0x008
#define DEV_POLLHUP 0x010
#define DEV_SELECT_NOTIFY 1 /* none ready: remember, and report through DEV_STATUS when one is (once) */

/* DEV_STATUS answers: u64[0] = the event */
enum {
	DEV_EV_NONE = 0,
	DEV_EV_DONE,   /* u64[1]=id u64[2]=minor i64[3]=result (bytes or -errno): a DEV_SUSPENDED request ended */
	DEV_EV_SELECT, /* u64[1]=minor u64[2]=events now ready: a DEV_SELECT_NOTIFY registration fired */
};

/* Linux's numbers for the devices of the memory driver (character major 1, block major 1). */
#define MEM_MAJOR 1
#define MEM_MINOR_NULL 3
#define MEM_MINOR_ZERO 5
#define MEM_MINOR_FULL 7
#define MEM_MINOR_RANDOM 8
#define MEM_MINOR_URANDOM 9
#define RAMDISK_MINOR 0 /* block 1:0, /dev/ram0: u64[0] = DEV_MINOR_BLOCK | RAMDISK_MINOR */
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
/* In DEV_* minors from vfs the major is given too: minor | major << 20 (low 32 bits of u64[0]). */
#define DEV_MKMINOR(major, minor) ((uint64_t)(minor) | (uint64_t)(major) << 20)
#define DEV_MAJOR_OF(m) ((uint32_t)(((m) >> 20) & 0xfff))
#define DEV_MINOR_OF(m) ((uint32_t)((m) & 0xfffff))

#endif
