/*
 * stress: load the system stressor by stressor, in the manner of stress-ng,
 * as an unprivileged user, and check that it stays alive and answering.
 *
 *   stress [-t SECONDS] [-j INSTANCES] [-u UID] STRESSOR... | all
 *
 * Stressors: fork, mem, mmap, pipe, file, dir, signal, wait (children
 * stopped and continued while waited for), timer, exec,
 * bigio (every read moves 4 MiB of a file: the servers are kept busy on the
 * instances' behalf, and must not starve everyone else for it), resource
 * (every instance takes descriptors, pipes, memory and timers at once, then
 * lets go), opcode (children run random bytes as code and die of
 * SIGILL or SIGSEGV in quick succession).
 *
 *   stress --hog [LEFT]   take memory until ENOMEM or killed, or hold it
 *                         once only LEFT MiB are free (see hog)
 *   stress --alloc MIB    take MIB MiB of memory, then exit 0
 *   stress --fds    open descriptors until EMFILE (see fds)
 *   stress --files  take pipes and open files until ENFILE, and hold them (see files)
 *   stress --forkbomb   fork for ever, retrying at EAGAIN (see forkbomb)
 *
 * Each stressor runs -j instances (default 4) as UID (default 65534) for
 * -t seconds (default 5), one stressor after the other. Meanwhile the
 * master (root) probes the system every 100 ms: it forks a child that
 * exits at once, waits for it and sleeps 100 ms, and keeps the longest time
 * such a round took beyond its sleep.
 * An instance that has not ended 10 s after its time is killed and counted
 * as hung; one that SIGKILL does not end within 10 s more is stuck. Prints
 * a line per stressor (operations done, instances that ended well, the
 * longest probe), and exits 0 when every instance of every stressor ended
 * by itself with status 0, 1 otherwise, 2 on bad arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_INSTANCES 16

static volatile uint64_t *ops; /* shared: one counter per instance */
static double seconds = 5;
static const char *self_path;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

/* Reap what a stressor forked, without waiting on the rest. */
static void reap(void)
{
	while (waitpid(-1, 0, WNOHANG) > 0)
		;
}

/* ---- the stressors: each loops until `end`, counting operations in *n ------- */

static void s_fork(double end, volatile uint64_t *n)
{
	while (now() < end) {
		pid_t p = fork();

		if (p == 0)
			_exit(0);
		if (p > 0)
			waitpid(p, 0, 0);
		(*n)++;
	}
}

static void s_mem(double end, volatile uint64_t *n)
{
	while (now() < end) {
		size_t size = (size_t)(1 + next() % 4) << 20;
		char *p = malloc(size);

		if (p) {
			for (size_t i = 0; i < size; i += 4096)
				p[i] = (char)i;
			free(p);
		}
		(*n)++;
	}
}

static void s_mmap(double end, volatile uint64_t *n)
{
	while (now() < end) {
		size_t pages = 1 + next() % 64;
		char *p = mmap(0, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p != MAP_FAILED) {
			for (size_t i = 0; i < pages; i += 2)
				p[i * 4096] = 1;
			mprotect(p, pages * 4096 / 2, PROT_READ);
			munmap(p + 4096 * (pages / 2), 4096 * (pages - pages / 2));
			munmap(p, pages * 4096);
		}
		(*n)++;
	}
}

static void s_pipe(double end, volatile uint64_t *n)
{
	int fd[2], back[2];
	char buf[4096];
	pid_t p;

	if (pipe(fd) != 0 || pipe(back) != 0)
		_exit(3);
	p = fork();
	if (p == 0) { /* echo everything back */
		ssize_t k;

		close(fd[1]), close(back[0]);
		while ((k = read(fd[0], buf, sizeof(buf))) > 0)
			if (write(back[1], buf, (size_t)k) != k)
				break;
		_exit(0);
	}
	close(fd[0]), close(back[1]);
	while (now() < end) {
		size_t len = 1 + next() % sizeof(buf);

		memset(buf, (int)len, len);
		if (write(fd[1], buf, len) != (ssize_t)len)
			_exit(4);
		for (size_t got = 0; got < len;) {
			ssize_t k = read(back[0], buf, len - got);

			if (k <= 0)
				_exit(5);
			got += (size_t)k;
		}
		(*n)++;
	}
	close(fd[1]);
	waitpid(p, 0, 0);
}

static void s_file(double end, volatile uint64_t *n)
{
	char name[32], buf[8192];

	while (now() < end) {
		int fd;

		snprintf(name, sizeof(name), "f%d", (int)(next() % 8));
		fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			size_t len = next() % sizeof(buf);

			memset(buf, 'x', len);
			if (write(fd, buf, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0 ||
			    read(fd, buf, sizeof(buf)) != (ssize_t)len)
				_exit(6);
			close(fd);
		}
		unlink(name);
		(*n)++;
	}
}

#define BIGIO (4u << 20)
/*
 * Every call moves 4 MiB and the instance does next to nothing else: its
 * own quantum hardly moves while the servers work for it, and this once
 * starved every other process of its priority for seconds. The first read
 * goes into memory never touched; each read is checked, a byte a page.
 */
static void s_bigio(double end, volatile uint64_t *n)
{
	uint8_t *out = malloc(BIGIO), *in = malloc(BIGIO);
	int fd = open("big", O_RDWR | O_CREAT | O_TRUNC, 0644);
	uint8_t seed = (uint8_t)next();

	if (!out || !in || fd < 0)
		_exit(5);
	for (size_t i = 0; i < BIGIO; i += 4096)
		memset(out + i, (uint8_t)(seed + i / 4096), 4096);
	if (pwrite(fd, out, BIGIO, 0) != (ssize_t)BIGIO)
		_exit(6);
	while (now() < end) {
		if (pread(fd, in, BIGIO, 0) != (ssize_t)BIGIO)
			_exit(6);
		for (size_t i = 0; i < BIGIO; i += 4096)
			if (in[i] != out[i] || in[i + 4095] != out[i + 4095])
				_exit(7); /* what was written must read back */
		(*n)++;
	}
	close(fd);
	unlink("big");
}

static void s_dir(double end, volatile uint64_t *n)
{
	char a[32], b[32], f[48];

	while (now() < end) {
		snprintf(a, sizeof(a), "d%d", (int)(next() % 4));
		snprintf(b, sizeof(b), "e%d", (int)(next() % 4));
		mkdir(a, 0755);
		snprintf(f, sizeof(f), "%s/x", a);
		close(open(f, O_CREAT | O_WRONLY, 0644));
		rename(a, b);
		snprintf(f, sizeof(f), "%s/x", b);
		unlink(f);
		if (rmdir(b) != 0 && errno == ENOTEMPTY)
			_exit(7); /* it was emptied: rmdir must work */
		rmdir(a);
		(*n)++;
	}
}

static volatile sig_atomic_t caught;
static void on_signal(int sig) { (void)sig; caught++; }

static void s_signal(double end, volatile uint64_t *n)
{
	struct sigaction sa = {.sa_handler = on_signal};
	pid_t p;

	sigaction(SIGUSR1, &sa, 0);
	sigaction(SIGUSR2, &sa, 0);
	p = fork();
	if (p == 0) {
		while (now() < end + 1)
			pause();
		_exit(0);
	}
	while (now() < end) {
		kill(getpid(), SIGUSR1);
		if (p > 0)
			kill(p, SIGUSR2);
		(*n)++;
	}
	if (p > 0) {
		kill(p, SIGKILL);
		waitpid(p, 0, 0);
	}
}

/*
 * In the manner of stress-ng's wait stressor: a runner that pauses, a
 * killer that stops and continues it without rest, and the instance in
 * waitpid (stops, continues) and waitid (the same by the other call)
 * until its time is up; then both end by SIGKILL and must be reaped.
 */
static void s_wait(double end, volatile uint64_t *n)
{
	pid_t runner = fork(), killer;

	if (runner == 0)
		for (;;)
			pause();
	if (runner < 0)
		_exit(5);
	killer = fork();
	if (killer == 0) /* until killed: a wait begun just before the end still sees a change */
		for (;;) {
			kill(runner, SIGSTOP);
			kill(runner, SIGCONT);
		}
	while (now() < end) {
		siginfo_t si;
		int st;

		if ((*n & 1) ? waitpid(runner, &st, WUNTRACED | WCONTINUED) != runner
			     : waitid(P_PID, (id_t)runner, &si, WSTOPPED | WCONTINUED) != 0)
			_exit(6);
		(*n)++;
	}
	kill(runner, SIGKILL);
	if (killer > 0)
		kill(killer, SIGKILL);
	if (waitpid(runner, 0, 0) != runner || (killer > 0 && waitpid(killer, 0, 0) != killer))
		_exit(7);
}

static void s_timer(double end, volatile uint64_t *n)
{
	struct sigaction sa = {.sa_handler = on_signal};
	struct itimerval it = {{0, 1000}, {0, 1000}};

	sigaction(SIGALRM, &sa, 0);
	setitimer(ITIMER_REAL, &it, 0);
	while (now() < end) {
		nanosleep(&(struct timespec){0, (long)(next() % 2000000)}, 0);
		(*n)++;
	}
	it = (struct itimerval){0};
	setitimer(ITIMER_REAL, &it, 0);
}

static void s_exec(double end, volatile uint64_t *n)
{
	while (now() < end) {
		pid_t p = fork();

		if (p == 0) {
			execl(self_path, self_path, "--noop", (char *)0);
			_exit(8);
		}
		if (p > 0) {
			int st = 0;

			waitpid(p, &st, 0);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				_exit(9);
		}
		(*n)++;
	}
}

/* Many processes, each holding descriptors, pipes, memory and a timer at once, then letting go. */
static void s_resource(double end, volatile uint64_t *n)
{
	while (now() < end) {
		pid_t kids[4];

		for (int k = 0; k < 4; k++) {
			kids[k] = fork();
			if (kids[k] == 0) {
				int fds[64], nf = 0, pfd[2];
				char *m = mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
				struct itimerval it = {{0, 0}, {5, 0}};

				setitimer(ITIMER_REAL, &it, 0);
				for (int i = 0; i < 16 && pipe(pfd) == 0; i++)
					fds[nf++] = pfd[0], fds[nf++] = pfd[1];
				for (int i = 0; i < 16; i++) {
					int fd = open("/dev/null", O_RDWR);

					if (fd >= 0 && nf < 64)
						fds[nf++] = fd;
				}
				if (m != MAP_FAILED)
					for (int i = 0; i < (1 << 20); i += 4096)
						m[i] = 1;
				for (int i = 0; i < nf; i++)
					close(fds[i]);
				_exit(0);
			}
		}
		for (int k = 0; k < 4; k++)
			if (kids[k] > 0)
				waitpid(kids[k], 0, 0);
		(*n)++;
	}
}

/* Children that run random bytes as code: SIGILL, SIGSEGV, SIGFPE, SIGBUS, SIGTRAP, in quick succession. */
static void s_opcode(double end, volatile uint64_t *n)
{
	uint8_t *code = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (code == MAP_FAILED)
		_exit(10);
	while (now() < end) {
		pid_t p;

		for (int i = 0; i < 4096; i++)
			code[i] = (uint8_t)next();
		p = fork();
		if (p == 0) {
			munmap((void *)ops, MAX_INSTANCES * sizeof(*ops)); /* random code must not write the counts */
			alarm(1); /* random code that loops ends anyway */
			for (int s = 1; s < 32; s++)
				signal(s, SIG_DFL);
			((void (*)(void))(code + next() % 4000))();
			_exit(0);
		}
		if (p > 0)
			waitpid(p, 0, 0);
		(*n)++;
	}
}

static const struct {
	const char *name;
	void (*fn)(double end, volatile uint64_t *n);
} stressors[] = {
	{"fork", s_fork},     {"mem", s_mem},   {"mmap", s_mmap}, {"pipe", s_pipe},         {"file", s_file},
	{"bigio", s_bigio},   {"dir", s_dir},       {"signal", s_signal}, {"wait", s_wait}, {"timer", s_timer}, {"exec", s_exec}, {"resource", s_resource},
	{"opcode", s_opcode},
};
#define NSTRESSORS (sizeof(stressors) / sizeof(stressors[0]))

/* Run one stressor: `instances` children as uid, for `seconds`; probe meanwhile. 0 if all ended well. */
static int run(unsigned which, int instances, uid_t uid)
{
	pid_t pids[MAX_INSTANCES];
	int status[MAX_INSTANCES], ended = 0, well = 0, hung = 0, stuck = 0;
	double start = now(), end = start + seconds, worst = 0;
	uint64_t total = 0;
	char dir[64];

	for (int i = 0; i < instances; i++) {
		ops[i] = 0;
		status[i] = -1;
		snprintf(dir, sizeof(dir), "/tmp/stress/%s.%d", stressors[which].name, i);
		mkdir(dir, 0755);
		if (chown(dir, uid, uid) != 0 || chmod(dir, 0755) != 0)
			printf("stress: cannot prepare %s: %s\n", dir, strerror(errno));
		pids[i] = fork();
		if (pids[i] == 0) {
			rng ^= (uint64_t)(which * 131 + (unsigned)i) * 0x9e3779b97f4a7c15ULL;
			if (setgid(uid) != 0 || setuid(uid) != 0 || chdir(dir) != 0)
				_exit(11);
			stressors[which].fn(end, &ops[i]);
			reap();
			_exit(0);
		}
	}
	while (ended < instances) {
		double t0 = now(), t;
		pid_t probe = fork();

		if (probe == 0)
			_exit(0);
		if (probe > 0)
			waitpid(probe, 0, 0);
		for (int i = 0; i < instances; i++) {
			int st;

			if (status[i] != -1 || pids[i] <= 0)
				continue;
			if (waitpid(pids[i], &st, WNOHANG) == pids[i]) {
				status[i] = st;
				ended++;
				well += WIFEXITED(st) && WEXITSTATUS(st) == 0;
				if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
					printf("stress: %s instance %d ended %s %d\n", stressors[which].name, i,
					       WIFEXITED(st) ? "with status" : "by signal",
					       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
			} else if (now() > end + 20 && status[i] == -1) {
				printf("stress: %s instance %d did not end 10 s after SIGKILL\n", stressors[which].name, i);
				status[i] = -2, ended++, stuck++;
			} else if (now() > end + 10 && status[i] == -1 && !hung) {
				printf("stress: %s instances still running 10 s after their time: killed\n",
				       stressors[which].name);
				for (int j = 0; j < instances; j++)
					if (status[j] == -1)
						kill(pids[j], SIGKILL);
				hung = 1;
			}
		}
		for (int i = 0; i < instances; i++)
			if (pids[i] <= 0 && status[i] == -1)
				status[i] = -3, ended++;
		nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, 0);
		t = now() - t0 - 0.1; /* a probe's time: the fork and wait, and how late the sleep ended */
		worst = t > worst ? t : worst;
	}
	for (int i = 0; i < instances; i++)
		total += ops[i];
	printf("stress: %-8s %8llu ops in %.1f s, %d of %d instances ended well%s%s, longest probe %.0f ms\n",
	       stressors[which].name, (unsigned long long)total, now() - start, well, instances, hung ? ", hung" : "",
	       stuck ? ", STUCK" : "", worst * 1000);
	fflush(stdout);
	return well == instances && !hung ? 0 : 1;
}

/*
 * --hog [LEFT]: take memory 1 MiB at a time, touching every page, until
 * mmap says ENOMEM (prints how much it got, exits 0) or the system kills it
 * (SIGKILL, as Linux's OOM killer would). With LEFT, stop while LEFT MiB are
 * still free, print "holding N MiB" and hold it until killed.
 * --alloc MIB: take MIB MiB the same way, then exit 0.
 */
static int hog(long left, long want)
{
	size_t mib = 0;
	struct sysinfo si;

	for (;;) {
		char *p;

		if (want >= 0 && (long)mib >= want) {
			printf("stress: alloc: took %zu MiB\n", mib);
			return 0;
		}
		if (left >= 0 && sysinfo(&si) == 0 && si.freeram * si.mem_unit < (unsigned long)left << 20) {
			printf("stress: hog: holding %zu MiB\n", mib);
			fflush(stdout);
			for (;;)
				pause();
		}
		p = mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			printf("stress: hog: %s after %zu MiB\n", errno == ENOMEM ? "ENOMEM" : strerror(errno), mib);
			return errno == ENOMEM ? 0 : 1;
		}
		for (size_t i = 0; i < (1 << 20); i += 4096)
			p[i] = 1;
		mib++;
	}
}

/* --fds: open /dev/null until it fails; prints how many and why; exits 0 if the reason was EMFILE. */
static int fds(void)
{
	int n = 0;

	while (open("/dev/null", O_RDONLY) >= 0)
		n++;
	printf("stress: fds: %s after %d more\n", errno == EMFILE ? "EMFILE" : strerror(errno), n);
	return errno == EMFILE ? 0 : 1;
}

/*
 * --files: take every pipe and open file the system lets a user have:
 * children (1024 descriptors each) make pipes, then open /dev/null, until
 * the system says ENFILE. Prints how many pipes and open files it got
 * before each ENFILE, and "holding", then holds them until killed; exits
 * 1 if no ENFILE came.
 */
static int files(void)
{
	int pipes = 0, opened = 0, pipe_err = 0, open_err = 0, reports[16][2];

	for (int c = 0; c < 16; c++) /* made first: no pipe is left once the children are done */
		if (pipe(reports[c]) != 0)
			return 1;
	for (int c = 0; c < 16 && open_err != ENFILE; c++) {
		int *report = reports[c], got[4] = {0};

		if (fork() == 0) {
			int fd[2];

			close(report[0]);
			while (pipe_err != ENFILE && pipe(fd) == 0)
				got[0]++;
			got[1] = errno;
			while (open("/dev/null", O_RDONLY) >= 0)
				got[2]++;
			got[3] = errno;
			if (write(report[1], got, sizeof(got)) != (ssize_t)sizeof(got))
				_exit(1);
			for (;;)
				pause();
		}
		close(report[1]);
		if (read(report[0], got, sizeof(got)) != (ssize_t)sizeof(got))
			break;
		close(report[0]);
		if (pipe_err != ENFILE) {
			pipes += got[0];
			pipe_err = got[1];
		}
		opened += 2 * got[0] + got[2];
		open_err = got[3];
	}
	printf("stress: files: %d pipes then %s, %d open files then %s; %s\n", pipes,
	       pipe_err == ENFILE ? "ENFILE" : strerror(pipe_err), opened, open_err == ENFILE ? "ENFILE" : strerror(open_err),
	       pipe_err == ENFILE && open_err == ENFILE ? "holding" : "no ENFILE");
	fflush(stdout);
	if (pipe_err != ENFILE || open_err != ENFILE)
		return 1;
	for (;;)
		pause();
}

/* --forkbomb: every process forks for ever; at the limit (EAGAIN) each tries again every 10 ms. */
static int forkbomb(void)
{
	for (;;)
		if (fork() < 0) {
			if (errno != EAGAIN)
				return 1;
			nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, 0);
		}
}

int main(int argc, char **argv)
{
	int instances = 4, opt, failed = 0;
	uid_t uid = 65534;
	bool chosen[NSTRESSORS] = {0}, any = false;

	if (argc == 2 && strcmp(argv[1], "--noop") == 0)
		return 0; /* the exec stressor's program */
	if (argc == 2 && strcmp(argv[1], "--hog") == 0)
		return hog(-1, -1);
	if (argc == 3 && (strcmp(argv[1], "--hog") == 0 || strcmp(argv[1], "--alloc") == 0)) {
		char *end;
		long n = strtol(argv[2], &end, 10);

		if (*end || end == argv[2] || n < 0 || n > 1 << 20) {
			fprintf(stderr, "stress: %s: %s: not a number of MiB\n", argv[1], argv[2]);
			return 2;
		}
		return argv[1][2] == 'h' ? hog(n, -1) : hog(-1, n);
	}
	if (argc == 2 && strcmp(argv[1], "--fds") == 0)
		return fds();
	if (argc == 2 && strcmp(argv[1], "--forkbomb") == 0)
		return forkbomb();
	if (argc == 2 && strcmp(argv[1], "--files") == 0)
		return files();
	self_path = argv[0];
	while ((opt = getopt(argc, argv, "t:j:u:")) != -1) {
		char *e = 0;

		switch (opt) {
		case 't': seconds = strtod(optarg, &e); break;
		case 'j': instances = (int)strtol(optarg, &e, 10); break;
		case 'u': uid = (uid_t)strtoul(optarg, &e, 10); break;
		default:
			fprintf(stderr, "usage: stress [-t SECONDS] [-j INSTANCES] [-u UID] STRESSOR... | all\n");
			return 2;
		}
		if (!e || *e) {
			fprintf(stderr, "stress: -%c %s: not a number\n", opt, optarg);
			return 2;
		}
	}
	if (seconds <= 0 || instances < 1 || instances > MAX_INSTANCES || optind == argc) {
		fprintf(stderr, "usage: stress [-t SECONDS] [-j INSTANCES 1-%d] [-u UID] STRESSOR... | all\n",
			MAX_INSTANCES);
		return 2;
	}
	if (self_path[0] != '/') {
		fprintf(stderr, "stress: run me by my full path (the exec stressor runs me again)\n");
		return 2;
	}
	for (int a = optind; a < argc; a++) {
		bool found = false;

		for (unsigned s = 0; s < NSTRESSORS; s++)
			if (strcmp(argv[a], "all") == 0 || strcmp(argv[a], stressors[s].name) == 0)
				chosen[s] = found = any = true;
		if (!found) {
			fprintf(stderr, "stress: %s: no such stressor (fork mem mmap pipe file bigio dir signal wait timer exec "
					"resource opcode, or all)\n", argv[a]);
			return 2;
		}
	}
	ops = mmap(0, MAX_INSTANCES * sizeof(*ops), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ops == MAP_FAILED) {
		perror("stress: mmap");
		return 1;
	}
	mkdir("/tmp/stress", 0755);
	setvbuf(stdout, 0, _IOLBF, 0);
	for (unsigned s = 0; any && s < NSTRESSORS; s++)
		if (chosen[s])
			failed |= run(s, instances, uid);
	return failed;
}
