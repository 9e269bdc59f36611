/* Receives only from the clock, so that a non-blocking send to it fails. */
#include "../test.h"

int main(void)
{
	for (;;)
		ax_sleep_ms(3600 * 1000);
}
