/*
 * The first boot process of the default image until the POSIX servers
 * arrive: it greets, shows what the kernel started, and powers off.
 */
#include <sys/ax.h>

int main(void)
{
	uint64_t now;

	ax_clock(&now);
	ax_printf("hello: Axolotl microkernel up in %lu ms; boot processes:\n", now / 1000000);
	for (uint32_t i = 0; i < ax_bootinfo->count; i++)
		ax_printf("hello:   %-15s endpoint %d\n", ax_bootinfo->procs[i].name, ax_bootinfo->procs[i].ep);
	ax_printf("hello: nothing more to run yet (pm, vfs and a shell come next): powering off\n");
	ax_poweroff(0);
	return 0;
}
