/*
 * Clocks: clock_gettime (MONOTONIC never goes back, REALTIME is a date
 * after 2020, BOOTTIME, the CPU-time clocks answer), clock_getres,
 * gettimeofday and time() agreeing with REALTIME, the clocks advancing at
 * the same rate, and their errors. musl reads clocks through the vDSO when
 * the kernel offers one (Linux does; Axolotl does not), so the system calls
 * themselves are also asked directly.
 */
#include <sys/syscall.h>
#include <sys/time.h>

#include "../posixtest.h"

#define MS 1000000LL
#define JAN_1_2020 1577836800LL

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static void test_monotonic(void)
{
	struct timespec prev, now;
	int back = 0, bad = 0, r = clock_gettime(CLOCK_MONOTONIC, &prev);

	for (int i = 0; i < 5000 && r == 0; i++) {
		r = clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_nsec < 0 || now.tv_nsec >= 1000000000)
			bad++;
		if (ts_ns(&now) < ts_ns(&prev))
			back++;
		prev = now;
	}
	report("posix_clock_monotonic_never_goes_back", r == 0 && back == 0 && bad == 0,
	       "clock_gettime gave %d; went back %d times, bad tv_nsec %d times in 5000 reads", r, back, bad);
	r = (int)syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
	report("posix_clock_gettime_syscall_monotonic", r == 0 && llabs(ts_ns(&now) - pt_now()) < 100 * MS,
	       "the system call gave %d, %lld ms from the library's reading", r,
	       (long long)((ts_ns(&now) - pt_now()) / MS));
}

static void test_realtime(void)
{
	struct timespec rt;
	struct timeval tv;
	time_t t1, t2;
	int r = clock_gettime(CLOCK_REALTIME, &rt), g, s;

	report("posix_clock_realtime_after_2020", r == 0 && rt.tv_sec > JAN_1_2020 && rt.tv_sec < 4102444800LL,
	       "clock_gettime gave %d, %lld s (want between 2020 and 2100)", r, (long long)rt.tv_sec);
	g = gettimeofday(&tv, 0);
	clock_gettime(CLOCK_REALTIME, &rt);
	report("posix_gettimeofday_matches_realtime",
	       g == 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000 &&
	           llabs(((int64_t)tv.tv_sec * 1000000 + tv.tv_usec) - ts_ns(&rt) / 1000) < 1000000,
	       "gettimeofday gave %d: %lld.%06ld, realtime %lld.%09ld", g, (long long)tv.tv_sec, (long)tv.tv_usec,
	       (long long)rt.tv_sec, rt.tv_nsec);
	s = (int)syscall(SYS_gettimeofday, &tv, 0);
	report("posix_gettimeofday_syscall", s == 0 && llabs((int64_t)tv.tv_sec - rt.tv_sec) <= 1,
	       "the system call gave %d: %lld s, realtime %lld s", s, (long long)tv.tv_sec, (long long)rt.tv_sec);
	t2 = 0;
	t1 = time(&t2);
	clock_gettime(CLOCK_REALTIME, &rt);
	report("posix_time_matches_realtime", t1 == t2 && llabs((int64_t)t1 - rt.tv_sec) <= 1,
	       "time() gave %lld (and stored %lld), realtime %lld", (long long)t1, (long long)t2, (long long)rt.tv_sec);
	t2 = 0;
	t1 = (time_t)syscall(SYS_time, &t2);
	report("posix_time_syscall", t1 == t2 && llabs((int64_t)t1 - rt.tv_sec) <= 1,
	       "the system call gave %lld (and stored %lld), realtime %lld", (long long)t1, (long long)t2,
	       (long long)rt.tv_sec);
}

static void test_other_clocks(void)
{
	struct timespec b, m, c1, c2;
	volatile unsigned long spin = 0;
	int rm = clock_gettime(CLOCK_MONOTONIC, &m), rb = clock_gettime(CLOCK_BOOTTIME, &b), r1, r2, rt;

	report("posix_clock_boottime", rm == 0 && rb == 0 && ts_ns(&b) >= ts_ns(&m),
	       "clock_gettime(BOOTTIME) gave %d: %lld.%09ld, monotonic just before %lld.%09ld", rb, (long long)b.tv_sec,
	       b.tv_nsec, (long long)m.tv_sec, m.tv_nsec);
	r1 = clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	for (int64_t end = pt_now() + 20 * MS; pt_now() < end;)
		spin++;
	r2 = clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c2);
	report("posix_clock_process_cputime_answers", r1 == 0 && r2 == 0 && ts_ns(&c1) >= 0 && ts_ns(&c2) >= ts_ns(&c1),
	       "clock_gettime(PROCESS_CPUTIME_ID) gave %d then %d: %lld ns then %lld ns", r1, r2, (long long)ts_ns(&c1),
	       (long long)ts_ns(&c2));
	rt = clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	report("posix_clock_thread_cputime_answers", rt == 0 && ts_ns(&c1) >= 0,
	       "clock_gettime(THREAD_CPUTIME_ID) gave %d", rt);
}

/* Over 200 ms of sleep the clocks move together (within 20 ms). */
static void test_rates(void)
{
	int64_t m0 = pt_ns(CLOCK_MONOTONIC), r0 = pt_ns(CLOCK_REALTIME), b0 = pt_ns(CLOCK_BOOTTIME), m, r, b;

	pt_sleep_ms(200);
	m = pt_ns(CLOCK_MONOTONIC) - m0, r = pt_ns(CLOCK_REALTIME) - r0, b = pt_ns(CLOCK_BOOTTIME) - b0;
	report("posix_clocks_advance_together",
	       m >= 200 * MS && m < 2000 * MS && llabs(r - m) < 20 * MS && llabs(b - m) < 20 * MS,
	       "over a 200 ms sleep: monotonic %lld ms, realtime %lld ms, boottime %lld ms", (long long)(m / MS),
	       (long long)(r / MS), (long long)(b / MS));
}

static void test_getres(void)
{
	static const clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME};
	struct timespec res;
	int ok = 1, r = 0;
	char why[160] = "";

	for (unsigned i = 0; i < 3 && ok; i++) {
		res = (struct timespec){-1, -1};
		r = clock_getres(ids[i], &res);
		if (r != 0 || res.tv_sec != 0 || res.tv_nsec <= 0 || res.tv_nsec > 10 * MS) {
			snprintf(why, sizeof(why), "clock %d: clock_getres gave %d, %lld.%09ld", (int)ids[i], r,
			         (long long)res.tv_sec, res.tv_nsec);
			ok = 0;
		}
	}
	report("posix_clock_getres", ok, "%s (want a resolution between 1 ns and 10 ms)", why);
	r = clock_getres(CLOCK_MONOTONIC, 0);
	report("posix_clock_getres_null_pointer", r == 0, "clock_getres(MONOTONIC, NULL) gave %d %s", r,
	       pt_errname(errno));
}

static void test_errors(void)
{
	struct timespec ts;
	int r1, e1, r2, e2, r3, e3;

	errno = 0, r1 = (int)syscall(SYS_clock_gettime, 99, &ts), e1 = errno;
	errno = 0, r2 = (int)syscall(SYS_clock_getres, 99, &ts), e2 = errno;
	errno = 0, r3 = (int)syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)pt_opaque(16)), e3 = errno;
	report("posix_clock_gettime_bad_clock_einval", r1 == -1 && e1 == EINVAL, "clock 99 gave %d %s", r1,
	       pt_errname(e1));
	report("posix_clock_getres_bad_clock_einval", r2 == -1 && e2 == EINVAL, "clock 99 gave %d %s", r2,
	       pt_errname(e2));
	report("posix_clock_gettime_bad_pointer_efault", r3 == -1 && e3 == EFAULT, "gave %d %s", r3, pt_errname(e3));
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_monotonic();
	test_realtime();
	test_other_clocks();
	test_rates();
	test_getres();
	test_errors();
	return 0;
}
