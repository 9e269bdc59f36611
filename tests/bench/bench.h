/* Shared by the benchmark programs: the time stamp counter and the report line. */
#ifndef TESTS_BENCH_H
#define TESTS_BENCH_H

#include <sys/ax.h>

#define BENCH_OPS 20000
#define NR_BENCH_REPORT 500 /* POSIX call number benchposix reports through */
#define NR_GETPID 39

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * "BENCH name cycles/op ops": under QEMU's -icount shift=0 the TSC counts
 * guest instructions, so the same line then gives instructions per op.
 */
static inline void bench_report(const char *name, uint64_t cycles, uint64_t ops)
{
	ax_printf("BENCH %s %lu.%lu %lu\n", name, cycles / ops, (cycles * 10 / ops) % 10, ops);
}

#endif
