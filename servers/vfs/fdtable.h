/*
 * File descriptors and open files, with Linux's rules. A process's
 * descriptor table maps descriptors to entries of the one system-wide
 * open-file table; an open file holds the offset and status flags that every
 * descriptor dup'd or inherited from it shares. Pure logic, unit-tested on
 * the host (tests/unit/test_fdtable.c); the rules are in docs/vfs.md, "Path
 * lookup and descriptors".
 *
 * An open file lives as long as descriptors (or holds, file_hold) point to
 * it. When the last one goes, the table's release function is called with
 * the file still filled in, so vfs can tell its file server or driver, and
 * then the entry is free.
 */
#ifndef VFS_FDTABLE_H
#define VFS_FDTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "linux.h"
#include "path.h"

#define FD_MAX 1024   /* descriptors in one table: RLIMIT_NOFILE above it is capped here */
#define FILE_MAX 4096 /* entries in the open-file table */

struct open_file {
	int refs;          /* descriptors (in every table) and holds pointing here; 0: the entry is free */
	uint32_t flags;    /* access mode and status flags, as F_GETFL reports them */
	uint64_t offset;   /* shared by every descriptor pointing here */
	struct vnode node; /* what was opened */
};

/* Called when file (its index) loses its last reference, before it is freed. */
typedef void file_release_fn(void *arg, int file, const struct open_file *f);

struct file_table {
	struct open_file f[FILE_MAX];
	int limit; /* open files allowed at once (<= FILE_MAX): more is -ENFILE */
	int used;  /* entries in use */
	file_release_fn *release;
	void *arg;
};

/* One process's descriptors. All zero is a valid empty table with no room;
 * fd_table_init gives it its limit. */
struct fd_table {
	struct {
		uint16_t file;  /* open-file index + 1; 0: the descriptor is closed */
		uint16_t flags; /* FD_CLOEXEC */
	} fd[FD_MAX];
	uint32_t nofile; /* RLIMIT_NOFILE's soft limit: descriptors are below it */
	uint32_t high;   /* every open descriptor is below it: fork, exec and exit look no further */
};

/* An empty open-file table allowing limit open files (capped at FILE_MAX). */
void files_init(struct file_table *ft, int limit, file_release_fn *release, void *arg);

/* An empty descriptor table with RLIMIT_NOFILE nofile. */
void fd_table_init(struct fd_table *t, uint32_t nofile);

/* A new RLIMIT_NOFILE: descriptors already at or above it stay open, as on Linux. */
void fd_set_nofile(struct fd_table *t, uint32_t nofile);

/* Open node with open(2)'s flags: a new open file at the lowest free
 * descriptor, which is returned; -EMFILE (no descriptor below the limit) or
 * -ENFILE (open-file table full), in that order, as Linux decides. The
 * last 64th of the table is kept for a privileged (root) caller, as Linux
 * lets CAP_SYS_ADMIN open files past file-max: a user who takes every open
 * file it can still leaves root room to act. The open
 * file keeps the access mode and status flags (plus O_LARGEFILE, as Linux
 * x86_64 adds; O_PATH keeps only O_PATH, O_DIRECTORY and O_NOFOLLOW);
 * O_CLOEXEC becomes the descriptor's FD_CLOEXEC; the creation flags
 * (O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC) are not kept. */
int fd_open(struct file_table *ft, struct fd_table *t, const struct vnode *node, uint32_t oflags, bool privileged);

/* The open file behind fd, or NULL (the caller's -EBADF). */
struct open_file *fd_file(struct file_table *ft, const struct fd_table *t, int fd);

/* The open-file index behind fd, or -EBADF. */
int fd_index(const struct fd_table *t, int fd);

/* close(fd): 0 or -EBADF. */
int fd_close(struct file_table *ft, struct fd_table *t, int fd);

/* F_DUPFD (cloexec false) and F_DUPFD_CLOEXEC: the lowest free descriptor
 * at or above min; -EBADF, -EINVAL (min negative or not below the limit),
 * -EMFILE. dup(fd) is fd_dupfd(..., fd, 0, false). */
int fd_dupfd(struct file_table *ft, struct fd_table *t, int fd, int min, bool cloexec);

/* dup2: newfd, closing what it was first; dup2(fd, fd) is fd if fd is open.
 * -EBADF (oldfd closed, newfd out of range). */
int fd_dup2(struct file_table *ft, struct fd_table *t, int oldfd, int newfd);

/* dup3: as dup2 with O_CLOEXEC allowed in flags; -EINVAL for other flags or
 * oldfd == newfd. */
int fd_dup3(struct file_table *ft, struct fd_table *t, int oldfd, int newfd, uint32_t flags);

/* F_GETFD, F_SETFD (only FD_CLOEXEC is kept): the flags or 0; -EBADF. */
int fd_getfd(const struct fd_table *t, int fd);
int fd_setfd(struct fd_table *t, int fd, int flags);

/* F_GETFL, F_SETFL (only O_APPEND and O_NONBLOCK change; the other bits of
 * flags are ignored, as Linux ignores those it cannot change): -EBADF. */
int fd_getfl(struct file_table *ft, const struct fd_table *t, int fd);
int fd_setfl(struct file_table *ft, struct fd_table *t, int fd, uint32_t flags);

/* fork: child (any previous content is dropped first) gets parent's
 * descriptors, flags and limit, sharing its open files. */
void fd_fork(struct file_table *ft, const struct fd_table *parent, struct fd_table *child);

/* execve: close the descriptors marked FD_CLOEXEC. */
void fd_exec(struct file_table *ft, struct fd_table *t);

/* exit: close every descriptor. */
void fd_close_all(struct file_table *ft, struct fd_table *t);

/* Keep open file `file` alive without a descriptor (a call in progress on
 * it), and let it go again; file_drop may release it. */
void file_hold(struct file_table *ft, int file);
void file_drop(struct file_table *ft, int file);

#endif
