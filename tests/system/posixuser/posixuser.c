/*
 * An unprivileged user process: it can only trap with Linux call numbers,
 * which the kernel turns into messages to posixsrv. It reports through the
 * exit status: bit i set = check i failed (posixsrv names the checks).
 */
#include "../test.h"

int main(void)
{
	long fail = 0;

	fail |= (posix_call(39, 0, 0, 0, 0, 0, 0) != ax_self) << 0;
	fail |= (posix_call(0, 1, 2, 3, 4, 5, 6) != 91) << 1;
	fail |= (posix_call(500, 0, 0, 0, 0, 0, 0) != -AX_ENOSYS) << 2;
	fail |= (posix_call((long)(AX_TRAP_MAGIC | AX_KCALL), 0, 0, 0, 0, 0, 0) != -AX_ENOSYS) << 3;
	fail |= (posix_call(0xffffffffL, 0, 0, 0, 0, 0, 0) != -AX_ENOSYS) << 4;
	posix_call(231, fail, 0, 0, 0, 0, 0);
	for (;;) /* posixsrv destroys us on exit_group */
		;
}
