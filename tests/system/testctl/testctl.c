/*
 * The test controller: waits until every boot process named test_* (and a
 * stand-in server named pm, which reports tests too) has reported done, or
 * a minute has passed, prints TESTS DONE and powers off.
 */
#include "../test.h"

int main(void)
{
	unsigned expected = 0;

	for (uint32_t i = 0; i < ax_bootinfo->count; i++)
		if (strncmp(ax_bootinfo->procs[i].name, "test_", 5) == 0 || strcmp(ax_bootinfo->procs[i].name, "pm") == 0)
			expected++;
	test_control("testctl", expected);
}
