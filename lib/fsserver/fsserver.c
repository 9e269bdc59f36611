/* The file-server side of proto/fs.h: see fsserver.h. */
#include "fsserver.h"

#include <errno.h>
#include <string.h>

#include <sys/ax.h>

int fss_allowed(const ax_message *m, endpoint_t vfs, bool changes, bool read_only)
{
	if (vfs == AX_NONE || m->source != vfs)
		return -EPERM;
	return changes && read_only ? -EROFS : 0;
}

int fss_copy(endpoint_t granter, uint32_t grant, uint64_t offset, void *buf, uint64_t len, int dir)
{
	int r = ax_kcall(KC_SAFECOPY, &(ax_message){.u64 = {(uint64_t)(int64_t)granter, grant, offset, (uint64_t)buf,
								    len, (uint64_t)dir}});

	return r < 0 ? -EFAULT : r;
}

int fss_names(const ax_message *m, uint32_t grant, size_t len1, size_t len2, char *names)
{
	if (len1 > FS_NAME_MAX || len2 > FS_NAME_MAX)
		return -ENAMETOOLONG;
	if (len1 + len2 == 0)
		return 0;
	return fss_copy(m->source, grant, 0, names, len1 + len2, AX_COPY_FROM);
}

void fss_node_reply(ax_message *reply, const struct fs_stat *st)
{
	struct fs_node_reply *rp = (void *)reply->bytes;

	rp->ino = st->ino;
	rp->size = st->size;
	rp->mode = st->mode;
	rp->nlink = st->nlink;
	rp->uid = st->uid;
	rp->gid = st->gid;
	rp->rdev_major = st->rdev_major;
	rp->rdev_minor = st->rdev_minor;
}

int64_t fss_lookup_path(const ax_message *m, ax_message *reply, fss_lookup_fn *lookup)
{
	const struct fs_path_req *rq = (const void *)m->bytes;
	static struct fs_stat out[FSS_PATH_NAMES_MAX];
	static char path[FS_PATH_MAX];
	struct fs_path_reply *rp = (void *)reply->bytes;
	uint64_t dir = rq->dir;
	size_t at = 0;
	int n = 0, r = 0, max;

	if ((rq->flags & ~(uint32_t)FS_F_REISSUE) || rq->reserved || rq->path_len == 0 || rq->out_max == 0)
		return -EINVAL;
	if (rq->path_len > FS_PATH_MAX)
		return -ENAMETOOLONG;
	if (fss_copy(m->source, rq->name_grant, 0, path, rq->path_len, AX_COPY_FROM) < 0)
		return -EFAULT;
	max = rq->out_max < FSS_PATH_NAMES_MAX ? rq->out_max : FSS_PATH_NAMES_MAX;
	while (at < rq->path_len && n < max) {
		const char *name = path + at, *slash = memchr(name, '/', rq->path_len - at);
		size_t len = slash ? (size_t)(slash - name) : rq->path_len - at;

		if (len == 0 || len > FS_NAME_MAX || memchr(name, 0, len) || (len == 1 && name[0] == '.') ||
		    (len == 2 && name[0] == '.' && name[1] == '.') || (slash && at + len + 1 == rq->path_len)) {
			if (n == 0)
				return -EINVAL;
			r = -EINVAL; /* a name vfs should not have sent: refused from here on */
			break;
		}
		if ((r = lookup(dir, name, len, &out[n])) < 0)
			break;
		dir = out[n].ino;
		at += len + 1;
		if ((out[n++].mode & FS_S_IFMT) != FS_S_IFDIR)
			break;
	}
	if (n && fss_copy(m->source, rq->out_grant, 0, out, n * sizeof(out[0]), AX_COPY_TO) < 0)
		return -EFAULT;
	rp->error = r;
	return n;
}
