/*
 * strncmp for freestanding system processes (the kernel needs none). The
 * other string functions come from lib/string, the kernel's own.
 */
#include <sys/ax.h>

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}
