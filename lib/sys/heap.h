/*
 * The heap behind malloc in system processes: an address-ordered free list
 * with first fit, splitting and coalescing. Pure logic (memory comes from a
 * grow callback), so the host unit tests drive it directly.
 */
#ifndef SYS_HEAP_H
#define SYS_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_ALIGN 16

struct heap_block;

struct heap {
	struct heap_block *free; /* address order */
	uintptr_t lo, hi;        /* every block lies in [lo, hi) */
	/* Add at least `need` bytes (heap_add); 0 or -1. May be 0: no growth. */
	int (*grow)(struct heap *h, size_t need);
	void (*corrupt)(const char *why); /* a bad or double free; does not return */
	size_t in_use;                    /* bytes handed out, headers included */
};

void heap_add(struct heap *h, void *mem, size_t len);
void *heap_alloc(struct heap *h, size_t n);
void *heap_alloc_aligned(struct heap *h, size_t align, size_t n);
void heap_free(struct heap *h, void *ptr);
size_t heap_usable(const void *ptr);

#endif
