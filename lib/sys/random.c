/*
 * The random generator of system processes (pm's getrandom and AT_RANDOM,
 * the memory driver's /dev/random): a ChaCha20 generator with fast key erasure (each
 * request ends by replacing the key with fresh key stream, so a later
 * capture of the process's memory cannot recover earlier output). Seeded at start
 * from RDSEED/RDRAND when the CPU has them, and from the jitter of the TSC
 * against the kernel's clock.
 */
#include <stdbool.h>
#include <string.h>

#include <sys/ax.h>
#include <sys/chacha.h>
#include <sys/random.h>


static uint8_t key[32];
static uint32_t counter;
static const uint8_t nonce[12];

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static uint64_t clock_ns(void)
{
	uint64_t now = 0;

	ax_clock(&now);
	return now;
}

/* This process's name, from the boot information, for its log line. */
static const char *self_name(void)
{
	for (uint32_t i = 0; i < ax_bootinfo->count && i < AX_BOOT_MAX; i++)
		if (ax_bootinfo->procs[i].ep == ax_bootinfo->self)
			return ax_bootinfo->procs[i].name;
	return "a system process";
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

/* One hardware random word, or 0 when the instruction fails or is absent. */
static uint64_t hw_random(bool seed)
{
	uint64_t v = 0;
	uint8_t ok = 0;

	for (int tries = 0; tries < 10 && !ok; tries++) {
		if (seed)
			__asm__ volatile("rdseed %0; setc %1" : "=r"(v), "=qm"(ok));
		else
			__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
	}
	return ok ? v : 0;
}

/* Fold 64 bytes of seed material into the key. */
static void mix(const uint64_t words[8])
{
	uint8_t block[64];

	for (int i = 0; i < 4; i++) {
		uint64_t k;

		memcpy(&k, key + 8 * i, 8);
		k ^= words[i] ^ (words[i + 4] << 1 | words[i + 4] >> 63);
		memcpy(key + 8 * i, &k, 8);
	}
	chacha20_block(key, counter++, nonce, block);
	memcpy(key, block, 32);
}

void ax_random_init(void)
{
	uint32_t r[4];
	bool has_rdrand, has_rdseed = false;
	uint64_t words[8];
	int sources = 0;

	cpuid(0, r);
	has_rdrand = (cpuid(1, r), (r[2] >> 30) & 1);
	if (r[0] >= 7)
		has_rdseed = (cpuid(7, r), (r[1] >> 18) & 1);
	for (int round = 0; round < 8; round++) {
		for (int i = 0; i < 8; i++) {
			uint64_t t0 = rdtsc(), now = clock_ns(); /* a kernel call: its cost jitters */

			words[i] = (rdtsc() - t0) ^ now << 17 ^ t0;
			if (has_rdseed)
				words[i] ^= hw_random(true);
			else if (has_rdrand)
				words[i] ^= hw_random(false);
		}
		mix(words);
	}
	sources = has_rdseed ? 2 : has_rdrand ? 1 : 0;
	ax_printf("%s: random generator seeded from %s\n", self_name(),
		  sources == 2 ? "RDSEED and TSC jitter" : sources ? "RDRAND and TSC jitter" : "TSC jitter only (no RDRAND)");
}

void ax_random_bytes(void *buf, size_t n)
{
	uint8_t block[64], *out = buf;
	uint64_t t = rdtsc();

	memcpy(block, &t, 8); /* a little fresh timing per request, for free */
	for (int i = 0; i < 8; i++)
		key[i] ^= block[i];
	while (n) {
		size_t k = n < 64 ? n : 64;

		chacha20_block(key, counter++, nonce, block);
		memcpy(out, block, k);
		out += k, n -= k;
	}
	chacha20_block(key, counter++, nonce, block);
	memcpy(key, block, 32); /* fast key erasure */
	memset(block, 0, sizeof(block));
}

