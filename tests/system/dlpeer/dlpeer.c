/* Blocks sending to test_deadlock, so that test_deadlock can try to close the cycle. */
#include "../test.h"

int main(void)
{
	ax_message m = {.type = T_HELLO};

	ax_send(ax_boot_endpoint("test_deadlock"), &m);
	for (;;)
		ax_sleep_ms(3600 * 1000);
}
