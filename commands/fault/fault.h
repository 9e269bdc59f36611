/* The fault command's parts: one fault (fault.c), campaigns (campaign.c). */
#ifndef FAULT_H
#define FAULT_H

#include <stdio.h>

#define RECOVERY_FILE "/proc/recovery"
#define BACK_MS 5000 /* how long a driver that ended may take to serve again (a back-off, a start) */

/* A service's line of /proc/recovery (procfs, text_recovery): times in guest microseconds, 0 for none. */
struct record {
	unsigned faults, flipped, starts;
	char last[16], state[16], cause[16];
	unsigned long injected_us, ended_us, started_us, ready_us;
};

/* What followed a fault, as far as rs saw it. */
enum outcome_kind {
	OUT_RECOVERED,  /* it ended and its next incarnation answers rs */
	OUT_FAILED,     /* it ended and rs left it down (failed, or a start that failed) */
	OUT_NOT_BACK,   /* it ended and was not serving again BACK_MS later */
	OUT_UNDETECTED, /* nothing ended in time: it still runs */
	OUT_LOST,       /* /proc/recovery could not be read */
};

struct outcome {
	enum outcome_kind what;
	struct record rec; /* as last read */
};

void sleep_ms(unsigned ms);
/* label's line of /proc/recovery: 0, or -1 if it has none (or the file cannot be read). */
int read_record(const char *label, struct record *r);
/* Ask rs for fault op (enum rs_ctl_op) with its arguments: 0 or a negative errno (EAGAIN asked again for a while). */
long inject(const char *label, long op, const long arg[3]);
/*
 * Follow label from before (read ahead of the injection) until it serves
 * again or is left down; give up wait_ms after the injection if it has not
 * ended, BACK_MS after its end if it has not come back.
 */
int follow(const char *label, const struct record *before, unsigned wait_ms, struct outcome *o);
/* Say o in one line. */
void describe(const char *label, const struct outcome *o, unsigned wait_ms, FILE *out);
/* Who noticed, for a CAUSE of /proc/recovery. */
const char *detector(const char *cause);
int number(const char *flag, const char *text, unsigned long lo, unsigned long hi, unsigned long *v);
int refused(const char *label, long err, const char *what);
int label_ok(const char *label);
int root_only(void);

/* campaign.c: fault campaign ARGS (argv[0] "campaign"): the exit status */
int campaign(int argc, char **argv);

#endif
