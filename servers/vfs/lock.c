/*
 * File locks, as Linux keeps them: POSIX record locks (fcntl F_GETLK,
 * F_SETLK, F_SETLKW), owned by a process, over byte ranges of a file, let
 * go when the process closes any descriptor of the file or ends; and BSD
 * locks (flock), owned by an open file, over the whole file, let go when the
 * open file's last descriptor closes. The two kinds do not see each other.
 * A lock request that must wait (F_SETLKW, flock without LOCK_NB) waits in
 * vfs (W_LOCK) and runs again whenever a lock goes; a signal interrupts it
 * (-ERESTARTSYS: restarted after a handler with SA_RESTART, as Linux). No
 * deadlock detection: two processes waiting on each other wait until a
 * signal ends one of them.
 */
#include <string.h>

#include "vfs.h"

#define LOCK_MAX 256
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
#define EDEADLK 35
#define ENOLCK 37
#define WHOLE UINT64_MAX

struct lock {
	bool used, bsd;     /* bsd: flock's, owned by open file `owner`; else fcntl's, by process `owner` (a pid) */
	int owner;
	struct vnode node;
	uint64_t start, end; /* [start, end); end WHOLE: to the end of the file, however it grows */
	int type;            /* F_RDLCK, F_WRLCK */
};
static struct lock locks[LOCK_MAX];
static int locks_used; /* entries in use: with none (the usual case), a close scans nothing */

/* Linux's struct flock (x86_64). */
struct linux_flock {
	int16_t l_type, l_whence;
	int32_t pad;
	int64_t l_start, l_len;
	int32_t l_pid, pad2;
};

static bool overlaps(const struct lock *l, uint64_t start, uint64_t end) { return l->start < end && start < l->end; }

/* The first lock of another owner (same kind) that a lock of type over [start, end) would clash with. */
static struct lock *conflict(const struct vnode *v, bool bsd, int owner, int type, uint64_t start, uint64_t end)
{
	for (int i = 0; i < LOCK_MAX; i++) {
		struct lock *l = &locks[i];

		if (l->used && l->bsd == bsd && l->owner != owner && vnode_same(&l->node, v) && overlaps(l, start, end) &&
		    (type == F_WRLCK || l->type == F_WRLCK))
			return l;
	}
	return 0;
}

/* Keep lock l in a free entry (set_range counted that there is one). */
static void add_lock(struct lock l)
{
	for (int i = 0; i < LOCK_MAX; i++) {
		if (!locks[i].used) {
			locks[i] = l;
			locks_used++;
			return;
		}
	}
}

static void drop_lock(struct lock *l)
{
	l->used = false;
	locks_used--;
}

/* Something was unlocked: the lock requests that wait run again. */
static void wake_lockers(void)
{
	struct vproc *p;

	for_each_blocked(i, p)
		if (p->wait == W_LOCK)
			retry(p);
}

/*
 * Owner's locks of v over [start, end) become type (F_UNLCK: none); the
 * parts of its locks outside the range stay as they were. 0, or -ENOLCK
 * when the table has no room for the pieces.
 */
static int set_range(const struct vnode *v, bool bsd, int owner, int type, uint64_t start, uint64_t end)
{
	int spare = 0, need = type == F_UNLCK ? 0 : 1;
	bool released = false;

	for (int i = 0; i < LOCK_MAX; i++) { /* room first: a split makes one lock two */
		struct lock *l = &locks[i];

		if (!l->used)
			spare++;
		else if (l->bsd == bsd && l->owner == owner && vnode_same(&l->node, v) && l->start < start && l->end > end)
			need++;
	}
	if (spare < need)
		return -ENOLCK;
	for (int i = 0; i < LOCK_MAX; i++) {
		struct lock *l = &locks[i], left, right;

		if (!l->used || l->bsd != bsd || l->owner != owner || !vnode_same(&l->node, v) || !overlaps(l, start, end))
			continue;
		left = right = *l;
		left.end = start, right.start = end;
		drop_lock(l);
		released = true;
		if (left.start < left.end)
			add_lock(left);
		if (right.start < right.end)
			add_lock(right);
	}
	if (type != F_UNLCK)
		add_lock((struct lock){true, bsd, owner, *v, start, end, type});
	if (released)
		wake_lockers();
	return 0;
}

/* The range a struct flock names, from its whence; -EINVAL if it reaches below 0. */
static int flock_range(const struct linux_flock *fl, const struct open_file *f, uint64_t size, uint64_t *start,
		       uint64_t *end)
{
	int64_t base, s, len = fl->l_len;

	switch (fl->l_whence) {
	case 0: base = 0; break;
	case 1: base = (int64_t)f->offset; break;
	case 2: base = (int64_t)size; break;
	default: return -EINVAL;
	}
	s = base + fl->l_start;
	if (len < 0) { /* the len bytes before start */
		s += len;
		len = -len;
	}
	if (s < 0)
		return -EINVAL;
	*start = (uint64_t)s;
	*end = len == 0 || (uint64_t)len > WHOLE - (uint64_t)s ? WHOLE : (uint64_t)s + (uint64_t)len;
	return 0;
}

/* fcntl's F_GETLK, F_SETLK, F_SETLKW on descriptor fd of p (size: the file's, for SEEK_END). */
int64_t lock_fcntl(struct vproc *p, int fd, int cmd, uint64_t arg, uint64_t size)
{
	struct open_file *f = fd_file(&files, p->fds, fd);
	struct linux_flock fl;
	struct lock *c;
	uint64_t start, end;
	int r, acc;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (user_copy(p->ep, arg, &fl, sizeof(fl), AX_COPY_FROM) < 0)
		return -EFAULT;
	if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK && fl.l_type != F_UNLCK)
		return -EINVAL;
	if ((r = flock_range(&fl, f, size, &start, &end)) < 0)
		return r;
	if (cmd == F_GETLK) {
		if (fl.l_type == F_UNLCK)
			return -EINVAL;
		if ((c = conflict(&f->node, false, p->pid, fl.l_type, start, end))) {
			fl.l_type = (int16_t)c->type, fl.l_whence = 0;
			fl.l_start = (int64_t)c->start;
			fl.l_len = c->end == WHOLE ? 0 : (int64_t)(c->end - c->start);
			fl.l_pid = c->owner;
		} else {
			fl.l_type = F_UNLCK;
		}
		return user_copy(p->ep, arg, &fl, sizeof(fl), AX_COPY_TO);
	}
	acc = f->flags & O_ACCMODE;
	if ((fl.l_type == F_RDLCK && acc == O_WRONLY) || (fl.l_type == F_WRLCK && acc == O_RDONLY))
		return -EBADF;
	if (fl.l_type != F_UNLCK && conflict(&f->node, false, p->pid, fl.l_type, start, end)) {
		if (cmd == F_SETLK)
			return -EAGAIN;
		p->wait = W_LOCK;
		return WOULD_WAIT;
	}
	return set_range(&f->node, false, p->pid, fl.l_type, start, end);
}

/* flock(2): the open file's lock on the whole file. */
int64_t do_flock(struct vproc *p, const ax_message *m)
{
	int fd = arg_int(m, 0), op = arg_int(m, 1), type, file;
	struct open_file *f = fd_file(&files, p->fds, fd);

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	switch (op & ~LOCK_NB) {
	case LOCK_SH: type = F_RDLCK; break;
	case LOCK_EX: type = F_WRLCK; break;
	case LOCK_UN: type = F_UNLCK; break;
	default: return -EINVAL;
	}
	file = fd_index(p->fds, fd);
	if (type != F_UNLCK && conflict(&f->node, true, file, type, 0, WHOLE)) {
		if (op & LOCK_NB)
			return -EAGAIN; /* EWOULDBLOCK */
		p->wait = W_LOCK;
		return WOULD_WAIT;
	}
	return set_range(&f->node, true, file, type, 0, WHOLE);
}

/* Process pid closed a descriptor of v (or ended): its record locks on v go (all files: v NULL). */
void lock_release_process(int pid, const struct vnode *v)
{
	bool released = false;

	for (int i = 0; i < LOCK_MAX && locks_used; i++) {
		struct lock *l = &locks[i];

		if (l->used && !l->bsd && l->owner == pid && (!v || vnode_same(&l->node, v))) {
			drop_lock(l);
			released = true;
		}
	}
	if (released)
		wake_lockers();
}

/* Open file `file` is gone: its flock lock goes. */
void lock_release_file(int file)
{
	bool released = false;

	for (int i = 0; i < LOCK_MAX && locks_used; i++) {
		if (locks[i].used && locks[i].bsd && locks[i].owner == file) {
			drop_lock(&locks[i]);
			released = true;
		}
	}
	if (released)
		wake_lockers();
}
