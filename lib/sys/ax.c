/* Kernel-call wrappers for system processes. */
#include <sys/ax.h>

endpoint_t ax_self;
const struct ax_bootinfo *ax_bootinfo;

int ax_print(const char *s, size_t len)
{
	ax_message m = {.u64 = {(uint64_t)s, len}};

	return ax_kcall(KC_PRINT, &m);
}

int ax_clock(uint64_t *now_ns)
{
	ax_message m = {0};
	int r = ax_kcall(KC_CLOCK, &m);

	*now_ns = m.u64[0];
	return r;
}

/*
 * Now, in ns since boot: from the TSC and the boot information's
 * calibration, as the kernel computes it, without a kernel call (every file
 * request stamps a time). A process without boot information asks.
 */
uint64_t ax_now_ns(void)
{
	uint64_t t = 0;
	uint32_t lo, hi;

	if (ax_bootinfo && ax_bootinfo->tsc_hz) {
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		return ax_clock_ns((uint64_t)hi << 32 | lo, ax_bootinfo->tsc_boot, ax_bootinfo->tsc_hz);
	}
	ax_clock(&t);
	return t;
}

int ax_alarm(uint64_t delay_ns)
{
	ax_message m = {.u64 = {delay_ns}};

	return ax_kcall(KC_ALARM, &m);
}

int ax_devio(unsigned port, unsigned op, uint32_t value, uint32_t *out)
{
	ax_message m = {.u64 = {port, op, value}};
	int r = ax_kcall(KC_DEVIO, &m);

	if (out)
		*out = (uint32_t)m.u64[0];
	return r;
}

int ax_vmalloc(endpoint_t ep, uint64_t va, uint64_t len, unsigned flags)
{
	ax_message m = {.u64 = {(uint64_t)(int64_t)ep, va, len, flags}};

	return ax_kcall(KC_VMALLOC, &m);
}

/* Wait for an alarm; other messages arriving meanwhile wait in the queue. */
int ax_sleep_ms(unsigned ms)
{
	ax_message m;
	int r = ax_alarm((uint64_t)ms * 1000000);

	return r < 0 ? r : ax_receive(AX_CLOCK, &m);
}

_Noreturn void ax_exit(void)
{
	ax_message m = {.u64 = {(uint64_t)(int64_t)AX_SELF}};

	ax_kcall(KC_PROC_DESTROY, &m);
	for (;;) /* unreachable: the kernel never returns to a destroyed process */
		;
}

endpoint_t ax_boot_endpoint(const char *name)
{
	for (uint32_t i = 0; i < ax_bootinfo->count; i++)
		if (strcmp(ax_bootinfo->procs[i].name, name) == 0)
			return ax_bootinfo->procs[i].ep;
	return AX_NONE;
}

/*
 * Power off: QEMU's isa-debug-exit port when status != 0 (a failure code the
 * host sees), else ACPI soft-off on QEMU's PM1a control port. Needs the io
 * privilege for both.
 */
void ax_poweroff(int status)
{
	if (status == 0)
		ax_devio(0x604, AX_IO_OUT16, 0x2000, 0);
	ax_devio(0xf4, AX_IO_OUT8, (uint32_t)status, 0);
}
