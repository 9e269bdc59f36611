/*
 * What lets musl's own start-up and exit run in a system process without
 * any POSIX call: the thread pointer is set by a kernel call, and leaving
 * ends the process by a kernel call. Linked before libc.a, these replace
 * musl's __set_thread_area and _Exit archive members.
 */
#include <sys/ax.h>

int __set_thread_area(void *p)
{
	ax_message m = {.u64 = {(uint64_t)(int64_t)AX_SELF, (uint64_t)p}};

	return ax_kcall(KC_SET_FS, &m);
}

_Noreturn void _Exit(int status)
{
	(void)status;
	ax_exit();
}

/* Runs before main: who am I, and where is the boot information? */
__attribute__((constructor)) static void find_self(void)
{
	ax_bootinfo = (const struct ax_bootinfo *)AX_BOOTINFO_ADDR;
	ax_self = ax_bootinfo->self;
}
