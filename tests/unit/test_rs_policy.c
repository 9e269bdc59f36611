/* rs's recovery policy: streaks of failures, exponential back-off, giving up. */
#include "check.h"
#include "../../servers/rs/policy.h"

static void first_restart_is_immediate(void)
{
	CHECK(policy_backoff_ms(1) == 0);
	CHECK(policy_backoff_ms(0) == 0);
}

static void backoff_doubles_then_caps(void)
{
	CHECK(policy_backoff_ms(2) == POLICY_BACKOFF_FIRST_MS);
	CHECK(policy_backoff_ms(3) == 2 * POLICY_BACKOFF_FIRST_MS);
	CHECK(policy_backoff_ms(4) == 4 * POLICY_BACKOFF_FIRST_MS);
	for (unsigned s = 2; s < 40; s++)
		CHECK(policy_backoff_ms(s + 1) >= policy_backoff_ms(s));
	CHECK(policy_backoff_ms(30) == POLICY_BACKOFF_CAP_MS);
	CHECK(policy_backoff_ms(1000) == POLICY_BACKOFF_CAP_MS);
	CHECK(policy_backoff_ms(~0u) == POLICY_BACKOFF_CAP_MS);
}

static void streak_grows_while_unstable(void)
{
	CHECK(policy_streak(0, 0) == 1);
	CHECK(policy_streak(1, 5) == 2);
	CHECK(policy_streak(2, POLICY_STABLE_NS - 1) == 3);
}

static void stable_run_resets_streak(void)
{
	CHECK(policy_streak(7, POLICY_STABLE_NS) == 1);
	CHECK(policy_streak(1000, POLICY_STABLE_NS * 100) == 1);
}

/* restarts 2: deaths 1 and 2 are restarted, death 3 makes it failed: started 3 times in all. */
static void gives_up_after_restarts(void)
{
	CHECK(!policy_give_up(1, 2));
	CHECK(!policy_give_up(2, 2));
	CHECK(policy_give_up(3, 2));
	CHECK(policy_give_up(1, 0)); /* restarts 0: the first death is final */
}

int main(void)
{
	RUN(first_restart_is_immediate);
	RUN(backoff_doubles_then_caps);
	RUN(streak_grows_while_unstable);
	RUN(stable_run_resets_streak);
	RUN(gives_up_after_restarts);
	return check_exit();
}
