/* Kernel calls on address spaces and grants: map, share, copy on write, protect, and safe copies. */
#include "arch/x86_64/paging.h"
#include "frame.h"
#include "grant.h"
#include "kcall.h"

static bool page_range_ok(uint64_t va, uint64_t len)
{
	return len && !(va % PAGE_SIZE) && !(len % PAGE_SIZE) && va < USER_TOP && len <= USER_TOP - va;
}

/* Map physical memory the caller holds a right to (devices; vm's pool). */
int do_vmap(struct proc *c, ax_message *m)
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
		if ((r = as_map(p->pml4, va + off, pa + off, (unsigned)fl & AS_RIGHTS)) < 0) {
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

int do_vunmap(struct proc *c, ax_message *m)
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
int do_vmalloc(struct proc *c, ax_message *m)
{
	struct proc *p;
	uint64_t va = m->u64[1], len = m->u64[2], fl = m->u64[3];
	int r = decode_pages(c, m, AX_MAP_WRITE | AX_MAP_EXEC | AX_MAP_IFABSENT, &p);

	if (r < 0)
		return r;
	if (len / PAGE_SIZE > kframes.nfree)
		return -AX_ENOMEM;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t pa;

		if ((fl & AX_MAP_IFABSENT) && as_lookup(p->pml4, va + off, 0))
			continue;
		pa = page_alloc();
		r = pa ? as_map(p->pml4, va + off, pa, ((unsigned)fl & (AX_MAP_WRITE | AX_MAP_EXEC)) | AS_OWNED) : -AX_ENOMEM;
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

int do_meminfo(struct proc *c, ax_message *m)
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

/* Is a kernel-allocated frame mapped at va in p (present or hidden)? Its page in *pg. */
static bool owned_page(const struct proc *p, uint64_t va, struct as_page *pg)
{
	return as_lookup(p->pml4, va, pg) && as_page_owned(pg);
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

int do_vshare(struct proc *c, ax_message *m)
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
	/* Copy-on-write: read-only on both sides, or one side's writes would reach the other. */
	unsigned rights = (unsigned)fl & ((fl & AX_SHARE_COW) ? AX_MAP_EXEC : AX_MAP_WRITE | AX_MAP_EXEC);
	struct as_page pg;

	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		bool there = owned_page(src, from + off, &pg);

		if (!there && (fl & AX_SHARE_PRESENT)) {
			uint64_t next = present_from(src, from, off);

			if (next > off) /* a hole no table covers: jump over it */
				off = next - PAGE_SIZE;
			continue;
		}
		if (!there)
			return -AX_EFAULT; /* nothing there to share */
		if (page_refs(pg.pa) >= 254)
			return -AX_EBUSY; /* shared too widely: copy instead */
	}
	for (uint64_t off = 0; (off = present_from(src, from, off)) < len; off += PAGE_SIZE) {
		if (!owned_page(src, from + off, &pg))
			continue; /* a hole, with AX_SHARE_PRESENT */
		page_ref(pg.pa);
		if ((r = as_map(dst->pml4, to + off, pg.pa, rights | AS_OWNED)) < 0) {
			page_free(pg.pa);
			while (off)
				as_unmap(dst->pml4, to + (off -= PAGE_SIZE));
			return r;
		}
		if (as_page_hidden(&pg)) { /* a PROT_NONE page stays one */
			struct as_page shared;

			if (as_lookup(dst->pml4, to + off, &shared))
				as_hide(&shared);
		}
	}
	if (fl & AX_SHARE_COW)
		for (uint64_t off = 0; (off = present_from(src, from, off)) < len; off += PAGE_SIZE)
			if (owned_page(src, from + off, &pg))
				as_deny_write(&pg);
	as_flush(src->pml4); /* no stale writable translation may survive */
	as_flush(dst->pml4);
	return 0;
}

/* Make the shared page at va private to p and writable: copy it unless p is its last user. */
int do_vcow(struct proc *c, ax_message *m)
{
	struct proc *p;
	uint64_t va = m->u64[1], copy;
	struct as_page pg;
	int r = target(c, m->u64[0], &p);

	if (r < 0)
		return r;
	if (va % PAGE_SIZE || va >= USER_TOP)
		return -AX_EINVAL;
	if (!owned_page(p, va, &pg))
		return -AX_EFAULT;
	if (page_refs(pg.pa) > 1) {
		if (!(copy = page_alloc()))
			return -AX_ENOMEM;
		memcpy(P2V(copy), P2V(pg.pa), PAGE_SIZE);
		page_free(pg.pa);
		as_set_frame(&pg, copy);
	}
	if (!as_page_hidden(&pg)) /* a hidden (PROT_NONE) page stays hidden: mprotect gives it rights again */
		as_set_rights(&pg, AX_MAP_WRITE | (as_page_executable(&pg) ? AX_MAP_EXEC : 0));
	as_flush_page(p->pml4, va);
	return 0;
}

/*
 * Change the rights of the pages present in [va, va+len). A shared frame
 * does not become writable here: its first write faults, and vm copies it.
 */
int do_vprotect(struct proc *c, ax_message *m)
{
	struct proc *p;
	uint64_t va = m->u64[1], len = m->u64[2], fl = m->u64[3];
	int r = decode_pages(c, m, AX_MAP_WRITE | AX_MAP_EXEC | AX_MAP_NONE, &p);

	if (r < 0)
		return r;
	for (uint64_t off = 0; (off = present_from(p, va, off)) < len; off += PAGE_SIZE) {
		struct as_page pg;
		unsigned rights = (unsigned)fl & (AX_MAP_WRITE | AX_MAP_EXEC);

		if (!as_lookup(p->pml4, va + off, &pg))
			continue;
		if (fl & AX_MAP_NONE) { /* not present, but the frame stays for a later mprotect */
			as_hide(&pg);
			continue;
		}
		if (as_page_owned(&pg) && page_refs(pg.pa) > 1)
			rights &= ~(unsigned)AX_MAP_WRITE; /* shared: its first write faults, and vm copies it */
		as_set_rights(&pg, rights);
	}
	as_flush(p->pml4);
	return 0;
}

int do_granttable(struct proc *c, ax_message *m)
{
	uint64_t ptr = m->u64[0], n = m->u64[1];

	if (n > 65536 || ptr >= USER_TOP || n * sizeof(struct ax_grant) > USER_TOP - ptr)
		return -AX_EINVAL;
	c->grant_addr = ptr;
	c->grant_count = n;
	return 0;
}

/* Copy between the caller's memory and memory someone granted it. */
int do_safecopy(struct proc *c, ax_message *m)
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
