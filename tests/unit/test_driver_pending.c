/*
 * The driver library's table of waiting character requests (lib/driver/pending.c):
 * what a restarted driver does with its predecessor's requests when the client asks again.
 */
#include "check.h"

#include <driver/pending.h>

#define N 4

static struct drv_io table[N];

static struct drv_io request(int32_t client, uint32_t id, bool write, uint64_t len)
{
	return (struct drv_io){.client = client, .id = id, .write = write, .minor = 0x400040, .len = len, .grant = 7,
			       .granter = client, .started_ns = id};
}

static void reset(void) { memset(table, 0, sizeof(table)); }

static void a_new_request_is_kept_and_found(void)
{
	struct drv_io rq = request(5, 1, false, 100), *slot;

	reset();
	CHECK(drv_io_claim(table, N, &rq, false, &slot) == DRV_CLAIM_NEW && !slot);
	CHECK(drv_io_add(table, N, &rq) == &table[0]);
	CHECK(drv_io_find(table, N, 5, 1) == &table[0]);
	CHECK(!drv_io_find(table, N, 6, 1) && !drv_io_find(table, N, 5, 2));
}

static void the_same_id_twice_is_a_duplicate(void)
{
	struct drv_io rq = request(5, 1, false, 100), *slot;

	reset();
	drv_io_add(table, N, &rq);
	CHECK(drv_io_claim(table, N, &rq, false, &slot) == DRV_CLAIM_DUPLICATE);
	CHECK(drv_io_claim(table, N, &rq, true, &slot) == DRV_CLAIM_DUPLICATE); /* not an orphan: reissue changes nothing */
}

static void after_a_restart_a_reissued_write_goes_on_from_its_progress(void)
{
	struct drv_io rq = request(5, 1, true, 100), *slot, *kept;

	reset();
	kept = drv_io_add(table, N, &rq);
	kept->done = 40;
	CHECK(drv_io_orphan_all(table, N) == 1 && kept->orphan);
	rq.grant = 9; /* the client's fresh grant over the same buffer */
	CHECK(drv_io_claim(table, N, &rq, true, &slot) == DRV_CLAIM_RESUMED);
	CHECK(slot == kept && !slot->orphan && slot->done == 40 && slot->grant == 9);
}

static void a_finished_orphan_gives_its_result(void)
{
	struct drv_io rq = request(5, 3, false, 10), *slot, *kept;

	reset();
	kept = drv_io_add(table, N, &rq);
	kept->finished = 1;
	kept->result = 6;
	drv_io_orphan_all(table, N);
	CHECK(!drv_io_next_done(table, N, 5)); /* an orphan is not reported: its client has to ask again */
	CHECK(drv_io_claim(table, N, &rq, true, &slot) == DRV_CLAIM_RESUMED && slot->finished && slot->result == 6);
}

static void an_orphan_not_asked_for_again_is_replaced(void)
{
	struct drv_io rq = request(5, 1, true, 100), other = request(5, 1, true, 50), *slot, *kept;

	reset();
	kept = drv_io_add(table, N, &rq);
	kept->done = 40;
	drv_io_orphan_all(table, N);
	CHECK(drv_io_claim(table, N, &rq, false, &slot) == DRV_CLAIM_REPLACED && !slot && !kept->used); /* no DEV_REISSUE */

	kept = drv_io_add(table, N, &rq);
	kept->done = 40;
	drv_io_orphan_all(table, N);
	CHECK(drv_io_claim(table, N, &other, true, &slot) == DRV_CLAIM_REPLACED && !kept->used); /* another length */

	kept = drv_io_add(table, N, &rq);
	drv_io_orphan_all(table, N);
	other = request(5, 1, false, 100); /* a read now, where a write was */
	CHECK(drv_io_claim(table, N, &other, true, &slot) == DRV_CLAIM_REPLACED && !kept->used);
}

static void orphans_give_way_to_live_requests_oldest_first(void)
{
	struct drv_io rq;

	reset();
	for (uint32_t id = 1; id <= N; id++) {
		rq = request(5, 10 - id, false, 1); /* started_ns = id: the last one is the oldest */
		drv_io_add(table, N, &rq);
	}
	rq = request(5, 20, false, 1);
	CHECK(!drv_io_add(table, N, &rq)); /* all live */
	drv_io_orphan_all(table, N);
	CHECK(drv_io_add(table, N, &rq) == &table[N - 1] && table[N - 1].id == 20 && !table[N - 1].orphan);
	CHECK(drv_io_add(table, N, &rq) == &table[N - 2]);
}

static void finished_requests_are_reported_per_client(void)
{
	struct drv_io a = request(5, 1, false, 1), b = request(6, 1, false, 1);

	reset();
	drv_io_add(table, N, &a);
	drv_io_add(table, N, &b)->finished = 1;
	CHECK(!drv_io_next_done(table, N, 5));
	CHECK(drv_io_next_done(table, N, 6) == &table[1]);
}

int main(void)
{
	RUN(a_new_request_is_kept_and_found);
	RUN(the_same_id_twice_is_a_duplicate);
	RUN(after_a_restart_a_reissued_write_goes_on_from_its_progress);
	RUN(a_finished_orphan_gives_its_result);
	RUN(an_orphan_not_asked_for_again_is_replaced);
	RUN(orphans_give_way_to_live_requests_oldest_first);
	RUN(finished_requests_are_reported_per_client);
	return check_exit();
}
