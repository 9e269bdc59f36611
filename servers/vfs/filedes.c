/*
 * Calls on descriptors themselves: dup, dup2, dup3, fcntl and ioctl (the
 * descriptor table's rules are fdtable.c's; record locks are lock.c's).
 */
#include <proto/fs.h>

#include "vfs.h"

int64_t do_dup(struct vproc *p, const ax_message *m) { return fd_dupfd(&files, p->fds, arg_int(m, 0), 0, false); }
int64_t do_dup2(struct vproc *p, const ax_message *m)
{
	return fd_dup2(&files, p->fds, arg_int(m, 0), arg_int(m, 1));
}
int64_t do_dup3(struct vproc *p, const ax_message *m)
{
	return fd_dup3(&files, p->fds, arg_int(m, 0), arg_int(m, 1), arg_uint(m, 2));
}

int64_t do_fcntl(struct vproc *p, const ax_message *m)
{
	int fd = arg_int(m, 0);

	switch (arg_int(m, 1)) {
	case F_DUPFD: return fd_dupfd(&files, p->fds, fd, arg_int(m, 2), false);
	case F_DUPFD_CLOEXEC: return fd_dupfd(&files, p->fds, fd, arg_int(m, 2), true);
	case F_GETFD: return fd_getfd(p->fds, fd);
	case F_SETFD: return fd_setfd(p->fds, fd, arg_int(m, 2));
	case F_GETFL: return fd_getfl(&files, p->fds, fd);
	case F_SETFL: return fd_setfl(&files, p->fds, fd, arg_uint(m, 2));
	case 5: case 6: case 7: { /* F_GETLK, F_SETLK, F_SETLKW: lock.c */
		struct open_file *f = fd_file(&files, p->fds, fd);
		struct fs_stat fst;
		uint64_t size = 0;

		if (f && !is_pipe(&f->node) && !extra[fd_index(p->fds, fd)].dev && fs_stat(&f->node, &fst) == 0)
			size = fst.size;
		return lock_fcntl(p, fd, arg_int(m, 1), arg_ptr(m, 2), size);
	}
	default: return fd_file(&files, p->fds, fd) ? -EINVAL : -EBADF;
	}
}

/* ioctl: the descriptor's own (FIONBIO, FIOCLEX, FIONCLEX), else its pipe's or driver's. */
int64_t do_ioctl(struct vproc *p, const ax_message *m)
{
	int fd = arg_int(m, 0), idx;
	uint32_t cmd = arg_uint(m, 1);
	struct open_file *f = fd_file(&files, p->fds, fd);
	int32_t v;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	idx = fd_index(p->fds, fd);
	switch (cmd) {
	case 0x5421: /* FIONBIO */
		if (user_copy(p->ep, arg_ptr(m, 2), &v, sizeof(v), AX_COPY_FROM) < 0)
			return -EFAULT;
		f->flags = v ? f->flags | O_NONBLOCK : f->flags & ~(uint32_t)O_NONBLOCK;
		return 0;
	case 0x5451: return fd_setfd(p->fds, fd, FD_CLOEXEC); /* FIOCLEX */
	case 0x5450: return fd_setfd(p->fds, fd, 0);          /* FIONCLEX */
	}
	if (file_is_pipe(idx))
		return pipe_ioctl(p, idx, cmd, arg_ptr(m, 2));
	if (extra[idx].dev)
		return dev_ioctl(p, idx, cmd, arg_ptr(m, 2));
	if (cmd == 0x541b && (f->node.mode & S_IFMT) == S_IFREG) { /* FIONREAD: what is left to read */
		struct fs_stat fst;
		int64_t r = fs_stat(&f->node, &fst);

		if (r < 0)
			return r;
		v = fst.size > f->offset ? (int32_t)(fst.size - f->offset > INT32_MAX ? INT32_MAX : fst.size - f->offset) : 0;
		return user_copy(p->ep, arg_ptr(m, 2), &v, sizeof(v), AX_COPY_TO);
	}
	return -ENOTTY;
}
