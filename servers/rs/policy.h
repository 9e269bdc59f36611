/*
 * rs's recovery policy: when a service that ended is started again, and
 * when rs gives up on it. Pure logic, tested on the host
 * (tests/unit/test_rs_policy.c).
 *
 * A service's *streak* counts its failures in a row. A death after a
 * stable run (POLICY_STABLE_NS of uptime) starts a new streak at 1. The
 * first restart of a streak is immediate, so a one-off crash costs no
 * waiting; each further one waits twice as long as the one before, from
 * POLICY_BACKOFF_FIRST_MS up to POLICY_BACKOFF_CAP_MS, so a crash loop
 * cannot eat the machine. Once the streak passes the table's `restarts`,
 * the service is marked failed and left down until `service up`.
 */
#ifndef RS_POLICY_H
#define RS_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#define POLICY_STABLE_NS (10ULL * 1000000000) /* an incarnation that ran this long was healthy */
#define POLICY_BACKOFF_FIRST_MS 200ULL         /* the wait before the second restart of a streak */
#define POLICY_BACKOFF_CAP_MS 10000ULL         /* never longer than this */

/* The streak after a death: uptime_ns is how long the incarnation that died ran. */
static inline unsigned policy_streak(unsigned streak, uint64_t uptime_ns)
{
	return uptime_ns >= POLICY_STABLE_NS ? 1 : streak + 1;
}

/* Too many failures in a row: with `restarts` allowed, the streak's death number streak is one too many. */
static inline bool policy_give_up(unsigned streak, unsigned restarts)
{
	return streak > restarts;
}

/* How long to wait before the restart that follows death number streak (>= 1) of a streak. */
static inline uint64_t policy_backoff_ms(unsigned streak)
{
	uint64_t ms = POLICY_BACKOFF_FIRST_MS;

	if (streak <= 1)
		return 0;
	for (unsigned i = 2; i < streak && ms < POLICY_BACKOFF_CAP_MS; i++)
		ms *= 2;
	return ms < POLICY_BACKOFF_CAP_MS ? ms : POLICY_BACKOFF_CAP_MS;
}

#endif
