/*
 * File locks: POSIX record locks (fcntl F_GETLK, F_SETLK, F_SETLKW) between
 * processes, over ranges, shared and exclusive, let go by any close of the
 * file or by the owner's end; and BSD locks (flock), which belong to the
 * open file (a forked child shares them). Works in a file under /tmp.
 */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "../posixtest.h"

static char path[64];
static int fd; /* the parent's descriptor, read and write */

static int lock(int f, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};

	return fcntl(f, cmd, &fl);
}

/* In a child: what F_GETLK says of [start, start+len) for a write lock: the holder's pid, 0 if free, -1 on error. */
static int holder(int f, off_t start, off_t len, short type)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};

	if (fcntl(f, F_GETLK, &fl) < 0)
		return -1;
	return fl.l_type == F_UNLCK ? 0 : fl.l_pid;
}

static int child_sees_parent(void)
{
	int f = open(path, O_RDWR);

	return holder(f, 0, 10, F_WRLCK) == getppid() ? 0 : 1;
}

static int child_setlk_eagain(void)
{
	int f = open(path, O_RDWR);

	return lock(f, F_SETLK, F_WRLCK, 5, 1) < 0 && errno == EAGAIN ? 0 : 1;
}

static int child_other_range(void)
{
	int f = open(path, O_RDWR);

	return lock(f, F_SETLK, F_WRLCK, 10, 10) == 0 ? 0 : 1;
}

static int child_read_lock(void)
{
	int f = open(path, O_RDONLY);

	return lock(f, F_SETLK, F_RDLCK, 0, 10) == 0 ? 0 : 1;
}

static int child_write_lock_free(void)
{
	int f = open(path, O_RDWR);

	return lock(f, F_SETLK, F_WRLCK, 0, 0) == 0 ? 0 : 1;
}

/* F_SETLKW: waits for the parent's unlock (about 300 ms), then has the lock. */
static int child_setlkw_waits(void)
{
	int f = open(path, O_RDWR);
	int64_t t0 = pt_now();
	int r = lock(f, F_SETLKW, F_WRLCK, 0, 10);
	long ms = (long)((pt_now() - t0) / 1000000);

	return r == 0 && ms >= 150 ? 0 : 1;
}

static int child_flock_nb_busy(void)
{
	int f = open(path, O_RDONLY);

	return flock(f, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK ? 0 : 1;
}

static int child_flock_shared_fd(void)
{
	return flock(fd, LOCK_EX | LOCK_NB) == 0 ? 0 : 1; /* the inherited open file holds it already */
}

static int child_lock_and_exit(void)
{
	int f = open(path, O_RDWR);

	return lock(f, F_SETLK, F_WRLCK, 0, 0) == 0 ? 0 : 1; /* ends holding it */
}

static void run(const char *name, int (*fn)(void), const char *what)
{
	char why[160];

	report(name, pt_expect_exit(pt_fork(fn), 0, why, sizeof(why)), "%s: %s", what, why);
}

int main(void)
{
	int fd2, r;
	pid_t pid;

	pt_guard(PT_PROGRAM_LIMIT);
	mkdir("/tmp", 01777);
	snprintf(path, sizeof(path), "/tmp/posix_locks.%d", (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(fd, "0123456789abcdefghij", 20);

	report("posix_lock_setlk_write", lock(fd, F_SETLK, F_WRLCK, 0, 10) == 0, "F_SETLK: %s", pt_errname(errno));
	report("posix_lock_getlk_own_lock_is_free", holder(fd, 0, 10, F_WRLCK) == 0, "F_GETLK saw our own lock");
	run("posix_lock_getlk_names_the_holder", child_sees_parent, "F_GETLK in a child");
	run("posix_lock_setlk_conflict_eagain", child_setlk_eagain, "a child's F_SETLK");
	run("posix_lock_other_range_free", child_other_range, "a child locking bytes 10..19");
	report("posix_lock_unlock", lock(fd, F_SETLK, F_UNLCK, 0, 10) == 0, "F_UNLCK: %s", pt_errname(errno));
	run("posix_lock_free_after_unlock", child_write_lock_free, "a child's write lock");

	report("posix_lock_read_lock", lock(fd, F_SETLK, F_RDLCK, 0, 10) == 0, "F_RDLCK: %s", pt_errname(errno));
	run("posix_lock_read_locks_share", child_read_lock, "a child's read lock");
	run("posix_lock_read_blocks_write", child_setlk_eagain, "a child's write lock over a read lock");
	lock(fd, F_SETLK, F_UNLCK, 0, 0);

	lock(fd, F_SETLK, F_WRLCK, 0, 10);
	pid = pt_fork(child_setlkw_waits);
	pt_sleep_ms(300);
	lock(fd, F_SETLK, F_UNLCK, 0, 10);
	{
		char why[160];

		report("posix_lock_setlkw_waits_for_unlock", pt_expect_exit(pid, 0, why, sizeof(why)), "%s", why);
	}

	lock(fd, F_SETLK, F_WRLCK, 0, 0);
	fd2 = open(path, O_RDONLY);
	close(fd2); /* POSIX: closing any descriptor of the file lets the process's locks on it go */
	run("posix_lock_any_close_releases", child_write_lock_free, "a child's lock after our close of another fd");

	pid = pt_fork(child_lock_and_exit);
	{
		char why[160];

		pt_expect_exit(pid, 0, why, sizeof(why));
	}
	report("posix_lock_released_at_exit", lock(fd, F_SETLK, F_WRLCK, 0, 0) == 0, "F_SETLK after the holder ended: %s",
	       pt_errname(errno));
	lock(fd, F_SETLK, F_UNLCK, 0, 0);

	{
		int ro = open(path, O_RDONLY);

		errno = 0;
		r = lock(ro, F_SETLK, F_WRLCK, 0, 1);
		report("posix_lock_write_lock_needs_write_access_ebadf", r < 0 && errno == EBADF, "gave %d (%s)", r,
		       pt_errname(errno));
		close(ro);
	}

	report("posix_flock_exclusive", flock(fd, LOCK_EX) == 0, "flock: %s", pt_errname(errno));
	run("posix_flock_other_open_file_ewouldblock", child_flock_nb_busy, "a child's own open file");
	run("posix_flock_belongs_to_the_open_file", child_flock_shared_fd, "a child with the inherited descriptor");
	report("posix_flock_unlock", flock(fd, LOCK_UN) == 0, "LOCK_UN: %s", pt_errname(errno));
	{
		int f = open(path, O_RDONLY);

		report("posix_flock_free_after_unlock", flock(f, LOCK_EX | LOCK_NB) == 0, "flock: %s", pt_errname(errno));
		close(f);
	}
	errno = 0;
	r = flock(fd, 0);
	report("posix_flock_bad_operation_einval", r < 0 && errno == EINVAL, "gave %d (%s)", r, pt_errname(errno));

	close(fd);
	unlink(path);
	return 0;
}
