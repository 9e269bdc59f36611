/*
 * malloc and friends for system processes, on lib/sys's heap. The heap
 * grows by mapping fresh pages at AX_HEAP_BASE with KC_VMALLOC, so a
 * process using it needs the vmalloc right; no POSIX call is made. These
 * definitions take the place of musl's own allocator when linked first.
 */
#include <sys/ax.h>

#include "heap.h"

#define AX_HEAP_BASE 0x100000000UL
#define GROW_STEP 0x10000UL

static struct heap heap;
static uint64_t heap_end = AX_HEAP_BASE;

static int grow(struct heap *h, size_t need)
{
	uint64_t len = (need + HEAP_ALIGN + GROW_STEP - 1) & ~(GROW_STEP - 1);

	if (ax_vmalloc(AX_SELF, heap_end, len, AX_MAP_WRITE) < 0)
		return -1;
	heap_add(h, (void *)heap_end, len);
	heap_end += len;
	return 0;
}

static void corrupt(const char *why)
{
	ax_printf("malloc: %s: ending the process\n", why);
	ax_exit();
}

static struct heap *the_heap(void)
{
	heap.grow = grow;
	heap.corrupt = corrupt;
	return &heap;
}

void *malloc(size_t n) { return heap_alloc(the_heap(), n); }
void free(void *p) { heap_free(the_heap(), p); }
size_t malloc_usable_size(void *p) { return heap_usable(p); }

void *calloc(size_t count, size_t size)
{
	void *p;

	if (size && count > SIZE_MAX / size)
		return 0;
	if ((p = malloc(count * size)))
		memset(p, 0, count * size);
	return p;
}

void *realloc(void *old, size_t n)
{
	void *p;
	size_t have = heap_usable(old);

	if (old && n <= have)
		return old;
	if (!(p = malloc(n)))
		return 0;
	if (old) {
		memcpy(p, old, have);
		free(old);
	}
	return p;
}

void *aligned_alloc(size_t align, size_t n) { return heap_alloc_aligned(the_heap(), align, n); }
void *memalign(size_t align, size_t n) { return heap_alloc_aligned(the_heap(), align, n); }

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return AX_EINVAL;
	if (!(p = heap_alloc_aligned(the_heap(), align, n)))
		return AX_ENOMEM;
	*out = p;
	return 0;
}

/* musl's internal names for the same functions. */
void *__libc_malloc(size_t n) { return malloc(n); }
void __libc_free(void *p) { free(p); }
void *__libc_calloc(size_t c, size_t s) { return calloc(c, s); }
