/*
 * tty: the terminal driver. Character major 4: minors 1..6 the virtual
 * consoles on the VGA with the PS/2 keyboard (0: the one shown), 64 and 65
 * the serial ports ttyS0 and ttyS1; major 5: minor 0 /dev/tty (the caller's
 * controlling terminal), minor 1 /dev/console (ttyS0). Protocol:
 * lib/sys/include/proto/dev.h; design and limits: docs/tty.md.
 *
 * The driver never blocks on a client: a read that cannot complete yet (or
 * a write while output is stopped) is answered DEV_SUSPENDED and kept here
 * by (client, id); when it completes the client is notified and collects
 * the result with DEV_STATUS. Keyboard signals are queued for pm, which
 * pulls them (PM_SIGNAL_PULL). Each terminal's settings, window size,
 * session and foreground group are kept in ds too, so a restarted driver
 * takes them back.
 */
#include <string.h>

#include <proto/dev.h>
#include <proto/ds.h>
#include <proto/pm.h>
#include <sys/info.h>
#include <driver/driver.h>
#include <sys/sigq.h>

#include "tty.h"

#define ENXIO 6
#define ENOTTY 25
#define EINTR 4
#define ENOBUFS 105
#define SIGHUP 1
#define SIGCONT 18
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGWINCH 28
#define O_NOCTTY 0400

/* Linux's terminal ioctls */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCSBRK 0x5409
#define TCXONC 0x540a
#define TCFLSH 0x540b
#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429
#define TIOCGPTN 0x80045430
#define KDGKBTYPE 0x4b33
#define KB_101 0x02

struct term terms[NR_TERMS]; /* 0..5 the consoles tty1..tty6, then ttyS0, ttyS1 */

static struct ax_sigq signals; /* for the foreground groups, until pm pulls them */
static endpoint_t pm_ep = AX_NONE, ds_ep = AX_NONE;

/* ---- finding the terminal of a request ---------------------------------------------- */

static struct term *by_index(unsigned i) { return i < NR_TERMS && terms[i].present ? &terms[i] : 0; }

/* The controlling terminal of session sid, or 0. */
static struct term *of_session(int32_t sid)
{
	for (unsigned i = 0; i < NR_TERMS; i++)
		if (sid > 0 && terms[i].present && terms[i].sid == sid)
			return &terms[i];
	return 0;
}

/* The terminal a request's minor names (sid: the caller's, for /dev/tty), or 0: -ENXIO. */
static struct term *lookup(uint64_t dev, int32_t sid)
{
	uint32_t major = DEV_MAJOR_OF(dev), minor = DEV_MINOR_OF(dev);

	if (dev >> 32 || (dev & 0xffffffffULL) != DEV_MKMINOR(major, minor))
		return 0;
	if (major == TTY_MAJOR && minor == 0)
		return console_shown();
	if (major == TTY_MAJOR && minor >= 1 && minor <= NR_CONSOLES)
		return by_index(minor - 1);
	if (major == TTY_MAJOR && minor >= TTY_MINOR_SERIAL && minor < TTY_MINOR_SERIAL + NR_SERIAL)
		return by_index(NR_CONSOLES + minor - TTY_MINOR_SERIAL);
	if (major == TTYAUX_MAJOR && minor == TTYAUX_MINOR_TTY)
		return of_session(sid);
	if (major == TTYAUX_MAJOR && minor == TTYAUX_MINOR_CONSOLE)
		return by_index(NR_CONSOLES);
	return 0;
}

static unsigned term_index(const struct term *t) { return (unsigned)(t - terms); }

/* ---- saved state in ds ------------------------------------------------------------ */

/* ds keys per terminal N: "ttyN.f" flags and window size, "ttyN.c" c_line and c_cc, "ttyN.j" session and group. */
static void key(char *k, const struct term *t, char what)
{
	ax_snprintf(k, DS_LABEL_MAX, "tty%u.%c", term_index(t), what);
}

static void save_state(const struct term *t)
{
	uint8_t f[24], c[20];
	int32_t j[2] = {t->sid, t->pgrp};
	char k[DS_LABEL_MAX];

	memcpy(f, &t->line.tio, 16);
	memcpy(f + 16, &t->ws, 8);
	memcpy(c, &t->line.tio.c_line, 20);
	key(k, t, 'f');
	ds_call(ds_ep, DS_STORE, k, f, sizeof(f), 0);
	key(k, t, 'c');
	ds_call(ds_ep, DS_STORE, k, c, sizeof(c), 0);
	key(k, t, 'j');
	ds_call(ds_ep, DS_STORE, k, j, sizeof(j), 0);
}

/* Take back what a former copy of the driver saved (nothing, the first time). */
static void restore_state(struct term *t)
{
	struct ds_reply f, c, j;
	char k[DS_LABEL_MAX];
	struct line_termios tio = t->line.tio;

	key(k, t, 'f');
	if (ds_call(ds_ep, DS_RETRIEVE, k, 0, 0, &f) != 0 || f.endpoint != 24)
		return;
	key(k, t, 'c');
	if (ds_call(ds_ep, DS_RETRIEVE, k, 0, 0, &c) != 0 || c.endpoint != 20)
		return;
	memcpy(&tio, f.value, 16);
	memcpy(&tio.c_line, c.value, 20);
	line_set_termios(&t->line, &tio);
	memcpy(&t->ws, f.value + 16, 8);
	key(k, t, 'j');
	if (ds_call(ds_ep, DS_RETRIEVE, k, 0, 0, &j) == 0 && j.endpoint == 8) {
		memcpy(&t->sid, j.value, 4);
		memcpy(&t->pgrp, j.value + 4, 4);
	}
}

/* ---- signals for pm ----------------------------------------------------------------- */

/* A signal for a terminal's foreground group, queued for pm to pull (sys/sigq.h). */
static void queue_signal(int32_t pgrp, int sig)
{
	if (pgrp > 0)
		ax_sigq_push(&signals, pm_ep, "tty", PM_SIG_PGRP, pgrp, (uint64_t)sig);
}

static int64_t do_signal_pull(const ax_message *m, ax_message *r) { return ax_sigq_pull(&signals, pm_ep, m, r); }

/* ---- moving bytes ------------------------------------------------------------------- */

static void drain(struct term *t)
{
	if (t->kind == TERM_CONSOLE)
		console_output(t);
	else
		serial_start_output(t);
}

static void flush_unit(int unit)
{
	if (terms[unit].present)
		drain(&terms[unit]);
}

/* A read, now if it can: bytes or -errno, or DEV_SUSPENDED when it must wait. */
static int64_t try_read(struct drv_io *p, bool timed_out)
{
	static uint8_t buf[LINE_INPUT_MAX];
	struct term *t = &terms[p->unit];
	size_t n;

	if (line_read_check(&t->line, p->len, timed_out) != LINE_READ_NOW)
		return DEV_SUSPENDED;
	n = line_take(&t->line, buf, p->len < sizeof(buf) ? p->len : sizeof(buf));
	if (n && driver_copy((uint64_t)p->granter, p->grant, 0, buf, n, AX_COPY_TO) < 0)
		return -AX_EFAULT;
	return (int64_t)n;
}

/* A write: as much as the output queue takes; all of it or DEV_SUSPENDED (or the part done, non-blocking). */
static int64_t try_write(struct drv_io *p)
{
	static uint8_t buf[LINE_OUTPUT_MAX / 2];
	struct term *t = &terms[p->unit];

	while (p->done < p->len && !t->line.stopped) {
		size_t n = line_out_room(&t->line) / 2; /* each byte may become two (ONLCR) */

		if (n > p->len - p->done)
			n = p->len - p->done;
		if (n > sizeof(buf))
			n = sizeof(buf);
		if (!n)
			break;
		if (driver_copy((uint64_t)p->granter, p->grant, p->done, buf, n, AX_COPY_FROM) < 0)
			return p->done ? (int64_t)p->done : -AX_EFAULT;
		p->done += line_write(&t->line, buf, n);
		drain(t);
	}
	if (p->done == p->len)
		return (int64_t)p->done;
	if (p->flags & DEV_NONBLOCK)
		return p->done ? (int64_t)p->done : -AX_EAGAIN;
	return DEV_SUSPENDED;
}

/* When a waiting read's VTIME timer runs out (0: it has none now). */
static uint64_t deadline(const struct drv_io *p)
{
	const struct term *t = &terms[p->unit];
	bool from_last;
	uint64_t ns;

	if (line_read_check(&t->line, p->len, false) != LINE_READ_TIMED || !line_read_timer(&t->line, &from_last, &ns))
		return 0;
	return (from_last ? t->last_input_ns : p->started_ns) + ns;
}

static uint32_t ready_events(int unit)
{
	struct line *l = &terms[unit].line;
	uint32_t ev = 0;

	if (line_poll_readable(l))
		ev |= DEV_POLLIN;
	if (!l->stopped && line_out_room(l) >= 2)
		ev |= DEV_POLLOUT;
	return ev;
}

void term_kick(struct term *t) { driver_kick((int)term_index(t)); }

void term_input(struct term *t, const uint8_t *bytes, size_t n)
{
	if (!(t->line.tio.c_cflag & CREAD))
		return;
	t->last_input_ns = ax_now_ns();
	for (size_t i = 0; i < n; i++) {
		int sig = line_input(&t->line, bytes[i]);

		if (sig)
			queue_signal(t->pgrp, sig);
	}
	term_kick(t);
}

/* ---- requests ----------------------------------------------------------------------- */

/* A caller of the terminal's session outside its foreground group: job control applies. */
static bool in_background(const struct term *t, int32_t sid, int32_t pgrp)
{
	return t->sid > 0 && sid == t->sid && pgrp != t->pgrp;
}

/* Reads from the background are stopped with SIGTTIN; writes with SIGTTOU when TOSTOP asks for it. */
static int job_control(int unit, const struct dev_io_req *rq, bool write)
{
	const struct term *t = &terms[unit];

	if (!write && in_background(t, rq->sid, rq->pgrp))
		return SIGTTIN;
	if (write && !(rq->flags & DEV_NOSTOP) && in_background(t, rq->sid, rq->pgrp) && (t->line.tio.c_lflag & TOSTOP))
		return SIGTTOU;
	return 0;
}

/* Make t the controlling terminal of session sid, its group pgrp in front. */
static void make_controlling(struct term *t, int32_t sid, int32_t pgrp)
{
	t->sid = sid;
	t->pgrp = pgrp;
	save_state(t);
}

static int64_t open_term(int unit, const struct dev_open_req *rq)
{
	struct term *t = &terms[unit];
	int32_t pid = rq->pid, sid = rq->sid, pgrp = rq->pgrp;

	/* A session leader without a terminal opening one nobody has: it becomes its controlling terminal. */
	if (pid > 0 && pid == sid && pgrp > 0 && !(rq->flags & O_NOCTTY) && !t->sid && !of_session(sid))
		make_controlling(t, sid, pgrp);
	return 0;
}

/* One of ours, whoever asks: /dev/tty is, even for a caller without a terminal. */
static bool names(uint64_t minor) { return lookup(minor, 0) || DEV_MAJOR_OF(minor) == TTYAUX_MAJOR; }

static int term_unit(uint64_t minor, int32_t sid)
{
	struct term *t = lookup(minor, sid);

	return t ? (int)term_index(t) : -1;
}

/* ---- ioctls ------------------------------------------------------------------------- */

struct ioctl_req {
	struct term *t;
	uint64_t cmd, grant, granter, value;
	int32_t pid, sid, pgrp;
};

static int64_t arg_out(const struct ioctl_req *q, const void *v, size_t n)
{
	if (q->grant == DEV_NO_GRANT)
		return -AX_EFAULT;
	return driver_copy(q->granter, q->grant, 0, (void *)v, n, AX_COPY_TO) < 0 ? -AX_EFAULT : 0;
}

static int64_t arg_in(const struct ioctl_req *q, void *v, size_t n)
{
	if (q->grant == DEV_NO_GRANT)
		return -AX_EFAULT;
	return driver_copy(q->granter, q->grant, 0, v, n, AX_COPY_FROM) < 0 ? -AX_EFAULT : 0;
}

static int64_t set_termios(const struct ioctl_req *q)
{
	struct line_termios tio;
	int64_t rc = arg_in(q, &tio, sizeof(tio));

	if (rc < 0)
		return rc;
	if (q->cmd == TCSETSF)
		line_flush_input(&q->t->line);
	line_set_termios(&q->t->line, &tio);
	save_state(q->t);
	term_kick(q->t); /* new VMIN/VTIME or ICANON may complete a waiting read */
	return 0;
}

static int64_t set_winsize(const struct ioctl_req *q)
{
	struct line_winsize ws;
	int64_t rc = arg_in(q, &ws, sizeof(ws));

	if (rc < 0)
		return rc;
	if (memcmp(&ws, &q->t->ws, sizeof(ws)) != 0) {
		q->t->ws = ws;
		queue_signal(q->t->pgrp, SIGWINCH);
		save_state(q->t);
	}
	return 0;
}

static int64_t set_pgrp(const struct ioctl_req *q)
{
	int32_t pgrp;
	int64_t rc = arg_in(q, &pgrp, sizeof(pgrp));

	if (rc < 0)
		return rc;
	if (pgrp <= 0)
		return -AX_EINVAL;
	q->t->pgrp = pgrp;
	save_state(q->t);
	return 0;
}

static int64_t set_ctty(const struct ioctl_req *q)
{
	if (q->t->sid == q->sid && q->sid > 0)
		return 0;
	if (q->pid <= 0 || q->pid != q->sid || q->t->sid || of_session(q->sid))
		return -AX_EPERM; /* not a session leader, or the terminal or the session is taken */
	make_controlling(q->t, q->sid, q->pgrp);
	return 0;
}

/* TIOCNOTTY from the session leader gives the terminal up: its foreground group is hung up. */
static int64_t drop_ctty(const struct ioctl_req *q)
{
	if (q->t->sid != q->sid || q->sid <= 0)
		return -ENOTTY;
	if (q->pid == q->sid) {
		queue_signal(q->t->pgrp, SIGHUP);
		queue_signal(q->t->pgrp, SIGCONT);
		make_controlling(q->t, 0, 0);
	}
	return 0;
}

/* vfs: the leader of session sid ended. Its terminal is free again; the foreground group hears SIGHUP. */
static int64_t do_session_end(const ax_message *m, ax_message *r)
{
	const struct dev_session_end_req *rq = (const void *)m->bytes;
	int32_t sid = (int32_t)rq->sid;

	(void)r;
	if (rq->sid <= 0 || rq->sid > INT32_MAX)
		return -AX_EINVAL;
	for (unsigned i = 0; i < NR_TERMS; i++) {
		struct term *t = &terms[i];

		if (!t->present || t->sid != sid)
			continue;
		if (t->pgrp > 0) {
			queue_signal(t->pgrp, SIGHUP);
			queue_signal(t->pgrp, SIGCONT);
		}
		make_controlling(t, 0, 0);
	}
	return 0;
}

static int64_t flush(const struct ioctl_req *q)
{
	if (q->value > 2)
		return -AX_EINVAL;
	if (q->value != 1) /* TCIFLUSH or TCIOFLUSH */
		line_flush_input(&q->t->line);
	if (q->value != 0) /* TCOFLUSH or TCIOFLUSH */
		line_flush_output(&q->t->line);
	return 0;
}

static int64_t flow(const struct ioctl_req *q)
{
	struct line *l = &q->t->line;
	uint8_t c;

	switch (q->value) {
	case 0: l->stopped = true; break;  /* TCOOFF */
	case 1: l->stopped = false; break; /* TCOON */
	case 2: case 3:                    /* TCIOFF, TCION: send STOP or START to the other end */
		c = l->tio.c_cc[q->value == 2 ? VSTOP : VSTART];
		if (c && line_out_room(l))
			line_write(l, &c, 1);
		break;
	default: return -AX_EINVAL;
	}
	term_kick(q->t);
	return 0;
}

/* The ioctls that change the terminal, refused to background groups with SIGTTOU. */
static bool changes_terminal(uint64_t cmd)
{
	return cmd == TCSETS || cmd == TCSETSW || cmd == TCSETSF || cmd == TIOCSPGRP || cmd == TCFLSH ||
	       cmd == TCXONC;
}

static int64_t ioctl(const struct ioctl_req *q)
{
	struct term *t = q->t;
	int32_t v;

	switch (q->cmd) {
	case TCGETS: return arg_out(q, &t->line.tio, sizeof(t->line.tio));
	case TCSETS: case TCSETSW: case TCSETSF: return set_termios(q);
	case TIOCGWINSZ: return arg_out(q, &t->ws, sizeof(t->ws));
	case TIOCSWINSZ: return set_winsize(q);
	case TIOCGPGRP:
		if (q->sid != t->sid || !t->sid)
			return -ENOTTY;
		return arg_out(q, &t->pgrp, sizeof(t->pgrp));
	case TIOCSPGRP:
		if (q->sid != t->sid || !t->sid)
			return -ENOTTY;
		return set_pgrp(q);
	case TIOCGSID:
		if (q->sid != t->sid || !t->sid)
			return -ENOTTY;
		return arg_out(q, &t->sid, sizeof(t->sid));
	case TIOCSCTTY: return set_ctty(q);
	case TIOCNOTTY: return drop_ctty(q);
	case FIONREAD: v = (int32_t)line_readable(&t->line); return arg_out(q, &v, sizeof(v));
	case TIOCOUTQ: v = (int32_t)t->line.out_len; return arg_out(q, &v, sizeof(v));
	case TCFLSH: return flush(q);
	case TCXONC: return flow(q);
	case TCSBRK: return 0; /* output goes out on its own: nothing to wait for, no break to send */
	case KDGKBTYPE:
		if (t->kind != TERM_CONSOLE)
			return -ENOTTY;
		return arg_out(q, &(uint8_t){KB_101}, 1);
	case TIOCGPTN: /* not a pseudo-terminal */
	default: return -ENOTTY;
	}
}

static int64_t ioctl_term(int unit, const struct dev_ioctl_req *rq, ax_message *r)
{
	struct ioctl_req q = {.t = &terms[unit], .cmd = rq->request, .grant = rq->grant, .granter = (uint64_t)rq->granter,
			      .value = rq->value, .pid = rq->pid, .sid = rq->sid, .pgrp = rq->pgrp};

	if (!(rq->flags & DEV_IOCTL_NOSTOP) && changes_terminal(q.cmd) && in_background(q.t, q.sid, q.pgrp))
		return driver_background(r, SIGTTOU);
	return ioctl(&q);
}

/* ---- start ----------------------------------------------------------------------------- */

static void interrupt(uint64_t irqs)
{
	if (irqs & (1u << IRQ_KEYBOARD))
		keyboard_interrupt();
	for (unsigned i = NR_CONSOLES; i < NR_TERMS; i++)
		if (terms[i].present && irqs & (1u << terms[i].irq))
			serial_interrupt(&terms[i]);
}

static const struct chardrv terminals = {
	.units = NR_TERMS,
	.io_flags = DEV_NOSTOP,
	.unit = term_unit,
	.names = names,
	.open = open_term,
	.job_control = job_control,
	.read = try_read,
	.write = try_write,
	.deadline = deadline,
	.ioctl = ioctl_term,
	.ready = ready_events,
	.flush = flush_unit,
};

static const struct ax_call calls[] = {
	{DEV_SESSION_END, do_session_end},
	{PM_SIGNAL_PULL, do_signal_pull},
};

static const struct driver tty = {
	.name = "tty",
	.label = "tty",
	.chr = &terminals,
	.calls = calls,
	.ncalls = (int)(sizeof(calls) / sizeof(calls[0])),
	.interrupt = interrupt,
};

static void init_terms(void)
{
	for (unsigned i = 0; i < NR_TERMS; i++) {
		struct term *t = &terms[i];

		line_init(&t->line);
		t->kind = i < NR_CONSOLES ? TERM_CONSOLE : TERM_SERIAL;
		t->minor = i < NR_CONSOLES ? i + 1 : TTY_MINOR_SERIAL + i - NR_CONSOLES;
		t->ws = (struct line_winsize){.ws_row = VT_ROWS, .ws_col = VT_COLS};
	}
	serial_init(&terms[NR_CONSOLES], 0x3f8, 4);
	serial_init(&terms[NR_CONSOLES + 1], 0x2f8, 3);
	console_init();
}

int main(void)
{
	unsigned up = 0;
	void *kept;
	bool kept_before;

	pm_ep = ax_boot_endpoint("pm");
	ds_ep = ax_boot_endpoint("ds");
	init_terms();
	driver_start(&tty, &kept, &kept_before);
	for (unsigned i = 0; i < NR_TERMS; i++) {
		if (!terms[i].present)
			continue;
		if (ax_restarts()) /* a restart: take back the settings; a first start (or a refresh) begins anew */
			restore_state(&terms[i]);
		up++;
	}
	ax_printf("tty: %u terminals (%s, %s, %s), restart %u, at endpoint %d\n", up,
		  terms[0].present ? "6 consoles" : "no VGA", terms[NR_CONSOLES].present ? "ttyS0" : "no ttyS0",
		  terms[NR_CONSOLES + 1].present ? "ttyS1" : "no ttyS1", ax_restarts(), ax_self);
	driver_run(&tty);
}
