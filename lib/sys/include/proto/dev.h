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
 */
#ifndef PROTO_DEV_H
#define PROTO_DEV_H

#include <stdint.h>

enum {
	DEV_OPEN = 0x700, /* u64[0]=minor u64[1]=open flags (O_*) -> 0 */
	DEV_CLOSE,        /* u64[0]=minor -> 0 */
	DEV_READ,         /* u64[0]=minor u64[1]=position u64[2]=length u64[3]=grant u64[4]=granter u64[5]=flags -> bytes */
	DEV_WRITE,        /* as DEV_READ, from the grant -> bytes */
	DEV_IOCTL,        /* u64[0]=minor u64[1]=request u64[2]=grant u64[3]=granter -> value */
	DEV_SIZE,         /* u64[0]=minor -> bytes (block devices; character devices: -ENOTTY) */
};

#define DEV_IO_MAX (1u << 20) /* bytes per read or write request */
#define DEV_MINOR_BLOCK (1ULL << 32) /* in u64[0]: the minor is a block device's (else a character device's) */
#define DEV_NONBLOCK 0x800    /* DEV_READ/DEV_WRITE flags: O_NONBLOCK, as Linux numbers it */

/* Linux's numbers for the devices of the memory driver (character major 1, block major 1). */
#define MEM_MAJOR 1
#define MEM_MINOR_NULL 3
#define MEM_MINOR_ZERO 5
#define MEM_MINOR_FULL 7
#define MEM_MINOR_RANDOM 8
#define MEM_MINOR_URANDOM 9
#define RAMDISK_MINOR 0 /* block 1:0, /dev/ram0: u64[0] = DEV_MINOR_BLOCK | RAMDISK_MINOR */
#define BLKGETSIZE64 0x80081272 /* DEV_IOCTL on a block device: its size in bytes, a u64 into the grant */

#endif
