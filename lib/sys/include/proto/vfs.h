/*
 * What pm says to vfs about process identities (servers/vfs). vfs keeps one
 * descriptor table, cwd and root per POSIX process, keyed by endpoint; pm
 * tells it when one is born from another, replaced by exec, or gone. Only
 * pm may send these (vfs answers anyone else -EPERM). Replies: i64[0] is 0
 * or a negative Linux errno.
 *
 *  - VFS_FORK before pm lets the child run: the child gets a copy of the
 *    parent's table (sharing the open files and their offsets), its cwd and
 *    root. A child endpoint vfs already knows is first emptied (its slot was
 *    reused). -ENOMEM: no room for another process (pm then fails the fork).
 *  - VFS_EXEC once exec has committed (no way back to the old image): the
 *    descriptors marked FD_CLOEXEC are closed.
 *  - VFS_EXIT when the process is dead (or a zombie): every descriptor is
 *    closed and the entry freed.
 *
 * Until pm sends these (the first slice), a process vfs has never heard of
 * gets a fresh table with nothing open, cwd and root at "/" (temporary: once
 * pm is wired, an unknown caller will be refused).
 */
#ifndef PROTO_VFS_H
#define PROTO_VFS_H

#include <stdint.h>

enum vfs_call {
	VFS_FORK = 0xa00, /* u64[0]=parent endpoint u64[1]=child endpoint -> 0 */
	VFS_EXEC,         /* u64[0]=endpoint -> 0 */
	VFS_EXIT,         /* u64[0]=endpoint -> 0 */
};

#endif
