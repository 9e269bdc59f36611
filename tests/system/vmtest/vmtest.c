/*
 * Stands in for vm: takes POSIX processes' page faults, resolves the first
 * by mapping a zeroed page, refuses the second, and reports.
 */
#include "../test.h"

static int next_fault(ax_message *m)
{
	int r = receive_within(ax_boot_endpoint("faulter"), 5000, m);

	return r == 0 && m->type == AX_MSG_PAGEFAULT ? 0 : -1;
}

int main(void)
{
	endpoint_t faulter = ax_boot_endpoint("faulter");
	ax_message m;

	test_eq("vm_handler_registered", ax_kcall(KC_VM_HANDLER, &(ax_message){.i64 = {AX_SELF}}), 0);
	if (next_fault(&m) < 0) {
		test_result("vm_fault_message_received", 0, "no fault message within 5 s");
		test_done();
		return 0;
	}
	test_result("vm_fault_message_received", m.source == faulter, "wrong source");
	test_eq("vm_fault_address", (int64_t)m.u64[0], 0x50000000);
	test_eq("vm_fault_error_code_user_read_not_present", (int64_t)(m.u64[1] & 7), 4);
	test_result("vm_fault_rip_in_program", m.u64[2] >= 0x400000 && m.u64[2] < 0x500000, "rip outside the program");
	test_eq("vm_map_page_for_faulter", ax_vmalloc(faulter, 0x50000000, 4096, AX_MAP_WRITE), 0);
	m.i64[0] = 0;
	test_eq("vm_resolve_reply", ax_sendnb(faulter, &m), 0);

	if (next_fault(&m) < 0) {
		test_result("vm_fault_resolved_and_process_resumed", 0, "no second fault within 5 s");
		test_done();
		return 0;
	}
	test_eq("vm_fault_resolved_and_process_resumed", (int64_t)(m.u64[0] & ~0x1000ULL & ~0x2000ULL), 0x60000000);
	test_eq("vm_resolved_page_zeroed_and_writable", (int64_t)(m.u64[0] & 0x1000), 0);
	test_eq("vm_registers_intact_across_fault", (int64_t)(m.u64[0] & 0x2000), 0);
	m.i64[0] = -AX_EFAULT;
	ax_sendnb(faulter, &m);
	test_eq("vm_refused_fault_ends_process", ax_notify(faulter), -AX_EDEADEP);
	test_result("vm_refused_fault_reported", log_contains("faulter (endpoint") &&
			    log_contains("vm could not resolve its page fault"), "no log line");
	test_done();
	return 0;
}
