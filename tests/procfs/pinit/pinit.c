/*
 * pid 1 of procfs's test image: a POSIX process that makes the processes
 * procfs_check then finds in /proc, in this order (pids 2, 3, 4, 5):
 *   - pidle, exec'd with arguments after setpriority(5) and SIGHUP ignored:
 *     comm, cmdline, nice and SigIgn to see; it sleeps (S);
 *   - a spinner that runs for 8 s (R, its utime grows, the load rises),
 *     then sleeps;
 *   - one that stops itself with SIGSTOP (T);
 *   - one that exits with status 7 and is never waited for (Z).
 * Then it pauses for good.
 */
#include "../../system/test.h"

#define SYS(nr, a, b, c, d) posix_call(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
enum { NR_PAUSE = 34, NR_GETPID = 39, NR_FORK = 57, NR_EXECVE = 59, NR_EXIT = 60, NR_KILL = 62,
       NR_SETPRIORITY = 141, NR_RT_SIGACTION = 13, NR_CLOCK_GETTIME = 228 };
#define SIGHUP 1
#define SIGSTOP 19

static _Noreturn void sleep_forever(void)
{
	for (;;)
		SYS(NR_PAUSE, 0, 0, 0, 0);
}

static uint64_t monotonic_ns(void)
{
	int64_t ts[2] = {0, 0};

	SYS(NR_CLOCK_GETTIME, 1, ts, 0, 0);
	return (uint64_t)ts[0] * 1000000000 + (uint64_t)ts[1];
}

static void start_pidle(void)
{
	static const char *const argv[] = {"pidle", "--sleep", "x y", 0};
	static const char *const envp[] = {"PROCFS=1", 0};
	uint64_t ignore[4] = {1 /* SIG_IGN */, 0, 0, 0};

	SYS(NR_SETPRIORITY, 0 /* PRIO_PROCESS */, 0, 5, 0);
	SYS(NR_RT_SIGACTION, SIGHUP, ignore, 0, 8);
	SYS(NR_EXECVE, "/bin/pidle", argv, envp, 0);
	SYS(NR_EXIT, 99, 0, 0, 0);
}

int main(void)
{
	if (SYS(NR_FORK, 0, 0, 0, 0) == 0)
		start_pidle();
	if (SYS(NR_FORK, 0, 0, 0, 0) == 0) {
		uint64_t until = monotonic_ns() + 8000000000ULL;

		while (monotonic_ns() < until)
			for (volatile int i = 0; i < 100000; i++)
				;
		sleep_forever();
	}
	if (SYS(NR_FORK, 0, 0, 0, 0) == 0) {
		SYS(NR_KILL, SYS(NR_GETPID, 0, 0, 0, 0), SIGSTOP, 0, 0);
		sleep_forever();
	}
	if (SYS(NR_FORK, 0, 0, 0, 0) == 0)
		SYS(NR_EXIT, 7, 0, 0, 0);
	sleep_forever();
}
