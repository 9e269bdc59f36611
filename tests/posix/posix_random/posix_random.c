/*
 * getrandom (the bytes asked for, different each time and in a forked
 * child, not obviously patterned; the flags and their errors) and uname.
 */
#include <sys/random.h>
#include <sys/syscall.h>

#include <sys/mman.h>

#include "../posixtest.h"

static void test_getrandom(void)
{
	unsigned char a[256], b[256], big[4096];
	ssize_t ra, rb, rbig, r;
	int bits = 0, values = 0, e;
	char seen[256] = {0};

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	ra = getrandom(a, sizeof(a), 0);
	rb = getrandom(b, sizeof(b), 0);
	report("posix_getrandom_returns_bytes_asked", ra == 256 && rb == 256, "gave %ld and %ld for 256 (%s)", (long)ra,
	       (long)rb, pt_errname(errno));
	report("posix_getrandom_two_calls_differ", memcmp(a, b, sizeof(a)) != 0, "two calls gave the same 256 bytes");
	rbig = getrandom(big, sizeof(big), 0);
	for (int i = 0; i < (int)sizeof(big); i++) {
		bits += __builtin_popcount(big[i]);
		values += !seen[big[i]];
		seen[big[i]] = 1;
	}
	/* 32768 bits: the count of ones is within 500 of half (5.5 standard deviations: a false failure 1 in 10^7) */
	report("posix_getrandom_looks_random", rbig == 4096 && bits > 16384 - 500 && bits < 16384 + 500 && values > 240,
	       "4096 bytes (got %ld): %d bits set of 32768, %d byte values of 256", (long)rbig, bits, values);
	r = getrandom(a, 16, GRND_NONBLOCK);
	report("posix_getrandom_grnd_nonblock", r == 16, "gave %ld (%s)", (long)r, pt_errname(errno));
	r = getrandom(a, 16, GRND_RANDOM | GRND_NONBLOCK);
	report("posix_getrandom_grnd_random", r == 16, "gave %ld (%s)", (long)r, pt_errname(errno));
	r = getrandom(a, 0, 0);
	report("posix_getrandom_zero_length", r == 0, "gave %ld (%s)", (long)r, pt_errname(errno));
	errno = 0, r = getrandom(a, 16, 0x100), e = errno;
	report("posix_getrandom_bad_flags_einval", r == -1 && e == EINVAL, "flags 0x100 gave %ld %s", (long)r,
	       pt_errname(e));
	errno = 0, r = syscall(SYS_getrandom, pt_opaque(16), 16, 0), e = errno;
	report("posix_getrandom_bad_pointer_efault", r == -1 && e == EFAULT, "gave %ld %s", (long)r, pt_errname(e));
	{
		/* 8 MiB asked: Linux gives it all; Axolotl's pm, serving everyone, gives at most 1 MiB a call */
		size_t len = 8u << 20, zero_pages = 0;
		unsigned char *big8 = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		r = big8 == MAP_FAILED ? -1 : syscall(SYS_getrandom, big8, len, 0), e = errno;
		for (long at = 0; r > 0 && at + 4096 <= r; at += 4096) {
			uint64_t w = 0;

			memcpy(&w, big8 + at + 4088, 8); /* the end of every page given: written, not left zero */
			zero_pages += w == 0;
		}
		report("posix_getrandom_large_request_bounded",
		       r >= (1 << 20) && (pt_axolotl() ? r == (1 << 20) : r == (long)len) && zero_pages == 0,
		       "8 MiB asked: gave %ld (%s), %zu pages left zero", (long)r, r < 0 ? pt_errname(e) : "", zero_pages);
		if (big8 != MAP_FAILED)
			munmap(big8, len);
	}
}

/*
 * Forked children draw different bytes: 20 children each exit with the
 * first byte getrandom gives them. A generator whose state were copied with
 * the address space would give all of them the same byte; random bytes give
 * about 19 different values (10 or fewer: less likely than 1 in 10^9).
 */
static void test_after_fork(void)
{
	char seen[256] = {0};
	int distinct = 0, ok = 1, st;

	for (int i = 0; i < 20 && ok; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			unsigned char c = 0;

			_exit(getrandom(&c, 1, 0) == 1 ? c : 0);
		}
		st = 0;
		ok = pid > 0 && pt_wait(pid, &st, 0) == pid && WIFEXITED(st);
		if (ok && !seen[WEXITSTATUS(st)]++)
			distinct++;
	}
	report("posix_getrandom_differs_in_forked_children", ok && distinct > 10,
	       "20 children drew %d different first bytes%s", distinct, ok ? "" : " (a child failed)");
}

static void test_uname(void)
{
	struct utsname u;
	int r = uname(&u);

	report("posix_uname_fields",
	       r == 0 && u.sysname[0] && u.nodename[0] && u.release[0] && u.version[0] &&
	           strcmp(u.machine, "x86_64") == 0 &&
	           (strcmp(u.sysname, "Linux") == 0 || strcmp(u.sysname, "Axolotl") == 0),
	       "uname gave %d: '%s' '%s' '%s' '%s' '%s'", r, u.sysname, u.nodename, u.release, u.version, u.machine);
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_getrandom();
	test_after_fork();
	test_uname();
	return 0;
}
