/*
 * The life of a process: fork (and vfork and clone as musl uses them), exit,
 * and its parent's wait4 or waitid, which see it end, stop or continue.
 */
#include <string.h>

#include <proto/vm.h>

#include "pm.h"
#include "wait.h"

#define PID_MAX 32768
#define WNOHANG 1
#define WUNTRACED 2 /* wait4; waitid calls it WSTOPPED */
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x01000000
#define WAIT4_FLAGS (WNOHANG | WUNTRACED | WCONTINUED | 0xe0000000u /* __WNOTHREAD, __WALL, __WCLONE */)
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_STOPPED 5
#define CLD_CONTINUED 6
#define SA_NOCLDSTOP 1
#define SA_NOCLDWAIT 2

#define CLONE_VM 0x100
#define CLONE_VFORK 0x4000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_CHILD_SETTID 0x1000000
#define CLONE_SUPPORTED (CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | \
			 CLONE_CHILD_SETTID | 0xff)

static int last_pid;

struct mproc *new_entry(void)
{
	for (int i = 0; i < AX_NR_SLOTS; i++)
		if (procs[i].state == FREE)
			return &procs[i];
	return 0;
}

static bool id_in_use(int id)
{
	for (int i = 0; i < AX_NR_SLOTS; i++)
		if (procs[i].state != FREE && (procs[i].pid == id || procs[i].pgrp == id || procs[i].sid == id))
			return true;
	return false;
}

/* Like Linux: pids count up and wrap, skipping any still used as a pid, group or session. */
int next_pid(void)
{
	do
		last_pid = last_pid + 1 >= PID_MAX ? 2 : last_pid + 1;
	while (id_in_use(last_pid));
	return last_pid;
}

/* ---- fork -------------------------------------------------------------------- */

/*
 * A copy of the caller, copy-on-write, not yet running: same registers
 * except rax = 0 (and rsp = stack if given). Returns it, or 0 with *err.
 */
static struct mproc *spawn(struct mproc *parent, uint64_t stack, int exit_signal, int *err)
{
	struct mproc *child;
	ax_message c = {.u64 = {(uint64_t)(int64_t)parent->ep, (uint64_t)-1}};
	struct ax_regs regs;
	int64_t rc;

	if (nproc_reached(parent)) {
		*err = -EAGAIN;
		return 0;
	}
	if (!(child = new_entry())) {
		*err = -EAGAIN;
		return 0;
	}
	if ((rc = ax_kcall(KC_PROC_COPY, &c)) < 0) {
		*err = rc == -EBUSY ? -EAGAIN : (int)rc;
		return 0;
	}
	*child = *parent; /* identity, signal actions and mask, limits, ... then what is the child's own */
	child->ep = (endpoint_t)c.i64[0];
	child->pid = next_pid();
	child->ppid = parent->pid;
	child->exit_signal = exit_signal;
	child->execed = 0;
	child->tid_addr = 0;
	child->start_ns = ax_now_ns();
	child->cpu_ns = child->child_cpu_ns = 0;
	child->blocked_nr = child->vfork_child = child->interrupted_nr = child->interrupted = 0;
	child->restart_until = 0;
	child->report = REPORT_NONE;
	signal_fork(child, parent);
	time_forget(child); /* timers are not inherited */
	rc = kcall(KC_GET_REGS, (uint64_t)child->ep, (uint64_t)&regs);
	regs.rax = 0; /* fork returns 0 in the child */
	if (stack)
		regs.rsp = stack;
	if (rc == 0)
		rc = kcall(KC_SET_REGS, (uint64_t)child->ep, (uint64_t)&regs);
	if (rc == 0)
		rc = vm_request(VM_FORK, &(struct vm_fork_req){parent->ep, child->ep}, sizeof(struct vm_fork_req));
	if (rc == 0 && (rc = vfs_fork(parent, child)) < 0)
		vm_proc(VM_EXIT, child->ep, 0);
	if (rc < 0) {
		child->state = FREE;
		kcall(KC_PROC_DESTROY, (uint64_t)child->ep, 0);
		*err = rc == -ENOMEM ? -ENOMEM : -EAGAIN;
		return 0;
	}
	return child;
}

static int64_t start(struct mproc *child)
{
	int64_t rc = kcall(KC_PROC_START, (uint64_t)child->ep, 0);

	if (rc < 0) {
		kcall(KC_PROC_DESTROY, (uint64_t)child->ep, 0);
		child->state = FREE;
		return -EAGAIN;
	}
	info_created(child, by_pid(child->ppid), 0);
	return child->pid;
}

int64_t do_fork(struct mproc *parent, const ax_message *m)
{
	struct mproc *child;
	int err = 0;

	(void)m;
	if (!(child = spawn(parent, 0, SIGCHLD, &err)))
		return err;
	return start(child);
}

/*
 * vfork and clone(CLONE_VM | CLONE_VFORK) as posix_spawn uses it: the child
 * gets a copy-on-write copy rather than the parent's very memory (programs
 * may only call execve or _exit there, so they cannot tell), and the parent
 * waits until the child has exec'd or ended, as Linux's parent does.
 */
static int64_t vfork_from(struct mproc *parent, struct mproc *child)
{
	int64_t pid = start(child);

	if (pid < 0)
		return pid;
	parent->vfork_child = (int)pid;
	parent->blocked_nr = NR_VFORK;
	return AX_NO_REPLY;
}

void vfork_release(struct mproc *child)
{
	for (int i = 0; i < AX_NR_SLOTS; i++) {
		struct mproc *p = &procs[i];

		if (p->state == ALIVE && p->blocked_nr == NR_VFORK && p->vfork_child == child->pid) {
			p->vfork_child = 0;
			answer(p, NR_VFORK, child->pid);
		}
	}
}

int64_t do_vfork(struct mproc *parent, const ax_message *m)
{
	struct mproc *child;
	int err = 0;

	(void)m;
	if (!(child = spawn(parent, 0, SIGCHLD, &err)))
		return err;
	return vfork_from(parent, child);
}

/* clone(flags, stack, parent_tid, child_tid, tls): processes yes, threads not yet. */
int64_t do_clone(struct mproc *parent, const ax_message *m)
{
	static int warned;
	struct mproc *child;
	uint64_t flags = arg_ulong(m, 0), stack = arg_ptr(m, 1), ptid = arg_ptr(m, 2), ctid = arg_ptr(m, 3), tls = arg_ulong(m, 4);
	int err = 0, sig = (int)(flags & 0xff);

	if ((flags & ~(uint64_t)CLONE_SUPPORTED) || ((flags & CLONE_VM) && !(flags & CLONE_VFORK))) {
		if (!warned++)
			ax_printf("pm: pid %d called clone with flags %lx: threads and shared tables are not "
				  "implemented: ENOSYS\n", parent->pid, flags);
		return -ENOSYS;
	}
	if (sig > NSIG)
		return -EINVAL;
	if (!(child = spawn(parent, stack, sig, &err)))
		return err;
	if ((flags & CLONE_SETTLS) && kcall(KC_SET_FS, (uint64_t)child->ep, tls) == 0)
		child->fs_base = tls;
	if (flags & CLONE_CHILD_CLEARTID)
		child->tid_addr = ctid;
	if (flags & CLONE_CHILD_SETTID)
		user_copy(child->ep, ctid, &child->pid, sizeof(int), AX_COPY_TO);
	if (flags & CLONE_PARENT_SETTID) {
		user_copy(parent->ep, ptid, &child->pid, sizeof(int), AX_COPY_TO);
		if (flags & CLONE_VM) /* the memory would be shared: the child sees it too */
			user_copy(child->ep, ptid, &child->pid, sizeof(int), AX_COPY_TO);
	}
	if (flags & CLONE_VFORK)
		return vfork_from(parent, child);
	return start(child);
}

/* ---- waiting ---------------------------------------------------------------- */

/* What a wait call asks for, from wait4's or waitid's arguments. */
struct waiter {
	int idtype, id, options;
};

static bool selects(const struct waiter *w, const struct mproc *p, const struct mproc *c)
{
	return c->state != FREE && c->ppid == p->pid && wait_selects(w->idtype, w->id, c->pid, c->pgrp, p->pgrp);
}

/* A child of p with something to tell the wait w, or 0; *any: p has a child w selects at all. */
static struct mproc *event_for(struct mproc *p, const struct waiter *w, int *any)
{
	*any = 0;
	for (int i = 0; i < AX_NR_SLOTS; i++) {
		struct mproc *c = &procs[i];

		if (!selects(w, p, c))
			continue;
		*any = 1;
		if (c->state == ZOMBIE && (w->options & WEXITED))
			return c;
		if (c->state == ALIVE && c->report == REPORT_STOPPED && (w->options & WUNTRACED))
			return c;
		if (c->state == ALIVE && c->report == REPORT_CONTINUED && (w->options & WCONTINUED))
			return c;
	}
	return 0;
}

/* The status word of c's event, and what waitid calls it. */
static int event_status(const struct mproc *c, int *code, int *value)
{
	if (c->state == ZOMBIE) {
		bool signaled = (c->status & 0x7f) != 0;

		*code = signaled ? CLD_KILLED : CLD_EXITED;
		*value = signaled ? c->status & 0x7f : (c->status >> 8) & 0xff;
		return c->status;
	}
	if (c->report == REPORT_STOPPED) {
		*code = CLD_STOPPED;
		*value = c->stopped;
		return wstatus_stopped(c->stopped);
	}
	*code = CLD_CONTINUED;
	*value = SIGCONT;
	return wstatus_continued();
}

/* Linux's struct rusage: the CPU times (user; pm cannot tell system time apart), the rest zero. */
static void fill_rusage(uint64_t ns, uint8_t out[144])
{
	int64_t tv[2] = {(int64_t)(ns / 1000000000), (int64_t)(ns % 1000000000 / 1000)};

	memset(out, 0, 144);
	memcpy(out, tv, sizeof(tv));
}

/* Tell p's wait call about c's event; the event is used up unless WNOWAIT. Returns c's pid or an error. */
static int64_t consume(struct mproc *p, struct mproc *c, int nr, const struct waiter *w, uint64_t status_ptr,
		       uint64_t info_ptr, uint64_t rusage_ptr)
{
	uint8_t usage[144];
	int code, value, status = event_status(c, &code, &value), pid = c->pid, r = 0;

	if (nr == NR_WAIT4 && status_ptr)
		r = user_copy(p->ep, status_ptr, &status, sizeof(int), AX_COPY_TO);
	if (nr == NR_WAITID && info_ptr) {
		int32_t info[32] = {SIGCHLD, 0, code, 0, pid, 0, value};

		r = user_copy(p->ep, info_ptr, info, sizeof(info), AX_COPY_TO);
	}
	if (r == 0 && rusage_ptr) {
		fill_rusage(c->state == ZOMBIE ? c->cpu_ns + c->child_cpu_ns : 0, usage);
		r = user_copy(p->ep, rusage_ptr, usage, sizeof(usage), AX_COPY_TO);
	}
	if (r < 0)
		return r; /* the event stays for a later call with good pointers */
	if (w->options & WNOWAIT)
		return nr == NR_WAITID ? 0 : pid;
	if (c->state == ZOMBIE) {
		p->child_cpu_ns += c->cpu_ns + c->child_cpu_ns;
		c->state = FREE;
		info_update(c);
		info_update(p);
	} else {
		c->report = REPORT_NONE;
	}
	return nr == NR_WAITID ? 0 : pid;
}

static int64_t wait_call(struct mproc *p, int nr, const struct waiter *w, uint64_t status_ptr, uint64_t info_ptr,
			 uint64_t rusage_ptr)
{
	struct mproc *c;
	int any;

	if ((c = event_for(p, w, &any)))
		return consume(p, c, nr, w, status_ptr, info_ptr, rusage_ptr);
	if (!any)
		return -ECHILD;
	if (w->options & WNOHANG) {
		static const int32_t none[32];

		if (nr == NR_WAITID && info_ptr) /* Linux: si_pid 0 says nothing happened */
			return user_copy(p->ep, info_ptr, (void *)none, sizeof(none), AX_COPY_TO);
		return 0;
	}
	p->blocked_nr = nr;
	p->wait_idtype = w->idtype;
	p->wait_pid = w->id;
	p->wait_options = w->options;
	p->wait_status = nr == NR_WAIT4 ? status_ptr : info_ptr;
	p->wait_rusage = rusage_ptr;
	return AX_NO_REPLY; /* answered when a child ends, stops or continues */
}

int64_t do_wait4(struct mproc *p, const ax_message *m)
{
	int pid = arg_int(m, 0);
	struct waiter w = {0, 0, arg_int(m, 2) | WEXITED};

	wait4_target(pid, &w.idtype, &w.id);
	if (arg_int(m, 2) & ~WAIT4_FLAGS || pid == INT32_MIN)
		return -EINVAL;
	return wait_call(p, NR_WAIT4, &w, arg_ptr(m, 1), 0, arg_ptr(m, 3));
}

int64_t do_waitid(struct mproc *p, const ax_message *m)
{
	int options = arg_int(m, 3);
	struct waiter w = {arg_int(m, 0), arg_int(m, 1), options};

	if (((unsigned)options & ~(unsigned)(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | 0xe0000000u)) ||
	    !(options & (WUNTRACED | WEXITED | WCONTINUED)) || w.idtype < P_ALL || w.idtype > P_PGID ||
	    (w.idtype == P_PID && w.id <= 0) || w.id < 0)
		return -EINVAL;
	return wait_call(p, NR_WAITID, &w, 0, arg_ptr(m, 2), arg_ptr(m, 4));
}

/* c (a child) has ended, stopped or continued: its parent may be waiting for that. */
void child_changed(struct mproc *c)
{
	struct mproc *p = by_pid(c->ppid);
	struct waiter w;
	int any;

	if (!p || p->state != ALIVE || (p->blocked_nr != NR_WAIT4 && p->blocked_nr != NR_WAITID))
		return;
	w = (struct waiter){p->wait_idtype, p->wait_pid, p->wait_options};
	if (event_for(p, &w, &any) == c) {
		int nr = p->blocked_nr;

		answer(p, nr, consume(p, c, nr, &w, p->wait_status, p->wait_status, p->wait_rusage));
	} else if (!any) { /* the last child it could wait for was reaped automatically */
		answer(p, p->blocked_nr, -ECHILD);
	}
}

/* ---- ending ----------------------------------------------------------------- */

static void tell_parent(struct mproc *c, int code, int value)
{
	struct mproc *parent = by_pid(c->ppid);
	struct sig_info info = {.code = code, .pid = c->pid, .status = value};

	if (parent && parent->state == ALIVE && c->exit_signal)
		post_signal(parent, c->exit_signal, &info);
}

/*
 * p has ended with status (its process is already destroyed): its children
 * go to init, its parent hears of it, unless the parent said it never
 * waits (SIGCHLD ignored, or SA_NOCLDWAIT): then it is gone at once.
 */
void became_zombie(struct mproc *p, int status)
{
	struct mproc *parent = by_pid(p->ppid);
	int code, value;

	p->state = ZOMBIE;
	p->status = status;
	p->report = REPORT_NONE;
	p->blocked_nr = 0;
	vm_proc(VM_EXIT, p->ep, 0);
	vfs_exit(p);
	time_forget(p);
	vfork_release(p);
	if (p->pid == 1)
		ax_printf("pm: init (pid 1) ended with status %x: no process adopts orphans now\n", status);
	for (int i = 0; i < AX_NR_SLOTS; i++) {
		struct mproc *c = &procs[i];

		if (c->state != FREE && c->ppid == p->pid && c != p) {
			c->ppid = 1;
			c->exit_signal = SIGCHLD; /* as Linux: a clone's own exit signal must not kill init */
			info_update(c);
			if (c->state == ZOMBIE) { /* init hears of a child already dead, as on Linux */
				int zcode, zvalue;

				event_status(c, &zcode, &zvalue);
				tell_parent(c, zcode, zvalue);
				child_changed(c);
			}
		}
	}
	if (!parent || parent->state != ALIVE) { /* nobody to wait for it */
		p->state = FREE;
		info_update(p);
		return;
	}
	event_status(p, &code, &value);
	tell_parent(p, code, value);
	if (parent->act[SIGCHLD].handler == SIG_IGN || (parent->act[SIGCHLD].flags & SA_NOCLDWAIT)) {
		parent->child_cpu_ns += p->cpu_ns + p->child_cpu_ns;
		p->state = FREE;
		info_update(parent);
	}
	info_update(p);
	child_changed(p);
}

/* p stopped or continued (report says which): its parent may wait for it, and gets SIGCHLD. */
void stop_changed(struct mproc *p)
{
	struct mproc *parent = by_pid(p->ppid);

	if (!parent || parent->state != ALIVE)
		return;
	if (!(parent->act[SIGCHLD].flags & SA_NOCLDSTOP))
		tell_parent(p, p->report == REPORT_STOPPED ? CLD_STOPPED : CLD_CONTINUED,
			    p->report == REPORT_STOPPED ? p->stopped : SIGCONT);
	child_changed(p);
}

int64_t do_exit(struct mproc *p, const ax_message *m)
{
	p->cpu_ns = cpu_time(p);
	kcall(KC_PROC_DESTROY, (uint64_t)p->ep, 0);
	became_zombie(p, wstatus_exited(arg_int(m, 0)));
	return AX_NO_REPLY; /* nobody is left to answer */
}

/* The kernel says processes we created have ended: collect every record. */
void on_deaths(void)
{
	struct ax_death d;

	while (ax_kcall(KC_REAP, &(ax_message){.u64 = {(uint64_t)&d}}) == 0) {
		struct mproc *p = by_ep(d.ep); /* 0 for an end we caused ourselves: already a zombie */

		if (!p)
			continue;
		p->cpu_ns = d.cpu_ns;
		became_zombie(p, wstatus_signaled(d.cause == AX_DEATH_FAULT ? signal_for_vector(d.vector) : SIGKILL));
	}
}

/* getrusage(RUSAGE_SELF = 0 or RUSAGE_CHILDREN = -1) */
int64_t do_getrusage(struct mproc *p, const ax_message *m)
{
	uint8_t usage[144];

	if (arg_int(m, 0) != 0 && arg_int(m, 0) != -1)
		return -EINVAL;
	fill_rusage(arg_int(m, 0) == 0 ? cpu_time(p) : p->child_cpu_ns, usage);
	return user_copy(p->ep, arg_ptr(m, 1), usage, sizeof(usage), AX_COPY_TO);
}

/* times(): clock ticks at 100 Hz, as Linux's USER_HZ. */
int64_t do_times(struct mproc *p, const ax_message *m)
{
	int64_t tms[4];

	tms[0] = (int64_t)(cpu_time(p) / 10000000);
	tms[1] = 0;
	tms[2] = (int64_t)(p->child_cpu_ns / 10000000);
	tms[3] = 0;
	if (arg_ptr(m, 0) && user_copy(p->ep, arg_ptr(m, 0), tms, sizeof(tms), AX_COPY_TO) < 0)
		return -EFAULT;
	return (int64_t)(ax_now_ns() / 10000000);
}
