/*
 * A service that crashes right after it starts, every time: rs restarts it
 * (restarts 2 in tests/rs/services), with a growing back-off, then marks it
 * failed. Each incarnation first tells rs_check who it is, which restart
 * it is (its boot information says) and when it started.
 */
#include "../rstest.h"

int main(void)
{
	ax_message m = {.type = T_LOOP_STARTED};
	uint64_t now = 0;

	ax_clock(&now);
	m.u64[0] = now;
	m.u64[1] = ax_restarts();
	m.i64[2] = ax_self;
	ax_send(ax_boot_endpoint("rs_check"), &m);
	__asm__ volatile("ud2");
	return 0;
}
