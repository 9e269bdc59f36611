/*
 * procfs's files as text: pure functions from the numbers procfs gathered
 * to the bytes Linux would show, so the formats are unit-tested on the
 * host (tests/unit/test_procfs.c). No IPC here.
 */
#ifndef PROCFS_TEXT_H
#define PROCFS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "../../lib/sys/include/proto/pm.h"
#include "../../lib/sys/include/proto/rs.h"

#define USER_HZ 100 /* Linux's clock ticks in /proc (sysconf(_SC_CLK_TCK)) */

/* A buffer text is appended to; what does not fit is dropped, and len says how much was wanted. */
struct text {
	char *buf;
	size_t cap, len;
};

void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void text_bytes(struct text *t, const void *bytes, size_t n);

/* One process as procfs shows it: pm's entry and what the kernel says of it now. */
struct proc_view {
	struct pm_proc_info info;
	uint64_t cpu_ns; /* its CPU time (a zombie's: what pm recorded) */
	int runnable;    /* the kernel has it ready to run */
};

/* The /proc/<pid>/stat state letter: R, S, T or Z. */
char proc_state(const struct proc_view *p);
void text_proc_stat(struct text *t, const struct proc_view *p);
void text_proc_status(struct text *t, const struct proc_view *p);
void text_proc_cmdline(struct text *t, const struct proc_view *p);
void text_proc_comm(struct text *t, const struct proc_view *p);

/* Memory in bytes (the kernel's frame counts). */
void text_meminfo(struct text *t, uint64_t total, uint64_t free);
void text_uptime(struct text *t, uint64_t up_ns, uint64_t idle_ns);

/*
 * The load average as Linux computes it: every 5 s, each of the three
 * fixed-point averages (11 fraction bits) decays towards the number of
 * active processes with the factors of 1, 5 and 15 minutes.
 */
#define LOAD_FSHIFT 11
#define LOAD_FIXED_1 (1UL << LOAD_FSHIFT)
#define LOAD_PERIOD_NS 5000000000ULL
struct loadavg {
	uint64_t avg[3];
};
void load_sample(struct loadavg *l, unsigned active);
void text_loadavg(struct text *t, const struct loadavg *l, unsigned running, unsigned total, int last_pid);

/* /proc/stat: one CPU, times in USER_HZ ticks. */
void text_stat(struct text *t, uint64_t up_ns, uint64_t idle_ns, int64_t boot_time_s, uint64_t forks,
	       unsigned running, unsigned blocked);

void text_filesystems(struct text *t);
const char *service_state_name(int32_t state);
const char *service_cause_name(int32_t cause);
/* /proc/services at monotonic time now_ns: a header, then one line per service. */
void text_services(struct text *t, const struct rs_service_info *s, unsigned n, uint64_t now_ns);
void text_recovery(struct text *t, const struct rs_service_info *s, unsigned n);

#endif
