/*
 * tty: the terminal driver. Character major 4: minors 1..6 the virtual
 * consoles on the VGA with the PS/2 keyboard (0: the one shown), 64 and 65
 * the serial ports ttyS0 and ttyS1; major 5: minor 0 /dev/tty (the caller's
 * controlling terminal), minor 1 /dev/console (ttyS0). Protocol:
 * lib/sys/include/proto/dev.h; design and limits: docs/tty.md.
 *
 * The driver never blocks on a client: a read that cannot complete yet (or
 * a write the output queue cannot take yet) is answered DEV_SUSPENDED and kept here
 * by (client, id); when it completes the client is notified and collects
 * the result with DEV_STATUS. Keyboard signals are queued for pm, which
 * pulls them (PM_SIGNAL_PULL). Each terminal's settings, window size,
 * session and foreground group are kept in ds too, so a restarted driver
 * takes them back.
 */
#include <stddef.h>
#include <string.h>

#include <proto/dev.h>
#include <proto/ds.h>
#include <proto/pm.h>
#include <sys/info.h>
#include <driver/driver.h>
#include <sys/kept.h>
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
#define TIOCSTI 0x5412
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define TIOCNOTTY 0x5422
#define TIOCGSID 0x5429
#define TIOCGPTN 0x80045430
#define KDGKBTYPE 0x4b33
#define KB_101 0x02

static struct tty_kept state; /* the live state: the library commits it to the kept region after each request */
struct term *terms = state.terms;
static endpoint_t pm_ep = AX_NONE;

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

/* ---- signals for pm ----------------------------------------------------------------- */

/* A signal for a terminal's foreground group, queued for pm to pull (sys/sigq.h). */
static void queue_signal(int32_t pgrp, int sig)
{
	if (pgrp > 0)
		ax_sigq_push(&state.signals, pm_ep, "tty", PM_SIG_PGRP, pgrp, (uint64_t)sig);
}

static int64_t do_signal_pull(const ax_message *m, ax_message *r) { return ax_sigq_pull(&state.signals, pm_ep, m, r); }

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

	while (p->done < p->len) { /* stopped output (^S) still fills the queue, as on Linux; the device waits */
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

/*
 * TIOCSTI: one byte taken as if typed (the demos type with it). Only on the
 * caller's own controlling terminal, as Linux has it for the unprivileged.
 */
static int64_t simulate_input(const struct ioctl_req *q)
{
	uint8_t c;
	int64_t rc;

	if (q->sid != q->t->sid || !q->t->sid)
		return -AX_EPERM;
	if ((rc = arg_in(q, &c, 1)) < 0)
		return rc;
	term_input(q->t, &c, 1);
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
	case TIOCSTI: return simulate_input(q);
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

#define KEPT_MAGIC 0x54545931 /* "TTY1" */
static uint64_t sum_kept(const void *committed);
static void commit_state(void *committed, const void *live);
static void committed(void);
static void kept_sent(int unit, uint32_t n);

static const struct driver tty = {
	.name = "tty",
	.label = "tty",
	.chr = &terminals,
	.calls = calls,
	.ncalls = (int)(sizeof(calls) / sizeof(calls[0])),
	.interrupt = interrupt,
	.state = &state,
	.kept_len = sizeof(state),
	.kept_magic = KEPT_MAGIC,
	.kept_version = 1,
	.kept_copy = commit_state,
	.kept_sum = sum_kept,
	.committed = committed,
	.kept_sent = kept_sent,
	.state_always_changes = true,
};

/* ---- kept state ---------------------------------------------------------------------- */

/*
 * Committing and checking the state cheaply enough for every request: a
 * line's settings and counters, its typed bytes and unsent output (not the
 * rest of its buffers); each screen's state, and its cells when they changed
 * (cells are only shown, never followed, so they are not summed); the
 * signals not yet pulled.
 */
static void copy_line(struct line *to, const struct line *from)
{
	size_t first = from->out_len < LINE_OUTPUT_MAX - from->out_head ? from->out_len : LINE_OUTPUT_MAX - from->out_head;

	to->tio = from->tio;
	memcpy(&to->len, &from->len, offsetof(struct line, out) - offsetof(struct line, len));
	memcpy(&to->out_head, &from->out_head, sizeof(*to) - offsetof(struct line, out_head));
	memcpy(to->in, from->in, from->len);
	memcpy(to->mark, from->mark, from->len);
	memcpy(to->out + from->out_head, from->out + from->out_head, first);
	memcpy(to->out, from->out, from->out_len - first);
}

#define VT_STATE_AT offsetof(struct vt, row) /* a screen's state after its cells */

static void commit_state(void *committed, const void *live)
{
	struct tty_kept *to = committed;
	const struct tty_kept *from = live;
	static uint32_t before; /* the commit before this one wrote the other copy: its redrawn screens too */
	uint32_t now = console_changed(), redrawn = now | before;

	for (unsigned i = 0; i < NR_TERMS; i++) {
		copy_line(&to->terms[i].line, &from->terms[i].line);
		memcpy(&to->terms[i].ws, &from->terms[i].ws, offsetof(struct term, kind) - offsetof(struct term, ws));
	}
	for (unsigned i = 0; i < NR_CONSOLES; i++) {
		if (redrawn & (1u << i))
			to->screens[i] = from->screens[i];
		else
			memcpy((uint8_t *)&to->screens[i] + VT_STATE_AT, (const uint8_t *)&from->screens[i] + VT_STATE_AT,
			       sizeof(struct vt) - VT_STATE_AT);
	}
	before = now;
	to->shown = from->shown;
	to->signals.head = from->signals.head;
	to->signals.count = from->signals.count;
	for (unsigned i = 0; i < from->signals.count; i++)
		to->signals.q[(from->signals.head + i) % AX_SIGQ_MAX] = from->signals.q[(from->signals.head + i) % AX_SIGQ_MAX];
}

static uint64_t sum_line(uint64_t h, const struct line *l)
{
	h = ax_kept_sum_more(h, &l->tio, sizeof(l->tio));
	h = ax_kept_sum_more(h, &l->len, offsetof(struct line, out) - offsetof(struct line, len));
	h = ax_kept_sum_more(h, &l->out_head, sizeof(*l) - offsetof(struct line, out_head));
	if (l->len <= LINE_INPUT_MAX) {
		h = ax_kept_sum_more(h, l->in, l->len);
		h = ax_kept_sum_more(h, l->mark, l->len);
	}
	for (size_t i = 0; i < l->out_len && i < LINE_OUTPUT_MAX; i++)
		h = ax_kept_sum_more(h, &l->out[(l->out_head + i) % LINE_OUTPUT_MAX], 1);
	return h;
}

static uint64_t sum_kept(const void *committed)
{
	const struct tty_kept *k = committed;
	uint64_t h = ax_kept_sum(&k->shown, sizeof(k->shown));

	for (unsigned i = 0; i < NR_TERMS; i++) {
		const struct term *t = &k->terms[i];

		h = sum_line(h, &t->line);
		h = ax_kept_sum_more(h, &t->ws, offsetof(struct term, kind) - offsetof(struct term, ws));
	}
	for (unsigned i = 0; i < NR_CONSOLES; i++)
		h = ax_kept_sum_more(h, (const uint8_t *)&k->screens[i] + VT_STATE_AT, sizeof(struct vt) - VT_STATE_AT);
	h = ax_kept_sum_more(h, &k->signals.head, sizeof(k->signals.head) + sizeof(k->signals.count));
	for (unsigned i = 0; i < k->signals.count && i < AX_SIGQ_MAX; i++)
		h = ax_kept_sum_more(h, &k->signals.q[(k->signals.head + i) % AX_SIGQ_MAX], sizeof(k->signals.q[0]));
	return h;
}

/* After each commit: the serial ports may send what it holds. */
static void committed(void)
{
	for (unsigned i = NR_CONSOLES; i < NR_TERMS; i++)
		if (terms[i].present)
			serial_committed(&terms[i]);
}

/* At start: n bytes at the head of unit's output had gone to the UART after the last commit. */
static void kept_sent(int unit, uint32_t n)
{
	uint8_t drop[256];

	while (n) {
		size_t k = line_out_take(&terms[unit].line, drop, n < sizeof(drop) ? n : sizeof(drop));

		if (!k)
			break;
		n -= (uint32_t)k;
	}
}

/* Whether a kept state can be followed: a checksum proves it is what was sealed, not that it was right. */
static bool kept_sane(const struct tty_kept *k)
{
	for (unsigned i = 0; i < NR_TERMS; i++)
		if (!line_sane(&k->terms[i].line))
			return false;
	for (unsigned i = 0; i < NR_CONSOLES; i++)
		if (!vt_sane(&k->screens[i]))
			return false;
	return k->shown < NR_CONSOLES && k->signals.head < AX_SIGQ_MAX && k->signals.count <= AX_SIGQ_MAX;
}

/* ---- start ------------------------------------------------------------------------------- */

static void init_terms(bool again)
{
	for (unsigned i = 0; i < NR_TERMS; i++) {
		struct term *t = &terms[i];

		if (!again) {
			line_init(&t->line);
			t->ws = (struct line_winsize){.ws_row = VT_ROWS, .ws_col = VT_COLS};
			t->sid = t->pgrp = 0;
		}
		t->kind = i < NR_CONSOLES ? TERM_CONSOLE : TERM_SERIAL;
		t->minor = i < NR_CONSOLES ? i + 1 : TTY_MINOR_SERIAL + i - NR_CONSOLES;
		t->present = false;
		t->vt = 0;
	}
	serial_init(&terms[NR_CONSOLES], 0x3f8, 4, again);
	serial_init(&terms[NR_CONSOLES + 1], 0x2f8, 3, again);
	console_init(state.screens, &state.shown, again);
}

int main(void)
{
	unsigned up = 0;
	bool again;

	pm_ep = ax_boot_endpoint("pm");
	again = driver_start(&tty);
	if (again && !kept_sane(&state)) {
		ax_printf("tty: the kept state does not hold together: starting from defaults\n");
		memset(&state, 0, sizeof(state));
		again = false;
	}
	init_terms(again);
	for (unsigned i = 0; i < NR_TERMS; i++) {
		if (!terms[i].present)
			continue;
		up++;
		if (again && terms[i].kind == TERM_SERIAL)
			serial_interrupt(&terms[i]); /* what came while no driver listened; output goes on */
		term_kick(&terms[i]);
	}
	if (again && terms[0].present)
		keyboard_interrupt();
	if (state.signals.count && pm_ep != AX_NONE)
		ax_notify(pm_ep); /* signals the last incarnation queued: pm pulls them from this one */
	ax_printf("tty: %u terminals (%s, %s, %s), %s, at endpoint %d\n", up,
		  terms[0].present ? "6 consoles" : "no VGA", terms[NR_CONSOLES].present ? "ttyS0" : "no ttyS0",
		  terms[NR_CONSOLES + 1].present ? "ttyS1" : "no ttyS1", again ? "their state kept" : "fresh", ax_self);
	driver_run(&tty);
}
