/*
 * strncmp for system processes. The other string functions come from the
 * kernel's kernel/lib.c, which lib/sys compiles too.
 */
#include <sys/ax.h>

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++)
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	return 0;
}
