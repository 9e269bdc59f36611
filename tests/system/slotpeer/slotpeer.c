/*
 * A second creator for test_reserve: tries to take slots that test_reserve
 * keeps (by name and by the lowest-free rule, with create and copy), and
 * finally keeps a slot of its own and exits, so the test can see that a
 * dead supervisor's kept slots are freed.
 */
#include "../test.h"

/* Create (or copy itself) into slot; answer the result and the endpoint, then end what was made. */
static void try_slot(ax_message *m)
{
	ax_message c = {.u64 = {(uint64_t)m->i64[0], (uint64_t)"peerkid"}};
	unsigned call = KC_PROC_CREATE;
	struct ax_death d;
	int r;

	if (m->type == T_SLOT_COPY) {
		call = KC_PROC_COPY;
		c.u64[0] = (uint64_t)(int64_t)AX_SELF;
		c.i64[1] = m->i64[0];
	}
	r = ax_kcall(call, &c);
	m->i64[0] = r;
	m->i64[1] = r == 0 ? c.i64[0] : AX_NONE;
	if (r == 0) {
		ax_kcall(KC_PROC_DESTROY, &(ax_message){.u64 = {(uint64_t)c.i64[0]}});
		while (ax_kcall(KC_REAP, &(ax_message){.u64 = {(uint64_t)&d}}) == 0)
			;
	}
}

/* Make a child, end it, keep its slot; answer the slot. */
static void keep_one(ax_message *m)
{
	ax_message c = {.u64 = {(uint64_t)-1, (uint64_t)"peerkept"}};
	struct ax_death d;

	m->i64[0] = ax_kcall(KC_PROC_CREATE, &c);
	if (m->i64[0] == 0) {
		ax_kcall(KC_PROC_DESTROY, &(ax_message){.u64 = {(uint64_t)c.i64[0]}});
		m->i64[0] = ax_kcall(KC_REAP, &(ax_message){.u64 = {(uint64_t)&d, AX_REAP_RESERVE}});
		m->i64[1] = c.i64[0] & (AX_NR_SLOTS - 1);
	}
}

int main(void)
{
	ax_message m;

	for (;;) {
		if (ax_receive(AX_ANY, &m) < 0)
			continue;
		endpoint_t from = m.source;

		if (m.type == T_SLOT_CREATE || m.type == T_SLOT_COPY) {
			try_slot(&m);
		} else if (m.type == T_SLOT_RELEASE) {
			m.i64[0] = ax_kcall(KC_SLOT_RELEASE, &(ax_message){.i64 = {m.i64[0]}});
		} else if (m.type == T_SLOT_KEEP_EXIT) {
			keep_one(&m);
			ax_send(from, &m);
			return 0;
		} else {
			m.i64[0] = -AX_ENOSYS;
		}
		ax_send(from, &m);
	}
}
