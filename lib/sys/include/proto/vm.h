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
	VM_SPACE_NEW = 0x500, /* u64[0]=ep u64[1]=stack top u64[2]=stack limit (bytes) u64[3]=brk start: forget old regions */
	VM_REGION,            /* u64[0]=ep u64[1]=start u64[2]=len u64[3]=VM_PROT_* u64[4]=VM_POPULATE: add a region */
	VM_FORK,              /* u64[0]=parent u64[1]=child: the child gets the parent's regions, copy-on-write */
	VM_EXIT,              /* u64[0]=ep: the process is gone; forget it */
	VM_INFO,              /* -> u64[1]=free bytes u64[2]=total bytes */
	VM_PROTECT,           /* u64[0]=ep u64[1]=start u64[2]=len u64[3]=VM_PROT_*: new rights (pm, after loading) */
	VM_TOUCH,             /* u64[0]=ep u64[1]=addr u64[2]=len u64[3]=1 to write: make the range present
	                         (and writable) as the process's own access would, before a server copies in */
	VM_STACK_LIMIT,       /* u64[0]=ep u64[1]=bytes: how far its stack may grow from now on (setrlimit) */
	VM_SHARE,             /* u64[0]=ep u64[1]=start u64[2]=len u64[3]=VM_PROT_* u64[4]=pm's address: add a region
	                         whose pages are pm's (an executable's, kept by pm): shared read-only, or
	                         copy-on-write if the region is writable (pm, at exec) */
};

#define VM_PROT_READ 1
#define VM_PROT_WRITE 2
#define VM_PROT_EXEC 4
#define VM_POPULATE 1 /* map the pages now (so pm can copy an executable's bytes in) */

#endif
