/*
 * lib/sys: what every system process links. IPC and kernel-call wrappers,
 * start-up, logging to the kernel log. No POSIX call is ever made.
 */
#ifndef SYS_AX_H
#define SYS_AX_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <axolotl/abi.h>

/* One native trap: rax = magic | op, rdi, rsi, rdx. */
static inline long ax_trap(unsigned op, long a, void *msg, long b)
{
	long r;
	register long rdx __asm__("rdx") = b;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(AX_TRAP_MAGIC | op), "D"(a), "S"(msg), "r"(rdx)
			 : "rcx", "r11", "memory");
	return r;
}

static inline int ax_send(endpoint_t to, ax_message *m) { return (int)ax_trap(AX_SEND, to, m, 0); }
static inline int ax_sendnb(endpoint_t to, ax_message *m) { return (int)ax_trap(AX_SENDNB, to, m, 0); }
static inline int ax_receive(endpoint_t from, ax_message *m) { return (int)ax_trap(AX_RECEIVE, from, m, 0); }
static inline int ax_sendrec(endpoint_t to, ax_message *m) { return (int)ax_trap(AX_SENDREC, to, m, 0); }
static inline int ax_notify(endpoint_t to) { return (int)ax_trap(AX_NOTIFY, to, 0, 0); }
static inline int ax_replyrecv(endpoint_t to, ax_message *m, endpoint_t from)
{
	return (int)ax_trap(AX_REPLYRECV, to, m, from);
}
static inline int ax_kcall(unsigned call, ax_message *m) { return (int)ax_trap(AX_KCALL, (long)call, m, 0); }

/* Kernel-call conveniences (ax.c). Each returns 0 or a negative errno. */
int ax_print(const char *s, size_t len);
int ax_clock(uint64_t *now_ns);
uint64_t ax_now_ns(void); /* the same, as a value: ns since boot (0 if the kernel cannot say) */
int ax_alarm(uint64_t delay_ns);
int ax_devio(unsigned port, unsigned op, uint32_t value, uint32_t *out);
int ax_vmalloc(endpoint_t ep, uint64_t va, uint64_t len, unsigned flags);
int ax_sleep_ms(unsigned ms);
_Noreturn void ax_exit(void);
endpoint_t ax_boot_endpoint(const char *name);
void ax_poweroff(int status);

/* Formatted output to the kernel log (print.c): %s %c %d %u %x %p, l, width. */
int ax_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ax_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ax_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Set by the start-up code before main runs. */
extern endpoint_t ax_self;
extern const struct ax_bootinfo *ax_bootinfo;
extern uint64_t *ax_start_sp; /* freestanding programs: the System V start frame */

/* rs restarted this service this many times before (0: its first start): time to take back saved state. */
static inline unsigned ax_restarts(void) { return ax_bootinfo->restarts; }

/* Freestanding helpers the compiler may call. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
