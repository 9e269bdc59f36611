/*
 * The last service of rs's test image: checks, from the kernel log and the
 * process table, what rs did with the others. ds (started by rs) serves;
 * each death is logged with its cause; a missing binary, a bad table line,
 * a file that is no executable and a start that fails half-way are each
 * reported while the rest start; and every death has been reaped: the
 * slots of the services that are gone are free again.
 */
#include <proto/ds.h>

#include "../rstest.h"

#define WAIT_MS 10000

static char line[256];

static int64_t ds_call(int type, const char *label, int64_t endpoint, struct ds_reply *rp)
{
	ax_message m = {.type = type};
	struct ds_request *rq = (struct ds_request *)m.bytes;
	int r;

	memcpy(rq->label, label, strlen(label) + 1);
	rq->endpoint = endpoint;
	if ((r = ax_sendrec(listed("ds"), &m)) < 0)
		return r;
	memcpy(rp, m.bytes, sizeof(*rp));
	return m.i64[0];
}

static void ds_checks(void)
{
	struct ds_reply rp;

	test_result("rs_ds_started_by_rs_serves",
		    ds_call(DS_PUBLISH, "rs_check", ax_self, &rp) == 0 && ds_call(DS_LOOKUP, "rs_check", 0, &rp) == 0 &&
			    rp.endpoint == ax_self,
		    "publish or lookup failed");
}

/* A log line naming service `name` at its endpoint, with `rest` after it. */
static int logged(const char *what, const char *name, const char *rest)
{
	char head[96];

	ax_snprintf(head, sizeof(head), "rs: %s %s (endpoint %d) ", what, name, listed(name));
	return wait_log_line(head, rest, WAIT_MS, line, sizeof(line));
}

static void death_checks(void)
{
	char started[64];

	ax_snprintf(started, sizeof(started), "rs: service ds started (endpoint %d)", listed("ds"));
	test_result("rs_logs_service_start", wait_log_line(started, 0, WAIT_MS, 0, 0), "no start line for ds");
	test_result("rs_logs_service_exit", logged("service", "svc_exit", "exited; recovery none: left down"),
		    "no exit line for svc_exit");
	test_result("rs_logs_service_crash_with_cause",
		    logged("service", "svc_crash", "killed by a CPU exception: vector 14 at rip 0x") &&
			    log_line("rs: service svc_crash", ", address 0xdead000; left down", 0, 0),
		    "no crash line for svc_crash with vector 14 and address 0xdead000");
	test_result("rs_logs_adopted_boot_service_exit", logged("service", "bootexit", "exited; recovery none"),
		    "no exit line for bootexit (super=rs)");
	test_result("rs_logs_unlisted_boot_process_death",
		    logged("boot process", "bootcrash", "killed by a CPU exception: vector 6 at rip 0x"),
		    "no crash line for bootcrash (super=rs, not in the table)");
}

static int logged_start(const char *text)
{
	return wait_log_line(text, 0, WAIT_MS, line, sizeof(line));
}

/* The number after "rs: etc/services:" in the error line about 'fly', and the bad entry's first line. */
static void bad_line_check(void)
{
	int err_line = 0, entry_line = 0;
	const char *p;

	if (logged_start("unknown kernel call 'fly'") && (p = find_text(line, strlen(line), "rs: etc/services:")))
		for (p += 17; *p >= '0' && *p <= '9'; p++)
			err_line = err_line * 10 + (*p - '0');
	if (logged_start("rs: service svc_bad not started: its table entry has errors (line ") &&
	    (p = find_text(line, strlen(line), "(line ")))
		for (p += 6; *p >= '0' && *p <= '9'; p++)
			entry_line = entry_line * 10 + (*p - '0');
	/* tests/rs/services: the bad `kc` line is the fourth after `service svc_bad`. */
	test_result("rs_reports_bad_table_line_with_number", entry_line > 0 && err_line == entry_line + 4,
		    "no error line, or a wrong line number");
}

static void start_failure_checks(void)
{
	test_result("rs_reports_missing_binary",
		    logged_start("rs: service svc_missing not started: bin/nothere is not in the archive"),
		    "no report of the missing binary");
	bad_line_check();
	test_result("rs_reports_binary_not_elf",
		    logged_start("rs: service svc_notelf not started: etc/services is not a static ELF64 executable"),
		    "no report of the non-executable");
	test_result("rs_reports_start_failure_after_create",
		    logged_start("rs: service svc_huge not started: loading its segments failed (-12, out of memory)"),
		    "no report of the failed load");
	test_result("rs_failed_services_not_listed",
		    listed("svc_missing") == AX_NONE && listed("svc_bad") == AX_NONE && listed("svc_notelf") == AX_NONE &&
			    listed("svc_huge") == AX_NONE,
		    "a service that did not start is listed");
	test_result("rs_starts_the_rest",
		    listed("ds") > 0 && listed("svc_exit") > 0 && listed("svc_crash") > 0 && listed("rs_start") > 0 &&
			    listed("rs_args") > 0 && listed("rs_priv") > 0 && listed("rs_check") == ax_self,
		    "a service after the failed ones is missing");
}

/* Is slot s free? Probe it with a process of our own, ended and reaped at once. */
static int slot_free(int s)
{
	ax_message m = {.u64 = {(uint64_t)s, (uint64_t)"probe"}};
	struct ax_death d;

	if (ax_kcall(KC_PROC_CREATE, &m) < 0)
		return 0;
	ax_kcall(KC_PROC_DESTROY, &(ax_message){.u64 = {m.u64[0]}});
	ax_kcall(KC_REAP, &(ax_message){.u64 = {(uint64_t)&d}});
	return 1;
}

static int slot_of(const char *name) { return listed(name) & (AX_NR_SLOTS - 1); }

/*
 * Is slot s as it should be (free unless live)? A free slot may take rs a
 * moment to reap; a leak stays for good, so a second of retries is enough.
 */
static int slot_as_expected(int s, int live)
{
	for (int tries = 0; tries < 50; tries++) {
		if (slot_free(s) != live)
			return 1;
		if (live)
			return 0;
		ax_sleep_ms(20);
	}
	return 0;
}

/* Every slot in the services' range is taken exactly when a live service holds it. */
static void slot_checks(void)
{
	static const char *const alive[] = {"ds", "rs_start", "rs_args", "rs_priv", "rs_check"};
	int wrong = 0;
	char why[96] = "";

	for (int s = AX_NR_SLOTS - 32; s < AX_NR_SLOTS; s++) {
		int live = 0;

		for (unsigned i = 0; i < sizeof(alive) / sizeof(alive[0]); i++)
			live |= slot_of(alive[i]) == s;
		if (!slot_as_expected(s, live)) {
			wrong++;
			ax_snprintf(why, sizeof(why), "slot %d is %s", s, live ? "free" : "still taken");
		}
	}
	test_result("rs_reaps_service_deaths_no_slot_leak", wrong == 0, why);
	test_result("rs_reaps_boot_process_deaths",
		    slot_as_expected(slot_of("bootexit"), 0) && slot_as_expected(slot_of("bootcrash"), 0),
		    "a boot process's slot is still taken");
}

int main(void)
{
	ds_checks();
	death_checks();
	start_failure_checks();
	slot_checks();
	test_done();
	for (;;) {
		ax_message m;

		ax_receive(AX_ANY, &m);
	}
}
