/*
 * The mechanism under vm's copy-on-write fork: two processes share a frame
 * read-only (KC_VSHARE), each gets a private writable copy on demand
 * (KC_VCOW), and every frame comes back when both end (KC_MEMINFO). It
 * runs at the highest priority and never blocks until it reports, so no
 * other process allocates or frees memory while it counts.
 */
#include "../test.h"

#define PAGE_AT 0x30000000UL

static endpoint_t make(const char *name)
{
	ax_message m = {.u64 = {(uint64_t)-1, (uint64_t)name}};

	return ax_kcall(KC_PROC_CREATE, &m) == 0 ? (endpoint_t)m.i64[0] : AX_NONE;
}

static uint64_t free_frames(void)
{
	ax_message m = {0};

	ax_kcall(KC_MEMINFO, &m);
	return m.u64[0];
}

static uint64_t peek(endpoint_t p)
{
	uint64_t v = 0;

	other_copy(p, PAGE_AT, &v, sizeof(v), AX_COPY_FROM);
	return v;
}

static int poke(endpoint_t p, uint64_t v)
{
	return other_copy(p, PAGE_AT, &v, sizeof(v), AX_COPY_TO);
}

static int share(endpoint_t from, endpoint_t to, uint64_t flags)
{
	return ax_kcall(KC_VSHARE, &(ax_message){.u64 = {(uint64_t)from, PAGE_AT, (uint64_t)to, PAGE_AT, 4096, flags}});
}

static int cow(endpoint_t p) { return ax_kcall(KC_VCOW, &(ax_message){.u64 = {(uint64_t)p, PAGE_AT}}); }

int main(void)
{
	uint64_t before = free_frames(), after;
	endpoint_t a = make("cow_a"), b = make("cow_b"), c = make("cow_c");
	struct ax_death d;

	test_result("cow_meminfo_counts_free_frames", before > 0, "no free frames reported");
	ax_vmalloc(a, PAGE_AT, 4096, AX_MAP_WRITE);
	test_eq("cow_write_parent_page", poke(a, 0xaaaa), 0);
	test_eq("cow_share_read_only", share(a, b, AX_SHARE_COW), 0);
	test_eq("cow_child_sees_parent_data", (int64_t)peek(b), 0xaaaa);
	test_eq("cow_child_page_read_only", poke(b, 0xbbbb), -AX_EFAULT);
	test_eq("cow_parent_page_read_only_too", poke(a, 0xcccc), -AX_EFAULT);
	test_eq("cow_break_in_child", cow(b), 0);
	test_eq("cow_child_writes_its_copy", poke(b, 0xbbbb), 0);
	test_eq("cow_parent_keeps_its_data", (int64_t)peek(a), 0xaaaa);
	test_eq("cow_child_has_new_data", (int64_t)peek(b), 0xbbbb);
	test_eq("cow_break_in_last_owner", cow(a), 0);
	test_eq("cow_parent_writable_again", poke(a, 0xdddd), 0);
	test_eq("cow_child_unaffected", (int64_t)peek(b), 0xbbbb);

	test_eq("cow_share_writable_shared_memory", share(a, c, AX_MAP_WRITE), 0);
	poke(c, 0xeeee);
	test_eq("cow_shared_memory_seen_by_both", (int64_t)peek(a), 0xeeee);
	test_eq("cow_share_nothing_there_efault",
		ax_kcall(KC_VSHARE, &(ax_message){.u64 = {(uint64_t)a, 0x70000000, (uint64_t)b, 0x70000000, 4096, 0}}),
		-AX_EFAULT);
	test_eq("cow_share_unaligned_einval",
		ax_kcall(KC_VSHARE, &(ax_message){.u64 = {(uint64_t)a, PAGE_AT + 8, (uint64_t)b, PAGE_AT, 4096, 0}}),
		-AX_EINVAL);
	test_eq("cow_break_unmapped_efault", ax_kcall(KC_VCOW, &(ax_message){.u64 = {(uint64_t)a, 0x70000000}}), -AX_EFAULT);

	for (endpoint_t *p = (endpoint_t[]){a, b, c}, i = 0; i < 3; i++)
		ax_kcall(KC_PROC_DESTROY, &(ax_message){.u64 = {(uint64_t)p[i]}});
	while (ax_kcall(KC_REAP, &(ax_message){.u64 = {(uint64_t)&d}}) == 0)
		;
	after = free_frames();
	test_eq("cow_every_frame_returned", (int64_t)after, (int64_t)before);
	test_done();
	return 0;
}
