/* What the kernel calls' files (kcall*.c, grouped by the object they act on) share. */
#ifndef KCALL_H
#define KCALL_H

#include "arch/x86_64/layout.h"
#include "kernel.h"
#include "proc.h"

extern int copy_user(void *dst, const void *src, uint64_t n);

/* The target of a call: AX_SELF or a live endpoint. */
static inline int target(struct proc *caller, uint64_t ep, struct proc **out)
{
	if ((endpoint_t)ep == AX_SELF) {
		*out = caller;
		return 0;
	}
	return proc_lookup((endpoint_t)ep, out);
}

/* [ptr, ptr+len) lies wholly in user space: the only check copy_user needs. */
static inline bool user_range_ok(uint64_t ptr, uint64_t len)
{
	return ptr < USER_TOP && len <= USER_TOP - ptr;
}

/* Every handler, named by the one list of kernel calls (axolotl/kcalls.h). */
#define KCALL_DECLARE(name, number, word, handler) int handler(struct proc *c, ax_message *m);
AX_KCALLS(KCALL_DECLARE)
#undef KCALL_DECLARE

#endif
