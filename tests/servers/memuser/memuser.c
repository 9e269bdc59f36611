/*
 * An unprivileged process that uses memory as musl's allocator does, with
 * raw Linux calls that the kernel routes to vm. It reports through its
 * exit status: bit i set = check i failed (the stand-in pm names them).
 */
#include "../../system/test.h"

#define MMAP(addr, len, prot, flags, fd) posix_call(9, (long)(addr), (long)(len), prot, flags, fd, 0)
#define RW 3
#define ANON 0x22 /* MAP_PRIVATE | MAP_ANONYMOUS */

/* Uses about 256 KiB of stack, well past the 64 KiB the process started with. */
static long deep(int n)
{
	volatile unsigned char frame[1024];

	frame[0] = (unsigned char)n;
	return n == 0 ? frame[0] : deep(n - 1) + frame[0];
}

static int zero_and_keep(volatile uint64_t *p, int words)
{
	int ok = 1;

	for (int i = 0; i < words; i += 512)
		ok = ok && p[i] == 0;
	for (int i = 0; i < words; i += 512)
		p[i] = (uint64_t)i + 1;
	for (int i = 0; i < words; i += 512)
		ok = ok && p[i] == (uint64_t)i + 1;
	return ok;
}

int main(void)
{
	long fail = 0, a, b, brk0, r;
	volatile uint64_t *p;

	a = MMAP(0, 3 * 4096, RW, ANON, -1);
	fail |= (a <= 0 || a % 4096) << 0;
	fail |= !(a > 0 && zero_and_keep((volatile uint64_t *)a, 3 * 512)) << 1;
	r = posix_call(11, a + 4096, 4096, 0, 0, 0, 0); /* munmap the middle page */
	b = MMAP(a + 4096, 4096, RW, ANON | 0x10, -1); /* MAP_FIXED into the hole */
	fail |= (r != 0 || b != a + 4096 || ((volatile uint64_t *)b)[0] != 0) << 2;

	brk0 = posix_call(12, 0, 0, 0, 0, 0, 0);
	r = posix_call(12, brk0 + 10000, 0, 0, 0, 0, 0);
	p = (volatile uint64_t *)brk0;
	fail |= (brk0 <= 0 || r != brk0 + 10000 || !zero_and_keep(p, 1024)) << 3;
	fail |= (posix_call(12, brk0 + 100, 0, 0, 0, 0, 0) != brk0 + 100) << 4;

	fail |= (deep(250) != 250 * 251 / 2) << 5; /* 250 frames of 1 KiB: the stack must grow */

	r = posix_call(10, a, 4096, 1, 0, 0, 0); /* read-only */
	fail |= (r != 0 || ((volatile uint64_t *)a)[0] != 1 || posix_call(10, a, 4096, RW, 0, 0, 0) != 0) << 6;
	((volatile uint64_t *)a)[0] = 77; /* writable again */

	b = posix_call(25, a, 3 * 4096, 64 * 4096, 1, 0, 0); /* mremap grow, may move */
	fail |= (b <= 0 || ((volatile uint64_t *)b)[0] != 77 || !zero_and_keep((volatile uint64_t *)(b + 3 * 4096), 512)) << 7;

	fail |= (MMAP(0, 4096, RW, 0x02, 3) != -19 /* ENODEV: file mappings wait for vfs */ || MMAP(0, 4096, RW, 0x33, -1) != -AX_EINVAL ||
		 MMAP(0, 0, RW, ANON, -1) != -AX_EINVAL) << 8;
	fail |= (posix_call(11, a + 1, 4096, 0, 0, 0, 0) != -AX_EINVAL) << 9;
	posix_call(231, fail, 0, 0, 0, 0, 0); /* exit_group: the stand-in pm reads the status */
	for (;;)
		;
}
