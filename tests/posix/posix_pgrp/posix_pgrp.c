/*
 * Process groups and sessions (setpgid, getpgid, getpgrp, setsid, getsid
 * and their errors) and kill across them: kill(-pgrp), kill(0), kill(-1),
 * kill(pid, 0) as an existence check, ESRCH once a pid is reaped.
 */
#include "../posixtest.h"

#define NO_SUCH_PID 999999

static int child_waits(void)
{
	for (;;)
		pause();
	return 0;
}

/* Fork a child that waits for signals in pause(); -1 if fork failed. */
static pid_t waiting_child(void)
{
	return pt_fork(child_waits);
}

static void end_child(pid_t pid)
{
	int st;

	if (pid > 0) {
		kill(pid, SIGKILL);
		pt_wait(pid, &st, 0);
	}
}

static void test_queries(void)
{
	pid_t me = getpid(), g = getpgrp(), pid;
	char why[160] = "";

	report("posix_getpgrp_matches_getpgid", g > 0 && getpgid(0) == g && getpgid(me) == g,
	       "getpgrp %d, getpgid(0) %d, getpgid(self) %d", (int)g, (int)getpgid(0), (int)getpgid(me));
	report("posix_getsid_self", getsid(0) > 0 && getsid(0) == getsid(me), "getsid(0) %d, getsid(self) %d",
	       (int)getsid(0), (int)getsid(me));
	pid = fork();
	if (pid == 0)
		_exit(getpgrp() == g && getsid(0) == getsid(me) ? 0 : 1);
	report("posix_fork_inherits_group_and_session", pt_expect_exit(pid, 0, why, sizeof(why)), "%s", why);
	errno = 0;
	report("posix_getpgid_no_such_process_esrch", getpgid(NO_SUCH_PID) == -1 && errno == ESRCH, "gave %s",
	       pt_errname(errno));
	errno = 0;
	report("posix_getsid_no_such_process_esrch", getsid(NO_SUCH_PID) == -1 && errno == ESRCH, "gave %s",
	       pt_errname(errno));
}

static void test_setpgid(void)
{
	pid_t c = waiting_child(), d = waiting_child(), g = getpgrp();
	int r, e;

	r = setpgid(c, c);
	report("posix_setpgid_child_to_own_group", r == 0 && getpgid(c) == c,
	       "setpgid(child, child) gave %d (%s), group %d", r, pt_errname(errno), (int)getpgid(c));
	r = setpgid(d, c);
	report("posix_setpgid_join_existing_group", r == 0 && getpgid(d) == c,
	       "setpgid(second child, first child's group) gave %d (%s), group %d", r, pt_errname(errno),
	       (int)getpgid(d));
	r = setpgid(d, 0);
	report("posix_setpgid_zero_means_the_pid", r == 0 && getpgid(d) == d, "setpgid(child, 0) gave %d, group %d", r,
	       (int)getpgid(d));
	r = setpgid(d, g);
	report("posix_setpgid_back_to_our_group", r == 0 && getpgid(d) == g,
	       "setpgid(child, our group) gave %d, group %d", r, (int)getpgid(d));

	errno = 0, r = setpgid(c, -1), e = errno;
	report("posix_setpgid_negative_pgid_einval", r == -1 && e == EINVAL, "gave %d %s", r, pt_errname(e));
	errno = 0, r = setpgid(NO_SUCH_PID, 0), e = errno;
	report("posix_setpgid_no_such_process_esrch", r == -1 && e == ESRCH, "gave %d %s", r, pt_errname(e));
	errno = 0, r = setpgid(getppid(), getppid()), e = errno;
	report("posix_setpgid_not_our_child_esrch", r == -1 && e == ESRCH, "setpgid(our parent) gave %d %s", r,
	       pt_errname(e));
	errno = 0, r = setpgid(d, NO_SUCH_PID), e = errno;
	report("posix_setpgid_missing_group_eperm", r == -1 && e == EPERM, "setpgid(child, no such group) gave %d %s",
	       r, pt_errname(e));
	end_child(c);
	end_child(d);
}

/* A child that has exec'd can no longer be moved by its parent. */
static void test_setpgid_after_exec(void)
{
	pid_t pid;
	int r, e, told;

	pt_expect_notify();
	pid = fork();
	if (pid == 0) {
		char *argv[] = {"posix_helper", "notify-sleep", "3000", 0};

		execve(pt_bin("posix_helper"), argv, (char *[]){0});
		_exit(255);
	}
	told = pt_await_notify(5000);
	errno = 0, r = setpgid(pid, pid), e = errno;
	report("posix_setpgid_after_exec_eacces", told && r == -1 && e == EACCES, "the child %s; setpgid gave %d %s",
	       told ? "exec'd" : "never said it exec'd", r, pt_errname(e));
	end_child(pid);
}

/* Exit bits: 1 setsid's value, 2 getsid, 4 getpgrp, 8 group leader's setsid not EPERM. */
static int child_setsid(void)
{
	pid_t me = getpid(), s = setsid();
	int bad = 0;

	if (s != me)
		bad |= 1;
	if (getsid(0) != me)
		bad |= 2;
	if (getpgrp() != me)
		bad |= 4;
	errno = 0;
	if (setsid() != -1 || errno != EPERM) /* now a group (and session) leader */
		bad |= 8;
	return bad;
}

static int child_leader_setsid(void)
{
	setpgid(0, 0);
	errno = 0;
	return setsid() == -1 && errno == EPERM ? 0 : 1;
}

/* A child in a new session, waiting: it tells us (SIGUSR2) once setsid is done. */
static int child_session_waits(void)
{
	setsid();
	kill(getppid(), SIGUSR2);
	for (;;)
		pause();
	return 0;
}

static void test_sessions(void)
{
	pid_t s, other;
	char why[200] = "";
	int r, e, r2, e2;

	s = pt_fork(child_setsid);
	report("posix_setsid_new_session", pt_expect_exit(s, 0, why, sizeof(why)),
	       "%s (bits: 1 value, 2 getsid, 4 getpgrp, 8 second setsid not EPERM)", why);
	report("posix_setsid_group_leader_eperm", pt_expect_exit(pt_fork(child_leader_setsid), 0, why, sizeof(why)),
	       "a group leader's setsid did not fail with EPERM: %s", why);

	pt_expect_notify();
	s = pt_fork(child_session_waits);
	other = waiting_child();
	if (!pt_await_notify(5000)) {
		report("posix_getsid_of_another_process", 0, "the child never said it had called setsid");
		end_child(s);
		end_child(other);
		return;
	}
	report("posix_getsid_of_another_process", getsid(s) == s && getpgid(s) == s,
	       "child in its own session: getsid %d getpgid %d, wanted %d", (int)getsid(s), (int)getpgid(s), (int)s);
	errno = 0, r = setpgid(s, getpgrp()), e = errno;
	report("posix_setpgid_session_leader_eperm", r == -1 && e == EPERM,
	       "moving a session leader (another session) gave %d %s", r, pt_errname(e));
	errno = 0, r2 = setpgid(other, s), e2 = errno;
	report("posix_setpgid_group_of_another_session_eperm", r2 == -1 && e2 == EPERM,
	       "joining a group of another session gave %d %s", r2, pt_errname(e2));
	end_child(s);
	end_child(other);
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig)
{
	(void)sig, got_usr1++;
}

/* kill(-g): every member of group g, no one else. */
static void test_kill_group(void)
{
	pid_t a = waiting_child(), b = waiting_child(), c = waiting_child(), r;
	int sa = 0, sb = 0, sc = 0, k, e;

	setpgid(a, a);
	setpgid(b, a);
	setpgid(c, c);
	k = kill(-a, SIGTERM);
	pt_wait(a, &sa, 0);
	pt_wait(b, &sb, 0);
	pt_sleep_ms(20);
	r = pt_wait(c, &sc, WNOHANG);
	report("posix_kill_negative_pgrp_reaches_the_group",
	       k == 0 && WIFSIGNALED(sa) && WTERMSIG(sa) == SIGTERM && WIFSIGNALED(sb) && WTERMSIG(sb) == SIGTERM,
	       "kill(-%d, SIGTERM) gave %d; members %s and %s", (int)a, k, pt_status(sa), pt_status(sb));
	report("posix_kill_negative_pgrp_spares_other_groups", r == 0, "the child of another group %s",
	       r == c ? pt_status(sc) : "was lost");
	k = kill(-c, SIGKILL);
	report("posix_killpg_single_member",
	       k == 0 && pt_wait(c, &sc, 0) == c && WIFSIGNALED(sc) && WTERMSIG(sc) == SIGKILL,
	       "kill(-%d, SIGKILL) gave %d; child %s", (int)c, k, pt_status(sc));
	errno = 0, k = kill(-NO_SUCH_PID, SIGTERM), e = errno;
	report("posix_kill_missing_group_esrch", k == -1 && e == ESRCH, "kill(-%d) gave %d %s", NO_SUCH_PID, k,
	       pt_errname(e));
}

/*
 * kill(0, sig): the caller's whole group, the caller included. Run by a
 * child in its own group with two grandchildren in it; we, outside, must
 * not hear of it. Exit bits: 1 kill failed, 2 the caller's handler did
 * not run, 4 a grandchild was not killed by SIGUSR1.
 */
static int child_kill_zero(void)
{
	pid_t g[2];
	int bad = 0, st;

	setpgid(0, 0);
	signal(SIGUSR1, SIG_DFL);
	for (int i = 0; i < 2; i++)
		g[i] = waiting_child();
	signal(SIGUSR1, on_usr1);
	got_usr1 = 0;
	pt_sleep_ms(20);
	if (kill(0, SIGUSR1) != 0)
		bad |= 1;
	if (got_usr1 != 1)
		bad |= 2;
	for (int i = 0; i < 2; i++)
		if (pt_wait(g[i], &st, 0) != g[i] || !WIFSIGNALED(st) || WTERMSIG(st) != SIGUSR1)
			bad |= 4;
	return bad;
}

static void test_kill_zero(void)
{
	char why[160] = "";

	got_usr1 = 0;
	signal(SIGUSR1, on_usr1);
	report("posix_kill_zero_reaches_own_group", pt_expect_exit(pt_fork(child_kill_zero), 0, why, sizeof(why)),
	       "%s (bits: 1 kill failed, 2 the caller not reached, 4 a member not reached)", why);
	report("posix_kill_zero_spares_other_groups", got_usr1 == 0, "the parent, in another group, got the signal");
	signal(SIGUSR1, SIG_DFL);
}

/* kill(pid, 0): 0 for a live child and for a zombie, ESRCH once reaped. */
static void test_existence(void)
{
	pid_t pid = waiting_child();
	int alive, zombie, st, e, gone;

	alive = kill(pid, 0);
	kill(pid, SIGKILL);
	/* wait until it is a zombie without reaping it */
	{
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
	}
	zombie = kill(pid, 0);
	pt_wait(pid, &st, 0);
	errno = 0, gone = kill(pid, 0), e = errno;
	report("posix_kill_sig0_live_process", alive == 0, "kill(child, 0) gave %d %s", alive, pt_errname(errno));
	report("posix_kill_sig0_zombie", zombie == 0, "kill(zombie, 0) gave %d", zombie);
	report("posix_kill_reaped_pid_esrch", gone == -1 && e == ESRCH, "kill(reaped pid, 0) gave %d %s", gone,
	       pt_errname(e));
	report("posix_kill_sig0_init", kill(1, 0) == 0, "kill(1, 0) gave %s", pt_errname(errno));
}

/*
 * kill(-1, sig): every process we may signal except init and ourselves. We
 * use SIGURG, whose default action is to ignore it (the runner and init
 * are not harmed); two children catch it and exit 7.
 */
static volatile sig_atomic_t got_urg;
static void on_urg(int sig)
{
	(void)sig, got_urg++;
}
static int child_catches_urg(void)
{
	signal(SIGURG, on_urg);
	kill(getppid(), SIGUSR2);
	while (!got_urg)
		pause();
	return 7;
}

static void test_kill_all(int in_image)
{
	pid_t a, b;
	char why_a[160] = "", why_b[160] = "";
	int k, ok_a, ok_b;

	if (!in_image) {
		report("posix_kill_minus_one_reaches_others", 0,
		       "not run: kill(-1) reaches every process; only inside the test image (our parent pid 2, init "
		       "pid 1)");
		report("posix_kill_minus_one_spares_the_caller", 0, "not run (see above)");
		return;
	}
	signal(SIGURG, on_urg);
	got_urg = 0;
	pt_expect_notify();
	a = pt_fork(child_catches_urg);
	pt_await_notify(5000);
	pt_notified = 0;
	b = pt_fork(child_catches_urg);
	pt_await_notify(5000);
	k = kill(-1, SIGURG);
	ok_a = pt_expect_exit(a, 7, why_a, sizeof(why_a));
	ok_b = pt_expect_exit(b, 7, why_b, sizeof(why_b));
	report("posix_kill_minus_one_reaches_others", k == 0 && ok_a && ok_b, "kill(-1) gave %d; children: %s / %s", k,
	       ok_a ? "ok" : why_a, ok_b ? "ok" : why_b);
	report("posix_kill_minus_one_spares_the_caller", got_urg == 0 && kill(1, 0) == 0,
	       "the caller got SIGURG %d times; init %s", (int)got_urg, kill(1, 0) == 0 ? "alive" : "gone");
	signal(SIGURG, SIG_DFL);
}

int main(void)
{
	int in_image = pt_in_test_image();

	pt_guard(PT_PROGRAM_LIMIT);
	test_queries();
	test_setpgid();
	test_setpgid_after_exec();
	test_sessions();
	test_kill_group();
	test_kill_zero();
	test_existence();
	test_kill_all(in_image);
	return 0;
}
