/*
 * posix_spawn (vfork is tested by posix_vfork). The parent of a vfork child stays suspended until
 * the child execs or exits. On Linux the child also shares its parent's
 * memory; POSIX leaves it undefined what a child that writes to memory
 * sees, and Axolotl gives it a copy-on-write copy (docs/pm.md), so these
 * checks do not depend on the sharing: the child here only spins, execs
 * and exits. musl's posix_spawn is clone(CLONE_VM | CLONE_VFORK) plus a
 * pipe2(O_CLOEXEC) to carry an exec failure back; on Axolotl it can work
 * only once pipe2 exists (with vfs).
 */
#include <spawn.h>

#include "../posixtest.h"

extern char **environ;
/* Not in the Axolotl image until vfs brings pipe2 (the runner's list says so). */

/* After posix_spawn returned r for pid: did it succeed, and did the child exit with code? */
static int spawned(int r, pid_t pid, int code, char *why, size_t n)
{
	if (r != 0) {
		snprintf(why, n, "the call gave %s", pt_errname(r));
		return 0;
	}
	return pt_expect_exit(pid, code, why, n);
}

static void test_spawn(void)
{
	char *argv[] = {"posix_helper", "exit", "12", 0}, *missing[] = {"x", 0};
	pid_t pid = 0;
	int r, st = 0;
	char why[160] = "";

	r = posix_spawn(&pid, pt_bin("posix_helper"), 0, 0, argv, environ);
	report("posix_spawn_runs_program", spawned(r, pid, 12, why, sizeof(why)), "%s", why);
	r = posix_spawn(&pid, pt_bin("no-such-program"), 0, 0, missing, environ);
	{
		int none_left = pt_wait(-1, &st, WNOHANG) == -1 && errno == ECHILD;

		report("posix_spawn_missing_file_enoent", r == ENOENT && none_left,
		       "posix_spawn gave %s (want ENOENT); a child left behind: %s", pt_errname(r),
		       none_left ? "no" : "yes");
	}
	{
		const char *dir = getenv("POSIXTEST_BIN");
		char *pargv[] = {"posix_helper", "exit", "13", 0};

		setenv("PATH", dir && *dir ? dir : "/bin", 1);
		pid = 0, st = 0;
		r = posix_spawnp(&pid, "posix_helper", 0, 0, pargv, environ);
		report("posix_spawnp_searches_path", spawned(r, pid, 13, why, sizeof(why)), "%s", why);
	}
}

/* Attributes: a process group of its own, a signal mask, a signal back to SIG_DFL. */
static void test_spawn_attributes(void)
{
	char *argv[] = {"posix_helper", "spawn", 0};
	posix_spawnattr_t attr;
	sigset_t mask, def;
	pid_t pid = 0;
	int r;
	char why[160] = "";

	signal(SIGUSR2, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigemptyset(&def);
	sigaddset(&def, SIGUSR2);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &mask);
	posix_spawnattr_setsigdefault(&attr, &def);
	r = posix_spawn(&pid, pt_bin("posix_helper"), 0, &attr, argv, environ);
	report("posix_spawn_attributes", spawned(r, pid, 0, why, sizeof(why)),
	       "%s (helper's exit bits: 1 not its own group, 2 SIGUSR1 not blocked, 4 SIGUSR2 not SIG_DFL)", why);
	posix_spawnattr_destroy(&attr);
	signal(SIGUSR2, SIG_DFL);
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_spawn();
	test_spawn_attributes();
	return 0;
}
