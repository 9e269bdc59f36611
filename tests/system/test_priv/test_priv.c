/*
 * Every privilege check refuses what this process was not given, with an
 * error, and the process keeps running. It holds: print, devio (ports
 * 0x70-0x71), irqreg and irqon (no lines), vmap (0xb8000-0xb8fff), and may
 * send only to testctl.
 */
#include "../test.h"

static int kcall1(unsigned call, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	ax_message m = {.u64 = {a0, a1, a2, a3, a4}};

	return ax_kcall(call, &m);
}

int main(void)
{
	endpoint_t echo = ax_boot_endpoint("echo");
	ax_message m = {.type = T_ECHO};
	uint32_t v;

	test_eq("priv_send_to_unlisted_target_eperm", ax_send(echo, &m), -AX_EPERM);
	test_eq("priv_sendrec_to_unlisted_target_eperm", ax_sendrec(echo, &m), -AX_EPERM);
	test_eq("priv_notify_unlisted_target_eperm", ax_notify(echo), -AX_EPERM);

	test_eq("priv_kcall_clock_denied", kcall1(KC_CLOCK, 0, 0, 0, 0, 0), -AX_EPERM);
	test_eq("priv_kcall_create_denied", kcall1(KC_PROC_CREATE, (uint64_t)-1, (uint64_t)"x", 0, 0, 0), -AX_EPERM);
	test_eq("priv_kcall_priv_set_denied", kcall1(KC_PRIV_SET, (uint64_t)(int64_t)AX_SELF, 0, 0, 0, 0), -AX_EPERM);
	test_eq("priv_kcall_destroy_other_denied", kcall1(KC_PROC_DESTROY, (uint64_t)echo, 0, 0, 0, 0), -AX_EPERM);
	test_eq("priv_kcall_unknown_enosys", kcall1(200, 0, 0, 0, 0, 0), -AX_ENOSYS);

	test_eq("priv_io_granted_port_ok", ax_devio(0x71, AX_IO_IN8, 0, &v), 0);
	test_eq("priv_io_other_port_eperm", ax_devio(0x60, AX_IO_IN8, 0, &v), -AX_EPERM);
	test_eq("priv_io_write_other_port_eperm", ax_devio(0xf4, AX_IO_OUT8, 1, 0), -AX_EPERM);
	test_eq("priv_io_wide_access_past_range_eperm", ax_devio(0x71, AX_IO_IN16, 0, &v), -AX_EPERM);

	test_eq("priv_irq_unlisted_line_eperm", kcall1(KC_IRQ_REGISTER, 8, 0, 0, 0, 0), -AX_EPERM);
	test_eq("priv_irq_enable_not_owner_eperm", kcall1(KC_IRQ_ENABLE, 5, 0, 0, 0, 0), -AX_EPERM);
	test_eq("priv_irq_timer_line_einval", kcall1(KC_IRQ_REGISTER, 0, 0, 0, 0, 0), -AX_EINVAL);

	test_eq("priv_vmap_granted_range_ok",
		kcall1(KC_VMAP, (uint64_t)(int64_t)AX_SELF, 0x50000000, 0xb8000, 4096, AX_MAP_WRITE), 0);
	test_eq("priv_vmap_other_memory_eperm",
		kcall1(KC_VMAP, (uint64_t)(int64_t)AX_SELF, 0x50001000, 0x100000, 4096, AX_MAP_WRITE), -AX_EPERM);
	test_eq("priv_vmap_range_past_grant_eperm",
		kcall1(KC_VMAP, (uint64_t)(int64_t)AX_SELF, 0x50001000, 0xb8000, 8192, AX_MAP_WRITE), -AX_EPERM);
	test_eq("priv_vmap_kernel_address_einval",
		kcall1(KC_VMAP, (uint64_t)(int64_t)AX_SELF, 0xffff800000000000, 0xb8000, 4096, 0), -AX_EINVAL);

	/* A system process's POSIX trap is refused, not routed. */
	{
		long r;

		__asm__ volatile("syscall" : "=a"(r) : "a"(39L) : "rcx", "r11", "memory");
		test_eq("priv_system_process_getpid_refused", r, -AX_ENOSYS);
	}
	/* after every refusal, what it may do still works: the mapping it holds, and a second one */
	test_result("priv_process_survives_refusals",
		    *(volatile uint16_t *)0x50000000 == *(volatile uint16_t *)0x50000000 &&
			    kcall1(KC_VMAP, (uint64_t)(int64_t)AX_SELF, 0x50010000, 0xb8000, 4096, 0) == 0 &&
			    *(volatile uint16_t *)0x50010000 == *(volatile uint16_t *)0x50000000,
		    "a permitted mapping failed after the refusals");
	test_done();
	return 0;
}
