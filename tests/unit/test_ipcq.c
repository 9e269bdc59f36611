/* Endpoint encoding, sender queues, cycle detection and pending notifications. */
#include "check.h"
#include "proc.h"

static struct proc procs[8];

static void reset(void)
{
	memset(procs, 0, sizeof(procs));
	for (int i = 0; i < 8; i++) {
		procs[i].slot = i + 1;
		procs[i].ep = ep_make(i + 1, 3);
	}
}

static struct proc *resolve(endpoint_t ep)
{
	for (int i = 0; i < 8; i++)
		if (procs[i].ep == ep)
			return &procs[i];
	return NULL;
}

/* p is blocked sending to q */
static void sends_to(int p, int q)
{
	procs[p].blocked |= BLK_SENDING;
	procs[p].sendto = procs[q].ep;
}

static void endpoint_round_trip(void)
{
	for (int slot = 1; slot < AX_NR_SLOTS; slot += 7)
		for (int gen = 1; gen < AX_GEN_MAX; gen += 99991) {
			endpoint_t ep = ep_make(slot, gen);

			CHECK(ep > 0);
			CHECK(ep_slot(ep) == slot);
			CHECK(ep_gen(ep) == gen);
			CHECK(ep_plausible(ep));
		}
}

static void endpoint_specials_never_plausible(void)
{
	endpoint_t specials[] = {AX_ANY, AX_NONE, AX_HARDWARE, AX_CLOCK, AX_SELF, 0, 5};

	for (unsigned i = 0; i < sizeof(specials) / sizeof(specials[0]); i++)
		CHECK(!ep_plausible(specials[i]));
}

static void endpoint_generation_wraps_to_one(void)
{
	CHECK(ep_next_gen(0) == 1);
	CHECK(ep_next_gen(1) == 2);
	CHECK(ep_next_gen(AX_GEN_MAX) == 1);
	CHECK(ep_make(AX_NR_SLOTS - 1, AX_GEN_MAX) > 0);
}

static void sendq_is_fifo(void)
{
	reset();
	sendq_append(&procs[0], &procs[1]);
	sendq_append(&procs[0], &procs[2]);
	sendq_append(&procs[0], &procs[3]);
	CHECK(sendq_find(&procs[0], AX_ANY) == &procs[1]);
	CHECK(sendq_remove(&procs[0], &procs[1]));
	CHECK(sendq_find(&procs[0], AX_ANY) == &procs[2]);
	CHECK(sendq_remove(&procs[0], &procs[2]));
	CHECK(sendq_find(&procs[0], AX_ANY) == &procs[3]);
}

static void sendq_remove_middle_tail_and_absent(void)
{
	reset();
	for (int i = 1; i <= 4; i++)
		sendq_append(&procs[0], &procs[i]);
	CHECK(sendq_remove(&procs[0], &procs[2]));
	CHECK(sendq_remove(&procs[0], &procs[4]));
	CHECK(!sendq_remove(&procs[0], &procs[4]));
	CHECK(!sendq_remove(&procs[0], &procs[5]));
	CHECK(procs[0].senders == &procs[1] && procs[1].send_next == &procs[3] && procs[3].send_next == NULL);
	sendq_append(&procs[0], &procs[2]);
	CHECK(procs[3].send_next == &procs[2]);
}

static void sendq_find_specific_skips_others(void)
{
	reset();
	sendq_append(&procs[0], &procs[1]);
	sendq_append(&procs[0], &procs[2]);
	CHECK(sendq_find(&procs[0], procs[2].ep) == &procs[2]);
	CHECK(sendq_find(&procs[0], procs[5].ep) == NULL);
	CHECK(sendq_find(&procs[1], AX_ANY) == NULL);
}

static void deadlock_none_when_destination_runs(void)
{
	reset();
	CHECK(!ipc_would_deadlock(&procs[0], &procs[1], resolve));
}

static void deadlock_two_cycle(void)
{
	reset();
	sends_to(1, 0);
	CHECK(ipc_would_deadlock(&procs[0], &procs[1], resolve));
}

static void deadlock_three_cycle(void)
{
	reset();
	sends_to(1, 2);
	sends_to(2, 0);
	CHECK(ipc_would_deadlock(&procs[0], &procs[1], resolve));
}

static void deadlock_long_chain_without_cycle(void)
{
	reset();
	for (int i = 1; i < 7; i++)
		sends_to(i, i + 1);
	CHECK(!ipc_would_deadlock(&procs[0], &procs[1], resolve));
}

static void deadlock_chain_ending_at_dead_endpoint(void)
{
	reset();
	sends_to(1, 2);
	procs[2].blocked |= BLK_SENDING;
	procs[2].sendto = ep_make(200, 1); /* resolves to nothing */
	CHECK(!ipc_would_deadlock(&procs[0], &procs[1], resolve));
}

static void deadlock_cycle_among_others_terminates(void)
{
	reset();
	sends_to(1, 2);
	sends_to(2, 3);
	sends_to(3, 1);
	CHECK(!ipc_would_deadlock(&procs[0], &procs[1], resolve));
}

static void deadlock_send_to_self(void)
{
	reset();
	CHECK(ipc_would_deadlock(&procs[0], &procs[0], resolve));
}

static void notify_none_pending(void)
{
	reset();
	CHECK(notify_take(&procs[0], AX_ANY) == -1);
	CHECK(notify_take(&procs[0], procs[1].ep) == -1);
}

static void notify_any_takes_lowest_slot_once(void)
{
	reset();
	procs[0].notify_bits[0] = (1ULL << 9) | (1ULL << 3);
	CHECK(notify_take(&procs[0], AX_ANY) == 3);
	CHECK(notify_take(&procs[0], AX_ANY) == 9);
	CHECK(notify_take(&procs[0], AX_ANY) == -1);
}

static void notify_specific_takes_only_that_slot(void)
{
	reset();
	procs[0].notify_bits[0] = (1ULL << 2) | (1ULL << 4);
	CHECK(notify_take(&procs[0], procs[3].ep) == 4);
	CHECK(notify_take(&procs[0], procs[3].ep) == -1);
	CHECK(notify_take(&procs[0], AX_ANY) == 2);
}

static void notify_high_slots(void)
{
	reset();
	procs[0].notify_bits[2] = 1ULL << 5;  /* slot 133 */
	procs[0].notify_bits[3] = 1ULL << 63; /* slot 255 */
	CHECK(notify_take(&procs[0], ep_make(255, 1)) == 255);
	CHECK(notify_take(&procs[0], AX_ANY) == 133);
	CHECK(notify_take(&procs[0], AX_ANY) == -1);
}

int main(void)
{
	RUN(endpoint_round_trip);
	RUN(endpoint_specials_never_plausible);
	RUN(endpoint_generation_wraps_to_one);
	RUN(sendq_is_fifo);
	RUN(sendq_remove_middle_tail_and_absent);
	RUN(sendq_find_specific_skips_others);
	RUN(deadlock_none_when_destination_runs);
	RUN(deadlock_two_cycle);
	RUN(deadlock_three_cycle);
	RUN(deadlock_long_chain_without_cycle);
	RUN(deadlock_chain_ending_at_dead_endpoint);
	RUN(deadlock_cycle_among_others_terminates);
	RUN(deadlock_send_to_self);
	RUN(notify_none_pending);
	RUN(notify_any_takes_lowest_slot_once);
	RUN(notify_specific_takes_only_that_slot);
	RUN(notify_high_slots);
	return check_exit();
}
