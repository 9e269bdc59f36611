/*
 * vfs: every POSIX process's descriptors, current and root directories, and
 * the mount table (docs/vfs.md). This file receives: the POSIX file calls
 * the kernel routes here, pm's messages about processes, and notifications;
 * it runs again the calls that waited. Each family of calls has its file:
 *
 *   open.c     open, creat, mknod, mkdir, close, lseek
 *   read.c     read, write and their vector and positioned forms, sendfile, getdents64
 *   filedes.c  dup, fcntl, ioctl
 *   link.c     unlink, rmdir, rename, link, symlink, readlink, truncate
 *   stadir.c   stat and its kin, statfs, chdir, getcwd, chroot
 *   protect.c  access, chmod, chown, umask, utimensat
 *   mount.c    the mount table, mount, umount2, sync
 *   pm.c       processes as pm makes them; execve's program files
 *   pipe.c, poll.c, lock.c, dev.c: pipes, poll and select, locks, drivers
 *
 * beside the pure rules (path.c: lookup; fdtable.c: descriptors; held.c:
 * the count of vfs's references to each inode), the one
 * resolver of paths and *at triples (resolve.c), and the requests to file
 * servers (request.c, proto/fs.h). File data never passes through vfs: a
 * magic grant over the user's buffer (vfs has the `magic` privilege) lets
 * the server or driver copy straight to or from it, once vm has made the
 * range present (VM_TOUCH). Names, paths and stat records vfs copies itself.
 */
#include <proto/dev.h>
#include <proto/pm.h>
#include <proto/vfs.h>

#include "vfs.h"

struct ax_grant grant[G_COUNT + PROC_MAX];

endpoint_t vm = AX_NONE, pm = AX_NONE, ds = AX_NONE;
int caller_pid;
endpoint_t io_owner = AX_NONE;
struct file_table files;
struct file_extra extra[FILE_MAX];

/* ---- calls that wait ---------------------------------------------------------------------- */

static int64_t (*const posix_calls[NR_COUNT])(struct vproc *p, const ax_message *m);

static uint64_t blocked_set[PROC_MAX / 64]; /* bit i: procs[i] waits in a call */

void set_blocked(struct vproc *p, bool blocked)
{
	int i = (int)(p - procs);

	p->blocked = blocked;
	if (blocked)
		blocked_set[i / 64] |= 1ULL << (i % 64);
	else
		blocked_set[i / 64] &= ~(1ULL << (i % 64));
}

/* The first process that waits in a call at index *i or after (*i is set to its index), or 0. */
struct vproc *next_blocked(int *i)
{
	while (*i < PROC_MAX) {
		uint64_t w = blocked_set[*i / 64] >> (*i % 64);

		if (w) {
			*i += __builtin_ctzll(w);
			return &procs[*i];
		}
		*i = (*i / 64 + 1) * 64;
	}
	return 0;
}

/* Answer the call p waits in. */
void reply_later(struct vproc *p, int64_t value)
{
	ax_message reply = {.type = AX_MSG_POSIX + p->blocked_nr};

	reply.i64[0] = value;
	p->blocked_nr = 0;
	set_blocked(p, false);
	p->wait = W_NONE;
	p->runnable = false;
	ax_sendnb(p->ep, &reply);
}

/* What p waits for may have changed: run its call again once the current message is done. */
static bool any_runnable; /* some retry() is waiting for run_queue */

void retry(struct vproc *p)
{
	p->runnable = true;
	any_runnable = true;
}

void run_again(struct vproc *p)
{
	int64_t r;

	p->retrying = true;
	p->wait = W_NONE;
	caller_pid = p->pid;
	fs_lookups_forget();
	r = posix_calls[p->blocked_nr](p, &p->req);
	p->retrying = false;
	if (r != WOULD_WAIT)
		reply_later(p, r);
}

/* The earliest deadline of a waiting poll or select, or of a parked call, sets vfs's one alarm. */
bool deadline_waiting; /* a call may wait with a deadline (poll.c, dev.c set it; a scan that finds none clears it) */

static void arm_alarm(void)
{
	uint64_t first = 0, now;
	struct vproc *p;

	if (!deadline_waiting)
		return;
	for_each_blocked(i, p)
		if ((p->wait == W_POLL || p->wait == W_DRIVER) && p->deadline && (!first || p->deadline < first))
			first = p->deadline;
	if (!first) {
		deadline_waiting = false;
		return;
	}
	now = ax_now_ns();
	ax_alarm(first > now ? first - now : 1);
}

/* Run the calls retry() marked, until none is left (each run may mark others). */
void run_queue(void)
{
	if (!any_runnable) {
		arm_alarm();
		return;
	}
	any_runnable = false;
	for (bool any = true; any;) {
		struct vproc *p;

		any = false;
		for_each_blocked(i, p) { /* retry() marks only processes that wait */
			if (!p->runnable)
				continue;
			p->runnable = false;
			any = true;
			/* a request a driver holds, or a signal pm was asked for, is not run again: it ends by an event */
			if (p->blocked && p->wait != W_DEV && p->wait != W_JOBCTL && p->wait != W_MASK && p->wait != W_FIFO)
				run_again(p);
		}
	}
	arm_alarm();
}


static int64_t (*const posix_calls[NR_COUNT])(struct vproc *p, const ax_message *m) = {
	[NR_READ] = do_read,         [NR_WRITE] = do_write,           [NR_OPEN] = do_open,
	[NR_CLOSE] = do_close,       [NR_STAT] = do_stat,             [NR_FSTAT] = do_fstat,
	[NR_LSTAT] = do_lstat,       [NR_POLL] = do_poll,             [NR_LSEEK] = do_lseek,
	[NR_IOCTL] = do_ioctl,       [NR_PREAD64] = do_pread64,       [NR_PWRITE64] = do_pwrite64,
	[NR_READV] = do_readv,       [NR_WRITEV] = do_writev,         [NR_PIPE] = do_pipe,
	[NR_SELECT] = do_select,     [NR_DUP] = do_dup,               [NR_DUP2] = do_dup2,
	[NR_FCNTL] = do_fcntl,       [NR_GETCWD] = do_getcwd,         [NR_CHDIR] = do_chdir,
	[NR_FCHDIR] = do_fchdir,     [NR_RENAME] = do_rename,         [NR_MKDIR] = do_mkdir,
	[NR_RMDIR] = do_rmdir,       [NR_UNLINK] = do_unlink,         [NR_UMASK] = do_umask,
	[NR_GETDENTS64] = do_getdents64,
	[NR_OPENAT] = do_openat,     [NR_MKDIRAT] = do_mkdirat,       [NR_NEWFSTATAT] = do_newfstatat,
	[NR_UNLINKAT] = do_unlinkat, [NR_RENAMEAT] = do_renameat,     [NR_PSELECT6] = do_pselect6,
	[NR_PPOLL] = do_ppoll,       [NR_DUP3] = do_dup3,             [NR_PIPE2] = do_pipe2,
	[NR_RENAMEAT2] = do_renameat2,
	[NR_ACCESS] = do_access,     [NR_FACCESSAT] = do_faccessat,   [NR_FACCESSAT2] = do_faccessat2,
	[NR_SYMLINK] = do_symlink,   [NR_SYMLINKAT] = do_symlinkat,   [NR_LINK] = do_link,
	[NR_LINKAT] = do_linkat,     [NR_READLINK] = do_readlink,     [NR_READLINKAT] = do_readlinkat,
	[NR_CHMOD] = do_chmod,       [NR_FCHMOD] = do_fchmod,         [NR_FCHMODAT] = do_fchmodat,
	[NR_CHOWN] = do_chown,       [NR_LCHOWN] = do_lchown,         [NR_FCHOWN] = do_fchown,
	[NR_FCHOWNAT] = do_fchownat, [NR_UTIMENSAT] = do_utimensat,   [NR_TRUNCATE] = do_truncate,
	[NR_FTRUNCATE] = do_ftruncate, [NR_MKNOD] = do_mknod,         [NR_MKNODAT] = do_mknodat,
	[NR_CREAT] = do_creat,       [NR_STATFS] = do_statfs,         [NR_FSTATFS] = do_fstatfs,
	[NR_SYNC] = do_sync,         [NR_SYNCFS] = do_syncfs,         [NR_FSYNC] = do_fsync,
	[NR_FDATASYNC] = do_fsync,   [NR_CHROOT] = do_chroot,         [NR_STATX] = do_statx,
	[NR_MOUNT] = do_mount,       [NR_UMOUNT2] = do_umount2,       [NR_FLOCK] = do_flock,
	[NR_SENDFILE] = do_sendfile,
};

/* What pm routes here (proto/vfs.h): each must have its handler above. */
static const int routed[] = {VFS_POSIX_CALLS};

static int64_t dispatch(const ax_message *m, ax_message *r)
{
	uint32_t nr = (uint32_t)m->type - AX_MSG_POSIX;
	struct vproc *p;
	int64_t rc;

	(void)r;
	if (nr >= NR_COUNT || !posix_calls[nr]) {
		if (nr >= AX_MSG_POSIX_MAX)
			ax_printf("vfs: message of unknown type %x from %d: refused\n", m->type, m->source);
		return -ENOSYS;
	}
	/* Without pm (vfs's own test image) a caller never heard of starts with nothing open. */
	if (!(p = find_proc(m->source))) {
		if (pm != AX_NONE)
			return -ESRCH;
		if (!(p = new_proc(m->source)))
			return -ENOMEM;
	}
	if (p->blocked) {
		ax_printf("vfs: %d called %u while waiting in %d: refused\n", m->source, nr, p->blocked_nr);
		return -EBUSY;
	}
	p->retrying = false;
	p->done = 0;
	p->reissues = 0;
	p->deadline = 0;
	p->deadline_set = false;
	p->mask_state = MASK_NONE;
	p->wait = W_NONE;
	caller_pid = p->pid;
	fs_lookups_forget();
	rc = posix_calls[nr](p, m);
	if (rc == WOULD_WAIT) {
		p->blocked_nr = (int)nr;
		set_blocked(p, true);
		p->req = *m;
		rc = AX_NO_REPLY;
	}
	run_queue();
	return rc;
}

static void on_notify(const ax_message *m)
{
	if (m->source == AX_CLOCK)
		poll_timers();
	else if (m->source == dev_ds() && m->source != AX_NONE)
		dev_rebind(); /* a driver ended or came back */
	else if (m->source == dev_driver(TTY_MAJOR) || m->source == dev_driver(MEM_MAJOR))
		dev_events(m->source);
	run_queue();
}

static const struct ax_call calls[] = {
	{VFS_FORK, do_vfs_fork},
	{VFS_EXEC, do_vfs_exec},
	{VFS_EXIT, do_vfs_exit},
	{VFS_SETID, do_vfs_setid},
	{VFS_SETPGRP, do_vfs_setpgrp},
	{VFS_INTERRUPT, do_vfs_interrupt},
	{VFS_JOBCTL_REFUSED, do_vfs_jobctl_refused},
	{VFS_CLOCK, do_vfs_clock},
	{VFS_MASK_DONE, do_vfs_mask_done},
	{VFS_NOFILE, do_vfs_nofile},
	{VFS_EXEC_OPEN, do_vfs_exec_open},
	{VFS_EXEC_READ, do_vfs_exec_read},
	{VFS_EXEC_CLOSE, do_vfs_exec_close},
	{PM_SIGNAL_PULL, do_signal_pull},
	{AX_CALL_OTHER, dispatch},
};

int main(void)
{
	ax_kcall(KC_GRANT_TABLE, &(ax_message){.u64 = {(uint64_t)grant, G_COUNT + PROC_MAX}});
	vm = ax_boot_endpoint("vm");
	pm = ax_boot_endpoint("pm");
	dev_init();
	files_init(&files, FILE_MAX, release, 0);
	for (unsigned i = 0; i < sizeof(routed) / sizeof(routed[0]); i++)
		if (routed[i] >= NR_COUNT || !posix_calls[routed[i]])
			ax_printf("vfs: call %d is routed here but not served\n", routed[i]);
	mount_init();
	ax_printf("vfs: up at endpoint %d, root on ramfs (%d)\n", ax_self, fs_ep[ROOT_FS]);
	ax_serve(calls, (int)(sizeof(calls) / sizeof(calls[0])), on_notify);
}
