/* lib/sys's heap: alignment, splitting, coalescing, growth, and refusing bad frees. */
#include <setjmp.h>
#include <stdlib.h>

#include "check.h"
#include "heap.h"

static unsigned char arena[1 << 20] __attribute__((aligned(16)));
static size_t arena_used;
static jmp_buf on_corrupt;
static const char *corrupt_why;

static void corrupt(const char *why)
{
	corrupt_why = why;
	longjmp(on_corrupt, 1);
}

/* Grow from the static arena in 64 KiB steps, like KC_VMALLOC would. */
static int grow(struct heap *h, size_t need)
{
	size_t len = (need + 0xffff) & ~(size_t)0xffff;

	if (arena_used + len > sizeof(arena))
		return -1;
	heap_add(h, arena + arena_used, len);
	arena_used += len;
	return 0;
}

static struct heap fresh(void)
{
	arena_used = 0;
	return (struct heap){.grow = grow, .corrupt = corrupt};
}

static void alloc_is_aligned_and_usable(void)
{
	struct heap h = fresh();

	for (size_t n = 0; n < 300; n += 7) {
		unsigned char *p = heap_alloc(&h, n);

		CHECK(p && ((uintptr_t)p & 15) == 0);
		CHECK(heap_usable(p) >= n);
		if (p)
			memset(p, 0xab, n);
	}
}

static void freed_memory_is_reused_and_coalesced(void)
{
	struct heap h = fresh();
	void *a = heap_alloc(&h, 1000), *b = heap_alloc(&h, 1000), *c = heap_alloc(&h, 1000);
	void *big;

	heap_free(&h, a);
	heap_free(&h, c);
	heap_free(&h, b); /* a, b, c merge back into one block with the rest */
	CHECK(h.in_use == 0);
	big = heap_alloc(&h, 65536 - 64); /* fits only if all of the first step is one block again */
	CHECK(big == a);
	CHECK(arena_used == 65536); /* and no growth was needed */
}

static void grows_when_full(void)
{
	struct heap h = fresh();
	void *p = heap_alloc(&h, 200000);

	CHECK(p != NULL);
	CHECK(arena_used >= 200000);
}

static void exhaustion_returns_null(void)
{
	struct heap h = fresh();

	CHECK(heap_alloc(&h, sizeof(arena) * 2) == NULL);
	CHECK(heap_alloc(&h, (size_t)1 << 62) == NULL);
}

static void aligned_alloc_honours_alignment(void)
{
	struct heap h = fresh();

	for (size_t align = 32; align <= 8192; align *= 2) {
		void *p = heap_alloc_aligned(&h, align, 100);

		CHECK(p && ((uintptr_t)p & (align - 1)) == 0);
		heap_free(&h, p);
	}
	CHECK(h.in_use == 0);
	CHECK(heap_alloc_aligned(&h, 48, 10) == NULL); /* not a power of two */
}

static void double_free_detected(void)
{
	struct heap h = fresh();
	void *p = heap_alloc(&h, 64);

	heap_free(&h, p);
	corrupt_why = NULL;
	if (!setjmp(on_corrupt))
		heap_free(&h, p);
	CHECK(corrupt_why != NULL);
}

static void foreign_pointer_detected(void)
{
	struct heap h = fresh();
	static char elsewhere[64] __attribute__((aligned(16)));

	heap_alloc(&h, 16);
	corrupt_why = NULL;
	if (!setjmp(on_corrupt))
		heap_free(&h, elsewhere + 16);
	CHECK(corrupt_why != NULL);
}

static void random_workload_keeps_data(void)
{
	struct heap h = fresh();
	unsigned char *ptr[64] = {0};
	size_t len[64] = {0};

	srand(7);
	for (int step = 0; step < 20000; step++) {
		int i = rand() % 64;

		if (ptr[i]) {
			for (size_t k = 0; k < len[i]; k++)
				CHECK(ptr[i][k] == (unsigned char)(i + k));
			heap_free(&h, ptr[i]);
			ptr[i] = NULL;
		} else {
			len[i] = (size_t)(rand() % 2000);
			ptr[i] = heap_alloc(&h, len[i]);
			CHECK(ptr[i] != NULL);
			if (!ptr[i])
				return;
			for (size_t k = 0; k < len[i]; k++)
				ptr[i][k] = (unsigned char)(i + k);
		}
	}
}

int main(void)
{
	RUN(alloc_is_aligned_and_usable);
	RUN(freed_memory_is_reused_and_coalesced);
	RUN(grows_when_full);
	RUN(exhaustion_returns_null);
	RUN(aligned_alloc_honours_alignment);
	RUN(double_free_detected);
	RUN(foreign_pointer_detected);
	RUN(random_workload_keeps_data);
	return check_exit();
}
