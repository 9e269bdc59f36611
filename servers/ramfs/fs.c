/*
 * ramfs's file system in memory (see fs.h for the contract).
 *
 * An inode is found by number in one hash table, a directory entry by
 * (directory, name) in another. Each directory also keeps its entries in an
 * array ordered by cookie: a cookie is given once, counting up, and never
 * changes, so a getdents that resumes "after cookie c" neither skips nor
 * repeats an entry when others come and go in between. File data lives in
 * RAMFS_CHUNK-byte chunks under a radix tree of RAMFS_CHUNK-byte index
 * nodes (512 slots a level), so a sparse file costs only the chunks written;
 * a missing chunk reads as zeros. Past a file's size every byte of its last
 * chunk is zero (truncate clears the tail), so growing a file shows zeros.
 *
 * Space: every chunk, index node, directory entry and link target is
 * charged to byte_limit; inodes are counted against inode_limit.
 */
#include "fs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>


#define FANOUT_BITS 9
#define FANOUT (1u << FANOUT_BITS) /* pointers in one index node */
#define MAX_HEIGHT 4               /* 512^4 chunks of 4 KiB: RAMFS_FILE_MAX */
#define DIRENT_SIZE 20             /* a directory's st_size per entry, as Linux's tmpfs counts */
#define DAY_NS (86400LL * 1000000000LL)

struct ramfs_dirent {
	struct ramfs_dirent *hnext; /* in fs->names */
	struct ramfs_inode *dir;
	struct ramfs_inode *node;
	uint64_t cookie;
	uint32_t hash;
	uint16_t len;
	char name[];
};

struct ramfs_inode {
	uint64_t ino;
	struct ramfs_inode *hnext; /* in fs->inodes */
	uint32_t mode, nlink, uid, gid;
	uint32_t major, minor;
	int held; /* vfs has it open */
	uint64_t size;
	int64_t atime, mtime, ctime;
	union {
		struct {
			void *root;      /* index node of height levels (an array of FANOUT pointers), or 0 */
			unsigned height; /* 0: no data at all */
			uint64_t chunks; /* data chunks allocated */
		} file;
		struct {
			struct ramfs_dirent **ents; /* by cookie */
			size_t n, cap;
			uint64_t next_cookie;
			struct ramfs_inode *parent; /* 0 once removed */
		} dir;
		char *target; /* symbolic links: size bytes, no NUL */
	} u;
};

static const uint8_t zero_chunk[RAMFS_CHUNK];

static int is_type(const struct ramfs_inode *n, uint32_t type) { return (n->mode & FS_S_IFMT) == type; }
static int is_dir(const struct ramfs_inode *n) { return is_type(n, FS_S_IFDIR); }

/* ---- Space ------------------------------------------------------------- */

static int charge(struct ramfs *fs, uint64_t n)
{
	if (n > fs->byte_limit - fs->bytes_used)
		return -ENOSPC;
	fs->bytes_used += n;
	return 0;
}

static void refund(struct ramfs *fs, uint64_t n) { fs->bytes_used -= n; }

static uint64_t dirent_cost(size_t len) { return sizeof(struct ramfs_dirent) + len + sizeof(void *); }

/* ---- Inode table ------------------------------------------------------- */

static size_t ino_bucket(const struct ramfs *fs, uint64_t ino)
{
	return (size_t)((ino * 0x9e3779b97f4a7c15ULL) >> 20) & (fs->inode_buckets - 1);
}

/* Grow a hash table to twice its buckets when it is full; staying small is no error. */
static void **rehash(void **old, size_t n, size_t *buckets, void *(*next)(void *), void **(*link)(void *),
		     size_t (*bucket_of)(void *, size_t))
{
	size_t nb = *buckets * 2;
	void **t = calloc(nb, sizeof(void *));

	if (!t)
		return old;
	for (size_t i = 0; i < n; i++) {
		for (void *e = old[i], *nx; e; e = nx) {
			size_t b = bucket_of(e, nb);

			nx = next(e);
			*link(e) = t[b];
			t[b] = e;
		}
	}
	free(old);
	*buckets = nb;
	return t;
}

static void *inode_next(void *e) { return ((struct ramfs_inode *)e)->hnext; }
static void **inode_link(void *e) { return (void **)&((struct ramfs_inode *)e)->hnext; }
static size_t inode_bucket_of(void *e, size_t nb)
{
	return (size_t)((((struct ramfs_inode *)e)->ino * 0x9e3779b97f4a7c15ULL) >> 20) & (nb - 1);
}

static void inode_insert(struct ramfs *fs, struct ramfs_inode *n)
{
	size_t b;

	if (fs->inodes_used >= fs->inode_buckets)
		fs->inodes = (struct ramfs_inode **)rehash((void **)fs->inodes, fs->inode_buckets, &fs->inode_buckets,
							   inode_next, inode_link, inode_bucket_of);
	b = ino_bucket(fs, n->ino);
	n->hnext = fs->inodes[b];
	fs->inodes[b] = n;
	fs->inodes_used++;
}

static struct ramfs_inode *inode_get(const struct ramfs *fs, uint64_t ino)
{
	for (struct ramfs_inode *n = fs->inodes[ino_bucket(fs, ino)]; n; n = n->hnext)
		if (n->ino == ino)
			return n;
	return 0;
}

/* ---- Names ------------------------------------------------------------- */

static uint32_t name_hash(const struct ramfs_inode *dir, const char *name, size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)(dir->ino * 0x9e3779b1u);

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

static void *name_next(void *e) { return ((struct ramfs_dirent *)e)->hnext; }
static void **name_link(void *e) { return (void **)&((struct ramfs_dirent *)e)->hnext; }
static size_t name_bucket_of(void *e, size_t nb) { return ((struct ramfs_dirent *)e)->hash & (nb - 1); }

/* 0 for a name that may be in a directory, else the error. "." and ".." are checked by the callers. */
static int name_check(const char *name, size_t len)
{
	if (len == 0)
		return -ENOENT;
	if (len > FS_NAME_MAX)
		return -ENAMETOOLONG;
	if (memchr(name, '/', len) || memchr(name, 0, len))
		return -EINVAL;
	return 0;
}

static int is_dot(const char *name, size_t len) { return len == 1 && name[0] == '.'; }
static int is_dotdot(const char *name, size_t len) { return len == 2 && name[0] == '.' && name[1] == '.'; }

static struct ramfs_dirent *entry_find(const struct ramfs *fs, const struct ramfs_inode *dir, const char *name,
				       size_t len)
{
	uint32_t h = name_hash(dir, name, len);

	for (struct ramfs_dirent *d = fs->names[h & (fs->name_buckets - 1)]; d; d = d->hnext)
		if (d->hash == h && d->dir == dir && d->len == len && memcmp(d->name, name, len) == 0)
			return d;
	return 0;
}

/* Make room for one more entry in dir's array (before anything changes). */
static int entry_room(struct ramfs_inode *dir)
{
	size_t cap = dir->u.dir.cap ? dir->u.dir.cap * 2 : 8;
	struct ramfs_dirent **e;

	if (dir->u.dir.n < dir->u.dir.cap)
		return 0;
	e = realloc(dir->u.dir.ents, cap * sizeof(*e));
	if (!e)
		return -ENOMEM;
	dir->u.dir.ents = e;
	dir->u.dir.cap = cap;
	return 0;
}

/* A new entry (charged), not yet in any table; 0 when out of space or memory (*err says which). */
static struct ramfs_dirent *entry_new(struct ramfs *fs, struct ramfs_inode *dir, const char *name, size_t len,
				      int *err)
{
	struct ramfs_dirent *d;

	*err = charge(fs, dirent_cost(len));
	if (*err)
		return 0;
	d = malloc(sizeof(*d) + len);
	if (!d) {
		refund(fs, dirent_cost(len));
		*err = -ENOMEM;
		return 0;
	}
	d->dir = dir;
	d->node = 0;
	d->len = (uint16_t)len;
	d->hash = name_hash(dir, name, len);
	memcpy(d->name, name, len);
	return d;
}

static void entry_discard(struct ramfs *fs, struct ramfs_dirent *d)
{
	refund(fs, dirent_cost(d->len));
	free(d);
}

/* Put d (from entry_new) in its directory, which has room (entry_room), pointing at node. */
static void entry_insert(struct ramfs *fs, struct ramfs_dirent *d, struct ramfs_inode *node)
{
	struct ramfs_inode *dir = d->dir;
	size_t b;

	if (fs->nnames >= fs->name_buckets)
		fs->names = (struct ramfs_dirent **)rehash((void **)fs->names, fs->name_buckets, &fs->name_buckets,
							   name_next, name_link, name_bucket_of);
	b = d->hash & (fs->name_buckets - 1);
	d->hnext = fs->names[b];
	fs->names[b] = d;
	fs->nnames++;
	d->node = node;
	d->cookie = dir->u.dir.next_cookie++;
	dir->u.dir.ents[dir->u.dir.n++] = d;
}

/* The index in dir's array of the first entry whose cookie is above c. */
static size_t entry_after(const struct ramfs_inode *dir, uint64_t c)
{
	size_t lo = 0, hi = dir->u.dir.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dir->u.dir.ents[mid]->cookie <= c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Take d out of its directory and the name table, and free it. */
static void entry_remove(struct ramfs *fs, struct ramfs_dirent *d)
{
	struct ramfs_inode *dir = d->dir;
	size_t i = entry_after(dir, d->cookie - 1);
	struct ramfs_dirent **p = &fs->names[d->hash & (fs->name_buckets - 1)];

	while (*p != d)
		p = &(*p)->hnext;
	*p = d->hnext;
	fs->nnames--;
	memmove(&dir->u.dir.ents[i], &dir->u.dir.ents[i + 1], (dir->u.dir.n - i - 1) * sizeof(d));
	dir->u.dir.n--;
	entry_discard(fs, d);
}

/* ---- File data --------------------------------------------------------- */

/* Chunks an index of this height covers. */
static uint64_t span(unsigned height) { return 1ULL << (FANOUT_BITS * height); }

/* The chunk holding chunk index i of f, or 0 (a hole). */
static uint8_t *chunk_get(const struct ramfs_inode *f, uint64_t i)
{
	void **node = f->u.file.root;

	if (f->u.file.height == 0 || i >= span(f->u.file.height))
		return 0;
	for (unsigned level = f->u.file.height - 1; level > 0 && node; level--)
		node = node[(i >> (FANOUT_BITS * level)) & (FANOUT - 1)];
	return node ? node[i & (FANOUT - 1)] : 0;
}

/* A fresh zeroed block of RAMFS_CHUNK bytes, charged; 0 and *err when there is no room. */
static void *block_new(struct ramfs *fs, int *err)
{
	void *b;

	*err = charge(fs, RAMFS_CHUNK);
	if (*err)
		return 0;
	b = calloc(1, RAMFS_CHUNK);
	if (!b) {
		refund(fs, RAMFS_CHUNK);
		*err = -ENOMEM;
	}
	return b;
}

static void block_free(struct ramfs *fs, void *b)
{
	free(b);
	refund(fs, RAMFS_CHUNK);
}

/* The chunk for chunk index i of f, made (with the index nodes on the way) if missing. */
static uint8_t *chunk_make(struct ramfs *fs, struct ramfs_inode *f, uint64_t i, int *err)
{
	void **slot = &f->u.file.root;

	while (f->u.file.height == 0 || i >= span(f->u.file.height)) {
		if (f->u.file.root) {
			void **top = block_new(fs, err);

			if (!top)
				return 0;
			top[0] = f->u.file.root;
			f->u.file.root = top;
		}
		f->u.file.height++;
	}
	for (unsigned level = f->u.file.height; level > 0; level--) {
		if (!*slot && !(*slot = block_new(fs, err)))
			return 0;
		slot = &((void **)*slot)[(i >> (FANOUT_BITS * (level - 1))) & (FANOUT - 1)];
	}
	if (!*slot) {
		if (!(*slot = block_new(fs, err)))
			return 0;
		f->u.file.chunks++;
	}
	return *slot;
}

/*
 * Free the chunks of index node `node` (of this height, covering chunk
 * indexes from base) at index first and beyond, and the index nodes left
 * covering nothing.
 */
static void prune(struct ramfs *fs, struct ramfs_inode *f, void **node, unsigned height, uint64_t base,
		  uint64_t first)
{
	uint64_t each = span(height - 1);

	for (unsigned s = 0; s < FANOUT; s++) {
		uint64_t lo = base + s * each;

		if (!node[s] || lo + each <= first)
			continue;
		if (height > 1)
			prune(fs, f, node[s], height - 1, lo, first);
		else
			f->u.file.chunks--;
		if (lo >= first) {
			block_free(fs, node[s]);
			node[s] = 0;
		}
	}
}

/* Drop f's data at and past chunk index first. */
static void data_cut(struct ramfs *fs, struct ramfs_inode *f, uint64_t first)
{
	if (!f->u.file.root)
		return;
	prune(fs, f, f->u.file.root, f->u.file.height, 0, first);
	if (first == 0) {
		block_free(fs, f->u.file.root);
		f->u.file.root = 0;
		f->u.file.height = 0;
	}
}

/* ---- Inodes -------------------------------------------------------------- */

static void inode_free(struct ramfs *fs, struct ramfs_inode *n)
{
	struct ramfs_inode **p = &fs->inodes[ino_bucket(fs, n->ino)];

	while (*p != n)
		p = &(*p)->hnext;
	*p = n->hnext;
	fs->inodes_used--;
	if (is_type(n, FS_S_IFREG)) {
		data_cut(fs, n, 0);
	} else if (is_dir(n)) {
		while (n->u.dir.n)
			entry_remove(fs, n->u.dir.ents[n->u.dir.n - 1]);
		free(n->u.dir.ents);
	} else if (is_type(n, FS_S_IFLNK)) {
		refund(fs, n->size);
		free(n->u.target);
	}
	free(n);
}

/* Free n if no name and no open descriptor keeps it. */
static void inode_settle(struct ramfs *fs, struct ramfs_inode *n)
{
	if (n && n->nlink == 0 && !n->held)
		inode_free(fs, n);
}

static void stamp_change(struct ramfs *fs, struct ramfs_inode *n) { n->ctime = fs->now; }
static void stamp_modify(struct ramfs *fs, struct ramfs_inode *n) { n->mtime = n->ctime = fs->now; }

static void attr_of(const struct ramfs_inode *n, struct ramfs_attr *out)
{
	if (!out)
		return;
	out->ino = n->ino;
	out->mode = n->mode;
	out->nlink = n->nlink;
	out->uid = n->uid;
	out->gid = n->gid;
	out->rdev_major = n->major;
	out->rdev_minor = n->minor;
	out->size = is_dir(n) ? (n->u.dir.n + 2) * DIRENT_SIZE : n->size;
	out->blocks = is_type(n, FS_S_IFREG) ? n->u.file.chunks * (RAMFS_CHUNK / 512) : 0;
	out->atime = n->atime;
	out->mtime = n->mtime;
	out->ctime = n->ctime;
}

/* The inode numbered ino, or -ESTALE. */
static int get(struct ramfs *fs, uint64_t ino, struct ramfs_inode **out)
{
	*out = inode_get(fs, ino);
	return *out ? 0 : -ESTALE;
}

/* The live directory numbered ino: -ESTALE, -ENOTDIR, or -ENOENT once removed. */
static int get_dir(struct ramfs *fs, uint64_t ino, struct ramfs_inode **out)
{
	int r = get(fs, ino, out);

	if (r)
		return r;
	if (!is_dir(*out))
		return -ENOTDIR;
	return (*out)->nlink ? 0 : -ENOENT;
}

static struct ramfs_inode *inode_new(struct ramfs *fs, uint32_t mode, uint32_t uid, uint32_t gid)
{
	struct ramfs_inode *n = calloc(1, sizeof(*n));

	if (!n)
		return 0;
	n->ino = fs->next_ino++;
	n->mode = mode & (FS_S_IFMT | 07777);
	n->uid = uid;
	n->gid = gid;
	n->nlink = 1;
	n->atime = n->mtime = n->ctime = fs->now;
	if (is_dir(n)) {
		n->nlink = 2;
		n->u.dir.next_cookie = 3; /* after "." (1) and ".." (2) */
	}
	return n;
}

struct ramfs *ramfs_new(uint64_t byte_limit, uint64_t inode_limit, uint32_t root_mode, int64_t now)
{
	struct ramfs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return 0;
	fs->now = now;
	fs->byte_limit = byte_limit;
	fs->inode_limit = inode_limit;
	fs->next_ino = 1;
	fs->inode_buckets = fs->name_buckets = 64;
	fs->inodes = calloc(fs->inode_buckets, sizeof(*fs->inodes));
	fs->names = calloc(fs->name_buckets, sizeof(*fs->names));
	fs->root = inode_new(fs, FS_S_IFDIR | (root_mode & 07777), 0, 0);
	if (!fs->inodes || !fs->names || !fs->root) {
		free(fs->inodes);
		free(fs->names);
		free(fs->root);
		free(fs);
		return 0;
	}
	fs->root->u.dir.parent = fs->root;
	inode_insert(fs, fs->root);
	return fs;
}

void ramfs_free(struct ramfs *fs)
{
	if (!fs)
		return;
	for (size_t b = 0; b < fs->inode_buckets; b++)
		while (fs->inodes[b])
			inode_free(fs, fs->inodes[b]);
	free(fs->inodes);
	free(fs->names);
	free(fs);
}

uint64_t ramfs_root(const struct ramfs *fs) { return fs->root->ino; }

int ramfs_getattr(struct ramfs *fs, uint64_t ino, struct ramfs_attr *out)
{
	struct ramfs_inode *n;
	int r = get(fs, ino, &n);

	if (r == 0)
		attr_of(n, out);
	return r;
}

int ramfs_lookup(struct ramfs *fs, uint64_t dir, const char *name, size_t len, struct ramfs_attr *out)
{
	struct ramfs_inode *d;
	struct ramfs_dirent *e;
	int r = get_dir(fs, dir, &d);

	if (r)
		return r;
	if (is_dot(name, len)) {
		attr_of(d, out);
		return 0;
	}
	if (is_dotdot(name, len)) {
		attr_of(d->u.dir.parent, out);
		return 0;
	}
	r = name_check(name, len);
	if (r)
		return r;
	e = entry_find(fs, d, name, len);
	if (!e)
		return -ENOENT;
	attr_of(e->node, out);
	return 0;
}

/* ---- Making and removing names ------------------------------------------ */

static int type_ok(uint32_t mode)
{
	switch (mode & FS_S_IFMT) {
	case FS_S_IFREG: case FS_S_IFDIR: case FS_S_IFLNK: case FS_S_IFCHR:
	case FS_S_IFBLK: case FS_S_IFIFO: case FS_S_IFSOCK:
		return 1;
	}
	return 0;
}

/* The checks every new name in dir passes: a live directory, a valid name not there yet. */
static int new_name_check(struct ramfs *fs, uint64_t dir, const char *name, size_t len, struct ramfs_inode **d)
{
	int r = get_dir(fs, dir, d);

	if (r)
		return r;
	if (is_dot(name, len) || is_dotdot(name, len))
		return -EEXIST;
	r = name_check(name, len);
	if (r)
		return r;
	return entry_find(fs, *d, name, len) ? -EEXIST : 0;
}

int ramfs_create(struct ramfs *fs, uint64_t dir, const char *name, size_t len, uint32_t mode, uint32_t uid,
		 uint32_t gid, uint32_t major, uint32_t minor, const char *target, size_t target_len,
		 struct ramfs_attr *out)
{
	struct ramfs_inode *d, *n;
	struct ramfs_dirent *e;
	char *copy = 0;
	int symlink = (mode & FS_S_IFMT) == FS_S_IFLNK, mkdir = (mode & FS_S_IFMT) == FS_S_IFDIR;
	int r = new_name_check(fs, dir, name, len, &d);

	if (r)
		return r;
	if (!type_ok(mode))
		return -EINVAL;
	if (symlink && target_len == 0)
		return -ENOENT;
	if (symlink && target_len > FS_SYMLINK_MAX)
		return -ENAMETOOLONG;
	if (mkdir && d->nlink >= RAMFS_LINK_MAX)
		return -EMLINK;
	if (fs->inodes_used >= fs->inode_limit)
		return -ENOSPC;
	if ((r = entry_room(d)) != 0)
		return r;
	e = entry_new(fs, d, name, len, &r);
	if (!e)
		return r;
	if (symlink && (r = charge(fs, target_len)) != 0) {
		entry_discard(fs, e);
		return r;
	}
	if (symlink && !(copy = malloc(target_len)))
		goto no_memory;
	if (!(n = inode_new(fs, mode, uid, gid)))
		goto no_memory;
	if (symlink) {
		memcpy(copy, target, target_len);
		n->u.target = copy;
		n->size = target_len;
	} else if (mkdir) {
		n->u.dir.parent = d;
		d->nlink++;
	} else if (is_type(n, FS_S_IFCHR) || is_type(n, FS_S_IFBLK)) {
		n->major = major;
		n->minor = minor;
	}
	inode_insert(fs, n);
	entry_insert(fs, e, n);
	stamp_modify(fs, d);
	attr_of(n, out);
	return 0;
no_memory:
	free(copy);
	if (symlink)
		refund(fs, target_len);
	entry_discard(fs, e);
	return -ENOMEM;
}

int ramfs_link(struct ramfs *fs, uint64_t ino, uint64_t dir, const char *name, size_t len, struct ramfs_attr *out)
{
	struct ramfs_inode *d, *n;
	struct ramfs_dirent *e;
	int r = get(fs, ino, &n);

	if (r)
		return r;
	if (is_dir(n))
		return -EPERM;
	if ((r = new_name_check(fs, dir, name, len, &d)) != 0)
		return r;
	if (n->nlink == 0)
		return -ENOENT;
	if (n->nlink >= RAMFS_LINK_MAX)
		return -EMLINK;
	if ((r = entry_room(d)) != 0)
		return r;
	e = entry_new(fs, d, name, len, &r);
	if (!e)
		return r;
	entry_insert(fs, e, n);
	n->nlink++;
	stamp_change(fs, n);
	stamp_modify(fs, d);
	attr_of(n, out);
	return 0;
}

/* The entry `name` names in live directory dir, for removal. */
static int old_name(struct ramfs *fs, uint64_t dir, const char *name, size_t len, struct ramfs_inode **d,
		    struct ramfs_dirent **e)
{
	int r = get_dir(fs, dir, d);

	if (r)
		return r;
	if ((r = name_check(name, len)) != 0)
		return r;
	*e = entry_find(fs, *d, name, len);
	return *e ? 0 : -ENOENT;
}

int ramfs_unlink(struct ramfs *fs, uint64_t dir, const char *name, size_t len)
{
	struct ramfs_inode *d, *n;
	struct ramfs_dirent *e;
	int r;

	if (is_dot(name, len) || is_dotdot(name, len))
		return -EISDIR;
	if ((r = old_name(fs, dir, name, len, &d, &e)) != 0)
		return r;
	n = e->node;
	if (is_dir(n))
		return -EISDIR;
	entry_remove(fs, e);
	n->nlink--;
	stamp_change(fs, n);
	stamp_modify(fs, d);
	inode_settle(fs, n);
	return 0;
}

int ramfs_rmdir(struct ramfs *fs, uint64_t dir, const char *name, size_t len)
{
	struct ramfs_inode *d, *n;
	struct ramfs_dirent *e;
	int r;

	if (is_dot(name, len))
		return -EINVAL;
	if (is_dotdot(name, len))
		return -ENOTEMPTY;
	if ((r = old_name(fs, dir, name, len, &d, &e)) != 0)
		return r;
	n = e->node;
	if (!is_dir(n))
		return -ENOTDIR;
	if (n->u.dir.n)
		return -ENOTEMPTY;
	entry_remove(fs, e);
	d->nlink--;
	n->nlink = 0;
	n->u.dir.parent = 0;
	stamp_change(fs, n);
	stamp_modify(fs, d);
	inode_settle(fs, n);
	return 0;
}

/* Whether directory d is a or lies under it. */
static int is_under(const struct ramfs_inode *d, const struct ramfs_inode *a)
{
	for (;;) {
		if (d == a)
			return 1;
		if (d->u.dir.parent == d || !d->u.dir.parent)
			return 0;
		d = d->u.dir.parent;
	}
}

/* Linux's checks of a rename of src over dst (may be 0) into directory nd. */
static int rename_check(struct ramfs_inode *od, struct ramfs_inode *nd, struct ramfs_dirent *src,
			struct ramfs_dirent *dst)
{
	struct ramfs_inode *s = src->node, *t = dst ? dst->node : 0;

	if (!is_dir(s))
		return t && is_dir(t) ? -EISDIR : 0;
	if (is_under(nd, s))
		return -EINVAL;
	if (t && !is_dir(t))
		return -ENOTDIR;
	if (t && t->u.dir.n)
		return -ENOTEMPTY;
	if (!t && nd != od && nd->nlink >= RAMFS_LINK_MAX)
		return -EMLINK;
	return 0;
}

int ramfs_rename(struct ramfs *fs, uint64_t old_dir, const char *old_name_, size_t old_len, uint64_t new_dir,
		 const char *new_name, size_t new_len, unsigned flags)
{
	struct ramfs_inode *od, *nd, *s, *victim = 0;
	struct ramfs_dirent *src, *dst, *fresh = 0;
	int r;

	if (flags & ~(unsigned)FS_RENAME_NOREPLACE)
		return -EINVAL;
	if ((r = get_dir(fs, old_dir, &od)) != 0 || (r = get_dir(fs, new_dir, &nd)) != 0)
		return r;
	if (is_dot(old_name_, old_len) || is_dotdot(old_name_, old_len) || is_dot(new_name, new_len) ||
	    is_dotdot(new_name, new_len))
		return flags & FS_RENAME_NOREPLACE ? -EEXIST : -EBUSY;
	if ((r = old_name(fs, old_dir, old_name_, old_len, &od, &src)) != 0)
		return r;
	if ((r = name_check(new_name, new_len)) != 0)
		return r;
	dst = entry_find(fs, nd, new_name, new_len);
	if (dst && (flags & FS_RENAME_NOREPLACE))
		return -EEXIST;
	if (dst && dst->node == src->node)
		return 0; /* two names of one file: rename does nothing */
	if ((r = rename_check(od, nd, src, dst)) != 0)
		return r;
	s = src->node;
	if (!dst) {
		if ((r = entry_room(nd)) != 0)
			return r;
		fresh = entry_new(fs, nd, new_name, new_len, &r);
		if (!fresh)
			return r;
	}
	/* Nothing fails from here on. */
	if (dst) {
		victim = dst->node;
		dst->node = s; /* the name keeps its place (and cookie) in nd */
		if (is_dir(victim)) {
			victim->nlink = 0;
			victim->u.dir.parent = 0;
			nd->nlink--;
		} else {
			victim->nlink--;
		}
		stamp_change(fs, victim);
	} else {
		entry_insert(fs, fresh, s);
	}
	entry_remove(fs, src);
	if (is_dir(s) && od != nd) {
		od->nlink--;
		nd->nlink++;
		s->u.dir.parent = nd;
	}
	stamp_change(fs, s);
	stamp_modify(fs, od);
	stamp_modify(fs, nd);
	inode_settle(fs, victim);
	return 0;
}

/* ---- Data ---------------------------------------------------------------- */

/* The regular file numbered ino, for reading or writing its data. */
static int get_file(struct ramfs *fs, uint64_t ino, struct ramfs_inode **f)
{
	int r = get(fs, ino, f);

	if (r)
		return r;
	if (is_dir(*f))
		return -EISDIR;
	return is_type(*f, FS_S_IFREG) ? 0 : -EINVAL;
}

int64_t ramfs_read(struct ramfs *fs, uint64_t ino, uint64_t offset, uint64_t len, ramfs_copyout_fn copy, void *ctx)
{
	struct ramfs_inode *f;
	uint64_t done = 0;
	int r = get_file(fs, ino, &f);

	if (r)
		return r;
	if (offset >= f->size)
		return 0;
	if (len > f->size - offset)
		len = f->size - offset;
	while (done < len) {
		uint64_t at = offset + done, in = at % RAMFS_CHUNK, piece = RAMFS_CHUNK - in;
		const uint8_t *c = chunk_get(f, at / RAMFS_CHUNK);

		if (piece > len - done)
			piece = len - done;
		r = copy(ctx, done, c ? c + in : zero_chunk, (size_t)piece);
		if (r)
			return done ? (int64_t)done : r;
		done += piece;
	}
	/* relatime, as Linux mounts by default: atime moves when older than the last change or a day */
	if (f->atime <= f->mtime || f->atime <= f->ctime || fs->now - f->atime >= DAY_NS)
		f->atime = fs->now;
	return (int64_t)done;
}

int64_t ramfs_write(struct ramfs *fs, uint64_t ino, uint64_t offset, uint64_t len, ramfs_copyin_fn copy, void *ctx)
{
	struct ramfs_inode *f;
	uint64_t done = 0;
	int r = get_file(fs, ino, &f);

	if (r)
		return r;
	if (len == 0)
		return 0;
	if (offset >= RAMFS_FILE_MAX)
		return -EFBIG;
	if (len > RAMFS_FILE_MAX - offset)
		len = RAMFS_FILE_MAX - offset;
	while (done < len) {
		uint64_t at = offset + done, in = at % RAMFS_CHUNK, piece = RAMFS_CHUNK - in;
		uint8_t *c = chunk_make(fs, f, at / RAMFS_CHUNK, &r);

		if (!c)
			break;
		if (piece > len - done)
			piece = len - done;
		r = copy(ctx, done, c + in, (size_t)piece);
		if (r) {
			/* a copy that failed half-way may have left bytes past the end: they must read as zeros */
			uint64_t end = f->size > at ? f->size : at;

			if (end < at + piece)
				memset(c + (end - at) + in, 0, (size_t)(at + piece - end));
			break;
		}
		done += piece;
	}
	if (done == 0)
		return r;
	if (offset + done > f->size)
		f->size = offset + done;
	stamp_modify(fs, f);
	return (int64_t)done;
}

static int copy_out_buf(void *ctx, uint64_t at, const void *from, size_t len)
{
	memcpy((uint8_t *)ctx + at, from, len);
	return 0;
}

static int copy_in_buf(void *ctx, uint64_t at, void *to, size_t len)
{
	memcpy(to, (const uint8_t *)ctx + at, len);
	return 0;
}

int64_t ramfs_read_buf(struct ramfs *fs, uint64_t ino, uint64_t offset, void *buf, uint64_t len)
{
	return ramfs_read(fs, ino, offset, len, copy_out_buf, buf);
}

int64_t ramfs_write_buf(struct ramfs *fs, uint64_t ino, uint64_t offset, const void *buf, uint64_t len)
{
	return ramfs_write(fs, ino, offset, len, copy_in_buf, (void *)(uintptr_t)buf);
}

int ramfs_truncate(struct ramfs *fs, uint64_t ino, uint64_t size)
{
	struct ramfs_inode *f;
	int r = get_file(fs, ino, &f);

	if (r)
		return r;
	if (size > RAMFS_FILE_MAX)
		return -EFBIG;
	if (size < f->size) {
		uint8_t *tail = chunk_get(f, size / RAMFS_CHUNK);

		data_cut(fs, f, (size + RAMFS_CHUNK - 1) / RAMFS_CHUNK);
		if (tail && size % RAMFS_CHUNK)
			memset(tail + size % RAMFS_CHUNK, 0, RAMFS_CHUNK - size % RAMFS_CHUNK);
	}
	f->size = size;
	stamp_modify(fs, f);
	return 0;
}

int ramfs_readlink(struct ramfs *fs, uint64_t ino, const char **target, size_t *len)
{
	struct ramfs_inode *n;
	int r = get(fs, ino, &n);

	if (r)
		return r;
	if (!is_type(n, FS_S_IFLNK))
		return -EINVAL;
	*target = n->u.target;
	*len = (size_t)n->size;
	return 0;
}

/* ---- Attributes ------------------------------------------------------------ */

int ramfs_chmod(struct ramfs *fs, uint64_t ino, uint32_t mode)
{
	struct ramfs_inode *n;
	int r = get(fs, ino, &n);

	if (r)
		return r;
	n->mode = (n->mode & FS_S_IFMT) | (mode & 07777);
	stamp_change(fs, n);
	return 0;
}

int ramfs_chown(struct ramfs *fs, uint64_t ino, uint32_t uid, uint32_t gid)
{
	struct ramfs_inode *n;
	int r = get(fs, ino, &n);

	if (r)
		return r;
	if (uid == FS_ID_KEEP && gid == FS_ID_KEEP)
		return 0;
	if (uid != FS_ID_KEEP)
		n->uid = uid;
	if (gid != FS_ID_KEEP)
		n->gid = gid;
	/* Linux drops set-user-ID, and set-group-ID of a group-executable file, on every chown */
	if (is_type(n, FS_S_IFREG)) {
		n->mode &= ~04000u;
		if (n->mode & 0010)
			n->mode &= ~02000u;
	}
	stamp_change(fs, n);
	return 0;
}

int ramfs_utimens(struct ramfs *fs, uint64_t ino, int64_t atime, int64_t mtime)
{
	struct ramfs_inode *n;
	int r = get(fs, ino, &n);

	if (r)
		return r;
	if (atime == FS_TIME_OMIT && mtime == FS_TIME_OMIT)
		return 0;
	if (atime != FS_TIME_OMIT)
		n->atime = atime;
	if (mtime != FS_TIME_OMIT)
		n->mtime = mtime;
	stamp_change(fs, n);
	return 0;
}

/* ---- Directories, open files, space ---------------------------------------- */

static uint8_t dirent_type(const struct ramfs_inode *n)
{
	switch (n->mode & FS_S_IFMT) {
	case FS_S_IFREG: return FS_DT_REG;
	case FS_S_IFDIR: return FS_DT_DIR;
	case FS_S_IFLNK: return FS_DT_LNK;
	case FS_S_IFCHR: return FS_DT_CHR;
	case FS_S_IFBLK: return FS_DT_BLK;
	case FS_S_IFIFO: return FS_DT_FIFO;
	case FS_S_IFSOCK: return FS_DT_SOCK;
	}
	return FS_DT_UNKNOWN;
}

/* Put one record at buf + *at if it fits in len: 1 if it did. */
static int record(uint8_t *buf, size_t len, size_t *at, const struct ramfs_inode *n, uint64_t cookie,
		  const char *name, size_t nlen)
{
	size_t rec = fs_dirent64_reclen(nlen);
	struct fs_dirent64 d;

	if (rec > len - *at)
		return 0;
	memset(buf + *at, 0, rec);
	d.d_ino = n->ino;
	d.d_off = (int64_t)cookie;
	d.d_reclen = (uint16_t)rec;
	d.d_type = dirent_type(n);
	memcpy(buf + *at, &d, offsetof(struct fs_dirent64, d_name));
	memcpy(buf + *at + offsetof(struct fs_dirent64, d_name), name, nlen);
	*at += rec;
	return 1;
}

int64_t ramfs_getdents(struct ramfs *fs, uint64_t dir, uint64_t *cookie, void *buf, size_t len)
{
	struct ramfs_inode *d;
	size_t at = 0;
	int r = get_dir(fs, dir, &d);

	if (r)
		return r;
	if (*cookie < 1) {
		if (!record(buf, len, &at, d, 1, ".", 1))
			return -EINVAL;
		*cookie = 1;
	}
	if (*cookie < 2) {
		if (!record(buf, len, &at, d->u.dir.parent, 2, "..", 2))
			return at ? (int64_t)at : -EINVAL;
		*cookie = 2;
	}
	for (size_t i = entry_after(d, *cookie); i < d->u.dir.n; i++) {
		struct ramfs_dirent *e = d->u.dir.ents[i];

		if (!record(buf, len, &at, e->node, e->cookie, e->name, e->len))
			return at ? (int64_t)at : -EINVAL;
		*cookie = e->cookie;
	}
	return (int64_t)at;
}

int ramfs_hold(struct ramfs *fs, uint64_t ino)
{
	struct ramfs_inode *n;
	int r = get(fs, ino, &n);

	if (r == 0)
		n->held = 1;
	return r;
}

int ramfs_release(struct ramfs *fs, uint64_t ino)
{
	struct ramfs_inode *n;
	int r = get(fs, ino, &n);

	if (r)
		return r;
	n->held = 0;
	inode_settle(fs, n);
	return 0;
}

void ramfs_statfs(const struct ramfs *fs, struct ramfs_statfs *out)
{
	out->blocks = fs->byte_limit / RAMFS_CHUNK;
	out->bfree = (fs->byte_limit - fs->bytes_used) / RAMFS_CHUNK;
	out->files = fs->inode_limit;
	out->ffree = fs->inode_limit - fs->inodes_used;
}
