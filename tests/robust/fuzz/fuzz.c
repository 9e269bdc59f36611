/*
 * fuzz: random Linux system calls, made by unprivileged processes, with
 * random and boundary arguments: huge sizes, wrapping ranges, bad pointers,
 * every flag bit, random descriptors and signals. Seeded: a run is the same
 * sequence of calls per worker each time (the timing between workers is
 * not).
 *
 *   fuzz run [-s SEED] [-n CALLS] [-t SECONDS] [-c WORKERS] [-u UID]
 *            [-o NR,...] [-x NR,...] [-w MS] [-v]
 *
 * The master (started as root) makes /tmp/fz, then forks WORKERS workers;
 * each drops to UID (default 65534, nobody), chdirs to its own folder under
 * /tmp/fz and calls at random until the run ends. A worker that dies (a
 * random signal handler, a random sigreturn, an exec) is replaced by a new
 * one with the next seed. A watchdog kills a worker that has made no
 * progress for -w MS (a call that blocks, as pause does, is no fault); a
 * worker that SIGKILL does not end within 10 s is a fault of the system:
 * it is reported and the run fails. At the end: the calls made, the
 * distinct calls, the workers started and how they ended, on one line each.
 *
 * Workers share one page with the master to report, and a random call may
 * write random bytes there as into any memory it is given. So everything
 * the master acts on (pids, seeds, the watchdog's state) stays in its own
 * memory; a worker counts its calls in its own memory and copies the count
 * to its slot after each call, and the master takes from a slot only a
 * count that grew by a plausible amount since its last look (a scribbled
 * one is set aside, and counted in the end line).
 * Exits 0 when the run ended and every worker was reaped, 1 otherwise, 2 on
 * bad arguments.
 *
 * Calls never made: none is refused outright, but a few arguments are kept
 * from hurting the fuzzer itself rather than the system: addresses given to
 * munmap, mprotect, mremap, madvise and MAP_FIXED come from the worker's
 * own mappings or from outside its program and stack, and a forked child
 * leaves at once.
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_NR 512
#define MAX_WORKERS 32
#define SCRATCH_PAGES 16
#define PAGE 4096UL
#define POOL 16

static const char *const names[MAX_NR] = {
#include "syscall_names.inc" /* generated: the table's lines, "[number] = \"name\"," */
};

/* What a worker reports (MAP_SHARED | MAP_ANONYMOUS): anything may be written here by a random call. */
struct slot {
	volatile uint64_t calls;    /* a copy of the worker's own count */
	volatile int64_t current;   /* the call in progress (-1: none) */
	volatile uint64_t args[6];  /* its arguments */
};

struct shared {
	volatile uint64_t used[MAX_NR / 64]; /* calls made at least once (a scribble can only add to "distinct") */
	struct slot w[MAX_WORKERS];
};

/* What the master keeps of each worker, in its own memory. */
struct worker {
	pid_t pid;
	uint64_t seed;
	uint64_t seen;              /* the slot's count at the last look */
	uint64_t calls;             /* calls accepted from this worker */
	struct timespec last_change;
	int killed;                 /* the master sent SIGKILL at killed_at */
	struct timespec killed_at;
};

/* More than a worker can make between two looks (20 ms apart; a call takes microseconds at best). */
#define PLAUSIBLE 100000

static struct shared *sh;
static struct worker workers_of_master[MAX_WORKERS];
static uint64_t scribbles; /* slot counts set aside as written by a random call */
static bool allowed[MAX_NR];
static int verbose;

/* ---- the generator: xorshift64*, one per worker ------------------------------ */

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(uint64_t n) { return n ? next() % n : 0; }

static uint64_t mix(uint64_t seed, uint64_t k)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (k + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31)) | 1;
}

/* ---- a worker's material: scratch memory, paths, descriptors, mappings ------- */

static uint8_t *scratch;       /* SCRATCH_PAGES read-write pages, then a PROT_NONE guard page */
static int fds[POOL], nfds;
static uint64_t maps[POOL];    /* addresses of mappings the worker made */
static int nmaps;
static char *paths[16];
static int npaths;

static void add_fd(long fd)
{
	if (fd >= 0 && fd < 1024)
		fds[nfds < POOL ? nfds++ : (int)below(POOL)] = (int)fd;
}

static void add_map(uint64_t at)
{
	if (at && at < (1ULL << 47) && !(at & (PAGE - 1)))
		maps[nmaps < POOL ? nmaps++ : (int)below(POOL)] = at;
}

/* A pointer the worker owns: somewhere in scratch, sometimes right before the guard page. */
static uint64_t good_pointer(void)
{
	uint64_t size = SCRATCH_PAGES * PAGE;

	switch (below(4)) {
	case 0:
		return (uint64_t)scratch;
	case 1:
		return (uint64_t)scratch + size - 1 - below(64); /* a copy that runs into the guard page */
	default:
		return (uint64_t)scratch + (below(size) & ~7ULL);
	}
}

static uint64_t bad_pointer(void)
{
	static const uint64_t bad[] = {
		1, 0x1000, 0xfff, 0x7ffffffff000, 0x7fffffffffff, 0x800000000000, 0xffff800000000000,
		0xffffffff80000000, 0xfffffffffffff000, 0xffffffffffffffff, 0xdead000000000000,
	};

	if (below(3) == 0)
		return (uint64_t)scratch + SCRATCH_PAGES * PAGE; /* the guard page */
	return bad[below(sizeof(bad) / sizeof(bad[0]))];
}

/* An address for a call that changes mappings: never the worker's own program, stack or scratch. */
static uint64_t map_address(void)
{
	switch (below(4)) {
	case 0:
		return nmaps ? maps[below((uint64_t)nmaps)] + PAGE * below(4) : 0x500000000000;
	case 1:
		return 0x500000000000 + (below(1 << 20) << 12); /* a region nobody uses */
	case 2:
		return bad_pointer() & ~(PAGE - 1);
	default:
		return nmaps ? maps[below((uint64_t)nmaps)] : 0;
	}
}

static uint64_t size_arg(void)
{
	static const uint64_t sizes[] = {
		0, 1, 7, 8, 4095, 4096, 4097, 8192, 65536, 1 << 20, 1ULL << 30, 1ULL << 46, 1ULL << 47,
		0x7ffffffff000, 0x7fffffffffffffff, 0x8000000000000000, 0xfffffffffffff000, 0xffffffffffffffff,
	};

	return below(2) ? sizes[below(sizeof(sizes) / sizeof(sizes[0]))] : PAGE * below(SCRATCH_PAGES + 2);
}

/* A NULL-terminated vector (argv, envp, iovec-ish), sometimes without its NULL or with bad entries. */
static uint64_t vector_arg(void)
{
	uint64_t *v = (uint64_t *)(scratch + PAGE * (SCRATCH_PAGES - 2));
	unsigned n = (unsigned)below(2) ? (unsigned)below(8) : (unsigned)below(PAGE / 8 * 2);

	for (unsigned i = 0; i < n; i++) {
		switch (below(4)) {
		case 0:
			v[i] = bad_pointer();
			break;
		case 1:
			v[i] = npaths ? (uint64_t)paths[below((uint64_t)npaths)] : 0;
			break;
		default:
			v[i] = good_pointer();
		}
	}
	if (n < PAGE / 8 * 2 && below(8))
		v[n] = 0;
	return (uint64_t)v;
}

static uint64_t arg(void)
{
	static const uint64_t magic[] = {0xfee1dead, 672274793, 0x4321fedc, 0xcdef0123, 0x01234567,
					 0x80000000, 0x7fffffff, 0xffffffff, 65534, 65535};

	switch (below(16)) {
	case 0:
		return 0;
	case 1:
		return below(65);
	case 2:
		return (uint64_t)-1 - below(4);
	case 3: {
		uint64_t b = 1ULL << below(64);

		return below(2) ? b : b - 1;
	}
	case 4:
		return size_arg();
	case 5:
	case 6:
		return good_pointer();
	case 7:
		return bad_pointer();
	case 8:
		return nfds ? (uint64_t)fds[below((uint64_t)nfds)] : below(8);
	case 9:
		return next();
	case 10:
		return (uint32_t)next();
	case 11:
		return next() & next() & next(); /* a few flag bits */
	case 12:
		return magic[below(sizeof(magic) / sizeof(magic[0]))];
	case 13:
		return npaths ? (uint64_t)paths[below((uint64_t)npaths)] : 0;
	case 14:
		return vector_arg();
	default:
		return map_address();
	}
}

static inline __attribute__((always_inline)) long raw(long n, uint64_t a[6])
{
	register long r10 __asm__("r10") = (long)a[3], r8 __asm__("r8") = (long)a[4], r9 __asm__("r9") = (long)a[5];
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/* Leave at once, touching no memory: a vfork child or a CLONE_VM child shares ours. */
static inline __attribute__((always_inline, noreturn)) void raw_exit(void)
{
	__asm__ volatile("syscall" : : "a"(SYS_exit), "D"(0) : "rcx", "r11", "memory");
	__builtin_unreachable();
}

static void prepare(void)
{
	static char buf[16][64];
	static const char *const fixed[] = {
		"a", "dir", "fifo", "dir/b", ".", "..", "/", "/tmp/fz", "/proc/self/status", "/proc", "/dev/null",
		"/dev/zero", "/bin/busybox", "/nonexistent/x", "",
	};
	int fd[2];

	scratch = mmap(0, (SCRATCH_PAGES + 1) * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (scratch == MAP_FAILED)
		_exit(3);
	mprotect(scratch + SCRATCH_PAGES * PAGE, PAGE, PROT_NONE);
	for (size_t i = 0; i < SCRATCH_PAGES * PAGE / 8; i++)
		((uint64_t *)scratch)[i] = next();
	for (unsigned i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		snprintf(buf[i], sizeof(buf[i]), "%s", fixed[i]);
		paths[npaths++] = buf[i];
	}
	/* a path longer than PATH_MAX, at the end of scratch's second-last page */
	memset(scratch + PAGE * (SCRATCH_PAGES - 1), 'a', PAGE);
	paths[npaths++] = (char *)scratch + PAGE * (SCRATCH_PAGES - 1);
	mkdir("dir", 0755);
	mkfifo("fifo", 0644);
	add_fd(open("/dev/null", O_RDWR));
	add_fd(open("/dev/zero", O_RDONLY));
	add_fd(open("a", O_RDWR | O_CREAT, 0644));
	add_fd(open(".", O_RDONLY | O_DIRECTORY));
	add_fd(open("/proc/self/status", O_RDONLY));
	if (pipe(fd) == 0)
		add_fd(fd[0]), add_fd(fd[1]);
	add_fd(0), add_fd(1), add_fd(2);
}

static bool fork_like(long nr)
{
	return nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone;
}

/* One worker: k-th slot, its seed, its uid. Never returns. */
static _Noreturn void worker(int k, uint64_t seed, uid_t uid)
{
	static long list[MAX_NR];
	struct slot *me = &sh->w[k];
	uint64_t calls = 0; /* the count itself, in the worker's own memory */
	char dir[32];
	int n = 0, null = open("/dev/null", O_RDWR);

	rng = seed;
	snprintf(dir, sizeof(dir), "/tmp/fz/w%d", k);
	/* nothing the calls write reaches the console; the master's own output stays its own */
	if (null >= 0) {
		dup2(null, 0), dup2(null, 1), dup2(null, 2);
		if (null > 2)
			close(null);
	}
	setpgid(0, 0);
	if (setgid(uid) != 0 || setuid(uid) != 0 || chdir(dir) != 0)
		_exit(4);
	prepare();
	for (long nr = 0; nr < MAX_NR; nr++)
		if (allowed[nr])
			list[n++] = nr;
	for (;;) {
		uint64_t a[6];
		long nr = list[below((uint64_t)n)], ret;

		for (int i = 0; i < 6; i++)
			a[i] = arg();
		switch (nr) { /* keep the fuzzer's own memory: see the top */
		case SYS_munmap:
		case SYS_mprotect:
		case SYS_madvise:
		case SYS_mremap:
		case SYS_mlock:
		case SYS_munlock:
		case SYS_msync:
			a[0] = map_address();
			if (nr == SYS_mremap && (a[3] & MREMAP_FIXED))
				a[4] = map_address();
			break;
		case SYS_mmap:
			if (a[3] & MAP_FIXED || a[3] & MAP_FIXED_NOREPLACE)
				a[0] = map_address();
			break;
		case SYS_brk:
			a[0] = below(2) ? 0 : a[0];
			break;
		}
		if (below(4) == 0) /* fresh junk in scratch now and then */
			for (int i = 0; i < 32; i++)
				((uint64_t *)scratch)[below(SCRATCH_PAGES * PAGE / 8 - 1024)] = next();
		for (int i = 0; i < 6; i++)
			me->args[i] = a[i];
		me->current = nr;
		ret = raw(nr, a);
		if (ret == 0 && fork_like(nr))
			raw_exit();
		me->current = -1;
		me->calls = ++calls;
		sh->used[nr / 64] |= 1ULL << (nr % 64);
		if (ret >= 0 && (nr == SYS_open || nr == SYS_openat || nr == SYS_dup || nr == SYS_socket ||
				 nr == SYS_eventfd2 || nr == SYS_epoll_create1 || nr == SYS_memfd_create))
			add_fd(ret);
		if (nr == SYS_mmap && ret > 0 && (uint64_t)ret < (1ULL << 47))
			add_map((uint64_t)ret);
		if (ret >= 0 && nr == SYS_fork) /* the parent: its child left at once */
			waitpid((pid_t)ret, 0, WNOHANG);
	}
}

/* ---- the master ------------------------------------------------------------ */

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static int parse_list(const char *s, bool *set)
{
	while (*s) {
		char *end;
		long nr = strtol(s, &end, 0);

		if (end == s) { /* a name */
			size_t len = strcspn(s, ",");

			nr = -1;
			for (int i = 0; i < MAX_NR; i++)
				if (names[i] && strlen(names[i]) == len && strncmp(names[i], s, len) == 0)
					nr = i;
			end = (char *)s + len;
		}
		if (nr < 0 || nr >= MAX_NR)
			return -1;
		set[nr] = true;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return 0;
}

/* Worker k's folder, as a new worker needs it: its predecessor may have chmod'ed it to nothing. */
static void prepare_dir(int k, uid_t uid)
{
	char dir[32];

	snprintf(dir, sizeof(dir), "/tmp/fz/w%d", k);
	mkdir(dir, 0755);
	if ((chown(dir, uid, uid) != 0 || chmod(dir, 0755) != 0) && getuid() == 0)
		printf("fuzz: cannot prepare %s: %s\n", dir, strerror(errno));
}

static void usage(void)
{
	fprintf(stderr, "usage: fuzz run [-s SEED] [-n CALLS] [-t SECONDS] [-c WORKERS] [-u UID] [-o CALL,...] "
			"[-x CALL,...] [-w MS] [-v]\n");
	exit(2);
}

/*
 * Take worker k's new calls from its slot: true if it made progress. A
 * count that went down or grew past PLAUSIBLE was written by a random
 * call: nothing is taken, and the next look starts from it (the worker's
 * next call writes its true count back, which goes down again: set aside
 * too, so a scribble costs the calls of two looks at most).
 */
static bool take_calls(int k)
{
	struct worker *w = &workers_of_master[k];
	uint64_t now = sh->w[k].calls;

	if (now == w->seen)
		return false;
	if (now > w->seen && now - w->seen <= PLAUSIBLE)
		w->calls += now - w->seen;
	else
		scribbles++;
	w->seen = now;
	return true;
}

static uint64_t total_calls(int workers)
{
	uint64_t t = 0;

	for (int k = 0; k < workers; k++)
		t += workers_of_master[k].calls;
	return t;
}

static void describe(int k, const char *what)
{
	const struct worker *w = &workers_of_master[k];
	const struct slot *sl = &sh->w[k];
	long nr = sl->current;

	printf("fuzz: worker pid %d (seed %#llx) %s", w->pid, (unsigned long long)w->seed, what);
	if (nr >= 0 && nr < MAX_NR)
		printf(" in %s (%ld) %#llx %#llx %#llx %#llx %#llx %#llx", names[nr] ? names[nr] : "?", nr,
		       (unsigned long long)sl->args[0], (unsigned long long)sl->args[1], (unsigned long long)sl->args[2],
		       (unsigned long long)sl->args[3], (unsigned long long)sl->args[4], (unsigned long long)sl->args[5]);
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, max_calls = 10000, started = 0, previous = 0;
	double seconds = 0, watchdog = 0.5;
	int workers = 4, opt, stuck = 0, by_signal = 0, exited = 0, watchdog_kills = 0;
	bool only[MAX_NR] = {0}, except[MAX_NR] = {0}, have_only = false;
	uid_t uid = 65534;
	struct timespec start;

	if (argc < 2 || strcmp(argv[1], "run") != 0)
		usage();
	optind = 2;
	while ((opt = getopt(argc, argv, "s:n:t:c:u:o:x:w:v")) != -1) {
		char *end = 0;

		switch (opt) {
		case 's': seed = strtoull(optarg, &end, 0); break;
		case 'n': max_calls = strtoull(optarg, &end, 0); break;
		case 't': seconds = strtod(optarg, &end); break;
		case 'c': workers = (int)strtol(optarg, &end, 0); break;
		case 'u': uid = (uid_t)strtoul(optarg, &end, 0); break;
		case 'w': watchdog = strtod(optarg, &end) / 1000; break;
		case 'o':
			if (parse_list(optarg, only) < 0) {
				fprintf(stderr, "fuzz: -o %s: not a list of call names or numbers\n", optarg);
				return 2;
			}
			have_only = true;
			end = optarg + strlen(optarg);
			break;
		case 'x':
			if (parse_list(optarg, except) < 0) {
				fprintf(stderr, "fuzz: -x %s: not a list of call names or numbers\n", optarg);
				return 2;
			}
			end = optarg + strlen(optarg);
			break;
		case 'v': verbose = 1; end = ""; break;
		default: usage();
		}
		if (!end || *end) {
			fprintf(stderr, "fuzz: -%c %s: not a number\n", opt, optarg);
			return 2;
		}
	}
	if (optind != argc || workers < 1 || workers > MAX_WORKERS || watchdog <= 0 || seconds < 0) {
		fprintf(stderr, "fuzz: bad arguments (workers 1 to %d, a positive watchdog)\n", MAX_WORKERS);
		return 2;
	}
	for (int nr = 0; nr < MAX_NR; nr++) /* the x86_64 calls; exits only when asked for by name */
		allowed[nr] = (have_only ? only[nr] : nr <= 334 && nr != SYS_exit && nr != SYS_exit_group) && !except[nr];
	sh = mmap(0, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("fuzz: mmap");
		return 1;
	}
	mkdir("/tmp/fz", 0755);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, 0, _IOLBF, 0);
	printf("fuzz: seed %#llx, %d workers as uid %u, up to %llu calls%s\n", (unsigned long long)seed, workers,
	       (unsigned)uid, (unsigned long long)max_calls, seconds ? " or the time limit" : "");
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		bool done = previous + total_calls(workers) >= max_calls || (seconds && since(&start) >= seconds);
		int live = 0;

		for (int k = 0; k < workers; k++) {
			struct worker *w = &workers_of_master[k];
			int status;

			if (w->pid > 0 && waitpid(w->pid, &status, WNOHANG) == w->pid) {
				take_calls(k);
				if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
					by_signal++;
				else if (WIFEXITED(status))
					exited++;
				if (verbose) {
					char what[40];

					snprintf(what, sizeof(what), WIFSIGNALED(status) ? "died of signal %d" : "exited %d",
						 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
					describe(k, what);
				}
				previous += w->calls, w->calls = 0;
				w->pid = 0;
			}
			if (w->pid <= 0 && !done) {
				uint64_t s = mix(seed, started++);
				pid_t pid;

				prepare_dir(k, uid);
				w->seed = s, w->killed = 0, w->seen = 0;
				sh->w[k].calls = 0, sh->w[k].current = -1;
				clock_gettime(CLOCK_MONOTONIC, &w->last_change);
				pid = fork();
				if (pid == 0)
					worker(k, s, uid);
				if (pid < 0) {
					printf("fuzz: fork failed: %s\n", strerror(errno));
					continue;
				}
				w->pid = pid;
			}
			if (w->pid <= 0)
				continue;
			live++;
			if (take_calls(k)) {
				clock_gettime(CLOCK_MONOTONIC, &w->last_change);
			} else if (!w->killed && (done || since(&w->last_change) >= watchdog)) {
				kill(w->pid, SIGKILL);
				w->killed = 1;
				watchdog_kills += !done;
				clock_gettime(CLOCK_MONOTONIC, &w->killed_at);
			} else if (w->killed == 1 && since(&w->killed_at) >= 10) {
				describe(k, "did not end 10 s after SIGKILL");
				w->killed = 2;
				stuck++;
			}
			if (done && !w->killed) {
				kill(w->pid, SIGKILL);
				w->killed = 1;
				clock_gettime(CLOCK_MONOTONIC, &w->killed_at);
			}
		}
		if (done && (live == 0 || live == stuck))
			break;
		nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, 0);
	}
	{
		int distinct = 0;

		for (int nr = 0; nr < MAX_NR; nr++)
			distinct += (sh->used[nr / 64] >> (nr % 64)) & 1;
		for (int k = 0; k < workers; k++)
			previous += workers_of_master[k].calls;
		printf("fuzz: %llu calls, %d distinct, in %.1f s\n", (unsigned long long)previous, distinct, since(&start));
		if (scribbles)
			printf("fuzz: %llu reports set aside as written by a random call\n", (unsigned long long)scribbles);
		printf("fuzz: %llu workers: %d died of signals, %d exited, %d killed by the watchdog, %d stuck\n",
		       (unsigned long long)started, by_signal, exited, watchdog_kills, stuck);
	}
	while (waitpid(-1, 0, WNOHANG) > 0) /* forked children of workers left at once: reap what came to us */
		;
	return stuck ? 1 : 0;
}
