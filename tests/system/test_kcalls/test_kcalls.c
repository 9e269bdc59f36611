/* Kernel calls not covered elsewhere: clock, alarm, log, memory, scheduling. */
#include "../test.h"

#define SCRATCH 0x40000000UL

int main(void)
{
	uint64_t t0, t1;
	ax_message m = {0};
	volatile uint64_t *p = (volatile uint64_t *)SCRATCH;

	test_eq("kcall_null", ax_kcall(KC_NULL, &m), 0);
	ax_clock(&t0);
	ax_clock(&t1);
	test_result("kcall_clock_monotonic", t1 >= t0 && t0 > 0, "clock went backwards");
	test_eq("kcall_sleep_20ms", ax_sleep_ms(20), 0);
	ax_clock(&t1);
	test_result("kcall_alarm_not_early", t1 - t0 >= 20000000, "alarm came early");
	test_result("kcall_alarm_not_very_late", t1 - t0 < 2000000000, "alarm came seconds late");

	ax_printf("test_kcalls: marker 7f3a9c\n");
	test_result("kcall_klog_read_finds_marker", log_contains("marker 7f3a9c"), "marker not in the log");
	test_eq("kcall_klog_read_bad_buffer_efault",
		ax_kcall(KC_KLOG_READ, &(ax_message){.u64 = {0xffff800000000000, 16, 0}}), -AX_EFAULT);
	test_eq("kcall_print_across_user_top_efault",
		ax_kcall(KC_PRINT, &(ax_message){.u64 = {0x7ffffffffff0, 64}}), -AX_EFAULT);
	test_eq("kcall_print_too_long_einval", ax_kcall(KC_PRINT, &(ax_message){.u64 = {SCRATCH, 1 << 20}}),
		-AX_EINVAL);

	test_eq("kcall_vmalloc", ax_vmalloc(AX_SELF, SCRATCH, 8192, AX_MAP_WRITE), 0);
	test_eq("kcall_vmalloc_zeroed", (int64_t)p[0] + (int64_t)p[1023], 0);
	p[0] = 0x1234;
	test_eq("kcall_vmalloc_memory_usable", (int64_t)p[0], 0x1234);
	test_eq("kcall_vunmap", ax_kcall(KC_VUNMAP, &(ax_message){.u64 = {(uint64_t)(int64_t)AX_SELF, SCRATCH, 8192}}), 0);
	test_eq("kcall_vmalloc_again", ax_vmalloc(AX_SELF, SCRATCH, 4096, AX_MAP_WRITE), 0);
	test_eq("kcall_vmalloc_fresh_page_zeroed", (int64_t)p[0], 0);
	test_eq("kcall_vmalloc_unaligned_einval", ax_vmalloc(AX_SELF, SCRATCH + 1, 4096, 0), -AX_EINVAL);
	test_eq("kcall_vmalloc_kernel_half_einval", ax_vmalloc(AX_SELF, 0xffff800000000000, 4096, 0), -AX_EINVAL);
	test_eq("kcall_vmalloc_too_much_enomem", ax_vmalloc(AX_SELF, SCRATCH, 1ULL << 40, 0), -AX_ENOMEM);

	test_eq("kcall_schedule", ax_kcall(KC_SCHEDULE, &(ax_message){.u64 = {(uint64_t)(int64_t)AX_SELF, 7, 20}}), 0);
	test_eq("kcall_schedule_bad_priority_einval",
		ax_kcall(KC_SCHEDULE, &(ax_message){.u64 = {(uint64_t)(int64_t)AX_SELF, 16, 20}}), -AX_EINVAL);
	test_done();
	return 0;
}
