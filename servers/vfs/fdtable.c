/*
 * Descriptor tables and the open-file table (fdtable.h). Every operation
 * checks all it needs before it changes anything: a refused call leaves the
 * tables as they were.
 */
#include "fdtable.h"

#include <string.h>

_Static_assert(FILE_MAX < UINT16_MAX, "open-file indexes + 1 fit a descriptor's uint16_t");

/* What an open file keeps of open(2)'s flags; what F_SETFL may change. */
#define KEPT_FLAGS                                                                                                     \
	(O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | O_SYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW |    \
	 O_NOATIME | O_PATH)
#define SETFL_FLAGS (O_APPEND | O_NONBLOCK)

void files_init(struct file_table *ft, int limit, file_release_fn *release, void *arg)
{
	memset(ft, 0, sizeof(*ft));
	ft->limit = limit < 0 ? 0 : limit > FILE_MAX ? FILE_MAX : limit;
	ft->release = release;
	ft->arg = arg;
}

void fd_table_init(struct fd_table *t, uint32_t nofile)
{
	memset(t, 0, sizeof(*t));
	t->nofile = nofile;
}

void fd_set_nofile(struct fd_table *t, uint32_t nofile)
{
	t->nofile = nofile;
}

/* Descriptors usable in t: its limit, capped at the table's size. */
static int fd_room(const struct fd_table *t)
{
	return t->nofile < FD_MAX ? (int)t->nofile : FD_MAX;
}

void file_hold(struct file_table *ft, int file)
{
	if (file >= 0 && file < FILE_MAX && ft->f[file].refs > 0)
		ft->f[file].refs++;
}

void file_drop(struct file_table *ft, int file)
{
	if (file < 0 || file >= FILE_MAX || ft->f[file].refs <= 0)
		return;
	struct open_file *f = &ft->f[file];
	if (--f->refs > 0)
		return;
	if (ft->release)
		ft->release(ft->arg, file, f);
	memset(f, 0, sizeof(*f));
	ft->used--;
}

int fd_index(const struct fd_table *t, int fd)
{
	if (fd < 0 || fd >= FD_MAX || t->fd[fd].file == 0)
		return -EBADF;
	return t->fd[fd].file - 1;
}

struct open_file *fd_file(struct file_table *ft, const struct fd_table *t, int fd)
{
	int file = fd_index(t, fd);
	return file < 0 ? NULL : &ft->f[file];
}

/* The lowest closed descriptor at or above min and below the limit, or -EMFILE. */
static int lowest_free(const struct fd_table *t, int min)
{
	for (int fd = min; fd < fd_room(t); fd++)
		if (t->fd[fd].file == 0)
			return fd;
	return -EMFILE;
}

/* Point fd (closed) at file, which gains a reference. */
static void install(struct file_table *ft, struct fd_table *t, int fd, int file, bool cloexec)
{
	ft->f[file].refs++;
	t->fd[fd].file = (uint16_t)(file + 1);
	if ((uint32_t)fd >= t->high)
		t->high = (uint32_t)fd + 1;
	t->fd[fd].flags = cloexec ? FD_CLOEXEC : 0;
}

int fd_open(struct file_table *ft, struct fd_table *t, const struct vnode *node, uint32_t oflags, bool privileged)
{
	int fd = lowest_free(t, 0);
	if (fd < 0)
		return fd;
	if (ft->used >= ft->limit - (privileged ? 0 : ft->limit / 64))
		return -ENFILE;
	int file = 0;
	while (ft->f[file].refs > 0) /* used < limit <= FILE_MAX: a free entry exists */
		file++;
	/* as Linux: O_PATH keeps only its own flags, and gets no O_LARGEFILE */
	uint32_t kept =
	    oflags & O_PATH ? oflags & (O_PATH | O_DIRECTORY | O_NOFOLLOW) : (oflags & KEPT_FLAGS) | O_LARGEFILE;
	ft->f[file] = (struct open_file){.flags = kept, .node = *node};
	ft->used++;
	install(ft, t, fd, file, oflags & O_CLOEXEC);
	return fd;
}

int fd_close(struct file_table *ft, struct fd_table *t, int fd)
{
	int file = fd_index(t, fd);
	if (file < 0)
		return file;
	t->fd[fd].file = 0;
	t->fd[fd].flags = 0;
	while (t->high && !t->fd[t->high - 1].file)
		t->high--;
	file_drop(ft, file);
	return 0;
}

int fd_dupfd(struct file_table *ft, struct fd_table *t, int fd, int min, bool cloexec)
{
	int file = fd_index(t, fd);
	if (file < 0)
		return file;
	if (min < 0 || (uint32_t)min >= t->nofile)
		return -EINVAL;
	int newfd = lowest_free(t, min);
	if (newfd < 0)
		return newfd;
	install(ft, t, newfd, file, cloexec);
	return newfd;
}

/* dup2 and dup3 once their own checks are done: oldfd != newfd. */
static int dup_onto(struct file_table *ft, struct fd_table *t, int oldfd, int newfd, bool cloexec)
{
	if (newfd < 0 || newfd >= fd_room(t))
		return -EBADF;
	int file = fd_index(t, oldfd);
	if (file < 0)
		return file;
	int old = fd_index(t, newfd);
	t->fd[newfd].file = 0;
	install(ft, t, newfd, file, cloexec);
	if (old >= 0)
		file_drop(ft, old); /* newfd's old file; if it is oldfd's too, oldfd keeps it alive */
	return newfd;
}

int fd_dup2(struct file_table *ft, struct fd_table *t, int oldfd, int newfd)
{
	if (oldfd == newfd)
		return fd_index(t, oldfd) < 0 ? -EBADF : newfd;
	return dup_onto(ft, t, oldfd, newfd, false);
}

int fd_dup3(struct file_table *ft, struct fd_table *t, int oldfd, int newfd, uint32_t flags)
{
	if ((flags & ~(uint32_t)O_CLOEXEC) || oldfd == newfd)
		return -EINVAL;
	return dup_onto(ft, t, oldfd, newfd, flags & O_CLOEXEC);
}

int fd_getfd(const struct fd_table *t, int fd)
{
	if (fd_index(t, fd) < 0)
		return -EBADF;
	return t->fd[fd].flags;
}

int fd_setfd(struct fd_table *t, int fd, int flags)
{
	if (fd_index(t, fd) < 0)
		return -EBADF;
	t->fd[fd].flags = (uint16_t)(flags & FD_CLOEXEC);
	return 0;
}

int fd_getfl(struct file_table *ft, const struct fd_table *t, int fd)
{
	struct open_file *f = fd_file(ft, t, fd);
	return f ? (int)f->flags : -EBADF;
}

int fd_setfl(struct file_table *ft, struct fd_table *t, int fd, uint32_t flags)
{
	struct open_file *f = fd_file(ft, t, fd);
	if (!f)
		return -EBADF;
	f->flags = (f->flags & ~(uint32_t)SETFL_FLAGS) | (flags & SETFL_FLAGS);
	return 0;
}

void fd_fork(struct file_table *ft, const struct fd_table *parent, struct fd_table *child)
{
	if (child == parent)
		return;
	fd_close_all(ft, child);
	for (uint32_t fd = 0; fd < parent->high; fd++) {
		child->fd[fd] = parent->fd[fd];
		if (parent->fd[fd].file)
			ft->f[parent->fd[fd].file - 1].refs++;
	}
	child->high = parent->high;
	child->nofile = parent->nofile;
}

void fd_exec(struct file_table *ft, struct fd_table *t)
{
	for (int fd = (int)t->high - 1; fd >= 0; fd--)
		if (t->fd[fd].file && (t->fd[fd].flags & FD_CLOEXEC))
			fd_close(ft, t, fd);
}

void fd_close_all(struct file_table *ft, struct fd_table *t)
{
	for (int fd = (int)t->high - 1; fd >= 0; fd--)
		if (t->fd[fd].file)
			fd_close(ft, t, fd);
}
