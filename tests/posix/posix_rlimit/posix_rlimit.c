/*
 * Resource limits: getrlimit, setrlimit, prlimit64 (musl's getrlimit and
 * setrlimit are prlimit64 underneath, so the old calls are also asked
 * directly); the defaults; lowering and reading back; inheritance across
 * fork and exec; RLIMIT_STACK bounding the stack's growth; errors.
 *
 * Defaults: on Axolotl they must be Linux's own for the first process
 * (RLIMIT_STACK 8 MiB soft, unlimited hard; RLIMIT_NOFILE 1024 soft, 4096
 * hard). On a Linux host they are whatever the session that started us set
 * (systemd raises RLIMIT_NOFILE's hard limit, for one), so there we only
 * ask that they are consistent.
 *
 * Raising a hard limit takes privilege: on Axolotl everyone is root and it
 * must work; on Linux it needs CAP_SYS_RESOURCE, which a sandbox's root may
 * lack: with it the call must work, without it it must fail with EPERM.
 */
#include <sys/resource.h>
#include <sys/syscall.h>

#include "../posixtest.h"

#define MIB (1UL << 20)

/* The old getrlimit/setrlimit system calls (97, 160), not prlimit64. */
static int old_getrlimit(int res, struct rlimit *rl)
{
	return (int)syscall(SYS_getrlimit, res, rl);
}
static int old_setrlimit(int res, const struct rlimit *rl)
{
	return (int)syscall(SYS_setrlimit, res, rl);
}

/* May we raise hard limits? Axolotl: everyone is root. Linux: CAP_SYS_RESOURCE in our effective set. */
static int may_raise_hard_limits(void)
{
	struct {
		uint32_t version;
		int pid;
	} head = {0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0};
	struct {
		uint32_t effective, permitted, inheritable;
	} data[2];

	if (pt_axolotl())
		return 1;
	if (syscall(SYS_capget, &head, data) != 0)
		return 0;
	return (data[0].effective >> 24) & 1; /* CAP_SYS_RESOURCE is 24 */
}

static void test_defaults(void)
{
	struct rlimit st, nf, old;
	int a = getrlimit(RLIMIT_STACK, &st), b = getrlimit(RLIMIT_NOFILE, &nf), c = old_getrlimit(RLIMIT_NOFILE, &old);

	if (pt_axolotl()) {
		report("posix_rlimit_stack_default", a == 0 && st.rlim_cur == 8 * MIB && st.rlim_max == RLIM_INFINITY,
		       "getrlimit gave %d: %llu / %llu (want 8 MiB / unlimited)", a, (unsigned long long)st.rlim_cur,
		       (unsigned long long)st.rlim_max);
		report("posix_rlimit_nofile_default", b == 0 && nf.rlim_cur == 1024 && nf.rlim_max == 4096,
		       "getrlimit gave %d: %llu / %llu (want 1024 / 4096)", b, (unsigned long long)nf.rlim_cur,
		       (unsigned long long)nf.rlim_max);
	} else {
		report("posix_rlimit_stack_default", a == 0 && st.rlim_cur > 0 && st.rlim_cur <= st.rlim_max,
		       "getrlimit gave %d: %llu / %llu", a, (unsigned long long)st.rlim_cur,
		       (unsigned long long)st.rlim_max);
		report("posix_rlimit_nofile_default", b == 0 && nf.rlim_cur >= 3 && nf.rlim_cur <= nf.rlim_max,
		       "getrlimit gave %d: %llu / %llu", b, (unsigned long long)nf.rlim_cur,
		       (unsigned long long)nf.rlim_max);
	}
	report("posix_getrlimit_old_syscall", c == 0 && old.rlim_cur == nf.rlim_cur && old.rlim_max == nf.rlim_max,
	       "the getrlimit system call gave %d: %llu / %llu; prlimit64 said %llu / %llu", c,
	       (unsigned long long)old.rlim_cur, (unsigned long long)old.rlim_max, (unsigned long long)nf.rlim_cur,
	       (unsigned long long)nf.rlim_max);
}

static int child_waits(void)
{
	for (;;)
		pause();
	return 0;
}

static void test_lower_and_inherit(void)
{
	struct rlimit orig, low = {64, 128}, got, prev;
	char soft[24], hard[24], why[160] = "";
	pid_t pid;
	int r, st = 0;

	getrlimit(RLIMIT_NOFILE, &orig);
	r = setrlimit(RLIMIT_NOFILE, &low);
	getrlimit(RLIMIT_NOFILE, &got);
	report("posix_setrlimit_lower_and_read_back", r == 0 && got.rlim_cur == 64 && got.rlim_max == 128,
	       "setrlimit gave %d (%s); read back %llu / %llu", r, pt_errname(errno), (unsigned long long)got.rlim_cur,
	       (unsigned long long)got.rlim_max);
	pid = fork();
	if (pid == 0) {
		struct rlimit c;

		_exit(getrlimit(RLIMIT_NOFILE, &c) == 0 && c.rlim_cur == 64 && c.rlim_max == 128 ? 0 : 1);
	}
	report("posix_rlimit_inherited_across_fork", pt_expect_exit(pid, 0, why, sizeof(why)), "%s", why);
	snprintf(soft, sizeof(soft), "64");
	snprintf(hard, sizeof(hard), "128");
	pid = fork();
	if (pid == 0) {
		char *argv[] = {"posix_helper", "rlimit", soft, hard, 0};

		execve(pt_bin("posix_helper"), argv, (char *[]){0});
		_exit(255);
	}
	report("posix_rlimit_inherited_across_execve",
	       pid > 0 && pt_wait(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "the helper %s (1: other limits)", pt_status(st));

	/* prlimit64: set and get the old value in one call, for ourselves (0) and for a child */
	r = prlimit(0, RLIMIT_NOFILE, &(struct rlimit){32, 128}, &prev);
	getrlimit(RLIMIT_NOFILE, &got);
	report("posix_prlimit_sets_and_returns_old",
	       r == 0 && prev.rlim_cur == 64 && prev.rlim_max == 128 && got.rlim_cur == 32,
	       "prlimit gave %d; old %llu / %llu (want 64 / 128), now %llu", r, (unsigned long long)prev.rlim_cur,
	       (unsigned long long)prev.rlim_max, (unsigned long long)got.rlim_cur);
	pid = pt_fork(child_waits);
	r = prlimit(pid, RLIMIT_NOFILE, 0, &prev);
	report("posix_prlimit_of_another_process", r == 0 && prev.rlim_cur == 32 && prev.rlim_max == 128,
	       "prlimit(child) gave %d (%s): %llu / %llu", r, pt_errname(errno), (unsigned long long)prev.rlim_cur,
	       (unsigned long long)prev.rlim_max);
	kill(pid, SIGKILL);
	pt_wait(pid, &st, 0);
	errno = 0;
	r = prlimit(999999, RLIMIT_NOFILE, 0, &prev);
	report("posix_prlimit_no_such_process_esrch", r == -1 && errno == ESRCH, "gave %d %s", r, pt_errname(errno));

	r = old_setrlimit(RLIMIT_NOFILE, &(struct rlimit){48, 128});
	getrlimit(RLIMIT_NOFILE, &got);
	report("posix_setrlimit_old_syscall", r == 0 && got.rlim_cur == 48,
	       "the setrlimit system call gave %d; now %llu", r, (unsigned long long)got.rlim_cur);

	/* raising the hard limit again: privileged */
	errno = 0;
	r = setrlimit(RLIMIT_NOFILE, &orig);
	getrlimit(RLIMIT_NOFILE, &got);
	if (may_raise_hard_limits())
		report("posix_setrlimit_raise_hard_limit", r == 0 && got.rlim_max == orig.rlim_max,
		       "with privilege, setrlimit back to %llu / %llu gave %d (%s)", (unsigned long long)orig.rlim_cur,
		       (unsigned long long)orig.rlim_max, r, pt_errname(errno));
	else
		report("posix_setrlimit_raise_hard_limit", r == -1 && errno == EPERM && got.rlim_max == 128,
		       "without CAP_SYS_RESOURCE, raising the hard limit gave %d (%s), hard limit now %llu", r,
		       pt_errname(errno), (unsigned long long)got.rlim_max);
}

static void test_errors(void)
{
	struct rlimit rl, bad = {200, 100};
	int r1, e1, r2, e2, r3, e3;

	errno = 0, r1 = setrlimit(RLIMIT_NOFILE, &bad), e1 = errno;
	errno = 0, r2 = getrlimit(99, &rl), e2 = errno;
	errno = 0, r3 = old_getrlimit(RLIMIT_NOFILE, (struct rlimit *)pt_opaque(16)), e3 = errno;
	report("posix_setrlimit_soft_above_hard_einval", r1 == -1 && e1 == EINVAL, "gave %d %s", r1, pt_errname(e1));
	report("posix_getrlimit_bad_resource_einval", r2 == -1 && e2 == EINVAL, "resource 99 gave %d %s", r2,
	       pt_errname(e2));
	report("posix_getrlimit_bad_pointer_efault", r3 == -1 && e3 == EFAULT, "gave %d %s", r3, pt_errname(e3));
}

/*
 * RLIMIT_STACK bounds the stack: lowered to 256 KiB, a program exec'd
 * afterwards dies of SIGSEGV going through 1 MiB of stack (and one using
 * 128 KiB does not); on Linux the limit also holds for the process that
 * lowers it, without an exec.
 */
static unsigned long deep(int depth)
{
	volatile unsigned char frame[4000];

	frame[0] = (unsigned char)depth;
	frame[sizeof(frame) - 1] = 1;
	return depth > 0 ? deep(depth - 1) + frame[0] : frame[sizeof(frame) - 1];
}

static int child_small_stack(void)
{
	struct rlimit rl = {256 * 1024, 256 * 1024};

	if (setrlimit(RLIMIT_STACK, &rl) != 0)
		return 1;
	return deep(256) ? 2 : 3;
}

/* Fork a child that lowers RLIMIT_STACK to 256 KiB and execs the helper using kib KiB of stack. */
static int exec_with_small_stack(const char *kib)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		struct rlimit rl = {256 * 1024, 256 * 1024};
		char *argv[] = {"posix_helper", "recurse", (char *)kib, 0};

		pt_guard(PT_CHILD_LIMIT);
		if (setrlimit(RLIMIT_STACK, &rl) != 0)
			_exit(253);
		execve(pt_bin("posix_helper"), argv, (char *[]){0});
		_exit(255);
	}
	if (pid < 0 || pt_wait(pid, &st, 0) != pid)
		return -1;
	return st;
}

static void test_stack_limit(void)
{
	int st = 0, small = exec_with_small_stack("128"), big = exec_with_small_stack("1024");
	pid_t pid = pt_fork(child_small_stack);

	report("posix_rlimit_stack_bounds_growth_after_execve",
	       small != -1 && WIFEXITED(small) && WEXITSTATUS(small) == 0 && big != -1 && WIFSIGNALED(big) &&
	           WTERMSIG(big) == SIGSEGV,
	       "under a 256 KiB limit, 128 KiB of stack: %s (want exited 0); 1 MiB: %s (want killed by 11)",
	       pt_status(small), pt_status(big));
	report("posix_rlimit_stack_lowered_bounds_growth",
	       pid > 0 && pt_wait(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	       "child %s (1: setrlimit failed, 2: its stack grew past the limit it had just set)", pt_status(st));
}

#define NOBODY 65534

/* As nobody with RLIMIT_NPROC 4: forks until refused; how many succeeded, or -1 - the first error other than EAGAIN. */
static int fork_until_refused(void)
{
	struct rlimit lim = {4, 4};
	pid_t kids[16];
	int n = 0, e = 0;

	if (setgid(NOBODY) != 0 || setuid(NOBODY) != 0 || setrlimit(RLIMIT_NPROC, &lim) != 0)
		return 100;
	for (; n < 16; n++) {
		if ((kids[n] = fork()) == 0) {
			pause();
			_exit(0);
		}
		if (kids[n] < 0) {
			e = errno;
			break;
		}
	}
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (int i = 0; i < n; i++)
		waitpid(kids[i], 0, 0);
	return e == EAGAIN ? n : 90 + (e != 0);
}

/*
 * As nobody: another user's limits may be neither read nor set, nor its own
 * hard limit raised (EPERM); a process of its own, with the same ids, may be
 * given a lower one. 0, or the number of the step that went wrong.
 */
static int nobody_limits(pid_t root_pid)
{
	struct rlimit lim, low = {16, 16};
	pid_t kid;

	if (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
		return 100;
	if (prlimit(root_pid, RLIMIT_NOFILE, 0, &lim) != -1 || errno != EPERM)
		return 1;
	if (prlimit(root_pid, RLIMIT_NOFILE, &low, 0) != -1 || errno != EPERM)
		return 2;
	if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_max == RLIM_INFINITY)
		return 3;
	lim.rlim_max++;
	if (setrlimit(RLIMIT_NOFILE, &lim) != -1 || errno != EPERM)
		return 4;
	if ((kid = fork()) == 0) {
		pause();
		_exit(0);
	}
	if (kid < 0 || prlimit(kid, RLIMIT_NOFILE, &low, 0) != 0 || prlimit(kid, RLIMIT_NOFILE, 0, &lim) != 0 ||
	    lim.rlim_cur != 16)
		return 5;
	kill(kid, SIGKILL);
	waitpid(kid, 0, 0);
	return 0;
}

static void test_others_limits(void)
{
	pid_t self = getpid(), pid = fork();
	int st = 0;

	if (pid == 0)
		_exit(nobody_limits(self));
	pt_wait(pid, &st, 0);
	report("posix_prlimit_of_another_user_eperm", WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "child %s (1, 2: reading, setting root's limits; 4: raising its hard limit; 5: its own child's)",
	       pt_status(st));
}

/*
 * A fork bomb stops at RLIMIT_NPROC: a user other than root may own only
 * that many processes (itself included), and the next fork gets EAGAIN;
 * root is not held to it.
 */
static void test_nproc(void)
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0)
		_exit(fork_until_refused());
	pt_wait(pid, &st, 0);
	report("posix_rlimit_nproc_stops_forks_with_eagain", WIFEXITED(st) && WEXITSTATUS(st) == 3,
	       "child %s (the number of forks before EAGAIN; want 3: itself and 3 more make 4)", pt_status(st));
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_defaults();
	test_lower_and_inherit();
	test_errors();
	test_stack_limit();
	test_nproc();
	test_others_limits();
	return 0;
}
