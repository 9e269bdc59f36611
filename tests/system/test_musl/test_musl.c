/*
 * A system process on musl: musl's start-up ran (thread pointer, TLS,
 * constructors) without a POSIX call, and its pure functions, errno and
 * lib/sys's malloc work.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../test.h"

static __thread int tls_counter = 7;
static int constructed;

__attribute__((constructor)) static void mark(void) { constructed = 1; }

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static volatile size_t huge_count = SIZE_MAX / 2; /* volatile: let the overflow reach calloc */

static void malloc_checks(void)
{
	void *blocks[200];
	char *s, *grown;
	int ok = 1, *nums;

	for (int i = 0; i < 200; i++) {
		blocks[i] = malloc((size_t)(i * 37 % 3000) + 1);
		ok = ok && blocks[i] && ((uintptr_t)blocks[i] & 15) == 0;
		if (blocks[i])
			memset(blocks[i], i, (size_t)(i * 37 % 3000) + 1);
	}
	for (int i = 0; i < 200; i += 2)
		free(blocks[i]);
	for (int i = 1; i < 200; i += 2)
		ok = ok && ((unsigned char *)blocks[i])[0] == (unsigned char)i;
	for (int i = 1; i < 200; i += 2)
		free(blocks[i]);
	test_result("musl_malloc_many_blocks_aligned_and_intact", ok, "a block was lost or overwritten");

	s = strdup("axolotl");
	grown = realloc(s, 100000); /* grows the heap past its first step */
	test_result("musl_realloc_keeps_contents", grown && strcmp(grown, "axolotl") == 0, "contents lost");
	free(grown);
	nums = calloc(1000, sizeof(int));
	ok = nums != NULL;
	for (int i = 0; ok && i < 1000; i++)
		ok = nums[i] == 0;
	test_result("musl_calloc_zeroed", ok, "not zero");
	free(nums);
	test_result("musl_calloc_overflow_refused", calloc(huge_count, 4) == NULL, "overflow accepted");
	void *a = aligned_alloc(4096, 100);
	test_result("musl_aligned_alloc_4096", a && ((uintptr_t)a & 4095) == 0, "not aligned");
	free(a);
	test_result("musl_huge_malloc_fails_cleanly", malloc(huge_count) == NULL, "succeeded");
}

int main(void)
{
	char buf[64];
	int nums[] = {5, 3, 9, 1, 7};
	char *end;
	jmp_buf jb;
	volatile int jumped = 0;

	test_result("musl_constructors_ran", constructed, "constructor did not run");
	test_eq("musl_thread_local_initialised", tls_counter, 7);
	tls_counter++;
	test_eq("musl_thread_local_writable", tls_counter, 8);
	snprintf(buf, sizeof(buf), "%s-%05d-%.2f", "axo", 42, 3.14159);
	test_result("musl_snprintf_with_floats", strcmp(buf, "axo-00042-3.14") == 0, buf);
	errno = 0;
	test_eq("musl_strtol", strtol("0x1f", &end, 16), 31);
	strtol("99999999999999999999999", &end, 10);
	test_eq("musl_errno_through_thread_pointer", errno, ERANGE);
	qsort(nums, 5, sizeof(int), cmp);
	test_result("musl_qsort", nums[0] == 1 && nums[4] == 9, "not sorted");
	if (!setjmp(jb))
		longjmp(jb, 1);
	else
		jumped = 1;
	test_result("musl_setjmp_longjmp", jumped, "did not jump");
	malloc_checks();
	test_done();
	return 0; /* through musl's exit: atexit, stdio flush, then our _Exit */
}
