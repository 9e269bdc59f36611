/*
 * Process groups and sessions, with Linux's rules: a process may move
 * itself or a child that has not exec'd into a group of its own session;
 * a group leader may not start a new session.
 */
#include "pm.h"

int64_t do_setpgid(struct mproc *self, const ax_message *m)
{
	struct mproc *p;
	int pid = (int)m->i64[0], pgid = (int)m->i64[1];

	if (pgid < 0)
		return -AX_EINVAL;
	p = pid == 0 ? self : by_pid(pid);
	if (!p || p->state != ALIVE || (p != self && p->ppid != self->pid))
		return -AX_ESRCH;
	if (p != self && p->execed)
		return -EACCES;
	if (p->sid != self->sid || p->pid == p->sid)
		return -AX_EPERM; /* another session's process, or a session leader */
	if (pgid == 0)
		pgid = p->pid;
	if (pgid != p->pid) { /* joining a group: it must exist in this session */
		int found = 0;

		for (int i = 0; i < AX_NR_SLOTS && !found; i++)
			found = procs[i].state == ALIVE && procs[i].pgrp == pgid && procs[i].sid == self->sid;
		if (!found)
			return -AX_EPERM;
	}
	p->pgrp = pgid;
	return 0;
}

int64_t do_getpgid(struct mproc *self, const ax_message *m)
{
	struct mproc *p;

	p = m->i64[0] == 0 ? self : by_pid((int)m->i64[0]);
	return p && p->state == ALIVE ? p->pgrp : -AX_ESRCH;
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
			return -AX_EPERM; /* it leads a group (its own, or one that bears its pid) */
	p->sid = p->pgrp = p->pid;
	return p->sid;
}

int64_t do_getsid(struct mproc *self, const ax_message *m)
{
	struct mproc *p;

	p = m->i64[0] == 0 ? self : by_pid((int)m->i64[0]);
	return p && p->state == ALIVE ? p->sid : -AX_ESRCH;
}
