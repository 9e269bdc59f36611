/*
 * fault campaign: many faults, one after the other, into one or more
 * drivers while a workload uses them and checks every byte it gets back;
 * at the end one table (docs/fault.md, "Campaigns").
 *
 * Each fault: a driver and a kind drawn by a seeded generator, injected,
 * then followed in /proc/recovery until the driver serves again (or, for a
 * flip or garbage nobody noticed, for --window ms), and classified by what
 * detected it or by what the workload saw meanwhile. A flipped driver that
 * did not fail is restarted before the next fault, so no flipped code
 * stays behind.
 *
 * The workload: one child per driver it knows. memory: /dev/zero read and
 * checked, /dev/null written, /dev/ram0 blocks written with a pattern and
 * read back; tty: a spare VGA console's window size set and read back, its
 * settings read and compared, lines written to it. Each error (a call that
 * failed or came short) and each wrong byte is sent to the parent at once
 * through a pipe, so it is counted against the fault in progress.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <proto/rs.h>
#include <sys/splitmix.h>

#include "fault.h"

#define LABELS_MAX 8
#define FAULTS_MAX 1000000
#define FOLLOW_MS 5000     /* how long a driver may take to be detected and serve again */
#define STALL_MS 5000      /* how long a workload may go without an operation done, its driver serving */
#define RAM_BLOCKS 256     /* the workload's part of /dev/ram0: 1 MiB */
#define BLOCK 4096
#define SPARE_CONSOLE "/dev/tty4"

enum kind { K_KILL, K_CRASH, K_HANG, K_EXIT, K_GARBAGE, K_TEXT, K_DATA, K_COUNT };
static const long kind_ops[K_COUNT] = {RS_CTL_KILL, RS_CTL_CRASH, RS_CTL_HANG, RS_CTL_EXIT,
				       RS_CTL_GARBAGE, RS_CTL_FLIP, RS_CTL_FLIP};

/* rs's names (proto/rs.h), a flip's split by where it goes */
static const char *kind_name(int k)
{
	return k == K_TEXT ? "flip-text" : k == K_DATA ? "flip-data" : rs_fault_name(kind_ops[k]);
}

/* How each fault ended. */
enum verdict { V_RECOVERED, V_FAILED, V_NOT_BACK, V_NO_EFFECT, V_WRONG, V_ERRORS, V_REFUSED, V_COUNT };

struct tally {
	unsigned long injected, verdict[V_COUNT];
};

/* What a workload child tells its parent, after each round of operations. */
enum news { N_ERRORS, N_WRONG, N_OPS, N_COUNT }; /* calls failed, bytes wrong, operations done */
struct event {
	unsigned char kind; /* enum news */
	unsigned char who;  /* the workload: its label's place in the campaign's list */
	unsigned long n;
};

static volatile sig_atomic_t stop;
static int who;                      /* in a workload child: which */
static unsigned long untold[N_COUNT]; /* what it has not told yet */

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Note news, told at the end of the round (told). */
static void tell(enum news kind, unsigned long n)
{
	untold[kind] += n;
}

/*
 * Tell the parent what this round saw. The pipe does not block (a full one
 * keeps the news for the next round, so the workload goes on while the
 * parent follows a fault), except at the end, when all is told.
 */
static void told(int fd)
{
	for (int i = 0; i < N_COUNT; i++) {
		struct event e = {(unsigned char)i, (unsigned char)who, untold[i]};
		ssize_t r;

		if (!untold[i])
			continue;
		if ((r = write(fd, &e, sizeof(e))) == (ssize_t)sizeof(e))
			untold[i] = 0;
		else if (!(r < 0 && errno == EAGAIN)) {
			stop = 1; /* the parent is gone */
			return;
		}
	}
}

/* ---- the workloads --------------------------------------------------------------- */

static void block_pattern(unsigned char *b, unsigned block, unsigned round)
{
	uint32_t x = 0x9e3779b9u * (block + 1) + round;

	for (unsigned i = 0; i < BLOCK; i += 4) {
		x = x * 1103515245u + 12345u;
		memcpy(b + i, &x, 4);
	}
}

static unsigned long differing(const unsigned char *a, const unsigned char *b, size_t n)
{
	unsigned long d = 0;

	for (size_t i = 0; i < n; i++)
		d += a[i] != b[i];
	return d;
}

/* A call that failed or came short: an error, unless it is our own stop signal interrupting it. */
static unsigned long failed(ssize_t r)
{
	return !(r < 0 && errno == EINTR && stop);
}

/* Open path (again, after a call on it failed: a garbage answer to its open may have cost it). */
static int reopen(int fd, const char *path, int flags, int events)
{
	if (fd >= 0)
		return fd;
	if ((fd = open(path, flags)) < 0) {
		tell(N_ERRORS, failed(fd));
		told(events);
		sleep_ms(10);
	}
	return fd;
}

static void memory_workload(int fd)
{
	static unsigned char want[BLOCK], got[BLOCK], zero[BLOCK];
	int zfd = -1, nfd = -1, rfd = -1;

	for (unsigned round = 0; !stop; round++) {
		unsigned block = round % RAM_BLOCKS;
		ssize_t r;

		if ((zfd = reopen(zfd, "/dev/zero", O_RDONLY, fd)) < 0 || (nfd = reopen(nfd, "/dev/null", O_WRONLY, fd)) < 0 ||
		    (rfd = reopen(rfd, "/dev/ram0", O_RDWR, fd)) < 0)
			continue;
		if ((r = read(zfd, got, BLOCK)) != BLOCK)
			tell(N_ERRORS, failed(r));
		else
			tell(N_WRONG, differing(got, zero, BLOCK));
		if ((r = write(nfd, got, BLOCK)) != BLOCK)
			tell(N_ERRORS, failed(r));
		block_pattern(want, block, round);
		if ((r = pwrite(rfd, want, BLOCK, (off_t)block * BLOCK)) != BLOCK)
			tell(N_ERRORS, failed(r));
		else if ((r = pread(rfd, got, BLOCK, (off_t)block * BLOCK)) != BLOCK)
			tell(N_ERRORS, failed(r));
		else
			tell(N_WRONG, differing(got, want, BLOCK));
		tell(N_OPS, 4);
		told(fd);
		sched_yield(); /* the campaign, woken to follow a fault, runs at once */
	}
}

/*
 * On a spare VGA console, its window size set and read back, its settings
 * compared with the first ones, a line written; with no VGA, the serial
 * console, only read (its size and settings are the user's).
 */
static void tty_workload(int fd)
{
	static const char line[] = "fault campaign: the terminal workload writes this line\r\n";
	struct termios first = {0}, now; /* TCGETS fills the kernel's part of musl's struct: zero the rest */
	struct winsize size0 = {0}, got;
	int t = -1, have_first = 0, spare = 1;

	for (unsigned round = 0; !stop; round++) {
		struct winsize set = {(unsigned short)(20 + round % 30), (unsigned short)(60 + round % 40), 0, 0};
		ssize_t r;

		if (t < 0 && !have_first && spare && (t = open(SPARE_CONSOLE, O_RDWR | O_NOCTTY)) < 0)
			spare = 0; /* no VGA console */
		if ((t = reopen(t, spare ? SPARE_CONSOLE : "/dev/console", spare ? O_RDWR | O_NOCTTY : O_RDONLY | O_NOCTTY,
				fd)) < 0)
			continue;
		if (!have_first) {
			have_first = tcgetattr(t, &first) == 0 && ioctl(t, TIOCGWINSZ, &size0) == 0;
			continue;
		}
		if (!spare)
			set = size0;
		if ((spare && ioctl(t, TIOCSWINSZ, &set) < 0) || ioctl(t, TIOCGWINSZ, &got) < 0)
			tell(N_ERRORS, failed(-1));
		else
			tell(N_WRONG, differing((const void *)&set, (const void *)&got, 4));
		memset(&now, 0, sizeof(now));
		if (tcgetattr(t, &now) < 0)
			tell(N_ERRORS, failed(-1));
		else
			tell(N_WRONG, differing((const void *)&first, (const void *)&now, sizeof(now)));
		if (spare && (r = write(t, line, sizeof(line) - 1)) != (ssize_t)sizeof(line) - 1)
			tell(N_ERRORS, failed(r));
		tell(N_OPS, 3 + (unsigned)spare);
		told(fd);
	}
}

/* One child per label it knows a workload for: their pids, and the pipe they report on. */
static int start_workloads(char labels[][16], int n, pid_t *pids, int *events)
{
	int p[2];

	if (pipe(p) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		void (*work)(int) = strcmp(labels[i], "memory") == 0 ? memory_workload
				    : strcmp(labels[i], "tty") == 0   ? tty_workload
								      : 0;

		pids[i] = -1;
		if (!work)
			continue;
		if ((pids[i] = fork()) == 0) {
			close(p[0]);
			signal(SIGTERM, on_term);
			who = i;
			fcntl(p[1], F_SETFL, O_NONBLOCK);
			work(p[1]);
			fcntl(p[1], F_SETFL, 0);
			told(p[1]);
			_exit(0);
		}
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	*events = p[0];
	return 0;
}

struct seen {
	unsigned long errors, wrong, ops_by[LABELS_MAX]; /* operations, by workload */
};

/* Take every event the workloads have sent so far. */
static void drain(int fd, struct seen *s)
{
	struct event e;

	while (read(fd, &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		if (e.kind == N_ERRORS)
			s->errors += e.n;
		else if (e.kind == N_WRONG)
			s->wrong += e.n;
		else if (e.kind == N_OPS && e.who < LABELS_MAX)
			s->ops_by[e.who] += e.n;
	}
}

/*
 * Whether workload who has done something since it had done since
 * operations, within wait_ms: before each fault into its driver, so that
 * each fault finds the last one's requests answered and the workload busy
 * again (else a workload held up for good would go unseen: a call still
 * waiting when it is stopped is no error).
 */
static int progressed(int events, struct seen *s, int who, unsigned long since, unsigned wait_ms)
{
	for (unsigned waited = 0;; waited += 2) {
		drain(events, s);
		if (s->ops_by[who] > since)
			return 1;
		if (waited >= wait_ms)
			return 0;
		sleep_ms(2);
	}
}

/* ---- the table ------------------------------------------------------------------ */

static int by_value(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void spread(const char *what, unsigned long *us, unsigned long n)
{
	if (n == 0) {
		printf("%s: none\n", what);
		return;
	}
	qsort(us, n, sizeof(*us), by_value);
	printf("%s (guest ms): min %.3f, median %.3f, max %.3f\n", what, us[0] / 1000.0, us[n / 2] / 1000.0,
	       us[n - 1] / 1000.0);
}

static int usage(void)
{
	fprintf(stderr, "usage: fault campaign LABEL[,LABEL...] [--faults N] [--kinds KIND[,KIND...]] [--every MS] "
			"[--seed S] [--count BITS] [--window MS] [--verbose] (kinds: kill crash hang exit garbage "
			"flip-text flip-data)\n");
	return 2;
}

static int parse_list(const char *text, char out[][16], int max)
{
	int n = 0;

	for (const char *p = text; *p;) {
		size_t len = strcspn(p, ",");

		if (len == 0 || len > 15 || n == max)
			return -1;
		memcpy(out[n], p, len);
		out[n++][len] = 0;
		p += len + (p[len] == ',');
	}
	return n;
}

int campaign(int argc, char **argv)
{
	char labels[LABELS_MAX][16], names[K_COUNT][16];
	int nlabels, nkinds = 3, kinds[K_COUNT] = {K_KILL, K_CRASH, K_HANG}, verbose = 0, events, transparent = 1, aborted = 0;
	unsigned long faults = 100, every = 0, seed = 1, bits = 1, window = 300;
	unsigned long *recovery, *detection, nrec = 0, ndet = 0, by_cause[5] = {0}, mark[LABELS_MAX] = {0}, stalls = 0, ops = 0;
	static const char *const causes[5] = {"killed", "exception", "exit", "hang", "complaint"};
	struct tally tally[K_COUNT] = {{0}}, all = {0};
	struct seen seen = {0};
	pid_t pids[LABELS_MAX];
	uint64_t state;
	int status;

	if (argc < 2 || argv[1][0] == '-' || (nlabels = parse_list(argv[1], labels, LABELS_MAX)) < 1)
		return usage();
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : 0;
		int r = 0;

		if (strcmp(a, "--verbose") == 0) {
			verbose = 1;
			continue;
		}
		if (strcmp(a, "--faults") == 0)
			r = number(a, v, 1, FAULTS_MAX, &faults);
		else if (strcmp(a, "--every") == 0)
			r = number(a, v, 0, 60000, &every);
		else if (strcmp(a, "--seed") == 0)
			r = number(a, v, 0, ~0UL, &seed);
		else if (strcmp(a, "--count") == 0)
			r = number(a, v, 1, RS_FLIP_MAX, &bits);
		else if (strcmp(a, "--window") == 0)
			r = number(a, v, 1, 60000, &window);
		else if (strcmp(a, "--kinds") == 0) {
			if (!v || (nkinds = parse_list(v, names, K_COUNT)) < 1)
				return usage();
			for (int k = 0; k < nkinds; k++) {
				kinds[k] = -1;
				for (int j = 0; j < K_COUNT; j++)
					if (strcmp(names[k], kind_name(j)) == 0)
						kinds[k] = j;
				if (kinds[k] < 0) {
					fprintf(stderr, "fault: campaign: '%s' is not a kind of fault\n", names[k]);
					return 2;
				}
			}
		} else
			return usage();
		if (r < 0)
			return 2;
		i++;
	}
	for (int i = 0; i < nlabels; i++) {
		struct record r;

		if (!label_ok(labels[i]))
			return 2;
		if (read_record(labels[i], &r) < 0) {
			fprintf(stderr, "fault: campaign: no service named '%s' (service list shows them)\n", labels[i]);
			return 1;
		}
	}
	if (!root_only())
		return 1;
	recovery = calloc(faults, sizeof(*recovery));
	detection = calloc(faults, sizeof(*detection));
	if (!recovery || !detection || start_workloads(labels, nlabels, pids, &events) < 0) {
		fprintf(stderr, "fault: campaign: cannot start: %s\n", strerror(errno));
		return 1;
	}
	printf("fault: campaign of %lu faults into %s (kinds", faults, argv[1]);
	for (int k = 0; k < nkinds; k++)
		printf("%s%s", k ? "," : " ", kind_name(kinds[k]));
	printf("; seed %lu), a workload checking its data\n", seed);
	fflush(stdout);
	state = seed;
	for (unsigned long f = 0; f < faults; f++) {
		uint64_t pick = splitmix_next(&state);
		int li = (int)(pick % (unsigned)nlabels);
		const char *label = labels[li];
		int k = kinds[(pick >> 32) % (unsigned)nkinds];
		long arg[3] = {0, 0, 0}, r;
		struct record before;
		struct outcome o;
		struct seen then;
		enum verdict v;

		if (every)
			sleep_ms((unsigned)every);
		if (pids[li] > 0 && !progressed(events, &seen, li, mark[li], STALL_MS)) {
			stalls++;
			seen.errors++; /* a program held up is a program that sees the fault */
			if (verbose)
				printf("fault: campaign: the %s workload did nothing for %u ms after %s served again\n",
				       label, STALL_MS, label);
		}
		drain(events, &seen);
		then = seen;
		if (read_record(label, &before) < 0) {
			memset(&before, 0, sizeof(before));
		}
		if (kind_ops[k] == RS_CTL_FLIP) {
			arg[0] = (long)bits;
			arg[1] = k == K_TEXT ? RS_FLIP_TEXT : RS_FLIP_DATA;
			arg[2] = (long)splitmix_next(&state);
		}
		tally[k].injected++;
		r = inject(label, kind_ops[k], arg);
		if (r < 0 && r != -EAGAIN) { /* not a driver rs lets us fault: say why, and stop */
			refused(label, r, kind_name(k));
			aborted = 1;
			break;
		}
		if (r < 0) {
			v = V_REFUSED;
		} else {
			unsigned wait = kind_ops[k] == RS_CTL_FLIP || kind_ops[k] == RS_CTL_GARBAGE ? (unsigned)window
												      : FOLLOW_MS;

			follow(label, &before, wait, &o);
			drain(events, &seen);
			switch (o.what) {
			case OUT_RECOVERED: v = V_RECOVERED; break;
			case OUT_FAILED: v = V_FAILED; break;
			case OUT_NOT_BACK: case OUT_LOST: v = V_NOT_BACK; break;
			default:
				v = seen.wrong > then.wrong ? V_WRONG : seen.errors > then.errors ? V_ERRORS : V_NO_EFFECT;
			}
			if ((v == V_RECOVERED || v == V_FAILED || v == V_NOT_BACK) && o.rec.ended_us >= o.rec.injected_us) {
				for (int c = 0; c < 5; c++)
					by_cause[c] += strcmp(o.rec.cause, causes[c]) == 0;
				detection[ndet++] = o.rec.ended_us - o.rec.injected_us;
			}
			if (v == V_RECOVERED)
				recovery[nrec++] = o.rec.ready_us - o.rec.ended_us;
			if (kind_ops[k] == RS_CTL_FLIP && o.what == OUT_UNDETECTED) {
				/* it still runs flipped code: restart it (its kept state stays) before the next fault */
				struct record now;
				struct outcome back;
				long none[3] = {0, 0, 0};

				if (read_record(label, &now) == 0 && inject(label, RS_CTL_RESTART, none) == 0)
					follow(label, &now, FOLLOW_MS, &back);
			}
			if (v == V_FAILED) { /* rs gave up on it: bring it back for the next fault */
				long none[3] = {0, 0, 0};

				inject(label, RS_CTL_UP, none);
			}
			if (verbose)
				describe(label, &o, wait, stdout);
			drain(events, &seen);
			mark[li] = seen.ops_by[li]; /* the next fault into it waits for it to do something after this */
		}
		tally[k].verdict[v]++;
		all.injected++;
		all.verdict[v]++;
	}
	for (int i = 0; i < nlabels; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (int i = 0; i < nlabels; i++) /* each tells the rest as it ends: take it, or a full pipe holds it */
		while (pids[i] > 0 && waitpid(pids[i], &status, WNOHANG) == 0) {
			drain(events, &seen);
			sleep_ms(1);
		}
	drain(events, &seen);
	if (aborted)
		return 1;

	printf("%-10s %9s %9s %9s %9s %9s %9s %9s %9s\n", "KIND", "INJECTED", "RESTARTED", "FAILED", "NOT-BACK",
	       "NO-EFFECT", "WRONG", "ERRORS", "REFUSED");
	for (int k = 0; k <= K_COUNT; k++) {
		const struct tally *t = k < K_COUNT ? &tally[k] : &all;

		if (k < K_COUNT && !t->injected)
			continue;
		printf("%-10s %9lu %9lu %9lu %9lu %9lu %9lu %9lu %9lu\n", k < K_COUNT ? kind_name(k) : "all", t->injected,
		       t->verdict[V_RECOVERED], t->verdict[V_FAILED], t->verdict[V_NOT_BACK], t->verdict[V_NO_EFFECT],
		       t->verdict[V_WRONG], t->verdict[V_ERRORS], t->verdict[V_REFUSED]);
	}
	printf("detected by: the kernel %lu (killed %lu, exception %lu, exit %lu), missed heartbeats %lu, "
	       "complaints %lu\n",
	       by_cause[0] + by_cause[1] + by_cause[2], by_cause[0], by_cause[1], by_cause[2], by_cause[3], by_cause[4]);
	printf("restarts: %lu; services marked failed: %lu\n", all.verdict[V_RECOVERED], all.verdict[V_FAILED]);
	spread("detection, injection to the end of the faulty incarnation", detection, ndet);
	spread("recovery, its end to its successor serving", recovery, nrec);
	for (int i = 0; i < nlabels; i++)
		ops += seen.ops_by[i];
	printf("workload: %lu operations, %lu errors, %lu wrong bytes\n", ops, seen.errors, seen.wrong);
	if (stalls)
		printf("stalled: %lu time%s a workload did nothing for %u ms after its driver served again (among the "
		       "errors)\n", stalls, stalls == 1 ? "" : "s", STALL_MS);
	printf("system: up after %lu faults\n", all.injected);
	for (int k = 0; k < nkinds; k++)
		transparent &= kinds[k] == K_KILL || kinds[k] == K_CRASH || kinds[k] == K_HANG || kinds[k] == K_EXIT;
	/* 1: a fault the system did not recover from, or (faults it hides) anything a program saw */
	return all.verdict[V_NOT_BACK] || all.verdict[V_REFUSED] || (transparent && (seen.errors || seen.wrong)) ? 1 : 0;
}
