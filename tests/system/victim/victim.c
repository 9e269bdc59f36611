/* Told to die, it answers, waits the time it was given, and exits. */
#include "../test.h"

int main(void)
{
	ax_message m;

	while (ax_receive(AX_ANY, &m) < 0 || m.type != T_DIE_AFTER)
		;
	ax_sendnb(m.source, &m);
	ax_sleep_ms((unsigned)m.u64[0]);
	return 0;
}
