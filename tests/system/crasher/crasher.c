/* Dies of a CPU exception at once: crash_pf by a page fault, crash_gp by #GP. */
#include "../test.h"

int main(void)
{
	const char *me = "";

	for (uint32_t i = 0; i < ax_bootinfo->count; i++)
		if (ax_bootinfo->procs[i].ep == ax_self)
			me = ax_bootinfo->procs[i].name;
	if (strcmp(me, "crash_gp") == 0)
		__asm__ volatile("cli"); /* privileged: general protection */
	{
		volatile int *bad;

		__asm__ volatile("mov $8, %0" : "=r"(bad)); /* hide the address from the compiler */
		return *bad; /* unmapped: page fault */
	}
}
