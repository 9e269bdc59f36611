/*
 * Opening and creating: open, openat, creat, mknod, mkdir, close, lseek,
 * and what happens when an open file's last reference goes.
 */
#include <proto/dev.h>
#include <proto/fs.h>

#include "held.h"
#include "vfs.h"

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

static int64_t open_common(struct vproc *p, int dirfd, uint64_t path_va, uint32_t flags, uint32_t mode)
{
	int acc = flags & O_ACCMODE, lflags = 0, r, fd, idx;
	bool created = false, dev = false, block = false;
	uint32_t major = 0, minor = 0;
	struct path_result res;
	struct fs_stat fst;
	struct vnode node;

	if (flags & O_CREAT)
		lflags |= PATH_CREATE | ((flags & O_EXCL) ? 0 : PATH_FOLLOW);
	else if (!(flags & O_NOFOLLOW))
		lflags |= PATH_FOLLOW;
	if ((flags & O_NOFOLLOW) && !(flags & O_PATH))
		lflags |= PATH_LINK_ELOOP;
	if (flags & O_DIRECTORY)
		lflags |= PATH_DIRECTORY;
	if ((r = resolve_user(p, dirfd, path_va, lflags, &res)) < 0)
		return r;
	if (!res.found) {
		if (flags & O_DIRECTORY)
			return -EINVAL; /* O_CREAT | O_DIRECTORY, as Linux 6.4 on */
		if (vnode_permission(&p->cred, &res.dir, MAY_WRITE | MAY_EXEC) < 0)
			return -EACCES;
		if ((r = (int)fs_create(p, &res.dir, res.name, S_IFREG | (mode & 07777 & ~p->umask), &node)) < 0)
			return r;
		created = true;
	} else {
		node = res.node;
		if ((flags & O_CREAT) && (flags & O_EXCL))
			return -EEXIST;
		if (vnode_is_dir(&node) && (acc != O_RDONLY || (flags & O_CREAT)))
			return -EISDIR;
		if (!(flags & O_PATH) &&
		    vnode_permission(&p->cred, &node,
				     (acc != O_WRONLY ? MAY_READ : 0) |
					 (acc != O_RDONLY || (flags & O_TRUNC) ? MAY_WRITE : 0)) < 0)
			return -EACCES; /* O_TRUNC needs write permission whatever the access mode, as on Linux */
	}
	if (!(flags & O_PATH) && ((node.mode & S_IFMT) == S_IFCHR || (node.mode & S_IFMT) == S_IFBLK)) {
		int64_t d;

		if ((r = (int)fs_stat(&node, &fst)) < 0)
			return r;
		major = fst.rdev_major, minor = fst.rdev_minor;
		block = (node.mode & S_IFMT) == S_IFBLK;
		if ((d = dev_open(p, major, minor, block, flags)) < 0)
			return (int)d;
		dev = true;
	} else if (!(flags & O_PATH) && (node.mode & S_IFMT) == S_IFIFO) {
		return fifo_open(p, &node, flags); /* pipe.c */
	}
	if (!created && !(flags & O_PATH) && (flags & O_TRUNC) && acc != O_RDONLY && (node.mode & S_IFMT) == S_IFREG &&
	    (r = (int)fs_attr(FS_TRUNCATE, &node, 0)) < 0)
		return r;
	fd = fd_open(&files, p->fds, &node, flags, p->cred.uid == 0);
	if (fd < 0) {
		if (dev)
			dev_close(major, minor, block);
		return fd;
	}
	idx = fd_index(p->fds, fd);
	extra[idx].dev = dev;
	extra[idx].block = block;
	extra[idx].major = major;
	extra[idx].minor = minor;
	vnode_hold(&node);
	return fd;
}

int64_t do_open(struct vproc *p, const ax_message *m)
{
	return open_common(p, AT_FDCWD, arg_ptr(m, 0), arg_uint(m, 1), arg_uint(m, 2));
}

int64_t do_openat(struct vproc *p, const ax_message *m)
{
	return open_common(p, arg_int(m, 0), arg_ptr(m, 1), arg_uint(m, 2), arg_uint(m, 3));
}

int64_t do_creat(struct vproc *p, const ax_message *m)
{
	return open_common(p, AT_FDCWD, arg_ptr(m, 0), O_CREAT | O_WRONLY | O_TRUNC, arg_uint(m, 1));
}

/* close: and as POSIX wants, the process's record locks on the file go with any of its descriptors. */
int64_t do_close(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, arg_int(m, 0));
	struct vnode node = f ? f->node : (struct vnode){0};
	int r = fd_close(&files, p->fds, arg_int(m, 0));

	if (r == 0)
		lock_release_process(p->pid, &node);
	return r;
}

static int64_t mknod_common(struct vproc *p, int dirfd, uint64_t path_va, uint64_t mode, uint64_t dev)
{
	uint32_t type = (uint32_t)mode & S_IFMT;
	struct path_result res;
	int r;

	if (type == 0)
		type = S_IFREG;
	if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK)
		return -EINVAL;
	if ((type == S_IFCHR || type == S_IFBLK) && p->cred.uid != 0)
		return -EPERM;
	if ((r = new_name(p, dirfd, path_va, &res)) < 0)
		return r;
	/* Linux's dev_t: major bits 8..19 (and 32..43), minor bits 0..7 and 20..31 */
	return fs_create_as(p, &res.dir, res.name, type | ((uint32_t)mode & 07777 & ~p->umask), 0,
			    (uint32_t)((dev >> 8) & 0xfff) | (uint32_t)((dev >> 32) & ~0xfffULL),
			    (uint32_t)(dev & 0xff) | (uint32_t)((dev >> 12) & ~0xffULL), 0);
}

int64_t do_mknod(struct vproc *p, const ax_message *m) { return mknod_common(p, AT_FDCWD, arg_ptr(m, 0), arg_uint(m, 1), arg_uint(m, 2)); }
int64_t do_mknodat(struct vproc *p, const ax_message *m)
{
	return mknod_common(p, arg_int(m, 0), arg_ptr(m, 1), arg_uint(m, 2), arg_uint(m, 3));
}

static int64_t mkdir_common(struct vproc *p, int dirfd, uint64_t path_va, uint32_t mode)
{
	struct path_result res;
	int r;

	if ((r = new_name(p, dirfd, path_va, &res)) < 0) /* EEXIST, then write and search permission on the parent */
		return r;
	return fs_create(p, &res.dir, res.name, S_IFDIR | (mode & 07777 & ~p->umask), 0);
}

int64_t do_mkdir(struct vproc *p, const ax_message *m) { return mkdir_common(p, AT_FDCWD, arg_ptr(m, 0), arg_uint(m, 1)); }
int64_t do_mkdirat(struct vproc *p, const ax_message *m)
{
	return mkdir_common(p, arg_int(m, 0), arg_ptr(m, 1), arg_uint(m, 2));
}

int64_t do_lseek(struct vproc *p, const ax_message *m)
{
	int fd = arg_int(m, 0);
	struct open_file *f = fd_file(&files, p->fds, fd);
	int64_t off = arg_long(m, 1), base;
	const struct file_extra *x;
	struct fs_stat fst;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (file_is_pipe(fd_index(p->fds, fd)))
		return -ESPIPE;
	x = &extra[fd_index(p->fds, fd)];
	if (x->dev && !x->block) /* the memory devices: every position is the same, as on Linux */
		return x->major == MEM_MAJOR ? 0 : -ESPIPE;
	switch (arg_uint(m, 2)) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->offset; break;
	case SEEK_END: {
		/* a block device's end is its size (the driver's; WOULD_WAIT while it restarts: lseek runs again) */
		int64_t r = x->block ? dev_size(p, fd_index(p->fds, fd)) : fs_stat(&f->node, &fst);

		if (r < 0)
			return r;
		base = x->block ? r : (int64_t)fst.size;
		break;
	}
	default: return -EINVAL;
	}
	if (vnode_is_dir(&f->node) && !(arg_uint(m, 2) == SEEK_SET || (arg_uint(m, 2) == SEEK_CUR && off == 0)))
		return -EINVAL; /* a directory's offset is its server's cookie */
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->offset = (uint64_t)(base + off);
	return (int64_t)f->offset;
}

/* ---- the inodes vfs holds (held.h) ---------------------------------------------- */

static struct held_table held;

/*
 * One more reference of vfs's to v (an open file, a current or root
 * directory, a program execve reads). The file server is not told: it
 * needs to know only if the inode loses a name meanwhile (vnode_losing_name).
 */
void vnode_hold(const struct vnode *v)
{
	if (v->fs == PIPE_FS) /* pipes (and an unset directory) have no file server */
		return;
	if (held_add(&held, v->fs, v->ino) < 0)
		ax_printf("vfs: cannot count another held inode (%u, %lu): it may be freed while open\n", v->fs,
			  v->ino);
}

/* One reference less: the file server hears of the last one if it was told (FS_RELEASE frees an unlinked inode). */
void vnode_release(const struct vnode *v)
{
	bool told;
	int r;

	if (v->fs == PIPE_FS)
		return;
	if ((r = held_drop(&held, v->fs, v->ino, &told)) == 0 && told)
		fs_attr(FS_RELEASE, v, 0);
	else if (r < 0)
		ax_printf("vfs: inode (%u, %lu) let go but not held\n", v->fs, v->ino);
}

/*
 * Inode ino of file system fs is about to lose a name (unlink, rmdir, a
 * rename over it): if vfs holds it, its file server is told now (FS_HOLD),
 * so that it keeps the inode past its last name until vfs lets it go.
 */
void vnode_losing_name(uint32_t fs, uint64_t ino)
{
	if (fs != PIPE_FS && held_tell(&held, fs, ino))
		fs_attr(FS_HOLD, &(struct vnode){.fs = fs, .ino = ino}, 0);
}

/*
 * A process's current or root directory (*slot) becomes `to`. Its file
 * server keeps it as it keeps an open file's inode, so a directory removed
 * while some process is in it stays an inode where lookups give ENOENT, as
 * on Linux; the old one goes when nothing has it.
 */
void set_dir(struct vnode *slot, const struct vnode *to)
{
	struct vnode old = *slot;

	*slot = *to;
	vnode_hold(to);
	vnode_release(&old);
}

/* The last reference to an open file went: tell its driver, and its server if nothing else has the inode. */
void release(void *arg, int file, const struct open_file *f)
{
	(void)arg;
	lock_release_file(file);
	if (is_pipe(&f->node)) {
		pipe_release(file, f);
		return;
	}
	if (extra[file].fifo) { /* a named pipe: its end goes, and the inode is let go like a file's */
		pipe_release(file, f);
		extra[file].fifo = 0;
	}
	if (extra[file].dev) {
		dev_close(extra[file].major, extra[file].minor, extra[file].block);
		extra[file].dev = extra[file].block = false;
	}
	vnode_release(&f->node);
}
