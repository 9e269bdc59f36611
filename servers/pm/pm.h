/* What pm's files share: the process table and the ways to reach a process. */
#ifndef PM_PM_H
#define PM_PM_H

#include <sys/server.h>

enum { FREE, ALIVE, ZOMBIE };

struct mproc {
	int state;
	endpoint_t ep;
	int pid, ppid, pgrp, sid;
	int status;        /* wait4's status word, once a zombie */
	uint64_t fs_base;  /* arch_prctl(ARCH_GET_FS) */
	uint64_t tid_addr; /* set_tid_address */
	/* a wait4 this process is blocked in */
	int waiting, wait_pid, wait_options;
	uint64_t wait_status, wait_rusage;
};

extern struct mproc procs[AX_NR_SLOTS];

struct mproc *caller(const ax_message *m);
struct mproc *by_pid(int pid);
int user_copy(endpoint_t ep, uint64_t va, void *buf, uint64_t len, int dir);

/* time.c */
void time_init(void);
void time_alarm(void);
int64_t do_clock_gettime(const ax_message *m, ax_message *r);
int64_t do_gettimeofday(const ax_message *m, ax_message *r);
int64_t do_time(const ax_message *m, ax_message *r);
int64_t do_nanosleep(const ax_message *m, ax_message *r);
int64_t do_clock_nanosleep(const ax_message *m, ax_message *r);
int64_t do_getrandom(const ax_message *m, ax_message *r);
void time_forget(struct mproc *p);

/* session.c */
int64_t do_setpgid(const ax_message *m, ax_message *r);
int64_t do_getpgid(const ax_message *m, ax_message *r);
int64_t do_getpgrp(const ax_message *m, ax_message *r);
int64_t do_setsid(const ax_message *m, ax_message *r);
int64_t do_getsid(const ax_message *m, ax_message *r);

#endif
