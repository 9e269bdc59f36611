/*
 * A Linux call as the kernel forwards it to the server that implements it
 * (pm, vfs, vm): type = AX_MSG_POSIX + the call's number, u64[0..5] = the
 * six argument registers (rdi, rsi, rdx, r10, r8, r9) exactly as the
 * program left them; the answer's i64[0] is what the call returns in rax
 * (axolotl/abi.h).
 *
 * Linux reads each register as the C type of the call's prototype, and so
 * must we: an int (a descriptor, flags, a signal, a pid) or an unsigned
 * int (a mode, a uid, a gid) is the low 32 bits and nothing else, whatever
 * the upper half holds; a pointer, a size_t, an unsigned long or a long
 * (an off_t) is the whole register. Servers read arguments only through
 * these accessors, so the rule lives here once and each call site names
 * what it reads.
 */
#ifndef PROTO_POSIX_H
#define PROTO_POSIX_H

#include <stdint.h>

#include <axolotl/abi.h>

#define POSIX_ARGS 6

/* The call's number (a Linux call number, <linuxabi/syscalls.h>). */
static inline int posix_call(const ax_message *m) { return m->type - AX_MSG_POSIX; }

/* int: the low 32 bits, as a signed number. */
static inline int arg_int(const ax_message *m, unsigned i) { return (int)(uint32_t)m->u64[i]; }

/* unsigned int, mode_t, uid_t, gid_t: the low 32 bits. */
static inline uint32_t arg_uint(const ax_message *m, unsigned i) { return (uint32_t)m->u64[i]; }

/* A pointer into the caller's memory, as an address (0: NULL). */
static inline uint64_t arg_ptr(const ax_message *m, unsigned i) { return m->u64[i]; }

/* size_t, unsigned long: the whole register. */
static inline uint64_t arg_ulong(const ax_message *m, unsigned i) { return m->u64[i]; }

/* long, off_t, loff_t: the whole register, signed. */
static inline int64_t arg_long(const ax_message *m, unsigned i) { return m->i64[i]; }

#endif
