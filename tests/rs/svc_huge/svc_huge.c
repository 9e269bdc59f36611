/*
 * A service that cannot be loaded: its 512 MiB of bss are more memory than
 * the test machine has, so rs fails after it has created the process, and
 * must end and reap that half-built process.
 */
#include <sys/ax.h>

static volatile char huge[512UL << 20];

int main(void)
{
	huge[0] = 1;
	return huge[0];
}
