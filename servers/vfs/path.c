/*
 * Path lookup, the mount table and permission checks (path.h). A lookup
 * walks one component at a time, as Linux's link_path_walk does: search
 * permission on the directory, then the name (".", "..", or a question to
 * the file system), then mounts crossed, then a symbolic link expanded in
 * place. The text still to walk lives at the end of a buffer, so that
 * expanding a link is writing its target in front of what remains.
 */
#include "path.h"

#include <string.h>

/* ---- mounts ---------------------------------------------------------------- */

const struct mount *mount_find(const struct mount_table *mt, uint32_t fs)
{
	for (int i = 0; i < MOUNT_MAX; i++)
		if (mt->m[i].used && mt->m[i].fs == fs)
			return &mt->m[i];
	return NULL;
}

/* The mount whose root hides v, or NULL. */
static const struct mount *mount_on(const struct mount_table *mt, const struct vnode *v)
{
	for (int i = 0; i < MOUNT_MAX; i++)
		if (mt->m[i].used && mt->m[i].covers && vnode_same(&mt->m[i].covered, v))
			return &mt->m[i];
	return NULL;
}

int mount_add(struct mount_table *mt, uint32_t fs, const struct fs_ops *ops, void *arg, const struct vnode *root,
              const struct vnode *covered)
{
	if (mount_find(mt, fs) || root->fs != fs || !vnode_is_dir(root))
		return -EINVAL;
	if (covered) {
		if (!mount_find(mt, covered->fs))
			return -EINVAL;
		if (!vnode_is_dir(covered))
			return -ENOTDIR;
		if (mount_on(mt, covered))
			return -EBUSY;
	} else {
		for (int i = 0; i < MOUNT_MAX; i++)
			if (mt->m[i].used && !mt->m[i].covers)
				return -EBUSY;
	}
	for (int i = 0; i < MOUNT_MAX; i++) {
		struct mount *m = &mt->m[i];
		if (m->used)
			continue;
		*m = (struct mount){.used = true, .fs = fs, .ops = ops, .arg = arg, .root = *root};
		if (covered) {
			m->covers = true;
			m->covered = *covered;
		}
		return 0;
	}
	return -ENOMEM;
}

int mount_remove(struct mount_table *mt, uint32_t fs)
{
	struct mount *m = (struct mount *)mount_find(mt, fs);
	if (!m)
		return -EINVAL;
	if (!m->covers)
		return -EBUSY;
	for (int i = 0; i < MOUNT_MAX; i++)
		if (mt->m[i].used && mt->m[i].covers && mt->m[i].covered.fs == fs)
			return -EBUSY;
	m->used = false;
	return 0;
}

/* ---- permissions ------------------------------------------------------------- */

static bool in_group(const struct cred *c, uint32_t gid)
{
	if (c->gid == gid)
		return true;
	for (int i = 0; i < c->ngroups && i < CRED_GROUPS_MAX; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

int vnode_permission(const struct cred *cred, const struct vnode *v, int may)
{
	may &= MAY_READ | MAY_WRITE | MAY_EXEC;
	if (cred->uid == 0) {
		/* Root reads, writes and searches anything (CAP_DAC_OVERRIDE),
		 * but runs only what someone may run. */
		if (!(may & MAY_EXEC) || vnode_is_dir(v) || (v->mode & 0111))
			return 0;
		return -EACCES;
	}
	unsigned bits = v->mode;
	if (cred->uid == v->uid)
		bits >>= 6;
	else if (in_group(cred, v->gid))
		bits >>= 3;
	return ((int)bits & may) == may ? 0 : -EACCES;
}

/* ---- lookup ------------------------------------------------------------------ */

/* Room for the rest of a path with the targets of the links met in it
 * expanded in front: a path and one link target at full length, at least. */
#define WALK_BUF (2 * PATH_MAX)
#define AHEAD_MAX 32 /* names looked up ahead in one request */

struct walk {
	const struct path_ctx *ctx;
	int flags;
	int links;        /* followed so far */
	struct vnode cur; /* the directory being walked */
	size_t at;        /* the rest of the path is buf + at, NUL-terminated at the end */
	char buf[WALK_BUF];
	char link[PATH_MAX];
	/*
	 * Names looked up ahead (fs_ops.lookup_path): answer k is the name at
	 * buf + ahead_at[k] in directory ahead_dir[k]. The walk takes them in
	 * order while it goes the way they went; anything else (a link, a
	 * mount, "..") makes the next name ask again.
	 */
	int ahead_n, ahead_next;
	int ahead_error;            /* the error of the name after the answers (0: none) */
	size_t ahead_at[AHEAD_MAX + 1];
	struct vnode ahead_dir[AHEAD_MAX + 1];
	struct vnode ahead[AHEAD_MAX];
	char names[PATH_MAX];       /* the names of one request, one '/' between each */
};

static bool is_dot(const char *n, size_t len)
{
	return len == 1 && n[0] == '.';
}
static bool is_dotdot(const char *n, size_t len)
{
	return len == 2 && n[0] == '.' && n[1] == '.';
}

static bool valid_type(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFSOCK:
	case S_IFLNK:
	case S_IFREG:
	case S_IFBLK:
	case S_IFDIR:
	case S_IFCHR:
	case S_IFIFO:
		return true;
	}
	return false;
}

/* Ask dir's file system for name; the answer is checked before it is believed. */
static int fs_lookup(const struct walk *w, const struct vnode *dir, const char *name, size_t len, struct vnode *out)
{
	const struct mount *m = mount_find(w->ctx->mounts, dir->fs);
	if (!m)
		return -EIO; /* a vnode of a file system no longer mounted */
	struct vnode v = {0};
	int r = m->ops->lookup(m->arg, dir, name, len, &v);
	if (r > 0 || (r == 0 && !valid_type(v.mode)))
		return -EIO;
	if (r < 0)
		return r;
	v.fs = dir->fs; /* a file server names only its own inodes */
	if (is_dotdot(name, len) && !vnode_is_dir(&v))
		return -EIO;
	*out = v;
	return 0;
}

/*
 * The name at buf + at (len bytes) in dir: from the answers looked up
 * ahead if they went this way, else by one request for this name and the
 * plain names after it (fs_ops.lookup_path), else by fs_lookup.
 */
static int lookup_name(struct walk *w, const struct vnode *dir, size_t at, size_t len, struct vnode *out)
{
	const struct mount *m = mount_find(w->ctx->mounts, dir->fs);
	int k = w->ahead_next, n = 0, error = 0, r;
	size_t used = 0, p = at;

	if (k < w->ahead_n || (k == w->ahead_n && w->ahead_error)) {
		if (w->ahead_at[k] == at && vnode_same(&w->ahead_dir[k], dir)) {
			w->ahead_next++;
			if (k == w->ahead_n)
				return w->ahead_error;
			*out = w->ahead[k];
			return 0;
		}
	}
	w->ahead_n = w->ahead_next = 0, w->ahead_error = 0;
	if (!m || !m->ops->lookup_path)
		return fs_lookup(w, dir, w->buf + at, len, out);
	/* this name and the plain ones after it, up to ".", "..", the end or AHEAD_MAX */
	while (n < AHEAD_MAX) {
		const char *name = w->buf + p;
		size_t l = strcspn(name, "/");

		if (l == 0 || l > NAME_MAX || is_dot(name, l) || is_dotdot(name, l))
			break;
		if (used)
			w->names[used++] = '/';
		memcpy(w->names + used, name, l);
		used += l;
		w->ahead_at[n++] = p;
		p += l;
		while (w->buf[p] == '/')
			p++;
	}
	if (n == 0)
		return fs_lookup(w, dir, w->buf + at, len, out);
	r = m->ops->lookup_path(m->arg, dir, w->names, used, w->ahead, n, &error);
	if (r < 0 || r > n)
		return fs_lookup(w, dir, w->buf + at, len, out);
	w->ahead_dir[0] = *dir;
	for (int i = 0; i < r; i++) {
		struct vnode *v = &w->ahead[i];

		if (!valid_type(v->mode) || (i < r - 1 && !vnode_is_dir(v)))
			return -EIO; /* the server went past a name that is not a directory */
		v->fs = dir->fs;
		w->ahead_dir[i + 1] = *v;
	}
	if (r == 0 && error == 0)
		return -EIO; /* nothing found, and no reason */
	w->ahead_n = r; /* stopped short without an error (a name not a directory, or room): the walk goes no */
	w->ahead_error = r < n ? error : 0; /* further with these, or the next name asks again */
	return lookup_name(w, dir, at, len, out);
}

/* v is a mount point: go to what is mounted there (and on that, and so on). */
static void cross_mounts(const struct mount_table *mt, struct vnode *v)
{
	const struct mount *m;
	for (int guard = 0; guard < MOUNT_MAX && (m = mount_on(mt, v)); guard++)
		*v = m->root;
}

/* ".." of dir: dir itself at the process's root and at the root of
 * everything; at a mount's root, ".." of the mount point. */
static int dotdot(const struct walk *w, struct vnode dir, struct vnode *out)
{
	for (int guard = 0; guard <= MOUNT_MAX; guard++) {
		if (vnode_same(&dir, &w->ctx->root)) {
			*out = dir;
			return 0;
		}
		const struct mount *m = mount_find(w->ctx->mounts, dir.fs);
		if (!m)
			return -EIO;
		if (m->root.ino != dir.ino)
			return fs_lookup(w, &dir, "..", 2, out);
		if (!m->covers) {
			*out = dir;
			return 0;
		}
		dir = m->covered;
	}
	return -EIO; /* mounts in a cycle: mount_add cannot build one */
}

/* Put link's target in front of the rest of the path, with a slash between
 * if the link was followed by one. The walk goes on from the root for an
 * absolute target, from the link's directory (w->cur) for a relative one. */
static int expand_link(struct walk *w, const struct vnode *link, bool slash)
{
	if (++w->links > MAXSYMLINKS)
		return -ELOOP;
	w->ahead_n = w->ahead_next = w->ahead_error = 0; /* the text changes: what was looked up ahead is no more */
	const struct mount *m = mount_find(w->ctx->mounts, link->fs);
	if (!m)
		return -EIO;
	int n = m->ops->readlink(m->arg, link, w->link, sizeof(w->link));
	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(w->link))
		return n == (int)sizeof(w->link) ? -ENAMETOOLONG : -EIO;
	if (n == 0)
		return -ENOENT; /* as Linux treats an empty target */
	if (memchr(w->link, '\0', (size_t)n))
		return -EIO;
	size_t need = (size_t)n + (slash ? 1 : 0);
	if (need > w->at)
		return -ENAMETOOLONG;
	if (slash)
		w->buf[--w->at] = '/';
	w->at -= (size_t)n;
	memcpy(w->buf + w->at, w->link, (size_t)n);
	if (w->link[0] == '/')
		w->cur = w->ctx->root;
	return 0;
}

static void set_last(struct path_result *res, const struct vnode *dir, const char *name, size_t len, bool slash)
{
	res->dir = *dir;
	res->last = is_dot(name, len) ? PATH_LAST_DOT : is_dotdot(name, len) ? PATH_LAST_DOTDOT : PATH_LAST_NAME;
	memcpy(res->name, name, len);
	res->name[len] = '\0';
	res->trailing_slash = slash;
}

/* The path has been walked to its end and names v: the last checks. */
static int finish(const struct walk *w, const struct vnode *v, struct path_result *res)
{
	res->found = true;
	res->node = *v;
	if ((res->trailing_slash || (w->flags & PATH_DIRECTORY)) && !vnode_is_dir(v))
		return -ENOTDIR;
	if (vnode_is_link(v) && (w->flags & PATH_LINK_ELOOP))
		return -ELOOP;
	return 0;
}

/* Walk the rest of w's path, one component per turn. */
static int walk(struct walk *w, struct path_result *res)
{
	for (;;) {
		/* Slashes before a component: repeated ones, or those that make
		 * the path or an expanded link absolute (w->cur is the root then). */
		const char *p = w->buf + w->at;
		while (*p == '/')
			p++;
		if (*p == '\0') { /* "/", or a link to it */
			res->dir = w->cur;
			res->last = PATH_LAST_ROOT;
			res->name[0] = '\0';
			if (w->flags & PATH_PARENT)
				return 0;
			return finish(w, &w->cur, res);
		}
		const char *name = p;
		size_t len = strcspn(p, "/");
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		p += len;
		bool slash = *p == '/';
		while (*p == '/')
			p++;
		bool last = *p == '\0';
		w->at = (size_t)(p - w->buf);

		/* Linux checks search permission before every component, the
		 * last one, "." and ".." included. */
		int r = vnode_permission(w->ctx->cred, &w->cur, MAY_EXEC);
		if (r < 0)
			return r;
		if (last && (w->flags & PATH_PARENT)) {
			set_last(res, &w->cur, name, len, slash);
			return 0;
		}
		if (last && (w->flags & PATH_CREATE) && slash && !is_dot(name, len) && !is_dotdot(name, len))
			return -EISDIR; /* open("x/", O_CREAT), whether x exists or not */

		struct vnode next;
		if (is_dot(name, len)) {
			next = w->cur;
		} else if (is_dotdot(name, len)) {
			r = dotdot(w, w->cur, &next);
		} else {
			r = lookup_name(w, &w->cur, (size_t)(name - w->buf), len, &next);
			if (r == -ENOENT && last && (w->flags & PATH_CREATE)) {
				set_last(res, &w->cur, name, len, slash);
				res->found = false;
				return 0;
			}
		}
		if (r < 0)
			return r;
		cross_mounts(w->ctx->mounts, &next);

		/* A trailing slash makes even a final link followed, as on Linux. */
		if (vnode_is_link(&next) && (!last || slash || (w->flags & PATH_FOLLOW))) {
			r = expand_link(w, &next, slash);
			if (r < 0)
				return r;
			continue;
		}
		if (!last) {
			if (!vnode_is_dir(&next))
				return -ENOTDIR;
			w->cur = next;
			continue;
		}
		set_last(res, &w->cur, name, len, slash);
		return finish(w, &next, res);
	}
}

int path_lookup(const struct path_ctx *ctx, const char *path, int flags, struct path_result *res)
{
	static struct walk w; /* 12 KiB: too big for a server's stack; lookups do not nest */
	size_t len = 0;
	while (len < PATH_MAX && path[len])
		len++;
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	memset(res, 0, sizeof(*res));
	if (len == 0) {
		if (!(flags & PATH_EMPTY) || (flags & (PATH_PARENT | PATH_CREATE)))
			return -ENOENT;
		res->found = true;
		res->node = ctx->start;
		res->dir = ctx->start;
		res->last = PATH_LAST_DOT;
		if ((flags & PATH_DIRECTORY) && !vnode_is_dir(&ctx->start))
			return -ENOTDIR;
		return 0;
	}
	w.ctx = ctx;
	w.flags = flags;
	w.links = 0;
	w.ahead_n = w.ahead_next = w.ahead_error = 0;
	w.at = WALK_BUF - 1 - len;
	memcpy(w.buf + w.at, path, len + 1);
	if (path[0] == '/') {
		w.cur = ctx->root;
	} else {
		w.cur = ctx->start;
		if (!vnode_is_dir(&w.cur))
			return -ENOTDIR; /* a dirfd that is not a directory */
	}
	return walk(&w, res);
}
