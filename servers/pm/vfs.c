/*
 * What pm tells vfs (lib/sys/include/proto/vfs.h), when the image has one:
 * births, execs, deaths, groups and ids of processes, and signals that
 * must interrupt a call a process is blocked in inside vfs. pm always
 * sendrecs vfs and vfs never sendrecs pm (it notifies, and pm pulls with
 * PM_SIGNAL_PULL), so the two can never wait on each other.
 *
 * Without vfs (the test images of pm and the POSIX suite), every function
 * here does nothing and pm keeps serving write() to descriptors 1 and 2.
 */
#include <proto/pm.h>
#include <proto/vfs.h>

#include "pm.h"

endpoint_t vfs = AX_NONE;

/* The file calls vfs serves, routed there when it exists. */
static const int vfs_calls[] = {VFS_POSIX_CALLS};

void vfs_init(endpoint_t *routes)
{
	vfs = ax_boot_endpoint("vfs");
	if (vfs == AX_NONE)
		return;
	for (unsigned i = 0; i < sizeof(vfs_calls) / sizeof(vfs_calls[0]); i++)
		routes[vfs_calls[i]] = vfs;
}

/*
 * Send vfs one request of proto/vfs.h (its struct, n bytes) and wait for the
 * answer, which comes back in *reply if given: i64[0], or -EIO when vfs
 * does not answer (logged). Without vfs: 0.
 */
int64_t vfs_request(int type, const void *rq, size_t n, ax_message *reply)
{
	ax_message m = {.type = type};
	int r;

	if (vfs == AX_NONE)
		return 0;
	memcpy(m.bytes, rq, n);
	if ((r = ax_sendrec(vfs, &m)) < 0) {
		ax_printf("pm: vfs does not answer request %#x (%d)\n", type, r);
		return -EIO;
	}
	if (reply)
		*reply = m;
	return m.i64[0];
}

/* A request about one process (struct vfs_proc_req). */
static int64_t tell(int type, const struct mproc *p, uint64_t value)
{
	struct vfs_proc_req rq = {p->ep, value};

	return vfs_request(type, &rq, sizeof(rq), 0);
}

int vfs_fork(const struct mproc *parent, const struct mproc *child)
{
	struct vfs_fork_req rq = {parent ? parent->ep : AX_NONE, child->ep};
	int64_t r = vfs_request(VFS_FORK, &rq, sizeof(rq), 0);

	if (r == 0) {
		vfs_setpgrp(child);
		vfs_setid(child);
	}
	return (int)r;
}

/* p's RLIMIT_NOFILE changed: vfs enforces it. */
void vfs_nofile(const struct mproc *p, uint64_t limit) { tell(VFS_NOFILE, p, limit); }

/* The wall clock moved (boot, settimeofday): files are stamped with it. */
void vfs_clock(int64_t realtime_offset)
{
	struct vfs_clock_req rq = {realtime_offset};

	vfs_request(VFS_CLOCK, &rq, sizeof(rq), 0);
}

/* p's ids and supplementary groups (vfs copies those from pm's memory). */
void vfs_setid(const struct mproc *p)
{
	struct vfs_setid_req rq = {p->ep, p->ruid, p->rgid, p->euid, p->egid, (uint64_t)p->ngroups,
				   (uint64_t)(uintptr_t)p->groups};

	vfs_request(VFS_SETID, &rq, sizeof(rq), 0);
}

void vfs_exec(const struct mproc *p) { tell(VFS_EXEC, p, 0); }
void vfs_exit(const struct mproc *p) { tell(VFS_EXIT, p, 0); }

void vfs_setpgrp(const struct mproc *p)
{
	struct vfs_setpgrp_req rq = {p->ep, p->pid, p->pgrp, p->sid};

	vfs_request(VFS_SETPGRP, &rq, sizeof(rq), 0);
}

/* A signal must take effect in p: the number of the vfs call it interrupted, or -1: none. */
int vfs_interrupt(const struct mproc *p)
{
	int64_t r = tell(VFS_INTERRUPT, p, 0);

	return r > 0 ? (int)r - 1 : -1;
}

/*
 * A server that may signal (vfs, the tty driver) notified pm: take every
 * signal it has queued. Job-control signals are refused, as Linux refuses
 * them, when the process ignores or blocks the signal.
 */
void signals_from(endpoint_t server)
{
	for (int n = 0; n < 256; n++) {
		ax_message m = {.type = PM_SIGNAL_PULL};
		const struct pm_signal_pull_reply *rp = (const void *)m.bytes;
		struct sig_info info = {.code = 0x80 /* SI_KERNEL */};
		struct mproc *p;
		int sig;

		if (ax_sendrec(server, &m) < 0 || rp->kind == PM_SIG_NONE)
			return;
		if (rp->kind == PM_SIG_MASK || rp->kind == PM_SIG_UNMASK) { /* ppoll, pselect6: only vfs asks */
			if (server != vfs || !(p = by_ep((endpoint_t)rp->target))) {
				ax_printf("pm: %d asked for a signal mask change of %ld: refused\n", server, rp->target);
				continue;
			}
			signal_call_mask(p, rp->kind == PM_SIG_MASK, rp->value);
			tell(VFS_MASK_DONE, p, 0);
			signal_recheck(p);
			continue;
		}
		sig = rp->value <= NSIG ? (int)rp->value : 0;
		if (sig <= 0) {
			ax_printf("pm: %d asked for signal %lu: refused\n", server, rp->value);
			continue;
		}
		switch (rp->kind) {
		case PM_SIG_PGRP:
			for (int i = 0; i < AX_NR_SLOTS; i++)
				if (procs[i].state == ALIVE && (int64_t)procs[i].pgrp == rp->target)
					post_signal(&procs[i], sig, &info);
			break;
		case PM_SIG_PROC:
			if ((p = by_ep((endpoint_t)rp->target)))
				post_signal(p, sig, &info);
			break;
		case PM_SIG_JOBCTL:
			if (!(p = by_ep((endpoint_t)rp->target)))
				break;
			if (signal_refused(p, sig)) {
				tell(VFS_JOBCTL_REFUSED, p, 0);
				break;
			}
			for (int i = 0; i < AX_NR_SLOTS; i++)
				if (procs[i].state == ALIVE && procs[i].pgrp == p->pgrp)
					post_signal(&procs[i], sig, &info);
			break;
		default:
			ax_printf("pm: %d answered PM_SIGNAL_PULL with kind %ld: refused\n", server, rp->kind);
			return;
		}
	}
}
