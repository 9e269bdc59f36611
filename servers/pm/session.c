/*
 * Process groups and sessions, with Linux's rules: a process may move
 * itself or a child that has not exec'd into a group of its own session;
 * a group leader may not start a new session. And niceness, which acts on
 * a process, a group or a user's processes: it becomes the process's
 * priority in the kernel's scheduler.
 */
#include "pm.h"

int64_t do_setpgid(struct mproc *self, const ax_message *m)
{
	struct mproc *p;
	int pid = arg_int(m, 0), pgid = arg_int(m, 1);

	if (pgid < 0)
		return -EINVAL;
	p = pid == 0 ? self : by_pid(pid);
	if (!p || p->state != ALIVE || (p != self && p->ppid != self->pid))
		return -ESRCH;
	if (p != self && p->execed)
		return -EACCES;
	if (p->sid != self->sid || p->pid == p->sid)
		return -EPERM; /* another session's process, or a session leader */
	if (pgid == 0)
		pgid = p->pid;
	if (pgid != p->pid) { /* joining a group: it must exist in this session */
		int found = 0;

		for (int i = 0; i < AX_NR_SLOTS && !found; i++)
			found = procs[i].state == ALIVE && procs[i].pgrp == pgid && procs[i].sid == self->sid;
		if (!found)
			return -EPERM;
	}
	p->pgrp = pgid;
	vfs_setpgrp(p);
	info_update(p);
	return 0;
}

int64_t do_getpgid(struct mproc *self, const ax_message *m)
{
	struct mproc *p;

	p = arg_int(m, 0) == 0 ? self : by_pid(arg_int(m, 0));
	return p && p->state == ALIVE ? p->pgrp : -ESRCH;
}

int64_t do_getpgrp(struct mproc *p, const ax_message *m)
{
	(void)m;
	return p->pgrp;
}

int64_t do_setsid(struct mproc *p, const ax_message *m)
{
	(void)m;
	for (int i = 0; i < AX_NR_SLOTS; i++)
		if (procs[i].state != FREE && procs[i].pgrp == p->pid)
			return -EPERM; /* it leads a group (its own, or one that bears its pid) */
	p->sid = p->pgrp = p->pid;
	vfs_setpgrp(p);
	info_update(p);
	return p->sid;
}

int64_t do_getsid(struct mproc *self, const ax_message *m)
{
	struct mproc *p;

	p = arg_int(m, 0) == 0 ? self : by_pid(arg_int(m, 0));
	return p && p->state == ALIVE ? p->sid : -ESRCH;
}

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2
#define BASE_PRIORITY 9 /* POSIX processes' kernel priority at nice 0 (the boot images' init) */
#define QUANTUM_MS 10

/* Does q fall under getpriority/setpriority's (which, who) for the caller self? Everyone is uid 0. */
static bool prio_selects(const struct mproc *self, const struct mproc *q, int which, int who)
{
	if (q->state == FREE)
		return false;
	if (which == PRIO_PROCESS)
		return q->pid == (who ? who : self->pid);
	if (which == PRIO_PGRP)
		return q->pgrp == (who ? who : self->pgrp);
	return who == 0; /* PRIO_USER: uid 0 is everyone's */
}

/* Linux's raw getpriority: 20 - the lowest nice among the selected, so it is never negative. */
int64_t do_getpriority(struct mproc *p, const ax_message *m)
{
	int which = arg_int(m, 0), who = arg_int(m, 1), best = 20;

	if (which < PRIO_PROCESS || which > PRIO_USER || who < 0)
		return -EINVAL;
	for (int i = 0; i < AX_NR_SLOTS; i++)
		if (prio_selects(p, &procs[i], which, who) && procs[i].nice < best)
			best = procs[i].nice;
	return best == 20 ? -ESRCH : 20 - best;
}

int64_t do_setpriority(struct mproc *p, const ax_message *m)
{
	static int warned;
	int which = arg_int(m, 0), who = arg_int(m, 1), nice = arg_int(m, 2), error = -ESRCH;

	if (which < PRIO_PROCESS || which > PRIO_USER || who < 0)
		return -EINVAL;
	nice = nice < -20 ? -20 : nice > 19 ? 19 : nice; /* Linux clamps */
	for (int i = 0; i < AX_NR_SLOTS; i++) {
		struct mproc *q = &procs[i];

		if (!prio_selects(p, q, which, who))
			continue;
		/* as Linux's set_one_prio: another user's process only as root (EPERM); a lower nice only as root (EACCES) */
		if (p->euid != 0 && q->ruid != p->euid && q->euid != p->euid) {
			error = -EPERM;
			continue;
		}
		if (p->euid != 0 && nice < q->nice) {
			error = -EACCES;
			continue;
		}
		if (error == -ESRCH)
			error = 0;
		q->nice = nice;
		info_update(q);
		/* nice -20..19 spans kernel priorities 6..11 around the base 9 (0 is the most urgent) */
		if (q->state == ALIVE && ax_kcall(KC_SCHEDULE, &(ax_message){.u64 = {(uint64_t)(int64_t)q->ep,
			    (uint64_t)(BASE_PRIORITY + nice * 3 / 20), QUANTUM_MS}}) < 0 && !warned++)
			ax_printf("pm: cannot set scheduling priorities (no KC_SCHEDULE right): nice is kept, not applied\n");
	}
	return error;
}
