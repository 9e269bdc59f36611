/*
 * Signals with Linux's semantics. A signal is posted (kill, a timer, a
 * child's end, a CPU exception) and stays pending until the process does
 * not block it; then pm makes it take effect at a safe point: it answers a
 * call the process is blocked in inside pm with one of Linux's "restart"
 * codes, and asks the kernel (KC_SIGNAL) to stop the process at its next
 * return to user mode. The kernel then sends pm an AX_MSG_SIGNAL on the
 * process's behalf, and pm delivers: the default action (end it, stop it by
 * keeping that message unanswered until SIGCONT, or nothing), or a handler,
 * for which it writes Linux's signal frame (siginfo, ucontext, FPU state)
 * on the user stack and points the registers at the handler. rt_sigreturn
 * reads the frame back. A CPU exception reaches pm as an AX_MSG_EXCEPTION:
 * a handler gets it as a signal; otherwise the process ends by it.
 *
 * Calls blocked in vfs (pipes, terminals, poll) are interrupted through vfs
 * (VFS_INTERRUPT, servers/vfs/pm.c), which answers them with the same restart codes.
 */
#include <stddef.h>
#include <string.h>

#include "pm.h"
#include "wait.h"

#define SA_NOCLDSTOP 1
#define SA_SIGINFO 4
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000
#define SA_RESTORER 0x04000000
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1u << 31)
#define MINSIGSTKSZ 2048
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define SI_USER 0
#define SI_TKILL (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define EFLAGS_TF 0x100
#define EFLAGS_DF 0x400
#define EFLAGS_RF 0x10000

/* ---- Linux's signal frame (x86_64) -------------------------------------------- */

struct k_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2, fpstate, reserved[8];
};

struct k_stack {
	uint64_t sp;
	int32_t flags, pad;
	uint64_t size;
};

struct k_ucontext {
	uint64_t flags, link;
	struct k_stack stack;
	struct k_sigcontext mcontext;
	uint64_t sigmask;
};

struct k_siginfo {
	int32_t signo, errno_, code, pad;
	union {
		struct { int32_t pid, uid, status, pad; int64_t utime, stime; } child;
		struct { int32_t pid, uid; uint64_t value; } kill;
		uint64_t addr;
		uint8_t bytes[112];
	};
};

struct rt_sigframe {
	uint64_t pretcode; /* the handler's return address: sa_restorer */
	struct k_ucontext uc;
	struct k_siginfo info;
};

_Static_assert(sizeof(struct k_sigcontext) == 256, "Linux's struct sigcontext");
_Static_assert(sizeof(struct k_ucontext) == 304, "Linux's struct ucontext");
_Static_assert(sizeof(struct k_siginfo) == 128, "Linux's siginfo_t");
_Static_assert(sizeof(struct rt_sigframe) == 440, "Linux's struct rt_sigframe");

/* How a CPU exception became the signal being delivered (0s for other signals). */
struct trap {
	uint64_t vector, error, cr2;
};

/* ---- what a signal does ------------------------------------------------------ */

enum { ACT_TERM, ACT_IGNORE, ACT_STOP };

static bool is_stop(int sig) { return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU; }

static int default_action(int sig)
{
	if (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT)
		return ACT_IGNORE;
	return is_stop(sig) ? ACT_STOP : ACT_TERM; /* no core dumps: "core" signals just end it */
}

static bool ignored(const struct mproc *p, int sig)
{
	uint64_t h = p->act[sig].handler;

	return h == SIG_IGN || (h == SIG_DFL && default_action(sig) == ACT_IGNORE);
}

int signal_for_vector(uint64_t vector)
{
	switch (vector) {
	case 0: case 16: case 19: return SIGFPE;
	case 1: case 3: return SIGTRAP;
	case 6: return SIGILL;
	case 11: case 12: case 17: return SIGBUS;
	default: return SIGSEGV;
	}
}

static void clean_fpu(endpoint_t ep);

static void end_by(struct mproc *p, int sig)
{
	p->cpu_ns = cpu_time(p);
	kcall(KC_PROC_DESTROY, (uint64_t)p->ep, 0);
	became_zombie(p, wstatus_signaled(sig));
}

void signal_fork(struct mproc *child, const struct mproc *parent)
{
	(void)parent; /* actions, mask and alternate stack are copied with the entry */
	child->sig_pending = 0;
	child->rtq_len = 0;
	child->has_saved_mask = 0;
	child->stopped = 0;
	memset(child->info, 0, sizeof(child->info));
}

/* execve: handlers are gone (ignored stays ignored); mask and pending signals stay. */
void signal_exec(struct mproc *p)
{
	for (int s = 1; s <= NSIG; s++)
		if (p->act[s].handler != SIG_IGN)
			p->act[s] = (struct k_sigaction){0};
	p->alt_sp = p->alt_size = 0;
	p->alt_flags = SS_DISABLE;
	clean_fpu(p->ep); /* a new program starts with a clean FPU, as on Linux */
}

/* ---- posting ----------------------------------------------------------------- */

static struct sig_info take(struct mproc *p, int sig);

/* siginfo_t as Linux lays out the fields pm fills (see struct k_siginfo below). */
/*
 * Linux's siginfo_t for a signal and why it was sent. Codes <= 0 are a
 * process's (kill, tkill, sigqueue: sender and value); > 0 the kernel's,
 * which for SIGCHLD describe the child and for faults the address.
 */
static void fill_siginfo(struct k_siginfo *out, int sig, const struct sig_info *info)
{
	bool fault = sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP;

	*out = (struct k_siginfo){.signo = sig, .code = info->code};
	if (sig == SIGCHLD && info->code > 0)
		out->child.pid = info->pid, out->child.uid = info->uid, out->child.status = info->status;
	else if (fault && info->code > 0)
		out->addr = info->addr;
	else
		out->kill.pid = info->pid, out->kill.uid = info->uid, out->kill.value = info->value;
}

static int write_siginfo(struct mproc *p, uint64_t va, int sig, const struct sig_info *info)
{
	struct k_siginfo k;

	fill_siginfo(&k, sig, info);
	return va ? user_copy(p->ep, va, &k, sizeof(k), AX_COPY_TO) : 0;
}

/* p waits in rt_sigtimedwait for sig, which is pending now: hand it over. */
static void finish_sigwait(struct mproc *p, int sig)
{
	struct sig_info info = take(p, sig);

	sleep_cancel(p);
	write_siginfo(p, p->wait_status, sig, &info);
	answer(p, NR_RT_SIGTIMEDWAIT, sig);
}

/* The code a blocked pm call answers with when a signal interrupts it, or 0 if it cannot be. */
static int64_t interrupt_code(struct mproc *p)
{
	switch (p->blocked_nr) {
	case NR_WAIT4: case NR_WAITID: return -ERESTARTSYS;
	case NR_PAUSE: case NR_RT_SIGSUSPEND: return -ERESTARTNOHAND;
	case NR_NANOSLEEP: case NR_CLOCK_NANOSLEEP: case NR_RESTART_SYSCALL: return sleep_interrupted(p);
	case NR_RT_SIGTIMEDWAIT: sleep_cancel(p); return -EINTR; /* as Linux: never restarted */
	default: return 0; /* vfork's parent waits on, as Linux's does */
	}
}

/* p has a signal it does not block: have it stop where pm can deliver it. */
static void make_effective(struct mproc *p)
{
	int64_t code;

	if (p->stopped)
		return; /* it waits for SIGCONT first */
	if (p->blocked_nr && (code = interrupt_code(p)) != 0) {
		p->interrupted_nr = p->blocked_nr;
		p->interrupted = 1;
		answer(p, p->blocked_nr, code);
		kcall(KC_SIGNAL, (uint64_t)p->ep, 0);
		return;
	}
	/* First the stop (a call the process makes from now on waits for it), then a call held in vfs. */
	kcall(KC_SIGNAL, (uint64_t)p->ep, 0);
	if (!p->blocked_nr && !p->interrupted && (code = vfs_interrupt(p)) >= 0) {
		p->interrupted_nr = (int)code;
		p->interrupted = 1;
	}
}

static int64_t deliver(struct mproc *p);

static void resume_stopped(struct mproc *p)
{
	ax_message go = {.type = AX_MSG_SIGNAL};

	p->stopped = 0;
	p->report = REPORT_CONTINUED;
	info_update(p);
	stop_changed(p);
	if (p->state == ALIVE && deliver(p) == 0)
		ax_sendnb(p->ep, &go); /* the answer to its stop message */
}

/* Drop every pending instance of sig (it is now ignored). */
static void discard(struct mproc *p, int sig)
{
	int k = 0;

	p->sig_pending &= ~SIGBIT(sig);
	for (int i = 0; i < p->rtq_len; i++)
		if (p->rtq[i].sig != sig)
			p->rtq[k++] = p->rtq[i];
	p->rtq_len = k;
}

/* Job control: Linux gives -EIO rather than SIGTTIN/SIGTTOU to a process that ignores or blocks it. */
bool signal_refused(const struct mproc *p, int sig)
{
	return ignored(p, sig) || (p->sig_mask & SIGBIT(sig));
}

/* Returns 0, or -EAGAIN when a real-time signal finds the queue full (sigqueue reports it). */
int post_signal(struct mproc *p, int sig, const struct sig_info *info)
{
	uint64_t bit = SIGBIT(sig);

	if (p->state != ALIVE)
		return 0;
	if (sig == SIGKILL) {
		end_by(p, SIGKILL);
		return 0;
	}
	if (sig == SIGCONT) {
		p->sig_pending &= ~(SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU));
		if (p->stopped)
			resume_stopped(p);
		if (p->state != ALIVE)
			return 0;
	}
	if (is_stop(sig))
		p->sig_pending &= ~SIGBIT(SIGCONT);
	if (ignored(p, sig) && !(p->sig_mask & bit))
		return 0; /* a blocked signal stays: its action may change before it is unblocked */
	if (sig >= SIGRTMIN_K) {
		if (p->rtq_len == RTQ_MAX)
			return -EAGAIN;
		p->rtq[p->rtq_len].sig = sig;
		p->rtq[p->rtq_len++].info = *info;
	} else if (!(p->sig_pending & bit)) {
		p->info[sig] = *info;
	}
	p->sig_pending |= bit;
	info_update(p);
	if (p->blocked_nr == NR_RT_SIGTIMEDWAIT && (p->wait_set & bit))
		finish_sigwait(p, sig);
	else if (!(p->sig_mask & bit))
		make_effective(p);
	return 0;
}

/* Take one pending instance of sig, with why it was sent. */
static struct sig_info take(struct mproc *p, int sig)
{
	struct sig_info info = p->info[sig];
	int i, more = 0;

	if (sig < SIGRTMIN_K) {
		p->sig_pending &= ~SIGBIT(sig);
		return info;
	}
	for (i = 0; i < p->rtq_len && p->rtq[i].sig != sig; i++)
		;
	if (i < p->rtq_len) {
		info = p->rtq[i].info;
		for (int k = i; k + 1 < p->rtq_len; k++)
			p->rtq[k] = p->rtq[k + 1];
		p->rtq_len--;
	}
	for (int k = 0; k < p->rtq_len; k++)
		more |= p->rtq[k].sig == sig;
	if (!more)
		p->sig_pending &= ~SIGBIT(sig);
	return info;
}

/* ---- delivering -------------------------------------------------------------- */

static bool on_alt_stack(const struct mproc *p, uint64_t sp)
{
	return p->alt_size && sp - p->alt_sp - 1 < p->alt_size; /* sp in (alt_sp, alt_sp + size] */
}

/* The clean FPU state a handler (and a new program) starts with. */
static void clean_fpu(endpoint_t ep)
{
	static uint8_t clean[512] __attribute__((aligned(16)));

	clean[0] = 0x7f, clean[1] = 0x03;  /* FCW 0x37f: all x87 exceptions masked */
	clean[24] = 0x80, clean[25] = 0x1f; /* MXCSR 0x1f80: all SSE exceptions masked */
	ax_kcall(KC_FPU, &(ax_message){.u64 = {(uint64_t)(int64_t)ep, (uint64_t)clean, AX_COPY_TO}});
}

/* A call a signal interrupted: restart it (rax = its number, rip back over `syscall`), or make it EINTR. */
static void finish_interrupted(struct mproc *p, struct ax_regs *g, bool handler, bool sa_restart)
{
	int64_t rax = (int64_t)g->rax;

	if (!p->interrupted)
		return;
	if (rax == -ERESTARTSYS || rax == -ERESTARTNOHAND || rax == -ERESTART_RESTARTBLOCK) {
		if (!handler || (rax == -ERESTARTSYS && sa_restart)) {
			g->rax = rax == -ERESTART_RESTARTBLOCK ? NR_RESTART_SYSCALL : (uint64_t)p->interrupted_nr;
			g->rip -= 2;
		} else {
			g->rax = (uint64_t)-EINTR;
			p->restart_until = 0;
		}
	}
	p->interrupted_nr = p->interrupted = 0;
}

/* Write the frame for sig's handler and point p at it. Negative if the stack cannot take it. */
static int setup_frame(struct mproc *p, int sig, const struct sig_info *info, const struct trap *trap)
{
	struct k_sigaction *act = &p->act[sig];
	uint8_t fpu[512] __attribute__((aligned(16)));
	struct rt_sigframe f = {0};
	struct ax_regs g;
	uint64_t sp, fp_at;
	bool on_alt;

	if (!(act->flags & SA_RESTORER))
		return -EFAULT; /* Linux x86_64 needs one: there is nowhere to return to */
	if (kcall(KC_GET_REGS, (uint64_t)p->ep, (uint64_t)&g) < 0 ||
	    ax_kcall(KC_FPU, &(ax_message){.u64 = {(uint64_t)(int64_t)p->ep, (uint64_t)fpu, AX_COPY_FROM}}) < 0)
		return -ESRCH;
	finish_interrupted(p, &g, true, act->flags & SA_RESTART);
	sp = g.rsp;
	on_alt = on_alt_stack(p, sp);
	if ((act->flags & SA_ONSTACK) && p->alt_size && !on_alt)
		sp = p->alt_sp + p->alt_size;
	else
		sp -= 128; /* the interrupted code's red zone */
	fp_at = (sp - sizeof(fpu)) & ~63ULL;
	sp = ((fp_at - sizeof(f)) & ~15ULL) - 8; /* as after a call: (sp + 8) % 16 == 0 */

	f.pretcode = act->restorer;
	f.uc.stack = (struct k_stack){p->alt_sp, on_alt ? SS_ONSTACK : p->alt_size ? 0 : SS_DISABLE, 0, p->alt_size};
	f.uc.mcontext = (struct k_sigcontext){
		.r8 = g.r8, .r9 = g.r9, .r10 = g.r10, .r11 = g.r11, .r12 = g.r12, .r13 = g.r13, .r14 = g.r14,
		.r15 = g.r15, .rdi = g.rdi, .rsi = g.rsi, .rbp = g.rbp, .rbx = g.rbx, .rdx = g.rdx, .rax = g.rax,
		.rcx = g.rcx, .rsp = g.rsp, .rip = g.rip, .eflags = g.rflags, .cs = 0x33, .ss = 0x2b,
		.err = trap->error, .trapno = trap->vector, .oldmask = p->sig_mask, .cr2 = trap->cr2, .fpstate = fp_at};
	f.uc.sigmask = p->has_saved_mask ? p->saved_mask : p->sig_mask;
	fill_siginfo(&f.info, sig, info);
	if (user_copy(p->ep, fp_at, fpu, sizeof(fpu), AX_COPY_TO) < 0 ||
	    user_copy(p->ep, sp, &f, sizeof(f), AX_COPY_TO) < 0)
		return -EFAULT;

	g.rsp = sp;
	g.rip = act->handler;
	g.rdi = (uint64_t)sig;
	g.rsi = sp + offsetof(struct rt_sigframe, info);
	g.rdx = sp + offsetof(struct rt_sigframe, uc);
	g.rax = 0;
	g.rflags &= ~(uint64_t)(EFLAGS_TF | EFLAGS_DF | EFLAGS_RF);
	if (kcall(KC_SET_REGS, (uint64_t)p->ep, (uint64_t)&g) < 0)
		return -EFAULT;
	clean_fpu(p->ep);
	p->sig_mask |= (act->mask | ((act->flags & SA_NODEFER) ? 0 : SIGBIT(sig))) & ~UNBLOCKABLE;
	p->has_saved_mask = 0;
	if (act->flags & SA_RESETHAND)
		*act = (struct k_sigaction){0};
	return 0;
}

/* The lowest pending signal p does not block, or 0. */
static int next_signal(const struct mproc *p)
{
	uint64_t ready = p->sig_pending & ~p->sig_mask;

	return ready ? __builtin_ctzll(ready) + 1 : 0;
}

/*
 * p is stopped at a safe point: act on its pending signals. Returns 0 when
 * it may go on (perhaps into a handler), AX_NO_REPLY when it has ended or
 * stopped.
 */
static int64_t deliver(struct mproc *p)
{
	static const struct trap no_trap;
	struct ax_regs g;
	int sig;

	while ((sig = next_signal(p))) {
		struct sig_info info = take(p, sig);

		if (p->act[sig].handler == SIG_IGN)
			continue;
		if (p->act[sig].handler == SIG_DFL) {
			int action = default_action(sig);

			if (action == ACT_IGNORE)
				continue;
			if (action == ACT_TERM) {
				end_by(p, sig);
				return AX_NO_REPLY;
			}
			p->stopped = sig; /* its stop message stays unanswered until SIGCONT */
			p->report = REPORT_STOPPED;
			info_update(p);
			stop_changed(p);
			return AX_NO_REPLY;
		}
		if (setup_frame(p, sig, &info, &no_trap) < 0) {
			end_by(p, SIGSEGV);
			return AX_NO_REPLY;
		}
		if (next_signal(p)) /* more: their frames go on top, before this handler runs */
			kcall(KC_SIGNAL, (uint64_t)p->ep, 0);
		return 0;
	}
	/* Nothing to run: an interrupted call restarts, sigsuspend's mask comes back. */
	if (p->interrupted && kcall(KC_GET_REGS, (uint64_t)p->ep, (uint64_t)&g) == 0) {
		finish_interrupted(p, &g, false, false);
		kcall(KC_SET_REGS, (uint64_t)p->ep, (uint64_t)&g);
	}
	p->interrupted_nr = p->interrupted = 0;
	if (p->has_saved_mask) {
		p->sig_mask = p->saved_mask;
		p->has_saved_mask = 0;
	}
	return 0;
}

/* The kernel stopped p for its signals (AX_MSG_SIGNAL, sent on p's behalf). */
int64_t do_signal_stop(const ax_message *m, ax_message *r)
{
	struct mproc *p = caller(m);

	(void)r;
	return p ? deliver(p) : -ESRCH;
}

static const char *const vector_names[32] = {
	[0] = "divide error", [1] = "debug trap", [3] = "breakpoint", [6] = "invalid opcode",
	[11] = "segment not present", [12] = "stack fault", [13] = "general protection fault", [14] = "page fault",
	[16] = "x87 error", [17] = "alignment check", [19] = "SIMD error",
};

static uint64_t resident_kib(const struct mproc *q)
{
	ax_message k = {.u64 = {(uint64_t)(int64_t)q->ep}};

	return ax_kcall(KC_MEMINFO, &k) < 0 ? 0 : k.u64[3] * k.u64[2] / 1024;
}

/*
 * Memory ran out at p's fault: whom to kill, as Linux's OOM killer chooses:
 * the living process with the most resident memory (its KiB in *kib),
 * never init while another is left; p itself on a tie.
 */
static struct mproc *oom_victim(struct mproc *p, uint64_t *kib)
{
	struct mproc *best = p;
	uint64_t mine = resident_kib(p), most = p->pid == 1 ? 0 : mine;

	for (int i = 0; i < AX_NR_SLOTS; i++) {
		struct mproc *q = &procs[i];
		uint64_t n;

		if (q->state != ALIVE || q == p || q->pid == 1)
			continue;
		if ((n = resident_kib(q)) > most)
			best = q, most = n;
	}
	*kib = best == p ? mine : most;
	return best;
}

/* A CPU exception in p (AX_MSG_EXCEPTION): its handler runs, or it ends by the signal. */
int64_t do_exception(const ax_message *m, ax_message *r)
{
	struct mproc *p = caller(m);
	uint64_t vector = m->u64[0], addr = m->u64[1], rip = m->u64[2];
	struct trap trap = {vector, m->u64[3], vector == 14 ? addr : 0};
	struct sig_info info = {0};
	int sig = signal_for_vector(vector);

	(void)r;
	if (!p)
		return -ESRCH;
	if (vector == 14 && m->i64[4] == -ENOMEM) {
		/*
		 * vm found no free page for it. As Linux's OOM killer: the process
		 * with the most resident pages ends by SIGKILL, which no handler
		 * sees, with a line saying why; if that is another, p goes on and
		 * its fault comes again, with the victim's pages free.
		 */
		uint64_t kib;
		struct mproc *v = oom_victim(p, &kib);

		ax_printf("pm: out of memory: killed pid %d (%s), uid %d, %lu KiB resident, the largest, when pid %d (%s) "
			  "found no free page at %lx\n", v->pid, info_comm(v), (int)v->ruid, kib, p->pid, info_comm(p), addr);
		end_by(v, SIGKILL);
		return v == p ? AX_NO_REPLY : 0;
	}
	info.addr = sig == SIGSEGV || sig == SIGBUS ? addr : rip;
	/* ACCERR: a present page, or one vm refused for its rights (EACCES) rather than for having no region */
	info.code = sig == SIGSEGV ? ((trap.error & 1) || m->i64[4] == -EACCES ? SEGV_ACCERR : SEGV_MAPERR) : 1;
	if (p->act[sig].handler > SIG_IGN && !(p->sig_mask & SIGBIT(sig)) && setup_frame(p, sig, &info, &trap) == 0)
		return 0;
	ax_printf("pm: pid %d killed by signal %d: %s at address %lx, rip %lx\n", p->pid, sig,
		  vector < 32 && vector_names[vector] ? vector_names[vector] : "CPU exception", addr, rip);
	return -EFAULT; /* the kernel ends it as a fault; its death report says which */
}

/* ---- the calls ----------------------------------------------------------------- */

/*
 * May self signal q? As Linux decides (kill(2)): a privileged sender (euid
 * 0) may signal anyone; otherwise the sender's real or effective uid must
 * match the target's real or saved uid; SIGCONT may also go to any process
 * of the sender's session. Signal 0 asks exactly this.
 */
static bool may_signal(const struct mproc *self, const struct mproc *q, int sig)
{
	if (self->euid == 0 || self == q)
		return true;
	if (self->euid == q->suid || self->euid == q->ruid || self->ruid == q->suid || self->ruid == q->ruid)
		return true;
	return sig == SIGCONT && self->sid == q->sid;
}

/*
 * kill()'s targets: pid > 0 that one; 0 the caller's group; -1 all but init
 * and the caller; < -1 a group. As Linux answers: a single target the
 * caller may not signal is -EPERM; a group succeeds if any of it was
 * signalled, else -EPERM; -1 succeeds if it had any target at all (those
 * the caller may not signal are skipped); nobody there is -ESRCH.
 */
static int64_t signal_targets(struct mproc *self, int pid, int sig, int code)
{
	struct sig_info info = {.code = code, .pid = self->pid, .uid = self->ruid};
	int found = 0, allowed = 0;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	for (int i = 0; i < AX_NR_SLOTS; i++) {
		struct mproc *q = &procs[i];
		bool hit = pid > 0    ? q->pid == pid
			   : pid == 0  ? q->pgrp == self->pgrp
			   : pid == -1 ? q->pid != 1 && q != self
				       : q->pgrp == -pid;

		if (q->state == FREE || !hit || (pid == -1 && q->state != ALIVE))
			continue;
		found = 1;
		if (!may_signal(self, q, sig))
			continue;
		allowed = 1;
		if (sig && q != self)
			post_signal(q, sig, &info);
	}
	if (found && !allowed && pid != -1)
		return -EPERM;
	/* The caller last: a fatal signal to itself must not stop it from signalling the rest. */
	if (sig && (pid == self->pid || (pid == 0) || (pid < -1 && self->pgrp == -pid)) && self->state == ALIVE)
		post_signal(self, sig, &info);
	return found ? 0 : -ESRCH;
}

int64_t do_kill(struct mproc *p, const ax_message *m)
{
	if (arg_int(m, 0) == INT32_MIN)
		return -ESRCH;
	return signal_targets(p, arg_int(m, 0), arg_int(m, 1), SI_USER);
}

/* One thread per process: a thread id is the pid. */
int64_t do_tkill(struct mproc *p, const ax_message *m)
{
	if (arg_int(m, 0) <= 0)
		return -EINVAL;
	return signal_targets(p, arg_int(m, 0), arg_int(m, 1), SI_TKILL);
}

int64_t do_tgkill(struct mproc *p, const ax_message *m)
{
	if (arg_int(m, 0) <= 0 || arg_int(m, 1) <= 0)
		return -EINVAL;
	if (arg_int(m, 0) != arg_int(m, 1))
		return -ESRCH;
	return signal_targets(p, arg_int(m, 1), arg_int(m, 2), SI_TKILL);
}

/* rt_[tg]sigqueueinfo: a signal with the sender's own siginfo (sigqueue's value). */
static int64_t queue_info(struct mproc *self, int tgid, int pid, int sig, uint64_t uinfo)
{
	struct k_siginfo ki;
	struct sig_info info;
	struct mproc *q = by_pid(pid);

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (user_copy(self->ep, uinfo, &ki, sizeof(ki), AX_COPY_FROM) < 0)
		return -EFAULT;
	if (!q || q->state != ALIVE || (tgid && tgid != pid))
		return -ESRCH;
	if (q != self && (ki.code >= 0 || ki.code == SI_TKILL))
		return -EPERM; /* as Linux: nobody may pretend to be the kernel or kill() to another */
	if (!may_signal(self, q, sig))
		return -EPERM; /* kill(2)'s rule: a user cannot queue a signal to another's process (init...) */
	info = (struct sig_info){.code = ki.code, .pid = ki.kill.pid, .uid = ki.kill.uid, .value = ki.kill.value};
	return sig ? post_signal(q, sig, &info) : 0;
}

int64_t do_rt_sigqueueinfo(struct mproc *p, const ax_message *m)
{
	return queue_info(p, 0, arg_int(m, 0), arg_int(m, 1), arg_ptr(m, 2));
}

int64_t do_rt_tgsigqueueinfo(struct mproc *p, const ax_message *m)
{
	return queue_info(p, arg_int(m, 0), arg_int(m, 1), arg_int(m, 2), arg_ptr(m, 3));
}

/* ppoll/pselect6 (through vfs): the call's mask for its wait (set), or the old one back. */
void signal_call_mask(struct mproc *p, bool set, uint64_t mask)
{
	if (set) {
		p->saved_mask = p->sig_mask;
		p->has_saved_mask = 1;
		p->sig_mask = mask & ~UNBLOCKABLE;
	} else if (p->has_saved_mask) {
		p->sig_mask = p->saved_mask;
		p->has_saved_mask = 0;
	}
	info_update(p);
}

/* After a mask change: a signal it now lets in takes effect (interrupting a call waiting in vfs). */
void signal_recheck(struct mproc *p)
{
	if (p->state == ALIVE && next_signal(p))
		make_effective(p);
}

/* p's mask just opened, or a signal it does not block is pending: deliver before it goes on. */
static void recheck(struct mproc *p)
{
	if (next_signal(p))
		kcall(KC_SIGNAL, (uint64_t)p->ep, 0);
}

int64_t do_rt_sigaction(struct mproc *p, const ax_message *m)
{
	int sig = arg_int(m, 0);
	struct k_sigaction act, old;

	if (arg_ulong(m, 3) != 8 || sig < 1 || sig > NSIG || (arg_ptr(m, 1) && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	old = p->act[sig];
	if (arg_ptr(m, 1)) {
		if (user_copy(p->ep, arg_ptr(m, 1), &act, sizeof(act), AX_COPY_FROM) < 0)
			return -EFAULT;
		act.mask &= ~UNBLOCKABLE;
		p->act[sig] = act;
		if (ignored(p, sig)) /* POSIX: setting a pending signal to be ignored discards it */
			discard(p, sig);
		info_update(p);
	}
	if (arg_ptr(m, 2) && user_copy(p->ep, arg_ptr(m, 2), &old, sizeof(old), AX_COPY_TO) < 0)
		return -EFAULT;
	return 0;
}

int64_t do_rt_sigprocmask(struct mproc *p, const ax_message *m)
{
	uint64_t set, old;
	int how = arg_int(m, 0);

	if (arg_ulong(m, 3) != 8)
		return -EINVAL;
	old = p->sig_mask;
	if (arg_ptr(m, 1)) {
		if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
			return -EINVAL;
		if (user_copy(p->ep, arg_ptr(m, 1), &set, sizeof(set), AX_COPY_FROM) < 0)
			return -EFAULT;
	}
	if (arg_ptr(m, 2) && user_copy(p->ep, arg_ptr(m, 2), &old, sizeof(old), AX_COPY_TO) < 0)
		return -EFAULT;
	if (arg_ptr(m, 1)) {
		p->sig_mask = how == SIG_BLOCK ? p->sig_mask | set : how == SIG_UNBLOCK ? p->sig_mask & ~set : set;
		p->sig_mask &= ~UNBLOCKABLE;
		info_update(p);
		recheck(p);
	}
	return 0;
}

int64_t do_rt_sigpending(struct mproc *p, const ax_message *m)
{
	uint64_t set;

	if (arg_ulong(m, 1) > 8)
		return -EINVAL;
	set = p->sig_pending & p->sig_mask;
	return user_copy(p->ep, arg_ptr(m, 0), &set, arg_ulong(m, 1), AX_COPY_TO);
}

/* pause and sigsuspend: wait for a signal that runs a handler (or ends or stops the process). */
static int64_t wait_for_signal(struct mproc *p, int nr)
{
	if (next_signal(p)) {
		p->interrupted_nr = nr;
		p->interrupted = 1;
		kcall(KC_SIGNAL, (uint64_t)p->ep, 0);
		return -ERESTARTNOHAND;
	}
	p->blocked_nr = nr;
	return AX_NO_REPLY;
}

int64_t do_rt_sigsuspend(struct mproc *p, const ax_message *m)
{
	uint64_t mask;

	if (arg_ulong(m, 1) != 8)
		return -EINVAL;
	if (user_copy(p->ep, arg_ptr(m, 0), &mask, sizeof(mask), AX_COPY_FROM) < 0)
		return -EFAULT;
	p->saved_mask = p->sig_mask;
	p->has_saved_mask = 1;
	p->sig_mask = mask & ~UNBLOCKABLE;
	return wait_for_signal(p, NR_RT_SIGSUSPEND);
}

int64_t do_pause(struct mproc *p, const ax_message *m)
{
	(void)m;
	return wait_for_signal(p, NR_PAUSE);
}

/* The handler returned into sa_restorer, which calls rt_sigreturn: the frame's ucontext is at rsp. */
int64_t do_rt_sigreturn(struct mproc *p, const ax_message *m)
{
	(void)m; /* everything is in the frame at the caller's rsp */
	uint8_t fpu[512] __attribute__((aligned(16)));
	struct k_ucontext uc;
	struct ax_regs g;
	const struct k_sigcontext *c = &uc.mcontext;

	if (kcall(KC_GET_REGS, (uint64_t)p->ep, (uint64_t)&g) < 0 ||
	    user_copy(p->ep, g.rsp, &uc, sizeof(uc), AX_COPY_FROM) < 0 ||
	    (c->fpstate && user_copy(p->ep, c->fpstate, fpu, sizeof(fpu), AX_COPY_FROM) < 0)) {
		end_by(p, SIGSEGV); /* as Linux: a frame it cannot read is a fatal fault */
		return AX_NO_REPLY;
	}
	g = (struct ax_regs){c->rax, c->rbx, c->rcx, c->rdx, c->rsi, c->rdi, c->rbp, c->rsp, c->r8, c->r9, c->r10,
			     c->r11, c->r12, c->r13, c->r14, c->r15, c->rip, c->eflags, g.fs_base, g.gs_base};
	if (kcall(KC_SET_REGS, (uint64_t)p->ep, (uint64_t)&g) < 0) {
		end_by(p, SIGSEGV);
		return AX_NO_REPLY;
	}
	if (c->fpstate)
		ax_kcall(KC_FPU, &(ax_message){.u64 = {(uint64_t)(int64_t)p->ep, (uint64_t)fpu, AX_COPY_TO}});
	else
		clean_fpu(p->ep);
	p->sig_mask = uc.sigmask & ~UNBLOCKABLE;
	if (!(uc.stack.flags & SS_DISABLE) && uc.stack.size >= MINSIGSTKSZ && !on_alt_stack(p, g.rsp))
		p->alt_sp = uc.stack.sp, p->alt_size = uc.stack.size, p->alt_flags = 0;
	recheck(p);
	/* The answer sets rax: the interrupted code's own value, whatever it is. */
	answer(p, NR_RT_SIGRETURN, (int64_t)c->rax);
	return AX_NO_REPLY;
}

/* rt_sigtimedwait(set, info, timeout, sigsetsize): take a pending signal of set, or wait for one. */
int64_t do_rt_sigtimedwait(struct mproc *p, const ax_message *m)
{
	uint64_t set, ready;
	int sig;

	if (arg_ulong(m, 3) != 8)
		return -EINVAL;
	if (user_copy(p->ep, arg_ptr(m, 0), &set, sizeof(set), AX_COPY_FROM) < 0)
		return -EFAULT;
	set &= ~UNBLOCKABLE;
	if ((ready = p->sig_pending & set)) {
		struct sig_info info;

		sig = __builtin_ctzll(ready) + 1;
		info = take(p, sig);
		if (write_siginfo(p, arg_ptr(m, 1), sig, &info) < 0)
			return -EFAULT;
		return sig;
	}
	p->wait_set = set;
	p->wait_status = arg_ptr(m, 1);
	return sleep_for(p, NR_RT_SIGTIMEDWAIT, arg_ptr(m, 2));
}

int64_t do_sigaltstack(struct mproc *p, const ax_message *m)
{
	struct k_stack ss, old;
	struct ax_regs g;
	bool on;

	if (kcall(KC_GET_REGS, (uint64_t)p->ep, (uint64_t)&g) < 0)
		return -ESRCH;
	on = on_alt_stack(p, g.rsp);
	old = (struct k_stack){p->alt_sp, on ? SS_ONSTACK : p->alt_size ? 0 : SS_DISABLE, 0, p->alt_size};
	if (arg_ptr(m, 0)) {
		unsigned flags;

		if (user_copy(p->ep, arg_ptr(m, 0), &ss, sizeof(ss), AX_COPY_FROM) < 0)
			return -EFAULT;
		flags = (unsigned)ss.flags & ~SS_AUTODISARM;
		if (on)
			return -EPERM;
		if (flags != 0 && flags != SS_DISABLE && flags != SS_ONSTACK)
			return -EINVAL;
		if (flags == SS_DISABLE) {
			p->alt_sp = p->alt_size = 0;
			p->alt_flags = SS_DISABLE;
		} else {
			if (ss.size < MINSIGSTKSZ)
				return -ENOMEM;
			p->alt_sp = ss.sp, p->alt_size = ss.size, p->alt_flags = 0;
		}
	}
	if (arg_ptr(m, 1) && user_copy(p->ep, arg_ptr(m, 1), &old, sizeof(old), AX_COPY_TO) < 0)
		return -EFAULT;
	return 0;
}
