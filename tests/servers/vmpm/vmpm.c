/*
 * Stands in for pm while pm does not exist: routes the memory calls to vm,
 * describes two user processes' address spaces to vm, and reports what
 * they saw. Named "pm" in the image, because vm takes orders only from pm.
 */
#include <proto/vm.h>

#include "../../system/test.h"

#define NR_EXIT_GROUP 231

static endpoint_t vm;
static endpoint_t routes[NR_EXIT_GROUP + 1];

static const char *const checks[] = {
	"vm_mmap_returns_page_aligned_address", "vm_mmap_pages_zeroed_and_kept", "vm_munmap_and_map_fixed",
	"vm_brk_grows_zeroed_memory", "vm_brk_shrinks", "vm_stack_grows_on_demand",
	"vm_mprotect_read_only_and_back", "vm_mremap_moves_and_keeps_data", "vm_mmap_bad_arguments_refused",
	"vm_munmap_unaligned_einval",
};

static int64_t call(int type, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	ax_message m = {.type = type, .u64 = {a, b, c, d, e}};
	int r = ax_sendrec(vm, &m);

	return r < 0 ? r : m.i64[0];
}

/* What the kernel loaded for a boot process: its image and its 64 KiB stack. */
static int64_t describe(endpoint_t ep)
{
	int64_t r = call(VM_SPACE_NEW, (uint64_t)ep, AX_STACK_TOP, 8 << 20, 0x20000000, 0);

	if (r == 0)
		r = call(VM_REGION, (uint64_t)ep, 0x400000, 0x400000, VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC, 0);
	if (r == 0)
		r = call(VM_REGION, (uint64_t)ep, AX_STACK_TOP - AX_BOOT_STACK, AX_BOOT_STACK,
			 VM_PROT_READ | VM_PROT_WRITE, 0);
	return r;
}

int main(void)
{
	endpoint_t user = ax_boot_endpoint("memuser"), crash = ax_boot_endpoint("memcrash");
	ax_message m;
	int r, waited = 0;

	vm = ax_boot_endpoint("vm");
	for (unsigned i = 0; i <= NR_EXIT_GROUP; i++)
		routes[i] = AX_NONE;
	routes[9] = routes[10] = routes[11] = routes[12] = routes[25] = vm;
	routes[NR_EXIT_GROUP] = ax_self;
	test_eq("vm_routes_installed", ax_kcall(KC_POSIX_ROUTE, &(ax_message){.u64 = {(uint64_t)routes, NR_EXIT_GROUP + 1}}), 0);
	test_eq("vm_describe_user_space", describe(user), 0);
	test_eq("vm_describe_second_space", describe(crash), 0);
	test_eq("vm_overlapping_region_einval", call(VM_REGION, (uint64_t)user, 0x500000, 0x1000, 3, 0), -AX_EINVAL);
	test_eq("vm_unaligned_region_einval", call(VM_REGION, (uint64_t)user, 0x30000010, 0x1000, 3, 0), -AX_EINVAL);
	test_eq("vm_region_for_unknown_process_esrch", call(VM_REGION, 0x7fff01, 0x30000000, 0x1000, 3, 0), -AX_ESRCH);
	m = (ax_message){.type = VM_INFO};
	test_result("vm_info_reports_memory", ax_sendrec(vm, &m) == 0 && m.u64[1] > 0 && m.u64[2] >= m.u64[1],
		    "no memory figures");

	/* memuser runs its checks and ends with exit_group(failed bits). */
	r = receive_within(user, 10000, &m);
	test_result("vm_user_process_finished", r == 0 && m.type == AX_MSG_POSIX + NR_EXIT_GROUP, "no exit_group");
	for (unsigned i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		test_result(checks[i], r == 0 && !(m.u64[0] & (1U << i)), "memuser saw a wrong result");
	ax_kcall(KC_PROC_DESTROY, &(ax_message){.u64 = {(uint64_t)user}});
	test_eq("vm_exit_forgets_space", call(VM_EXIT, (uint64_t)user, 0, 0, 0, 0), 0);
	test_eq("vm_exit_twice_esrch", call(VM_EXIT, (uint64_t)user, 0, 0, 0, 0), -AX_ESRCH);

	/* memcrash touches nothing of its own: vm refuses, the kernel ends it. */
	while (ax_notify(crash) != -AX_EDEADEP && waited++ < 100) /* -EPERM while it lives */
		ax_sleep_ms(20);
	test_eq("vm_fault_outside_regions_ends_process", ax_notify(crash), -AX_EDEADEP);
	test_result("vm_fault_outside_regions_logged", log_contains("page fault at 0000000066660000"), "no log line");
	test_done();
	return 0;
}
