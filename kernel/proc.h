/* The process table. Host-compilable: unit tests build it. */
#ifndef PROC_H
#define PROC_H

#include <stdbool.h>
#include <stdint.h>

#include <axolotl/abi.h>

#include "arch/x86_64/trap.h"
#include "endpoint.h"

/* Why a process is not runnable (p->blocked); runnable when 0. */
#define BLK_SENDING 0x01   /* waiting for p->sendto to take p->msg */
#define BLK_RECEIVING 0x02 /* waiting for a message from p->getfrom */
#define BLK_STOPPED 0x04   /* created, not yet started */
#define BLK_FREE 0x08      /* the slot holds no process */
#define BLK_ZOMBIE 0x10    /* ended; kept until its supervisor reaps it */
#define BLK_RESERVED 0x20  /* with BLK_FREE: empty, but kept for p->supervisor to create into (KC_REAP's AX_REAP_RESERVE) */

/* Other state (p->flags). */
#define PF_REPLY 0x01       /* the receive is the second half of a sendrec */
#define PF_MSG_PENDING 0x02 /* p->msg must reach p->msg_uptr before p runs */
#define PF_POSIX_CALL 0x04  /* the pending message is a POSIX reply: rax = i64[0] */
#define PF_POSIX_WARNED 0x08 /* a system process was told once not to trap POSIX */
#define PF_FAULT 0x10        /* waiting for vm to resolve a page fault */
#define PF_SIGNAL 0x20       /* stop for the exception handler at the next return to user mode */
#define PF_STOPPED 0x40      /* waiting for the exception handler's answer to a signal stop */
#define PF_EXCEPTION 0x80    /* waiting for the exception handler's answer to an exception */
#define PF_HANDLER_WAIT (PF_FAULT | PF_STOPPED | PF_EXCEPTION) /* the answer is a verdict, not a message */

#define NR_PRIOS 16

struct proc {
	struct trapframe tf; /* first: entry.S saves the user's registers here */
	uint8_t fpu[512] __attribute__((aligned(16)));

	endpoint_t ep;
	int slot, gen;
	unsigned blocked, flags;
	char name[16];

	/* IPC */
	endpoint_t sendto;   /* while BLK_SENDING */
	endpoint_t getfrom;  /* while BLK_RECEIVING: a process, ANY, HARDWARE, CLOCK */
	uint64_t msg_uptr;   /* receive buffer in the user's space */
	ax_message msg;      /* message being sent, or received and pending */
	struct proc *senders; /* queue of processes blocked sending to us */
	struct proc *send_next;
	uint64_t notify_bits[AX_NR_SLOTS / 64]; /* pending notifications by slot */
	uint32_t irq_pending;
	bool alarm_pending;
	bool deaths_pending; /* a process it supervises has ended */
	bool kernel_served;  /* its last receive took a kernel notification: processes go first next */

	endpoint_t supervisor; /* who hears of its death: its creator */
	struct ax_death death;

	/* scheduling */
	int prio;
	unsigned quantum_ms, ticks_left;
	endpoint_t bill;   /* a system process: the POSIX process whose request it serves, whose quantum its time uses */
	uint64_t cpu_ns; /* CPU time used, counted by timer ticks */
	uint64_t replies_awaited; /* its sendrecs so far: tells one wait for an answer from the next (KC_CPU_TIME) */
	struct proc *run_next;

	/* memory */
	uint64_t pml4; /* physical address of the page map */
	uint64_t fs_base, gs_base;
	uint64_t grant_addr, grant_count;
	uint64_t alarm_ns; /* 0: no alarm */

	struct ax_priv priv;
} __attribute__((aligned(16)));

extern struct proc proc_table[AX_NR_SLOTS];
extern struct proc *current;

#define proc_runnable(p) ((p)->blocked == 0)

/* proc.c */
void proc_init(void);
struct proc *proc_alloc(int slot_hint, const struct proc *creator, const char *name, int *err);
int proc_release(const struct proc *super, int slot);

/* The live process an endpoint names: -EDEADEP for a past generation, -EINVAL for nonsense. Hot: inline. */
static inline int proc_lookup(endpoint_t ep, struct proc **out)
{
	struct proc *p;

	if (!ep_plausible(ep) || ep_slot(ep) == 0)
		return -AX_EINVAL;
	p = &proc_table[ep_slot(ep)];
	if (p->ep != ep || (p->blocked & (BLK_FREE | BLK_ZOMBIE))) {
		/* A generation at or below the slot's newest once lived. */
		return ep_gen(ep) <= p->gen ? -AX_EDEADEP : -AX_EINVAL;
	}
	*out = p;
	return 0;
}
void proc_kill(struct proc *p, int cause, const char *why);
int proc_reap(struct proc *super, struct ax_death *out, bool reserve);
bool priv_may_send(const struct proc *from, const struct proc *to);
bool priv_has_kcall(const struct proc *p, unsigned call);
bool priv_io_ok(const struct ax_priv *pv, uint32_t port, unsigned width);
bool priv_mem_ok(const struct ax_priv *pv, uint64_t base, uint64_t len);

/* ipcq.c: pure queue and cycle logic */
void sendq_append(struct proc *dst, struct proc *sender);
bool sendq_remove(struct proc *dst, struct proc *sender);
struct proc *sendq_find(struct proc *dst, endpoint_t from);
typedef struct proc *(*proc_resolver)(endpoint_t ep);
bool ipc_would_deadlock(const struct proc *caller, const struct proc *dst, proc_resolver resolve);
int notify_take(struct proc *p, endpoint_t from);

/* sched.c */
void sched_ready(struct proc *p, bool front);
void sched_unready(struct proc *p);

/* p stops being runnable for reason why (a BLK_ bit). Inline: every IPC passes here. */
static inline void sched_block(struct proc *p, unsigned why)
{
	if (p->blocked == 0)
		sched_unready(p);
	p->blocked |= why;
}

/* Clear reason why; if nothing else holds p, it becomes runnable. */
static inline void sched_unblock(struct proc *p, unsigned why, bool front)
{
	if (!(p->blocked & why))
		return;
	p->blocked &= ~why;
	if (p->blocked == 0)
		sched_ready(p, front);
}
struct proc *sched_pick(void);
void sched_tick(void);
extern uint64_t sched_idle_ns;
void sched_yield_current(void);
struct trapframe *sched_run(void);

/* ipc.c */
void ipc_notify_kernel(struct proc *dst, endpoint_t src);
void ipc_wake_all_of(struct proc *dead);
bool ipc_exception(struct proc *p, uint64_t vector, uint64_t addr, uint64_t error, int64_t vm_verdict);
bool ipc_signal_stop(struct proc *p);

/* kcall.c, kcall_proc.c */
int kcall_dispatch(struct proc *caller, unsigned call, ax_message *m);
extern endpoint_t posix_routes[AX_MSG_POSIX_MAX];
extern endpoint_t vm_handler, exc_handler;

/* clock.c */
extern uint64_t clock_ticks, tsc_hz, tsc_boot;
uint64_t clock_now_ns(void);
void clock_tick(void);
void clock_set_alarm(struct proc *p, uint64_t delay_ns);

/* irq.c */
void irq_interrupt(unsigned line);
int irq_register(struct proc *p, unsigned line);
void irq_release_all(struct proc *p);
bool irq_owned_by(unsigned line, const struct proc *p);

#endif
