/*
 * alarm and the ITIMER_REAL interval timer: the seconds left, replacing,
 * cancelling, a periodic timer, getitimer, their errors, and what fork and
 * exec do with a pending alarm.
 *
 * This program uses SIGALRM itself, so its time limit (pt_guard) is set
 * again after each check; the runner's own limit covers the gaps.
 */
#include <sys/time.h>

#include "../posixtest.h"

static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
	(void)sig, alarms++;
}

static void catch_alarms(void)
{
	struct sigaction sa = {.sa_handler = on_alarm};

	alarms = 0;
	sigaction(SIGALRM, &sa, 0);
}

static void test_remaining(void)
{
	unsigned a, b, c;

	catch_alarms();
	alarm(0);
	a = alarm(10);
	b = alarm(5);
	c = alarm(0);
	report("posix_alarm_returns_seconds_left", a == 0 && (b == 10 || b == 9) && (c == 5 || c == 4),
	       "alarm(10) gave %u (want 0), alarm(5) then gave %u (want 10), alarm(0) gave %u (want 5)", a, b, c);
	pt_guard(PT_PROGRAM_LIMIT);
}

/* A second alarm replaces the first: alarm(5) then alarm(1) fires once, after about a second. */
static void test_replace(void)
{
	int64_t start, elapsed;

	catch_alarms();
	start = pt_now();
	alarm(5);
	alarm(1);
	while (!alarms && pt_now() - start < 8000000000LL)
		pause();
	elapsed = pt_now() - start;
	pt_sleep_ms(200);
	report("posix_alarm_second_replaces_first",
	       alarms == 1 && elapsed >= 900000000LL && elapsed < 4000000000LL && alarm(0) == 0,
	       "%d alarm(s) after %lld ms (want 1 after about 1000 ms, and none left)", (int)alarms,
	       (long long)(elapsed / 1000000));
	pt_guard(PT_PROGRAM_LIMIT);
}

static void test_cancel(void)
{
	unsigned left;

	catch_alarms();
	alarm(1);
	left = alarm(0);
	pt_sleep_ms(1300);
	report("posix_alarm_zero_cancels", left == 1 && alarms == 0, "alarm(0) gave %u, then %d alarm(s) came", left,
	       (int)alarms);
	pt_guard(PT_PROGRAM_LIMIT);
}

/* ITIMER_REAL every 50 ms: five signals in about 250 ms; getitimer shows it; disarming stops it. */
static void test_periodic(void)
{
	struct itimerval it = {{0, 50000}, {0, 50000}}, now, old, zero = {{0, 0}, {0, 0}};
	int64_t start, elapsed;
	int r, g, d;

	catch_alarms();
	start = pt_now();
	r = setitimer(ITIMER_REAL, &it, 0);
	while (r == 0 && alarms < 5 && pt_now() - start < 5000000000LL)
		pause();
	elapsed = pt_now() - start;
	g = getitimer(ITIMER_REAL, &now);
	report("posix_setitimer_periodic", r == 0 && alarms >= 5 && elapsed >= 240000000LL && elapsed < 2000000000LL,
	       "setitimer gave %d; %d signals in %lld ms (want 5 in about 250 ms)", r, (int)alarms,
	       (long long)(elapsed / 1000000));
	report("posix_getitimer_while_running",
	       g == 0 && now.it_interval.tv_sec == 0 && now.it_interval.tv_usec == 50000 && now.it_value.tv_sec == 0 &&
	           now.it_value.tv_usec > 0 && now.it_value.tv_usec <= 50000,
	       "getitimer gave %d: interval %ld.%06ld value %ld.%06ld", g, (long)now.it_interval.tv_sec,
	       (long)now.it_interval.tv_usec, (long)now.it_value.tv_sec, (long)now.it_value.tv_usec);
	d = setitimer(ITIMER_REAL, &zero, &old);
	alarms = 0;
	pt_sleep_ms(150);
	g = getitimer(ITIMER_REAL, &now);
	report("posix_setitimer_disarm",
	       d == 0 && old.it_interval.tv_usec == 50000 && alarms == 0 && g == 0 && now.it_value.tv_sec == 0 &&
	           now.it_value.tv_usec == 0,
	       "disarming gave %d (old interval %ld us); %d signals after; value left %ld.%06ld", d,
	       (long)old.it_interval.tv_usec, (int)alarms, (long)now.it_value.tv_sec, (long)now.it_value.tv_usec);
	pt_guard(PT_PROGRAM_LIMIT);
}

/* alarm and ITIMER_REAL are one timer. */
static void test_same_timer(void)
{
	struct itimerval now;
	int g;

	catch_alarms();
	alarm(3);
	g = getitimer(ITIMER_REAL, &now);
	report("posix_alarm_is_itimer_real",
	       g == 0 && now.it_value.tv_sec >= 2 && now.it_value.tv_sec <= 3 && now.it_interval.tv_sec == 0 &&
	           now.it_interval.tv_usec == 0,
	       "after alarm(3), getitimer gave %d: value %ld.%06ld", g, (long)now.it_value.tv_sec,
	       (long)now.it_value.tv_usec);
	pt_guard(PT_PROGRAM_LIMIT);
}

static void test_errors(void)
{
	struct itimerval it = {{0, 0}, {0, 1000000}}, neg = {{0, 0}, {-1, 0}}, now;
	int r1, e1, r2, e2, r3, e3;

	errno = 0, r1 = setitimer(ITIMER_REAL, &it, 0), e1 = errno;
	errno = 0, r2 = setitimer(ITIMER_REAL, &neg, 0), e2 = errno;
	errno = 0, r3 = getitimer(99, &now), e3 = errno;
	report("posix_setitimer_bad_values_einval", r1 == -1 && e1 == EINVAL && r2 == -1 && e2 == EINVAL,
	       "tv_usec 1000000 gave %d %s; tv_sec -1 gave %d %s", r1, pt_errname(e1), r2, pt_errname(e2));
	report("posix_getitimer_bad_timer_einval", r3 == -1 && e3 == EINVAL, "getitimer(99) gave %d %s", r3,
	       pt_errname(e3));
	pt_guard(PT_PROGRAM_LIMIT);
}

/* fork: the child has no alarm. exec: the alarm stays (the helper exits with the seconds left). */
static void test_fork_exec(void)
{
	pid_t pid;
	char why[160] = "";
	int st = 0;

	alarm(10);
	pid = fork();
	if (pid == 0) {
		struct itimerval now;

		_exit(alarm(0) == 0 && getitimer(ITIMER_REAL, &now) == 0 && now.it_value.tv_sec == 0 &&
		              now.it_value.tv_usec == 0
		          ? 0
		          : 1);
	}
	report("posix_fork_child_has_no_alarm", pt_expect_exit(pid, 0, why, sizeof(why)), "%s", why);
	pid = fork();
	if (pid == 0) {
		char *argv[] = {"posix_helper", "alarm", 0};

		alarm(7);
		execve(pt_bin("posix_helper"), argv, (char *[]){0});
		_exit(255);
	}
	report("posix_alarm_survives_execve",
	       pid > 0 && pt_wait(pid, &st, 0) == pid && WIFEXITED(st) &&
	           (WEXITSTATUS(st) == 7 || WEXITSTATUS(st) == 6),
	       "the exec'd helper found %s seconds left (want 7)", pt_status(st));
	pt_guard(PT_PROGRAM_LIMIT);
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_remaining();
	test_same_timer();
	test_errors();
	test_periodic();
	test_fork_exec();
	test_replace();
	test_cancel();
	return 0;
}
