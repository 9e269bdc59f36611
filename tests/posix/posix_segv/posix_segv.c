/*
 * Faults: a bad pointer kills only the child that used it (SIGSEGV), while
 * its siblings and the parent carry on; other CPU exceptions give SIGILL
 * and SIGFPE; and a SIGSEGV handler (SA_SIGINFO) sees the faulting address
 * and code and can siglongjmp out, more than once. A program that sets the
 * direction flag (std) and then faults, or is interrupted, leaves the
 * system as it was: the kernel must not copy backwards on its behalf.
 */
#include <setjmp.h>
#include <sys/mman.h>

#include "../posixtest.h"

#define BAD_ADDRESS 0x10UL

static int child_bad_pointer(void)
{
	return *(volatile int *)pt_opaque(BAD_ADDRESS);
}
static int child_kernel_address(void)
{
	return *(volatile int *)pt_opaque(0xffff800000000000UL);
}
static int child_noncanonical(void)
{
	return *(volatile int *)pt_opaque(0x0000900000000000UL << 4);
}
static int child_jump_to_null(void)
{
	void (*f)(void) = (void (*)(void))pt_opaque(0);

	f();
	return 0;
}
static int child_ud2(void)
{
	__asm__ volatile("ud2");
	return 0;
}
static int child_divide(void)
{
	volatile int a = 1, b = (int)pt_opaque(0);

	return a / b;
}
static int child_spin_then_exit(void)
{
	pt_sleep_ms(150);
	return 33;
}

/* The direction flag set (string instructions run backwards), then a fault or a while of running. */
static int child_std_ud2(void)
{
	__asm__ volatile("std; ud2");
	return 0;
}
static int child_std_bad_pointer(void)
{
	int v;

	__asm__ volatile("std; movl (%1), %0" : "=r"(v) : "r"(pt_opaque(BAD_ADDRESS)));
	return v;
}
static int child_std_spin(void)
{
	int64_t end = pt_now() + 100000000LL; /* timer interrupts come while DF is set */

	__asm__ volatile("std");
	while (pt_now() < end)
		__asm__ volatile("std");
	__asm__ volatile("cld");
	return 33;
}

/* Run fn in a child; is it killed by sig? */
static void expect_killed(const char *name, int (*fn)(void), int sig)
{
	int st = 0;
	pid_t pid = pt_fork(fn), got = pid < 0 ? -1 : pt_wait(pid, &st, 0);

	report(name, got == pid && pid > 0 && WIFSIGNALED(st) && WTERMSIG(st) == sig, "child %s, wanted killed by %d",
	       got == pid ? pt_status(st) : "lost", sig);
}

/* Three children: the middle one crashes; the others run to their end, and so do we. */
static void test_only_that_child(void)
{
	pid_t a = pt_fork(child_spin_then_exit), b = pt_fork(child_bad_pointer), c = pt_fork(child_spin_then_exit);
	int sa = 0, sb = 0, sc = 0;
	pid_t gb = pt_wait(b, &sb, 0), ga = pt_wait(a, &sa, 0), gc = pt_wait(c, &sc, 0);

	report("posix_sigsegv_kills_the_faulting_child", gb == b && WIFSIGNALED(sb) && WTERMSIG(sb) == SIGSEGV,
	       "the faulting child %s", pt_status(sb));
	report("posix_sigsegv_siblings_keep_running",
	       ga == a && gc == c && WIFEXITED(sa) && WEXITSTATUS(sa) == 33 && WIFEXITED(sc) && WEXITSTATUS(sc) == 33,
	       "siblings %s and %s, wanted exited 33", pt_status(sa), pt_status(sc));
}

/*
 * Many children fault with DF set, and one runs with it while the others'
 * faults are served: every one must end as asked, and the servers that
 * served them (pm, vm) must still answer: a fork and a wait afterwards.
 */
static void test_direction_flag(void)
{
	int ill = 0, segv = 0, spun = 0, st = 0, after;
	pid_t spin = pt_fork(child_std_spin), p;

	for (int i = 0; i < 20; i++) {
		p = pt_fork(i % 2 ? child_std_ud2 : child_std_bad_pointer);
		if (p > 0 && pt_wait(p, &st, 0) == p && WIFSIGNALED(st))
			ill += WTERMSIG(st) == SIGILL, segv += WTERMSIG(st) == SIGSEGV;
	}
	if (spin > 0 && pt_wait(spin, &st, 0) == spin && WIFEXITED(st) && WEXITSTATUS(st) == 33)
		spun = 1;
	p = pt_fork(child_spin_then_exit);
	after = p > 0 && pt_wait(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 33;
	report("posix_faults_with_direction_flag_set", ill == 10 && segv == 10 && spun && after,
	       "%d of 10 SIGILL, %d of 10 SIGSEGV, the spinning child %s, a child afterwards %s", ill, segv,
	       spun ? "ended well" : "did not end well", after ? "ended well" : "did not end well");
}

static sigjmp_buf jump;
static volatile sig_atomic_t faults;
static volatile uintptr_t fault_addr;
static volatile int fault_code, fault_signo;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	faults++;
	fault_signo = sig == si->si_signo ? sig : -1;
	fault_addr = (uintptr_t)si->si_addr;
	fault_code = si->si_code;
	siglongjmp(jump, 1);
}

/*
 * In a child (a wrong frame would kill only it): two faults in a row, each
 * escaped with siglongjmp. The second works only if siglongjmp restored the
 * signal mask (SIGSEGV is blocked inside the handler). Exit bits: 1 handler
 * not run or wrong signal, 2 wrong si_addr, 4 wrong si_code for an unmapped
 * address, 8 second fault not caught, 16 SEGV_ACCERR not given for a
 * read-only page, 32 mask not restored.
 */
static int child_handler(void)
{
	struct sigaction sa = {.sa_sigaction = on_segv, .sa_flags = SA_SIGINFO};
	unsigned char *ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sigset_t now;
	int bad = 0;

	sigaction(SIGSEGV, &sa, 0);
	if (sigsetjmp(jump, 1) == 0)
		*(volatile int *)pt_opaque(BAD_ADDRESS) = 1;
	if (faults != 1 || fault_signo != SIGSEGV)
		return 1;
	if (fault_addr != BAD_ADDRESS)
		bad |= 2;
	if (fault_code != SEGV_MAPERR)
		bad |= 4;
	if (sigsetjmp(jump, 1) == 0)
		*(volatile unsigned char *)pt_opaque((uintptr_t)ro) = 1;
	if (faults != 2)
		return bad | 8;
	if (fault_addr != (uintptr_t)ro || fault_code != SEGV_ACCERR)
		bad |= 16;
	sigprocmask(SIG_BLOCK, 0, &now);
	if (sigismember(&now, SIGSEGV))
		bad |= 32;
	return bad;
}

static void test_handler(void)
{
	int st = 0, code;
	pid_t pid = pt_fork(child_handler);

	if (pid < 0 || pt_wait(pid, &st, 0) != pid || !WIFEXITED(st)) {
		const char *why = pid < 0 ? "fork failed" : pt_status(st);

		report("posix_sigsegv_handler_siglongjmp", 0, "child %s", why);
		report("posix_sigsegv_siginfo_address_and_code", 0, "child %s", why);
		report("posix_sigsegv_handler_twice", 0, "child %s", why);
		return;
	}
	code = WEXITSTATUS(st);
	report("posix_sigsegv_handler_siglongjmp", !(code & 1), "the handler did not run or saw another signal");
	report(
	    "posix_sigsegv_siginfo_address_and_code", !(code & 22),
	    "siginfo wrong (exit %d: 2 si_addr, 4 not SEGV_MAPERR, 16 read-only page not SEGV_ACCERR at its address)",
	    code);
	report("posix_sigsegv_handler_twice", !(code & 40), "exit %d: 8 second fault not caught, 32 mask not restored",
	       code);
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_only_that_child();
	expect_killed("posix_sigsegv_kernel_address", child_kernel_address, SIGSEGV);
	expect_killed("posix_sigsegv_noncanonical_address", child_noncanonical, SIGSEGV);
	expect_killed("posix_sigsegv_jump_to_null", child_jump_to_null, SIGSEGV);
	expect_killed("posix_sigill_invalid_opcode", child_ud2, SIGILL);
	expect_killed("posix_sigfpe_integer_divide_by_zero", child_divide, SIGFPE);
	test_handler();
	test_direction_flag();
	return 0;
}
