/* Formatting shared by the kernel and system processes (format.c): a library of lib/. */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

int vformat(char *buf, size_t size, const char *fmt, va_list ap);

/* The n characters at s as a decimal or 0x-hexadecimal number, all of them, without overflow: 0 or -1. */
int parse_u64(const char *s, size_t n, uint64_t *out);

#endif
