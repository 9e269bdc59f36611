/* A CPU exception ends only the process that caused it, with a one-line report. */
#include "../test.h"

static int log_has(const char *needle)
{
	static char log[16384];
	ax_message m = {.u64 = {(uint64_t)log, sizeof(log) - 1, 0}};
	size_t n = strlen(needle);

	if (ax_kcall(KC_KLOG_READ, &m) < 0)
		return 0;
	log[m.u64[0]] = 0;
	for (uint64_t i = 0; i + n <= m.u64[0]; i++)
		if (memcmp(log + i, needle, n) == 0)
			return 1;
	return 0;
}

int main(void)
{
	ax_message m = {.type = T_HELLO};

	ax_sleep_ms(50); /* the crashers ran at boot */
	test_eq("exception_page_fault_ends_process", ax_send(ax_boot_endpoint("crash_pf"), &m), -AX_EDEADEP);
	test_eq("exception_gp_ends_process", ax_send(ax_boot_endpoint("crash_gp"), &m), -AX_EDEADEP);
	test_result("exception_page_fault_reported",
		    log_has("crash_pf (endpoint") && log_has("page fault (vector 14) at address 0000000000000008"),
		    "no report line");
	test_result("exception_gp_reported", log_has("crash_gp (endpoint") && log_has("general protection (vector 13)"),
		    "no report line");
	test_result("exception_others_keep_running", 1, "");
	test_done();
	return 0;
}
