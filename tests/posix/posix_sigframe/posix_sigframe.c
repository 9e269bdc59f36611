/*
 * The signal frame: a handler interrupting running code must give it back
 * every register (general, SSE, x87, MXCSR) as it was; the frame is the
 * Linux x86_64 one (sigreturn takes the mask and registers from the
 * ucontext the handler may have changed); the alternate stack (sigaltstack,
 * SA_ONSTACK), also for a stack overflow; and nested handlers.
 *
 * Each check runs in a child, so a wrong frame kills only that child; the
 * child's exit status says what it saw.
 */
#include <sys/ucontext.h>

#include "../posixtest.h"

/* ---- registers across an asynchronous signal ---------------------------------- */

/* Globals named from the assembly below (not static, so their names are plain symbols). */
uint64_t pt_sse_in[32], pt_sse_out[32], pt_gpr_out[12], pt_loop_limit = 1ULL << 40;
uint32_t pt_mxcsr_in = 0x7f80 /* round toward zero, all exceptions masked */, pt_mxcsr_out;
double pt_x87_out;
volatile int pt_flag;
static volatile uint32_t handler_mxcsr;

static const uint64_t gpr_want[12] = {
    0x1111111111111111, 0x2222222222222222, 0x3333333333333333, 0x4444444444444444,
    0x5555555555555555, 0x6666666666666666, 0x7777777777777777, 0x8888888888888888,
    0x9999999999999999, 0xaaaaaaaaaaaaaaaa, 0xbbbbbbbbbbbbbbbb, 0xcccccccccccccccc,
};

/*
 * Load known values into rax, rdx, rsi, rdi, r8-r11 (which a handler's
 * compiled code need not preserve), rbx, r12-r14, xmm0-15, the x87 stack
 * and MXCSR; spin until the handler sets pt_flag; store them all.
 */
static void spin_with_registers(void)
{
	__asm__ volatile("ldmxcsr pt_mxcsr_in(%%rip)\n\t"
	                 "fldpi\n\t"
	                 "movdqu pt_sse_in+0(%%rip), %%xmm0\n\t"
	                 "movdqu pt_sse_in+16(%%rip), %%xmm1\n\t"
	                 "movdqu pt_sse_in+32(%%rip), %%xmm2\n\t"
	                 "movdqu pt_sse_in+48(%%rip), %%xmm3\n\t"
	                 "movdqu pt_sse_in+64(%%rip), %%xmm4\n\t"
	                 "movdqu pt_sse_in+80(%%rip), %%xmm5\n\t"
	                 "movdqu pt_sse_in+96(%%rip), %%xmm6\n\t"
	                 "movdqu pt_sse_in+112(%%rip), %%xmm7\n\t"
	                 "movdqu pt_sse_in+128(%%rip), %%xmm8\n\t"
	                 "movdqu pt_sse_in+144(%%rip), %%xmm9\n\t"
	                 "movdqu pt_sse_in+160(%%rip), %%xmm10\n\t"
	                 "movdqu pt_sse_in+176(%%rip), %%xmm11\n\t"
	                 "movdqu pt_sse_in+192(%%rip), %%xmm12\n\t"
	                 "movdqu pt_sse_in+208(%%rip), %%xmm13\n\t"
	                 "movdqu pt_sse_in+224(%%rip), %%xmm14\n\t"
	                 "movdqu pt_sse_in+240(%%rip), %%xmm15\n\t"
	                 "movabs $0x1111111111111111, %%rax\n\t"
	                 "movabs $0x2222222222222222, %%rdx\n\t"
	                 "movabs $0x3333333333333333, %%rsi\n\t"
	                 "movabs $0x4444444444444444, %%rdi\n\t"
	                 "movabs $0x5555555555555555, %%r8\n\t"
	                 "movabs $0x6666666666666666, %%r9\n\t"
	                 "movabs $0x7777777777777777, %%r10\n\t"
	                 "movabs $0x8888888888888888, %%r11\n\t"
	                 "movabs $0x9999999999999999, %%rbx\n\t"
	                 "movabs $0xaaaaaaaaaaaaaaaa, %%r12\n\t"
	                 "movabs $0xbbbbbbbbbbbbbbbb, %%r13\n\t"
	                 "movabs $0xcccccccccccccccc, %%r14\n\t"
	                 "mov pt_loop_limit(%%rip), %%rcx\n"
	                 "1:\n\t"
	                 "cmpl $0, pt_flag(%%rip)\n\t"
	                 "jne 2f\n\t"
	                 "dec %%rcx\n\t"
	                 "jnz 1b\n"
	                 "2:\n\t"
	                 "movdqu %%xmm0, pt_sse_out+0(%%rip)\n\t"
	                 "movdqu %%xmm1, pt_sse_out+16(%%rip)\n\t"
	                 "movdqu %%xmm2, pt_sse_out+32(%%rip)\n\t"
	                 "movdqu %%xmm3, pt_sse_out+48(%%rip)\n\t"
	                 "movdqu %%xmm4, pt_sse_out+64(%%rip)\n\t"
	                 "movdqu %%xmm5, pt_sse_out+80(%%rip)\n\t"
	                 "movdqu %%xmm6, pt_sse_out+96(%%rip)\n\t"
	                 "movdqu %%xmm7, pt_sse_out+112(%%rip)\n\t"
	                 "movdqu %%xmm8, pt_sse_out+128(%%rip)\n\t"
	                 "movdqu %%xmm9, pt_sse_out+144(%%rip)\n\t"
	                 "movdqu %%xmm10, pt_sse_out+160(%%rip)\n\t"
	                 "movdqu %%xmm11, pt_sse_out+176(%%rip)\n\t"
	                 "movdqu %%xmm12, pt_sse_out+192(%%rip)\n\t"
	                 "movdqu %%xmm13, pt_sse_out+208(%%rip)\n\t"
	                 "movdqu %%xmm14, pt_sse_out+224(%%rip)\n\t"
	                 "movdqu %%xmm15, pt_sse_out+240(%%rip)\n\t"
	                 "mov %%rax, pt_gpr_out+0(%%rip)\n\t"
	                 "mov %%rdx, pt_gpr_out+8(%%rip)\n\t"
	                 "mov %%rsi, pt_gpr_out+16(%%rip)\n\t"
	                 "mov %%rdi, pt_gpr_out+24(%%rip)\n\t"
	                 "mov %%r8, pt_gpr_out+32(%%rip)\n\t"
	                 "mov %%r9, pt_gpr_out+40(%%rip)\n\t"
	                 "mov %%r10, pt_gpr_out+48(%%rip)\n\t"
	                 "mov %%r11, pt_gpr_out+56(%%rip)\n\t"
	                 "mov %%rbx, pt_gpr_out+64(%%rip)\n\t"
	                 "mov %%r12, pt_gpr_out+72(%%rip)\n\t"
	                 "mov %%r13, pt_gpr_out+80(%%rip)\n\t"
	                 "mov %%r14, pt_gpr_out+88(%%rip)\n\t"
	                 "fstpl pt_x87_out(%%rip)\n\t"
	                 "stmxcsr pt_mxcsr_out(%%rip)\n\t"
	                 "ldmxcsr %0\n\t"
	                 :
	                 : "m"((uint32_t){0x1f80})
	                 : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
	                   "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
	                   "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory", "cc");
}

/* A handler that computes in floating point and then wrecks every register it may. */
static void wrecking_handler(int sig)
{
	volatile double d = 1.5;
	volatile long double ld = 2.5L;
	uint32_t mx, down = 0x3f80;

	(void)sig;
	__asm__ volatile("stmxcsr %0" : "=m"(mx));
	handler_mxcsr = mx;
	for (int i = 0; i < 100; i++)
		d = d * 1.01 + 0.5, ld = ld * 1.01L + 0.25L;
	__asm__ volatile("ldmxcsr %0\n\t"
	                 "pcmpeqd %%xmm0, %%xmm0\n\tpcmpeqd %%xmm1, %%xmm1\n\tpcmpeqd %%xmm2, %%xmm2\n\t"
	                 "pcmpeqd %%xmm3, %%xmm3\n\tpcmpeqd %%xmm4, %%xmm4\n\tpcmpeqd %%xmm5, %%xmm5\n\t"
	                 "pcmpeqd %%xmm6, %%xmm6\n\tpcmpeqd %%xmm7, %%xmm7\n\tpcmpeqd %%xmm8, %%xmm8\n\t"
	                 "pcmpeqd %%xmm9, %%xmm9\n\tpcmpeqd %%xmm10, %%xmm10\n\tpcmpeqd %%xmm11, %%xmm11\n\t"
	                 "pcmpeqd %%xmm12, %%xmm12\n\tpcmpeqd %%xmm13, %%xmm13\n\tpcmpeqd %%xmm14, %%xmm14\n\t"
	                 "pcmpeqd %%xmm15, %%xmm15\n\t"
	                 "xor %%eax, %%eax\n\txor %%edx, %%edx\n\txor %%esi, %%esi\n\txor %%edi, %%edi\n\t"
	                 "xor %%r8d, %%r8d\n\txor %%r9d, %%r9d\n\txor %%r10d, %%r10d\n\txor %%r11d, %%r11d\n\t"
	                 "fninit\n\tfld1\n\tfstp %%st(0)\n\t"
	                 :
	                 : "m"(down)
	                 : "rax", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
	                   "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
	                   "memory");
	pt_flag = 1;
}

/* Exit bits: 1 general registers, 2 SSE registers, 4 MXCSR, 8 x87, 16 the handler never ran. */
static int child_registers(void)
{
	struct sigaction sa = {.sa_handler = wrecking_handler};
	int bad = 0;

	for (int i = 0; i < 32; i++)
		pt_sse_in[i] = 0x0123456789abcdefULL * (uint64_t)(i + 1) ^ ((uint64_t)i << 56);
	sigaction(SIGUSR1, &sa, 0);
	kill(getppid(), SIGUSR2); /* ready: the parent may send SIGUSR1 now */
	spin_with_registers();
	if (!pt_flag)
		return 16;
	if (memcmp(pt_gpr_out, gpr_want, sizeof(gpr_want)))
		bad |= 1;
	if (memcmp(pt_sse_in, pt_sse_out, sizeof(pt_sse_in)))
		bad |= 2;
	if (pt_mxcsr_out != pt_mxcsr_in)
		bad |= 4;
	if (pt_x87_out != 3.14159265358979323846)
		bad |= 8;
	return bad | (handler_mxcsr == 0x1f80 ? 0 : 32);
}

static volatile sig_atomic_t ready;
static void on_ready(int sig)
{
	(void)sig, ready = 1;
}

static void test_registers(void)
{
	struct sigaction sa = {.sa_handler = on_ready};
	sigset_t usr2, old, none;
	pid_t pid;
	int st = 0, code;
	int64_t end = pt_now() + 5000000000LL;

	sigemptyset(&usr2);
	sigemptyset(&none);
	sigaddset(&usr2, SIGUSR2);
	sigaction(SIGUSR2, &sa, 0);
	sigprocmask(SIG_BLOCK, &usr2, &old);
	pid = pt_fork(child_registers);
	while (pid > 0 && !ready && pt_now() < end)
		sigsuspend(&none);
	sigprocmask(SIG_SETMASK, &old, 0);
	pt_sleep_ms(50); /* let it enter its loop */
	kill(pid, SIGUSR1);
	if (pid < 0 || pt_wait(pid, &st, 0) != pid || !WIFEXITED(st)) {
		const char *why = pid < 0 ? "fork failed" : pt_status(st);

		report("posix_signal_preserves_general_registers", 0, "child %s", why);
		report("posix_signal_preserves_sse_registers", 0, "child %s", why);
		report("posix_signal_preserves_mxcsr", 0, "child %s", why);
		report("posix_signal_preserves_x87", 0, "child %s", why);
		report("posix_handler_starts_with_default_mxcsr", 0, "child %s", why);
		return;
	}
	code = WEXITSTATUS(st);
	if (code & 16)
		code = 0xff;
	report("posix_signal_preserves_general_registers", !(code & 1), "a register changed under a handler (exit %d)",
	       code);
	report("posix_signal_preserves_sse_registers", !(code & 2), "an xmm register changed under a handler (exit %d)",
	       code);
	report("posix_signal_preserves_mxcsr", !(code & 4), "MXCSR changed under a handler (exit %d)", code);
	report("posix_signal_preserves_x87", !(code & 8), "the x87 stack changed under a handler (exit %d)", code);
	report("posix_handler_starts_with_default_mxcsr", !(code & 32),
	       "the handler ran with the interrupted code's MXCSR, not 0x1f80 (exit %d)", code);
}

/* ---- the ucontext the handler gets is what sigreturn restores --------------------- */

void pt_fault_here(void);
void pt_after_fault(void);
static volatile int ucontext_seen;

/* SIGSEGV: skip the faulting instruction by moving rip, and block SIGUSR2 from the frame's mask. */
static void skipping_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig, (void)si;
	if (uc->uc_mcontext.gregs[REG_RIP] == (greg_t)(uintptr_t)pt_fault_here)
		ucontext_seen = 1;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)pt_after_fault;
	uc->uc_mcontext.gregs[REG_RAX] = 0x5eed;
	sigaddset(&uc->uc_sigmask, SIGUSR2);
}

/* Exit bits: 1 rip in the frame was not the faulting instruction, 2 rip not taken back, 4 mask not taken back. */
__attribute__((noinline, noclone)) static int child_ucontext(void)
{
	struct sigaction sa = {.sa_sigaction = skipping_handler, .sa_flags = SA_SIGINFO};
	sigset_t mask;
	long rax;
	int bad = 0;

	sigaction(SIGSEGV, &sa, 0);
	__asm__ volatile(".globl pt_fault_here\n\t.globl pt_after_fault\n\t"
	                 "xor %%eax, %%eax\n"
	                 "pt_fault_here:\n\t"
	                 "movl $1, 0x10\n"
	                 "pt_after_fault:\n\t"
	                 : "=a"(rax)
	                 :
	                 : "memory");
	if (!ucontext_seen)
		bad |= 1;
	if (rax != 0x5eed)
		bad |= 2;
	sigprocmask(SIG_BLOCK, 0, &mask);
	if (!sigismember(&mask, SIGUSR2))
		bad |= 4;
	return bad;
}

static void test_ucontext(void)
{
	int st = 0;
	pid_t pid = pt_fork(child_ucontext);

	report("posix_sigreturn_takes_registers_and_mask_from_frame",
	       pid > 0 && pt_wait(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "child %s (1: frame rip not the faulting instruction, 2: changed rip/rax not restored, 4: changed mask "
	       "not restored)",
	       pt_status(st));
}

/* ---- the alternate stack ---------------------------------------------------- */

static char alt_stack[64 * 1024];
static volatile uintptr_t handler_sp;
static volatile int handler_onstack_flag, handler_eperm;

static void where_am_i(int sig)
{
	volatile char here;
	stack_t now, other = {.ss_sp = alt_stack, .ss_size = sizeof(alt_stack)};

	(void)sig;
	handler_sp = (uintptr_t)&here;
	handler_onstack_flag = sigaltstack(0, &now) == 0 && (now.ss_flags & SS_ONSTACK);
	errno = 0;
	handler_eperm = sigaltstack(&other, 0) == -1 && errno == EPERM;
}

static int on_alt(void)
{
	return handler_sp >= (uintptr_t)alt_stack && handler_sp < (uintptr_t)alt_stack + sizeof(alt_stack);
}

/* Exit bits: 1 not on the alternate stack, 2 SS_ONSTACK not reported, 4 changing it there not EPERM, 8 on it without
 * SA_ONSTACK, 16 sigaltstack failed. */
static int child_altstack(void)
{
	stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof(alt_stack)}, back;
	struct sigaction sa = {.sa_handler = where_am_i, .sa_flags = SA_ONSTACK};
	int bad = 0;

	if (sigaltstack(&ss, 0) != 0 || sigaltstack(0, &back) != 0 || back.ss_sp != alt_stack ||
	    back.ss_size != sizeof(alt_stack) || (back.ss_flags & (SS_DISABLE | SS_ONSTACK)))
		return 16;
	sigaction(SIGUSR1, &sa, 0);
	raise(SIGUSR1);
	if (!on_alt())
		bad |= 1;
	if (!handler_onstack_flag)
		bad |= 2;
	if (!handler_eperm)
		bad |= 4;
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, 0);
	raise(SIGUSR1);
	if (on_alt() || handler_onstack_flag)
		bad |= 8;
	return bad;
}

static void overflow_handler(int sig)
{
	volatile char here;

	(void)sig;
	_exit((uintptr_t)&here >= (uintptr_t)alt_stack && (uintptr_t)&here < (uintptr_t)alt_stack + sizeof(alt_stack)
	          ? 42
	          : 43);
}

static unsigned long recurse(unsigned long n)
{
	volatile char pad[1024];

	pad[0] = (char)n;
	if (n == pt_opaque(~0UL)) /* never: only to keep the compiler from calling this endless */
		return 0;
	return recurse(n + 1) + pad[0];
}

/* Endless recursion: the SIGSEGV handler can run only on the alternate stack; it exits 42 from there. */
static int child_overflow(void)
{
	stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof(alt_stack)};
	struct sigaction sa = {.sa_handler = overflow_handler, .sa_flags = SA_ONSTACK};

	sigaltstack(&ss, 0);
	sigaction(SIGSEGV, &sa, 0);
	return (int)recurse(0);
}

static void test_altstack(void)
{
	int st = 0, r1, r2, e1, e2;
	pid_t pid = pt_fork(child_altstack);
	stack_t small = {.ss_sp = alt_stack, .ss_size = 256},
	        badflags = {.ss_sp = alt_stack, .ss_size = sizeof(alt_stack), .ss_flags = 0x1234};

	if (pid < 0 || pt_wait(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) == 16) {
		report("posix_sigaltstack_sa_onstack", 0, "child %s (16: sigaltstack set/query failed)", pt_status(st));
		report("posix_sigaltstack_without_sa_onstack", 0, "child %s", pt_status(st));
	} else {
		int code = WEXITSTATUS(st);

		report("posix_sigaltstack_sa_onstack", !(code & 7),
		       "exit %d: 1 handler not on the alternate stack, 2 no SS_ONSTACK, 4 changing it there not EPERM",
		       code);
		report("posix_sigaltstack_without_sa_onstack", !(code & 8),
		       "a handler without SA_ONSTACK ran on the alternate stack");
	}
	pid = pt_fork(child_overflow);
	st = 0;
	report("posix_sigaltstack_catches_stack_overflow",
	       pid > 0 && pt_wait(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 42,
	       "child %s (43: the handler ran off the alternate stack)", pt_status(st));
	errno = 0, r1 = sigaltstack(&small, 0);
	e1 = errno;
	errno = 0, r2 = sigaltstack(&badflags, 0);
	e2 = errno;
	report("posix_sigaltstack_errors", r1 == -1 && e1 == ENOMEM && r2 == -1 && e2 == EINVAL,
	       "256 bytes gave %d %s (want ENOMEM), bad flags gave %d %s (want EINVAL)", r1, pt_errname(e1), r2,
	       pt_errname(e2));
}

/* ---- nested handlers ------------------------------------------------------------ */

static volatile int trace[8], trace_n;
static volatile int locals_intact;

static void level3(int sig)
{
	(void)sig;
	trace[trace_n++ & 7] = 3;
}

static void level2(int sig)
{
	(void)sig;
	trace[trace_n++ & 7] = 2;
	raise(SIGHUP);
	trace[trace_n++ & 7] = 20;
}

static void level1(int sig)
{
	volatile uint64_t mine[16];

	(void)sig;
	for (int i = 0; i < 16; i++)
		mine[i] = 0xfeed0000 + (uint64_t)i;
	trace[trace_n++ & 7] = 1;
	raise(SIGUSR2);
	trace[trace_n++ & 7] = 10;
	locals_intact = 1;
	for (int i = 0; i < 16; i++)
		locals_intact = locals_intact && mine[i] == 0xfeed0000 + (uint64_t)i;
}

/* Three handlers nested inside each other: order 1 2 3 20 10, and each one's locals survive the inner ones. */
static int child_nested(void)
{
	static const int want[5] = {1, 2, 3, 20, 10};

	signal(SIGUSR1, level1);
	signal(SIGUSR2, level2);
	signal(SIGHUP, level3);
	raise(SIGUSR1);
	if (trace_n != 5)
		return 1;
	for (int i = 0; i < 5; i++)
		if (trace[i] != want[i])
			return 2;
	return locals_intact ? 0 : 3;
}

static void test_nested(void)
{
	int st = 0;
	pid_t pid = pt_fork(child_nested);

	report("posix_nested_signal_handlers",
	       pid > 0 && pt_wait(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "child %s (1: wrong number of handler steps, 2: wrong order, 3: an outer handler's locals changed)",
	       pt_status(st));
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_registers();
	test_ucontext();
	test_altstack();
	test_nested();
	return 0;
}
