/* The process table: slots, endpoints, privileges, and process death. */
#include "proc.h"

#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "kernel.h"

struct proc proc_table[AX_NR_SLOTS];
struct proc *current;

void proc_init(void)
{
	for (int s = 0; s < AX_NR_SLOTS; s++) {
		proc_table[s].slot = s;
		proc_table[s].gen = 0;
		proc_table[s].blocked = BLK_FREE;
	}
}

/*
 * Take a free slot (slot_hint, or the lowest free one when it is -1) for a
 * new, stopped process with an empty address space and no privileges.
 * Slot 0 is never used, so endpoint values stay recognisable. A reserved
 * slot is taken only by name, and only by the supervisor it waits for.
 */
struct proc *proc_alloc(int slot_hint, const struct proc *creator, const char *name, int *err)
{
	struct proc *p = 0;
	uint64_t pml4;

	if (slot_hint >= 0) {
		if (slot_hint == 0 || slot_hint >= AX_NR_SLOTS) {
			*err = -AX_EINVAL;
			return 0;
		}
		p = &proc_table[slot_hint];
		if (!(p->blocked & BLK_FREE) ||
		    ((p->blocked & BLK_RESERVED) && (!creator || p->supervisor != creator->ep))) {
			*err = -AX_EBUSY;
			return 0;
		}
	} else {
		for (int s = 1; s < AX_NR_SLOTS && !p; s++)
			if (proc_table[s].blocked == BLK_FREE)
				p = &proc_table[s];
		if (!p) {
			*err = -AX_EBUSY;
			return 0;
		}
	}
	if (!(pml4 = as_create())) {
		*err = -AX_ENOMEM;
		return 0;
	}
	int slot = p->slot, gen = ep_next_gen(p->gen);

	memset(p, 0, sizeof(*p));
	p->slot = slot;
	p->gen = gen;
	p->ep = ep_make(slot, gen);
	p->blocked = BLK_STOPPED;
	p->pml4 = pml4;
	p->prio = 8;
	p->quantum_ms = p->ticks_left = 10;
	p->sendto = p->getfrom = p->supervisor = AX_NONE;
	p->tf.cs = SEL_UCODE;
	p->tf.ss = SEL_UDATA;
	p->tf.rflags = 0x202; /* interrupts on */
	strlcpy(p->name, name, sizeof(p->name));
	fpu_init_state(p);
	return p;
}

/*
 * End a process: wake everyone blocked on it with -EDEADEP, drop its
 * notifications, interrupts and memory. Its slot stays a zombie for its
 * supervisor to reap (KC_REAP), or is freed at once if it has none; the
 * zombies it supervised itself are freed. cause is an AX_DEATH_* value;
 * for AX_DEATH_FAULT the caller has filled p->death's vector, address, rip.
 */
void proc_kill(struct proc *p, int cause, const char *why)
{
	struct proc *super = 0;

	if (why)
		kprintf("kernel: %s (endpoint %d) ended: %s\n", p->name, p->ep, why);
	if (p->blocked & BLK_SENDING) {
		struct proc *dst;

		if (proc_lookup(p->sendto, &dst) == 0)
			sendq_remove(dst, p);
	}
	sched_unready(p);
	p->blocked |= BLK_ZOMBIE; /* from here on its endpoint is dead */
	ipc_wake_all_of(p);
	for (int s = 0; s < AX_NR_SLOTS; s++) {
		struct proc *q = &proc_table[s];

		q->notify_bits[p->slot / 64] &= ~(1ULL << (p->slot % 64));
		if ((q->blocked & (BLK_ZOMBIE | BLK_RESERVED)) && q->supervisor == p->ep && q != p)
			q->blocked = BLK_FREE; /* its zombies and the slots kept for it */
	}
	irq_release_all(p);
	for (unsigned i = 0; i < AX_MSG_POSIX_MAX; i++)
		if (posix_routes[i] == p->ep)
			posix_routes[i] = AX_NONE;
	if (vm_handler == p->ep)
		vm_handler = AX_NONE;
	if (exc_handler == p->ep)
		exc_handler = AX_NONE;
	fpu_forget(p);
	as_destroy(p->pml4);
	p->pml4 = 0;
	p->alarm_ns = 0;
	p->death.ep = p->ep;
	p->death.cpu_ns = p->cpu_ns;
	p->death.cause = cause;
	if (current == p)
		current = 0;
	if (proc_lookup(p->supervisor, &super) == 0) {
		p->blocked = BLK_ZOMBIE;
		super->deaths_pending = true;
		ipc_notify_kernel(super, AX_KERNEL);
	} else {
		p->blocked = BLK_FREE;
	}
}

/*
 * Hand super the record of one process it supervised that has ended, and
 * free that slot, or, with reserve, keep it empty for super alone: no other
 * creation takes it until super creates into it again or releases it.
 */
int proc_reap(struct proc *super, struct ax_death *out, bool reserve)
{
	for (int s = 1; s < AX_NR_SLOTS; s++) {
		struct proc *z = &proc_table[s];

		if ((z->blocked & BLK_ZOMBIE) && z->supervisor == super->ep) {
			*out = z->death;
			z->blocked = reserve ? BLK_FREE | BLK_RESERVED : BLK_FREE;
			return 0;
		}
	}
	return -AX_EAGAIN;
}

/* Free a slot kept for super: 0, -EINVAL for no such slot, -ESRCH if it is not one super holds. */
int proc_release(const struct proc *super, int slot)
{
	struct proc *p;

	if (slot <= 0 || slot >= AX_NR_SLOTS)
		return -AX_EINVAL;
	p = &proc_table[slot];
	if (p->blocked != (BLK_FREE | BLK_RESERVED) || p->supervisor != super->ep)
		return -AX_ESRCH;
	p->blocked = BLK_FREE;
	return 0;
}

static bool bit_set(const uint64_t *map, int n)
{
	return (map[n / 64] >> (n % 64)) & 1;
}

/*
 * May `from` send to `to`? Yes if its privileges name the target, or if it
 * is answering: `to` waits in a sendrec for a reply from `from`.
 */
bool priv_may_send(const struct proc *from, const struct proc *to)
{
	if ((from->priv.flags & AX_PRIV_SEND_ANY) || bit_set(from->priv.send_to, to->slot))
		return true;
	return (to->blocked & BLK_RECEIVING) && (to->flags & PF_REPLY) && to->getfrom == from->ep;
}

bool priv_has_kcall(const struct proc *p, unsigned call)
{
	return call < 64 && ((p->priv.kcalls >> call) & 1);
}

bool priv_io_ok(const struct ax_priv *pv, uint32_t port, unsigned width)
{
	for (int i = 0; i < AX_PRIV_IO_RANGES; i++)
		if (pv->io[i].hi && port >= pv->io[i].lo && port + width - 1 <= pv->io[i].hi)
			return true;
	return false;
}

bool priv_mem_ok(const struct ax_priv *pv, uint64_t base, uint64_t len)
{
	for (int i = 0; i < AX_PRIV_MEM_RANGES; i++) {
		uint64_t lo = pv->mem[i].base, size = pv->mem[i].size;

		if (size && base >= lo && len <= size && base - lo <= size - len)
			return true;
	}
	return false;
}
