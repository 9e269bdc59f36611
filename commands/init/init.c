/*
 * init: the first user process (pid 1). It starts /etc/rc and then reaps
 * every child that ends (orphans are given to pid 1), for as long as the
 * system runs. When /etc/rc ends, init says how and powers the machine
 * off. It never exits: when pid 1 ends, nothing is left to run.
 *
 * Later, once there is a shell, init will read an inittab (as BusyBox's
 * init does) and run the rc script and then a shell on each console,
 * starting the shell again when it exits, instead of powering off.
 *
 * Not run as pid 1 (by hand on a Linux host), init runs /etc/rc the same
 * way but exits with its status instead of powering anything off. Inside a
 * Linux pid namespace, where it is pid 1 of the namespace, reboot() only
 * ends the namespace: tests/posix/run-on-host relies on this.
 *
 * An optional argument names another program to run instead of /etc/rc
 * (its own arguments follow); Axolotl starts init with none. Until vfs
 * exists, sync() before powering off would have nothing to do.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *const rc_env[] = {"PATH=/bin:/sbin", "HOME=/", "TERM=vt100", 0};

/* One line to descriptor 2, in a single write. */
static void say(const char *fmt, const char *a, const char *b)
{
	char line[256];
	int n = snprintf(line, sizeof(line), fmt, a, b);

	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	if (n > 0)
		write(2, line, (size_t)n);
}

static void ignore_signal(int sig)
{
	(void)sig;
}

/*
 * Catch (not ignore: exec would pass SIG_IGN on to rc) the signals that
 * would otherwise end pid 1 where the kernel does not protect it.
 */
static void protect(void)
{
	static const int sigs[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
	                           SIGPIPE, SIGALRM, SIGTSTP, SIGTTIN, SIGTTOU};
	struct sigaction sa = {.sa_handler = ignore_signal, .sa_flags = SA_RESTART};

	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, 0);
}

/* Fork and exec argv[0] with rc's environment; the child's pid, or -1. */
static pid_t start(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, 0);
		execve(argv[0], argv, rc_env);
		say("init: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		say("init: cannot fork to run %s: %s\n", argv[0], strerror(errno));
	return pid;
}

static void describe(int st, char *buf, size_t n)
{
	if (WIFEXITED(st))
		snprintf(buf, n, "%d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, n, "killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, n, "%#x", st);
}

/* The end: power off, or, if that fails, wait forever (pid 1 must not exit). */
static void power_off(void)
{
	reboot(RB_POWER_OFF);
	say("init: power off failed: %s; halting here\n", strerror(errno), "");
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	static char *const rc[] = {"/etc/rc", 0};
	char *const *what = argc > 1 ? argv + 1 : rc;
	pid_t rc_pid;
	char status[48];
	int pid1 = getpid() == 1;

	if (pid1) {
		protect();
		setsid(); /* lead a session of our own (Axolotl already gives pid 1 one: EPERM, harmless) */
	}
	rc_pid = start(what);
	for (;;) {
		int st = 0;
		pid_t pid = wait4(-1, &st, 0, 0);

		if (pid > 0 && pid == rc_pid) {
			describe(st, status, sizeof(status));
			say("init: %s ended (status %s)\n", what[0], status);
			if (!pid1)
				return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			power_off();
		}
		if (pid < 0 && errno == ECHILD && rc_pid < 0) {
			say("init: nothing to run; powering off\n", "", "");
			if (!pid1)
				return 127;
			power_off();
		}
		if (pid < 0 && errno != EINTR) { /* should not happen: say so once, do not spin */
			static int said;
			struct timespec second = {1, 0};

			if (!said++)
				say("init: wait4 failed: %s\n", strerror(errno), "");
			nanosleep(&second, 0);
		}
	}
}
