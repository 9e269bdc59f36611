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
	VFS_FORK = 0xa00,   /* u64[0]=parent endpoint u64[1]=child endpoint -> 0 */
	VFS_EXEC,           /* u64[0]=endpoint -> 0 */
	VFS_EXIT,           /* u64[0]=endpoint -> 0 */
	VFS_SETID,          /* u64[0]=endpoint u64[1]=uid|gid<<32 (real) u64[2]=euid|egid<<32
			       u64[3]=number of supplementary groups u64[4]=their address in pm (uint32_t each) -> 0 */
	VFS_SETPGRP,        /* u64[0]=endpoint u64[1]=pid u64[2]=pgrp u64[3]=sid -> 0 */
	VFS_INTERRUPT,      /* u64[0]=endpoint -> the interrupted call's number + 1, 0: none */
	VFS_JOBCTL_REFUSED, /* u64[0]=endpoint -> 0 */
	VFS_EXEC_OPEN,      /* u64[0]=endpoint u64[1]=path (in that process; in pm's memory if u64[2] != 0)
			       -> handle, u64[1]=size u64[2]=mode u64[3]=uid|gid<<32 u64[4]=inode
			       u64[5]=mtime (ns) u64[6]=file system id */
	VFS_EXEC_READ,      /* u64[0]=handle u64[1]=offset u64[2]=length u64[3]=destination endpoint
			       u64[4]=destination address -> bytes */
	VFS_EXEC_CLOSE,     /* u64[0]=handle -> 0 */
	VFS_CLOCK,          /* i64[0]=wall-clock time less monotonic time, ns (file times are wall-clock) -> 0 */
	VFS_NOFILE,         /* u64[0]=endpoint u64[1]=RLIMIT_NOFILE's soft limit -> 0 */
	VFS_MASK_DONE,      /* u64[0]=endpoint: pm set or restored the mask a PM_SIG_MASK/UNMASK asked for -> 0 */
};

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
