/* The memory driver: every device and the RAM disk through its protocol, and bad requests. */
#include <string.h>

#include <proto/dev.h>

#include "../test.h"

#define ENXIO 6
#define ENOTTY 25
#define ENOSPC 28

static endpoint_t drv;
static struct ax_grant grants[2];
static uint8_t buf[16384], other[16384];

/* Grant 0 covers buf (n bytes), grant 1 other; the driver is the grantee. */
static void grant(uint64_t n)
{
	grants[0] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ | AX_GRANT_WRITE, drv, 0, 0, (uint64_t)buf, n};
	grants[1] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ | AX_GRANT_WRITE, drv, 0, 0, (uint64_t)other,
				      sizeof(other)};
}

/* One request of proto/dev.h (its struct, n bytes): the driver's answer, or -9999 if it gave none. */
static int64_t req(int type, const void *rq, size_t n)
{
	ax_message m = {.type = type};

	memcpy(m.bytes, rq, n);
	return ax_sendrec(drv, &m) < 0 ? -9999 : m.i64[0];
}

static int64_t minor_req(int type, uint64_t minor) { return req(type, &(struct dev_minor_req){minor}, 8); }

static int64_t open_dev(uint64_t minor)
{
	struct dev_open_req rq = {.minor = minor};

	return req(DEV_OPEN, &rq, sizeof(rq));
}

static int64_t io_flags(int type, uint64_t minor, uint64_t pos, uint64_t len, uint64_t gid, uint32_t flags)
{
	struct dev_io_req rq = {.minor = minor, .pos = pos, .len = len, .grant = gid, .granter = ax_self, .flags = flags};

	return req(type, &rq, sizeof(rq));
}

static int64_t io(int type, uint64_t minor, uint64_t pos, uint64_t len, uint64_t gid)
{
	return io_flags(type, minor, pos, len, gid, 0);
}

static int64_t ioctl_req(uint64_t minor, uint64_t request, uint64_t gid)
{
	struct dev_ioctl_req rq = {.minor = minor, .request = request, .grant = gid, .granter = ax_self};

	return req(DEV_IOCTL, &rq, sizeof(rq));
}

static int all(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

int main(void)
{
	const uint64_t disk = DEV_MINOR_BLOCK | RAMDISK_MINOR;
	uint64_t size = 0;
	ax_message m;
	int64_t n;

	drv = ax_boot_endpoint("memory");
	ax_kcall(KC_GRANT_TABLE, &(ax_message){.u64 = {(uint64_t)grants, 2}});
	grant(sizeof(buf));
	test_eq("memory_open_null", open_dev(MEM_MINOR_NULL), 0);
	test_eq("memory_open_urandom", open_dev(MEM_MINOR_URANDOM), 0);
	test_eq("memory_open_ramdisk", open_dev(disk), 0);
	test_eq("memory_open_unknown_minor_enxio", open_dev(4), -ENXIO);
	test_eq("memory_open_unknown_block_minor_enxio", open_dev(DEV_MINOR_BLOCK | 3), -ENXIO);
	test_eq("memory_null_read_is_eof", io(DEV_READ, MEM_MINOR_NULL, 0, 100, 0), 0);
	test_eq("memory_null_write_takes_all", io(DEV_WRITE, MEM_MINOR_NULL, 0, 100, 0), 100);
	memset(buf, 0xaa, sizeof(buf));
	n = io(DEV_READ, MEM_MINOR_ZERO, 0, 10000, 0);
	test_eq("memory_zero_read_fills_zeros", n == 10000 && all(buf, 10000, 0) && buf[10000] == 0xaa, 1);
	test_eq("memory_full_write_enospc", io(DEV_WRITE, MEM_MINOR_FULL, 0, 10, 0), -ENOSPC);
	memset(buf, 0xaa, 64);
	test_eq("memory_full_read_zeros", io(DEV_READ, MEM_MINOR_FULL, 0, 64, 0) == 64 && all(buf, 64, 0), 1);
	io(DEV_READ, MEM_MINOR_URANDOM, 0, 64, 0);
	io(DEV_READ, MEM_MINOR_RANDOM, 0, 64, 1);
	test_eq("memory_random_reads_differ", memcmp(buf, other, 64) != 0 && !all(buf, 64, 0), 1);
	test_eq("memory_read_longer_than_max_einval", io(DEV_READ, MEM_MINOR_ZERO, 0, DEV_IO_MAX + 1, 0), -AX_EINVAL);
	test_eq("memory_bad_flags_einval", io_flags(DEV_READ, MEM_MINOR_ZERO, 0, 10, 0, 1), -AX_EINVAL);
	/* Like Linux: what fits is done; an error only when nothing was. */
	test_eq("memory_read_past_grant_partial", io(DEV_READ, MEM_MINOR_ZERO, 0, sizeof(buf) + 1, 0), sizeof(buf));
	test_eq("memory_unknown_grant_efault", io(DEV_READ, MEM_MINOR_ZERO, 0, 10, 7), -AX_EFAULT);

	test_eq("memory_ramdisk_size", minor_req(DEV_SIZE, disk), 8 << 20);
	test_eq("memory_char_size_enotty", minor_req(DEV_SIZE, MEM_MINOR_ZERO), -ENOTTY);
	memset(buf, 0xaa, 9000);
	test_eq("memory_ramdisk_unwritten_reads_zeros", io(DEV_READ, disk, 123456, 9000, 0) == 9000 && all(buf, 9000, 0),
		1);
	for (int i = 0; i < 9000; i++)
		other[i] = (uint8_t)(i * 7 + 1);
	test_eq("memory_ramdisk_write_across_pages", io(DEV_WRITE, disk, 4000, 9000, 1), 9000);
	memset(buf, 0, 9000);
	test_eq("memory_ramdisk_reads_back", io(DEV_READ, disk, 4000, 9000, 0) == 9000 && memcmp(buf, other, 9000) == 0,
		1);
	memset(buf, 0xaa, 20);
	test_eq("memory_ramdisk_partial_page_around_data",
		io(DEV_READ, disk, 3990, 20, 0) == 20 && all(buf, 10, 0) && buf[10] == other[0], 1);
	test_eq("memory_ramdisk_read_clamped_at_end", io(DEV_READ, disk, (8 << 20) - 10, 100, 0), 10);
	test_eq("memory_ramdisk_read_at_end_is_eof", io(DEV_READ, disk, 8 << 20, 100, 0), 0);
	test_eq("memory_ramdisk_write_at_end_enospc", io(DEV_WRITE, disk, 8 << 20, 100, 1), -ENOSPC);
	grants[0] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ | AX_GRANT_WRITE, drv, 0, 0, (uint64_t)&size,
				      sizeof(size)};
	test_eq("memory_blkgetsize64", ioctl_req(disk, BLKGETSIZE64, 0) == 0 && size == 8 << 20, 1);
	test_eq("memory_ioctl_on_char_enotty", ioctl_req(MEM_MINOR_NULL, BLKGETSIZE64, 0), -ENOTTY);
	m = (ax_message){.type = 0x7ff};
	test_eq("memory_unknown_request_enosys", ax_sendrec(drv, &m) == 0 ? m.i64[0] : -1, -AX_ENOSYS);
	test_done();
	return 0;
}
