/*
 * A service on musl: musl's own start-up runs on the frame rs built and
 * hands main the table's arguments (`args one two=2 --three`); the boot
 * information lists what rs started before it, and not what comes after.
 */
#include <string.h>

#include "../rstest.h"

extern char **environ;

int rs_args(int argc, char **argv);

int rs_args(int argc, char **argv)
{
	static const char *const want[] = {"rs_args", "one", "two=2", "--three"};
	int same = argc == 4 && argv[4] == 0;

	for (int i = 0; same && i < 4; i++)
		same = strcmp(argv[i], want[i]) == 0;
	test_result("rs_musl_service_gets_argv", same, "argv is not rs_args one two=2 --three");
	test_result("rs_musl_service_environment_empty", environ && environ[0] == 0, "environ is not empty");
	test_result("rs_musl_service_knows_itself", ax_self > 0 && listed("rs_args") == ax_self,
		    "self is not its endpoint");
	test_result("rs_bootinfo_lists_earlier_services",
		    listed("ds") > 0 && listed("svc_exit") > 0 && listed("svc_crash") > 0 && listed("rs_start") > 0,
		    "an earlier service is missing");
	for (uint32_t i = 0; i < ax_bootinfo->count && i < AX_BOOT_MAX; i++)
		if (strcmp(ax_bootinfo->procs[i].name, "ds") == 0)
			test_eq("rs_bootinfo_states_service_flags", ax_bootinfo->procs[i].flags,
				AX_PRIV_SYSTEM | AX_PRIV_SEND_ANY);
	test_result("rs_bootinfo_lists_no_later_service", listed("rs_priv") == AX_NONE && listed("rs_check") == AX_NONE,
		    "a later service is listed");
	test_done();
	for (;;) {
		ax_message m;

		ax_receive(AX_ANY, &m);
	}
}
