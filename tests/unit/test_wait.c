/* pm's wait4 rules: selecting children and encoding statuses as Linux does. */
#include "check.h"
#include "../../servers/pm/wait.h"

static void status_words_match_linux(void)
{
	CHECK(wstatus_exited(0) == 0);
	CHECK(wstatus_exited(3) == 0x300);
	CHECK(wstatus_exited(256 + 7) == 0x700); /* only the low byte survives */
	CHECK(wstatus_signaled(11) == 11);
	CHECK((wstatus_exited(42) >> 8 & 0xff) == 42 && (wstatus_exited(42) & 0x7f) == 0); /* WIFEXITED */
}

/* wait4(pid_arg) from a parent in group 1, asked of a child (pid, pgrp). */
static bool w4(int pid_arg, int pid, int pgrp)
{
	int idtype, id;

	wait4_target(pid_arg, &idtype, &id);
	return wait_selects(idtype, id, pid, pgrp, 1);
}

static void pid_argument_selects(void)
{
	CHECK(w4(5, 5, 1));
	CHECK(!w4(5, 6, 1));
	CHECK(w4(-1, 9, 3));
	CHECK(w4(0, 9, 1));
	CHECK(!w4(0, 9, 2));
	CHECK(w4(-2, 9, 2));
	CHECK(!w4(-2, 9, 3));
}

static void waitid_types_select(void)
{
	CHECK(wait_selects(P_ALL, 0, 7, 7, 1));
	CHECK(wait_selects(P_PID, 7, 7, 3, 1));
	CHECK(!wait_selects(P_PID, 8, 7, 3, 1));
	CHECK(wait_selects(P_PGID, 3, 7, 3, 1));
	CHECK(!wait_selects(P_PGID, 4, 7, 3, 1));
	CHECK(wait_selects(P_PGID, 0, 7, 1, 1)); /* 0: the caller's own group */
}

static void stop_and_continue_words_match_linux(void)
{
	int st = wstatus_stopped(19);

	CHECK((st & 0xff) == 0x7f && ((st >> 8) & 0xff) == 19); /* WIFSTOPPED, WSTOPSIG */
	CHECK(wstatus_continued() == 0xffff);                    /* WIFCONTINUED */
}

int main(void)
{
	RUN(status_words_match_linux);
	RUN(pid_argument_selects);
	RUN(waitid_types_select);
	RUN(stop_and_continue_words_match_linux);
	return check_exit();
}
