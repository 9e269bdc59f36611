/*
 * Names: unlink, rmdir, rename, link, symlink, readlink, and truncate
 * (which, as in MINIX, lives with the calls that change a directory's
 * entries or a file's length rather than its attributes).
 */
#include <string.h>

#include <proto/fs.h>

#include "vfs.h"

/*
 * The parent directory of a new name (path at path_va): out->dir and
 * out->name, which must not exist, in a directory p may write.
 */
int new_name(struct vproc *p, int dirfd, uint64_t path_va, struct path_result *out)
{
	struct fs_node_reply rp;
	int r;

	if ((r = resolve_user(p, dirfd, path_va, PATH_PARENT, out)) < 0)
		return r;
	if (out->last != PATH_LAST_NAME)
		return -EEXIST;
	if (name_call(FS_LOOKUP, &out->dir, out->name, strlen(out->name), 0, &rp) == 0)
		return -EEXIST;
	if (vnode_permission(&p->cred, &out->dir, MAY_WRITE | MAY_EXEC) < 0)
		return -EACCES;
	return 0;
}

/*
 * May p remove (or replace) a name of dir whose inode `owner` owns? Write
 * and search permission on dir (-EACCES), and in a sticky directory p must
 * own the file or the directory, or be root (-EPERM), as Linux.
 */
static int may_delete(const struct vproc *p, const struct vnode *dir, uint32_t owner)
{
	if (vnode_permission(&p->cred, dir, MAY_WRITE | MAY_EXEC) < 0)
		return -EACCES;
	if ((dir->mode & S_ISVTX) && p->cred.uid != 0 && p->cred.uid != owner && p->cred.uid != dir->uid)
		return -EPERM;
	return 0;
}

static int64_t remove_common(struct vproc *p, int dirfd, uint64_t path_va, bool dir)
{
	struct fs_node_reply rp;
	struct path_result res;
	int r;

	if ((r = resolve_user(p, dirfd, path_va, PATH_PARENT, &res)) < 0)
		return r;
	if (dir) {
		if (res.last == PATH_LAST_DOT)
			return -EINVAL;
		if (res.last == PATH_LAST_DOTDOT)
			return -ENOTEMPTY;
		if (res.last == PATH_LAST_ROOT)
			return -EBUSY;
	} else {
		if (res.last != PATH_LAST_NAME)
			return -EISDIR;
		if (res.trailing_slash) {
			r = (int)name_call(FS_LOOKUP, &res.dir, res.name, strlen(res.name), 0, &rp);
			if (r < 0)
				return r;
			return (rp.mode & S_IFMT) == S_IFDIR ? -EISDIR : -ENOTDIR;
		}
	}
	if ((r = (int)name_call(FS_LOOKUP, &res.dir, res.name, strlen(res.name), 0, &rp)) < 0)
		return r;
	if ((r = may_delete(p, &res.dir, rp.uid)) < 0)
		return r;
	if (dir) {
		struct vnode v = {0};

		if ((r = ops_lookup((void *)(uintptr_t)res.dir.fs, &res.dir, res.name, strlen(res.name), &v)) < 0)
			return r;
		if (vnode_same(&v, &root_node))
			return -EBUSY;
		for (int i = 0; i < MOUNT_MAX; i++)
			if (mounts.m[i].used && vnode_same(&mounts.m[i].root, &v))
				return -EBUSY;
	}
	vnode_losing_name(res.dir.fs, rp.ino);
	return name_call(dir ? FS_RMDIR : FS_UNLINK, &res.dir, res.name, strlen(res.name), 0, 0);
}

int64_t do_unlink(struct vproc *p, const ax_message *m) { return remove_common(p, AT_FDCWD, arg_ptr(m, 0), false); }
int64_t do_rmdir(struct vproc *p, const ax_message *m) { return remove_common(p, AT_FDCWD, arg_ptr(m, 0), true); }
int64_t do_unlinkat(struct vproc *p, const ax_message *m)
{
	if (arg_int(m, 2) & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	return remove_common(p, arg_int(m, 0), arg_ptr(m, 1), (arg_int(m, 2) & AT_REMOVEDIR) != 0);
}

static int64_t rename_common(struct vproc *p, int olddir, uint64_t old_va, int newdir, uint64_t new_va, uint64_t flags)
{
	char old[PATH_MAX], new[PATH_MAX]; /* both copied first: a bad pointer is EFAULT before any lookup, as Linux */
	struct path_result res, res2;
	struct fs_node_reply rp, rp2;
	size_t ol, nl;
	int64_t r;

	if (flags & ~(uint64_t)FS_RENAME_NOREPLACE)
		return -EINVAL;
	if ((r = copy_path(p->ep, old_va, old)) < 0 || (r = copy_path(p->ep, new_va, new)) < 0)
		return r;
	if ((r = resolve(p, olddir, old, PATH_PARENT, &res)) < 0 || (r = resolve(p, newdir, new, PATH_PARENT, &res2)) < 0)
		return r;
	if (res.last != PATH_LAST_NAME || res2.last != PATH_LAST_NAME)
		return -EBUSY;
	if (res.dir.fs != res2.dir.fs)
		return -EXDEV;
	ol = strlen(res.name), nl = strlen(res2.name);
	if ((r = name_call(FS_LOOKUP, &res.dir, res.name, ol, 0, &rp)) < 0)
		return r;
	if ((r = may_delete(p, &res.dir, rp.uid)) < 0)
		return r;
	if ((r = name_call(FS_LOOKUP, &res2.dir, res2.name, nl, 0, &rp2)) == 0) {
		if ((r = may_delete(p, &res2.dir, rp2.uid)) == 0 && rp2.ino != rp.ino) /* the name replaced */
			vnode_losing_name(res2.dir.fs, rp2.ino);
	} else if (r == -ENOENT) {
		r = vnode_permission(&p->cred, &res2.dir, MAY_WRITE | MAY_EXEC) < 0 ? -EACCES : 0;
	}
	if (r < 0)
		return r;
	return fs_rename(&res.dir, res.name, &res2.dir, res2.name, rp.ino, (uint32_t)flags);
}

int64_t do_rename(struct vproc *p, const ax_message *m)
{
	return rename_common(p, AT_FDCWD, arg_ptr(m, 0), AT_FDCWD, arg_ptr(m, 1), 0);
}
int64_t do_renameat(struct vproc *p, const ax_message *m)
{
	return rename_common(p, arg_int(m, 0), arg_ptr(m, 1), arg_int(m, 2), arg_ptr(m, 3), 0);
}
int64_t do_renameat2(struct vproc *p, const ax_message *m)
{
	return rename_common(p, arg_int(m, 0), arg_ptr(m, 1), arg_int(m, 2), arg_ptr(m, 3), arg_uint(m, 4));
}

static int64_t symlink_common(struct vproc *p, uint64_t target_va, int dirfd, uint64_t path_va)
{
	char target[PATH_MAX];
	struct path_result res;
	int r;

	if ((r = copy_path(p->ep, target_va, target)) < 0)
		return r;
	if (!target[0])
		return -ENOENT;
	if ((r = new_name(p, dirfd, path_va, &res)) < 0)
		return r;
	return fs_create_as(p, &res.dir, res.name, S_IFLNK | 0777, target, 0, 0, 0);
}

int64_t do_symlink(struct vproc *p, const ax_message *m) { return symlink_common(p, arg_ptr(m, 0), AT_FDCWD, arg_ptr(m, 1)); }
int64_t do_symlinkat(struct vproc *p, const ax_message *m)
{
	return symlink_common(p, arg_ptr(m, 0), arg_int(m, 1), arg_ptr(m, 2));
}

static int64_t link_common(struct vproc *p, int olddir, uint64_t old_va, int newdir, uint64_t new_va, uint64_t flags)
{
	struct fs_node_reply rp;
	struct path_result res;
	struct vnode target;
	int r;

	if (flags & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = resolve_user(p, olddir, old_va, at_flags(flags, false), &res)) < 0)
		return r;
	target = res.node;
	if (vnode_is_dir(&target))
		return -EPERM;
	if ((r = new_name(p, newdir, new_va, &res)) < 0)
		return r;
	if (res.dir.fs != target.fs)
		return -EXDEV;
	return name_call(FS_LINK, &res.dir, res.name, strlen(res.name), target.ino, &rp);
}

int64_t do_link(struct vproc *p, const ax_message *m) { return link_common(p, AT_FDCWD, arg_ptr(m, 0), AT_FDCWD, arg_ptr(m, 1), 0); }
int64_t do_linkat(struct vproc *p, const ax_message *m)
{
	return link_common(p, arg_int(m, 0), arg_ptr(m, 1), arg_int(m, 2), arg_ptr(m, 3), arg_int(m, 4));
}

static int64_t readlink_common(struct vproc *p, int dirfd, uint64_t path_va, uint64_t va, int64_t size)
{
	struct path_result res;
	char target[PATH_MAX];
	int r;

	if (size <= 0)
		return -EINVAL;
	if ((r = resolve_user(p, dirfd, path_va, PATH_EMPTY, &res)) < 0)
		return r;
	if ((res.node.mode & S_IFMT) != S_IFLNK)
		return -EINVAL;
	if ((r = ops_readlink((void *)(uintptr_t)res.node.fs, &res.node, target, sizeof(target))) < 0)
		return r;
	if (r > size)
		r = (int)size;
	return user_copy(p->ep, va, target, (uint64_t)r, AX_COPY_TO) < 0 ? -EFAULT : r;
}

int64_t do_readlink(struct vproc *p, const ax_message *m) { return readlink_common(p, AT_FDCWD, arg_ptr(m, 0), arg_ptr(m, 1), arg_int(m, 2)); }
int64_t do_readlinkat(struct vproc *p, const ax_message *m)
{
	return readlink_common(p, arg_int(m, 0), arg_ptr(m, 1), arg_ptr(m, 2), arg_int(m, 3));
}

static int64_t truncate_node(struct vproc *p, const struct vnode *v, int64_t len, bool check_write)
{
	if (len < 0)
		return -EINVAL;
	if (vnode_is_dir(v))
		return -EISDIR;
	if ((v->mode & S_IFMT) != S_IFREG)
		return -EINVAL;
	if (check_write && vnode_permission(&p->cred, v, MAY_WRITE) < 0)
		return -EACCES;
	return fs_attr(FS_TRUNCATE, v, (uint64_t)len);
}

int64_t do_truncate(struct vproc *p, const ax_message *m)
{
	struct path_result res;
	int r = resolve_user(p, AT_FDCWD, arg_ptr(m, 0), PATH_FOLLOW, &res);

	return r < 0 ? r : truncate_node(p, &res.node, arg_long(m, 1), true);
}

int64_t do_ftruncate(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, arg_int(m, 0));

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL; /* Linux: not open for writing */
	return truncate_node(p, &f->node, arg_long(m, 1), false);
}
