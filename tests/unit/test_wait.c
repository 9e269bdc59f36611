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

static void pid_argument_selects(void)
{
	CHECK(wait_selects(5, 5, 1, 1));
	CHECK(!wait_selects(5, 6, 1, 1));
	CHECK(wait_selects(-1, 9, 3, 1));
	CHECK(wait_selects(0, 9, 1, 1));
	CHECK(!wait_selects(0, 9, 2, 1));
	CHECK(wait_selects(-2, 9, 2, 1));
	CHECK(!wait_selects(-2, 9, 3, 1));
}

int main(void)
{
	RUN(status_words_match_linux);
	RUN(pid_argument_selects);
	return check_exit();
}
