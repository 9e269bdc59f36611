/* An unprivileged process timing getpid through the POSIX trap bridge. */
#include "../bench.h"

static long sys2(long nr, long a, long b)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return r;
}

int main(void)
{
	uint64_t t0, t1;

	for (int i = 0; i < 1000; i++)
		sys2(NR_GETPID, 0, 0);
	t0 = rdtsc();
	for (int i = 0; i < BENCH_OPS; i++)
		sys2(NR_GETPID, 0, 0);
	t1 = rdtsc();
	sys2(NR_BENCH_REPORT, (long)(t1 - t0), BENCH_OPS);
	for (;;)
		sys2(NR_BENCH_REPORT + 1, 0, 0); /* nothing left to do: park (unrouted) */
}
