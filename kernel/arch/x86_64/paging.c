/*
 * Page tables. The upper half (PML4 entries 256-511: the direct map of
 * physical memory and the kernel image) is the same in every address space;
 * the lower half is the process's own.
 */
#include "paging.h"

#include "../../frame.h"
#include "../../kernel.h"
#include "cpu.h"

struct frame_pool kframes;
static uint64_t kernel_pml4;
static uint8_t *frame_refs; /* mappings of each frame the kernel handed out */
static uint64_t nrefs;      /* frames covered: up to the highest RAM frame */

/*
 * Switch to the kernel's own tables and set up reference counts for every
 * frame of RAM (one byte each, in frames taken from the pool).
 */
void paging_init(uint64_t boot_pml4_phys)
{
	uint64_t first;

	kernel_pml4 = boot_pml4_phys;
	((uint64_t *)P2V(kernel_pml4))[0] = 0; /* drop the boot identity map */
	write_cr3(kernel_pml4);
	for (nrefs = kframes.nframes; nrefs && frame_in_use(&kframes, nrefs - 1); nrefs--)
		;
	first = frame_get_run(&kframes, ALIGN_UP(nrefs, PAGE_SIZE) / PAGE_SIZE);
	if (first == FRAME_NONE)
		panic("no memory for frame reference counts");
	frame_refs = P2V(first * PAGE_SIZE);
	memset(frame_refs, 0, nrefs);
}

/* A zeroed frame with one reference; its physical address, or 0. */
uint64_t page_alloc(void)
{
	uint64_t f = frame_get(&kframes);

	if (f == FRAME_NONE)
		return 0;
	memset(P2V(f * PAGE_SIZE), 0, PAGE_SIZE);
	frame_refs[f] = 1;
	return f * PAGE_SIZE;
}

/* One more mapping of pa; false when the count is full (share no further). */
bool page_ref(uint64_t pa)
{
	uint64_t f = pa / PAGE_SIZE;

	if (f >= nrefs || frame_refs[f] == 0 || frame_refs[f] == UINT8_MAX)
		return false;
	frame_refs[f]++;
	return true;
}

unsigned page_refs(uint64_t pa)
{
	return pa / PAGE_SIZE < nrefs ? frame_refs[pa / PAGE_SIZE] : 0;
}

/* Drop one reference; the frame goes back to the pool with the last. */
void page_free(uint64_t pa)
{
	uint64_t f = pa / PAGE_SIZE;

	if (f >= nrefs || frame_refs[f] == 0 || !frame_in_use(&kframes, f))
		panic("page_free: frame %lx is not in use", pa);
	if (--frame_refs[f] == 0)
		frame_put(&kframes, f);
}

/* A fresh space: empty lower half, the kernel's upper half. */
uint64_t as_create(void)
{
	uint64_t pml4 = page_alloc();

	if (pml4)
		memcpy((uint64_t *)P2V(pml4) + 256, (uint64_t *)P2V(kernel_pml4) + 256, 256 * 8);
	return pml4;
}

/*
 * Walk the lower half's tables: the frames the kernel gave it (a process's
 * resident pages, shared ones counted in each sharer); with `free`, free
 * them and the tables too.
 */
static uint64_t walk_level(uint64_t table, int level, bool free)
{
	uint64_t *t = P2V(table), n = 0;

	for (int k = 0; k < (level == 4 ? 256 : 512); k += 8) {
		/* most entries of most tables are empty: eight at a glance */
		if (!(t[k] | t[k + 1] | t[k + 2] | t[k + 3] | t[k + 4] | t[k + 5] | t[k + 6] | t[k + 7]))
			continue;
		for (int i = k; i < k + 8; i++) {
			if (!(t[i] & (level > 1 ? PTE_P : PTE_HOLDS)))
				continue;
			if (level > 1) {
				n += walk_level(t[i] & PTE_ADDR, level - 1, free);
			} else if (t[i] & PTE_OWNED) {
				n++;
				if (free)
					page_free(t[i] & PTE_ADDR);
			}
		}
	}
	if (free && level < 4)
		page_free(table);
	return n;
}

uint64_t as_resident(uint64_t pml4) { return walk_level(pml4, 4, false); }

void as_destroy(uint64_t pml4)
{
	if (read_cr3() == pml4)
		write_cr3(kernel_pml4);
	walk_level(pml4, 4, true);
	page_free(pml4);
}

/* The page-table entry for va, creating tables on the way if create. */
static uint64_t *walk(uint64_t pml4, uint64_t va, bool create)
{
	uint64_t *t = P2V(pml4);

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];

		if (!(*e & PTE_P)) {
			uint64_t pa;

			if (!create || !(pa = page_alloc()))
				return 0;
			*e = pa | PTE_P | PTE_W | PTE_U;
		}
		t = P2V(*e & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

/*
 * Where the hole around va ends: va itself if a page table covers va (its
 * entry may still be empty), else the start of the next region that the
 * missing table would have covered. A walk over a range steps with it, so
 * its cost follows what is mapped, not the range's size (a program may
 * munmap 2^46 bytes it never touched).
 */
uint64_t as_hole_end(uint64_t pml4, uint64_t va)
{
	uint64_t *t = P2V(pml4);

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];

		if (!(*e & PTE_P))
			return (va | ((1ULL << shift) - 1)) + 1;
		t = P2V(*e & PTE_ADDR);
	}
	return va;
}

/* The entry of va's frame (present or hidden), or 0. */
static uint64_t *frame_pte(uint64_t pml4, uint64_t va)
{
	uint64_t *pte = va < USER_TOP ? walk(pml4, va, false) : 0;

	return pte && (*pte & PTE_HOLDS) ? pte : 0;
}

/* The page-table bits of rights (AX_MAP_*, AS_OWNED). */
static uint64_t rights_bits(unsigned rights)
{
	/* by AX_MAP_WRITE (1), AX_MAP_EXEC (2), AX_MAP_UNCACHED (4): a look-up, as every page of a fork maps here */
	static const uint64_t bits[8] = {
		PTE_NX, PTE_NX | PTE_W, 0, PTE_W,
		PTE_NX | PTE_PCD | PTE_PWT, PTE_NX | PTE_W | PTE_PCD | PTE_PWT, PTE_PCD | PTE_PWT, PTE_W | PTE_PCD | PTE_PWT,
	};
	_Static_assert(AX_MAP_WRITE == 1 && AX_MAP_EXEC == 2 && AX_MAP_UNCACHED == 4, "the table's order");

	return bits[rights & 7] | ((rights & AS_OWNED) ? PTE_OWNED : 0);
}

void as_flush_page(uint64_t pml4, uint64_t va)
{
	if (read_cr3() == pml4)
		invlpg(va);
}

void as_flush(uint64_t pml4)
{
	if (read_cr3() == pml4)
		write_cr3(pml4);
}

/* Map one user page; an old mapping there is replaced (and freed if owned). */
int as_map(uint64_t pml4, uint64_t va, uint64_t pa, unsigned rights)
{
	uint64_t *pte = walk(pml4, va, true);

	if (!pte)
		return -AX_ENOMEM;
	if ((*pte & PTE_P) && (*pte & PTE_OWNED))
		page_free(*pte & PTE_ADDR);
	*pte = pa | rights_bits(rights) | PTE_P | PTE_U;
	as_flush_page(pml4, va);
	return 0;
}

bool as_lookup(uint64_t pml4, uint64_t va, struct as_page *out)
{
	uint64_t *pte = frame_pte(pml4, va);

	if (!pte)
		return false;
	if (out)
		*out = (struct as_page){*pte & PTE_ADDR, pte};
	return true;
}

void as_set_rights(struct as_page *pg, unsigned rights)
{
	*pg->entry = (*pg->entry & ~(PTE_W | PTE_NX | PTE_HIDDEN)) | PTE_P |
		     rights_bits(rights & (AX_MAP_WRITE | AX_MAP_EXEC));
}

void as_hide(struct as_page *pg) { *pg->entry = (*pg->entry & ~PTE_P) | PTE_HIDDEN; }

void as_deny_write(struct as_page *pg) { *pg->entry &= ~PTE_W; }

void as_set_frame(struct as_page *pg, uint64_t pa)
{
	*pg->entry = (*pg->entry & ~PTE_ADDR) | pa;
	pg->pa = pa;
}

void as_unmap(uint64_t pml4, uint64_t va)
{
	uint64_t *pte = walk(pml4, va, false);

	if (!pte || !(*pte & PTE_HOLDS))
		return;
	if (*pte & PTE_OWNED)
		page_free(*pte & PTE_ADDR);
	*pte = 0;
	if (read_cr3() == pml4)
		invlpg(va);
}

/* Unmap every page of [va, end): a page table is walked to once, and the holes between tables skipped. */
void as_unmap_range(uint64_t pml4, uint64_t va, uint64_t end)
{
	bool live = read_cr3() == pml4;

	while (va < end) {
		uint64_t next = as_hole_end(pml4, va), *pte, table_end;

		if (next != va) { /* no page table here: the hole ends at next (which may start another) */
			va = next;
			continue;
		}
		pte = walk(pml4, va, false);
		table_end = (va | ((1ULL << 21) - 1)) + 1;
		for (; va < table_end && va < end; va += PAGE_SIZE, pte++) {
			if (!(*pte & PTE_HOLDS))
				continue;
			if (*pte & PTE_OWNED)
				page_free(*pte & PTE_ADDR);
			*pte = 0;
			if (live)
				invlpg(va);
		}
	}
}

/*
 * Free the tables below `table` (at `level`, 4 = the PML4, covering from
 * `base`) that map nothing any more and lie in [lo, hi). True if `table`
 * itself maps nothing now. Only the entries over [lo, hi) are visited, and
 * a table is searched whole only when one of its tables was just freed (an
 * unmap of one page costs one page table's search, not four tables').
 */
static bool prune(uint64_t table, int level, uint64_t base, uint64_t lo, uint64_t hi)
{
	uint64_t *t = P2V(table), span = 1ULL << (12 + 9 * (level - 1));
	int n = level == 4 ? 256 : 512, first, last;
	bool freed = false, kept = false;

	if (level == 1) {
		for (int i = 0; i < 512; i++)
			if (t[i])
				return false;
		return true;
	}
	first = lo > base ? (int)((lo - base) / span) : 0;
	last = hi - base > (uint64_t)n * span ? n - 1 : (int)((hi - 1 - base) / span);
	for (int i = first; i <= last && i < n; i++) {
		if (!(t[i] & PTE_P))
			continue;
		if (!prune(t[i] & PTE_ADDR, level - 1, base + (uint64_t)i * span, lo, hi)) {
			kept = true; /* a table in the range still maps something: so does this one */
			continue;
		}
		page_free(t[i] & PTE_ADDR);
		t[i] = 0;
		freed = true;
	}
	if (kept || !freed)
		return false; /* nothing emptied here: whatever it held, it holds (an empty table is freed when emptied) */
	for (int i = 0; i < n; i++)
		if (t[i] & PTE_P)
			return false;
	return true;
}

/* After an unmap: give back the page tables of [va, va+len) that map nothing now. */
void as_prune(uint64_t pml4, uint64_t va, uint64_t len)
{
	prune(pml4, 4, 0, va, va + len);
	as_flush(pml4); /* no cached walk may reach a freed table */
}

/* Kernel address of user va in space as, if mapped (and writable if asked). */
static uint8_t *user_ptr(uint64_t as, uint64_t va, bool write)
{
	uint64_t *pte = frame_pte(as, va);

	if (!pte || !(*pte & PTE_P) || !(*pte & PTE_U) || (write && !(*pte & PTE_W)))
		return 0;
	return (uint8_t *)P2V((*pte & PTE_ADDR) + (va & (PAGE_SIZE - 1)));
}

/* Copy between two user spaces page by page through the direct map. */
int as_copy(uint64_t dst_as, uint64_t dst_va, uint64_t src_as, uint64_t src_va, uint64_t len)
{
	if (dst_va >= USER_TOP || len > USER_TOP - dst_va || src_va >= USER_TOP || len > USER_TOP - src_va)
		return -AX_EFAULT;
	while (len) {
		uint64_t n = len;
		uint64_t room_d = PAGE_SIZE - (dst_va & (PAGE_SIZE - 1));
		uint64_t room_s = PAGE_SIZE - (src_va & (PAGE_SIZE - 1));
		uint8_t *d = user_ptr(dst_as, dst_va, true), *s = user_ptr(src_as, src_va, false);

		if (!d || !s)
			return -AX_EFAULT;
		if (n > room_d)
			n = room_d;
		if (n > room_s)
			n = room_s;
		memmove(d, s, n);
		dst_va += n, src_va += n, len -= n;
	}
	return 0;
}

/* Copy between a kernel buffer and user memory of any space. */
int as_rw(uint64_t as, uint64_t va, void *kbuf, uint64_t len, bool to_user)
{
	uint8_t *k = kbuf;

	if (va >= USER_TOP || len > USER_TOP - va)
		return -AX_EFAULT;
	while (len) {
		uint64_t n = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		uint8_t *u = user_ptr(as, va, to_user);

		if (!u)
			return -AX_EFAULT;
		if (n > len)
			n = len;
		if (to_user)
			memcpy(u, k, n);
		else
			memcpy(k, u, n);
		va += n, k += n, len -= n;
	}
	return 0;
}
