/*
 * Permissions. As root the program makes files and folders with chosen
 * modes and owners in a fresh folder under /tmp; then children drop to
 * unprivileged ids (setgroups, setgid, setuid) and meet the rules: the
 * owner's bits for the owner, the group's for a member (primary or
 * supplementary), the others' for the rest; search permission on every
 * folder of a path; write permission on a folder to add or remove names;
 * the sticky bit; chmod, chown and explicit times for the owner only;
 * access() with the real ids; set-group-id folders. The children report
 * their own checks.
 */
#define _FILE_OFFSET_BITS 64
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <sys/syscall.h>

#include "../posixtest.h"

#define USER 1000  /* the unprivileged user and its group */
#define OTHER 1001 /* another one */
#define EXTRA 2000 /* a group USER is a supplementary member of, in some checks */
#define SGID 3000  /* the set-group-id folder's group */

static char top[64];

/* Make path (relative to top) with mode and owner, holding s; 0 or -1. */
static int make(const char *path, mode_t mode, uid_t uid, gid_t gid, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int ok = fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s);

	close(fd);
	return ok && chown(path, uid, gid) == 0 && chmod(path, mode) == 0 ? 0 : -1;
}

static int make_dir(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	return mkdir(path, 0700) == 0 && chown(path, uid, gid) == 0 && chmod(path, mode) == 0 ? 0 : -1;
}

/* Copy program from to path with owner and mode (set after the owner, which would clear set-id bits); 0 or -1. */
static int copy_program(const char *from, const char *path, uid_t uid, gid_t gid, mode_t mode)
{
	static char b[65536];
	int in = open(from, O_RDONLY), out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	ssize_t n;
	int ok = in >= 0 && out >= 0;

	while (ok && (n = read(in, b, sizeof(b))) > 0)
		ok = write(out, b, (size_t)n) == n;
	close(in), close(out);
	return ok && chown(path, uid, gid) == 0 && chmod(path, mode) == 0 ? 0 : -1;
}

static int copy_helper(const char *path, mode_t mode)
{
	return copy_program(pt_bin("posix_helper"), path, 0, 0, mode);
}

/* Remove path and everything under it (as root), listing again until nothing is left. */
static void remove_tree(const char *path)
{
	struct stat st;
	struct dirent *e;
	char sub[512];
	int removed = 1, pass = 0;
	DIR *d;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	chmod(path, 0700);
	while (removed && pass++ < 8 && (d = opendir(path))) {
		removed = 0;
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			remove_tree(sub);
			removed = 1;
		}
		closedir(d);
	}
	rmdir(path);
}

/* Become uid/gid with the given supplementary groups (in a child); 0 or -1. */
static int become(uid_t uid, gid_t gid, int ngroups, const gid_t *groups)
{
	return setgroups((size_t)ngroups, groups) == 0 && setgid(gid) == 0 && setuid(uid) == 0 ? 0 : -1;
}

/* Open path with flags: 0 if it opened, else the errno. */
static int open_err(const char *path, int flags)
{
	int fd = open(path, flags, 0644);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int err(int r)
{
	return r < 0 ? errno : 0;
}

static const char *en(int e)
{
	return e ? pt_errname(e) : "success";
}

/* Run fn in a child as uid/gid (after groups), under the child time limit; report if it did not end well. */
static void as(const char *what, uid_t uid, gid_t gid, int ngroups, const gid_t *groups, void (*fn)(void))
{
	pid_t pid = fork();
	char why[120];

	if (pid == 0) {
		pt_guard(PT_CHILD_LIMIT);
		if (become(uid, gid, ngroups, groups) != 0) {
			pt_note("posix_perms: %s: cannot become %d:%d: %s", what, (int)uid, (int)gid, strerror(errno));
			_exit(2);
		}
		fn();
		_exit(0);
	}
	if (!pt_expect_exit(pid, 0, why, sizeof(why)))
		pt_note("posix_perms: the child for %s: %s", what, why);
}

/* What only root may do (Linux: CAP_SYS_TIME, CAP_SYS_ADMIN, CAP_SYS_NICE), tried as an unprivileged user. */
static void root_only_checks(void)
{
	struct timespec now;
	struct timeval tv;
	int r;

	clock_gettime(CLOCK_REALTIME, &now);
	errno = 0;
	r = clock_settime(CLOCK_REALTIME, &now);
	report("posix_perms_clock_settime_needs_root_eperm", r == -1 && errno == EPERM, "gave %d %s", r, en(errno));
	gettimeofday(&tv, 0);
	errno = 0;
	r = settimeofday(&tv, 0);
	report("posix_perms_settimeofday_needs_root_eperm", r == -1 && errno == EPERM, "gave %d %s", r, en(errno));
	errno = 0;
	r = sethostname("intruder", 8);
	report("posix_perms_sethostname_needs_root_eperm", r == -1 && errno == EPERM, "gave %d %s", r, en(errno));
	errno = 0;
	r = setpriority(PRIO_PROCESS, 1, 5);
	report("posix_perms_renice_another_users_process_eperm", r == -1 && errno == EPERM, "pid 1: gave %d %s", r,
	       en(errno));
	errno = 0;
	r = setpriority(PRIO_PROCESS, 0, -5);
	report("posix_perms_lower_own_nice_eacces", r == -1 && errno == EACCES, "gave %d %s", r, en(errno));
	r = setpriority(PRIO_PROCESS, 0, 3);
	report("posix_perms_raise_own_nice", r == 0 && getpriority(PRIO_PROCESS, 0) == 3, "gave %d, nice now %d", r,
	       getpriority(PRIO_PROCESS, 0));
}

static void user_checks(void)
{
	struct timespec t[2] = {{1000000000, 0}, {1000000000, 0}};
	char *argv[] = {"posix_helper", "exit", "7", 0};
	struct stat st;
	int e, e2, r, st2 = 0;
	pid_t pid;

	report("posix_setuid_child_is_unprivileged",
	       getuid() == USER && geteuid() == USER && getgid() == USER && getegid() == USER &&
	           getgroups(0, 0) == 0,
	       "uid %d euid %d gid %d egid %d, %d groups", (int)getuid(), (int)geteuid(), (int)getgid(),
	       (int)getegid(), getgroups(0, 0));

	/* power off, asked by a user other than root: refused before anything happens (Linux: CAP_SYS_BOOT) */
	e = err((int)syscall(SYS_reboot, 0xfee1deadL, 672274793L, 0x4321fedcL, 0L));
	report("posix_perms_reboot_needs_root_eperm", e == EPERM, "reboot(POWER_OFF) as uid %d: %s", (int)USER, en(e));

	/* a signal queued with its own siginfo, to root's init: kill(2)'s rule (asked with signal 0: nothing is sent) */
	{
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		si.si_code = SI_QUEUE;
		e = err((int)syscall(SYS_rt_sigqueueinfo, 1, 0, &si));
		e2 = err((int)syscall(SYS_rt_tgsigqueueinfo, 1, 1, 0, &si));
		report("posix_perms_sigqueue_to_root_eperm", e == EPERM && e2 == EPERM,
		       "rt_sigqueueinfo to pid 1: %s; rt_tgsigqueueinfo: %s", en(e), en(e2));
	}

	e = open_err("secret", O_RDONLY);
	report("posix_perms_read_denied_eacces", e == EACCES, "open of a 0600 root file for reading: %s", en(e));
	e = open_err("public", O_RDONLY);
	e2 = open_err("public", O_WRONLY);
	report("posix_perms_write_denied_read_allowed", e == 0 && e2 == EACCES,
	       "a 0644 root file: reading %s, writing %s", en(e), en(e2));
	e = open_err("public", O_RDONLY | O_TRUNC);
	report("posix_perms_trunc_needs_write_eacces", e == EACCES, "O_TRUNC of a 0644 root file: %s", en(e));
	e = open_err("public", O_RDONLY | O_CREAT);
	report("posix_perms_creat_of_existing_file_needs_no_folder_write", e == 0,
	       "O_CREAT of an existing file in a 0755 root folder: %s", en(e));
	e = err(truncate("public", 0));
	report("posix_perms_truncate_denied_eacces", e == EACCES, "truncate: %s", en(e));
	e = open_err("own-nobits", O_RDONLY);
	report("posix_perms_owner_bits_rule_for_owner", e == EACCES,
	       "the owner opening its 0066 file (others may read it): %s", en(e));
	e = open_err("group-read", O_RDONLY);
	e2 = open_err("group-read", O_WRONLY);
	report("posix_perms_group_bits_for_member", e == 0 && e2 == EACCES,
	       "a 0640 file of our group: reading %s, writing %s", en(e), en(e2));
	e = open_err("extra-group", O_RDONLY);
	report("posix_perms_not_member_gets_other_bits", e == EACCES,
	       "a 0060 file of a group we are not in: %s", en(e));

	pid = fork();
	if (pid == 0) {
		execve("prog-owner-x", argv, 0);
		_exit(100 + (errno & 31));
	}
	pt_wait(pid, &st2, 0);
	report("posix_perms_exec_denied_eacces", WIFEXITED(st2) && WEXITSTATUS(st2) == 100 + EACCES,
	       "exec of a 0744 root program: %s (100 + errno: exec failed)", pt_status(st2));
	pid = fork();
	if (pid == 0) {
		execve("prog-all-x", argv, 0);
		_exit(100 + (errno & 31));
	}
	pt_wait(pid, &st2, 0);
	report("posix_perms_exec_allowed_by_others_x", WIFEXITED(st2) && WEXITSTATUS(st2) == 7,
	       "exec of a 0755 root program: %s, wanted exited 7", pt_status(st2));

	e = err(stat("closed/f", &st));
	e2 = err(chdir("closed"));
	report("posix_perms_search_denied_eacces", e == EACCES && e2 == EACCES,
	       "stat in a 0700 root folder: %s; chdir into it: %s", en(e), en(e2));
	e = err(stat("search-only/f", &st));
	e2 = open_err("search-only", O_RDONLY | O_DIRECTORY);
	report("posix_perms_search_without_read", e == 0 && e2 == EACCES,
	       "a 0711 folder: stat inside %s, listing %s", en(e), en(e2));
	e = open_err("read-only-dir", O_RDONLY | O_DIRECTORY);
	e2 = err(stat("read-only-dir/f", &st));
	report("posix_perms_read_without_search", e == 0 && e2 == EACCES,
	       "a 0744 folder: listing %s, stat inside %s", en(e), en(e2));

	e = open_err("new-file", O_WRONLY | O_CREAT);
	e2 = err(mkdir("new-dir", 0755));
	report("posix_perms_create_in_unwritable_folder_eacces", e == EACCES && e2 == EACCES,
	       "creating a file in a 0755 root folder: %s; a folder: %s", en(e), en(e2));
	e = err(unlink("public"));
	e2 = err(rename("public", "userdir/stolen"));
	report("posix_perms_remove_from_unwritable_folder_eacces", e == EACCES && e2 == EACCES,
	       "unlink: %s; rename out: %s", en(e), en(e2));
	r = open("userdir/mine", O_WRONLY | O_CREAT, 0644);
	e = r < 0 ? errno : 0;
	close(r);
	r = stat("userdir/mine", &st);
	report("posix_perms_new_file_owned_by_creator", e == 0 && r == 0 && st.st_uid == USER && st.st_gid == USER,
	       "create: %s; owner %d:%d", en(e), (int)st.st_uid, (int)st.st_gid);

	e = err(chmod("public", 0666));
	report("posix_chmod_by_non_owner_eperm", e == EPERM, "chmod of a root file: %s", en(e));
	e = err(chmod("userdir/mine", 0600));
	r = stat("userdir/mine", &st);
	report("posix_chmod_by_owner", e == 0 && r == 0 && (st.st_mode & 07777) == 0600, "chmod: %s, mode %o", en(e),
	       (unsigned)(st.st_mode & 07777));
	e = err(chmod("userdir/foreign-group", 02755));
	r = stat("userdir/foreign-group", &st);
	report("posix_chmod_setgid_by_non_member_is_dropped", e == 0 && r == 0 && (st.st_mode & 07777) == 0755,
	       "chmod 2755 of our file of a group we are not in: %s, mode %o", en(e), (unsigned)(st.st_mode & 07777));
	e = err(chmod("userdir/mine", 02750));
	r = stat("userdir/mine", &st);
	report("posix_chmod_setgid_by_member_is_kept", e == 0 && r == 0 && (st.st_mode & 07777) == 02750,
	       "chmod 2750 of our file of our group: %s, mode %o", en(e), (unsigned)(st.st_mode & 07777));
	chmod("userdir/mine", 0600);

	pid = fork();
	if (pid == 0) {
		char *ids[] = {"posix_perms", "ids", 0};

		execve("setuid-prog", ids, 0);
		_exit(100 + (errno & 31));
	}
	pt_wait(pid, &st2, 0);
	report("posix_exec_setuid_program_gets_owner_ids", WIFEXITED(st2) && WEXITSTATUS(st2) == 0,
	       "the 06755 program owned by 0:%d %s (1: wrong euid, 2: wrong egid, 4: real ids changed; 100 + errno: "
	       "exec failed)",
	       SGID, pt_status(st2));

	e = err(chown("public", USER, -1));
	report("posix_chown_by_non_owner_eperm", e == EPERM, "chown of a root file to us: %s", en(e));
	e = err(chown("userdir/mine", 0, -1));
	report("posix_chown_give_away_eperm", e == EPERM, "chown of our own file to root: %s", en(e));
	e = err(chown("userdir/mine", -1, EXTRA));
	report("posix_chown_to_group_not_member_eperm", e == EPERM, "chown of our file to a group we are not in: %s",
	       en(e));
	e = err(chown("userdir/mine", USER, USER));
	report("posix_chown_to_own_ids_allowed", e == 0, "chown of our file to ourselves: %s", en(e));

	e = err(utimensat(AT_FDCWD, "public-rw", 0, 0));
	e2 = err(utimensat(AT_FDCWD, "public-rw", t, 0));
	report("posix_utimensat_non_owner_now_ok_explicit_eperm", e == 0 && e2 == EPERM,
	       "on a 0666 root file: UTIME_NOW %s, explicit times %s", en(e), en(e2));
	e = err(utimensat(AT_FDCWD, "public", 0, 0));
	report("posix_utimensat_now_without_write_eacces", e == EACCES, "on a 0644 root file: %s", en(e));

	/* the sticky folder (1777): our own files come and go, root's stay */
	e = err(unlink("sticky/roots"));
	e2 = err(rename("sticky/roots", "sticky/moved"));
	report("posix_sticky_folder_non_owner_cannot_remove_eperm", e == EPERM && e2 == EPERM,
	       "unlink of root's file: %s; rename: %s", en(e), en(e2));
	r = open("sticky/mine", O_WRONLY | O_CREAT, 0644);
	close(r);
	e = err(unlink("sticky/mine"));
	report("posix_sticky_folder_owner_removes_own_file", r >= 0 && e == 0, "create %d, unlink %s", r, en(e));
	e = err(unlink("open/roots"));
	report("posix_non_sticky_folder_anyone_with_write_removes", e == 0, "unlink of root's file in a 0777 folder: %s",
	       en(e));
	r = open("sticky/users", O_WRONLY | O_CREAT, 0644);
	close(r);

	e = open_err("suid-file", O_WRONLY);
	r = stat("suid-file", &st);
	if (e == 0) {
		int fd = open("suid-file", O_WRONLY);

		write(fd, "x", 1);
		close(fd);
		r = stat("suid-file", &st);
	}
	report("posix_write_by_non_root_clears_setuid", e == 0 && r == 0 && !(st.st_mode & S_ISUID),
	       "open: %s; mode after a write %o", en(e), (unsigned)(st.st_mode & 07777));
	root_only_checks();
}

static void other_checks(void)
{
	int e = err(unlink("sticky/users"));

	report("posix_sticky_folder_other_user_cannot_remove_eperm", e == EPERM,
	       "another user's unlink of a user's file: %s", en(e));
}

static void supplementary_checks(void)
{
	int e = open_err("extra-group", O_RDONLY), e2 = open_err("extra-group", O_WRONLY);

	report("posix_perms_supplementary_group_bits", e == 0 && e2 == 0, "a 0060 file of a supplementary group: %s, %s",
	       en(e), en(e2));
	e = err(chown("userdir/extra", -1, EXTRA));
	report("posix_chown_to_supplementary_group_allowed", e == 0, "chown to our supplementary group: %s", en(e));
}

/* access() checks with the real ids, open with the effective ones. */
static void real_id_checks(void)
{
	int e, e2, e3;

	if (setresuid(USER, 0, 0) != 0) {
		report("posix_access_uses_real_uid", 0, "setresuid(%d, 0, 0): %s", USER, pt_errname(errno));
		return;
	}
	e = err(access("secret", R_OK));
	e2 = open_err("secret", O_RDONLY);
	e3 = err(faccessat(AT_FDCWD, "secret", R_OK, AT_EACCESS));
	report("posix_access_uses_real_uid", e == EACCES && e2 == 0 && e3 == 0,
	       "real %d, effective 0: access %s, open %s, faccessat(AT_EACCESS) %s", USER, en(e), en(e2), en(e3));
	if (setresuid(0, USER, 0) != 0) {
		report("posix_access_real_root_effective_user", 0, "setresuid(0, %d, 0): %s", USER, pt_errname(errno));
		return;
	}
	e = err(access("secret", R_OK));
	e2 = open_err("secret", O_RDONLY);
	report("posix_access_real_root_effective_user", e == 0 && e2 == EACCES,
	       "real 0, effective %d: access %s, open %s", USER, en(e), en(e2));
}

static void root_checks(void)
{
	struct stat st;
	int e, r;

	e = open_err("nobody", O_RDWR);
	report("posix_root_reads_and_writes_mode_0_file", e == 0, "open of a 0000 file: %s", en(e));
	e = open_err("closed/f", O_RDONLY);
	report("posix_root_searches_mode_0700_folder_of_another", e == 0, "open: %s", en(e));

	/* a set-group-id folder: new names take its group; new folders keep the bit */
	r = open("sgid/file", O_WRONLY | O_CREAT, 0644);
	close(r);
	r = stat("sgid/file", &st);
	report("posix_setgid_folder_file_takes_folder_group", r == 0 && st.st_gid == SGID, "group %d, wanted %d (%s)",
	       (int)st.st_gid, SGID, pt_errname(errno));
	r = mkdir("sgid/sub", 0755) == 0 && stat("sgid/sub", &st) == 0;
	report("posix_setgid_folder_subfolder_inherits_bit", r && st.st_gid == SGID && (st.st_mode & S_ISGID),
	       "group %d mode %o", (int)st.st_gid, (unsigned)(st.st_mode & 07777));
}

int main(int argc, char **argv)
{
	static const gid_t extra[] = {EXTRA};
	int ok = 1;

	if (argc == 2 && strcmp(argv[1], "ids") == 0) /* exec'd as the set-user-id and set-group-id program */
		return (geteuid() != 0) | (getegid() != SGID) << 1 | (getuid() != USER || getgid() != USER) << 2;
	pt_guard(PT_PROGRAM_LIMIT);
	if (geteuid() != 0) {
		report("posix_perms_runs_as_root", 0, "euid %d: the checks need root to set owners", (int)geteuid());
		return 0;
	}
	umask(022);
	mkdir("/tmp", 01777);
	snprintf(top, sizeof(top), "/tmp/posix_perms.%d", (int)getpid());
	remove_tree(top);
	if (mkdir(top, 0755) != 0 || chmod(top, 0755) != 0 || chdir(top) != 0) {
		report("posix_perms_work_folder", 0, "cannot make %s: %s", top, strerror(errno));
		return 0;
	}
	ok = ok && make("secret", 0600, 0, 0, "s3cret") == 0;
	ok = ok && make("public", 0644, 0, 0, "for all") == 0;
	ok = ok && make("public-rw", 0666, 0, 0, "for all") == 0;
	ok = ok && make("nobody", 0000, 0, 0, "none") == 0;
	ok = ok && make("own-nobits", 0066, USER, USER, "x") == 0;
	ok = ok && make("group-read", 0640, 0, USER, "x") == 0;
	ok = ok && make("extra-group", 0060, 0, EXTRA, "x") == 0;
	ok = ok && make("suid-file", 04777, 0, 0, "x") == 0;
	ok = ok && copy_helper("prog-owner-x", 0744) == 0 && copy_helper("prog-all-x", 0755) == 0;
	ok = ok && make_dir("closed", 0700, 0, 0) == 0 && make("closed/f", 0644, 0, 0, "x") == 0;
	ok = ok && make_dir("search-only", 0711, 0, 0) == 0 && make("search-only/f", 0644, 0, 0, "x") == 0;
	ok = ok && make_dir("read-only-dir", 0744, 0, 0) == 0 && make("read-only-dir/f", 0644, 0, 0, "x") == 0;
	ok = ok && make_dir("userdir", 0755, USER, USER) == 0;
	ok = ok && make("userdir/extra", 0644, USER, USER, "x") == 0;
	ok = ok && make("userdir/foreign-group", 0644, USER, EXTRA, "x") == 0;
	ok = ok && copy_program(pt_bin("posix_perms"), "setuid-prog", 0, SGID, 06755) == 0;
	ok = ok && make_dir("sticky", 01777, 0, 0) == 0 && make("sticky/roots", 0666, 0, 0, "x") == 0;
	ok = ok && make_dir("open", 0777, 0, 0) == 0 && make("open/roots", 0666, 0, 0, "x") == 0;
	ok = ok && make_dir("sgid", 02775, 0, SGID) == 0;
	report("posix_perms_root_sets_up_modes_and_owners", ok, "setting up in %s failed: %s", top, strerror(errno));

	as("the user checks", USER, USER, 0, 0, user_checks);
	as("another user", OTHER, OTHER, 0, 0, other_checks);
	as("a supplementary group", USER, USER, 1, extra, supplementary_checks);
	{
		pid_t pid = fork();

		if (pid == 0) {
			pt_guard(PT_CHILD_LIMIT);
			real_id_checks();
			_exit(0);
		}
		pt_wait(pid, 0, 0);
	}
	root_checks();
	chdir("/");
	remove_tree(top);
	return 0;
}
