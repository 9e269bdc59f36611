/*
 * vfs: every POSIX process's descriptors, current and root directories, and
 * the mount table (docs/vfs.md). Path walks and descriptor rules are the
 * pure core (path.c, fdtable.c); this file speaks to the file servers
 * (lib/sys/include/proto/fs.h) and drivers (proto/dev.h) for them, and
 * serves the POSIX file calls the kernel routes here.
 *
 * First slice: ramfs is the root file system, the memory driver serves the
 * character devices of major 1. File data never passes through vfs: a
 * magic grant over the user's buffer (vfs has the `magic` privilege) lets
 * the server or driver copy straight to or from it, once vm has made the
 * range present (VM_TOUCH). Names, paths and stat records vfs copies itself.
 *
 * Process identity comes from pm (proto/vfs.h: fork, exec, exit). Until pm
 * sends those, a caller vfs has never heard of gets a fresh table with
 * nothing open (temporary).
 */
#include <stdlib.h>
#include <string.h>

#include <proto/dev.h>
#include <proto/fs.h>
#include <proto/pm.h>
#include <proto/vfs.h>
#include <proto/vm.h>
#include <sys/info.h>
#include <sys/server.h>
#include <sys/sigq.h>

#include "vfs.h"

#define ROOT_FS 1      /* the root file system's id */
#define NOFILE 1024    /* RLIMIT_NOFILE's default soft limit */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

struct ax_grant grant[G_COUNT + PROC_MAX];

endpoint_t vm = AX_NONE, pm = AX_NONE, ds = AX_NONE;
int caller_pid;
endpoint_t io_owner = AX_NONE;
static endpoint_t fs_ep[MOUNT_MAX + 1]; /* by file system id */
static bool fs_rdonly[MOUNT_MAX + 1];   /* mounted read-only */
static struct mount_table mounts;
struct file_table files;
static struct vnode root_node;
struct file_extra extra[FILE_MAX];
struct vproc procs[PROC_MAX];
static struct fd_table fd_tables[PROC_MAX]; /* procs[i].fds: 4 KiB each */

static char names[NAME_MAX + PATH_MAX + 2];
static struct fs_stat fst;
static char buf[PATH_MAX];
static char pathbuf[PATH_MAX], pathbuf2[PATH_MAX];
static struct path_result res, res2;

static int64_t realtime_offset; /* from pm (VFS_CLOCK): wall clock = monotonic + this */

/* Now, in ns since the epoch: what file times are stamped with. */
static int64_t wall_ns(void) { return (int64_t)ax_now_ns() + realtime_offset; }

/* ---- copies and grants ---------------------------------------------------- */

void touch(endpoint_t ep, uint64_t va, uint64_t len, bool write)
{
	ax_message m = {.type = VM_TOUCH, .u64 = {(uint64_t)(int64_t)ep, va, len, write}};

	if (vm != AX_NONE && len)
		ax_sendrec(vm, &m);
}

void set_grant(int g, uint32_t flags, endpoint_t grantee, endpoint_t owner, const void *addr, uint64_t len)
{
	grant[g] = (struct ax_grant){AX_GRANT_VALID | flags, grantee, owner, 0, (uint64_t)addr, len};
}

void revoke(int g) { grant[g].flags = 0; }

static int self_copy(endpoint_t ep, uint64_t va, void *to, uint64_t len, int dir)
{
	set_grant(G_SELF, AX_GRANT_READ | AX_GRANT_WRITE | AX_GRANT_MAGIC, ax_self, ep, (void *)va, len);
	int r = ax_kcall(KC_SAFECOPY, &(ax_message){.u64 = {(uint64_t)(int64_t)ax_self, G_SELF, 0, (uint64_t)to, len,
								(uint64_t)dir}});
	revoke(G_SELF);
	return r;
}

/* Copy between vfs and a process's memory (as pm's user_copy): 0 or -EFAULT. */
int user_copy(endpoint_t ep, uint64_t va, void *to, uint64_t len, int dir)
{
	int r = self_copy(ep, va, to, len, dir);

	if (r < 0 && len) {
		touch(ep, va, len, dir == AX_COPY_TO);
		r = self_copy(ep, va, to, len, dir);
	}
	return r < 0 ? -EFAULT : 0;
}

/* A NUL-terminated path from the user into out (PATH_MAX bytes), a page at a time. */
static int copy_path(endpoint_t ep, uint64_t va, char *out)
{
	uint64_t got = 0;

	if (!va)
		return -EFAULT;
	while (got < PATH_MAX) {
		uint64_t n = PAGE - ((va + got) & (PAGE - 1));

		if (n > PATH_MAX - got)
			n = PATH_MAX - got;
		if (user_copy(ep, va + got, out + got, n, AX_COPY_FROM) < 0) {
			/* the page may end the string: try byte by byte */
			uint64_t i;

			for (i = 0; i < n; i++) {
				if (user_copy(ep, va + got + i, out + got + i, 1, AX_COPY_FROM) < 0)
					return -EFAULT;
				if (!out[got + i])
					return 0;
			}
		} else if (memchr(out + got, 0, n)) {
			return 0;
		}
		got += n;
	}
	return -ENAMETOOLONG;
}

/* ---- file servers ------------------------------------------------------------ */

static int64_t call(endpoint_t ep, int32_t type, const void *body, size_t n, ax_message *m)
{
	fs_pack(m, type, body, n);
	if (ep == AX_NONE || ax_sendrec(ep, m) < 0)
		return -EIO;
	return m->i64[0];
}

static void node_of(uint32_t fs, const struct fs_node_reply *rp, struct vnode *out)
{
	*out = (struct vnode){fs, rp->ino, rp->mode, rp->uid, rp->gid};
}

/* A name request (LOOKUP, UNLINK, RMDIR) of name (len bytes) in dir. */
static int64_t name_call(int32_t type, const struct vnode *dir, const char *name, size_t len, uint64_t ino,
			 struct fs_node_reply *out)
{
	endpoint_t ep = fs_ep[dir->fs];
	struct fs_name_req rq = {.dir = dir->ino, .ino = ino, .name_grant = G_NAMES, .name_len = (uint32_t)len};
	ax_message m;
	int64_t r;

	rq.now = wall_ns();
	memcpy(names, name, len);
	set_grant(G_NAMES, AX_GRANT_READ, ep, 0, names, len);
	r = call(ep, type, &rq, sizeof(rq), &m);
	revoke(G_NAMES);
	if (out)
		fs_unpack(&m, out, sizeof(*out));
	return r;
}

static int ops_lookup(void *fs, const struct vnode *dir, const char *name, size_t len, struct vnode *out)
{
	struct fs_node_reply rp;
	int64_t r = name_call(FS_LOOKUP, dir, name, len, 0, &rp);

	if (r == 0)
		node_of((uint32_t)(uintptr_t)fs, &rp, out);
	return (int)r;
}

static int ops_readlink(void *fs, const struct vnode *link, char *to, size_t size)
{
	endpoint_t ep = fs_ep[(uint32_t)(uintptr_t)fs];
	struct fs_io_req rq = {.ino = link->ino, .len = size, .grant = G_BUF, .granter = ax_self, .pid = caller_pid};
	ax_message m;
	int64_t r;

	set_grant(G_BUF, AX_GRANT_WRITE, ep, 0, to, size);
	r = call(ep, FS_READLINK, &rq, sizeof(rq), &m);
	revoke(G_BUF);
	return (int)r;
}

static const struct fs_ops ops = {ops_lookup, ops_readlink};

/* FS_STAT of v into fst. */
static int64_t fs_stat(const struct vnode *v)
{
	endpoint_t ep = fs_ep[v->fs];
	struct fs_attr_req rq = {.ino = v->ino, .value = G_STAT};
	ax_message m;
	int64_t r;

	memset(&fst, 0, sizeof(fst));
	set_grant(G_STAT, AX_GRANT_WRITE, ep, 0, &fst, sizeof(fst));
	r = call(ep, FS_STAT, &rq, sizeof(rq), &m);
	revoke(G_STAT);
	return r;
}

static int64_t fs_attr(int32_t type, const struct vnode *v, uint64_t value)
{
	struct fs_attr_req rq = {.ino = v->ino, .value = value};
	ax_message m;

	rq.now = wall_ns();
	return call(fs_ep[v->fs], type, &rq, sizeof(rq), &m);
}

/* vfs keeps v open (pipe.c's named pipes too). */
void fs_hold(const struct vnode *v) { fs_attr(FS_HOLD, v, 0); }

/* FS_CREATE of name in dir: a file, directory, device node, or (target) a symbolic link, owned by p. */
static int64_t fs_create_as(const struct vproc *p, const struct vnode *dir, const char *name, uint32_t mode,
			    const char *target, uint32_t major, uint32_t minor, struct vnode *out)
{
	endpoint_t ep = fs_ep[dir->fs];
	size_t tl = target ? strlen(target) : 0;
	struct fs_create_req rq = {.dir = dir->ino, .name_grant = G_NAMES, .name_len = (uint16_t)strlen(name),
				   .target_len = (uint16_t)tl, .mode = mode, .uid = p->cred.uid, .gid = p->cred.gid,
				   .rdev_major = major, .rdev_minor = minor};
	struct fs_node_reply rp;
	ax_message m;
	int64_t r;

	if (dir->mode & S_ISGID) { /* BSD groups: a set-group-id directory gives its group (and the bit to directories) */
		rq.gid = dir->gid;
		if ((mode & S_IFMT) == S_IFDIR)
			rq.mode |= S_ISGID;
	}
	rq.now = wall_ns();
	memcpy(names, name, rq.name_len);
	if (tl)
		memcpy(names + rq.name_len, target, tl);
	set_grant(G_NAMES, AX_GRANT_READ, ep, 0, names, rq.name_len + tl);
	r = call(ep, FS_CREATE, &rq, sizeof(rq), &m);
	revoke(G_NAMES);
	fs_unpack(&m, &rp, sizeof(rp));
	if (r == 0 && out)
		node_of(dir->fs, &rp, out);
	return r;
}

static int64_t fs_create(const struct vproc *p, const struct vnode *dir, const char *name, uint32_t mode,
			 struct vnode *out)
{
	return fs_create_as(p, dir, name, mode, 0, 0, 0, out);
}

/* Is v the inode of an open file (but `except`), or some process's current or root directory? */
static bool node_in_use(const struct vnode *v, int except)
{
	for (int i = 0; i < FILE_MAX; i++)
		if (i != except && files.f[i].refs > 0 && vnode_same(&files.f[i].node, v))
			return true;
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].used && (vnode_same(&procs[i].cwd, v) || vnode_same(&procs[i].root, v)))
			return true;
	return false;
}

/* The last reference to an open file went: tell its driver, and its server if nothing else has the inode. */
static void release(void *arg, int file, const struct open_file *f)
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
		dev_close(extra[file].major, extra[file].minor);
		extra[file].dev = false;
	}
	if (!node_in_use(&f->node, file))
		fs_attr(FS_RELEASE, &f->node, 0);
}

/*
 * A process's current or root directory (*slot) becomes `to`. Its file
 * server keeps it as it keeps an open file's inode (FS_HOLD), so a
 * directory removed while some process is in it stays an inode where
 * lookups give ENOENT, as on Linux; the old one goes when nothing has it.
 */
static void set_dir(struct vnode *slot, const struct vnode *to)
{
	struct vnode old = *slot;

	*slot = *to;
	fs_attr(FS_HOLD, to, 0);
	if (!vnode_same(&old, to) && !node_in_use(&old, -1))
		fs_attr(FS_RELEASE, &old, 0);
}

/* ---- processes --------------------------------------------------------------- */

/* procs' index + 1 by the kernel slot of the endpoint (0: none): every call finds its caller in one step. */
static uint8_t by_slot[AX_NR_SLOTS];

struct vproc *find_proc(endpoint_t ep)
{
	struct vproc *p;

	if (ep <= 0 || !by_slot[ep & (AX_NR_SLOTS - 1)])
		return 0;
	p = &procs[by_slot[ep & (AX_NR_SLOTS - 1)] - 1];
	return p->used && p->ep == ep ? p : 0;
}

static struct vproc *new_proc(endpoint_t ep)
{
	for (int i = 0; i < PROC_MAX; i++) {
		if (!procs[i].used) {
			struct vproc *p = &procs[i];

			*p = (struct vproc){.used = true, .ep = ep, .umask = 022, .obj = -1, .fds = &fd_tables[i]};
			if (ep > 0)
				by_slot[ep & (AX_NR_SLOTS - 1)] = (uint8_t)(i + 1);
			p->cwd = p->root = root_node;
			fd_table_init(p->fds, NOFILE);
			return p;
		}
	}
	return 0;
}

static bool node_in_use(const struct vnode *v, int except);

static void free_proc(struct vproc *p)
{
	lock_release_process(p->pid, 0);
	free(p->bounce);
	p->bounce = 0;
	fd_close_all(&files, p->fds);
	p->used = false;
	if (!node_in_use(&p->cwd, -1)) /* the directories it was in, if it was the last there */
		fs_attr(FS_RELEASE, &p->cwd, 0);
	if (!vnode_same(&p->root, &p->cwd) && !node_in_use(&p->root, -1))
		fs_attr(FS_RELEASE, &p->root, 0);
}

/* Resolve path for p, relative to dirfd (AT_FDCWD: the cwd). */
static int resolve(struct vproc *p, int dirfd, const char *path, int flags, struct path_result *out)
{
	struct path_ctx ctx = {&mounts, &p->cred, p->root, p->cwd};

	if (path[0] != '/' && dirfd != AT_FDCWD) {
		struct open_file *f = fd_file(&files, p->fds, dirfd);

		if (!f)
			return -EBADF;
		ctx.start = f->node;
	}
	return path_lookup(&ctx, path, flags, out);
}

/* ---- open and close -------------------------------------------------------------- */

static int64_t open_common(struct vproc *p, int dirfd, uint64_t path_va, uint32_t flags, uint32_t mode)
{
	int acc = flags & O_ACCMODE, lflags = 0, r, fd, idx;
	bool created = false, dev = false;
	uint32_t major = 0, minor = 0;
	struct vnode node;

	if ((r = copy_path(p->ep, path_va, pathbuf)) < 0)
		return r;
	if (flags & O_CREAT)
		lflags |= PATH_CREATE | ((flags & O_EXCL) ? 0 : PATH_FOLLOW);
	else if (!(flags & O_NOFOLLOW))
		lflags |= PATH_FOLLOW;
	if ((flags & O_NOFOLLOW) && !(flags & O_PATH))
		lflags |= PATH_LINK_ELOOP;
	if (flags & O_DIRECTORY)
		lflags |= PATH_DIRECTORY;
	if ((r = resolve(p, dirfd, pathbuf, lflags, &res)) < 0)
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
	if (!(flags & O_PATH) && (node.mode & S_IFMT) == S_IFCHR) {
		int64_t d;

		if ((r = (int)fs_stat(&node)) < 0)
			return r;
		major = fst.rdev_major, minor = fst.rdev_minor;
		if ((d = dev_open(p, major, minor, flags)) < 0)
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
			dev_close(major, minor);
		return fd;
	}
	idx = fd_index(p->fds, fd);
	extra[idx].dev = dev;
	extra[idx].major = major;
	extra[idx].minor = minor;
	fs_attr(FS_HOLD, &node, 0);
	return fd;
}

static int64_t do_open(struct vproc *p, const ax_message *m)
{
	return open_common(p, AT_FDCWD, m->u64[0], (uint32_t)m->u64[1], (uint32_t)m->u64[2]);
}

static int64_t do_openat(struct vproc *p, const ax_message *m)
{
	return open_common(p, (int)m->i64[0], m->u64[1], (uint32_t)m->u64[2], (uint32_t)m->u64[3]);
}

/* close: and as POSIX wants, the process's record locks on the file go with any of its descriptors. */
static int64_t do_close(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, (int)m->i64[0]);
	struct vnode node = f ? f->node : (struct vnode){0};
	int r = fd_close(&files, p->fds, (int)m->i64[0]);

	if (r == 0)
		lock_release_process(p->pid, &node);
	return r;
}

/* ---- data ------------------------------------------------------------------------ */

/*
 * A write by anyone but root clears set-user-id, and set-group-id if the
 * group may execute, as Linux (so a program cannot be changed and keep its
 * owner's powers). Asked when the open file's copy of the mode has them;
 * the mode changed is the file server's current one, and the copy follows.
 */
static void drop_setid_bits(struct vnode *v)
{
	uint32_t mode, kill;

	if (fs_stat(v) < 0)
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

		if (write && extra[idx].minor == MEM_MINOR_NULL)
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
		return r;
	}
	if (extra[idx].dev) {
		if (io_owner == AX_NONE) /* a driver may keep the request: its pages must be there when it copies */
			touch(p->ep, va, len, !write);
		return dev_io(p, idx, va, len, at < 0 ? f->offset : (uint64_t)at, write, nonblock);
	}
	off = at < 0 ? f->offset : (uint64_t)at;
	if (write && (f->flags & O_APPEND)) {
		if ((r = fs_stat(&f->node)) < 0)
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
			r = call(ep, write ? FS_WRITE : FS_READ, &rq, sizeof(rq), &m);
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
static struct iovec64 iovs[IOV_MAX];

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
	struct iovec64 one = {m->u64[1], m->u64[2]};

	if (one.len == 0) /* a read or write of nothing still checks the descriptor */
		return fd_file(&files, p->fds, (int)m->i64[0]) ? 0 : -EBADF;
	return transfer(p, (int)m->i64[0], &one, 1, at, write);
}

static int64_t do_read(struct vproc *p, const ax_message *m) { return rw(p, m, -1, false); }
static int64_t do_write(struct vproc *p, const ax_message *m) { return rw(p, m, -1, true); }

static int64_t rwv(struct vproc *p, const ax_message *m, bool write)
{
	uint64_t n = m->u64[2], sum = 0;

	if (n > IOV_MAX)
		return -EINVAL;
	if (n && user_copy(p->ep, m->u64[1], iovs, n * sizeof(iovs[0]), AX_COPY_FROM) < 0)
		return -EFAULT;
	for (uint64_t i = 0; i < n; i++) {
		if ((int64_t)iovs[i].len < 0 || (sum += iovs[i].len) > (uint64_t)INT64_MAX)
			return -EINVAL;
	}
	if (sum == 0)
		return fd_file(&files, p->fds, (int)m->i64[0]) ? 0 : -EBADF;
	return transfer(p, (int)m->i64[0], iovs, (int)n, -1, write);
}

static int64_t do_readv(struct vproc *p, const ax_message *m) { return rwv(p, m, false); }
static int64_t do_writev(struct vproc *p, const ax_message *m) { return rwv(p, m, true); }

static int64_t prw(struct vproc *p, const ax_message *m, bool write)
{
	struct open_file *f = fd_file(&files, p->fds, (int)m->i64[0]);

	if (!f)
		return -EBADF;
	if (file_is_pipe(fd_index(p->fds, (int)m->i64[0])) || (extra[fd_index(p->fds, (int)m->i64[0])].dev &&
				  extra[fd_index(p->fds, (int)m->i64[0])].major != MEM_MAJOR))
		return -ESPIPE;
	if (m->i64[3] < 0)
		return -EINVAL;
	return rw(p, m, m->i64[3], write);
}

static int64_t do_pread64(struct vproc *p, const ax_message *m) { return prw(p, m, false); }
static int64_t do_pwrite64(struct vproc *p, const ax_message *m) { return prw(p, m, true); }

/*
 * sendfile: up to 64 KiB a call, from a regular file (at *offset, or its
 * own offset) through vfs's buffer for the process to any descriptor open
 * for writing, by the same path as write. Like Linux, a short count is an
 * answer, and the caller calls again.
 */
#define SENDFILE_CHUNK 65536
static int64_t do_sendfile(struct vproc *p, const ax_message *m)
{
	int out = (int)m->i64[0], in = (int)m->i64[1];
	struct open_file *fi = fd_file(&files, p->fds, in), *fo = fd_file(&files, p->fds, out);
	uint64_t count = m->u64[3], want;
	int64_t pos, got, r;
	int ii;

	if (!fi || !fo || (fi->flags & O_PATH) || (fo->flags & O_PATH))
		return -EBADF;
	if ((fi->flags & O_ACCMODE) == O_WRONLY || (fo->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	ii = fd_index(p->fds, in);
	if ((fi->node.mode & S_IFMT) != S_IFREG || file_is_pipe(ii) || extra[ii].dev || (fo->flags & O_APPEND))
		return -EINVAL;
	if (m->u64[2]) {
		if (user_copy(p->ep, m->u64[2], &pos, sizeof(pos), AX_COPY_FROM) < 0)
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
		got = call(ep, FS_READ, &rq, sizeof(rq), &fm);
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
	if (m->u64[2]) {
		pos += r;
		if (user_copy(p->ep, m->u64[2], &pos, sizeof(pos), AX_COPY_TO) < 0)
			return -EFAULT;
	} else {
		fi->offset += (uint64_t)r;
	}
	return r;
}

/* ioctl: the descriptor's own (FIONBIO, FIOCLEX, FIONCLEX), else its pipe's or driver's. */
static int64_t do_ioctl(struct vproc *p, const ax_message *m)
{
	int fd = (int)m->i64[0], idx;
	uint32_t cmd = (uint32_t)m->u64[1];
	struct open_file *f = fd_file(&files, p->fds, fd);
	int32_t v;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	idx = fd_index(p->fds, fd);
	switch (cmd) {
	case 0x5421: /* FIONBIO */
		if (user_copy(p->ep, m->u64[2], &v, sizeof(v), AX_COPY_FROM) < 0)
			return -EFAULT;
		f->flags = v ? f->flags | O_NONBLOCK : f->flags & ~(uint32_t)O_NONBLOCK;
		return 0;
	case 0x5451: return fd_setfd(p->fds, fd, FD_CLOEXEC); /* FIOCLEX */
	case 0x5450: return fd_setfd(p->fds, fd, 0);          /* FIONCLEX */
	}
	if (file_is_pipe(idx))
		return pipe_ioctl(p, idx, cmd, m->u64[2]);
	if (extra[idx].dev)
		return dev_ioctl(p, idx, cmd, m->u64[2]);
	if (cmd == 0x541b && (f->node.mode & S_IFMT) == S_IFREG) { /* FIONREAD: what is left to read */
		int64_t r = fs_stat(&f->node);

		if (r < 0)
			return r;
		v = fst.size > f->offset ? (int32_t)(fst.size - f->offset > INT32_MAX ? INT32_MAX : fst.size - f->offset) : 0;
		return user_copy(p->ep, m->u64[2], &v, sizeof(v), AX_COPY_TO);
	}
	return -ENOTTY;
}

static int64_t do_lseek(struct vproc *p, const ax_message *m)
{
	int fd = (int)m->i64[0];
	struct open_file *f = fd_file(&files, p->fds, fd);
	int64_t off = m->i64[1], base;

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if (file_is_pipe(fd_index(p->fds, fd)))
		return -ESPIPE;
	if (extra[fd_index(p->fds, fd)].dev) /* the memory devices: every position is the same, as on Linux */
		return extra[fd_index(p->fds, fd)].major == MEM_MAJOR ? 0 : -ESPIPE;
	switch (m->u64[2]) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->offset; break;
	case SEEK_END: {
		int64_t r = fs_stat(&f->node);

		if (r < 0)
			return r;
		base = (int64_t)fst.size;
		break;
	}
	default: return -EINVAL;
	}
	if (vnode_is_dir(&f->node) && !(m->u64[2] == SEEK_SET || (m->u64[2] == SEEK_CUR && off == 0)))
		return -EINVAL; /* a directory's offset is its server's cookie */
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->offset = (uint64_t)(base + off);
	return (int64_t)f->offset;
}

static int64_t do_getdents64(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, (int)m->i64[0]);
	uint64_t va = m->u64[1], len = m->u64[2];
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
		n = call(ep, FS_GETDENTS, &rq, sizeof(rq), &r);
		revoke(G_USER);
	}
	fs_unpack(&r, &rp, sizeof(rp));
	if (n > 0)
		f->offset = rp.cookie;
	return n;
}

/* ---- stat -------------------------------------------------------------------------- */

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
	if ((r = fs_stat(v)) < 0)
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

static int64_t do_fstat(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, (int)m->i64[0]);

	return f ? stat_to(p, &f->node, m->u64[1]) : -EBADF;
}

static int64_t stat_path(struct vproc *p, int dirfd, uint64_t path_va, uint64_t va, uint64_t flags)
{
	int r;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */))
		return -EINVAL;
	if ((r = copy_path(p->ep, path_va, pathbuf)) < 0)
		return r;
	if ((flags & AT_EMPTY_PATH) && !pathbuf[0]) {
		if (dirfd == AT_FDCWD)
			return stat_to(p, &p->cwd, va);
		return do_fstat(p, &(ax_message){.i64 = {dirfd, (int64_t)va}});
	}
	if ((r = resolve(p, dirfd, pathbuf, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : PATH_FOLLOW, &res)) < 0)
		return r;
	return stat_to(p, &res.node, va);
}

static int64_t do_stat(struct vproc *p, const ax_message *m) { return stat_path(p, AT_FDCWD, m->u64[0], m->u64[1], 0); }
static int64_t do_lstat(struct vproc *p, const ax_message *m)
{
	return stat_path(p, AT_FDCWD, m->u64[0], m->u64[1], AT_SYMLINK_NOFOLLOW);
}
static int64_t do_newfstatat(struct vproc *p, const ax_message *m)
{
	return stat_path(p, (int)m->i64[0], m->u64[1], m->u64[2], m->u64[3]);
}

/* ---- descriptors ------------------------------------------------------------------- */

static int64_t do_dup(struct vproc *p, const ax_message *m) { return fd_dupfd(&files, p->fds, (int)m->i64[0], 0, false); }
static int64_t do_dup2(struct vproc *p, const ax_message *m)
{
	return fd_dup2(&files, p->fds, (int)m->i64[0], (int)m->i64[1]);
}
static int64_t do_dup3(struct vproc *p, const ax_message *m)
{
	return fd_dup3(&files, p->fds, (int)m->i64[0], (int)m->i64[1], (uint32_t)m->u64[2]);
}

static int64_t do_fcntl(struct vproc *p, const ax_message *m)
{
	int fd = (int)m->i64[0];

	switch (m->u64[1]) {
	case F_DUPFD: return fd_dupfd(&files, p->fds, fd, (int)m->i64[2], false);
	case F_DUPFD_CLOEXEC: return fd_dupfd(&files, p->fds, fd, (int)m->i64[2], true);
	case F_GETFD: return fd_getfd(p->fds, fd);
	case F_SETFD: return fd_setfd(p->fds, fd, (int)m->i64[2]);
	case F_GETFL: return fd_getfl(&files, p->fds, fd);
	case F_SETFL: return fd_setfl(&files, p->fds, fd, (uint32_t)m->u64[2]);
	case 5: case 6: case 7: { /* F_GETLK, F_SETLK, F_SETLKW: lock.c */
		struct open_file *f = fd_file(&files, p->fds, fd);
		uint64_t size = 0;

		if (f && !is_pipe(&f->node) && !extra[fd_index(p->fds, fd)].dev && fs_stat(&f->node) == 0)
			size = fst.size;
		return lock_fcntl(p, fd, (int)m->u64[1], m->u64[2], size);
	}
	default: return fd_file(&files, p->fds, fd) ? -EINVAL : -EBADF;
	}
}

/* ---- names ------------------------------------------------------------------------- */

static int new_name(struct vproc *p, int dirfd, const char *path);

static int64_t mkdir_common(struct vproc *p, int dirfd, uint64_t path_va, uint32_t mode)
{
	int r;

	if ((r = copy_path(p->ep, path_va, pathbuf)) < 0)
		return r;
	if ((r = new_name(p, dirfd, pathbuf)) < 0) /* EEXIST, then write and search permission on the parent */
		return r;
	return fs_create(p, &res.dir, res.name, S_IFDIR | (mode & 07777 & ~p->umask), 0);
}

static int64_t do_mkdir(struct vproc *p, const ax_message *m) { return mkdir_common(p, AT_FDCWD, m->u64[0], (uint32_t)m->u64[1]); }
static int64_t do_mkdirat(struct vproc *p, const ax_message *m)
{
	return mkdir_common(p, (int)m->i64[0], m->u64[1], (uint32_t)m->u64[2]);
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
	int r;

	if ((r = copy_path(p->ep, path_va, pathbuf)) < 0)
		return r;
	if ((r = resolve(p, dirfd, pathbuf, PATH_PARENT, &res)) < 0)
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
	return name_call(dir ? FS_RMDIR : FS_UNLINK, &res.dir, res.name, strlen(res.name), 0, 0);
}

static int64_t do_unlink(struct vproc *p, const ax_message *m) { return remove_common(p, AT_FDCWD, m->u64[0], false); }
static int64_t do_rmdir(struct vproc *p, const ax_message *m) { return remove_common(p, AT_FDCWD, m->u64[0], true); }
static int64_t do_unlinkat(struct vproc *p, const ax_message *m)
{
	if (m->u64[2] & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	return remove_common(p, (int)m->i64[0], m->u64[1], (m->u64[2] & AT_REMOVEDIR) != 0);
}

static int64_t rename_common(struct vproc *p, int olddir, uint64_t old_va, int newdir, uint64_t new_va, uint64_t flags)
{
	struct fs_node_reply rp, rp2;
	size_t ol, nl;
	int64_t r;

	if (flags & ~(uint64_t)FS_RENAME_NOREPLACE)
		return -EINVAL;
	if ((r = copy_path(p->ep, old_va, pathbuf)) < 0 || (r = copy_path(p->ep, new_va, pathbuf2)) < 0)
		return r;
	if ((r = resolve(p, olddir, pathbuf, PATH_PARENT, &res)) < 0 ||
	    (r = resolve(p, newdir, pathbuf2, PATH_PARENT, &res2)) < 0)
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
	if ((r = name_call(FS_LOOKUP, &res2.dir, res2.name, nl, 0, &rp2)) == 0)
		r = may_delete(p, &res2.dir, rp2.uid); /* the name replaced */
	else if (r == -ENOENT)
		r = vnode_permission(&p->cred, &res2.dir, MAY_WRITE | MAY_EXEC) < 0 ? -EACCES : 0;
	if (r < 0)
		return r;
	{
		endpoint_t ep = fs_ep[res.dir.fs];
		struct fs_rename_req rq = {.old_dir = res.dir.ino, .new_dir = res2.dir.ino, .ino = rp.ino,
					   .name_grant = G_NAMES, .old_len = (uint16_t)ol, .new_len = (uint16_t)nl,
					   .flags = (uint32_t)flags << 16};
		ax_message m;

		rq.now = wall_ns();
		memcpy(names, res.name, ol);
		memcpy(names + ol, res2.name, nl);
		set_grant(G_NAMES, AX_GRANT_READ, ep, 0, names, ol + nl);
		r = call(ep, FS_RENAME, &rq, sizeof(rq), &m);
		revoke(G_NAMES);
	}
	return r;
}

static int64_t do_rename(struct vproc *p, const ax_message *m)
{
	return rename_common(p, AT_FDCWD, m->u64[0], AT_FDCWD, m->u64[1], 0);
}
static int64_t do_renameat(struct vproc *p, const ax_message *m)
{
	return rename_common(p, (int)m->i64[0], m->u64[1], (int)m->i64[2], m->u64[3], 0);
}
static int64_t do_renameat2(struct vproc *p, const ax_message *m)
{
	return rename_common(p, (int)m->i64[0], m->u64[1], (int)m->i64[2], m->u64[3], m->u64[4]);
}

/* ---- the current directory ---------------------------------------------------------- */

static int64_t do_chdir(struct vproc *p, const ax_message *m)
{
	int r;

	if ((r = copy_path(p->ep, m->u64[0], pathbuf)) < 0)
		return r;
	if ((r = resolve(p, AT_FDCWD, pathbuf, PATH_FOLLOW | PATH_DIRECTORY, &res)) < 0)
		return r;
	if (vnode_permission(&p->cred, &res.node, MAY_EXEC) < 0)
		return -EACCES;
	set_dir(&p->cwd, &res.node);
	return 0;
}

static int64_t do_fchdir(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, (int)m->i64[0]);

	if (!f)
		return -EBADF;
	if (!vnode_is_dir(&f->node))
		return -ENOTDIR;
	set_dir(&p->cwd, &f->node);
	return 0;
}

/* The name of child in directory dir (by a listing into buf): 0 with it in out, or -ENOENT. */
static int name_in(const struct vnode *dir, const struct vnode *child, char *out)
{
	endpoint_t ep = fs_ep[dir->fs];
	uint64_t cookie = 0;

	for (int calls = 0; calls < 4096; calls++) {
		struct fs_getdents_req rq = {.dir = dir->ino, .cookie = cookie, .len = sizeof(buf), .grant = G_BUF,
					     .granter = ax_self};
		struct fs_getdents_reply rp;
		ax_message m;
		int64_t n;

		set_grant(G_BUF, AX_GRANT_WRITE, ep, 0, buf, sizeof(buf));
		n = call(ep, FS_GETDENTS, &rq, sizeof(rq), &m);
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
static int64_t do_getcwd(struct vproc *p, const ax_message *m)
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
	if (m->u64[1] < len)
		return -ERANGE;
	if (user_copy(p->ep, m->u64[0], path + at, len, AX_COPY_TO) < 0)
		return -EFAULT;
	return (int64_t)len;
}

/* ---- links, modes, owners, times, sizes -------------------------------------------------- */

/* The file path names (dirfd, flags AT_SYMLINK_NOFOLLOW / AT_EMPTY_PATH) into res.node. */
static int path_node(struct vproc *p, int dirfd, uint64_t path_va, uint64_t flags, bool follow_default)
{
	int r;

	if ((r = copy_path(p->ep, path_va, pathbuf)) < 0)
		return r;
	if ((flags & AT_EMPTY_PATH) && !pathbuf[0]) {
		struct open_file *f;

		if (dirfd == AT_FDCWD) {
			res.node = p->cwd;
			return 0;
		}
		if (!(f = fd_file(&files, p->fds, dirfd)))
			return -EBADF;
		res.node = f->node;
		return 0;
	}
	return resolve(p, dirfd, pathbuf,
		       (follow_default && !(flags & AT_SYMLINK_NOFOLLOW)) || (flags & AT_SYMLINK_FOLLOW) ? PATH_FOLLOW : 0,
		       &res);
}

/* access, faccessat, faccessat2: with the real ids (AT_EACCESS: the effective ones), as Linux. */
static int64_t access_common(struct vproc *p, int dirfd, uint64_t path_va, uint64_t mode, uint64_t flags)
{
	struct cred c = p->cred;
	int r;

	if (mode & ~7ULL)
		return -EINVAL;
	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x200 /* AT_EACCESS */))
		return -EINVAL;
	if ((r = path_node(p, dirfd, path_va, flags & ~(uint64_t)0x200, true)) < 0)
		return r;
	if (!(flags & 0x200))
		c.uid = p->ruid, c.gid = p->rgid;
	if (!mode)
		return 0;
	if ((mode & MAY_WRITE) && res.node.fs != PIPE_FS && fs_rdonly[res.node.fs])
		return -EROFS;
	return vnode_permission(&c, &res.node, (int)mode);
}

static int64_t do_access(struct vproc *p, const ax_message *m) { return access_common(p, AT_FDCWD, m->u64[0], m->u64[1], 0); }
static int64_t do_faccessat(struct vproc *p, const ax_message *m)
{
	return access_common(p, (int)m->i64[0], m->u64[1], m->u64[2], 0);
}
static int64_t do_faccessat2(struct vproc *p, const ax_message *m)
{
	return access_common(p, (int)m->i64[0], m->u64[1], m->u64[2], m->u64[3]);
}

/* The parent directory of a new name (res.dir, res.name), which must not exist, writable by p. */
static int new_name(struct vproc *p, int dirfd, const char *path)
{
	int r;

	if ((r = resolve(p, dirfd, path, PATH_PARENT, &res)) < 0)
		return r;
	if (res.last != PATH_LAST_NAME)
		return -EEXIST;
	{
		struct fs_node_reply rp;

		if (name_call(FS_LOOKUP, &res.dir, res.name, strlen(res.name), 0, &rp) == 0)
			return -EEXIST;
	}
	if (vnode_permission(&p->cred, &res.dir, MAY_WRITE | MAY_EXEC) < 0)
		return -EACCES;
	return 0;
}

static int64_t symlink_common(struct vproc *p, uint64_t target_va, int dirfd, uint64_t path_va)
{
	int r;

	if ((r = copy_path(p->ep, target_va, pathbuf2)) < 0 || (r = copy_path(p->ep, path_va, pathbuf)) < 0)
		return r;
	if (!pathbuf2[0])
		return -ENOENT;
	if ((r = new_name(p, dirfd, pathbuf)) < 0)
		return r;
	return fs_create_as(p, &res.dir, res.name, S_IFLNK | 0777, pathbuf2, 0, 0, 0);
}

static int64_t do_symlink(struct vproc *p, const ax_message *m) { return symlink_common(p, m->u64[0], AT_FDCWD, m->u64[1]); }
static int64_t do_symlinkat(struct vproc *p, const ax_message *m)
{
	return symlink_common(p, m->u64[0], (int)m->i64[1], m->u64[2]);
}

static int64_t link_common(struct vproc *p, int olddir, uint64_t old_va, int newdir, uint64_t new_va, uint64_t flags)
{
	struct vnode target;
	struct fs_node_reply rp;
	int r;

	if (flags & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = path_node(p, olddir, old_va, flags, false)) < 0)
		return r;
	target = res.node;
	if (vnode_is_dir(&target))
		return -EPERM;
	if ((r = copy_path(p->ep, new_va, pathbuf)) < 0)
		return r;
	if ((r = new_name(p, newdir, pathbuf)) < 0)
		return r;
	if (res.dir.fs != target.fs)
		return -EXDEV;
	return name_call(FS_LINK, &res.dir, res.name, strlen(res.name), target.ino, &rp);
}

static int64_t do_link(struct vproc *p, const ax_message *m) { return link_common(p, AT_FDCWD, m->u64[0], AT_FDCWD, m->u64[1], 0); }
static int64_t do_linkat(struct vproc *p, const ax_message *m)
{
	return link_common(p, (int)m->i64[0], m->u64[1], (int)m->i64[2], m->u64[3], m->u64[4]);
}

static int64_t readlink_common(struct vproc *p, int dirfd, uint64_t path_va, uint64_t va, int64_t size)
{
	int r;

	if (size <= 0)
		return -EINVAL;
	if ((r = path_node(p, dirfd, path_va, AT_EMPTY_PATH, false)) < 0)
		return r;
	if ((res.node.mode & S_IFMT) != S_IFLNK)
		return -EINVAL;
	if ((r = ops_readlink((void *)(uintptr_t)res.node.fs, &res.node, buf, sizeof(buf))) < 0)
		return r;
	if (r > size)
		r = (int)size;
	return user_copy(p->ep, va, buf, (uint64_t)r, AX_COPY_TO) < 0 ? -EFAULT : r;
}

static int64_t do_readlink(struct vproc *p, const ax_message *m) { return readlink_common(p, AT_FDCWD, m->u64[0], m->u64[1], m->i64[2]); }
static int64_t do_readlinkat(struct vproc *p, const ax_message *m)
{
	return readlink_common(p, (int)m->i64[0], m->u64[1], m->u64[2], m->i64[3]);
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

static int64_t do_chmod(struct vproc *p, const ax_message *m)
{
	int r = path_node(p, AT_FDCWD, m->u64[0], 0, true);

	return r < 0 ? r : chmod_node(p, &res.node, m->u64[1]);
}
static int64_t do_fchmod(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, (int)m->i64[0]);

	return f ? chmod_node(p, &f->node, m->u64[1]) : -EBADF;
}
static int64_t do_fchmodat(struct vproc *p, const ax_message *m)
{
	int r = path_node(p, (int)m->i64[0], m->u64[1], 0, true);

	return r < 0 ? r : chmod_node(p, &res.node, m->u64[2]);
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
	int r;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if ((r = path_node(p, dirfd, path_va, flags, follow)) < 0)
		return r;
	return chown_node(p, &res.node, (uint32_t)uid, (uint32_t)gid);
}

static int64_t do_chown(struct vproc *p, const ax_message *m) { return chown_path(p, AT_FDCWD, m->u64[0], m->u64[1], m->u64[2], 0, true); }
static int64_t do_lchown(struct vproc *p, const ax_message *m) { return chown_path(p, AT_FDCWD, m->u64[0], m->u64[1], m->u64[2], 0, false); }
static int64_t do_fchownat(struct vproc *p, const ax_message *m)
{
	return chown_path(p, (int)m->i64[0], m->u64[1], m->u64[2], m->u64[3], m->u64[4], true);
}
static int64_t do_fchown(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, (int)m->i64[0]);

	return f ? chown_node(p, &f->node, (uint32_t)m->u64[1], (uint32_t)m->u64[2]) : -EBADF;
}

/* utimensat (and futimens: a NULL path with a descriptor). UTIME_NOW 0x3fffffff, UTIME_OMIT 0x3ffffffe. */
static int64_t do_utimensat(struct vproc *p, const ax_message *m)
{
	struct fs_timespec ts[2];
	int64_t t[2], now;
	bool explicit_time = false, all_omit = true;
	struct vnode v;
	int r;

	if (m->u64[3] & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!m->u64[1]) { /* futimens */
		struct open_file *f = fd_file(&files, p->fds, (int)m->i64[0]);

		if (!f)
			return -EBADF;
		v = f->node;
	} else {
		if ((r = path_node(p, (int)m->i64[0], m->u64[1], m->u64[3], true)) < 0)
			return r;
		v = res.node;
	}
	now = wall_ns();
	if (m->u64[2]) {
		if (user_copy(p->ep, m->u64[2], ts, sizeof(ts), AX_COPY_FROM) < 0)
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

		return call(fs_ep[v.fs], FS_UTIMENS, &rq, sizeof(rq), &fm);
	}
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

static int64_t do_truncate(struct vproc *p, const ax_message *m)
{
	int r = path_node(p, AT_FDCWD, m->u64[0], 0, true);

	return r < 0 ? r : truncate_node(p, &res.node, m->i64[1], true);
}

static int64_t do_ftruncate(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, (int)m->i64[0]);

	if (!f || (f->flags & O_PATH))
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL; /* Linux: not open for writing */
	return truncate_node(p, &f->node, m->i64[1], false);
}

static int64_t mknod_common(struct vproc *p, int dirfd, uint64_t path_va, uint64_t mode, uint64_t dev)
{
	uint32_t type = (uint32_t)mode & S_IFMT;
	int r;

	if (type == 0)
		type = S_IFREG;
	if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK)
		return -EINVAL;
	if ((type == S_IFCHR || type == S_IFBLK) && p->cred.uid != 0)
		return -EPERM;
	if ((r = copy_path(p->ep, path_va, pathbuf)) < 0)
		return r;
	if ((r = new_name(p, dirfd, pathbuf)) < 0)
		return r;
	/* Linux's dev_t: major bits 8..19 (and 32..43), minor bits 0..7 and 20..31 */
	return fs_create_as(p, &res.dir, res.name, type | ((uint32_t)mode & 07777 & ~p->umask), 0,
			    (uint32_t)((dev >> 8) & 0xfff) | (uint32_t)((dev >> 32) & ~0xfffULL),
			    (uint32_t)(dev & 0xff) | (uint32_t)((dev >> 12) & ~0xffULL), 0);
}

static int64_t do_mknod(struct vproc *p, const ax_message *m) { return mknod_common(p, AT_FDCWD, m->u64[0], m->u64[1], m->u64[2]); }
static int64_t do_mknodat(struct vproc *p, const ax_message *m)
{
	return mknod_common(p, (int)m->i64[0], m->u64[1], m->u64[2], m->u64[3]);
}

static int64_t do_creat(struct vproc *p, const ax_message *m)
{
	return open_common(p, AT_FDCWD, m->u64[0], O_CREAT | O_WRONLY | O_TRUNC, (uint32_t)m->u64[1]);
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
		if ((r = call(fs_ep[v->fs], FS_STATFS, 0, 0, &m)) < 0)
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

static int64_t do_statfs(struct vproc *p, const ax_message *m)
{
	int r = path_node(p, AT_FDCWD, m->u64[0], 0, true);

	return r < 0 ? r : statfs_node(p, &res.node, m->u64[1]);
}
static int64_t do_fstatfs(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, (int)m->i64[0]);

	return f ? statfs_node(p, &f->node, m->u64[1]) : -EBADF;
}

/* sync, syncfs: every mounted file system; fsync, fdatasync: the file's. */
static int64_t sync_all(void)
{
	for (int fs = 1; fs <= MOUNT_MAX; fs++) {
		if (fs_ep[fs] != AX_NONE) {
			struct vnode all = {.fs = (uint32_t)fs, .ino = 0};

			fs_attr(FS_SYNC, &all, 0);
		}
	}
	return 0;
}

static int64_t do_sync(struct vproc *p, const ax_message *m)
{
	(void)p, (void)m;
	return sync_all();
}

static int64_t do_syncfs(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, (int)m->i64[0]);
	struct vnode all;

	if (!f)
		return -EBADF;
	if (f->node.fs == PIPE_FS)
		return 0;
	all = (struct vnode){.fs = f->node.fs};
	return fs_attr(FS_SYNC, &all, 0);
}

static int64_t do_fsync(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, (int)m->i64[0]);
	int idx;

	if (!f)
		return -EBADF;
	idx = fd_index(p->fds, (int)m->i64[0]);
	if (f->node.fs == PIPE_FS || extra[idx].dev)
		return -EINVAL; /* as Linux for pipes and terminals */
	return fs_attr(FS_SYNC, &f->node, 0);
}

static int64_t do_chroot(struct vproc *p, const ax_message *m)
{
	int r;

	if (p->cred.uid != 0)
		return -EPERM;
	if ((r = copy_path(p->ep, m->u64[0], pathbuf)) < 0)
		return r;
	if ((r = resolve(p, AT_FDCWD, pathbuf, PATH_FOLLOW | PATH_DIRECTORY, &res)) < 0)
		return r;
	if (vnode_permission(&p->cred, &res.node, MAY_EXEC) < 0)
		return -EACCES;
	set_dir(&p->root, &res.node);
	return 0;
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

static int64_t do_statx(struct vproc *p, const ax_message *m)
{
	struct linux_statx sx = {0};
	uint64_t flags = m->u64[2];
	int r;

	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 | 0x6000 /* AT_STATX_SYNC_TYPE */))
		return -EINVAL;
	if ((r = path_node(p, (int)m->i64[0], m->u64[1], flags, true)) < 0)
		return r;
	if (res.node.fs == PIPE_FS) {
		sx.stx_mode = (uint16_t)res.node.mode, sx.stx_nlink = 1, sx.stx_ino = res.node.ino;
		sx.stx_uid = res.node.uid, sx.stx_gid = res.node.gid, sx.stx_blksize = 4096, sx.stx_dev_minor = 12;
	} else {
		if ((r = (int)fs_stat(&res.node)) < 0)
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
	return user_copy(p->ep, m->u64[4], &sx, sizeof(sx), AX_COPY_TO);
}

/* ---- mount and umount2 ------------------------------------------------------------------ */

/* What each mount was asked as, for /proc/mounts. */
static struct {
	char source[64], target[256], type[16];
} mount_names[MOUNT_MAX + 1];

#define MS_RDONLY 1
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8

/* procfs's current incarnation: from the boot information, then as ds says (fs_server_moved). */
static endpoint_t procfs = AX_NONE;

/* The file system type's server: procfs only, for now (ramfs is the one root). */
static endpoint_t server_of(const char *type)
{
	if (strcmp(type, "proc") == 0)
		return procfs;
	return AX_NONE;
}

/*
 * ds says the file server known as label is now ep (AX_NONE: it ended). A
 * mount of its former incarnation is re-opened on the new one (FS_MOUNTED
 * again, proto/fs.h): later requests go there.
 */
void fs_server_moved(const char *label, endpoint_t ep)
{
	struct fs_mounted rq;
	ax_message fm;
	endpoint_t old = procfs;

	if (strcmp(label, "procfs") != 0 || ep == AX_NONE || ep == old)
		return;
	procfs = ep;
	for (uint32_t id = ROOT_FS + 1; id <= MOUNT_MAX; id++) {
		if (fs_ep[id] != old || old == AX_NONE)
			continue;
		rq.flags = fs_rdonly[id] ? FS_MOUNT_RDONLY : 0;
		if (call(ep, FS_MOUNTED, &rq, sizeof(rq), &fm) < 0) {
			ax_printf("vfs: procfs came back at endpoint %d but refused its mount: it stays unreachable\n", ep);
			continue;
		}
		fs_ep[id] = ep;
		ax_printf("vfs: the procfs mount goes to endpoint %d now\n", ep);
	}
}

static void copy_name(char *to, size_t size, const char *from)
{
	size_t n = strlen(from);

	if (n >= size)
		n = size - 1;
	memcpy(to, from, n);
	to[n] = 0;
}

/* The mount table as /proc/mounts shows it: in a page procfs reads by a standing grant (proto/info.h). */
static struct info_mounts mounts_info __attribute__((aligned(4096)));

static void publish_mounts(void)
{
	struct info_mount list[MOUNT_MAX + 1];
	int n = 0;

	for (uint32_t id = ROOT_FS; id <= MOUNT_MAX; id++)
		if (fs_ep[id] != AX_NONE)
			list[n++] = (struct info_mount){mount_names[id].source, mount_names[id].target, mount_names[id].type,
							fs_rdonly[id] ? "ro" : "rw"};
	info_mounts_set(&mounts_info, list, n);
}

static int64_t do_mount(struct vproc *p, const ax_message *m)
{
	static char source[PATH_MAX], type[PATH_MAX];
	uint64_t flags = m->u64[3];
	struct fs_mounted rq = {0};
	struct fs_node_reply rp;
	struct vnode root;
	ax_message fm;
	endpoint_t ep;
	uint32_t id = 0;
	int64_t r;

	if (p->cred.uid != 0)
		return -EPERM;
	if ((r = copy_path(p->ep, m->u64[1], pathbuf)) < 0)
		return r;
	if ((r = resolve(p, AT_FDCWD, pathbuf, PATH_FOLLOW | PATH_DIRECTORY, &res)) < 0)
		return r;
	if (flags & MS_REMOUNT) { /* only the read-only bit changes */
		const struct mount *mt = mount_find(&mounts, res.node.fs);

		if (!mt || !vnode_same(&mt->root, &res.node))
			return -EINVAL;
		fs_rdonly[res.node.fs] = (flags & MS_RDONLY) != 0;
		publish_mounts();
		return 0;
	}
	if (flags & MS_BIND)
		return -EINVAL; /* bind mounts: not yet */
	source[0] = type[0] = 0;
	if (m->u64[0] && (r = copy_path(p->ep, m->u64[0], source)) < 0)
		return r;
	if (!m->u64[2])
		return -EINVAL;
	if ((r = copy_path(p->ep, m->u64[2], type)) < 0)
		return r;
	if ((ep = server_of(type)) == AX_NONE)
		return -ENODEV;
	for (uint32_t i = ROOT_FS + 1; i <= MOUNT_MAX && !id; i++)
		if (fs_ep[i] == AX_NONE)
			id = i;
	if (!id)
		return -ENOMEM;
	for (uint32_t i = 1; i <= MOUNT_MAX; i++)
		if (fs_ep[i] == ep)
			return -EBUSY; /* one mount per server: its inode numbers are its own */
	rq.flags = (flags & MS_RDONLY) ? FS_MOUNT_RDONLY : 0;
	if ((r = call(ep, FS_MOUNTED, &rq, sizeof(rq), &fm)) < 0)
		return r;
	fs_unpack(&fm, &rp, sizeof(rp));
	node_of(id, &rp, &root);
	if ((root.mode & S_IFMT) != S_IFDIR)
		return -EIO;
	fs_ep[id] = ep;
	if ((r = mount_add(&mounts, id, &ops, (void *)(uintptr_t)id, &root, &res.node)) < 0) {
		fs_ep[id] = AX_NONE;
		return r;
	}
	fs_rdonly[id] = (flags & MS_RDONLY) != 0;
	copy_name(mount_names[id].source, sizeof(mount_names[id].source), source[0] ? source : type);
	copy_name(mount_names[id].target, sizeof(mount_names[id].target), pathbuf);
	copy_name(mount_names[id].type, sizeof(mount_names[id].type), type);
	publish_mounts();
	return 0;
}

static int64_t do_umount2(struct vproc *p, const ax_message *m)
{
	const struct mount *mt;
	uint32_t id;
	int64_t r;

	if (p->cred.uid != 0)
		return -EPERM;
	if (m->u64[1] & ~(uint64_t)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((r = copy_path(p->ep, m->u64[0], pathbuf)) < 0)
		return r;
	if ((r = resolve(p, AT_FDCWD, pathbuf, (m->u64[1] & UMOUNT_NOFOLLOW) ? 0 : PATH_FOLLOW, &res)) < 0)
		return r;
	id = res.node.fs;
	if (!(mt = mount_find(&mounts, id)) || !vnode_same(&mt->root, &res.node))
		return -EINVAL;
	if (id == ROOT_FS)
		return -EBUSY;
	for (int i = 0; i < FILE_MAX; i++)
		if (files.f[i].refs > 0 && files.f[i].node.fs == id)
			return -EBUSY;
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].used && (procs[i].cwd.fs == id || procs[i].root.fs == id))
			return -EBUSY;
	if ((r = mount_remove(&mounts, id)) < 0)
		return r;
	fs_ep[id] = AX_NONE;
	fs_rdonly[id] = false;
	publish_mounts();
	return 0;
}

/* ---- calls that wait ---------------------------------------------------------------------- */

static int64_t (*const posix_calls[NR_MAX])(struct vproc *p, const ax_message *m);


/* Answer the call p waits in. */
void reply_later(struct vproc *p, int64_t value)
{
	ax_message reply = {.type = AX_MSG_POSIX + p->blocked_nr};

	reply.i64[0] = value;
	p->blocked_nr = 0;
	p->blocked = false;
	p->wait = W_NONE;
	p->runnable = false;
	ax_sendnb(p->ep, &reply);
}

/* What p waits for may have changed: run its call again once the current message is done. */
static bool any_runnable; /* some retry() is waiting for run_queue */

void retry(struct vproc *p)
{
	p->runnable = true;
	any_runnable = true;
}

static void run_again(struct vproc *p)
{
	int64_t r;

	p->retrying = true;
	p->wait = W_NONE;
	caller_pid = p->pid;
	r = posix_calls[p->blocked_nr](p, &p->req);
	p->retrying = false;
	if (r != WOULD_WAIT)
		reply_later(p, r);
}

/* The earliest deadline of a waiting poll or select sets vfs's one alarm. */
bool poll_waiting; /* a poll or select may wait with a deadline (poll.c sets it; a scan that finds none clears it) */

static void arm_alarm(void)
{
	uint64_t first = 0, now;

	if (!poll_waiting)
		return;
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].used && procs[i].blocked && procs[i].wait == W_POLL && procs[i].deadline &&
		    (!first || procs[i].deadline < first))
			first = procs[i].deadline;
	if (!first) {
		poll_waiting = false;
		return;
	}
	now = ax_now_ns();
	ax_alarm(first > now ? first - now : 1);
}

/* Run the calls retry() marked, until none is left (each run may mark others). */
static void run_queue(void)
{
	if (!any_runnable) {
		arm_alarm();
		return;
	}
	any_runnable = false;
	for (bool any = true; any;) {
		any = false;
		for (int i = 0; i < PROC_MAX; i++) {
			struct vproc *p = &procs[i];

			if (!p->used || !p->runnable)
				continue;
			p->runnable = false;
			any = true;
			/* a request a driver holds, or a signal pm was asked for, is not run again: it ends by an event */
			if (p->blocked && p->wait != W_DEV && p->wait != W_JOBCTL && p->wait != W_MASK && p->wait != W_FIFO)
				run_again(p);
		}
	}
	arm_alarm();
}

/* Signals for pm to send (SIGPIPE, job control, ppoll's masks): queued here, pulled by pm (sys/sigq.h). */
static struct ax_sigq sigq;

void queue_signal(int kind, endpoint_t target, int sig) { ax_sigq_push(&sigq, pm, "vfs", kind, target, (uint64_t)sig); }

/* ppoll, pselect6: ask pm to set (PM_SIG_MASK) or restore (PM_SIG_UNMASK) a process's mask. */
void queue_mask(int kind, endpoint_t target, uint64_t mask) { ax_sigq_push(&sigq, pm, "vfs", kind, target, mask); }

static int64_t do_signal_pull(const ax_message *m, ax_message *r) { return ax_sigq_pull(&sigq, pm, m, r); }

/* The process a message from pm is about (u64[0]): 0 when the message is not pm's or the process unknown. */
static struct vproc *pm_subject(const ax_message *m)
{
	return m->source == pm ? find_proc((endpoint_t)m->i64[0]) : 0;
}

/* Why pm_subject gave 0. */
static int64_t pm_refusal(const ax_message *m) { return m->source != pm ? -EPERM : -ESRCH; }

/* ---- from pm: process identities ------------------------------------------------------ */

static void open_console(struct vproc *p);

static int64_t do_vfs_fork(const ax_message *m, ax_message *r)
{
	struct vproc *parent, *child;

	(void)r;
	if (m->source != pm)
		return -EPERM;
	if ((child = find_proc((endpoint_t)m->i64[1])))
		free_proc(child);
	if (!(child = new_proc((endpoint_t)m->i64[1])))
		return -ENOMEM;
	if ((endpoint_t)m->i64[0] == AX_NONE) {
		open_console(child);
	} else if ((parent = find_proc((endpoint_t)m->i64[0]))) {
		fd_fork(&files, parent->fds, child->fds);
		child->cwd = parent->cwd;
		child->root = parent->root;
		child->pid = parent->pid, child->pgrp = parent->pgrp, child->sid = parent->sid;
		child->cred = parent->cred;
		child->ruid = parent->ruid, child->rgid = parent->rgid;
		child->umask = parent->umask;
	}
	return 0;
}

/*
 * A boot process (pm's first ones) starts as Linux's init does: /dev/console
 * open as descriptors 0, 1 and 2, read and write, not its controlling
 * terminal. Its driver is not asked now (it may not be up yet); an open of a
 * character device is only a check.
 */
static void open_console(struct vproc *p)
{
	int fd, idx;

	if (resolve(p, AT_FDCWD, "/dev/console", PATH_FOLLOW, &res) < 0 || (res.node.mode & S_IFMT) != S_IFCHR ||
	    fs_stat(&res.node) < 0)
		return; /* no console: the process starts with nothing open */
	if ((fd = fd_open(&files, p->fds, &res.node, O_RDWR, p->cred.uid == 0)) < 0)
		return;
	idx = fd_index(p->fds, fd);
	extra[idx].dev = true;
	extra[idx].major = fst.rdev_major;
	extra[idx].minor = fst.rdev_minor;
	fs_attr(FS_HOLD, &res.node, 0);
	fd_dupfd(&files, p->fds, fd, 1, false);
	fd_dupfd(&files, p->fds, fd, 2, false);
}

static int64_t do_vfs_setpgrp(const ax_message *m, ax_message *r)
{
	struct vproc *p;

	(void)r;
	if (!(p = pm_subject(m)))
		return pm_refusal(m);
	if (m->i64[1] <= 0 || m->i64[2] <= 0 || m->i64[3] <= 0 || m->i64[1] > INT32_MAX || m->i64[2] > INT32_MAX ||
	    m->i64[3] > INT32_MAX)
		return -EINVAL;
	p->pid = (int)m->i64[1], p->pgrp = (int)m->i64[2], p->sid = (int)m->i64[3];
	return 0;
}

static int64_t do_vfs_setid(const ax_message *m, ax_message *r)
{
	struct vproc *p;

	(void)r;
	if (!(p = pm_subject(m)))
		return pm_refusal(m);
	p->ruid = (uint32_t)m->u64[1], p->rgid = (uint32_t)(m->u64[1] >> 32);
	p->cred.uid = (uint32_t)m->u64[2], p->cred.gid = (uint32_t)(m->u64[2] >> 32);
	p->cred.ngroups = 0;
	if (m->u64[3] > CRED_GROUPS_MAX ||
	    (m->u64[3] && user_copy(pm, m->u64[4], p->cred.groups, m->u64[3] * 4, AX_COPY_FROM) < 0)) {
		ax_printf("vfs: %lu supplementary groups for %d not taken: the process has none here\n", m->u64[3],
			  p->ep);
		return -EINVAL;
	}
	p->cred.ngroups = (int)m->u64[3];
	return 0;
}

/*
 * A signal must take effect in the process: a call it waits in here ends
 * with what it moved, or -ERESTARTSYS (-ERESTARTNOHAND for poll and
 * select), which pm turns into a restart or EINTR. pm hears the call's number
 * + 1 (0: none waited; read is call 0).
 */
static int64_t do_vfs_interrupt(const ax_message *m, ax_message *r)
{
	struct vproc *p;
	int nr;

	(void)r;
	if (!(p = pm_subject(m)))
		return pm_refusal(m);
	if (!p->blocked || p->wait == W_MASK)
		return 0; /* not waiting, or only for pm (the call's answer is known: signals come after it) */
	nr = p->blocked_nr;
	p->mask_state = MASK_NONE; /* ppoll's mask: pm puts the old one back around the handler, as for sigsuspend */
	if (p->wait == W_DEV)
		dev_cancel(p);
	if (p->wait == W_FIFO) /* the open that waited for the other end gives its descriptor back */
		fd_close(&files, p->fds, p->fifo_fd);
	if (p->wait == W_POLL)
		reply_later(p, -ERESTARTNOHAND);
	else
		reply_later(p, p->done ? (int64_t)p->done : -ERESTARTSYS);
	return nr + 1;
}

static int64_t do_vfs_jobctl_refused(const ax_message *m, ax_message *r)
{
	struct vproc *p;

	(void)r;
	if (!(p = pm_subject(m)))
		return pm_refusal(m);
	if (!p->blocked || p->wait != W_JOBCTL)
		return 0;
	if (p->jobsig == 21 /* SIGTTIN */) {
		reply_later(p, -EIO);
		return 0;
	}
	p->nostop = true; /* SIGTTOU ignored or blocked: Linux lets the write or ioctl proceed */
	run_again(p);
	p->nostop = false;
	run_queue();
	return 0;
}

/* RLIMIT_NOFILE changed: lowering it closes nothing (fd_set_nofile), as on Linux. */
static int64_t do_vfs_nofile(const ax_message *m, ax_message *r)
{
	struct vproc *p;

	(void)r;
	if (!(p = pm_subject(m)))
		return pm_refusal(m);
	fd_set_nofile(p->fds, m->u64[1] > UINT32_MAX ? UINT32_MAX : (uint32_t)m->u64[1]);
	return 0;
}

/* pm set the mask of a ppoll or pselect6 (its poll runs now), or restored it (its answer goes now). */
static int64_t do_vfs_mask_done(const ax_message *m, ax_message *r)
{
	struct vproc *p;

	(void)r;
	if (!(p = pm_subject(m)))
		return pm_refusal(m);
	if (!p->blocked || p->wait != W_MASK)
		return -EINVAL;
	if (p->mask_state == MASK_SETTING) {
		p->mask_state = MASK_SET;
		run_again(p);
	} else if (p->mask_state == MASK_RESTORING) {
		p->mask_state = MASK_NONE;
		reply_later(p, p->mask_result);
	}
	run_queue();
	return 0;
}

static int64_t do_vfs_clock(const ax_message *m, ax_message *r)
{
	(void)r;
	if (m->source != pm)
		return -EPERM;
	realtime_offset = m->i64[0];
	return 0;
}

static int64_t do_vfs_exec(const ax_message *m, ax_message *r)
{
	struct vproc *p;

	(void)r;
	if (m->source != pm)
		return -EPERM;
	if ((p = find_proc((endpoint_t)m->i64[0])))
		fd_exec(&files, p->fds);
	return 0;
}

static int64_t do_vfs_exit(const ax_message *m, ax_message *r)
{
	struct vproc *p;

	(void)r;
	if (m->source != pm)
		return -EPERM;
	if ((p = find_proc((endpoint_t)m->i64[0]))) {
		if (p->blocked && p->wait == W_DEV)
			dev_cancel(p);
		p->blocked = false;
		if (p->pid > 0 && p->pid == p->sid)
			dev_session_end(p->sid);
		free_proc(p);
		run_queue(); /* its pipes' other ends may now see an end of file */
	}
	return 0;
}

/* ---- from pm: execve reads its program here ------------------------------------------------ */

#define EXEC_MAX 8
static struct {
	bool used;
	struct vnode node;
	uint64_t size;
} execs[EXEC_MAX];

/* The program at path, as the process would open it: a regular file it may execute. */
static int64_t do_vfs_exec_open(const ax_message *m, ax_message *r)
{
	struct vproc *p;
	int h = -1, rc;

	if (!(p = pm_subject(m)))
		return pm_refusal(m);
	caller_pid = p->pid;
	if ((rc = copy_path(m->u64[2] ? pm : p->ep, m->u64[1], pathbuf)) < 0)
		return rc;
	if ((rc = resolve(p, AT_FDCWD, pathbuf, PATH_FOLLOW, &res)) < 0)
		return rc;
	if ((res.node.mode & S_IFMT) != S_IFREG)
		return -EACCES;
	if (vnode_permission(&p->cred, &res.node, MAY_EXEC) < 0)
		return -EACCES;
	for (int i = 0; i < EXEC_MAX && h < 0; i++)
		if (!execs[i].used)
			h = i;
	if (h < 0)
		return -ENFILE;
	if ((rc = (int)fs_stat(&res.node)) < 0)
		return rc;
	execs[h].used = true;
	execs[h].node = res.node;
	execs[h].size = fst.size;
	fs_attr(FS_HOLD, &res.node, 0);
	r->u64[1] = fst.size;
	r->u64[2] = fst.mode;
	r->u64[3] = fst.uid | (uint64_t)fst.gid << 32;
	r->u64[4] = res.node.ino;
	r->u64[5] = (uint64_t)fst.mtime.sec * 1000000000 + (uint64_t)fst.mtime.nsec;
	r->u64[6] = res.node.fs;
	return h;
}

/* Bytes of an opened program straight into any process's memory (pm's own, or the new image's). */
static int64_t do_vfs_exec_read(const ax_message *m, ax_message *r)
{
	uint64_t h = m->u64[0], off = m->u64[1], len = m->u64[2];
	endpoint_t to = (endpoint_t)m->i64[3];
	ax_message fm;
	int64_t rc;

	(void)r;
	if (m->source != pm)
		return -EPERM;
	if (h >= EXEC_MAX || !execs[h].used || len > (1u << 24) || off > execs[h].size)
		return -EINVAL;
	{
		endpoint_t ep = fs_ep[execs[h].node.fs];
		struct fs_io_req rq = {.ino = execs[h].node.ino, .offset = off, .len = len, .grant = G_USER, .granter = ax_self};

		rq.now = wall_ns();
		touch(to, m->u64[4], len, true);
		set_grant(G_USER, AX_GRANT_WRITE | AX_GRANT_MAGIC, ep, to, (void *)m->u64[4], len);
		rc = call(ep, FS_READ, &rq, sizeof(rq), &fm);
		revoke(G_USER);
	}
	return rc;
}

static int64_t do_vfs_exec_close(const ax_message *m, ax_message *r)
{
	uint64_t h = m->u64[0];
	bool open_elsewhere = false;

	(void)r;
	if (m->source != pm)
		return -EPERM;
	if (h >= EXEC_MAX || !execs[h].used)
		return -EINVAL;
	execs[h].used = false;
	for (int i = 0; i < FILE_MAX && !open_elsewhere; i++)
		open_elsewhere = files.f[i].refs > 0 && vnode_same(&files.f[i].node, &execs[h].node);
	for (int i = 0; i < EXEC_MAX && !open_elsewhere; i++)
		open_elsewhere = execs[i].used && vnode_same(&execs[i].node, &execs[h].node);
	if (!open_elsewhere)
		fs_attr(FS_RELEASE, &execs[h].node, 0);
	return 0;
}

/* ---- dispatch --------------------------------------------------------------------------- */

static int64_t do_umask(struct vproc *p, const ax_message *m)
{
	uint32_t old = p->umask;

	p->umask = (uint32_t)m->u64[0] & 0777;
	return old;
}

static int64_t (*const posix_calls[NR_MAX])(struct vproc *p, const ax_message *m) = {
	[NR_READ] = do_read,         [NR_WRITE] = do_write,           [NR_OPEN] = do_open,
	[NR_CLOSE] = do_close,       [NR_STAT] = do_stat,             [NR_FSTAT] = do_fstat,
	[NR_LSTAT] = do_lstat,       [NR_POLL] = do_poll,             [NR_LSEEK] = do_lseek,
	[NR_IOCTL] = do_ioctl,       [NR_PREAD64] = do_pread64,       [NR_PWRITE64] = do_pwrite64,
	[NR_READV] = do_readv,       [NR_WRITEV] = do_writev,         [NR_PIPE] = do_pipe,
	[NR_SELECT] = do_select,     [NR_DUP] = do_dup,               [NR_DUP2] = do_dup2,
	[NR_FCNTL] = do_fcntl,       [NR_GETCWD] = do_getcwd,         [NR_CHDIR] = do_chdir,
	[NR_FCHDIR] = do_fchdir,     [NR_RENAME] = do_rename,         [NR_MKDIR] = do_mkdir,
	[NR_RMDIR] = do_rmdir,       [NR_UNLINK] = do_unlink,         [NR_UMASK] = do_umask,
	[NR_GETDENTS64] = do_getdents64,
	[NR_OPENAT] = do_openat,     [NR_MKDIRAT] = do_mkdirat,       [NR_NEWFSTATAT] = do_newfstatat,
	[NR_UNLINKAT] = do_unlinkat, [NR_RENAMEAT] = do_renameat,     [NR_PSELECT6] = do_pselect6,
	[NR_PPOLL] = do_ppoll,       [NR_DUP3] = do_dup3,             [NR_PIPE2] = do_pipe2,
	[NR_RENAMEAT2] = do_renameat2,
	[NR_ACCESS] = do_access,     [NR_FACCESSAT] = do_faccessat,   [NR_FACCESSAT2] = do_faccessat2,
	[NR_SYMLINK] = do_symlink,   [NR_SYMLINKAT] = do_symlinkat,   [NR_LINK] = do_link,
	[NR_LINKAT] = do_linkat,     [NR_READLINK] = do_readlink,     [NR_READLINKAT] = do_readlinkat,
	[NR_CHMOD] = do_chmod,       [NR_FCHMOD] = do_fchmod,         [NR_FCHMODAT] = do_fchmodat,
	[NR_CHOWN] = do_chown,       [NR_LCHOWN] = do_lchown,         [NR_FCHOWN] = do_fchown,
	[NR_FCHOWNAT] = do_fchownat, [NR_UTIMENSAT] = do_utimensat,   [NR_TRUNCATE] = do_truncate,
	[NR_FTRUNCATE] = do_ftruncate, [NR_MKNOD] = do_mknod,         [NR_MKNODAT] = do_mknodat,
	[NR_CREAT] = do_creat,       [NR_STATFS] = do_statfs,         [NR_FSTATFS] = do_fstatfs,
	[NR_SYNC] = do_sync,         [NR_SYNCFS] = do_syncfs,         [NR_FSYNC] = do_fsync,
	[NR_FDATASYNC] = do_fsync,   [NR_CHROOT] = do_chroot,         [NR_STATX] = do_statx,
	[NR_MOUNT] = do_mount,       [NR_UMOUNT2] = do_umount2,       [NR_FLOCK] = do_flock,
	[NR_SENDFILE] = do_sendfile,
};

/* What pm routes here (proto/vfs.h): each must have its handler above. */
static const int routed[] = {VFS_POSIX_CALLS};

static int64_t dispatch(const ax_message *m, ax_message *r)
{
	uint32_t nr = (uint32_t)m->type - AX_MSG_POSIX;
	struct vproc *p;
	int64_t rc;

	(void)r;
	if (nr >= NR_MAX || !posix_calls[nr]) {
		if (nr >= AX_MSG_POSIX_MAX)
			ax_printf("vfs: message of unknown type %x from %d: refused\n", m->type, m->source);
		return -ENOSYS;
	}
	/* Without pm (vfs's own test image) a caller never heard of starts with nothing open. */
	if (!(p = find_proc(m->source))) {
		if (pm != AX_NONE)
			return -ESRCH;
		if (!(p = new_proc(m->source)))
			return -ENOMEM;
	}
	if (p->blocked) {
		ax_printf("vfs: %d called %u while waiting in %d: refused\n", m->source, nr, p->blocked_nr);
		return -EBUSY;
	}
	p->retrying = false;
	p->done = 0;
	p->deadline = 0;
	p->deadline_set = false;
	p->mask_state = MASK_NONE;
	p->wait = W_NONE;
	caller_pid = p->pid;
	rc = posix_calls[nr](p, m);
	if (rc == WOULD_WAIT) {
		p->blocked_nr = (int)nr;
		p->blocked = true;
		p->req = *m;
		rc = AX_NO_REPLY;
	}
	run_queue();
	return rc;
}

static void on_notify(const ax_message *m)
{
	if (m->source == AX_CLOCK)
		poll_timers();
	else if (m->source == dev_ds() && m->source != AX_NONE)
		dev_rebind(); /* a driver ended or came back */
	else if (m->source == dev_driver(TTY_MAJOR) || m->source == dev_driver(MEM_MAJOR))
		dev_events(m->source);
	run_queue();
}

static const struct ax_call calls[] = {
	{VFS_FORK, do_vfs_fork},
	{VFS_EXEC, do_vfs_exec},
	{VFS_EXIT, do_vfs_exit},
	{VFS_SETID, do_vfs_setid},
	{VFS_SETPGRP, do_vfs_setpgrp},
	{VFS_INTERRUPT, do_vfs_interrupt},
	{VFS_JOBCTL_REFUSED, do_vfs_jobctl_refused},
	{VFS_CLOCK, do_vfs_clock},
	{VFS_MASK_DONE, do_vfs_mask_done},
	{VFS_NOFILE, do_vfs_nofile},
	{VFS_EXEC_OPEN, do_vfs_exec_open},
	{VFS_EXEC_READ, do_vfs_exec_read},
	{VFS_EXEC_CLOSE, do_vfs_exec_close},
	{PM_SIGNAL_PULL, do_signal_pull},
	{AX_CALL_OTHER, dispatch},
};

/* Mount ramfs as the root file system. */
static int mount_root(void)
{
	endpoint_t ep = ax_boot_endpoint("ramfs");
	struct fs_mounted rq = {0};
	struct fs_node_reply rp;
	ax_message m;
	int64_t r;

	if (ep == AX_NONE)
		return -ENXIO;
	fs_ep[ROOT_FS] = ep;
	if ((r = call(ep, FS_MOUNTED, &rq, sizeof(rq), &m)) < 0)
		return (int)r;
	fs_unpack(&m, &rp, sizeof(rp));
	node_of(ROOT_FS, &rp, &root_node);
	strcpy(mount_names[ROOT_FS].source, "rootfs");
	strcpy(mount_names[ROOT_FS].target, "/");
	strcpy(mount_names[ROOT_FS].type, "ramfs");
	return mount_add(&mounts, ROOT_FS, &ops, (void *)(uintptr_t)ROOT_FS, &root_node, 0);
}

int main(void)
{
	int r;

	ax_kcall(KC_GRANT_TABLE, &(ax_message){.u64 = {(uint64_t)grant, G_COUNT + PROC_MAX}});
	vm = ax_boot_endpoint("vm");
	pm = ax_boot_endpoint("pm");
	procfs = ax_boot_endpoint("procfs");
	dev_init();
	files_init(&files, FILE_MAX, release, 0);
	for (unsigned i = 0; i < sizeof(routed) / sizeof(routed[0]); i++)
		if (routed[i] >= NR_MAX || !posix_calls[routed[i]])
			ax_printf("vfs: call %d is routed here but not served\n", routed[i]);
	for (int i = 0; i <= MOUNT_MAX; i++)
		fs_ep[i] = AX_NONE;
	if ((r = mount_root()) < 0)
		ax_printf("vfs: cannot mount ramfs as the root (%d)\n", r);
	publish_mounts();
	grant[G_MOUNTS] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ, AX_ANY, 0, 0, (uint64_t)&mounts_info,
					    sizeof(mounts_info)}; /* for procfs; never revoked */
	if ((ds = ax_boot_endpoint("ds")) != AX_NONE &&
	    (r = info_publish(ds, INFO_MOUNTS_OWNER, INFO_MOUNTS_KEY, G_MOUNTS, sizeof(mounts_info), INFO_MOUNTS_MAGIC)) < 0)
		ax_printf("vfs: cannot publish the mount table in ds (%d): /proc/mounts will be empty\n", r);
	ax_printf("vfs: up at endpoint %d, root on ramfs (%d)\n", ax_self, fs_ep[ROOT_FS]);
	ax_serve(calls, (int)(sizeof(calls) / sizeof(calls[0])), on_notify);
}
