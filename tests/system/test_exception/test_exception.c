/* A CPU exception ends only the process that caused it, with a one-line report. */
#include "../test.h"

int main(void)
{
	ax_message m = {.type = T_HELLO};

	ax_sleep_ms(50); /* the crashers ran at boot */
	test_eq("exception_page_fault_ends_process", ax_send(ax_boot_endpoint("crash_pf"), &m), -AX_EDEADEP);
	test_eq("exception_gp_ends_process", ax_send(ax_boot_endpoint("crash_gp"), &m), -AX_EDEADEP);
	test_result("exception_page_fault_reported",
		    log_contains("crash_pf (endpoint") && log_contains("page fault (vector 14) at address 0000000000000008"),
		    "no report line");
	test_result("exception_gp_reported", log_contains("crash_gp (endpoint") && log_contains("general protection (vector 13)"),
		    "no report line");
	/* idler receives only from the clock: a send it cannot take now says it is alive (EAGAIN), not dead */
	test_eq("exception_others_keep_running", ax_sendnb(ax_boot_endpoint("idler"), &m), -AX_EAGAIN);
	test_done();
	return 0;
}
