/* The ChaCha20 block function (RFC 8439), the core of getrandom's generator. Pure logic. */
#ifndef SYS_CHACHA_H
#define SYS_CHACHA_H

#include <stdint.h>
#include <string.h>

static inline uint32_t chacha_rotl(uint32_t v, int n) { return v << n | v >> (32 - n); }

#define CHACHA_QR(a, b, c, d)                                           \
	do {                                                            \
		a += b, d ^= a, d = chacha_rotl(d, 16);                 \
		c += d, b ^= c, b = chacha_rotl(b, 12);                 \
		a += b, d ^= a, d = chacha_rotl(d, 8);                  \
		c += d, b ^= c, b = chacha_rotl(b, 7);                  \
	} while (0)

/* 64 bytes of key stream for a 256-bit key, a block counter and a 96-bit nonce. */
static inline void chacha20_block(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12], uint8_t out[64])
{
	uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574}, x[16];

	memcpy(&in[4], key, 32); /* little-endian words, as x86 stores them */
	in[12] = counter;
	memcpy(&in[13], nonce, 12);
	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		CHACHA_QR(x[0], x[4], x[8], x[12]);
		CHACHA_QR(x[1], x[5], x[9], x[13]);
		CHACHA_QR(x[2], x[6], x[10], x[14]);
		CHACHA_QR(x[3], x[7], x[11], x[15]);
		CHACHA_QR(x[0], x[5], x[10], x[15]);
		CHACHA_QR(x[1], x[6], x[11], x[12]);
		CHACHA_QR(x[2], x[7], x[8], x[13]);
		CHACHA_QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++)
		x[i] += in[i];
	memcpy(out, x, 64);
}

#endif
