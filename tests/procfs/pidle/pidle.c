/* Exec'd by pinit in procfs's test image with arguments: it only sleeps, so procfs_check sees it. */
#include "../../system/test.h"

int main(void)
{
	for (;;)
		posix_call(34 /* pause */, 0, 0, 0, 0, 0, 0);
}
