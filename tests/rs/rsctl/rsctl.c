/*
 * The controller of rs's test image: waits until every reporting service
 * has sent T_DONE (or a minute has passed), prints TESTS DONE and powers
 * off. It is a boot process, so services find it in their boot info.
 */
#include "../rstest.h"

int main(void)
{
	unsigned done = 0;
	ax_message m;

	ax_alarm(60ULL * 1000000000);
	while (done < RS_REPORTERS) {
		if (ax_receive(AX_ANY, &m) < 0)
			continue;
		if (m.source == AX_CLOCK) {
			ax_printf("rsctl: gave up after 60 s: %u of %u test services done\n", done, RS_REPORTERS);
			break;
		}
		if (m.type == T_DONE)
			done++;
	}
	ax_printf("TESTS DONE\n");
	ax_poweroff(0);
	return 0;
}
