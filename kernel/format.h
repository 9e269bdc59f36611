/* Formatting shared by the kernel and system processes (format.c). */
#ifndef FORMAT_H
#define FORMAT_H

#include <stdarg.h>
#include <stddef.h>

int vformat(char *buf, size_t size, const char *fmt, va_list ap);

#endif
