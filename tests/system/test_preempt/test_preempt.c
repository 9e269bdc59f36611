/*
 * The spinner never blocks. If this program runs at all, and sees gaps
 * in its own time where the spinner ran, the timer preempted it.
 */
#include "../test.h"

int main(void)
{
	uint64_t start = now_ms(), last = start, gaps = 0, own = 0;

	while (now_ms() - start < 300) {
		uint64_t t = now_ms();

		if (t - last >= 5)
			gaps++;  /* the spinner ran */
		else
			own += t - last; /* this program ran */
		last = t;
	}
	/* round robin with one spinner of the same priority: about half the time each; a tenth at least
	   (a busy host takes some of the 300 ms too) */
	test_result("preempt_spinning_process_does_not_starve_others", own >= 30, "ran under 30 of 300 ms");
	test_result("preempt_time_sliced_with_spinner", gaps > 0, "never preempted while the spinner ran");
	start = now_ms();
	ax_sleep_ms(20);
	test_result("preempt_alarm_fires_despite_spinner", now_ms() - start >= 20, "woke early");
	test_done();
	return 0;
}
