/*
 * IPC's blocking states (kernel/ipc.c), on the host: which process waits,
 * for whom, with what flags, and what each gets in rax, through every
 * operation a trap can ask for. The scheduler, the user-memory copies and
 * the kernel calls are replaced by the small fakes below; ipc.c and ipcq.c
 * are the kernel's own.
 */
#include <string.h>

#include "../../kernel/ipc.h"

#include "check.h"

/* ---- fakes of what ipc.c calls outside itself ---- */

struct proc proc_table[AX_NR_SLOTS];
struct proc *current;
endpoint_t posix_routes[AX_MSG_POSIX_MAX];
endpoint_t vm_handler = AX_NONE, exc_handler = AX_NONE;

static int readied[AX_NR_SLOTS], unreadied[AX_NR_SLOTS], front_of_queue[AX_NR_SLOTS];
static int killed[AX_NR_SLOTS], kcalls;
static bool may_send = true;

void sched_ready(struct proc *p, bool front)
{
	readied[p->slot]++;
	front_of_queue[p->slot] = front;
}
void sched_unready(struct proc *p) { unreadied[p->slot]++; }
bool priv_may_send(const struct proc *from, const struct proc *to) { (void)from, (void)to; return may_send; }
uint64_t clock_now_ns(void) { return 12345; }
void kprintf(const char *fmt, ...) { (void)fmt; }
void proc_kill(struct proc *p, int cause, const char *why) { (void)cause, (void)why; killed[p->slot]++; }
int kcall_dispatch(struct proc *caller, unsigned call, ax_message *m)
{
	(void)caller, (void)call;
	kcalls++;
	m->i64[0] = 77;
	return 0;
}

/* User memory is the host's here; address 4096 and below are the "unmapped" page a bad pointer hits. */
int copy_user(void *dst, const void *src, uint64_t n)
{
	if ((uint64_t)dst < 4096 || (uint64_t)src < 4096)
		return -AX_EFAULT;
	memcpy(dst, src, n);
	return 0;
}
int get_user64(void *dst, const void *src) { return copy_user(dst, src, 8); }

/* ---- a small world: system processes A, B, C and a POSIX process U ---- */

enum { A = 10, B = 11, C = 12, U = 20 };
static ax_message buf[AX_NR_SLOTS]; /* each process's message buffer */

static endpoint_t ep(int slot) { return ep_make(slot, 1); }

static void world(void)
{
	memset(proc_table, 0, sizeof(proc_table));
	memset(buf, 0, sizeof(buf));
	memset(readied, 0, sizeof(readied)), memset(unreadied, 0, sizeof(unreadied));
	memset(killed, 0, sizeof(killed));
	for (int s = 0; s < AX_NR_SLOTS; s++)
		proc_table[s] = (struct proc){.slot = s, .blocked = BLK_FREE, .sendto = AX_NONE, .getfrom = AX_NONE};
	for (int s = 0; s < AX_MSG_POSIX_MAX; s++)
		posix_routes[s] = AX_NONE;
	may_send = true, kcalls = 0;
	for (int s = A; s <= C; s++)
		proc_table[s] = (struct proc){.slot = s, .gen = 1, .ep = ep(s), .sendto = AX_NONE, .getfrom = AX_NONE,
					      .priv.flags = AX_PRIV_SYSTEM};
	proc_table[U] = (struct proc){.slot = U, .gen = 1, .ep = ep(U), .sendto = AX_NONE, .getfrom = AX_NONE};
}

static struct proc *P(int slot) { return &proc_table[slot]; }

/* slot traps with operation op on endpoint to; its message is buf[slot]. Returns rax (as the trap leaves it). */
static int64_t trap(int slot, unsigned op, endpoint_t to, endpoint_t from)
{
	struct proc *p = P(slot);

	p->tf.rdi = (uint64_t)(int64_t)to;
	p->tf.rsi = (uint64_t)&buf[slot];
	p->tf.rdx = (uint64_t)(int64_t)from;
	p->tf.rax = 0xdead;
	ipc_trap(p, op);
	return (int64_t)p->tf.rax;
}

static int64_t msg_to(int slot, unsigned op, endpoint_t to, int type, uint64_t word)
{
	buf[slot] = (ax_message){.type = type, .u64 = {word}};
	return trap(slot, op, to, AX_ANY);
}

/* The process runs again: the message staged for it reaches its buffer (ipc_finish_receive). */
static void runs(int slot)
{
	if (P(slot)->flags & PF_MSG_PENDING)
		ipc_finish_receive(P(slot));
}

/* ---- the cases ---- */

static void a_receive_with_nothing_waiting_blocks(void)
{
	world();
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	CHECK(P(A)->blocked == BLK_RECEIVING && P(A)->getfrom == AX_ANY && unreadied[A] == 1);
	CHECK(!(P(A)->flags & PF_REPLY));
}

static void a_send_to_a_receiver_is_delivered_at_once(void)
{
	world();
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	CHECK(msg_to(B, AX_SEND, ep(A), 42, 7) == 0);
	CHECK(P(B)->blocked == 0);                       /* the sender goes on */
	CHECK(P(A)->blocked == 0 && readied[A] == 1);    /* the receiver may run */
	CHECK(P(A)->flags & PF_MSG_PENDING);
	runs(A);
	CHECK(buf[A].type == 42 && buf[A].u64[0] == 7 && buf[A].source == ep(B)); /* source set by the kernel */
	CHECK(P(A)->tf.rax == 0 && !(P(A)->flags & PF_MSG_PENDING));
}

static void the_source_cannot_be_forged(void)
{
	world();
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	buf[B] = (ax_message){.source = ep(C), .type = 1};
	trap(B, AX_SEND, ep(A), AX_ANY);
	runs(A);
	CHECK(buf[A].source == ep(B));
}

static void a_send_to_a_busy_process_waits_in_its_queue(void)
{
	world();
	CHECK(msg_to(B, AX_SEND, ep(A), 5, 0) == 0xdead); /* no answer yet: B waits */
	CHECK(P(B)->blocked == BLK_SENDING && P(B)->sendto == ep(A) && P(A)->senders == P(B));
	CHECK(msg_to(C, AX_SEND, ep(A), 6, 0) == 0xdead);
	CHECK(P(B)->send_next == P(C)); /* first come, first served */
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	CHECK(P(A)->blocked == 0 && (P(A)->flags & PF_MSG_PENDING)); /* it took B's at once */
	CHECK(P(B)->blocked == 0 && P(B)->tf.rax == 0 && P(B)->sendto == AX_NONE);
	CHECK(P(C)->blocked == BLK_SENDING && P(A)->senders == P(C));
	runs(A);
	CHECK(buf[A].type == 5 && buf[A].source == ep(B));
}

static void a_receive_from_one_leaves_the_others_queued(void)
{
	world();
	msg_to(B, AX_SEND, ep(A), 5, 0);
	trap(A, AX_RECEIVE, ep(C), AX_ANY);
	CHECK(P(A)->blocked == BLK_RECEIVING && P(A)->getfrom == ep(C));
	CHECK(P(B)->blocked == BLK_SENDING);
	msg_to(C, AX_SEND, ep(A), 6, 0); /* the one it waits for */
	CHECK(P(A)->blocked == 0 && P(C)->blocked == 0 && P(B)->blocked == BLK_SENDING);
	runs(A);
	CHECK(buf[A].type == 6);
}

static void sendnb_to_a_busy_process_changes_nothing(void)
{
	world();
	CHECK(msg_to(B, AX_SENDNB, ep(A), 5, 0) == -AX_EAGAIN);
	CHECK(P(B)->blocked == 0 && P(A)->senders == 0 && unreadied[B] == 0);
}

static void refusals_change_nothing(void)
{
	world();
	CHECK(msg_to(B, AX_SEND, ep(B), 1, 0) == -AX_EDEADLK);  /* to itself */
	CHECK(msg_to(B, AX_SEND, ep_make(C, 2), 1, 0) == -AX_EINVAL); /* a generation that never lived */
	CHECK(msg_to(B, AX_SEND, ep_make(40, 1), 1, 0) == -AX_EINVAL); /* a free slot */
	may_send = false;
	CHECK(msg_to(B, AX_SEND, ep(A), 1, 0) == -AX_EPERM);
	may_send = true;
	P(B)->tf.rdi = (uint64_t)ep(A), P(B)->tf.rsi = 16; /* a buffer in the unmapped page */
	ipc_trap(P(B), AX_SEND);
	CHECK((int64_t)P(B)->tf.rax == -AX_EFAULT);
	CHECK(trap(B, 99, ep(A), AX_ANY) == -AX_ENOSYS);
	CHECK(P(B)->blocked == 0 && P(A)->senders == 0 && unreadied[B] == 0);
}

static void a_cycle_of_senders_is_refused(void)
{
	world();
	msg_to(A, AX_SEND, ep(B), 1, 0); /* A waits on B */
	msg_to(B, AX_SEND, ep(C), 1, 0); /* B waits on C */
	CHECK(msg_to(C, AX_SEND, ep(A), 1, 0) == -AX_EDEADLK);
	CHECK(P(C)->blocked == 0 && P(A)->senders == 0);
}

static void sendrec_waits_for_the_reply_only(void)
{
	world();
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	msg_to(B, AX_SENDREC, ep(A), 9, 0);
	CHECK(P(B)->blocked == BLK_RECEIVING && P(B)->getfrom == ep(A) && (P(B)->flags & PF_REPLY));
	CHECK(front_of_queue[A]); /* the server runs next: its client waits for it */
	trap(C, AX_NOTIFY, ep(B), AX_ANY); /* a notification does not end a sendrec */
	CHECK(P(B)->blocked == BLK_RECEIVING && (P(B)->notify_bits[C / 64] & (1ULL << (C % 64))));
	runs(A);
	trap(A, AX_NOTIFY, ep(B), AX_ANY); /* not even from the server it waits on */
	CHECK(P(B)->blocked == BLK_RECEIVING && (P(B)->notify_bits[A / 64] & (1ULL << (A % 64))));
	CHECK(msg_to(A, AX_SEND, ep(B), 10, 99) == 0); /* the reply */
	CHECK(P(B)->blocked == 0 && !(P(B)->flags & PF_REPLY));
	runs(B);
	CHECK(buf[B].type == 10 && buf[B].u64[0] == 99 && buf[B].source == ep(A));
	trap(B, AX_RECEIVE, AX_ANY, AX_ANY); /* the notifications waited, lowest slot first */
	CHECK(P(B)->blocked == 0);
	runs(B);
	CHECK(buf[B].type == AX_MSG_NOTIFY && buf[B].source == ep(A));
	trap(B, AX_RECEIVE, AX_ANY, AX_ANY);
	runs(B);
	CHECK(buf[B].type == AX_MSG_NOTIFY && buf[B].source == ep(C));
}

/* rs asks (KC_CPU_TIME) whom a driver owes an answer: a request taken and not answered, a wait of its own. */
static void a_taken_sendrec_is_owed_an_answer(void)
{
	uint64_t before;

	world();
	before = P(B)->replies_awaited;
	msg_to(B, AX_SENDREC, ep(A), 9, 0); /* A is not receiving: B still sends, A owes nothing */
	CHECK(ipc_reply_waiter(P(A)) == 0);
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY); /* taken */
	CHECK(ipc_reply_waiter(P(A)) == P(B) && P(B)->replies_awaited == before + 1);
	CHECK(ipc_reply_waiter(P(B)) == 0 && ipc_reply_waiter(P(C)) == 0);
	runs(A);
	CHECK(msg_to(A, AX_SEND, ep(B), 10, 99) == 0); /* answered */
	CHECK(ipc_reply_waiter(P(A)) == 0);
	runs(B);
	msg_to(B, AX_SENDREC, ep(A), 9, 0); /* the next request is another wait */
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	CHECK(ipc_reply_waiter(P(A)) == P(B) && P(B)->replies_awaited == before + 2);
}

static void notifications_come_before_queued_messages(void)
{
	world();
	msg_to(B, AX_SEND, ep(A), 5, 0);
	CHECK(trap(C, AX_NOTIFY, ep(A), AX_ANY) == 0);
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	runs(A);
	CHECK(buf[A].type == AX_MSG_NOTIFY && buf[A].source == ep(C));
	CHECK(P(B)->blocked == BLK_SENDING);
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	runs(A);
	CHECK(buf[A].type == 5 && P(B)->blocked == 0);
}

/* A device interrupting as fast as its driver serves it does not keep a heartbeat or a request from it. */
static void interrupts_do_not_starve_processes(void)
{
	world();
	msg_to(B, AX_SEND, ep(A), 5, 0);
	CHECK(trap(C, AX_NOTIFY, ep(A), AX_ANY) == 0);
	P(A)->irq_pending = 1;
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	runs(A);
	CHECK(buf[A].source == AX_HARDWARE);
	P(A)->irq_pending = 1; /* it interrupted again at once */
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	runs(A);
	CHECK(buf[A].type == AX_MSG_NOTIFY && buf[A].source == ep(C));
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	runs(A);
	CHECK(buf[A].source == AX_HARDWARE);
	P(A)->irq_pending = 1;
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	runs(A);
	CHECK(buf[A].type == 5 && P(B)->blocked == 0);
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	runs(A);
	CHECK(buf[A].source == AX_HARDWARE && !P(A)->irq_pending);
}

static void replyrecv_answers_then_waits(void)
{
	world();
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	msg_to(B, AX_SENDREC, ep(A), 9, 0);
	runs(A);
	buf[A] = (ax_message){.type = 0, .i64 = {123}};
	trap(A, AX_REPLYRECV, ep(B), AX_ANY);
	CHECK(P(B)->blocked == 0);
	CHECK(P(A)->blocked == BLK_RECEIVING && P(A)->getfrom == AX_ANY);
	runs(B);
	CHECK(buf[B].i64[0] == 123);
	/* a reply to someone not waiting for it is refused, and the server does not wait */
	buf[A] = (ax_message){0};
	P(A)->blocked = 0;
	CHECK(trap(A, AX_REPLYRECV, ep(C), AX_ANY) == -AX_EAGAIN && P(A)->blocked == 0);
}

static void a_posix_call_reaches_its_server_and_the_answer_its_rax(void)
{
	world();
	posix_routes[39] = ep(A); /* getpid */
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	P(U)->tf.rdi = 1, P(U)->tf.rsi = 2, P(U)->tf.rdx = 3, P(U)->tf.r10 = 4, P(U)->tf.r8 = 5, P(U)->tf.r9 = 6;
	ipc_posix_call(P(U), 39);
	CHECK(P(U)->blocked == BLK_RECEIVING && (P(U)->flags & (PF_POSIX_CALL | PF_REPLY)) == (PF_POSIX_CALL | PF_REPLY));
	CHECK(P(A)->blocked == 0 && P(A)->bill == ep(U)); /* the server's time is the caller's */
	runs(A);
	CHECK(buf[A].type == AX_MSG_POSIX + 39 && buf[A].source == ep(U));
	CHECK(buf[A].u64[0] == 1 && buf[A].u64[3] == 4 && buf[A].u64[5] == 6 && buf[A].u64[6] == 0);
	buf[A] = (ax_message){.i64 = {4242}};
	trap(A, AX_REPLYRECV, ep(U), AX_ANY);
	CHECK(P(U)->blocked == 0 && P(U)->tf.rax == 4242 && !(P(U)->flags & (PF_POSIX_CALL | PF_REPLY)));
	CHECK(P(A)->blocked == BLK_RECEIVING);
}

static void a_posix_call_to_a_busy_server_queues(void)
{
	world();
	posix_routes[0] = ep(A);
	ipc_posix_call(P(U), 0);
	/* a sendrec not yet taken: it waits to send, and then for the answer (accepts nothing before) */
	CHECK(P(U)->blocked == (BLK_SENDING | BLK_RECEIVING) && P(A)->senders == P(U) && (P(U)->flags & PF_POSIX_CALL));
	trap(A, AX_RECEIVE, AX_ANY, AX_ANY);
	CHECK(P(U)->blocked == BLK_RECEIVING && (P(U)->flags & PF_REPLY)); /* taken: now it waits for the answer */
	runs(A);
	CHECK(buf[A].type == AX_MSG_POSIX + 0);
	buf[A] = (ax_message){.i64 = {-9}}; /* the answer reaches it as a call taken at once would get it */
	trap(A, AX_REPLYRECV, ep(U), AX_ANY);
	CHECK(P(U)->blocked == 0 && (int64_t)P(U)->tf.rax == -9 && !(P(U)->flags & (PF_POSIX_CALL | PF_REPLY)));
}

static void an_unrouted_posix_call_is_enosys(void)
{
	world();
	ipc_posix_call(P(U), 500);
	CHECK((int64_t)P(U)->tf.rax == -AX_ENOSYS && P(U)->blocked == 0);
	ipc_posix_call(P(U), AX_MSG_POSIX_MAX + 5);
	CHECK((int64_t)P(U)->tf.rax == -AX_ENOSYS && P(U)->blocked == 0);
}

static void the_end_of_a_process_frees_everyone_waiting_on_it(void)
{
	world();
	posix_routes[0] = ep(A);
	msg_to(B, AX_SEND, ep(A), 1, 0);     /* blocked sending */
	ipc_posix_call(P(U), 0);              /* a POSIX caller queued */
	trap(C, AX_RECEIVE, ep(A), AX_ANY);  /* waiting for A only */
	P(A)->blocked = BLK_ZOMBIE;
	ipc_wake_all_of(P(A));
	CHECK(P(B)->blocked == 0 && (int64_t)P(B)->tf.rax == -AX_EDEADEP);
	CHECK(P(U)->blocked == 0 && (int64_t)P(U)->tf.rax == -AX_EIO); /* a program sees EIO */
	CHECK(P(C)->blocked == 0 && (int64_t)P(C)->tf.rax == -AX_EDEADEP);
	CHECK(P(A)->senders == 0 && !(P(U)->flags & PF_POSIX_CALL));
}

static void a_kernel_call_answers_in_the_buffer(void)
{
	world();
	CHECK(msg_to(B, AX_KCALL, 3, 0, 0) == 0);
	CHECK(kcalls == 1 && buf[B].i64[0] == 77 && P(B)->blocked == 0);
}

int main(void)
{
	RUN(a_receive_with_nothing_waiting_blocks);
	RUN(a_send_to_a_receiver_is_delivered_at_once);
	RUN(the_source_cannot_be_forged);
	RUN(a_send_to_a_busy_process_waits_in_its_queue);
	RUN(a_receive_from_one_leaves_the_others_queued);
	RUN(sendnb_to_a_busy_process_changes_nothing);
	RUN(refusals_change_nothing);
	RUN(a_cycle_of_senders_is_refused);
	RUN(sendrec_waits_for_the_reply_only);
	RUN(a_taken_sendrec_is_owed_an_answer);
	RUN(notifications_come_before_queued_messages);
	RUN(interrupts_do_not_starve_processes);
	RUN(replyrecv_answers_then_waits);
	RUN(a_posix_call_reaches_its_server_and_the_answer_its_rax);
	RUN(a_posix_call_to_a_busy_server_queues);
	RUN(an_unrouted_posix_call_is_enosys);
	RUN(the_end_of_a_process_frees_everyone_waiting_on_it);
	RUN(a_kernel_call_answers_in_the_buffer);
	return check_exit();
}
