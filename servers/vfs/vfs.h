/*
 * What vfs's parts share: the process table, the open-file table, the
 * grants, the mount table, and the way a call waits. main.c lists which
 * file serves which family of calls.
 *
 * A call that cannot finish now (a read of an empty pipe or of a terminal
 * with no line typed, poll with nothing ready) is not answered: the process
 * keeps waiting for vfs's reply while vfs serves others. Its request is
 * kept in its vproc; when what it waits for may have changed, vfs runs the
 * call again (retry) from the kept request, with `done` holding what the
 * call has already moved. Only one call per process can wait (a process
 * has one thread).
 */
#ifndef VFS_VFS_H
#define VFS_VFS_H

#include <proto/posix.h>
#include <sys/server.h>

#include <linuxabi/syscalls.h>

#include "fdtable.h"
#include "path.h"

/*
 * Linux's own restart codes (include/linux/errno.h, not in the user ABI):
 * a call a signal ended, for pm to restart or turn into EINTR.
 */
#define ERESTARTSYS 512
#define ERESTARTNOHAND 514
#ifndef ENOTSUP
#define ENOTSUP EOPNOTSUPP /* as libc names it */
#endif

#define PAGE 4096ULL
#define PROC_MAX 128 /* processes with a descriptor table */
#define PIPE_FS 0    /* the file system id of pipes (no server: vfs holds them) */
#define ROOT_FS 1    /* the root file system's id */

/* Grants: fixed ones, then one per process for the buffer of the call it waits in. */
enum { G_USER, G_NAMES, G_STAT, G_SELF, G_BUF, G_MOUNTS, G_COUNT };
#define G_PROC(p) (G_COUNT + (int)((p) - procs))
extern struct ax_grant grant[G_COUNT + PROC_MAX];

/* What a waiting call waits for. */
enum wait_kind {
	W_NONE,
	W_DEV,    /* a driver keeps the request (DEV_SUSPENDED): its completion comes by DEV_STATUS */
	W_PIPE,   /* data in, or room in, pipe `obj` */
	W_POLL,   /* poll or select: any change, or the deadline */
	W_JOBCTL, /* a background terminal access: pm is asked to stop the group */
	W_MASK,   /* ppoll, pselect6: pm is asked to set the call's signal mask, or to restore it */
	W_LOCK,   /* F_SETLKW, flock: another owner's lock is in the way */
	W_FIFO,   /* open of a named pipe: for the other end (`obj` the pipe, `fifo_fd` the descriptor) */
	W_DRIVER, /* the device's driver is being restarted: run again when ds names the next one (`parked_on`) */
};

struct vproc {
	bool used;
	endpoint_t ep;
	int pid, pgrp, sid;          /* from pm (VFS_SETPGRP): terminals' job control needs them */
	struct cred cred;            /* effective ids, from pm (VFS_SETID) */
	uint32_t ruid, rgid;         /* real ids: access() checks with them */
	uint32_t umask;
	struct vnode cwd, root;
	struct fd_table *fds;        /* its descriptors (kept apart: a scan of procs stays in a few pages) */
	/* the call it waits in, if blocked (its number may be 0: read) */
	bool blocked;
	int blocked_nr;
	enum wait_kind wait;
	bool retrying;               /* the call runs again from `req` */
	bool runnable;               /* retry() asked for a run */
	ax_message req;
	uint64_t done;               /* bytes the call has moved so far */
	uint64_t deadline;           /* W_POLL, W_DRIVER: monotonic ns, 0: none */
	int parked_on;               /* W_DRIVER: which (DRV_*) */
	int reissues;                /* times the call was parked for a driver's restart */
	int obj;                     /* W_PIPE: the pipe; W_DEV: the open file */
	endpoint_t driver;           /* W_DEV: who holds the request */
	uint64_t dev_len;            /* W_DEV: bytes asked of the driver */
	int jobsig;                  /* W_JOBCTL: the signal pm was asked for */
	int fifo_fd;                 /* W_FIFO: the descriptor the open will answer */
	uint8_t *bounce;             /* sendfile's buffer, made at its first use, freed at the end */
	bool deadline_set;           /* W_POLL: the deadline was fixed by the call's first poll */
	int mask_state;              /* ppoll/pselect6 with a mask: MASK_* */
	int64_t mask_result;         /* MASK_RESTORING: the answer, once the old mask is back */
	bool nostop;                 /* run again after pm refused a SIGTTOU: no stop this time */
};
extern struct vproc procs[PROC_MAX];

/* What an open file is besides its vnode: a device's numbers, or a pipe end. */
struct file_extra {
	bool dev;
	bool block; /* a block device: requests at the file's offset, which moves */
	uint32_t major, minor;
	int fifo; /* a named pipe's open file: its pipe's number + 1 (0: none) */
};
extern struct file_extra extra[FILE_MAX];
extern struct file_table files;
extern endpoint_t vm, pm, ds;
extern int caller_pid; /* the pid of the process whose call vfs is serving (procfs's /proc/self) */
/*
 * Whose memory a transfer's buffer is in: the process's (AX_NONE), or vfs's
 * own (sendfile's bounce buffer, ax_self). io_ep(p) names it.
 */
extern endpoint_t io_owner;
static inline endpoint_t io_ep(const struct vproc *p) { return io_owner != AX_NONE ? io_owner : p->ep; }

/* A POSIX call's handler: its answer, or WOULD_WAIT. */
#define POSIX_CALL(name) int64_t name(struct vproc *p, const ax_message *m)
/* A handler of a message from pm (proto/vfs.h). */
#define PM_CALL(name) int64_t name(const ax_message *m, ax_message *r)

/*
 * main.c: the processes that wait in a call, as a set (wake-ups look at
 * these, not at every process), answers, and calls that run again.
 */
void set_blocked(struct vproc *p, bool blocked);
struct vproc *next_blocked(int *i);
/* Each process that waits in a call, by index: for_each_blocked(i, p) { ... } */
#define for_each_blocked(i, p) for (int i = 0; ((p) = next_blocked(&i)); i++)
void reply_later(struct vproc *p, int64_t value);
void retry(struct vproc *p);
void run_again(struct vproc *p);
void run_queue(void);
extern bool deadline_waiting;
enum { MASK_NONE, MASK_SETTING, MASK_SET, MASK_RESTORING };

/* request.c: copies, grants, and the file servers (proto/fs.h) */
struct fs_node_reply;
struct fs_stat;
extern endpoint_t fs_ep[MOUNT_MAX + 1];
extern bool fs_rdonly[MOUNT_MAX + 1];
extern int64_t realtime_offset;
extern bool fs_names_by_vfs[MOUNT_MAX + 1];
void fs_names_forget(void);
extern const struct fs_ops fs_message_ops;
int64_t wall_ns(void);
void touch(endpoint_t ep, uint64_t va, uint64_t len, bool write);
void set_grant(int g, uint32_t flags, endpoint_t grantee, endpoint_t owner, const void *addr, uint64_t len);
void revoke(int g);
int user_copy(endpoint_t ep, uint64_t va, void *to, uint64_t len, int dir);
void fs_lookups_forget(void);
int64_t fs_call(endpoint_t ep, int32_t type, const void *body, size_t n, ax_message *m);
void node_of(uint32_t fs, const struct fs_node_reply *rp, struct vnode *out);
int64_t name_call(int32_t type, const struct vnode *dir, const char *name, size_t len, uint64_t ino,
		  struct fs_node_reply *out);
int ops_lookup(void *fs, const struct vnode *dir, const char *name, size_t len, struct vnode *out);
int ops_readlink(void *fs, const struct vnode *link, char *to, size_t size);
int64_t fs_stat(const struct vnode *v, struct fs_stat *out);
int64_t fs_attr(int32_t type, const struct vnode *v, uint64_t value);
int64_t fs_create_as(const struct vproc *p, const struct vnode *dir, const char *name, uint32_t mode,
		     const char *target, uint32_t major, uint32_t minor, struct vnode *out);
int64_t fs_rename(const struct vnode *old_dir, const char *old_name, const struct vnode *new_dir, const char *new_name,
		  uint64_t ino, uint32_t flags);
int64_t fs_create(const struct vproc *p, const struct vnode *dir, const char *name, uint32_t mode,
		  struct vnode *out);

/* resolve.c: the one resolver of paths, descriptors and *at triples */
int copy_path(endpoint_t ep, uint64_t va, char *out);
int resolve(struct vproc *p, int dirfd, const char *path, int flags, struct path_result *out);
int resolve_user(struct vproc *p, int dirfd, uint64_t path_va, int flags, struct path_result *out);
int at_flags(uint64_t at, bool follow);

/* mount.c */
extern struct mount_table mounts;
extern struct vnode root_node;
void mount_init(void);
POSIX_CALL(do_mount); POSIX_CALL(do_umount2); POSIX_CALL(do_sync); POSIX_CALL(do_syncfs); POSIX_CALL(do_fsync);

/* pm.c: processes */
struct vproc *find_proc(endpoint_t ep);
struct vproc *new_proc(endpoint_t ep);
void free_proc(struct vproc *p);
void queue_signal(int kind, endpoint_t target, int sig);
void queue_mask(int kind, endpoint_t target, uint64_t mask);
PM_CALL(do_vfs_fork); PM_CALL(do_vfs_exec); PM_CALL(do_vfs_exit); PM_CALL(do_vfs_setid); PM_CALL(do_vfs_setpgrp);
PM_CALL(do_vfs_interrupt); PM_CALL(do_vfs_jobctl_refused); PM_CALL(do_vfs_clock); PM_CALL(do_vfs_mask_done);
PM_CALL(do_vfs_nofile); PM_CALL(do_vfs_exec_open); PM_CALL(do_vfs_exec_read); PM_CALL(do_vfs_exec_close);
PM_CALL(do_signal_pull);

/* open.c */
void vnode_hold(const struct vnode *v);
void vnode_release(const struct vnode *v);
void vnode_losing_name(uint32_t fs, uint64_t ino);
void set_dir(struct vnode *slot, const struct vnode *to);
void release(void *arg, int file, const struct open_file *f);
POSIX_CALL(do_open); POSIX_CALL(do_openat); POSIX_CALL(do_creat); POSIX_CALL(do_close); POSIX_CALL(do_mknod);
POSIX_CALL(do_mknodat); POSIX_CALL(do_mkdir); POSIX_CALL(do_mkdirat); POSIX_CALL(do_lseek);

/* read.c */
POSIX_CALL(do_read); POSIX_CALL(do_write); POSIX_CALL(do_readv); POSIX_CALL(do_writev); POSIX_CALL(do_pread64);
POSIX_CALL(do_pwrite64); POSIX_CALL(do_sendfile); POSIX_CALL(do_getdents64);

/* filedes.c */
POSIX_CALL(do_dup); POSIX_CALL(do_dup2); POSIX_CALL(do_dup3); POSIX_CALL(do_fcntl); POSIX_CALL(do_ioctl);

/* link.c */
int new_name(struct vproc *p, int dirfd, uint64_t path_va, struct path_result *out);
POSIX_CALL(do_unlink); POSIX_CALL(do_rmdir); POSIX_CALL(do_unlinkat); POSIX_CALL(do_rename); POSIX_CALL(do_renameat);
POSIX_CALL(do_renameat2); POSIX_CALL(do_symlink); POSIX_CALL(do_symlinkat); POSIX_CALL(do_link); POSIX_CALL(do_linkat);
POSIX_CALL(do_readlink); POSIX_CALL(do_readlinkat); POSIX_CALL(do_truncate); POSIX_CALL(do_ftruncate);

/* stadir.c */
POSIX_CALL(do_stat); POSIX_CALL(do_fstat); POSIX_CALL(do_lstat); POSIX_CALL(do_newfstatat); POSIX_CALL(do_statx);
POSIX_CALL(do_statfs); POSIX_CALL(do_fstatfs); POSIX_CALL(do_chdir); POSIX_CALL(do_fchdir); POSIX_CALL(do_getcwd);
POSIX_CALL(do_chroot);

/* protect.c */
POSIX_CALL(do_access); POSIX_CALL(do_faccessat); POSIX_CALL(do_faccessat2); POSIX_CALL(do_chmod); POSIX_CALL(do_fchmod);
POSIX_CALL(do_fchmodat); POSIX_CALL(do_chown); POSIX_CALL(do_lchown); POSIX_CALL(do_fchown); POSIX_CALL(do_fchownat);
POSIX_CALL(do_utimensat); POSIX_CALL(do_umask);

/* dev.c: character devices by major */
enum { DRV_MEMORY, DRV_TTY, DRV_COUNT }; /* the drivers vfs follows */
endpoint_t dev_driver(uint32_t major);
void dev_park_expired(struct vproc *p);
int64_t dev_open(struct vproc *p, uint32_t major, uint32_t minor, bool block, uint32_t flags);
void dev_close(uint32_t major, uint32_t minor, bool block);
int64_t dev_size(struct vproc *p, int file);
int64_t dev_io(struct vproc *p, int file, uint64_t va, uint64_t len, uint64_t pos, bool write, bool nonblock);
int64_t dev_ioctl(struct vproc *p, int file, uint64_t cmd, uint64_t arg);
int64_t dev_select(struct vproc *p, int file, uint32_t events, bool notify);
void dev_cancel(struct vproc *p);
void dev_session_end(int sid);
void dev_events(endpoint_t driver);
void dev_init(void);
endpoint_t dev_ds(void);
void dev_rebind(void);
void fs_server_moved(const char *label, endpoint_t ep);
#define WOULD_WAIT (-6000)       /* a handler's answer: the call waits (p->wait says for what) */
#define DEV_WOULD_WAIT WOULD_WAIT /* dev_io: the driver keeps the request (W_DEV) or pm is asked (W_JOBCTL) */

/* pipe.c */
bool is_pipe(const struct vnode *v);
/* The open file `file` (a descriptor's) is a pipe's end, anonymous or named. */
static inline bool file_is_pipe(int file) { return is_pipe(&files.f[file].node) || extra[file].fifo; }
int64_t fifo_open(struct vproc *p, const struct vnode *node, uint32_t flags);
int64_t pipe_io(struct vproc *p, int file, uint64_t va, uint64_t len, bool write, bool nonblock);
uint32_t pipe_events(int file);
int64_t pipe_ioctl(struct vproc *p, int file, uint64_t cmd, uint64_t arg);
void pipe_release(int file, const struct open_file *f);
POSIX_CALL(do_pipe2); POSIX_CALL(do_pipe);
#define PIPE_WOULD_WAIT WOULD_WAIT /* pipe_io: nothing can move now (W_PIPE) */

/* lock.c */
int64_t lock_fcntl(struct vproc *p, int fd, int cmd, uint64_t arg, uint64_t size);
POSIX_CALL(do_flock);
void lock_release_process(int pid, const struct vnode *v);
void lock_release_file(int file);

/* poll.c */
POSIX_CALL(do_poll); POSIX_CALL(do_ppoll); POSIX_CALL(do_select); POSIX_CALL(do_pselect6);
void wake_pollers(void);
void poll_timers(void);

#endif
