/*
 * What the POSIX test programs share: reporting, a time limit, children,
 * clocks, and where the helper programs are.
 *
 * The programs are ordinary static Linux programs (Debian's musl-gcc
 * -static). Linux is the reference: every check must pass there first
 * (tests/posix/run-on-host), then on Axolotl. Each check prints one line,
 *
 *   TEST <name> PASS
 *   TEST <name> FAIL <reason>
 *
 * with write(2) straight to descriptor 1, never through stdio's buffer (a
 * child forked with unflushed stdio output would print it twice, and a
 * child killed by a signal would lose it). A program exits 0 once it has
 * reported everything, whatever the results: the runner's
 * "<program>_exits_cleanly" check means "ran to its end", and a crash or a
 * hang shows there.
 */
#ifndef POSIXTEST_H
#define POSIXTEST_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Time limits: a whole program, and any child it forks (alarms are not inherited). */
#define PT_PROGRAM_LIMIT 20
#define PT_CHILD_LIMIT 10

static int pt_failures;

/* Write all of s to fd, retrying after signals. */
static inline void pt_write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Print "TEST name PASS", or "TEST name FAIL reason" with the reason formatted from fmt. */
static inline void report(const char *name, int ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline void report(const char *name, int ok, const char *fmt, ...)
{
	char line[600], why[480] = "";
	int n, saved = errno;

	if (!ok) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	n = ok ? snprintf(line, sizeof(line), "TEST %s PASS\n", name)
	       : snprintf(line, sizeof(line), "TEST %s FAIL %s\n", name, why[0] ? why : "(no reason given)");
	if (n < 0 || n >= (int)sizeof(line)) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	pt_failures += !ok;
	pt_write_all(1, line, (size_t)n);
	errno = saved;
}

/* A free-form line (for figures worth seeing in the log); not a test result. */
static inline void pt_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void pt_note(const char *fmt, ...)
{
	char line[300];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	pt_write_all(1, line, (size_t)n);
}

/* errno's name, for reasons that read like the manual. */
static inline const char *pt_errname(int e)
{
	static char other[24];

	switch (e) {
	case 0:
		return "no error";
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	case ESRCH:
		return "ESRCH";
	case EINTR:
		return "EINTR";
	case EIO:
		return "EIO";
	case E2BIG:
		return "E2BIG";
	case ENOEXEC:
		return "ENOEXEC";
	case EBADF:
		return "EBADF";
	case ECHILD:
		return "ECHILD";
	case EAGAIN:
		return "EAGAIN";
	case ENOMEM:
		return "ENOMEM";
	case EACCES:
		return "EACCES";
	case EFAULT:
		return "EFAULT";
	case EBUSY:
		return "EBUSY";
	case ENOTDIR:
		return "ENOTDIR";
	case EINVAL:
		return "EINVAL";
	case ERANGE:
		return "ERANGE";
	case ENOSYS:
		return "ENOSYS";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	default:
		snprintf(other, sizeof(other), "errno %d", e);
		return other;
	}
}

/* Describe a wait status the way a person would ("exited 3", "killed by signal 11"). */
static inline const char *pt_status(int st)
{
	static char buf[4][48];
	static int next;
	char *b = buf[next++ % 4];

	if (WIFEXITED(st))
		snprintf(b, sizeof(buf[0]), "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(b, sizeof(buf[0]), "killed by signal %d", WTERMSIG(st));
	else if (WIFSTOPPED(st))
		snprintf(b, sizeof(buf[0]), "stopped by signal %d", WSTOPSIG(st));
	else if (WIFCONTINUED(st))
		snprintf(b, sizeof(buf[0]), "continued");
	else
		snprintf(b, sizeof(buf[0]), "status %#x", st);
	return b;
}

/*
 * The time limit: SIGALRM with its default action ends the program, so a
 * hang becomes a failure the runner reports ("killed by signal 14"). Tests
 * that use alarm themselves call this again when they are done with it.
 */
static inline void pt_guard(unsigned seconds)
{
	signal(SIGALRM, SIG_DFL);
	alarm(seconds);
}

/* wait4 for pid (or -1 ...), retrying after a signal handler interrupted it. */
static inline pid_t pt_wait(pid_t pid, int *st, int options)
{
	pid_t r;

	do
		r = wait4(pid, st, options, 0);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Fork a child that runs fn under its own time limit and exits with what fn returns. -1 if fork failed. */
static inline pid_t pt_fork(int (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		pt_guard(PT_CHILD_LIMIT);
		_exit(fn());
	}
	return pid;
}

/*
 * Wait for child pid and check that it exited with code; otherwise put what
 * happened in why. A child given up on is killed, so none outlives its test.
 */
static inline int pt_expect_exit(pid_t pid, int code, char *why, size_t n)
{
	int st = 0;
	pid_t r;

	if (n)
		why[0] = 0;
	if (pid < 0) {
		snprintf(why, n, "fork failed: %s", pt_errname(errno));
		return 0;
	}
	r = pt_wait(pid, &st, 0);
	if (r != pid) {
		snprintf(why, n, "wait4(%d) returned %d (%s)", (int)pid, (int)r, pt_errname(errno));
		kill(pid, SIGKILL);
		pt_wait(pid, &st, 0);
		return 0;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != code) {
		snprintf(why, n, "child %s, wanted exited %d", pt_status(st), code);
		return 0;
	}
	return 1;
}

/* Nanoseconds on a clock. */
static inline int64_t pt_ns(clockid_t clock)
{
	struct timespec ts = {0, 0};

	clock_gettime(clock, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int64_t pt_now(void)
{
	return pt_ns(CLOCK_MONOTONIC);
}

/* Sleep ms milliseconds whatever signals arrive meanwhile. */
static inline void pt_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * "I am ready" from a child: it sends SIGUSR2 to its parent. Call
 * pt_expect_notify before forking (so the signal cannot come before the
 * handler), then pt_await_notify, which says whether it came within ms.
 */
static volatile sig_atomic_t pt_notified;
static inline void pt_on_notify(int sig)
{
	(void)sig, pt_notified++;
}
static inline void pt_expect_notify(void)
{
	struct sigaction sa = {.sa_handler = pt_on_notify};

	pt_notified = 0;
	sigaction(SIGUSR2, &sa, 0);
}
static inline int pt_await_notify(long ms)
{
	int64_t end = pt_now() + ms * 1000000LL;

	while (!pt_notified && pt_now() < end)
		pt_sleep_ms(2);
	return pt_notified != 0;
}

/*
 * The absolute path of a helper program: /bin/NAME, as in the test image, or
 * $POSIXTEST_BIN/NAME to run a program by hand on a Linux host.
 */
static inline const char *pt_bin(const char *name)
{
	static char path[4][256];
	static int next;
	const char *dir = getenv("POSIXTEST_BIN");
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", dir && *dir ? dir : "/bin", name);
	return p;
}

/* A data file of the test image: /etc/NAME, or $POSIXTEST_ETC/NAME (tests/posix by hand). */
static inline const char *pt_etc(const char *name)
{
	static char path[4][256];
	static int next;
	const char *dir = getenv("POSIXTEST_ETC");
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", dir && *dir ? dir : "/etc", name);
	return p;
}

/* Are we on Axolotl (rather than the Linux reference)? */
static inline int pt_axolotl(void)
{
	struct utsname u;

	return uname(&u) == 0 && strcmp(u.sysname, "Axolotl") == 0;
}

/*
 * Was this program started by the test image's runner: pid 2, the child of
 * init (pid 1)? True on Axolotl and on Linux inside the pid namespace that
 * tests/posix/run-on-host makes; never in a Linux host's own namespace,
 * where pid 2 is the kernel's thread creator. Checks that reach every
 * process (kill(-1, ...)) run only then. Ask before forking.
 */
static inline int pt_in_test_image(void)
{
	return getppid() == 2;
}

/* Free memory in bytes (sysinfo's freeram times mem_unit), 0 if sysinfo fails. */
static inline unsigned long long pt_freeram(void)
{
	struct sysinfo si;

	if (sysinfo(&si) != 0)
		return 0;
	return (unsigned long long)si.freeram * (si.mem_unit ? si.mem_unit : 1);
}

/* A value the compiler cannot see through (so a bad pointer is really dereferenced). */
static inline uintptr_t pt_opaque(uintptr_t v)
{
	__asm__ volatile("" : "+r"(v));
	return v;
}

/* Reset the signal mask and the dispositions a test may have changed (in a child). */
static inline void pt_reset_signals(void)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, 0);
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
}

#endif
