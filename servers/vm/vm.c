/*
 * vm: every POSIX process's memory. It keeps each address space's regions
 * (region.c), resolves page faults (demand zero, stack growth,
 * copy-on-write), answers brk/mmap/munmap/mprotect/mremap, and builds
 * address spaces for pm (exec, fork). Frames and page tables stay with the
 * kernel; vm decides, the kernel's memory calls act.
 */
#include <proto/vm.h>
#include <proto/posix.h>
#include <sys/server.h>

#include "region.h"

#define PAGE 4096ULL
#define MMAP_FLOOR 0x10000000ULL /* mmap hands out addresses above this... */
#define MMAP_CEILING 0x7f0000000000ULL /* ...and below this (the stack lives above) */

/* Linux's numbers, as musl passes them (call numbers: generated from the installed kernel headers). */
#include <linuxabi/syscalls.h>
#define PROT_MASK 7
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_KNOWN 0x1ff37b /* the flags accepted (and, beyond these, ignored: hints) */
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#define AX_EEXIST 17
#define AX_ENODEV 19

static struct space spaces[AX_NR_SLOTS];
static endpoint_t owner[AX_NR_SLOTS]; /* the endpoint each space belongs to */
static endpoint_t pm;

static uint64_t align_up(uint64_t x) { return (x + PAGE - 1) & ~(PAGE - 1); }

static struct space *space_of(endpoint_t ep)
{
	int s = ep & (AX_NR_SLOTS - 1);

	return ep > 0 && owner[s] == ep ? &spaces[s] : 0;
}

static unsigned map_rights(unsigned prot)
{
	return ((prot & VM_PROT_WRITE) ? AX_MAP_WRITE : 0) | ((prot & VM_PROT_EXEC) ? AX_MAP_EXEC : 0);
}

/* KC_VPROTECT's rights: as map_rights, and no access at all for PROT_NONE. */
static unsigned protect_rights(unsigned prot)
{
	return (prot & (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC)) ? map_rights(prot) : AX_MAP_NONE;
}

static int kcall6(unsigned call, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
	ax_message m = {.u64 = {a, b, c, d, e, f}};

	return ax_kcall(call, &m);
}

static int unmap(endpoint_t ep, uint64_t start, uint64_t end)
{
	return start < end ? kcall6(KC_VUNMAP, (uint64_t)ep, start, end - start, 0, 0, 0) : 0;
}

/* ---- pm's calls -------------------------------------------------------- */

static int from_pm(const ax_message *m) { return m->source == pm; }

static int64_t do_space_new(const ax_message *m, ax_message *reply)
{
	const struct vm_space_req *rq = (const void *)m->bytes;
	endpoint_t ep = (endpoint_t)rq->ep;
	int slot = ep & (AX_NR_SLOTS - 1);
	struct space *old = space_of(ep);

	(void)reply;
	if (!from_pm(m))
		return -AX_EPERM;
	if (ep <= 0 || rq->ep != ep || rq->stack_top % PAGE || rq->stack_top > 0x800000000000ULL ||
	    rq->stack_limit % PAGE)
		return -AX_EINVAL;
	for (int i = 0; old && i < old->n; i++) /* exec: the old image goes */
		unmap(ep, old->r[i].start, old->r[i].end);
	owner[slot] = ep;
	spaces[slot] = (struct space){.stack_top = rq->stack_top, .stack_limit = rq->stack_limit};
	spaces[slot].brk_start = spaces[slot].brk = align_up(rq->brk_start);
	return 0;
}

/* VM_REGION's and VM_SHARE's common fields: from pm, a known space, whole pages, known rights. */
static int64_t region_request(const ax_message *m, struct space **s)
{
	const struct vm_range_req *rq = (const void *)m->bytes;

	if (!from_pm(m))
		return -AX_EPERM;
	if (!(*s = space_of((endpoint_t)rq->ep)))
		return -AX_ESRCH;
	if (rq->start % PAGE || rq->len % PAGE || !rq->len || rq->start + rq->len < rq->start || rq->prot > PROT_MASK)
		return -AX_EINVAL;
	return 0;
}

static int64_t do_region(const ax_message *m, ax_message *reply)
{
	const struct vm_range_req *rq = (const void *)m->bytes;
	uint64_t start = rq->start, len = rq->len, prot = rq->prot;
	struct space *s;
	int64_t r;

	(void)reply;
	if ((r = region_request(m, &s)) < 0)
		return r;
	if (rq->arg > VM_POPULATE)
		return -AX_EINVAL;
	if ((r = region_add(s, start, start + len, (unsigned)prot)) < 0)
		return r;
	if (rq->arg == VM_POPULATE &&
	    (r = ax_vmalloc((endpoint_t)rq->ep, start, len, map_rights((unsigned)prot))) < 0) {
		region_remove(s, start, start + len);
		return r;
	}
	return 0;
}

/* The child gets the parent's regions; its pages are shared copy-on-write. */
static int64_t do_fork(const ax_message *m, ax_message *reply)
{
	const struct vm_fork_req *rq = (const void *)m->bytes;
	endpoint_t parent = (endpoint_t)rq->parent, child = (endpoint_t)rq->child;
	struct space *p = space_of(parent);
	int slot = child & (AX_NR_SLOTS - 1), r;

	(void)reply;
	if (!from_pm(m))
		return -AX_EPERM;
	if (!p || child <= 0 || child == parent)
		return -AX_EINVAL;
	owner[slot] = child;
	p->shared = true;
	spaces[slot] = *p;
	for (int i = 0; i < p->n; i++) {
		unsigned prot = p->r[i].prot;
		bool cow = (prot & VM_PROT_WRITE) && !(prot & VM_REGION_SHARED); /* shared memory stays shared */
		uint64_t fl = map_rights(prot) | AX_SHARE_PRESENT | (cow ? AX_SHARE_COW : 0);

		r = kcall6(KC_VSHARE, (uint64_t)parent, p->r[i].start, (uint64_t)child, p->r[i].start,
			   p->r[i].end - p->r[i].start, fl);
		if (r < 0) {
			owner[slot] = 0;
			return r;
		}
	}
	return 0;
}

static int64_t do_protect(const ax_message *m, ax_message *reply)
{
	const struct vm_range_req *rq = (const void *)m->bytes;
	uint64_t start = rq->start, len = rq->len, prot = rq->prot;
	struct space *s;
	int64_t r;

	(void)reply;
	if ((r = region_request(m, &s)) < 0)
		return r;
	if (rq->arg)
		return -AX_EINVAL;
	if ((r = region_protect(s, start, start + len, (unsigned)prot)) < 0)
		return r;
	return kcall6(KC_VPROTECT, (uint64_t)rq->ep, start, len, protect_rights((unsigned)prot), 0, 0);
}

/* setrlimit(RLIMIT_STACK) in a running process: the stack grows no further than that. */
static int64_t do_stack_limit(const ax_message *m, ax_message *reply)
{
	const struct vm_proc_req *rq = (const void *)m->bytes;
	struct space *s = space_of((endpoint_t)rq->ep);
	uint64_t limit = rq->value & ~(PAGE - 1);

	(void)reply;
	if (!from_pm(m))
		return -AX_EPERM;
	if (!s)
		return -AX_ESRCH;
	if (limit < PAGE || limit > s->stack_top)
		return -AX_EINVAL;
	s->stack_limit = limit;
	return 0;
}

static int64_t do_exit(const ax_message *m, ax_message *reply)
{
	const struct vm_proc_req *rq = (const void *)m->bytes;
	struct space *s = space_of((endpoint_t)rq->ep);

	(void)reply;
	if (!from_pm(m))
		return -AX_EPERM;
	if (!s)
		return -AX_ESRCH;
	owner[(endpoint_t)rq->ep & (AX_NR_SLOTS - 1)] = 0;
	return 0;
}

static int64_t do_info(const ax_message *m, ax_message *reply)
{
	struct vm_info_reply *rp = (void *)reply->bytes;
	ax_message k = {0};
	int r = ax_kcall(KC_MEMINFO, &k);

	(void)m;
	rp->free_bytes = k.u64[0] * k.u64[2];
	rp->total_bytes = k.u64[1] * k.u64[2];
	return r;
}

/* ---- page faults ---------------------------------------------------------- */

static int grow_stack(struct space *s, uint64_t addr);

/* A fault just below the stack, within its limit, grows it. */
static int grow_stack(struct space *s, uint64_t addr)
{
	int i = region_find(s, s->stack_top - 1);
	uint64_t page = addr & ~(PAGE - 1);

	if (i < 0 || addr >= s->r[i].start || page < s->stack_top - s->stack_limit)
		return -1;
	if (i > 0 && s->r[i - 1].end > page)
		return -1; /* would run into another region */
	s->r[i].start = page;
	return i;
}

static int64_t do_fault(const ax_message *m, ax_message *reply)
{
	endpoint_t ep = m->source;
	struct space *s = space_of(ep);
	uint64_t addr = m->u64[0], err = m->u64[1], page = addr & ~(PAGE - 1);
	int i = s ? region_find(s, addr) : -1;

	(void)reply;
	if (s && i < 0)
		i = grow_stack(s, addr);
	if (i < 0) {
		ax_printf("vm: endpoint %d: page fault at %p (rip %p) outside its regions: refused\n", ep,
			  (void *)addr, (void *)m->u64[2]);
		return -AX_EFAULT; /* pm will turn this into SIGSEGV */
	}
	if (((err & 2) && !(s->r[i].prot & VM_PROT_WRITE)) || ((err & 16) && !(s->r[i].prot & VM_PROT_EXEC)) ||
	    !(s->r[i].prot & (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC))) {
		ax_printf("vm: endpoint %d: %s at %p (rip %p) not allowed there: refused\n", ep,
			  (err & 2) ? "write" : (err & 16) ? "execute" : "read", (void *)addr, (void *)m->u64[2]);
		return -13; /* EACCES: a region is there, the access is not allowed (SEGV_ACCERR) */
	}
	if (err & 1) /* present: a write to a shared page */
		return kcall6(KC_VCOW, (uint64_t)ep, page, 0, 0, 0, 0);
	return ax_vmalloc(ep, page, PAGE, map_rights(s->r[i].prot));
}

/* ---- POSIX calls: brk, mmap, munmap, mprotect, mremap ---------------- */

static int64_t do_brk(const ax_message *m, ax_message *reply)
{
	struct space *s = space_of(m->source);
	uint64_t want = arg_ptr(m, 0), old_end, new_end;
	int i;

	(void)reply;
	if (!s)
		return -AX_ENOMEM;
	if (want < s->brk_start || want >= MMAP_FLOOR + (1ULL << 40))
		return (int64_t)s->brk; /* Linux: the break stays, and is returned */
	old_end = align_up(s->brk), new_end = align_up(want);
	if (new_end > old_end) {
		for (int k = 0; k < s->n; k++)
			if (s->r[k].start < new_end && s->r[k].end > old_end)
				return (int64_t)s->brk; /* something is in the way */
		i = old_end > s->brk_start ? region_find(s, old_end - 1) : -1;
		if (i >= 0 && s->r[i].end == old_end)
			s->r[i].end = new_end;
		else if (region_add(s, old_end, new_end, VM_PROT_READ | VM_PROT_WRITE) < 0)
			return (int64_t)s->brk;
	} else if (new_end < old_end) {
		region_remove(s, new_end, old_end);
		unmap(m->source, new_end, old_end);
	}
	s->brk = want;
	return (int64_t)want;
}

/*
 * Anonymous shared memory: its frames are made now, all of them, so that a
 * fork shares them (not copies): pages made later, in each process on its
 * own, could not be. PROT_NONE hides them until an mprotect.
 */
static int64_t map_shared(endpoint_t ep, struct space *s, uint64_t addr, uint64_t len, unsigned prot)
{
	int r = region_add(s, addr, addr + len, prot | VM_REGION_SHARED);

	if (r < 0)
		return r;
	if ((r = ax_vmalloc(ep, addr, len, AX_MAP_WRITE)) == 0 && !(prot & VM_PROT_WRITE))
		r = kcall6(KC_VPROTECT, (uint64_t)ep, addr, len, protect_rights(prot), 0, 0);
	if (r < 0) {
		region_remove(s, addr, addr + len);
		unmap(ep, addr, addr + len);
		return -AX_ENOMEM;
	}
	return (int64_t)addr;
}

static int64_t do_mmap(const ax_message *m, ax_message *reply)
{
	struct space *s = space_of(m->source);
	uint64_t addr = arg_ptr(m, 0), len = align_up(arg_ulong(m, 1)), prot = arg_ulong(m, 2), flags = arg_ulong(m, 3);
	int fd = arg_int(m, 4);
	int r;

	(void)reply;
	if (!s)
		return -AX_ENOMEM;
	if (!arg_ulong(m, 1) || len < arg_ulong(m, 1) || prot & ~(uint64_t)PROT_MASK || (flags & ~(uint64_t)MAP_KNOWN) ||
	    !(flags & (MAP_SHARED | MAP_PRIVATE)) || (flags & MAP_SHARED && flags & MAP_PRIVATE))
		return -AX_EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return fd < 0 ? -9 /* EBADF */ : -AX_ENODEV; /* file mappings come with vfs */
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr % PAGE || addr + len < addr || addr + len > MMAP_CEILING + (1ULL << 39))
			return -AX_EINVAL;
		if (flags & MAP_FIXED_NOREPLACE) {
			for (int k = 0; k < s->n; k++)
				if (s->r[k].start < addr + len && s->r[k].end > addr)
					return -AX_EEXIST;
		} else if ((r = region_remove(s, addr, addr + len)) < 0) {
			return r;
		}
		unmap(m->source, addr, addr + len);
	} else if (!(addr = region_gap(s, len, MMAP_FLOOR, MMAP_CEILING))) {
		return -AX_ENOMEM;
	}
	if (flags & MAP_SHARED)
		return map_shared(m->source, s, addr, len, (unsigned)prot);
	if ((r = region_add(s, addr, addr + len, (unsigned)prot)) < 0)
		return r;
	return (int64_t)addr; /* pages come on first touch, zeroed */
}

static int64_t do_munmap(const ax_message *m, ax_message *reply)
{
	struct space *s = space_of(m->source);
	uint64_t addr = arg_ptr(m, 0), len = align_up(arg_ulong(m, 1));
	int r;

	(void)reply;
	if (!s)
		return -AX_ENOMEM;
	if (addr % PAGE || !arg_ulong(m, 1) || addr + len < addr)
		return -AX_EINVAL;
	if ((r = region_remove(s, addr, addr + len)) < 0)
		return r;
	return unmap(m->source, addr, addr + len);
}

static int64_t do_mprotect(const ax_message *m, ax_message *reply)
{
	struct space *s = space_of(m->source);
	uint64_t addr = arg_ptr(m, 0), len = align_up(arg_ulong(m, 1)), prot = arg_ulong(m, 2);
	int r;

	(void)reply;
	if (!s)
		return -AX_ENOMEM;
	if (addr % PAGE || prot & ~(uint64_t)PROT_MASK || addr + len < addr)
		return -AX_EINVAL;
	if (!len)
		return 0;
	if ((r = region_protect(s, addr, addr + len, (unsigned)prot)) < 0)
		return r;
	return kcall6(KC_VPROTECT, (uint64_t)m->source, addr, len, protect_rights((unsigned)prot), 0, 0);
}

/* Grow or shrink a mapping; with MREMAP_MAYMOVE, move it (its frames move too). */
/*
 * mremap with MREMAP_FIXED: the mapping at old (region i) moves to exactly
 * `to`, whatever was there is unmapped first, as Linux does; the new range
 * may not overlap the old one. Its pages move (shared into the new place,
 * then unmapped from the old); a longer mapping gets demand-zero pages.
 */
static int64_t move_fixed(endpoint_t ep, struct space *s, int i, uint64_t old, uint64_t old_len, uint64_t new_len,
			  uint64_t to)
{
	unsigned prot = s->r[i].prot;
	uint64_t moved = old_len < new_len ? old_len : new_len;
	int r;

	if (to % PAGE || to + new_len < to || to + new_len > MMAP_CEILING + (1ULL << 39) ||
	    (to < old + old_len && old < to + new_len))
		return -AX_EINVAL;
	if ((r = region_remove(s, to, to + new_len)) < 0)
		return r;
	unmap(ep, to, to + new_len);
	if ((r = kcall6(KC_VSHARE, (uint64_t)ep, old, (uint64_t)ep, to, moved, map_rights(prot) | AX_SHARE_PRESENT)) < 0 ||
	    (r = region_add(s, to, to + new_len, prot)) < 0)
		return r;
	region_remove(s, old, old + old_len);
	unmap(ep, old, old + old_len);
	return (int64_t)to;
}

static int64_t do_mremap(const ax_message *m, ax_message *reply)
{
	struct space *s = space_of(m->source);
	uint64_t old = arg_ptr(m, 0), old_len = align_up(arg_ulong(m, 1)), new_len = align_up(arg_ulong(m, 2)), flags = arg_ulong(m, 3);
	uint64_t to;
	int i, r;

	(void)reply;
	if (!s)
		return -AX_ENOMEM;
	if (old % PAGE || !new_len || flags & ~(uint64_t)(MREMAP_MAYMOVE | MREMAP_FIXED) ||
	    (flags & MREMAP_FIXED && !(flags & MREMAP_MAYMOVE)))
		return -AX_EINVAL;
	i = region_find(s, old);
	if (i < 0 || s->r[i].end < old + old_len)
		return -14; /* EFAULT: not one mapping */
	if (flags & MREMAP_FIXED)
		return move_fixed(m->source, s, i, old, old_len, new_len, arg_ptr(m, 4));
	if (new_len <= old_len) {
		region_remove(s, old + new_len, old + old_len);
		unmap(m->source, old + new_len, old + old_len);
		return (int64_t)old;
	}
	if (s->r[i].end == old + old_len && (i + 1 == s->n || s->r[i + 1].start >= old + new_len) &&
	    old + new_len <= MMAP_CEILING) {
		s->r[i].end = old + new_len; /* room right after: grow in place */
		return (int64_t)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -AX_ENOMEM;
	if (!(to = region_gap(s, new_len, MMAP_FLOOR, MMAP_CEILING)))
		return -AX_ENOMEM;
	unsigned prot = s->r[i].prot;

	r = kcall6(KC_VSHARE, (uint64_t)m->source, old, (uint64_t)m->source, to, old_len,
		   map_rights(prot) | AX_SHARE_PRESENT);
	if (r < 0 || (r = region_add(s, to, to + new_len, prot)) < 0)
		return r;
	region_remove(s, old, old + old_len);
	unmap(m->source, old, old + old_len);
	return (int64_t)to;
}

/*
 * A server is about to copy into (or out of) a process's memory: do what
 * the process's own accesses would fault in. The region's rights apply.
 */
static int64_t do_touch(const ax_message *m, ax_message *reply)
{
	const struct vm_touch_req *rq = (const void *)m->bytes;
	endpoint_t ep = (endpoint_t)rq->ep;
	struct space *s = space_of(ep);
	uint64_t start = rq->addr & ~(PAGE - 1), end = align_up(rq->addr + rq->len);
	int write = rq->write == 1, r;

	(void)reply;
	if (!s)
		return -AX_ESRCH;
	if (rq->write > 1 || end < start || !rq->len)
		return -AX_EINVAL;
	for (uint64_t page = start; page < end;) {
		int i = region_find(s, page);
		uint64_t run_end;

		if (i < 0)
			i = grow_stack(s, page);
		if (i < 0 || (write && !(s->r[i].prot & VM_PROT_WRITE)))
			return -14; /* EFAULT: the process itself could not do this access */
		/* the pages of this region in the range: one call maps those still absent */
		run_end = s->r[i].end < end ? s->r[i].end : end;
		r = ax_vmalloc(ep, page, run_end - page, map_rights(s->r[i].prot) | AX_MAP_IFABSENT);
		for (uint64_t q = page; r == 0 && write && s->shared && !(s->r[i].prot & VM_REGION_SHARED) && q < run_end;
		     q += PAGE)
			r = kcall6(KC_VCOW, (uint64_t)ep, q, 0, 0, 0, 0); /* its own, writable copy */
		if (r < 0)
			return r;
		page = run_end;
	}
	return 0;
}

/* A region of a new image backed by pages pm keeps (a program's, read once for many execs). */
static int64_t do_share(const ax_message *m, ax_message *reply)
{
	const struct vm_range_req *rq = (const void *)m->bytes;
	endpoint_t ep = (endpoint_t)rq->ep;
	uint64_t start = rq->start, len = rq->len, prot = rq->prot, from = rq->arg;
	struct space *s;
	int64_t r;

	(void)reply;
	if ((r = region_request(m, &s)) < 0)
		return r;
	if (from % PAGE)
		return -AX_EINVAL;
	if ((r = region_add(s, start, start + len, (unsigned)prot)) < 0)
		return r;
	/* writable: copy-on-write, like a fork's pages (and pm's copy turns read-only, as it stays) */
	r = kcall6(KC_VSHARE, (uint64_t)(int64_t)pm, from, (uint64_t)ep, start, len,
		   map_rights((unsigned)prot) | ((prot & VM_PROT_WRITE) ? AX_SHARE_COW : 0));
	if (r < 0) {
		region_remove(s, start, start + len);
		return r;
	}
	s->shared = true; /* its writes may need a copy now (VM_TOUCH, faults) */
	return 0;
}

static const struct ax_call calls[] = {
	{VM_SHARE, do_share},
	{VM_SPACE_NEW, do_space_new},
	{VM_REGION, do_region},
	{VM_FORK, do_fork},
	{VM_EXIT, do_exit},
	{VM_INFO, do_info},
	{VM_PROTECT, do_protect},
	{VM_TOUCH, do_touch},
	{VM_STACK_LIMIT, do_stack_limit},
	{AX_MSG_PAGEFAULT, do_fault},
	{AX_MSG_POSIX + NR_BRK, do_brk},
	{AX_MSG_POSIX + NR_MMAP, do_mmap},
	{AX_MSG_POSIX + NR_MUNMAP, do_munmap},
	{AX_MSG_POSIX + NR_MPROTECT, do_mprotect},
	{AX_MSG_POSIX + NR_MREMAP, do_mremap},
};

int main(void)
{
	pm = ax_boot_endpoint("pm");
	if (ax_kcall(KC_VM_HANDLER, &(ax_message){.i64 = {AX_SELF}}) < 0)
		ax_printf("vm: could not register for page faults\n");
	ax_printf("vm: up at endpoint %d; pm is %d\n", ax_self, pm);
	ax_serve(calls, (int)(sizeof(calls) / sizeof(calls[0])), 0);
}
