/*
 * vfs's processes, as pm makes them (proto/vfs.h): fork, exec, exit,
 * identities, process groups, signals that end a waiting call, the
 * descriptor limit, the clock, and the program files execve reads here.
 * Signals vfs wants sent go the other way, queued for pm to pull.
 */
#include <stdlib.h>

#include <proto/fs.h>
#include <proto/pm.h>
#include <proto/vfs.h>
#include <sys/sigq.h>

#include "vfs.h"

#define NOFILE 1024 /* RLIMIT_NOFILE's default soft limit */

struct vproc procs[PROC_MAX];
static struct fd_table fd_tables[PROC_MAX]; /* procs[i].fds: 4 KiB each */

/* procs' index + 1 by the kernel slot of the endpoint (0: none): every call finds its caller in one step. */
static uint8_t by_slot[AX_NR_SLOTS];

struct vproc *find_proc(endpoint_t ep)
{
	struct vproc *p;

	if (ep <= 0 || !by_slot[ep & (AX_NR_SLOTS - 1)])
		return 0;
	p = &procs[by_slot[ep & (AX_NR_SLOTS - 1)] - 1];
	return p->used && p->ep == ep ? p : 0;
}

struct vproc *new_proc(endpoint_t ep)
{
	for (int i = 0; i < PROC_MAX; i++) {
		if (!procs[i].used) {
			struct vproc *p = &procs[i];

			*p = (struct vproc){.used = true, .ep = ep, .umask = 022, .obj = -1, .fds = &fd_tables[i]};
			if (ep > 0)
				by_slot[ep & (AX_NR_SLOTS - 1)] = (uint8_t)(i + 1);
			set_dir(&p->cwd, &root_node);
			set_dir(&p->root, &root_node);
			fd_table_init(p->fds, NOFILE);
			return p;
		}
	}
	return 0;
}

void free_proc(struct vproc *p)
{
	lock_release_process(p->pid, 0);
	free(p->bounce);
	p->bounce = 0;
	fd_close_all(&files, p->fds);
	set_blocked(p, false);
	p->used = false;
	vnode_release(&p->cwd); /* the directories it was in, if it was the last there */
	vnode_release(&p->root);
}

/* Signals for pm to send (SIGPIPE, job control, ppoll's masks): queued here, pulled by pm (sys/sigq.h). */
static struct ax_sigq sigq;

void queue_signal(int kind, endpoint_t target, int sig) { ax_sigq_push(&sigq, pm, "vfs", kind, target, (uint64_t)sig); }

/* ppoll, pselect6: ask pm to set (PM_SIG_MASK) or restore (PM_SIG_UNMASK) a process's mask. */
void queue_mask(int kind, endpoint_t target, uint64_t mask) { ax_sigq_push(&sigq, pm, "vfs", kind, target, mask); }

int64_t do_signal_pull(const ax_message *m, ax_message *r) { return ax_sigq_pull(&sigq, pm, m, r); }

/*
 * The process a message from pm is about (the ep every request of
 * proto/vfs.h but VFS_FORK and VFS_CLOCK begins with): 0 when the message is
 * not pm's or the process unknown.
 */
static struct vproc *pm_subject(const ax_message *m)
{
	const struct vfs_proc_req *rq = (const void *)m->bytes;

	return m->source == pm && rq->ep >= 0 && rq->ep <= INT32_MAX ? find_proc((endpoint_t)rq->ep) : 0;
}

/* The endpoint in a request from pm, or AX_NONE when it is no endpoint. */
static endpoint_t pm_endpoint(int64_t ep) { return ep > 0 && ep <= INT32_MAX ? (endpoint_t)ep : AX_NONE; }

/* Why pm_subject gave 0. */
static int64_t pm_refusal(const ax_message *m) { return m->source != pm ? -EPERM : -ESRCH; }

/* ---- from pm: process identities ------------------------------------------------------ */

/*
 * A boot process (pm's first ones) starts as Linux's init does: /dev/console
 * open as descriptors 0, 1 and 2, read and write, not its controlling
 * terminal. Its driver is not asked now (it may not be up yet); an open of a
 * character device is only a check.
 */
static void open_console(struct vproc *p)
{
	struct fs_stat fst;
	struct path_result res;
	int fd, idx;

	fs_lookups_forget();
	if (resolve(p, AT_FDCWD, "/dev/console", PATH_FOLLOW, &res) < 0 || (res.node.mode & S_IFMT) != S_IFCHR ||
	    fs_stat(&res.node, &fst) < 0)
		return; /* no console: the process starts with nothing open */
	if ((fd = fd_open(&files, p->fds, &res.node, O_RDWR, p->cred.uid == 0)) < 0)
		return;
	idx = fd_index(p->fds, fd);
	extra[idx].dev = true;
	extra[idx].major = fst.rdev_major;
	extra[idx].minor = fst.rdev_minor;
	vnode_hold(&res.node);
	fd_dupfd(&files, p->fds, fd, 1, false);
	fd_dupfd(&files, p->fds, fd, 2, false);
}

int64_t do_vfs_fork(const ax_message *m, ax_message *r)
{
	const struct vfs_fork_req *rq = (const void *)m->bytes;
	endpoint_t child_ep = pm_endpoint(rq->child);
	struct vproc *parent, *child;

	(void)r;
	if (m->source != pm)
		return -EPERM;
	if (child_ep == AX_NONE || (rq->parent != AX_NONE && pm_endpoint(rq->parent) == AX_NONE))
		return -EINVAL;
	if ((child = find_proc(child_ep)))
		free_proc(child);
	if (!(child = new_proc(child_ep)))
		return -ENOMEM;
	if (rq->parent == AX_NONE) {
		open_console(child);
	} else if ((parent = find_proc((endpoint_t)rq->parent))) {
		fd_fork(&files, parent->fds, child->fds);
		set_dir(&child->cwd, &parent->cwd);
		set_dir(&child->root, &parent->root);
		child->pid = parent->pid, child->pgrp = parent->pgrp, child->sid = parent->sid;
		child->cred = parent->cred;
		child->ruid = parent->ruid, child->rgid = parent->rgid;
		child->umask = parent->umask;
	}
	return 0;
}

int64_t do_vfs_setpgrp(const ax_message *m, ax_message *r)
{
	const struct vfs_setpgrp_req *rq = (const void *)m->bytes;
	struct vproc *p;

	(void)r;
	if (!(p = pm_subject(m)))
		return pm_refusal(m);
	if (rq->pid <= 0 || rq->pgrp <= 0 || rq->sid <= 0 || rq->pid > INT32_MAX || rq->pgrp > INT32_MAX ||
	    rq->sid > INT32_MAX)
		return -EINVAL;
	p->pid = (int)rq->pid, p->pgrp = (int)rq->pgrp, p->sid = (int)rq->sid;
	return 0;
}

int64_t do_vfs_setid(const ax_message *m, ax_message *r)
{
	const struct vfs_setid_req *rq = (const void *)m->bytes;
	struct vproc *p;

	(void)r;
	if (!(p = pm_subject(m)))
		return pm_refusal(m);
	p->ruid = rq->uid, p->rgid = rq->gid;
	p->cred.uid = rq->euid, p->cred.gid = rq->egid;
	p->cred.ngroups = 0;
	if (rq->ngroups > CRED_GROUPS_MAX ||
	    (rq->ngroups && user_copy(pm, rq->groups, p->cred.groups, rq->ngroups * 4, AX_COPY_FROM) < 0)) {
		ax_printf("vfs: %lu supplementary groups for %d not taken: the process has none here\n", rq->ngroups,
			  p->ep);
		return -EINVAL;
	}
	p->cred.ngroups = (int)rq->ngroups;
	return 0;
}

/*
 * A signal must take effect in the process: a call it waits in here ends
 * with what it moved, or -ERESTARTSYS (-ERESTARTNOHAND for poll and
 * select), which pm turns into a restart or EINTR. pm hears the call's number
 * + 1 (0: none waited; read is call 0).
 */
int64_t do_vfs_interrupt(const ax_message *m, ax_message *r)
{
	struct vproc *p;
	int nr;

	(void)r;
	if (!(p = pm_subject(m)))
		return pm_refusal(m);
	if (!p->blocked || p->wait == W_MASK)
		return 0; /* not waiting, or only for pm (the call's answer is known: signals come after it) */
	nr = p->blocked_nr;
	p->mask_state = MASK_NONE; /* ppoll's mask: pm puts the old one back around the handler, as for sigsuspend */
	if (p->wait == W_DEV)
		dev_cancel(p);
	if (p->wait == W_FIFO) /* the open that waited for the other end gives its descriptor back */
		fd_close(&files, p->fds, p->fifo_fd);
	if (p->wait == W_POLL)
		reply_later(p, -ERESTARTNOHAND);
	else
		reply_later(p, p->done ? (int64_t)p->done : -ERESTARTSYS);
	return nr + 1;
}

int64_t do_vfs_jobctl_refused(const ax_message *m, ax_message *r)
{
	struct vproc *p;

	(void)r;
	if (!(p = pm_subject(m)))
		return pm_refusal(m);
	if (!p->blocked || p->wait != W_JOBCTL)
		return 0;
	if (p->jobsig == 21 /* SIGTTIN */) {
		reply_later(p, -EIO);
		return 0;
	}
	p->nostop = true; /* SIGTTOU ignored or blocked: Linux lets the write or ioctl proceed */
	run_again(p);
	p->nostop = false;
	run_queue();
	return 0;
}

/* RLIMIT_NOFILE changed: lowering it closes nothing (fd_set_nofile), as on Linux. */
int64_t do_vfs_nofile(const ax_message *m, ax_message *r)
{
	const struct vfs_proc_req *rq = (const void *)m->bytes;
	struct vproc *p;

	(void)r;
	if (!(p = pm_subject(m)))
		return pm_refusal(m);
	fd_set_nofile(p->fds, rq->value > UINT32_MAX ? UINT32_MAX : (uint32_t)rq->value);
	return 0;
}

/* pm set the mask of a ppoll or pselect6 (its poll runs now), or restored it (its answer goes now). */
int64_t do_vfs_mask_done(const ax_message *m, ax_message *r)
{
	struct vproc *p;

	(void)r;
	if (!(p = pm_subject(m)))
		return pm_refusal(m);
	if (!p->blocked || p->wait != W_MASK)
		return -EINVAL;
	if (p->mask_state == MASK_SETTING) {
		p->mask_state = MASK_SET;
		run_again(p);
	} else if (p->mask_state == MASK_RESTORING) {
		p->mask_state = MASK_NONE;
		reply_later(p, p->mask_result);
	}
	run_queue();
	return 0;
}

int64_t do_vfs_clock(const ax_message *m, ax_message *r)
{
	(void)r;
	if (m->source != pm)
		return -EPERM;
	realtime_offset = ((const struct vfs_clock_req *)(const void *)m->bytes)->realtime_offset_ns;
	return 0;
}

int64_t do_vfs_exec(const ax_message *m, ax_message *r)
{
	struct vproc *p;

	(void)r;
	if (m->source != pm)
		return -EPERM;
	if ((p = pm_subject(m)))
		fd_exec(&files, p->fds);
	return 0;
}

int64_t do_vfs_exit(const ax_message *m, ax_message *r)
{
	struct vproc *p;

	(void)r;
	if (m->source != pm)
		return -EPERM;
	if ((p = pm_subject(m))) {
		if (p->blocked && p->wait == W_DEV)
			dev_cancel(p);
		set_blocked(p, false);
		if (p->pid > 0 && p->pid == p->sid)
			dev_session_end(p->sid);
		free_proc(p);
		run_queue(); /* its pipes' other ends may now see an end of file */
	}
	return 0;
}

/* ---- from pm: execve reads its program here ------------------------------------------------ */

#define EXEC_MAX 8
static struct {
	bool used;
	struct vnode node;
	uint64_t size;
} execs[EXEC_MAX];

/* The program at path, as the process would open it: a regular file it may execute. */
int64_t do_vfs_exec_open(const ax_message *m, ax_message *r)
{
	const struct vfs_exec_open_req *rq = (const void *)m->bytes;
	char path[PATH_MAX];
	struct path_result res;
	struct fs_stat fst;
	struct vproc *p;
	int h = -1, rc;

	if (!(p = pm_subject(m)))
		return pm_refusal(m);
	caller_pid = p->pid;
	fs_lookups_forget();
	if ((rc = copy_path(rq->in_pm ? pm : p->ep, rq->path, path)) < 0)
		return rc;
	if ((rc = resolve(p, AT_FDCWD, path, PATH_FOLLOW, &res)) < 0)
		return rc;
	if ((res.node.mode & S_IFMT) != S_IFREG)
		return -EACCES;
	if (vnode_permission(&p->cred, &res.node, MAY_EXEC) < 0)
		return -EACCES;
	for (int i = 0; i < EXEC_MAX && h < 0; i++)
		if (!execs[i].used)
			h = i;
	if (h < 0)
		return -ENFILE;
	if ((rc = (int)fs_stat(&res.node, &fst)) < 0)
		return rc;
	execs[h].used = true;
	execs[h].node = res.node;
	execs[h].size = fst.size;
	vnode_hold(&res.node);
	*(struct vfs_exec_open_reply *)(void *)r->bytes = (struct vfs_exec_open_reply){
		.handle = h, .size = fst.size, .mode = fst.mode, .uid = fst.uid, .gid = fst.gid, .ino = res.node.ino,
		.mtime_ns = (uint64_t)fst.mtime.sec * 1000000000 + (uint64_t)fst.mtime.nsec, .fs = res.node.fs};
	return h;
}

/* Bytes of an opened program straight into any process's memory (pm's own, or the new image's). */
int64_t do_vfs_exec_read(const ax_message *m, ax_message *r)
{
	const struct vfs_exec_read_req *rq = (const void *)m->bytes;
	uint64_t h = (uint64_t)rq->handle, off = rq->offset, len = rq->len;
	endpoint_t to = pm_endpoint(rq->to);
	struct fs_io_req io;
	endpoint_t ep;
	ax_message fm;
	int64_t rc;

	(void)r;
	if (m->source != pm)
		return -EPERM;
	if (h >= EXEC_MAX || !execs[h].used || len > (1u << 24) || off > execs[h].size || to == AX_NONE)
		return -EINVAL;
	ep = fs_ep[execs[h].node.fs];
	io = (struct fs_io_req){.ino = execs[h].node.ino, .offset = off, .len = len, .grant = G_USER, .granter = ax_self,
				.now = wall_ns()};
	touch(to, rq->addr, len, true);
	set_grant(G_USER, AX_GRANT_WRITE | AX_GRANT_MAGIC, ep, to, (void *)rq->addr, len);
	rc = fs_call(ep, FS_READ, &io, sizeof(io), &fm);
	revoke(G_USER);
	return rc;
}

int64_t do_vfs_exec_close(const ax_message *m, ax_message *r)
{
	uint64_t h = (uint64_t)((const struct vfs_exec_close_req *)(const void *)m->bytes)->handle;

	(void)r;
	if (m->source != pm)
		return -EPERM;
	if (h >= EXEC_MAX || !execs[h].used)
		return -EINVAL;
	execs[h].used = false;
	vnode_release(&execs[h].node);
	return 0;
}
