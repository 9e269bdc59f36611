/*
 * vfs's POSIX file calls, without pm: this system process sends vfs
 * messages shaped exactly like the kernel's POSIX trap messages (type
 * AX_MSG_POSIX + the Linux call number, u64[0..5] the six arguments; the
 * kernel sets the source to us), so vfs serves us as the process we are.
 * vfs has never heard of us (pm sends no VFS_FORK here), so we start with a
 * fresh table with nothing open. The root file system is ramfs with
 * tests/vfs/programs.list's files and the device nodes /dev/null and
 * /dev/zero (the memory driver). At the end: TESTS DONE, power off.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <sys/ax.h>

#include "../../system/test.h"

#define MOTD "Welcome to Axolotl: the root file system is ramfs.\n"

static endpoint_t vfs;
static char buf[16384];
static struct stat st;

static int64_t sys6(long nr, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
	ax_message m = {.type = AX_MSG_POSIX + (int32_t)nr, .u64 = {a, b, c, d, e, f}};

	if (ax_sendrec(vfs, &m) < 0)
		return -9999;
	return m.i64[0];
}

#define S(nr, ...) sys_n(nr, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define sys_n(nr, a, b, c, d, e, f, ...) \
	sys6(nr, (uint64_t)(a), (uint64_t)(b), (uint64_t)(c), (uint64_t)(d), (uint64_t)(e), (uint64_t)(f))

static int64_t xopen(const char *path, int flags, int mode) { return S(SYS_openat, AT_FDCWD, path, flags, mode); }
static int64_t xread(int fd, void *b, size_t n) { return S(SYS_read, fd, b, n); }
static int64_t xwrite(int fd, const void *b, size_t n) { return S(SYS_write, fd, b, n); }
static int64_t xclose(int fd) { return S(SYS_close, fd); }
static int64_t xlseek(int fd, long off, int whence) { return S(SYS_lseek, fd, off, whence); }

/* Does the listing of open directory fd hold every name of want (NULL-terminated), and no name twice? */
static int lists(int fd, const char *const *want)
{
	int seen[16] = {0}, nwant = 0;
	int64_t n;

	while (want[nwant])
		nwant++;
	while ((n = S(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (int64_t at = 0; at < n;) {
			uint16_t reclen;
			const char *name = buf + at + 19;

			memcpy(&reclen, buf + at + 16, 2);
			if (!reclen)
				return 0;
			for (int i = 0; i < nwant; i++)
				if (strcmp(name, want[i]) == 0)
					seen[i]++;
			at += reclen;
		}
	}
	if (n < 0)
		return 0;
	for (int i = 0; i < nwant; i++)
		if (seen[i] != 1)
			return 0;
	return 1;
}

static int is_zero(const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

int main(void)
{
	int64_t fd, fd2, r;

	vfs = ax_boot_endpoint("vfs");

	/* ---- a file from the archive ---- */
	fd = xopen("/etc/motd", O_RDONLY, 0);
	test_eq("vfs_open_archive_file_lowest_fd", fd, 0);
	memset(buf, 0, sizeof(buf));
	r = xread((int)fd, buf, sizeof(buf));
	test_result("vfs_read_archive_file_exact", r == (int64_t)strlen(MOTD) && memcmp(buf, MOTD, r) == 0,
		    "wrong bytes");
	test_eq("vfs_read_at_end_is_zero", xread((int)fd, buf, sizeof(buf)), 0);
	test_eq("vfs_fstat", S(SYS_fstat, fd, &st), 0);
	test_result("vfs_fstat_size_mode", st.st_size == (off_t)strlen(MOTD) && S_ISREG(st.st_mode) &&
						   (st.st_mode & 0777) == 0644,
		    "wrong size or mode");
	test_eq("vfs_write_to_readonly_ebadf", xwrite((int)fd, "x", 1), -EBADF);
	test_eq("vfs_close", xclose((int)fd), 0);
	test_eq("vfs_close_again_ebadf", xclose((int)fd), -EBADF);
	test_eq("vfs_read_closed_ebadf", xread((int)fd, buf, 1), -EBADF);
	test_eq("vfs_open_missing_enoent", xopen("/etc/nothing", O_RDONLY, 0), -ENOENT);
	test_eq("vfs_open_file_as_dir_enotdir", xopen("/etc/motd", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
	test_eq("vfs_open_in_a_file_enotdir", xopen("/etc/motd/x", O_RDONLY, 0), -ENOTDIR);
	test_eq("vfs_open_dir_for_write_eisdir", xopen("/etc", O_WRONLY, 0), -EISDIR);
	test_eq("vfs_stat_path", S(SYS_stat, "/data/big.txt", &st), 0);
	test_eq("vfs_stat_big_size", st.st_size, 10000);
	test_eq("vfs_stat_missing_enoent", S(SYS_stat, "/data/none", &st), -ENOENT);
	test_eq("vfs_newfstatat_dir", S(SYS_newfstatat, AT_FDCWD, "/etc", &st, 0) == 0 && S_ISDIR(st.st_mode), 1);

	/* ---- pread, lseek ---- */
	fd = xopen("/data/big.txt", O_RDONLY, 0);
	memset(buf, 0, sizeof(buf));
	test_result("vfs_pread_at_offset", S(SYS_pread64, fd, buf, 20, 4000) == 20 && memcmp(buf, "0200 abcdefghijklmn\n", 20) == 0,
		    "wrong bytes");
	test_eq("vfs_pread_keeps_offset", xlseek((int)fd, 0, SEEK_CUR), 0);
	test_eq("vfs_lseek_set", xlseek((int)fd, 40, SEEK_SET), 40);
	test_result("vfs_read_after_lseek", xread((int)fd, buf, 5) == 5 && memcmp(buf, "0002 ", 5) == 0, "wrong bytes");
	test_eq("vfs_lseek_cur", xlseek((int)fd, 15, SEEK_CUR), 60);
	test_eq("vfs_lseek_end", xlseek((int)fd, -20, SEEK_END), 9980);
	test_result("vfs_read_after_lseek_end", xread((int)fd, buf, 100) == 20 && memcmp(buf, "0499 ", 5) == 0,
		    "wrong bytes");
	test_eq("vfs_lseek_negative_einval", xlseek((int)fd, -1, SEEK_SET), -EINVAL);
	test_eq("vfs_lseek_bad_whence_einval", xlseek((int)fd, 0, 7), -EINVAL);

	/* ---- dup, dup2, fcntl ---- */
	xlseek((int)fd, 100, SEEK_SET);
	fd2 = S(SYS_dup2, fd, 7);
	test_eq("vfs_dup2_gives_target", fd2, 7);
	xread((int)fd2, buf, 5);
	test_eq("vfs_dup2_shares_offset", xlseek((int)fd, 0, SEEK_CUR), 105);
	test_eq("vfs_dup_lowest_free", S(SYS_dup, fd), 1);
	test_eq("vfs_fcntl_dupfd_min", S(SYS_fcntl, fd, F_DUPFD, 10), 10);
	test_eq("vfs_fcntl_getfd_clear", S(SYS_fcntl, 10, F_GETFD), 0);
	test_eq("vfs_fcntl_dupfd_cloexec", S(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 10), 11);
	test_eq("vfs_fcntl_getfd_cloexec", S(SYS_fcntl, 11, F_GETFD), FD_CLOEXEC);
	test_eq("vfs_fcntl_setfd", S(SYS_fcntl, 10, F_SETFD, FD_CLOEXEC) == 0 && S(SYS_fcntl, 10, F_GETFD) == FD_CLOEXEC, 1);
	test_eq("vfs_open_cloexec", (fd2 = xopen("/etc/motd", O_RDONLY | O_CLOEXEC, 0)) >= 0 &&
					    S(SYS_fcntl, fd2, F_GETFD) == FD_CLOEXEC, 1);
	xclose((int)fd2);
	test_eq("vfs_fcntl_getfl", S(SYS_fcntl, fd, F_GETFL) & (O_ACCMODE | O_APPEND), O_RDONLY);
	test_eq("vfs_fcntl_bad_fd_ebadf", S(SYS_fcntl, 99, F_GETFD), -EBADF);
	test_eq("vfs_dup3_same_einval", S(SYS_dup3, fd, fd, 0), -EINVAL);
	test_eq("vfs_dup2_closed_ebadf", S(SYS_dup2, 99, 5), -EBADF);
	for (int i = 0; i < 16; i++)
		xclose(i);

	/* ---- create, write, read back ---- */
	fd = xopen("/data/new.txt", O_RDWR | O_CREAT | O_EXCL, 0600);
	test_eq("vfs_create_excl", fd, 0);
	test_eq("vfs_write_new", xwrite((int)fd, "hello, vfs\n", 11), 11);
	test_eq("vfs_write_moves_offset", xlseek((int)fd, 0, SEEK_CUR), 11);
	xlseek((int)fd, 0, SEEK_SET);
	memset(buf, 0, sizeof(buf));
	test_result("vfs_read_back_written", xread((int)fd, buf, 100) == 11 && memcmp(buf, "hello, vfs\n", 11) == 0,
		    "wrong bytes");
	test_eq("vfs_pwrite", S(SYS_pwrite64, fd, "HELLO", 5, 0), 5);
	test_result("vfs_pread_after_pwrite", S(SYS_pread64, fd, buf, 100, 0) == 11 && memcmp(buf, "HELLO, vfs\n", 11) == 0,
		    "wrong bytes");
	test_result("vfs_fstat_created_mode_size", S(SYS_fstat, fd, &st) == 0 && st.st_size == 11 &&
						     st.st_mode == (S_IFREG | 0600),
		    "wrong size or mode");
	xclose((int)fd);
	test_eq("vfs_create_excl_existing_eexist", xopen("/data/new.txt", O_RDWR | O_CREAT | O_EXCL, 0600), -EEXIST);
	fd = xopen("/data/new.txt", O_WRONLY | O_APPEND, 0);
	xlseek((int)fd, 0, SEEK_SET);
	test_eq("vfs_append_write", xwrite((int)fd, "more\n", 5), 5);
	test_eq("vfs_append_offset_at_end", xlseek((int)fd, 0, SEEK_CUR), 16);
	test_eq("vfs_fcntl_getfl_append", S(SYS_fcntl, fd, F_GETFL) & (O_ACCMODE | O_APPEND), O_WRONLY | O_APPEND);
	test_eq("vfs_read_writeonly_ebadf", xread((int)fd, buf, 1), -EBADF);
	xclose((int)fd);
	fd = xopen("/data/new.txt", O_RDONLY, 0);
	memset(buf, 0, sizeof(buf));
	test_result("vfs_append_landed_at_end", xread((int)fd, buf, 100) == 16 && memcmp(buf, "HELLO, vfs\nmore\n", 16) == 0,
		    "wrong bytes");
	xclose((int)fd);
	fd = xopen("/data/new.txt", O_WRONLY | O_TRUNC, 0);
	test_result("vfs_trunc_empties", fd >= 0 && S(SYS_fstat, fd, &st) == 0 && st.st_size == 0, "not empty");
	xclose((int)fd);

	/* ---- directories ---- */
	fd = xopen("/etc", O_RDONLY | O_DIRECTORY, 0);
	test_result("vfs_getdents_lists_etc", lists((int)fd, (const char *const[]){".", "..", "motd", "hostname", 0}),
		    "names missing or repeated");
	test_eq("vfs_getdents_at_end_zero", S(SYS_getdents64, fd, buf, sizeof(buf)), 0);
	test_eq("vfs_read_dir_eisdir", xread((int)fd, buf, 10), -EISDIR);
	xclose((int)fd);
	fd = xopen("/etc/motd", O_RDONLY, 0);
	test_eq("vfs_getdents_file_enotdir", S(SYS_getdents64, fd, buf, sizeof(buf)), -ENOTDIR);
	xclose((int)fd);
	test_eq("vfs_mkdir", S(SYS_mkdir, "/tmp", 0755), 0);
	test_eq("vfs_mkdir_existing_eexist", S(SYS_mkdir, "/tmp", 0755), -EEXIST);
	test_eq("vfs_mkdirat", S(SYS_mkdirat, AT_FDCWD, "/tmp/sub", 0700), 0);
	test_result("vfs_mkdir_mode", S(SYS_stat, "/tmp/sub", &st) == 0 && st.st_mode == (S_IFDIR | 0700), "wrong mode");
	test_eq("vfs_rename_into_dir", S(SYS_rename, "/data/new.txt", "/tmp/sub/moved.txt"), 0);
	test_eq("vfs_rename_old_gone_enoent", S(SYS_stat, "/data/new.txt", &st), -ENOENT);
	test_eq("vfs_renamed_is_there", S(SYS_stat, "/tmp/sub/moved.txt", &st), 0);
	test_eq("vfs_renameat", S(SYS_renameat, AT_FDCWD, "/tmp/sub/moved.txt", AT_FDCWD, "/tmp/sub/m2"), 0);

	/* ---- chdir, relative paths, getcwd ---- */
	test_eq("vfs_chdir", S(SYS_chdir, "/tmp/sub"), 0);
	memset(buf, 0x55, 64);
	r = S(SYS_getcwd, buf, sizeof(buf));
	test_result("vfs_getcwd", r == 9 && strcmp(buf, "/tmp/sub") == 0, "wrong path");
	test_eq("vfs_getcwd_small_erange", S(SYS_getcwd, buf, 5), -ERANGE);
	fd = xopen("m2", O_RDONLY, 0);
	test_eq("vfs_relative_open", fd >= 0, 1);
	xclose((int)fd);
	test_eq("vfs_relative_dotdot", S(SYS_stat, "../../etc/motd", &st) == 0 && st.st_size == (off_t)strlen(MOTD), 1);
	test_eq("vfs_chdir_file_enotdir", S(SYS_chdir, "/etc/motd"), -ENOTDIR);
	test_eq("vfs_chdir_root", S(SYS_chdir, "/"), 0);
	test_result("vfs_getcwd_root", S(SYS_getcwd, buf, sizeof(buf)) == 2 && strcmp(buf, "/") == 0, "wrong path");
	fd = xopen("/tmp", O_RDONLY | O_DIRECTORY, 0);
	test_eq("vfs_openat_dirfd", (fd2 = S(SYS_openat, fd, "sub/m2", O_RDONLY, 0)) >= 0, 1);
	xclose((int)fd2);

	/* ---- removing ---- */
	test_eq("vfs_rmdir_nonempty_enotempty", S(SYS_rmdir, "/tmp/sub"), -ENOTEMPTY);
	test_eq("vfs_unlink_dir_eisdir", S(SYS_unlink, "/tmp/sub"), -EISDIR);
	test_eq("vfs_unlink", S(SYS_unlink, "/tmp/sub/m2"), 0);
	test_eq("vfs_unlink_again_enoent", S(SYS_unlink, "/tmp/sub/m2"), -ENOENT);
	test_eq("vfs_unlinkat_removedir", S(SYS_unlinkat, fd, "sub", AT_REMOVEDIR), 0);
	xclose((int)fd);
	test_eq("vfs_rmdir", S(SYS_rmdir, "/tmp"), 0);
	test_eq("vfs_rmdir_gone_enoent", S(SYS_stat, "/tmp", &st), -ENOENT);
	test_eq("vfs_rmdir_file_enotdir", S(SYS_rmdir, "/etc/motd"), -ENOTDIR);

	/* ---- devices ---- */
	fd = xopen("/dev/zero", O_RDONLY, 0);
	test_eq("vfs_open_dev_zero", fd >= 0, 1);
	memset(buf, 0x77, 8192);
	test_result("vfs_read_dev_zero", xread((int)fd, buf, 6000) == 6000 && is_zero(buf, 6000) && buf[6000] == 0x77,
		    "not 6000 zeros");
	test_result("vfs_stat_dev_zero_chr", S(SYS_fstat, fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == 0x105,
		    "wrong mode or rdev");
	xclose((int)fd);
	fd = xopen("/dev/null", O_RDWR, 0);
	test_eq("vfs_write_dev_null", xwrite((int)fd, "gone", 4), 4);
	test_eq("vfs_read_dev_null_eof", xread((int)fd, buf, 10), 0);
	xclose((int)fd);

	/* ---- bad arguments ---- */
	test_eq("vfs_fstat_closed_ebadf", S(SYS_fstat, 42, &st), -EBADF);
	test_eq("vfs_lseek_closed_ebadf", xlseek(42, 0, SEEK_SET), -EBADF);
	test_eq("vfs_getdents_closed_ebadf", S(SYS_getdents64, 42, buf, sizeof(buf)), -EBADF);
	test_eq("vfs_openat_bad_dirfd_ebadf", S(SYS_openat, 42, "motd", O_RDONLY, 0), -EBADF);
	test_eq("vfs_chdir_missing_enoent", S(SYS_chdir, "/nowhere"), -ENOENT);
	test_eq("vfs_mkdir_root_eexist", S(SYS_mkdir, "/", 0755), -EEXIST);
	test_eq("vfs_mkdir_in_missing_enoent", S(SYS_mkdir, "/nowhere/x", 0755), -ENOENT);
	test_eq("vfs_rename_missing_enoent", S(SYS_rename, "/etc/none", "/etc/none2"), -ENOENT);
	test_eq("vfs_unlinkat_bad_flags_einval", S(SYS_unlinkat, AT_FDCWD, "/etc/motd", 0x1), -EINVAL);
	fd = xopen("/etc/hostname", O_RDWR | O_CREAT, 0600);
	test_result("vfs_creat_existing_opens_it", fd >= 0 && xread((int)fd, buf, 100) == 8 && memcmp(buf, "axolotl\n", 8) == 0,
		    "not the existing file");
	fd2 = xopen("/etc/hostname", O_WRONLY | O_APPEND, 0);
	test_eq("vfs_pwrite_append_leaves_offset", S(SYS_pwrite64, fd2, "x", 1, 0) == 1 && xlseek((int)fd2, 0, SEEK_CUR) == 0, 1);
	test_result("vfs_pwrite_append_appends", S(SYS_pread64, fd, buf, 100, 0) == 9 && memcmp(buf, "axolotl\nx", 9) == 0,
		    "not appended");
	xclose((int)fd);
	xclose((int)fd2);
	test_eq("vfs_bad_path_pointer_efault", xopen((const char *)8, O_RDONLY, 0), -EFAULT);
	test_eq("vfs_unknown_call_enosys", S(SYS_socket, 1, 1, 0), -ENOSYS);

	ax_printf("TESTS DONE\n");
	ax_poweroff(0);
	for (;;)
		;
}
