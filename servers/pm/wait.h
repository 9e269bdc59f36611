/* wait4's rules: which child a pid argument selects, and the status word. Pure logic. */
#ifndef PM_WAIT_H
#define PM_WAIT_H

#include <stdbool.h>

/* Linux's status word for wait4. */
static inline int wstatus_exited(int code) { return (code & 0xff) << 8; }
static inline int wstatus_signaled(int sig) { return sig & 0x7f; }

/*
 * Does a child with this pid and process group answer a wait4(pid) from a
 * parent in caller_pgrp? pid > 0: that child; -1: any; 0: same group as the
 * caller; < -1: group -pid.
 */
static inline bool wait_selects(int pid_arg, int child_pid, int child_pgrp, int caller_pgrp)
{
	if (pid_arg > 0)
		return child_pid == pid_arg;
	if (pid_arg == -1)
		return true;
	if (pid_arg == 0)
		return child_pgrp == caller_pgrp;
	return child_pgrp == -pid_arg;
}

#endif
