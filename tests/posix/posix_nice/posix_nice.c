/*
 * Scheduling niceness: getpriority/setpriority and nice(), as Linux defines
 * them for a process, its group and its user; a child inherits its parent's.
 * Only raising niceness is checked: lowering it needs CAP_SYS_NICE, which
 * a sandbox's root may lack.
 */
#include <sys/resource.h>
#include <sys/syscall.h>

#include "../posixtest.h"

static void test_self(void)
{
	int before, after;

	errno = 0;
	before = getpriority(PRIO_PROCESS, 0);
	report("posix_getpriority_self_answers", errno == 0 && before >= -20 && before <= 19, "got %d (%s)", before,
	       pt_errname(errno));
	report("posix_setpriority_raises_nice", setpriority(PRIO_PROCESS, 0, before + 3) == 0,
	       "setpriority(before + 3) failed: %s", pt_errname(errno));
	after = getpriority(PRIO_PROCESS, getpid());
	report("posix_getpriority_reads_it_back", after == before + 3, "got %d, want %d", after, before + 3);
	/* The raw call answers 20 - nice, so that it is never negative. */
	report("posix_raw_getpriority_is_20_minus_nice", syscall(SYS_getpriority, PRIO_PROCESS, 0) == 20 - after,
	       "raw call gave %ld for nice %d", syscall(SYS_getpriority, PRIO_PROCESS, 0), after);
	errno = 0;
	report("posix_nice_adds_and_returns_new_value", nice(2) == after + 2 && errno == 0, "nice(2) from %d gave %d",
	       after, getpriority(PRIO_PROCESS, 0));
	report("posix_setpriority_clamps_at_19", setpriority(PRIO_PROCESS, 0, 100) == 0 &&
						       getpriority(PRIO_PROCESS, 0) == 19,
	       "nice after asking for 100: %d", getpriority(PRIO_PROCESS, 0));
}

static void test_errors(void)
{
	errno = 0;
	report("posix_getpriority_bad_which_einval", getpriority(7, 0) == -1 && errno == EINVAL, "gave errno %s",
	       pt_errname(errno));
	errno = 0;
	report("posix_getpriority_no_such_process_esrch", getpriority(PRIO_PROCESS, 99999) == -1 && errno == ESRCH,
	       "gave errno %s", pt_errname(errno));
	errno = 0;
	report("posix_setpriority_no_such_process_esrch", setpriority(PRIO_PROCESS, 99999, 5) == -1 && errno == ESRCH,
	       "gave errno %s", pt_errname(errno));
}

static void test_child_and_group(void)
{
	int mine = getpriority(PRIO_PROCESS, 0), st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		alarm(PT_CHILD_LIMIT);
		setpgid(0, 0);
		_exit(getpriority(PRIO_PROCESS, 0) == mine ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	report("posix_child_inherits_nice", WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %s", pt_status(st));

	pid = fork();
	if (pid == 0) {
		alarm(PT_CHILD_LIMIT);
		setpgid(0, 0);
		pause();
		_exit(0);
	}
	setpgid(pid, pid);
	errno = 0;
	report("posix_setpriority_whole_group", setpriority(PRIO_PGRP, pid, 19) == 0 &&
						     getpriority(PRIO_PROCESS, pid) == 19,
	       "group %d: %s, child's nice %d", (int)pid, pt_errname(errno), getpriority(PRIO_PROCESS, pid));
	report("posix_getpriority_of_group", getpriority(PRIO_PGRP, pid) == 19, "gave %d", getpriority(PRIO_PGRP, pid));
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	errno = 0;
	report("posix_getpriority_empty_group_esrch", getpriority(PRIO_PGRP, pid) == -1 && errno == ESRCH,
	       "gave errno %s", pt_errname(errno));
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_self();
	test_errors();
	test_child_and_group();
	return 0;
}
