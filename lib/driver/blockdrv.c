/*
 * The driver library's block devices: requests checked and clamped to the
 * device, so the driver only moves bytes. Every block request is positional
 * and answered at once, so a client that sends one again to the next
 * incarnation gets the same effect: nothing waits, nothing needs keeping.
 */
#include "driver.h"

#define ENXIO 6
#define ENOTTY 25
#define ENOSPC 28

static const struct blockdrv *blk;

void blockdrv_attach(const struct blockdrv *b) { blk = b; }

static int64_t do_io(const ax_message *m, bool write)
{
	const struct dev_io_req *rq = (const void *)m->bytes;
	int unit = blk->unit(rq->minor);
	uint64_t size, len = rq->len;

	if (unit < 0)
		return -ENXIO;
	/* DEV_REISSUE changes nothing here; job control and DEV_NOSTOP are for terminals. */
	if (len > DEV_IO_MAX || rq->flags & ~(uint32_t)(DEV_NONBLOCK | DEV_REISSUE) || rq->grant > 0xffffffffULL)
		return -AX_EINVAL;
	size = blk->size(unit);
	if (rq->pos >= size)
		return write && len ? -ENOSPC : 0;
	if (len > size - rq->pos)
		len = size - rq->pos;
	return len ? blk->transfer(unit, rq, rq->pos, len, write) : 0;
}

static int64_t do_ioctl(const ax_message *m)
{
	const struct dev_ioctl_req *rq = (const void *)m->bytes;
	int unit = blk->unit(rq->minor);
	uint64_t size;

	if (unit < 0)
		return -ENXIO;
	if (rq->request >> 32 || rq->grant > 0xffffffffULL || rq->flags)
		return -AX_EINVAL;
	if (rq->request != BLKGETSIZE64)
		return -ENOTTY;
	size = blk->size(unit);
	if (rq->grant == DEV_NO_GRANT)
		return -AX_EFAULT;
	return driver_copy((uint64_t)rq->granter, rq->grant, 0, &size, sizeof(size), AX_COPY_TO) < 0 ? -AX_EFAULT : 0;
}

int64_t blockdrv_request(const ax_message *m, ax_message *r)
{
	const struct dev_open_req *open = (const void *)m->bytes;
	uint64_t minor = open->minor;

	(void)r;
	switch (m->type) {
	case DEV_OPEN:
		if (blk->unit(minor) < 0)
			return -ENXIO;
		return open->reserved || open->reserved2 ? -AX_EINVAL : 0;
	case DEV_CLOSE: return blk->unit(minor) < 0 ? -ENXIO : 0;
	case DEV_SIZE: return blk->unit(minor) < 0 ? -ENXIO : (int64_t)blk->size(blk->unit(minor));
	case DEV_READ: return do_io(m, false);
	case DEV_WRITE: return do_io(m, true);
	case DEV_IOCTL: return do_ioctl(m);
	case DEV_SELECT: /* always ready, as a disk is for poll(2) */
		return blk->unit(minor) < 0 ? -ENXIO : DEV_POLLIN | DEV_POLLOUT;
	case DEV_CANCEL: return -AX_EINVAL; /* nothing of a block device waits */
	default: return -AX_ENOSYS;
	}
}
