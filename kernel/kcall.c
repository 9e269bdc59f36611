/*
 * Kernel calls: the mechanisms servers build policy on. Each handler first
 * checks every argument (decode) and only then changes state (invoke), so a
 * refused call leaves nothing half done. The caller's right to make the
 * call at all was checked by kcall_dispatch.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "frame.h"
#include "grant.h"
#include "kernel.h"
#include "proc.h"

extern int copy_user(void *dst, const void *src, uint64_t n);

endpoint_t posix_routes[AX_MSG_POSIX_MAX];
endpoint_t vm_handler = AX_NONE;
endpoint_t exc_handler = AX_NONE;

/* The privilege words of the calls, by number (kcalls.h): boot lines name calls by them. */
#define KCALL_WORD(name, number, word, handler) [number] = word,
const char *const kcall_names[KC_COUNT] = {AX_KCALLS(KCALL_WORD)};

/* The target of a call: AX_SELF or a live endpoint. */
static int target(struct proc *caller, uint64_t ep, struct proc **out)
{
	if ((endpoint_t)ep == AX_SELF) {
		*out = caller;
		return 0;
	}
	return proc_lookup((endpoint_t)ep, out);
}

/* [ptr, ptr+len) lies wholly in user space: the only check copy_user needs. */
static bool user_range_ok(uint64_t ptr, uint64_t len)
{
	return ptr < USER_TOP && len <= USER_TOP - ptr;
}

static bool page_range_ok(uint64_t va, uint64_t len)
{
	return len && !(va % PAGE_SIZE) && !(len % PAGE_SIZE) && va < USER_TOP && len <= USER_TOP - va;
}

static int do_null(struct proc *c, ax_message *m)
{
	(void)c, (void)m;
	return 0;
}

static int do_print(struct proc *c, ax_message *m)
{
	char buf[256];
	uint64_t ptr = m->u64[0], len = m->u64[1];

	(void)c;
	if (len > 4096)
		return -AX_EINVAL;
	if (!user_range_ok(ptr, len))
		return -AX_EFAULT;
	while (len) {
		uint64_t n = len < sizeof(buf) ? len : sizeof(buf);

		if (copy_user(buf, (void *)ptr, n) < 0)
			return -AX_EFAULT;
		klog_write(buf, n);
		ptr += n, len -= n;
	}
	return 0;
}

static int do_klog_read(struct proc *c, ax_message *m)
{
	char buf[256];
	uint64_t ptr = m->u64[0], len = m->u64[1], seq = m->u64[2], done = 0;

	(void)c;
	if (!user_range_ok(ptr, len))
		return -AX_EFAULT;
	while (done < len) {
		uint64_t want = len - done < sizeof(buf) ? len - done : sizeof(buf);
		uint64_t before = seq;
		size_t n = klog_read(buf, want, &seq);

		if (n == 0)
			break;
		if (copy_user((void *)(ptr + done), buf, n) < 0) {
			seq = before;
			return -AX_EFAULT;
		}
		done += n;
	}
	m->u64[0] = done;
	m->u64[1] = seq;
	return 0;
}

static int do_klogvga(struct proc *c, ax_message *m)
{
	(void)c;
	if (m->u64[0] > 1)
		return -AX_EINVAL;
	klog_vga(m->u64[0] == 1);
	return 0;
}

static int do_clock(struct proc *c, ax_message *m)
{
	(void)c;
	m->u64[0] = clock_now_ns();
	m->u64[1] = tsc_hz;
	m->u64[2] = clock_ticks;
	m->u64[3] = sched_idle_ns;
	return 0;
}

static int do_alarm(struct proc *c, ax_message *m)
{
	clock_set_alarm(c, m->u64[0]);
	return 0;
}

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

static int do_create(struct proc *c, ax_message *m)
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

static int do_copy(struct proc *c, ax_message *m)
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

static int do_destroy(struct proc *c, ax_message *m)
{
	struct proc *p;
	int r = target(c, m->u64[0], &p);

	if (r < 0)
		return r;
	proc_kill(p, p == c ? AX_DEATH_EXIT : AX_DEATH_KILLED, 0);
	return 0;
}

static int do_getregs(struct proc *c, ax_message *m)
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

static int do_setregs(struct proc *c, ax_message *m)
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

static int do_start(struct proc *c, ax_message *m)
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

static uint64_t map_flags(uint64_t f)
{
	return ((f & AX_MAP_WRITE) ? PTE_W : 0) | ((f & AX_MAP_EXEC) ? 0 : PTE_NX) |
	       ((f & AX_MAP_UNCACHED) ? PTE_PCD | PTE_PWT : 0);
}

/* Map physical memory the caller holds a right to (devices; vm's pool). */
static int do_vmap(struct proc *c, ax_message *m)
{
	struct proc *p;
	uint64_t va = m->u64[1], pa = m->u64[2], len = m->u64[3], fl = m->u64[4];
	int r = target(c, m->u64[0], &p);

	if (r < 0)
		return r;
	if (!page_range_ok(va, len) || pa % PAGE_SIZE || fl & ~7ULL)
		return -AX_EINVAL;
	if (!priv_mem_ok(&c->priv, pa, len))
		return -AX_EPERM;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		if ((r = as_map(p->pml4, va + off, pa + off, map_flags(fl))) < 0) {
			while (off)
				as_unmap(p->pml4, va + (off -= PAGE_SIZE));
			return r;
		}
	}
	return 0;
}

/*
 * Decode the common arguments of the calls on a range of one process's pages:
 * u64[0] target, u64[1] page-aligned start, u64[2] length, u64[3] flags
 * within allowed (pass ~0 when the call takes no flags).
 */
static int decode_pages(struct proc *c, const ax_message *m, uint64_t allowed, struct proc **p)
{
	int r = target(c, m->u64[0], p);

	if (r < 0)
		return r;
	if (!page_range_ok(m->u64[1], m->u64[2]) || (m->u64[3] & ~allowed))
		return -AX_EINVAL;
	return 0;
}

static int do_vunmap(struct proc *c, ax_message *m)
{
	struct proc *p;
	int r = decode_pages(c, m, ~0ULL, &p);

	if (r < 0)
		return r;
	as_unmap_range(p->pml4, m->u64[1], m->u64[1] + m->u64[2]);
	as_prune(p->pml4, m->u64[1], m->u64[2]);
	return 0;
}

/* Map fresh zeroed frames from the kernel's pool; freed with the mapping. */
static int do_vmalloc(struct proc *c, ax_message *m)
{
	struct proc *p;
	uint64_t va = m->u64[1], len = m->u64[2], fl = m->u64[3];
	int r = decode_pages(c, m, AX_MAP_WRITE | AX_MAP_EXEC | AX_MAP_IFABSENT, &p);

	if (r < 0)
		return r;
	if (len / PAGE_SIZE > kframes.nfree)
		return -AX_ENOMEM;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t *pte = as_pte(p->pml4, va + off), pa;

		if ((fl & AX_MAP_IFABSENT) && pte && (*pte & PTE_HOLDS))
			continue;
		pa = page_alloc();
		r = pa ? as_map(p->pml4, va + off, pa, map_flags(fl & 3) | PTE_OWNED) : -AX_ENOMEM;
		if (r < 0) {
			if (pa)
				page_free(pa);
			/* Undo, unless pages that were there before are mixed in (they stay, as do ours). */
			while (off && !(fl & AX_MAP_IFABSENT))
				as_unmap(p->pml4, va + (off -= PAGE_SIZE));
			return r;
		}
	}
	return 0;
}

static int do_priv(struct proc *c, ax_message *m)
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

static int do_irq(struct proc *c, ax_message *m, unsigned call)
{
	uint64_t line = m->u64[0];

	if (line >= 16 || line == 0 || line == 2)
		return -AX_EINVAL;
	if (call == KC_IRQ_REGISTER)
		return (c->priv.irqs >> line) & 1 ? irq_register(c, (unsigned)line) : -AX_EPERM;
	if (!irq_owned_by((unsigned)line, c))
		return -AX_EPERM;
	if (call == KC_IRQ_ENABLE)
		pic_unmask((unsigned)line);
	else
		pic_mask((unsigned)line);
	return 0;
}

static int do_irqreg(struct proc *c, ax_message *m) { return do_irq(c, m, KC_IRQ_REGISTER); }
static int do_irqon(struct proc *c, ax_message *m) { return do_irq(c, m, KC_IRQ_ENABLE); }
static int do_irqoff(struct proc *c, ax_message *m) { return do_irq(c, m, KC_IRQ_DISABLE); }

static int do_devio(struct proc *c, ax_message *m)
{
	static const unsigned width[] = {1, 2, 4, 1, 2, 4};
	uint64_t port = m->u64[0], op = m->u64[1], v = m->u64[2];

	if (port > 0xffff || op > AX_IO_OUT32)
		return -AX_EINVAL;
	if (!priv_io_ok(&c->priv, (uint32_t)port, width[op]))
		return -AX_EPERM;
	switch (op) {
	case AX_IO_IN8: m->u64[0] = inb((uint16_t)port); break;
	case AX_IO_IN16: m->u64[0] = inw((uint16_t)port); break;
	case AX_IO_IN32: m->u64[0] = inl((uint16_t)port); break;
	case AX_IO_OUT8: outb((uint16_t)port, (uint8_t)v); break;
	case AX_IO_OUT16: outw((uint16_t)port, (uint16_t)v); break;
	default: outl((uint16_t)port, (uint32_t)v); break;
	}
	return 0;
}

static int do_granttable(struct proc *c, ax_message *m)
{
	uint64_t ptr = m->u64[0], n = m->u64[1];

	if (n > 65536 || ptr >= USER_TOP || n * sizeof(struct ax_grant) > USER_TOP - ptr)
		return -AX_EINVAL;
	c->grant_addr = ptr;
	c->grant_count = n;
	return 0;
}

/* Copy between the caller's memory and memory someone granted it. */
static int do_safecopy(struct proc *c, ax_message *m)
{
	struct proc *granter, *owner;
	struct ax_grant g;
	struct ax_copy_vec one = {m->u64[3], m->u64[4]}, vec[AX_COPY_VEC_MAX], *v = &one;
	uint64_t id = m->u64[1], off = m->u64[2], n = 1, addr;
	int dir = (int)(m->u64[5] & ~(uint64_t)AX_COPY_VEC);
	int r = proc_lookup((endpoint_t)m->u64[0], &granter);

	if (r < 0)
		return r;
	if (m->u64[5] & AX_COPY_VEC) { /* u64[3]: the caller's pieces, u64[4] of them, one after the other in the grant */
		n = m->u64[4], v = vec;
		if (n > AX_COPY_VEC_MAX || !user_range_ok(m->u64[3], n * sizeof(vec[0])) ||
		    copy_user(vec, (void *)m->u64[3], n * sizeof(vec[0])) < 0)
			return -AX_EFAULT;
	}
	if (id >= granter->grant_count ||
	    as_rw(granter->pml4, granter->grant_addr + id * sizeof(g), &g, sizeof(g), false) < 0)
		return -AX_ESRCH;
	owner = granter;
	if ((g.flags & AX_GRANT_MAGIC) && (r = proc_lookup(g.owner, &owner)) < 0)
		return r;
	for (uint64_t i = 0, done = 0; i < n; off += v[i].len, done += v[i].len, i++) {
		if (n > 1 && v[i].len > INT32_MAX - done)
			return -AX_EINVAL; /* a vector's answer is its byte count: it must fit */
		r = grant_check(&g, c->ep, off, v[i].len, dir, granter->priv.flags & AX_PRIV_MAGIC, USER_TOP, &addr);
		if (r == 0)
			r = dir == AX_COPY_FROM ? as_copy(c->pml4, v[i].addr, owner->pml4, addr, v[i].len)
						: as_copy(owner->pml4, addr, c->pml4, v[i].addr, v[i].len);
		if (r < 0)
			return v == vec && done ? (int)done : r; /* a vector that stopped part of the way: what was copied */
	}
	return 0;
}

static int do_posixroute(struct proc *c, ax_message *m)
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

static int do_schedule(struct proc *c, ax_message *m)
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

static int do_vmhandler(struct proc *c, ax_message *m) { return set_handler(c, m, &vm_handler); }
static int do_exchandler(struct proc *c, ax_message *m) { return set_handler(c, m, &exc_handler); }

/* Stop a POSIX process where signals can be delivered: at its next return to user mode. */
static int do_signal(struct proc *c, ax_message *m)
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

static int do_cputime(struct proc *c, ax_message *m)
{
	struct proc *p;
	int r = target(c, m->u64[0], &p);

	if (r < 0)
		return r;
	m->u64[0] = p->cpu_ns;
	m->u64[1] = proc_runnable(p); /* ready to run (or running) now, not waiting for a message */
	return 0;
}

/* Read or replace a process's FPU and SSE state (signal frames save and restore it). */
static int do_fpu(struct proc *c, ax_message *m)
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

static int do_reap(struct proc *c, ax_message *m)
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

static int do_release(struct proc *c, ax_message *m)
{
	if (m->i64[0] <= 0 || m->i64[0] >= AX_NR_SLOTS)
		return -AX_EINVAL;
	return proc_release(c, (int)m->i64[0]);
}

static int do_setfs(struct proc *c, ax_message *m)
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

static int do_meminfo(struct proc *c, ax_message *m)
{
	struct proc *p;

	m->u64[3] = 0;
	if (m->u64[0]) { /* and a process's resident pages: what an OOM killer weighs */
		int r = target(c, m->u64[0], &p);

		if (r < 0)
			return r;
		m->u64[3] = as_resident(p->pml4);
	}
	m->u64[0] = kframes.nfree;
	m->u64[1] = kframes.nram;
	m->u64[2] = PAGE_SIZE;
	return 0;
}

/* The kernel-allocated page mapped at va in p, or 0. */
static uint64_t *owned_pte(struct proc *p, uint64_t va)
{
	uint64_t *pte = as_pte(p->pml4, va);

	return pte && (*pte & PTE_HOLDS) && (*pte & PTE_OWNED) ? pte : 0;
}

/*
 * Map the pages another process has at [from, from+len) into a process at
 * `to`, sharing the frames (fork's copy-on-write, shared memory). With
 * AX_SHARE_COW the source loses its write right too; vm gives each side a
 * private copy on its first write (KC_VCOW).
 */
/* The first offset at or after off, from base, that a page table of p covers: a walk skips what was never mapped. */
static uint64_t present_from(const struct proc *p, uint64_t base, uint64_t off)
{
	return as_hole_end(p->pml4, base + off) - base;
}

static int do_vshare(struct proc *c, ax_message *m)
{
	struct proc *src, *dst;
	uint64_t from = m->u64[1], to = m->u64[3], len = m->u64[4], fl = m->u64[5];
	int r;

	if ((r = target(c, m->u64[0], &src)) < 0 || (r = target(c, m->u64[2], &dst)) < 0)
		return r;
	if (!page_range_ok(from, len) || !page_range_ok(to, len) ||
	    fl & ~(uint64_t)(AX_MAP_WRITE | AX_MAP_EXEC | AX_SHARE_COW | AX_SHARE_PRESENT))
		return -AX_EINVAL;
	if (src == dst && from < to + len && to < from + len)
		return -AX_EINVAL; /* within one process only between disjoint ranges */
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t *pte = owned_pte(src, from + off);

		if (!pte && (fl & AX_SHARE_PRESENT)) {
			uint64_t next = present_from(src, from, off);

			if (next > off) /* a hole no table covers: jump over it */
				off = next - PAGE_SIZE;
			continue;
		}
		if (!pte)
			return -AX_EFAULT; /* nothing there to share */
		if (page_refs(*pte & PTE_ADDR) >= 254)
			return -AX_EBUSY; /* shared too widely: copy instead */
	}
	for (uint64_t off = 0; (off = present_from(src, from, off)) < len; off += PAGE_SIZE) {
		uint64_t *pte = owned_pte(src, from + off), pa;

		if (!pte)
			continue; /* a hole, with AX_SHARE_PRESENT */
		pa = *pte & PTE_ADDR;
		page_ref(pa);
		/* Copy-on-write: read-only on both sides, or one side's writes would reach the other. */
		if ((r = as_map(dst->pml4, to + off, pa,
				map_flags((fl & AX_SHARE_COW) ? fl & AX_MAP_EXEC : fl & 3) | PTE_OWNED)) < 0) {
			page_free(pa);
			while (off)
				as_unmap(dst->pml4, to + (off -= PAGE_SIZE));
			return r;
		}
		if (*pte & PTE_HIDDEN) { /* a PROT_NONE page stays one */
			uint64_t *d = as_pte(dst->pml4, to + off);

			*d = (*d & ~PTE_P) | PTE_HIDDEN;
		}
	}
	if (fl & AX_SHARE_COW)
		for (uint64_t off = 0; (off = present_from(src, from, off)) < len; off += PAGE_SIZE) {
			uint64_t *pte = owned_pte(src, from + off);

			if (pte)
				*pte &= ~PTE_W;
		}
	if (src == current || dst == current)
		write_cr3(current->pml4); /* no stale writable translation may survive */
	return 0;
}

/* Make the shared page at va private to p and writable: copy it unless p is its last user. */
static int do_vcow(struct proc *c, ax_message *m)
{
	struct proc *p;
	uint64_t va = m->u64[1], *pte, old, copy;
	int r = target(c, m->u64[0], &p);

	if (r < 0)
		return r;
	if (va % PAGE_SIZE || va >= USER_TOP)
		return -AX_EINVAL;
	if (!(pte = owned_pte(p, va)))
		return -AX_EFAULT;
	old = *pte & PTE_ADDR;
	if (page_refs(old) > 1) {
		if (!(copy = page_alloc()))
			return -AX_ENOMEM;
		memcpy(P2V(copy), P2V(old), PAGE_SIZE);
		page_free(old);
		*pte = (*pte & ~PTE_ADDR) | copy;
	}
	*pte |= PTE_W;
	if (p == current)
		invlpg(va);
	return 0;
}

/*
 * Change the rights of the pages present in [va, va+len). A shared frame
 * does not become writable here: its first write faults, and vm copies it.
 */
static int do_vprotect(struct proc *c, ax_message *m)
{
	struct proc *p;
	uint64_t va = m->u64[1], len = m->u64[2], fl = m->u64[3];
	int r = decode_pages(c, m, AX_MAP_WRITE | AX_MAP_EXEC | AX_MAP_NONE, &p);

	if (r < 0)
		return r;
	for (uint64_t off = 0; (off = present_from(p, va, off)) < len; off += PAGE_SIZE) {
		uint64_t *pte = as_pte(p->pml4, va + off);

		if (!pte || !(*pte & PTE_HOLDS))
			continue;
		if (fl & AX_MAP_NONE) { /* not present, but the frame stays for a later mprotect */
			*pte = (*pte & ~PTE_P) | PTE_HIDDEN;
			continue;
		}
		*pte = (*pte & ~(PTE_W | PTE_NX | PTE_HIDDEN)) | PTE_P | map_flags(fl);
		if ((*pte & PTE_OWNED) && page_refs(*pte & PTE_ADDR) > 1)
			*pte &= ~PTE_W;
	}
	if (p == current)
		write_cr3(p->pml4);
	return 0;
}

#define KCALL_HANDLER(name, number, word, handler) [number] = handler,
static int (*const kcall_table[KC_COUNT])(struct proc *, ax_message *) = {AX_KCALLS(KCALL_HANDLER)};

/*
 * Check the caller's right to the call, then run it. A process may always
 * end itself and set its own thread pointer (KC_PROC_DESTROY, KC_SET_FS of
 * AX_SELF): neither needs a privilege.
 */
int kcall_dispatch(struct proc *caller, unsigned call, ax_message *m)
{
	bool own = (call == KC_PROC_DESTROY || call == KC_SET_FS) && (endpoint_t)m->u64[0] == AX_SELF;

	if (call >= KC_COUNT)
		return -AX_ENOSYS;
	if (!own && !priv_has_kcall(caller, call))
		return -AX_EPERM;
	return kcall_table[call](caller, m);
}
