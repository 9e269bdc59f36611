/*
 * Message passing. Every operation is decided in two steps: check every
 * argument and right, changing nothing (a refusal leaves no trace), then act.
 * A message that cannot be delivered at once waits in the sender's process
 * slot (p->msg) on the receiver's queue; a message delivered to a blocked
 * receiver waits in the receiver's slot until it next runs, when
 * ipc_finish_receive copies it into the receiver's own buffer.
 */
#include <stddef.h>

#include "ipc.h"

#include "arch/x86_64/layout.h"
#include "kernel.h"
#include "proc.h"

#define BLOCKED 1 /* do_send: the caller now waits */

extern int copy_user(void *dst, const void *src, uint64_t n);
extern int get_user64(void *dst, const void *src);

static struct proc *resolve(endpoint_t ep)
{
	struct proc *p;

	return proc_lookup(ep, &p) == 0 ? p : 0;
}

static bool user_msg_ok(uint64_t uptr)
{
	return uptr < USER_TOP - sizeof(ax_message) && uptr >= 4096;
}

/* Is dst waiting for a message from src right now? */
static bool accepts(const struct proc *dst, endpoint_t src, bool is_notify)
{
	if ((dst->blocked & (BLK_RECEIVING | BLK_SENDING)) != BLK_RECEIVING)
		return false;
	if (is_notify && (dst->flags & PF_REPLY))
		return false; /* a sendrec waits for its reply, not a notification */
	return dst->getfrom == AX_ANY || dst->getfrom == src;
}

static void handler_verdict(struct proc *dst, const ax_message *m, bool front);

/* dst's slot holds the message it waited for: let it run, to take it when it does. */
static inline void wake_receiver(struct proc *dst, bool front)
{
	dst->flags = (dst->flags | PF_MSG_PENDING) & ~PF_REPLY;
	sched_unblock(dst, BLK_RECEIVING, front);
}

/* What a trap returns in rax: r, unless the caller now waits or a message is staged for it. */
static inline void set_trap_result(struct proc *caller, int r)
{
	if (caller->blocked == 0 && !(caller->flags & PF_MSG_PENDING))
		caller->tf.rax = (uint64_t)(int64_t)(r == BLOCKED ? 0 : r);
	else if (r < 0)
		caller->tf.rax = (uint64_t)(int64_t)r;
}

/* dst takes a message from src: a system process's time is billed to the POSIX process behind the request. */
static inline void bill_to(struct proc *dst, const struct proc *src)
{
	dst->bill = (src->priv.flags & AX_PRIV_SYSTEM) ? src->bill : src->ep;
}

/* Hand m to dst, which accepts it: stage it and let dst run. */
static void deliver(struct proc *dst, const ax_message *m, bool front)
{
	if (dst->flags & PF_HANDLER_WAIT) {
		handler_verdict(dst, m, front);
		return;
	}
	dst->msg = *m;
	wake_receiver(dst, front);
}

/* How do_send sends. */
enum {
	SEND_BLOCK = 1 << 0,   /* wait in the receiver's queue if it does not take the message now (else -EAGAIN) */
	SEND_TRUSTED = 1 << 1, /* the kernel sends on the caller's behalf: no send right is needed */
	SEND_HANDOFF = 1 << 2, /* the receiver runs next (a sendrec or a reply: the sender will wait for it) */
};

/*
 * The send half of send, sendnb, sendrec and the POSIX trap. m->source is
 * set here: a process can never forge who it is. Returns 0 (delivered),
 * BLOCKED (queued; caller now waits) or a negative errno (nothing changed).
 */
static int do_send(struct proc *caller, endpoint_t to, ax_message *m, unsigned how)
{
	struct proc *dst;
	int r = proc_lookup(to, &dst);

	if (r < 0)
		return r;
	if (dst == caller)
		return -AX_EDEADLK; /* nobody could ever receive it */
	if (!(how & SEND_TRUSTED) && !priv_may_send(caller, dst))
		return -AX_EPERM;
	m->source = caller->ep;
	if (accepts(dst, caller->ep, false)) {
		bill_to(dst, caller);
		deliver(dst, m, (how & SEND_HANDOFF) != 0);
		return 0;
	}
	if (!(how & SEND_BLOCK))
		return -AX_EAGAIN;
	if (ipc_would_deadlock(caller, dst, resolve))
		return -AX_EDEADLK;
	caller->msg = *m;
	caller->sendto = to;
	sendq_append(dst, caller);
	sched_block(caller, BLK_SENDING);
	return BLOCKED;
}

/* After a successful send in a sendrec: wait for the answer from `from`. */
static void await_reply(struct proc *caller, endpoint_t from, uint64_t uptr)
{
	caller->getfrom = from;
	caller->msg_uptr = uptr;
	caller->flags |= PF_REPLY;
	caller->replies_awaited++;
	sched_block(caller, BLK_RECEIVING);
}

struct proc *ipc_reply_waiter(const struct proc *p)
{
	for (int s = 0; s < AX_NR_SLOTS; s++) {
		struct proc *q = &proc_table[s];

		if (q->blocked == BLK_RECEIVING && (q->flags & PF_REPLY) && q->getfrom == p->ep)
			return q;
	}
	return 0;
}

/* Stage a message for the caller that it will get when it next runs. */
static void take_now(struct proc *caller, const ax_message *m)
{
	caller->msg = *m;
	caller->flags |= PF_MSG_PENDING;
}

/* Nothing for caller yet: it waits for a message from `from`. */
static inline int wait_for_message(struct proc *caller, endpoint_t from)
{
	caller->getfrom = from;
	sched_block(caller, BLK_RECEIVING);
	return 0;
}

/*
 * The receive half: pending kernel notifications first, then process
 * notifications, then queued senders; otherwise block. But never kernel
 * notifications twice running while a process waits: a device that
 * interrupts as fast as its driver serves it (a UART sending) would
 * otherwise keep rs's heartbeat and every request from the driver.
 */

static int do_receive(struct proc *caller, endpoint_t from, uint64_t uptr)
{
	ax_message m; /* a notification; built only when there is one (the usual receive blocks) */
	struct proc *sender;
	int slot;
	bool kernel_turn;

	if (from != AX_ANY && from != AX_HARDWARE && from != AX_CLOCK && from != AX_KERNEL) {
		int r = proc_lookup(from, &sender);

		if (r < 0)
			return r;
	}
	caller->msg_uptr = uptr;
	/* A server between requests, the usual case: nothing waits, so skip the searches. */
	if (from == AX_ANY && !caller->irq_pending && !caller->alarm_pending && !caller->deaths_pending &&
	    !caller->senders &&
	    !(caller->notify_bits[0] | caller->notify_bits[1] | caller->notify_bits[2] | caller->notify_bits[3]))
		return wait_for_message(caller, from);
	kernel_turn = !(from == AX_ANY && caller->kernel_served &&
			(caller->senders || caller->notify_bits[0] | caller->notify_bits[1] | caller->notify_bits[2] |
						    caller->notify_bits[3]));
	caller->kernel_served = false;
	if (kernel_turn && (from == AX_ANY || from == AX_HARDWARE) && caller->irq_pending) {
		caller->kernel_served = true;
		m = (ax_message){.source = AX_HARDWARE, .type = AX_MSG_NOTIFY, .u64 = {caller->irq_pending}};
		caller->irq_pending = 0;
		take_now(caller, &m);
	} else if (kernel_turn && (from == AX_ANY || from == AX_CLOCK) && caller->alarm_pending) {
		caller->kernel_served = true;
		m = (ax_message){.source = AX_CLOCK, .type = AX_MSG_NOTIFY, .u64 = {clock_now_ns()}};
		caller->alarm_pending = false;
		take_now(caller, &m);
	} else if (kernel_turn && (from == AX_ANY || from == AX_KERNEL) && caller->deaths_pending) {
		caller->kernel_served = true;
		m = (ax_message){.source = AX_KERNEL, .type = AX_MSG_NOTIFY};
		caller->deaths_pending = false;
		take_now(caller, &m);
	} else if (from != AX_HARDWARE && from != AX_CLOCK && from != AX_KERNEL &&
		   (slot = notify_take(caller, from)) >= 0) {
		m = (ax_message){.source = proc_table[slot].ep, .type = AX_MSG_NOTIFY};
		take_now(caller, &m);
	} else if (from != AX_HARDWARE && from != AX_CLOCK && from != AX_KERNEL && (sender = sendq_find(caller, from))) {
		sendq_remove(caller, sender);
		bill_to(caller, sender);
		take_now(caller, &sender->msg);
		sender->sendto = AX_NONE;
		if (!(sender->flags & PF_REPLY))
			sender->tf.rax = 0;
		sched_unblock(sender, BLK_SENDING, false);
	} else {
		wait_for_message(caller, from);
	}
	return 0;
}

static int do_notify(struct proc *caller, endpoint_t to)
{
	struct proc *dst;
	int r = proc_lookup(to, &dst);

	if (r < 0)
		return r;
	if (!priv_may_send(caller, dst))
		return -AX_EPERM;
	if (accepts(dst, caller->ep, true)) {
		ax_message m = {.source = caller->ep, .type = AX_MSG_NOTIFY};

		deliver(dst, &m, false);
	} else {
		dst->notify_bits[caller->slot / 64] |= 1ULL << (caller->slot % 64);
	}
	return 0;
}

/* A kernel source (HARDWARE, CLOCK) has something pending for dst. */
void ipc_notify_kernel(struct proc *dst, endpoint_t src)
{
	ax_message m = {.source = src, .type = AX_MSG_NOTIFY};

	if (!accepts(dst, src, true))
		return; /* stays pending until dst receives */
	if (src == AX_HARDWARE) {
		m.u64[0] = dst->irq_pending;
		dst->irq_pending = 0;
	} else if (src == AX_KERNEL) {
		dst->deaths_pending = false;
	} else {
		m.u64[0] = clock_now_ns();
		dst->alarm_pending = false;
	}
	deliver(dst, &m, true);
}

/*
 * ---- The fast path ----
 * A POSIX call's two halves in the usual case, as seL4 does it: each
 * checks its preconditions one after another and, if any fails, returns
 * false so that the one general path (do_send, do_receive) does the work
 * instead, with the same result. Nothing is changed before the last check.
 *
 * The call: the server waits in a plain receive that takes the caller. The
 * arguments go straight from the trap frame into the server's slot.
 */
static bool fastpath_posix_call(struct proc *caller, endpoint_t server, uint64_t nr)
{
	struct trapframe *tf = &caller->tf;
	struct proc *dst;
	ax_message *in;

	if (proc_lookup(server, &dst) < 0)
		return false; /* dead or gone: the general path says why */
	if (dst == caller)
		return false;
	if (!accepts(dst, caller->ep, false))
		return false; /* busy: the caller queues */
	if (dst->flags & PF_HANDLER_WAIT)
		return false; /* it waits for a verdict on its own fault, not for a request */
	in = &dst->msg;
	in->source = caller->ep, in->type = (int32_t)(AX_MSG_POSIX + nr);
	in->u64[0] = tf->rdi, in->u64[1] = tf->rsi, in->u64[2] = tf->rdx;
	in->u64[3] = tf->r10, in->u64[4] = tf->r8, in->u64[5] = tf->r9, in->u64[6] = 0;
	dst->bill = caller->ep; /* bill_to: the POSIX trap's caller is never a system process */
	wake_receiver(dst, true);
	caller->flags |= PF_POSIX_CALL;
	await_reply(caller, server, 0);
	return true;
}

/*
 * The answer: a server's replyrecv to a POSIX caller that waits for it.
 * The caller needs only the value for rax, so only those 8 bytes are read;
 * then the server's receive.
 */
static bool fastpath_posix_reply(struct proc *server, endpoint_t ep, uint64_t uptr)
{
	struct proc *dst;
	int64_t value;

	if (proc_lookup(ep, &dst) < 0)
		return false;
	if (dst->blocked != BLK_RECEIVING)
		return false; /* not (only) waiting for an answer */
	if (dst->getfrom != server->ep)
		return false; /* not from this server */
	if ((dst->flags & (PF_POSIX_CALL | PF_REPLY | PF_HANDLER_WAIT)) != (PF_POSIX_CALL | PF_REPLY))
		return false; /* not a POSIX call's answer: a system process's sendrec, or a verdict */
	if (get_user64(&value, (void *)(uptr + offsetof(ax_message, i64))) < 0) {
		server->tf.rax = (uint64_t)-AX_EFAULT;
		return true; /* as the general path: a reply that cannot be read is refused, nothing changed */
	}
	dst->tf.rax = (uint64_t)value;
	dst->flags &= ~(PF_POSIX_CALL | PF_REPLY);
	dst->getfrom = AX_NONE;
	dst->blocked = 0; /* it was BLK_RECEIVING only (checked above): sched_unblock's work, known */
	sched_ready(dst, true);
	set_trap_result(server, do_receive(server, (endpoint_t)server->tf.rdx, uptr));
	return true;
}

/* ---- The traps: the fast path when it applies, else the general path (do_send, do_receive) ---- */

/* Native IPC trap of a system process. Sets caller->tf.rax unless blocked. */
void ipc_trap(struct proc *caller, unsigned op)
{
	struct trapframe *tf = &caller->tf;
	endpoint_t ep = (endpoint_t)tf->rdi;
	uint64_t uptr = tf->rsi;
	ax_message m;
	int r;

	if (op == AX_NOTIFY) {
		tf->rax = (uint64_t)(int64_t)do_notify(caller, ep);
		return;
	}
	if (op < AX_SEND || op > AX_KCALL) {
		tf->rax = (uint64_t)-AX_ENOSYS;
		return;
	}
	if (!user_msg_ok(uptr)) {
		tf->rax = (uint64_t)-AX_EFAULT;
		return;
	}
	if (op == AX_REPLYRECV && fastpath_posix_reply(caller, ep, uptr))
		return;
	if (op != AX_RECEIVE && copy_user(&m, (void *)uptr, sizeof(m)) < 0) {
		tf->rax = (uint64_t)-AX_EFAULT;
		return;
	}
	switch (op) {
	case AX_SEND:
	case AX_SENDNB:
		r = do_send(caller, ep, &m, op == AX_SEND ? SEND_BLOCK : 0);
		break;
	case AX_SENDREC:
		r = do_send(caller, ep, &m, SEND_BLOCK | SEND_HANDOFF);
		if (r >= 0)
			await_reply(caller, ep, uptr);
		break;
	case AX_RECEIVE:
		r = do_receive(caller, ep, uptr);
		break;
	case AX_REPLYRECV:
		r = do_send(caller, ep, &m, SEND_HANDOFF);
		if (r >= 0)
			r = do_receive(caller, (endpoint_t)tf->rdx, uptr);
		break;
	default: /* AX_KCALL */
		r = kcall_dispatch(caller, (unsigned)tf->rdi, &m);
		if (r >= 0 && caller->blocked == 0 && copy_user((void *)uptr, &m, sizeof(m)) < 0)
			r = -AX_EFAULT;
		break;
	}
	set_trap_result(caller, r);
}

/*
 * The POSIX trap bridge: a user process's `syscall` becomes a sendrec, on
 * its behalf, to the server the routing table names for the call number.
 * The kernel knows no call by name; an unrouted number gets -ENOSYS.
 */
void ipc_posix_call(struct proc *caller, uint64_t nr)
{
	static uint64_t warned[AX_MSG_POSIX_MAX / 64];
	struct trapframe *tf = &caller->tf;
	ax_message m;
	endpoint_t server;
	int r;

	if (nr >= AX_MSG_POSIX_MAX || posix_routes[nr] == AX_NONE) {
		if (nr < AX_MSG_POSIX_MAX && !(warned[nr / 64] & (1ULL << (nr % 64)))) {
			warned[nr / 64] |= 1ULL << (nr % 64);
			kprintf("kernel: POSIX call %lu from %s has no server: ENOSYS\n", nr, caller->name);
		}
		tf->rax = (uint64_t)-AX_ENOSYS;
		return;
	}
	server = posix_routes[nr];
	if (fastpath_posix_call(caller, server, nr))
		return;
	m = (ax_message){.type = (int32_t)(AX_MSG_POSIX + nr)};
	m.u64[0] = tf->rdi;
	m.u64[1] = tf->rsi;
	m.u64[2] = tf->rdx;
	m.u64[3] = tf->r10;
	m.u64[4] = tf->r8;
	m.u64[5] = tf->r9;
	r = do_send(caller, server, &m, SEND_BLOCK | SEND_TRUSTED | SEND_HANDOFF);
	if (r < 0) {
		tf->rax = (uint64_t)(int64_t)(r == -AX_EDEADEP ? -AX_EIO : r);
		return;
	}
	caller->flags |= PF_POSIX_CALL;
	await_reply(caller, server, 0);
}

/*
 * p is about to run: give it the message staged for it. A POSIX caller gets
 * the reply's value in rax; a system process gets the 64 bytes in its
 * buffer (or -EFAULT if that buffer has gone).
 */
void ipc_finish_receive(struct proc *p)
{
	p->flags &= ~PF_MSG_PENDING;
	if (p->flags & PF_POSIX_CALL) {
		p->flags &= ~PF_POSIX_CALL;
		p->tf.rax = (uint64_t)p->msg.i64[0];
	} else {
		p->tf.rax = 0;
		if (copy_user((void *)p->msg_uptr, &p->msg, sizeof(p->msg)) < 0)
			p->tf.rax = (uint64_t)-AX_EFAULT;
	}
}

/*
 * p (running, or blocked waiting for a verdict) now makes a sendrec on its
 * own behalf to a handler, as if it had trapped; `wait` says which verdict
 * it waits for. False if the handler cannot be reached.
 */
static bool divert(struct proc *p, endpoint_t handler, ax_message *m, unsigned wait)
{
	if (handler == AX_NONE || (p->priv.flags & AX_PRIV_SYSTEM) || p->ep == handler)
		return false;
	p->blocked &= ~BLK_RECEIVING; /* a verdict just came: p is on no queue */
	if (do_send(p, handler, m, SEND_BLOCK | SEND_TRUSTED | SEND_HANDOFF) < 0)
		return false;
	p->flags |= wait;
	await_reply(p, handler, 0);
	return true;
}

/* A POSIX process faulted at addr: vm resolves it, or refuses. False if there is no vm to ask. */
bool ipc_page_fault(struct proc *p, uint64_t addr)
{
	ax_message m = {.type = AX_MSG_PAGEFAULT, .u64 = {addr, p->tf.error, p->tf.rip}};

	p->death = (struct ax_death){.vector = 14, .address = addr, .rip = p->tf.rip};
	return divert(p, vm_handler, &m, PF_FAULT);
}

/* A POSIX process took a CPU exception: pm turns it into a signal, or refuses. */
bool ipc_exception(struct proc *p, uint64_t vector, uint64_t addr, uint64_t error, int64_t vm_verdict)
{
	ax_message m = {.type = AX_MSG_EXCEPTION, .u64 = {vector, addr, p->tf.rip, error, (uint64_t)vm_verdict}};

	p->death = (struct ax_death){.vector = vector, .address = addr, .rip = p->tf.rip};
	return divert(p, exc_handler, &m, PF_EXCEPTION);
}

/* p, about to return to user mode, was asked to stop for its signals (KC_SIGNAL). */
bool ipc_signal_stop(struct proc *p)
{
	ax_message m = {.type = AX_MSG_SIGNAL};

	p->flags &= ~PF_SIGNAL;
	return divert(p, exc_handler, &m, PF_STOPPED);
}

/*
 * A handler's answer to a fault, exception or signal stop: p goes on
 * (i64[0] >= 0) with whatever registers the handler gave it, or ends; a
 * page fault vm refuses goes on to pm as an exception first.
 */
static void handler_verdict(struct proc *p, const ax_message *m, bool front)
{
	unsigned wait = p->flags & PF_HANDLER_WAIT;

	p->flags &= ~(PF_HANDLER_WAIT | PF_REPLY);
	if (m->i64[0] >= 0) {
		sched_unblock(p, BLK_RECEIVING, front);
		return;
	}
	if (wait == PF_FAULT && ipc_exception(p, 14, p->death.address, p->tf.error, m->i64[0]))
		return;
	if (wait == PF_STOPPED) { /* pm refused to let it go on: end it as killed */
		proc_kill(p, AX_DEATH_KILLED, 0);
		return;
	}
	proc_kill(p, AX_DEATH_FAULT, wait == PF_FAULT ? "vm could not resolve its page fault" : 0);
}

/* dead is gone: everyone blocked sending to it or waiting on it learns so. */
void ipc_wake_all_of(struct proc *dead)
{
	for (int s = 1; s < AX_NR_SLOTS; s++) {
		struct proc *q = &proc_table[s];
		bool sending = (q->blocked & BLK_SENDING) && q->sendto == dead->ep;
		bool waiting = (q->blocked & BLK_RECEIVING) && q->getfrom == dead->ep;

		if (q == dead || (q->blocked & BLK_FREE) || !(sending || waiting))
			continue;
		if (q->flags & (PF_FAULT | PF_EXCEPTION)) { /* nobody left to resolve its fault */
			q->flags &= ~(PF_FAULT | PF_EXCEPTION | PF_REPLY);
			proc_kill(q, AX_DEATH_FAULT, "its fault handler ended");
			continue;
		}
		if (q->flags & PF_STOPPED) { /* its signals' keeper is gone: let it run on */
			q->flags &= ~(PF_STOPPED | PF_REPLY);
			q->getfrom = AX_NONE;
			sched_unblock(q, BLK_RECEIVING, false);
			continue;
		}
		q->tf.rax = (uint64_t)(int64_t)((q->flags & PF_POSIX_CALL) ? -AX_EIO : -AX_EDEADEP);
		q->flags &= ~(PF_REPLY | PF_POSIX_CALL | PF_MSG_PENDING);
		q->sendto = q->getfrom = AX_NONE;
		q->send_next = 0;
		sched_unblock(q, q->blocked & (BLK_SENDING | BLK_RECEIVING), false);
	}
	dead->senders = 0;
}
