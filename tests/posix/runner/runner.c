/*
 * The POSIX test image's /etc/rc: run each test program in turn, each in a
 * process group of its own and with a time limit, report
 *
 *   TEST <program>_exits_cleanly PASS | FAIL <how it ended>
 *
 * for each (the programs report their own checks), then "TESTS DONE".
 *
 * The list is compiled in: there is no file system to read one from yet.
 * Arguments, if any, name the programs to run instead (run-on-host uses
 * this to run one program).
 *
 * The time limit: SIGALRM (without SA_RESTART) interrupts the wait4 for a
 * program that runs too long, which is then killed with its whole process
 * group. Whatever a program leaves behind in its group is killed too when
 * it ends; orphans go to init, which reaps them. Where alarm is not
 * implemented, there is no limit and the harness's own time-outs remain.
 */
#include "../posixtest.h"

#define LIMIT 30 /* seconds per program */

static const char *const programs[] = {
    "posix_fork",     "posix_exec",    "posix_cow",    "posix_memory", "posix_segv",  "posix_signal",
    "posix_sigframe", "posix_pgrp",    "posix_alarm",  "posix_sleep",  "posix_clock", "posix_stop",
    "posix_orphan",   "posix_forkmem", "posix_rlimit", "posix_random", "posix_nice", "posix_sigwait", "posix_vfork", "posix_files", "posix_pipe", "posix_poll", "posix_locks", "posix_perms", "posix_spawn",
};

extern char **environ;
static volatile sig_atomic_t timed_out;
static void on_alarm(int sig)
{
	(void)sig, timed_out = 1;
}

/* Run one program to its end or its time limit; report how it ended. */
static void run(const char *name)
{
	char *argv[] = {(char *)name, 0}, result[80];
	pid_t pid, r = -1;
	int st = 0;

	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		pt_reset_signals();
		execve(pt_bin(name), argv, environ);
		pt_note("runner: cannot run %s: %s", pt_bin(name), strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		report("runner_fork", 0, "cannot fork to run %s: %s", name, pt_errname(errno));
		return;
	}
	setpgid(pid, pid);
	timed_out = 0;
	alarm(LIMIT);
	while (r != pid) {
		r = wait4(pid, &st, 0, 0);
		if (r < 0 && errno == EINTR && timed_out) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		} else if (r < 0 && errno != EINTR) {
			break;
		}
	}
	alarm(0);
	kill(-pid, SIGKILL); /* whatever the program left running in its group */
	snprintf(result, sizeof(result), "%s_exits_cleanly", name);
	if (r != pid)
		report(result, 0, "wait4 failed: %s", pt_errname(errno));
	else if (timed_out)
		report(result, 0, "still running after %d s: killed", LIMIT);
	else
		report(result, WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", pt_status(st));
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_alarm};

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, 0) != 0)
		pt_note("runner: no sigaction (%s): no time limit per program", strerror(errno));
	if (argc > 1)
		for (int i = 1; i < argc; i++)
			run(argv[i]);
	else
		for (unsigned i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
			run(programs[i]);
	pt_note("TESTS DONE");
	return 0;
}
