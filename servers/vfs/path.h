/*
 * Path lookup with Linux's rules, and the mount table it crosses. Pure
 * logic: file systems are reached through a table of functions
 * (struct fs_ops), so the unit tests (tests/unit/test_vfs_path.c) plug in a
 * fake one and vfs plugs in its messages to file servers. The rules are
 * described in docs/vfs.md, "Path lookup and descriptors".
 */
#ifndef VFS_PATH_H
#define VFS_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linux.h"

/* A file as vfs knows it: which file system, which inode, and what the file
 * server said of its type, rights and owner when it was looked up. */
struct vnode {
	uint32_t fs;   /* file system id: the key of its mount */
	uint64_t ino;  /* inode number inside that file system */
	uint32_t mode; /* S_IF* type and permission bits */
	uint32_t uid, gid;
};

static inline bool vnode_same(const struct vnode *a, const struct vnode *b)
{
	return a->fs == b->fs && a->ino == b->ino;
}
static inline bool vnode_is_dir(const struct vnode *v)
{
	return (v->mode & S_IFMT) == S_IFDIR;
}
static inline bool vnode_is_link(const struct vnode *v)
{
	return (v->mode & S_IFMT) == S_IFLNK;
}

/* What lookup asks of a file system. Both return 0 or a negative errno. */
struct fs_ops {
	/* The entry name (len bytes, not NUL-terminated; ".." included, never
	 * ".") of directory dir: fill *out's ino, mode, uid and gid. A missing
	 * entry is -ENOENT. */
	int (*lookup)(void *fs, const struct vnode *dir, const char *name, size_t len, struct vnode *out);
	/* The target of symbolic link link into buf (size bytes, no NUL
	 * needed): its length, or a negative errno. */
	int (*readlink)(void *fs, const struct vnode *link, char *buf, size_t size);
	/* Optional (NULL: names are looked up one by one): the names of path
	 * (len bytes, names separated by one '/', none "." or ".."), each looked
	 * up in the directory the one before named, starting in dir, as far as
	 * a name that is not a directory, a name missing, or max names. Fills
	 * out[0..n) (ino, mode, uid, gid) and returns n, with *error the error of
	 * the name after them (0: none); a negative return refuses the request
	 * (the walk then asks name by name). */
	int (*lookup_path)(void *fs, const struct vnode *dir, const char *path, size_t len, struct vnode *out,
			   int max, int *error);
};

/* ---- mounts ---------------------------------------------------------------- */

#define MOUNT_MAX 16

/* One mounted file system: its root covers a directory of another one
 * (except for the root file system, which covers nothing). */
struct mount {
	bool used;
	uint32_t fs; /* the id its vnodes carry */
	const struct fs_ops *ops;
	void *arg; /* given to ops */
	struct vnode root;
	bool covers;          /* false only for the root file system */
	struct vnode covered; /* the mount point, hidden while this is mounted */
};

struct mount_table {
	struct mount m[MOUNT_MAX];
};

/* Mount file system fs (root directory *root) on *covered, or as the root
 * file system if covered is NULL. 0, or -EINVAL (fs already mounted, root
 * not of fs or not a directory, covered's file system not mounted),
 * -ENOTDIR (covered is not a directory), -EBUSY (covered is already a mount
 * point, or a root file system exists), -ENOMEM (table full). */
int mount_add(struct mount_table *mt, uint32_t fs, const struct fs_ops *ops, void *arg, const struct vnode *root,
              const struct vnode *covered);

/* Unmount file system fs: 0, -EINVAL (not mounted), -EBUSY (it is the root
 * file system, or another is mounted on one of its directories). Whether
 * files are still open in it is the caller's question. */
int mount_remove(struct mount_table *mt, uint32_t fs);

/* The mount of file system fs, or NULL. */
const struct mount *mount_find(const struct mount_table *mt, uint32_t fs);

/* ---- permissions ------------------------------------------------------------- */

#define CRED_GROUPS_MAX 32

/* Who is asking: the effective ids and the supplementary groups. */
struct cred {
	uint32_t uid, gid;
	int ngroups;
	uint32_t groups[CRED_GROUPS_MAX];
};

/* May cred do all of may (MAY_READ | MAY_WRITE | MAY_EXEC) to v? 0 or -EACCES.
 * The owner's bits apply to the owner, the group's to members, the others'
 * to everyone else; uid 0 may do anything but execute a file with no x bit. */
int vnode_permission(const struct cred *cred, const struct vnode *v, int may);

/* ---- lookup ------------------------------------------------------------------ */

/* Where and as whom a lookup runs. */
struct path_ctx {
	const struct mount_table *mounts;
	const struct cred *cred;
	struct vnode root;  /* the process's root: "/" starts here and ".." stops here */
	struct vnode start; /* relative paths start here: the cwd, or the dirfd's file */
};

/* path_lookup's flags */
enum {
	PATH_FOLLOW = 1 << 0,     /* follow a final symbolic link (stat; not lstat, AT_SYMLINK_NOFOLLOW) */
	PATH_DIRECTORY = 1 << 1,  /* the result must be a directory: else -ENOTDIR (O_DIRECTORY) */
	PATH_LINK_ELOOP = 1 << 2, /* a final link not followed is -ELOOP (O_NOFOLLOW without O_PATH) */
	PATH_EMPTY = 1 << 3,      /* "" names ctx->start itself, whatever its type (AT_EMPTY_PATH) */
	PATH_PARENT = 1 << 4,     /* stop at the last component's directory: do not look the last up */
	PATH_CREATE = 1 << 5,     /* open(O_CREAT): a missing last component is not an error */
};

/* What the last component is (Linux's LAST_*): for PATH_PARENT callers,
 * who decide what mkdir("/"), rmdir("a/.") and the like return. */
enum path_last {
	PATH_LAST_NAME,   /* an ordinary name */
	PATH_LAST_DOT,    /* "." */
	PATH_LAST_DOTDOT, /* ".." */
	PATH_LAST_ROOT,   /* no component at all: the path is "/" (or a link to it) */
};

struct path_result {
	bool found;              /* node is valid (false: PATH_PARENT, or PATH_CREATE and the name is missing) */
	struct vnode node;       /* what the path names */
	struct vnode dir;        /* the directory the last component is (or would be) in */
	enum path_last last;     /* what kind of component the last one is */
	char name[NAME_MAX + 1]; /* the last component, NUL-terminated ("" for PATH_LAST_ROOT) */
	bool trailing_slash;     /* the last component had slashes after it */
};

/* Resolve path (NUL-terminated) in ctx: 0 with *res filled, or a negative
 * errno and *res undefined: -ENOENT, -ENOTDIR, -EACCES, -ELOOP,
 * -ENAMETOOLONG, -EISDIR (PATH_CREATE with a trailing slash), -EIO (a file
 * system answered nonsense), or what a file system answered. One lookup at
 * a time: its working state is static (12 KiB, too much for a stack), and
 * vfs is one thread. */
int path_lookup(const struct path_ctx *ctx, const char *path, int flags, struct path_result *res);

#endif
