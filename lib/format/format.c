/*
 * A small vsnprintf: %s %c %d %u %x %p, the l modifier, width and 0 padding.
 * Pure code, shared by the kernel log, lib/sys's ax_printf and rs's table
 * parser.
 * Returns the length the whole output would have; buf is always terminated.
 */
#include "format.h"

#include <stdint.h>

int vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	size_t o = 0;

#define PUT(ch) do { if (o + 1 < size) buf[o] = (ch); o++; } while (0)
	for (; *fmt; fmt++) {
		char tmp[24];
		int width = 0, longs = 0, base = 10, neg = 0, n = 0;
		char pad = ' ';
		int left = 0;
		uint64_t v;

		if (*fmt != '%') {
			PUT(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '-')
			left = 1, fmt++;
		if (*fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			longs++, fmt++;
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			int len = 0;

			s = s ? s : "(null)";
			while (s[len])
				len++;
			while (!left && width-- > len)
				PUT(' ');
			for (; *s; s++)
				PUT(*s);
			while (left && width-- > len)
				PUT(' ');
			continue;
		}
		case 'c':
			PUT((char)va_arg(ap, int));
			continue;
		case '%':
			PUT('%');
			continue;
		case 'd': {
			int64_t sv = longs ? va_arg(ap, int64_t) : va_arg(ap, int);

			neg = sv < 0;
			v = neg ? -(uint64_t)sv : (uint64_t)sv;
			break;
		}
		case 'p':
			longs = 1, pad = '0', width = 16;
			/* fall through */
		case 'x':
			base = 16;
			/* fall through */
		case 'u':
			v = longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			break;
		default:
			PUT('?');
			continue;
		}
		do {
			tmp[n++] = "0123456789abcdef"[v % (unsigned)base];
			v /= (unsigned)base;
		} while (v);
		if (neg)
			tmp[n++] = '-';
		while (width-- > n)
			PUT(pad);
		while (n)
			PUT(tmp[--n]);
	}
	if (size)
		buf[o < size ? o : size - 1] = 0;
	return (int)o;
#undef PUT
}

int parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	unsigned base = 10;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == n)
		return -1;
	for (; i < n; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}
