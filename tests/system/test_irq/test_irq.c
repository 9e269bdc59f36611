/* An interrupt becomes a notification: the RTC's periodic interrupt on IRQ 8. */
#include "../test.h"

static uint32_t cmos_read(unsigned reg)
{
	uint32_t v = 0;

	ax_devio(0x70, AX_IO_OUT8, reg | 0x80, 0);
	ax_devio(0x71, AX_IO_IN8, 0, &v);
	return v;
}

static void cmos_write(unsigned reg, uint32_t v)
{
	ax_devio(0x70, AX_IO_OUT8, reg | 0x80, 0);
	ax_devio(0x71, AX_IO_OUT8, v, 0);
}

int main(void)
{
	ax_message m = {.u64 = {8}};
	int got = 0, bad = 0;

	test_eq("irq_register", ax_kcall(KC_IRQ_REGISTER, &m), 0);
	cmos_write(0xa, (cmos_read(0xa) & 0xf0) | 6); /* 1024 Hz */
	cmos_write(0xb, cmos_read(0xb) | 0x40);      /* periodic interrupt on */
	cmos_read(0xc);
	ax_alarm(2000ULL * 1000000);
	while (got < 3) {
		if (ax_receive(AX_ANY, &m) < 0 || m.source == AX_CLOCK)
			break;
		if (m.source != AX_HARDWARE || m.type != AX_MSG_NOTIFY || !(m.u64[0] & (1 << 8))) {
			bad++;
			continue;
		}
		got++;
		cmos_read(0xc); /* acknowledge at the device, then unmask the line */
		ax_kcall(KC_IRQ_ENABLE, &(ax_message){.u64 = {8}});
	}
	ax_alarm(0);
	cmos_write(0xb, cmos_read(0xb) & ~0x40U);
	test_eq("irq_notifications_received", got, 3);
	test_eq("irq_notifications_well_formed", bad, 0);
	test_eq("irq_disable_own_line", ax_kcall(KC_IRQ_DISABLE, &(ax_message){.u64 = {8}}), 0);
	test_done();
	return 0;
}
