/*
 * The test controller: waits until every boot process named test_* (and a
 * stand-in server named pm, which reports tests too) has reported done, or
 * a minute has passed, prints TESTS DONE and powers off.
 */
#include "../test.h"

int main(void)
{
	unsigned expected = 0, done = 0;
	ax_message m;

	for (uint32_t i = 0; i < ax_bootinfo->count; i++)
		if (strncmp(ax_bootinfo->procs[i].name, "test_", 5) == 0 || strcmp(ax_bootinfo->procs[i].name, "pm") == 0)
			expected++;
	ax_alarm(60ULL * 1000000000);
	while (done < expected) {
		if (ax_receive(AX_ANY, &m) < 0)
			continue;
		if (m.source == AX_CLOCK) {
			ax_printf("testctl: gave up after 60 s: %u of %u test programs done\n", done, expected);
			break;
		}
		if (m.type == T_DONE)
			done++;
	}
	ax_printf("TESTS DONE\n");
	ax_poweroff(0);
	return 0;
}
