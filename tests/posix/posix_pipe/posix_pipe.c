/*
 * Pipes: pipe and pipe2's flags, end of file once every writer has closed,
 * EPIPE and SIGPIPE once every reader has, PIPE_BUF's atomicity with many
 * writers, a large write read in small pieces, FIONREAD, a pipeline of
 * three processes, and a blocking read interrupted by a signal handler
 * (EINTR without SA_RESTART, restarted with it).
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#include "../posixtest.h"

/* Read exactly n bytes (fewer only at end of file or on an error); the count. */
static ssize_t read_full(int fd, void *b, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)b + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static void test_basics(void)
{
	int p[2], q[2], r, e;
	char b[64];
	struct stat st;
	ssize_t n;

	r = pipe(p);
	n = write(p[1], "through", 7);
	memset(b, 0, sizeof(b));
	report("posix_pipe_carries_bytes", r == 0 && n == 7 && read(p[0], b, sizeof(b)) == 7 && strcmp(b, "through") == 0,
	       "pipe gave %d, write %zd, read \"%s\"", r, n, b);
	n = write(p[1], "0123456789", 10);
	r = (int)read(p[0], b, sizeof(b));
	report("posix_pipe_read_returns_what_is_there", n == 10 && r == 10, "write %zd, read %d", n, r);
	r = fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode);
	report("posix_pipe_fstat_is_fifo", r, "mode %o", (unsigned)st.st_mode);
	r = fcntl(p[0], F_GETFL) & O_ACCMODE;
	e = fcntl(p[1], F_GETFL) & O_ACCMODE;
	report("posix_pipe_ends_read_only_and_write_only", r == O_RDONLY && e == O_WRONLY, "access modes %d and %d", r,
	       e);
	errno = 0;
	n = write(p[0], "x", 1);
	e = errno;
	errno = 0;
	r = (int)read(p[1], b, 1);
	report("posix_pipe_wrong_end_ebadf", n < 0 && e == EBADF && r < 0 && errno == EBADF,
	       "write to the read end gave %zd (%s), read from the write end %d (%s)", n, pt_errname(e), r,
	       pt_errname(errno));
	errno = 0;
	r = (int)lseek(p[0], 0, SEEK_SET);
	report("posix_pipe_lseek_espipe", r < 0 && errno == ESPIPE, "lseek gave %d (%s)", r, pt_errname(errno));
	n = write(p[1], b, 123);
	r = -1;
	e = ioctl(p[0], FIONREAD, &r);
	report("posix_pipe_fionread_counts_unread_bytes", n == 123 && e == 0 && r == 123, "ioctl gave %d, count %d", e,
	       r);
	close(p[0]), close(p[1]);
	errno = 0;
	r = pipe((int *)pt_opaque(16));
	report("posix_pipe_bad_pointer_efault", r < 0 && errno == EFAULT, "pipe gave %d (%s)", r, pt_errname(errno));

	r = pipe2(q, O_CLOEXEC);
	report("posix_pipe2_cloexec_marks_both_ends",
	       r == 0 && fcntl(q[0], F_GETFD) == FD_CLOEXEC && fcntl(q[1], F_GETFD) == FD_CLOEXEC,
	       "pipe2 gave %d, flags %d and %d", r, fcntl(q[0], F_GETFD), fcntl(q[1], F_GETFD));
	close(q[0]), close(q[1]);
	r = pipe(q);
	report("posix_pipe_without_flags_not_cloexec", r == 0 && fcntl(q[0], F_GETFD) == 0 && fcntl(q[1], F_GETFD) == 0,
	       "flags %d and %d", fcntl(q[0], F_GETFD), fcntl(q[1], F_GETFD));
	close(q[0]), close(q[1]);
	errno = 0;
	r = pipe2(q, 0x4000000);
	report("posix_pipe2_bad_flags_einval", r < 0 && errno == EINVAL, "pipe2 gave %d (%s)", r, pt_errname(errno));

	r = pipe2(q, O_NONBLOCK);
	errno = 0;
	n = read(q[0], b, 1);
	report("posix_pipe2_nonblock_empty_read_eagain", r == 0 && n < 0 && errno == EAGAIN, "read gave %zd (%s)", n,
	       pt_errname(errno));
	{
		static char chunk[4096];
		long total = 0;

		while ((n = write(q[1], chunk, sizeof(chunk))) > 0 && total < (16L << 20))
			total += n;
		e = errno;
		report("posix_pipe2_nonblock_full_write_eagain", n < 0 && e == EAGAIN && total >= PIPE_BUF,
		       "write gave %zd (%s) after %ld bytes", n, pt_errname(e), total);
		/* with room for fewer than PIPE_BUF bytes, a write of PIPE_BUF takes none of them */
		n = read(q[0], chunk, 100);
		errno = 0;
		r = (int)write(q[1], chunk, PIPE_BUF);
		e = errno;
		report("posix_pipe_nonblock_small_write_all_or_nothing", n == 100 && r < 0 && e == EAGAIN,
		       "with 100 bytes free a write of %d gave %d (%s)", PIPE_BUF, r, pt_errname(e));
		r = ioctl(q[0], FIONREAD, &e);
		report("posix_pipe_fionread_full_pipe", r == 0 && e == total - 100, "FIONREAD gave %d, wanted %ld", e,
		       total - 100);
	}
	close(q[0]), close(q[1]);

	{
		static char big[100000];

		r = pipe2(q, O_NONBLOCK);
		n = write(q[1], big, sizeof(big));
		report("posix_pipe_nonblock_large_write_is_partial", r == 0 && n > 0 && n < (ssize_t)sizeof(big),
		       "a write of %zu bytes into an empty pipe gave %zd (%s)", sizeof(big), n, pt_errname(errno));
		close(q[1]);
		while (read(q[0], big, sizeof(big)) > 0)
			;
		errno = 0;
		n = read(q[0], b, 1);
		report("posix_pipe_nonblock_read_without_writers_eof", n == 0, "read gave %zd (%s)", n, pt_errname(errno));
		close(q[0]);
	}
}

static void test_eof(void)
{
	int p[2], st = 0, r, w2;
	char b[8];
	pid_t pid;
	ssize_t n, n2;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		pt_sleep_ms(50);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	close(p[1]);
	n = read(p[0], b, sizeof(b));
	n2 = read(p[0], b, sizeof(b));
	r = pt_wait(pid, &st, 0) == pid;
	report("posix_pipe_eof_once_every_writer_closed", n == 1 && n2 == 0 && r, "reads gave %zd then %zd (child %s)",
	       n, n2, pt_status(st));
	close(p[0]);

	pipe(p);
	w2 = dup(p[1]);
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	errno = 0;
	n = read(p[0], b, 1);
	r = errno;
	close(w2);
	n2 = read(p[0], b, 1);
	report("posix_pipe_no_eof_while_a_dup_writes", n < 0 && r == EAGAIN && n2 == 0,
	       "with a dup open read gave %zd (%s); after closing it %zd", n, pt_errname(r), n2);
	close(p[0]);
}

static volatile sig_atomic_t got_pipe, got_usr1;
static void on_pipe(int sig)
{
	(void)sig, got_pipe++;
}
static void on_usr1(int sig)
{
	(void)sig, got_usr1++;
}

static int write_to_closed_pipe(void)
{
	int p[2];

	pipe(p);
	close(p[0]);
	write(p[1], "x", 1);
	return 3; /* SIGPIPE should have ended us */
}

static void test_epipe(void)
{
	struct sigaction sa = {.sa_handler = on_pipe}, old;
	int p[2], st = 0, e;
	ssize_t n;
	pid_t pid;

	pid = pt_fork(write_to_closed_pipe);
	st = 0;
	pt_wait(pid, &st, 0);
	report("posix_pipe_write_without_reader_sigpipe_kills", WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "child %s",
	       pt_status(st));

	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, &old);
	pipe(p);
	close(p[0]);
	got_pipe = 0;
	errno = 0;
	n = write(p[1], "x", 1);
	e = errno;
	report("posix_pipe_write_without_reader_caught_epipe", n < 0 && e == EPIPE && got_pipe == 1,
	       "write gave %zd (%s), handler ran %d times", n, pt_errname(e), (int)got_pipe);
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	n = write(p[1], "x", 1);
	report("posix_pipe_write_without_reader_ignored_epipe", n < 0 && errno == EPIPE, "write gave %zd (%s)", n,
	       pt_errname(errno));
	close(p[1]);
	sigaction(SIGPIPE, &old, 0);

	/* a reader that goes away while the writer is blocked on a full pipe */
	pipe(p);
	pid = fork();
	if (pid == 0) {
		static char chunk[8192];
		long total = 0;
		ssize_t w;

		pt_guard(PT_CHILD_LIMIT);
		close(p[0]);
		signal(SIGPIPE, SIG_IGN);
		while ((w = write(p[1], chunk, sizeof(chunk))) > 0)
			total += w;
		_exit(w < 0 && errno == EPIPE ? 0 : 1);
	}
	close(p[1]);
	pt_sleep_ms(100);
	close(p[0]);
	{
		char why[120];

		report("posix_pipe_blocked_writer_gets_epipe_when_reader_closes", pt_expect_exit(pid, 0, why, sizeof(why)),
		       "%s (1: not EPIPE)", why);
	}
}

enum { WRITERS = 8, RECORDS = 1000, RECORD = 512 };

/* Writer w's record i: its number, the index, then a byte pattern of both. */
static void make_record(unsigned char *b, int w, int i)
{
	b[0] = (unsigned char)w;
	b[1] = (unsigned char)(i >> 8), b[2] = (unsigned char)i;
	for (int k = 3; k < RECORD; k++)
		b[k] = (unsigned char)(w * 31 + i * 7 + k);
}

static void test_atomic(void)
{
	static unsigned char rec[RECORD], want[RECORD], buf[RECORD * 3 + 100];
	int p[2], next[WRITERS] = {0}, bad = 0, reaped = 0, st;
	pid_t kids[WRITERS];
	size_t have = 0;
	long records = 0;
	int64_t t0 = pt_now();

	pipe(p);
	for (int w = 0; w < WRITERS; w++) {
		kids[w] = fork();
		if (kids[w] == 0) {
			pt_guard(PT_CHILD_LIMIT);
			close(p[0]);
			for (int i = 0; i < RECORDS; i++) {
				make_record(rec, w, i);
				if (write(p[1], rec, RECORD) != RECORD)
					_exit(1);
			}
			_exit(0);
		}
	}
	close(p[1]);
	/* reads of odd sizes, so record boundaries fall anywhere in them */
	for (;;) {
		ssize_t n = read(p[0], buf + have, 700 + (size_t)(records % 300));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		while (have >= RECORD) {
			int w = buf[0], i = buf[1] << 8 | buf[2];

			if (w >= WRITERS || i != next[w]) {
				bad++;
			} else {
				make_record(want, w, i);
				bad += memcmp(buf, want, RECORD) != 0;
				next[w]++;
			}
			records++;
			memmove(buf, buf + RECORD, have - RECORD);
			have -= RECORD;
		}
		if (bad)
			break;
	}
	close(p[0]);
	for (int w = 0; w < WRITERS; w++) {
		st = 0;
		if (kids[w] > 0 && pt_wait(kids[w], &st, 0) == kids[w] && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			reaped++;
	}
	report("posix_pipe_buf_writes_atomic_8_writers",
	       bad == 0 && records == WRITERS * RECORDS && have == 0 && reaped == WRITERS,
	       "%ld whole records of %d, %d torn or out of order, %zu bytes left over, %d writers ended well", records,
	       WRITERS * RECORDS, bad, have, reaped);
	pt_note("posix_pipe_buf_writes_atomic_8_writers: %d x %d records of %d bytes in %lld ms", WRITERS, RECORDS,
	        RECORD, (long long)((pt_now() - t0) / 1000000));
}

static void test_large(void)
{
	enum { SIZE = 1 << 20 };
	static unsigned char big[SIZE];
	unsigned char piece[1000];
	int p[2], st = 0, bad = 0, reads = 0;
	long got = 0;
	pid_t pid;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		pt_guard(PT_CHILD_LIMIT);
		close(p[0]);
		for (long i = 0; i < SIZE; i++)
			big[i] = (unsigned char)(i * 13 + (i >> 12));
		_exit(write(p[1], big, SIZE) == SIZE ? 0 : 1);
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], piece, sizeof(piece));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		reads++;
		for (ssize_t k = 0; k < n; k++, got++)
			bad += piece[k] != (unsigned char)(got * 13 + (got >> 12));
	}
	close(p[0]);
	pt_wait(pid, &st, 0);
	report("posix_pipe_1mib_write_read_in_small_pieces",
	       got == SIZE && bad == 0 && reads >= SIZE / 1000 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "%ld bytes in %d reads, %d wrong; the writer %s (1: short write)", got, reads, bad, pt_status(st));
}

/* parent -> child (upper-cases) -> grandchild (reverses) -> parent */
static void test_pipeline(void)
{
	int a[2], b[2], c[2], st1 = 0;
	char out[64] = "";
	const char *msg = "pipeline";
	pid_t child;
	ssize_t n, n2;

	pipe(a), pipe(c);
	child = fork();
	if (child == 0) {
		pid_t grandchild;
		char s[64];
		ssize_t k;

		pt_guard(PT_CHILD_LIMIT);
		close(a[1]), close(c[0]);
		pipe(b);
		grandchild = fork();
		if (grandchild == 0) {
			close(a[0]), close(b[1]);
			k = read_full(b[0], s, sizeof(s));
			for (ssize_t i = 0; i < k / 2; i++) {
				char t = s[i];

				s[i] = s[k - 1 - i], s[k - 1 - i] = t;
			}
			_exit(write(c[1], s, (size_t)k) == k ? 0 : 1);
		}
		close(b[0]), close(c[1]);
		k = read_full(a[0], s, sizeof(s));
		for (ssize_t i = 0; i < k; i++)
			s[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
		write(b[1], s, (size_t)k);
		close(b[1]);
		_exit(pt_wait(grandchild, &st1, 0) == grandchild && WIFEXITED(st1) && WEXITSTATUS(st1) == 0 ? 0 : 1);
	}
	close(a[0]), close(c[1]);
	write(a[1], msg, strlen(msg));
	close(a[1]);
	n = read_full(c[0], out, sizeof(out) - 1);
	out[n > 0 ? n : 0] = 0;
	n2 = read(c[0], out + 40, 1);
	close(c[0]);
	pt_wait(child, &st1, 0);
	report("posix_pipeline_of_three_processes", strcmp(out, "ENILEPIP") == 0 && n2 == 0 && WIFEXITED(st1) &&
	                                                WEXITSTATUS(st1) == 0,
	       "got \"%s\" (wanted \"ENILEPIP\"), then %zd; the child %s", out, n2, pt_status(st1));
}

/* A child that sends SIGUSR1 to its parent every 100 ms (after a first 100 ms), and after
 * `write_after` ms (if not 0) writes one byte into fd. */
static pid_t pester(int fd, int write_after)
{
	pid_t pid = fork();

	if (pid == 0) {
		pt_guard(PT_CHILD_LIMIT);
		for (int ms = 100; ms <= 5000; ms += 100) {
			pt_sleep_ms(100);
			kill(getppid(), SIGUSR1);
			if (write_after && ms + 100 >= write_after) {
				pt_sleep_ms(100);
				write(fd, "z", 1);
				_exit(0);
			}
		}
		_exit(0);
	}
	return pid;
}

static void test_interrupt(void)
{
	struct sigaction sa = {.sa_handler = on_usr1};
	int p[2], st = 0, e;
	char b[4] = "";
	ssize_t n;
	pid_t pid;
	int64_t t0;

	pipe(p);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	sigaction(SIGUSR1, &sa, 0);
	got_usr1 = 0;
	pid = pester(p[1], 0);
	t0 = pt_now();
	errno = 0;
	n = read(p[0], b, 1);
	e = errno;
	kill(pid, SIGKILL);
	pt_wait(pid, &st, 0);
	report("posix_pipe_read_interrupted_without_restart_eintr", n < 0 && e == EINTR && got_usr1 >= 1,
	       "read gave %zd (%s) after %lld ms, handler ran %d times", n, pt_errname(e),
	       (long long)((pt_now() - t0) / 1000000), (int)got_usr1);

	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, 0);
	got_usr1 = 0;
	pid = pester(p[1], 300);
	errno = 0;
	n = read(p[0], b, 1);
	e = errno;
	pt_wait(pid, &st, 0);
	report("posix_pipe_read_restarted_with_sa_restart", n == 1 && b[0] == 'z' && got_usr1 >= 1,
	       "read gave %zd (%s) '%c', handler ran %d times", n, pt_errname(e), b[0] ? b[0] : '?', (int)got_usr1);
	signal(SIGUSR1, SIG_DFL);
	close(p[0]), close(p[1]);
}

/* A named pipe (mkfifo): a writer and a reader that open it by name meet, and the reader sees end of file. */
static void test_fifo(void)
{
	char path[64], b[16] = "";
	int fd, st = 0;
	ssize_t n, n2;
	pid_t pid;

	mkdir("/tmp", 01777);
	snprintf(path, sizeof(path), "/tmp/posix_pipe.fifo.%d", (int)getpid());
	unlink(path);
	if (mkfifo(path, 0600) != 0) {
		report("posix_fifo_open_by_name_carries_bytes", 0, "mkfifo: %s", pt_errname(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		pt_guard(PT_CHILD_LIMIT);
		fd = open(path, O_WRONLY);
		_exit(fd >= 0 && write(fd, "fifo", 4) == 4 ? 0 : 1);
	}
	fd = open(path, O_RDONLY);
	n = read_full(fd, b, sizeof(b) - 1);
	n2 = read(fd, b + 8, 1);
	pt_wait(pid, &st, 0);
	report("posix_fifo_open_by_name_carries_bytes",
	       fd >= 0 && n == 4 && memcmp(b, "fifo", 4) == 0 && n2 == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "open gave %d (%s), read %zd \"%.4s\" then %zd; the writer %s", fd, pt_errname(errno), n, b, n2,
	       pt_status(st));
	close(fd);
	{
		struct stat sb;
		int rd, wr, rw;

		errno = 0;
		wr = open(path, O_WRONLY | O_NONBLOCK);
		report("posix_fifo_nonblocking_writer_without_reader_enxio", wr < 0 && errno == ENXIO, "open gave %d (%s)",
		       wr, pt_errname(errno));
		rd = open(path, O_RDONLY | O_NONBLOCK);
		wr = rd >= 0 ? open(path, O_WRONLY | O_NONBLOCK) : -1;
		report("posix_fifo_nonblocking_reader_opens_at_once_then_a_writer", rd >= 0 && wr >= 0, "reader %d writer %d (%s)",
		       rd, wr, pt_errname(errno));
		report("posix_fifo_bytes_through_nonblocking_ends",
		       wr >= 0 && write(wr, "ab", 2) == 2 && read(rd, b, sizeof(b)) == 2 && memcmp(b, "ab", 2) == 0,
		       "write or read failed (%s)", pt_errname(errno));
		report("posix_fifo_fstat_is_a_fifo", rd >= 0 && fstat(rd, &sb) == 0 && S_ISFIFO(sb.st_mode),
		       "fstat mode %o", rd >= 0 ? (unsigned)sb.st_mode : 0u);
		close(wr);
		close(rd);
		rw = open(path, O_RDWR);
		report("posix_fifo_read_write_open_does_not_wait", rw >= 0, "open O_RDWR: %s", pt_errname(errno));
		close(rw);
	}
	unlink(path);
}

/* sendfile: from a file into a pipe, with and without an offset pointer; not from a pipe. */
static void test_sendfile(void)
{
	char path[64], b[32] = "";
	int f, p[2];
	off_t off = 2;
	ssize_t n, n2;

	mkdir("/tmp", 01777);
	snprintf(path, sizeof(path), "/tmp/posix_pipe.sendfile.%d", (int)getpid());
	f = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	write(f, "0123456789", 10);
	lseek(f, 0, SEEK_SET);
	pipe(p);
	n = sendfile(p[1], f, 0, 4);
	n2 = read(p[0], b, sizeof(b));
	report("posix_sendfile_file_to_pipe_moves_the_offset",
	       n == 4 && n2 == 4 && memcmp(b, "0123", 4) == 0 && lseek(f, 0, SEEK_CUR) == 4,
	       "sendfile %zd, read %zd \"%.4s\", offset %ld", n, n2, b, (long)lseek(f, 0, SEEK_CUR));
	n = sendfile(p[1], f, &off, 3);
	n2 = read(p[0], b, sizeof(b));
	report("posix_sendfile_with_offset_leaves_the_file_offset",
	       n == 3 && n2 == 3 && memcmp(b, "234", 3) == 0 && off == 5 && lseek(f, 0, SEEK_CUR) == 4,
	       "sendfile %zd, read %zd, off %ld, file offset %ld", n, n2, (long)off, (long)lseek(f, 0, SEEK_CUR));
	errno = 0;
	n = sendfile(f, p[0], 0, 4);
	report("posix_sendfile_from_a_pipe_einval", n < 0 && errno == EINVAL, "gave %zd (%s)", n, pt_errname(errno));
	close(p[0]);
	close(p[1]);
	close(f);
	unlink(path);
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_basics();
	test_eof();
	test_epipe();
	test_atomic();
	test_large();
	test_pipeline();
	test_interrupt();
	test_fifo();
	test_sendfile();
	return 0;
}
