/*
 * procfs: the Linux-format files BusyBox's ps, top, free, uptime, mount,
 * df, pidof and kill read, plus our own /proc/services, served read-only
 * to vfs by the file-server protocol (lib/sys/include/proto/fs.h). Each
 * file is made when it is read, from numbers sources.c gathers; text.c
 * writes them in Linux's formats. docs/procfs.md says what is served and
 * what is approximate.
 *
 * Inode numbers name what they show, so they survive a restart of procfs
 * (FS_SERVER_STABLE_INODES): the root is 1, the files of the root small
 * numbers, and a process's directory and files carry its pid, its entry
 * in pm's table and a tag of its start time, so a number never names a
 * later process that got the same pid (-ESTALE instead).
 *
 * Only the endpoint that sent FS_MOUNTED (vfs) is served; every field of
 * every request is checked, and every change is refused.
 */
#include <errno.h>
#include <string.h>

#include <fsserver/fsserver.h>
#include <proto/fs.h>
#include <sys/server.h>

#include "procfs.h"

#define PROC_SUPER_MAGIC 0x9fa0
#define DENTS_MAX 4096
#define OUT_MAX 16384
#define BLKSIZE 1024

/* The root and its files. */
enum {
	INO_ROOT = 1, INO_SELF, INO_MEMINFO, INO_UPTIME, INO_LOADAVG, INO_MOUNTS, INO_FILESYSTEMS, INO_SERVICES,
	INO_STAT, INO_RECOVERY, INO_FIXED_END
};
static const char *const root_names[INO_FIXED_END] = {
	[INO_SELF] = "self",           [INO_MEMINFO] = "meminfo", [INO_UPTIME] = "uptime",
	[INO_LOADAVG] = "loadavg",     [INO_MOUNTS] = "mounts",   [INO_FILESYSTEMS] = "filesystems",
	[INO_SERVICES] = "services",   [INO_STAT] = "stat",       [INO_RECOVERY] = "recovery",
};

/* A process's directory and its files. */
enum { P_DIR, P_STAT, P_STATUS, P_CMDLINE, P_COMM, P_END };
static const char *const proc_names[P_END] = {[P_STAT] = "stat", [P_STATUS] = "status", [P_CMDLINE] = "cmdline",
					      [P_COMM] = "comm"};

/* bit 62: a process inode; 40-61: start tag; 16-39: pid; 8-15: pm entry; 0-7: what. */
#define INO_PROC (1ULL << 62)
#define PID_BITS 24

static endpoint_t vfs = AX_NONE;
static char out[OUT_MAX];

static uint64_t start_tag(const struct proc_view *v) { return (v->info.start_ns / 1000000) & 0x3fffff; }

static uint64_t proc_ino(uint32_t index, const struct proc_view *v, int what)
{
	return INO_PROC | start_tag(v) << 40 | (uint64_t)v->info.pid << 16 | (uint64_t)index << 8 | (uint64_t)what;
}

/* What an inode names. */
struct node {
	uint64_t ino;
	int fixed;            /* INO_* of the root's, or 0 */
	int what;             /* P_* of a process's */
	uint32_t index;
	struct proc_view proc;
};

/* Resolve ino: 0, or -ESTALE for a number that names nothing (now). */
static int resolve(uint64_t ino, struct node *n)
{
	memset(n, 0, sizeof(*n));
	n->ino = ino;
	if (ino >= INO_ROOT && ino < INO_FIXED_END) {
		n->fixed = (int)ino;
		return 0;
	}
	if (!(ino & INO_PROC) || (ino >> 63) || (ino & 0xff) >= P_END)
		return -ESTALE;
	n->what = (int)(ino & 0xff);
	n->index = (uint32_t)(ino >> 8) & 0xff;
	if (src_proc(n->index, &n->proc) < 0 || proc_ino(n->index, &n->proc, n->what) != ino)
		return -ESTALE; /* gone, or another process is in its entry now */
	return 0;
}

static int is_dir(const struct node *n) { return n->fixed == INO_ROOT || (!n->fixed && n->what == P_DIR); }

/* Mode, links, owner, times of a node. */
static void node_attr(const struct node *n, struct fs_stat *st)
{
	struct pm_info_header h = {0};
	int64_t start;

	src_header(&h);
	memset(st, 0, sizeof(*st));
	st->ino = n->ino;
	st->blksize = BLKSIZE;
	start = h.realtime_offset_ns + (n->fixed ? 0 : (int64_t)n->proc.info.start_ns);
	st->atime = st->mtime = st->ctime = (struct fs_timespec){start / 1000000000, start % 1000000000};
	if (is_dir(n)) {
		st->mode = FS_S_IFDIR | 0555;
		st->nlink = 2;
	} else if (n->fixed == INO_SELF) {
		st->mode = FS_S_IFLNK | 0777;
		st->nlink = 1;
	} else {
		st->mode = FS_S_IFREG | 0444;
		st->nlink = 1;
	}
	if (!n->fixed) {
		st->uid = (uint32_t)n->proc.info.euid;
		st->gid = (uint32_t)n->proc.info.egid;
	}
}

/* A request vfs may make now: 0, or the error to answer. */
static int allowed(const ax_message *m) { return fss_allowed(m, vfs, false, false); }

/* ---- making the files -------------------------------------------------------- */

/*
 * The bytes of a regular file, made now for the process reader (its pid,
 * 0: unknown), which is running, as Linux shows a process in a read call:
 * their length, or a negative errno.
 */
static int64_t contents(const struct node *n, struct text *t, int reader)
{
	struct proc_view v = n->proc;
	static struct rs_service_info services[64];
	static int pids[PROCS_MAX];
	static uint32_t idx[PROCS_MAX];
	struct pm_info_header h;
	uint64_t a, b;
	unsigned running;
	int r;

	switch (n->fixed) {
	case INO_MEMINFO:
		src_memory(&a, &b);
		text_meminfo(t, a, b);
		break;
	case INO_UPTIME:
		src_clock(&a, &b);
		text_uptime(t, a, b);
		break;
	case INO_LOADAVG:
		if ((r = src_header(&h)) < 0 || (r = src_pids(pids, idx, PROCS_MAX, &running, reader)) < 0)
			return r;
		text_loadavg(t, src_loadavg(), running, (unsigned)r, h.last_pid);
		break;
	case INO_STAT:
		if ((r = src_header(&h)) < 0 || (r = src_pids(pids, idx, PROCS_MAX, &running, reader)) < 0)
			return r;
		src_clock(&a, &b);
		text_stat(t, a, b, h.realtime_offset_ns / 1000000000, h.forks, running, 0);
		break;
	case INO_MOUNTS:
		if ((r = src_mounts(t->buf, t->cap)) < 0)
			return r;
		t->len = (size_t)r;
		break;
	case INO_FILESYSTEMS:
		text_filesystems(t);
		break;
	case INO_SERVICES:
		if ((r = src_services(services, sizeof(services) / sizeof(services[0]))) < 0)
			return r;
		src_clock(&a, &b);
		text_services(t, services, (unsigned)r, a);
		break;
	case INO_RECOVERY:
		if ((r = src_services(services, sizeof(services) / sizeof(services[0]))) < 0)
			return r;
		text_recovery(t, services, (unsigned)r);
		break;
	case 0:
		if (reader > 0 && v.info.pid == reader && v.info.state == PM_STATE_ALIVE)
			v.runnable = 1;
		switch (n->what) {
		case P_STAT: text_proc_stat(t, &v); break;
		case P_STATUS: text_proc_status(t, &v); break;
		case P_CMDLINE: text_proc_cmdline(t, &v); break;
		case P_COMM: text_proc_comm(t, &v); break;
		}
		break;
	}
	return (int64_t)(t->len < t->cap ? t->len : t->cap);
}

/* ---- requests ----------------------------------------------------------------- */

static int64_t do_mounted(const ax_message *m, ax_message *reply)
{
	const struct fs_mounted *rq = (const void *)m->bytes;
	struct node root;
	struct fs_stat st;

	if (rq->flags & ~(uint64_t)FS_MOUNT_RDONLY)
		return -EINVAL;
	for (size_t i = sizeof(*rq); i < sizeof(m->bytes); i++)
		if (m->bytes[i])
			return -EINVAL;
	vfs = m->source;
	resolve(INO_ROOT, &root);
	node_attr(&root, &st);
	fss_node_reply(reply, &st);
	((struct fs_node_reply *)(void *)reply->bytes)->server_flags = FS_SERVER_STABLE_INODES;
	return 0;
}

/* A decimal pid with no sign and no leading zero, or -1. */
static int parse_pid(const char *name, size_t len)
{
	long v = 0;

	if (len == 0 || len > 8 || name[0] == '0')
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v < (1L << PID_BITS) ? (int)v : -1;
}

/* The inode name names in directory dir: 0 and *ino, or -ENOENT. */
static int lookup_in(const struct node *dir, const char *name, size_t len, uint64_t *ino)
{
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.')) {
		*ino = len == 1 ? dir->ino : INO_ROOT;
		return 0;
	}
	if (dir->fixed == INO_ROOT) {
		struct proc_view v;
		uint32_t index;
		int pid = parse_pid(name, len);

		for (int i = INO_SELF; i < INO_FIXED_END; i++) {
			if (strlen(root_names[i]) == len && memcmp(root_names[i], name, len) == 0) {
				*ino = (uint64_t)i;
				return 0;
			}
		}
		if (pid > 0 && src_find_pid(pid, &index, &v) == 0) {
			*ino = proc_ino(index, &v, P_DIR);
			return 0;
		}
		return -ENOENT;
	}
	for (int w = P_STAT; w < P_END; w++) {
		if (strlen(proc_names[w]) == len && memcmp(proc_names[w], name, len) == 0) {
			*ino = proc_ino(dir->index, &dir->proc, w);
			return 0;
		}
	}
	return -ENOENT;
}

static int64_t do_lookup(const ax_message *m, ax_message *reply)
{
	const struct fs_name_req *rq = (const void *)m->bytes;
	char name[FS_NAME_MAX];
	struct node dir, found;
	struct fs_stat st;
	uint64_t ino;
	int r = allowed(m);

	if (r)
		return r;
	if ((rq->flags & ~(uint32_t)FS_F_REISSUE) || rq->reserved || rq->ino)
		return -EINVAL;
	if (rq->name_len == 0)
		return -EINVAL;
	if (rq->name_len > FS_NAME_MAX)
		return -ENAMETOOLONG;
	if ((r = resolve(rq->dir, &dir)) < 0)
		return r;
	if (!is_dir(&dir))
		return -ENOTDIR;
	if ((r = fss_copy(m->source, rq->name_grant, 0, name, rq->name_len, AX_COPY_FROM)) < 0)
		return r;
	if (memchr(name, '/', rq->name_len) || memchr(name, 0, rq->name_len))
		return -EINVAL;
	if ((r = lookup_in(&dir, name, rq->name_len, &ino)) < 0 || (r = resolve(ino, &found)) < 0)
		return r == -ESTALE ? -ENOENT : r;
	node_attr(&found, &st);
	fss_node_reply(reply, &st);
	return 0;
}

/* One name of an FS_LOOKUP_PATH (lib/fsserver walks the rest). */
static int lookup_one(uint64_t dir_ino, const char *name, size_t len, struct fs_stat *out)
{
	struct node dir, found;
	uint64_t ino;
	int r;

	if ((r = resolve(dir_ino, &dir)) < 0)
		return r;
	if (!is_dir(&dir))
		return -ENOTDIR;
	if ((r = lookup_in(&dir, name, len, &ino)) < 0 || (r = resolve(ino, &found)) < 0)
		return r == -ESTALE ? -ENOENT : r;
	node_attr(&found, out);
	return 0;
}

static int64_t do_lookup_path(const ax_message *m, ax_message *reply)
{
	int r = allowed(m);

	return r ? r : fss_lookup_path(m, reply, lookup_one);
}

static int64_t do_stat(const ax_message *m, ax_message *reply)
{
	const struct fs_attr_req *rq = (const void *)m->bytes;
	struct node n;
	struct fs_stat st;
	int r = allowed(m);

	if (r)
		return r;
	if (rq->value > UINT32_MAX || rq->atime || rq->mtime || rq->reserved[0] || rq->reserved[1])
		return -EINVAL;
	if ((r = resolve(rq->ino, &n)) < 0)
		return r;
	node_attr(&n, &st);
	if ((r = fss_copy(m->source, (uint32_t)rq->value, 0, &st, sizeof(st), AX_COPY_TO)) < 0)
		return r;
	fss_node_reply(reply, &st);
	return 0;
}

static int64_t do_read(const ax_message *m, ax_message *reply)
{
	const struct fs_io_req *rq = (const void *)m->bytes;
	struct text t = {out, sizeof(out), 0};
	struct node n;
	int64_t size;
	uint64_t len;
	int r = allowed(m);

	if (r)
		return r;
	if (rq->pid < 0 || rq->reserved)
		return -EINVAL;
	if ((r = resolve(rq->ino, &n)) < 0)
		return r;
	if (is_dir(&n))
		return -EISDIR;
	if (n.fixed == INO_SELF)
		return -EINVAL;
	if ((size = contents(&n, &t, rq->pid)) < 0)
		return size;
	((struct fs_io_reply *)(void *)reply->bytes)->size = 0; /* as Linux's stat says of /proc files */
	if (rq->offset >= (uint64_t)size)
		return 0;
	len = (uint64_t)size - rq->offset < rq->len ? (uint64_t)size - rq->offset : rq->len;
	if ((r = fss_copy(rq->granter, rq->grant, rq->grant_offset, out + rq->offset, len, AX_COPY_TO)) < 0)
		return r;
	return (int64_t)len;
}

/* /proc/self: the pid vfs says is reading the link. */
static int64_t do_readlink(const ax_message *m, ax_message *reply)
{
	const struct fs_io_req *rq = (const void *)m->bytes;
	char target[16];
	struct node n;
	size_t len;
	int r = allowed(m);

	(void)reply;
	if (r)
		return r;
	if (rq->offset || rq->reserved || rq->pid < 0)
		return -EINVAL;
	if ((r = resolve(rq->ino, &n)) < 0)
		return r;
	if (n.fixed != INO_SELF)
		return -EINVAL; /* not a link: Linux's readlink answer */
	if (rq->pid == 0)
		return -ENOENT; /* vfs could not say who reads: no self (Linux: a reader outside the pid namespace) */
	len = (size_t)ax_snprintf(target, sizeof(target), "%d", rq->pid);
	if (len > rq->len)
		len = (size_t)rq->len;
	if ((r = fss_copy(rq->granter, rq->grant, rq->grant_offset, target, len, AX_COPY_TO)) < 0)
		return r;
	return (int64_t)len;
}

/* Append one record at *at if it fits in len: 1, or 0 when it does not. */
static int put_dirent(uint8_t *rec, size_t *at, size_t len, uint64_t ino, uint64_t cookie, uint8_t type,
		      const char *name)
{
	size_t n = strlen(name), reclen = fs_dirent64_reclen(n);
	struct fs_dirent64 d = {ino, (int64_t)cookie, (uint16_t)reclen, type};

	if (*at + reclen > len)
		return 0;
	memset(rec + *at, 0, reclen);
	memcpy(rec + *at, &d, offsetof(struct fs_dirent64, d_name));
	memcpy(rec + *at + offsetof(struct fs_dirent64, d_name), name, n);
	*at += reclen;
	return 1;
}

/*
 * Cookies: 1 ".", 2 "..", then 2 + the root's file, then PID_COOKIE + pid
 * for the processes, in pid order; a process's directory: 2 + its file.
 * A listing resumes after the cookie it is given, so processes that come
 * and go between calls make no other entry be skipped or repeated.
 */
#define PID_COOKIE 0x10000

static int64_t list(const struct node *dir, uint64_t *cookie, uint8_t *rec, size_t len)
{
	static int pids[PROCS_MAX];
	static uint32_t idx[PROCS_MAX];
	size_t at = 0;
	unsigned running;
	int n = 0;

	if (*cookie < 1 && !put_dirent(rec, &at, len, dir->ino, 1, FS_DT_DIR, "."))
		goto full;
	*cookie = *cookie < 1 ? 1 : *cookie;
	if (*cookie < 2 && !put_dirent(rec, &at, len, INO_ROOT, 2, FS_DT_DIR, ".."))
		goto full;
	*cookie = *cookie < 2 ? 2 : *cookie;
	if (dir->fixed != INO_ROOT) {
		for (int w = P_STAT; w < P_END; w++) {
			if (*cookie >= 2 + (uint64_t)w)
				continue;
			if (!put_dirent(rec, &at, len, proc_ino(dir->index, &dir->proc, w), 2 + (uint64_t)w, FS_DT_REG,
					proc_names[w]))
				goto full;
			*cookie = 2 + (uint64_t)w;
		}
		return (int64_t)at;
	}
	for (int i = INO_SELF; i < INO_FIXED_END; i++) {
		if (*cookie >= 2 + (uint64_t)i)
			continue;
		if (!put_dirent(rec, &at, len, (uint64_t)i, 2 + (uint64_t)i, i == INO_SELF ? FS_DT_LNK : FS_DT_REG,
				root_names[i]))
			goto full;
		*cookie = 2 + (uint64_t)i;
	}
	if ((n = src_pids(pids, idx, PROCS_MAX, &running, 0)) < 0)
		return at ? (int64_t)at : n;
	for (int i = 0; i < n; i++) {
		struct proc_view v;
		char name[12];

		if (*cookie >= PID_COOKIE + (uint64_t)pids[i] || src_proc(idx[i], &v) < 0 || v.info.pid != pids[i])
			continue;
		ax_snprintf(name, sizeof(name), "%d", pids[i]);
		if (!put_dirent(rec, &at, len, proc_ino(idx[i], &v, P_DIR), PID_COOKIE + (uint64_t)pids[i], FS_DT_DIR,
				name))
			goto full;
		*cookie = PID_COOKIE + (uint64_t)pids[i];
	}
	return (int64_t)at;
full:
	return at ? (int64_t)at : -EINVAL; /* not even one record fits: Linux's answer */
}

static int64_t do_getdents(const ax_message *m, ax_message *reply)
{
	static uint8_t records[DENTS_MAX];
	const struct fs_getdents_req *rq = (const void *)m->bytes;
	struct fs_getdents_reply *rp = (void *)reply->bytes;
	uint64_t cookie = rq->cookie;
	size_t len = rq->len < DENTS_MAX ? (size_t)rq->len : DENTS_MAX;
	struct node dir;
	int64_t n;
	int r = allowed(m);

	if (r)
		return r;
	if ((r = resolve(rq->dir, &dir)) < 0)
		return r;
	if (!is_dir(&dir))
		return -ENOTDIR;
	if ((n = list(&dir, &cookie, records, len)) <= 0)
		return n;
	if ((r = fss_copy(rq->granter, rq->grant, 0, records, (uint64_t)n, AX_COPY_TO)) < 0)
		return r;
	rp->cookie = cookie;
	return n;
}

static int64_t do_statfs(const ax_message *m, ax_message *reply)
{
	struct fs_statfs_reply *rp = (void *)reply->bytes;
	int r = allowed(m);

	if (r)
		return r;
	rp->bsize = 4096;
	rp->namemax = FS_NAME_MAX;
	rp->magic = PROC_SUPER_MAGIC;
	return 0;
}

/* FS_SYNC, FS_HOLD, FS_RELEASE: nothing to keep for a file made when it is read. */
static int64_t do_keep(const ax_message *m, ax_message *reply)
{
	const struct fs_attr_req *rq = (const void *)m->bytes;
	struct node n;
	int r = allowed(m);

	(void)reply;
	if (r)
		return r;
	if (m->type == FS_SYNC && rq->ino == 0)
		return 0;
	return resolve(rq->ino, &n);
}

/* Every change: procfs is read-only. Removing is -EPERM, as Linux answers for /proc's files. */
static int64_t do_change(const ax_message *m, ax_message *reply)
{
	int r = allowed(m);

	(void)reply;
	if (r)
		return r;
	return m->type == FS_UNLINK || m->type == FS_RMDIR ? -EPERM : -EROFS;
}

static const struct ax_call calls[] = {
	{FS_MOUNTED, do_mounted}, {FS_LOOKUP, do_lookup},     {FS_STAT, do_stat},       {FS_READ, do_read},
	{FS_WRITE, do_change},    {FS_GETDENTS, do_getdents}, {FS_CREATE, do_change},   {FS_UNLINK, do_change},
	{FS_RMDIR, do_change},    {FS_RENAME, do_change},     {FS_LINK, do_change},     {FS_READLINK, do_readlink},
	{FS_TRUNCATE, do_change}, {FS_CHMOD, do_change},      {FS_CHOWN, do_change},    {FS_UTIMENS, do_change},
	{FS_SYNC, do_keep},       {FS_STATFS, do_statfs},     {FS_HOLD, do_keep},       {FS_RELEASE, do_keep},
	{FS_LOOKUP_PATH, do_lookup_path},
};

static void on_notify(const ax_message *m)
{
	if (m->source == AX_CLOCK)
		src_on_alarm();
}

int main(void)
{
	struct pm_info_header h;

	src_init();
	if (src_header(&h) < 0)
		ax_printf("procfs: pm publishes no process table: /proc shows no processes\n");
	ax_printf("procfs: up at endpoint %d\n", ax_self);
	ax_serve(calls, (int)(sizeof(calls) / sizeof(calls[0])), on_notify);
}
