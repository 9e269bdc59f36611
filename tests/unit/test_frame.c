/* The frame allocator: what is freed is handed out once, and the counts stay exact. */
#include <stdlib.h>

#include "check.h"
#include "frame.h"

#define N 1000
static uint64_t bitmap[(N + 63) / 64];
static struct frame_pool fp;

static void starts_all_used(void)
{
	frame_pool_init(&fp, bitmap, N);
	CHECK(fp.nfree == 0);
	CHECK(frame_get(&fp) == FRAME_NONE);
	CHECK(frame_in_use(&fp, 0) && frame_in_use(&fp, N - 1));
}

static void hands_out_only_freed_frames_once(void)
{
	static char seen[N];

	memset(seen, 0, sizeof(seen));
	frame_pool_init(&fp, bitmap, N);
	frame_range_free(&fp, 100, 50);
	frame_range_free(&fp, 700, 30);
	CHECK(fp.nfree == 80);
	for (int i = 0; i < 80; i++) {
		uint64_t f = frame_get(&fp);

		CHECK(f != FRAME_NONE);
		if (f == FRAME_NONE)
			return;
		CHECK((f >= 100 && f < 150) || (f >= 700 && f < 730));
		CHECK(!seen[f]);
		seen[f] = 1;
	}
	CHECK(fp.nfree == 0);
	CHECK(frame_get(&fp) == FRAME_NONE);
}

static void put_frame_is_reused(void)
{
	frame_pool_init(&fp, bitmap, N);
	frame_range_free(&fp, 10, 1);
	CHECK(frame_get(&fp) == 10);
	frame_put(&fp, 10);
	CHECK(fp.nfree == 1 && !frame_in_use(&fp, 10));
	CHECK(frame_get(&fp) == 10);
}

static void use_over_partly_free_range(void)
{
	frame_pool_init(&fp, bitmap, N);
	frame_range_free(&fp, 0, 100);
	frame_range_use(&fp, 50, 100); /* 50..149: only 50..99 were free */
	CHECK(fp.nfree == 50);
	frame_range_use(&fp, 50, 100);
	CHECK(fp.nfree == 50);
	frame_range_free(&fp, 0, 10); /* already free: no change */
	CHECK(fp.nfree == 50);
}

static void ranges_past_the_end_ignored(void)
{
	frame_pool_init(&fp, bitmap, N);
	frame_range_free(&fp, N - 10, 1000);
	CHECK(fp.nfree == 10);
	CHECK(frame_in_use(&fp, N));
	CHECK(frame_in_use(&fp, N + 5000));
	for (int i = 0; i < 10; i++)
		CHECK(frame_get(&fp) >= N - 10);
	CHECK(frame_get(&fp) == FRAME_NONE);
}

static void random_alloc_free_matches_reference(void)
{
	static char ref[N];
	uint64_t held[N];
	int nheld = 0;

	srand(42);
	frame_pool_init(&fp, bitmap, N);
	frame_range_free(&fp, 0, N);
	memset(ref, 0, sizeof(ref));
	for (int step = 0; step < 20000; step++) {
		if (nheld == 0 || (rand() % 3 && nheld < N)) {
			uint64_t f = frame_get(&fp);

			CHECK(f < N && !ref[f]);
			if (f >= N)
				return;
			ref[f] = 1;
			held[nheld++] = f;
		} else {
			int i = rand() % nheld;

			frame_put(&fp, held[i]);
			ref[held[i]] = 0;
			held[i] = held[--nheld];
		}
		CHECK(fp.nfree == (uint64_t)(N - nheld));
	}
}

static void run_of_consecutive_frames(void)
{
	frame_pool_init(&fp, bitmap, N);
	frame_range_free(&fp, 10, 5);   /* too short */
	frame_range_free(&fp, 100, 20); /* long enough */
	CHECK(frame_get_run(&fp, 8) == 100);
	CHECK(fp.nfree == 5 + 12);
	CHECK(frame_get_run(&fp, 12) == 108);
	CHECK(frame_get_run(&fp, 6) == FRAME_NONE);
	CHECK(frame_get_run(&fp, 5) == 10);
	CHECK(frame_get_run(&fp, 0) == FRAME_NONE);
	CHECK(fp.nfree == 0);
}

int main(void)
{
	RUN(starts_all_used);
	RUN(hands_out_only_freed_frames_once);
	RUN(put_frame_is_reused);
	RUN(use_over_partly_free_range);
	RUN(ranges_past_the_end_ignored);
	RUN(random_alloc_free_matches_reference);
	RUN(run_of_consecutive_frames);
	return check_exit();
}
