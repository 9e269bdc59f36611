/* vfs's descriptor tables and open-file table: Linux's rules for open, close, dup*, fcntl, fork and exec. */
#include "../../servers/vfs/fdtable.h"

#include "check.h"

static struct file_table ft;
static struct fd_table t, child;

/* What the release function was told. */
static int released;
static int released_file;
static uint64_t released_ino;
static uint64_t released_offset;

static void on_release(void *arg, int file, const struct open_file *f)
{
	(*(int *)arg)++;
	released_file = file;
	released_ino = f->node.ino;
	released_offset = f->offset;
}

static struct vnode node(uint64_t ino)
{
	return (struct vnode){.fs = 1, .ino = ino, .mode = S_IFREG | 0644};
}

static void reset(int files, uint32_t nofile)
{
	released = 0;
	released_ino = 0;
	files_init(&ft, files, on_release, &released);
	fd_table_init(&t, nofile);
	fd_table_init(&child, nofile);
}

static int open_ino(struct fd_table *tab, uint64_t ino, uint32_t flags)
{
	struct vnode v = node(ino);
	return fd_open(&ft, tab, &v, flags, false);
}

static void open_takes_the_lowest_free_descriptor(void)
{
	reset(FILE_MAX, 1024);
	CHECK(open_ino(&t, 10, O_RDONLY) == 0);
	CHECK(open_ino(&t, 11, O_RDONLY) == 1);
	CHECK(open_ino(&t, 12, O_RDONLY) == 2);
	CHECK(fd_close(&ft, &t, 1) == 0);
	CHECK(open_ino(&t, 13, O_RDONLY) == 1);
	CHECK(fd_file(&ft, &t, 1)->node.ino == 13);
	CHECK(open_ino(&t, 14, O_RDONLY) == 3);
	CHECK(ft.used == 4);
}

static void bad_descriptors_are_ebadf(void)
{
	reset(FILE_MAX, 1024);
	CHECK(fd_close(&ft, &t, 0) == -EBADF);
	CHECK(fd_close(&ft, &t, -1) == -EBADF);
	CHECK(fd_close(&ft, &t, FD_MAX) == -EBADF);
	CHECK(fd_file(&ft, &t, 5) == NULL);
	CHECK(fd_index(&t, 5) == -EBADF);
	CHECK(fd_getfd(&t, 3) == -EBADF);
	CHECK(fd_setfd(&t, 3, FD_CLOEXEC) == -EBADF);
	CHECK(fd_getfl(&ft, &t, 3) == -EBADF);
	CHECK(fd_setfl(&ft, &t, 3, O_APPEND) == -EBADF);
	CHECK(fd_dupfd(&ft, &t, 3, 0, false) == -EBADF);
	int fd = open_ino(&t, 1, O_RDONLY);
	CHECK(fd_close(&ft, &t, fd) == 0);
	CHECK(fd_close(&ft, &t, fd) == -EBADF); /* closed twice */
}

static void the_last_close_releases_the_open_file(void)
{
	reset(FILE_MAX, 1024);
	int a = open_ino(&t, 77, O_RDWR);
	int b = fd_dupfd(&ft, &t, a, 0, false);
	CHECK(b == 1 && fd_index(&t, a) == fd_index(&t, b));
	CHECK(ft.f[fd_index(&t, a)].refs == 2);
	fd_file(&ft, &t, a)->offset = 500;
	int file = fd_index(&t, a);
	CHECK(fd_close(&ft, &t, a) == 0);
	CHECK(released == 0 && ft.used == 1);
	CHECK(fd_close(&ft, &t, b) == 0);
	CHECK(released == 1 && released_file == file && released_ino == 77 && released_offset == 500);
	CHECK(ft.used == 0 && ft.f[file].refs == 0);
	/* the freed entry comes back clean */
	CHECK(open_ino(&t, 78, O_RDONLY) == 0);
	CHECK(fd_index(&t, 0) == file && fd_file(&ft, &t, 0)->offset == 0);
}

static void dup_shares_the_offset_and_status_flags(void)
{
	reset(FILE_MAX, 1024);
	int a = open_ino(&t, 1, O_RDWR);
	int b = fd_dupfd(&ft, &t, a, 0, false);
	fd_file(&ft, &t, a)->offset = 1234;
	CHECK(fd_file(&ft, &t, b)->offset == 1234);
	CHECK(fd_setfl(&ft, &t, b, O_NONBLOCK) == 0);
	CHECK(fd_getfl(&ft, &t, a) & O_NONBLOCK);
	/* a second open of the same file is a different open file */
	int c = open_ino(&t, 1, O_RDWR);
	CHECK(fd_index(&t, c) != fd_index(&t, a) && fd_file(&ft, &t, c)->offset == 0);
	CHECK(!(fd_getfl(&ft, &t, c) & O_NONBLOCK));
}

static void dupfd_takes_the_lowest_at_or_above_min(void)
{
	reset(FILE_MAX, 100);
	int a = open_ino(&t, 1, O_RDONLY);
	CHECK(fd_dupfd(&ft, &t, a, 10, false) == 10);
	CHECK(fd_dupfd(&ft, &t, a, 10, false) == 11);
	CHECK(fd_dupfd(&ft, &t, a, 0, false) == 1);
	CHECK(fd_dupfd(&ft, &t, a, 99, false) == 99);
	CHECK(fd_dupfd(&ft, &t, a, 99, false) == -EMFILE);
	CHECK(fd_dupfd(&ft, &t, a, 100, false) == -EINVAL); /* min at the limit */
	CHECK(fd_dupfd(&ft, &t, a, -1, false) == -EINVAL);
	CHECK(fd_dupfd(&ft, &t, 50, 0, false) == -EBADF);
	CHECK(ft.f[fd_index(&t, a)].refs == 5);
}

static void dup2_replaces_the_target(void)
{
	reset(FILE_MAX, 64);
	int a = open_ino(&t, 1, O_RDONLY);
	int b = open_ino(&t, 2, O_RDONLY);
	CHECK(fd_dup2(&ft, &t, a, b) == b);
	CHECK(released == 1 && released_ino == 2); /* b's old file went */
	CHECK(fd_file(&ft, &t, b)->node.ino == 1);
	CHECK(fd_dup2(&ft, &t, a, 40) == 40);
	CHECK(ft.f[fd_index(&t, a)].refs == 3);
	/* onto a descriptor of the same open file: nothing is released */
	CHECK(fd_dup2(&ft, &t, a, b) == b && released == 1 && ft.f[fd_index(&t, a)].refs == 3);
	/* to itself: the descriptor, if it is open */
	CHECK(fd_dup2(&ft, &t, a, a) == a && ft.f[fd_index(&t, a)].refs == 3);
	CHECK(fd_dup2(&ft, &t, 7, 7) == -EBADF);
	/* errors change nothing */
	CHECK(fd_dup2(&ft, &t, 7, b) == -EBADF);
	CHECK(fd_file(&ft, &t, b) != NULL);
	CHECK(fd_dup2(&ft, &t, a, 64) == -EBADF); /* at the limit */
	CHECK(fd_dup2(&ft, &t, a, -1) == -EBADF);
	CHECK(fd_dup2(&ft, &t, a, 63) == 63);
}

static void dup3_refuses_equal_descriptors_and_unknown_flags(void)
{
	reset(FILE_MAX, 64);
	int a = open_ino(&t, 1, O_RDONLY);
	CHECK(fd_dup3(&ft, &t, a, a, 0) == -EINVAL);
	CHECK(fd_dup3(&ft, &t, 9, 9, 0) == -EINVAL); /* EINVAL before EBADF, as Linux */
	CHECK(fd_dup3(&ft, &t, a, 5, O_NONBLOCK) == -EINVAL);
	CHECK(fd_dup3(&ft, &t, 9, 5, 0) == -EBADF);
	CHECK(fd_dup3(&ft, &t, a, 5, O_CLOEXEC) == 5 && fd_getfd(&t, 5) == FD_CLOEXEC);
	CHECK(fd_dup3(&ft, &t, a, 6, 0) == 6 && fd_getfd(&t, 6) == 0);
	CHECK(fd_dup3(&ft, &t, a, 64, 0) == -EBADF);
}

static void close_on_exec_is_per_descriptor(void)
{
	reset(FILE_MAX, 64);
	int a = open_ino(&t, 1, O_RDONLY | O_CLOEXEC);
	CHECK(fd_getfd(&t, a) == FD_CLOEXEC);
	int b = fd_dupfd(&ft, &t, a, 0, false); /* dup clears it */
	CHECK(fd_getfd(&t, b) == 0);
	int c = fd_dupfd(&ft, &t, a, 0, true); /* F_DUPFD_CLOEXEC sets it */
	CHECK(fd_getfd(&t, c) == FD_CLOEXEC);
	CHECK(fd_dup2(&ft, &t, a, 9) == 9 && fd_getfd(&t, 9) == 0);      /* dup2 clears it */
	CHECK(fd_setfd(&t, b, 3) == 0 && fd_getfd(&t, b) == FD_CLOEXEC); /* only that bit is kept */
	CHECK(fd_setfd(&t, b, 0) == 0 && fd_getfd(&t, b) == 0);
	int d = open_ino(&t, 2, O_RDONLY | O_CLOEXEC);
	int e = open_ino(&t, 3, O_RDONLY);
	fd_exec(&ft, &t);
	CHECK(fd_file(&ft, &t, a) == NULL && fd_file(&ft, &t, c) == NULL && fd_file(&ft, &t, d) == NULL);
	CHECK(fd_file(&ft, &t, b) != NULL && fd_file(&ft, &t, 9) != NULL && fd_file(&ft, &t, e) != NULL);
	CHECK(released == 1 && released_ino == 2);  /* file 1 lives on in b and 9 */
	CHECK(!(fd_getfl(&ft, &t, b) & O_CLOEXEC)); /* not a status flag */
}

static void status_flags_and_f_setfl(void)
{
	reset(FILE_MAX, 64);
	int a = open_ino(&t, 1, O_RDWR | O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY | O_CLOEXEC | O_APPEND);
	CHECK(fd_getfl(&ft, &t, a) == (O_RDWR | O_APPEND | O_LARGEFILE)); /* as Linux x86_64 shows it */
	CHECK(fd_setfl(&ft, &t, a, O_NONBLOCK | O_RDONLY | O_SYNC | O_CREAT) == 0);
	CHECK(fd_getfl(&ft, &t, a) == (O_RDWR | O_NONBLOCK | O_LARGEFILE)); /* only APPEND and NONBLOCK move */
	CHECK(fd_setfl(&ft, &t, a, O_APPEND | O_NONBLOCK) == 0);
	CHECK(fd_getfl(&ft, &t, a) == (O_RDWR | O_APPEND | O_NONBLOCK | O_LARGEFILE));
	CHECK(fd_setfl(&ft, &t, a, 0) == 0 && fd_getfl(&ft, &t, a) == (O_RDWR | O_LARGEFILE));
	int b = open_ino(&t, 2, O_WRONLY | O_SYNC | O_DIRECTORY | O_NOFOLLOW);
	CHECK(fd_getfl(&ft, &t, b) == (O_WRONLY | O_SYNC | O_DIRECTORY | O_NOFOLLOW | O_LARGEFILE));
	int c = open_ino(&t, 3, O_PATH | O_CLOEXEC | O_RDWR);
	CHECK(fd_getfl(&ft, &t, c) == O_PATH);
}

static void rlimit_nofile_bounds_each_table(void)
{
	reset(FILE_MAX, 3);
	CHECK(open_ino(&t, 1, 0) == 0 && open_ino(&t, 2, 0) == 1 && open_ino(&t, 3, 0) == 2);
	CHECK(open_ino(&t, 4, 0) == -EMFILE);
	CHECK(ft.used == 3); /* the refused open left nothing behind */
	CHECK(fd_dupfd(&ft, &t, 0, 0, false) == -EMFILE);
	CHECK(open_ino(&child, 5, 0) == 0); /* the limit is per table */
	fd_set_nofile(&t, 1);               /* lowering it closes nothing */
	CHECK(fd_file(&ft, &t, 2) != NULL);
	CHECK(fd_close(&ft, &t, 1) == 0);
	CHECK(open_ino(&t, 6, 0) == -EMFILE); /* 1 is free but not below the limit */
	CHECK(fd_dup2(&ft, &t, 0, 1) == -EBADF);
	fd_set_nofile(&t, 10);
	CHECK(open_ino(&t, 6, 0) == 1);
	/* a limit above the table's size is capped at it */
	fd_set_nofile(&t, 4096);
	CHECK(fd_dup2(&ft, &t, 0, FD_MAX - 1) == FD_MAX - 1);
	CHECK(fd_dup2(&ft, &t, 0, FD_MAX) == -EBADF);
	CHECK(fd_dupfd(&ft, &t, 0, FD_MAX, false) == -EMFILE);
}

static void the_system_wide_limit_is_enfile(void)
{
	reset(2, 64);
	CHECK(open_ino(&t, 1, 0) == 0);
	CHECK(open_ino(&child, 2, 0) == 0);
	CHECK(open_ino(&t, 3, 0) == -ENFILE);
	CHECK(fd_file(&ft, &t, 1) == NULL);         /* no descriptor taken */
	CHECK(fd_dupfd(&ft, &t, 0, 0, false) == 1); /* dup needs no new open file */
	fd_set_nofile(&t, 2);
	CHECK(open_ino(&t, 3, 0) == -EMFILE); /* both short: EMFILE, as Linux looks first */
	CHECK(fd_close(&ft, &child, 0) == 0);
	CHECK(open_ino(&child, 3, 0) == 0);
	files_init(&ft, FILE_MAX + 5, NULL, NULL);
	CHECK(ft.limit == FILE_MAX);
}

/* The last 64th of the table is root's: a user's open meets ENFILE there, root's goes on. */
static void the_last_open_files_are_kept_for_root(void)
{
	struct vnode v = node(1);
	int opened = 0, r;

	reset(128, 256);
	while ((r = fd_open(&ft, &t, &v, 0, false)) >= 0)
		opened++;
	CHECK(r == -ENFILE);
	CHECK(opened == 126);
	CHECK(fd_open(&ft, &child, &v, 0, true) >= 0);
	CHECK(fd_open(&ft, &child, &v, 0, true) >= 0);
	CHECK(fd_open(&ft, &child, &v, 0, true) == -ENFILE); /* root too, at the very end */
	CHECK(ft.used == 128);
}

static void fork_copies_the_table_and_shares_open_files(void)
{
	reset(FILE_MAX, 64);
	int a = open_ino(&t, 1, O_RDWR);
	int b = open_ino(&t, 2, O_RDWR | O_CLOEXEC);
	CHECK(fd_dup2(&ft, &t, a, 20) == 20);
	int stale = open_ino(&child, 9, 0); /* what child held before is dropped */
	CHECK(stale == 0);
	fd_fork(&ft, &t, &child);
	CHECK(released == 1 && released_ino == 9);
	CHECK(fd_index(&child, a) == fd_index(&t, a) && fd_index(&child, b) == fd_index(&t, b));
	CHECK(fd_index(&child, 20) == fd_index(&t, a));
	CHECK(fd_getfd(&child, b) == FD_CLOEXEC && child.nofile == 64);
	CHECK(ft.f[fd_index(&t, a)].refs == 4);
	fd_file(&ft, &child, a)->offset = 42; /* the offset is shared across fork */
	CHECK(fd_file(&ft, &t, a)->offset == 42);
	CHECK(fd_close(&ft, &child, b) == 0 && released == 1);                 /* the parent still has it */
	CHECK(fd_file(&ft, &child, 3) == NULL && open_ino(&child, 3, 0) == 1); /* lowest free in the child */
	fd_close_all(&ft, &t);
	CHECK(released == 2 && released_ino == 2); /* b: the parent's was the last */
	fd_close_all(&ft, &child);
	CHECK(released == 4 && ft.used == 0);
}

/* fork, exec and exit look only below the highest open descriptor, which follows opens and closes. */
static void the_highest_descriptor_bounds_fork_exec_and_exit(void)
{
	reset(FILE_MAX, 1024);
	CHECK(t.high == 0);
	int a = open_ino(&t, 1, 0);
	CHECK(a == 0 && t.high == 1);
	CHECK(fd_dup2(&ft, &t, a, 1023) == 1023 && t.high == 1024); /* the very last descriptor */
	CHECK(fd_dupfd(&ft, &t, a, 500, true) == 500 && t.high == 1024);
	fd_fork(&ft, &t, &child);
	CHECK(child.high == 1024 && fd_index(&child, 1023) == fd_index(&t, a) && fd_getfd(&child, 500) == FD_CLOEXEC);
	CHECK(fd_close(&ft, &t, 1023) == 0 && t.high == 501); /* down to the next open one */
	fd_exec(&ft, &child);
	CHECK(fd_file(&ft, &child, 500) == NULL && fd_file(&ft, &child, 1023) != NULL && child.high == 1024);
	CHECK(fd_close(&ft, &child, 1023) == 0 && child.high == 1);
	fd_close_all(&ft, &child);
	CHECK(child.high == 0 && fd_file(&ft, &child, 0) == NULL);
	fd_close_all(&ft, &t);
	CHECK(t.high == 0 && ft.used == 0 && released == 1);
}

static void exit_closes_everything(void)
{
	reset(FILE_MAX, 1024);
	for (int i = 0; i < 100; i++)
		CHECK(open_ino(&t, (uint64_t)i, i % 2 ? O_CLOEXEC : 0) == i);
	CHECK(fd_dup2(&ft, &t, 5, 900) == 900);
	CHECK(ft.used == 100);
	fd_close_all(&ft, &t);
	CHECK(released == 100 && ft.used == 0);
	for (int fd = 0; fd < FD_MAX; fd++)
		CHECK(fd_index(&t, fd) == -EBADF);
}

static void a_hold_keeps_the_open_file_alive(void)
{
	reset(FILE_MAX, 64);
	int a = open_ino(&t, 5, O_RDONLY);
	int file = fd_index(&t, a);
	file_hold(&ft, file); /* a call in progress on it */
	CHECK(fd_close(&ft, &t, a) == 0 && released == 0);
	file_drop(&ft, file);
	CHECK(released == 1 && released_ino == 5 && ft.used == 0);
	file_drop(&ft, file); /* a free entry: nothing happens */
	file_hold(&ft, file);
	CHECK(ft.f[file].refs == 0 && released == 1);
}

static void a_zeroed_table_has_no_room(void)
{
	reset(FILE_MAX, 64);
	struct fd_table z;
	memset(&z, 0, sizeof(z));
	CHECK(open_ino(&z, 1, 0) == -EMFILE);
	CHECK(fd_index(&z, 0) == -EBADF);
}

int main(void)
{
	RUN(open_takes_the_lowest_free_descriptor);
	RUN(bad_descriptors_are_ebadf);
	RUN(the_last_close_releases_the_open_file);
	RUN(dup_shares_the_offset_and_status_flags);
	RUN(dupfd_takes_the_lowest_at_or_above_min);
	RUN(dup2_replaces_the_target);
	RUN(dup3_refuses_equal_descriptors_and_unknown_flags);
	RUN(close_on_exec_is_per_descriptor);
	RUN(status_flags_and_f_setfl);
	RUN(rlimit_nofile_bounds_each_table);
	RUN(the_system_wide_limit_is_enfile);
	RUN(the_last_open_files_are_kept_for_root);
	RUN(fork_copies_the_table_and_shares_open_files);
	RUN(the_highest_descriptor_bounds_fork_exec_and_exit);
	RUN(exit_closes_everything);
	RUN(a_hold_keeps_the_open_file_alive);
	RUN(a_zeroed_table_has_no_room);
	return check_exit();
}
