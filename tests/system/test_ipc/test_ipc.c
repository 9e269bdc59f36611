/* Each IPC primitive against the echo server, and IPC argument errors. */
#include "../test.h"

static void sendrec_roundtrip(endpoint_t echo)
{
	ax_message m = {.type = T_ECHO, .u64 = {10, 20, 30, 40, 50, 60}};
	int r = ax_sendrec(echo, &m);
	int ok = r == 0 && m.source == echo;

	for (int i = 0; i < 6; i++)
		ok = ok && m.u64[i] == (uint64_t)(i + 1) * 10 + 1;
	test_result("ipc_sendrec_roundtrip", ok, "reply payload or source wrong");
}

static void source_not_forgeable(endpoint_t echo)
{
	ax_message m = {.source = 12345, .type = T_ECHO};

	ax_sendrec(echo, &m);
	test_eq("ipc_source_set_by_kernel", (int64_t)m.u64[6], ax_self);
}

static void send_then_receive(endpoint_t echo)
{
	ax_message m = {.type = T_LATER};
	int r1 = ax_send(echo, &m), r2;

	m.u64[0] = 0;
	r2 = ax_receive(echo, &m);
	test_result("ipc_send_and_receive_from", r1 == 0 && r2 == 0 && m.u64[0] == 0xfeed && m.source == echo,
		    "send or receive failed");
}

static void sendnb(endpoint_t echo, endpoint_t idler)
{
	ax_message m = {.type = T_IGNORE};

	test_eq("ipc_sendnb_nobody_waiting_eagain", ax_sendnb(idler, &m), -AX_EAGAIN);
	m.type = T_ECHO; /* echo answers with replyrecv: it is receiving again when we run */
	ax_sendrec(echo, &m);
	m.type = T_IGNORE;
	test_eq("ipc_sendnb_receiver_waiting", ax_sendnb(echo, &m), 0);
}

static void notify_coalesced(endpoint_t echo)
{
	ax_message m = {.type = T_NOTIFY_TEST};
	int r = ax_sendrec(echo, &m);

	for (int i = 0; i < 3; i++)
		r |= ax_notify(echo);
	m.type = T_COUNT;
	r |= ax_sendrec(echo, &m);
	test_eq("ipc_notify_status", r, 0);
	test_eq("ipc_notify_coalesced_once_from_sender", (int64_t)m.u64[0], 1);
}

static void bad_arguments(endpoint_t echo)
{
	ax_message m = {.type = T_ECHO};

	test_eq("ipc_never_used_endpoint_einval", ax_send(0x7fffff05, &m), -AX_EINVAL);
	test_eq("ipc_slot_zero_einval", ax_send(1 << AX_SLOT_BITS, &m), -AX_EINVAL);
	test_eq("ipc_special_endpoint_einval", ax_send(AX_ANY, &m), -AX_EINVAL);
	test_eq("ipc_null_buffer_efault", ax_sendrec(echo, (ax_message *)16), -AX_EFAULT);
	test_eq("ipc_unmapped_buffer_efault", ax_sendrec(echo, (ax_message *)0x500000000), -AX_EFAULT);
	test_eq("ipc_kernel_buffer_efault", ax_sendrec(echo, (ax_message *)0xffffffff80100000), -AX_EFAULT);
	test_eq("ipc_unknown_operation_enosys", ax_trap(99, echo, &m, 0), -AX_ENOSYS);
	test_eq("ipc_sendrec_to_self_refused", ax_sendrec(ax_self, &m), -AX_EDEADLK);
}

int main(void)
{
	endpoint_t echo = ax_boot_endpoint("echo");

	sendrec_roundtrip(echo);
	source_not_forgeable(echo);
	send_then_receive(echo);
	sendnb(echo, ax_boot_endpoint("idler"));
	notify_coalesced(echo);
	bad_arguments(echo);
	test_done();
	return 0;
}
