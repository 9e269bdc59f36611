/*
 * Protection: access and its kin, chmod, chown, umask, and file times
 * (utimensat), which their owner or root may set.
 */
#include <proto/fs.h>

#include "vfs.h"

/* access, faccessat, faccessat2: with the real ids (AT_EACCESS: the effective ones), as Linux. */
static int64_t access_common(struct vproc *p, int dirfd, uint64_t path_va, uint64_t mode, uint64_t flags)
{
	struct path_result res;
	struct cred c = p->cred;
	int r;

	if (mode & ~7ULL)
		return -EINVAL;
	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x200 /* AT_EACCESS */))
		return -EINVAL;
	if ((r = resolve_user(p, dirfd, path_va, at_flags(flags & ~(uint64_t)0x200, true), &res)) < 0)
		return r;
	if (!(flags & 0x200))
		c.uid = p->ruid, c.gid = p->rgid;
	if (!mode)
		return 0;
	if ((mode & MAY_WRITE) && res.node.fs != PIPE_FS && fs_rdonly[res.node.fs])
		return -EROFS;
	return vnode_permission(&c, &res.node, (int)mode);
}

int64_t do_access(struct vproc *p, const ax_message *m) { return access_common(p, AT_FDCWD, arg_ptr(m, 0), arg_int(m, 1), 0); }
int64_t do_faccessat(struct vproc *p, const ax_message *m)
{
	return access_common(p, arg_int(m, 0), arg_ptr(m, 1), arg_int(m, 2), 0);
}
int64_t do_faccessat2(struct vproc *p, const ax_message *m)
{
	return access_common(p, arg_int(m, 0), arg_ptr(m, 1), arg_int(m, 2), arg_int(m, 3));
}

/* May p change the inode's attributes (mode, times to a given value)? Only its owner and root. */
static bool owner_or_root(const struct vproc *p, const struct vnode *v) { return p->cred.uid == 0 || p->cred.uid == v->uid; }

static bool in_group(const struct vproc *p, uint32_t gid)
{
	if (p->cred.gid == gid)
		return true;
	for (int i = 0; i < p->cred.ngroups; i++)
		if (p->cred.groups[i] == gid)
			return true;
	return false;
}

static int64_t chmod_node(struct vproc *p, const struct vnode *v, uint64_t mode)
{
	if (v->fs == PIPE_FS)
		return -EINVAL;
	if (!owner_or_root(p, v))
		return -EPERM;
	mode &= 07777;
	if (p->cred.uid != 0 && !in_group(p, v->gid))
		mode &= ~(uint64_t)S_ISGID; /* as Linux: a non-member cannot set the group bit */
	return fs_attr(FS_CHMOD, v, mode);
}

int64_t do_chmod(struct vproc *p, const ax_message *m)
{
	struct path_result res;
	int r = resolve_user(p, AT_FDCWD, arg_ptr(m, 0), PATH_FOLLOW, &res);

	return r < 0 ? r : chmod_node(p, &res.node, arg_uint(m, 1));
}
int64_t do_fchmod(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, arg_int(m, 0));

	return f ? chmod_node(p, &f->node, arg_uint(m, 1)) : -EBADF;
}
int64_t do_fchmodat(struct vproc *p, const ax_message *m)
{
	struct path_result res;
	int r = resolve_user(p, arg_int(m, 0), arg_ptr(m, 1), PATH_FOLLOW, &res);

	return r < 0 ? r : chmod_node(p, &res.node, arg_uint(m, 2));
}

static int64_t chown_node(struct vproc *p, const struct vnode *v, uint32_t uid, uint32_t gid)
{
	int64_t r;

	if (v->fs == PIPE_FS)
		return -EINVAL;
	if (p->cred.uid != 0) { /* as Linux: the owner may only give the file to one of its own groups */
		if ((uid != FS_ID_KEEP && uid != v->uid) || p->cred.uid != v->uid ||
		    (gid != FS_ID_KEEP && gid != v->gid && !in_group(p, gid)))
			return -EPERM;
	}
	if ((r = fs_attr(FS_CHOWN, v, uid | (uint64_t)gid << 32)) < 0)
		return r;
	/* a change of owner clears set-user-id and set-group-id on a regular file, as Linux */
	if ((v->mode & S_IFMT) == S_IFREG && (v->mode & (S_ISUID | S_ISGID)) && (uid != FS_ID_KEEP || gid != FS_ID_KEEP))
		fs_attr(FS_CHMOD, v, v->mode & 07777 & ~(uint32_t)(S_ISUID | ((v->mode & 010) ? S_ISGID : 0)));
	return 0;
}

static int64_t chown_path(struct vproc *p, int dirfd, uint64_t path_va, uint64_t uid, uint64_t gid, uint64_t flags,
			  bool follow)
{
	struct path_result res;
	int r;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = resolve_user(p, dirfd, path_va, at_flags(flags, follow), &res)) < 0)
		return r;
	return chown_node(p, &res.node, (uint32_t)uid, (uint32_t)gid);
}

int64_t do_chown(struct vproc *p, const ax_message *m) { return chown_path(p, AT_FDCWD, arg_ptr(m, 0), arg_uint(m, 1), arg_uint(m, 2), 0, true); }
int64_t do_lchown(struct vproc *p, const ax_message *m) { return chown_path(p, AT_FDCWD, arg_ptr(m, 0), arg_uint(m, 1), arg_uint(m, 2), 0, false); }
int64_t do_fchownat(struct vproc *p, const ax_message *m)
{
	return chown_path(p, arg_int(m, 0), arg_ptr(m, 1), arg_uint(m, 2), arg_uint(m, 3), arg_int(m, 4), true);
}
int64_t do_fchown(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, arg_int(m, 0));

	return f ? chown_node(p, &f->node, arg_uint(m, 1), arg_uint(m, 2)) : -EBADF;
}

/* utimensat (and futimens: a NULL path with a descriptor). UTIME_NOW 0x3fffffff, UTIME_OMIT 0x3ffffffe. */
int64_t do_utimensat(struct vproc *p, const ax_message *m)
{
	struct path_result res;
	struct fs_timespec ts[2];
	int64_t t[2], now;
	bool explicit_time = false, all_omit = true;
	struct vnode v;
	int r;

	if (arg_int(m, 3) & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!arg_ptr(m, 1)) { /* futimens */
		struct open_file *f = fd_file(&files, p->fds, arg_int(m, 0));

		if (!f)
			return -EBADF;
		v = f->node;
	} else {
		if ((r = resolve_user(p, arg_int(m, 0), arg_ptr(m, 1), at_flags(arg_int(m, 3), true), &res)) < 0)
			return r;
		v = res.node;
	}
	now = wall_ns();
	if (arg_ptr(m, 2)) {
		if (user_copy(p->ep, arg_ptr(m, 2), ts, sizeof(ts), AX_COPY_FROM) < 0)
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (ts[i].nsec == 0x3fffffff) {
				t[i] = now, all_omit = false;
			} else if (ts[i].nsec == 0x3ffffffe) {
				t[i] = FS_TIME_OMIT;
			} else if (ts[i].nsec < 0 || ts[i].nsec >= 1000000000) {
				return -EINVAL;
			} else {
				t[i] = ts[i].sec * 1000000000 + ts[i].nsec;
				explicit_time = true, all_omit = false;
			}
		}
	} else {
		t[0] = t[1] = now, all_omit = false;
	}
	if (all_omit)
		return 0;
	if (explicit_time ? !owner_or_root(p, &v)
			  : !owner_or_root(p, &v) && vnode_permission(&p->cred, &v, MAY_WRITE) < 0)
		return explicit_time ? -EPERM : -EACCES;
	{
		struct fs_attr_req rq = {.ino = v.ino, .atime = t[0], .mtime = t[1], .now = now};
		ax_message fm;

		return fs_call(fs_ep[v.fs], FS_UTIMENS, &rq, sizeof(rq), &fm);
	}
}

int64_t do_umask(struct vproc *p, const ax_message *m)
{
	uint32_t old = p->umask;

	p->umask = arg_uint(m, 0) & 0777;
	return old;
}
