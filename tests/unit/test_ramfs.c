/* ramfs's file system in memory: every operation, its errors, cpio filling, and a randomized run against a model. */
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "../../servers/ramfs/fs.h"


#define MIB (1024ULL * 1024)
#define SEC 1000000000LL

static struct ramfs *fs;
static uint64_t root;

static void setup(void)
{
	ramfs_free(fs);
	fs = ramfs_new(64 * MIB, 10000, 0755, 1000 * SEC);
	root = ramfs_root(fs);
}

static size_t L(const char *s) { return strlen(s); }

/* Create name in dir with this mode (a file, a directory, a FIFO...); its inode number, or 0. */
static uint64_t make(uint64_t dir, const char *name, uint32_t mode)
{
	struct ramfs_attr a;

	return ramfs_create(fs, dir, name, L(name), mode, 0, 0, 0, 0, 0, 0, &a) == 0 ? a.ino : 0;
}

static uint64_t file(uint64_t dir, const char *name) { return make(dir, name, FS_S_IFREG | 0644); }
static uint64_t mkdir_(uint64_t dir, const char *name) { return make(dir, name, FS_S_IFDIR | 0755); }

static int lookup(uint64_t dir, const char *name, struct ramfs_attr *a) { return ramfs_lookup(fs, dir, name, L(name), a); }

static uint64_t ino_of(uint64_t dir, const char *name)
{
	struct ramfs_attr a;

	return lookup(dir, name, &a) == 0 ? a.ino : 0;
}

static struct ramfs_attr attr(uint64_t ino)
{
	struct ramfs_attr a;

	memset(&a, 0xee, sizeof(a));
	ramfs_getattr(fs, ino, &a);
	return a;
}

static int put(uint64_t ino, uint64_t off, const char *s) { return (int)ramfs_write_buf(fs, ino, off, s, L(s)); }

/* Whether the file's bytes at off are exactly s. */
static int has(uint64_t ino, uint64_t off, const char *s)
{
	char buf[256];
	size_t n = L(s);

	return ramfs_read_buf(fs, ino, off, buf, n) == (int64_t)n && memcmp(buf, s, n) == 0;
}

static int rename_(uint64_t od, const char *o, uint64_t nd, const char *n)
{
	return ramfs_rename(fs, od, o, L(o), nd, n, L(n), 0);
}

/* The names getdents lists for dir, "." and ".." left out, joined by spaces. */
static const char *listing(uint64_t dir)
{
	static char out[4096];
	uint8_t buf[512];
	uint64_t cookie = 0;
	int64_t n;

	out[0] = 0;
	while ((n = ramfs_getdents(fs, dir, &cookie, buf, sizeof(buf))) > 0) {
		for (int64_t at = 0; at < n;) {
			struct fs_dirent64 *d = (struct fs_dirent64 *)(buf + at);

			if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
				if (out[0])
					strcat(out, " ");
				strcat(out, d->d_name);
			}
			at += d->d_reclen;
		}
	}
	return n < 0 ? "(error)" : out;
}

/* ---- Creating and looking up -------------------------------------------- */

static void new_fs_has_an_empty_root(void)
{
	struct ramfs_attr a;

	setup();
	CHECK(root == 1);
	a = attr(root);
	CHECK(a.mode == (FS_S_IFDIR | 0755) && a.nlink == 2 && a.ctime == 1000 * SEC);
	CHECK(strcmp(listing(root), "") == 0);
	CHECK(lookup(root, "..", &a) == 0 && a.ino == root);
	CHECK(lookup(root, ".", &a) == 0 && a.ino == root);
}

static void create_makes_every_type(void)
{
	struct ramfs_attr a, b;
	const char *t;
	size_t n;

	setup();
	CHECK(ramfs_create(fs, root, "f", 1, FS_S_IFREG | 0640, 7, 8, 0, 0, 0, 0, &a) == 0);
	CHECK(a.mode == (FS_S_IFREG | 0640) && a.uid == 7 && a.gid == 8 && a.nlink == 1 && a.size == 0);
	CHECK(lookup(root, "f", &b) == 0 && b.ino == a.ino && b.mode == a.mode);
	CHECK(ramfs_create(fs, root, "d", 1, FS_S_IFDIR | 0700, 0, 0, 0, 0, 0, 0, &a) == 0 && a.nlink == 2);
	CHECK(lookup(a.ino, "..", &b) == 0 && b.ino == root);
	CHECK(lookup(a.ino, ".", &b) == 0 && b.ino == a.ino);
	CHECK(ramfs_create(fs, root, "l", 1, FS_S_IFLNK | 0777, 0, 0, 0, 0, "/etc/motd", 9, &a) == 0 && a.size == 9);
	CHECK(ramfs_readlink(fs, a.ino, &t, &n) == 0 && n == 9 && memcmp(t, "/etc/motd", 9) == 0);
	CHECK(ramfs_create(fs, root, "tty", 3, FS_S_IFCHR | 0620, 0, 5, 4, 64, 0, 0, &a) == 0);
	CHECK(a.rdev_major == 4 && a.rdev_minor == 64 && a.mode == (FS_S_IFCHR | 0620));
	CHECK(ramfs_create(fs, root, "sda", 3, FS_S_IFBLK | 0660, 0, 6, 8, 1, 0, 0, &a) == 0);
	CHECK(lookup(root, "sda", &b) == 0 && b.rdev_major == 8 && b.rdev_minor == 1);
	CHECK(make(root, "fifo", FS_S_IFIFO | 0600) && make(root, "sock", FS_S_IFSOCK | 0600));
	CHECK(make(root, "plain", FS_S_IFREG | 0644) &&
	      attr(ino_of(root, "plain")).rdev_major == 0); /* device numbers only for devices */
	CHECK(attr(root).nlink == 3);
	CHECK(strcmp(listing(root), "f d l tty sda fifo sock plain") == 0);
}

static void create_refuses_bad_requests(void)
{
	char long_name[300];
	char target[5000];
	uint64_t f, d;

	setup();
	f = file(root, "f");
	d = mkdir_(root, "d");
	CHECK(make(root, "f", FS_S_IFREG | 0644) == 0);
	CHECK(ramfs_create(fs, root, "f", 1, FS_S_IFDIR, 0, 0, 0, 0, 0, 0, 0) == -EEXIST);
	CHECK(ramfs_create(fs, root, ".", 1, FS_S_IFDIR, 0, 0, 0, 0, 0, 0, 0) == -EEXIST);
	CHECK(ramfs_create(fs, root, "..", 2, FS_S_IFREG, 0, 0, 0, 0, 0, 0, 0) == -EEXIST);
	CHECK(ramfs_create(fs, f, "x", 1, FS_S_IFREG, 0, 0, 0, 0, 0, 0, 0) == -ENOTDIR);
	CHECK(ramfs_create(fs, 999, "x", 1, FS_S_IFREG, 0, 0, 0, 0, 0, 0, 0) == -ESTALE);
	CHECK(ramfs_create(fs, root, "", 0, FS_S_IFREG, 0, 0, 0, 0, 0, 0, 0) == -ENOENT);
	CHECK(ramfs_create(fs, root, "a/b", 3, FS_S_IFREG, 0, 0, 0, 0, 0, 0, 0) == -EINVAL);
	CHECK(ramfs_create(fs, root, "a\0b", 3, FS_S_IFREG, 0, 0, 0, 0, 0, 0, 0) == -EINVAL);
	CHECK(ramfs_create(fs, root, "x", 1, 0644, 0, 0, 0, 0, 0, 0, 0) == -EINVAL); /* no type */
	CHECK(ramfs_create(fs, root, "x", 1, 0070000 | 0644, 0, 0, 0, 0, 0, 0, 0) == -EINVAL);
	memset(long_name, 'n', sizeof(long_name));
	CHECK(ramfs_create(fs, d, long_name, 256, FS_S_IFREG, 0, 0, 0, 0, 0, 0, 0) == -ENAMETOOLONG);
	CHECK(ramfs_create(fs, d, long_name, 255, FS_S_IFREG, 0, 0, 0, 0, 0, 0, 0) == 0);
	CHECK(ramfs_lookup(fs, d, long_name, 255, 0) == 0);
	CHECK(ramfs_lookup(fs, d, long_name, 256, 0) == -ENAMETOOLONG);
	CHECK(ramfs_create(fs, root, "l", 1, FS_S_IFLNK | 0777, 0, 0, 0, 0, "", 0, 0) == -ENOENT);
	memset(target, 't', sizeof(target));
	CHECK(ramfs_create(fs, root, "l", 1, FS_S_IFLNK | 0777, 0, 0, 0, 0, target, 4096, 0) == -ENAMETOOLONG);
	CHECK(ramfs_create(fs, root, "l", 1, FS_S_IFLNK | 0777, 0, 0, 0, 0, target, 4095, 0) == 0);
	CHECK(strcmp(listing(d), "") != 0 && strcmp(listing(root), "f d l") == 0); /* the failures left nothing */
}

static void lookup_reports_missing_and_wrong_kinds(void)
{
	uint64_t f;
	struct ramfs_attr a;

	setup();
	f = file(root, "f");
	CHECK(lookup(root, "g", &a) == -ENOENT);
	CHECK(lookup(f, "g", &a) == -ENOTDIR);
	CHECK(lookup(12345, "g", &a) == -ESTALE);
	CHECK(ramfs_getattr(fs, 12345, &a) == -ESTALE);
	CHECK(ramfs_readlink(fs, f, &(const char *){ 0 }, &(size_t){ 0 }) == -EINVAL);
}

/* ---- Data ------------------------------------------------------------------ */

static void write_then_read_across_chunks(void)
{
	static uint8_t out[3 * RAMFS_CHUNK + 100], in[sizeof(out)];
	uint64_t f;

	setup();
	f = file(root, "f");
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + 3);
	CHECK(ramfs_write_buf(fs, f, 10, out, sizeof(out)) == (int64_t)sizeof(out));
	CHECK(attr(f).size == sizeof(out) + 10);
	CHECK(ramfs_read_buf(fs, f, 10, in, sizeof(in)) == (int64_t)sizeof(in) && memcmp(in, out, sizeof(in)) == 0);
	CHECK(ramfs_read_buf(fs, f, 0, in, 10) == 10 && memcmp(in, "\0\0\0\0\0\0\0\0\0\0", 10) == 0);
	CHECK(ramfs_read_buf(fs, f, sizeof(out), in, 100) == 10); /* short at the end */
	CHECK(ramfs_read_buf(fs, f, sizeof(out) + 10, in, 100) == 0);
	CHECK(ramfs_read_buf(fs, f, UINT64_MAX, in, 100) == 0);
	CHECK(put(f, 4095, "XY") == 2 && has(f, 4094, "\x04XY") == 0 && has(f, 4095, "XY"));
	CHECK(attr(f).blocks == 4 * (RAMFS_CHUNK / 512));
	CHECK(ramfs_write_buf(fs, f, 5, "", 0) == 0);
}

static void holes_read_as_zeros_and_cost_nothing(void)
{
	uint8_t buf[8192];
	uint64_t f;
	uint64_t used;

	setup();
	used = fs->bytes_used;
	f = file(root, "sparse");
	CHECK(put(f, 1ULL << 40, "end") == 3);
	CHECK(attr(f).size == (1ULL << 40) + 3);
	CHECK(attr(f).blocks == RAMFS_CHUNK / 512);
	CHECK(fs->bytes_used - used <= 5 * RAMFS_CHUNK + 512); /* one chunk, four index nodes, a name */
	memset(buf, 1, sizeof(buf));
	CHECK(ramfs_read_buf(fs, f, 123456789, buf, sizeof(buf)) == sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		CHECK(buf[i] == 0);
	CHECK(has(f, 1ULL << 40, "end"));
	CHECK(put(f, 0, "start") == 5 && has(f, 0, "start") && has(f, 1ULL << 40, "end"));
	CHECK(ramfs_unlink(fs, root, "sparse", 6) == 0 && fs->bytes_used == used);
}

static void writes_past_the_largest_file_are_efbig(void)
{
	uint64_t f;

	setup();
	f = file(root, "f");
	CHECK(put(f, RAMFS_FILE_MAX, "x") == -EFBIG);
	CHECK(put(f, UINT64_MAX - 1, "xy") == -EFBIG);
	CHECK(put(f, RAMFS_FILE_MAX - 2, "abcd") == 2); /* what fits */
	CHECK(attr(f).size == RAMFS_FILE_MAX);
	CHECK(ramfs_truncate(fs, f, RAMFS_FILE_MAX + 1) == -EFBIG);
}

static void data_calls_refuse_other_types(void)
{
	uint64_t d, fifo, l;
	char buf[4];

	setup();
	d = mkdir_(root, "d");
	fifo = make(root, "p", FS_S_IFIFO | 0600);
	CHECK(ramfs_create(fs, root, "l", 1, FS_S_IFLNK | 0777, 0, 0, 0, 0, "x", 1, 0) == 0);
	l = ino_of(root, "l");
	CHECK(ramfs_read_buf(fs, d, 0, buf, 4) == -EISDIR && put(d, 0, "x") == -EISDIR);
	CHECK(ramfs_read_buf(fs, fifo, 0, buf, 4) == -EINVAL && put(fifo, 0, "x") == -EINVAL);
	CHECK(ramfs_read_buf(fs, l, 0, buf, 4) == -EINVAL && put(l, 0, "x") == -EINVAL);
	CHECK(ramfs_truncate(fs, d, 0) == -EISDIR && ramfs_truncate(fs, l, 0) == -EINVAL);
	CHECK(ramfs_read_buf(fs, 777, 0, buf, 4) == -ESTALE && put(777, 0, "x") == -ESTALE);
	CHECK(ramfs_truncate(fs, 777, 0) == -ESTALE);
}

static void truncate_cuts_and_grows_with_zeros(void)
{
	static char big[10000];
	uint64_t f, used;

	setup();
	used = fs->bytes_used;
	f = file(root, "f");
	memset(big, 'a', sizeof(big));
	CHECK(ramfs_write_buf(fs, f, 0, big, sizeof(big)) == sizeof(big));
	fs->now = 2000 * SEC;
	CHECK(ramfs_truncate(fs, f, 5000) == 0);
	CHECK(attr(f).size == 5000 && attr(f).mtime == 2000 * SEC && attr(f).ctime == 2000 * SEC);
	CHECK(attr(f).blocks == 2 * (RAMFS_CHUNK / 512));
	CHECK(ramfs_truncate(fs, f, 10000) == 0 && attr(f).size == 10000);
	CHECK(has(f, 4998, "aa\0\0"));
	CHECK(ramfs_read_buf(fs, f, 5000, big, 5000) == 5000);
	for (int i = 0; i < 5000; i++)
		CHECK(big[i] == 0);
	CHECK(ramfs_truncate(fs, f, 4096) == 0 && attr(f).blocks == 8 && ramfs_truncate(fs, f, 8192) == 0);
	CHECK(has(f, 4095, "a\0"));
	CHECK(ramfs_truncate(fs, f, 0) == 0 && attr(f).blocks == 0);
	CHECK(ramfs_unlink(fs, root, "f", 1) == 0 && fs->bytes_used == used);
}

/* A copy that fails after `good` bytes, having scribbled on what it was given. */
static uint64_t copy_good;
static int failing_copy_in(void *ctx, uint64_t at, void *to, size_t len)
{
	(void)ctx;
	if (at + len <= copy_good) {
		memset(to, 'w', len);
		return 0;
	}
	memset(to, 'Z', len); /* half a page arrived before the fault */
	return -EFAULT;
}

static int failing_copy_out(void *ctx, uint64_t at, const void *from, size_t len)
{
	(void)ctx;
	(void)from;
	return at + len <= copy_good ? 0 : -EFAULT;
}

static void failed_copies_give_short_counts_and_leave_zeros(void)
{
	uint64_t f;

	setup();
	f = file(root, "f");
	copy_good = 0;
	CHECK(ramfs_write(fs, f, 0, 100, failing_copy_in, 0) == -EFAULT);
	CHECK(attr(f).size == 0);
	copy_good = 4096 - 100;
	CHECK(ramfs_write(fs, f, 100, 8000, failing_copy_in, 0) == 4096 - 100);
	CHECK(attr(f).size == 4096);
	CHECK(ramfs_truncate(fs, f, 9000) == 0 && has(f, 4095, "w\0\0\0")); /* the scribbles past the end are gone */
	CHECK(has(f, 8000, "\0\0\0\0"));
	copy_good = 4096;
	CHECK(ramfs_read(fs, f, 0, 9000, failing_copy_out, 0) == 4096);
	copy_good = 0;
	CHECK(ramfs_read(fs, f, 0, 9000, failing_copy_out, 0) == -EFAULT);
}

static void space_runs_out_with_enospc(void)
{
	static char big[8 * RAMFS_CHUNK];
	struct ramfs_statfs st;
	uint64_t f, g;

	ramfs_free(fs);
	fs = ramfs_new(6 * RAMFS_CHUNK, 4, 0755, 0);
	root = ramfs_root(fs);
	ramfs_statfs(fs, &st);
	CHECK(st.blocks == 6 && st.bfree == 6 && st.files == 4 && st.ffree == 3);
	f = file(root, "f");
	CHECK(f != 0);
	/* the first chunk takes an index node too: 4 chunks of data fit in the rest */
	CHECK(ramfs_write_buf(fs, f, 0, big, sizeof(big)) == 4 * RAMFS_CHUNK);
	CHECK(ramfs_write_buf(fs, f, 4 * RAMFS_CHUNK, big, 1) == -ENOSPC);
	CHECK(attr(f).size == 4 * RAMFS_CHUNK);
	CHECK(put(f, 100, "in place") == 8); /* rewriting needs nothing new */
	ramfs_statfs(fs, &st);
	CHECK(st.bfree == 0 && st.ffree == 2);
	g = file(root, "g");
	CHECK(g != 0 && file(root, "h") != 0);
	CHECK(file(root, "i") == 0); /* four inodes, the root among them */
	CHECK(ramfs_create(fs, root, "i", 1, FS_S_IFREG, 0, 0, 0, 0, 0, 0, 0) == -ENOSPC);
	CHECK(ramfs_unlink(fs, root, "h", 1) == 0 && file(root, "i") != 0);
	CHECK(ramfs_truncate(fs, f, 0) == 0 && put(g, 0, "room again") == 10);
}

/* ---- Links, unlink, rmdir --------------------------------------------------- */

static void hard_links_share_one_file(void)
{
	struct ramfs_attr a;
	uint64_t f, d;

	setup();
	f = file(root, "f");
	d = mkdir_(root, "d");
	put(f, 0, "shared");
	fs->now = 5 * SEC;
	CHECK(ramfs_link(fs, f, d, "g", 1, &a) == 0 && a.ino == f && a.nlink == 2);
	CHECK(attr(f).ctime == 5 * SEC && attr(d).mtime == 5 * SEC);
	CHECK(ino_of(d, "g") == f && has(ino_of(d, "g"), 0, "shared"));
	CHECK(ramfs_link(fs, f, d, "g", 1, &a) == -EEXIST);
	CHECK(ramfs_link(fs, f, f, "x", 1, &a) == -ENOTDIR);
	CHECK(ramfs_link(fs, d, root, "dd", 2, &a) == -EPERM);
	CHECK(ramfs_link(fs, 999, root, "x", 1, &a) == -ESTALE);
	CHECK(ramfs_unlink(fs, root, "f", 1) == 0);
	CHECK(attr(f).nlink == 1 && has(f, 0, "shared"));
	CHECK(ramfs_unlink(fs, d, "g", 1) == 0);
	CHECK(ramfs_getattr(fs, f, &a) == -ESTALE); /* the last name went: so did the file */
	CHECK(ino_of(root, "f") == 0);
}

static void unlink_refuses_directories_and_missing_names(void)
{
	uint64_t d;

	setup();
	d = mkdir_(root, "d");
	CHECK(ramfs_unlink(fs, root, "d", 1) == -EISDIR);
	CHECK(ramfs_unlink(fs, root, "nothing", 7) == -ENOENT);
	CHECK(ramfs_unlink(fs, root, ".", 1) == -EISDIR);
	CHECK(ramfs_unlink(fs, d, "..", 2) == -EISDIR);
	CHECK(ramfs_unlink(fs, 999, "x", 1) == -ESTALE);
	file(d, "x");
	CHECK(ramfs_unlink(fs, ino_of(d, "x"), "x", 1) == -ENOTDIR);
}

static void an_open_file_outlives_its_last_name(void)
{
	struct ramfs_attr a;
	uint64_t f, used;

	setup();
	used = fs->bytes_used;
	f = file(root, "tmp");
	put(f, 0, "still here");
	CHECK(ramfs_hold(fs, f) == 0);
	CHECK(ramfs_unlink(fs, root, "tmp", 3) == 0);
	CHECK(ino_of(root, "tmp") == 0 && strcmp(listing(root), "") == 0);
	CHECK(ramfs_getattr(fs, f, &a) == 0 && a.nlink == 0 && has(f, 0, "still here"));
	CHECK(put(f, 10, "!") == 1 && has(f, 0, "still here!"));
	CHECK(ramfs_link(fs, f, root, "back", 4, &a) == -ENOENT); /* no names for the dead */
	CHECK(ramfs_hold(fs, f) == 0);                              /* a flag: holding twice is holding */
	CHECK(ramfs_release(fs, f) == 0);
	CHECK(ramfs_getattr(fs, f, &a) == -ESTALE && fs->bytes_used == used);
	CHECK(ramfs_release(fs, f) == -ESTALE && ramfs_hold(fs, f) == -ESTALE);
	f = file(root, "kept");
	CHECK(ramfs_hold(fs, f) == 0 && ramfs_release(fs, f) == 0 && ramfs_getattr(fs, f, &a) == 0); /* named: stays */
}

static void rmdir_removes_only_empty_directories(void)
{
	uint64_t d, e;

	setup();
	d = mkdir_(root, "d");
	e = mkdir_(d, "e");
	file(root, "f");
	CHECK(attr(root).nlink == 3 && attr(d).nlink == 3);
	CHECK(ramfs_rmdir(fs, root, "d", 1) == -ENOTEMPTY);
	CHECK(ramfs_rmdir(fs, root, "f", 1) == -ENOTDIR);
	CHECK(ramfs_rmdir(fs, root, "g", 1) == -ENOENT);
	CHECK(ramfs_rmdir(fs, d, ".", 1) == -EINVAL);
	CHECK(ramfs_rmdir(fs, e, "..", 2) == -ENOTEMPTY);
	CHECK(ramfs_rmdir(fs, d, "e", 1) == 0);
	CHECK(attr(d).nlink == 2 && ramfs_getattr(fs, e, 0) == -ESTALE);
	CHECK(ramfs_rmdir(fs, root, "d", 1) == 0 && attr(root).nlink == 2);
	CHECK(strcmp(listing(root), "f") == 0);
}

static void a_removed_directory_held_open_is_empty_and_dead(void)
{
	uint8_t buf[256];
	uint64_t d, cookie = 0;
	struct ramfs_attr a;

	setup();
	d = mkdir_(root, "d");
	CHECK(ramfs_hold(fs, d) == 0 && ramfs_rmdir(fs, root, "d", 1) == 0);
	CHECK(ramfs_getattr(fs, d, &a) == 0 && a.nlink == 0);
	CHECK(lookup(d, "..", &a) == -ENOENT && lookup(d, "x", &a) == -ENOENT);
	CHECK(file(d, "x") == 0 && ramfs_create(fs, d, "x", 1, FS_S_IFREG, 0, 0, 0, 0, 0, 0, 0) == -ENOENT);
	CHECK(ramfs_getdents(fs, d, &cookie, buf, sizeof(buf)) == -ENOENT);
	CHECK(ramfs_release(fs, d) == 0 && ramfs_getattr(fs, d, &a) == -ESTALE);
}

/* ---- Rename ------------------------------------------------------------------ */

static void rename_moves_names_and_directories(void)
{
	uint64_t a, b, f, sub;
	struct ramfs_attr at;

	setup();
	a = mkdir_(root, "a");
	b = mkdir_(root, "b");
	f = file(a, "f");
	sub = mkdir_(a, "sub");
	fs->now = 9 * SEC;
	CHECK(rename_(a, "f", a, "g") == 0 && ino_of(a, "g") == f && ino_of(a, "f") == 0);
	CHECK(attr(f).ctime == 9 * SEC && attr(a).mtime == 9 * SEC);
	CHECK(rename_(a, "g", b, "g") == 0 && ino_of(b, "g") == f && strcmp(listing(a), "sub") == 0);
	CHECK(attr(a).nlink == 3 && attr(b).nlink == 2);
	CHECK(rename_(a, "sub", b, "sub2") == 0);
	CHECK(attr(a).nlink == 2 && attr(b).nlink == 3);
	CHECK(lookup(sub, "..", &at) == 0 && at.ino == b); /* ".." follows the move */
	CHECK(rename_(b, "sub2", root, "top") == 0 && attr(root).nlink == 5 && attr(b).nlink == 2);
	CHECK(rename_(root, "top", root, "top2") == 0 && attr(root).nlink == 5); /* within one directory */
}

static void rename_replaces_the_target(void)
{
	uint64_t f, g, d, e, used;
	struct ramfs_attr at;

	setup();
	used = fs->bytes_used;
	f = file(root, "f");
	g = file(root, "g");
	put(g, 0, "old");
	file(root, "h");
	CHECK(rename_(root, "f", root, "g") == 0);
	CHECK(ino_of(root, "g") == f && ino_of(root, "f") == 0 && ramfs_getattr(fs, g, &at) == -ESTALE);
	CHECK(strcmp(listing(root), "g h") == 0); /* the replaced name keeps its place */
	d = mkdir_(root, "d");
	e = mkdir_(root, "e");
	CHECK(attr(root).nlink == 4);
	CHECK(rename_(root, "d", root, "e") == 0 && ino_of(root, "e") == d && ramfs_getattr(fs, e, &at) == -ESTALE);
	CHECK(attr(root).nlink == 3);
	e = mkdir_(root, "x");
	mkdir_(d, "inner");
	CHECK(rename_(root, "x", d, "inner") == 0 && attr(d).nlink == 3 && attr(root).nlink == 3);
	CHECK(lookup(e, "..", &at) == 0 && at.ino == d);
	ramfs_rmdir(fs, d, "inner", 5);
	ramfs_rmdir(fs, root, "e", 1);
	ramfs_unlink(fs, root, "g", 1);
	ramfs_unlink(fs, root, "h", 1);
	CHECK(fs->bytes_used == used && fs->inodes_used == 1);
}

static void rename_follows_linux_rules(void)
{
	uint64_t d, e, f, sub, deep;
	char big[300];

	setup();
	d = mkdir_(root, "d");
	e = mkdir_(root, "e");
	f = file(root, "f");
	sub = mkdir_(d, "sub");
	deep = mkdir_(sub, "deep");
	file(e, "full");
	CHECK(rename_(root, "missing", root, "x") == -ENOENT);
	CHECK(rename_(root, "d", root, "e") == -ENOTEMPTY);
	CHECK(rename_(root, "d", root, "f") == -ENOTDIR);
	CHECK(rename_(root, "f", root, "d") == -EISDIR);
	CHECK(rename_(root, "d", sub, "x") == -EINVAL);  /* into its own subtree */
	CHECK(rename_(root, "d", deep, "x") == -EINVAL);
	CHECK(rename_(root, "d", d, "x") == -EINVAL);    /* into itself */
	CHECK(rename_(d, "sub", root, "d") == -ENOTEMPTY); /* over its own (non-empty) parent */
	CHECK(rename_(root, ".", root, "x") == -EBUSY && rename_(root, "f", root, "..") == -EBUSY);
	CHECK(rename_(root, "f", f, "x") == -ENOTDIR && rename_(f, "x", root, "y") == -ENOTDIR);
	CHECK(rename_(999, "f", root, "x") == -ESTALE);
	memset(big, 'b', sizeof(big));
	CHECK(ramfs_rename(fs, root, "f", 1, root, big, 256, 0) == -ENAMETOOLONG);
	CHECK(ramfs_rename(fs, root, "f", 1, root, "e", 1, FS_RENAME_NOREPLACE) == -EEXIST);
	CHECK(ramfs_rename(fs, root, "f", 1, root, "n", 1, FS_RENAME_NOREPLACE) == 0);
	CHECK(ramfs_rename(fs, root, "n", 1, root, "f", 1, 2 /* RENAME_EXCHANGE */) == -EINVAL);
	/* two names of one file: nothing happens, both stay */
	CHECK(ramfs_link(fs, f, e, "alias", 5, 0) == 0);
	CHECK(rename_(root, "n", e, "alias") == 0 && ino_of(root, "n") == f && ino_of(e, "alias") == f);
	CHECK(attr(f).nlink == 2);
	CHECK(rename_(root, "n", root, "n") == 0 && ino_of(root, "n") == f);
	CHECK(strcmp(listing(root), "d e n") == 0 && strcmp(listing(d), "sub") == 0); /* the refusals changed nothing */
	CHECK(attr(root).nlink == 4 && attr(d).nlink == 3);
}

/* ---- Directory listings ------------------------------------------------------ */

static void getdents_writes_linux_records(void)
{
	uint8_t buf[1024];
	uint64_t cookie = 0, d, f;
	int64_t n, at = 0;
	int seen = 0;

	setup();
	d = mkdir_(root, "dir");
	f = file(root, "a-longer-name");
	make(root, "l", FS_S_IFIFO | 0600);
	memset(buf, 0xcc, sizeof(buf));
	n = ramfs_getdents(fs, d, &cookie, buf, sizeof(buf));
	CHECK(n == 48 && cookie == 2); /* "." and ".." only */
	cookie = 0;
	n = ramfs_getdents(fs, root, &cookie, buf, sizeof(buf));
	CHECK(n > 0);
	while (at < n) {
		struct fs_dirent64 *e = (struct fs_dirent64 *)(buf + at);

		CHECK(e->d_reclen % 8 == 0 && e->d_reclen == fs_dirent64_reclen(strlen(e->d_name)));
		for (size_t i = offsetof(struct fs_dirent64, d_name) + strlen(e->d_name); i < e->d_reclen; i++)
			CHECK(buf[at + i] == 0); /* padding is zeros, not old memory */
		if (seen == 0)
			CHECK(strcmp(e->d_name, ".") == 0 && e->d_ino == root && e->d_type == FS_DT_DIR && e->d_off == 1);
		if (seen == 1)
			CHECK(strcmp(e->d_name, "..") == 0 && e->d_ino == root && e->d_off == 2);
		if (seen == 2)
			CHECK(strcmp(e->d_name, "dir") == 0 && e->d_ino == d && e->d_type == FS_DT_DIR);
		if (seen == 3)
			CHECK(strcmp(e->d_name, "a-longer-name") == 0 && e->d_ino == f && e->d_type == FS_DT_REG);
		if (seen == 4)
			CHECK(strcmp(e->d_name, "l") == 0 && e->d_type == FS_DT_FIFO && (uint64_t)e->d_off == cookie);
		at += e->d_reclen;
		seen++;
	}
	CHECK(seen == 5 && at == n);
	CHECK(ramfs_getdents(fs, root, &cookie, buf, sizeof(buf)) == 0); /* the end */
	cookie = 0;
	CHECK(ramfs_getdents(fs, root, &cookie, buf, 20) == -EINVAL && cookie == 0); /* not even "." fits */
	CHECK(ramfs_getdents(fs, root, &cookie, buf, 24) == 24 && cookie == 1);
	CHECK(ramfs_getdents(fs, f, &cookie, buf, sizeof(buf)) == -ENOTDIR);
	CHECK(ramfs_getdents(fs, 999, &cookie, buf, sizeof(buf)) == -ESTALE);
}

static void getdents_cookies_survive_removals(void)
{
	enum { N = 200 };
	uint8_t buf[200];
	int seen[N] = { 0 }, removed[N] = { 0 };
	uint64_t cookie = 0;
	int64_t n;
	int round = 0;
	char name[24];

	setup();
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "entry%03d", i);
		CHECK(file(root, name) != 0);
	}
	while ((n = ramfs_getdents(fs, root, &cookie, buf, sizeof(buf))) > 0) {
		for (int64_t at = 0; at < n;) {
			struct fs_dirent64 *e = (struct fs_dirent64 *)(buf + at);
			int i;

			if (sscanf(e->d_name, "entry%d", &i) == 1) {
				CHECK(!removed[i]);
				seen[i]++;
			}
			at += e->d_reclen;
		}
		/* between calls: remove one entry already listed and one still to come, add a new one */
		for (int i = 0, done = 0; i < N && done < 1; i++)
			if (seen[i] && !removed[i]) {
				snprintf(name, sizeof(name), "entry%03d", i);
				CHECK(ramfs_unlink(fs, root, name, strlen(name)) == 0);
				removed[i] = done = 1;
			}
		for (int i = N - 1 - 3 * round, done = 0; i >= 0 && done < 1; i--)
			if (!seen[i] && !removed[i]) {
				snprintf(name, sizeof(name), "entry%03d", i);
				CHECK(ramfs_unlink(fs, root, name, strlen(name)) == 0);
				removed[i] = done = 1;
			}
		snprintf(name, sizeof(name), "new%d", round++);
		file(root, name);
	}
	CHECK(n == 0 && round > 10);
	for (int i = 0; i < N; i++)
		CHECK(seen[i] == 1 || (seen[i] == 0 && removed[i])); /* never twice; missed only if removed first */
}

/* ---- Attributes ------------------------------------------------------------------ */

static void chmod_chown_utimens_set_what_they_name(void)
{
	uint64_t f, d;
	struct ramfs_attr a;

	setup();
	f = file(root, "f");
	d = mkdir_(root, "d");
	fs->now = 50 * SEC;
	CHECK(ramfs_chmod(fs, f, 0104755 | FS_S_IFDIR) == 0); /* the type bits stay the file's */
	a = attr(f);
	CHECK(a.mode == (FS_S_IFREG | 04755) && a.ctime == 50 * SEC && a.mtime == 1000 * SEC);
	fs->now = 60 * SEC;
	CHECK(ramfs_chown(fs, f, 12, FS_ID_KEEP) == 0);
	a = attr(f);
	CHECK(a.uid == 12 && a.gid == 0 && a.ctime == 60 * SEC);
	CHECK(a.mode == (FS_S_IFREG | 0755)); /* chown dropped set-user-ID */
	CHECK(ramfs_chmod(fs, f, 02750) == 0 && ramfs_chown(fs, f, FS_ID_KEEP, 34) == 0);
	CHECK(attr(f).mode == (FS_S_IFREG | 0750) && attr(f).gid == 34 && attr(f).uid == 12);
	CHECK(ramfs_chmod(fs, f, 02740) == 0 && ramfs_chown(fs, f, 1, 1) == 0);
	CHECK(attr(f).mode == (FS_S_IFREG | 02740)); /* set-group-ID without group execute is a lock mark: kept */
	CHECK(ramfs_chmod(fs, d, 02755) == 0 && ramfs_chown(fs, d, 3, 3) == 0 && attr(d).mode == (FS_S_IFDIR | 02755));
	fs->now = 70 * SEC;
	CHECK(ramfs_chown(fs, f, FS_ID_KEEP, FS_ID_KEEP) == 0 && attr(f).ctime == 60 * SEC);
	CHECK(ramfs_utimens(fs, f, 5 * SEC + 7, 6 * SEC) == 0);
	a = attr(f);
	CHECK(a.atime == 5 * SEC + 7 && a.mtime == 6 * SEC && a.ctime == 70 * SEC);
	CHECK(ramfs_utimens(fs, f, FS_TIME_OMIT, -SEC) == 0 && attr(f).atime == 5 * SEC + 7 && attr(f).mtime == -SEC);
	fs->now = 80 * SEC;
	CHECK(ramfs_utimens(fs, f, FS_TIME_OMIT, FS_TIME_OMIT) == 0 && attr(f).ctime == 70 * SEC);
	CHECK(ramfs_chmod(fs, 999, 0) == -ESTALE && ramfs_chown(fs, 999, 0, 0) == -ESTALE);
	CHECK(ramfs_utimens(fs, 999, 0, 0) == -ESTALE);
}

static void changes_stamp_the_times_they_should(void)
{
	uint64_t f, d;
	char c;

	setup();
	fs->now = 10 * SEC;
	d = mkdir_(root, "d");
	CHECK(attr(root).mtime == 10 * SEC && attr(d).atime == 10 * SEC);
	fs->now = 20 * SEC;
	f = file(d, "f");
	CHECK(attr(d).mtime == 20 * SEC && attr(root).mtime == 10 * SEC);
	fs->now = 30 * SEC;
	put(f, 0, "x");
	CHECK(attr(f).mtime == 30 * SEC && attr(f).ctime == 30 * SEC && attr(d).mtime == 20 * SEC);
	fs->now = 40 * SEC;
	CHECK(ramfs_read_buf(fs, f, 0, &c, 1) == 1 && attr(f).atime == 40 * SEC); /* relatime: older than mtime */
	fs->now = 50 * SEC;
	CHECK(ramfs_read_buf(fs, f, 0, &c, 1) == 1 && attr(f).atime == 40 * SEC); /* newer than every change */
	fs->now = 40 * SEC + 86400 * SEC;
	CHECK(ramfs_read_buf(fs, f, 0, &c, 1) == 1 && attr(f).atime == fs->now); /* a day old */
	fs->now = 60 * SEC;
	CHECK(ramfs_unlink(fs, d, "f", 1) == 0 && attr(d).mtime == 60 * SEC && attr(d).ctime == 60 * SEC);
}

static void statfs_counts_blocks_and_inodes(void)
{
	struct ramfs_statfs st, st2;
	uint64_t f;

	setup();
	ramfs_statfs(fs, &st);
	CHECK(st.blocks == 64 * MIB / RAMFS_CHUNK && st.files == 10000 && st.ffree == 9999);
	f = file(root, "f");
	put(f, 3 * RAMFS_CHUNK, "x");
	ramfs_statfs(fs, &st2);
	CHECK(st2.ffree == 9998 && st.bfree - st2.bfree >= 2 && st.bfree - st2.bfree <= 3);
}

/* ---- Filling from a cpio archive ------------------------------------------------------ */

static uint8_t arc[16384];
static size_t arc_len;

/* One newc entry, as GNU cpio and release/mkcpio write it. */
static void add(const char *name, unsigned ino, unsigned mode, unsigned uid, unsigned nlink, unsigned mtime,
		const char *data, unsigned rmaj, unsigned rmin)
{
	size_t nlen = strlen(name) + 1, dlen = strlen(data);

	arc_len += (size_t)sprintf((char *)arc + arc_len, "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x",
				   ino, mode, uid, uid + 1, nlink, mtime, dlen, 0u, 0u, rmaj, rmin, nlen, 0u);
	memcpy(arc + arc_len, name, nlen);
	arc_len = (arc_len + nlen + 3) & ~(size_t)3;
	memcpy(arc + arc_len, data, dlen);
	arc_len = (arc_len + dlen + 3) & ~(size_t)3;
}

static void build_archive(void)
{
	memset(arc, 0, sizeof(arc));
	arc_len = 0;
	add(".", 1, 040700, 0, 2, 111, "", 0, 0);
	add("bin", 2, 040755, 0, 2, 222, "", 0, 0);
	add("bin/busybox", 3, 0104755, 0, 1, 333, "BUSYBOX-ELF", 0, 0);
	add("bin/sh", 4, 0120777, 0, 1, 444, "busybox", 0, 0);
	add("dev/console", 5, 020600, 0, 1, 555, "", 5, 1);
	add("dev/sda", 6, 060660, 0, 1, 555, "", 8, 0);
	add("etc/motd", 7, 0100644, 1000, 1, 666, "hello\n", 0, 0);
	add("./tmp/", 8, 041777, 0, 2, 777, "", 0, 0);
	add("usr/bin/ln1", 9, 0100755, 0, 3, 888, "", 0, 0); /* hard links: the data comes with the last */
	add("usr/bin/ln2", 9, 0100755, 0, 3, 888, "", 0, 0);
	add("ln3", 9, 0100755, 0, 3, 888, "LINKED", 0, 0);
	add("run/fifo", 10, 010644, 0, 1, 999, "", 0, 0);
	add("etc/motd", 11, 0100600, 0, 1, 1000, "replaced", 0, 0); /* a later entry replaces an earlier one */
	add("TRAILER!!!", 0, 0, 0, 1, 0, "", 0, 0);
}

static uint64_t walk(const char *path)
{
	char part[256];
	uint64_t at = root;

	while (*path) {
		size_t n = strcspn(path, "/");

		memcpy(part, path, n);
		part[n] = 0;
		at = ino_of(at, part);
		if (!at)
			return 0;
		path += n + (path[n] == '/');
	}
	return at;
}

static void cpio_fills_every_kind_of_entry(void)
{
	const char *bad = "unset", *t;
	struct ramfs_attr a;
	size_t n;

	setup();
	build_archive();
	CHECK(ramfs_load_cpio(fs, arc, arc_len, &bad) == 0 && bad == 0);
	a = attr(root);
	CHECK(a.mode == (FS_S_IFDIR | 0700) && a.mtime == 111 * SEC);
	a = attr(walk("bin"));
	CHECK(a.mode == (FS_S_IFDIR | 0755) && a.mtime == 222 * SEC); /* dated after its files came */
	a = attr(walk("bin/busybox"));
	CHECK(a.mode == (FS_S_IFREG | 04755) && a.size == 11 && a.mtime == 333 * SEC && a.uid == 0 && a.gid == 1);
	CHECK(has(walk("bin/busybox"), 0, "BUSYBOX-ELF"));
	CHECK(ramfs_readlink(fs, walk("bin/sh"), &t, &n) == 0 && n == 7 && memcmp(t, "busybox", 7) == 0);
	a = attr(walk("dev/console"));
	CHECK(a.mode == (FS_S_IFCHR | 0600) && a.rdev_major == 5 && a.rdev_minor == 1);
	a = attr(walk("dev/sda"));
	CHECK(a.mode == (FS_S_IFBLK | 0660) && a.rdev_major == 8 && a.rdev_minor == 0);
	CHECK(attr(walk("dev")).mode == (FS_S_IFDIR | 0755)); /* made on the way */
	a = attr(walk("etc/motd"));
	CHECK(a.mode == (FS_S_IFREG | 0600) && a.size == 8 && has(walk("etc/motd"), 0, "replaced") && a.uid == 0);
	CHECK(attr(walk("tmp")).mode == (FS_S_IFDIR | 01777) && attr(walk("tmp")).mtime == 777 * SEC);
	a = attr(walk("ln3"));
	CHECK(a.nlink == 3 && a.size == 6 && walk("usr/bin/ln1") == a.ino && walk("usr/bin/ln2") == a.ino);
	CHECK(has(walk("usr/bin/ln1"), 0, "LINKED"));
	CHECK(attr(walk("run/fifo")).mode == (FS_S_IFIFO | 0644));
	CHECK(strcmp(listing(root), "bin dev etc tmp usr ln3 run") == 0);
}

static void cpio_errors_name_the_entry(void)
{
	const char *bad = 0;

	setup();
	build_archive();
	CHECK(ramfs_load_cpio(fs, arc, 200, &bad) == -EINVAL); /* cut inside an entry */
	setup();
	build_archive();
	memcpy(arc + 116 + 54, "ffffffff", 8); /* the second entry's size runs past the end */
	CHECK(ramfs_load_cpio(fs, arc, arc_len, &bad) == -EINVAL);
	setup();
	arc_len = 0;
	add("etc", 1, 0100644, 0, 1, 0, "a file", 0, 0);
	add("etc/passwd", 2, 0100644, 0, 1, 0, "root", 0, 0);
	add("TRAILER!!!", 0, 0, 0, 1, 0, "", 0, 0);
	CHECK(ramfs_load_cpio(fs, arc, arc_len, &bad) == -ENOTDIR && strcmp(bad, "etc/passwd") == 0);
	CHECK(has(walk("etc"), 0, "a file")); /* what came before stays */
	ramfs_free(fs);
	fs = ramfs_new(3 * RAMFS_CHUNK, 100, 0755, 0);
	root = ramfs_root(fs);
	arc_len = 0;
	add("small", 1, 0100644, 0, 1, 0, "fits", 0, 0);
	add("huge", 2, 0100644, 0, 1, 0, "", 0, 0);
	add("TRAILER!!!", 0, 0, 0, 1, 0, "", 0, 0);
	CHECK(ramfs_load_cpio(fs, arc, arc_len, &bad) == 0);
	arc_len = 0;
	{
		static char data[3 * RAMFS_CHUNK];

		memset(data, 'd', sizeof(data) - 1);
		add("toobig", 3, 0100644, 0, 1, 0, data, 0, 0);
	}
	add("TRAILER!!!", 0, 0, 0, 1, 0, "", 0, 0);
	CHECK(ramfs_load_cpio(fs, arc, arc_len, &bad) == -ENOSPC && strcmp(bad, "toobig") == 0);
	arc_len = 0;
	add("sym", 4, 0120777, 0, 1, 0, "", 0, 0);
	add("TRAILER!!!", 0, 0, 0, 1, 0, "", 0, 0);
	CHECK(ramfs_load_cpio(fs, arc, arc_len, &bad) == -ENOENT && strcmp(bad, "sym") == 0);
	arc_len = 0;
	add("nothing", 5, 0644, 0, 1, 0, "", 0, 0); /* no type */
	add("TRAILER!!!", 0, 0, 0, 1, 0, "", 0, 0);
	CHECK(ramfs_load_cpio(fs, arc, arc_len, &bad) == -EINVAL && strcmp(bad, "nothing") == 0);
}

/* ---- A random run against a model ---------------------------------------------------- */

#define SLOTS 24     /* names: 12 in the root, 12 in a directory */
#define FILES 256    /* files ever made */
#define MODEL_MAX (96 * 1024)

struct model_file {
	uint8_t *data;
	uint64_t size;
	uint32_t nlink;
	uint64_t ino;
};

static struct model_file mf[FILES];
static int slot_file[SLOTS]; /* -1: no name */
static int nfiles;
static uint64_t model_dir;
static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

static uint64_t slot_dir(int s) { return s < SLOTS / 2 ? root : model_dir; }
static void slot_name(int s, char *out) { snprintf(out, 8,  "n%d", s % (SLOTS / 2)); }

static void model_op(void)
{
	int s = (int)rnd(SLOTS), t = (int)rnd(SLOTS), k = slot_file[s];
	char a[8], b[8];
	static uint8_t buf[20000];

	slot_name(s, a);
	slot_name(t, b);
	switch (rnd(6)) {
	case 0: { /* create */
		int r = ramfs_create(fs, slot_dir(s), a, strlen(a), FS_S_IFREG | 0644, 0, 0, 0, 0, 0, 0, 0);

		if (k >= 0 || nfiles == FILES) {
			CHECK(r == (k >= 0 ? -EEXIST : 0));
			if (r == 0)
				ramfs_unlink(fs, slot_dir(s), a, strlen(a));
			break;
		}
		CHECK(r == 0);
		mf[nfiles] = (struct model_file){ calloc(1, MODEL_MAX), 0, 1, ino_of(slot_dir(s), a) };
		slot_file[s] = nfiles++;
		break;
	}
	case 1: { /* write */
		uint64_t off = rnd(4) ? rnd(20000) : rnd(MODEL_MAX - sizeof(buf)), len = rnd(sizeof(buf));

		if (k < 0)
			break;
		for (uint64_t i = 0; i < len; i++)
			buf[i] = (uint8_t)rnd(256);
		CHECK(ramfs_write_buf(fs, mf[k].ino, off, buf, len) == (int64_t)len);
		memcpy(mf[k].data + off, buf, len);
		if (len && off + len > mf[k].size)
			mf[k].size = off + len;
		break;
	}
	case 2: { /* truncate */
		uint64_t size = rnd(3) ? rnd(20000) : rnd(MODEL_MAX);

		if (k < 0)
			break;
		CHECK(ramfs_truncate(fs, mf[k].ino, size) == 0);
		if (size < mf[k].size)
			memset(mf[k].data + size, 0, mf[k].size - size);
		mf[k].size = size;
		break;
	}
	case 3: /* unlink */
		CHECK(ramfs_unlink(fs, slot_dir(s), a, strlen(a)) == (k < 0 ? -ENOENT : 0));
		if (k >= 0) {
			mf[k].nlink--;
			slot_file[s] = -1;
		}
		break;
	case 4: { /* rename s -> t */
		int r = ramfs_rename(fs, slot_dir(s), a, strlen(a), slot_dir(t), b, strlen(b), 0);

		CHECK(r == (k < 0 ? -ENOENT : 0));
		if (k < 0 || slot_file[t] == k)
			break;
		if (slot_file[t] >= 0)
			mf[slot_file[t]].nlink--;
		slot_file[t] = k;
		slot_file[s] = -1;
		break;
	}
	case 5: { /* link s -> t */
		int r = ramfs_link(fs, k >= 0 ? mf[k].ino : 999999, slot_dir(t), b, strlen(b), 0);

		CHECK(r == (k < 0 ? -ESTALE : slot_file[t] >= 0 ? -EEXIST : 0));
		if (r == 0) {
			slot_file[t] = k;
			mf[k].nlink++;
		}
		break;
	}
	}
}

/* Every name names the model's file, with its bytes and link count; freed files are gone. */
static void model_compare(void)
{
	static uint8_t buf[MODEL_MAX];
	char a[8];
	struct ramfs_attr at;

	for (int s = 0; s < SLOTS; s++) {
		int k = slot_file[s];

		slot_name(s, a);
		if (k < 0) {
			CHECK(lookup(slot_dir(s), a, &at) == -ENOENT);
			continue;
		}
		CHECK(lookup(slot_dir(s), a, &at) == 0 && at.ino == mf[k].ino);
		CHECK(at.nlink == mf[k].nlink && at.size == mf[k].size);
	}
	for (int k = 0; k < nfiles; k++) {
		if (mf[k].nlink == 0) {
			CHECK(ramfs_getattr(fs, mf[k].ino, &at) == -ESTALE);
			continue;
		}
		CHECK(ramfs_read_buf(fs, mf[k].ino, 0, buf, MODEL_MAX) == (int64_t)mf[k].size);
		CHECK(memcmp(buf, mf[k].data, mf[k].size) == 0);
	}
}

static void random_operations_match_a_model(void)
{
	uint64_t used;
	struct ramfs_statfs st;

	setup();
	used = fs->bytes_used;
	model_dir = mkdir_(root, "dir");
	for (int s = 0; s < SLOTS; s++)
		slot_file[s] = -1;
	for (int step = 0; step < 6000; step++) {
		model_op();
		if (step % 500 == 499)
			model_compare();
	}
	model_compare();
	CHECK(nfiles > 50);
	for (int s = 0; s < SLOTS; s++) {
		char a[8];

		slot_name(s, a);
		if (slot_file[s] >= 0)
			CHECK(ramfs_unlink(fs, slot_dir(s), a, strlen(a)) == 0);
	}
	CHECK(ramfs_rmdir(fs, root, "dir", 3) == 0);
	CHECK(fs->bytes_used == used && fs->inodes_used == 1); /* everything given back */
	ramfs_statfs(fs, &st);
	CHECK(st.ffree == st.files - 1);
	for (int k = 0; k < nfiles; k++)
		free(mf[k].data);
}

int main(void)
{
	RUN(new_fs_has_an_empty_root);
	RUN(create_makes_every_type);
	RUN(create_refuses_bad_requests);
	RUN(lookup_reports_missing_and_wrong_kinds);
	RUN(write_then_read_across_chunks);
	RUN(holes_read_as_zeros_and_cost_nothing);
	RUN(writes_past_the_largest_file_are_efbig);
	RUN(data_calls_refuse_other_types);
	RUN(truncate_cuts_and_grows_with_zeros);
	RUN(failed_copies_give_short_counts_and_leave_zeros);
	RUN(space_runs_out_with_enospc);
	RUN(hard_links_share_one_file);
	RUN(unlink_refuses_directories_and_missing_names);
	RUN(an_open_file_outlives_its_last_name);
	RUN(rmdir_removes_only_empty_directories);
	RUN(a_removed_directory_held_open_is_empty_and_dead);
	RUN(rename_moves_names_and_directories);
	RUN(rename_replaces_the_target);
	RUN(rename_follows_linux_rules);
	RUN(getdents_writes_linux_records);
	RUN(getdents_cookies_survive_removals);
	RUN(chmod_chown_utimens_set_what_they_name);
	RUN(changes_stamp_the_times_they_should);
	RUN(statfs_counts_blocks_and_inodes);
	RUN(cpio_fills_every_kind_of_entry);
	RUN(cpio_errors_name_the_entry);
	RUN(random_operations_match_a_model);
	ramfs_free(fs);
	return check_exit();
}
