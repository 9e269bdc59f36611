/*
 * A service whose privileges are exactly those of its table entry
 * (tests/rs/services): kernel calls print clock devio irqreg vmap, IPC to
 * ds and rsctl, ports 0x70-0x71, IRQ 8, physical 0xb8000-0xb8fff, no flag
 * but system. What is listed works; what is not gets -EPERM.
 */
#include <proto/ds.h>

#include "../rstest.h"

#define MAP_AT 0x300000000UL

static int kc(unsigned call, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	return ax_kcall(call, &(ax_message){.u64 = {a, b, c, d, e}});
}

static void ipc_checks(void)
{
	ax_message m = {.type = DS_LOOKUP};
	struct ds_request *rq = (struct ds_request *)m.bytes;
	int r;

	memcpy(rq->label, "nobody", 7);
	r = ax_sendrec(ax_boot_endpoint("ds"), &m);
	test_result("rs_priv_listed_ipc_target_works", r == 0 && m.i64[0] == -AX_ESRCH, "ds did not answer");
	test_eq("rs_priv_unlisted_boot_process_eperm", ax_notify(ax_boot_endpoint("rs")), -AX_EPERM);
	test_eq("rs_priv_unlisted_service_eperm", ax_notify(ax_boot_endpoint("rs_start")), -AX_EPERM);
}

static void kcall_checks(void)
{
	ax_message m = {0};

	test_eq("rs_priv_listed_kernel_call_works", ax_kcall(KC_CLOCK, &m), 0);
	test_eq("rs_priv_unlisted_kernel_call_eperm", ax_kcall(KC_MEMINFO, &m), -AX_EPERM);
	m = (ax_message){.u64 = {(uint64_t)-1, (uint64_t)"evil"}};
	test_eq("rs_priv_unlisted_create_eperm", ax_kcall(KC_PROC_CREATE, &m), -AX_EPERM);
}

static void device_checks(void)
{
	uint32_t v;

	test_eq("rs_priv_listed_io_port_works", ax_devio(0x71, AX_IO_IN8, 0, &v), 0);
	test_eq("rs_priv_unlisted_io_port_eperm", ax_devio(0x72, AX_IO_IN8, 0, &v), -AX_EPERM);
	test_eq("rs_priv_io_access_past_range_eperm", ax_devio(0x71, AX_IO_IN16, 0, &v), -AX_EPERM);
	test_eq("rs_priv_listed_irq_works", kc(KC_IRQ_REGISTER, 8, 0, 0, 0, 0), 0);
	test_eq("rs_priv_unlisted_irq_eperm", kc(KC_IRQ_REGISTER, 9, 0, 0, 0, 0), -AX_EPERM);
	test_eq("rs_priv_listed_memory_works",
		kc(KC_VMAP, (uint64_t)(int64_t)AX_SELF, MAP_AT, 0xb8000, 4096, AX_MAP_WRITE), 0);
	test_eq("rs_priv_unlisted_memory_eperm",
		kc(KC_VMAP, (uint64_t)(int64_t)AX_SELF, MAP_AT + 4096, 0xb9000, 4096, AX_MAP_WRITE), -AX_EPERM);
}

int main(void)
{
	ipc_checks();
	kcall_checks();
	device_checks();
	test_done();
	for (;;) {
		ax_message m;

		ax_receive(AX_ANY, &m);
	}
}
