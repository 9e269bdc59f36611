/*
 * Character devices: a file whose vnode is S_IFCHR is served by the driver
 * of its major (1: memory, 4 and 5: tty), by the protocol of
 * lib/sys/include/proto/dev.h. vfs sends every request with sendrec and a
 * driver always answers at once; a request that must wait is answered
 * DEV_SUSPENDED and the driver keeps it (by an id: the process's slot) with
 * its grant (the process's own slot, G_PROC), which stays valid until the
 * request ends. The driver then notifies vfs, and vfs pulls DEV_STATUS
 * until DEV_EV_NONE: a finished request resumes its call, a select
 * registration that fired wakes the pollers.
 *
 * The drivers are services rs restarts: vfs learns their endpoints from
 * the boot information, then follows them in ds (subscribed to their
 * labels, and procfs's, whose mount vfs re-opens: fs_server_moved). A call
 * that meets a driver that is not there (it died under the request, or ds
 * says it is down) is parked, not failed (W_DRIVER), with what it moved so
 * far, and runs again, with fresh grants, when ds names the next
 * incarnation; so do the requests the dead driver kept (W_DEV), and pollers
 * register again. A parked call ends with EIO only when rs marks the driver
 * failed, after PARK_TRIES re-issues, or PARK_NS without a new incarnation;
 * without ds nothing restarts a driver, and calls fail at once as before.
 */
#include <string.h>

#include <proto/dev.h>
#include <proto/ds.h>
#include <proto/pm.h>
#include <proto/rs.h>
#include <sys/info.h>

#include "vfs.h"

#define PARK_TRIES 8                     /* re-issues of one call to a restarted driver, at most */
#define PARK_NS (20 * 1000000000ULL)     /* how long a parked call waits for the next incarnation, at most */

/* A driver as ds says it is. */
static struct driver {
	const char *label;
	endpoint_t ep;  /* AX_NONE: not running */
	int state;      /* DS_UP; DS_DOWN (rs restarts it: calls park); DS_FAILED, DS_STOPPED (or none at all: calls fail) */
} drivers[] = {[DRV_MEMORY] = {"memory", AX_NONE, DS_STOPPED}, [DRV_TTY] = {"tty", AX_NONE, DS_STOPPED}};

static endpoint_t dsep = AX_NONE;

static void finished(struct vproc *p, int64_t r);

void dev_init(void)
{
	static const char *const labels[] = {"memory", "tty", "procfs"};
	struct ds_reply rp;

	for (int d = 0; d < DRV_COUNT; d++)
		if ((drivers[d].ep = ax_boot_endpoint(drivers[d].label)) != AX_NONE)
			drivers[d].state = DS_UP;
	dsep = ax_boot_endpoint("ds");
	if (drivers[DRV_MEMORY].ep == AX_NONE)
		ax_printf("vfs: no memory driver: /dev/null and the rest give ENXIO\n");
	for (unsigned i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (dsep != AX_NONE && ds_call(dsep, DS_SUBSCRIBE, labels[i], 0, 0, &rp) < 0)
			ax_printf("vfs: cannot follow %s in ds: a restarted %s will not be found\n", labels[i], labels[i]);
}

/* The driver of a major, or -1. */
static int driver_of(uint32_t major)
{
	switch (major) {
	case MEM_MAJOR: return DRV_MEMORY;
	case TTY_MAJOR:
	case TTYAUX_MAJOR: return DRV_TTY;
	default: return -1;
	}
}

/* Will driver d be there again by itself? (rs restarts it, and ds will say when: calls may wait for it) */
static bool coming_back(int d)
{
	return dsep != AX_NONE && (drivers[d].state == DS_DOWN || drivers[d].state == DS_UP);
}

/*
 * p's call met driver d not there: it waits for the next incarnation
 * (W_DRIVER), or ends with EIO when none will come (failed, no ds to say
 * so, tried too often).
 */
static int64_t park(struct vproc *p, int d)
{
	if (!coming_back(d) || p->reissues >= PARK_TRIES)
		return -EIO;
	p->reissues++;
	p->wait = W_DRIVER;
	p->parked_on = d;
	if (!p->deadline) {
		p->deadline = ax_now_ns() + PARK_NS;
		deadline_waiting = true; /* vfs's alarm looks at parked calls' deadlines too */
	}
	return DEV_WOULD_WAIT;
}

/* A parked call's deadline passed: the driver did not come back in time. */
void dev_park_expired(struct vproc *p)
{
	ax_printf("vfs: the %s driver did not come back in %llu s: a call of pid %d ends with EIO\n",
		  drivers[p->parked_on].label, PARK_NS / 1000000000ULL, p->pid);
	reply_later(p, p->done ? (int64_t)p->done : -EIO);
}

endpoint_t dev_ds(void)
{
	return dsep;
}

/* drv answered something impossible: ask rs to restart it (proto/rs.h, RS_COMPLAIN). */
static void complain(endpoint_t drv, uint64_t why)
{
	ax_message m = {.type = RS_COMPLAIN};
	struct rs_complaint *c = (struct rs_complaint *)(void *)m.bytes;
	endpoint_t rs = ax_boot_endpoint("rs");

	c->endpoint = drv;
	c->why = why;
	if (rs == AX_NONE || ax_sendrec(rs, &m) < 0 || m.i64[0] < 0)
		ax_printf("vfs: could not ask rs to restart driver %d (%ld)\n", drv, rs == AX_NONE ? -ENOSYS : m.i64[0]);
}

/*
 * The driver's answer r to a request (what: "an open", ...): r itself, or
 * -EIO and a complaint when no request could have it (below every errno,
 * or above max); DEV_SUSPENDED and DEV_BACKGROUND only where allowed.
 */
static int64_t checked(endpoint_t ep, int64_t r, int64_t max, bool background, const char *what)
{
	if ((r >= -4095 && r <= max) || (background && r == DEV_BACKGROUND))
		return r;
	ax_printf("vfs: driver %d answered %s with %ld: EIO; asking rs to restart it\n", ep, what, (long)r);
	complain(ep, RS_WHY_BAD_REPLY);
	return -EIO;
}

/*
 * ds says driver d is now ep in state (DS_UP, DS_DOWN, DS_FAILED). What
 * the old incarnation kept (W_DEV) is issued again, from what it had moved,
 * once there is a new one; parked calls run again then; pollers register
 * again. When rs gives up, all of them end with EIO.
 */
static void rebind(int d, endpoint_t ep, int state)
{
	struct driver *drv = &drivers[d];
	endpoint_t old = drv->ep;
	struct vproc *p;

	if (state == DS_UP && ep == old && drv->state == DS_UP)
		return;
	drv->ep = state == DS_UP ? ep : AX_NONE;
	drv->state = state == DS_GONE ? DS_STOPPED : state;
	for_each_blocked(n, p) {
		if (p->wait == W_DEV && p->driver == old && old != AX_NONE && old != drv->ep) {
			revoke(G_PROC(p)); /* the grant was for the dead one; the next request makes its own */
			if (park(p, d) != DEV_WOULD_WAIT) {
				finished(p, -EIO);
				continue;
			}
		}
		if (p->wait != W_DRIVER || p->parked_on != d)
			continue;
		if (drv->state == DS_UP)
			retry(p);
		else if (!coming_back(d))
			reply_later(p, p->done ? (int64_t)p->done : -EIO);
	}
	if (drv->state == DS_UP)
		ax_printf("vfs: the %s driver is endpoint %d now\n", drv->label, ep);
	else if (!coming_back(d))
		ax_printf("vfs: the %s driver is %s: its calls end with an error\n", drv->label,
			  drv->state == DS_FAILED ? "failed" : "stopped");
	wake_pollers(); /* selects it held are gone: they ask the new one (or see POLLERR) */
}

/* ds says a driver changed: follow it. */
void dev_rebind(void)
{
	struct ds_reply rp;

	for (int n = 0; dsep != AX_NONE && n < 16 && ds_call(dsep, DS_CHECK, "-", 0, 0, &rp) == 0; n++) {
		endpoint_t ep = rp.state == DS_UP ? (endpoint_t)rp.endpoint : AX_NONE;
		bool found = false;

		for (int d = 0; d < DRV_COUNT; d++)
			if (strcmp(rp.label, drivers[d].label) == 0) {
				rebind(d, ep, (int)rp.state);
				found = true;
			}
		if (!found)
			fs_server_moved(rp.label, ep);
	}
}

endpoint_t dev_driver(uint32_t major)
{
	int d = driver_of(major);

	return d < 0 ? AX_NONE : drivers[d].ep;
}

/* A request of proto/dev.h (its struct, n bytes) in a message of that type. */
static ax_message dev_message(int type, const void *rq, size_t n)
{
	ax_message m = {.type = type};

	memcpy(m.bytes, rq, n);
	return m;
}

/*
 * Where a request for major goes: 0 and *ep, or what the call answers
 * instead: gone (an open: -ENXIO; a file already open: -EIO) when there is
 * no such driver and none is coming back (stopped, failed, never was), or
 * park()'s when it is being restarted.
 */
static int64_t reach(struct vproc *p, uint32_t major, endpoint_t *ep, int64_t gone)
{
	int d = driver_of(major);

	if (d < 0)
		return gone;
	if ((*ep = drivers[d].ep) == AX_NONE)
		return coming_back(d) ? park(p, d) : gone;
	return 0;
}

/* A sendrec to ep (major's driver) failed: it died under the request. */
static int64_t died(struct vproc *p, uint32_t major)
{
	return park(p, driver_of(major));
}

/* The minor a request names: major and minor, and whether it is a block device's. */
static uint64_t request_minor(uint32_t major, uint32_t minor, bool block)
{
	return DEV_MKMINOR(major, minor) | (block ? DEV_MINOR_BLOCK : 0);
}

static uint64_t file_minor(int file) { return request_minor(extra[file].major, extra[file].minor, extra[file].block); }

int64_t dev_open(struct vproc *p, uint32_t major, uint32_t minor, bool block, uint32_t flags)
{
	endpoint_t ep;
	int64_t r = reach(p, major, &ep, -ENXIO);
	struct dev_open_req rq = {.minor = request_minor(major, minor, block), .flags = flags, .pid = p->pid, .sid = p->sid,
				  .pgrp = p->pgrp};
	ax_message m = dev_message(DEV_OPEN, &rq, sizeof(rq));

	if (r < 0)
		return r;
	if (ax_sendrec(ep, &m) < 0)
		return died(p, major);
	return checked(ep, m.i64[0], 0, false, "an open");
}

void dev_close(uint32_t major, uint32_t minor, bool block)
{
	endpoint_t ep = dev_driver(major);
	struct dev_minor_req rq = {request_minor(major, minor, block)};
	ax_message m = dev_message(DEV_CLOSE, &rq, sizeof(rq));

	if (ep != AX_NONE && ax_sendrec(ep, &m) == 0)
		checked(ep, m.i64[0], 0, false, "a close"); /* a close cannot fail, but the driver's answer is checked */
}

/*
 * A background process touched its terminal: the driver named the signal
 * its group must get. pm is asked to send it (PM_SIG_JOBCTL); the call
 * waits for the signal to interrupt it (VFS_INTERRUPT: -ERESTARTSYS, so
 * it runs again once the group is continued), or for pm to refuse
 * (VFS_JOBCTL_REFUSED: -EIO, as Linux answers a process that ignores or
 * blocks the signal).
 */
static int64_t background(struct vproc *p, endpoint_t ep, const ax_message *m)
{
	const struct dev_reply *rp = (const void *)m->bytes;

	if (rp->signal != 21 /* SIGTTIN */ && rp->signal != 22 /* SIGTTOU */) {
		ax_printf("vfs: driver %d asked for job-control signal %lu: EIO; asking rs to restart it\n", ep,
			  rp->signal);
		complain(ep, RS_WHY_BAD_REPLY);
		return -EIO;
	}
	p->jobsig = (int)rp->signal;
	queue_signal(PM_SIG_JOBCTL, p->ep, p->jobsig);
	p->wait = W_JOBCTL;
	return DEV_WOULD_WAIT;
}

/* A read or write of len bytes at va: bytes, -errno, or DEV_WOULD_WAIT (the call waits: W_DEV). */
int64_t dev_io(struct vproc *p, int file, uint64_t va, uint64_t len, uint64_t pos, bool write, bool nonblock)
{
	uint32_t major = extra[file].major;
	endpoint_t ep;
	int g = G_PROC(p);
	int64_t r = reach(p, major, &ep, -EIO);
	ax_message m;

	if (r < 0)
		return r;
	if (len > DEV_IO_MAX)
		len = DEV_IO_MAX;
	set_grant(g, AX_GRANT_READ | AX_GRANT_WRITE | AX_GRANT_MAGIC, ep, io_ep(p), (void *)va, len);
	m = dev_message(write ? DEV_WRITE : DEV_READ,
			&(struct dev_io_req){.minor = file_minor(file), .pos = pos, .len = len,
					     .grant = (uint64_t)g, .granter = ax_self,
					     .flags = (nonblock ? DEV_NONBLOCK : 0) | (p->nostop ? DEV_NOSTOP : 0) |
						      (p->reissues ? DEV_REISSUE : 0),
					     .id = (uint32_t)(p - procs), .pgrp = p->pgrp, .sid = p->sid},
			sizeof(struct dev_io_req));
	if (ax_sendrec(ep, &m) < 0) {
		revoke(g);
		return died(p, major); /* the piece is asked again of the next incarnation: positional, idempotent */
	}
	if (m.i64[0] == DEV_SUSPENDED) {
		p->wait = W_DEV;
		p->obj = file;
		p->driver = ep;
		p->dev_len = len;
		return DEV_WOULD_WAIT;
	}
	revoke(g);
	if (m.i64[0] == DEV_BACKGROUND)
		return background(p, ep, &m);
	if (m.i64[0] > (int64_t)len || m.i64[0] < -4095) {
		ax_printf("vfs: driver %d answered a %s of %lu bytes with %ld: EIO; asking rs to restart it\n", ep,
			  write ? "write" : "read", len, m.i64[0]);
		complain(ep, RS_WHY_BAD_REPLY);
		return -EIO;
	}
	return m.i64[0];
}

/* The ioctls vfs knows the argument of: how many bytes the pointer argument points to (0: a number). */
static int ioctl_size(uint64_t cmd, bool *out)
{
	*out = true;
	switch (cmd) {
	case 0x5401: return 36;                 /* TCGETS: struct termios (Linux's kernel one) */
	case 0x5402: case 0x5403: case 0x5404: /* TCSETS, TCSETSW, TCSETSF */
		*out = false;
		return 36;
	case 0x5413: return 8;                  /* TIOCGWINSZ */
	case 0x5414: *out = false; return 8;    /* TIOCSWINSZ */
	case 0x540f: return 4;                  /* TIOCGPGRP */
	case 0x5410: *out = false; return 4;    /* TIOCSPGRP */
	case 0x5429: return 4;                  /* TIOCGSID */
	case 0x541b: return 4;                  /* FIONREAD */
	case 0x5411: return 4;                  /* TIOCOUTQ */
	case 0x5412: *out = false; return 1;    /* TIOCSTI: the byte to push */
	case 0x4b33: return 1;                  /* KDGKBTYPE */
	case 0x80045430: return 4;              /* TIOCGPTN */
	case BLKGETSIZE64: return 8;            /* a block device's size in bytes */
	default: return 0;                      /* TCSBRK, TCXONC, TCFLSH, TIOCSCTTY, TIOCNOTTY: a number */
	}
}

int64_t dev_ioctl(struct vproc *p, int file, uint64_t cmd, uint64_t arg)
{
	uint32_t major = extra[file].major;
	endpoint_t ep;
	bool out;
	int size = ioctl_size(cmd, &out), g = G_PROC(p);
	int64_t r = reach(p, major, &ep, -EIO);
	ax_message m;

	if (r < 0)
		return r;
	if (size) {
		if (!arg)
			return -EFAULT;
		touch(p->ep, arg, (uint64_t)size, out);
		set_grant(g, (out ? AX_GRANT_WRITE : AX_GRANT_READ) | AX_GRANT_MAGIC, ep, p->ep, (void *)arg, (uint64_t)size);
	}
	m = dev_message(DEV_IOCTL,
			&(struct dev_ioctl_req){.minor = file_minor(file), .request = cmd,
						.grant = size ? (uint64_t)g : DEV_NO_GRANT, .granter = ax_self, .value = arg,
						.pid = p->pid, .sid = p->sid, .pgrp = p->pgrp,
						.flags = p->nostop ? DEV_IOCTL_NOSTOP : 0},
			sizeof(struct dev_ioctl_req));
	if (ax_sendrec(ep, &m) < 0) {
		revoke(g);
		return died(p, major); /* the terminal ioctls set or read state: asking again is harmless */
	}
	revoke(g);
	if (checked(ep, m.i64[0], INT32_MAX, true, "an ioctl") == DEV_BACKGROUND)
		return background(p, ep, &m);
	return checked(ep, m.i64[0], INT32_MAX, false, "an ioctl");
}

/*
 * Events ready now on the device (DEV_POLL*); with notify, the driver
 * remembers and tells when one is. A driver being restarted has nothing
 * ready yet: the poller is woken when ds names the next incarnation, and
 * asks it.
 */
int64_t dev_select(struct vproc *p, int file, uint32_t events, bool notify)
{
	uint32_t major = extra[file].major;
	int d = driver_of(major);
	endpoint_t ep = d < 0 ? AX_NONE : drivers[d].ep;
	struct dev_select_req rq = {.minor = file_minor(file), .events = events,
				    .notify = notify ? DEV_SELECT_NOTIFY : 0, .sid = p->sid};
	ax_message m = dev_message(DEV_SELECT, &rq, sizeof(rq));
	bool restarting = d >= 0 && coming_back(d);
	int64_t r;

	if (ep == AX_NONE || ax_sendrec(ep, &m) < 0)
		return restarting ? 0 : DEV_POLLERR;
	r = checked(ep, m.i64[0], DEV_POLLIN | DEV_POLLPRI | DEV_POLLOUT | DEV_POLLERR | DEV_POLLHUP, false, "a select");
	if (r == -EIO && m.i64[0] != -EIO)
		return 0; /* garbage: it is being restarted; the poller is woken when ds names the next incarnation */
	return r < 0 ? DEV_POLLERR : r;
}

/* A block device's size in bytes (lseek's SEEK_END), or -errno, or DEV_WOULD_WAIT (its driver restarts). */
int64_t dev_size(struct vproc *p, int file)
{
	endpoint_t ep;
	int64_t r = reach(p, extra[file].major, &ep, -EIO);
	struct dev_minor_req rq = {file_minor(file)};
	ax_message m = dev_message(DEV_SIZE, &rq, sizeof(rq));

	if (r < 0)
		return r;
	if (ax_sendrec(ep, &m) < 0)
		return died(p, extra[file].major);
	return checked(ep, m.i64[0], INT64_MAX, false, "a size request");
}

/* The leader of session sid ended: the terminal driver gives up the terminal it controlled. */
void dev_session_end(int sid)
{
	struct dev_session_end_req rq = {sid};
	ax_message m = dev_message(DEV_SESSION_END, &rq, sizeof(rq));

	if (drivers[DRV_TTY].ep != AX_NONE && ax_sendrec(drivers[DRV_TTY].ep, &m) == 0)
		checked(drivers[DRV_TTY].ep, m.i64[0], 0, false, "a session's end");
}

/* The waiting call of p is given up (a signal, or p's end): take the request back. */
void dev_cancel(struct vproc *p)
{
	struct dev_cancel_req rq = {file_minor(p->obj), (uint32_t)(p - procs), 0};
	ax_message m = dev_message(DEV_CANCEL, &rq, sizeof(rq));
	int64_t r = -EINTR;

	if (ax_sendrec(p->driver, &m) == 0)
		r = checked(p->driver, m.i64[0], (int64_t)p->dev_len, false, "a cancel");
	revoke(G_PROC(p));
	p->wait = W_NONE;
	if (r > 0)
		p->done += (uint64_t)r;
}

/* A request the driver kept has ended with result r: the call goes on (more to move) or is answered. */
static void finished(struct vproc *p, int64_t r)
{
	revoke(G_PROC(p));
	p->wait = W_NONE;
	if (r < 0) {
		reply_later(p, p->done ? (int64_t)p->done : r);
		return;
	}
	if ((uint64_t)r > p->dev_len) {
		ax_printf("vfs: driver %d finished a request of %lu bytes with %ld: EIO; asking rs to restart it\n",
			  p->driver, p->dev_len, r);
		complain(p->driver, RS_WHY_BAD_REPLY);
		reply_later(p, -EIO);
		return;
	}
	p->done += (uint64_t)r;
	if (p->blocked_nr == NR_SENDFILE) /* it has its own last step (the input file's offset) */
		retry(p);
	else if ((uint64_t)r < p->dev_len) /* short (a terminal's line): the call ends here */
		reply_later(p, (int64_t)p->done);
	else
		retry(p); /* all of it: the call goes on with its next piece, or answers */
}

/* The driver notified vfs: collect every event it has. */
void dev_events(endpoint_t driver)
{
	bool selects = false;

	for (int n = 0; n < 4 * PROC_MAX; n++) {
		ax_message m = {.type = DEV_STATUS};
		const struct dev_status_reply *ev = (const void *)m.bytes;
		struct vproc *p;

		if (ax_sendrec(driver, &m) < 0 || ev->event == DEV_EV_NONE)
			break;
		if (ev->event == DEV_EV_SELECT) {
			selects = true;
			continue;
		}
		if (ev->event != DEV_EV_DONE || ev->id >= PROC_MAX) {
			ax_printf("vfs: driver %d reported event %ld (id %u): impossible; asking rs to restart it\n", driver,
				  ev->event, ev->id);
			complain(driver, RS_WHY_BAD_EVENT);
			break;
		}
		p = &procs[ev->id];
		if (!p->used || !p->blocked || p->wait != W_DEV || p->driver != driver) {
			ax_printf("vfs: driver %d finished request %u nobody waits for: ignored\n", driver, ev->id);
			continue;
		}
		finished(p, ev->result);
	}
	if (selects)
		wake_pollers();
}
