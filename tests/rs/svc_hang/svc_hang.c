/*
 * A service with a heartbeat (100 ms in tests/rs/services). Its first
 * incarnation answers rs's pings by hand, three times, tells rs_check when
 * it answered last, and then hangs: rs must end it within two periods and
 * restart it. The next incarnation tells rs_check it started, then serves
 * with lib/sys's loop, which answers the pings by itself: it must stay up.
 */
#include <sys/server.h>

#include "../rstest.h"

static void tell(uint32_t type, uint64_t when)
{
	ax_message m = {.type = type, .u64 = {when, ax_restarts()}};

	ax_send(ax_boot_endpoint("rs_check"), &m);
}

int main(void)
{
	endpoint_t rs = ax_boot_endpoint("rs");
	uint64_t now = 0;
	int answers = 0;
	ax_message m;

	if (ax_restarts() > 0) {
		ax_clock(&now);
		tell(T_HANG_STARTED, now);
		ax_serve(0, 0, 0);
	}
	while (answers < 3) {
		if (ax_receive(AX_ANY, &m) == 0 && m.type == AX_MSG_NOTIFY && m.source == rs) {
			ax_notify(rs);
			answers++;
		}
	}
	ax_clock(&now);
	tell(T_HANG_NOW, now);
	for (;;)
		__asm__ volatile("pause");
}
