/*
 * Pipes, held by vfs itself: a ring of PIPE_SIZE bytes, and the number of
 * open files on each end. Each end is an open file whose vnode names the
 * pipe (file system PIPE_FS, inode = pipe number + 1), so descriptors,
 * dup, fork and close treat pipes like any other file. As on Linux: a
 * read of an empty pipe waits while a writer is left (none: end of file);
 * a write of at most PIPE_BUF bytes goes in whole or waits; a longer one
 * moves what fits and waits for the rest; a write with no reader left is
 * EPIPE and SIGPIPE.
 *
 * A named pipe (a FIFO inode of a file system) gets the pipe of its vnode
 * at its first open, and keeps it while any end is open (then its bytes go,
 * as on Linux). An open for reading waits for a writer, one for writing for
 * a reader (W_FIFO: the descriptor exists, its answer waits); with
 * O_NONBLOCK a reader opens at once and a writer without a reader gets
 * ENXIO; O_RDWR is both ends and never waits.
 */
#include <stdlib.h>
#include <string.h>

#include <proto/dev.h>
#include <proto/pm.h>

#include "vfs.h"

#define PIPE_MAX 128
#define PIPE_RESERVE 8 /* of them, only root may take */
#define PIPE_SIZE 65536 /* Linux's default capacity */
#define PIPE_BUF 4096   /* writes up to this many bytes are atomic */
#define SIGPIPE 13
#define FIONREAD 0x541b

struct pipe {
	bool used, named;
	struct vnode node; /* named: the FIFO's inode */
	uint8_t *buf;
	uint32_t head, count; /* the oldest byte, and how many there are */
	int readers, writers; /* open files on each end */
};
static struct pipe pipes[PIPE_MAX];

bool is_pipe(const struct vnode *v) { return v->fs == PIPE_FS && (v->mode & S_IFMT) == S_IFIFO; }

static struct pipe *pipe_of(int file, int *idx)
{
	uint64_t ino = extra[file].fifo ? (uint64_t)extra[file].fifo : files.f[file].node.ino;

	if (ino == 0 || ino > PIPE_MAX || !pipes[ino - 1].used)
		return 0;
	if (idx)
		*idx = (int)ino - 1;
	return &pipes[ino - 1];
}

/* What ends an open file holds: O_RDWR (named pipes only) holds both. */
static bool reader(int file) { return (files.f[file].flags & O_ACCMODE) != O_WRONLY; }
static bool writer(int file) { return (files.f[file].flags & O_ACCMODE) != O_RDONLY; }

/* Something changed in pipe idx: every call that waits on it runs again, and poll looks again. */
static void wake(int idx)
{
	struct vproc *p;

	for_each_blocked(i, p) {
		if (p->obj != idx)
			continue;
		if (p->wait == W_PIPE)
			retry(p);
		else if (p->wait == W_FIFO) { /* an open waiting for the other end */
			int file = fd_index(p->fds, p->fifo_fd);

			if (file >= 0 && ((reader(file) && pipes[idx].writers) || (writer(file) && pipes[idx].readers)))
				reply_later(p, p->fifo_fd);
		}
	}
	wake_pollers();
}

/* Copy n bytes between the ring (from position at) and the user. */
static int ring_copy(struct pipe *pp, uint32_t at, endpoint_t ep, uint64_t va, uint32_t n, int dir)
{
	uint32_t first = PIPE_SIZE - at < n ? PIPE_SIZE - at : n;

	if (user_copy(ep, va, pp->buf + at, first, dir) < 0)
		return -EFAULT;
	if (n > first && user_copy(ep, va + first, pp->buf, n - first, dir) < 0)
		return -EFAULT;
	return 0;
}

int64_t pipe_io(struct vproc *p, int file, uint64_t va, uint64_t len, bool write, bool nonblock)
{
	int idx;
	struct pipe *pp = pipe_of(file, &idx);
	uint32_t n;

	if (!pp)
		return -EBADF;
	if (!write) {
		if (pp->count == 0) {
			if (pp->writers == 0)
				return 0;
			if (nonblock)
				return -EAGAIN;
			p->wait = W_PIPE, p->obj = idx;
			return PIPE_WOULD_WAIT;
		}
		n = len < pp->count ? (uint32_t)len : pp->count;
		if (ring_copy(pp, pp->head, io_ep(p), va, n, AX_COPY_TO) < 0)
			return -EFAULT;
		pp->head = (pp->head + n) % PIPE_SIZE;
		pp->count -= n;
		wake(idx);
		return n;
	}
	if (pp->readers == 0) {
		queue_signal(PM_SIG_PROC, p->ep, SIGPIPE);
		return -EPIPE;
	}
	{
		uint32_t room = PIPE_SIZE - pp->count;

		if (room == 0 || (len <= PIPE_BUF && room < len)) {
			if (nonblock)
				return -EAGAIN;
			p->wait = W_PIPE, p->obj = idx;
			return PIPE_WOULD_WAIT;
		}
		n = len < room ? (uint32_t)len : room;
	}
	if (ring_copy(pp, (pp->head + pp->count) % PIPE_SIZE, io_ep(p), va, n, AX_COPY_FROM) < 0)
		return -EFAULT;
	pp->count += n;
	wake(idx);
	return n;
}

uint32_t pipe_events(int file)
{
	struct pipe *pp = pipe_of(file, 0);

	if (!pp)
		return DEV_POLLERR;
	{
		uint32_t ev = 0;

		if (reader(file))
			ev |= (pp->count ? DEV_POLLIN : 0) | (pp->writers ? 0 : DEV_POLLHUP);
		if (writer(file))
			ev |= (PIPE_SIZE - pp->count >= PIPE_BUF ? DEV_POLLOUT : 0) | (pp->readers ? 0 : DEV_POLLERR);
		return ev;
	}
}

int64_t pipe_ioctl(struct vproc *p, int file, uint64_t cmd, uint64_t arg)
{
	struct pipe *pp = pipe_of(file, 0);
	int32_t n;

	if (!pp)
		return -EBADF;
	if (cmd != FIONREAD)
		return -ENOTTY;
	n = (int32_t)pp->count;
	return user_copy(p->ep, arg, &n, sizeof(n), AX_COPY_TO);
}

/* The last reference to one end went. */
void pipe_release(int file, const struct open_file *f)
{
	int idx;
	struct pipe *pp;

	(void)f;
	if (!(pp = pipe_of(file, &idx)))
		return;
	if (reader(file))
		pp->readers--;
	if (writer(file))
		pp->writers--;
	if (pp->readers == 0 && pp->writers == 0) {
		free(pp->buf);
		*pp = (struct pipe){0};
		return;
	}
	wake(idx); /* readers see the end of file, writers EPIPE */
}

/*
 * A free pipe for p, or -1. The last PIPE_RESERVE are root's: a user who
 * takes every pipe it can still leaves root's shell its pipelines.
 */
static int free_pipe(const struct vproc *p)
{
	int used = 0, idx = -1;

	for (int i = 0; i < PIPE_MAX; i++) {
		if (pipes[i].used)
			used++;
		else if (idx < 0)
			idx = i;
	}
	return p->cred.uid != 0 && used >= PIPE_MAX - PIPE_RESERVE ? -1 : idx;
}

/* The open of a named pipe (its permissions checked): a descriptor, or WOULD_WAIT (W_FIFO), or -errno. */
int64_t fifo_open(struct vproc *p, const struct vnode *node, uint32_t flags)
{
	int idx = -1, fd, file, acc = flags & O_ACCMODE;
	bool fresh = false;

	for (int i = 0; i < PIPE_MAX && idx < 0; i++)
		if (pipes[i].used && pipes[i].named && vnode_same(&pipes[i].node, node))
			idx = i;
	if (idx < 0 && acc == O_WRONLY && (flags & O_NONBLOCK))
		return -ENXIO; /* no reader can be there */
	if (idx >= 0 && acc == O_WRONLY && (flags & O_NONBLOCK) && !pipes[idx].readers)
		return -ENXIO;
	if (idx < 0 && (idx = free_pipe(p)) >= 0)
		fresh = true;
	if (idx < 0)
		return -ENFILE;
	if (fresh) {
		if (!(pipes[idx].buf = malloc(PIPE_SIZE)))
			return -ENOMEM;
		pipes[idx] = (struct pipe){.used = true, .named = true, .node = *node, .buf = pipes[idx].buf};
	}
	if ((fd = fd_open(&files, p->fds, node, flags & ~(uint32_t)(O_CREAT | O_EXCL | O_TRUNC), p->cred.uid == 0)) < 0) {
		if (fresh) {
			free(pipes[idx].buf);
			pipes[idx] = (struct pipe){0};
		}
		return fd;
	}
	file = fd_index(p->fds, fd);
	extra[file] = (struct file_extra){.fifo = idx + 1};
	vnode_hold(node);
	if (reader(file))
		pipes[idx].readers++;
	if (writer(file))
		pipes[idx].writers++;
	wake(idx); /* an end that waited for this one opens now */
	if (acc == O_RDONLY && !pipes[idx].writers && !(flags & O_NONBLOCK)) {
		p->wait = W_FIFO, p->obj = idx, p->fifo_fd = fd;
		return WOULD_WAIT;
	}
	if (acc == O_WRONLY && !pipes[idx].readers) {
		p->wait = W_FIFO, p->obj = idx, p->fifo_fd = fd;
		return WOULD_WAIT;
	}
	return fd;
}

int64_t do_pipe2(struct vproc *p, const ax_message *m)
{
	uint32_t flags = arg_uint(m, 1);
	int idx = -1, fd[2];
	struct vnode node;

	if (flags & ~(uint32_t)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if ((idx = free_pipe(p)) < 0)
		return -ENFILE;
	if (!(pipes[idx].buf = malloc(PIPE_SIZE)))
		return -ENOMEM;
	pipes[idx].used = true;
	node = (struct vnode){PIPE_FS, (uint64_t)idx + 1, S_IFIFO | 0600, p->cred.uid, p->cred.gid};
	if ((fd[0] = fd_open(&files, p->fds, &node, O_RDONLY | (flags & O_NONBLOCK), p->cred.uid == 0)) < 0) {
		free(pipes[idx].buf);
		pipes[idx] = (struct pipe){0};
		return fd[0];
	}
	pipes[idx].readers = 1;
	if ((fd[1] = fd_open(&files, p->fds, &node, O_WRONLY | (flags & O_NONBLOCK), p->cred.uid == 0)) < 0) {
		fd_close(&files, p->fds, fd[0]); /* the last end: the pipe goes */
		return fd[1];
	}
	pipes[idx].writers = 1;
	if (flags & O_CLOEXEC) {
		fd_setfd(p->fds, fd[0], FD_CLOEXEC);
		fd_setfd(p->fds, fd[1], FD_CLOEXEC);
	}
	if (user_copy(p->ep, arg_ptr(m, 0), fd, sizeof(fd), AX_COPY_TO) < 0) {
		fd_close(&files, p->fds, fd[0]);
		fd_close(&files, p->fds, fd[1]);
		return -EFAULT;
	}
	return 0;
}

int64_t do_pipe(struct vproc *p, const ax_message *m)
{
	return do_pipe2(p, &(ax_message){.u64 = {arg_ptr(m, 0), 0}});
}
