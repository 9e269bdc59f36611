/*
 * Asking about files and directories: stat and its kin (fstat, lstat,
 * newfstatat, statx), statfs, and the process's current and root
 * directories (chdir, fchdir, getcwd, chroot).
 */
#include <string.h>

#include <proto/fs.h>

#include "vfs.h"

/* Linux x86_64's struct stat. */
struct linux_stat {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, pad0;
	uint64_t st_rdev;
	int64_t st_size, st_blksize, st_blocks;
	struct fs_timespec st_atim, st_mtim, st_ctim;
	int64_t reserved[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "Linux's struct stat");

static uint64_t encode_dev(uint32_t major, uint32_t minor)
{
	return (minor & 0xff) | ((uint64_t)(major & 0xfff) << 8) | ((uint64_t)(minor & ~0xffu) << 12);
}

static int64_t stat_to(struct vproc *p, const struct vnode *v, uint64_t va)
{
	struct linux_stat st;
	struct fs_stat fst;
	int64_t r;

	if (is_pipe(v)) {
		memset(&st, 0, sizeof(st));
		st.st_dev = encode_dev(0, 12); /* Linux's pipefs is an anonymous device too */
		st.st_ino = v->ino;
		st.st_nlink = 1;
		st.st_mode = v->mode;
		st.st_uid = v->uid, st.st_gid = v->gid;
		st.st_blksize = 4096;
		return user_copy(p->ep, va, &st, sizeof(st), AX_COPY_TO);
	}
	if ((r = fs_stat(v, &fst)) < 0)
		return r;
	memset(&st, 0, sizeof(st));
	st.st_dev = encode_dev(0, v->fs); /* an anonymous device per file system, as Linux gives tmpfs */
	st.st_ino = fst.ino;
	st.st_nlink = fst.nlink;
	st.st_mode = fst.mode;
	st.st_uid = fst.uid;
	st.st_gid = fst.gid;
	st.st_rdev = encode_dev(fst.rdev_major, fst.rdev_minor);
	st.st_size = (int64_t)fst.size;
	st.st_blksize = fst.blksize ? fst.blksize : 4096;
	st.st_blocks = (int64_t)fst.blocks;
	st.st_atim = fst.atime;
	st.st_mtim = fst.mtime;
	st.st_ctim = fst.ctime;
	return user_copy(p->ep, va, &st, sizeof(st), AX_COPY_TO);
}

int64_t do_fstat(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, arg_int(m, 0));

	return f ? stat_to(p, &f->node, arg_ptr(m, 1)) : -EBADF;
}

static int64_t stat_path(struct vproc *p, int dirfd, uint64_t path_va, uint64_t va, uint64_t flags)
{
	struct path_result res;
	int r;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */))
		return -EINVAL;
	if ((r = resolve_user(p, dirfd, path_va, at_flags(flags, true), &res)) < 0)
		return r;
	return stat_to(p, &res.node, va);
}

int64_t do_stat(struct vproc *p, const ax_message *m) { return stat_path(p, AT_FDCWD, arg_ptr(m, 0), arg_ptr(m, 1), 0); }
int64_t do_lstat(struct vproc *p, const ax_message *m)
{
	return stat_path(p, AT_FDCWD, arg_ptr(m, 0), arg_ptr(m, 1), AT_SYMLINK_NOFOLLOW);
}
int64_t do_newfstatat(struct vproc *p, const ax_message *m)
{
	return stat_path(p, arg_int(m, 0), arg_ptr(m, 1), arg_ptr(m, 2), arg_int(m, 3));
}

/* statx: the fields struct stat has, in statx's layout (Linux's struct statx, 256 bytes). */
struct linux_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct { int64_t tv_sec; uint32_t tv_nsec; int32_t pad; } stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
_Static_assert(sizeof(struct linux_statx) == 256, "Linux's struct statx");

int64_t do_statx(struct vproc *p, const ax_message *m)
{
	struct linux_statx sx = {0};
	uint32_t flags = arg_uint(m, 2);
	struct path_result res;
	struct fs_stat fst;
	int r;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 | 0x6000 /* AT_STATX_SYNC_TYPE */))
		return -EINVAL;
	if ((r = resolve_user(p, arg_int(m, 0), arg_ptr(m, 1), at_flags(flags, true), &res)) < 0)
		return r;
	if (res.node.fs == PIPE_FS) {
		sx.stx_mode = (uint16_t)res.node.mode, sx.stx_nlink = 1, sx.stx_ino = res.node.ino;
		sx.stx_uid = res.node.uid, sx.stx_gid = res.node.gid, sx.stx_blksize = 4096, sx.stx_dev_minor = 12;
	} else {
		if ((r = (int)fs_stat(&res.node, &fst)) < 0)
			return r;
		sx.stx_blksize = fst.blksize ? fst.blksize : 4096;
		sx.stx_nlink = fst.nlink, sx.stx_uid = fst.uid, sx.stx_gid = fst.gid;
		sx.stx_mode = (uint16_t)fst.mode, sx.stx_ino = fst.ino, sx.stx_size = fst.size, sx.stx_blocks = fst.blocks;
		sx.stx_atime.tv_sec = fst.atime.sec, sx.stx_atime.tv_nsec = (uint32_t)fst.atime.nsec;
		sx.stx_mtime.tv_sec = fst.mtime.sec, sx.stx_mtime.tv_nsec = (uint32_t)fst.mtime.nsec;
		sx.stx_ctime.tv_sec = fst.ctime.sec, sx.stx_ctime.tv_nsec = (uint32_t)fst.ctime.nsec;
		sx.stx_rdev_major = fst.rdev_major, sx.stx_rdev_minor = fst.rdev_minor;
		sx.stx_dev_major = 0, sx.stx_dev_minor = res.node.fs;
	}
	sx.stx_mask = 0x7ff; /* STATX_BASIC_STATS */
	return user_copy(p->ep, arg_ptr(m, 4), &sx, sizeof(sx), AX_COPY_TO);
}

/* Linux's struct statfs (x86_64). */
struct linux_statfs {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};

static int64_t statfs_node(struct vproc *p, const struct vnode *v, uint64_t va)
{
	struct linux_statfs sf = {0};
	struct fs_statfs_reply rp;
	ax_message m;
	int64_t r;

	if (v->fs == PIPE_FS) {
		sf.f_type = 0x50495045; /* PIPEFS_MAGIC */
		sf.f_bsize = 4096, sf.f_namelen = 255, sf.f_frsize = 4096;
	} else {
		if ((r = fs_call(fs_ep[v->fs], FS_STATFS, 0, 0, &m)) < 0)
			return r;
		fs_unpack(&m, &rp, sizeof(rp));
		sf.f_type = (int64_t)rp.magic, sf.f_bsize = rp.bsize, sf.f_frsize = rp.bsize;
		sf.f_blocks = rp.blocks, sf.f_bfree = sf.f_bavail = rp.bfree;
		sf.f_files = rp.files, sf.f_ffree = rp.ffree, sf.f_namelen = rp.namemax;
		sf.f_fsid[0] = (int32_t)v->fs;
		sf.f_flags = 0x20 /* ST_VALID */ | (fs_rdonly[v->fs] ? 1 /* ST_RDONLY */ : 0);
	}
	return user_copy(p->ep, va, &sf, sizeof(sf), AX_COPY_TO);
}

int64_t do_statfs(struct vproc *p, const ax_message *m)
{
	struct path_result res;
	int r = resolve_user(p, AT_FDCWD, arg_ptr(m, 0), PATH_FOLLOW, &res);

	return r < 0 ? r : statfs_node(p, &res.node, arg_ptr(m, 1));
}
int64_t do_fstatfs(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, arg_int(m, 0));

	return f ? statfs_node(p, &f->node, arg_ptr(m, 1)) : -EBADF;
}

/* ---- the current directory ---------------------------------------------------------- */

int64_t do_chdir(struct vproc *p, const ax_message *m)
{
	struct path_result res;
	int r;

	if ((r = resolve_user(p, AT_FDCWD, arg_ptr(m, 0), PATH_FOLLOW | PATH_DIRECTORY, &res)) < 0)
		return r;
	if (vnode_permission(&p->cred, &res.node, MAY_EXEC) < 0)
		return -EACCES;
	set_dir(&p->cwd, &res.node);
	return 0;
}

int64_t do_fchdir(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, arg_int(m, 0));

	if (!f)
		return -EBADF;
	if (!vnode_is_dir(&f->node))
		return -ENOTDIR;
	set_dir(&p->cwd, &f->node);
	return 0;
}

/* The name of child in directory dir (by a listing): 0 with it in out, or -ENOENT. */
static int name_in(const struct vnode *dir, const struct vnode *child, char *out)
{
	endpoint_t ep = fs_ep[dir->fs];
	char buf[PATH_MAX];
	uint64_t cookie = 0;

	for (int calls = 0; calls < 4096; calls++) {
		struct fs_getdents_req rq = {.dir = dir->ino, .cookie = cookie, .len = sizeof(buf), .grant = G_BUF,
					     .granter = ax_self};
		struct fs_getdents_reply rp;
		ax_message m;
		int64_t n;

		set_grant(G_BUF, AX_GRANT_WRITE, ep, 0, buf, sizeof(buf));
		n = fs_call(ep, FS_GETDENTS, &rq, sizeof(rq), &m);
		revoke(G_BUF);
		if (n <= 0)
			return n < 0 ? (int)n : -ENOENT;
		fs_unpack(&m, &rp, sizeof(rp));
		cookie = rp.cookie;
		for (int64_t at = 0; at + (int64_t)offsetof(struct fs_dirent64, d_name) < n;) {
			struct fs_dirent64 d;
			const char *name = buf + at + offsetof(struct fs_dirent64, d_name);

			memcpy(&d, buf + at, offsetof(struct fs_dirent64, d_name));
			if (d.d_reclen == 0)
				return -EIO;
			if (d.d_ino == child->ino && strcmp(name, ".") && strcmp(name, "..")) {
				strcpy(out, name);
				return 0;
			}
			at += d.d_reclen;
		}
	}
	return -ENOENT;
}

/* getcwd: walk up from the cwd by "..", finding each directory's name in its parent. */
int64_t do_getcwd(struct vproc *p, const ax_message *m)
{
	static char path[PATH_MAX], name[NAME_MAX + 1];
	size_t at = PATH_MAX - 1, len;
	struct vnode cur = p->cwd;

	path[at] = 0;
	for (int depth = 0; depth < PATH_MAX / 2 && !vnode_same(&cur, &p->root); depth++) {
		const struct mount *mt = mount_find(&mounts, cur.fs);
		struct vnode up;
		int r;

		if (mt && vnode_same(&mt->root, &cur)) {
			if (!mt->covers)
				break; /* the root of everything: outside the process's root */
			cur = mt->covered;
			depth--;
			continue;
		}
		if ((r = ops_lookup((void *)(uintptr_t)cur.fs, &cur, "..", 2, &up)) < 0)
			return r;
		up.fs = cur.fs;
		if ((r = name_in(&up, &cur, name)) < 0)
			return r;
		len = strlen(name);
		if (len + 1 > at)
			return -ENAMETOOLONG;
		at -= len;
		memcpy(path + at, name, len);
		path[--at] = '/';
		cur = up;
	}
	if (at == PATH_MAX - 1)
		path[--at] = '/';
	len = PATH_MAX - at; /* with the NUL */
	if (arg_ulong(m, 1) < len)
		return -ERANGE;
	if (user_copy(p->ep, arg_ptr(m, 0), path + at, len, AX_COPY_TO) < 0)
		return -EFAULT;
	return (int64_t)len;
}

int64_t do_chroot(struct vproc *p, const ax_message *m)
{
	struct path_result res;
	int r;

	if (p->cred.uid != 0)
		return -EPERM;
	if ((r = resolve_user(p, AT_FDCWD, arg_ptr(m, 0), PATH_FOLLOW | PATH_DIRECTORY, &res)) < 0)
		return r;
	if (vnode_permission(&p->cred, &res.node, MAY_EXEC) < 0)
		return -EACCES;
	set_dir(&p->root, &res.node);
	return 0;
}
