/*
 * ramfs's file system, in memory: inodes, directories, file data, links,
 * renames, directory cookies, space accounting, and filling from a newc
 * cpio archive. Pure logic, no IPC (servers/ramfs/ramfs.c serves it by the
 * protocol of lib/sys/include/proto/fs.h), unit-tested on the host
 * (tests/unit/test_ramfs.c).
 *
 * Files are named by inode number, as the protocol names them; numbers
 * count up from 1 (the root) and are never reused, so a number the file
 * system no longer knows is -ESTALE, never another file. Every operation
 * checks all its arguments and its space before it changes anything: a
 * call that fails leaves the file system as it was (a read or write that
 * fails part of the way reports the bytes it moved). Errors are negative
 * Linux errno values. Memory comes from malloc.
 *
 * Time stamps are nanoseconds since the epoch; operations stamp fs->now,
 * which the caller sets before each call (the protocol's `now`).
 */
#ifndef RAMFS_FS_H
#define RAMFS_FS_H

#include <stddef.h>
#include <stdint.h>

#include "../../lib/sys/include/proto/fs.h"

#define RAMFS_CHUNK 4096                  /* file data lives in chunks this big */
#define RAMFS_FILE_MAX (1ULL << 48)        /* bytes in one file: past it, -EFBIG */
#define RAMFS_LINK_MAX 65000               /* links to one file: past it, -EMLINK */
#define RAMFS_MAGIC 0x01021994             /* statfs f_type: Linux's TMPFS_MAGIC */

struct ramfs_inode;
struct ramfs_dirent;

struct ramfs {
	int64_t now;            /* ns since the epoch: what the next change stamps */
	uint64_t byte_limit;    /* bytes of data, indexes, names and targets */
	uint64_t bytes_used;
	uint64_t inode_limit;
	uint64_t inodes_used;
	uint64_t next_ino;
	struct ramfs_inode *root;
	/* inode number -> inode */
	struct ramfs_inode **inodes;
	size_t inode_buckets;
	/* (directory, name) -> entry */
	struct ramfs_dirent **names;
	size_t name_buckets;
	size_t nnames;
};

/* What a stat, lookup or create tells about an inode. */
struct ramfs_attr {
	uint64_t ino;
	uint64_t size;
	uint64_t blocks; /* 512-byte units of data chunks */
	uint32_t mode, nlink;
	uint32_t uid, gid;
	uint32_t rdev_major, rdev_minor;
	int64_t atime, mtime, ctime;
};

/* A new file system with an empty root (mode: its permission bits), or 0 when out of memory. */
struct ramfs *ramfs_new(uint64_t byte_limit, uint64_t inode_limit, uint32_t root_mode, int64_t now);
void ramfs_free(struct ramfs *fs);
uint64_t ramfs_root(const struct ramfs *fs);

int ramfs_getattr(struct ramfs *fs, uint64_t ino, struct ramfs_attr *out);
/* The inode `name` names in directory dir; "." and ".." too (the root's ".." is itself). */
int ramfs_lookup(struct ramfs *fs, uint64_t dir, const char *name, size_t len, struct ramfs_attr *out);

/*
 * Create name in dir: the type bits of mode say what (FS_S_IFREG, IFDIR,
 * IFLNK with target, IFCHR/IFBLK with major:minor, IFIFO, IFSOCK).
 */
int ramfs_create(struct ramfs *fs, uint64_t dir, const char *name, size_t len, uint32_t mode, uint32_t uid,
		 uint32_t gid, uint32_t major, uint32_t minor, const char *target, size_t target_len,
		 struct ramfs_attr *out);
int ramfs_link(struct ramfs *fs, uint64_t ino, uint64_t dir, const char *name, size_t len, struct ramfs_attr *out);
int ramfs_unlink(struct ramfs *fs, uint64_t dir, const char *name, size_t len);
int ramfs_rmdir(struct ramfs *fs, uint64_t dir, const char *name, size_t len);
/* Linux's rename(2) rules; flags: FS_RENAME_NOREPLACE or 0. */
int ramfs_rename(struct ramfs *fs, uint64_t old_dir, const char *old_name, size_t old_len, uint64_t new_dir,
		 const char *new_name, size_t new_len, unsigned flags);

/*
 * Copy callbacks, so data moves once between a chunk and its final place
 * (the server's calls KC_SAFECOPY; the tests' memcpy). `at` is the offset
 * in the caller's buffer. 0 or a negative errno.
 */
typedef int (*ramfs_copyout_fn)(void *ctx, uint64_t at, const void *from, size_t len);
typedef int (*ramfs_copyin_fn)(void *ctx, uint64_t at, void *to, size_t len);

/* Bytes read (0 at or past the end; holes read as zeros), or -errno. */
int64_t ramfs_read(struct ramfs *fs, uint64_t ino, uint64_t offset, uint64_t len, ramfs_copyout_fn copy, void *ctx);
/* Bytes written (short when space ran out or a copy failed part of the way), or -errno. */
int64_t ramfs_write(struct ramfs *fs, uint64_t ino, uint64_t offset, uint64_t len, ramfs_copyin_fn copy, void *ctx);
/* The same with a plain buffer. */
int64_t ramfs_read_buf(struct ramfs *fs, uint64_t ino, uint64_t offset, void *buf, uint64_t len);
int64_t ramfs_write_buf(struct ramfs *fs, uint64_t ino, uint64_t offset, const void *buf, uint64_t len);

int ramfs_truncate(struct ramfs *fs, uint64_t ino, uint64_t size);
/* The link's target (not NUL-terminated) and its length. */
int ramfs_readlink(struct ramfs *fs, uint64_t ino, const char **target, size_t *len);
int ramfs_chmod(struct ramfs *fs, uint64_t ino, uint32_t mode);
/* FS_ID_KEEP keeps an id. */
int ramfs_chown(struct ramfs *fs, uint64_t ino, uint32_t uid, uint32_t gid);
/* FS_TIME_OMIT keeps a time. */
int ramfs_utimens(struct ramfs *fs, uint64_t ino, int64_t atime, int64_t mtime);

/*
 * Linux dirent64 records for the entries of dir after *cookie (0: from the
 * start; "." is 1, ".." is 2), as many whole ones as fit in len bytes.
 * Returns the bytes written (0: no more) and sets *cookie to resume after
 * the last one; -EINVAL when not even one record fits.
 */
int64_t ramfs_getdents(struct ramfs *fs, uint64_t dir, uint64_t *cookie, void *buf, size_t len);

/* vfs has the inode open (hold) or not (release). A file with no links is freed when released. */
int ramfs_hold(struct ramfs *fs, uint64_t ino);
int ramfs_release(struct ramfs *fs, uint64_t ino);

struct ramfs_statfs {
	uint64_t blocks, bfree; /* RAMFS_CHUNK units */
	uint64_t files, ffree;
};
void ramfs_statfs(const struct ramfs *fs, struct ramfs_statfs *out);

/*
 * Fill the file system from a newc cpio archive (servers/ramfs/cpio.c):
 * directories, regular files, symbolic links, device nodes, FIFOs and
 * sockets with their modes, owners and mtimes; hard links (entries sharing
 * an inode with nlink >= 2, data with the last); folders on the way are
 * made if the archive lacks them. On an error, *bad (if not 0) names the
 * entry that failed, and the entries before it stay.
 */
int ramfs_load_cpio(struct ramfs *fs, const uint8_t *base, size_t size, const char **bad);

#endif
