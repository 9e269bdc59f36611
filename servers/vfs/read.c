/*
 * Moving data: read, write, readv, writev, pread64, pwrite64, sendfile and
 * getdents64. A transfer goes in pieces to a pipe (pipe.c), a driver
 * (dev.c) or a file server, which copies straight to or from the caller's
 * buffer by a magic grant.
 */
#include <stdlib.h>

#include <proto/dev.h>
#include <proto/fs.h>

#include "vfs.h"

/*
 * A write by anyone but root clears set-user-id, and set-group-id if the
 * group may execute, as Linux (so a program cannot be changed and keep its
 * owner's powers). Asked when the open file's copy of the mode has them;
 * the mode changed is the file server's current one, and the copy follows.
 */
static void drop_setid_bits(struct vnode *v)
{
	struct fs_stat fst;
	uint32_t mode, kill;

	if (fs_stat(v, &fst) < 0)
		return;
	mode = fst.mode & 07777;
	kill = S_ISUID | ((mode & 010) ? S_ISGID : 0);
	if ((mode & kill) && fs_attr(FS_CHMOD, v, mode & ~kill) < 0)
		return;
	v->mode = (v->mode & S_IFMT) | (mode & ~kill);
}

/*
 * One piece of a transfer, len bytes at va, at the file's offset (at < 0)
 * or at `at`: bytes moved, -errno, or WOULD_WAIT (the call waits).
 */
static int64_t io_piece(struct vproc *p, int fd, struct open_file *f, uint64_t va, uint64_t len, int64_t at,
			bool write, bool nonblock)
{
	int idx = fd_index(p->fds, fd);
	uint64_t off;
	ax_message m;
	int64_t r;

	if (file_is_pipe(idx))
		return pipe_io(p, idx, va, len, write, nonblock); /* vfs copies itself: user_copy makes pages present */
	if (extra[idx].dev && extra[idx].major == MEM_MAJOR) {
		/*
		 * The memory devices move all that is asked, at once: a short
		 * count or EFAULT means the driver's copy met a page not present
		 * (a driver's copy cannot fault one in). Only then is vm asked
		 * to make the rest present, and the rest asked again.
		 */
		uint64_t pos = at < 0 ? f->offset : (uint64_t)at;

		if (write && !extra[idx].block && extra[idx].minor == MEM_MINOR_NULL)
			return (int64_t)len; /* /dev/null takes every write and keeps nothing: vfs answers at once, as
						Linux's never leaves its kernel (opens and reads still go to the driver) */
		r = dev_io(p, idx, va, len, pos, write, nonblock);
		if (r == -EFAULT || (r >= 0 && (uint64_t)r < len && len <= DEV_IO_MAX)) {
			int64_t done = r > 0 ? r : 0, more;

			if (io_owner == AX_NONE)
				touch(p->ep, va + (uint64_t)done, len - (uint64_t)done, !write);
			more = dev_io(p, idx, va + (uint64_t)done, len - (uint64_t)done, pos + (uint64_t)done, write, nonblock);
			r = more < 0 ? (done ? done : more) : done + more;
		}
		if (extra[idx].block && r > 0 && at < 0) /* a block device's offset moves as a file's */
			f->offset = pos + (uint64_t)r;
		return r;
	}
	if (extra[idx].dev) {
		if (io_owner == AX_NONE) /* a driver may keep the request: its pages must be there when it copies */
			touch(p->ep, va, len, !write);
		return dev_io(p, idx, va, len, at < 0 ? f->offset : (uint64_t)at, write, nonblock);
	}
	off = at < 0 ? f->offset : (uint64_t)at;
	if (write && (f->flags & O_APPEND)) {
		struct fs_stat fst;

		if ((r = fs_stat(&f->node, &fst)) < 0)
			return r;
		off = fst.size;
	}
	/*
	 * The server's copy cannot fault pages in. Most buffers are present
	 * (asking vm first would cost a call per page each time), so vfs tries
	 * at once, and only when the copy stopped short of what the file holds
	 * does it have vm make the rest present and try the rest again.
	 */
	{
		endpoint_t ep = fs_ep[f->node.fs];
		struct fs_io_reply rp = {0};
		uint64_t done = 0;

		for (int tries = 0; tries < 2; tries++) {
			struct fs_io_req rq = {.ino = f->node.ino, .offset = off + done, .len = len - done, .grant = G_USER,
					       .granter = ax_self, .pid = p->pid};
			bool fault;

			rq.now = wall_ns();
			set_grant(G_USER, AX_GRANT_READ | AX_GRANT_WRITE | AX_GRANT_MAGIC, ep, io_ep(p), (void *)(va + done),
				  len - done);
			r = fs_call(ep, write ? FS_WRITE : FS_READ, &rq, sizeof(rq), &m);
			revoke(G_USER);
			fs_unpack(&m, &rp, sizeof(rp));
			if (r > 0)
				done += (uint64_t)r;
			fault = r == -EFAULT || (r >= 0 && done < len && (write || off + done < rp.size));
			if (!fault || tries == 1)
				break;
			if (io_owner != AX_NONE)
				break; /* vfs's own buffer is always there */
			touch(p->ep, va + done, len - done, !write);
		}
		if (done)
			r = (int64_t)done;
	}
	if (r > 0 && at < 0) /* pread and pwrite leave the offset (pwrite with O_APPEND still appends, as on Linux) */
		f->offset = off + (uint64_t)r;
	if (write && r > 0 && p->cred.uid != 0 && (f->node.mode & (S_ISUID | S_ISGID)))
		drop_setid_bits(&f->node);
	return r;
}

struct iovec64 {
	uint64_t base, len;
};
#define IOV_MAX 1024
#define IO_MAX ((1ULL << 31) - PAGE) /* bytes one call moves at most, as Linux's MAX_RW_COUNT */
static struct iovec64 iovs[IOV_MAX]; /* readv and writev copy the vector here: 16 KiB, too much for the stack */

/*
 * read, write, readv, writev, pread64, pwrite64: the pieces in order. A
 * read answers as soon as it has something (later pieces do not wait); a
 * blocking write to a pipe waits until all of it is in. p->done says what
 * earlier runs of the same call moved (the call waited and runs again).
 */
static int64_t transfer(struct vproc *p, int fd, const struct iovec64 *v, int n, int64_t at, bool write)
{
	struct open_file *f = fd_file(&files, p->fds, fd);
	uint64_t total = p->done, skip = p->done;
	int acc;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	acc = f->flags & O_ACCMODE;
	if ((write && acc == O_RDONLY) || (!write && acc == O_WRONLY))
		return -EBADF;
	if (vnode_is_dir(&f->node))
		return -EISDIR;
	for (int i = 0; i < n && total < IO_MAX; i++) {
		uint64_t va = v[i].base, len = v[i].len;

		if (skip >= len) {
			skip -= len;
			continue;
		}
		va += skip, len -= skip, skip = 0;
		if (len > IO_MAX - total)
			len = IO_MAX - total;
		while (len) {
			bool nonblock = (f->flags & O_NONBLOCK) || (!write && total > 0);
			int64_t r = io_piece(p, fd, f, va, len, at < 0 ? -1 : at + (int64_t)total, write, nonblock);

			if (r == WOULD_WAIT) {
				p->done = total;
				return WOULD_WAIT;
			}
			if (r < 0)
				return total ? (int64_t)total : r;
			total += (uint64_t)r;
			if ((uint64_t)r == len)
				break;
			/* short: a read ends here; so does a write, but one into a pipe that may wait */
			if (!write || !file_is_pipe(fd_index(p->fds, fd)) || (f->flags & O_NONBLOCK) || r == 0)
				return (int64_t)total;
			va += (uint64_t)r, len -= (uint64_t)r;
		}
	}
	return (int64_t)total;
}

static int64_t rw(struct vproc *p, const ax_message *m, int64_t at, bool write)
{
	struct iovec64 one = {arg_ptr(m, 1), arg_ulong(m, 2)};

	if (one.len == 0) /* a read or write of nothing still checks the descriptor */
		return fd_file(&files, p->fds, arg_int(m, 0)) ? 0 : -EBADF;
	return transfer(p, arg_int(m, 0), &one, 1, at, write);
}

int64_t do_read(struct vproc *p, const ax_message *m) { return rw(p, m, -1, false); }
int64_t do_write(struct vproc *p, const ax_message *m) { return rw(p, m, -1, true); }

static int64_t rwv(struct vproc *p, const ax_message *m, bool write)
{
	uint64_t n = arg_ulong(m, 2), sum = 0;

	if (n > IOV_MAX)
		return -EINVAL;
	if (n && user_copy(p->ep, arg_ptr(m, 1), iovs, n * sizeof(iovs[0]), AX_COPY_FROM) < 0)
		return -EFAULT;
	for (uint64_t i = 0; i < n; i++) {
		if ((int64_t)iovs[i].len < 0 || (sum += iovs[i].len) > (uint64_t)INT64_MAX)
			return -EINVAL;
	}
	if (sum == 0)
		return fd_file(&files, p->fds, arg_int(m, 0)) ? 0 : -EBADF;
	return transfer(p, arg_int(m, 0), iovs, (int)n, -1, write);
}

int64_t do_readv(struct vproc *p, const ax_message *m) { return rwv(p, m, false); }
int64_t do_writev(struct vproc *p, const ax_message *m) { return rwv(p, m, true); }

static int64_t prw(struct vproc *p, const ax_message *m, bool write)
{
	struct open_file *f = fd_file(&files, p->fds, arg_int(m, 0));

	if (!f)
		return -EBADF;
	if (file_is_pipe(fd_index(p->fds, arg_int(m, 0))) || (extra[fd_index(p->fds, arg_int(m, 0))].dev &&
				  extra[fd_index(p->fds, arg_int(m, 0))].major != MEM_MAJOR))
		return -ESPIPE;
	if (arg_long(m, 3) < 0)
		return -EINVAL;
	return rw(p, m, arg_long(m, 3), write);
}

int64_t do_pread64(struct vproc *p, const ax_message *m) { return prw(p, m, false); }
int64_t do_pwrite64(struct vproc *p, const ax_message *m) { return prw(p, m, true); }

/*
 * sendfile: up to 64 KiB a call, from a regular file (at *offset, or its
 * own offset) through vfs's buffer for the process to any descriptor open
 * for writing, by the same path as write. Like Linux, a short count is an
 * answer, and the caller calls again.
 */
#define SENDFILE_CHUNK 65536
int64_t do_sendfile(struct vproc *p, const ax_message *m)
{
	int out = arg_int(m, 0), in = arg_int(m, 1);
	struct open_file *fi = fd_file(&files, p->fds, in), *fo = fd_file(&files, p->fds, out);
	uint64_t count = arg_ulong(m, 3), want;
	int64_t pos, got, r;
	int ii;

	if (!fi || !fo || (fi->flags & O_PATH) || (fo->flags & O_PATH))
		return -EBADF;
	if ((fi->flags & O_ACCMODE) == O_WRONLY || (fo->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	ii = fd_index(p->fds, in);
	if ((fi->node.mode & S_IFMT) != S_IFREG || file_is_pipe(ii) || extra[ii].dev || (fo->flags & O_APPEND))
		return -EINVAL;
	if (arg_ptr(m, 2)) {
		if (user_copy(p->ep, arg_ptr(m, 2), &pos, sizeof(pos), AX_COPY_FROM) < 0)
			return -EFAULT;
		if (pos < 0)
			return -EINVAL;
	} else {
		pos = (int64_t)fi->offset;
	}
	if (!count)
		return 0;
	if (!p->bounce && !(p->bounce = malloc(SENDFILE_CHUNK)))
		return -ENOMEM;
	if (p->retrying && p->done) { /* a terminal took the bytes it had kept: the last step */
		r = (int64_t)p->done;
		goto moved;
	}
	want = count < SENDFILE_CHUNK ? count : SENDFILE_CHUNK;
	{
		endpoint_t ep = fs_ep[fi->node.fs];
		struct fs_io_req rq = {.ino = fi->node.ino, .offset = (uint64_t)pos, .len = want, .grant = G_BUF,
				       .granter = ax_self, .pid = p->pid};
		ax_message fm;

		rq.now = wall_ns();
		set_grant(G_BUF, AX_GRANT_WRITE, ep, 0, p->bounce, want);
		got = fs_call(ep, FS_READ, &rq, sizeof(rq), &fm);
		revoke(G_BUF);
	}
	if (got <= 0)
		return got;
	io_owner = ax_self;
	r = io_piece(p, out, fo, (uint64_t)p->bounce, (uint64_t)got, -1, true, (fo->flags & O_NONBLOCK) != 0);
	io_owner = AX_NONE;
	if (r == WOULD_WAIT || r <= 0)
		return r;
moved:
	if (arg_ptr(m, 2)) {
		pos += r;
		if (user_copy(p->ep, arg_ptr(m, 2), &pos, sizeof(pos), AX_COPY_TO) < 0)
			return -EFAULT;
	} else {
		fi->offset += (uint64_t)r;
	}
	return r;
}

int64_t do_getdents64(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, arg_int(m, 0));
	uint64_t va = arg_ptr(m, 1), len = arg_uint(m, 2);
	struct fs_getdents_reply rp;
	ax_message r;
	int64_t n;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (!vnode_is_dir(&f->node))
		return -ENOTDIR;
	if (len > (1u << 20))
		len = 1u << 20;
	touch(p->ep, va, len, true);
	{
		endpoint_t ep = fs_ep[f->node.fs];
		struct fs_getdents_req rq = {.dir = f->node.ino, .cookie = f->offset, .len = len, .grant = G_USER,
					     .granter = ax_self};

		set_grant(G_USER, AX_GRANT_WRITE | AX_GRANT_MAGIC, ep, p->ep, (void *)va, len);
		n = fs_call(ep, FS_GETDENTS, &rq, sizeof(rq), &r);
		revoke(G_USER);
	}
	fs_unpack(&r, &rp, sizeof(rp));
	if (n > 0)
		f->offset = rp.cookie;
	return n;
}
