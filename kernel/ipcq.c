/*
 * The pure parts of IPC: sender queues, the cycle check and pending
 * notifications. No hardware, no globals: unit tests drive them directly.
 */
#include "proc.h"

/* Queue sender at the tail of dst's senders: senders are served FIFO. */
void sendq_append(struct proc *dst, struct proc *sender)
{
	struct proc **pp = &dst->senders;

	while (*pp)
		pp = &(*pp)->send_next;
	sender->send_next = 0;
	*pp = sender;
}

/* Unlink sender from dst's queue; false if it was not there. */
bool sendq_remove(struct proc *dst, struct proc *sender)
{
	for (struct proc **pp = &dst->senders; *pp; pp = &(*pp)->send_next) {
		if (*pp == sender) {
			*pp = sender->send_next;
			sender->send_next = 0;
			return true;
		}
	}
	return false;
}

/* The first queued sender that a receive from `from` accepts, or 0. */
struct proc *sendq_find(struct proc *dst, endpoint_t from)
{
	for (struct proc *s = dst->senders; s; s = s->send_next)
		if (from == AX_ANY || s->ep == from)
			return s;
	return 0;
}

/*
 * Would caller blocking on a send to dst close a cycle? Follow the chain of
 * processes blocked sending (dst sends to x, x sends to y, ...): if it comes
 * back to the caller, nobody in it could ever run again.
 */
bool ipc_would_deadlock(const struct proc *caller, const struct proc *dst, proc_resolver resolve)
{
	const struct proc *p = dst;

	for (int hops = 0; hops < AX_NR_SLOTS && p; hops++) {
		if (p == caller)
			return true;
		if (!(p->blocked & BLK_SENDING))
			return false;
		p = resolve(p->sendto);
	}
	return false;
}

/*
 * Take one pending notification that a receive from `from` accepts.
 * Returns the notifying slot, or -1 if none is pending.
 */
int notify_take(struct proc *p, endpoint_t from)
{
	if (from != AX_ANY) {
		int s = ep_slot(from);
		uint64_t bit = 1ULL << (s % 64);

		if (!ep_plausible(from) || !(p->notify_bits[s / 64] & bit))
			return -1;
		p->notify_bits[s / 64] &= ~bit;
		return s;
	}
	_Static_assert(AX_NR_SLOTS / 64 == 4, "four words of notification bits");
	if (!(p->notify_bits[0] | p->notify_bits[1] | p->notify_bits[2] | p->notify_bits[3]))
		return -1; /* the usual case: nothing pending */
	for (unsigned w = 0; w < AX_NR_SLOTS / 64; w++) {
		if (p->notify_bits[w]) {
			int b = __builtin_ctzll(p->notify_bits[w]);

			p->notify_bits[w] &= ~(1ULL << b);
			return (int)w * 64 + b;
		}
	}
	return -1;
}
