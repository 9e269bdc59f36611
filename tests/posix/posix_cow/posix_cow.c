/*
 * Copy-on-write isolation after fork: globals, the heap, the stack and
 * private anonymous mappings. Each side writes after the fork and neither
 * may see the other's writes; the order is fixed with signals (the child
 * waits in sigsuspend until the parent has written).
 */
#include <sys/mman.h>

#include "../posixtest.h"

#define BIG (1 << 20) /* a heap block of many pages */

static volatile int global_value = 5;
static char global_block[3 * 4096 + 17] = {1};
static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig, go = 1;
}

/* Sum of a block, to see that none of its pages changed. */
static unsigned long sum(const volatile unsigned char *p, size_t n)
{
	unsigned long s = 0;

	for (size_t i = 0; i < n; i++)
		s = s * 31 + p[i];
	return s;
}

struct areas {
	volatile int *heap_small;
	unsigned char *heap_big;
	unsigned char *map; /* MAP_PRIVATE | MAP_ANONYMOUS, 16 pages */
	volatile int *stack;
};

/*
 * The child: write everywhere, wait for the parent's writes (SIGUSR1), and
 * check it still sees its own values. Exit bit per area: 1 globals, 2 heap,
 * 4 stack, 8 mapping, 16 no signal from the parent.
 */
static int child(struct areas *a)
{
	sigset_t none;
	int bad = 0;
	int64_t end = pt_now() + 5000000000LL;

	global_value = 99;
	memset(global_block, 0xc1, sizeof(global_block));
	*a->heap_small = 98;
	memset(a->heap_big, 0xc2, BIG);
	memset(a->map, 0xc3, 16 * 4096);
	*a->stack = 97;
	sigemptyset(&none);
	kill(getppid(), SIGUSR2); /* "written" */
	while (!go && pt_now() < end)
		sigsuspend(&none);
	if (!go)
		bad |= 16;
	for (size_t i = 0; i < sizeof(global_block); i++)
		if (global_block[i] != (char)0xc1)
			bad |= 1;
	if (global_value != 99)
		bad |= 1;
	for (size_t i = 0; i < BIG; i++)
		if (a->heap_big[i] != 0xc2)
			bad |= 2;
	if (*a->heap_small != 98)
		bad |= 2;
	if (*a->stack != 97)
		bad |= 4;
	for (size_t i = 0; i < 16 * 4096; i++)
		if (a->map[i] != 0xc3)
			bad |= 8;
	return bad;
}

static void test_isolation(void)
{
	volatile int on_stack = 7;
	struct areas a = {malloc(sizeof(int)), malloc(BIG), 0, &on_stack};
	struct sigaction sa = {.sa_handler = on_usr1};
	sigset_t both, old, none;
	unsigned long big_sum, map_sum, block_sum;
	int st = 0, bad_parent = 0, code;
	pid_t pid;
	int64_t end;

	a.map = mmap(0, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!a.heap_small || !a.heap_big || a.map == MAP_FAILED) {
		report("posix_cow_globals", 0, "malloc or mmap failed");
		return;
	}
	*a.heap_small = 6;
	for (size_t i = 0; i < BIG; i++)
		a.heap_big[i] = (unsigned char)(i * 7);
	for (size_t i = 0; i < 16 * 4096; i++)
		a.map[i] = (unsigned char)(i * 13);
	for (size_t i = 0; i < sizeof(global_block); i++)
		global_block[i] = (char)i;
	big_sum = sum(a.heap_big, BIG), map_sum = sum(a.map, 16 * 4096);
	block_sum = sum((unsigned char *)global_block, sizeof(global_block));

	sigaction(SIGUSR1, &sa, 0);
	sigaction(SIGUSR2, &sa, 0);
	sigemptyset(&both);
	sigaddset(&both, SIGUSR1);
	sigaddset(&both, SIGUSR2);
	sigprocmask(SIG_BLOCK, &both, &old); /* no signal lost before sigsuspend */
	go = 0;
	pid = fork();
	if (pid == 0) {
		pt_guard(PT_CHILD_LIMIT);
		_exit(child(&a));
	}
	/* wait for the child's writes, check ours are intact, write, tell the child */
	sigemptyset(&none);
	end = pt_now() + 5000000000LL;
	while (pid > 0 && !go && pt_now() < end)
		sigsuspend(&none);
	if (global_value != 5 || sum((unsigned char *)global_block, sizeof(global_block)) != block_sum)
		bad_parent |= 1;
	if (*a.heap_small != 6 || sum(a.heap_big, BIG) != big_sum)
		bad_parent |= 2;
	if (on_stack != 7)
		bad_parent |= 4;
	if (sum(a.map, 16 * 4096) != map_sum)
		bad_parent |= 8;
	global_value = 11;
	memset(global_block, 0x5a, sizeof(global_block));
	*a.heap_small = 12;
	memset(a.heap_big, 0x5b, BIG);
	memset(a.map, 0x5c, 16 * 4096);
	on_stack = 13;
	if (pid > 0)
		kill(pid, SIGUSR1);
	sigprocmask(SIG_SETMASK, &old, 0);
	if (pid < 0 || pt_wait(pid, &st, 0) != pid || !WIFEXITED(st)) {
		report("posix_cow_child_ran", 0, "child %s", pid < 0 ? "not forked" : pt_status(st));
		return;
	}
	code = WEXITSTATUS(st);
	report("posix_cow_child_ran", !(code & 16) && go,
	       "the signals between parent and child did not arrive (exit %d)", code);
	report("posix_cow_globals", !(code & 1) && !(bad_parent & 1),
	       "globals shared: child saw the parent's write %d, parent saw the child's %d", code & 1, bad_parent & 1);
	report("posix_cow_heap", !(code & 2) && !(bad_parent & 2),
	       "heap shared: child saw the parent's write %d, parent saw the child's %d", (code & 2) >> 1,
	       (bad_parent & 2) >> 1);
	report("posix_cow_stack", !(code & 4) && !(bad_parent & 4),
	       "stack shared: child saw the parent's write %d, parent saw the child's %d", (code & 4) >> 2,
	       (bad_parent & 4) >> 2);
	report("posix_cow_private_mapping", !(code & 8) && !(bad_parent & 8),
	       "MAP_PRIVATE mapping shared: child saw the parent's write %d, parent saw the child's %d",
	       (code & 8) >> 3, (bad_parent & 8) >> 3);
	munmap(a.map, 16 * 4096);
	free(a.heap_big);
	free((void *)a.heap_small);
}

/* A page the parent never touched before fork (demand-zero) is zero in the child, and private after. */
static void test_untouched_pages(void)
{
	unsigned char *m = mmap(0, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	char why[160] = "";
	int ok;

	if (m == MAP_FAILED) {
		report("posix_cow_untouched_pages", 0, "mmap failed: %s", pt_errname(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 64 * 4096; i++)
			if (m[i])
				_exit(1);
		memset(m, 0x77, 64 * 4096);
		_exit(0);
	}
	ok = pt_expect_exit(pid, 0, why, sizeof(why));
	for (int i = 0; ok && i < 64 * 4096; i++)
		if (m[i]) {
			snprintf(why, sizeof(why), "the child's write reached the parent at offset %d", i);
			ok = 0;
		}
	report("posix_cow_untouched_pages", ok, "%s", why);
	munmap(m, 64 * 4096);
}

/* A grandchild of a copy-on-write copy is still isolated from both ancestors. */
static void test_chain(void)
{
	pid_t pid;
	char why[160] = "";

	global_value = 1;
	pid = fork();
	if (pid == 0) {
		pid_t g;
		int st = 0;

		pt_guard(PT_CHILD_LIMIT);
		global_value = 2;
		g = fork();
		if (g == 0) {
			int v = global_value;

			global_value = 3;
			_exit(v == 2 ? 0 : 1);
		}
		if (g < 0 || pt_wait(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st))
			_exit(2);
		_exit(global_value == 2 ? 0 : 3);
	}
	report("posix_cow_three_generations", pt_expect_exit(pid, 0, why, sizeof(why)) && global_value == 1,
	       "%s (1: grandchild saw a wrong value, 2: grandchild failed, 3: its write reached the child); parent "
	       "sees %d",
	       why, global_value);
}

/*
 * MAP_SHARED | MAP_ANONYMOUS memory is not copied at fork: parent and
 * child see each other's writes, a private mapping next to it stays
 * private, and a grandchild shares it too.
 */
static void test_shared_anonymous(void)
{
	volatile int *sh = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile int *pv = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int st = 0, ok = sh != MAP_FAILED && pv != MAP_FAILED;
	pid_t pid;

	if (!ok) {
		report("posix_shared_anonymous_child_write_seen", 0, "mmap: %s", pt_errname(errno));
		return;
	}
	sh[0] = 1, sh[1024] = 10, *pv = 100;
	pid = fork();
	if (pid == 0) {
		int bad = sh[0] == 1 && sh[1024] == 10 && *pv == 100 ? 0 : 1;
		pid_t g;

		sh[0] = 2, sh[1024] = 20, *pv = 200;
		g = fork();
		if (g == 0) {
			sh[0] = 3;
			_exit(0);
		}
		pt_wait(g, 0, 0);
		bad |= sh[0] == 3 ? 0 : 2; /* the grandchild's write */
		_exit(bad);
	}
	pt_wait(pid, &st, 0);
	report("posix_shared_anonymous_child_write_seen", sh[0] == 3 && sh[1024] == 20, "parent sees %d and %d",
	       sh[0], sh[1024]);
	report("posix_shared_anonymous_private_stays_private", *pv == 100, "parent's private page says %d", *pv);
	report("posix_shared_anonymous_seen_by_child_and_grandchild", WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "child %s (bit 1: the parent's values not seen, 2: the grandchild's write not seen)", pt_status(st));
	munmap((void *)sh, 8192);
	munmap((void *)pv, 4096);
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_isolation();
	test_untouched_pages();
	test_chain();
	test_shared_anonymous();
	return 0;
}
