/*
 * Orphans: a child forks a grandchild and exits; the grandchild, now an
 * orphan, gets init (pid 1) as its parent, and when it ends init reaps it:
 * kill(grandchild, 0) fails with ESRCH within a bounded wait. Also a
 * grandchild that is already a zombie when its parent dies, and one made by
 * clone with an exit signal of its own (SIGUSR2): its new parent hears of
 * its end with SIGCHLD, as Linux resets it, or it would kill init.
 *
 * We learn the grandchild's pid from the si_pid of the signal it sends us.
 * Its new parent must be pid 1 inside the test image (Axolotl, or Linux in
 * run-on-host's pid namespace, where our init is pid 1); run by hand on a
 * Linux host the reaper may be another process (a subreaper), so there we
 * only ask that the parent changed.
 */
#include <sys/syscall.h>
#include <unistd.h>

#include "../posixtest.h"

static volatile sig_atomic_t got_sig, from_pid;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	from_pid = si->si_pid;
	got_sig = sig;
}

static void catch_from_descendants(void)
{
	struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO};

	got_sig = from_pid = 0;
	sigaction(SIGUSR1, &sa, 0);
	sigaction(SIGUSR2, &sa, 0);
	sigaction(SIGHUP, &sa, 0);
}

/* Wait up to ms for a signal from a descendant. */
static int await_signal(long ms)
{
	int64_t end = pt_now() + ms * 1000000LL;

	while (!got_sig && pt_now() < end)
		pt_sleep_ms(2);
	return got_sig;
}

/* Wait up to ms for kill(pid, 0) to fail with ESRCH: the process is gone and reaped. */
static int await_gone(pid_t pid, long ms)
{
	int64_t end = pt_now() + ms * 1000000LL;

	while (pt_now() < end) {
		if (kill(pid, 0) == -1 && errno == ESRCH)
			return 1;
		pt_sleep_ms(10);
	}
	return 0;
}

/*
 * The grandchild: wait (at most 5 s) until its parent has gone, then tell
 * the test its new parent: SIGUSR1 for pid 1, SIGUSR2 for another process,
 * SIGHUP if the parent never changed. Then live 300 ms more and exit.
 */
static void grandchild(pid_t test, pid_t parent, int need_init)
{
	int64_t end = pt_now() + 5000000000LL;
	pid_t now;

	while ((now = getppid()) == parent && pt_now() < end)
		pt_sleep_ms(5);
	kill(test, now == parent ? SIGHUP : now == 1 || !need_init ? SIGUSR1 : SIGUSR2);
	pt_sleep_ms(300);
	_exit(0);
}

static void test_orphan(int in_image)
{
	pid_t test = getpid(), child, gc;
	int sig, alive, gone;
	char why[160] = "";

	catch_from_descendants();
	child = fork();
	if (child == 0) {
		pid_t me = getpid();

		pt_guard(PT_CHILD_LIMIT);
		if (fork() == 0) {
			pt_guard(PT_CHILD_LIMIT);
			grandchild(test, me, in_image);
		}
		pt_sleep_ms(50);
		_exit(0); /* leaves the grandchild an orphan */
	}
	pt_expect_exit(child, 0, why, sizeof(why));
	sig = await_signal(6000);
	gc = from_pid;
	alive = gc > 0 && kill(gc, 0) == 0;
	report("posix_orphan_reparented_to_init", sig == SIGUSR1 && gc > 0, "%s (child: %s)",
	       sig == SIGUSR2  ? "the orphan's new parent is not pid 1"
	       : sig == SIGHUP ? "the orphan's parent pid never changed"
	                       : "the orphan never reported",
	       why[0] ? why : "exited 0");
	gone = gc > 0 && await_gone(gc, 5000);
	report("posix_orphan_reaped_by_init", alive && gone, "the orphan (pid %d) was %s and then %s", (int)gc,
	       alive ? "alive" : "not seen alive", gone ? "gone" : "still there after 5 s (nobody reaped it)");
}

/*
 * A grandchild that ends while its parent still lives is a zombie; when
 * the parent ends, the zombie passes to init, which must reap it. The
 * grandchild signals us (SIGUSR1, so we learn its pid) and exits; the child
 * signals us (SIGUSR2) once the grandchild is a zombie (waitid with
 * WNOWAIT sees it end without reaping it), then waits to be killed.
 */
static volatile sig_atomic_t gc_pid, child_ready;
static void on_zombie_news(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig == SIGUSR1)
		gc_pid = si->si_pid;
	else
		child_ready = si->si_pid;
}

static void test_zombie_orphan(void)
{
	struct sigaction sa = {.sa_sigaction = on_zombie_news, .sa_flags = SA_SIGINFO};
	pid_t test = getpid(), child, gc;
	int st = 0, zombie_seen, gone;
	int64_t end;

	gc_pid = child_ready = 0;
	sigaction(SIGUSR1, &sa, 0);
	sigaction(SIGUSR2, &sa, 0);
	child = fork();
	if (child == 0) {
		siginfo_t si;
		pid_t g;

		pt_guard(PT_CHILD_LIMIT);
		g = fork();
		if (g == 0) {
			kill(test, SIGUSR1);
			_exit(0);
		}
		memset(&si, 0, sizeof(si));
		if (g > 0 && waitid(P_PID, (id_t)g, &si, WEXITED | WNOWAIT) == 0)
			kill(test, SIGUSR2);
		for (;;)
			pause();
	}
	end = pt_now() + 5000000000LL;
	while ((!gc_pid || !child_ready) && pt_now() < end)
		pt_sleep_ms(2);
	gc = gc_pid;
	zombie_seen = gc > 0 && child_ready == child && kill(gc, 0) == 0;
	kill(child, SIGKILL);
	pt_wait(child, &st, 0);
	gone = gc > 0 && await_gone(gc, 5000);
	report("posix_zombie_orphan_reaped_by_init", zombie_seen && gone,
	       "grandchild %d %s; the child %s; the zombie was %s, then %s", (int)gc,
	       gc ? "reported" : "never reported", child_ready == child ? "saw it end" : "never saw it end",
	       zombie_seen ? "there" : "not there", gone ? "reaped" : "still there after 5 s");
}

static void test_clone_orphan(void)
{
	int fd[2], st = 0, init_alive, gone;
	pid_t child, gc = 0;

	if (pipe(fd) != 0) {
		report("posix_clone_orphan_spares_init", 0, "pipe: %s", pt_errname(errno));
		return;
	}
	child = fork();
	if (child == 0) {
		pid_t g;

		pt_guard(PT_CHILD_LIMIT);
		g = (pid_t)syscall(SYS_clone, SIGUSR2, 0, 0, 0, 0); /* a fork whose end signals SIGUSR2 */
		if (g == 0) {
			pt_sleep_ms(100); /* its parent is gone by then: init adopts it */
			_exit(0);
		}
		if (write(fd[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], &gc, sizeof(gc)) != sizeof(gc))
		gc = 0;
	close(fd[0]);
	pt_wait(child, &st, 0);
	gone = gc > 0 && await_gone(gc, 5000);
	init_alive = kill(1, 0) == 0;
	report("posix_clone_orphan_spares_init", gc > 0 && gone && init_alive,
	       "clone gave %d; the orphan was %s; init is %s", (int)gc, gone ? "reaped" : "still there after 5 s",
	       init_alive ? "alive" : "gone");
}

int main(void)
{
	int in_image = pt_in_test_image();

	pt_guard(PT_PROGRAM_LIMIT);
	test_orphan(in_image);
	test_zombie_orphan();
	test_clone_orphan();
	return 0;
}
