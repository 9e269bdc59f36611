/* The C library's string functions for code that links no libc: the kernel, freestanding programs. See string.h. */
#include "string.h"

#include <stdint.h>

/* By words, then the tail by bytes: a page is 512 moves (page zeroing is on every fault). */
void *memset(void *d, int c, size_t n)
{
	uint64_t v = 0x0101010101010101ULL * (uint8_t)c;
	size_t words = n / 8, tail = n % 8;
	void *p = d;

	__asm__ volatile("rep stosq" : "+D"(p), "+c"(words) : "a"(v) : "memory");
	__asm__ volatile("rep stosb" : "+D"(p), "+c"(tail) : "a"(v) : "memory");
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	size_t words = n / 8, tail = n % 8;
	void *p = d;

	__asm__ volatile("rep movsq" : "+D"(p), "+S"(s), "+c"(words)::"memory");
	__asm__ volatile("rep movsb" : "+D"(p), "+S"(s), "+c"(tail)::"memory");
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;

	if (dp < sp || dp >= sp + n) /* forwards is safe: by words (as_copy's pages rarely overlap) */
		return memcpy(d, s, n);
	while (n--) /* an overlap with the destination above: backwards */
		dp[n] = sp[n];
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (uint8_t)*a - (uint8_t)*b;
}

/* Copy at most n-1 bytes and always terminate; returns strlen(s). */
size_t strlcpy(char *d, const char *s, size_t n)
{
	size_t len = strlen(s);

	if (n) {
		size_t c = len < n - 1 ? len : n - 1;

		memcpy(d, s, c);
		d[c] = 0;
	}
	return len;
}
