/*
 * execve: the helper program (posix_helper) checks argv, envp, pid, ppid
 * and the auxiliary vector it was started with and answers with its exit
 * status; exec's errors reach the caller, whose image is untouched.
 */
#include <sys/auxv.h>
#include <sys/syscall.h>

#include "../posixtest.h"

static char *const helper_env[] = {"ALPHA=1", "BETA=two words", "EMPTY=", 0};

/*
 * Fork, exec the helper with argv in the child, and return its wait status
 * (-1: no child). A child whose execve failed exits with 128 + errno.
 */
static int run_helper(char *const argv[], char *const envp[], const char *path)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		pt_guard(PT_CHILD_LIMIT);
		execve(path, argv, envp);
		_exit(128 + (errno & 127));
	}
	if (pid < 0 || pt_wait(pid, &st, 0) != pid)
		return -1;
	return st;
}

static void test_args(void)
{
	char pid_s[16], ppid_s[16], long_arg[3001];
	char *argv[] = {"helper-argv0", "args", pid_s, ppid_s, "", "two words", long_arg, 0};
	int st, code;
	pid_t pid;

	memset(long_arg, 'x', 3000);
	long_arg[3000] = 0;
	snprintf(ppid_s, sizeof(ppid_s), "%d", (int)getpid());
	pid = fork();
	if (pid == 0) {
		pt_guard(PT_CHILD_LIMIT);
		snprintf(pid_s, sizeof(pid_s), "%d", (int)getpid());
		execve(pt_bin("posix_helper"), argv, helper_env);
		_exit(255);
	}
	st = 0;
	if (pid < 0 || pt_wait(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) == 255) {
		for (int i = 0; i < 4; i++)
			report((const char *[]){"posix_execve_argv", "posix_execve_envp", "posix_execve_keeps_pid",
			                        "posix_execve_keeps_parent"}[i],
			       0, "the helper did not run: %s", pid < 0 ? "fork failed" : pt_status(st));
		return;
	}
	code = WEXITSTATUS(st);
	report("posix_execve_argv", !(code & 1), "the helper saw a wrong argc or argv (exit %d)", code);
	report("posix_execve_envp", !(code & 2), "the helper saw a wrong environment (exit %d)", code);
	report("posix_execve_keeps_pid", !(code & 4), "getpid after execve differs from the pid before (exit %d)",
	       code);
	report("posix_execve_keeps_parent", !(code & 8), "getppid after execve is not the parent (exit %d)", code);
}

static void test_auxv(void)
{
	const char *path = pt_bin("posix_helper");
	char *argv[] = {"a-name-that-is-not-the-path", "auxv", (char *)path, 0};
	int st = run_helper(argv, helper_env, path), code = WIFEXITED(st) ? WEXITSTATUS(st) : 255;
	const char *why = st < 0 ? "no child" : pt_status(st);

	if (st < 0 || !WIFEXITED(st) || code >= 128)
		code = 255; /* no helper, no answer: every check fails */
	report("posix_auxv_pagesz_4096", !(code & 1), "AT_PAGESZ is not 4096 (helper %s)", why);
	report("posix_auxv_phdr_describes_the_program", !(code & 2),
	       "AT_PHDR/AT_PHENT/AT_PHNUM do not match the program's ELF header (helper %s)", why);
	report("posix_auxv_entry_is_start", !(code & 4), "AT_ENTRY is not _start or e_entry (helper %s)", why);
	report("posix_auxv_execfn_is_the_path", !(code & 8),
	       "AT_EXECFN is not the path given to execve (%s) (helper %s)", path, why);
	report("posix_auxv_random_present", !(code & 16), "no AT_RANDOM (helper %s)", why);
	report("posix_auxv_ids", !(code & 32), "AT_UID/AT_EUID/AT_GID/AT_EGID differ from the ids (helper %s)", why);
}

/* AT_RANDOM: 16 bytes here (this program was exec'd by the runner) differ from the helper's. */
static void test_random(void)
{
	const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
	char hex[33];
	char *argv[] = {"posix_helper", "random", hex, 0};
	int st;

	if (!r) {
		report("posix_auxv_random_differs_between_execs", 0, "this program has no AT_RANDOM");
		return;
	}
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	st = run_helper(argv, helper_env, pt_bin("posix_helper"));
	report("posix_auxv_random_differs_between_execs", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "helper %s (1: the same 16 bytes as ours, 2: none, 3: all zero)",
	       st < 0 ? "did not run" : pt_status(st));
}

/*
 * Linux takes up to a quarter of the stack limit in arguments (2 MiB by
 * default) and any number of them: 1000 arguments of 100 bytes must pass,
 * as a shell's glob over a large folder would.
 */
static void test_many_args(void)
{
	enum { N = 1000 };
	static char bytes[N][101];
	static char *argv[N + 4];
	int st;

	argv[0] = "posix_helper";
	argv[1] = "many";
	argv[2] = "1000";
	for (int i = 0; i < N; i++) {
		snprintf(bytes[i], sizeof(bytes[i]), "%04d:", i);
		memset(bytes[i] + 5, 'a', 95);
		bytes[i][100] = 0;
		argv[i + 3] = bytes[i];
	}
	argv[N + 3] = 0;
	st = run_helper(argv, helper_env, pt_bin("posix_helper"));
	report("posix_execve_1000_arguments", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "helper %s (128 + errno: execve failed; 1: wrong count; 2: wrong content)",
	       st < 0 ? "did not run" : pt_status(st));
}

/* One argument longer than Linux's MAX_ARG_STRLEN (32 pages): E2BIG, and we carry on. */
static void test_e2big(void)
{
	static char huge[200 * 1024];
	char *argv[] = {"posix_helper", huge, 0};
	int r;

	memset(huge, 'z', sizeof(huge) - 1);
	errno = 0;
	r = execve(pt_bin("posix_helper"), argv, helper_env);
	report("posix_execve_argument_too_long_e2big", r == -1 && errno == E2BIG, "execve returned %d, %s", r,
	       pt_errname(errno));
}

/* Errors come back to the caller, whose program goes on. */
static void test_errors(void)
{
	char *argv[] = {"x", 0};
	int r;

	errno = 0;
	r = execve(pt_bin("no-such-program"), argv, helper_env);
	report("posix_execve_missing_file_enoent", r == -1 && errno == ENOENT, "execve returned %d, %s", r,
	       pt_errname(errno));

	/* a plain data file of the image (mode 0644) */
	errno = 0;
	r = execve(pt_etc("posix-data"), argv, helper_env);
	report("posix_execve_not_executable_eacces", r == -1 && errno == EACCES, "execve(%s) returned %d, %s",
	       pt_etc("posix-data"), r, pt_errname(errno));

	/* an executable file (mode 0755) that is neither ELF nor a #! script */
	errno = 0;
	r = execve(pt_etc("posix-notelf"), argv, helper_env);
	report("posix_execve_not_elf_enoexec", r == -1 && errno == ENOEXEC, "execve(%s) returned %d, %s",
	       pt_etc("posix-notelf"), r, pt_errname(errno));

	errno = 0;
	r = (int)syscall(SYS_execve, (char *)pt_opaque(16), argv, helper_env);
	report("posix_execve_bad_path_pointer_efault", r == -1 && errno == EFAULT, "execve returned %d, %s", r,
	       pt_errname(errno));
	errno = 0;
	r = (int)syscall(SYS_execve, pt_bin("posix_helper"), (char **)pt_opaque(16), helper_env);
	report("posix_execve_bad_argv_pointer_efault", r == -1 && errno == EFAULT, "execve returned %d, %s", r,
	       pt_errname(errno));
	{
		char *bad_argv[] = {"x", (char *)pt_opaque(16), 0};

		errno = 0;
		r = (int)syscall(SYS_execve, pt_bin("posix_helper"), bad_argv, helper_env);
		report("posix_execve_bad_argument_string_efault", r == -1 && errno == EFAULT, "execve returned %d, %s",
		       r, pt_errname(errno));
	}
	errno = 0;
	r = (int)syscall(SYS_execve, pt_bin("posix_helper"), argv, (char **)pt_opaque(16));
	report("posix_execve_bad_envp_pointer_efault", r == -1 && errno == EFAULT, "execve returned %d, %s", r,
	       pt_errname(errno));
}

/* The helper's own exit status comes back through wait4. */
static void test_exit_status(void)
{
	char *argv[] = {"posix_helper", "exit", "77", 0};
	int st = run_helper(argv, helper_env, pt_bin("posix_helper"));

	report("posix_execve_program_exit_status", st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 77,
	       "helper %s, wanted exited 77", st < 0 ? "did not run" : pt_status(st));
}

static void on_usr1(int sig)
{
	(void)sig;
}

/*
 * Across exec, caught signals go back to SIG_DFL, ignored ones stay
 * ignored, the mask and pending signals stay, the alternate stack goes.
 */
static void test_signal_state(void)
{
	pid_t pid = fork();
	int st = 0, code;

	if (pid == 0) {
		static char altstack[65536];
		stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0};
		struct sigaction sa = {.sa_handler = on_usr1};
		sigset_t hup;
		char *argv[] = {"posix_helper", "sigstate", 0};

		pt_guard(PT_CHILD_LIMIT);
		sigaction(SIGUSR1, &sa, 0);
		signal(SIGUSR2, SIG_IGN);
		sigaltstack(&ss, 0);
		sigemptyset(&hup);
		sigaddset(&hup, SIGHUP);
		sigprocmask(SIG_BLOCK, &hup, 0);
		kill(getpid(), SIGHUP);
		execve(pt_bin("posix_helper"), argv, helper_env);
		_exit(255);
	}
	if (pid < 0 || pt_wait(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) == 255) {
		report("posix_execve_resets_caught_signals", 0, "helper did not run: %s", pt_status(st));
		report("posix_execve_keeps_ignored_signals", 0, "helper did not run: %s", pt_status(st));
		report("posix_execve_keeps_mask_and_pending", 0, "helper did not run: %s", pt_status(st));
		report("posix_execve_drops_alternate_stack", 0, "helper did not run: %s", pt_status(st));
		return;
	}
	code = WEXITSTATUS(st);
	report("posix_execve_resets_caught_signals", !(code & 1), "SIGUSR1's handler survived execve (exit %d)", code);
	report("posix_execve_keeps_ignored_signals", !(code & 2), "SIGUSR2 is no longer ignored after execve (exit %d)",
	       code);
	report("posix_execve_keeps_mask_and_pending", !(code & 12), "after execve SIGHUP is %s%s (exit %d)",
	       (code & 4) ? "not blocked " : "", (code & 8) ? "not pending" : "", code);
	report("posix_execve_drops_alternate_stack", !(code & 16),
	       "the alternate signal stack survived execve (exit %d)", code);
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_args();
	test_auxv();
	test_random();
	test_exit_status();
	test_many_args();
	test_e2big();
	test_errors();
	test_signal_state();
	return 0;
}
