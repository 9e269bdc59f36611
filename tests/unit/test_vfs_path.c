/* vfs's path lookup: Linux's rules, over fake in-memory file systems with a mount. */
#include "../../servers/vfs/path.h"

#include "check.h"

/* ---- a fake file system ------------------------------------------------------ */

struct fnode {
	uint64_t parent;
	const char *name;
	uint32_t mode, uid, gid;
	const char *target; /* a link's */
};

#define FNODES 128

struct fakefs {
	uint32_t id;
	struct fnode n[FNODES]; /* index = inode number; 1 is the root, its own parent */
	int count;
	int lookups, readlinks;
	uint64_t eio_dir; /* lookups in this directory answer -EIO */
	uint64_t bad_ino; /* this inode is answered with a nonsense mode */
	uint64_t odd_dir; /* ".." of this directory is answered with inode odd_dotdot */
	uint64_t odd_dotdot;
};

static int fake_lookup(void *arg, const struct vnode *dir, const char *name, size_t len, struct vnode *out)
{
	struct fakefs *fs = arg;
	fs->lookups++;
	if (dir->ino == 0 || dir->ino >= (uint64_t)fs->count || (fs->n[dir->ino].mode & S_IFMT) != S_IFDIR)
		return -EIO;
	if (dir->ino == fs->eio_dir)
		return -EIO;
	uint64_t found = 0;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		found = dir->ino == fs->odd_dir ? fs->odd_dotdot : fs->n[dir->ino].parent;
	} else {
		for (int i = 1; i < fs->count; i++)
			if (fs->n[i].parent == dir->ino && i != 1 && strlen(fs->n[i].name) == len &&
			    memcmp(fs->n[i].name, name, len) == 0)
				found = (uint64_t)i;
	}
	if (!found)
		return -ENOENT;
	const struct fnode *f = &fs->n[found];
	*out = (struct vnode){
	    .fs = 999 /* vfs must not believe this */, .ino = found, .mode = f->mode, .uid = f->uid, .gid = f->gid};
	if (found == fs->bad_ino)
		out->mode = 0777; /* no file type */
	return 0;
}

static int fake_readlink(void *arg, const struct vnode *link, char *buf, size_t size)
{
	struct fakefs *fs = arg;
	fs->readlinks++;
	const char *t = fs->n[link->ino].target;
	size_t n = strlen(t);
	if (n > size)
		n = size;
	memcpy(buf, t, n);
	return (int)n;
}

/* Several names in one request, as a file server answers FS_LOOKUP_PATH (lib/fsserver). */
static int path_requests;
static int fake_lookup_path(void *arg, const struct vnode *dir, const char *path, size_t len, struct vnode *out,
			    int max, int *error)
{
	struct vnode cur = *dir;
	size_t at = 0;
	int n = 0;

	path_requests++;
	*error = 0;
	while (at < len && n < max) {
		const char *name = path + at, *slash = memchr(name, '/', len - at);
		size_t l = slash ? (size_t)(slash - name) : len - at;
		int r;

		if (l == 0 || (l == 1 && name[0] == '.') || (l == 2 && name[0] == '.' && name[1] == '.'))
			return -1; /* never sent by vfs: the test fails on the answers below */
		if ((r = fake_lookup(arg, &cur, name, l, &out[n])) < 0) {
			*error = r;
			break;
		}
		cur = out[n++];
		at += l + 1;
		if ((cur.mode & S_IFMT) != S_IFDIR)
			break;
	}
	return n;
}

static const struct fs_ops fake_ops = {fake_lookup, fake_readlink, 0};
static const struct fs_ops batch_ops = {fake_lookup, fake_readlink, fake_lookup_path};
static const struct fs_ops *ops_in_use = &fake_ops;

static uint64_t add(struct fakefs *fs, uint64_t parent, const char *name, uint32_t mode, uint32_t uid, uint32_t gid,
                    const char *target)
{
	int i = fs->count++;
	fs->n[i] = (struct fnode){parent, name, mode, uid, gid, target};
	return (uint64_t)i;
}

static struct vnode vn(const struct fakefs *fs, uint64_t ino)
{
	const struct fnode *f = &fs->n[ino];
	return (struct vnode){.fs = fs->id, .ino = ino, .mode = f->mode, .uid = f->uid, .gid = f->gid};
}

static void fs_init(struct fakefs *fs, uint32_t id)
{
	memset(fs, 0, sizeof(*fs));
	fs->id = id;
	fs->count = 1; /* inode 0 unused */
	add(fs, 1, "", S_IFDIR | 0755, 0, 0, NULL);
}

/* ---- the world: / (fs 1), /mnt (fs 2), /mnt/sub (fs 3) ----------------------- */

static struct fakefs A, B, C;
static struct mount_table mt;
static struct cred cred;
static struct path_ctx ctx;
static struct path_result res;

/* inodes of A */
static uint64_t a_bin, a_sh, a_etc, a_passwd, a_home, a_ann, a_notes, a_mnt, a_chain, a_noexec, a_grp, a_annonly,
    a_script, a_prog, a_secret, a_l40, a_file_link, a_dir_link, a_dangling, a_newlink;
/* inodes of B and C */
static uint64_t b_data, b_sub, b_sub_hidden, c_deep;

#define REG (S_IFREG | 0644)
#define DIR (S_IFDIR | 0755)
#define LNK (S_IFLNK | 0777)

static void build(void)
{
	fs_init(&A, 1);
	a_bin = add(&A, 1, "bin", DIR, 0, 0, NULL);
	a_sh = add(&A, a_bin, "sh", S_IFREG | 0755, 0, 0, NULL);
	a_etc = add(&A, 1, "etc", DIR, 0, 0, NULL);
	a_passwd = add(&A, a_etc, "passwd", REG, 0, 0, NULL);
	add(&A, a_etc, "rel", LNK, 0, 0, "passwd");
	a_home = add(&A, 1, "home", DIR, 0, 0, NULL);
	a_ann = add(&A, a_home, "ann", S_IFDIR | 0700, 1000, 1000, NULL);
	a_notes = add(&A, a_ann, "notes", S_IFREG | 0600, 1000, 1000, NULL);
	a_mnt = add(&A, 1, "mnt", DIR, 0, 0, NULL);
	add(&A, a_mnt, "under", REG, 0, 0, NULL); /* hidden by the mount */
	add(&A, 1, "tmp", S_IFDIR | 01777, 0, 0, NULL);
	add(&A, 1, "link_etc", LNK, 0, 0, "/etc");
	add(&A, 1, "up", LNK, 0, 0, "etc/../bin");
	a_file_link = add(&A, 1, "file_link", LNK, 0, 0, "etc/passwd");
	a_dir_link = add(&A, 1, "dir_link", LNK, 0, 0, "etc");
	add(&A, 1, "root_link", LNK, 0, 0, "/");
	a_dangling = add(&A, 1, "dangling", LNK, 0, 0, "nowhere/x");
	a_newlink = add(&A, 1, "newlink", LNK, 0, 0, "etc/brandnew");
	add(&A, 1, "newdir_link", LNK, 0, 0, "etc/brandnew/");
	add(&A, 1, "loop_a", LNK, 0, 0, "loop_b");
	add(&A, 1, "loop_b", LNK, 0, 0, "/loop_a");
	add(&A, 1, "self", LNK, 0, 0, "self");
	add(&A, 1, "empty", LNK, 0, 0, "");
	a_chain = add(&A, 1, "c", DIR, 0, 0, NULL);
	/* /c/l1 -> /etc/passwd, /c/lN -> lN-1: /c/lN takes N follows */
	static char names[41][8], targets[41][8];
	for (int i = 1; i <= 41; i++) {
		snprintf(names[i - 1], sizeof(names[0]), "l%d", i);
		snprintf(targets[i - 1], sizeof(targets[0]), "l%d", i - 1);
		uint64_t l = add(&A, a_chain, names[i - 1], LNK, 0, 0, i == 1 ? "/etc/passwd" : targets[i - 1]);
		if (i == 40)
			a_l40 = l;
	}
	a_noexec = add(&A, 1, "noexec", S_IFDIR | 0644, 0, 0, NULL);
	add(&A, a_noexec, "f", REG, 0, 0, NULL);
	a_grp = add(&A, 1, "grp", S_IFDIR | 0710, 0, 100, NULL);
	add(&A, a_grp, "f", REG, 0, 0, NULL);
	a_annonly = add(&A, 1, "annonly", S_IFDIR | 0075, 1000, 1000, NULL);
	add(&A, a_annonly, "f", REG, 0, 0, NULL);
	a_script = add(&A, 1, "script", REG, 0, 0, NULL);
	a_prog = add(&A, 1, "prog", S_IFREG | 0100, 5, 5, NULL);
	a_secret = add(&A, 1, "secret", S_IFREG | 0000, 5, 5, NULL);

	fs_init(&B, 2);
	b_data = add(&B, 1, "data", REG, 0, 0, NULL);
	b_sub = add(&B, 1, "sub", DIR, 0, 0, NULL);
	b_sub_hidden = add(&B, b_sub, "hidden", REG, 0, 0, NULL);
	add(&B, 1, "back", LNK, 0, 0, "../etc");
	add(&B, 1, "abs", LNK, 0, 0, "/bin");

	fs_init(&C, 3);
	c_deep = add(&C, 1, "deep", REG, 0, 0, NULL);

	memset(&mt, 0, sizeof(mt));
	struct vnode ra = vn(&A, 1), rb = vn(&B, 1), rc = vn(&C, 1), mnt = vn(&A, a_mnt), sub = vn(&B, b_sub);
	CHECK(mount_add(&mt, 1, ops_in_use, &A, &ra, NULL) == 0);
	CHECK(mount_add(&mt, 2, ops_in_use, &B, &rb, &mnt) == 0);
	CHECK(mount_add(&mt, 3, ops_in_use, &C, &rc, &sub) == 0);

	cred = (struct cred){0};
	ctx = (struct path_ctx){.mounts = &mt, .cred = &cred, .root = ra, .start = ra};
}

static void as_user(uint32_t uid, uint32_t gid)
{
	cred = (struct cred){.uid = uid, .gid = gid};
}

static int look(const char *path, int flags)
{
	return path_lookup(&ctx, path, flags, &res);
}

/* Does path (with flags) name inode ino of fs? */
static int names(const char *path, int flags, const struct fakefs *fs, uint64_t ino)
{
	return look(path, flags) == 0 && res.found && res.node.fs == fs->id && res.node.ino == ino;
}

/* ---- the cases ------------------------------------------------------------------ */

static void absolute_paths_resolve_from_the_root(void)
{
	build();
	CHECK(names("/etc/passwd", 0, &A, a_passwd));
	CHECK(res.node.mode == REG && res.dir.ino == a_etc && strcmp(res.name, "passwd") == 0);
	CHECK(res.last == PATH_LAST_NAME && !res.trailing_slash);
	CHECK(names("/", 0, &A, 1) && res.last == PATH_LAST_ROOT && res.name[0] == '\0');
	ctx.start = vn(&A, a_home); /* the cwd does not matter */
	CHECK(names("/bin/sh", 0, &A, a_sh));
	CHECK(look("/etc/nothing", 0) == -ENOENT);
	CHECK(look("/nothing/passwd", 0) == -ENOENT);
}

static void relative_paths_start_at_cwd_or_dirfd(void)
{
	build();
	ctx.start = vn(&A, a_etc);
	CHECK(names("passwd", 0, &A, a_passwd));
	CHECK(names("../bin/sh", 0, &A, a_sh));
	CHECK(look("sh", 0) == -ENOENT);
	ctx.start = vn(&A, a_passwd); /* a dirfd that is a file */
	CHECK(look("x", 0) == -ENOTDIR);
	CHECK(names("/bin/sh", 0, &A, a_sh)); /* an absolute path ignores it */
}

static void repeated_slashes_count_as_one(void)
{
	build();
	CHECK(names("//etc///passwd", 0, &A, a_passwd));
	CHECK(names("///", 0, &A, 1) && res.last == PATH_LAST_ROOT);
	ctx.start = vn(&A, a_etc);
	CHECK(names("./////passwd", 0, &A, a_passwd));
}

static void trailing_slash_requires_a_directory(void)
{
	build();
	CHECK(names("/etc/", 0, &A, a_etc) && res.trailing_slash);
	CHECK(names("/etc//", 0, &A, a_etc) && res.trailing_slash && strcmp(res.name, "etc") == 0);
	CHECK(look("/etc/passwd/", 0) == -ENOTDIR);
	CHECK(look("/etc/passwd/.", 0) == -ENOTDIR);
	CHECK(look("/etc/passwd/x", 0) == -ENOTDIR);
	CHECK(look("/etc/passwd/..", 0) == -ENOTDIR);
	CHECK(look("/nothing/", 0) == -ENOENT);
	CHECK(look("/etc/passwd", PATH_DIRECTORY) == -ENOTDIR);
	CHECK(names("/etc", PATH_DIRECTORY, &A, a_etc));
}

static void dot_and_dotdot(void)
{
	build();
	CHECK(names("/etc/./passwd", 0, &A, a_passwd));
	CHECK(names("/etc/../bin/sh", 0, &A, a_sh));
	A.lookups = 0;
	CHECK(names("/..", 0, &A, 1) && res.last == PATH_LAST_DOTDOT);
	CHECK(A.lookups == 0); /* vfs, not the file system, keeps ".." of the root there */
	CHECK(names("/../../etc", 0, &A, a_etc));
	ctx.start = vn(&A, a_ann);
	CHECK(names(".", 0, &A, a_ann) && res.last == PATH_LAST_DOT);
	CHECK(names("..", 0, &A, a_home));
	CHECK(names("../..", 0, &A, 1));
	CHECK(look("notes/../notes", 0) == -ENOTDIR); /* notes is a file */
}

static void dot_is_not_asked_of_the_file_system(void)
{
	build();
	A.lookups = 0;
	CHECK(names("/etc/././passwd", 0, &A, a_passwd));
	CHECK(A.lookups == 2);
}

static void dotdot_stops_at_the_process_root(void)
{
	build();
	ctx.root = vn(&A, a_home); /* chroot("/home") */
	ctx.start = vn(&A, a_ann);
	CHECK(names("/..", 0, &A, a_home));
	CHECK(names("../../..", 0, &A, a_home));
	CHECK(names("/ann/../../ann/notes", 0, &A, a_notes));
	CHECK(look("/etc", 0) == -ENOENT); /* / is /home now */
	CHECK(names("/", 0, &A, a_home));
	/* a cwd left outside the new root (chroot without chdir), as on Linux:
	 * ".." stops at the real root, relative paths reach outside */
	ctx.start = vn(&A, 1);
	A.lookups = 0;
	CHECK(names("..", 0, &A, 1) && A.lookups == 0);
	CHECK(names("../etc", 0, &A, a_etc));
}

static void mounts_are_crossed_into(void)
{
	build();
	CHECK(names("/mnt", 0, &B, 1) && res.dir.fs == 1 && res.dir.ino == 1);
	CHECK(names("/mnt/data", 0, &B, b_data));
	CHECK(look("/mnt/under", 0) == -ENOENT); /* hidden by the mount */
	CHECK(names("/mnt/sub", 0, &C, 1));
	CHECK(names("/mnt/sub/deep", 0, &C, c_deep));
	CHECK(look("/mnt/sub/hidden", 0) == -ENOENT);
	CHECK(names("/mnt/./sub/./deep", 0, &C, c_deep));
}

static void dotdot_at_a_mount_root_leaves_the_mount(void)
{
	build();
	CHECK(names("/mnt/..", 0, &A, 1));
	CHECK(names("/mnt/sub/..", 0, &B, 1));
	CHECK(names("/mnt/sub/../..", 0, &A, 1));
	CHECK(names("/mnt/sub/../../etc", 0, &A, a_etc));
	ctx.start = vn(&C, 1); /* cwd at fs 3's root */
	CHECK(names("..", 0, &B, 1));
	CHECK(names("../data", 0, &B, b_data));
	CHECK(names("../..", 0, &A, 1));
	CHECK(names("../../mnt/sub/deep", 0, &C, c_deep));
	/* a process rooted at a mount's root stays in it */
	ctx.root = vn(&B, 1);
	CHECK(names("../..", 0, &B, 1));
	CHECK(names("/../sub/deep", 0, &C, c_deep));
}

static void mount_table_rules(void)
{
	build();
	struct vnode rb = vn(&B, 1), rc = vn(&C, 1), etc = vn(&A, a_etc), passwd = vn(&A, a_passwd);
	struct vnode mnt = vn(&A, a_mnt), sub = vn(&B, b_sub);
	CHECK(mount_find(&mt, 2) && mount_find(&mt, 2)->covered.ino == a_mnt);
	CHECK(mount_find(&mt, 9) == NULL);
	CHECK(mount_add(&mt, 2, &fake_ops, &B, &rb, &etc) == -EINVAL); /* already mounted */
	struct vnode r4 = {.fs = 4, .ino = 1, .mode = S_IFDIR | 0755};
	struct vnode f4 = {.fs = 4, .ino = 2, .mode = REG};
	CHECK(mount_add(&mt, 4, &fake_ops, &B, &rb, &etc) == -EINVAL); /* root of another fs */
	CHECK(mount_add(&mt, 4, &fake_ops, &B, &f4, &etc) == -EINVAL); /* root not a directory */
	CHECK(mount_add(&mt, 4, &fake_ops, &B, &r4, &passwd) == -ENOTDIR);
	CHECK(mount_add(&mt, 4, &fake_ops, &B, &r4, &mnt) == -EBUSY); /* mnt is covered */
	CHECK(mount_add(&mt, 4, &fake_ops, &B, &r4, NULL) == -EBUSY); /* a second root */
	struct vnode elsewhere = {.fs = 7, .ino = 3, .mode = S_IFDIR};
	CHECK(mount_add(&mt, 4, &fake_ops, &B, &r4, &elsewhere) == -EINVAL);
	CHECK(mount_remove(&mt, 9) == -EINVAL);
	CHECK(mount_remove(&mt, 1) == -EBUSY); /* the root */
	CHECK(mount_remove(&mt, 2) == -EBUSY); /* fs 3 is mounted on it */
	CHECK(mount_remove(&mt, 3) == 0);
	CHECK(look("/mnt/sub/deep", 0) == -ENOENT);
	CHECK(names("/mnt/sub/hidden", 0, &B, b_sub_hidden));
	CHECK(mount_remove(&mt, 2) == 0);
	CHECK(look("/mnt/under", 0) == 0 && res.node.fs == 1);
	CHECK(mount_add(&mt, 3, &fake_ops, &C, &rc, &sub) == -EINVAL); /* sub's fs is gone */
	CHECK(mount_add(&mt, 3, &fake_ops, &C, &rc, &etc) == 0);
	CHECK(names("/etc/deep", 0, &C, c_deep));
	CHECK(names("/etc/..", 0, &A, 1));
	/* a table of MOUNT_MAX entries is full */
	for (uint32_t fs = 10; fs < 10 + MOUNT_MAX - 2; fs++) {
		struct vnode r = {.fs = fs, .ino = 1, .mode = S_IFDIR};
		struct vnode on = {.fs = 1, .ino = 1000 + fs, .mode = S_IFDIR};
		CHECK(mount_add(&mt, fs, &fake_ops, &A, &r, &on) == 0);
	}
	struct vnode r99 = {.fs = 99, .ino = 1, .mode = S_IFDIR};
	struct vnode on99 = {.fs = 1, .ino = 999, .mode = S_IFDIR};
	CHECK(mount_add(&mt, 99, &fake_ops, &A, &r99, &on99) == -ENOMEM);
}

static void symlinks_relative_and_absolute(void)
{
	build();
	CHECK(names("/link_etc/passwd", 0, &A, a_passwd));
	CHECK(names("/link_etc", PATH_FOLLOW, &A, a_etc));
	CHECK(names("/etc/rel", PATH_FOLLOW, &A, a_passwd)); /* relative to the link's directory */
	ctx.start = vn(&A, a_home);                          /* not to the cwd */
	CHECK(names("/etc/rel", PATH_FOLLOW, &A, a_passwd));
	CHECK(names("/up/sh", 0, &A, a_sh));
	CHECK(names("/mnt/back/passwd", 0, &A, a_passwd)); /* ../ out of fs 2's root */
	CHECK(names("/mnt/abs/sh", 0, &A, a_sh));
	CHECK(names("/root_link", PATH_FOLLOW, &A, 1) && res.last == PATH_LAST_ROOT);
	CHECK(names("/root_link/etc", 0, &A, a_etc));
	uint64_t abs_ann = add(&A, a_home, "abs_ann", LNK, 0, 0, "/ann/notes");
	ctx.root = vn(&A, a_home); /* an absolute target starts at the process's root */
	CHECK(names("/abs_ann", PATH_FOLLOW, &A, a_notes));
	ctx.root = vn(&A, 1);
	CHECK(look("/home/abs_ann", PATH_FOLLOW) == -ENOENT);
	CHECK(names("/home/abs_ann", 0, &A, abs_ann));
}

static void final_symlink_followed_or_not(void)
{
	build();
	CHECK(names("/file_link", 0, &A, a_file_link) && res.node.mode == LNK);
	CHECK(names("/file_link", PATH_FOLLOW, &A, a_passwd));
	CHECK(look("/file_link", PATH_LINK_ELOOP) == -ELOOP); /* O_NOFOLLOW */
	CHECK(names("/file_link", PATH_LINK_ELOOP | PATH_FOLLOW, &A, a_passwd));
	CHECK(names("/dir_link/", 0, &A, a_etc)); /* a trailing slash follows */
	CHECK(names("/dir_link/", PATH_LINK_ELOOP, &A, a_etc));
	CHECK(look("/file_link/", 0) == -ENOTDIR);
	CHECK(look("/dir_link", PATH_DIRECTORY | PATH_LINK_ELOOP) == -ENOTDIR); /* Linux checks that first */
	CHECK(names("/dir_link/passwd", 0, &A, a_passwd));                      /* inside: always followed */
	CHECK(look("/c/l3", 0) == 0 && res.node.mode == LNK);
}

static void forty_links_per_lookup_then_eloop(void)
{
	build();
	A.readlinks = 0;
	CHECK(names("/c/l40", PATH_FOLLOW, &A, a_passwd));
	CHECK(A.readlinks == 40);
	CHECK(look("/c/l41", PATH_FOLLOW) == -ELOOP);
	CHECK(look("/c/l41", 0) == 0 && res.node.mode == LNK); /* lstat needs none */
	CHECK(look("/c/l41/x", 0) == -ELOOP);
	CHECK(look("/c/l41", PATH_PARENT) == 0);
	CHECK(look("/c/l41/x", PATH_PARENT) == -ELOOP);
	CHECK(look("/loop_a", PATH_FOLLOW) == -ELOOP);
	CHECK(look("/self", PATH_FOLLOW) == -ELOOP);
	CHECK(look("/self/x", 0) == -ELOOP);
	/* the count is per lookup: the next one starts at zero */
	CHECK(names("/c/l40", PATH_FOLLOW, &A, a_passwd));
	(void)a_l40;
}

static void dangling_and_empty_links(void)
{
	build();
	CHECK(look("/dangling", PATH_FOLLOW) == -ENOENT);
	CHECK(names("/dangling", 0, &A, a_dangling));
	CHECK(look("/empty", PATH_FOLLOW) == -ENOENT);
	CHECK(look("/empty/x", 0) == -ENOENT);
	CHECK(look("/empty", 0) == 0);
}

static void name_max_and_path_max(void)
{
	build();
	static char path[PATH_MAX + 8], name[NAME_MAX + 2];
	memset(name, 'a', NAME_MAX);
	name[NAME_MAX] = '\0';
	snprintf(path, sizeof(path), "/%s", name);
	CHECK(look(path, 0) == -ENOENT); /* 255: a name, only missing */
	snprintf(path, sizeof(path), "/%sa", name);
	CHECK(look(path, 0) == -ENAMETOOLONG);
	CHECK(look(path, PATH_PARENT) == -ENAMETOOLONG);
	snprintf(path, sizeof(path), "/etc/%sa/x", name);
	CHECK(look(path, 0) == -ENAMETOOLONG);
	/* 4095 bytes (4096 with the NUL) is a path; one more is not */
	memset(path, '/', PATH_MAX - 1 - 3);
	memcpy(path + PATH_MAX - 1 - 3, "etc", 4);
	CHECK(strlen(path) == PATH_MAX - 1);
	CHECK(names(path, 0, &A, a_etc));
	memset(path, '/', PATH_MAX - 3);
	memcpy(path + PATH_MAX - 3, "etc", 4);
	CHECK(look(path, 0) == -ENAMETOOLONG);
	/* a link's target of PATH_MAX bytes or more */
	static char longtarget[PATH_MAX + 10];
	memset(longtarget, '/', PATH_MAX + 5);
	add(&A, 1, "longlink", LNK, 0, 0, longtarget);
	CHECK(look("/longlink", PATH_FOLLOW) == -ENAMETOOLONG);
	longtarget[PATH_MAX - 1] = '\0';
	CHECK(names("/longlink", PATH_FOLLOW, &A, 1)); /* 4095 slashes: the root */
}

static void empty_path(void)
{
	build();
	ctx.start = vn(&A, a_passwd);
	CHECK(look("", 0) == -ENOENT);
	CHECK(look("", PATH_FOLLOW) == -ENOENT);
	CHECK(names("", PATH_EMPTY, &A, a_passwd)); /* the dirfd itself, a file or not */
	CHECK(look("", PATH_EMPTY | PATH_DIRECTORY) == -ENOTDIR);
	CHECK(look("", PATH_EMPTY | PATH_PARENT) == -ENOENT);
	CHECK(look("", PATH_EMPTY | PATH_CREATE) == -ENOENT);
	ctx.start = vn(&A, a_file_link);
	CHECK(names("", PATH_EMPTY | PATH_FOLLOW, &A, a_file_link)); /* not followed */
}

static void search_permission_on_every_directory(void)
{
	build();
	as_user(1000, 1000);
	CHECK(names("/home/ann/notes", 0, &A, a_notes));
	as_user(1001, 1001);
	CHECK(look("/home/ann/notes", 0) == -EACCES);
	CHECK(look("/home/ann/nothing", 0) == -EACCES); /* not ENOENT: it may not look */
	CHECK(names("/home/ann", 0, &A, a_ann));        /* naming ann needs search in home only */
	CHECK(names("/home/ann/", 0, &A, a_ann));
	CHECK(look("/home/ann/.", 0) == -EACCES);
	CHECK(look("/home/ann/..", 0) == -EACCES);
	CHECK(look("/home/ann/new", PATH_PARENT) == -EACCES);
	CHECK(look("/home/ann/new", PATH_CREATE) == -EACCES);
	ctx.start = vn(&A, a_ann);
	CHECK(look(".", 0) == -EACCES);
	CHECK(look("notes", 0) == -EACCES);
	CHECK(look("/home/ann/notes", PATH_PARENT) == -EACCES);
	CHECK(names("/noexec", 0, &A, a_noexec));
	CHECK(look("/noexec/f", 0) == -EACCES); /* rw- for others: no x */
	/* a link into a closed directory is refused at the directory */
	add(&A, 1, "to_notes", LNK, 0, 0, "home/ann/notes");
	CHECK(look("/to_notes", PATH_FOLLOW) == -EACCES);
	CHECK(look("/to_notes", 0) == 0);
}

static void owner_group_and_other_classes(void)
{
	build();
	as_user(1001, 100); /* /grp is rwx--x--- root:100 */
	CHECK(look("/grp/f", 0) == 0);
	as_user(1001, 5);
	CHECK(look("/grp/f", 0) == -EACCES);
	cred.ngroups = 2;
	cred.groups[0] = 7;
	cred.groups[1] = 100; /* a supplementary group counts */
	CHECK(look("/grp/f", 0) == 0);
	/* /annonly is ---rwxr-x 1000:1000: the owner gets the owner's bits, nothing more */
	as_user(1000, 1000);
	CHECK(look("/annonly/f", 0) == -EACCES);
	as_user(1002, 1000);
	CHECK(look("/annonly/f", 0) == 0);
	as_user(1003, 1003);
	CHECK(look("/annonly/f", 0) == 0);
	struct vnode ann = vn(&A, a_ann), notes = vn(&A, a_notes);
	as_user(1000, 1);
	CHECK(vnode_permission(&cred, &notes, MAY_READ | MAY_WRITE) == 0);
	CHECK(vnode_permission(&cred, &notes, MAY_EXEC) == -EACCES);
	CHECK(vnode_permission(&cred, &ann, MAY_READ | MAY_WRITE | MAY_EXEC) == 0);
	as_user(1001, 1000); /* ann's group has no bits */
	CHECK(vnode_permission(&cred, &notes, MAY_READ) == -EACCES);
}

static void root_passes_except_exec_without_x(void)
{
	build();
	CHECK(names("/home/ann/notes", 0, &A, a_notes));
	CHECK(look("/noexec/f", 0) == 0 && res.found);
	CHECK(look("/annonly/f", 0) == 0);
	struct vnode script = vn(&A, a_script), prog = vn(&A, a_prog), secret = vn(&A, a_secret);
	struct vnode noexec = vn(&A, a_noexec);
	CHECK(vnode_permission(&cred, &script, MAY_EXEC) == -EACCES);
	CHECK(vnode_permission(&cred, &script, MAY_READ | MAY_WRITE) == 0);
	CHECK(vnode_permission(&cred, &prog, MAY_EXEC) == 0); /* any x bit will do */
	CHECK(vnode_permission(&cred, &secret, MAY_READ | MAY_WRITE) == 0);
	CHECK(vnode_permission(&cred, &secret, MAY_EXEC) == -EACCES);
	CHECK(vnode_permission(&cred, &noexec, MAY_EXEC) == 0); /* directories: search always */
	as_user(5, 5);
	CHECK(vnode_permission(&cred, &prog, MAY_EXEC) == 0);
	CHECK(vnode_permission(&cred, &prog, MAY_READ) == -EACCES);
}

static void parent_mode_stops_before_the_last_name(void)
{
	build();
	A.lookups = 0;
	CHECK(look("/etc/newfile", PATH_PARENT) == 0);
	CHECK(!res.found && res.dir.ino == a_etc && strcmp(res.name, "newfile") == 0 && res.last == PATH_LAST_NAME);
	CHECK(A.lookups == 1); /* etc only: the last name is the caller's business */
	CHECK(look("/etc/passwd", PATH_PARENT) == 0 && !res.found && strcmp(res.name, "passwd") == 0);
	CHECK(look("/", PATH_PARENT) == 0 && res.last == PATH_LAST_ROOT && res.dir.ino == 1);
	ctx.start = vn(&A, a_etc);
	CHECK(look(".", PATH_PARENT) == 0 && res.last == PATH_LAST_DOT && res.dir.ino == a_etc);
	CHECK(look("x", PATH_PARENT) == 0 && res.dir.ino == a_etc && strcmp(res.name, "x") == 0);
	CHECK(look("/etc/..", PATH_PARENT) == 0 && res.last == PATH_LAST_DOTDOT && res.dir.ino == a_etc);
	CHECK(look("/etc/new//", PATH_PARENT) == 0 && res.trailing_slash && strcmp(res.name, "new") == 0);
	CHECK(look("/nodir/x", PATH_PARENT) == -ENOENT);
	CHECK(look("/etc/passwd/x", PATH_PARENT) == -ENOTDIR);
	CHECK(look("/file_link", PATH_PARENT | PATH_FOLLOW) == 0 && strcmp(res.name, "file_link") == 0);
	CHECK(res.dir.ino == 1); /* the link itself is named: unlink removes the link */
	CHECK(look("/dir_link/x", PATH_PARENT) == 0 && res.dir.ino == a_etc);
	CHECK(look("/mnt/x", PATH_PARENT) == 0 && res.dir.fs == 2 && res.dir.ino == 1);
	CHECK(look("/mnt", PATH_PARENT) == 0 && res.dir.fs == 1 && strcmp(res.name, "mnt") == 0);
}

static void create_mode_for_open_o_creat(void)
{
	build();
	CHECK(look("/etc/newfile", PATH_CREATE) == 0);
	CHECK(!res.found && res.dir.ino == a_etc && strcmp(res.name, "newfile") == 0);
	CHECK(names("/etc/passwd", PATH_CREATE, &A, a_passwd));
	CHECK(look("/etc/new/", PATH_CREATE) == -EISDIR); /* Linux: whether it exists or not */
	CHECK(look("/etc/passwd/", PATH_CREATE) == -EISDIR);
	CHECK(look("/nodir/x", PATH_CREATE) == -ENOENT);
	CHECK(names("/etc/.", PATH_CREATE, &A, a_etc)); /* the caller's EISDIR: it is a directory */
	/* a final link is followed to its target's directory: the file is created there */
	CHECK(look("/newlink", PATH_CREATE | PATH_FOLLOW) == 0);
	CHECK(!res.found && res.dir.ino == a_etc && strcmp(res.name, "brandnew") == 0);
	CHECK(look("/newdir_link", PATH_CREATE | PATH_FOLLOW) == -EISDIR);
	CHECK(look("/dangling", PATH_CREATE | PATH_FOLLOW) == -ENOENT); /* nowhere/ is missing */
	CHECK(names("/newlink", PATH_CREATE, &A, a_newlink));           /* O_EXCL: the link, the caller's EEXIST */
	CHECK(look("/newlink", PATH_CREATE | PATH_LINK_ELOOP) == -ELOOP);
}

static void file_system_errors_and_nonsense(void)
{
	build();
	A.eio_dir = a_etc;
	CHECK(look("/etc/passwd", 0) == -EIO);
	CHECK(look("/etc/new", PATH_CREATE) == -EIO); /* not ENOENT: not a missing name */
	A.eio_dir = 0;
	A.bad_ino = a_passwd;
	CHECK(look("/etc/passwd", 0) == -EIO);
	A.bad_ino = 0;
	A.odd_dir = a_etc; /* ".." that is not a directory */
	A.odd_dotdot = a_passwd;
	CHECK(look("/etc/..", 0) == -EIO);
	A.odd_dir = 0;
	CHECK(names("/etc/passwd", 0, &A, a_passwd) && res.node.fs == 1); /* not the 999 it said */
	struct vnode gone = {.fs = 42, .ino = 1, .mode = S_IFDIR | 0755};
	ctx.start = gone; /* a cwd in a file system no longer mounted */
	CHECK(look("x", 0) == -EIO);
	CHECK(look("..", 0) == -EIO);
}

/*
 * Names looked up ahead in one request (fs_ops.lookup_path) change nothing
 * but the number of requests: every path below, with every flag, as root
 * and as a user, resolves to the same answer, node, directory and last name
 * as name by name.
 */
static void looking_ahead_gives_the_same_answers(void)
{
	static const char *const paths[] = {
	    "/etc/passwd", "//etc///passwd", "/etc/passwd/", "/etc/", "/etc/rel", "/etc/nothing", "/etc/nothing/x",
	    "/home/ann/notes", "/home/ann/", "home/ann/notes", "/bin/sh/x", "/link_etc/passwd", "/up/sh",
	    "/file_link", "/dir_link/passwd", "/root_link/etc/passwd", "/dangling", "/newlink", "/newdir_link",
	    "/loop_a", "/self", "/empty", "/c/l40", "/c/l41", "/c/l1/x", "/mnt/data", "/mnt/sub/deep", "/mnt/sub/hidden",
	    "/mnt/under", "/mnt/back/passwd", "/mnt/abs/sh", "/mnt/sub/../data", "/mnt/..", "/mnt/sub/deep/x",
	    "/noexec/f", "/grp/f", "/annonly/f", "/tmp/new", "/etc/./passwd", "/etc/../bin/sh", "./etc/passwd",
	    "/script", "/prog", "/a/b/c/d/e", "/etc/passwd/../x", "/", "/mnt", "/mnt/sub", "/mnt/sub/"};
	static const int flags[] = {0, PATH_FOLLOW, PATH_PARENT, PATH_CREATE | PATH_FOLLOW, PATH_DIRECTORY,
				    PATH_FOLLOW | PATH_LINK_ELOOP};
	static const uint32_t uids[] = {0, 1000, 5};
	int same = 1, requests[2] = {0, 0};

	for (size_t u = 0; u < sizeof(uids) / sizeof(uids[0]); u++)
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
			for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
				struct path_result one, ahead;
				int r[2];

				for (int mode = 0; mode < 2; mode++) {
					ops_in_use = mode ? &batch_ops : &fake_ops;
					build();
					as_user(uids[u], uids[u]);
					A.lookups = B.lookups = C.lookups = path_requests = 0;
					r[mode] = look(paths[i], flags[f]);
					requests[mode] += path_requests + (mode ? 0 : A.lookups + B.lookups + C.lookups);
					if (mode)
						ahead = res;
					else
						one = res;
				}
				if (r[0] != r[1] || (r[0] == 0 && (one.found != ahead.found || one.last != ahead.last ||
								  strcmp(one.name, ahead.name) ||
								  (one.found && !vnode_same(&one.node, &ahead.node)) ||
								  !vnode_same(&one.dir, &ahead.dir)))) {
					if (same)
						printf("differs: %s flags %d uid %u: %d, %d\n", paths[i], flags[f], uids[u],
						       r[0], r[1]);
					same = 0;
				}
			}
	ops_in_use = &fake_ops;
	CHECK(same);
	CHECK(requests[1] < requests[0]);
	build();
}

int main(void)
{
	RUN(absolute_paths_resolve_from_the_root);
	RUN(relative_paths_start_at_cwd_or_dirfd);
	RUN(repeated_slashes_count_as_one);
	RUN(trailing_slash_requires_a_directory);
	RUN(dot_and_dotdot);
	RUN(dot_is_not_asked_of_the_file_system);
	RUN(dotdot_stops_at_the_process_root);
	RUN(mounts_are_crossed_into);
	RUN(dotdot_at_a_mount_root_leaves_the_mount);
	RUN(mount_table_rules);
	RUN(symlinks_relative_and_absolute);
	RUN(final_symlink_followed_or_not);
	RUN(forty_links_per_lookup_then_eloop);
	RUN(dangling_and_empty_links);
	RUN(name_max_and_path_max);
	RUN(empty_path);
	RUN(search_permission_on_every_directory);
	RUN(owner_group_and_other_classes);
	RUN(root_passes_except_exec_without_x);
	RUN(parent_mode_stops_before_the_last_name);
	RUN(create_mode_for_open_o_creat);
	RUN(file_system_errors_and_nonsense);
	RUN(looking_ahead_gives_the_same_answers);
	return check_exit();
}
