/* The driver library's loop, kept state and announcement: see driver.h and docs/drivers.md. */
#include <string.h>

#include <proto/ds.h>
#include <sys/info.h>
#include <sys/kept.h>

#include "driver.h"

/*
 * The kept region holds the committed state twice over, in two slots each
 * with its sequence number and checksum: every commit writes the older slot
 * and then its number and sum, so a death in the middle of a commit leaves
 * the other slot good, and the next incarnation takes the newest good one.
 * A slot is the waiting requests, then the driver's own state. The driver
 * and the library work on live copies in their own memory, so a death in
 * the middle of a request leaves the state as it was before the request.
 *
 * Before the slots, a word per unit says how many bytes of the output the
 * committed state still holds the driver handed to the hardware since that
 * commit (driver_sent): so those are not sent again.
 */
struct kept {
	struct drv_io waiting[DRV_PENDING]; /* character requests that wait, with their progress */
};

struct slot {
	uint64_t seq; /* which commit (0: never written) */
	uint64_t sum; /* of the slot's live parts and seq */
	struct kept k;
	/* then the driver's state: kept_len bytes */
};

#define KEPT_MAGIC_LIB 0x44525632 /* "DRV2": mixed into the driver's magic */
#define UNITS_MAX 64

static const struct driver *drv;
static struct drv_io waiting[DRV_PENDING]; /* the live table */
static uint8_t *region;                     /* the kept region's checked part, 0: rs keeps none */
static uint64_t *sent;                      /* UNITS_MAX words, in the region */
static size_t slot_size;
static uint64_t seq;                        /* the newest commit's */
static bool changed = true;                 /* since the newest commit (the first one always writes) */

void driver_changed(void) { changed = true; }

static struct slot *slot_of(uint64_t n) { return (struct slot *)(region + UNITS_MAX * sizeof(uint64_t) + (n & 1) * slot_size); }

static uint64_t slot_sum(const struct slot *s)
{
	uint64_t h = ax_kept_sum(&s->seq, sizeof(s->seq));

	for (unsigned i = 0; i < DRV_PENDING; i++)
		h = s->k.waiting[i].used ? ax_kept_sum_more(h, &s->k.waiting[i], sizeof(s->k.waiting[i]))
					 : ax_kept_sum_more(h, &s->k.waiting[i].used, 1);
	if (drv->kept_sum)
		return h ^ drv->kept_sum(&s->k + 1);
	return ax_kept_sum_more(h, &s->k + 1, drv->kept_len);
}

/*
 * The live state to the older slot, then its number and sum: after every
 * request and notification that changed it (the newest slot holds it else).
 */
static void commit(void)
{
	if (region && (changed || drv->state_always_changes)) {
		struct slot *s = slot_of(seq + 1);

		for (unsigned i = 0; i < DRV_PENDING; i++)
			if (waiting[i].used || s->k.waiting[i].used)
				s->k.waiting[i] = waiting[i];
		if (drv->kept_copy)
			drv->kept_copy(&s->k + 1, drv->state);
		else if (drv->kept_len)
			memcpy(&s->k + 1, drv->state, drv->kept_len);
		s->seq = seq + 1;
		s->sum = slot_sum(s);
		seq++;
		changed = false;
	}
	if (drv->committed)
		drv->committed();
}

void driver_sent(int unit, uint32_t n)
{
	if (region && unit >= 0 && unit < UNITS_MAX)
		sent[unit] = (seq & 0xffffffffULL) << 32 | n;
}

/* The region is checked slot by slot (slot_sum), so the header's own sum covers nothing. */
static uint64_t checked_per_slot(const void *state, size_t len)
{
	(void)state;
	(void)len;
	return 0;
}

/* The newest good slot back into the live state: true if there is one. */
static bool restore(unsigned *orphans, uint32_t *sent_since)
{
	struct slot *a = slot_of(0), *b = slot_of(1), *s = 0;
	bool a_good = a->seq && a->sum == slot_sum(a), b_good = b->seq && b->sum == slot_sum(b);

	if (a_good && (!b_good || a->seq > b->seq))
		s = a;
	else if (b_good)
		s = b;
	if (!s)
		return false;
	if ((a->seq && !a_good) || (b->seq && !b_good))
		ax_printf("%s: one copy of the kept state was cut short by the death: the one before it is taken\n",
			  drv->name);
	seq = s->seq;
	memcpy(waiting, s->k.waiting, sizeof(waiting));
	if (drv->kept_len)
		memcpy(drv->state, &s->k + 1, drv->kept_len);
	*orphans = drv_io_orphan_all(waiting, DRV_PENDING);
	for (unsigned u = 0; u < UNITS_MAX; u++)
		sent_since[u] = sent[u] >> 32 == (seq & 0xffffffffULL) ? (uint32_t)sent[u] : 0;
	return true;
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
	endpoint_t ds = ax_boot_endpoint("ds");
	int r = ds == AX_NONE ? 0 : ds_call(ds, DS_PUBLISH, label, 0, 0, 0);

	if (r < 0)
		ax_printf("%s: could not announce itself in ds (%d)\n", label, r);
}

bool driver_start(const struct driver *d)
{
	static uint32_t sent_since[UNITS_MAX];
	bool before = false;
	unsigned orphans = 0;
	size_t need;

	drv = d;
	slot_size = (sizeof(struct slot) + d->kept_len + 63) / 64 * 64;
	need = UNITS_MAX * sizeof(uint64_t) + 2 * slot_size;
	region = ax_kept_take_summed(d->kept_magic ^ KEPT_MAGIC_LIB, d->kept_version, need, checked_per_slot, &before);
	if (!region && d->kept_len)
		ax_printf("%s: no kept state (rs keeps none for it, or under %lu bytes): a restart starts from defaults\n",
			  d->name, (unsigned long)(sizeof(struct ax_kept_header) + need));
	if (region) {
		sent = (uint64_t *)(void *)region;
		if (before && !restore(&orphans, sent_since)) {
			ax_printf("%s: neither copy of the kept state is good: starting from defaults\n", d->name);
			before = false;
		}
		if (!before)
			memset(region, 0, need);
	}
	if (orphans)
		ax_printf("%s: %u requests of the last incarnation kept, for their clients to take back\n", d->name,
			  orphans);
	if (before && d->kept_sent)
		for (unsigned u = 0; u < UNITS_MAX; u++)
			if (sent_since[u])
				d->kept_sent((int)u, sent_since[u]);
	if (d->chr)
		chardrv_attach(d->chr, waiting);
	if (d->blk)
		blockdrv_attach(d->blk);
	if (d->label)
		announce(d->label);
	return before;
}

/* ---- the loop ------------------------------------------------------------------------------ */

/* Every request ends here: its changes are committed to the kept state before the answer goes. */
static int64_t sealed(int64_t r)
{
	commit();
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
	commit();
}

_Noreturn void driver_run(const struct driver *d)
{
	static const struct ax_call calls[] = {
		{DEV_OPEN, do_dev},   {DEV_CLOSE, do_dev},  {DEV_READ, do_dev},   {DEV_WRITE, do_dev},
		{DEV_IOCTL, do_dev},  {DEV_SIZE, do_dev},   {DEV_CANCEL, do_dev}, {DEV_SELECT, do_dev},
		{DEV_STATUS, do_dev}, {AX_CALL_OTHER, do_other},
	};

	drv = d;
	commit(); /* what the driver set up since driver_start */
	ax_serve(calls, (int)(sizeof(calls) / sizeof(calls[0])), on_notify);
}
