/*
 * posixbench: POSIX operations timed with the time stamp counter, built as an
 * ordinary static Linux program so that the very same binary runs on Axolotl
 * (as its POSIX boot process) and on Linux (as /init of an initramfs) in the
 * same QEMU. Under QEMU's -icount shift=0 the TSC advances once per guest
 * instruction, so the same figures are then instructions per operation.
 *
 * It prints "BENCH <name> <cycles_per_op> <iterations>" per operation, then
 * "BENCHES DONE", and powers the machine off. A failed call prints
 * "BENCH_ERROR <name> <detail>" instead and still powers off, so the host
 * harness fails at once rather than waiting for its time limit.
 *
 * Only calls Axolotl serves are used (getpid, fork, execve, wait4, exit,
 * mmap, munmap, write to fd 1, reboot), all issued raw through syscall():
 * musl's fork() and getpid() wrappers add signal-mask calls and caching that
 * would measure libc rather than the system. Output goes through write(1)
 * straight away, never stdio, whose stdout would buffer and call ioctl.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * Iterations after a warm-up: about a second of emulation per run without
 * -icount, yet enough that one host hiccup (TCG translating, the host
 * scheduling QEMU out) does not dominate a plain run's mean.
 */
#define GETPID_OPS 20000
#define FORK_OPS 500
#define EXEC_OPS 200
#define FAULT_PAGES 100 /* pages per mapping: each round faults them all in */
#define FAULT_ROUNDS 50
#define WARMUP_DIV 10 /* warm-up: a tenth of the measured count */

#define PAGE 4096

/* reboot(2)'s magic numbers and LINUX_REBOOT_CMD_POWER_OFF (linux/reboot.h). */
#define REBOOT_MAGIC1 0xfee1deadL
#define REBOOT_MAGIC2 672274793L
#define REBOOT_CMD_POWER_OFF 0x4321fedcL

static const char nothing_path[] = "/bin/nothing";

/*
 * lfence on both sides keeps earlier work from leaking past the read and
 * later work from starting before it. rdtscp would do as well, but QEMU's
 * default CPU model (qemu64, used for both systems) does not offer it.
 */
static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static void say(const char *text, size_t len)
{
	while (len > 0) {
		long n = syscall(SYS_write, 1, text, len);

		if (n <= 0)
			return; /* nowhere to report to */
		text += n;
		len -= (size_t)n;
	}
}

/* One decimal, in integers: the figure is a mean over many iterations. */
static void report(const char *name, uint64_t cycles, uint64_t ops)
{
	char line[128];
	uint64_t tenths = (cycles * 10 + ops / 2) / ops;
	int n = snprintf(line, sizeof(line), "BENCH %s %llu.%llu %llu\n", name, (unsigned long long)(tenths / 10),
			 (unsigned long long)(tenths % 10), (unsigned long long)ops);

	say(line, (size_t)n);
}

static int failed(const char *name, const char *what, long value)
{
	char line[160];
	int n = snprintf(line, sizeof(line), "BENCH_ERROR %s %s (%ld)\n", name, what, value);

	say(line, (size_t)n);
	return -1;
}

static uint64_t bench_getpid(int ops)
{
	uint64_t t0 = tsc();

	for (int i = 0; i < ops; i++)
		syscall(SYS_getpid);
	return tsc() - t0;
}

/* The child exits at once; the parent waits for exactly that child. */
static int fork_wait_once(void)
{
	int status = -1;
	long pid = syscall(SYS_fork), got;

	if (pid == 0)
		syscall(SYS_exit_group, 0);
	if (pid < 0)
		return failed("fork_wait", "fork returned", pid);
	got = syscall(SYS_wait4, pid, &status, 0, NULL);
	if (got != pid || status != 0)
		return failed("fork_wait", "wait4 returned pid or status", got != pid ? got : status);
	return 0;
}

/* The child becomes /bin/nothing; 127 from it means execve failed. */
static int fork_exec_wait_once(void)
{
	static char *const argv[] = {(char *)nothing_path, NULL};
	static char *const envp[] = {NULL};
	int status = -1;
	long pid = syscall(SYS_fork), got;

	if (pid == 0) {
		syscall(SYS_execve, nothing_path, argv, envp);
		syscall(SYS_exit_group, 127);
	}
	if (pid < 0)
		return failed("fork_exec_wait", "fork returned", pid);
	got = syscall(SYS_wait4, pid, &status, 0, NULL);
	if (got != pid || status != 0)
		return failed("fork_exec_wait", "wait4 returned pid or status (127 << 8: execve failed)",
			      got != pid ? got : status);
	return 0;
}

/*
 * Time the loop only: each iteration is one whole fork, child's end and
 * wait. Returns the cycles, or 0 after a failure (already reported).
 */
static uint64_t bench_loop(int (*once)(void), int ops)
{
	uint64_t t0 = tsc();

	for (int i = 0; i < ops; i++)
		if (once() < 0)
			return 0;
	return tsc() - t0;
}

/*
 * A fresh anonymous mapping per round, one byte written per page: each write
 * takes a demand-zero fault. Writes rather than reads, since Linux answers a
 * read fault with its shared zero page and no allocation. Only the touching
 * is timed; mmap and munmap are not page faults.
 */
static uint64_t bench_page_fault(int rounds)
{
	uint64_t total = 0;

	for (int r = 0; r < rounds; r++) {
		volatile char *p = mmap(NULL, FAULT_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t t0;

		if (p == MAP_FAILED) {
			failed("page_fault", "mmap failed", 0);
			return 0;
		}
		t0 = tsc();
		for (int i = 0; i < FAULT_PAGES; i++)
			p[(long)i * PAGE] = 1;
		total += tsc() - t0;
		if (munmap((void *)p, FAULT_PAGES * PAGE) < 0) {
			failed("page_fault", "munmap failed", 0);
			return 0;
		}
	}
	return total;
}

int main(void)
{
	uint64_t c;

	bench_getpid(GETPID_OPS / WARMUP_DIV);
	report("getpid", bench_getpid(GETPID_OPS), GETPID_OPS);

	if (bench_loop(fork_wait_once, FORK_OPS / WARMUP_DIV) &&
	    (c = bench_loop(fork_wait_once, FORK_OPS)))
		report("fork_wait", c, FORK_OPS);

	if (bench_loop(fork_exec_wait_once, EXEC_OPS / WARMUP_DIV) &&
	    (c = bench_loop(fork_exec_wait_once, EXEC_OPS)))
		report("fork_exec_wait", c, EXEC_OPS);

	if (bench_page_fault(FAULT_ROUNDS / WARMUP_DIV) && (c = bench_page_fault(FAULT_ROUNDS)))
		report("page_fault", c, (uint64_t)FAULT_PAGES * FAULT_ROUNDS);

	say("BENCHES DONE\n", 13);
	syscall(SYS_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2, REBOOT_CMD_POWER_OFF, NULL);
	return 1; /* reboot refused: on Linux, pid 1 ending panics, and panic=-1 with -no-reboot ends QEMU */
}
