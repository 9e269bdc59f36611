/*
 * memory: the driver of Linux's memory devices — character 1:3 /dev/null,
 * 1:5 /dev/zero, 1:7 /dev/full, 1:8 /dev/random, 1:9 /dev/urandom — and of
 * a RAM disk, block 1:0 /dev/ram0. Written on the driver library
 * (lib/driver/driver.h: it checks every request, clamps the disk's
 * transfers, keeps state across restarts); protocol proto/dev.h.
 *
 * The RAM disk's bytes live in the kept state rs gives the driver, so they
 * outlive a restart; without one (no rs, a table that keeps nothing) they
 * are pages of the driver's own, mapped as they are first written (pages
 * never written read as zeros), and a restart empties the disk.
 * /dev/random and /dev/urandom share lib/sys's ChaCha20 generator, seeded
 * at start (it never blocks, like Linux's once seeded).
 */
#include <stdbool.h>
#include <string.h>

#include <driver/driver.h>
#include <sys/random.h>

#define PAGE 4096ULL
#define RAMDISK_BYTES (8ULL << 20)
#define RAMDISK_VA 0x600000000000ULL /* without kept state: where the disk's pages sit in the driver's space */
#define ENOSPC 28

static uint8_t *disk = (uint8_t *)RAMDISK_VA;
static uint8_t present[RAMDISK_BYTES / PAGE / 8]; /* bit: that disk page is mapped */

#define KEPT_MAGIC 0x4d454d31 /* "MEM1" */
static struct {
	uint64_t disk_bytes; /* the disk's size when it was kept: another size is another disk */
} state;

/* ---- the character devices: units are the minors ------------------------------------------- */

/* The minor a request names (vfs gives the major too: DEV_MKMINOR, other clients may not), or -1. */
static int char_unit(uint64_t minor, int32_t sid)
{
	(void)sid;
	if (DEV_MAJOR_OF(minor) == MEM_MAJOR && !(minor >> 32))
		minor = DEV_MINOR_OF(minor);
	switch (minor) {
	case MEM_MINOR_NULL: case MEM_MINOR_ZERO: case MEM_MINOR_FULL: case MEM_MINOR_RANDOM: case MEM_MINOR_URANDOM:
		return (int)minor;
	default: return -1;
	}
}

static void zeros(uint8_t *buf, size_t n) { memset(buf, 0, n); }
static void random_fill(uint8_t *buf, size_t n) { ax_random_bytes(buf, n); }

/* Fill [off, off+len) of the client's buffer from a producer of bytes, a page at a time. */
static int64_t produce(uint64_t granter, uint64_t grant, uint64_t off, uint64_t len,
		       void (*fill)(uint8_t *buf, size_t n))
{
	static uint8_t chunk[PAGE];
	uint64_t done = 0;

	while (done < len) {
		uint64_t n = len - done < PAGE ? len - done : PAGE;

		fill(chunk, n);
		if (driver_copy(granter, grant, off + done, chunk, n, AX_COPY_TO) < 0)
			return done ? (int64_t)done : -AX_EFAULT;
		done += n;
	}
	return (int64_t)done;
}

static int64_t char_read(struct drv_io *io, bool timed_out)
{
	(void)timed_out;
	switch (io->unit) {
	case MEM_MINOR_NULL: return 0; /* end of file, always */
	case MEM_MINOR_ZERO:
	case MEM_MINOR_FULL: return produce((uint64_t)io->granter, io->grant, 0, io->len, zeros);
	default: return produce((uint64_t)io->granter, io->grant, 0, io->len, random_fill);
	}
}

static int64_t char_write(struct drv_io *io)
{
	if (io->unit == MEM_MINOR_FULL)
		return io->len ? -ENOSPC : 0;
	return (int64_t)io->len; /* taken and dropped, as on Linux */
}

static uint32_t char_ready(int unit)
{
	(void)unit;
	return DEV_POLLIN | DEV_POLLOUT; /* never waits */
}

static const struct chardrv chars = {
	.units = MEM_MINOR_URANDOM + 1,
	.unit = char_unit,
	.read = char_read,
	.write = char_write,
	.ready = char_ready,
};

/* ---- the RAM disk ------------------------------------------------------------------------------- */

static int disk_unit(uint64_t minor)
{
	if (DEV_MAJOR_OF(minor) == MEM_MAJOR && (minor >> 32) == (DEV_MINOR_BLOCK >> 32))
		minor = DEV_MINOR_BLOCK | DEV_MINOR_OF(minor);
	return minor == (DEV_MINOR_BLOCK | RAMDISK_MINOR) ? 0 : -1;
}

static uint64_t disk_size(int unit)
{
	(void)unit;
	return RAMDISK_BYTES;
}

static bool page_present(uint64_t page) { return present[page / 8] & (1u << (page % 8)); }

/* [pos, pos+len), inside the disk: pages never written read as zeros. */
static int64_t disk_transfer(int unit, const struct dev_io_req *rq, uint64_t pos, uint64_t len, bool write)
{
	uint64_t done = 0, granter = (uint64_t)rq->granter;

	(void)unit;
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
			r = driver_copy(granter, rq->grant, done, (void *)(disk + at), n, AX_COPY_FROM);
		else if (page_present(page))
			r = driver_copy(granter, rq->grant, done, (void *)(disk + at), n, AX_COPY_TO);
		else
			r = produce(granter, rq->grant, done, n, zeros) == (int64_t)n ? 0 : -AX_EFAULT;
		if (r < 0)
			return done ? (int64_t)done : -AX_EFAULT;
		done += n;
	}
	return (int64_t)done;
}

static const struct blockdrv disks = {.unit = disk_unit, .size = disk_size, .transfer = disk_transfer};

/* ---- start ------------------------------------------------------------------------------------------ */

static const struct driver memory = {
	.name = "memory",
	.chr = &chars,
	.blk = &disks,
	.state = &state,
	.kept_len = sizeof(state),
	.kept_magic = KEPT_MAGIC,
	.kept_version = 1,
};

/*
 * The disk in the kept region's bulk part if rs keeps one for the driver:
 * the last incarnation's (before), or cleared.
 */
static void take_kept_disk(bool before)
{
	size_t size;
	uint8_t *extra = driver_kept_extra(&size);

	if (extra && size < RAMDISK_BYTES)
		ax_printf("memory: kept state has %lu bytes for the RAM disk's %lu: the disk is not kept\n",
			  (unsigned long)size, (unsigned long)RAMDISK_BYTES);
	if (!extra || size < RAMDISK_BYTES)
		return; /* the disk in the driver's own memory: a restart empties it */
	if (!before || state.disk_bytes != RAMDISK_BYTES) {
		memset(extra, 0, RAMDISK_BYTES);
		state.disk_bytes = RAMDISK_BYTES;
		before = false;
	}
	disk = extra;
	memset(present, 0xff, sizeof(present));
	ax_printf("memory: the RAM disk is in kept state (%s)\n", before ? "its contents as they were" : "empty");
}

int main(void)
{
	ax_random_init();
	take_kept_disk(driver_start(&memory));
	ax_printf("memory: null, zero, full, random, urandom and an %lu MiB RAM disk, at endpoint %d\n",
		  (unsigned long)(RAMDISK_BYTES >> 20), ax_self);
	driver_run(&memory);
}
