/* Time: a 1 kHz tick for scheduling and alarms, the TSC for fine time. */
#include "arch/x86_64/cpu.h"
#include "kernel.h"
#include "proc.h"

uint64_t clock_ticks; /* milliseconds since the timer started */
uint64_t tsc_hz;      /* measured at boot against the PIT */
uint64_t tsc_boot;    /* the TSC at ns 0 (the boot information says it too) */
static uint64_t next_alarm_ns = UINT64_MAX;

void clock_init(void)
{
	tsc_hz = tsc_calibrate();
	if (tsc_hz == 0)
		panic("the TSC does not advance: no clock");
	tsc_boot = rdtsc();
}

uint64_t clock_now_ns(void) { return ax_clock_ns(rdtsc(), tsc_boot, tsc_hz); }

/* Arm (or with delay 0, cancel) p's one alarm. */
void clock_set_alarm(struct proc *p, uint64_t delay_ns)
{
	p->alarm_ns = delay_ns ? clock_now_ns() + delay_ns : 0;
	if (p->alarm_ns && p->alarm_ns < next_alarm_ns)
		next_alarm_ns = p->alarm_ns;
}

/* Timer interrupt: run due alarms, charge the running process. */
void clock_tick(void)
{
	uint64_t now = clock_now_ns();

	clock_ticks++;
	if (now >= next_alarm_ns) {
		next_alarm_ns = UINT64_MAX;
		for (int s = 1; s < AX_NR_SLOTS; s++) {
			struct proc *p = &proc_table[s];

			if ((p->blocked & BLK_FREE) || !p->alarm_ns)
				continue;
			if (p->alarm_ns <= now) {
				p->alarm_ns = 0;
				p->alarm_pending = true;
				ipc_notify_kernel(p, AX_CLOCK);
			} else if (p->alarm_ns < next_alarm_ns) {
				next_alarm_ns = p->alarm_ns;
			}
		}
	}
	sched_tick();
}
