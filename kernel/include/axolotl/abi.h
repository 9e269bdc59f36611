/*
 * The kernel's interface to user space: messages, endpoints, IPC operations,
 * kernel calls, privileges and grants. Shared by the kernel, lib/sys and the
 * tests, so a reader learns the whole kernel ABI from this one file.
 * Everything here is plain data: no code, no kernel internals.
 */
#ifndef AXOLOTL_ABI_H
#define AXOLOTL_ABI_H

#include <stdint.h>

#include "kcalls.h"

/* ---- Endpoints -------------------------------------------------------- */

/*
 * An endpoint names one incarnation of a process: slot + generation.
 * ep = (generation << AX_SLOT_BITS) | slot, generation >= 1, so every live
 * endpoint is positive. When a slot is reused its generation grows and the
 * old endpoint is dead for good.
 */
typedef int32_t endpoint_t;

#define AX_SLOT_BITS 8
#define AX_NR_SLOTS (1 << AX_SLOT_BITS) /* process table size */
#define AX_GEN_MAX ((1 << (31 - AX_SLOT_BITS)) - 1)

#define AX_ANY ((endpoint_t)-1)      /* receive from anyone */
#define AX_NONE ((endpoint_t)-2)     /* no endpoint */
#define AX_HARDWARE ((endpoint_t)-3) /* source of interrupt notifications */
#define AX_CLOCK ((endpoint_t)-4)    /* source of alarm notifications */
#define AX_SELF ((endpoint_t)-5)     /* the caller, in kernel calls */
#define AX_KERNEL ((endpoint_t)-6)   /* source of "a process you created ended" notifications */

/* ---- Messages ---------------------------------------------------------- */

/* Every message is 64 bytes: who sent it, what it is, 56 bytes of payload. */
typedef struct {
	endpoint_t source; /* filled in by the kernel; never trusted from user */
	int32_t type;
	union {
		uint64_t u64[7];
		int64_t i64[7];
		uint32_t u32[14];
		uint8_t bytes[56];
	};
} ax_message;

_Static_assert(sizeof(ax_message) == 64, "messages are 64 bytes");

/* Message types the kernel itself generates. */
#define AX_MSG_NOTIFY 0x7f000001 /* u64[0]: IRQ bitmap (HARDWARE), now in ns (CLOCK) */
#define AX_MSG_PAGEFAULT 0x7f000002 /* to vm: u64[0]=address u64[1]=error code u64[2]=rip */
#define AX_MSG_SIGNAL 0x7f000003 /* to the exception handler: the process stopped where signals can be delivered */
#define AX_MSG_EXCEPTION 0x7f000004 /* to the exception handler: u64[0]=vector u64[1]=address u64[2]=rip u64[3]=error code u64[4]=vm's refusal (page faults) */
#define AX_MSG_POSIX 0x7e000000  /* POSIX trap: type = AX_MSG_POSIX + number */
#define AX_MSG_POSIX_MAX 1024    /* call numbers 0..1023 may be routed */

/*
 * Page fault message: a POSIX process's page fault, sent to the registered
 * vm (KC_VM_HANDLER) as if the process had made a sendrec; source = the
 * faulting process. vm answers with i64[0] = 0 (resolved: the faulting
 * instruction runs again, every register intact) or a negative errno (the
 * kernel ends the process).
 *
 * Signal stop and exception messages (KC_SIGNAL, KC_EXC_HANDLER): sent, like
 * a page fault, on the process's behalf to the registered exception handler
 * (pm), which may change its registers (KC_SET_REGS, KC_FPU) before it
 * answers. i64[0] = 0: the process goes on with the registers it has then;
 * negative: the kernel ends it (an exception: as a fault). A page fault vm
 * refuses becomes an exception message (vector 14) when a handler is
 * registered. Until the handler answers, the process does not run.
 *
 * POSIX trap message: u64[0..5] = the six syscall arguments (rdi, rsi, rdx,
 * r10, r8, r9). The server answers with any message whose i64[0] is the
 * value to return in rax.
 */

/* ---- Native IPC trap ----------------------------------------------------- */

/*
 * A system process traps with `syscall`, rax = AX_TRAP_MAGIC | operation.
 * Any other rax from a system process is refused (-ENOSYS, logged once).
 * From a POSIX process, rax is a Linux call number for the POSIX bridge.
 *   rdi = endpoint (or kernel call number for AX_KCALL)
 *   rsi = user pointer to a 64-byte message (in and/or out)
 *   rdx = receive-from endpoint (AX_REPLYRECV only)
 * Returns rax = 0 or a negative errno.
 */
#define AX_TRAP_MAGIC 0x41580000UL
#define AX_TRAP_MASK 0xffff0000UL

enum ax_ipc_op {
	AX_SEND = 1,      /* block until the destination takes the message */
	AX_RECEIVE = 2,   /* block until a message from rdi (or AX_ANY) comes */
	AX_SENDREC = 3,   /* send, then receive the reply from the same endpoint */
	AX_NOTIFY = 4,    /* non-blocking, coalesced, no payload */
	AX_SENDNB = 5,    /* send only if the destination is waiting: else -EAGAIN */
	AX_REPLYRECV = 6, /* non-blocking reply to rdi, then receive from rdx */
	AX_KCALL = 7,     /* kernel call rdi with the message at rsi */
};

/* ---- Errors (negative Linux errno values) ------------------------------ */

#define AX_EPERM 1       /* privilege denied */
#define AX_ESRCH 3       /* no such process or grant */
#define AX_EIO 5         /* a POSIX call's server died before answering */
#define AX_EAGAIN 11     /* non-blocking send found nobody waiting */
#define AX_ENOMEM 12     /* the kernel ran out of memory */
#define AX_EFAULT 14     /* a user pointer is not mapped or not user memory */
#define AX_EBUSY 16      /* resource (IRQ line, slot) is taken */
#define AX_EINVAL 22     /* malformed argument */
#define AX_EDEADLK 35    /* the send would close a cycle of blocked senders */
#define AX_ENOSYS 38     /* no such operation, kernel call or POSIX route */
#define AX_EDEADEP 130   /* EOWNERDEAD: the endpoint's process has died */

/* ---- Kernel calls -------------------------------------------------------- */

/*
 * AX_KCALL with rdi = call number; arguments and results travel in the
 * message at rsi (u64[i] below). Each call needs its bit in priv.kcalls.
 */
enum ax_kcall {
#define AX_KCALL_ENUM(name, number, word, handler) KC_##name = number,
	AX_KCALLS(AX_KCALL_ENUM)
#undef AX_KCALL_ENUM
	KC_COUNT
};

/* KC_VMAP / KC_VMALLOC flags */
#define AX_MAP_WRITE 0x1
#define AX_MAP_EXEC 0x2
#define AX_MAP_UNCACHED 0x4
#define AX_MAP_IFABSENT 0x20 /* KC_VMALLOC: leave pages already present as they are */
#define AX_MAP_NONE 0x40     /* KC_VPROTECT: no access at all (PROT_NONE); the frames stay, hidden */
#define AX_SHARE_COW 0x8      /* KC_VSHARE: also make the source read-only (copy-on-write) */
#define AX_SHARE_PRESENT 0x10 /* KC_VSHARE: share the pages present, skip the holes (fork) */

/* KC_DEVIO operations */
#define AX_IO_IN8 0
#define AX_IO_IN16 1
#define AX_IO_IN32 2
#define AX_IO_OUT8 3
#define AX_IO_OUT16 4
#define AX_IO_OUT32 5

/* KC_SAFECOPY directions, seen from the caller */
#define AX_COPY_FROM 0 /* granter's memory -> caller */
#define AX_COPY_TO 1   /* caller -> granter's memory */
#define AX_COPY_VEC 2  /* or'ed in: u64[3] points to u64[4] pieces (struct ax_copy_vec) of the caller's memory,
			  which follow each other in the grant from u64[2] on (one call for a scattered buffer);
			  0 when all were copied, the bytes copied when a piece failed after some, else the error */
#define AX_COPY_VEC_MAX 32

struct ax_copy_vec {
	uint64_t addr, len;
};

/* ---- Registers (KC_GET_REGS / KC_SET_REGS) --------------------------- */

struct ax_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags, fs_base, gs_base;
};

/* ---- Death reports (KC_REAP) ------------------------------------------- */

/*
 * A process that ends stays a zombie slot (its endpoint already dead) until
 * the process that created it reaps it. The creator is told by a
 * notification from AX_KERNEL.
 */
#define AX_DEATH_EXIT 1   /* it ended itself */
#define AX_DEATH_KILLED 2 /* another process destroyed it */
#define AX_DEATH_FAULT 3  /* a CPU exception (or an unresolved page fault) */

/*
 * KC_REAP's flag: keep the dead process's slot empty for the caller (its
 * supervisor) instead of freeing it. No other creation, fork included,
 * takes it; only the caller, naming the slot in KC_PROC_CREATE or
 * KC_PROC_COPY, creates into it again (generation + 1), or frees it with
 * KC_SLOT_RELEASE. So a restarted service keeps its slot, and with it every
 * send right others hold to it. The kept slots of a supervisor that dies
 * are freed.
 */
#define AX_REAP_RESERVE 0x1

struct ax_death {
	endpoint_t ep;
	int32_t cause;    /* AX_DEATH_* */
	uint64_t vector;  /* AX_DEATH_FAULT: the exception */
	uint64_t address; /* AX_DEATH_FAULT: the faulting address (page faults) */
	uint64_t rip;     /* AX_DEATH_FAULT: where */
	uint64_t cpu_ns;  /* the CPU time it used */
};

/* ---- Privileges (KC_PRIV_SET and the boot command line) -------------- */

#define AX_PRIV_SYSTEM 0x1   /* native IPC; the POSIX trap is refused */
#define AX_PRIV_SEND_ANY 0x2 /* may send to every endpoint */
#define AX_PRIV_MAGIC 0x4    /* may make grants over other processes' memory */

#define AX_PRIV_IO_RANGES 8
#define AX_PRIV_MEM_RANGES 4

struct ax_priv {
	uint32_t flags;                         /* AX_PRIV_* */
	uint32_t irqs;                          /* bitmap of IRQ lines it may register */
	uint64_t kcalls;                        /* bit n: may make kernel call n */
	uint64_t send_to[AX_NR_SLOTS / 64];     /* bit s: may send to slot s */
	struct { uint16_t lo, hi; } io[AX_PRIV_IO_RANGES];          /* ports lo..hi */
	struct { uint64_t base, size; } mem[AX_PRIV_MEM_RANGES];    /* physical */
};

/* ---- Grants -------------------------------------------------------------- */

/*
 * A process publishes a table of grants in its own memory (KC_GRANT_TABLE);
 * grant id = index. The kernel reads an entry on every safe copy, so making
 * or revoking a grant is a plain memory write.
 */
#define AX_GRANT_VALID 0x1
#define AX_GRANT_READ 0x2  /* grantee may copy from the memory */
#define AX_GRANT_WRITE 0x4 /* grantee may copy into the memory */
#define AX_GRANT_MAGIC 0x8 /* the memory is owner's, not the granter's (AX_PRIV_MAGIC) */

struct ax_grant {
	uint32_t flags;
	endpoint_t grantee; /* who may use it (AX_ANY: anyone) */
	endpoint_t owner;   /* AX_GRANT_MAGIC only: whose memory */
	uint32_t reserved;
	uint64_t addr;
	uint64_t len;
};

_Static_assert(sizeof(struct ax_grant) == 32, "grant entries are 32 bytes");

/* ---- Boot processes ----------------------------------------------------- */

/*
 * Each boot process starts at its ELF entry with rdi = its own endpoint and
 * rsi = AX_BOOTINFO_ADDR, where a read-only page names every boot process
 * (and, in `self`, the process reading it). Its stack (AX_BOOT_STACK bytes)
 * ends at AX_STACK_TOP; rsp points at a System V start frame (argc 0, empty
 * argv and envp, auxv with AT_PAGESZ), so musl's own start-up can run.
 * A module marked `data to=NAME` is no process: its bytes are mapped
 * read-only into NAME from AX_BOOTDATA_ADDR on, and listed in data[].
 */
#define AX_BOOTINFO_ADDR 0x7ff000000000UL
#define AX_BOOTDATA_ADDR 0x7fe000000000UL /* data modules, read-only, in the process they are for */
#define AX_BOOT_DATA_MAX 4
#define AX_STACK_TOP 0x7ffffffff000UL
#define AX_BOOT_STACK 0x10000UL
#define AX_BOOT_MAX 48

struct ax_bootinfo {
	uint32_t count;
	endpoint_t self; /* the endpoint of the process this copy belongs to */
	/*
	 * The clock, for reading without a kernel call: ns since boot is
	 * (rdtsc - tsc_boot) at tsc_hz, by the formula of ax_clock_ns below, the
	 * kernel's own (KC_CLOCK answers the same). Neither ever changes: the
	 * TSC is the one clock, calibrated once; wall time is pm's offset.
	 */
	uint64_t tsc_hz;
	uint64_t tsc_boot;
	struct {
		char name[16];
		endpoint_t ep;
		uint32_t flags; /* its AX_PRIV_* flags: pm adopts those without AX_PRIV_SYSTEM */
	} procs[AX_BOOT_MAX];
	uint32_t ndata;
	struct {
		char name[16];
		uint64_t addr, size; /* where it is in the process it was given to */
	} data[AX_BOOT_DATA_MAX];
	uint32_t restarts; /* set by rs: how often this service was restarted before (0: a first start) */
};

/* ns since boot from a TSC reading, as the kernel computes it (clock.c) and as libsys's ax_now_ns does. */
static inline uint64_t ax_clock_ns(uint64_t tsc, uint64_t tsc_boot, uint64_t tsc_hz)
{
	uint64_t t = tsc - tsc_boot;

	return (t / tsc_hz) * 1000000000ULL + (t % tsc_hz) * 1000000000ULL / tsc_hz;
}

#endif
