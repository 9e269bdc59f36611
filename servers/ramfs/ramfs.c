/*
 * ramfs, the root file system: files in memory (fs.c), filled at start
 * from the boot data module "root.cpio" (cpio.c) and, if QEMU carries one,
 * fw_cfg's opt/axolotl/extra.cpio over it (fwcfg.c), served to vfs by the
 * protocol of lib/sys/include/proto/fs.h. Names and records come and go by
 * grants; file data is copied straight between ramfs's chunks and the
 * user's buffer that vfs granted.
 *
 * Only the endpoint that sent FS_MOUNTED (vfs; again after vfs's own
 * restart) may make other requests. ramfs's files live in its memory, so a
 * restarted ramfs starts again from its archive and says so
 * (FS_SERVER_STABLE_INODES clear).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <fsserver/fsserver.h>
#include <proto/fs.h>
#include <sys/server.h>

#include "fs.h"
#include "fwcfg.h"

#define ARCHIVE_NAME "root.cpio"
#define BYTE_LIMIT (64ULL << 20) /* until rs's table can say */
#define INODE_LIMIT 65536
#define DENTS_MAX 4096 /* bytes of records per FS_GETDENTS */


static struct ramfs *fs;
static endpoint_t vfs = AX_NONE;
static int read_only;

/* The checks and the name of a struct fs_name_req; sets the time it stamps. */
static int name_request(const ax_message *m, const struct fs_name_req *rq, char *name)
{
	if ((rq->flags & ~(uint32_t)FS_F_REISSUE) || rq->reserved)
		return -EINVAL;
	fs->now = rq->now;
	return fss_names(m, rq->name_grant, rq->name_len, 0, name);
}

/* A request vfs may make now: 0, or the error to answer. */
static int allowed(const ax_message *m, int changes) { return fss_allowed(m, vfs, changes, read_only); }

/* What stat answers for a node. */
static void stat_of(const struct ramfs_attr *a, struct fs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = a->ino;
	st->size = a->size;
	st->blocks = a->blocks;
	st->mode = a->mode;
	st->nlink = a->nlink;
	st->uid = a->uid;
	st->gid = a->gid;
	st->rdev_major = a->rdev_major;
	st->rdev_minor = a->rdev_minor;
	st->blksize = RAMFS_CHUNK;
	st->atime = (struct fs_timespec){a->atime / 1000000000, a->atime % 1000000000};
	st->mtime = (struct fs_timespec){a->mtime / 1000000000, a->mtime % 1000000000};
	st->ctime = (struct fs_timespec){a->ctime / 1000000000, a->ctime % 1000000000};
}

static void node_reply(ax_message *reply, const struct ramfs_attr *a)
{
	struct fs_stat st;

	stat_of(a, &st);
	fss_node_reply(reply, &st);
}

static int64_t do_mounted(const ax_message *m, ax_message *reply)
{
	const struct fs_mounted *rq = (const void *)m->bytes;
	struct ramfs_attr a;

	if (rq->flags & ~(uint64_t)FS_MOUNT_RDONLY)
		return -EINVAL;
	vfs = m->source;
	read_only = (rq->flags & FS_MOUNT_RDONLY) != 0;
	ramfs_getattr(fs, ramfs_root(fs), &a);
	node_reply(reply, &a);
	/* our inodes die with us; our names change only when vfs asks */
	((struct fs_node_reply *)(void *)reply->bytes)->server_flags = FS_SERVER_NAMES_BY_VFS;
	return 0;
}

static int64_t do_lookup(const ax_message *m, ax_message *reply)
{
	const struct fs_name_req *rq = (const void *)m->bytes;
	char name[FS_NAME_MAX];
	struct ramfs_attr a;
	int r = allowed(m, 0);

	if (r || (r = name_request(m, rq, name)) != 0)
		return r;
	if ((r = ramfs_lookup(fs, rq->dir, name, rq->name_len, &a)) == 0)
		node_reply(reply, &a);
	return r;
}

/* One name of an FS_LOOKUP_PATH (lib/fsserver walks the rest). */
static int lookup_one(uint64_t dir, const char *name, size_t len, struct fs_stat *out)
{
	struct ramfs_attr a;
	int r = ramfs_lookup(fs, dir, name, len, &a);

	if (r == 0)
		stat_of(&a, out);
	return r;
}

static int64_t do_lookup_path(const ax_message *m, ax_message *reply)
{
	int r = allowed(m, 0);

	return r ? r : fss_lookup_path(m, reply, lookup_one);
}

static int64_t do_stat(const ax_message *m, ax_message *reply)
{
	const struct fs_attr_req *rq = (const void *)m->bytes;
	struct ramfs_attr a;
	struct fs_stat st;
	int r = allowed(m, 0);

	if (r || (r = ramfs_getattr(fs, rq->ino, &a)) != 0)
		return r;
	stat_of(&a, &st);
	if ((r = fss_copy(m->source, (uint32_t)rq->value, 0, &st, sizeof(st), AX_COPY_TO)) != 0)
		return r;
	fss_node_reply(reply, &st);
	return 0;
}

/*
 * Where a read or write copies: the user's buffer vfs granted. A read's
 * chunks are gathered and copied out in one kernel call per
 * AX_COPY_VEC_MAX of them (a 64 KiB read is 16 chunks: one call, not 16).
 */
struct user_buffer {
	endpoint_t granter;
	uint32_t grant;
	uint64_t offset;
	struct ax_copy_vec vec[AX_COPY_VEC_MAX];
	uint32_t n;
	uint64_t batch_at; /* where in the buffer the gathered pieces start */
	uint64_t flushed;  /* bytes copied out so far */
	bool failed;       /* a copy stopped short: what was gathered after `flushed` never arrived */
};

static int flush_to_user(struct user_buffer *u)
{
	int r;
	uint64_t len = 0;

	if (!u->n)
		return 0;
	for (uint32_t i = 0; i < u->n; i++)
		len += u->vec[i].len;
	r = ax_kcall(KC_SAFECOPY, &(ax_message){.u64 = {(uint64_t)(int64_t)u->granter, u->grant, u->offset + u->batch_at,
							 (uint64_t)u->vec, u->n, AX_COPY_TO | AX_COPY_VEC}});
	u->n = 0;
	if (r != 0) { /* part of the way (a count), or not at all (an error) */
		u->flushed = u->batch_at + (r > 0 ? (uint64_t)r : 0);
		u->failed = true;
		return -EFAULT;
	}
	u->flushed = u->batch_at + len;
	return 0;
}

static int copy_to_user(void *ctx, uint64_t at, const void *from, size_t len)
{
	struct user_buffer *u = ctx;
	int r;

	if (u->n == AX_COPY_VEC_MAX && (r = flush_to_user(u)) != 0)
		return r;
	if (!u->n)
		u->batch_at = at;
	u->vec[u->n++] = (struct ax_copy_vec){(uint64_t)(uintptr_t)from, len};
	return 0;
}

static int copy_from_user(void *ctx, uint64_t at, void *to, size_t len)
{
	struct user_buffer *u = ctx;

	return fss_copy(u->granter, u->grant, u->offset + at, to, len, AX_COPY_FROM);
}

static int64_t do_io(const ax_message *m, ax_message *reply, int write)
{
	const struct fs_io_req *rq = (const void *)m->bytes;
	static struct user_buffer u;
	struct ramfs_attr a;
	int64_t n = allowed(m, write);

	if (n)
		return n;
	u = (struct user_buffer){.granter = rq->granter, .grant = rq->grant, .offset = rq->grant_offset};
	fs->now = rq->now;
	n = write ? ramfs_write(fs, rq->ino, rq->offset, rq->len, copy_from_user, &u)
		  : ramfs_read(fs, rq->ino, rq->offset, rq->len, copy_to_user, &u);
	/*
	 * A read counts what reached the buffer, not what was gathered: a
	 * batch that stopped short (on the last flush, or on one inside the
	 * read, which ramfs_read counts as done) answers with what went before.
	 */
	if (!write && n > 0 && (u.failed || flush_to_user(&u) != 0))
		n = u.flushed ? (int64_t)u.flushed : -EFAULT;
	if (ramfs_getattr(fs, rq->ino, &a) == 0)
		((struct fs_io_reply *)(void *)reply->bytes)->size = a.size;
	return n;
}

static int64_t do_read(const ax_message *m, ax_message *reply) { return do_io(m, reply, 0); }
static int64_t do_write(const ax_message *m, ax_message *reply) { return do_io(m, reply, 1); }

static int64_t do_readlink(const ax_message *m, ax_message *reply)
{
	const struct fs_io_req *rq = (const void *)m->bytes;
	const char *target;
	size_t len;
	int r = allowed(m, 0);

	(void)reply;
	if (r || (r = ramfs_readlink(fs, rq->ino, &target, &len)) != 0)
		return r;
	if (len > rq->len)
		len = (size_t)rq->len;
	r = fss_copy(rq->granter, rq->grant, rq->grant_offset, (void *)(uintptr_t)target, len, AX_COPY_TO);
	return r ? r : (int64_t)len;
}

static int64_t do_getdents(const ax_message *m, ax_message *reply)
{
	static uint8_t records[DENTS_MAX];
	const struct fs_getdents_req *rq = (const void *)m->bytes;
	struct fs_getdents_reply *rp = (void *)reply->bytes;
	uint64_t cookie = rq->cookie;
	size_t len = rq->len < DENTS_MAX ? (size_t)rq->len : DENTS_MAX;
	int64_t n = allowed(m, 0);
	int r;

	if (n || (n = ramfs_getdents(fs, rq->dir, &cookie, records, len)) < 0)
		return n;
	if (n > 0 && (r = fss_copy(rq->granter, rq->grant, 0, records, (uint64_t)n, AX_COPY_TO)) != 0)
		return r;
	rp->cookie = cookie;
	return n;
}

static int64_t do_create(const ax_message *m, ax_message *reply)
{
	static char names[FS_NAME_MAX + FS_SYMLINK_MAX];
	const struct fs_create_req *rq = (const void *)m->bytes;
	struct ramfs_attr a;
	int r = allowed(m, 1);

	if (r)
		return r;
	if (rq->name_len > FS_NAME_MAX)
		return -ENAMETOOLONG;
	if (rq->target_len > FS_SYMLINK_MAX || (rq->flags & ~(uint32_t)FS_F_REISSUE))
		return -EINVAL;
	if ((r = fss_copy(m->source, rq->name_grant, 0, names, (uint64_t)rq->name_len + rq->target_len,
			  AX_COPY_FROM)) != 0)
		return r;
	fs->now = rq->now;
	r = ramfs_create(fs, rq->dir, names, rq->name_len, rq->mode, rq->uid, rq->gid, rq->rdev_major,
			 rq->rdev_minor, names + rq->name_len, rq->target_len, &a);
	if (r == -EEXIST && (rq->flags & FS_F_REISSUE) &&
	    ramfs_lookup(fs, rq->dir, names, rq->name_len, &a) == 0 && (a.mode & FS_S_IFMT) == (rq->mode & FS_S_IFMT))
		r = 0; /* our first attempt made it */
	if (r == 0)
		node_reply(reply, &a);
	return r;
}

/* FS_UNLINK and FS_RMDIR. */
static int64_t do_remove(const ax_message *m, int dir)
{
	const struct fs_name_req *rq = (const void *)m->bytes;
	char name[FS_NAME_MAX];
	struct ramfs_attr a;
	int r = allowed(m, 1);

	if (r || (r = name_request(m, rq, name)) != 0)
		return r;
	if (rq->flags & FS_F_REISSUE) {
		r = ramfs_lookup(fs, rq->dir, name, rq->name_len, &a);
		if (r == -ENOENT || (r == 0 && a.ino != rq->ino))
			return 0; /* gone already, or the name is another file's now: our first attempt made it */
	}
	return dir ? ramfs_rmdir(fs, rq->dir, name, rq->name_len) : ramfs_unlink(fs, rq->dir, name, rq->name_len);
}

static int64_t do_unlink(const ax_message *m, ax_message *reply)
{
	(void)reply;
	return do_remove(m, 0);
}

static int64_t do_rmdir(const ax_message *m, ax_message *reply)
{
	(void)reply;
	return do_remove(m, 1);
}

static int64_t do_link(const ax_message *m, ax_message *reply)
{
	const struct fs_name_req *rq = (const void *)m->bytes;
	char name[FS_NAME_MAX];
	struct ramfs_attr a;
	int r = allowed(m, 1);

	if (r || (r = name_request(m, rq, name)) != 0)
		return r;
	r = ramfs_link(fs, rq->ino, rq->dir, name, rq->name_len, &a);
	if (r == -EEXIST && (rq->flags & FS_F_REISSUE) && ramfs_lookup(fs, rq->dir, name, rq->name_len, &a) == 0 &&
	    a.ino == rq->ino)
		r = 0;
	if (r == 0)
		node_reply(reply, &a);
	return r;
}

static int64_t do_rename(const ax_message *m, ax_message *reply)
{
	static char names[2 * FS_NAME_MAX];
	const struct fs_rename_req *rq = (const void *)m->bytes;
	const char *new_name = names + rq->old_len;
	struct ramfs_attr a;
	int r = allowed(m, 1);

	(void)reply;
	if (r)
		return r;
	if ((rq->flags & 0xffff & ~(uint32_t)FS_F_REISSUE) || rq->reserved)
		return -EINVAL;
	if ((r = fss_names(m, rq->name_grant, rq->old_len, rq->new_len, names)) != 0)
		return r;
	fs->now = rq->now;
	r = ramfs_rename(fs, rq->old_dir, names, rq->old_len, rq->new_dir, new_name, rq->new_len, rq->flags >> 16);
	if (r == -ENOENT && (rq->flags & FS_F_REISSUE) &&
	    ramfs_lookup(fs, rq->new_dir, new_name, rq->new_len, &a) == 0 && a.ino == rq->ino)
		r = 0;
	return r;
}

static int64_t do_attr(const ax_message *m, ax_message *reply)
{
	const struct fs_attr_req *rq = (const void *)m->bytes;
	int r = allowed(m, m->type != FS_SYNC && m->type != FS_HOLD && m->type != FS_RELEASE);

	(void)reply;
	if (r)
		return r;
	fs->now = rq->now;
	switch (m->type) {
	case FS_TRUNCATE: return ramfs_truncate(fs, rq->ino, rq->value);
	case FS_CHMOD: return ramfs_chmod(fs, rq->ino, (uint32_t)rq->value);
	case FS_CHOWN: return ramfs_chown(fs, rq->ino, (uint32_t)rq->value, (uint32_t)(rq->value >> 32));
	case FS_UTIMENS: return ramfs_utimens(fs, rq->ino, rq->atime, rq->mtime);
	case FS_HOLD: return ramfs_hold(fs, rq->ino);
	case FS_RELEASE: return ramfs_release(fs, rq->ino);
	case FS_SYNC: return rq->ino ? ramfs_getattr(fs, rq->ino, 0) : 0; /* memory is as stable as ramfs gets */
	}
	return -EINVAL;
}

static int64_t do_statfs(const ax_message *m, ax_message *reply)
{
	struct fs_statfs_reply *rp = (void *)reply->bytes;
	struct ramfs_statfs st;
	int r = allowed(m, 0);

	if (r)
		return r;
	ramfs_statfs(fs, &st);
	rp->blocks = st.blocks;
	rp->bfree = st.bfree;
	rp->files = st.files;
	rp->ffree = st.ffree;
	rp->bsize = RAMFS_CHUNK;
	rp->namemax = FS_NAME_MAX;
	rp->magic = RAMFS_MAGIC;
	return 0;
}

static const struct ax_call calls[] = {
	{FS_MOUNTED, do_mounted}, {FS_LOOKUP, do_lookup},     {FS_STAT, do_stat},         {FS_READ, do_read},
	{FS_WRITE, do_write},     {FS_GETDENTS, do_getdents}, {FS_CREATE, do_create},     {FS_UNLINK, do_unlink},
	{FS_RMDIR, do_rmdir},     {FS_RENAME, do_rename},     {FS_LINK, do_link},         {FS_READLINK, do_readlink},
	{FS_TRUNCATE, do_attr},   {FS_CHMOD, do_attr},        {FS_CHOWN, do_attr},        {FS_UTIMENS, do_attr},
	{FS_SYNC, do_attr},       {FS_STATFS, do_statfs},     {FS_HOLD, do_attr},         {FS_RELEASE, do_attr},
	{FS_LOOKUP_PATH, do_lookup_path},
};

int main(void)
{
	const uint8_t *archive = 0;
	size_t size = 0;
	const char *bad;
	int r;

	for (uint32_t i = 0; i < ax_bootinfo->ndata && i < AX_BOOT_DATA_MAX; i++) {
		if (strcmp(ax_bootinfo->data[i].name, ARCHIVE_NAME) == 0) {
			archive = (const uint8_t *)ax_bootinfo->data[i].addr;
			size = ax_bootinfo->data[i].size;
		}
	}
	fs = ramfs_new(BYTE_LIMIT, INODE_LIMIT, 0755, 0);
	if (!fs) {
		ax_printf("ramfs: no memory for the file system; ending\n");
		return 1;
	}
	if (!archive) {
		ax_printf("ramfs: no boot data module '%s': the root starts empty\n", ARCHIVE_NAME);
	} else if ((r = ramfs_load_cpio(fs, archive, size, &bad)) != 0) {
		ax_printf("ramfs: %s: entry %s failed (%d); the files before it are in place\n", ARCHIVE_NAME,
			  bad ? bad : "?", r);
	}
	ramfs_load_extra(fs); /* qemu-run --add and --cmd: files for this boot only */
	ax_printf("ramfs: up at endpoint %d: %u files, %u KiB\n", ax_self, (unsigned)fs->inodes_used,
		  (unsigned)(fs->bytes_used >> 10));
	ax_serve(calls, (int)(sizeof(calls) / sizeof(calls[0])), 0);
}
