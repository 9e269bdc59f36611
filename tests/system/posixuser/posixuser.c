/*
 * An unprivileged user process: it can only trap with Linux call numbers,
 * which the kernel turns into messages to posixsrv. It reports through the
 * exit status: bit i set = check i failed (posixsrv names the checks).
 */
#include "../test.h"

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	long r;
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

int main(void)
{
	long fail = 0;

	fail |= (sys6(39, 0, 0, 0, 0, 0, 0) != ax_self) << 0;
	fail |= (sys6(0, 1, 2, 3, 4, 5, 6) != 91) << 1;
	fail |= (sys6(500, 0, 0, 0, 0, 0, 0) != -AX_ENOSYS) << 2;
	fail |= (sys6((long)(AX_TRAP_MAGIC | AX_KCALL), 0, 0, 0, 0, 0, 0) != -AX_ENOSYS) << 3;
	fail |= (sys6(0xffffffffL, 0, 0, 0, 0, 0, 0) != -AX_ENOSYS) << 4;
	sys6(231, fail, 0, 0, 0, 0, 0);
	for (;;) /* posixsrv destroys us on exit_group */
		;
}
