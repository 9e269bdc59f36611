#include "heap.h"

/* Every block starts with this header; free blocks link through `next`. */
struct heap_block {
	size_t size;   /* whole block, header included; a multiple of HEAP_ALIGN */
	size_t in_use; /* HEAP_MAGIC when handed out, 0 when free */
	struct heap_block *next;
};

#define HDR (2 * sizeof(size_t))
#define MIN_BLOCK (HDR + HEAP_ALIGN)
#define HEAP_MAGIC 0xa10c4ed5a10c4ed5ULL
#define HEAP_MAX ((size_t)1 << 40)

static size_t round_up(size_t n)
{
	return (n + HEAP_ALIGN - 1) & ~(size_t)(HEAP_ALIGN - 1);
}

/* Put b into the free list in address order, merging it with its neighbours. */
static void insert_free(struct heap *h, struct heap_block *b)
{
	struct heap_block **pp = &h->free, *prev = 0;

	while (*pp && *pp < b) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	b->in_use = 0;
	b->next = *pp;
	*pp = b;
	if (b->next && (uintptr_t)b + b->size == (uintptr_t)b->next) {
		b->size += b->next->size;
		b->next = b->next->next;
	}
	if (prev && (uintptr_t)prev + prev->size == (uintptr_t)b) {
		prev->size += b->size;
		prev->next = b->next;
	}
}

/* Give the heap [mem, mem+len) to hand out. */
void heap_add(struct heap *h, void *mem, size_t len)
{
	uintptr_t start = ((uintptr_t)mem + HEAP_ALIGN - 1) & ~(uintptr_t)(HEAP_ALIGN - 1);
	uintptr_t end = ((uintptr_t)mem + len) & ~(uintptr_t)(HEAP_ALIGN - 1);
	struct heap_block *b = (struct heap_block *)start;

	if (end <= start || end - start < MIN_BLOCK)
		return;
	if (!h->lo || start < h->lo)
		h->lo = start;
	if (end > h->hi)
		h->hi = end;
	b->size = end - start;
	insert_free(h, b);
}

/* Take `need` bytes from the free block *pp, splitting off what is left. */
static void *take(struct heap *h, struct heap_block **pp, size_t need)
{
	struct heap_block *b = *pp;

	if (b->size - need >= MIN_BLOCK) {
		struct heap_block *rest = (struct heap_block *)((uintptr_t)b + need);

		rest->size = b->size - need;
		rest->in_use = 0;
		rest->next = b->next;
		b->size = need;
		*pp = rest;
	} else {
		*pp = b->next;
	}
	b->in_use = HEAP_MAGIC;
	h->in_use += b->size;
	return (uint8_t *)b + HDR;
}

void *heap_alloc(struct heap *h, size_t n)
{
	size_t need;

	if (n > HEAP_MAX)
		return 0;
	need = round_up(n ? n : 1) + HDR;
	for (int tries = 0; tries < 2; tries++) {
		for (struct heap_block **pp = &h->free; *pp; pp = &(*pp)->next)
			if ((*pp)->size >= need)
				return take(h, pp, need);
		if (!h->grow || h->grow(h, need) < 0)
			return 0;
	}
	return 0;
}

/* align: a power of two. Over-allocate, then free the part before the aligned block. */
void *heap_alloc_aligned(struct heap *h, size_t align, size_t n)
{
	uint8_t *p;
	struct heap_block *b, *front;
	uintptr_t want;

	if (align <= HEAP_ALIGN)
		return heap_alloc(h, n);
	if (align & (align - 1) || n > HEAP_MAX || align > HEAP_MAX)
		return 0;
	if (!(p = heap_alloc(h, n + 2 * align + MIN_BLOCK)))
		return 0;
	want = ((uintptr_t)p + MIN_BLOCK + align - 1) & ~(uintptr_t)(align - 1);
	if (want == (uintptr_t)p)
		return p;
	b = (struct heap_block *)(p - HDR);
	front = b;
	b = (struct heap_block *)(want - HDR);
	b->size = front->size - (want - (uintptr_t)p);
	b->in_use = HEAP_MAGIC;
	front->size = want - (uintptr_t)p; /* >= MIN_BLOCK by construction */
	h->in_use -= front->size;
	insert_free(h, front);
	return (void *)want;
}

void heap_free(struct heap *h, void *ptr)
{
	struct heap_block *b;

	if (!ptr)
		return;
	b = (struct heap_block *)((uint8_t *)ptr - HDR);
	if ((uintptr_t)b < h->lo || (uintptr_t)b >= h->hi || ((uintptr_t)ptr & (HEAP_ALIGN - 1)))
		h->corrupt("free of a pointer malloc never returned");
	if (b->in_use != HEAP_MAGIC)
		h->corrupt("double free or heap corruption");
	h->in_use -= b->size;
	insert_free(h, b);
}

size_t heap_usable(const void *ptr)
{
	return ptr ? ((const struct heap_block *)((const uint8_t *)ptr - HDR))->size - HDR : 0;
}
