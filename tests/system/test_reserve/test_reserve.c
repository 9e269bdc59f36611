/*
 * The slot waits for its owner: a supervisor that reaps a dead process
 * with AX_REAP_RESERVE keeps its slot. No other creation takes it, neither
 * by name nor as the lowest free slot, with create or copy (fork); only the
 * supervisor creates into it again, with the next generation; a release
 * frees it; a supervisor's death frees the slots kept for it.
 */
#include "../test.h"

static endpoint_t peer;

/* Ask slotpeer to create (or copy itself) into slot; *ep is what it got. */
static int64_t peer_try(int type, int64_t slot, endpoint_t *ep)
{
	ax_message m = {.type = (uint32_t)type, .i64 = {slot}};
	int r = ax_sendrec(peer, &m);

	if (r < 0)
		return r;
	if (ep)
		*ep = (endpoint_t)m.i64[1];
	return m.i64[0];
}

static endpoint_t create(int64_t slot, const char *name)
{
	ax_message c = {.u64 = {(uint64_t)slot, (uint64_t)name}};
	int r = ax_kcall(KC_PROC_CREATE, &c);

	return r < 0 ? r : (endpoint_t)c.i64[0];
}

/* End ep and reap it with flags; 0 if its own record came back. */
static int end_and_reap(endpoint_t ep, uint64_t flags)
{
	struct ax_death d = {0};
	int r;

	ax_kcall(KC_PROC_DESTROY, &(ax_message){.u64 = {(uint64_t)ep}});
	r = ax_kcall(KC_REAP, &(ax_message){.u64 = {(uint64_t)&d, flags}});
	return r < 0 ? r : (d.ep == ep ? 0 : -AX_ESRCH);
}

static int slot_of(endpoint_t ep) { return ep & (AX_NR_SLOTS - 1); }
static int release(int64_t slot) { return ax_kcall(KC_SLOT_RELEASE, &(ax_message){.i64 = {slot}}); }

static void kept_slot_checks(void)
{
	endpoint_t first = create(-1, "kept"), again, other = AX_NONE;
	int slot = slot_of(first);
	struct ax_death d;

	test_result("reserve_child_created", first > 0, "create failed");
	test_eq("reserve_reap_bad_flag_einval", ax_kcall(KC_REAP, &(ax_message){.u64 = {(uint64_t)&d, 2}}), -AX_EINVAL);
	test_eq("reserve_reap_keeps_slot", end_and_reap(first, AX_REAP_RESERVE), 0);
	test_eq("reserve_old_endpoint_dead", ax_notify(first), -AX_EDEADEP);

	/* slot was the lowest free slot: every other way of creating must pass it by. */
	test_eq("reserve_other_create_by_name_ebusy", peer_try(T_SLOT_CREATE, slot, 0), -AX_EBUSY);
	test_eq("reserve_other_copy_by_name_ebusy", peer_try(T_SLOT_COPY, slot, 0), -AX_EBUSY);
	test_result("reserve_other_lowest_free_skips_slot",
		    peer_try(T_SLOT_CREATE, -1, &other) == 0 && slot_of(other) != slot, "the peer got the kept slot");
	test_result("reserve_other_fork_skips_slot",
		    peer_try(T_SLOT_COPY, -1, &other) == 0 && slot_of(other) != slot, "the peer's copy got the kept slot");
	again = create(-1, "lowest");
	test_result("reserve_own_lowest_free_skips_slot", again > 0 && slot_of(again) != slot, "got the kept slot");
	if (again > 0)
		end_and_reap(again, 0);

	/* The supervisor creates into it: the same slot, the next generation. */
	again = create(slot, "kept2");
	test_result("reserve_owner_recreates_next_generation",
		    again > 0 && slot_of(again) == slot && (again >> AX_SLOT_BITS) == (first >> AX_SLOT_BITS) + 1,
		    "not the slot's next generation");
	test_eq("reserve_first_endpoint_still_dead", ax_notify(first), -AX_EDEADEP);
	test_eq("reserve_release_live_slot_esrch", release(slot), -AX_ESRCH);

	/* Kept again, then released: now anyone may take it. */
	test_eq("reserve_kept_again", end_and_reap(again, AX_REAP_RESERVE), 0);
	test_eq("reserve_other_release_esrch", peer_try(T_SLOT_RELEASE, slot, 0), -AX_ESRCH);
	test_eq("reserve_release_zero_einval", release(0), -AX_EINVAL);
	test_eq("reserve_release_past_table_einval", release(AX_NR_SLOTS), -AX_EINVAL);
	test_eq("reserve_release", release(slot), 0);
	test_eq("reserve_release_twice_esrch", release(slot), -AX_ESRCH);
	test_result("reserve_released_slot_taken_by_other", peer_try(T_SLOT_CREATE, slot, &other) == 0 && slot_of(other) == slot,
		    "the peer could not create there");
}

/* The peer keeps a slot and exits: the kernel frees what was kept for it. */
static void dead_keeper_checks(void)
{
	ax_message m = {.type = T_SLOT_KEEP_EXIT};
	endpoint_t ep;
	int r = ax_sendrec(peer, &m);

	test_result("reserve_peer_kept_a_slot", r == 0 && m.i64[0] == 0, "the peer's keep failed");
	for (int i = 0; i < 100 && ax_notify(peer) == 0; i++)
		ax_sleep_ms(10); /* until the peer has exited */
	ep = create(m.i64[1], "orphan");
	test_result("reserve_dead_supervisors_slot_freed", ep > 0 && slot_of(ep) == (int)m.i64[1],
		    "still kept after its supervisor died");
	if (ep > 0)
		end_and_reap(ep, 0);
}

int main(void)
{
	peer = ax_boot_endpoint("slotpeer");
	kept_slot_checks();
	dead_keeper_checks();
	test_done();
	return 0;
}
