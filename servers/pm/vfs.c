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

static int64_t tell(int type, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	ax_message m = {.type = type, .u64 = {a, b, c, d}};
	int r;

	if (vfs == AX_NONE)
		return 0;
	if ((r = ax_sendrec(vfs, &m)) < 0) {
		ax_printf("pm: vfs does not answer (%d)\n", r);
		return r;
	}
	return m.i64[0];
}

static uint64_t ep_of(const struct mproc *p) { return (uint64_t)(int64_t)p->ep; }

int vfs_fork(const struct mproc *parent, const struct mproc *child)
{
	int64_t r = tell(VFS_FORK, parent ? ep_of(parent) : (uint64_t)(int64_t)AX_NONE, ep_of(child), 0, 0);

	if (r == 0) {
		vfs_setpgrp(child);
		vfs_setid(child);
	}
	return (int)r;
}

/* p's RLIMIT_NOFILE changed: vfs enforces it. */
void vfs_nofile(const struct mproc *p, uint64_t limit) { tell(VFS_NOFILE, ep_of(p), limit, 0, 0); }

/* The wall clock moved (boot, settimeofday): files are stamped with it. */
void vfs_clock(int64_t realtime_offset) { tell(VFS_CLOCK, (uint64_t)realtime_offset, 0, 0, 0); }

/* p's ids and supplementary groups (vfs copies those from pm's memory). */
void vfs_setid(const struct mproc *p)
{
	ax_message m = {.type = VFS_SETID,
			.u64 = {ep_of(p), p->ruid | (uint64_t)p->rgid << 32, p->euid | (uint64_t)p->egid << 32,
				(uint64_t)p->ngroups, (uint64_t)(uintptr_t)p->groups}};

	if (vfs != AX_NONE && ax_sendrec(vfs, &m) < 0)
		ax_printf("pm: vfs does not answer VFS_SETID\n");
}

void vfs_exec(const struct mproc *p) { tell(VFS_EXEC, ep_of(p), 0, 0, 0); }
void vfs_exit(const struct mproc *p) { tell(VFS_EXIT, ep_of(p), 0, 0, 0); }

void vfs_setpgrp(const struct mproc *p)
{
	tell(VFS_SETPGRP, ep_of(p), (uint64_t)p->pid, (uint64_t)p->pgrp, (uint64_t)p->sid);
}

/* A signal must take effect in p: the number of the vfs call it interrupted, or -1: none. */
int vfs_interrupt(const struct mproc *p)
{
	int64_t r = tell(VFS_INTERRUPT, ep_of(p), 0, 0, 0);

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
		struct sig_info info = {.code = 0x80 /* SI_KERNEL */};
		struct mproc *p;
		int sig;

		if (ax_sendrec(server, &m) < 0 || m.u64[0] == PM_SIG_NONE)
			return;
		if (m.u64[0] == PM_SIG_MASK || m.u64[0] == PM_SIG_UNMASK) { /* ppoll, pselect6: only vfs asks */
			if (server != vfs || !(p = by_ep((endpoint_t)m.i64[1]))) {
				ax_printf("pm: %d asked for a signal mask change of %ld: refused\n", server, m.i64[1]);
				continue;
			}
			signal_call_mask(p, m.u64[0] == PM_SIG_MASK, m.u64[2]);
			tell(VFS_MASK_DONE, ep_of(p), 0, 0, 0);
			signal_recheck(p);
			continue;
		}
		sig = (int)m.u64[2];
		if (sig <= 0 || sig > NSIG) {
			ax_printf("pm: %d asked for signal %d: refused\n", server, sig);
			continue;
		}
		switch (m.u64[0]) {
		case PM_SIG_PGRP:
			for (int i = 0; i < AX_NR_SLOTS; i++)
				if (procs[i].state == ALIVE && procs[i].pgrp == (int)m.u64[1])
					post_signal(&procs[i], sig, &info);
			break;
		case PM_SIG_PROC:
			if ((p = by_ep((endpoint_t)m.i64[1])))
				post_signal(p, sig, &info);
			break;
		case PM_SIG_JOBCTL:
			if (!(p = by_ep((endpoint_t)m.i64[1])))
				break;
			if (signal_refused(p, sig)) {
				tell(VFS_JOBCTL_REFUSED, ep_of(p), 0, 0, 0);
				break;
			}
			for (int i = 0; i < AX_NR_SLOTS; i++)
				if (procs[i].state == ALIVE && procs[i].pgrp == p->pgrp)
					post_signal(&procs[i], sig, &info);
			break;
		default:
			ax_printf("pm: %d answered PM_SIGNAL_PULL with kind %lu: refused\n", server, m.u64[0]);
			return;
		}
	}
}
