/*
 * What pm (and, for VM_TOUCH, any server that copies into user memory)
 * says to vm (servers/vm). User processes reach vm directly through
 * the POSIX bridge for brk, mmap, munmap, mprotect and mremap, and the
 * kernel sends it their page faults (AX_MSG_PAGEFAULT). Replies: i64[0] is
 * 0, a result, or a negative errno.
 */
#ifndef PROTO_VM_H
#define PROTO_VM_H

#include <axolotl/abi.h>

enum vm_call {
	VM_SPACE_NEW = 0x500, /* struct vm_space_req: forget old regions (exec) */
	VM_REGION,            /* struct vm_range_req (arg: VM_POPULATE or 0): add a region */
	VM_FORK,              /* struct vm_fork_req: the child gets the parent's regions, copy-on-write */
	VM_EXIT,              /* struct vm_proc_req: the process is gone; forget it */
	VM_INFO,              /* (nothing) -> struct vm_info_reply */
	VM_PROTECT,           /* struct vm_range_req (arg 0): new rights (pm, after loading) */
	VM_TOUCH,             /* struct vm_touch_req: make the range present (and writable) as the process's own
	                         access would, before a server copies in */
	VM_STACK_LIMIT,       /* struct vm_proc_req (value: bytes): how far its stack may grow from now on (setrlimit) */
	VM_SHARE,             /* struct vm_range_req (arg: pm's address): add a region whose pages are pm's (an
	                         executable's, kept by pm): shared read-only, or copy-on-write if the region is
	                         writable (pm, at exec) */
};

/*
 * ---- Requests: each is the payload of one message (ax_message.bytes) ----
 * Every field is 64 bits, in the order of the message's u64 slots, so a
 * sender may still fill u64[0..] in this order (pm's vm_call does).
 */
struct vm_space_req {
	int64_t ep;
	uint64_t stack_top;   /* page-aligned, at most 2^47 */
	uint64_t stack_limit; /* bytes, page-aligned */
	uint64_t brk_start;
};

struct vm_range_req {
	int64_t ep;
	uint64_t start, len; /* whole pages */
	uint64_t prot;       /* VM_PROT_* */
	uint64_t arg;        /* VM_REGION: VM_POPULATE or 0; VM_SHARE: pm's address of the pages; VM_PROTECT: 0 */
};

struct vm_fork_req {
	int64_t parent, child;
};

struct vm_proc_req {
	int64_t ep;
	uint64_t value; /* VM_STACK_LIMIT: bytes */
};

struct vm_touch_req {
	int64_t ep;
	uint64_t addr, len;
	uint64_t write; /* 1: make it writable too; 0: present */
};

/* VM_INFO's reply. */
struct vm_info_reply {
	int64_t status;
	uint64_t free_bytes, total_bytes;
};

_Static_assert(sizeof(struct vm_space_req) == 32, "vm_space_req layout");
_Static_assert(sizeof(struct vm_range_req) == 40, "vm_range_req layout");
_Static_assert(sizeof(struct vm_fork_req) == 16, "vm_fork_req layout");
_Static_assert(sizeof(struct vm_proc_req) == 16, "vm_proc_req layout");
_Static_assert(sizeof(struct vm_touch_req) == 32, "vm_touch_req layout");
_Static_assert(sizeof(struct vm_info_reply) == 24, "vm_info_reply layout");

#define VM_PROT_READ 1
#define VM_PROT_WRITE 2
#define VM_PROT_EXEC 4
#define VM_POPULATE 1 /* map the pages now (so pm can copy an executable's bytes in) */

#endif
