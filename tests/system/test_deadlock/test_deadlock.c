/* A send that would close a cycle of blocked senders is refused. */
#include "../test.h"

int main(void)
{
	endpoint_t peer = ax_boot_endpoint("dlpeer");
	ax_message m = {.type = T_HELLO};

	ax_sleep_ms(50); /* dlpeer is now blocked sending to us */
	test_eq("deadlock_sendrec_cycle_refused", ax_sendrec(peer, &m), -AX_EDEADLK);
	test_eq("deadlock_send_cycle_refused", ax_send(peer, &m), -AX_EDEADLK);
	test_eq("deadlock_sendrec_self_refused", ax_sendrec(ax_self, &m), -AX_EDEADLK);
	test_result("deadlock_peer_message_still_delivered",
		    ax_receive(peer, &m) == 0 && m.type == T_HELLO && m.source == peer, "no message");
	test_done();
	return 0;
}
