/*
 * pid 1 of the pm test image: an unprivileged process that checks pm
 * through real Linux calls (fork, wait4, exit, getpid, ...), prints its
 * results with write(1, ...) and powers off with reboot(2).
 */
#include "../../system/test.h"

#define SYS(nr, a, b, c, d) posix_call(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define WNOHANG 1
#define EXITED(st) (((st)&0x7f) == 0)
#define EXIT_CODE(st) (((st) >> 8) & 0xff)
#define SIGNALED(st) (((st)&0x7f) != 0 && ((st)&0x7f) != 0x7f)
#define TERMSIG(st) ((st)&0x7f)

static volatile int shared_value = 5;
static int failures;

static void report(const char *name, int ok)
{
	char line[128];
	int n = ax_snprintf(line, sizeof(line), "TEST %s %s\n", name, ok ? "PASS" : "FAIL pminit saw a wrong result");

	failures += !ok;
	SYS(1, 1, line, n, 0);
}

static long fork_child(int (*body)(void))
{
	long pid = SYS(57, 0, 0, 0, 0);

	if (pid == 0)
		SYS(60, body(), 0, 0, 0);
	return pid;
}

static int child_identity(void)
{
	int ok = SYS(110, 0, 0, 0, 0) == 1 && SYS(39, 0, 0, 0, 0) > 1;

	shared_value = 99; /* copy-on-write: the parent must not see this */
	return ok && shared_value == 99 ? 42 : 1;
}

static int child_spin(void)
{
	for (volatile long i = 0; i < 20000000; i++)
		;
	return 3;
}

static int child_crash(void)
{
	volatile int *bad;

	__asm__ volatile("mov $0x66660000, %0" : "=r"(bad));
	return *bad;
}

static int child_quick(void) { return 0; }

static long wait_for(long pid, int *status, int options) { return SYS(61, pid, status, options, 0); }

static unsigned long free_ram(void)
{
	unsigned long info[14] = {0}; /* struct sysinfo: freeram is the 6th long */

	SYS(99, info, 0, 0, 0);
	return info[5];
}

int main(void)
{
	char uts[6][65];
	int st = -1, codes = 0, distinct = 1;
	long pid, pids[20];
	unsigned long before, after;
	uint64_t fs = 0;

	report("pm_first_process_is_pid_1", SYS(39, 0, 0, 0, 0) == 1);
	report("pm_pid_1_has_no_parent", SYS(110, 0, 0, 0, 0) == 0);
	report("pm_uname_says_axolotl", SYS(63, uts, 0, 0, 0) == 0 && strcmp(uts[0], "Axolotl") == 0 &&
					      strcmp(uts[4], "x86_64") == 0);

	pid = fork_child(child_identity);
	report("pm_fork_returns_child_pid", pid > 1);
	report("pm_wait4_returns_that_child", wait_for(pid, &st, 0) == pid);
	report("pm_child_identity_and_exit_status", EXITED(st) && EXIT_CODE(st) == 42);
	report("pm_fork_copy_on_write_isolation", shared_value == 5);
	report("pm_wait4_without_children_echild", wait_for(-1, &st, 0) == -10);

	pid = fork_child(child_spin);
	report("pm_wait4_wnohang_running_child", wait_for(pid, &st, WNOHANG) == 0);
	report("pm_wait4_blocks_until_exit", wait_for(pid, &st, 0) == pid && EXIT_CODE(st) == 3);

	for (int i = 0; i < 20; i++) {
		pids[i] = SYS(57, 0, 0, 0, 0);
		if (pids[i] == 0)
			SYS(231, i, 0, 0, 0);
	}
	for (int i = 0; i < 20; i++) {
		for (int j = 0; j < i; j++)
			distinct = distinct && pids[i] != pids[j];
		if (wait_for(-1, &st, 0) > 0 && EXITED(st))
			codes += EXIT_CODE(st);
	}
	report("pm_twenty_children_distinct_pids", distinct);
	report("pm_twenty_exit_statuses_collected", codes == 19 * 20 / 2);

	pid = fork_child(child_crash);
	report("pm_crashed_child_reported_as_sigsegv", wait_for(pid, &st, 0) == pid && SIGNALED(st) && TERMSIG(st) == 11);

	wait_for(fork_child(child_quick), &st, 0); /* warm up: stack and tables in place */
	before = free_ram();
	for (int i = 0; i < 100; i++)
		wait_for(fork_child(child_quick), &st, 0);
	after = free_ram();
	report("pm_memory_returned_after_100_fork_exit_cycles", before > 0 && after == before);

	{
		const char *args[] = {"echoargs", "one", "two", 0}, *env[] = {"A=1", "B=2", 0};

		pid = SYS(57, 0, 0, 0, 0);
		if (pid == 0) {
			SYS(59, "/bin/echoargs", args, env, 0);
			SYS(60, 100, 0, 0, 0); /* only if execve failed */
		}
		report("pm_execve_runs_program_with_args_env_auxv", wait_for(pid, &st, 0) == pid && EXITED(st) &&
									   EXIT_CODE(st) == 0);
		report("pm_execve_missing_file_enoent", SYS(59, "/bin/nothing", args, env, 0) == -2);
		report("pm_execve_not_executable_eacces", SYS(59, "/etc/motd", args, env, 0) == -13);
		report("pm_execve_bad_path_pointer_efault", SYS(59, 0x10, args, env, 0) == -AX_EFAULT);
		report("pm_execve_bad_argv_pointer_efault", SYS(59, "/bin/echoargs", 0x10, env, 0) == -AX_EFAULT);
	}
	report("pm_arch_prctl_set_and_get_fs", SYS(158, 0x1002, 0x123450, 0, 0) == 0 &&
						       SYS(158, 0x1003, &fs, 0, 0) == 0 && fs == 0x123450);
	SYS(158, 0x1002, 0, 0, 0);
	report("pm_write_to_unknown_descriptor_ebadf", SYS(1, 7, "x", 1, 0) == -9);
	report("pm_wait4_bad_options_einval", wait_for(-1, &st, 0x10) == -AX_EINVAL && wait_for(-1, &st, 4 /* WEXITED: waitid only */) == -AX_EINVAL);
	report("pm_unimplemented_call_enosys", SYS(400, 0, 0, 0, 0) == -AX_ENOSYS);
	report("pm_unimplemented_named_call_enosys", SYS(163 /* acct */, 0, 0, 0, 0) == -AX_ENOSYS &&
						   SYS(163, 0, 0, 0, 0) == -AX_ENOSYS);
	SYS(1, 1, "TESTS DONE\n", 11, 0);
	SYS(169, 0xfee1dead, 672274793, 0x4321fedc, 0); /* power off */
	return failures;
}
