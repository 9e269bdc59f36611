/*
 * What servers and drivers ask of pm, and what pm asks of them.
 *
 * Signals from servers. A server never sendrecs pm to post a signal (pm
 * itself sendrecs vfs, and a cycle would be refused): it notifies pm, and pm
 * pulls what the server has queued with PM_SIGNAL_PULL until the answer is
 * PM_SIG_NONE. pm pulls only from the servers it knows may signal: vfs
 * (SIGPIPE, job control) and the tty driver (keyboard signals, SIGWINCH,
 * SIGHUP), found through ds under the label "tty".
 *
 * Process information (procfs, ps): PM_PROC_INFO, any system process.
 */
#ifndef PROTO_PM_H
#define PROTO_PM_H

#include <stdint.h>

enum pm_call {
	PM_SIGNAL_PULL = 0xb00, /* pm -> server: -> u64[0]=PM_SIG_* u64[1]=target u64[2]=signal */
	PM_PROC_INFO,           /* u64[0]=pid (0: the first) u64[1]=grant u64[2]=flags (PM_INFO_NEXT)
				   -> struct pm_proc_info into the grant of the source, i64[0]=its pid or -ESRCH */
};

/* PM_SIGNAL_PULL answers */
enum {
	PM_SIG_NONE = 0,
	PM_SIG_PGRP,    /* u64[1] = process group: every member gets the signal (the keyboard's ^C) */
	PM_SIG_PROC,    /* u64[1] = endpoint: that process (vfs: SIGPIPE) */
	PM_SIG_JOBCTL,  /* u64[1] = endpoint: its group gets the signal (SIGTTIN/SIGTTOU) unless the
			   process ignores or blocks it or its group is orphaned: pm then tells vfs
			   VFS_JOBCTL_REFUSED and vfs answers the call -EIO */
};

#define PM_INFO_NEXT 1 /* PM_PROC_INFO: the first process whose pid is >= u64[0] */

/* One process, as /proc/<pid>/stat and status need it. */
struct pm_proc_info {
	int32_t pid, ppid, pgrp, sid;
	int32_t uid, gid, euid, egid;
	int32_t state;        /* 'R', 'S' (blocked in a call), 'T' (stopped), 'Z' */
	int32_t nice;
	int32_t endpoint;
	int32_t tty;          /* controlling terminal as Linux's tty_nr (major << 8 | minor), 0: none */
	uint64_t start_ns;    /* monotonic ns when it was created */
	uint64_t utime_ns, stime_ns, cutime_ns, cstime_ns;
	uint64_t vsize;       /* bytes of address space (from vm), 0 if unknown */
	uint64_t rss_pages;
	uint64_t sig_pending, sig_blocked, sig_ignored, sig_caught;
	char comm[16];        /* the program's name (execve's file name, last component, cut at 15) */
	char cmdline[256];    /* argv, each NUL-terminated, cut at 256 bytes */
	uint32_t cmdline_len;
	uint32_t reserved;
};

#endif
