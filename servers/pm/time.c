/*
 * Clocks, sleeping and ITIMER_REAL. Monotonic time is the kernel's clock
 * (KC_CLOCK); wall-clock time is that plus an offset read from the CMOS RTC
 * at start (or set by clock_settime). Every sleeper and every armed alarm
 * is a deadline in pm's table; pm keeps the kernel's one alarm for it set
 * to the earliest, and acts on all that are due when it rings.
 */
#include "calendar.h"
#include "pm.h"

#define NS 1000000000ULL
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1
#define ITIMER_REAL 0
#define EOPNOTSUPP 95
#define SI_KERNEL 0x80

static int64_t realtime_offset; /* ns: wall-clock time = monotonic + this */

struct timespec64 {
	int64_t sec, nsec;
};

/* ---- the wall clock --------------------------------------------------------- */

static unsigned cmos(unsigned reg)
{
	uint32_t v = 0;

	ax_devio(0x70, AX_IO_OUT8, reg, 0);
	ax_devio(0x71, AX_IO_IN8, 0, &v);
	return v & 0xff;
}

/* Read the RTC (twice, until two reads agree: it may tick in between). */
static int64_t rtc_seconds(void)
{
	unsigned t[6], u[6], status_b;
	int tries = 0;

	do {
		while (cmos(0x0a) & 0x80 && tries++ < 100000) /* an update is in progress */
			;
		t[0] = cmos(0), t[1] = cmos(2), t[2] = cmos(4), t[3] = cmos(7), t[4] = cmos(8), t[5] = cmos(9);
		u[0] = cmos(0), u[1] = cmos(2), u[2] = cmos(4), u[3] = cmos(7), u[4] = cmos(8), u[5] = cmos(9);
	} while ((t[0] != u[0] || t[1] != u[1]) && tries++ < 100000);
	status_b = cmos(0x0b);
	if (!(status_b & 4)) /* BCD, the usual */
		for (int i = 0; i < 6; i++)
			t[i] = i == 2 ? (bcd(t[i] & 0x7f) | (t[i] & 0x80)) : bcd(t[i]);
	if (!(status_b & 2) && (t[2] & 0x80)) /* 12-hour clock, PM */
		t[2] = ((t[2] & 0x7f) % 12) + 12;
	return epoch_seconds(2000 + t[5], t[4], t[3], t[2] & 0x7f, t[1], t[0]);
}

void time_init(void)
{
	uint32_t probe;

	if (ax_devio(0x71, AX_IO_IN8, 0, &probe) < 0) {
		ax_printf("pm: no right to the RTC's ports: the wall clock starts at 1970\n");
		realtime_offset = 0;
		return;
	}
	realtime_offset = rtc_seconds() * (int64_t)NS - (int64_t)ax_now_ns();
	vfs_clock(realtime_offset);
	info_clock(realtime_offset);
}

/* ---- deadlines -------------------------------------------------------------- */

/* Set the kernel's alarm for the earliest deadline in the table, or cancel it. */
static void rearm(void)
{
	uint64_t first = UINT64_MAX, now = ax_now_ns();

	for (int i = 0; i < AX_NR_SLOTS; i++) {
		struct mproc *p = &procs[i];

		if (p->state != ALIVE)
			continue;
		if (p->sleep_until && p->sleep_until < first)
			first = p->sleep_until;
		if (p->alarm_at && p->alarm_at < first)
			first = p->alarm_at;
	}
	ax_alarm(first == UINT64_MAX ? 0 : first > now ? first - now : 1);
}

/* The kernel's alarm rang: wake the sleepers that are due, send SIGALRM where an alarm is. */
void time_expired(void)
{
	uint64_t now = ax_now_ns();

	for (int i = 0; i < AX_NR_SLOTS; i++) {
		struct mproc *p = &procs[i];

		if (p->state != ALIVE)
			continue;
		if (p->sleep_until && p->sleep_until <= now) {
			p->sleep_until = 0;
			p->restart_until = 0;
			answer(p, p->blocked_nr, p->blocked_nr == NR_RT_SIGTIMEDWAIT ? -EAGAIN : 0);
		}
		if (p->alarm_at && p->alarm_at <= now) {
			struct sig_info info = {.code = SI_KERNEL};

			uint64_t next = p->alarm_at + p->alarm_every;

			if (p->alarm_every && next <= now) /* periodic: skip the periods already past */
				next += ((now - next) / p->alarm_every + 1) * p->alarm_every;
			p->alarm_at = p->alarm_every ? next : 0;
			post_signal(p, SIGALRM, &info);
		}
	}
	rearm();
}

void time_forget(struct mproc *p)
{
	p->sleep_until = p->alarm_at = p->alarm_every = p->restart_until = 0;
}

static int read_timespec(struct mproc *p, uint64_t va, uint64_t *ns)
{
	struct timespec64 ts;

	if (user_copy(p->ep, va, &ts, sizeof(ts), AX_COPY_FROM) < 0)
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NS)
		return -EINVAL;
	*ns = (uint64_t)ts.sec >= UINT64_MAX / NS ? UINT64_MAX / 2 : (uint64_t)ts.sec * NS + (uint64_t)ts.nsec;
	return 0;
}

static int write_timespec(struct mproc *p, uint64_t va, uint64_t ns)
{
	struct timespec64 ts = {(int64_t)(ns / NS), (int64_t)(ns % NS)};

	return user_copy(p->ep, va, &ts, sizeof(ts), AX_COPY_TO);
}

/* Block p until monotonic time `until`. rem: where an interruption writes the time left (relative sleeps). */
static int64_t sleep_until(struct mproc *p, int nr, uint64_t until, uint64_t rem, int absolute)
{
	if (until <= ax_now_ns())
		return 0;
	p->blocked_nr = nr;
	p->sleep_until = until;
	p->sleep_rem = absolute ? 0 : rem;
	p->wait_options = absolute; /* what an interruption answers: see sleep_interrupted */
	rearm();
	return AX_NO_REPLY;
}

/*
 * A signal interrupts p's sleep. Like Linux: a relative sleep writes the
 * time left and, if no handler runs, goes on through restart_syscall to
 * the same deadline; an absolute one simply restarts.
 */
int64_t sleep_interrupted(struct mproc *p)
{
	uint64_t now = ax_now_ns(), until = p->sleep_until;

	p->sleep_until = 0;
	rearm();
	if (p->wait_options) /* TIMER_ABSTIME */
		return -ERESTARTNOHAND;
	if (p->sleep_rem)
		write_timespec(p, p->sleep_rem, until > now ? until - now : 0);
	p->restart_until = until;
	return -ERESTART_RESTARTBLOCK;
}

/* A wait with an optional relative timeout (a timespec at timeout_ptr, or 0 for none): blocks p in call nr. */
int64_t sleep_for(struct mproc *p, int nr, uint64_t timeout_ptr)
{
	uint64_t ns = 0;
	int rc;

	if (timeout_ptr && (rc = read_timespec(p, timeout_ptr, &ns)) < 0)
		return rc;
	if (timeout_ptr && ns == 0)
		return -EAGAIN; /* a poll */
	p->blocked_nr = nr;
	p->sleep_until = timeout_ptr ? ax_now_ns() + ns : 0;
	p->sleep_rem = 0;
	if (timeout_ptr)
		rearm();
	return AX_NO_REPLY;
}

/* The wait ended otherwise than by its timeout. */
void sleep_cancel(struct mproc *p)
{
	if (p->sleep_until) {
		p->sleep_until = 0;
		rearm();
	}
}

int64_t do_nanosleep(struct mproc *p, const ax_message *m)
{
	uint64_t ns;
	int rc;

	if ((rc = read_timespec(p, arg_ptr(m, 0), &ns)) < 0)
		return rc;
	return sleep_until(p, NR_NANOSLEEP, ax_now_ns() + ns, arg_ptr(m, 1), 0);
}

/* A clock's time now, in ns; negative errno for clocks that cannot be read here. */
static int clock_now(struct mproc *p, int64_t clk, uint64_t *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = (uint64_t)((int64_t)ax_now_ns() + realtime_offset);
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME: /* nothing suspends here: boot time is monotonic time */
		*ns = ax_now_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = cpu_time(p);
		return 0;
	default:
		return -EINVAL;
	}
}

int64_t do_clock_nanosleep(struct mproc *p, const ax_message *m)
{
	int64_t clk = arg_int(m, 0);
	uint64_t ns, now;
	int rc;

	if (clk == CLOCK_PROCESS_CPUTIME_ID || clk == CLOCK_THREAD_CPUTIME_ID)
		return clk == CLOCK_THREAD_CPUTIME_ID ? -EINVAL : -EOPNOTSUPP;
	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME)
		return -EINVAL;
	if (arg_int(m, 1) & ~TIMER_ABSTIME)
		return -EINVAL;
	if ((rc = read_timespec(p, arg_ptr(m, 2), &ns)) < 0)
		return rc;
	now = ax_now_ns();
	if (!(arg_int(m, 1) & TIMER_ABSTIME))
		return sleep_until(p, NR_CLOCK_NANOSLEEP, now + ns, arg_ptr(m, 3), 0);
	if (clk == CLOCK_REALTIME) /* a wall-clock deadline, on the monotonic clock */
		ns = (int64_t)ns - realtime_offset < 0 ? 0 : (uint64_t)((int64_t)ns - realtime_offset);
	return sleep_until(p, NR_CLOCK_NANOSLEEP, ns, 0, 1);
}

/* restart_syscall: an interrupted relative sleep goes on to its old deadline. */
int64_t do_restart_syscall(struct mproc *p, const ax_message *m)
{
	uint64_t until;

	(void)m;
	if (!(until = p->restart_until))
		return -EINTR;
	p->restart_until = 0;
	return sleep_until(p, NR_RESTART_SYSCALL, until, p->sleep_rem, 0);
}

int64_t do_clock_gettime(struct mproc *p, const ax_message *m)
{
	uint64_t ns;
	int rc;

	if ((rc = clock_now(p, arg_int(m, 0), &ns)) < 0)
		return rc;
	return write_timespec(p, arg_ptr(m, 1), ns);
}

int64_t do_clock_getres(struct mproc *p, const ax_message *m)
{
	int64_t clk = arg_int(m, 0);
	uint64_t ns;
	int rc;

	if ((rc = clock_now(p, clk, &ns)) < 0)
		return rc;
	if (!arg_ptr(m, 1))
		return 0;
	/* The TSC gives nanoseconds; CPU time and the coarse clocks count 1 ms ticks. */
	return write_timespec(p, arg_ptr(m, 1), clk == CLOCK_PROCESS_CPUTIME_ID || clk == CLOCK_THREAD_CPUTIME_ID ||
							  clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE
						  ? 1000000
						  : 1);
}

static int64_t set_realtime(int64_t ns)
{
	if (ns < 0)
		return -EINVAL;
	realtime_offset = ns - (int64_t)ax_now_ns();
	vfs_clock(realtime_offset);
	info_clock(realtime_offset);
	return 0;
}

int64_t do_clock_settime(struct mproc *p, const ax_message *m)
{
	uint64_t ns;
	int rc;

	if (arg_int(m, 0) != CLOCK_REALTIME)
		return -EINVAL;
	if ((rc = read_timespec(p, arg_ptr(m, 1), &ns)) < 0)
		return rc;
	if (p->euid != 0)
		return -EPERM; /* Linux: CAP_SYS_TIME, asked once the time is known to be valid */
	return set_realtime((int64_t)ns);
}

int64_t do_gettimeofday(struct mproc *p, const ax_message *m)
{
	int64_t ns = (int64_t)ax_now_ns() + realtime_offset, tv[2] = {ns / (int64_t)NS, ns % (int64_t)NS / 1000};
	static const int32_t no_zone[2];

	if (arg_ptr(m, 0) && user_copy(p->ep, arg_ptr(m, 0), tv, sizeof(tv), AX_COPY_TO) < 0)
		return -EFAULT;
	if (arg_ptr(m, 1) && user_copy(p->ep, arg_ptr(m, 1), (void *)no_zone, sizeof(no_zone), AX_COPY_TO) < 0)
		return -EFAULT;
	return 0;
}

int64_t do_settimeofday(struct mproc *p, const ax_message *m)
{
	int64_t tv[2];

	if (!arg_ptr(m, 0))
		return p->euid == 0 ? 0 : -EPERM; /* only a time zone: the kernel keeps none, but asks all the same */
	if (user_copy(p->ep, arg_ptr(m, 0), tv, sizeof(tv), AX_COPY_FROM) < 0)
		return -EFAULT;
	if (tv[1] < 0 || tv[1] >= 1000000)
		return -EINVAL;
	if (p->euid != 0)
		return -EPERM; /* Linux: CAP_SYS_TIME */
	return set_realtime(tv[0] * (int64_t)NS + tv[1] * 1000);
}

int64_t do_time(struct mproc *p, const ax_message *m)
{
	int64_t t = ((int64_t)ax_now_ns() + realtime_offset) / (int64_t)NS;

	if (arg_ptr(m, 0) && user_copy(p->ep, arg_ptr(m, 0), &t, sizeof(t), AX_COPY_TO) < 0)
		return -EFAULT;
	return t;
}

/* ---- ITIMER_REAL and alarm -------------------------------------------------------- */

struct itimerval64 {
	int64_t interval_sec, interval_usec, value_sec, value_usec;
};

static struct itimerval64 itimer_now(const struct mproc *p)
{
	uint64_t now = ax_now_ns(), left = p->alarm_at > now ? p->alarm_at - now : p->alarm_at ? 1000 : 0;

	return (struct itimerval64){(int64_t)(p->alarm_every / NS), (int64_t)(p->alarm_every % NS / 1000),
				    (int64_t)(left / NS), (int64_t)((left % NS + 999) / 1000)};
}

static void itimer_set(struct mproc *p, uint64_t value_ns, uint64_t every_ns)
{
	p->alarm_at = value_ns ? ax_now_ns() + value_ns : 0;
	p->alarm_every = value_ns ? every_ns : 0;
	rearm();
}

int64_t do_alarm(struct mproc *p, const ax_message *m)
{
	struct itimerval64 old;
	int64_t left;

	old = itimer_now(p);
	/* Linux: the seconds left, rounded to the nearest, and at least 1 if one was set. */
	left = old.value_sec + (old.value_usec >= 500000);
	if (!left && p->alarm_at)
		left = 1;
	itimer_set(p, (uint64_t)arg_uint(m, 0) * NS, 0);
	return left;
}

int64_t do_setitimer(struct mproc *p, const ax_message *m)
{
	static int warned;
	struct itimerval64 v, old;

	if (arg_int(m, 0) != ITIMER_REAL) {
		if (arg_int(m, 0) == 1 || arg_int(m, 0) == 2) {
			if (!warned++)
				ax_printf("pm: pid %d asked for ITIMER_VIRTUAL/PROF, not implemented: EINVAL\n", p->pid);
		}
		return -EINVAL;
	}
	old = itimer_now(p);
	if (arg_ptr(m, 1)) {
		if (user_copy(p->ep, arg_ptr(m, 1), &v, sizeof(v), AX_COPY_FROM) < 0)
			return -EFAULT;
		if (v.interval_sec < 0 || v.value_sec < 0 || v.interval_usec < 0 || v.value_usec < 0 ||
		    v.interval_usec >= 1000000 || v.value_usec >= 1000000)
			return -EINVAL;
		itimer_set(p, (uint64_t)v.value_sec * NS + (uint64_t)v.value_usec * 1000,
			   (uint64_t)v.interval_sec * NS + (uint64_t)v.interval_usec * 1000);
	}
	if (arg_ptr(m, 2) && user_copy(p->ep, arg_ptr(m, 2), &old, sizeof(old), AX_COPY_TO) < 0)
		return -EFAULT;
	return 0;
}

int64_t do_getitimer(struct mproc *p, const ax_message *m)
{
	struct itimerval64 now;

	if (arg_int(m, 0) != ITIMER_REAL)
		return -EINVAL;
	now = itimer_now(p);
	return user_copy(p->ep, arg_ptr(m, 1), &now, sizeof(now), AX_COPY_TO);
}
