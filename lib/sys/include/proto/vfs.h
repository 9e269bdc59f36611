/*
 * What pm says to vfs about process identities (servers/vfs), and what it
 * asks of it. vfs keeps one descriptor table, cwd and root, credentials and
 * process group per POSIX process, keyed by endpoint; pm tells it when one
 * is born from another, replaced by exec, changes ids or group, or is gone.
 * Only pm may send these (vfs answers anyone else -EPERM). Replies: i64[0]
 * is 0 (or a result) or a negative Linux errno.
 *
 *  - VFS_FORK before pm lets the child run: the child gets a copy of the
 *    parent's table (sharing the open files and their offsets), its cwd,
 *    root, umask, credentials and group. A child endpoint vfs already knows
 *    is first emptied (its slot was reused). -ENOMEM: no room for another
 *    process (pm then fails the fork).
 *  - VFS_EXEC once exec has committed (no way back to the old image): the
 *    descriptors marked FD_CLOEXEC are closed.
 *  - VFS_EXIT when the process is dead (or a zombie): a call it was blocked
 *    in is dropped, every descriptor is closed and the entry freed.
 *  - VFS_SETID, VFS_SETPGRP: the process's new credentials, group, session.
 *  - VFS_NOFILE: the process's new RLIMIT_NOFILE (descriptors it may open).
 *  - VFS_INTERRUPT: a signal must take effect in a process. If it is blocked
 *    in a call in vfs (a read of a pipe or terminal, poll, select, an
 *    open that waits), vfs answers that call with the code Linux would
 *    (-ERESTARTSYS, or -ERESTARTNOHAND for poll and select, or the bytes
 *    already moved) and answers pm with the call's number + 1 (read is call
 *    0); 0: none.
 *  - VFS_JOBCTL_REFUSED: the signal a PM_SIG_JOBCTL asked for was not sent
 *    (ignored, blocked, orphaned group): vfs answers the held call -EIO.
 *  - VFS_EXEC_OPEN/READ/CLOSE: execve reads its program through vfs: the
 *    path is resolved as the process itself would (its cwd, root and
 *    credentials; execute permission; a regular file), and pm reads the
 *    file's bytes into any process's memory (its own, or the new image's).
 */
#ifndef PROTO_VFS_H
#define PROTO_VFS_H

#include <stdint.h>

enum vfs_call {
	VFS_FORK = 0xa00,   /* struct vfs_fork_req -> 0 */
	VFS_EXEC,           /* struct vfs_proc_req -> 0 */
	VFS_EXIT,           /* struct vfs_proc_req -> 0 */
	VFS_SETID,          /* struct vfs_setid_req -> 0 */
	VFS_SETPGRP,        /* struct vfs_setpgrp_req -> 0 */
	VFS_INTERRUPT,      /* struct vfs_proc_req -> the interrupted call's number + 1, 0: none */
	VFS_JOBCTL_REFUSED, /* struct vfs_proc_req -> 0 */
	VFS_EXEC_OPEN,      /* struct vfs_exec_open_req -> struct vfs_exec_open_reply */
	VFS_EXEC_READ,      /* struct vfs_exec_read_req -> bytes */
	VFS_EXEC_CLOSE,     /* struct vfs_exec_close_req -> 0 */
	VFS_CLOCK,          /* struct vfs_clock_req -> 0 */
	VFS_NOFILE,         /* struct vfs_proc_req (value: RLIMIT_NOFILE's soft limit) -> 0 */
	VFS_MASK_DONE,      /* struct vfs_proc_req: pm set or restored the mask a PM_SIG_MASK/UNMASK asked for -> 0 */
};

/* ---- Requests and replies: each is the payload of one message (ax_message.bytes) ---- */

/* VFS_EXEC, VFS_EXIT, VFS_INTERRUPT, VFS_JOBCTL_REFUSED, VFS_MASK_DONE, VFS_NOFILE */
struct vfs_proc_req {
	int64_t ep;     /* the process (every one of these is about one; vfs knows it by endpoint) */
	uint64_t value; /* VFS_NOFILE: the soft limit; others: 0 */
};

struct vfs_fork_req {
	int64_t parent; /* AX_NONE: a boot process (it starts with /dev/console open as 0, 1, 2) */
	int64_t child;
};

struct vfs_setid_req {
	int64_t ep;
	uint32_t uid, gid;   /* real */
	uint32_t euid, egid; /* effective */
	uint64_t ngroups;    /* supplementary groups, at most CRED_GROUPS_MAX (vfs's) */
	uint64_t groups;     /* their address in pm's memory (uint32_t each) */
};

struct vfs_setpgrp_req {
	int64_t ep;
	int64_t pid, pgrp, sid; /* each 1 .. INT32_MAX */
};

struct vfs_clock_req {
	int64_t realtime_offset_ns; /* wall-clock time less monotonic time (file times are wall-clock) */
};

struct vfs_exec_open_req {
	int64_t ep;    /* the process whose cwd, root and credentials resolve the path */
	uint64_t path; /* the path's address: in that process, or in pm's memory if in_pm != 0 */
	uint64_t in_pm;
};

struct vfs_exec_open_reply {
	int64_t handle; /* >= 0, or a negative errno */
	uint64_t size;
	uint64_t mode;
	uint32_t uid, gid;
	uint64_t ino;
	uint64_t mtime_ns;
	uint64_t fs; /* file system id: (fs, ino) names the file */
};

struct vfs_exec_read_req {
	int64_t handle;
	uint64_t offset, len;
	int64_t to;    /* the destination process (pm itself, or the new image) */
	uint64_t addr; /* where in it */
};

struct vfs_exec_close_req {
	int64_t handle;
};

_Static_assert(sizeof(struct vfs_proc_req) == 16, "vfs_proc_req layout");
_Static_assert(sizeof(struct vfs_fork_req) == 16, "vfs_fork_req layout");
_Static_assert(sizeof(struct vfs_setid_req) == 40, "vfs_setid_req layout");
_Static_assert(sizeof(struct vfs_setpgrp_req) == 32, "vfs_setpgrp_req layout");
_Static_assert(sizeof(struct vfs_clock_req) == 8, "vfs_clock_req layout");
_Static_assert(sizeof(struct vfs_exec_open_req) == 24, "vfs_exec_open_req layout");
_Static_assert(sizeof(struct vfs_exec_open_reply) == 56, "vfs_exec_open_reply layout");
_Static_assert(sizeof(struct vfs_exec_read_req) == 40, "vfs_exec_read_req layout");
_Static_assert(sizeof(struct vfs_exec_close_req) == 8, "vfs_exec_close_req layout");

/*
 * The Linux calls vfs serves: pm routes exactly these to vfs when the image
 * has one. Numbers by name from <linuxabi/syscalls.h> (generated from the
 * installed kernel headers), which a user of this list includes.
 */
#define VFS_POSIX_CALLS \
	NR_READ, NR_WRITE, NR_OPEN, NR_CLOSE, NR_STAT, NR_FSTAT, NR_LSTAT, NR_POLL, NR_LSEEK, NR_IOCTL, \
	NR_PREAD64, NR_PWRITE64, NR_READV, NR_WRITEV, NR_ACCESS, NR_PIPE, NR_SELECT, NR_DUP, NR_DUP2, \
	NR_SENDFILE, NR_FCNTL, NR_FLOCK, NR_FSYNC, NR_FDATASYNC, NR_TRUNCATE, NR_FTRUNCATE, NR_GETCWD, \
	NR_CHDIR, NR_FCHDIR, NR_RENAME, NR_MKDIR, NR_RMDIR, NR_CREAT, NR_LINK, NR_UNLINK, NR_SYMLINK, \
	NR_READLINK, NR_CHMOD, NR_FCHMOD, NR_CHOWN, NR_FCHOWN, NR_LCHOWN, NR_UMASK, NR_MKNOD, NR_STATFS, \
	NR_FSTATFS, NR_CHROOT, NR_SYNC, NR_MOUNT, NR_UMOUNT2, NR_GETDENTS64, NR_OPENAT, NR_MKDIRAT, NR_MKNODAT, \
	NR_FCHOWNAT, NR_NEWFSTATAT, NR_UNLINKAT, NR_RENAMEAT, NR_LINKAT, NR_SYMLINKAT, NR_READLINKAT, \
	NR_FCHMODAT, NR_FACCESSAT, NR_PSELECT6, NR_PPOLL, NR_UTIMENSAT, NR_DUP3, NR_PIPE2, NR_SYNCFS, \
	NR_RENAMEAT2, NR_STATX, NR_FACCESSAT2

#endif
