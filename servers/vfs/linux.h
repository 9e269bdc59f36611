/*
 * Linux's numbers that vfs's pure core (path.c, fdtable.c) speaks: errno
 * values (generated from the installed kernel headers: <linuxabi/errno.h>),
 * open flags, *at flags, fcntl commands, file types and limits, as Linux
 * x86_64 defines them (the user ABI). The flags are written out here, not
 * taken from <fcntl.h>, so the same code compiles alike on the host for the
 * unit tests and in the system image; do not include <fcntl.h> next to this
 * one.
 */
#ifndef VFS_LINUX_H
#define VFS_LINUX_H

#include <linuxabi/errno.h>

/* Tables, kept dense: */
/* clang-format off */

/* open(2) flags (octal, as in Linux's asm-generic/fcntl.h) */
enum {
	O_RDONLY = 0, O_WRONLY = 01, O_RDWR = 02, O_ACCMODE = 03,
	O_CREAT = 0100, O_EXCL = 0200, O_NOCTTY = 0400, O_TRUNC = 01000,
	O_APPEND = 02000, O_NONBLOCK = 04000, O_DSYNC = 010000, O_DIRECT = 040000,
	O_LARGEFILE = 0100000, O_DIRECTORY = 0200000, O_NOFOLLOW = 0400000, O_NOATIME = 01000000,
	O_CLOEXEC = 02000000, O_SYNC = 04010000, O_PATH = 010000000,
};

/* the *at calls */
enum {
	AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_SYMLINK_FOLLOW = 0x400,
	AT_EMPTY_PATH = 0x1000,
};

/* fcntl(2) */
enum { F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030 };
enum { FD_CLOEXEC = 1 };

/* st_mode's file types */
enum {
	S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000, S_IFREG = 0100000, S_IFBLK = 060000,
	S_IFDIR = 040000, S_IFCHR = 020000, S_IFIFO = 010000,
	S_ISUID = 04000, S_ISGID = 02000, S_ISVTX = 01000,
};

/* access(2)'s bits, also the "may" masks of permission checks */
enum { MAY_EXEC = 1, MAY_WRITE = 2, MAY_READ = 4 };
/* clang-format on */

#define PATH_MAX 4096  /* bytes in a path, its NUL included */
#define NAME_MAX 255   /* bytes in one component */
#define MAXSYMLINKS 40 /* symbolic links followed in one lookup */

#endif
