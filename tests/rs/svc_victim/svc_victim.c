/* A well-behaved service that rs_check complains about: rs must restart it all the same. */
#include <sys/server.h>

int main(void)
{
	ax_serve(0, 0, 0);
}
