/* Address spaces: 4-level page tables, the kernel's upper half shared. */
#ifndef ARCH_PAGING_H
#define ARCH_PAGING_H

#include <stdbool.h>
#include <stdint.h>

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
int as_map(uint64_t pml4, uint64_t va, uint64_t pa, uint64_t pte_flags);
void as_unmap(uint64_t pml4, uint64_t va);
void as_unmap_range(uint64_t pml4, uint64_t va, uint64_t end);
void as_prune(uint64_t pml4, uint64_t va, uint64_t len);
uint64_t *as_pte(uint64_t pml4, uint64_t va);
uint64_t as_hole_end(uint64_t pml4, uint64_t va);
int as_rw(uint64_t as, uint64_t va, void *kbuf, uint64_t len, bool to_user);
int as_copy(uint64_t dst_as, uint64_t dst_va, uint64_t src_as, uint64_t src_va, uint64_t len);

#endif
