/*
 * fault: inject a fault into a running driver and watch the system heal
 * (docs/fault.md). rs acts the fault out (AX_SYS_RSCTL, forwarded by pm
 * with the caller's effective uid: root only; vm, pm, ds, rs and vfs
 * refused); this command then follows the driver in /proc/recovery until
 * it serves again, and says what happened in guest milliseconds: detected
 * by what, after how long, restarted when, serving again when.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <proto/rs.h>

#include "fault.h"

#define LABEL_MAX 15

/* The single faults, named by rs_fault_name (proto/rs.h). */
static const long single[] = {RS_CTL_KILL, RS_CTL_CRASH, RS_CTL_HANG, RS_CTL_EXIT, RS_CTL_GARBAGE, RS_CTL_FLIP};

static int usage(void)
{
	fprintf(stderr, "usage: fault kill|crash|hang|exit|garbage LABEL [--wait MS] | fault crash --counted LABEL | "
			"fault flip LABEL --text|--data [--count N] [--seed S] [--wait MS] | fault campaign LABEL[,LABEL...] "
			"[options] (see docs/fault.md)\n");
	return 2;
}

void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	nanosleep(&ts, 0);
}

int read_record(const char *label, struct record *r)
{
	char line[256];
	int found = 0;
	FILE *f = fopen(RECOVERY_FILE, "r");

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		char name[32];

		found = sscanf(line, "%31s %u %15s %u %u %15s %15s %lu %lu %lu %lu", name, &r->faults, r->last,
			       &r->flipped, &r->starts, r->state, r->cause, &r->injected_us, &r->ended_us,
			       &r->started_us, &r->ready_us) == 11 &&
			strcmp(name, label) == 0;
	}
	fclose(f);
	return found ? 0 : -1;
}

long inject(const char *label, long op, const long arg[3])
{
	uint64_t w[2] = {0, 0};
	long r;

	memcpy(w, label, strlen(label));
	/* -EAGAIN: it is being restarted, or (a garbage reply) busy: ask again, for up to a second */
	for (int tries = 0; (r = syscall(AX_SYS_RSCTL, op, (long)w[0], (long)w[1], arg[0], arg[1], arg[2])) < 0 &&
			    errno == EAGAIN && tries < 500;
	     tries++)
		sleep_ms(2);
	return r < 0 ? -errno : 0;
}

const char *detector(const char *cause)
{
	if (strcmp(cause, "exception") == 0)
		return "the kernel: a CPU exception";
	if (strcmp(cause, "exit") == 0)
		return "the kernel: it exited";
	if (strcmp(cause, "killed") == 0)
		return "the kernel: it was killed";
	if (strcmp(cause, "hang") == 0)
		return "rs: missed heartbeats";
	if (strcmp(cause, "complaint") == 0)
		return "a client's complaint to rs";
	return cause;
}

int follow(const char *label, const struct record *before, unsigned wait_ms, struct outcome *o)
{
	struct record r;
	unsigned waited = 0, limit = wait_ms;

	memset(o, 0, sizeof(*o));
	for (;;) {
		if (read_record(label, &r) < 0) { /* procfs itself may be the one faulted: ask again */
			if (waited >= limit) {
				o->what = OUT_LOST;
				return -1;
			}
			sleep_ms(2);
			waited += 2;
			continue;
		}
		o->rec = r;
		if (r.starts > before->starts && r.ready_us >= r.started_us && r.ready_us) {
			o->what = OUT_RECOVERED;
			return 0;
		}
		if (strcmp(r.state, "failed") == 0 || strcmp(r.state, "down") == 0 ||
		    strcmp(r.state, "start-fail") == 0) {
			o->what = OUT_FAILED;
			return 0;
		}
		if (r.ended_us > r.injected_us && limit == wait_ms && waited + BACK_MS > limit)
			limit = waited + BACK_MS; /* it ended: give its successor time to come (a back-off, a start) */
		if (waited >= limit) {
			o->what = r.ended_us > r.injected_us ? OUT_NOT_BACK : OUT_UNDETECTED;
			return 0;
		}
		sleep_ms(2);
		waited += 2;
	}
}

static double ms(unsigned long from_us, unsigned long to_us)
{
	return ((double)to_us - (double)from_us) / 1000.0;
}

void describe(const char *label, const struct outcome *o, unsigned wait_ms, FILE *out)
{
	const struct record *r = &o->rec;

	switch (o->what) {
	case OUT_RECOVERED:
		fprintf(out,
			"fault: %s: detected by %s after %.3f ms; restarted at +%.3f ms; serving again at +%.3f ms "
			"(guest time from the injection)\n",
			label, detector(r->cause), ms(r->injected_us, r->ended_us), ms(r->injected_us, r->started_us),
			ms(r->injected_us, r->ready_us));
		break;
	case OUT_FAILED:
		fprintf(out, "fault: %s: detected by %s after %.3f ms; rs left it %s (service status %s)\n", label,
			detector(r->cause), ms(r->injected_us, r->ended_us), r->state, label);
		break;
	case OUT_NOT_BACK:
		fprintf(out, "fault: %s: detected by %s after %.3f ms, but not serving again %u ms later\n", label,
			detector(r->cause), ms(r->injected_us, r->ended_us), BACK_MS);
		break;
	case OUT_UNDETECTED:
		fprintf(out, "fault: %s: no failure detected within %u ms: it still runs%s\n", label, wait_ms,
			strcmp(r->last, "garbage") == 0 ? " (its next reply to a client carries the garbage)" : "");
		break;
	case OUT_LOST:
		fprintf(out, "fault: %s: cannot read %s: %s\n", label, RECOVERY_FILE, strerror(errno));
		break;
	}
}

/* "--count 12" and the like: a whole number in [lo, hi], or an error line. */
int number(const char *flag, const char *text, unsigned long lo, unsigned long hi, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = text ? strtoul(text, &end, 10) : 0;
	if (!text || !*text || *end || errno || *v < lo || *v > hi || text[0] == '-') {
		fprintf(stderr, "fault: %s needs a whole number from %lu to %lu, not '%s'\n", flag, lo, hi,
			text ? text : "");
		return -1;
	}
	return 0;
}

int refused(const char *label, long err, const char *what)
{
	switch (-err) {
	case ESRCH: fprintf(stderr, "fault: no service named '%s' (service list shows them)\n", label); break;
	case EPERM: fprintf(stderr, "fault: %s may not be faulted: the system cannot run without it\n", label); break;
	case EAGAIN: fprintf(stderr, "fault: %s is not running (or busy): try again\n", label); break;
	case ENOSYS: fprintf(stderr, "fault: this system has no rs to ask\n"); break;
	default: fprintf(stderr, "fault: %s into %s failed: %s\n", what, label, strerror((int)-err));
	}
	return 1;
}

int label_ok(const char *label)
{
	if (!label || !label[0] || strlen(label) > LABEL_MAX) {
		fprintf(stderr, "fault: '%s' is not a service label (1 to %d characters)\n", label ? label : "",
			LABEL_MAX);
		return 0;
	}
	return 1;
}

int root_only(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "fault: only root may inject faults\n");
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	const char *label = 0, *where = 0, *name;
	unsigned long count = 1, seed = 1, wait_ms = 5000;
	long arg[3] = {0, 0, 0}, kind = -1, op, r;
	int counted = 0;
	struct record before;
	struct outcome o;

	if (argc >= 2 && strcmp(argv[1], "campaign") == 0)
		return campaign(argc - 1, argv + 1);
	for (size_t i = 0; argc >= 2 && i < sizeof(single) / sizeof(single[0]); i++)
		if (strcmp(argv[1], rs_fault_name(single[i])) == 0)
			kind = single[i];
	if (kind < 0)
		return usage();
	name = rs_fault_name(kind);
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--counted") == 0 && kind == RS_CTL_CRASH)
			counted = 1;
		else if ((strcmp(a, "--text") == 0 || strcmp(a, "--data") == 0) && kind == RS_CTL_FLIP && !where)
			where = a + 2;
		else if (strcmp(a, "--count") == 0 && kind == RS_CTL_FLIP) {
			if (number(a, i + 1 < argc ? argv[++i] : 0, 1, RS_FLIP_MAX, &count) < 0)
				return 2;
		} else if (strcmp(a, "--seed") == 0 && kind == RS_CTL_FLIP) {
			if (number(a, i + 1 < argc ? argv[++i] : 0, 0, ~0UL, &seed) < 0)
				return 2;
		} else if (strcmp(a, "--wait") == 0) {
			if (number(a, i + 1 < argc ? argv[++i] : 0, 0, 600000, &wait_ms) < 0)
				return 2;
		} else if (a[0] == '-' || label) {
			return usage();
		} else {
			label = a;
		}
	}
	if (!label || (kind == RS_CTL_FLIP && !where))
		return usage();
	if (!label_ok(label))
		return 2;
	if (!root_only())
		return 1;
	op = counted ? RS_CTL_CRASH_COUNTED : kind;
	if (op == RS_CTL_FLIP) {
		arg[0] = (long)count;
		arg[1] = strcmp(where, "text") == 0 ? RS_FLIP_TEXT : RS_FLIP_DATA;
		arg[2] = (long)seed;
	}
	if (read_record(label, &before) < 0)
		memset(&before, 0, sizeof(before)); /* not a service: rs says so below */
	if ((r = inject(label, op, arg)) < 0)
		return refused(label, r, name);
	if (op == RS_CTL_FLIP)
		printf("fault: %lu bit%s of the %s of %s flipped (seed %lu)\n", count, count == 1 ? "" : "s", where, label,
		       seed);
	else
		printf("fault: %s injected into %s%s\n", name, label, counted ? ", counted as its own failure" : "");
	fflush(stdout);
	if (wait_ms == 0) /* --wait 0: do not follow it */
		return 0;
	follow(label, &before, (unsigned)wait_ms, &o);
	describe(label, &o, (unsigned)wait_ms, stdout);
	return o.what == OUT_RECOVERED || o.what == OUT_UNDETECTED ? 0 : 1;
}
