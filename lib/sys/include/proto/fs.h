/*
 * What vfs says to a file server (ramfs now; ext2 and procfs later). Only
 * vfs sends these; a file server answers every request with a reply whose
 * i64[0] is 0, a result (bytes moved), or a negative Linux errno.
 *
 * Requests name files by inode number. An inode number is a 64-bit id the
 * server hands out (FS_LOOKUP, FS_CREATE, FS_MOUNTED) and never reuses for
 * another file while it runs; a number it does not know gets -ESTALE. The
 * server keeps no per-request or per-descriptor state: no open files, no
 * file positions, no directory streams. Descriptors, positions, O_APPEND and
 * the path walk are vfs's. So when a file server crashes and rs restarts it,
 * vfs re-opens it (FS_MOUNTED again) and re-sends the requests that had no
 * reply: nothing the server forgot was needed to understand them. The one
 * thing a server must know about vfs's descriptors, which inodes are still
 * open (an unlinked file lives on while open), is a flag per inode that vfs
 * sets (FS_HOLD) and clears (FS_RELEASE), and sets again on every inode it
 * holds after a restart. vfs sets it only when it matters: just before an
 * inode it holds (open, a current or root directory, a program being read)
 * loses a name (unlink, rmdir, a rename over it); an inode that keeps its
 * names needs no flag, and costs no message at open and close. Whether inode numbers survive a restart at all is
 * the server's to say, in FS_MOUNTED's reply (FS_SERVER_STABLE_INODES: ext2
 * yes, ramfs no: its files lived in its memory).
 *
 * Every request is idempotent, or carries what makes it so, because vfs
 * cannot know whether a request that got no reply was carried out:
 *  - reads (LOOKUP, STAT, READ, GETDENTS, READLINK, STATFS) change nothing;
 *  - writes name their place: FS_WRITE has an explicit offset (vfs turns
 *    O_APPEND into the size it knows), FS_TRUNCATE a length, FS_CHMOD,
 *    FS_CHOWN and FS_UTIMENS absolute values, GETDENTS a cookie;
 *  - every request that changes a time stamp carries the time (`now`, ns
 *    since the epoch), so servers need no clock and a re-issued request
 *    stamps the same time;
 *  - name operations cannot be repeated blindly (a second unlink is
 *    -ENOENT), so a re-issued one has FS_F_REISSUE set and carries the inode
 *    vfs expects, and the server then reports success when the state the
 *    request asked for already holds:
 *      CREATE: the name exists with the requested type: its node is returned;
 *      UNLINK, RMDIR: the name is gone, or names another inode than `ino`;
 *      LINK: the name names `ino`;
 *      RENAME: the old name no longer names `ino` and the new one does.
 *
 * Bulk data never travels in messages; it moves by grants (docs/kernel.md).
 * Names and small buffers (a name, a stat record) are in vfs's own memory,
 * granted to the server; the granter is then the request's source. File
 * data, directory records and link targets go straight to or from the user
 * process: vfs makes a magic grant (AX_GRANT_MAGIC) over the user's buffer
 * and names it with its granter, so the server copies (KC_SAFECOPY) once,
 * between its memory and the user's, and vfs never touches the bytes (a
 * safe copy does not fault pages in: vfs makes the user's range present
 * first, with vm's VM_TOUCH). A copy that fails part of the way gives a
 * short count; one that fails at once, its error (-EFAULT).
 * Names are 1..FS_NAME_MAX bytes, no NUL, no '/'; "." and ".." are only
 * looked up, never created or removed (vfs refuses them earlier).
 *
 * Modes, types, errno values and the directory record (struct
 * fs_dirent64) are Linux's, so vfs passes them on to programs unchanged.
 */
#ifndef PROTO_FS_H
#define PROTO_FS_H

#include <stddef.h>
#include <stdint.h>

#include <axolotl/abi.h>

enum fs_call {
	FS_MOUNTED = 0x900, /* struct fs_mounted -> struct fs_node_reply (the root) */
	FS_LOOKUP,          /* struct fs_name_req (dir, name) -> struct fs_node_reply */
	FS_STAT,            /* struct fs_stat_req -> struct fs_stat into the grant, struct fs_node_reply */
	FS_READ,            /* struct fs_io_req (pid) -> struct fs_io_reply: bytes read, 0 at the end */
	FS_WRITE,           /* struct fs_io_req -> struct fs_io_reply: bytes written */
	FS_GETDENTS,        /* struct fs_getdents_req -> struct fs_getdents_reply */
	FS_CREATE,          /* struct fs_create_req -> struct fs_node_reply */
	FS_UNLINK,          /* struct fs_name_req (dir, name, ino if reissued) -> 0 */
	FS_RMDIR,           /* struct fs_name_req (dir, name, ino if reissued) -> 0 */
	FS_RENAME,          /* struct fs_rename_req -> 0 */
	FS_LINK,            /* struct fs_name_req (dir, new name, ino: the file) -> struct fs_node_reply */
	FS_READLINK,        /* struct fs_io_req (offset 0, pid) -> bytes of the target (no NUL), cut at len */
	FS_TRUNCATE,        /* struct fs_attr_req (ino, size) -> 0 */
	FS_CHMOD,           /* struct fs_attr_req (ino, mode: the 07777 bits) -> 0 */
	FS_CHOWN,           /* struct fs_attr_req (ino, uid, gid; FS_ID_KEEP keeps one) -> 0 */
	FS_UTIMENS,         /* struct fs_attr_req (ino, atime, mtime; FS_TIME_OMIT keeps one) -> 0 */
	FS_SYNC,            /* struct fs_attr_req (ino, or 0: everything) -> 0 once it is on stable storage */
	FS_STATFS,          /* (nothing) -> struct fs_statfs_reply */
	FS_HOLD,            /* struct fs_attr_req (ino): vfs holds the inode, which may lose its last name (a flag) */
	FS_RELEASE,         /* struct fs_attr_req (ino): vfs closed it; unlinked, it is freed now */
	FS_LOOKUP_PATH,     /* struct fs_path_req (dir, names) -> struct fs_stat per name found, struct fs_path_reply */
};

#define FS_NAME_MAX 255     /* bytes in one name (Linux's NAME_MAX) */
#define FS_SYMLINK_MAX 4095 /* bytes in a link target (PATH_MAX less the NUL) */
#define FS_PATH_MAX 4095    /* bytes of names in one FS_LOOKUP_PATH */

/* Request flags (the `flags` fields). */
#define FS_F_REISSUE 0x1 /* sent again after a server restart: see the rules above */

/* FS_MOUNTED request flags. */
#define FS_MOUNT_RDONLY 0x1 /* refuse changes with -EROFS */

/* FS_MOUNTED reply: fs_node_reply.server_flags. */
#define FS_SERVER_STABLE_INODES 0x1 /* inode numbers survive a restart: pending requests may be re-issued */
#define FS_SERVER_NAMES_BY_VFS 0x2  /* names, types, modes and owners change only by vfs's requests: vfs may
				       keep what lookups answered (not procfs: its names come and go with processes) */

/* FS_RENAME flags (renameat2's). RENAME_EXCHANGE is not supported: -EINVAL. */
#define FS_RENAME_NOREPLACE 0x1

#define FS_ID_KEEP 0xffffffffu    /* FS_CHOWN: leave this id as it is */
#define FS_TIME_OMIT INT64_MIN    /* FS_UTIMENS: leave this time as it is */

/* Linux's file types (st_mode & S_IFMT) and directory record types. */
#define FS_S_IFMT 0170000
#define FS_S_IFSOCK 0140000
#define FS_S_IFLNK 0120000
#define FS_S_IFREG 0100000
#define FS_S_IFBLK 0060000
#define FS_S_IFDIR 0040000
#define FS_S_IFCHR 0020000
#define FS_S_IFIFO 0010000
#define FS_DT_UNKNOWN 0
#define FS_DT_FIFO 1
#define FS_DT_CHR 2
#define FS_DT_DIR 4
#define FS_DT_BLK 6
#define FS_DT_REG 8
#define FS_DT_LNK 10
#define FS_DT_SOCK 12

/* ---- Requests: each is the payload of one message (56 bytes at most) ---- */

/* FS_MOUNTED: vfs has mounted the server (first time or after a restart). */
struct fs_mounted {
	uint64_t flags; /* FS_MOUNT_* */
};

/*
 * FS_LOOKUP, FS_UNLINK, FS_RMDIR, FS_LINK. The name is name_len bytes at
 * offset 0 of grant `name_grant` of the request's source.
 */
struct fs_name_req {
	uint64_t dir;
	uint64_t ino;        /* LINK: the file; UNLINK, RMDIR with FS_F_REISSUE: the inode expected */
	int64_t now;         /* ns since the epoch: changes stamp this */
	uint32_t name_grant;
	uint32_t name_len;
	uint32_t flags;      /* FS_F_* */
	uint32_t reserved;
};

/*
 * FS_CREATE: a regular file, directory, symbolic link, device node, FIFO or
 * socket, by the type bits of mode. The grant holds the name, then (for a
 * link) the target.
 */
struct fs_create_req {
	uint64_t dir;
	int64_t now;
	uint32_t name_grant;
	uint16_t name_len;
	uint16_t target_len; /* symbolic links: 1..FS_SYMLINK_MAX bytes after the name */
	uint32_t mode;       /* type and permission bits (vfs has applied the umask) */
	uint32_t uid, gid;
	uint32_t rdev_major, rdev_minor; /* device nodes */
	uint32_t flags;                  /* FS_F_* */
};

/*
 * FS_RENAME. The grant holds the old name, then the new one. ino: the inode
 * the old name named when vfs looked it up (needed with FS_F_REISSUE).
 */
struct fs_rename_req {
	uint64_t old_dir, new_dir;
	uint64_t ino;
	int64_t now;
	uint32_t name_grant;
	uint16_t old_len, new_len;
	uint32_t flags;        /* FS_F_* | FS_RENAME_* << 16 */
	uint32_t reserved;
};

/*
 * FS_READ, FS_WRITE, FS_READLINK: len bytes at offset, to or from
 * [grant_offset, grant_offset + len) of grant `grant` of endpoint granter
 * (a magic grant vfs made over the user's buffer, or vfs's own).
 *
 * pid: FS_READ and FS_READLINK: the pid of the process on whose behalf vfs
 * reads (whose read call, path walk or readlink call it is), 0 if vfs
 * cannot say. What a file holds may depend on who reads it: procfs's
 * /proc/self names the reader's pid (-ENOENT for 0), and the reader of a
 * /proc file is running, as Linux shows it. Other servers ignore it.
 */
struct fs_io_req {
	uint64_t ino;
	uint64_t offset;
	uint64_t len;
	uint64_t grant_offset;
	int64_t now;          /* FS_WRITE: the new mtime and ctime; FS_READ: atime (relatime) */
	uint32_t grant;
	endpoint_t granter;
	int32_t pid;          /* FS_READ, FS_READLINK: the reading process's pid (procfs), 0: unknown */
	uint32_t reserved;
};

/*
 * FS_GETDENTS: Linux dirent64 records (struct fs_dirent64), as many whole
 * ones as fit in len bytes of the grant, starting after cookie (0: from the
 * start). Each record's d_off is the cookie that resumes after it; cookies
 * are stable, so entries removed between two calls make none of the others
 * be skipped or repeated.
 */
struct fs_getdents_req {
	uint64_t dir;
	uint64_t cookie;
	uint64_t len;
	uint32_t grant;
	endpoint_t granter;
};

/*
 * FS_STAT (stat_grant: sizeof(struct fs_stat) bytes of the source's, to
 * write into), FS_TRUNCATE, FS_CHMOD, FS_CHOWN, FS_UTIMENS, FS_SYNC,
 * FS_HOLD, FS_RELEASE: one inode and the values the call names.
 */
struct fs_attr_req {
	uint64_t ino;
	uint64_t value;  /* TRUNCATE: the size; CHMOD: the mode; CHOWN: uid | (uint64_t)gid << 32; STAT: the grant */
	int64_t atime;   /* UTIMENS (ns since the epoch, or FS_TIME_OMIT) */
	int64_t mtime;   /* UTIMENS */
	int64_t now;     /* the ctime every change stamps */
	uint64_t reserved[2];
};

/*
 * FS_LOOKUP_PATH: several names looked up in one request, each in the
 * directory the one before named, starting in dir: path_len bytes at offset
 * 0 of grant `name_grant`, names separated by one '/', none empty, "." or
 * "..", none longer than FS_NAME_MAX. The server writes a struct fs_stat for
 * each name found, in order, into grant `out_grant` (room for out_max), and
 * stops after a name that is not a directory (a link, a file: what vfs
 * decides about), at a name it cannot find, or when out_max are written. It
 * answers the count written and, in struct fs_path_reply, the error of the
 * name after them (0: none). vfs checks permissions and crosses mounts
 * itself, on the answers, as if it had asked name by name; the server only
 * looks up (a walk through a directory vfs would refuse, or past a mount
 * point, costs a lookup and is thrown away). A server without it answers
 * -ENOSYS and is asked name by name.
 */
struct fs_path_req {
	uint64_t dir;
	uint32_t name_grant, out_grant;
	uint16_t path_len, out_max;
	uint32_t flags; /* FS_F_* */
	uint64_t reserved;
};

_Static_assert(sizeof(struct fs_mounted) <= 56, "fs_mounted fits a message");
_Static_assert(sizeof(struct fs_path_req) == 32, "fs_path_req layout");
_Static_assert(sizeof(struct fs_name_req) == 40, "fs_name_req layout");
_Static_assert(sizeof(struct fs_create_req) == 48, "fs_create_req layout");
_Static_assert(sizeof(struct fs_rename_req) == 48, "fs_rename_req layout");
_Static_assert(sizeof(struct fs_io_req) == 56, "fs_io_req layout");
_Static_assert(sizeof(struct fs_getdents_req) == 32, "fs_getdents_req layout");
_Static_assert(sizeof(struct fs_attr_req) == 56, "fs_attr_req layout");

/* ---- Replies ------------------------------------------------------------- */

/*
 * What vfs needs to walk a path and open a file: the reply of FS_LOOKUP,
 * FS_CREATE, FS_LINK, FS_STAT and FS_MOUNTED (the root).
 */
struct fs_node_reply {
	int64_t status; /* 0 or -errno */
	uint64_t ino;
	uint64_t size;
	uint32_t mode, nlink;
	uint32_t uid, gid;
	uint32_t rdev_major, rdev_minor;
	uint32_t server_flags; /* FS_MOUNTED: FS_SERVER_* */
	uint32_t reserved;
};

/* FS_READ, FS_WRITE, FS_READLINK. */
struct fs_io_reply {
	int64_t status; /* bytes moved, or -errno (a short count: the rest failed) */
	uint64_t size;  /* the file's size after the call */
};

/* FS_GETDENTS. */
struct fs_getdents_reply {
	int64_t status;  /* bytes of records written; 0: no more entries */
	uint64_t cookie; /* where the next call resumes (the last record's d_off) */
};

/* FS_STATFS: statfs(2)'s numbers. */
struct fs_statfs_reply {
	int64_t status;
	uint64_t blocks, bfree; /* in units of bsize */
	uint64_t files, ffree;  /* inodes */
	uint32_t bsize, namemax;
	uint64_t magic; /* f_type: TMPFS_MAGIC for ramfs, EXT2_SUPER_MAGIC... */
};

/* FS_LOOKUP_PATH (status: the count of records written, or -errno for a bad request). */
struct fs_path_reply {
	int64_t status;
	int64_t error; /* 0, or -errno of the name after those found */
};

_Static_assert(sizeof(struct fs_node_reply) == 56, "fs_node_reply layout");
_Static_assert(sizeof(struct fs_path_reply) == 16, "fs_path_reply layout");
_Static_assert(sizeof(struct fs_io_reply) == 16, "fs_io_reply layout");
_Static_assert(sizeof(struct fs_getdents_reply) == 16, "fs_getdents_reply layout");
_Static_assert(sizeof(struct fs_statfs_reply) == 56, "fs_statfs_reply layout");

/* ---- Records in grants ------------------------------------------------- */

struct fs_timespec {
	int64_t sec;
	int64_t nsec;
};

/* FS_STAT: written into the grant; vfs adds st_dev and writes Linux's struct stat. */
struct fs_stat {
	uint64_t ino;
	uint64_t size;
	uint64_t blocks; /* 512-byte units actually allocated (sparse files have fewer) */
	uint32_t mode, nlink;
	uint32_t uid, gid;
	uint32_t rdev_major, rdev_minor;
	uint32_t blksize, reserved;
	struct fs_timespec atime, mtime, ctime;
};

_Static_assert(sizeof(struct fs_stat) == 104, "fs_stat layout");

/* Linux's struct linux_dirent64: d_reclen covers the NUL-terminated name, rounded up to 8. */
struct fs_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

_Static_assert(offsetof(struct fs_dirent64, d_name) == 19, "dirent64 layout");

/* The length of the record for a name of n bytes. */
static inline size_t fs_dirent64_reclen(size_t n) { return (offsetof(struct fs_dirent64, d_name) + n + 1 + 7) & ~(size_t)7; }

/* ---- Packing: a request or reply is the message payload ------------------ */

/* Put the layout `body` (n <= 56 bytes) in m as the payload of a message of this type. */
static inline void fs_pack(ax_message *m, int32_t type, const void *body, size_t n)
{
	const uint8_t *from = (const uint8_t *)body;

	m->type = type;
	for (size_t i = 0; i < sizeof(m->bytes); i++)
		m->bytes[i] = i < n ? from[i] : 0;
}

/* Take the layout `body` (n <= 56 bytes) out of m's payload. */
static inline void fs_unpack(const ax_message *m, void *body, size_t n)
{
	uint8_t *to = (uint8_t *)body;

	for (size_t i = 0; i < n && i < sizeof(m->bytes); i++)
		to[i] = m->bytes[i];
}

#endif
