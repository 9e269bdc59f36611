/*
 * ramfs through its real protocol (lib/sys/include/proto/fs.h), as vfs
 * talks to it: mount, lookups, stat, reads of the archive's files (known
 * bytes: tests/ramfs/programs.list), directory listings, create, write,
 * mkdir, rename, unlink, rmdir, and bad requests, which must get errors
 * (and leave ramfs serving). Names, stat records and data move by grants in
 * our own table, with ramfs the grantee. At the end: TESTS DONE, power off.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <proto/fs.h>

#include "../../system/test.h"

enum { G_NAME, G_DATA, G_STAT, G_SMALL, G_COUNT };
#define SMALL_LEN 5000 /* G_SMALL: the first bytes of data[] only */
#define BIG_SIZE 10000
#define MOTD "Welcome to Axolotl: the root file system is ramfs.\n"
#define NOTE "a file two folders down\n"

static endpoint_t fsep;
static struct ax_grant grants[G_COUNT];
static char names[1024];
static uint8_t data[16384];
static struct fs_stat st;
static char big[BIG_SIZE + 1];

static void set_grants(void)
{
	const uint32_t rw = AX_GRANT_VALID | AX_GRANT_READ | AX_GRANT_WRITE;

	grants[G_NAME] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ, fsep, 0, 0, (uint64_t)names, sizeof(names)};
	grants[G_DATA] = (struct ax_grant){rw, fsep, 0, 0, (uint64_t)data, sizeof(data)};
	grants[G_STAT] = (struct ax_grant){rw, fsep, 0, 0, (uint64_t)&st, sizeof(st)};
	grants[G_SMALL] = (struct ax_grant){rw, fsep, 0, 0, (uint64_t)data, SMALL_LEN};
	ax_kcall(KC_GRANT_TABLE, &(ax_message){.u64 = {(uint64_t)grants, G_COUNT}});
}

/* Send one request; its status (i64[0]), the reply in *m. */
static int64_t call(int32_t type, const void *body, size_t n, ax_message *m)
{
	fs_pack(m, type, body, n);
	if (ax_sendrec(fsep, m) < 0)
		return -9999;
	return m->i64[0];
}

static int64_t mounted(uint64_t flags, struct fs_node_reply *out)
{
	struct fs_mounted rq = {flags};
	ax_message m;
	int64_t r = call(FS_MOUNTED, &rq, sizeof(rq), &m);

	fs_unpack(&m, out, sizeof(*out));
	return r;
}

/* A name request (LOOKUP, UNLINK, RMDIR) for name, len bytes of it, by grant g. */
static int64_t name_call(int32_t type, uint64_t dir, const char *name, uint32_t len, uint32_t g,
			 struct fs_node_reply *out)
{
	struct fs_name_req rq = {.dir = dir, .now = 1000, .name_grant = g, .name_len = len};
	struct fs_node_reply dummy;
	ax_message m;
	int64_t r;

	memcpy(names, name, len);
	r = call(type, &rq, sizeof(rq), &m);
	fs_unpack(&m, out ? out : &dummy, sizeof(*out));
	return r;
}

static int64_t lookup(uint64_t dir, const char *name, struct fs_node_reply *out)
{
	return name_call(FS_LOOKUP, dir, name, (uint32_t)strlen(name), G_NAME, out);
}

/* The inode of name in dir, or 0. */
static uint64_t ino_of(uint64_t dir, const char *name)
{
	struct fs_node_reply n;

	return lookup(dir, name, &n) == 0 ? n.ino : 0;
}

static int64_t stat_call(uint64_t ino, uint32_t g, struct fs_node_reply *out)
{
	struct fs_attr_req rq = {.ino = ino, .value = g};
	struct fs_node_reply dummy;
	ax_message m;
	int64_t r;

	memset(&st, 0, sizeof(st));
	r = call(FS_STAT, &rq, sizeof(rq), &m);
	fs_unpack(&m, out ? out : &dummy, sizeof(*out));
	return r;
}

/* FS_READ or FS_WRITE of len bytes at off, to or from data + goff through grant g. */
static int64_t io(int32_t type, uint64_t ino, uint64_t off, uint64_t len, uint32_t g, uint64_t goff, uint64_t *size)
{
	struct fs_io_req rq = {.ino = ino, .offset = off, .len = len, .grant_offset = goff, .now = 2000, .grant = g,
			       .granter = ax_self};
	struct fs_io_reply rp;
	ax_message m;
	int64_t r = call(type, &rq, sizeof(rq), &m);

	fs_unpack(&m, &rp, sizeof(rp));
	if (size)
		*size = rp.size;
	return r;
}

static int64_t rd(uint64_t ino, uint64_t off, uint64_t len) { return io(FS_READ, ino, off, len, G_DATA, 0, 0); }

static int64_t create(uint64_t dir, const char *name, uint32_t mode, struct fs_node_reply *out)
{
	struct fs_create_req rq = {.dir = dir, .now = 3000, .name_grant = G_NAME, .name_len = (uint16_t)strlen(name),
				   .mode = mode};
	struct fs_node_reply dummy;
	ax_message m;
	int64_t r;

	memcpy(names, name, strlen(name));
	r = call(FS_CREATE, &rq, sizeof(rq), &m);
	fs_unpack(&m, out ? out : &dummy, sizeof(*out));
	return r;
}

static int64_t rename_call(uint64_t from_dir, const char *from, uint64_t to_dir, const char *to, uint64_t ino,
			   uint32_t flags)
{
	struct fs_rename_req rq = {.old_dir = from_dir, .new_dir = to_dir, .ino = ino, .now = 4000,
				   .name_grant = G_NAME, .old_len = (uint16_t)strlen(from),
				   .new_len = (uint16_t)strlen(to), .flags = flags};
	ax_message m;

	memcpy(names, from, strlen(from));
	memcpy(names + strlen(from), to, strlen(to));
	return call(FS_RENAME, &rq, sizeof(rq), &m);
}

static int64_t getdents(uint64_t dir, uint64_t *cookie, uint64_t len, uint32_t g)
{
	struct fs_getdents_req rq = {.dir = dir, .cookie = *cookie, .len = len, .grant = g, .granter = ax_self};
	struct fs_getdents_reply rp;
	ax_message m;
	int64_t r = call(FS_GETDENTS, &rq, sizeof(rq), &m);

	fs_unpack(&m, &rp, sizeof(rp));
	if (r > 0)
		*cookie = rp.cookie;
	return r;
}

/*
 * What a listing of dir holds: the names it must (want, NULL-terminated),
 * each once, with dir's own records "." and "..", nothing else, in calls of
 * len bytes. 1 if so.
 */
static int lists_exactly(uint64_t dir, uint64_t len, const char *const *want)
{
	int seen[16] = {0}, nwant = 0, dots = 0, calls = 0;
	uint64_t cookie = 0;
	int64_t n;

	while (want[nwant])
		nwant++;
	while ((n = getdents(dir, &cookie, len, G_DATA)) > 0) {
		if (++calls > 64)
			return 0;
		for (int64_t at = 0; at < n;) {
			struct fs_dirent64 d;
			const char *name = (const char *)data + at + offsetof(struct fs_dirent64, d_name);
			int found = 0;

			memcpy(&d, data + at, offsetof(struct fs_dirent64, d_name));
			if (d.d_reclen == 0 || d.d_reclen % 8 || at + d.d_reclen > n)
				return 0;
			if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
				dots++;
				found = d.d_type == FS_DT_DIR;
			}
			for (int i = 0; i < nwant; i++)
				if (strcmp(name, want[i]) == 0) {
					seen[i]++;
					found = 1;
				}
			if (!found)
				return 0;
			at += d.d_reclen;
		}
	}
	if (n < 0 || dots != 2)
		return 0;
	for (int i = 0; i < nwant; i++)
		if (seen[i] != 1)
			return 0;
	return 1;
}

static void check(const char *name, int ok, const char *what) { test_result(name, ok, what); }

/* Whether file ino holds exactly the bytes want (len of them). */
static int holds(uint64_t ino, const void *want, size_t len)
{
	memset(data, 0xaa, sizeof(data));
	return ino && rd(ino, 0, sizeof(data)) == (int64_t)len && memcmp(data, want, len) == 0;
}

/*
 * The extra archive from fw_cfg (tests/ramfs/extra.spec), when QEMU has one
 * (suite ramfs_extra, tests/ramfs/expected-extra.txt): unpacked over the
 * root archive. Without one (suite ramfs), the root is as built.
 */
static void check_extra(uint64_t dataino)
{
	static const char replaced[] = "replaced by fw_cfg's extra.cpio\n", added[] = "added by fw_cfg\n";
	uint64_t extra = ino_of(dataino, "extra"), deep, ino;
	struct fs_node_reply n;

	if (!extra) {
		check("ramfs_no_extra_archive_root_as_built",
		      holds(ino_of(dataino, "replace-me.txt"), "from the root archive\n", 22), "data/replace-me.txt changed");
		return;
	}
	check("ramfs_extra_replaces_a_file", holds(ino_of(dataino, "replace-me.txt"), replaced, sizeof(replaced) - 1),
	      "data/replace-me.txt is not the extra archive's");
	deep = ino_of(extra, "deep");
	check("ramfs_extra_makes_missing_folders",
	      deep && stat_call(deep, G_STAT, 0) == 0 && st.mode == (FS_S_IFDIR | 0755), "no data/extra/deep folder");
	ino = deep ? ino_of(deep, "added.txt") : 0;
	check("ramfs_extra_new_file", holds(ino, added, sizeof(added) - 1), "data/extra/deep/added.txt wrong");
	check("ramfs_extra_keeps_mode", ino && stat_call(ino, G_STAT, 0) == 0 && st.mode == (FS_S_IFREG | 0755),
	      "added.txt is not 0755");
	check("ramfs_extra_big_file_intact", holds(ino_of(extra, "big.txt"), big, BIG_SIZE), "data/extra/big.txt wrong");
	ino = lookup(extra, "link", &n) == 0 && n.mode == (FS_S_IFLNK | 0777) ? n.ino : 0;
	memset(data, 0, 64);
	check("ramfs_extra_symlink", ino && io(FS_READLINK, ino, 0, 64, G_DATA, 0, 0) == 17 &&
					     memcmp(data, "../replace-me.txt", 17) == 0, "data/extra/link wrong");
	check("ramfs_extra_device_node", lookup(extra, "null", &n) == 0 && n.mode == (FS_S_IFCHR | 0666) &&
						 n.rdev_major == 1 && n.rdev_minor == 3, "data/extra/null wrong");
}

int main(void)
{
	struct fs_node_reply root, n, n2;
	uint64_t etc, motd, dataino, bigino, file, dir, size = 0;
	char why[128];
	int64_t r;
	ax_message m;

	fsep = ax_boot_endpoint("ramfs");
	set_grants();
	for (int i = 0; i < 500; i++)
		snprintf(big + i * 20, 21, "%04d abcdefghijklmn\n", i);

	/* ---- Mounting: only the mounting endpoint is served ---- */
	test_eq("ramfs_request_before_mount_eperm", stat_call(1, G_STAT, 0), -EPERM);
	test_eq("ramfs_mount_bad_flags_einval", mounted(0x80, &root), -EINVAL);
	test_eq("ramfs_failed_mount_admits_nobody", stat_call(1, G_STAT, 0), -EPERM);
	r = mounted(0, &root);
	ax_snprintf(why, sizeof(why), "status %ld, ino %lu, mode %x, flags %x", r, root.ino, root.mode,
		    root.server_flags);
	check("ramfs_mounted_gives_root", r == 0 && root.ino != 0 && root.mode == (FS_S_IFDIR | 0755) && root.nlink >= 2,
	      why);
	test_eq("ramfs_mounted_inodes_not_stable", root.server_flags & FS_SERVER_STABLE_INODES, 0);

	/* ---- Lookups ---- */
	r = lookup(root.ino, "etc", &n);
	etc = n.ino;
	ax_snprintf(why, sizeof(why), "status %ld, mode %x", r, n.mode);
	check("ramfs_lookup_etc_is_dir", r == 0 && etc != 0 && etc != root.ino && n.mode == (FS_S_IFDIR | 0755), why);
	r = lookup(etc, "motd", &n);
	motd = n.ino;
	ax_snprintf(why, sizeof(why), "status %ld, mode %x, size %lu", r, n.mode, n.size);
	check("ramfs_lookup_motd_in_etc", r == 0 && motd != 0 && n.mode == (FS_S_IFREG | 0644) &&
						  n.size == sizeof(MOTD) - 1 && n.nlink == 1,
	      why);
	test_eq("ramfs_lookup_missing_enoent", lookup(etc, "nosuchfile", &n), -ENOENT);
	test_eq("ramfs_lookup_in_a_file_enotdir", lookup(motd, "x", &n), -ENOTDIR);
	test_eq("ramfs_lookup_dotdot_of_etc_is_root", lookup(etc, "..", &n) == 0 ? (int64_t)n.ino : -1,
		(int64_t)root.ino);
	test_eq("ramfs_lookup_dot_is_itself", lookup(etc, ".", &n) == 0 ? (int64_t)n.ino : -1, (int64_t)etc);
	test_eq("ramfs_lookup_root_dotdot_is_root", lookup(root.ino, "..", &n) == 0 ? (int64_t)n.ino : -1,
		(int64_t)root.ino);

	/* ---- Stat ---- */
	r = stat_call(motd, G_STAT, &n);
	ax_snprintf(why, sizeof(why), "status %ld, ino %lu, size %lu, mode %x, nlink %u, reply size %lu", r, st.ino,
		    st.size, st.mode, st.nlink, n.size);
	check("ramfs_stat_motd_size_mode", r == 0 && st.ino == motd && st.size == sizeof(MOTD) - 1 &&
						   st.mode == (FS_S_IFREG | 0644) && st.nlink == 1 &&
						   n.size == st.size && n.ino == motd,
	      why);
	test_eq("ramfs_stat_motd_blocks_one_chunk", st.blocks, 4096 / 512);
	r = stat_call(root.ino, G_STAT, 0);
	ax_snprintf(why, sizeof(why), "status %ld, ino %lu, mode %x", r, st.ino, st.mode);
	check("ramfs_stat_root_is_dir", r == 0 && st.ino == root.ino && st.mode == (FS_S_IFDIR | 0755), why);

	/* ---- Reads ---- */
	memset(data, 0xaa, sizeof(data));
	r = rd(motd, 0, 4096);
	check("ramfs_read_motd_exact", r == (int64_t)sizeof(MOTD) - 1 && memcmp(data, MOTD, sizeof(MOTD) - 1) == 0 &&
					       data[sizeof(MOTD) - 1] == 0xaa,
	      "wrong count or bytes");
	memset(data, 0xaa, sizeof(data));
	r = rd(motd, 11, 7);
	check("ramfs_read_motd_at_offset", r == 7 && memcmp(data, MOTD + 11, 7) == 0 && data[7] == 0xaa,
	      "wrong count or bytes");
	test_eq("ramfs_read_at_end_is_zero", rd(motd, sizeof(MOTD) - 1, 10), 0);
	test_eq("ramfs_read_past_end_is_zero", rd(motd, 100000, 10), 0);
	memset(data, 0xaa, sizeof(data));
	r = io(FS_READ, motd, 0, 7, G_DATA, 100, 0);
	check("ramfs_read_lands_at_grant_offset",
	      r == 7 && memcmp(data + 100, MOTD, 7) == 0 && data[99] == 0xaa && data[107] == 0xaa, "wrong place");

	dataino = ino_of(root.ino, "data");
	bigino = ino_of(dataino, "big.txt");
	test_eq("ramfs_big_file_size_from_archive",
		stat_call(bigino, G_STAT, 0) == 0 && st.mode == (FS_S_IFREG | 0644) ? (int64_t)st.size : -1, BIG_SIZE);
	memset(data, 0xaa, sizeof(data));
	r = rd(bigino, 0, sizeof(data));
	check("ramfs_read_big_whole", r == BIG_SIZE && memcmp(data, big, BIG_SIZE) == 0 && data[BIG_SIZE] == 0xaa,
	      "wrong count or bytes");
	memset(data, 0xaa, sizeof(data));
	r = rd(bigino, 4090, 20);
	check("ramfs_read_big_across_4k_boundary", r == 20 && memcmp(data, big + 4090, 20) == 0,
	      "wrong count or bytes");
	memset(data, 0xaa, sizeof(data));
	r = rd(bigino, 8000, 200);
	check("ramfs_read_big_second_boundary", r == 200 && memcmp(data, big + 8000, 200) == 0, "wrong count or bytes");
	test_eq("ramfs_read_big_short_at_end", rd(bigino, BIG_SIZE - 10, 100), 10);
	test_eq("ramfs_read_big_past_end_is_zero", rd(bigino, BIG_SIZE + 1, 100), 0);
	/* The grant holds SMALL_LEN bytes: the first chunk copies, the second fails: a short count. */
	test_eq("ramfs_read_past_grant_short_count", io(FS_READ, bigino, 0, BIG_SIZE, G_SMALL, 0, 0), 4096);
	memset(data, 0xaa, 64);
	r = rd(ino_of(ino_of(dataino, "sub"), "deep") ? ino_of(ino_of(ino_of(dataino, "sub"), "deep"), "note.txt") : 0,
	       0, 100);
	check("ramfs_nested_folders_from_archive", r == (int64_t)sizeof(NOTE) - 1 && memcmp(data, NOTE, r) == 0,
	      "data/sub/deep/note.txt missing or wrong");
	test_eq("ramfs_read_directory_eisdir", rd(etc, 0, 10), -EISDIR);
	check_extra(dataino);

	/* ---- Directory listings ---- */
	check("ramfs_getdents_lists_etc", lists_exactly(etc, 4096, (const char *const[]){"motd", "hostname", 0}),
	      "names missing, repeated or extra");
	check("ramfs_getdents_lists_root", lists_exactly(root.ino, 4096, (const char *const[]){"etc", "data", 0}),
	      "names missing, repeated or extra");
	check("ramfs_getdents_one_record_per_call_resumes",
	      lists_exactly(etc, 32, (const char *const[]){"motd", "hostname", 0}), "names missing, repeated or extra");
	{
		uint64_t cookie = 0;

		test_eq("ramfs_getdents_buffer_too_small_einval", getdents(etc, &cookie, 10, G_DATA), -EINVAL);
		test_eq("ramfs_getdents_on_a_file_enotdir", getdents(motd, &cookie, 4096, G_DATA), -ENOTDIR);
		cookie = 0;
		while (getdents(etc, &cookie, 4096, G_DATA) > 0)
			;
		test_eq("ramfs_getdents_at_end_is_zero", getdents(etc, &cookie, 4096, G_DATA), 0);
	}

	/* ---- Create, write, read back ---- */
	r = create(root.ino, "new.txt", FS_S_IFREG | 0640, &n);
	file = n.ino;
	ax_snprintf(why, sizeof(why), "status %ld, mode %x, size %lu", r, n.mode, n.size);
	check("ramfs_create_file", r == 0 && file != 0 && n.mode == (FS_S_IFREG | 0640) && n.size == 0, why);
	test_eq("ramfs_create_then_lookup_same_inode", ino_of(root.ino, "new.txt"), file);
	test_eq("ramfs_create_existing_eexist", create(root.ino, "new.txt", FS_S_IFREG | 0640, 0), -EEXIST);
	for (int i = 0; i < 6000; i++)
		data[i] = (uint8_t)(i * 13 + 5);
	r = io(FS_WRITE, file, 0, 6000, G_DATA, 0, &size);
	check("ramfs_write_new_file", r == 6000 && size == 6000, "wrong count or size");
	memset(data, 0, sizeof(data));
	r = rd(file, 0, sizeof(data));
	{
		int ok = r == 6000;

		for (int i = 0; ok && i < 6000; i++)
			ok = data[i] == (uint8_t)(i * 13 + 5);
		check("ramfs_read_back_written", ok, "wrong count or bytes");
	}
	memcpy(data, "XYZ", 3);
	r = io(FS_WRITE, file, 4095, 3, G_DATA, 0, &size);
	memset(data, 0, 16);
	check("ramfs_overwrite_across_4k_boundary",
	      r == 3 && size == 6000 && rd(file, 4094, 5) == 5 && data[0] == (uint8_t)(4094 * 13 + 5) &&
		      memcmp(data + 1, "XYZ", 3) == 0 && data[4] == (uint8_t)(4098 * 13 + 5),
	      "wrong bytes or size");
	memcpy(data, "end", 3);
	r = io(FS_WRITE, file, 12000, 3, G_DATA, 0, &size);
	memset(data, 0xaa, sizeof(data));
	{
		int ok = r == 3 && size == 12003 && rd(file, 6000, 6003) == 6003;

		for (int i = 0; ok && i < 6000; i++)
			ok = data[i] == 0;
		check("ramfs_write_past_end_leaves_zero_hole", ok && memcmp(data + 6000, "end", 3) == 0,
		      "hole not zeros or size wrong");
	}
	test_eq("ramfs_stat_after_write_size", stat_call(file, G_STAT, 0) == 0 ? (int64_t)st.size : -1, 12003);
	test_eq("ramfs_write_stamps_mtime", st.mtime.sec * 1000000000 + st.mtime.nsec, 2000);
	test_eq("ramfs_write_to_directory_eisdir", io(FS_WRITE, etc, 0, 3, G_DATA, 0, 0), -EISDIR);
	/* A read-only grant cannot be written into, and a read into it fails at once. */
	test_eq("ramfs_read_into_readonly_grant_efault", io(FS_READ, motd, 0, 10, G_NAME, 0, 0), -EFAULT);

	/* ---- Folders, rename, unlink, rmdir ---- */
	r = create(root.ino, "dir", FS_S_IFDIR | 0700, &n);
	dir = n.ino;
	check("ramfs_mkdir", r == 0 && dir != 0 && n.mode == (FS_S_IFDIR | 0700), "create of a directory failed");
	test_eq("ramfs_mkdir_dotdot_is_parent", lookup(dir, "..", &n2) == 0 ? (int64_t)n2.ino : -1, (int64_t)root.ino);
	test_eq("ramfs_rename_into_dir", rename_call(root.ino, "new.txt", dir, "moved.txt", file, 0), 0);
	test_eq("ramfs_rename_old_name_gone_enoent", lookup(root.ino, "new.txt", &n), -ENOENT);
	test_eq("ramfs_rename_new_name_same_inode", ino_of(dir, "moved.txt"), file);
	test_eq("ramfs_rename_keeps_data", rd(file, 12000, 10) == 3 && memcmp(data, "end", 3) == 0, 1);
	test_eq("ramfs_rename_noreplace_eexist",
		rename_call(dir, "moved.txt", etc, "motd", file, FS_RENAME_NOREPLACE << 16), -EEXIST);
	test_eq("ramfs_rename_missing_enoent", rename_call(root.ino, "nothing", dir, "x", 0, 0), -ENOENT);
	test_eq("ramfs_rmdir_nonempty_enotempty", name_call(FS_RMDIR, root.ino, "dir", 3, G_NAME, 0), -ENOTEMPTY);
	test_eq("ramfs_rmdir_on_a_file_enotdir", name_call(FS_RMDIR, dir, "moved.txt", 9, G_NAME, 0), -ENOTDIR);
	test_eq("ramfs_unlink", name_call(FS_UNLINK, dir, "moved.txt", 9, G_NAME, 0), 0);
	test_eq("ramfs_unlink_then_lookup_enoent", lookup(dir, "moved.txt", &n), -ENOENT);
	test_eq("ramfs_unlinked_inode_estale", stat_call(file, G_STAT, 0), -ESTALE);
	test_eq("ramfs_unlink_again_enoent", name_call(FS_UNLINK, dir, "moved.txt", 9, G_NAME, 0), -ENOENT);
	test_eq("ramfs_unlink_directory_eisdir", name_call(FS_UNLINK, root.ino, "dir", 3, G_NAME, 0), -EISDIR);
	test_eq("ramfs_rmdir_empty", name_call(FS_RMDIR, root.ino, "dir", 3, G_NAME, 0), 0);
	test_eq("ramfs_rmdir_then_lookup_enoent", lookup(root.ino, "dir", &n), -ENOENT);
	check("ramfs_getdents_after_removals", lists_exactly(root.ino, 4096, (const char *const[]){"etc", "data", 0}),
	      "names missing, repeated or extra");

	/* ---- Bad requests: errors, not crashes ---- */
	test_eq("ramfs_stat_unknown_inode_estale", stat_call(999999, G_STAT, 0), -ESTALE);
	test_eq("ramfs_read_unknown_inode_estale", rd(999999, 0, 10), -ESTALE);
	test_eq("ramfs_lookup_in_unknown_dir_estale", lookup(999999, "x", &n), -ESTALE);
	memset(names, 'a', 300);
	test_eq("ramfs_lookup_name_256_enametoolong", name_call(FS_LOOKUP, root.ino, names, 256, G_NAME, 0),
		-ENAMETOOLONG);
	test_eq("ramfs_lookup_name_255_enoent", name_call(FS_LOOKUP, root.ino, names, 255, G_NAME, 0), -ENOENT);
	{
		char longname[257];

		memset(longname, 'b', 256);
		longname[256] = 0;
		test_eq("ramfs_create_name_256_enametoolong", create(root.ino, longname, FS_S_IFREG | 0644, 0),
			-ENAMETOOLONG);
	}
	test_eq("ramfs_lookup_bad_grant_efault", name_call(FS_LOOKUP, root.ino, "etc", 3, 77, 0), -EFAULT);
	test_eq("ramfs_stat_bad_grant_efault", stat_call(motd, 77, 0), -EFAULT);
	test_eq("ramfs_read_bad_grant_efault", io(FS_READ, motd, 0, 10, 77, 0, 0), -EFAULT);
	test_eq("ramfs_write_bad_grant_efault", io(FS_WRITE, ino_of(etc, "hostname"), 0, 3, 77, 0, 0), -EFAULT);
	{
		uint64_t cookie = 0;

		test_eq("ramfs_getdents_bad_grant_efault", getdents(etc, &cookie, 4096, 77), -EFAULT);
	}
	test_eq("ramfs_failed_write_changed_nothing",
		rd(ino_of(etc, "hostname"), 0, 100) == 8 && memcmp(data, "axolotl\n", 8) == 0, 1);
	m = (ax_message){.type = FS_MOUNTED + 0xff};
	test_eq("ramfs_unknown_request_enosys", ax_sendrec(fsep, &m) == 0 ? m.i64[0] : -1, -ENOSYS);
	test_eq("ramfs_serves_after_bad_requests", stat_call(root.ino, G_STAT, 0) == 0 && st.ino == root.ino, 1);
	{
		struct fs_statfs_reply sf;

		r = call(FS_STATFS, 0, 0, &m);
		fs_unpack(&m, &sf, sizeof(sf));
		test_eq("ramfs_statfs_tmpfs_magic", r == 0 && sf.namemax == FS_NAME_MAX ? (int64_t)sf.magic : -1,
			0x01021994);
	}

	ax_printf("TESTS DONE\n");
	ax_poweroff(0);
	for (;;)
		;
}
