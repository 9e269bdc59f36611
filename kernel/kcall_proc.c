/* Kernel calls on processes: create, copy, start, end and reap them; their registers, privileges, scheduling, signals and POSIX routes. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "ipc.h"
#include "kcall.h"

endpoint_t posix_routes[AX_MSG_POSIX_MAX];
endpoint_t vm_handler = AX_NONE;
endpoint_t exc_handler = AX_NONE;

static int copy_name(char *name, uint64_t uptr)
{
	memset(name, 0, 16);
	for (int i = 0; i < 15; i++) {
		if (uptr + (uint64_t)i >= USER_TOP || copy_user(&name[i], (void *)(uptr + (uint64_t)i), 1) < 0)
			return -AX_EFAULT;
		if (!name[i])
			break;
	}
	return name[0] ? 0 : -AX_EINVAL;
}

int do_create(struct proc *c, ax_message *m)
{
	char name[16];
	int64_t slot = m->i64[0];
	int err = 0, r = copy_name(name, m->u64[1]);
	struct proc *p;

	if (r < 0)
		return r;
	if (slot < -1 || slot >= AX_NR_SLOTS)
		return -AX_EINVAL;
	if (!(p = proc_alloc((int)slot, c, name, &err)))
		return err;
	p->supervisor = c->ep;
	m->i64[0] = p->ep;
	return 0;
}

int do_copy(struct proc *c, ax_message *m)
{
	struct proc *src, *p;
	int64_t slot = m->i64[1];
	int err = 0, r = target(c, m->u64[0], &src);

	if (r < 0)
		return r;
	if (slot < -1 || slot >= AX_NR_SLOTS)
		return -AX_EINVAL;
	if (!(p = proc_alloc((int)slot, c, src->name, &err)))
		return err;
	p->supervisor = c->ep;
	p->tf = src->tf;
	p->tf.vector = 0; /* resume through iret: every register restored */
	fpu_sync(src); /* its live FPU registers, not a stale copy */
	memcpy(p->fpu, src->fpu, sizeof(p->fpu));
	p->priv = src->priv;
	p->prio = src->prio;
	p->quantum_ms = p->ticks_left = src->quantum_ms;
	p->fs_base = src->fs_base;
	p->gs_base = src->gs_base;
	m->i64[0] = p->ep;
	return 0;
}

int do_destroy(struct proc *c, ax_message *m)
{
	struct proc *p;
	int r = target(c, m->u64[0], &p);

	if (r < 0)
		return r;
	proc_kill(p, p == c ? AX_DEATH_EXIT : AX_DEATH_KILLED, 0);
	return 0;
}

int do_getregs(struct proc *c, ax_message *m)
{
	struct proc *p;
	struct ax_regs g;
	int r = target(c, m->u64[0], &p);
	struct trapframe *t = &p->tf;

	if (r < 0)
		return r;
	if (!user_range_ok(m->u64[1], sizeof(g)))
		return -AX_EFAULT;
	g = (struct ax_regs){t->rax, t->rbx, t->rcx, t->rdx, t->rsi, t->rdi, t->rbp, t->rsp,
			     t->r8, t->r9, t->r10, t->r11, t->r12, t->r13, t->r14, t->r15,
			     t->rip, t->rflags, p->fs_base, p->gs_base};
	return copy_user((void *)m->u64[1], &g, sizeof(g));
}

int do_setregs(struct proc *c, ax_message *m)
{
	struct proc *p;
	struct ax_regs g;
	int r = target(c, m->u64[0], &p);
	struct trapframe *t;

	if (r < 0)
		return r;
	if (!user_range_ok(m->u64[1], sizeof(g)) || copy_user(&g, (void *)m->u64[1], sizeof(g)) < 0)
		return -AX_EFAULT;
	if (g.rip >= USER_TOP || g.rsp >= USER_TOP || g.fs_base >= USER_TOP || g.gs_base >= USER_TOP)
		return -AX_EINVAL;
	t = &p->tf;
	*t = (struct trapframe){.r15 = g.r15, .r14 = g.r14, .r13 = g.r13, .r12 = g.r12, .r11 = g.r11,
				.r10 = g.r10, .r9 = g.r9, .r8 = g.r8, .rbp = g.rbp, .rdi = g.rdi, .rsi = g.rsi,
				.rdx = g.rdx, .rcx = g.rcx, .rbx = g.rbx, .rax = g.rax, .rip = g.rip,
				.cs = SEL_UCODE, .rflags = (g.rflags & 0x40dd5) | 0x202, .rsp = g.rsp, .ss = SEL_UDATA};
	p->fs_base = g.fs_base;
	p->gs_base = g.gs_base;
	return 0;
}

int do_start(struct proc *c, ax_message *m)
{
	struct proc *p;
	int r = target(c, m->u64[0], &p);

	if (r < 0)
		return r;
	if (!(p->blocked & BLK_STOPPED))
		return -AX_EBUSY;
	p->ticks_left = p->quantum_ms;
	sched_unblock(p, BLK_STOPPED, false);
	return 0;
}

int do_priv(struct proc *c, ax_message *m)
{
	struct proc *p;
	struct ax_priv pv;
	int r = target(c, m->u64[0], &p);

	if (r < 0)
		return r;
	if (!user_range_ok(m->u64[1], sizeof(pv)) || copy_user(&pv, (void *)m->u64[1], sizeof(pv)) < 0)
		return -AX_EFAULT;
	if (pv.flags & ~7U || pv.irqs & ~0xfffaU) /* no timer, no cascade */
		return -AX_EINVAL;
	for (int i = 0; i < AX_PRIV_IO_RANGES; i++)
		if (pv.io[i].lo > pv.io[i].hi)
			return -AX_EINVAL;
	p->priv = pv;
	return 0;
}

int do_posixroute(struct proc *c, ax_message *m)
{
	static endpoint_t table[AX_MSG_POSIX_MAX];
	uint64_t ptr = m->u64[0], n = m->u64[1];
	struct proc *p;

	(void)c;
	if (n > AX_MSG_POSIX_MAX)
		return -AX_EINVAL;
	if (!user_range_ok(ptr, n * sizeof(endpoint_t)) || copy_user(table, (void *)ptr, n * sizeof(endpoint_t)) < 0)
		return -AX_EFAULT;
	for (uint64_t i = 0; i < n; i++)
		if (table[i] != AX_NONE && proc_lookup(table[i], &p) < 0)
			return -AX_EINVAL;
	for (uint64_t i = 0; i < AX_MSG_POSIX_MAX; i++)
		posix_routes[i] = i < n ? table[i] : AX_NONE;
	return 0;
}

int do_schedule(struct proc *c, ax_message *m)
{
	struct proc *p;
	uint64_t prio = m->u64[1], q = m->u64[2];
	int r = target(c, m->u64[0], &p);

	if (r < 0)
		return r;
	if (prio >= NR_PRIOS || q == 0 || q > 1000)
		return -AX_EINVAL;
	if (p->blocked == 0)
		sched_unready(p);
	p->prio = (int)prio;
	p->quantum_ms = p->ticks_left = (unsigned)q;
	if (p->blocked == 0)
		sched_ready(p, false);
	return 0;
}

/* Name the process that resolves POSIX processes' page faults (vm). */
/* Name who handles POSIX processes' page faults (vm) or exceptions and signal stops (pm). */
static int set_handler(struct proc *c, const ax_message *m, endpoint_t *handler)
{
	struct proc *p;
	int r;

	if ((endpoint_t)m->u64[0] == AX_NONE) {
		*handler = AX_NONE;
		return 0;
	}
	if ((r = target(c, m->u64[0], &p)) < 0)
		return r;
	*handler = p->ep;
	return 0;
}

int do_vmhandler(struct proc *c, ax_message *m) { return set_handler(c, m, &vm_handler); }

int do_exchandler(struct proc *c, ax_message *m) { return set_handler(c, m, &exc_handler); }

/* Stop a POSIX process where signals can be delivered: at its next return to user mode. */
int do_signal(struct proc *c, ax_message *m)
{
	struct proc *p;
	int r = target(c, m->u64[0], &p);

	if (r < 0)
		return r;
	if ((p->priv.flags & AX_PRIV_SYSTEM) || exc_handler == AX_NONE)
		return -AX_EINVAL;
	p->flags |= PF_SIGNAL;
	return 0;
}

int do_cputime(struct proc *c, ax_message *m)
{
	struct proc *p, *waiter;
	int r = target(c, m->u64[0], &p);

	if (r < 0)
		return r;
	m->u64[0] = p->cpu_ns;
	m->u64[1] = proc_runnable(p); /* ready to run (or running) now, not waiting for a message */
	waiter = ipc_reply_waiter(p);  /* a caller it owes an answer: a request it took */
	m->u64[2] = waiter ? (uint64_t)(int64_t)waiter->ep : (uint64_t)(int64_t)AX_NONE;
	m->u64[3] = waiter ? waiter->replies_awaited : 0;
	return 0;
}

/* Read or replace a process's FPU and SSE state (signal frames save and restore it). */
int do_fpu(struct proc *c, ax_message *m)
{
	uint8_t state[512] __attribute__((aligned(16)));
	struct proc *p;
	int r = target(c, m->u64[0], &p);

	if (r < 0)
		return r;
	if (m->u64[2] != AX_COPY_FROM && m->u64[2] != AX_COPY_TO)
		return -AX_EINVAL;
	if (!user_range_ok(m->u64[1], sizeof(state)))
		return -AX_EFAULT;
	if (m->u64[2] == AX_COPY_FROM) {
		fpu_sync(p);
		return copy_user((void *)m->u64[1], p->fpu, sizeof(state));
	}
	if (copy_user(state, (void *)m->u64[1], sizeof(state)) < 0)
		return -AX_EFAULT;
	fpu_sanitize(state); /* reserved MXCSR bits would make fxrstor fault in the kernel */
	fpu_forget(p);
	memcpy(p->fpu, state, sizeof(state));
	return 0;
}

int do_reap(struct proc *c, ax_message *m)
{
	struct ax_death d;
	int r;

	if (!user_range_ok(m->u64[0], sizeof(d)))
		return -AX_EFAULT;
	if (m->u64[1] & ~(uint64_t)AX_REAP_RESERVE)
		return -AX_EINVAL;
	if ((r = proc_reap(c, &d, m->u64[1] & AX_REAP_RESERVE)) < 0)
		return r;
	return copy_user((void *)m->u64[0], &d, sizeof(d)); /* the slot is free (or kept) either way */
}

int do_release(struct proc *c, ax_message *m)
{
	if (m->i64[0] <= 0 || m->i64[0] >= AX_NR_SLOTS)
		return -AX_EINVAL;
	return proc_release(c, (int)m->i64[0]);
}

int do_setfs(struct proc *c, ax_message *m)
{
	struct proc *p;
	int r = target(c, m->u64[0], &p);

	if (r < 0)
		return r;
	if (m->u64[1] >= USER_TOP)
		return -AX_EINVAL;
	p->fs_base = m->u64[1];
	if (p == current)
		cpu_switch_to(p); /* load it now: the caller returns with it */
	return 0;
}
