/* vm's region lists: adding, cutting, re-protecting and finding room. */
#include <axolotl/abi.h>

#include "check.h"
#include "region.h"

#define K 0x1000ULL

static struct space s;

static void reset(void) { memset(&s, 0, sizeof(s)); }

/* Shared memory keeps its mark through mprotect and never merges with private memory beside it. */
static void shared_mark_kept_and_not_merged(void)
{
	reset();
	CHECK(region_add(&s, 10 * K, 12 * K, 3 | VM_REGION_SHARED) == 0);
	CHECK(region_add(&s, 12 * K, 14 * K, 3) == 0);
	CHECK(s.n == 2);
	CHECK(region_protect(&s, 10 * K, 14 * K, 1) == 0);
	CHECK(s.n == 2 && s.r[0].prot == (1 | VM_REGION_SHARED) && s.r[1].prot == 1);
	CHECK(region_protect(&s, 11 * K, 12 * K, 3) == 0);
	CHECK(s.n == 3 && s.r[1].prot == (3 | VM_REGION_SHARED));
}

static void add_keeps_sorted_and_refuses_overlap(void)
{
	reset();
	CHECK(region_add(&s, 10 * K, 20 * K, 3) == 0);
	CHECK(region_add(&s, 0, 5 * K, 1) == 0);
	CHECK(region_add(&s, 30 * K, 40 * K, 1) == 0);
	CHECK(s.n == 3 && s.r[0].start == 0 && s.r[1].start == 10 * K && s.r[2].start == 30 * K);
	CHECK(region_add(&s, 15 * K, 25 * K, 1) == -AX_EINVAL);
	CHECK(region_add(&s, 4 * K, 11 * K, 1) == -AX_EINVAL);
	CHECK(region_add(&s, 20 * K, 20 * K, 1) == -AX_EINVAL);
	CHECK(region_add(&s, 20 * K, 30 * K, 1) == 0); /* touching is fine */
}

static void neighbours_with_same_rights_merge(void)
{
	reset();
	region_add(&s, 10 * K, 20 * K, 3);
	region_add(&s, 20 * K, 30 * K, 3);
	CHECK(s.n == 1 && s.r[0].start == 10 * K && s.r[0].end == 30 * K);
	region_add(&s, 30 * K, 40 * K, 1); /* other rights: stays apart */
	CHECK(s.n == 2);
	CHECK(region_protect(&s, 30 * K, 40 * K, 3) == 0);
	CHECK(s.n == 1 && s.r[0].end == 40 * K);
}

static void find_by_address(void)
{
	reset();
	region_add(&s, 10 * K, 20 * K, 3);
	CHECK(region_find(&s, 10 * K) == 0);
	CHECK(region_find(&s, 20 * K - 1) == 0);
	CHECK(region_find(&s, 20 * K) == -1);
	CHECK(region_find(&s, 0) == -1);
}

static void remove_splits_a_region(void)
{
	reset();
	region_add(&s, 10 * K, 20 * K, 3);
	CHECK(region_remove(&s, 12 * K, 14 * K) == 0);
	CHECK(s.n == 2);
	CHECK(s.r[0].start == 10 * K && s.r[0].end == 12 * K);
	CHECK(s.r[1].start == 14 * K && s.r[1].end == 20 * K && s.r[1].prot == 3);
}

static void remove_across_several_regions(void)
{
	reset();
	region_add(&s, 0, 5 * K, 1);
	region_add(&s, 10 * K, 20 * K, 1);
	region_add(&s, 30 * K, 40 * K, 1);
	CHECK(region_remove(&s, 3 * K, 35 * K) == 0);
	CHECK(s.n == 2 && s.r[0].end == 3 * K && s.r[1].start == 35 * K);
	CHECK(region_remove(&s, 100 * K, 200 * K) == 0); /* nothing there: fine */
}

static void protect_splits_and_sets(void)
{
	reset();
	region_add(&s, 10 * K, 20 * K, 3);
	CHECK(region_protect(&s, 12 * K, 13 * K, 1) == 0);
	CHECK(s.n == 3 && s.r[1].start == 12 * K && s.r[1].end == 13 * K && s.r[1].prot == 1);
	CHECK(s.r[0].prot == 3 && s.r[2].prot == 3);
	CHECK(region_protect(&s, 19 * K, 21 * K, 1) == -AX_ENOMEM); /* partly unmapped */
}

static void covered_checks_every_byte(void)
{
	reset();
	region_add(&s, 10 * K, 20 * K, 3);
	region_add(&s, 20 * K, 30 * K, 1);
	CHECK(region_covered(&s, 15 * K, 25 * K));
	CHECK(!region_covered(&s, 5 * K, 15 * K));
	CHECK(!region_covered(&s, 25 * K, 35 * K));
}

static void gap_is_highest_fit(void)
{
	reset();
	region_add(&s, 90 * K, 100 * K, 1);
	region_add(&s, 50 * K, 85 * K, 1);
	CHECK(region_gap(&s, 5 * K, 10 * K, 100 * K) == 85 * K);
	CHECK(region_gap(&s, 6 * K, 10 * K, 100 * K) == 44 * K);
	CHECK(region_gap(&s, 40 * K, 10 * K, 100 * K) == 10 * K);
	CHECK(region_gap(&s, 41 * K, 10 * K, 100 * K) == 0);
	CHECK(region_gap(&s, 1 * K, 10 * K, 200 * K) == 199 * K);
}

static void table_full_reported(void)
{
	reset();
	for (int i = 0; i < MAX_REGIONS; i++) /* gaps between them: no merging */
		CHECK(region_add(&s, (uint64_t)i * 2 * K, (uint64_t)i * 2 * K + K, 1) == 0);
	CHECK(region_add(&s, 1000 * K, 1001 * K, 1) == -AX_ENOMEM);
	CHECK(region_protect(&s, 0, K, 3) == 0); /* a whole region: no split needed */
}

int main(void)
{
	RUN(add_keeps_sorted_and_refuses_overlap);
	RUN(shared_mark_kept_and_not_merged);
	RUN(neighbours_with_same_rights_merge);
	RUN(find_by_address);
	RUN(remove_splits_a_region);
	RUN(remove_across_several_regions);
	RUN(protect_splits_and_sets);
	RUN(covered_checks_every_byte);
	RUN(gap_is_highest_fit);
	RUN(table_full_reported);
	return check_exit();
}
