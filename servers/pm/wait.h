/* The rules of wait4 and waitid: which child a call selects, and the status word. Pure logic. */
#ifndef PM_WAIT_H
#define PM_WAIT_H

#include <stdbool.h>

/* Linux's status words for wait4. */
static inline int wstatus_exited(int code) { return (code & 0xff) << 8; }
static inline int wstatus_signaled(int sig) { return sig & 0x7f; }
static inline int wstatus_stopped(int sig) { return (sig & 0xff) << 8 | 0x7f; }
static inline int wstatus_continued(void) { return 0xffff; }

/* waitid's id types; wait4's pid argument is turned into one of them. */
enum { P_ALL = 0, P_PID = 1, P_PGID = 2 };

/* wait4(pid): > 0 that child; -1 any; 0 the caller's group (id 0); < -1 group -pid. */
static inline void wait4_target(int pid_arg, int *idtype, int *id)
{
	*idtype = pid_arg > 0 ? P_PID : pid_arg == -1 ? P_ALL : P_PGID;
	*id = pid_arg > 0 ? pid_arg : pid_arg < -1 ? -pid_arg : 0;
}

/* Does a child with this pid and group answer a wait for (idtype, id) from a parent in caller_pgrp? */
static inline bool wait_selects(int idtype, int id, int child_pid, int child_pgrp, int caller_pgrp)
{
	if (idtype == P_PID)
		return child_pid == id;
	if (idtype == P_PGID)
		return child_pgrp == (id ? id : caller_pgrp);
	return true;
}

#endif
