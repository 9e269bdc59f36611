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
 * The Linux call numbers vfs serves: pm routes exactly these to vfs when
 * the image has one: read write open close stat fstat lstat poll lseek
 * ioctl pread64 pwrite64 readv writev access pipe select dup dup2 sendfile fcntl
 * flock fsync fdatasync truncate ftruncate getcwd chdir fchdir rename mkdir rmdir
 * creat link unlink symlink readlink chmod fchmod chown fchown lchown umask
 * mknod statfs fstatfs chroot sync mount umount2 getdents64 openat mkdirat
 * mknodat fchownat newfstatat unlinkat renameat linkat symlinkat readlinkat
 * fchmodat faccessat pselect6 ppoll utimensat dup3 pipe2 syncfs renameat2
 * statx faccessat2.
 */
#define VFS_POSIX_CALLS                                                                                          \
	0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 17, 18, 19, 20, 21, 22, 23, 32, 33, 40, 72, 73, 74, 75, 76, 77, 79, 80, 81, 82, \
		83, \
		84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 133, 137, 138, 161, 162, 165, 166, 217, 257, 258,  \
		259, 260, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 280, 292, 293, 306, 316, 332, 439

#endif
