/*
 * The mount table: the root file system (ramfs), mount and umount2, a
 * file server's new incarnation (fs_server_moved), the table as
 * /proc/mounts shows it, and sync, syncfs, fsync and fdatasync.
 */
#include <string.h>

#include <proto/fs.h>
#include <sys/info.h>

#include "vfs.h"

struct mount_table mounts;
struct vnode root_node;

/* What each mount was asked as, for /proc/mounts. */
static struct {
	char source[64], target[256], type[16];
} mount_names[MOUNT_MAX + 1];

#define MS_RDONLY 1
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MNT_FORCE 1
#define MNT_DETACH 2
#define MNT_EXPIRE 4
#define UMOUNT_NOFOLLOW 8

/* procfs's current incarnation: from the boot information, then as ds says (fs_server_moved). */
static endpoint_t procfs = AX_NONE;

/* The file system type's server: procfs only, for now (ramfs is the one root). */
static endpoint_t server_of(const char *type)
{
	if (strcmp(type, "proc") == 0)
		return procfs;
	return AX_NONE;
}

/*
 * ds says the file server known as label is now ep (AX_NONE: it ended). A
 * mount of its former incarnation is re-opened on the new one (FS_MOUNTED
 * again, proto/fs.h): later requests go there.
 */
void fs_server_moved(const char *label, endpoint_t ep)
{
	struct fs_mounted rq;
	ax_message fm;
	endpoint_t old = procfs;

	if (strcmp(label, "procfs") != 0 || ep == AX_NONE || ep == old)
		return;
	procfs = ep;
	for (uint32_t id = ROOT_FS + 1; id <= MOUNT_MAX; id++) {
		if (fs_ep[id] != old || old == AX_NONE)
			continue;
		rq.flags = fs_rdonly[id] ? FS_MOUNT_RDONLY : 0;
		if (fs_call(ep, FS_MOUNTED, &rq, sizeof(rq), &fm) < 0) {
			ax_printf("vfs: procfs came back at endpoint %d but refused its mount: it stays unreachable\n", ep);
			continue;
		}
		fs_ep[id] = ep;
		fs_names_by_vfs[id] = false; /* procfs's names come and go with processes: never kept */
		ax_printf("vfs: the procfs mount goes to endpoint %d now\n", ep);
	}
}

static void copy_name(char *to, size_t size, const char *from)
{
	size_t n = strlen(from);

	if (n >= size)
		n = size - 1;
	memcpy(to, from, n);
	to[n] = 0;
}

/* The mount table as /proc/mounts shows it: in a page procfs reads by a standing grant (proto/info.h). */
static struct info_mounts mounts_info __attribute__((aligned(4096)));

static void publish_mounts(void)
{
	struct info_mount list[MOUNT_MAX + 1];
	int n = 0;

	for (uint32_t id = ROOT_FS; id <= MOUNT_MAX; id++)
		if (fs_ep[id] != AX_NONE)
			list[n++] = (struct info_mount){mount_names[id].source, mount_names[id].target, mount_names[id].type,
							fs_rdonly[id] ? "ro" : "rw"};
	info_mounts_set(&mounts_info, list, n);
}

int64_t do_mount(struct vproc *p, const ax_message *m)
{
	static char source[PATH_MAX], type[PATH_MAX], target[PATH_MAX];
	struct path_result res;
	uint64_t flags = arg_ulong(m, 3);
	struct fs_mounted rq = {0};
	struct fs_node_reply rp;
	struct vnode root;
	ax_message fm;
	endpoint_t ep;
	uint32_t id = 0;
	int64_t r;

	if (p->cred.uid != 0)
		return -EPERM;
	if ((r = copy_path(p->ep, arg_ptr(m, 1), target)) < 0)
		return r;
	if ((r = resolve(p, AT_FDCWD, target, PATH_FOLLOW | PATH_DIRECTORY, &res)) < 0)
		return r;
	if (flags & MS_REMOUNT) { /* only the read-only bit changes */
		const struct mount *mt = mount_find(&mounts, res.node.fs);

		if (!mt || !vnode_same(&mt->root, &res.node))
			return -EINVAL;
		fs_rdonly[res.node.fs] = (flags & MS_RDONLY) != 0;
		publish_mounts();
		return 0;
	}
	if (flags & MS_BIND)
		return -EINVAL; /* bind mounts: not yet */
	source[0] = type[0] = 0;
	if (arg_ptr(m, 0) && (r = copy_path(p->ep, arg_ptr(m, 0), source)) < 0)
		return r;
	if (!arg_ptr(m, 2))
		return -EINVAL;
	if ((r = copy_path(p->ep, arg_ptr(m, 2), type)) < 0)
		return r;
	if ((ep = server_of(type)) == AX_NONE)
		return -ENODEV;
	for (uint32_t i = ROOT_FS + 1; i <= MOUNT_MAX && !id; i++)
		if (fs_ep[i] == AX_NONE)
			id = i;
	if (!id)
		return -ENOMEM;
	for (uint32_t i = 1; i <= MOUNT_MAX; i++)
		if (fs_ep[i] == ep)
			return -EBUSY; /* one mount per server: its inode numbers are its own */
	rq.flags = (flags & MS_RDONLY) ? FS_MOUNT_RDONLY : 0;
	if ((r = fs_call(ep, FS_MOUNTED, &rq, sizeof(rq), &fm)) < 0)
		return r;
	fs_unpack(&fm, &rp, sizeof(rp));
	node_of(id, &rp, &root);
	if ((root.mode & S_IFMT) != S_IFDIR)
		return -EIO;
	fs_ep[id] = ep;
	fs_names_by_vfs[id] = (rp.server_flags & FS_SERVER_NAMES_BY_VFS) != 0;
	if ((r = mount_add(&mounts, id, &fs_message_ops, (void *)(uintptr_t)id, &root, &res.node)) < 0) {
		fs_ep[id] = AX_NONE;
		fs_names_by_vfs[id] = false;
		return r;
	}
	fs_rdonly[id] = (flags & MS_RDONLY) != 0;
	copy_name(mount_names[id].source, sizeof(mount_names[id].source), source[0] ? source : type);
	copy_name(mount_names[id].target, sizeof(mount_names[id].target), target);
	copy_name(mount_names[id].type, sizeof(mount_names[id].type), type);
	publish_mounts();
	return 0;
}

int64_t do_umount2(struct vproc *p, const ax_message *m)
{
	struct path_result res;
	const struct mount *mt;
	uint32_t id;
	int64_t r;

	if (p->cred.uid != 0)
		return -EPERM;
	if (arg_int(m, 1) & ~(uint64_t)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((r = resolve_user(p, AT_FDCWD, arg_ptr(m, 0), (arg_int(m, 1) & UMOUNT_NOFOLLOW) ? 0 : PATH_FOLLOW, &res)) < 0)
		return r;
	id = res.node.fs;
	if (!(mt = mount_find(&mounts, id)) || !vnode_same(&mt->root, &res.node))
		return -EINVAL;
	if (id == ROOT_FS)
		return -EBUSY;
	for (int i = 0; i < FILE_MAX; i++)
		if (files.f[i].refs > 0 && files.f[i].node.fs == id)
			return -EBUSY;
	for (int i = 0; i < PROC_MAX; i++)
		if (procs[i].used && (procs[i].cwd.fs == id || procs[i].root.fs == id))
			return -EBUSY;
	if ((r = mount_remove(&mounts, id)) < 0)
		return r;
	fs_ep[id] = AX_NONE;
	fs_rdonly[id] = false;
	fs_names_by_vfs[id] = false;
	publish_mounts();
	return 0;
}

/* Mount ramfs as the root file system. */
static int mount_root(void)
{
	endpoint_t ep = ax_boot_endpoint("ramfs");
	struct fs_mounted rq = {0};
	struct fs_node_reply rp;
	ax_message m;
	int64_t r;

	if (ep == AX_NONE)
		return -ENXIO;
	fs_ep[ROOT_FS] = ep;
	if ((r = fs_call(ep, FS_MOUNTED, &rq, sizeof(rq), &m)) < 0)
		return (int)r;
	fs_unpack(&m, &rp, sizeof(rp));
	node_of(ROOT_FS, &rp, &root_node);
	fs_names_by_vfs[ROOT_FS] = (rp.server_flags & FS_SERVER_NAMES_BY_VFS) != 0;
	strcpy(mount_names[ROOT_FS].source, "rootfs");
	strcpy(mount_names[ROOT_FS].target, "/");
	strcpy(mount_names[ROOT_FS].type, "ramfs");
	return mount_add(&mounts, ROOT_FS, &fs_message_ops, (void *)(uintptr_t)ROOT_FS, &root_node, 0);
}

/* At start: the root file system, and the mount table published in ds for procfs. */
void mount_init(void)
{
	int r;

	procfs = ax_boot_endpoint("procfs");
	for (int i = 0; i <= MOUNT_MAX; i++)
		fs_ep[i] = AX_NONE;
	if ((r = mount_root()) < 0)
		ax_printf("vfs: cannot mount ramfs as the root (%d)\n", r);
	publish_mounts();
	grant[G_MOUNTS] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ, AX_ANY, 0, 0, (uint64_t)&mounts_info,
					    sizeof(mounts_info)}; /* for procfs; never revoked */
	if ((ds = ax_boot_endpoint("ds")) != AX_NONE &&
	    (r = info_publish(ds, INFO_MOUNTS_OWNER, INFO_MOUNTS_KEY, G_MOUNTS, sizeof(mounts_info), INFO_MOUNTS_MAGIC)) < 0)
		ax_printf("vfs: cannot publish the mount table in ds (%d): /proc/mounts will be empty\n", r);
}

/* sync, syncfs: every mounted file system; fsync, fdatasync: the file's. */
static int64_t sync_all(void)
{
	for (int fs = 1; fs <= MOUNT_MAX; fs++) {
		if (fs_ep[fs] != AX_NONE) {
			struct vnode all = {.fs = (uint32_t)fs, .ino = 0};

			fs_attr(FS_SYNC, &all, 0);
		}
	}
	return 0;
}

int64_t do_sync(struct vproc *p, const ax_message *m)
{
	(void)p, (void)m;
	return sync_all();
}

int64_t do_syncfs(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, arg_int(m, 0));
	struct vnode all;

	if (!f)
		return -EBADF;
	if (f->node.fs == PIPE_FS)
		return 0;
	all = (struct vnode){.fs = f->node.fs};
	return fs_attr(FS_SYNC, &all, 0);
}

int64_t do_fsync(struct vproc *p, const ax_message *m)
{
	struct open_file *f = fd_file(&files, p->fds, arg_int(m, 0));
	int idx;

	if (!f)
		return -EBADF;
	idx = fd_index(p->fds, arg_int(m, 0));
	if (extra[idx].block)
		return 0; /* the RAM disk's writes are in its driver's memory when they are answered: nothing to flush */
	if (f->node.fs == PIPE_FS || extra[idx].dev)
		return -EINVAL; /* as Linux for pipes and terminals */
	return fs_attr(FS_SYNC, &f->node, 0);
}
