/* A service that writes where nothing is mapped: a page fault (vector 14) at 0xdead000. */
#include <sys/ax.h>

int main(void)
{
	*(volatile int *)0xdead000 = 1;
	return 0;
}
