/*
 * Signals: sigaction and its flags (sa_mask, SA_NODEFER, SA_RESETHAND,
 * SA_SIGINFO, SA_RESTART), the mask (sigprocmask, sigpending, sigsuspend,
 * pause), what cannot be caught or blocked, SIG_IGN, default actions,
 * queueing, and what fork passes on.
 *
 * musl's raise() is tkill(gettid(), sig) with every signal blocked around
 * it; kill(getpid(), sig) is the plain kill call. Both must deliver an
 * unblocked signal before they return.
 */
#include <sys/syscall.h>
#include <sys/time.h>

#include "../posixtest.h"

static volatile sig_atomic_t count1, count2, depth, max_depth, order_pos;
static volatile int order[8];
static volatile int in_handler_pending_usr2, in_handler_blocked_usr1, in_handler_disposition_dfl;
static volatile int last_signo;

static void reset_counts(void)
{
	count1 = count2 = depth = max_depth = order_pos = 0;
	in_handler_pending_usr2 = in_handler_blocked_usr1 = in_handler_disposition_dfl = 0;
}

static void set_handler(int sig, void (*fn)(int), int flags, const sigset_t *mask)
{
	struct sigaction sa = {.sa_handler = fn, .sa_flags = flags};

	if (mask)
		sa.sa_mask = *mask;
	else
		sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, 0);
}

static sigset_t set_of(int a, int b)
{
	sigset_t s;

	sigemptyset(&s);
	if (a)
		sigaddset(&s, a);
	if (b)
		sigaddset(&s, b);
	return s;
}

static void count_handler(int sig)
{
	last_signo = sig;
	count1++;
}

static void test_basic(void)
{
	struct sigaction old;
	sigset_t m = set_of(SIGHUP, 0);
	int r;

	reset_counts();
	last_signo = 0;
	set_handler(SIGUSR1, count_handler, 0, 0);
	r = raise(SIGUSR1);
	report("posix_raise_runs_handler_before_return", r == 0 && count1 == 1 && last_signo == SIGUSR1,
	       "raise returned %d; the handler ran %d times with signal %d", r, (int)count1, (int)last_signo);
	r = kill(getpid(), SIGUSR1);
	report("posix_kill_self_runs_handler_before_return", r == 0 && count1 == 2,
	       "kill(getpid()) returned %d (%s); the handler ran %d times", r, pt_errname(errno), (int)count1);

	set_handler(SIGUSR1, count_handler, SA_RESTART, &m);
	set_handler(SIGUSR1, SIG_DFL, 0, 0);
	r = sigaction(SIGUSR1, 0, &old);
	report("posix_sigaction_query", r == 0 && old.sa_handler == SIG_DFL, "sigaction(SIGUSR1, NULL, &old) gave %d",
	       r);
	set_handler(SIGUSR1, count_handler, SA_RESTART, &m);
	memset(&old, 0, sizeof(old));
	{
		struct sigaction sa = {.sa_handler = SIG_IGN};

		r = sigaction(SIGUSR1, &sa, &old);
	}
	report("posix_sigaction_returns_old_action",
	       r == 0 && old.sa_handler == count_handler && (old.sa_flags & SA_RESTART) &&
	           sigismember(&old.sa_mask, SIGHUP),
	       "old action: handler %s, SA_RESTART %s, SIGHUP in mask %s",
	       old.sa_handler == count_handler ? "ours" : "other", (old.sa_flags & SA_RESTART) ? "yes" : "no",
	       sigismember(&old.sa_mask, SIGHUP) ? "yes" : "no");
	set_handler(SIGUSR1, SIG_DFL, 0, 0);
}

/* SIGUSR1's handler with sa_mask {SIGUSR2}: raising SIGUSR2 inside waits until the handler returns. */
static void usr2_order(int sig)
{
	(void)sig;
	order[order_pos++ % 8] = 2;
	count2++;
}

static void usr1_raises_usr2(int sig)
{
	sigset_t pending, mask;

	(void)sig;
	order[order_pos++ % 8] = 1;
	raise(SIGUSR2);
	sigpending(&pending);
	sigprocmask(SIG_BLOCK, 0, &mask);
	in_handler_pending_usr2 = sigismember(&pending, SIGUSR2) && count2 == 0;
	in_handler_blocked_usr1 = sigismember(&mask, SIGUSR1) && sigismember(&mask, SIGUSR2);
	order[order_pos++ % 8] = 3;
	count1++;
}

static void test_sa_mask(void)
{
	sigset_t m = set_of(SIGUSR2, 0), before, after;

	reset_counts();
	set_handler(SIGUSR1, usr1_raises_usr2, 0, &m);
	set_handler(SIGUSR2, usr2_order, 0, 0);
	sigprocmask(SIG_BLOCK, 0, &before);
	raise(SIGUSR1);
	sigprocmask(SIG_BLOCK, 0, &after);
	report("posix_sa_mask_defers_signal_until_handler_returns",
	       count1 == 1 && count2 == 1 && in_handler_pending_usr2 && order_pos == 3 && order[0] == 1 &&
	           order[1] == 3 && order[2] == 2,
	       "SIGUSR2 raised inside SIGUSR1's handler (sa_mask SIGUSR2): pending inside %d, order %d%d%d (want 132)",
	       (int)in_handler_pending_usr2, order[0], order[1], order[2]);
	report("posix_handler_runs_with_signal_and_sa_mask_blocked", in_handler_blocked_usr1,
	       "inside the handler SIGUSR1 and SIGUSR2 were not both blocked");
	report("posix_signal_mask_restored_after_handler",
	       sigismember(&after, SIGUSR1) == sigismember(&before, SIGUSR1) && !sigismember(&after, SIGUSR2),
	       "the mask after the handler is not the mask before it");
	set_handler(SIGUSR1, SIG_DFL, 0, 0);
	set_handler(SIGUSR2, SIG_DFL, 0, 0);
}

/* A handler raising its own signal: deferred by default, nested with SA_NODEFER. */
static void reraise_handler(int sig)
{
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	if (count1++ == 0)
		raise(sig);
	depth--;
}

static void test_nodefer(void)
{
	reset_counts();
	set_handler(SIGUSR1, reraise_handler, 0, 0);
	raise(SIGUSR1);
	report("posix_handler_defers_its_own_signal", count1 == 2 && max_depth == 1,
	       "ran %d times, nested %d deep (want 2 times, 1 deep)", (int)count1, (int)max_depth);
	reset_counts();
	set_handler(SIGUSR1, reraise_handler, SA_NODEFER, 0);
	raise(SIGUSR1);
	report("posix_sa_nodefer_nests", count1 == 2 && max_depth == 2, "ran %d times, nested %d deep (want 2, 2)",
	       (int)count1, (int)max_depth);
	set_handler(SIGUSR1, SIG_DFL, 0, 0);
}

static void resethand_handler(int sig)
{
	struct sigaction now;

	count1++;
	in_handler_disposition_dfl = sigaction(sig, 0, &now) == 0 && now.sa_handler == SIG_DFL;
}

/* In a child: the first SIGUSR1 runs the handler, the second takes the default action (death). */
static int child_resethand(void)
{
	set_handler(SIGUSR1, resethand_handler, SA_RESETHAND, 0);
	raise(SIGUSR1);
	if (count1 != 1)
		return 1;
	if (!in_handler_disposition_dfl)
		return 2;
	raise(SIGUSR1);
	return 3;
}

static void test_resethand(void)
{
	int st = 0;
	pid_t pid;

	reset_counts();
	pid = pt_fork(child_resethand);
	report("posix_sa_resethand_once",
	       pid > 0 && pt_wait(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1,
	       "child %s (1: handler not run, 2: disposition not SIG_DFL inside it, 3: second signal caught)",
	       pt_status(st));
}

static volatile siginfo_t info;
static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	memcpy((void *)&info, si, sizeof(*si));
	count1++;
}

static void test_siginfo(void)
{
	struct sigaction sa = {.sa_sigaction = info_handler, .sa_flags = SA_SIGINFO};
	sigset_t usr1 = set_of(SIGUSR1, 0), old, none = set_of(0, 0);
	pid_t parent = getpid(), pid;
	int st;
	int64_t end;

	reset_counts();
	sigaction(SIGUSR1, &sa, 0);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	pid = fork();
	if (pid == 0) {
		kill(parent, SIGUSR1);
		_exit(0);
	}
	end = pt_now() + 5000000000LL;
	while (pid > 0 && count1 == 0 && pt_now() < end)
		sigsuspend(&none);
	sigprocmask(SIG_SETMASK, &old, 0);
	pt_wait(pid, &st, 0);
	report("posix_sa_siginfo_from_kill",
	       count1 == 1 && info.si_signo == SIGUSR1 && info.si_code == SI_USER && info.si_pid == pid &&
	           info.si_uid == getuid(),
	       "handler ran %d times; si_signo %d si_code %d si_pid %d (child %d) si_uid %d", (int)count1,
	       info.si_signo, info.si_code, (int)info.si_pid, (int)pid, (int)info.si_uid);
	reset_counts();
	raise(SIGUSR1);
	report("posix_sa_siginfo_from_raise",
	       count1 == 1 && info.si_signo == SIGUSR1 && info.si_code == SI_TKILL && info.si_pid == getpid(),
	       "handler ran %d times; si_signo %d si_code %d (want SI_TKILL %d) si_pid %d", (int)count1, info.si_signo,
	       info.si_code, SI_TKILL, (int)info.si_pid);
	reset_counts();
	sigaction(SIGRTMIN, &sa, 0);
	{
		int r = sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 4242});

		report("posix_sigqueue_value",
		       r == 0 && count1 == 1 && info.si_code == SI_QUEUE && info.si_value.sival_int == 4242 &&
		           info.si_pid == getpid(),
		       "sigqueue returned %d (%s); handler ran %d times, si_code %d, value %d", r, pt_errname(errno),
		       (int)count1, info.si_code, info.si_value.sival_int);
	}
	set_handler(SIGUSR1, SIG_DFL, 0, 0);
	set_handler(SIGRTMIN, SIG_DFL, 0, 0);
}

static void test_mask(void)
{
	sigset_t usr1 = set_of(SIGUSR1, 0), all, got, pending, old;
	int r;

	reset_counts();
	set_handler(SIGUSR1, count_handler, 0, 0);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	raise(SIGUSR1);
	sigpending(&pending);
	{
		int held = count1 == 0 && sigismember(&pending, SIGUSR1);

		sigprocmask(SIG_UNBLOCK, &usr1, 0);
		report("posix_sigprocmask_block_pending_unblock", held && count1 == 1,
		       "blocked: pending %d, handler ran %d times before unblocking; %d after",
		       sigismember(&pending, SIGUSR1), held ? 0 : 1, (int)count1);
	}
	sigpending(&pending);
	report("posix_sigpending_empty_after_delivery", !sigismember(&pending, SIGUSR1), "SIGUSR1 still pending");

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, 0);
	sigprocmask(SIG_SETMASK, &old, &got);
	report("posix_sigprocmask_cannot_block_sigkill_sigstop",
	       !sigismember(&got, SIGKILL) && !sigismember(&got, SIGSTOP) && sigismember(&got, SIGTERM),
	       "after blocking everything the mask has SIGKILL %d SIGSTOP %d SIGTERM %d", sigismember(&got, SIGKILL),
	       sigismember(&got, SIGSTOP), sigismember(&got, SIGTERM));
	errno = 0;
	r = sigprocmask(12345, &usr1, 0);
	report("posix_sigprocmask_bad_how_einval", r == -1 && errno == EINVAL, "returned %d, %s", r, pt_errname(errno));

	/* SIG_IGN for a pending signal discards it */
	sigprocmask(SIG_BLOCK, &usr1, 0);
	raise(SIGUSR1);
	signal(SIGUSR1, SIG_IGN);
	sigpending(&pending);
	report("posix_sig_ign_discards_pending", !sigismember(&pending, SIGUSR1),
	       "SIGUSR1 still pending after SIG_IGN");
	sigprocmask(SIG_SETMASK, &old, 0);
	set_handler(SIGUSR1, SIG_DFL, 0, 0);
}

/* sigsuspend: waits with a temporary mask, returns -1/EINTR after the handler, puts the old mask back. */
static void test_sigsuspend(void)
{
	sigset_t usr1 = set_of(SIGUSR1, 0), old, none = set_of(0, 0), after;
	pid_t parent = getpid(), pid;
	int r, st;

	reset_counts();
	set_handler(SIGUSR1, count_handler, 0, 0);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	pid = fork();
	if (pid == 0) {
		pt_sleep_ms(50);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	errno = 0;
	r = sigsuspend(&none);
	sigprocmask(SIG_BLOCK, 0, &after);
	report("posix_sigsuspend_waits_for_handler", r == -1 && errno == EINTR && count1 == 1,
	       "sigsuspend returned %d (%s), handler ran %d times", r, pt_errname(errno), (int)count1);
	report("posix_sigsuspend_restores_mask", sigismember(&after, SIGUSR1), "SIGUSR1 no longer blocked after");
	sigprocmask(SIG_SETMASK, &old, 0);
	pt_wait(pid, &st, 0);
	set_handler(SIGUSR1, SIG_DFL, 0, 0);
}

static void test_pause(void)
{
	struct itimerval it = {{0, 0}, {0, 50000}};
	int r;

	reset_counts();
	set_handler(SIGALRM, count_handler, 0, 0);
	setitimer(ITIMER_REAL, &it, 0);
	errno = 0;
	r = pause();
	report("posix_pause_returns_eintr_after_handler", r == -1 && errno == EINTR && count1 == 1,
	       "pause returned %d (%s), handler ran %d times", r, pt_errname(errno), (int)count1);
	pt_guard(PT_PROGRAM_LIMIT);
}

/* The kernel's struct sigaction, for asking the kernel itself (musl refuses bad numbers on its own). */
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

static void test_uncatchable(void)
{
	struct sigaction sa = {.sa_handler = count_handler}, ign = {.sa_handler = SIG_IGN}, q;
	struct ksigaction k = {count_handler, 0x04000000 /* SA_RESTORER */, 0, 0};
	int a, b, c, d, e, r1, r2, e1, e2;

	errno = 0, a = sigaction(SIGKILL, &sa, 0);
	e1 = errno;
	b = sigaction(SIGKILL, &ign, 0);
	c = sigaction(SIGSTOP, &sa, 0);
	d = sigaction(SIGSTOP, &ign, 0);
	e = sigaction(SIGKILL, 0, &q);
	report("posix_sigkill_sigstop_cannot_be_caught_or_ignored",
	       a == -1 && e1 == EINVAL && b == -1 && c == -1 && d == -1,
	       "sigaction gave %d (%s) %d %d %d for SIGKILL handler, SIGKILL SIG_IGN, SIGSTOP handler, SIGSTOP SIG_IGN",
	       a, pt_errname(e1), b, c, d);
	report("posix_sigaction_query_sigkill", e == 0 && q.sa_handler == SIG_DFL, "querying SIGKILL gave %d", e);
	errno = 0, r1 = (int)syscall(SYS_rt_sigaction, 0, &k, 0, 8);
	e1 = errno;
	errno = 0, r2 = (int)syscall(SYS_rt_sigaction, 65, &k, 0, 8);
	e2 = errno;
	report("posix_sigaction_bad_signal_einval", r1 == -1 && e1 == EINVAL && r2 == -1 && e2 == EINVAL,
	       "rt_sigaction(0) gave %d %s, rt_sigaction(65) gave %d %s", r1, pt_errname(e1), r2, pt_errname(e2));
	errno = 0, r1 = (int)syscall(SYS_rt_sigaction, SIGUSR1, &k, 0, 4);
	report("posix_rt_sigaction_bad_sigsetsize_einval", r1 == -1 && errno == EINVAL, "sigsetsize 4 gave %d %s", r1,
	       pt_errname(errno));
	errno = 0, r1 = kill(getpid(), 65);
	e1 = errno;
	errno = 0, r2 = kill(getpid(), -1);
	e2 = errno;
	report("posix_kill_bad_signal_einval", r1 == -1 && e1 == EINVAL && r2 == -1 && e2 == EINVAL,
	       "kill(self, 65) gave %d %s, kill(self, -1) gave %d %s", r1, pt_errname(e1), r2, pt_errname(e2));
}

static int child_blocks_all_then_waits(void)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, 0);
	for (;;)
		pause();
	return 0;
}
static int child_ignores_sigterm(void)
{
	signal(SIGTERM, SIG_IGN);
	raise(SIGTERM);
	kill(getpid(), SIGTERM);
	return 0;
}
static int child_defaults_ignored(void)
{
	raise(SIGCHLD);
	raise(SIGURG);
	raise(SIGWINCH);
	kill(getpid(), SIGCONT);
	return 0;
}
static int child_waits(void)
{
	for (;;)
		pause();
	return 0;
}

static void abort_handler(int sig)
{
	(void)sig;
	_exit(7);
}

/* abort() raises SIGABRT with every other signal blocked: a handler runs (here it exits 7). */
static int child_aborts_with_handler(void)
{
	signal(SIGABRT, abort_handler);
	abort();
}

static int child_aborts(void) { abort(); }

/* Send sig to a waiting child (after it has had time to set itself up) and check how it ends. */
static void expect_death(const char *name, int (*fn)(void), int sig)
{
	pid_t pid = pt_fork(fn);
	int st = 0;

	pt_sleep_ms(30);
	kill(pid, sig);
	report(name, pid > 0 && pt_wait(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == sig,
	       "child %s after signal %d", pt_status(st), sig);
}

static void test_defaults(void)
{
	char why[160] = "";

	expect_death("posix_sigkill_cannot_be_blocked", child_blocks_all_then_waits, SIGKILL);
	expect_death("posix_default_sigterm_kills", child_waits, SIGTERM);
	expect_death("posix_default_sighup_kills", child_waits, SIGHUP);
	expect_death("posix_default_sigquit_kills", child_waits, SIGQUIT);
	report("posix_sig_ign_ignores_sigterm", pt_expect_exit(pt_fork(child_ignores_sigterm), 0, why, sizeof(why)),
	       "%s", why);
	report("posix_default_ignored_signals", pt_expect_exit(pt_fork(child_defaults_ignored), 0, why, sizeof(why)),
	       "raising SIGCHLD, SIGURG, SIGWINCH, SIGCONT: %s", why);
	report("posix_abort_runs_sigabrt_handler", pt_expect_exit(pt_fork(child_aborts_with_handler), 7, why, sizeof(why)),
	       "%s", why);
	{
		pid_t pid = pt_fork(child_aborts);
		int st = 0;

		report("posix_abort_without_handler_ends_by_sigabrt",
		       pid > 0 && pt_wait(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "child %s",
		       pt_status(st));
	}
}

/*
 * A handler interrupting wait4: with SA_RESTART wait4 goes on and returns
 * the child; without it wait4 fails with EINTR. The child sleeps 2 s, the
 * alarm fires after 1 s.
 */
static int child_sleeps_2s(void)
{
	pt_sleep_ms(2000);
	return 4;
}

static void test_restart(void)
{
	pid_t pid, r;
	int st = 0, e;

	reset_counts();
	set_handler(SIGALRM, count_handler, SA_RESTART, 0);
	pid = pt_fork(child_sleeps_2s);
	alarm(1);
	errno = 0;
	r = wait4(pid, &st, 0, 0);
	e = errno;
	report("posix_sa_restart_restarts_wait4", r == pid && count1 == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 4,
	       "wait4 returned %d (%s), handler ran %d times, child %s", (int)r, pt_errname(e), (int)count1,
	       pt_status(st));
	if (r != pid)
		pt_wait(pid, &st, 0);

	reset_counts();
	set_handler(SIGALRM, count_handler, 0, 0);
	pid = pt_fork(child_sleeps_2s);
	alarm(1);
	errno = 0;
	r = wait4(pid, &st, 0, 0);
	e = errno;
	report("posix_no_sa_restart_wait4_eintr", r == -1 && e == EINTR && count1 == 1,
	       "wait4 returned %d (%s), handler ran %d times", (int)r, pt_errname(e), (int)count1);
	kill(pid, SIGKILL);
	pt_wait(pid, &st, 0);
	pt_guard(PT_PROGRAM_LIMIT);
}

/* Standard signals raised while blocked are delivered once; real-time ones once per sending. */
static void test_queueing(void)
{
	sigset_t both = set_of(SIGUSR1, SIGRTMIN + 1), old;

	reset_counts();
	set_handler(SIGUSR1, count_handler, 0, 0);
	set_handler(SIGRTMIN + 1, usr2_order, 0, 0);
	sigprocmask(SIG_BLOCK, &both, &old);
	for (int i = 0; i < 3; i++) {
		kill(getpid(), SIGUSR1);
		kill(getpid(), SIGRTMIN + 1);
	}
	sigprocmask(SIG_SETMASK, &old, 0);
	report("posix_standard_signals_coalesce", count1 == 1, "SIGUSR1 sent 3 times while blocked ran %d times",
	       (int)count1);
	report("posix_realtime_signals_queue", count2 == 3, "SIGRTMIN+1 sent 3 times while blocked ran %d times",
	       (int)count2);
	set_handler(SIGUSR1, SIG_DFL, 0, 0);
	set_handler(SIGRTMIN + 1, SIG_DFL, 0, 0);
}

/* fork: the child keeps handlers and mask; pending signals are the parent's alone. */
static void test_fork_inheritance(void)
{
	sigset_t usr1 = set_of(SIGUSR1, 0), old;
	pid_t pid;
	int st = 0;

	set_handler(SIGUSR2, count_handler, 0, 0);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	raise(SIGUSR1);
	pid = fork();
	if (pid == 0) {
		sigset_t p, m;
		struct sigaction sa;
		int bad = 0;

		sigpending(&p);
		sigprocmask(SIG_BLOCK, 0, &m);
		sigaction(SIGUSR2, 0, &sa);
		bad |= sigismember(&p, SIGUSR1) ? 1 : 0;
		bad |= sigismember(&m, SIGUSR1) ? 0 : 2;
		bad |= sa.sa_handler == count_handler ? 0 : 4;
		_exit(bad);
	}
	report("posix_fork_child_has_no_pending_signals",
	       pid > 0 && pt_wait(pid, &st, 0) == pid && WIFEXITED(st) && !(WEXITSTATUS(st) & 1),
	       "child %s (bit 1: SIGUSR1 pending in the child)", pt_status(st));
	report("posix_fork_inherits_mask_and_handlers", WIFEXITED(st) && !(WEXITSTATUS(st) & 6),
	       "child %s (bit 2: mask not inherited, bit 4: handler not inherited)", pt_status(st));
	signal(SIGUSR1, SIG_IGN); /* drop our pending one */
	sigprocmask(SIG_SETMASK, &old, 0);
	set_handler(SIGUSR1, SIG_DFL, 0, 0);
	set_handler(SIGUSR2, SIG_DFL, 0, 0);
}

#define NOBODY 65534

/* As nobody, try root's processes: bits of what went wrong (the exit status). */
static int kill_as_nobody(pid_t root_parent, pid_t root_sleeper)
{
	int bad = 0;

	if (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
		return 64;
	bad |= kill(root_parent, 0) == -1 && errno == EPERM ? 0 : 1;
	bad |= kill(root_sleeper, SIGKILL) == -1 && errno == EPERM ? 0 : 2;
	bad |= kill(-root_sleeper, SIGKILL) == -1 && errno == EPERM ? 0 : 4; /* a group of root's alone */
	bad |= kill(root_parent, SIGCONT) == 0 ? 0 : 8;                      /* SIGCONT: the same session */
	bad |= kill(getpid(), 0) == 0 && kill(0, 0) == 0 ? 0 : 16;           /* itself; its group (itself in it) */
	return bad;
}

/*
 * kill(2)'s permission rule, as Linux has it: an unprivileged sender may
 * signal only processes whose real or saved uid is its real or effective
 * uid, and SIGCONT any process of its session; root may signal anyone.
 */
static void test_kill_permission(void)
{
	pid_t parent = getpid(), sleeper, pid;
	int st = 0, sst = 0;

	sleeper = fork();
	if (sleeper == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(sleeper, sleeper);
	pid = fork();
	if (pid == 0)
		_exit(kill_as_nobody(parent, sleeper));
	pt_wait(pid, &st, 0);
	report("posix_kill_unprivileged_to_root_eperm", WIFEXITED(st) && !(WEXITSTATUS(st) & 67),
	       "child %s (bit 1: kill(root, 0), 2: kill(root, SIGKILL) not EPERM, 64: could not become nobody)",
	       pt_status(st));
	report("posix_kill_unprivileged_to_root_group_eperm", WIFEXITED(st) && !(WEXITSTATUS(st) & 4),
	       "child %s", pt_status(st));
	report("posix_kill_unprivileged_sigcont_same_session", WIFEXITED(st) && !(WEXITSTATUS(st) & 8), "child %s",
	       pt_status(st));
	report("posix_kill_unprivileged_itself_and_own_group", WIFEXITED(st) && !(WEXITSTATUS(st) & 16), "child %s",
	       pt_status(st));
	report("posix_kill_refused_target_survives", sleeper > 0 && kill(sleeper, 0) == 0, "the sleeper is gone");
	report("posix_kill_root_may_signal_anyone",
	       kill(sleeper, SIGKILL) == 0 && pt_wait(sleeper, &sst, 0) == sleeper && WIFSIGNALED(sst) &&
	           WTERMSIG(sst) == SIGKILL,
	       "sleeper %s", pt_status(sst));
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_basic();
	test_sa_mask();
	test_nodefer();
	test_resethand();
	test_siginfo();
	test_mask();
	test_sigsuspend();
	test_pause();
	test_uncatchable();
	test_defaults();
	test_restart();
	test_queueing();
	test_fork_inheritance();
	test_kill_permission();
	return 0;
}
