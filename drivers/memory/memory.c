/*
 * memory: the driver of Linux's memory devices — character 1:3 /dev/null,
 * 1:5 /dev/zero, 1:7 /dev/full, 1:8 /dev/random, 1:9 /dev/urandom — and of
 * a RAM disk, block 1:0 /dev/ram0. Protocol: lib/sys/include/proto/dev.h.
 *
 * The RAM disk is sparse: a page of its memory is mapped (KC_VMALLOC into
 * the driver itself) on its first write, and pages never written read as
 * zeros. Its bytes live in the driver's own memory, so a restarted driver
 * starts empty until the self-healing issue keeps them outside it.
 * /dev/random and /dev/urandom share lib/sys's ChaCha20 generator, seeded
 * at start (it never blocks, like Linux's once seeded).
 */
#include <stdbool.h>
#include <string.h>

#include <proto/dev.h>
#include <sys/random.h>
#include <sys/kept.h>
#include <sys/server.h>

#define PAGE 4096ULL
#define RAMDISK_BYTES (8ULL << 20)
#define RAMDISK_VA 0x600000000000ULL /* where the disk's pages sit in the driver's space */
#define ENXIO 6
#define ENOSPC 28
#define ENOTTY 25

static uint8_t present[RAMDISK_BYTES / PAGE / 8]; /* bit: that disk page is mapped */

/*
 * Where the disk's bytes are: in the kept state rs gives the driver
 * (sys/kept.h), so that they outlive a restart, every page there already;
 * or, without one (no rs, an image whose table keeps nothing), pages of
 * the driver's own mapped at RAMDISK_VA as they are first written.
 */
static uint8_t *disk = (uint8_t *)RAMDISK_VA;

#define KEPT_MAGIC 0x4d454d31 /* "MEM1" */
struct kept_state {
	uint64_t disk_bytes; /* the disk's size when it was kept: another size is another disk */
};

/* Copy between the driver and the client's granted buffer (dir: AX_COPY_FROM reads the client). */
static int grant_copy(const struct dev_io_req *rq, uint64_t off, void *buf, uint64_t len, int dir)
{
	return ax_kcall(KC_SAFECOPY, &(ax_message){.u64 = {(uint64_t)rq->granter, rq->grant, off, (uint64_t)buf, len,
							    (uint64_t)dir}});
}

/* The minor a request names (every request begins with it): vfs gives the major too (DEV_MKMINOR), other clients may not. */
static uint64_t minor_of(const ax_message *m)
{
	uint64_t u = ((const struct dev_minor_req *)(const void *)m->bytes)->minor;

	if (DEV_MAJOR_OF(u) == MEM_MAJOR)
		u &= ~(uint64_t)(0xfffULL << 20);
	return u;
}

static bool is_char(uint64_t minor)
{
	return minor == MEM_MINOR_NULL || minor == MEM_MINOR_ZERO || minor == MEM_MINOR_FULL ||
	       minor == MEM_MINOR_RANDOM || minor == MEM_MINOR_URANDOM;
}

static bool is_ramdisk(uint64_t minor) { return minor == (DEV_MINOR_BLOCK | RAMDISK_MINOR); }

static bool known(uint64_t minor) { return is_char(minor) || is_ramdisk(minor); }

/* The fields every read and write shares: the length bound and the flags. */
static int64_t check_io(const ax_message *m)
{
	const struct dev_io_req *rq = (const void *)m->bytes;

	if (!known(minor_of(m)))
		return -ENXIO;
	if (rq->len > DEV_IO_MAX || (rq->flags & ~(uint32_t)DEV_NONBLOCK))
		return -AX_EINVAL;
	return 0;
}

/* Fill [off, off+len) of the client's buffer from a producer of bytes, a page at a time. */
static int64_t produce(const ax_message *m, uint64_t off, uint64_t len, void (*fill)(uint8_t *buf, size_t n))
{
	static uint8_t chunk[PAGE];
	uint64_t done = 0;

	while (done < len) {
		uint64_t n = len - done < PAGE ? len - done : PAGE;

		fill(chunk, n);
		if (grant_copy((const struct dev_io_req *)(const void *)m->bytes, off + done, chunk, n, AX_COPY_TO) < 0)
			return done ? (int64_t)done : -AX_EFAULT;
		done += n;
	}
	return (int64_t)done;
}

static void zeros(uint8_t *buf, size_t n) { memset(buf, 0, n); }
static void random_fill(uint8_t *buf, size_t n) { ax_random_bytes(buf, n); }

static bool page_present(uint64_t page) { return present[page / 8] & (1u << (page % 8)); }

/* The RAM disk: [pos, pos+len) clamped to its size; pages never written read as zeros. */
static int64_t ramdisk_io(const ax_message *m, bool write)
{
	const struct dev_io_req *rq = (const void *)m->bytes;
	uint64_t pos = rq->pos, len = rq->len, done = 0;

	if (pos >= RAMDISK_BYTES)
		return write && len ? -ENOSPC : 0;
	if (len > RAMDISK_BYTES - pos)
		len = RAMDISK_BYTES - pos;
	while (done < len) {
		uint64_t at = pos + done, page = at / PAGE, n = PAGE - at % PAGE;
		int64_t r;

		if (n > len - done)
			n = len - done;
		if (write && !page_present(page)) {
			if (ax_vmalloc(AX_SELF, (uint64_t)disk + page * PAGE, PAGE, AX_MAP_WRITE) < 0)
				return done ? (int64_t)done : -AX_ENOMEM;
			present[page / 8] |= 1u << (page % 8);
		}
		if (write)
			r = grant_copy(rq, done, (void *)(disk + at), n, AX_COPY_FROM);
		else if (page_present(page))
			r = grant_copy(rq, done, (void *)(disk + at), n, AX_COPY_TO);
		else
			r = produce(m, done, n, zeros) == (int64_t)n ? 0 : -AX_EFAULT;
		if (r < 0)
			return done ? (int64_t)done : -AX_EFAULT;
		done += n;
	}
	return (int64_t)done;
}

static int64_t do_read(const ax_message *m, ax_message *r)
{
	const struct dev_io_req *io = (const void *)m->bytes;
	int64_t rc = check_io(m);

	(void)r;
	if (rc < 0)
		return rc;
	switch (minor_of(m)) {
	case MEM_MINOR_NULL: return 0; /* end of file, always */
	case MEM_MINOR_ZERO:
	case MEM_MINOR_FULL: return produce(m, 0, io->len, zeros);
	case MEM_MINOR_RANDOM:
	case MEM_MINOR_URANDOM: return produce(m, 0, io->len, random_fill);
	default: return ramdisk_io(m, false);
	}
}

static int64_t do_write(const ax_message *m, ax_message *r)
{
	const struct dev_io_req *io = (const void *)m->bytes;
	int64_t rc = check_io(m);

	(void)r;
	if (rc < 0)
		return rc;
	switch (minor_of(m)) {
	case MEM_MINOR_FULL: return io->len ? -ENOSPC : 0;
	case MEM_MINOR_NULL:
	case MEM_MINOR_ZERO:
	case MEM_MINOR_RANDOM:
	case MEM_MINOR_URANDOM: return (int64_t)io->len; /* taken and dropped, as on Linux */
	default: return ramdisk_io(m, true);
	}
}

static int64_t do_open(const ax_message *m, ax_message *r)
{
	(void)r;
	return known(minor_of(m)) ? 0 : -ENXIO;
}

static int64_t do_size(const ax_message *m, ax_message *r)
{
	(void)r;
	if (!known(minor_of(m)))
		return -ENXIO;
	return is_ramdisk(minor_of(m)) ? (int64_t)RAMDISK_BYTES : -ENOTTY;
}

static int64_t do_ioctl(const ax_message *m, ax_message *r)
{
	const struct dev_ioctl_req *rq = (const void *)m->bytes;
	uint64_t size = RAMDISK_BYTES;

	(void)r;
	if (!known(minor_of(m)))
		return -ENXIO;
	if (!is_ramdisk(minor_of(m)) || rq->request != BLKGETSIZE64)
		return -ENOTTY;
	return ax_kcall(KC_SAFECOPY, &(ax_message){.u64 = {(uint64_t)rq->granter, rq->grant, 0, (uint64_t)&size,
							    sizeof(size), AX_COPY_TO}}) < 0 ? -AX_EFAULT : 0;
}

static const struct ax_call calls[] = {
	{DEV_OPEN, do_open}, {DEV_CLOSE, do_open}, {DEV_READ, do_read},
	{DEV_WRITE, do_write}, {DEV_IOCTL, do_ioctl}, {DEV_SIZE, do_size},
};

/* The disk in kept state if rs keeps some for the driver: the previous incarnation's, or cleared. */
static void take_kept_disk(void)
{
	bool before;
	struct kept_state *st = ax_kept_take(KEPT_MAGIC, 1, sizeof(*st), &before);
	size_t size;
	uint8_t *extra = st ? ax_kept_extra(&size) : 0;

	if (!extra || size < RAMDISK_BYTES)
		return; /* the disk in the driver's own memory: a restart empties it */
	if (!before || st->disk_bytes != RAMDISK_BYTES) {
		memset(extra, 0, RAMDISK_BYTES);
		st->disk_bytes = RAMDISK_BYTES;
		ax_kept_seal();
		before = false;
	}
	disk = extra;
	memset(present, 0xff, sizeof(present));
	ax_printf("memory: the RAM disk is in kept state (%s)\n", before ? "its contents as they were" : "empty");
}

int main(void)
{
	ax_random_init();
	take_kept_disk();
	ax_printf("memory: null, zero, full, random, urandom and an %lu MiB RAM disk, at endpoint %d\n",
		  (unsigned long)(RAMDISK_BYTES >> 20), ax_self);
	ax_serve(calls, (int)(sizeof(calls) / sizeof(calls[0])), 0);
}
