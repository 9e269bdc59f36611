/* Address spaces: 4-level page tables, the kernel's upper half shared. */
#ifndef ARCH_PAGING_H
#define ARCH_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include <axolotl/abi.h>

#include "layout.h"

#define PTE_P 0x1ULL
#define PTE_W 0x2ULL
#define PTE_U 0x4ULL
#define PTE_PWT 0x8ULL
#define PTE_PCD 0x10ULL
#define PTE_PS 0x80ULL
#define PTE_OWNED 0x200ULL /* software bit: the kernel allocated this frame */
#define PTE_HIDDEN 0x400ULL /* software bit, with P clear: a frame kept while the page has no access (PROT_NONE) */
#define PTE_HOLDS (PTE_P | PTE_HIDDEN) /* the entry has a frame */
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

#define P2V(pa) ((void *)((uint64_t)(pa) + PHYSMAP_BASE))

extern struct frame_pool kframes;

void paging_init(uint64_t boot_pml4_phys);
uint64_t page_alloc(void); /* zeroed frame, physical address; 0 if none */
void page_free(uint64_t pa); /* drops one reference */
bool page_ref(uint64_t pa);
unsigned page_refs(uint64_t pa);
uint64_t as_create(void);
void as_destroy(uint64_t pml4);
uint64_t as_resident(uint64_t pml4);

/*
 * A user page's rights are the ABI's words (AX_MAP_WRITE, AX_MAP_EXEC,
 * AX_MAP_UNCACHED, with AS_OWNED: the frame is the kernel's, freed with its
 * last mapping); only this file and paging.c know the page-table bits.
 */
#define AS_RIGHTS (AX_MAP_WRITE | AX_MAP_EXEC | AX_MAP_UNCACHED)
#define AS_OWNED 0x1000

/* A user page that holds a frame (as_lookup): the frame, and where the page is described (so a change needs no second walk). */
struct as_page {
	uint64_t pa;
	uint64_t *entry;
};

static inline bool as_page_hidden(const struct as_page *pg) { return !(*pg->entry & PTE_P); } /* no access, frame kept */
static inline bool as_page_owned(const struct as_page *pg) { return (*pg->entry & PTE_OWNED) != 0; }
static inline bool as_page_writable(const struct as_page *pg) { return (*pg->entry & PTE_W) != 0; }
static inline bool as_page_executable(const struct as_page *pg) { return !(*pg->entry & PTE_NX); }

int as_map(uint64_t pml4, uint64_t va, uint64_t pa, unsigned rights);
void as_unmap(uint64_t pml4, uint64_t va);
void as_unmap_range(uint64_t pml4, uint64_t va, uint64_t end);
void as_prune(uint64_t pml4, uint64_t va, uint64_t len);
bool as_lookup(uint64_t pml4, uint64_t va, struct as_page *out); /* false: no frame there (out may be 0) */
/* Changes to a page as_lookup found (until the space changes otherwise); callers flush after. */
void as_set_rights(struct as_page *pg, unsigned rights); /* accessible (again), with these rights */
void as_hide(struct as_page *pg);                        /* no access; the frame stays */
void as_deny_write(struct as_page *pg);
void as_set_frame(struct as_page *pg, uint64_t pa);      /* another frame, the same rights */
void as_flush(uint64_t pml4);                            /* if loaded: forget every cached translation */
void as_flush_page(uint64_t pml4, uint64_t va);          /* if loaded: forget va's */
uint64_t as_hole_end(uint64_t pml4, uint64_t va);
int as_rw(uint64_t as, uint64_t va, void *kbuf, uint64_t len, bool to_user);
int as_copy(uint64_t dst_as, uint64_t dst_va, uint64_t src_as, uint64_t src_va, uint64_t len);

#endif
