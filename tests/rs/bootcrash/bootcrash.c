/* A boot process whose line says super=rs but which the table does not list: it executes ud2. */
#include <sys/ax.h>

int main(void)
{
	__builtin_trap();
}
