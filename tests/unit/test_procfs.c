/*
 * procfs's formats (servers/procfs/text.c) and the mount table's text
 * (lib/sys/mounts.c): each file as Linux shows it, parsed back the way
 * BusyBox 1.35's procps parses it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "../../lib/sys/include/sys/info.h"
#include "../../lib/sys/include/sys/seqlock.h"
#include "../../servers/procfs/text.h"

static char buf[8192];

static struct text fresh(void)
{
	memset(buf, 0x55, sizeof(buf));
	return (struct text){buf, sizeof(buf), 0};
}

static const char *done(struct text *t)
{
	buf[t->len < sizeof(buf) ? t->len : sizeof(buf) - 1] = 0;
	return buf;
}

static struct proc_view sample(void)
{
	struct proc_view v;

	memset(&v, 0, sizeof(v));
	v.info.state = PM_STATE_ALIVE;
	v.info.pid = 42;
	v.info.ppid = 1;
	v.info.pgrp = 40;
	v.info.sid = 7;
	v.info.nice = -5;
	v.info.exit_signal = 17;
	v.info.start_ns = 2500000000ULL; /* 2.5 s: 250 ticks */
	v.info.child_cpu_ns = 30000000;  /* 3 ticks */
	v.info.sig_blocked = 1ULL << 1;  /* SIGINT */
	v.info.sig_ignored = 1ULL << 2 | 1ULL << 40;
	strcpy(v.info.comm, "sh");
	memcpy(v.info.cmdline, "sh\0-c\0echo hi\0", 14);
	v.info.cmdline_len = 14;
	v.cpu_ns = 1230000000; /* 123 ticks */
	v.runnable = 1;
	return v;
}

/* Count the space-separated fields after the ')' that ends comm. */
static int fields_after_comm(const char *s)
{
	const char *p = strrchr(s, ')');
	int n = 0;

	if (!p)
		return -1;
	for (p++; *p && *p != '\n'; p++)
		if (*p == ' ')
			n++;
	return n;
}

static void stat_line_has_linux_52_fields(void)
{
	struct proc_view v = sample();
	struct text t = fresh();

	text_proc_stat(&t, &v);
	done(&t);
	CHECK(strncmp(buf, "42 (sh) R 1 40 7 ", 17) == 0);
	CHECK(fields_after_comm(buf) == 50); /* pid and comm, then 50 more */
	CHECK(buf[t.len - 1] == '\n');
}

/* The sscanf BusyBox's procps_scan runs (FEATURE_TOP_SMP_PROCESS on, as our configuration has it). */
static void stat_line_parses_as_busybox_does(void)
{
	struct proc_view v = sample();
	struct text t = fresh();
	char state[4] = {0}, *cp;
	unsigned ppid, pgid, sid;
	int tty, cpu = -1;
	unsigned long utime, stime, start, vsz, rss;
	long nice;
	int n;

	text_proc_stat(&t, &v);
	done(&t);
	cp = strrchr(buf, ')');
	n = sscanf(cp + 2, "%c %u %u %u %d %*s %*s %*s %*s %*s %*s %lu %lu %*s %*s %*s %ld %*s %*s %lu %lu %lu "
			   "%*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %d",
		   state, &ppid, &pgid, &sid, &tty, &utime, &stime, &nice, &start, &vsz, &rss, &cpu);
	CHECK(n == 12);
	CHECK(state[0] == 'R' && ppid == 1 && pgid == 40 && sid == 7 && tty == 0);
	CHECK(utime == 123 && stime == 0 && nice == -5 && start == 250 && vsz == 0 && rss == 0 && cpu == 0);
}

static void stat_line_signal_words_and_priority(void)
{
	struct proc_view v = sample();
	struct text t = fresh();
	unsigned long long f[52];
	const char *p;
	int i;

	text_proc_stat(&t, &v);
	done(&t);
	p = strrchr(buf, ')') + 4; /* after ") R " */
	for (i = 3; i < 52 && sscanf(p, "%llu", &f[i]) == 1; i++)
		p = strchr(p, ' ') ? strchr(p, ' ') + 1 : p + strlen(p);
	CHECK(i == 52);
	CHECK(f[17] == 15 && f[18] == (unsigned long long)-5); /* priority 20 + nice, nice */
	CHECK(f[15] == 3);                                      /* cutime */
	CHECK(f[31] == 2 && f[32] == 4);                        /* blocked, sigignore (31 bits: signal 41 not shown) */
	CHECK(f[37] == 17);                                     /* exit_signal */
	CHECK(f[24] == 18446744073709551615ULL);                /* rsslim: unlimited */
}

static void stat_comm_with_paren_and_space(void)
{
	struct proc_view v = sample();
	struct text t = fresh();

	strcpy(v.info.comm, "a) b");
	text_proc_stat(&t, &v);
	done(&t);
	CHECK(strncmp(buf, "42 (a) b) R ", 12) == 0);
	CHECK(fields_after_comm(buf) == 50);
}

static void states_from_pm_and_kernel(void)
{
	struct proc_view v = sample();

	CHECK(proc_state(&v) == 'R');
	v.runnable = 0;
	CHECK(proc_state(&v) == 'S');
	v.info.state = PM_STATE_STOPPED;
	CHECK(proc_state(&v) == 'T');
	v.info.state = PM_STATE_ZOMBIE;
	v.info.exit_status = 3 << 8;
	CHECK(proc_state(&v) == 'Z');
	{
		struct text t = fresh();

		text_proc_stat(&t, &v);
		done(&t);
		CHECK(strstr(buf, ") Z 1 ") != 0);
		CHECK(strcmp(buf + strlen(buf) - 5, " 768\n") == 0); /* exit_code: the wait status */
	}
}

static void status_lines_as_linux(void)
{
	struct proc_view v = sample();
	struct text t = fresh();

	v.runnable = 0;
	text_proc_status(&t, &v);
	done(&t);
	CHECK(strncmp(buf, "Name:\tsh\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t42\nNgid:\t0\nPid:\t42\nPPid:\t1\n", 71) ==
	      0);
	CHECK(strstr(buf, "\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n") != 0);
	CHECK(strstr(buf, "\nSigBlk:\t0000000000000002\n") != 0);
	CHECK(strstr(buf, "\nSigIgn:\t0000010000000004\n") != 0);
	CHECK(strstr(buf, "\nThreads:\t1\n") != 0);
	CHECK(buf[t.len - 1] == '\n');
}

static void cmdline_and_comm(void)
{
	struct proc_view v = sample();
	struct text t = fresh();

	text_proc_cmdline(&t, &v);
	CHECK(t.len == 14 && memcmp(buf, "sh\0-c\0echo hi\0", 14) == 0);
	t = fresh();
	text_proc_comm(&t, &v);
	CHECK(t.len == 3 && memcmp(buf, "sh\n", 3) == 0);
	v.info.state = PM_STATE_ZOMBIE;
	t = fresh();
	text_proc_cmdline(&t, &v);
	CHECK(t.len == 0); /* Linux: a zombie's cmdline is empty */
}

static void meminfo_in_linux_columns(void)
{
	struct text t = fresh();
	unsigned long total = 0, free = 0, avail = 0, swap = 1, cached = 1;
	char line[64];
	const char *p;

	text_meminfo(&t, 128ULL << 20, 100ULL << 20);
	done(&t);
	CHECK(strncmp(buf, "MemTotal:         131072 kB\nMemFree:          102400 kB\nMemAvailable:     102400 kB\n", 84) ==
	      0);
	for (p = buf; *p; p = strchr(p, '\n') + 1) {
		size_t n = (size_t)(strchr(p, '\n') - p);

		memcpy(line, p, n);
		line[n] = 0;
		sscanf(line, "MemTotal: %lu", &total);
		sscanf(line, "MemFree: %lu", &free);
		sscanf(line, "MemAvailable: %lu", &avail);
		sscanf(line, "SwapTotal: %lu", &swap);
		sscanf(line, "Cached: %lu", &cached);
		CHECK(strlen(line) >= 27 && strcmp(line + strlen(line) - 3, " kB") == 0);
	}
	CHECK(total == 131072 && free == 102400 && avail == free && swap == 0 && cached == 0);
}

static void uptime_hundredths(void)
{
	struct text t = fresh();

	text_uptime(&t, 12345678901ULL, 5009999999ULL);
	CHECK(strcmp(done(&t), "12.34 5.00\n") == 0);
	t = fresh();
	text_uptime(&t, 0, 0);
	CHECK(strcmp(done(&t), "0.00 0.00\n") == 0);
}

/* The same averages in floating point: Linux's factors are e^(-5/60), e^(-5/300), e^(-5/900). */
static void loadavg_follows_linux_decay(void)
{
	struct loadavg l = {{0, 0, 0}};
	double want[3] = {0, 0, 0};
	const double decay[3] = {0.9200444146293232, 0.9834714538216174, 0.9944598480048967}; /* e^(-5 s / 1, 5, 15 min) */
	struct text t = fresh();

	CHECK(strcmp((text_loadavg(&t, &l, 0, 3, 9), done(&t)), "0.00 0.00 0.00 0/3 9\n") == 0);
	for (int step = 0; step < 12; step++) { /* one minute with two processes always runnable */
		load_sample(&l, 2);
		for (int i = 0; i < 3; i++)
			want[i] = want[i] * decay[i] + 2 * (1 - decay[i]);
	}
	for (int i = 0; i < 3; i++)
		CHECK((double)l.avg[i] / LOAD_FIXED_1 - want[i] < 0.02 && want[i] - (double)l.avg[i] / LOAD_FIXED_1 < 0.02);
	t = fresh();
	text_loadavg(&t, &l, 2, 5, 123);
	CHECK(strcmp(done(&t), "1.27 0.37 0.13 2/5 123\n") == 0);
	for (int step = 0; step < 2000; step++)
		load_sample(&l, 0);
	t = fresh();
	text_loadavg(&t, &l, 0, 5, 123);
	CHECK(strcmp(done(&t), "0.00 0.00 0.00 0/5 123\n") == 0); /* idle long enough, it reaches zero */
}

static void stat_cpu_line_busy_and_idle(void)
{
	struct text t = fresh();
	unsigned long long user, nice, sys, idle;

	text_stat(&t, 10000000000ULL, 7500000000ULL, 1764633600, 17, 1, 0);
	done(&t);
	CHECK(sscanf(buf, "cpu  %llu %llu %llu %llu", &user, &nice, &sys, &idle) == 4);
	CHECK(user == 250 && nice == 0 && sys == 0 && idle == 750);
	CHECK(strstr(buf, "\ncpu0 250 0 0 750 0 0 0 0 0 0\n") != 0);
	CHECK(strstr(buf, "\nbtime 1764633600\nprocesses 17\nprocs_running 1\nprocs_blocked 0\n") != 0);
}

static void services_header_and_lines(void)
{
	struct rs_service_info s[4] = {
		{.state = RS_SVC_RUNNING, .label = "ds", .endpoint = 511, .starts = 3, .restarts = 2,
		 .last_cause = AX_DEATH_FAULT, .started_ns = 2000000000},
		{.state = RS_SVC_START_FAILED, .label = "svc_missing", .endpoint = AX_NONE},
		{.state = RS_SVC_RESTARTING, .label = "hung", .endpoint = 766, .starts = 1, .last_cause = RS_CAUSE_HANG},
		{.state = RS_SVC_FAILED, .label = "loop", .endpoint = 767, .starts = 3, .restarts = 2,
		 .last_cause = AX_DEATH_EXIT, .started_ns = 1000000000},
	};
	struct text t = fresh();
	char label[16], state[16], ep[16], cause[16], up[16];
	unsigned restarts, starts;
	const char *second;

	text_services(&t, s, 4, 5250000000);
	done(&t);
	CHECK(strncmp(buf, "LABEL ", 6) == 0);
	second = strchr(buf, '\n') + 1;
	CHECK(sscanf(second, "%15s %15s %15s %u %u %15s %15s", label, ep, state, &restarts, &starts, cause, up) == 7);
	CHECK(strcmp(label, "ds") == 0 && strcmp(ep, "511") == 0 && strcmp(state, "running") == 0 && restarts == 2 &&
	      starts == 3 && strcmp(cause, "exception") == 0 && strcmp(up, "3.25") == 0);
	CHECK(strstr(buf, "\nloop ") != 0);
	CHECK(sscanf(strstr(buf, "\nloop ") + 1, "%15s %15s %15s %u %u %15s %15s", label, ep, state, &restarts, &starts,
		     cause, up) == 7);
	CHECK(strcmp(state, "failed") == 0 && strcmp(cause, "exit") == 0 && strcmp(up, "-") == 0);
	CHECK(sscanf(strstr(buf, "\nhung ") + 1, "%15s %15s %15s %u %u %15s %15s", label, ep, state, &restarts, &starts,
		     cause, up) == 7);
	CHECK(strcmp(state, "restarting") == 0 && strcmp(cause, "hang") == 0);
	second = strchr(second, '\n') + 1;
	CHECK(sscanf(second, "%15s %15s %15s", label, ep, state) == 3);
	CHECK(strcmp(label, "svc_missing") == 0 && strcmp(ep, "-") == 0 && strcmp(state, "start-fail") == 0);
}

static void recovery_times_in_microseconds(void)
{
	struct rs_service_info s[2] = {
		{.state = RS_SVC_RUNNING, .label = "memory", .starts = 4, .last_cause = RS_CAUSE_COMPLAINT,
		 .injections = 3, .injected = RS_CTL_GARBAGE, .injected_ns = 5000123456, .ended_ns = 5000200999,
		 .started_ns = 5000300000, .ready_ns = 5001000000},
		{.state = RS_SVC_RUNNING, .label = "tty", .starts = 1, .injections = 1, .injected = RS_CTL_FLIP,
		 .flipped = 10},
	};
	struct text t = fresh();
	char label[16], last[16], state[16], cause[16];
	unsigned faults, flipped, starts;
	unsigned long inj, end, start, ready;

	text_recovery(&t, s, 2);
	done(&t);
	CHECK(strncmp(buf, "LABEL ", 6) == 0);
	CHECK(sscanf(strchr(buf, '\n') + 1, "%15s %u %15s %u %u %15s %15s %lu %lu %lu %lu", label, &faults, last, &flipped,
		     &starts, state, cause, &inj, &end, &start, &ready) == 11);
	CHECK(strcmp(label, "memory") == 0 && faults == 3 && strcmp(last, "garbage") == 0 && flipped == 0 &&
	      starts == 4 && strcmp(state, "running") == 0 && strcmp(cause, "complaint") == 0);
	CHECK(inj == 5000123 && end == 5000200 && start == 5000300 && ready == 5001000);
	CHECK(strstr(buf, "\ntty ") != 0);
	if (!strstr(buf, "\ntty "))
		return;
	CHECK(sscanf(strstr(buf, "\ntty ") + 1, "%15s %u %15s %u %u %15s %15s %lu %lu %lu %lu", label, &faults, last,
		     &flipped, &starts, state, cause, &inj, &end, &start, &ready) == 11);
	CHECK(strcmp(last, "flip") == 0 && flipped == 10 && strcmp(cause, "-") == 0 && inj == 0 && ready == 0);
}

static void text_buffer_never_overflows(void)
{
	char small[8];
	struct text t = {small, 5, 0};

	memset(small, 'x', sizeof(small));
	text_printf(&t, "%s", "abcdefgh");
	text_bytes(&t, "ijk", 3);
	CHECK(t.len == 11);             /* what was wanted */
	CHECK(memcmp(small, "abcd", 4) == 0 && small[5] == 'x' && small[7] == 'x');
}

static void mounts_text_linux_lines_and_escapes(void)
{
	static struct info_mounts m;
	const struct info_mount list[] = {
		{"ramfs", "/", "ramfs", "rw"},
		{"proc", "/proc", "proc", "rw,nosuid"},
		{"/dev/my disk", "/mnt/a\\b\tc", "ext2", "ro"},
	};
	uint32_t seq = m.seq;

	CHECK(info_mounts_set(&m, list, 3) == 0);
	CHECK(m.magic == INFO_MOUNTS_MAGIC && m.count == 3 && m.seq == seq + 2 && seq_read_ok(m.seq, m.seq));
	CHECK(m.len == strlen("ramfs / ramfs rw 0 0\nproc /proc proc rw,nosuid 0 0\n"
			      "/dev/my\\040disk /mnt/a\\134b\\011c ext2 ro 0 0\n"));
	CHECK(memcmp(m.text, "ramfs / ramfs rw 0 0\nproc /proc proc rw,nosuid 0 0\n"
			     "/dev/my\\040disk /mnt/a\\134b\\011c ext2 ro 0 0\n", m.len) == 0);
}

static void mounts_text_too_long_keeps_whole_lines(void)
{
	static struct info_mounts m;
	static char path[3000];
	struct info_mount list[3] = {{"ramfs", "/", "ramfs", "rw"}, {"x", path, "ext2", "rw"}, {"y", path, "ext2", "rw"}};

	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	CHECK(info_mounts_set(&m, list, 3) == -36); /* -ENAMETOOLONG */
	CHECK(m.count == 2 && m.len == 21 + 2 + 2999 + 13 && m.text[m.len - 1] == '\n');
	CHECK(!seq_read_ok(m.seq + 1, m.seq + 1) && !seq_read_ok(m.seq, m.seq + 2));
}

int main(void)
{
	RUN(stat_line_has_linux_52_fields);
	RUN(stat_line_parses_as_busybox_does);
	RUN(stat_line_signal_words_and_priority);
	RUN(stat_comm_with_paren_and_space);
	RUN(states_from_pm_and_kernel);
	RUN(status_lines_as_linux);
	RUN(cmdline_and_comm);
	RUN(meminfo_in_linux_columns);
	RUN(uptime_hundredths);
	RUN(loadavg_follows_linux_decay);
	RUN(stat_cpu_line_busy_and_idle);
	RUN(services_header_and_lines);
	RUN(recovery_times_in_microseconds);
	RUN(text_buffer_never_overflows);
	RUN(mounts_text_linux_lines_and_escapes);
	RUN(mounts_text_too_long_keeps_whole_lines);
	return check_exit();
}
