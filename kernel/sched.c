/*
 * Fixed-priority round robin: 16 queues, 0 the most urgent. Which process
 * gets which priority and quantum is decided in user space (KC_SCHEDULE).
 */
#include "arch/x86_64/cpu.h"
#include "ipc.h"
#include "kernel.h"
#include "proc.h"

static struct proc *run_head[NR_PRIOS], *run_tail[NR_PRIOS];
static uint32_t nonempty; /* bit q: queue q has a process */
uint64_t sched_idle_ns;   /* time with nothing to run (KC_CLOCK tells it: /proc/uptime's idle) */

/* Put a runnable p on its queue: at the front when it should run next. */
void sched_ready(struct proc *p, bool front)
{
	int q = p->prio;

	if (p->ticks_left == 0) { /* servers working for it used up its quantum while it waited */
		front = false;
		p->ticks_left = p->quantum_ms;
	}
	nonempty |= 1u << q;
	if (front) {
		p->run_next = run_head[q];
		run_head[q] = p;
		if (!run_tail[q])
			run_tail[q] = p;
	} else {
		p->run_next = 0;
		if (run_tail[q])
			run_tail[q]->run_next = p;
		else
			run_head[q] = p;
		run_tail[q] = p;
	}
}

void sched_unready(struct proc *p)
{
	int q = p->prio;
	struct proc *prev = 0;

	if (run_head[q] == p) { /* the usual case: the process that runs blocks */
		if (!(run_head[q] = p->run_next)) {
			run_tail[q] = 0;
			nonempty &= ~(1u << q);
		}
		p->run_next = 0;
		return;
	}
	for (struct proc *x = run_head[q]; x; prev = x, x = x->run_next) {
		if (x != p)
			continue;
		if (prev)
			prev->run_next = x->run_next;
		else
			run_head[q] = x->run_next;
		if (run_tail[q] == x)
			run_tail[q] = prev;
		if (!run_head[q])
			nonempty &= ~(1u << q);
		x->run_next = 0;
		return;
	}
}

/* The process to run: the head of the most urgent non-empty queue, or 0. */
struct proc *sched_pick(void)
{
	return nonempty ? run_head[__builtin_ctz(nonempty)] : 0;
}

/* Send the current process to the back of its queue with a new quantum. */
void sched_yield_current(void)
{
	struct proc *p = current;

	if (!p || p->blocked)
		return;
	sched_unready(p);
	p->ticks_left = p->quantum_ms;
	sched_ready(p, false);
}

/*
 * One millisecond passed while current ran, or while the CPU idled. A
 * system process's millisecond is also taken from the quantum of the POSIX
 * process it works for, if that one waits: a program that keeps the servers
 * busy (a read of megabytes, again and again) then goes to the back of its
 * queue when answered, instead of the front, and cannot starve its equals.
 */
void sched_tick(void)
{
	struct proc *client;

	if (current)
		current->cpu_ns += 1000000;
	else
		sched_idle_ns += 1000000;
	if (current && (current->priv.flags & AX_PRIV_SYSTEM) && proc_lookup(current->bill, &client) == 0 &&
	    (client->blocked & (BLK_SENDING | BLK_RECEIVING)) && client->ticks_left)
		client->ticks_left--;
	if (current && current->blocked == 0 && current->ticks_left && --current->ticks_left == 0)
		sched_yield_current();
}

/*
 * Choose who runs next and make it live; halt until an interrupt makes
 * someone runnable. Returns the trapframe that return_to_user restores.
 */
struct trapframe *sched_run(void)
{
	struct proc *next;

	for (;;) {
		while (!(next = sched_pick())) {
			current = 0;
			cpu_halt_wait();
		}
		current = next;
		cpu_switch_to(next);
		if (next->flags & PF_MSG_PENDING)
			ipc_finish_receive(next);
		if (!(next->flags & PF_SIGNAL) || !ipc_signal_stop(next))
			return &next->tf;
		/* next now waits for pm to deliver its signals */
	}
}
