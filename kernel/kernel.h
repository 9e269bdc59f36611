/* What every kernel file needs: basic types, the ABI, logging, panic. */
#ifndef KERNEL_H
#define KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <axolotl/abi.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))

/* log.c */
void klog_init(bool vga);
void klog_write(const char *s, size_t n);
void klog_vga(bool on);
size_t klog_read(char *dst, size_t len, uint64_t *seq);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* memset, memcpy, strlcpy...: lib/string */
#include <string/string.h>

#endif
