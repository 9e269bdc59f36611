/*
 * Sleeping: nanosleep (the system call itself, and musl's nanosleep(),
 * which is clock_nanosleep(CLOCK_REALTIME) underneath), clock_nanosleep on
 * the monotonic clock, relative and TIMER_ABSTIME; how long they take
 * (measured on CLOCK_MONOTONIC); EINTR with the time left when a handler
 * interrupts them (even with SA_RESTART); no EINTR across SIGSTOP/SIGCONT;
 * EINVAL for bad arguments.
 */
#include <sys/syscall.h>
#include <sys/time.h>

#include "../posixtest.h"

#define MS 1000000LL

static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
	(void)sig, alarms++;
}

/* A SIGALRM handler (with the flags given) and a one-shot ITIMER_REAL after ms. */
static void alarm_in(long ms, int flags)
{
	struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = flags};
	struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};

	alarms = 0;
	sigaction(SIGALRM, &sa, 0);
	setitimer(ITIMER_REAL, &it, 0);
}

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

/* How long a sleep of 50 ms took: at least 50 ms, less than a second. */
static void check_50ms(const char *name, int r, int64_t elapsed)
{
	report(name, r == 0 && elapsed >= 50 * MS && elapsed < 1000 * MS, "returned %d (%s) after %lld us", r,
	       pt_errname(r > 0 ? r : errno), (long long)(elapsed / 1000));
}

static void test_durations(void)
{
	struct timespec d = {0, 50 * MS}, target;
	int64_t t;
	int r;

	t = pt_now();
	r = (int)syscall(SYS_nanosleep, &d, 0);
	check_50ms("posix_nanosleep_syscall_50ms", r, pt_now() - t);
	t = pt_now();
	r = nanosleep(&d, 0);
	check_50ms("posix_nanosleep_50ms", r, pt_now() - t);
	t = pt_now();
	r = clock_nanosleep(CLOCK_MONOTONIC, 0, &d, 0);
	check_50ms("posix_clock_nanosleep_monotonic_50ms", r, pt_now() - t);
	t = pt_now();
	r = usleep(50000);
	check_50ms("posix_usleep_50ms", r, pt_now() - t);

	clock_gettime(CLOCK_MONOTONIC, &target);
	t = ts_ns(&target) + 50 * MS;
	target.tv_sec = t / 1000000000, target.tv_nsec = t % 1000000000;
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, 0);
	report("posix_clock_nanosleep_abstime_monotonic", r == 0 && pt_now() >= t && pt_now() < t + 1000 * MS,
	       "returned %d; woke %lld us after the target", r, (long long)((pt_now() - t) / 1000));
	clock_gettime(CLOCK_REALTIME, &target);
	t = ts_ns(&target) + 50 * MS;
	target.tv_sec = t / 1000000000, target.tv_nsec = t % 1000000000;
	r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &target, 0);
	report("posix_clock_nanosleep_abstime_realtime", r == 0 && pt_ns(CLOCK_REALTIME) >= t,
	       "returned %d; woke %lld us after the target", r, (long long)((pt_ns(CLOCK_REALTIME) - t) / 1000));
	clock_gettime(CLOCK_MONOTONIC, &target);
	target.tv_sec -= 1;
	t = pt_now();
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, 0);
	report("posix_clock_nanosleep_abstime_past_returns_at_once", r == 0 && pt_now() - t < 100 * MS,
	       "returned %d after %lld us", r, (long long)((pt_now() - t) / 1000));
	d.tv_nsec = 0;
	t = pt_now();
	r = nanosleep(&d, 0);
	report("posix_nanosleep_zero", r == 0 && pt_now() - t < 100 * MS, "returned %d after %lld us", r,
	       (long long)((pt_now() - t) / 1000));
}

/* A handler after 100 ms interrupts a 1 s sleep: EINTR, and about 900 ms left. */
static void check_interrupted(const char *name, int r, int err, int64_t elapsed, const struct timespec *rem)
{
	int64_t left = ts_ns(rem);

	report(name,
	       r == -1 && err == EINTR && alarms == 1 && left > 0 && left < 1000 * MS &&
	           llabs(elapsed + left - 1000 * MS) < 200 * MS,
	       "returned %d (%s) after %lld ms with %lld ms left, %d signal(s)", r, pt_errname(err),
	       (long long)(elapsed / MS), (long long)(left / MS), (int)alarms);
}

static void test_interrupted(void)
{
	struct timespec d = {1, 0}, rem;
	int64_t t;
	int r, e;

	alarm_in(100, 0);
	t = pt_now();
	rem = (struct timespec){0, 0};
	errno = 0, r = (int)syscall(SYS_nanosleep, &d, &rem), e = errno;
	check_interrupted("posix_nanosleep_eintr_time_left", r, e, pt_now() - t, &rem);

	alarm_in(100, SA_RESTART);
	t = pt_now();
	rem = (struct timespec){0, 0};
	errno = 0, r = nanosleep(&d, &rem), e = errno;
	check_interrupted("posix_nanosleep_eintr_even_with_sa_restart", r, e, pt_now() - t, &rem);

	alarm_in(100, 0);
	t = pt_now();
	rem = (struct timespec){0, 0};
	r = clock_nanosleep(CLOCK_MONOTONIC, 0, &d, &rem);
	check_interrupted("posix_clock_nanosleep_eintr_returns_the_error", r == EINTR ? -1 : r, r, pt_now() - t, &rem);

	/* absolute: EINTR too, and the remaining time is not written */
	{
		struct timespec target;

		clock_gettime(CLOCK_MONOTONIC, &target);
		target.tv_sec += 1;
		alarm_in(100, 0);
		rem = (struct timespec){12345, 6789};
		r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, &rem);
		report("posix_clock_nanosleep_abstime_eintr",
		       r == EINTR && alarms == 1 && rem.tv_sec == 12345 && rem.tv_nsec == 6789,
		       "returned %d, %d signal(s), rem %s", r, (int)alarms,
		       rem.tv_sec == 12345 ? "untouched" : "written (it must not be)");
	}
	signal(SIGALRM, SIG_DFL);
	pt_guard(PT_PROGRAM_LIMIT);
}

/*
 * Stopped and continued in the middle of a 500 ms sleep, with no handler
 * involved: the sleep goes on (no EINTR) and lasts its whole time. Exit 1
 * for EINTR, 2 for a sleep too short.
 */
static int child_sleeps_through_stop(void)
{
	struct timespec d = {0, 500 * MS};
	int64_t t = pt_now();
	int r = nanosleep(&d, 0);

	if (r != 0)
		return 1;
	return pt_now() - t >= 500 * MS ? 0 : 2;
}

static void test_stop_continue(void)
{
	pid_t pid = pt_fork(child_sleeps_through_stop);
	int st = 0, stopped, ended;
	char why[160] = "";

	pt_sleep_ms(100);
	kill(pid, SIGSTOP);
	stopped = pt_wait(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st);
	pt_sleep_ms(100);
	kill(pid, SIGCONT);
	ended = pt_expect_exit(pid, 0, why, sizeof(why));
	report("posix_nanosleep_survives_stop_and_continue", stopped && ended,
	       "stopped: %s; then %s (1: EINTR, 2: too short)", stopped ? "yes" : pt_status(st), why);
}

static void test_errors(void)
{
	struct timespec big = {0, 1000000000}, neg_ns = {0, -1}, neg_s = {-1, 0}, ok = {0, 1000};
	int r1, e1, r2, e2, r3, e3, c1, c2, c3;

	errno = 0, r1 = (int)syscall(SYS_nanosleep, &big, 0), e1 = errno;
	errno = 0, r2 = (int)syscall(SYS_nanosleep, &neg_ns, 0), e2 = errno;
	errno = 0, r3 = (int)syscall(SYS_nanosleep, &neg_s, 0), e3 = errno;
	report("posix_nanosleep_bad_timespec_einval",
	       r1 == -1 && e1 == EINVAL && r2 == -1 && e2 == EINVAL && r3 == -1 && e3 == EINVAL,
	       "tv_nsec 1e9: %d %s; tv_nsec -1: %d %s; tv_sec -1: %d %s", r1, pt_errname(e1), r2, pt_errname(e2), r3,
	       pt_errname(e3));
	errno = 0, r1 = (int)syscall(SYS_nanosleep, (void *)pt_opaque(16), 0), e1 = errno;
	report("posix_nanosleep_bad_pointer_efault", r1 == -1 && e1 == EFAULT, "gave %d %s", r1, pt_errname(e1));
	c1 = clock_nanosleep(CLOCK_MONOTONIC, 0, &big, 0);
	c2 = (int)syscall(SYS_clock_nanosleep, 99, 0, &ok, 0) == -1 ? errno : 0;
	c3 = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &neg_ns, 0);
	report("posix_clock_nanosleep_einval", c1 == EINVAL && c2 == EINVAL && c3 == EINVAL,
	       "tv_nsec 1e9: %s; clock 99: %s; absolute tv_nsec -1: %s", pt_errname(c1), pt_errname(c2),
	       pt_errname(c3));
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_durations();
	test_interrupted();
	test_stop_continue();
	test_errors();
	return 0;
}
