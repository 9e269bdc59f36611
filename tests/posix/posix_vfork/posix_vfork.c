/*
 * vfork. The parent of a vfork child stays suspended until
 * the child execs or exits. On Linux the child also shares its parent's
 * memory; POSIX leaves it undefined what a child that writes to memory
 * sees, and Axolotl gives it a copy-on-write copy (docs/pm.md), so these
 * checks do not depend on the sharing: the child here only spins, execs
 * and exits. musl's posix_spawn is clone(CLONE_VM | CLONE_VFORK) plus a
 * pipe2(O_CLOEXEC) to carry an exec failure back; on Axolotl it can work
 * only once pipe2 exists (with vfs).
 */
#include "../posixtest.h"

extern char **environ;

/*
 * The child spins 100 ms before it execs: the parent, suspended meanwhile,
 * comes back from vfork no sooner than that.
 */
static void test_vfork_exec(void)
{
	char *argv[] = {"posix_helper", "exit", "9", 0};
	const char *path = pt_bin("posix_helper");
	int64_t before = pt_now(), waited;
	int st = 0;
	pid_t pid;

	pid = vfork();
	if (pid == 0) {
		int64_t until = pt_now() + 100000000LL;

		while (pt_now() < until)
			;
		execve(path, argv, environ);
		_exit(127);
	}
	waited = pt_now() - before;
	report("posix_vfork_parent_resumes_after_exec", pid > 0 && waited >= 100000000LL,
	       "vfork gave %d after %lld ms (the child spun 100 ms before its execve)", (int)pid,
	       (long long)(waited / 1000000));
	report("posix_vfork_child_exec_status",
	       pid > 0 && pt_wait(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 9,
	       "the exec'd child %s, wanted exited 9", pt_status(st));
}

static void test_vfork_exit(void)
{
	int64_t before = pt_now(), waited;
	int st = 0;
	pid_t pid;

	pid = vfork();
	if (pid == 0) {
		int64_t until = pt_now() + 50000000LL;

		while (pt_now() < until)
			;
		_exit(7);
	}
	waited = pt_now() - before;
	report("posix_vfork_child_exit",
	       pid > 0 && waited >= 50000000LL && pt_wait(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7,
	       "vfork gave %d after %lld ms (want 50 or more), child %s", (int)pid, (long long)(waited / 1000000),
	       pt_status(st));
	pid = vfork();
	if (pid == 0) {
		char *argv[] = {"x", 0};

		execve(pt_bin("no-such-program"), argv, environ);
		_exit(errno == ENOENT ? 127 : 126);
	}
	report("posix_vfork_exec_failure",
	       pid > 0 && pt_wait(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 127,
	       "the child %s (127: execve failed with ENOENT and the child went on to _exit)", pt_status(st));
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_vfork_exec();
	test_vfork_exit();
	return 0;
}
