/* The driver library's loop, kept state and announcement: see driver.h and docs/drivers.md. */
#include <string.h>

#include <proto/ds.h>
#include <sys/info.h>
#include <sys/kept.h>

#include "driver.h"

/* What the library keeps for a driver, before the driver's own part. */
struct kept {
	struct drv_io waiting[DRV_PENDING]; /* character requests that wait, with their progress */
};

#define KEPT_MAGIC_LIB 0x44525631 /* "DRV1": mixed into the driver's magic */

static const struct driver *drv;
static struct kept own; /* without kept state: the library's part lives here */
static struct kept *kept = &own;

static uint64_t sum_kept(const void *state, size_t len)
{
	const struct kept *k = state;
	uint64_t h = ax_kept_sum(0, 0);

	for (unsigned i = 0; i < DRV_PENDING; i++)
		if (k->waiting[i].used)
			h = ax_kept_sum_more(h, &k->waiting[i], sizeof(k->waiting[i]));
	if (drv->kept_sum)
		return h ^ drv->kept_sum(k + 1);
	return ax_kept_sum_more(h, k + 1, len - sizeof(*k));
}

int driver_copy(uint64_t granter, uint64_t grant, uint64_t off, void *buf, uint64_t len, int dir)
{
	return ax_kcall(KC_SAFECOPY, &(ax_message){.u64 = {granter, grant, off, (uint64_t)buf, len, (uint64_t)dir}});
}

int64_t driver_background(ax_message *reply, int sig)
{
	((struct dev_reply *)(void *)reply->bytes)->signal = (uint64_t)sig;
	return DEV_BACKGROUND;
}

void *driver_kept_extra(size_t *size) { return ax_kept_extra(size); }

static void announce(const char *label)
{
	ax_message m = {.type = DS_PUBLISH};
	struct ds_request *rq = (struct ds_request *)m.bytes;
	endpoint_t ds = ax_boot_endpoint("ds");

	if (ds == AX_NONE)
		return;
	strcpy(rq->label, label);
	rq->endpoint = ax_self;
	if (ax_sendrec(ds, &m) < 0 || m.i64[0] < 0)
		ax_printf("%s: could not announce itself in ds (%ld)\n", label, m.i64[0]);
}

void driver_start(const struct driver *d, void **state, bool *kept_before)
{
	struct kept *k;
	unsigned orphans = 0;

	drv = d;
	*state = 0;
	*kept_before = false;
	k = ax_kept_take_summed(d->kept_magic ^ KEPT_MAGIC_LIB, d->kept_version, sizeof(struct kept) + d->kept_len,
				sum_kept, kept_before);
	if (k) {
		kept = k;
		if (d->kept_len)
			*state = k + 1;
		orphans = drv_io_orphan_all(k->waiting, DRV_PENDING);
		ax_kept_seal();
	}
	if (orphans)
		ax_printf("%s: %u requests of the last incarnation kept, for their clients to take back\n", d->name,
			  orphans);
	if (d->chr)
		chardrv_attach(d->chr, kept->waiting);
	if (d->blk)
		blockdrv_attach(d->blk);
	if (d->label)
		announce(d->label);
}

/* ---- the loop ------------------------------------------------------------------------------ */

/* Every request ends here: its changes to the kept state are sealed before the answer goes. */
static int64_t sealed(int64_t r)
{
	ax_kept_seal();
	return r;
}

/* A DEV_* request: to the class its minor names (DEV_STATUS has none: character). */
static int64_t do_dev(const ax_message *m, ax_message *r)
{
	uint64_t minor = ((const struct dev_minor_req *)(const void *)m->bytes)->minor;
	bool block = m->type != DEV_STATUS && (minor & DEV_MINOR_BLOCK);

	if (block)
		return sealed(drv->blk ? blockdrv_request(m, r) : -6 /* ENXIO */);
	return sealed(drv->chr ? chardrv_request(m, r) : -6 /* ENXIO */);
}

/* Any other request: the driver's own table. */
static int64_t do_other(const ax_message *m, ax_message *r)
{
	for (int i = 0; i < drv->ncalls; i++)
		if (drv->calls[i].type == m->type)
			return sealed(drv->calls[i].fn(m, r));
	return -AX_ENOSYS;
}

static void on_notify(const ax_message *m)
{
	if (m->source == AX_CLOCK) {
		if (drv->chr)
			chardrv_alarm();
		if (drv->alarm)
			drv->alarm();
	} else if (m->source == AX_HARDWARE && drv->interrupt) {
		drv->interrupt(m->u64[0]);
	}
	ax_kept_seal();
}

_Noreturn void driver_run(const struct driver *d)
{
	static const struct ax_call calls[] = {
		{DEV_OPEN, do_dev},   {DEV_CLOSE, do_dev},  {DEV_READ, do_dev},   {DEV_WRITE, do_dev},
		{DEV_IOCTL, do_dev},  {DEV_SIZE, do_dev},   {DEV_CANCEL, do_dev}, {DEV_SELECT, do_dev},
		{DEV_STATUS, do_dev}, {AX_CALL_OTHER, do_other},
	};

	drv = d;
	ax_serve(calls, (int)(sizeof(calls) / sizeof(calls[0])), on_notify);
}
