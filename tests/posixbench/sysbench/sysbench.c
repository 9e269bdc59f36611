/*
 * sysbench: whole-system operations timed with the time stamp counter, the
 * same static binary on Axolotl and on Linux in the same QEMU (as
 * posixbench, whose conventions it follows: "BENCH <name> <cycles> <runs>",
 * then "BENCHES DONE"; under -icount shift=0 cycles are instructions).
 *
 *   dd_16m_64k    `dd if=/tmp/sysbench.16m of=/dev/null bs=64k` (BusyBox dd,
 *                 fork + exec + 256 reads of 64 KiB + wait), the issue's
 *                 target: reading a 16 MiB file from the RAM file system
 *   read_16m_64k  the same 256 reads done in this process (no fork, no exec)
 *   write_16m_64k writing the 16 MiB file in 64 KiB pieces
 *   pipe_1m_4k    1 MiB through a pipe to a child, 4 KiB writes
 *
 * and, per operation (the mean of OPS_SMALL, fastest of RUNS runs):
 *
 *   open_read_close  open("/tmp/sb/f") (three components), read 4 KiB, close
 *   stat_4           stat("/tmp/sb/d/g") (four components)
 *   fork_exec_wait   libc's fork(), the child execv()s this program (static
 *                    musl, tens of KiB) which exits 0 at once, the parent waitpid()s
 *   pipe_pingpong    one byte to a child and one back, through two pipes
 *
 * The file lives in /tmp: ramfs on Axolotl, the initramfs's rootfs (tmpfs)
 * on Linux. Each figure is the fastest of RUNS runs (the first run warms
 * the caches and TCG's translations). With an argument, it is the path of
 * dd (default /bin/dd). As /init (Linux) it powers off at the end; run as a
 * command (Axolotl's qemu-run --cmd) it exits 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FILE_BYTES (16u << 20)
#define PIECE (64u << 10)
#define PIPE_BYTES (1u << 20)
#define PIPE_PIECE 4096u
#define RUNS 4
#define OPS_SMALL 200 /* operations per run of the per-operation figures */

static const char big[] = "/tmp/sysbench.16m";
static char buf[PIECE];

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static void say(const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(1, s, n);

		if (w <= 0)
			return;
		s += w, n -= (size_t)w;
	}
}

static void report(const char *name, uint64_t cycles)
{
	char line[128];

	snprintf(line, sizeof(line), "BENCH %s %llu.0 %d\n", name, (unsigned long long)cycles, RUNS);
	say(line);
}

static void report_per_op(const char *name, uint64_t cycles)
{
	char line[128];
	uint64_t tenths = (cycles * 10 + OPS_SMALL / 2) / OPS_SMALL;

	snprintf(line, sizeof(line), "BENCH %s %llu.%llu %d\n", name, (unsigned long long)(tenths / 10),
		 (unsigned long long)(tenths % 10), OPS_SMALL);
	say(line);
}

static int failed(const char *name, const char *what)
{
	char line[160];

	snprintf(line, sizeof(line), "BENCH_ERROR %s %s\n", name, what);
	say(line);
	return 1;
}

static int write_file(uint64_t *cycles)
{
	uint64_t t0 = tsc();
	int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	for (unsigned done = 0; done < FILE_BYTES; done += PIECE)
		if (write(fd, buf, PIECE) != (ssize_t)PIECE)
			return -1;
	if (close(fd) < 0)
		return -1;
	*cycles = tsc() - t0;
	return 0;
}

static int read_file(uint64_t *cycles)
{
	uint64_t t0 = tsc(), got = 0;
	int fd = open(big, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, PIECE)) > 0)
		got += (uint64_t)n;
	close(fd);
	*cycles = tsc() - t0;
	return got == FILE_BYTES ? 0 : -1;
}

static int run_dd(const char *dd, uint64_t *cycles)
{
	uint64_t t0 = tsc();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, 2); /* dd's summary on stderr is not measured */
		execl(dd, "dd", "if=/tmp/sysbench.16m", "of=/dev/null", "bs=64k", (char *)0);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	*cycles = tsc() - t0;
	return 0;
}

static int pipe_through(uint64_t *cycles)
{
	uint64_t t0 = tsc(), got = 0;
	int p[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe(p) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		for (unsigned done = 0; done < PIPE_BYTES; done += PIPE_PIECE)
			if (write(p[1], buf, PIPE_PIECE) != (ssize_t)PIPE_PIECE)
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		got += (uint64_t)n;
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid || status != 0 || got != PIPE_BYTES)
		return -1;
	*cycles = tsc() - t0;
	return 0;
}

/* The files the per-operation figures use: /tmp/sb/f (4 KiB) and /tmp/sb/d/g. */
static int make_tree(void)
{
	int fd;

	if ((mkdir("/tmp/sb", 0755) < 0 && errno != EEXIST) || (mkdir("/tmp/sb/d", 0755) < 0 && errno != EEXIST))
		return -1;
	if ((fd = open("/tmp/sb/f", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return -1;
	if (write(fd, buf, 4096) != 4096 || close(fd) < 0)
		return -1;
	if ((fd = open("/tmp/sb/d/g", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		return -1;
	return close(fd);
}

static int open_read_close(uint64_t *cycles)
{
	uint64_t t0 = tsc();

	for (int i = 0; i < OPS_SMALL; i++) {
		int fd = open("/tmp/sb/f", O_RDONLY);

		if (fd < 0 || read(fd, buf, 4096) != 4096 || close(fd) < 0)
			return -1;
	}
	*cycles = tsc() - t0;
	return 0;
}

static int stat_4(uint64_t *cycles)
{
	uint64_t t0 = tsc();
	struct stat st;

	for (int i = 0; i < OPS_SMALL; i++)
		if (stat("/tmp/sb/d/g", &st) < 0)
			return -1;
	*cycles = tsc() - t0;
	return 0;
}

static const char *self; /* this program's path, for fork_exec_wait */

static int fork_exec_wait(uint64_t *cycles)
{
	uint64_t t0 = tsc();

	for (int i = 0; i < OPS_SMALL; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return -1;
		if (pid == 0) {
			execl(self, "sysbench", "--exit", (char *)0);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return -1;
	}
	*cycles = tsc() - t0;
	return 0;
}

static int pipe_pingpong(uint64_t *cycles)
{
	int there[2], back[2], status;
	char c = 'x';
	uint64_t t0;
	pid_t pid;

	if (pipe(there) < 0 || pipe(back) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		close(there[1]), close(back[0]);
		while (read(there[0], &c, 1) == 1)
			if (write(back[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(there[0]), close(back[1]);
	t0 = tsc();
	for (int i = 0; i < OPS_SMALL; i++)
		if (write(there[1], &c, 1) != 1 || read(back[0], &c, 1) != 1)
			return -1;
	*cycles = tsc() - t0;
	close(there[1]), close(back[0]);
	return waitpid(pid, &status, 0) == pid && status == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *dd = argc > 1 ? argv[1] : "/bin/dd";
	static const struct {
		const char *name;
		int (*fn)(uint64_t *);
	} small[] = {{"open_read_close", open_read_close}, {"stat_4", stat_4}, {"fork_exec_wait", fork_exec_wait},
		     {"pipe_pingpong", pipe_pingpong}};
	uint64_t best_small[4] = {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX};

	if (argc > 1 && strcmp(argv[1], "--exit") == 0)
		return 0; /* fork_exec_wait's child */
	self = argv[0];
	uint64_t best[4] = {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}, c;
	const char *names[4] = {"write_16m_64k", "read_16m_64k", "dd_16m_64k", "pipe_1m_4k"};
	int bad = 0;

	for (int run = 0; run < RUNS && !bad; run++) {
		int (*const step[4])(uint64_t *) = {write_file, read_file, 0, pipe_through};

		for (int i = 0; i < 4 && !bad; i++) {
			int r = i == 2 ? run_dd(dd, &c) : step[i](&c);

			if (r < 0)
				bad = failed(names[i], "failed");
			else if (c < best[i])
				best[i] = c;
		}
	}
	if (!bad && make_tree() < 0)
		bad = failed("make_tree", "cannot make /tmp/sb");
	for (int run = 0; run < RUNS && !bad; run++)
		for (int i = 0; i < 4 && !bad; i++) {
			if (small[i].fn(&c) < 0)
				bad = failed(small[i].name, "failed");
			else if (c < best_small[i])
				best_small[i] = c;
		}
	if (!bad) {
		for (int i = 0; i < 4; i++)
			report(names[i], best[i]);
		for (int i = 0; i < 4; i++)
			report_per_op(small[i].name, best_small[i]);
	}
	unlink(big);
	unlink("/tmp/sb/d/g"), unlink("/tmp/sb/f"), rmdir("/tmp/sb/d"), rmdir("/tmp/sb");
	say("BENCHES DONE\n");
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return bad;
}
