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
 * Process information (procfs). pm is never asked for it: pm sendrecs vfs
 * and vfs sendrecs procfs, so a procfs that sendrec'd pm would close a
 * cycle. pm instead keeps a table in its own memory, one struct
 * pm_proc_info per entry of its process table, and lets anyone read it
 * through a standing read-only grant: grant PM_INFO_GRANT of pm's grant
 * table (grantee AX_ANY), whose bytes are a struct pm_info_header followed
 * by header.entries entries of header.entry_size bytes. pm is a boot
 * process, never restarted, so its endpoint (in every boot information
 * page, "pm") and the grant stay the same for the whole life of the
 * system. Readers copy with KC_SAFECOPY and check the header's magic and
 * sizes before they believe anything.
 *
 * Each entry is a seqlock (sys/seqlock.h): pm makes entry.seq odd before it
 * changes the entry and even again after. A reader copies the entry, then
 * entry.seq again: an odd value, or a second value that differs from the
 * copy's, means pm was changing it (pm was preempted in the middle): try
 * again a little later. pm updates an entry when the process is created
 * (fork, boot), execs (comm, cmdline), changes group, session or niceness,
 * stops or continues, changes its signal actions or mask, is sent a
 * signal, ends (a zombie), is reaped (the entry is freed: pid 0), and when
 * its reaped children's CPU time grows.
 */
#ifndef PROTO_PM_H
#define PROTO_PM_H

#include <stdint.h>

#include <axolotl/abi.h>

enum pm_call {
	PM_SIGNAL_PULL = 0xb00, /* pm -> server: (nothing) -> struct pm_signal_pull_reply */
};

/* PM_SIGNAL_PULL's answer: what the server wants pm to do (the kind is the reply's i64[0]). */
struct pm_signal_pull_reply {
	int64_t kind;   /* PM_SIG_*, or a negative errno (-EPERM: not asked by pm) */
	int64_t target; /* a process group (PM_SIG_PGRP) or an endpoint (the others) */
	uint64_t value; /* the signal; PM_SIG_MASK: the signal mask */
};

_Static_assert(sizeof(struct pm_signal_pull_reply) == 24, "pm_signal_pull_reply layout");

/* PM_SIGNAL_PULL kinds */
enum {
	PM_SIG_NONE = 0,
	PM_SIG_PGRP,    /* target = process group: every member gets the signal (the keyboard's ^C) */
	PM_SIG_PROC,    /* target = endpoint: that process (vfs: SIGPIPE) */
	PM_SIG_JOBCTL,  /* target = endpoint: its group gets the signal (SIGTTIN/SIGTTOU) unless the
			   process ignores or blocks it or its group is orphaned: pm then tells vfs
			   VFS_JOBCTL_REFUSED and vfs answers the call -EIO */
	PM_SIG_MASK,    /* target = endpoint, value = signal mask: ppoll/pselect6's mask for its wait (vfs); pm
			   sets it (keeping the old, as sigsuspend), tells vfs VFS_MASK_DONE, then delivers */
	PM_SIG_UNMASK,  /* target = endpoint: the call ended: the old mask back, then VFS_MASK_DONE */
};

#define PM_INFO_GRANT 1          /* pm's grant over its process information */
#define PM_INFO_MAGIC 0x504d4931 /* "PMI1": this layout */

/* At offset 0 of the grant. Changed under header.seq, as entries are. */
struct pm_info_header {
	uint32_t magic;      /* PM_INFO_MAGIC */
	uint32_t seq;        /* seqlock of the header's counters */
	uint32_t entries;    /* entries after the header */
	uint32_t entry_size; /* sizeof(struct pm_proc_info) */
	int32_t last_pid;    /* the pid handed out last (/proc/loadavg's last field) */
	uint32_t reserved;
	uint64_t forks;      /* processes created since boot (/proc/stat's "processes") */
	int64_t realtime_offset_ns; /* wall-clock time = monotonic time + this (pm's clock) */
};

/* Process states, as Linux's /proc/<pid>/stat letters. */
#define PM_STATE_FREE 0     /* no process: ignore the entry */
#define PM_STATE_ALIVE 'A'  /* running or sleeping: the kernel knows which (KC_CPU_TIME) */
#define PM_STATE_STOPPED 'T'
#define PM_STATE_ZOMBIE 'Z'

#define PM_COMM_MAX 16     /* Linux's TASK_COMM_LEN, NUL included */
#define PM_CMDLINE_MAX 256 /* bytes of argv kept */

/* One process, as /proc/<pid>/stat and status need it. */
struct pm_proc_info {
	uint32_t seq;         /* seqlock: odd while pm changes the entry */
	int32_t state;        /* PM_STATE_* */
	int32_t pid, ppid, pgrp, sid;
	int32_t uid, gid, euid, egid; /* real and effective */
	int32_t suid, sgid;           /* saved */
	int32_t nice;
	endpoint_t endpoint;  /* for KC_CPU_TIME: its CPU time and whether it is runnable */
	int32_t exit_signal;
	int32_t exit_status;  /* a zombie's wait status word */
	uint64_t start_ns;    /* monotonic ns when it was created */
	uint64_t cpu_ns;      /* a zombie's CPU time (a live process's: ask the kernel) */
	uint64_t child_cpu_ns; /* its reaped children's */
	uint64_t sig_pending, sig_blocked, sig_ignored, sig_caught;
	char comm[PM_COMM_MAX];   /* the program's name: the last component of execve's path, cut at 15 */
	uint32_t cmdline_len;     /* bytes of cmdline, each argument NUL-terminated, cut at PM_CMDLINE_MAX */
	uint32_t reserved;
	char cmdline[PM_CMDLINE_MAX];
};

_Static_assert(sizeof(struct pm_info_header) == 40, "pm_info_header layout");
_Static_assert(sizeof(struct pm_proc_info) == 400, "pm_proc_info layout");

#endif
