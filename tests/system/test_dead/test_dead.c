/* Dead endpoints: blocked senders and receivers learn of a death; slots get new generations. */
#include "../test.h"

/* Ask v to die ms from now; returns once it has acknowledged. */
static int order_death(endpoint_t v, unsigned ms)
{
	ax_message m = {.type = T_DIE_AFTER, .u64 = {ms}};

	return ax_sendrec(v, &m);
}

int main(void)
{
	endpoint_t v1 = ax_boot_endpoint("victim1"), v2 = ax_boot_endpoint("victim2"), fresh;
	ax_message m = {.type = T_HELLO};
	ax_message c = {.i64 = {v1 & (AX_NR_SLOTS - 1)}};
	uint64_t name = 0x6e6962657221; /* "!rebin" little-endian: any short name */

	test_eq("dead_order_acknowledged", order_death(v1, 50), 0);
	test_eq("dead_blocked_sender_woken_with_edeadep", ax_send(v1, &m), -AX_EDEADEP);
	test_eq("dead_endpoint_send_edeadep", ax_send(v1, &m), -AX_EDEADEP);
	test_eq("dead_endpoint_sendrec_edeadep", ax_sendrec(v1, &m), -AX_EDEADEP);
	test_eq("dead_endpoint_notify_edeadep", ax_notify(v1), -AX_EDEADEP);
	test_eq("dead_endpoint_receive_edeadep", ax_receive(v1, &m), -AX_EDEADEP);

	order_death(v2, 50);
	test_eq("dead_blocked_receiver_woken_with_edeadep", ax_receive(v2, &m), -AX_EDEADEP);

	/* A new process in the dead one's slot has a new endpoint; the old stays dead. */
	c.u64[1] = (uint64_t)&name;
	test_eq("dead_slot_reused", ax_kcall(KC_PROC_CREATE, &c), 0);
	fresh = (endpoint_t)c.i64[0];
	test_result("dead_slot_reuse_new_generation",
		    (fresh & (AX_NR_SLOTS - 1)) == (v1 & (AX_NR_SLOTS - 1)) && fresh != v1, "same endpoint");
	test_eq("dead_old_endpoint_still_dead", ax_send(v1, &m), -AX_EDEADEP);
	c.i64[0] = fresh;
	test_eq("dead_destroy_created", ax_kcall(KC_PROC_DESTROY, &c), 0);
	test_eq("dead_destroyed_endpoint_edeadep", ax_notify(fresh), -AX_EDEADEP);
	test_done();
	return 0;
}
