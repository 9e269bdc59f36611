/*
 * One process's address space as vm sees it: sorted, non-overlapping
 * regions with their rights. Pure logic; host unit tests drive it.
 */
#ifndef VM_REGION_H
#define VM_REGION_H

#include <stdbool.h>
#include <stdint.h>

#define MAX_REGIONS 256 /* mappings per process (Linux allows 65530): more gets ENOMEM */

/*
 * A bit of a region's prot beside VM_PROT_*: anonymous shared memory
 * (MAP_SHARED | MAP_ANONYMOUS), whose frames are the same in every process
 * that inherits it by fork. Regions merge only with the same bit; mprotect
 * keeps it.
 */
#define VM_REGION_SHARED 0x100

struct region {
	uint64_t start, end; /* [start, end), page aligned */
	unsigned prot;       /* VM_PROT_* */
};

struct space {
	int n;
	struct region r[MAX_REGIONS];
	uint64_t brk_start, brk;     /* the heap: [brk_start, brk) */
	uint64_t stack_top, stack_limit;
	bool shared; /* a fork shared its pages copy-on-write (until the next exec): writes may need a copy */
};

int region_find(const struct space *s, uint64_t addr);
int region_add(struct space *s, uint64_t start, uint64_t end, unsigned prot);
int region_remove(struct space *s, uint64_t start, uint64_t end);
int region_protect(struct space *s, uint64_t start, uint64_t end, unsigned prot);
int region_covered(const struct space *s, uint64_t start, uint64_t end);
uint64_t region_gap(const struct space *s, uint64_t len, uint64_t floor, uint64_t ceiling);

#endif
