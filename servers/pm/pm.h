/*
 * What pm's files share: the process table, Linux's numbers as musl uses
 * them, and the ways to reach a process. Each file holds one part of pm:
 * pm.c (the table, start-up, small calls), fork.c (fork, exit, wait),
 * exec.c, signal.c, time.c (clocks, timers, sleeping), session.c (process
 * groups and sessions), limits.c (rlimits), random.c (getrandom).
 */
#ifndef PM_PM_H
#define PM_PM_H

#include <stdbool.h>

#include <proto/vm.h>
#include <proto/posix.h>
#include <sys/server.h>

/* ---- Linux's numbers -------------------------------------------------------- */

/* Call numbers NR_NAME and errno values: generated from the installed kernel headers. */
#include <linuxabi/errno.h>
#include <linuxabi/syscalls.h>

#define NR_ROUTES 512 /* call numbers pm keeps a route and a name for (Linux's end below 512) */

/* Linux's internal "restart the call" codes (include/linux/errno.h); never seen by a program */
enum { ERESTARTSYS = 512, ERESTARTNOHAND = 514, ERESTART_RESTARTBLOCK = 516 };

#define NSIG 64
#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGSEGV 11
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGWINCH 28
#define SIGBIT(s) (1ULL << ((s)-1))
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

#define SIG_DFL 0
#define SIG_IGN 1

/* Linux's struct sigaction as the kernel takes it (not libc's). */
struct k_sigaction {
	uint64_t handler, flags, restorer, mask;
};

/* What Linux puts in a siginfo_t: the fields pm fills. */
struct sig_info {
	int code, pid, uid, status;
	uint64_t addr, value; /* value: sigqueue's */
};

#define SIGRTMIN_K 32 /* the first real-time signal: these queue, one delivery per sending */
#define RTQ_MAX 32

/* ---- the process table ------------------------------------------------------ */

enum { FREE, ALIVE, ZOMBIE };

struct rlimit64 {
	uint64_t cur, max;
};
#define NR_RLIMITS 16

#define GROUPS_MAX 32 /* supplementary groups pm keeps per process */

struct mproc {
	int state;
	endpoint_t ep;
	int pid, ppid, pgrp, sid;
	int status;       /* wait4's status word, once a zombie */
	int exit_signal;  /* sent to the parent when it ends (SIGCHLD, or clone's choice) */
	int execed;       /* has called execve since fork (setpgid's EACCES) */
	int nice;         /* -20..19, inherited; sets its kernel priority (session.c) */
	uint32_t ruid, euid, suid, rgid, egid, sgid; /* ids.c */
	int ngroups;
	uint32_t groups[GROUPS_MAX];
	uint64_t fs_base; /* arch_prctl(ARCH_GET_FS) */
	uint64_t tid_addr;
	uint64_t start_ns; /* when it was created */
	uint64_t cpu_ns, child_cpu_ns; /* its own CPU time once ended; its reaped children's */

	/* a call it is blocked in, inside pm (0: none) */
	int blocked_nr;
	int wait_pid, wait_options, wait_idtype;
	uint64_t wait_status, wait_rusage;
	uint64_t wait_set;                 /* rt_sigtimedwait: the signals it waits for */
	uint64_t sleep_until;              /* monotonic ns; nanosleep and friends */
	uint64_t sleep_rem;                /* where to write the time left, or 0 */
	uint64_t restart_until;            /* restart_syscall resumes a sleep that ends then (0: none) */
	int vfork_child;                   /* a vfork parent waits for this child to exec or end */

	/* signals */
	uint64_t sig_pending, sig_mask, saved_mask;
	int has_saved_mask;                /* sigsuspend: the mask to restore after the handler */
	struct k_sigaction act[NSIG + 1];
	struct sig_info info[NSIG + 1];    /* why each pending standard signal was sent */
	struct { int sig; struct sig_info info; } rtq[RTQ_MAX]; /* real-time signals, in order sent */
	int rtq_len;
	uint64_t alt_sp, alt_size;
	int alt_flags;
	int stopped;                       /* stopped by this signal; pm holds its stop message */
	int report;                        /* for its parent's wait: STOPPED or CONTINUED, not yet told */
	int interrupted_nr;                /* the call a signal interrupted, for a restart (read is 0) */
	int interrupted;                   /* interrupted_nr is set */

	/* ITIMER_REAL */
	uint64_t alarm_at, alarm_every;    /* monotonic ns (0: off), period */

	struct rlimit64 rlim[NR_RLIMITS];
};

enum { REPORT_NONE, REPORT_STOPPED, REPORT_CONTINUED };

extern struct mproc procs[AX_NR_SLOTS];
extern endpoint_t vm;

struct mproc *caller(const ax_message *m);
struct mproc *by_pid(int pid);
struct mproc *by_ep(endpoint_t ep);
int user_copy(endpoint_t ep, uint64_t va, void *buf, uint64_t len, int dir);
/* vm's calls (proto/vm.h): a request struct as the payload; VM_REGION, VM_SHARE, VM_PROTECT; VM_EXIT, VM_STACK_LIMIT. */
int64_t vm_request(int type, const void *rq, size_t n);
int64_t vm_range(int type, endpoint_t ep, uint64_t start, uint64_t len, uint64_t prot, uint64_t arg);
int64_t vm_proc(int type, endpoint_t ep, uint64_t value);
int kcall(unsigned call, uint64_t a, uint64_t b);
uint64_t cpu_time(const struct mproc *p);
/* Answer a call p is blocked in, in pm. */
void answer(struct mproc *p, int nr, int64_t value);

/* ids.c */
int64_t do_getuid(struct mproc *p, const ax_message *m);
int64_t do_geteuid(struct mproc *p, const ax_message *m);
/* rsctl.c: the service command's call, forwarded to rs */
int64_t do_rsctl(struct mproc *p, const ax_message *m);
int64_t do_getgid(struct mproc *p, const ax_message *m);
int64_t do_getegid(struct mproc *p, const ax_message *m);
int64_t do_setuid(struct mproc *p, const ax_message *m);
int64_t do_setgid(struct mproc *p, const ax_message *m);
int64_t do_setreuid(struct mproc *p, const ax_message *m);
int64_t do_setregid(struct mproc *p, const ax_message *m);
int64_t do_setresuid(struct mproc *p, const ax_message *m);
int64_t do_setresgid(struct mproc *p, const ax_message *m);
int64_t do_getresuid(struct mproc *p, const ax_message *m);
int64_t do_getresgid(struct mproc *p, const ax_message *m);
int64_t do_getgroups(struct mproc *p, const ax_message *m);
int64_t do_setgroups(struct mproc *p, const ax_message *m);
void exec_set_ids(struct mproc *p, uint32_t mode, uint32_t uid, uint32_t gid);

/* vfs.c */
extern endpoint_t vfs;
void vfs_init(endpoint_t *routes);
/* drivers.c: the tty driver's endpoint, followed in ds */
void drivers_init(void);
void drivers_changed(void);
bool from_ds(endpoint_t src);
bool from_tty(endpoint_t src);

int vfs_fork(const struct mproc *parent, const struct mproc *child);
int64_t vfs_request(int type, const void *rq, size_t n, ax_message *reply);
void vfs_exec(const struct mproc *p);
void vfs_exit(const struct mproc *p);
void vfs_setpgrp(const struct mproc *p);
void vfs_setid(const struct mproc *p);
void signal_call_mask(struct mproc *p, bool set, uint64_t mask);
void signal_recheck(struct mproc *p);
void vfs_clock(int64_t realtime_offset);
void vfs_nofile(const struct mproc *p, uint64_t limit);
int vfs_interrupt(const struct mproc *p);
void signals_from(endpoint_t server);

/* fork.c */
struct mproc *new_entry(void);
int next_pid(void);
void stop_changed(struct mproc *p);
void became_zombie(struct mproc *p, int status);
void child_changed(struct mproc *p);
void vfork_release(struct mproc *child);
int64_t do_fork(struct mproc *p, const ax_message *m);
int64_t do_vfork(struct mproc *p, const ax_message *m);
int64_t do_clone(struct mproc *p, const ax_message *m);
int64_t do_exit(struct mproc *p, const ax_message *m);
int64_t do_wait4(struct mproc *p, const ax_message *m);
int64_t do_waitid(struct mproc *p, const ax_message *m);
int64_t do_getrusage(struct mproc *p, const ax_message *m);
int64_t do_times(struct mproc *p, const ax_message *m);
void on_deaths(void);

/* exec.c */
void exec_init(void);
int64_t do_execve(struct mproc *p, const ax_message *m);
int user_string(endpoint_t ep, uint64_t va, char *buf, size_t max);

/* signal.c */
void signal_fork(struct mproc *child, const struct mproc *parent);
void signal_exec(struct mproc *p);
int post_signal(struct mproc *p, int sig, const struct sig_info *info);
bool signal_refused(const struct mproc *p, int sig);
int signal_for_vector(uint64_t vector);
int64_t do_signal_stop(const ax_message *m, ax_message *r);
int64_t do_exception(const ax_message *m, ax_message *r);
int64_t do_kill(struct mproc *p, const ax_message *m);
int64_t do_tkill(struct mproc *p, const ax_message *m);
int64_t do_tgkill(struct mproc *p, const ax_message *m);
int64_t do_rt_sigqueueinfo(struct mproc *p, const ax_message *m);
int64_t do_rt_tgsigqueueinfo(struct mproc *p, const ax_message *m);
int64_t do_rt_sigaction(struct mproc *p, const ax_message *m);
int64_t do_rt_sigprocmask(struct mproc *p, const ax_message *m);
int64_t do_rt_sigpending(struct mproc *p, const ax_message *m);
int64_t do_rt_sigsuspend(struct mproc *p, const ax_message *m);
int64_t do_rt_sigreturn(struct mproc *p, const ax_message *m);
int64_t do_pause(struct mproc *p, const ax_message *m);
int64_t do_sigaltstack(struct mproc *p, const ax_message *m);
int64_t do_rt_sigtimedwait(struct mproc *p, const ax_message *m);

/* time.c */
void time_init(void);
void time_expired(void);
void time_forget(struct mproc *p);
int64_t sleep_interrupted(struct mproc *p);
int64_t sleep_for(struct mproc *p, int nr, uint64_t timeout_ptr);
void sleep_cancel(struct mproc *p);
int64_t do_clock_gettime(struct mproc *p, const ax_message *m);
int64_t do_clock_getres(struct mproc *p, const ax_message *m);
int64_t do_clock_settime(struct mproc *p, const ax_message *m);
int64_t do_gettimeofday(struct mproc *p, const ax_message *m);
int64_t do_settimeofday(struct mproc *p, const ax_message *m);
int64_t do_time(struct mproc *p, const ax_message *m);
int64_t do_nanosleep(struct mproc *p, const ax_message *m);
int64_t do_clock_nanosleep(struct mproc *p, const ax_message *m);
int64_t do_restart_syscall(struct mproc *p, const ax_message *m);
int64_t do_alarm(struct mproc *p, const ax_message *m);
int64_t do_setitimer(struct mproc *p, const ax_message *m);
int64_t do_getitimer(struct mproc *p, const ax_message *m);

/* session.c */
int64_t do_setpgid(struct mproc *p, const ax_message *m);
int64_t do_getpgid(struct mproc *p, const ax_message *m);
int64_t do_getpgrp(struct mproc *p, const ax_message *m);
int64_t do_setsid(struct mproc *p, const ax_message *m);
int64_t do_getsid(struct mproc *p, const ax_message *m);
int64_t do_getpriority(struct mproc *p, const ax_message *m);
int64_t do_setpriority(struct mproc *p, const ax_message *m);

/* limits.c */
void limits_default(struct mproc *p);
uint64_t stack_limit(const struct mproc *p);
bool nproc_reached(const struct mproc *p);
int64_t do_getrlimit(struct mproc *p, const ax_message *m);
int64_t do_setrlimit(struct mproc *p, const ax_message *m);
int64_t do_prlimit64(struct mproc *p, const ax_message *m);

/* info.c: what procfs reads (proto/pm.h) */
void info_init(struct ax_grant *g);
void info_update(const struct mproc *p);
const char *info_comm(const struct mproc *p);
void info_created(const struct mproc *p, const struct mproc *parent, const char *boot_name);
void info_clock(int64_t offset_ns);
void info_exec(const struct mproc *p, const char *path, const char *strings, const uint32_t *argv, int argc);

/* random.c */
int64_t do_getrandom(struct mproc *p, const ax_message *m);

#endif
