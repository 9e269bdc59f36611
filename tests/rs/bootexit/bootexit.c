/* A boot process whose line says super=rs, and which the table adopts (`boot`): it ends at once. */
#include <sys/ax.h>

int main(void)
{
	return 0; /* start.S ends the process */
}
