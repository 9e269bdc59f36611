/* A service on musl that ends at once: musl's exit reaches _Exit, which ends the process. */
#include <sys/ax.h>

int main(void)
{
	return 0;
}
