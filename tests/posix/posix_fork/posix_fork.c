/*
 * fork and wait4: a tree of processes (depth 3, width 3) whose exit statuses
 * travel back up, getppid in children, and wait4's pid argument (-1, a pid,
 * 0 for the caller's process group, -pgrp), WNOHANG and ECHILD.
 */
#include "../posixtest.h"

#define WIDTH 3
#define DEPTH 3
#define BAD_PPID 200   /* some node's getppid was wrong */
#define BAD_STATUS 201 /* some node collected a wrong status */

/* The exit code of the node at depth d (1..DEPTH) that is child number i (0..WIDTH-1) of its parent. */
static int node_code(int d, int i)
{
	return 10 * d + i + 1;
}

/*
 * The node at depth d: fork WIDTH children (unless a leaf), collect them
 * with a different flavour of wait4 at each depth, and return this node's
 * code, or BAD_PPID / BAD_STATUS if something below went wrong.
 */
static int tree_node(int d)
{
	pid_t self = getpid(), kids[WIDTH];
	int seen[WIDTH] = {0}, bad_ppid = 0, bad_status = 0;

	if (d == DEPTH)
		return 0;
	for (int i = 0; i < WIDTH; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			int r;

			pt_guard(PT_CHILD_LIMIT);
			if (getppid() != self)
				_exit(BAD_PPID);
			r = tree_node(d + 1);
			_exit(r == BAD_PPID || r == BAD_STATUS ? r : node_code(d + 1, i));
		}
		if (kids[i] < 0)
			return BAD_STATUS;
	}
	for (int n = 0; n < WIDTH; n++) {
		int st = 0, i;
		/* depth 0: any child; depth 1: each pid, last first; depth 2: our process group */
		pid_t want = d == 0 ? -1 : d == 1 ? kids[WIDTH - 1 - n] : 0;
		pid_t got = pt_wait(want, &st, 0);

		for (i = 0; i < WIDTH && kids[i] != got; i++)
			;
		if (i == WIDTH || seen[i]++ || (want > 0 && got != want) || !WIFEXITED(st)) {
			bad_status = 1;
			continue;
		}
		if (WEXITSTATUS(st) == BAD_PPID)
			bad_ppid = 1;
		else if (WEXITSTATUS(st) == BAD_STATUS || WEXITSTATUS(st) != node_code(d + 1, i))
			bad_status = 1;
	}
	return bad_ppid ? BAD_PPID : bad_status ? BAD_STATUS : 0;
}

static void test_tree(void)
{
	int r = tree_node(0);

	report("posix_fork_tree_depth3_width3_statuses", r == 0 || r == BAD_PPID,
	       "a node collected a missing, repeated or wrong exit status");
	report("posix_fork_getppid_in_children", r == 0 || r == BAD_STATUS,
	       "a child's getppid was not its parent's pid");
}

static int child_pause(void)
{
	pause();
	return 0;
}

static int code_for_pid_test;
static int child_exit_code(void)
{
	return code_for_pid_test;
}

/* wait4(pid) takes that child even when others have ended first. */
static void test_wait_specific(void)
{
	pid_t kids[3];
	int st = 0, ok = 1;
	char why[160] = "";

	for (int i = 0; i < 3; i++) {
		code_for_pid_test = 50 + i;
		kids[i] = pt_fork(child_exit_code);
	}
	pt_sleep_ms(50); /* let all three end */
	for (int n = 0; n < 3 && ok; n++) {
		static const int order[3] = {1, 2, 0};
		int i = order[n];
		pid_t got = pt_wait(kids[i], &st, 0);

		if (got != kids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 50 + i) {
			snprintf(why, sizeof(why), "wait4(%d) gave %d, %s (wanted exited %d)", (int)kids[i], (int)got,
			         pt_status(st), 50 + i);
			ok = 0;
		}
	}
	report("posix_wait4_specific_pid", ok, "%s", why);
	while (pt_wait(-1, &st, 0) > 0)
		;
}

/* wait4(-1) collects every child, each once, and then says ECHILD. */
static void test_wait_any(void)
{
	pid_t kids[5];
	int st = 0, seen = 0, ok = 1;
	char why[160] = "";

	for (int i = 0; i < 5; i++) {
		code_for_pid_test = 60 + i;
		kids[i] = pt_fork(child_exit_code);
	}
	for (int n = 0; n < 5; n++) {
		pid_t got = pt_wait(-1, &st, 0);
		int i;

		for (i = 0; i < 5 && kids[i] != got; i++)
			;
		if (i == 5 || (seen & (1 << i)) || !WIFEXITED(st) || WEXITSTATUS(st) != 60 + i) {
			snprintf(why, sizeof(why), "wait4(-1) gave %d, %s", (int)got, pt_status(st));
			ok = 0;
			break;
		}
		seen |= 1 << i;
	}
	errno = 0;
	if (ok && (pt_wait(-1, &st, 0) != -1 || errno != ECHILD)) {
		snprintf(why, sizeof(why), "a sixth wait4(-1) did not fail with ECHILD (%s)", pt_errname(errno));
		ok = 0;
	}
	report("posix_wait4_any_child", ok, "%s", why);
}

/*
 * wait4(0) waits only for children in the caller's process group; wait4(-g)
 * for those in group g. Child b moves to its own group (set by both sides,
 * the usual race-free idiom).
 */
static void test_wait_groups(void)
{
	pid_t a, b, got;
	int st = 0, ok = 1;
	char why[200] = "";

	b = fork();
	if (b == 0) {
		pt_guard(PT_CHILD_LIMIT);
		setpgid(0, 0);
		pt_sleep_ms(20);
		_exit(71);
	}
	setpgid(b, b);
	a = fork();
	if (a == 0) {
		pt_guard(PT_CHILD_LIMIT);
		pt_sleep_ms(100); /* ends after b */
		_exit(70);
	}
	got = pt_wait(0, &st, 0);
	if (got != a || !WIFEXITED(st) || WEXITSTATUS(st) != 70) {
		snprintf(why, sizeof(why), "wait4(0) gave %d %s, wanted %d (same group) exited 70; b was %d", (int)got,
		         pt_status(st), (int)a, (int)b);
		ok = 0;
	}
	errno = 0;
	if (ok && (pt_wait(0, &st, WNOHANG) != -1 || errno != ECHILD)) {
		snprintf(why, sizeof(why), "wait4(0) with only another group's child left did not say ECHILD (%s)",
		         pt_errname(errno));
		ok = 0;
	}
	report("posix_wait4_own_process_group", ok, "%s", why);
	got = pt_wait(-b, &st, 0);
	report("posix_wait4_negative_pgrp", got == b && WIFEXITED(st) && WEXITSTATUS(st) == 71, "wait4(-%d) gave %d %s",
	       (int)b, (int)got, pt_status(st));
	while (pt_wait(-1, &st, 0) > 0)
		;
}

/* WNOHANG: 0 while the child runs; the child's pid once it has ended. */
static void test_wnohang(void)
{
	pid_t pid = pt_fork(child_pause), got;
	int st = 0, ok;
	int64_t end;

	got = pt_wait(pid, &st, WNOHANG);
	ok = got == 0;
	report("posix_wait4_wnohang_running_child", ok, "wait4(WNOHANG) on a running child returned %d (%s)", (int)got,
	       pt_errname(errno));
	kill(pid, SIGKILL);
	end = pt_now() + 5000000000LL;
	do {
		got = pt_wait(pid, &st, WNOHANG);
		if (got == 0)
			pt_sleep_ms(5);
	} while (got == 0 && pt_now() < end);
	report("posix_wait4_wnohang_ended_child", got == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	       "polling wait4(WNOHANG) after SIGKILL gave %d %s", (int)got, pt_status(st));
	if (got != pid)
		pt_wait(pid, &st, 0);
}

static void test_echild(void)
{
	int st;
	pid_t r;

	errno = 0;
	r = pt_wait(-1, &st, 0);
	report("posix_wait4_no_children_echild", r == -1 && errno == ECHILD, "wait4(-1) returned %d, %s", (int)r,
	       pt_errname(errno));
	errno = 0;
	r = pt_wait(getppid(), &st, 0);
	report("posix_wait4_not_a_child_echild", r == -1 && errno == ECHILD, "wait4(parent) returned %d, %s", (int)r,
	       pt_errname(errno));
	errno = 0;
	r = pt_wait(-1, &st, WNOHANG);
	report("posix_wait4_wnohang_no_children_echild", r == -1 && errno == ECHILD,
	       "wait4(-1, WNOHANG) returned %d, %s", (int)r, pt_errname(errno));
}

/* exit's status is its low 8 bits; a NULL status pointer is allowed. */
static void test_exit_codes(void)
{
	pid_t pid = fork();
	int st = 0;
	char why[160] = "";

	if (pid == 0)
		_exit(256 + 7);
	report("posix_exit_status_low_8_bits", pt_expect_exit(pid, 7, why, sizeof(why)), "%s", why);
	pid = fork();
	if (pid == 0)
		_exit(3);
	report("posix_wait4_null_status_pointer", pt_wait(pid, 0, 0) == pid, "wait4(pid, NULL) failed: %s",
	       pt_errname(errno));
	(void)st;
}

/* The child's identity: a new pid, the same uid, and fork's return values on both sides. */
static void test_identity(void)
{
	pid_t parent = getpid(), pid;
	char why[160] = "";

	pid = fork();
	if (pid == 0)
		_exit(getpid() != parent && getpid() > 1 && getppid() == parent ? 0 : 1);
	report("posix_fork_child_has_new_pid", pid > 0 && pid != parent && pt_expect_exit(pid, 0, why, sizeof(why)),
	       "fork returned %d in the parent (pid %d): %s", (int)pid, (int)parent, pid > 0 ? why : "");
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_echild();
	test_identity();
	test_tree();
	test_wait_specific();
	test_wait_any();
	test_wait_groups();
	test_wnohang();
	test_exit_codes();
	return 0;
}
