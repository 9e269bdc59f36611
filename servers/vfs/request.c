/*
 * vfs's requests: copies to and from a process's memory, the grants that
 * let a file server or driver copy straight to or from it, and the
 * messages of proto/fs.h to the file servers. Every other part of vfs asks
 * a file server through these.
 */
#include <string.h>

#include <proto/fs.h>
#include <proto/vm.h>

#include "vfs.h"

endpoint_t fs_ep[MOUNT_MAX + 1]; /* by file system id */
bool fs_rdonly[MOUNT_MAX + 1];   /* mounted read-only */

/* What a name request grants the file server: the name (and a link's target), copied here for the call. */
static char names[NAME_MAX + PATH_MAX + 2];

int64_t realtime_offset; /* from pm (VFS_CLOCK): wall clock = monotonic + this */

/* Now, in ns since the epoch: what file times are stamped with. */
int64_t wall_ns(void) { return (int64_t)ax_now_ns() + realtime_offset; }

/* ---- copies and grants ---------------------------------------------------- */

void touch(endpoint_t ep, uint64_t va, uint64_t len, bool write)
{
	struct vm_touch_req rq = {ep, va, len, write};
	ax_message m = {.type = VM_TOUCH};

	memcpy(m.bytes, &rq, sizeof(rq));
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

/* ---- file servers ------------------------------------------------------------ */

/*
 * The stat records of the last FS_LOOKUP_PATH (ops_lookup_path), good
 * until vfs asks a file server anything else, and never beyond the call
 * being served (fs_lookups_forget): ramfs changes only when vfs asks it to,
 * and procfs's files change with the processes. So a stat right after a
 * lookup in the same call (stat, newfstatat, statx, open of a device) is
 * answered from them without asking again.
 */
static struct fs_stat looked[32];
static struct {
	bool valid;
	uint32_t fs;
	int n;
} looked_in;

void fs_lookups_forget(void) { looked_in.valid = false; }

/*
 * ---- names kept (a name cache) ----
 * What a lookup answered (directory, name -> inode, type, mode, owner) in a
 * file system whose names change only by vfs's requests
 * (FS_SERVER_NAMES_BY_VFS: ramfs), kept until vfs asks any file server for
 * a change of names or attributes (fs_call): then all of it is forgotten at
 * once (a new generation). Direct-mapped: a name takes the slot of its hash.
 */
#define KEPT_MAX 1024      /* a power of two */
#define KEPT_NAME_MAX 40   /* longer names are not kept */
bool fs_names_by_vfs[MOUNT_MAX + 1];
static struct kept {
	uint64_t gen; /* valid while it is kept_gen */
	uint64_t dir;
	uint32_t fs, len;
	struct vnode node;
	char name[KEPT_NAME_MAX];
} kept[KEPT_MAX];
static uint64_t kept_gen = 1;

void fs_names_forget(void) { kept_gen++; }

static struct kept *kept_slot(uint32_t fs, uint64_t dir, const char *name, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ fs ^ (dir * 0x9e3779b97f4a7c15ULL);

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 0x100000001b3ULL;
	return &kept[(h >> 20) & (KEPT_MAX - 1)];
}

/* The kept answer for name in dir, or 0. */
static const struct vnode *kept_find(const struct vnode *dir, const char *name, size_t len)
{
	struct kept *k;

	if (!fs_names_by_vfs[dir->fs] || len > KEPT_NAME_MAX)
		return 0;
	k = kept_slot(dir->fs, dir->ino, name, len);
	if (k->gen != kept_gen || k->fs != dir->fs || k->dir != dir->ino || k->len != len || memcmp(k->name, name, len))
		return 0;
	return &k->node;
}

static void kept_add(const struct vnode *dir, const char *name, size_t len, const struct vnode *node)
{
	struct kept *k;

	if (!fs_names_by_vfs[dir->fs] || len > KEPT_NAME_MAX)
		return;
	k = kept_slot(dir->fs, dir->ino, name, len);
	*k = (struct kept){.gen = kept_gen, .dir = dir->ino, .fs = dir->fs, .len = (uint32_t)len, .node = *node};
	memcpy(k->name, name, len);
}

int64_t fs_call(endpoint_t ep, int32_t type, const void *body, size_t n, ax_message *m)
{
	looked_in.valid = false;
	switch (type) { /* the requests that change names or what lookups answer of an inode */
	case FS_MOUNTED: case FS_CREATE: case FS_UNLINK: case FS_RMDIR: case FS_RENAME: case FS_LINK: case FS_CHMOD:
	case FS_CHOWN:
		fs_names_forget();
		break;
	}
	fs_pack(m, type, body, n);
	if (ep == AX_NONE || ax_sendrec(ep, m) < 0)
		return -EIO;
	return m->i64[0];
}

void node_of(uint32_t fs, const struct fs_node_reply *rp, struct vnode *out)
{
	*out = (struct vnode){fs, rp->ino, rp->mode, rp->uid, rp->gid};
}

/* A name request (LOOKUP, UNLINK, RMDIR) of name (len bytes) in dir. */
int64_t name_call(int32_t type, const struct vnode *dir, const char *name, size_t len, uint64_t ino,
			 struct fs_node_reply *out)
{
	endpoint_t ep = fs_ep[dir->fs];
	struct fs_name_req rq = {.dir = dir->ino, .ino = ino, .name_grant = G_NAMES, .name_len = (uint32_t)len};
	ax_message m;
	int64_t r;

	rq.now = wall_ns();
	memcpy(names, name, len);
	set_grant(G_NAMES, AX_GRANT_READ, ep, 0, names, len);
	r = fs_call(ep, type, &rq, sizeof(rq), &m);
	revoke(G_NAMES);
	if (out)
		fs_unpack(&m, out, sizeof(*out));
	return r;
}

int ops_lookup(void *fs, const struct vnode *dir, const char *name, size_t len, struct vnode *out)
{
	const struct vnode *k = kept_find(dir, name, len);
	struct fs_node_reply rp;
	int64_t r;

	if (k) {
		*out = *k;
		return 0;
	}
	if ((r = name_call(FS_LOOKUP, dir, name, len, 0, &rp)) == 0) {
		node_of((uint32_t)(uintptr_t)fs, &rp, out);
		kept_add(dir, name, len, out);
	}
	return (int)r;
}

int ops_readlink(void *fs, const struct vnode *link, char *to, size_t size)
{
	endpoint_t ep = fs_ep[(uint32_t)(uintptr_t)fs];
	struct fs_io_req rq = {.ino = link->ino, .len = size, .grant = G_BUF, .granter = ax_self, .pid = caller_pid};
	ax_message m;
	int64_t r;

	set_grant(G_BUF, AX_GRANT_WRITE, ep, 0, to, size);
	r = fs_call(ep, FS_READLINK, &rq, sizeof(rq), &m);
	revoke(G_BUF);
	return (int)r;
}

/* FS_LOOKUP_PATH: several names in one request (path.c asks when a path has plain names in a row). */
static int ops_lookup_path(void *fs, const struct vnode *dir, const char *path, size_t len, struct vnode *out, int max,
			   int *error)
{
	struct fs_stat *st = looked;
	uint32_t id = (uint32_t)(uintptr_t)fs;
	int n = 0;
	endpoint_t ep = fs_ep[id];
	struct fs_path_req rq = {.dir = dir->ino, .name_grant = G_NAMES, .out_grant = G_BUF, .path_len = (uint16_t)len};
	struct fs_path_reply rp;
	ax_message m;
	int64_t r;

	if (len > FS_PATH_MAX || max <= 0)
		return -EINVAL;
	/* names kept answer without a request, as far as they go (the walk asks again for the rest) */
	for (size_t at = 0; n < max && at < len;) {
		const char *name = path + at, *slash = memchr(name, '/', len - at);
		size_t l = slash ? (size_t)(slash - name) : len - at;
		const struct vnode *k = kept_find(n ? &out[n - 1] : dir, name, l);

		if (!k)
			break;
		out[n++] = *k;
		at += l + 1;
		if ((k->mode & S_IFMT) != S_IFDIR)
			break;
	}
	if (n) {
		*error = 0;
		return n;
	}
	if (max > (int)(sizeof(looked) / sizeof(looked[0])))
		max = (int)(sizeof(looked) / sizeof(looked[0]));
	rq.out_max = (uint16_t)max;
	memcpy(names, path, len);
	set_grant(G_NAMES, AX_GRANT_READ, ep, 0, names, len);
	set_grant(G_BUF, AX_GRANT_WRITE, ep, 0, st, (uint64_t)max * sizeof(st[0]));
	r = fs_call(ep, FS_LOOKUP_PATH, &rq, sizeof(rq), &m);
	revoke(G_NAMES);
	revoke(G_BUF);
	if (r < 0 || r > max)
		return r < 0 ? (int)r : -EIO;
	fs_unpack(&m, &rp, sizeof(rp));
	for (int i = 0, at = 0; i < r; i++) {
		const char *name = path + at, *slash = memchr(name, '/', len - (size_t)at);
		size_t l = slash ? (size_t)(slash - name) : len - (size_t)at;

		out[i] = (struct vnode){id, st[i].ino, st[i].mode, st[i].uid, st[i].gid};
		kept_add(i ? &out[i - 1] : dir, name, l, &out[i]);
		at += (int)l + 1;
	}
	looked_in.valid = true, looked_in.fs = id, looked_in.n = (int)r;
	*error = rp.error > 0 || rp.error < -4095 ? -EIO : (int)rp.error;
	return (int)r;
}

const struct fs_ops fs_message_ops = {ops_lookup, ops_readlink, ops_lookup_path};

/* FS_STAT of v into *out. */
int64_t fs_stat(const struct vnode *v, struct fs_stat *out)
{
	endpoint_t ep = fs_ep[v->fs];
	struct fs_attr_req rq = {.ino = v->ino, .value = G_STAT};
	ax_message m;
	int64_t r;

	for (int i = looked_in.valid && looked_in.fs == v->fs ? looked_in.n - 1 : -1; i >= 0; i--) {
		if (looked[i].ino == v->ino) {
			*out = looked[i];
			return 0;
		}
	}
	memset(out, 0, sizeof(*out));
	set_grant(G_STAT, AX_GRANT_WRITE, ep, 0, out, sizeof(*out));
	r = fs_call(ep, FS_STAT, &rq, sizeof(rq), &m);
	revoke(G_STAT);
	return r;
}

int64_t fs_attr(int32_t type, const struct vnode *v, uint64_t value)
{
	struct fs_attr_req rq = {.ino = v->ino, .value = value};
	ax_message m;

	rq.now = wall_ns();
	return fs_call(fs_ep[v->fs], type, &rq, sizeof(rq), &m);
}


/* FS_CREATE of name in dir: a file, directory, device node, or (target) a symbolic link, owned by p. */
int64_t fs_create_as(const struct vproc *p, const struct vnode *dir, const char *name, uint32_t mode,
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
	r = fs_call(ep, FS_CREATE, &rq, sizeof(rq), &m);
	revoke(G_NAMES);
	fs_unpack(&m, &rp, sizeof(rp));
	if (r == 0 && out)
		node_of(dir->fs, &rp, out);
	return r;
}

/* FS_RENAME of inode ino, old_name in old_dir, to new_name in new_dir (one file system); flags: FS_RENAME_*. */
int64_t fs_rename(const struct vnode *old_dir, const char *old_name, const struct vnode *new_dir, const char *new_name,
		  uint64_t ino, uint32_t flags)
{
	endpoint_t ep = fs_ep[old_dir->fs];
	size_t ol = strlen(old_name), nl = strlen(new_name);
	struct fs_rename_req rq = {.old_dir = old_dir->ino, .new_dir = new_dir->ino, .ino = ino, .name_grant = G_NAMES,
				   .old_len = (uint16_t)ol, .new_len = (uint16_t)nl, .flags = flags << 16};
	ax_message m;
	int64_t r;

	rq.now = wall_ns();
	memcpy(names, old_name, ol);
	memcpy(names + ol, new_name, nl);
	set_grant(G_NAMES, AX_GRANT_READ, ep, 0, names, ol + nl);
	r = fs_call(ep, FS_RENAME, &rq, sizeof(rq), &m);
	revoke(G_NAMES);
	return r;
}

int64_t fs_create(const struct vproc *p, const struct vnode *dir, const char *name, uint32_t mode,
			 struct vnode *out)
{
	return fs_create_as(p, dir, name, mode, 0, 0, 0, out);
}
