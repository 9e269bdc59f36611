/*
 * Stopped and continued children: SIGSTOP/SIGTSTP/SIGCONT, wait4 with
 * WUNTRACED and WCONTINUED, SIGKILL and fatal signals on a stopped child;
 * waitid (P_PID, P_ALL, P_PGID, WEXITED, WSTOPPED, WCONTINUED, WNOWAIT,
 * WNOHANG) and its siginfo; SIGCHLD (siginfo, SA_NOCLDSTOP, and children
 * reaped automatically with SIG_IGN or SA_NOCLDWAIT).
 */
#include "../posixtest.h"

static int child_waits(void)
{
	for (;;)
		pause();
	return 0;
}

static void end_child(pid_t pid)
{
	int st;

	if (pid > 0) {
		kill(pid, SIGKILL);
		pt_wait(pid, &st, 0);
	}
}

static void test_wait4_stop_continue(void)
{
	pid_t pid = pt_fork(child_waits), r;
	int st = 0;

	kill(pid, SIGSTOP);
	r = pt_wait(pid, &st, WUNTRACED);
	report("posix_wait4_wuntraced_reports_stop", r == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
	       "wait4(WUNTRACED) gave %d, %s", (int)r, pt_status(st));
	r = pt_wait(pid, &st, WUNTRACED | WNOHANG);
	report("posix_wait4_stop_reported_once", r == 0, "a second wait4(WUNTRACED|WNOHANG) gave %d, %s", (int)r,
	       pt_status(st));
	kill(pid, SIGCONT);
	st = 0;
	r = pt_wait(pid, &st, WCONTINUED);
	report("posix_wait4_wcontinued_reports_continue", r == pid && WIFCONTINUED(st), "wait4(WCONTINUED) gave %d, %s",
	       (int)r, pt_status(st));
	r = pt_wait(pid, &st, WCONTINUED | WNOHANG);
	report("posix_wait4_continue_reported_once", r == 0, "a second wait4(WCONTINUED|WNOHANG) gave %d", (int)r);
	kill(pid, SIGSTOP);
	pt_sleep_ms(100);
	r = pt_wait(pid, &st, WNOHANG);
	report("posix_wait4_without_wuntraced_ignores_stop", r == 0, "wait4(WNOHANG) on a stopped child gave %d, %s",
	       (int)r, pt_status(st));
	kill(pid, SIGKILL);
	r = pt_wait(pid, &st, 0);
	report("posix_sigkill_ends_stopped_child", r == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	       "wait4 gave %d, %s", (int)r, pt_status(st));
}

static int child_blocks_all(void)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, 0);
	for (;;)
		pause();
	return 0;
}

static volatile sig_atomic_t conts;
static void on_cont(int sig)
{
	(void)sig, conts++;
}

/* Stops by SIGTSTP (default action), counts SIGCONTs, exits with the count once told by SIGUSR1. */
static volatile sig_atomic_t told;
static void on_usr1(int sig)
{
	(void)sig, told = 1;
}
static int child_counts_conts(void)
{
	signal(SIGCONT, on_cont);
	signal(SIGUSR1, on_usr1);
	setpgid(0, 0); /* a group of its own whose parent is in the session: SIGTSTP may stop it */
	while (!told)
		pause();
	return conts;
}

static void test_stop_signals(void)
{
	pid_t pid = pt_fork(child_blocks_all), r;
	int st = 0;

	kill(pid, SIGSTOP);
	r = pt_wait(pid, &st, WUNTRACED);
	report("posix_sigstop_cannot_be_blocked", r == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
	       "a child blocking everything: wait4(WUNTRACED) gave %d, %s", (int)r, pt_status(st));
	end_child(pid);

	pid = pt_fork(child_counts_conts);
	setpgid(pid, pid);
	pt_sleep_ms(30);
	kill(pid, SIGTSTP);
	r = pt_wait(pid, &st, WUNTRACED);
	report("posix_default_sigtstp_stops", r == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP,
	       "wait4(WUNTRACED) gave %d, %s", (int)r, pt_status(st));
	kill(pid, SIGCONT);
	pt_sleep_ms(30);
	kill(pid, SIGUSR1);
	r = pt_wait(pid, &st, 0);
	report("posix_sigcont_continues_and_runs_handler", r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 1,
	       "child %s (exit status: SIGCONT handler runs)", pt_status(st));

	/*
	 * A stopped process does not act on SIGTERM (default action: terminate)
	 * until it is continued; then SIGTERM ends it.
	 */
	pid = pt_fork(child_waits);
	kill(pid, SIGSTOP);
	pt_wait(pid, &st, WUNTRACED);
	kill(pid, SIGTERM);
	pt_sleep_ms(100);
	r = pt_wait(pid, &st, WNOHANG);
	kill(pid, SIGCONT);
	{
		int st2 = 0;
		pid_t r2 = r == 0 ? pt_wait(pid, &st2, 0) : r;

		report("posix_sigterm_to_stopped_child_acts_on_sigcont",
		       r == 0 && r2 == pid && WIFSIGNALED(st2) && WTERMSIG(st2) == SIGTERM,
		       "while stopped wait4(WNOHANG) gave %d %s (want 0); after SIGCONT %s", (int)r,
		       r ? pt_status(st) : "", pt_status(st2));
	}
}

/* Check a siginfo from waitid. */
static int info_is(const siginfo_t *si, pid_t pid, int code, int status, char *why, size_t n)
{
	if (si->si_signo == SIGCHLD && si->si_pid == pid && si->si_code == code && si->si_status == status &&
	    si->si_uid == getuid())
		return 1;
	snprintf(why, n, "si_signo %d si_pid %d (want %d) si_code %d (want %d) si_status %d (want %d) si_uid %d",
	         si->si_signo, (int)si->si_pid, (int)pid, si->si_code, code, si->si_status, status, (int)si->si_uid);
	return 0;
}

static int code_to_exit_with;
static int child_exits(void)
{
	return code_to_exit_with;
}
static int child_exits_own_group(void)
{
	setpgid(0, 0); /* before it can end: the parent's setpgid may come too late */
	return code_to_exit_with;
}

static void test_waitid(void)
{
	siginfo_t si;
	pid_t pid;
	int r, e;
	char why[200] = "";

	code_to_exit_with = 17;
	pid = pt_fork(child_exits);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, (id_t)pid, &si, WEXITED);
	report("posix_waitid_p_pid_exited", r == 0 && info_is(&si, pid, CLD_EXITED, 17, why, sizeof(why)),
	       "waitid gave %d (%s); %s", r, pt_errname(errno), why);

	code_to_exit_with = 18;
	pid = pt_fork(child_exits);
	memset(&si, 0, sizeof(si));
	r = waitid(P_ALL, 0, &si, WEXITED);
	report("posix_waitid_p_all", r == 0 && info_is(&si, pid, CLD_EXITED, 18, why, sizeof(why)),
	       "waitid gave %d (%s); %s", r, pt_errname(errno), why);

	code_to_exit_with = 19;
	pid = pt_fork(child_exits_own_group);
	setpgid(pid, pid);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PGID, (id_t)pid, &si, WEXITED);
	report("posix_waitid_p_pgid", r == 0 && info_is(&si, pid, CLD_EXITED, 19, why, sizeof(why)),
	       "waitid gave %d (%s); %s", r, pt_errname(errno), why);

	code_to_exit_with = 20;
	pid = pt_fork(child_exits);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
	{
		char why2[200] = "";
		int first = r == 0 && info_is(&si, pid, CLD_EXITED, 20, why, sizeof(why)), zombie = kill(pid, 0) == 0;
		int r1 = r, second;

		memset(&si, 0, sizeof(si));
		r = waitid(P_PID, (id_t)pid, &si, WEXITED);
		second = r == 0 && info_is(&si, pid, CLD_EXITED, 20, why2, sizeof(why2));
		report("posix_waitid_wnowait_leaves_zombie", first && zombie && second,
		       "waitid(WNOWAIT) gave %d %s; still there %s; then waitid gave %d %s", r1, first ? "right" : why,
		       zombie ? "yes" : "no", r, second ? "right" : why2);
	}

	pid = pt_fork(child_waits);
	memset(&si, 0, sizeof(si));
	si.si_pid = 12345;
	r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG);
	report("posix_waitid_wnohang_nothing_yet", r == 0 && si.si_pid == 0, "waitid gave %d, si_pid %d (want 0, 0)", r,
	       (int)si.si_pid);
	kill(pid, SIGSTOP);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, (id_t)pid, &si, WSTOPPED);
	report("posix_waitid_wstopped", r == 0 && info_is(&si, pid, CLD_STOPPED, SIGSTOP, why, sizeof(why)),
	       "waitid gave %d (%s); %s", r, pt_errname(errno), why);
	kill(pid, SIGCONT);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, (id_t)pid, &si, WCONTINUED);
	report("posix_waitid_wcontinued", r == 0 && info_is(&si, pid, CLD_CONTINUED, SIGCONT, why, sizeof(why)),
	       "waitid gave %d (%s); %s", r, pt_errname(errno), why);
	kill(pid, SIGKILL);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PID, (id_t)pid, &si, WEXITED);
	report("posix_waitid_killed", r == 0 && info_is(&si, pid, CLD_KILLED, SIGKILL, why, sizeof(why)),
	       "waitid gave %d (%s); %s", r, pt_errname(errno), why);

	errno = 0, r = waitid(P_ALL, 0, &si, WEXITED), e = errno;
	report("posix_waitid_no_children_echild", r == -1 && e == ECHILD, "gave %d %s", r, pt_errname(e));
	pid = pt_fork(child_waits);
	errno = 0, r = waitid(P_ALL, 0, &si, WNOHANG), e = errno;
	report("posix_waitid_no_event_flag_einval", r == -1 && e == EINVAL, "options WNOHANG alone gave %d %s", r,
	       pt_errname(e));
	errno = 0, r = waitid((idtype_t)99, 0, &si, WEXITED), e = errno;
	report("posix_waitid_bad_idtype_einval", r == -1 && e == EINVAL, "idtype 99 gave %d %s", r, pt_errname(e));
	end_child(pid);
}

static volatile sig_atomic_t chlds;
static volatile int chld_code, chld_pid, chld_status;
static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	chlds++;
	chld_code = si->si_code;
	chld_pid = si->si_pid;
	chld_status = si->si_status;
}

/* Wait up to 2 s for the SIGCHLD count to reach n. */
static int await_chlds(int n)
{
	int64_t end = pt_now() + 2000000000LL;

	while (chlds < n && pt_now() < end)
		pt_sleep_ms(2);
	return chlds >= n;
}

static void test_sigchld(void)
{
	struct sigaction sa = {.sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_RESTART};
	pid_t pid;
	int st, r;

	chlds = 0;
	sigaction(SIGCHLD, &sa, 0);
	code_to_exit_with = 21;
	pid = pt_fork(child_exits);
	await_chlds(1);
	report("posix_sigchld_on_child_exit",
	       chlds == 1 && chld_code == CLD_EXITED && chld_pid == pid && chld_status == 21,
	       "%d SIGCHLD; si_code %d si_pid %d (child %d) si_status %d", (int)chlds, chld_code, chld_pid, (int)pid,
	       chld_status);
	pt_wait(pid, &st, 0);

	chlds = 0;
	pid = pt_fork(child_waits);
	kill(pid, SIGSTOP);
	await_chlds(1);
	report("posix_sigchld_on_child_stop",
	       chlds == 1 && chld_code == CLD_STOPPED && chld_pid == pid && chld_status == SIGSTOP,
	       "%d SIGCHLD; si_code %d si_pid %d si_status %d", (int)chlds, chld_code, chld_pid, chld_status);
	end_child(pid);

	sa.sa_flags |= SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, 0);
	chlds = 0;
	pid = pt_fork(child_waits);
	kill(pid, SIGSTOP);
	pt_wait(pid, &st, WUNTRACED);
	pt_sleep_ms(50);
	r = chlds;
	kill(pid, SIGKILL);
	await_chlds(1);
	report("posix_sa_nocldstop", r == 0 && chlds == 1 && chld_code == CLD_KILLED,
	       "%d SIGCHLD on stop (want 0), then si_code %d on death (want CLD_KILLED)", r, chld_code);
	pt_wait(pid, &st, 0);
	signal(SIGCHLD, SIG_DFL);
}

/* With SIGCHLD ignored (or SA_NOCLDWAIT) children leave no zombie: wait4 ends with ECHILD once they are gone. */
static void expect_autoreap(const char *name, int how)
{
	struct sigaction sa = {.sa_handler = how ? SIG_DFL : SIG_IGN, .sa_flags = how ? SA_NOCLDWAIT : 0};
	pid_t a, b;
	int st, r, e, gone;

	sigaction(SIGCHLD, &sa, 0);
	code_to_exit_with = 5;
	a = pt_fork(child_exits);
	b = pt_fork(child_exits);
	errno = 0, r = wait4(-1, &st, 0, 0), e = errno;
	gone = kill(a, 0) == -1 && errno == ESRCH && kill(b, 0) == -1 && errno == ESRCH;
	report(name, r == -1 && e == ECHILD && gone, "wait4 gave %d %s; children %s", r, pt_errname(e),
	       gone ? "gone" : "still there");
	signal(SIGCHLD, SIG_DFL);
	while (pt_wait(-1, &st, 0) > 0)
		;
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_wait4_stop_continue();
	test_stop_signals();
	test_waitid();
	test_sigchld();
	expect_autoreap("posix_sigchld_sig_ign_reaps_children", 0);
	expect_autoreap("posix_sa_nocldwait_reaps_children", 1);
	return 0;
}
