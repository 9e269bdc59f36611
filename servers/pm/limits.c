/*
 * Resource limits: kept per process, inherited across fork and exec, with
 * Linux's defaults. pm enforces RLIMIT_STACK (the stack vm lets a new
 * program grow) and RLIMIT_NPROC (fork); vfs enforces RLIMIT_NOFILE (told at each change); the
 * file servers will enforce RLIMIT_FSIZE.
 */
#include <proto/vm.h>

#include "pm.h"

#define INF UINT64_MAX
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define STACK_MAX (1ULL << 30) /* the room below the stack top vm can give a stack */
/*
 * RLIMIT_NPROC's default, as Linux sets it: half the processes the system
 * can hold (vfs keeps descriptor tables for 128 POSIX processes), so that
 * one user's fork bomb leaves room for root and everyone else.
 */
#define NPROC_DEFAULT 64

void limits_default(struct mproc *p)
{
	for (int i = 0; i < NR_RLIMITS; i++)
		p->rlim[i] = (struct rlimit64){INF, INF};
	p->rlim[RLIMIT_STACK] = (struct rlimit64){8ULL << 20, INF};
	p->rlim[RLIMIT_CORE] = (struct rlimit64){0, INF};
	p->rlim[RLIMIT_NPROC] = (struct rlimit64){NPROC_DEFAULT, NPROC_DEFAULT};
	p->rlim[RLIMIT_NOFILE] = (struct rlimit64){1024, 4096};
	p->rlim[RLIMIT_MEMLOCK] = (struct rlimit64){8ULL << 20, 8ULL << 20};
	p->rlim[RLIMIT_SIGPENDING] = (struct rlimit64){NSIG, NSIG};
	p->rlim[RLIMIT_MSGQUEUE] = (struct rlimit64){819200, 819200};
	p->rlim[RLIMIT_NICE] = (struct rlimit64){0, 0};
	p->rlim[RLIMIT_RTPRIO] = (struct rlimit64){0, 0};
}

/*
 * fork's RLIMIT_NPROC check, as Linux's: a user other than root may not
 * own (as real uid) as many processes as its limit, zombies included, so a
 * fork bomb stops there and root keeps room to act.
 */
bool nproc_reached(const struct mproc *p)
{
	uint64_t n = 0;

	if (p->ruid == 0)
		return false;
	for (int i = 0; i < AX_NR_SLOTS; i++)
		n += procs[i].state != FREE && procs[i].ruid == p->ruid;
	return n >= p->rlim[RLIMIT_NPROC].cur;
}

/* How far a new program's stack may grow. */
uint64_t stack_limit(const struct mproc *p)
{
	uint64_t lim = p->rlim[RLIMIT_STACK].cur;

	return lim < (128ULL << 10) ? 128ULL << 10 : lim > STACK_MAX ? STACK_MAX : lim & ~4095ULL;
}

/*
 * May self read and set p's limits? Its own, or root's view of anyone's;
 * another process's only with the same ids all round (Linux's
 * check_prlimit_permission: self's real uid is p's real, effective and
 * saved uid, and the same for the gids).
 */
static bool may_touch_limits(const struct mproc *self, const struct mproc *p)
{
	if (self == p || self->euid == 0)
		return true;
	return self->ruid == p->ruid && self->ruid == p->euid && self->ruid == p->suid && self->rgid == p->rgid &&
	       self->rgid == p->egid && self->rgid == p->sgid;
}

#define NR_OPEN_MAX 1048576 /* Linux's fs.nr_open: RLIMIT_NOFILE's hard limit may not pass it */

/* prlimit64's core: read the old limit, then set the new one. Raising a hard limit is root's alone. */
static int64_t limit(struct mproc *self, int pid, uint64_t resource, uint64_t new_ptr, uint64_t old_ptr)
{
	struct mproc *p = pid == 0 ? self : by_pid(pid);
	struct rlimit64 old, nw;

	if (!p || p->state != ALIVE)
		return -ESRCH;
	if (resource >= NR_RLIMITS)
		return -EINVAL;
	if (!may_touch_limits(self, p))
		return -EPERM;
	old = p->rlim[resource];
	if (new_ptr) {
		if (user_copy(self->ep, new_ptr, &nw, sizeof(nw), AX_COPY_FROM) < 0)
			return -EFAULT;
		if (nw.cur > nw.max)
			return -EINVAL;
		if ((nw.max > old.max && self->euid != 0) || (resource == RLIMIT_NOFILE && nw.max > NR_OPEN_MAX))
			return -EPERM;
	}
	if (old_ptr && user_copy(self->ep, old_ptr, &old, sizeof(old), AX_COPY_TO) < 0)
		return -EFAULT;
	if (new_ptr) {
		p->rlim[resource] = nw;
		if (resource == RLIMIT_NOFILE)
			vfs_nofile(p, nw.cur);
		if (resource == RLIMIT_STACK) /* growth from now on; exec uses it for the new program too */
			vm_proc(VM_STACK_LIMIT, p->ep, nw.cur < 4096 ? 4096 : nw.cur > STACK_MAX ? STACK_MAX : nw.cur);
	}
	return 0;
}

int64_t do_getrlimit(struct mproc *p, const ax_message *m)
{
	if (!arg_ptr(m, 1))
		return -EFAULT;
	return limit(p, 0, arg_uint(m, 0), 0, arg_ptr(m, 1));
}

int64_t do_setrlimit(struct mproc *p, const ax_message *m)
{
	if (!arg_ptr(m, 1))
		return -EFAULT;
	return limit(p, 0, arg_uint(m, 0), arg_ptr(m, 1), 0);
}

int64_t do_prlimit64(struct mproc *p, const ax_message *m)
{
	return limit(p, arg_int(m, 0), arg_uint(m, 1), arg_ptr(m, 2), arg_ptr(m, 3));
}
