/*
 * Filling ramfs from its boot archive, a newc cpio archive, as Linux fills
 * its initramfs: every entry becomes the file it describes, with its mode,
 * owner and mtime; entries that share an inode number (nlink >= 2) become
 * hard links of one file, whose data comes with the last of them; an entry
 * replaces a file already at its path; directories get their mtimes last,
 * once nothing is added to them any more.
 *
 * The entries are read with lib/cpio.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cpio/cpio.h>

#include "fs.h"

/* A file of the archive with links still to come: the archive's inode and ours. */
struct seen {
	uint32_t ino, devmajor, devminor;
	uint64_t node;
};

struct loader {
	struct ramfs *fs;
	struct seen *seen;
	size_t nseen, capseen;
};

/* The archive path p without its leading "/" and "./" and its trailing "/": "" for the root. */
static const char *relative(const char *p, size_t *len)
{
	for (;;) {
		if (p[0] == '/')
			p++;
		else if (p[0] == '.' && p[1] == '/')
			p += 2;
		else if (p[0] == '.' && p[1] == 0)
			p++;
		else
			break;
	}
	*len = strlen(p);
	while (*len && p[*len - 1] == '/')
		--*len;
	return p;
}

/*
 * The directory holding the last component of path (plen bytes), made
 * (0755) where missing, and that component; -ENOTDIR when a file is in
 * the way.
 */
static int parent_of(struct ramfs *fs, const char *path, size_t plen, uint64_t *dir, const char **last,
		     size_t *len)
{
	const char *slash;

	*dir = ramfs_root(fs);
	while ((slash = memchr(path, '/', plen)) != 0) {
		struct ramfs_attr a;
		size_t n = (size_t)(slash - path);
		int r = ramfs_lookup(fs, *dir, path, n, &a);

		if (r == -ENOENT)
			r = ramfs_create(fs, *dir, path, n, FS_S_IFDIR | 0755, 0, 0, 0, 0, 0, 0, &a);
		if (r == 0 && (a.mode & FS_S_IFMT) != FS_S_IFDIR)
			r = -ENOTDIR;
		if (r)
			return r;
		*dir = a.ino;
		plen -= n + 1;
		path = slash + 1;
		while (plen && *path == '/') {
			path++;
			plen--;
		}
	}
	*last = path;
	*len = plen;
	return 0;
}

/* Remove what is at name in dir, if anything, so the entry can take its place (as Linux's clean_path). */
static int clear(struct ramfs *fs, uint64_t dir, const char *name, size_t len, uint32_t keep_type)
{
	struct ramfs_attr a;
	int r = ramfs_lookup(fs, dir, name, len, &a);

	if (r == -ENOENT)
		return 0;
	if (r)
		return r;
	if ((a.mode & FS_S_IFMT) == keep_type && keep_type == FS_S_IFDIR)
		return 0;
	if ((a.mode & FS_S_IFMT) == FS_S_IFDIR)
		return ramfs_rmdir(fs, dir, name, len);
	return ramfs_unlink(fs, dir, name, len);
}

static struct seen *seen_find(struct loader *l, const struct cpio_entry *e)
{
	for (size_t i = 0; i < l->nseen; i++)
		if (l->seen[i].ino == e->ino && l->seen[i].devmajor == e->devmajor && l->seen[i].devminor == e->devminor)
			return &l->seen[i];
	return 0;
}

static int seen_add(struct loader *l, const struct cpio_entry *e, uint64_t node)
{
	if (l->nseen == l->capseen) {
		size_t cap = l->capseen ? 2 * l->capseen : 16;
		struct seen *s = realloc(l->seen, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		l->seen = s;
		l->capseen = cap;
	}
	l->seen[l->nseen++] = (struct seen){ e->ino, e->devmajor, e->devminor, node };
	return 0;
}

/* A regular file: new, or one more name of a file seen before; then its data, if it comes with this entry. */
static int load_file(struct loader *l, const struct cpio_entry *e, uint64_t dir, const char *name, size_t len,
		     struct ramfs_attr *a)
{
	struct seen *s = e->nlink >= 2 ? seen_find(l, e) : 0;
	int64_t n;
	int r;

	if (s) {
		r = ramfs_link(l->fs, s->node, dir, name, len, a);
	} else {
		r = ramfs_create(l->fs, dir, name, len, e->mode, e->uid, e->gid, 0, 0, 0, 0, a);
		if (r == 0 && e->nlink >= 2)
			r = seen_add(l, e, a->ino);
	}
	if (r || e->filesize == 0)
		return r;
	n = ramfs_write_buf(l->fs, a->ino, 0, e->data, e->filesize);
	if (n < 0)
		return (int)n;
	return (uint64_t)n == e->filesize ? 0 : -ENOSPC;
}

/* Make the file one entry describes (times of directories come later). */
static int load_entry(struct loader *l, const struct cpio_entry *e)
{
	struct ramfs *fs = l->fs;
	uint32_t type = e->mode & FS_S_IFMT;
	struct ramfs_attr a;
	const char *path, *name;
	uint64_t dir;
	size_t plen, len;
	int r;

	path = relative(e->name, &plen);
	if (plen == 0) /* the root itself */
		return type == FS_S_IFDIR ? ramfs_chmod(fs, ramfs_root(fs), e->mode) : -ENOTDIR;
	if ((r = parent_of(fs, path, plen, &dir, &name, &len)) != 0 || (r = clear(fs, dir, name, len, type)) != 0)
		return r;
	if (type == FS_S_IFREG) {
		r = load_file(l, e, dir, name, len, &a);
	} else if (type == FS_S_IFDIR) {
		r = ramfs_lookup(fs, dir, name, len, &a);
		if (r == -ENOENT)
			r = ramfs_create(fs, dir, name, len, e->mode, e->uid, e->gid, 0, 0, 0, 0, &a);
	} else {
		r = ramfs_create(fs, dir, name, len, e->mode, e->uid, e->gid, e->rdevmajor, e->rdevminor,
				 (const char *)e->data, e->filesize, &a);
	}
	if (r)
		return r;
	if ((r = ramfs_chmod(fs, a.ino, e->mode)) != 0 || (r = ramfs_chown(fs, a.ino, e->uid, e->gid)) != 0)
		return r;
	/* chown drops set-id bits, as Linux's does: the archive's mode is meant, so set it again */
	if ((r = ramfs_chmod(fs, a.ino, e->mode)) != 0)
		return r;
	return type == FS_S_IFDIR ? 0 : ramfs_utimens(fs, a.ino, (int64_t)e->mtime * 1000000000, (int64_t)e->mtime * 1000000000);
}

/* The second pass: each directory of the archive gets its mtime. */
static int date_directories(struct ramfs *fs, const uint8_t *base, size_t size, const char **bad)
{
	struct cpio_entry e;
	size_t at = 0;
	int r;

	while ((r = cpio_next(base, size, &at, &e)) == 1) {
		const char *path, *name;
		struct ramfs_attr a;
		uint64_t dir = ramfs_root(fs);
		size_t plen, len;
		int64_t t = (int64_t)e.mtime * 1000000000;

		if ((e.mode & FS_S_IFMT) != FS_S_IFDIR)
			continue;
		*bad = e.name;
		path = relative(e.name, &plen);
		if (plen == 0) {
			r = ramfs_utimens(fs, dir, t, t);
		} else if ((r = parent_of(fs, path, plen, &dir, &name, &len)) == 0 &&
			   (r = ramfs_lookup(fs, dir, name, len, &a)) == 0) {
			r = ramfs_utimens(fs, a.ino, t, t);
		}
		if (r)
			return r;
	}
	return r;
}

int ramfs_load_cpio(struct ramfs *fs, const uint8_t *base, size_t size, const char **bad)
{
	struct loader l = { fs, 0, 0, 0 };
	const char *where = 0;
	struct cpio_entry e;
	size_t at = 0;
	int r;

	while ((r = cpio_next(base, size, &at, &e)) == 1) {
		where = e.name;
		if ((r = load_entry(&l, &e)) != 0)
			break;
	}
	free(l.seen);
	if (r == 0)
		r = date_directories(fs, base, size, &where);
	if (bad)
		*bad = r ? where : 0;
	return r;
}
