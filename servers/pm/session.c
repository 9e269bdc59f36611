/*
 * Process groups and sessions, with Linux's rules: a process may move
 * itself or a child that has not exec'd into a group of its own session;
 * a group leader may not start a new session.
 */
#include "pm.h"

int64_t do_setpgid(const ax_message *m, ax_message *r)
{
	struct mproc *self = caller(m), *p;
	int pid = (int)m->i64[0], pgid = (int)m->i64[1];

	(void)r;
	if (!self)
		return -AX_ESRCH;
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

int64_t do_getpgid(const ax_message *m, ax_message *r)
{
	struct mproc *self = caller(m), *p;

	(void)r;
	if (!self)
		return -AX_ESRCH;
	p = m->i64[0] == 0 ? self : by_pid((int)m->i64[0]);
	return p && p->state == ALIVE ? p->pgrp : -AX_ESRCH;
}

int64_t do_getpgrp(const ax_message *m, ax_message *r)
{
	(void)r;
	return caller(m) ? caller(m)->pgrp : -AX_ESRCH;
}

int64_t do_setsid(const ax_message *m, ax_message *r)
{
	struct mproc *p = caller(m);

	(void)r;
	if (!p)
		return -AX_ESRCH;
	for (int i = 0; i < AX_NR_SLOTS; i++)
		if (procs[i].state != FREE && procs[i].pgrp == p->pid)
			return -AX_EPERM; /* it leads a group (its own, or one that bears its pid) */
	p->sid = p->pgrp = p->pid;
	return p->sid;
}

int64_t do_getsid(const ax_message *m, ax_message *r)
{
	struct mproc *self = caller(m), *p;

	(void)r;
	if (!self)
		return -AX_ESRCH;
	p = m->i64[0] == 0 ? self : by_pid((int)m->i64[0]);
	return p && p->state == ALIVE ? p->sid : -AX_ESRCH;
}
