/*
 * The driver library's character devices: every request checked, the
 * requests that wait kept (in kept state: pending.h) and retried on
 * driver_kick, select registrations fired once, VTIME-like deadlines on the
 * kernel's alarm. See driver.h.
 */
#include "driver.h"

#define ENXIO 6
#define ENOTTY 25
#define EINTR 4
#define ENOBUFS 105
#define DRV_SELECTS 32

/* A DEV_SELECT_NOTIFY registration: reported once, when one of its events is ready. */
struct selection {
	bool used, fired;
	endpoint_t client;
	int unit;
	uint64_t minor;
	uint32_t events, ready;
};

static const struct chardrv *chr;
static struct drv_io *waiting; /* DRV_PENDING of them, in kept state when rs keeps some */
static struct selection selections[DRV_SELECTS];
static uint64_t alarm_at; /* when the kernel's alarm rings for us, 0: not set */

void chardrv_attach(const struct chardrv *c, struct drv_io *kept_table)
{
	chr = c;
	waiting = kept_table;
}

static bool live(const struct drv_io *p) { return p->used && !p->finished && !p->orphan; }

static uint64_t deadline(const struct drv_io *p) { return !p->write && chr->deadline ? chr->deadline(p) : 0; }

/* Keep the kernel's one alarm at the earliest deadline of any waiting read. */
static void set_alarm(void)
{
	uint64_t first = 0, now;

	for (unsigned i = 0; i < DRV_PENDING; i++) {
		uint64_t d = live(&waiting[i]) ? deadline(&waiting[i]) : 0;

		if (d && (!first || d < first))
			first = d;
	}
	if (first == alarm_at)
		return;
	alarm_at = first;
	now = ax_now_ns();
	ax_alarm(first ? (first > now ? first - now : 1) : 0);
}

/* A read or write, now: bytes, -errno or DEV_SUSPENDED. */
static int64_t attempt(struct drv_io *p, uint64_t *now)
{
	uint64_t d;

	if (p->write)
		return chr->write(p);
	d = deadline(p);
	if (d && !*now)
		*now = ax_now_ns();
	return chr->read(p, d && d <= *now);
}

static void finish(struct drv_io *p, int64_t result)
{
	p->finished = 1;
	p->result = result;
	ax_notify(p->client);
}

static void kick_once(int unit)
{
	uint64_t now = 0;

	for (unsigned i = 0; i < DRV_PENDING; i++) {
		struct drv_io *p = &waiting[i];
		int64_t r;

		if (!live(p) || (int)p->unit != unit)
			continue;
		driver_changed(); /* its progress, at least, may move */
		if ((r = attempt(p, &now)) != DEV_SUSPENDED)
			finish(p, r);
	}
	if (chr->flush)
		chr->flush(unit);
	for (unsigned i = 0; i < DRV_SELECTS; i++) {
		struct selection *s = &selections[i];
		uint32_t ev;

		if (s->used && !s->fired && s->unit == unit && (ev = chr->ready(unit) & s->events)) {
			s->fired = true;
			s->ready = ev;
			ax_notify(s->client);
		}
	}
	set_alarm();
}

/*
 * Progress on a unit. Flushing a device can feed input back (a console's
 * answer to CSI 6 n), which kicks again: such a nested kick only marks the
 * unit, and the outer one goes round again.
 */
void driver_kick(int unit)
{
	static bool busy;
	static uint64_t again;

	if (unit < 0 || (unsigned)unit >= chr->units)
		return;
	again |= 1ULL << unit;
	if (busy)
		return;
	busy = true;
	while (again) {
		int u = __builtin_ctzll(again);

		again &= ~(1ULL << u);
		kick_once(u);
	}
	busy = false;
}

void chardrv_alarm(void)
{
	alarm_at = 0;
	for (unsigned u = 0; u < chr->units; u++)
		driver_kick((int)u);
}

/* ---- requests --------------------------------------------------------------------------------- */

/* DEV_READ and DEV_WRITE: every field checked, then a request asked again taken back, or a new one tried. */
static int64_t do_io(const ax_message *m, ax_message *r, bool write)
{
	const struct dev_io_req *rq = (const void *)m->bytes;
	int unit = chr->unit(rq->minor, rq->sid), sig;
	struct drv_io io = {.write = write, .id = rq->id, .client = m->source, .unit = (uint32_t)unit,
			    .minor = rq->minor, .grant = rq->grant, .granter = rq->granter, .len = rq->len,
			    .flags = rq->flags & ~(uint32_t)DEV_REISSUE};
	struct drv_io *slot;
	uint64_t now = 0;
	int64_t rc;

	if (unit < 0)
		return -ENXIO;
	if (rq->len > DEV_IO_MAX || rq->flags & ~(DEV_NONBLOCK | DEV_REISSUE | chr->io_flags) ||
	    rq->grant > 0xffffffffULL)
		return -AX_EINVAL;
	switch (drv_io_claim(waiting, DRV_PENDING, &io, rq->flags & DEV_REISSUE, &slot)) {
	case DRV_CLAIM_DUPLICATE:
		return -AX_EINVAL;
	case DRV_CLAIM_RESUMED: /* the last incarnation's: finished, or on from its progress */
		driver_changed();
		rc = slot->finished ? slot->result : attempt(slot, &now);
		if (rc != DEV_SUSPENDED)
			slot->used = 0;
		set_alarm();
		return rc;
	case DRV_CLAIM_REPLACED:
		driver_changed();
		break;
	case DRV_CLAIM_NEW:
		break;
	}
	if (chr->job_control && (sig = chr->job_control(unit, rq, write)))
		return driver_background(r, sig);
	io.started_ns = ax_now_ns();
	rc = attempt(&io, &now);
	if (rc != DEV_SUSPENDED)
		return rc;
	if (!write && (io.flags & DEV_NONBLOCK))
		return -AX_EAGAIN;
	if (!drv_io_add(waiting, DRV_PENDING, &io))
		return io.done ? (int64_t)io.done : -ENOBUFS;
	driver_changed();
	set_alarm();
	return DEV_SUSPENDED;
}

static int64_t do_cancel(const ax_message *m)
{
	const struct dev_cancel_req *rq = (const void *)m->bytes;
	struct drv_io *p = rq->reserved ? 0 : drv_io_find(waiting, DRV_PENDING, m->source, rq->id);
	int64_t rc;

	if (!p || p->orphan)
		return -AX_EINVAL;
	driver_changed();
	if (p->finished)
		rc = p->result; /* it completed before the cancel came: the client still gets its bytes */
	else
		rc = p->write && p->done ? (int64_t)p->done : -EINTR;
	p->used = 0;
	set_alarm();
	return rc;
}

/* DEV_STATUS: the client's next event: a finished request, a fired selection, or none. */
static int64_t do_status(const ax_message *m, ax_message *r)
{
	struct drv_io *p = drv_io_next_done(waiting, DRV_PENDING, m->source);

	if (p) {
		driver_changed();
		*(struct dev_status_reply *)(void *)r->bytes =
			(struct dev_status_reply){.minor = p->minor, .id = p->id, .result = p->result};
		p->used = 0;
		return DEV_EV_DONE;
	}
	for (unsigned i = 0; i < DRV_SELECTS; i++) {
		struct selection *s = &selections[i];

		if (s->used && s->fired && s->client == m->source) {
			*(struct dev_status_reply *)(void *)r->bytes =
				(struct dev_status_reply){.minor = s->minor, .result = s->ready};
			s->used = false;
			return DEV_EV_SELECT;
		}
	}
	return DEV_EV_NONE;
}

/* DEV_SELECT: the events ready now; maybe remember the rest. */
static int64_t do_select(const ax_message *m)
{
	const struct dev_select_req *rq = (const void *)m->bytes;
	int unit = chr->unit(rq->minor, rq->sid);
	uint32_t want = rq->events, ready;
	struct selection *slot = 0;

	if (unit < 0)
		return -ENXIO;
	if (rq->reserved || rq->notify > DEV_SELECT_NOTIFY)
		return -AX_EINVAL;
	ready = chr->ready(unit) & want;
	if (ready || !rq->notify || !(want & (DEV_POLLIN | DEV_POLLOUT)))
		return ready;
	for (unsigned i = 0; i < DRV_SELECTS; i++) /* one registration per client and device: the newest */
		if (selections[i].used && selections[i].client == m->source && selections[i].minor == rq->minor)
			slot = &selections[i];
	for (unsigned i = 0; i < DRV_SELECTS && !slot; i++)
		if (!selections[i].used)
			slot = &selections[i];
	if (!slot)
		return -ENOBUFS;
	*slot = (struct selection){.used = true, .client = m->source, .unit = unit, .minor = rq->minor, .events = want};
	return 0;
}

static int64_t do_open(const ax_message *m)
{
	const struct dev_open_req *rq = (const void *)m->bytes;
	int unit = chr->unit(rq->minor, rq->sid);

	if (unit < 0)
		return -ENXIO;
	if (rq->reserved || rq->reserved2)
		return -AX_EINVAL;
	return chr->open ? chr->open(unit, rq) : 0;
}

static bool names(uint64_t minor) { return chr->names ? chr->names(minor) : chr->unit(minor, 0) >= 0; }

static int64_t do_ioctl(const ax_message *m, ax_message *r)
{
	const struct dev_ioctl_req *rq = (const void *)m->bytes;
	int unit = chr->unit(rq->minor, rq->sid);

	if (unit < 0)
		return -ENXIO;
	if (rq->request >> 32 || rq->grant > 0xffffffffULL || rq->flags & ~(uint32_t)DEV_IOCTL_NOSTOP)
		return -AX_EINVAL;
	return chr->ioctl ? chr->ioctl(unit, rq, r) : -ENOTTY;
}

int64_t chardrv_request(const ax_message *m, ax_message *r)
{
	uint64_t minor = ((const struct dev_minor_req *)(const void *)m->bytes)->minor;

	switch (m->type) {
	case DEV_OPEN: return do_open(m);
	case DEV_CLOSE: return names(minor) ? 0 : -ENXIO;
	case DEV_SIZE: return names(minor) ? -ENOTTY : -ENXIO;
	case DEV_READ: return do_io(m, r, false);
	case DEV_WRITE: return do_io(m, r, true);
	case DEV_IOCTL: return do_ioctl(m, r);
	case DEV_CANCEL: return do_cancel(m);
	case DEV_SELECT: return do_select(m);
	case DEV_STATUS: return do_status(m, r);
	default: return -AX_ENOSYS;
	}
}
