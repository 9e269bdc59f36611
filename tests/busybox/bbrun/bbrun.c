/*
 * The BusyBox test image's /etc/rc: run BusyBox applets (the unmodified
 * static binary built from Debian's source, /bin/busybox) and check how each
 * ends, reporting
 *
 *   TEST busybox_<applet>_<what> PASS | FAIL <reason>
 *
 * and then "TESTS DONE". An applet is started both ways BusyBox knows:
 * by argv[0] (as a link named "true" would) and as "busybox APPLET ...".
 *
 * Until vfs exists there are no pipes and no files, so an applet's output
 * cannot be captured here: only exit statuses (and, for sleep, the time
 * taken) are checked. The output itself goes to the console, where the
 * harness's busybox_output_on_console suite looks for the lines the applets print.
 *
 * BBRUN_BUSYBOX names another binary (to run this on a Linux host:
 * BBRUN_BUSYBOX=build/bin/busybox build/bin/bbrun).
 */
#include "../../posix/posixtest.h"

#define LIMIT 10     /* seconds per applet */
#define ANY_ERROR -1 /* expected status: any exit code but 0 */
#define PID "<pid>"  /* an argument replaced by our own pid */

struct bbtest {
	const char *name;
	int status;  /* the exit code wanted, or ANY_ERROR */
	long min_ms; /* the least time it may take */
	const char *argv[10];
};

/*
 * Applets that run today on process calls alone. Not here yet, with what
 * they wait for (pm logs each missing call once, by name):
 *   printf (the applet and ash's builtin): fcntl (72) F_GETFL on fd 1;
 *   ash: a command found by PATH needs stat (4); pipes and $(...) need
 *   pipe (22); a background job opens /dev/null (open (2), close (3));
 *   pwd: getcwd (79); timeout: open (2) of "/"; time: dup2 (33);
 *   nice: getpriority (140), setpriority (141); id: getgroups (115);
 *   cat, ls, ps, free: files and /proc (vfs, procfs).
 */
static const struct bbtest tests[] = {
    {"busybox_true_by_argv0", 0, 0, {"true"}},
    {"busybox_true_as_applet", 0, 0, {"busybox", "true"}},
    {"busybox_false_exits_1", 1, 0, {"busybox", "false"}},
    {"busybox_false_by_argv0_exits_1", 1, 0, {"false"}},
    {"busybox_unknown_applet_fails", ANY_ERROR, 0, {"busybox", "no-such-applet"}},
    {"busybox_echo_exits_0", 0, 0, {"busybox", "echo", "busybox echo: hello from Debian's BusyBox"}},
    {"busybox_expr_product_exits_0", 0, 0, {"busybox", "expr", "6", "*", "7"}},
    {"busybox_expr_zero_exits_1", 1, 0, {"busybox", "expr", "0"}},
    {"busybox_expr_bad_syntax_exits_2", 2, 0, {"expr", "1", "+"}},
    {"busybox_test_3_gt_2", 0, 0, {"busybox", "test", "3", "-gt", "2"}},
    {"busybox_test_2_gt_3_exits_1", 1, 0, {"test", "2", "-gt", "3"}},
    {"busybox_bracket_1_eq_2_exits_1", 1, 0, {"busybox", "[", "1", "-eq", "2", "]"}},
    {"busybox_bracket_string_eq", 0, 0, {"[", "abc", "=", "abc", "]"}},
    {"busybox_sleep_100ms", 0, 100, {"busybox", "sleep", "0.1"}},
    {"busybox_sleep_bad_argument_fails", ANY_ERROR, 0, {"sleep", "forever"}},
    {"busybox_usleep_20ms", 0, 20, {"usleep", "20000"}},
    {"busybox_kill_0_self", 0, 0, {"busybox", "kill", "-0", PID}},
    {"busybox_kill_0_no_such_pid_fails", ANY_ERROR, 0, {"kill", "-0", "99999"}},
    {"busybox_awk_begin_exit_3", 3, 0, {"awk", "BEGIN { if (6 * 7 == 42) exit 3 }"}},
    {"busybox_sh_c_exit_3", 3, 0, {"busybox", "sh", "-c", "exit 3"}},
    {"busybox_sh_c_and_or_exit_5", 5, 0, {"busybox", "sh", "-c", "true && false || exit 5"}},
    {"busybox_sh_c_arithmetic", 0, 0, {"sh", "-c", "[ $((6 * 7)) -eq 42 ]"}},
    {"busybox_sh_c_echo", 0, 0, {"sh", "-c", "x=ash; echo \"busybox sh: hello from $x\""}},
    {"busybox_sh_c_function_return_6", 6, 0, {"sh", "-c", "f() { return $(($1 * 2)); }; f 3; exit $?"}},
    {"busybox_sh_c_for_case_exit_2",
     2,
     0,
     {"sh", "-c", "for w in b ax; do case $w in a*) exit 2;; esac; done; exit 1"}},
    {"busybox_sh_c_subshell_exit_9", 9, 0, {"sh", "-c", "(exit 9); exit $?"}},
    {"busybox_sh_c_trap_usr1_exit_7", 7, 0, {"sh", "-c", "trap 'exit 7' USR1; kill -USR1 $$; exit 1"}},
    {"busybox_sh_c_runs_busybox_false", 41, 0, {"sh", "-c", "\"$BBRUN_BUSYBOX\" false; exit $(($? + 40))"}},
    {"busybox_sh_c_loop_sleeps_3_times",
     0,
     150,
     {"sh", "-c", "i=0; while [ $i -lt 3 ]; do \"$BBRUN_BUSYBOX\" sleep 0.05 || exit 9; i=$((i+1)); done"}},
    {"busybox_sh_c_child_killed_by_term_143",
     143,
     0,
     {"sh", "-c", "\"$BBRUN_BUSYBOX\" sh -c 'kill -TERM $$; exit 1'; exit $?"}},
    {"busybox_sh_c_exec_false_exits_1", 1, 0, {"sh", "-c", "exec \"$BBRUN_BUSYBOX\" false; exit 2"}},
    /* stdio's output (writev): the harness's output suite checks these lines */
    {"busybox_seq_exits_0", 0, 0, {"busybox", "seq", "-s", " ", "997", "999"}},
    {"busybox_uname_exits_0", 0, 0, {"busybox", "uname", "-s", "-m"}},
};

extern char **environ;
static volatile sig_atomic_t timed_out;
static void on_alarm(int sig)
{
	(void)sig, timed_out = 1;
}

static const char *busybox_path(void)
{
	const char *p = getenv("BBRUN_BUSYBOX");

	return p && *p ? p : "/bin/busybox";
}

/* Fork and exec busybox with t's arguments (PID replaced); its pid, or -1. */
static pid_t start(const struct bbtest *t, const char *pid)
{
	char *argv[sizeof(t->argv) / sizeof(t->argv[0]) + 1];
	pid_t child;
	unsigned n;

	for (n = 0; t->argv[n]; n++)
		argv[n] = (char *)(strcmp(t->argv[n], PID) == 0 ? pid : t->argv[n]);
	argv[n] = 0;
	child = fork();
	if (child == 0) {
		setpgid(0, 0);
		pt_reset_signals();
		execve(busybox_path(), argv, environ);
		pt_note("bbrun: cannot run %s: %s", busybox_path(), strerror(errno));
		_exit(127);
	}
	return child;
}

/* Wait for child within LIMIT seconds (killing its group after that); 0 if it did not end. */
static int finish(pid_t child, int *st)
{
	pid_t r = -1;

	timed_out = 0;
	alarm(LIMIT);
	while (r != child) {
		r = wait4(child, st, 0, 0);
		if (r < 0 && errno == EINTR && timed_out) {
			kill(-child, SIGKILL);
			kill(child, SIGKILL);
		} else if (r < 0 && errno != EINTR) {
			break;
		}
	}
	alarm(0);
	kill(-child, SIGKILL); /* anything the applet left behind */
	return r == child && !timed_out;
}

static void run(const struct bbtest *t, const char *pid)
{
	int64_t began = pt_now(), ms;
	pid_t child = start(t, pid);
	int st = 0, ok;

	if (child < 0) {
		report(t->name, 0, "fork failed: %s", pt_errname(errno));
		return;
	}
	if (!finish(child, &st)) {
		if (timed_out)
			report(t->name, 0, "still running after %d s: killed", LIMIT);
		else
			report(t->name, 0, "wait4 failed: %s", pt_errname(errno));
		return;
	}
	ms = (pt_now() - began) / 1000000;
	ok = WIFEXITED(st) && (t->status == ANY_ERROR ? WEXITSTATUS(st) != 0 : WEXITSTATUS(st) == t->status);
	if (!ok && t->status == ANY_ERROR)
		report(t->name, 0, "%s, wanted a non-zero exit", pt_status(st));
	else if (!ok)
		report(t->name, 0, "%s, wanted exited %d", pt_status(st), t->status);
	else if (ms < t->min_ms)
		report(t->name, 0, "took %lld ms, wanted at least %ld", (long long)ms, t->min_ms);
	else
		report(t->name, 1, "%s", "");
}

int main(void)
{
	struct sigaction sa = {.sa_handler = on_alarm};
	char pid[24];

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, 0) != 0)
		pt_note("bbrun: no sigaction (%s): no time limit per applet", strerror(errno));
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("BBRUN_BUSYBOX", busybox_path(), 1); /* for the shell's tests */
	for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		run(&tests[i], pid);
	pt_note("TESTS DONE");
	return 0;
}
