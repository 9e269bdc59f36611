/*
 * Memory comes back: sysinfo's free memory before and after 1000
 * fork/_exit/wait4 cycles, and after 100 fork/execve/wait4 cycles.
 *
 * On Axolotl nothing else runs meanwhile, so free memory must be exactly
 * what it was. On Linux free memory moves by itself (page cache, other
 * processes, per-CPU page lists and counters folded in late), so there we
 * allow a tolerance of 32 MiB: a leak of even one page per cycle (4 MiB
 * over 1000 cycles) is then not seen, but a leaked address space (some
 * 100 KiB each, 100 MiB over 1000) is.
 */
#include "../posixtest.h"

#define MIB (1ULL << 20)

static int fork_cycles(int n)
{
	for (int i = 0; i < n; i++) {
		int st = 0;
		pid_t pid = fork();

		if (pid == 0)
			_exit(i & 0x7f);
		if (pid < 0 || pt_wait(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != (i & 0x7f))
			return i;
	}
	return n;
}

static int exec_cycles(int n)
{
	char *argv[] = {"posix_helper", "exit", "0", 0};

	for (int i = 0; i < n; i++) {
		int st = 0;
		pid_t pid = fork();

		if (pid == 0) {
			execve(pt_bin("posix_helper"), argv, (char *[]){0});
			_exit(255);
		}
		if (pid < 0 || pt_wait(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return i;
	}
	return n;
}

static void measure(const char *name, int (*cycles)(int), int n)
{
	unsigned long long before, after, tolerance = pt_axolotl() ? 0 : 32 * MIB;
	int done;
	int64_t t;

	cycles(3); /* warm up: our stack, page tables and the servers' tables in place */
	before = pt_freeram();
	t = pt_now();
	done = cycles(n);
	t = pt_now() - t;
	after = pt_freeram();
	pt_note("%s: %d cycles in %lld ms, free memory %llu before, %llu after", name, done, (long long)(t / 1000000),
	        before, after);
	report(name, done == n && before > 0 && after + tolerance >= before && after <= before + tolerance,
	       "%d of %d cycles went right; free memory %llu before, %llu after (tolerance %llu)", done, n, before,
	       after, tolerance);
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	measure("posix_memory_returned_after_1000_fork_exit_cycles", fork_cycles, 1000);
	measure("posix_memory_returned_after_100_fork_exec_cycles", exec_cycles, 100);
	return 0;
}
