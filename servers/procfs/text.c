/* procfs's files as text, in Linux's formats (checked against Linux 6.x's /proc). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

void text_printf(struct text *t, const char *fmt, ...)
{
	size_t room = t->len < t->cap ? t->cap - t->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? t->buf + t->len : 0, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
}

void text_bytes(struct text *t, const void *bytes, size_t n)
{
	if (t->len < t->cap)
		memcpy(t->buf + t->len, bytes, n < t->cap - t->len ? n : t->cap - t->len);
	t->len += n;
}

static uint64_t ticks(uint64_t ns) { return ns / (1000000000ULL / USER_HZ); }

char proc_state(const struct proc_view *p)
{
	if (p->info.state == PM_STATE_ZOMBIE || p->info.state == PM_STATE_STOPPED)
		return (char)p->info.state;
	return p->runnable ? 'R' : 'S';
}

/* A zombie has no memory left: Linux shows it no command line. */
static int has_memory(const struct proc_view *p) { return p->info.state != PM_STATE_ZOMBIE; }

/*
 * Linux's 52 fields (proc(5)). What pm does not know is 0 as Linux shows
 * it to those it hides it from: faults, memory addresses, wchan; vsize and
 * rss are 0 (vm would have to be asked: docs/procfs.md). The four signal
 * sets are Linux's obsolete decimal words, masked to 31 bits as Linux does.
 */
void text_proc_stat(struct text *t, const struct proc_view *p)
{
	const struct pm_proc_info *i = &p->info;
	const uint64_t low = 0x7fffffffULL;

	text_printf(t, "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 ", i->pid, i->comm, proc_state(p), i->ppid, i->pgrp, i->sid);
	text_printf(t, "%llu 0 %llu 0 %d %d 1 0 %llu 0 0 18446744073709551615 0 0 0 0 0 ",
		    (unsigned long long)ticks(p->cpu_ns), (unsigned long long)ticks(i->child_cpu_ns), 20 + i->nice,
		    i->nice, (unsigned long long)ticks(i->start_ns));
	text_printf(t, "%llu %llu %llu %llu 0 0 0 %d 0 0 0 0 0 0 0 0 0 0 0 0 0 %d\n",
		    (unsigned long long)(i->sig_pending & low), (unsigned long long)(i->sig_blocked & low),
		    (unsigned long long)(i->sig_ignored & low), (unsigned long long)(i->sig_caught & low),
		    i->exit_signal, i->state == PM_STATE_ZOMBIE ? i->exit_status : 0);
}

static const char *state_words(char s)
{
	switch (s) {
	case 'R': return "R (running)";
	case 'T': return "T (stopped)";
	case 'Z': return "Z (zombie)";
	default: return "S (sleeping)";
	}
}

/* The lines of Linux's /proc/<pid>/status that hold what pm knows, in Linux's order. */
void text_proc_status(struct text *t, const struct proc_view *p)
{
	const struct pm_proc_info *i = &p->info;

	text_printf(t, "Name:\t%s\nUmask:\t0022\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		    i->comm, state_words(proc_state(p)), i->pid, i->pid, i->ppid);
	/* real, effective, saved, file-system (the effective one, as Linux's unless setfsuid) */
	text_printf(t, "Uid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\nFDSize:\t64\nGroups:\t \n", i->uid, i->euid,
		    i->suid, i->euid, i->gid, i->egid, i->sgid, i->egid);
	text_printf(t, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\nKthread:\t0\nThreads:\t1\n", i->pid, i->pid,
		    i->pgrp, i->sid);
	text_printf(t, "SigQ:\t0/0\nSigPnd:\t0000000000000000\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n",
		    (unsigned long long)i->sig_pending, (unsigned long long)i->sig_blocked);
	text_printf(t, "SigIgn:\t%016llx\nSigCgt:\t%016llx\n", (unsigned long long)i->sig_ignored,
		    (unsigned long long)i->sig_caught);
	text_printf(t, "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

void text_proc_cmdline(struct text *t, const struct proc_view *p)
{
	if (has_memory(p))
		text_bytes(t, p->info.cmdline, p->info.cmdline_len < PM_CMDLINE_MAX ? p->info.cmdline_len : PM_CMDLINE_MAX);
}

void text_proc_comm(struct text *t, const struct proc_view *p)
{
	text_printf(t, "%.15s\n", p->info.comm);
}

/* Linux's show_val_kb: the label padded to 16 columns, the value right-aligned in 8. */
static void kb_line(struct text *t, const char *label, uint64_t bytes)
{
	text_printf(t, "%-16s%8llu kB\n", label, (unsigned long long)(bytes >> 10));
}

/*
 * There is no page cache and no swap: nothing is reclaimable, so
 * MemAvailable is MemFree, and Buffers, Cached, the swap lines are 0.
 */
void text_meminfo(struct text *t, uint64_t total, uint64_t free)
{
	kb_line(t, "MemTotal:", total);
	kb_line(t, "MemFree:", free);
	kb_line(t, "MemAvailable:", free);
	kb_line(t, "Buffers:", 0);
	kb_line(t, "Cached:", 0);
	kb_line(t, "SwapCached:", 0);
	kb_line(t, "Active:", total - free);
	kb_line(t, "Inactive:", 0);
	kb_line(t, "SwapTotal:", 0);
	kb_line(t, "SwapFree:", 0);
	kb_line(t, "Dirty:", 0);
	kb_line(t, "Writeback:", 0);
	kb_line(t, "AnonPages:", total - free);
	kb_line(t, "Mapped:", 0);
	kb_line(t, "Shmem:", 0);
	kb_line(t, "KReclaimable:", 0);
	kb_line(t, "Slab:", 0);
	kb_line(t, "SReclaimable:", 0); /* free(1) wants Cached, MemAvailable and this one */
	kb_line(t, "SUnreclaim:", 0);
}

/* "SECONDS.HH IDLE.HH": hundredths, truncated as Linux's are. */
void text_uptime(struct text *t, uint64_t up_ns, uint64_t idle_ns)
{
	text_printf(t, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(up_ns / 1000000000),
		    (unsigned long long)(up_ns / 10000000 % 100), (unsigned long long)(idle_ns / 1000000000),
		    (unsigned long long)(idle_ns / 10000000 % 100));
}

/* Linux's EXP_1, EXP_5, EXP_15: 2048 / exp(5 s / 1, 5, 15 min). */
static const uint64_t load_exp[3] = {1884, 2014, 2037};

/* Linux's calc_load: one 5-second step towards `active` (fixed point), rounding up while it rises. */
static uint64_t calc_load(uint64_t load, uint64_t exp, uint64_t active)
{
	uint64_t next = load * exp + active * (LOAD_FIXED_1 - exp);

	if (active >= load)
		next += LOAD_FIXED_1 - 1;
	return next / LOAD_FIXED_1;
}

void load_sample(struct loadavg *l, unsigned active)
{
	for (int i = 0; i < 3; i++)
		l->avg[i] = calc_load(l->avg[i], load_exp[i], (uint64_t)active * LOAD_FIXED_1);
}

/* "0.42 0.48 0.32 1/97 31211", each average rounded at the second decimal as Linux's get_avenrun does. */
void text_loadavg(struct text *t, const struct loadavg *l, unsigned running, unsigned total, int last_pid)
{
	for (int i = 0; i < 3; i++) {
		uint64_t a = l->avg[i] + LOAD_FIXED_1 / 200;

		text_printf(t, "%llu.%02llu ", (unsigned long long)(a >> LOAD_FSHIFT),
			    (unsigned long long)(((a & (LOAD_FIXED_1 - 1)) * 100) >> LOAD_FSHIFT));
	}
	text_printf(t, "%u/%u %d\n", running, total, last_pid);
}

/*
 * One CPU. The kernel counts CPU time per process, not user against
 * system time: busy time (uptime less idle) is shown as user time.
 */
void text_stat(struct text *t, uint64_t up_ns, uint64_t idle_ns, int64_t boot_time_s, uint64_t forks,
	       unsigned running, unsigned blocked)
{
	unsigned long long idle = ticks(idle_ns), busy = ticks(up_ns > idle_ns ? up_ns - idle_ns : 0);

	text_printf(t, "cpu  %llu 0 0 %llu 0 0 0 0 0 0\ncpu0 %llu 0 0 %llu 0 0 0 0 0 0\n", busy, idle, busy, idle);
	text_printf(t, "intr 0\nctxt 0\nbtime %lld\nprocesses %llu\nprocs_running %u\nprocs_blocked %u\n",
		    (long long)boot_time_s, (unsigned long long)forks, running, blocked);
	text_printf(t, "softirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

/* The file systems this system has, as Linux lists them ("nodev": needs no device). */
void text_filesystems(struct text *t)
{
	text_printf(t, "nodev\tramfs\nnodev\tproc\n");
}

const char *service_state_name(int32_t state)
{
	switch (state) {
	case RS_SVC_UNSTARTABLE: return "unstartable";
	case RS_SVC_START_FAILED: return "start-fail";
	case RS_SVC_RUNNING: return "running";
	case RS_SVC_DOWN: return "down";
	case RS_SVC_RESTARTING: return "restarting";
	case RS_SVC_FAILED: return "failed";
	default: return "unknown";
	}
}

/* How a service's last incarnation ended (rs_service_info.last_cause: AX_DEATH_*), in one word. */
const char *service_cause_name(int32_t cause)
{
	switch (cause) {
	case 0: return "-";
	case AX_DEATH_EXIT: return "exit";
	case AX_DEATH_KILLED: return "killed";
	case AX_DEATH_FAULT: return "exception";
	case RS_CAUSE_HANG: return "hang";
	case RS_CAUSE_COMPLAINT: return "complaint";
	default: return "unknown";
	}
}

/*
 * Our own: a header line, then one line per service of rs's table, in its
 * order: label, endpoint, state, restarts, starts, how the last incarnation
 * ended, and how long the current one has run (seconds; "-" when none runs).
 */
void text_services(struct text *t, const struct rs_service_info *s, unsigned n, uint64_t now_ns)
{
	text_printf(t, "%-15s %8s %-11s %8s %6s %-9s %9s\n", "LABEL", "ENDPOINT", "STATE", "RESTARTS", "STARTS",
		    "CAUSE", "UPTIME");
	for (unsigned i = 0; i < n; i++) {
		char ep[16], up[24];

		if (s[i].endpoint == AX_NONE)
			snprintf(ep, sizeof(ep), "-");
		else
			snprintf(ep, sizeof(ep), "%d", s[i].endpoint);
		if (s[i].state == RS_SVC_RUNNING && now_ns >= s[i].started_ns) {
			uint64_t ms = (now_ns - s[i].started_ns) / 1000000;

			snprintf(up, sizeof(up), "%lu.%02lu", (unsigned long)(ms / 1000), (unsigned long)(ms % 1000 / 10));
		} else {
			snprintf(up, sizeof(up), "-");
		}
		text_printf(t, "%-15.15s %8s %-11s %8u %6u %-9s %9s\n", s[i].label, ep, service_state_name(s[i].state),
			    s[i].restarts, s[i].starts, service_cause_name(s[i].last_cause), up);
	}
}

/*
 * Our own, for the fault command (docs/fault.md): per service of rs's
 * table, its faults injected, the last one's kind and bits flipped, its
 * starts, state and how its last incarnation ended, then the times of the
 * last injection, the last end, the current start and its first answer to
 * rs, in microseconds of monotonic time (0: none).
 */
void text_recovery(struct text *t, const struct rs_service_info *s, unsigned n)
{
	text_printf(t, "%-15s %6s %-7s %7s %6s %-11s %-9s %12s %12s %12s %12s\n", "LABEL", "FAULTS", "LAST", "FLIPPED",
		    "STARTS", "STATE", "CAUSE", "INJECTED_US", "ENDED_US", "STARTED_US", "READY_US");
	for (unsigned i = 0; i < n; i++) {
		const char *last = rs_fault_name(s[i].injected);

		text_printf(t, "%-15.15s %6u %-7s %7u %6u %-11s %-9s %12lu %12lu %12lu %12lu\n", s[i].label,
			    s[i].injections, last ? last : "-", s[i].flipped, s[i].starts,
			    service_state_name(s[i].state), service_cause_name(s[i].last_cause),
			    (unsigned long)(s[i].injected_ns / 1000), (unsigned long)(s[i].ended_ns / 1000),
			    (unsigned long)(s[i].started_ns / 1000), (unsigned long)(s[i].ready_ns / 1000));
	}
}
