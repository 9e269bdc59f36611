/*
 * A service whose kept state kills it (docs/rs.md, Kept state): its first
 * incarnation marks its kept state and crashes; the second takes the state
 * back, finds the mark and crashes at once; so rs must start the third
 * from defaults, which finds no mark and stays up. The second and third
 * report what they found; the third tells rsctl it is done.
 */
#include <sys/kept.h>

#include "../rstest.h"

#define MAGIC 0x4b455054 /* "KEPT" */

struct state {
	uint64_t poisoned;
};

static void crash(void) { *(volatile int *)0xdead000 = 1; }

int main(void)
{
	bool before;
	struct state *st = ax_kept_take(MAGIC, 1, sizeof(*st), &before);
	unsigned restarts = ax_restarts();

	if (!st) {
		test_result("rs_kept_state_given", 0, "RS_KEPT gave no kept state");
		test_done();
		for (;;)
			ax_receive(AX_ANY, &(ax_message){0});
	}
	if (restarts == 0) { /* the first start: a state that will kill the next incarnation */
		st->poisoned = 1;
		ax_kept_seal();
		crash();
	}
	if (restarts == 1) {
		test_result("rs_kept_state_taken_back_after_a_crash", before && st->poisoned == 1,
			    "the second incarnation did not find the first one's state");
		crash(); /* the state kills it at once */
	}
	test_result("rs_kept_crash_loop_ends_in_defaults", restarts == 2 && !before && st->poisoned == 0,
		    "the third incarnation did not start from defaults");
	test_done();
	for (;;)
		ax_receive(AX_ANY, &(ax_message){0});
}
