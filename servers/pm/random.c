/*
 * getrandom and AT_RANDOM: a ChaCha20 generator with fast key erasure (each
 * request ends by replacing the key with fresh key stream, so a later
 * capture of pm's memory cannot recover earlier output). Seeded at start
 * from RDSEED/RDRAND when the CPU has them, and from the jitter of the TSC
 * against the kernel's clock.
 */
#include <string.h>

#include "chacha.h"
#include "pm.h"

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4

static uint8_t key[32];
static uint32_t counter;
static const uint8_t nonce[12];

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
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

void random_init(void)
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
			uint64_t t0 = rdtsc(), now = now_ns(); /* a kernel call: its cost jitters */

			words[i] = (rdtsc() - t0) ^ now << 17 ^ t0;
			if (has_rdseed)
				words[i] ^= hw_random(true);
			else if (has_rdrand)
				words[i] ^= hw_random(false);
		}
		mix(words);
	}
	sources = has_rdseed ? 2 : has_rdrand ? 1 : 0;
	ax_printf("pm: random generator seeded from %s\n",
		  sources == 2 ? "RDSEED and TSC jitter" : sources ? "RDRAND and TSC jitter" : "TSC jitter only (no RDRAND)");
}

void random_bytes(void *buf, size_t n)
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

int64_t do_getrandom(const ax_message *m, ax_message *r)
{
	struct mproc *p = caller(m);
	uint64_t va = m->u64[0], len = m->u64[1], flags = m->u64[2], done = 0;
	uint8_t chunk[256];

	(void)r;
	if (!p)
		return -AX_ESRCH;
	if ((flags & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) ||
	    (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -AX_EINVAL;
	if (len > 33554431) /* Linux's limit per call */
		len = 33554431;
	while (done < len) {
		uint64_t k = len - done < sizeof(chunk) ? len - done : sizeof(chunk);

		random_bytes(chunk, k);
		if (user_copy(p->ep, va + done, chunk, k, AX_COPY_TO) < 0)
			return done ? (int64_t)done : -AX_EFAULT;
		done += k;
	}
	memset(chunk, 0, sizeof(chunk));
	return (int64_t)done;
}
