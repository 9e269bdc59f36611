/*
 * init: the first user process (pid 1), started from the boot image.
 *
 * With an /etc/inittab (BusyBox's format, inittab.h), init runs its
 * sysinit entries and then its wait entries one after the other, waiting
 * for each; then starts the once entries; then starts the respawn and
 * askfirst entries and starts each again whenever it ends, for as long as
 * the system runs (one that ends within a second of starting is started at
 * most once a second). Each runs in a session of its own with its terminal
 * (the entry's ID, or /dev/console) as standard input, output and error and
 * as its controlling terminal. Orphans are reaped as they end.
 *
 * Without an /etc/inittab (the test images), init runs /etc/rc, and when
 * /etc/rc ends it says how and powers the machine off.
 *
 * Signals, as BusyBox's poweroff, reboot and halt send them: SIGUSR2 powers
 * off, SIGTERM reboots, SIGUSR1 halts. init then runs the shutdown entries,
 * sends every other process SIGTERM and SIGHUP (interactive shells ignore
 * SIGTERM), gives them two seconds to end, sends
 * SIGKILL to the rest, syncs, and calls reboot(). SIGINT (Ctrl-Alt-Del)
 * starts the ctrlaltdel entries. init never exits: when pid 1 ends, nothing
 * is left to run. docs/boot.md tells the whole start-up.
 *
 * Not run as pid 1 (by hand on a Linux host), init runs /etc/rc the same
 * way but exits with its status instead of powering anything off, and a
 * shutdown signals only what init started. Inside a Linux pid namespace,
 * where it is pid 1 of the namespace, reboot() only ends the namespace:
 * tests/posix/run-on-host and tests/init/run-on-host rely on this.
 *
 * An optional argument names another program to run instead of /etc/rc
 * (its own arguments follow); Axolotl starts init with none.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "inittab.h"

#define INITTAB "/etc/inittab"
#define INITTAB_BYTES 16384
#define GRACE_MS 2000            /* between SIGTERM and SIGKILL at shutdown */
#define SHUTDOWN_ACTION_MS 10000 /* the longest a shutdown entry is waited for */
#define RESPAWN_MIN_MS 1000      /* an entry that lived less is started again a second later */

static char *const rc_env[] = {"PATH=/bin:/sbin", "HOME=/", "TERM=vt100", 0};

static int pid1;
static sigset_t handled;    /* blocked, and taken by sigtimedwait */
static int shutdown_signal; /* SIGUSR2, SIGTERM or SIGUSR1 once asked */
static int ctrlaltdel;

/* What init runs: an inittab entry, or the one /etc/rc of the old way. */
struct job {
	struct inittab_entry e;
	pid_t pid;          /* 0: not running */
	int64_t started_ms; /* when it last started */
	int64_t next_ms;    /* not to start again before */
	int disabled;       /* its terminal cannot be opened: never again */
	int said_fast;      /* said once that it ends at once */
};
static struct job jobs[INITTAB_MAX];
static int njobs;

/* One line to descriptor 2, in a single write. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[320];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	if (n > 0)
		write(2, line, (size_t)n);
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void ignore_signal(int sig)
{
	(void)sig;
}

/*
 * The signals init acts on are blocked and taken by sigtimedwait (no race
 * between a check and a wait); they and the others that would end pid 1
 * where the kernel does not protect it get a handler that does nothing
 * (not SIG_IGN: exec would pass that on, and an ignored SIGCHLD is lost).
 */
static const int acted[] = {SIGCHLD, SIGUSR1, SIGUSR2, SIGTERM, SIGINT, SIGHUP, SIGQUIT};
static const int caught[] = {SIGPIPE, SIGALRM, SIGTSTP, SIGTTIN, SIGTTOU};

static void setup_signals(void)
{
	struct sigaction sa = {.sa_handler = ignore_signal, .sa_flags = SA_RESTART};

	sigemptyset(&sa.sa_mask);
	sigemptyset(&handled);
	for (unsigned i = 0; i < sizeof(acted) / sizeof(acted[0]); i++) {
		sigaddset(&handled, acted[i]);
		sigaction(acted[i], &sa, 0);
	}
	for (unsigned i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
		sigaction(caught[i], &sa, 0);
	sigprocmask(SIG_BLOCK, &handled, 0);
}

/* In a child: signals as a new program would find them (askfirst waits before its exec). */
static void default_signals(void)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t none;

	sigemptyset(&dfl.sa_mask);
	for (unsigned i = 0; i < sizeof(acted) / sizeof(acted[0]); i++)
		sigaction(acted[i], &dfl, 0);
	for (unsigned i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
		sigaction(caught[i], &dfl, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, 0);
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

/* ---- running a job ------------------------------------------------------------ */

/* In the child: the job's terminal as 0, 1, 2 and controlling terminal, in a new session. */
static void take_terminal(const struct job *j)
{
	const char *dev = j->e.terminal[0] ? j->e.terminal : "/dev/console";
	int fd;

	setsid();
	fd = open(dev, O_RDWR);
	if (fd < 0 && j->e.terminal[0]) {
		say("init: cannot open %s for line %d: %s\n", dev, j->e.line, strerror(errno));
		_exit(126);
	}
	if (fd >= 0) { /* else the console descriptors init has */
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	ioctl(0, TIOCSCTTY, 0); /* only try: not where another session has it */
}

/* In the child: "Please press Enter", then wait for a line (askfirst). */
static void ask_first(void)
{
	static const char prompt[] = "\nPlease press Enter to activate this console. ";
	char c;

	write(1, prompt, sizeof(prompt) - 1);
	for (;;) {
		ssize_t n = read(0, &c, 1);

		if (n == 1 && c == '\n')
			return;
		if (n == 0 || (n < 0 && errno != EINTR))
			_exit(0);
	}
}

/* The environment of an inittab job: root's, and a TERM for the kind of terminal. */
static void job_env(const struct job *j, char **env)
{
	const char *t = j->e.terminal;
	int vga = strncmp(t, "/dev/tty", 8) == 0 && t[8] >= '0' && t[8] <= '9';

	env[0] = "PATH=/sbin:/usr/sbin:/bin:/usr/bin";
	env[1] = "HOME=/root";
	env[2] = "SHELL=/bin/sh";
	env[3] = "USER=root";
	env[4] = "LOGNAME=root";
	env[5] = vga ? "TERM=linux" : "TERM=vt100";
	env[6] = 0;
}

/* Start job j; its pid (also in j->pid), or -1. */
static pid_t start(struct job *j, int inittab)
{
	char buf[INITTAB_COMMAND_MAX + 64], *argv[INITTAB_ARGS_MAX + 1], *env[8];
	const char *path;
	pid_t pid;

	if (inittab_argv(&j->e, buf, sizeof(buf), argv, &path) < 0) {
		say("init: line %d: command too long or too many words; not run\n", j->e.line);
		j->disabled = 1;
		return -1;
	}
	if (inittab)
		job_env(j, env);
	pid = fork();
	if (pid == 0) {
		default_signals();
		if (inittab) {
			take_terminal(j);
			if (j->e.action == INIT_ASKFIRST)
				ask_first();
		}
		execve(path, argv, inittab ? env : rc_env);
		say("init: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		say("init: cannot fork to run %s: %s\n", path, strerror(errno));
	j->pid = pid > 0 ? pid : 0;
	j->started_ms = now_ms();
	return pid;
}

/* A job's terminal can be opened (checked before each start, so a missing console is said once). */
static int terminal_ok(struct job *j)
{
	int fd;

	if (!j->e.terminal[0])
		return 1;
	fd = open(j->e.terminal, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	say("init: %s: %s; line %d (%s) is not run\n", j->e.terminal, strerror(errno), j->e.line,
	    inittab_action_name(j->e.action));
	j->disabled = 1;
	return 0;
}

/* ---- events ----------------------------------------------------------------------- */

static void note_signal(int sig)
{
	if ((sig == SIGUSR1 || sig == SIGUSR2 || sig == SIGTERM) && !shutdown_signal)
		shutdown_signal = sig;
	if (sig == SIGINT)
		ctrlaltdel = 1;
	/* SIGCHLD: reaped below; SIGHUP and SIGQUIT: nothing yet (BusyBox re-reads inittab, restarts) */
}

/* A child ended: forget it (jobs), and say why a respawning one came back at once. */
static struct job *ended(pid_t pid, int st)
{
	int64_t t = now_ms();

	for (int i = 0; i < njobs; i++) {
		struct job *j = &jobs[i];
		char how[48];

		if (j->pid != pid)
			continue;
		j->pid = 0;
		j->next_ms = t;
		if ((j->e.action & (INIT_RESPAWN | INIT_ASKFIRST)) && t - j->started_ms < RESPAWN_MIN_MS) {
			j->next_ms = t + RESPAWN_MIN_MS;
			if (!j->said_fast++) {
				describe(st, how, sizeof(how));
				say("init: line %d (%s) ended at once (status %s); starting it again each second\n",
				    j->e.line, j->e.command, how);
			}
		} else {
			j->said_fast = 0;
		}
		return j;
	}
	return 0;
}

/*
 * Wait up to timeout_ms (-1: as long as it takes) for a signal, note it and
 * every other one pending, then reap every child that ended. A death of
 * watched (if not 0) gives its status in *status and returns 1.
 */
static int events(int64_t timeout_ms, pid_t watched, int *status)
{
	struct timespec zero = {0, 0}, limit = {timeout_ms / 1000, (timeout_ms % 1000) * 1000000};
	int sig, st, seen = 0;
	pid_t pid;

	sig = sigtimedwait(&handled, 0, timeout_ms < 0 ? 0 : &limit);
	while (sig > 0) {
		note_signal(sig);
		sig = sigtimedwait(&handled, 0, &zero);
	}
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		ended(pid, st);
		if (watched && pid == watched) {
			*status = st;
			seen = 1;
		}
	}
	return seen;
}

/* ---- shutting down ------------------------------------------------------------------ */

/* Signal every other process (pid 1), or only what init started (by hand). */
static void signal_all(int sig)
{
	if (pid1) {
		kill(-1, sig);
		return;
	}
	for (int i = 0; i < njobs; i++)
		if (jobs[i].pid > 0) {
			kill(-jobs[i].pid, sig);
			kill(jobs[i].pid, sig);
		}
}

/* Reap until no child is left or ms have passed; 1 if none is left. */
static int reap_all(int64_t ms)
{
	int64_t end = now_ms() + ms;

	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);

		if (pid > 0) {
			ended(pid, st);
			continue;
		}
		if (pid < 0 && errno == ECHILD)
			return 1;
		if (now_ms() >= end)
			return 0;
		events(end - now_ms() < 50 ? end - now_ms() : 50, 0, 0);
	}
}

/* Run job j and wait for it, at most ms (-1: no limit) or until a shutdown is asked (waiting). */
static void run_and_wait(struct job *j, int64_t ms, int stop_on_shutdown)
{
	int64_t end = now_ms() + ms;
	pid_t pid;
	int st;

	if (j->disabled || !terminal_ok(j) || (pid = start(j, 1)) < 0)
		return;
	while (!(stop_on_shutdown && shutdown_signal)) {
		int64_t left = ms < 0 ? -1 : end - now_ms();

		if (ms >= 0 && left <= 0) {
			say("init: line %d (%s) still runs after %ld s; going on\n", j->e.line, j->e.command,
			    (long)(ms / 1000));
			return;
		}
		if (events(left, pid, &st))
			return;
	}
}

static _Noreturn void shut_down(int sig, int inittab)
{
	static const char *const what[] = {[SIGUSR1] = "halt", [SIGUSR2] = "power off", [SIGTERM] = "reboot"};
	int how = sig == SIGTERM ? RB_AUTOBOOT : sig == SIGUSR1 ? RB_HALT_SYSTEM : RB_POWER_OFF;

	say("init: %s requested; stopping every process\n", what[sig]);
	if (inittab)
		for (int i = 0; i < njobs; i++)
			if (jobs[i].e.action == INIT_SHUTDOWN)
				run_and_wait(&jobs[i], SHUTDOWN_ACTION_MS, 0);
	signal_all(SIGTERM);
	signal_all(SIGHUP);  /* interactive shells ignore SIGTERM, not a hang-up */
	signal_all(SIGCONT); /* stopped ones must run to end */
	if (!reap_all(GRACE_MS)) {
		char left[160] = "";
		size_t n = 0;

		for (int i = 0; i < njobs && n < sizeof(left) - 1; i++)
			if (jobs[i].pid > 0)
				n += (size_t)snprintf(left + n, sizeof(left) - n, " %d (line %d)", (int)jobs[i].pid,
				                      jobs[i].e.line);
		say("init: some processes outlived SIGTERM by %d s%s%s; sending SIGKILL\n", GRACE_MS / 1000,
		    n ? ", among them" : "", left);
		signal_all(SIGKILL);
		reap_all(GRACE_MS);
	}
	sync();
	if (!pid1)
		_exit(0);
	reboot(how);
	say("init: %s failed: %s; powering off instead\n", what[sig], strerror(errno));
	reboot(RB_POWER_OFF);
	say("init: power off failed: %s; halting here\n", strerror(errno));
	for (;;)
		pause();
}

/* ---- the two ways to run ------------------------------------------------------------- */

static void complain(void *ctx, int line, const char *why)
{
	say("init: %s line %d: %s; skipped\n", (const char *)ctx, line, why);
}

/* Read /etc/inittab into jobs[]: 1 if there is one (even if no entry is good), else 0. */
static int read_inittab(void)
{
	static char text[INITTAB_BYTES];
	static struct inittab tab;
	ssize_t n, len = 0;
	int fd = open(INITTAB, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (errno != ENOENT)
			say("init: cannot open %s: %s; running /etc/rc\n", INITTAB, strerror(errno));
		return 0;
	}
	while (len < (ssize_t)sizeof(text) && (n = read(fd, text + len, sizeof(text) - (size_t)len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			say("init: cannot read %s: %s\n", INITTAB, strerror(errno));
			close(fd);
			return 0;
		}
		len += n;
	}
	close(fd);
	if (len == (ssize_t)sizeof(text))
		say("init: %s is longer than %d bytes; the rest is not read\n", INITTAB, INITTAB_BYTES);
	inittab_parse(text, (size_t)len, &tab, complain, INITTAB);
	for (int i = 0; i < tab.count; i++)
		jobs[njobs++] = (struct job){.e = tab.entry[i]};
	return 1;
}

/* The entries of one action, in file order. */
static void run_each(unsigned actions, int wait)
{
	for (int i = 0; i < njobs && !shutdown_signal; i++) {
		if (!(jobs[i].e.action & actions))
			continue;
		if (wait)
			run_and_wait(&jobs[i], -1, 1);
		else if (!jobs[i].disabled && jobs[i].pid == 0 && terminal_ok(&jobs[i]))
			start(&jobs[i], 1);
	}
}

static _Noreturn void run_inittab(void)
{
	run_each(INIT_SYSINIT, 1);
	run_each(INIT_WAIT, 1);
	run_each(INIT_ONCE, 0);
	for (;;) {
		int64_t t = now_ms(), wake = -1;

		if (shutdown_signal)
			shut_down(shutdown_signal, 1);
		if (ctrlaltdel) {
			ctrlaltdel = 0;
			run_each(INIT_CTRLALTDEL, 0);
		}
		for (int i = 0; i < njobs; i++) {
			struct job *j = &jobs[i];

			if (!(j->e.action & (INIT_RESPAWN | INIT_ASKFIRST)) || j->disabled || j->pid)
				continue;
			if (j->next_ms <= t) {
				if (terminal_ok(j))
					start(j, 1);
			} else if (wake < 0 || j->next_ms - t < wake) {
				wake = j->next_ms - t;
			}
		}
		events(wake, 0, 0);
	}
}

/* The old way: one program (/etc/rc); power off when it ends. */
static int run_rc(char *const *what)
{
	struct job rc = {.e = {.action = INIT_ONCE}};
	char status[48];
	int st;

	snprintf(rc.e.command, sizeof(rc.e.command), "%s", what[0]);
	njobs = 0;
	/* the program and its arguments exactly as given: no splitting of words */
	{
		pid_t pid = fork();

		if (pid == 0) {
			sigset_t none;

			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, 0);
			execve(what[0], what, rc_env);
			say("init: cannot run %s: %s\n", what[0], strerror(errno));
			_exit(127);
		}
		if (pid < 0) {
			say("init: cannot fork to run %s: %s; powering off\n", what[0], strerror(errno));
			if (!pid1)
				return 127;
			shut_down(SIGUSR2, 0);
		}
		rc.pid = pid;
		jobs[njobs++] = rc;
	}
	for (;;) {
		if (events(-1, jobs[0].pid, &st)) {
			describe(st, status, sizeof(status));
			say("init: %s ended (status %s)\n", what[0], status);
			if (!pid1)
				return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			reboot(RB_POWER_OFF);
			say("init: power off failed: %s; halting here\n", strerror(errno));
			for (;;)
				pause();
		}
		if (shutdown_signal)
			shut_down(shutdown_signal, 0);
	}
}

int main(int argc, char **argv)
{
	static char *const rc[] = {"/etc/rc", 0};

	pid1 = getpid() == 1;
	if (argc > 1 && argv[1][0] == '-') {
		say("usage: init [PROGRAM [ARGUMENT...]] (no options; PROGRAM replaces /etc/rc)\n");
		return 2;
	}
	setup_signals();
	if (pid1) {
		setsid(); /* lead a session of our own (Axolotl already gives pid 1 one: EPERM, harmless) */
		/*
		 * ... but keep no controlling terminal, so that the console is free
		 * for the session of the shell on it (Linux never gives pid 1 one:
		 * ENOTTY, harmless; Axolotl's vfs opens /dev/console for it as a
		 * session leader's first terminal).
		 */
		ioctl(0, TIOCNOTTY);
	}
	if (argc < 2 && read_inittab()) { /* (the kernel starts pid 1 with no argv at all) */
		if (njobs > 0)
			run_inittab();
		say("init: %s has no entries; running /etc/rc\n", INITTAB);
	}
	return run_rc(argc > 1 ? argv + 1 : rc);
}
