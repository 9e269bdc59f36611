/* The file-server side of proto/fs.h: see fsserver.h. */
#include "fsserver.h"

#include <errno.h>

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
