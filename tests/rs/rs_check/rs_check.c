/*
 * The last service of rs's test image: checks, from the kernel log and the
 * process table, what rs did with the others. ds (started by rs) serves;
 * each death is logged with its cause; a missing binary, a bad table line,
 * a file that is no executable and a start that fails half-way are each
 * reported while the rest start; every death has been reaped, and the
 * slots of the table's services stay kept for rs; and svc_loop, which
 * crashes at every start, is restarted in its slot with a growing
 * back-off, then marked failed.
 */
#include <proto/ds.h>
#include <proto/rs.h>

#include "../../../servers/rs/policy.h"

#include "../rstest.h"

#define WAIT_MS 10000
#define SVC_COUNT_MAX 32

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
			    log_line("rs: service svc_crash", ", address 0xdead000; FAILED after 1 failure in a row "
							      "(restarts 0): left down until 'service up'", 0, 0),
		    "no crash line for svc_crash with vector 14, address 0xdead000 and its end");
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

/* rs's record of every service (proto/rs.h): how many, or a negative errno. */
static int read_services(struct rs_service_info *out, int max)
{
	struct rs_info_header h;
	endpoint_t rs = listed("rs");
	int r = ax_kcall(KC_SAFECOPY, &(ax_message){.u64 = {(uint64_t)(int64_t)rs, RS_INFO_GRANT, 0, (uint64_t)&h,
							     sizeof(h), AX_COPY_FROM}});

	if (r < 0)
		return r;
	if (h.magic != RS_INFO_MAGIC || h.entry_size != sizeof(*out))
		return -AX_EINVAL;
	if ((int)h.entries < max)
		max = (int)h.entries;
	r = ax_kcall(KC_SAFECOPY, &(ax_message){.u64 = {(uint64_t)(int64_t)rs, RS_INFO_GRANT, sizeof(h), (uint64_t)out,
							 (uint64_t)max * sizeof(*out), AX_COPY_FROM}});
	return r < 0 ? r : max;
}

static const struct rs_service_info *find_service(const struct rs_service_info *all, int n, const char *label)
{
	for (int i = 0; i < n; i++)
		if (strcmp(all[i].label, label) == 0)
			return &all[i];
	return 0;
}

/*
 * Every slot in the services' range is taken exactly when a service of the
 * table has had a process there: live, or kept for rs after its death (the
 * slot waits for its owner). A boot process the table does not list gives
 * its slot back.
 */
static void slot_checks(void)
{
	static struct rs_service_info all[SVC_COUNT_MAX];
	int n = read_services(all, SVC_COUNT_MAX), wrong = 0;
	char why[96] = "";

	test_result("rs_publishes_service_records", n > 0, "rs's table could not be read");
	for (int s = AX_NR_SLOTS - 32; s < AX_NR_SLOTS; s++) {
		int had = 0;

		for (int i = 0; i < n; i++)
			had |= all[i].endpoint != AX_NONE && (all[i].endpoint & (AX_NR_SLOTS - 1)) == s;
		if (!slot_as_expected(s, had)) {
			wrong++;
			ax_snprintf(why, sizeof(why), "slot %d is %s", s, had ? "free" : "still taken");
		}
	}
	test_result("rs_keeps_service_slots_no_other_leak", wrong == 0, why);
	test_result("rs_keeps_adopted_slot_frees_unlisted_boot_slot",
		    slot_as_expected(slot_of("bootexit"), 1) && slot_as_expected(slot_of("bootcrash"), 0),
		    "bootexit's slot is free or bootcrash's is still taken");
}

/* What svc_hang's incarnations said: they may speak while rs_check waits for svc_loop. */
static struct hang_report {
	int seen;
	uint64_t when;
	unsigned restarts;
	endpoint_t ep;
} hang_now, hang_started;

static void note(struct hang_report *h, const ax_message *m)
{
	*h = (struct hang_report){1, m->u64[0], (unsigned)m->u64[1], m->source};
}

/* The next message of type `type` within ms, or -EAGAIN; svc_hang's reports are noted on the way. */
static int await(int32_t type, ax_message *m, unsigned ms)
{
	int r;

	ax_alarm((uint64_t)ms * 1000000);
	while ((r = ax_receive(AX_ANY, m)) == 0 && m->type != type) {
		if (m->source == AX_CLOCK)
			return -AX_EAGAIN;
		if (m->type == T_HANG_NOW)
			note(&hang_now, m);
		if (m->type == T_HANG_STARTED)
			note(&hang_started, m);
	}
	ax_alarm(0);
	return r;
}

/* The next T_LOOP_STARTED from any incarnation of svc_loop within ms, or -EAGAIN. */
static int loop_started(ax_message *m, unsigned ms)
{
	return await(T_LOOP_STARTED, m, ms);
}

/*
 * While svc_loop waits out its back-off (and lives), others try its slot:
 * by name they get EBUSY, and the lowest free slot is never it. Returns
 * the number of tries, or -1 if one got the slot; *m is the next start.
 */
static int probe_kept_slot(int slot, ax_message *m, int *started)
{
	int tries = 0;

	for (;;) {
		ax_message c = {.u64 = {(uint64_t)slot, (uint64_t)"thief"}};
		struct ax_death d;

		if (ax_kcall(KC_PROC_CREATE, &c) != -AX_EBUSY)
			return -1;
		c = (ax_message){.u64 = {(uint64_t)-1, (uint64_t)"forker"}};
		if (ax_kcall(KC_PROC_CREATE, &c) == 0) {
			int got = (c.i64[0] & (AX_NR_SLOTS - 1)) == slot;

			ax_kcall(KC_PROC_DESTROY, &(ax_message){.u64 = {c.u64[0]}});
			ax_kcall(KC_REAP, &(ax_message){.u64 = {(uint64_t)&d}});
			if (got)
				return -1;
		}
		tries++;
		if (loop_started(m, 20) == 0) {
			*started = 1;
			return tries;
		}
		if (tries > 500) /* 10 s and more: the restart never came */
			return tries;
	}
}

static int gen_of(endpoint_t ep) { return ep >> AX_SLOT_BITS; }

/* svc_loop (restarts 2): started three times in its slot, the gaps growing, then failed for good. */
static void loop_checks(void)
{
	static struct rs_service_info all[SVC_COUNT_MAX];
	const struct rs_service_info *rec;
	ax_message m;
	uint64_t t[3] = {0};
	endpoint_t ep[3] = {AX_NONE, AX_NONE, AX_NONE};
	unsigned restarts[3] = {9, 9, 9};
	int got = 0, probes = 0, n;
	char why[128];

	while (got < 3) {
		int started = 0;

		if (got == 2) {
			probes = probe_kept_slot(ep[1] & (AX_NR_SLOTS - 1), &m, &started);
			if (probes < 0 || !started)
				break;
		} else if (loop_started(&m, WAIT_MS) < 0) {
			break;
		}
		t[got] = m.u64[0];
		restarts[got] = (unsigned)m.u64[1];
		ep[got++] = m.source;
	}
	test_eq("rs_restart_crash_loop_started_three_times", got, 3);
	test_result("rs_restart_same_slot_next_generation",
		    got == 3 && ep[0] > 0 && (ep[1] & 255) == (ep[0] & 255) && (ep[2] & 255) == (ep[0] & 255) &&
			    gen_of(ep[1]) == gen_of(ep[0]) + 1 && gen_of(ep[2]) == gen_of(ep[1]) + 1,
		    "endpoints differ in more than their generation");
	test_result("rs_restart_count_in_boot_information", restarts[0] == 0 && restarts[1] == 1 && restarts[2] == 2,
		    "wrong restart counts");
	ax_snprintf(why, sizeof(why), "gaps %lu ms then %lu ms", (t[1] - t[0]) / 1000000, (t[2] - t[1]) / 1000000);
	test_result("rs_restart_backoff_gaps_grow",
		    got == 3 && t[2] - t[1] >= POLICY_BACKOFF_FIRST_MS * 1000000 && t[2] - t[1] > t[1] - t[0], why);
	test_result("rs_restart_backoff_slot_never_taken_by_others", probes > 0, "another creator got the slot");
	test_result("rs_restart_logs_each_restart",
		    log_line("rs: service svc_loop", "restart 1 of 2 now", 0, 0) &&
			    log_line("rs: service svc_loop", "restart 2 of 2 in 200 ms", 0, 0) &&
			    log_line("rs: service svc_loop: back-off over, restart 2 of 2", 0, 0, 0),
		    "a restart line is missing");
	test_result("rs_restart_failed_after_restarts",
		    wait_log_line("rs: service svc_loop", "FAILED after 3 failures in a row (restarts 2)", WAIT_MS, 0, 0),
		    "no FAILED line");
	test_eq("rs_restart_failed_not_started_again", loop_started(&m, 1000), -AX_EAGAIN);
	n = read_services(all, SVC_COUNT_MAX);
	rec = n > 0 ? find_service(all, n, "svc_loop") : 0;
	test_result("rs_restart_failed_state_published",
		    rec && rec->state == RS_SVC_FAILED && rec->starts == 3 && rec->restarts == 2 &&
			    rec->last_cause == AX_DEATH_FAULT && rec->endpoint == ep[2],
		    "rs's record of svc_loop is not failed, 3 starts, 2 restarts, a fault");
}

/*
 * svc_hang (heartbeat 100 ms, restarts 1) answered three pings, then hung:
 * rs ended it two periods after its last answer and restarted it; the next
 * incarnation, on lib/sys's loop, stays up, as ds (pinged too) does.
 */
static void hang_checks(void)
{
	static struct rs_service_info all[SVC_COUNT_MAX];
	const uint64_t period = 100 * 1000000ULL, margin = 150 * 1000000ULL, early = 10 * 1000000ULL;
	const struct rs_service_info *rec, *ds;
	ax_message m;
	char head[96], why[96];
	int n;

	if (!hang_now.seen)
		await(T_HANG_NOW, &m, WAIT_MS) == 0 ? note(&hang_now, &m) : (void)0;
	if (!hang_started.seen)
		await(T_HANG_STARTED, &m, WAIT_MS) == 0 ? note(&hang_started, &m) : (void)0;
	ax_snprintf(why, sizeof(why), "ended and restarted %ld ms after its last answer",
		    (int64_t)(hang_started.when - hang_now.when) / 1000000);
	/* rs counts the silence from the ping svc_hang last answered, a few microseconds before its answer */
	test_result("rs_heartbeat_hang_ended_within_two_periods",
		    hang_now.seen && hang_started.seen && hang_started.when - hang_now.when >= 2 * period - early &&
			    hang_started.when - hang_now.when <= 2 * period + margin,
		    why);
	test_result("rs_heartbeat_hang_restarted_in_its_slot",
		    hang_started.seen && hang_now.restarts == 0 && hang_started.restarts == 1 &&
			    (hang_started.ep & 255) == (hang_now.ep & 255) &&
			    gen_of(hang_started.ep) == gen_of(hang_now.ep) + 1,
		    "not the next generation in the same slot, restart 1");
	ax_snprintf(head, sizeof(head), "rs: service svc_hang (endpoint %d) missed its heartbeat: silent for ",
		    hang_now.ep);
	test_result("rs_heartbeat_hang_logged_with_cause",
		    wait_log_line(head, "ms (2 100 ms periods); restart 1 of 1 now", WAIT_MS, 0, 0),
		    "no line saying svc_hang missed its heartbeat");
	ax_sleep_ms(600); /* six periods: a service that answers is never ended */
	n = read_services(all, SVC_COUNT_MAX);
	rec = n > 0 ? find_service(all, n, "svc_hang") : 0;
	ds = n > 0 ? find_service(all, n, "ds") : 0;
	test_result("rs_heartbeat_cause_and_recovery_published",
		    rec && rec->last_cause == RS_CAUSE_HANG && rec->restarts == 1 && rec->recovery_ns > 0,
		    "rs's record of svc_hang lacks the hang or the recovery time");
	test_result("rs_heartbeat_lib_answers_keep_service_up",
		    rec && rec->state == RS_SVC_RUNNING && rec->endpoint == hang_started.ep && rec->ready == 1,
		    "svc_hang's next incarnation did not stay up");
	test_result("rs_heartbeat_pinged_ds_never_ended",
		    ds && ds->state == RS_SVC_RUNNING && ds->starts == 1 && ds->ready == 1, "ds was ended or never answered");
}

/*
 * ds is where endpoints change: rs published itself, every service before
 * it ran, and a down or failed state when one ended; a subscriber (rs_check
 * subscribed to "svc_" before svc_hang hung) sees the restart.
 */
static void publication_checks(void)
{
	struct ds_reply rp;
	endpoint_t hang_seen = AX_NONE;
	int hang_state = 0, changes = 0;

	test_result("rs_ds_rs_published",
		    ds_call(DS_LOOKUP, "rs", 0, &rp) == 0 && rp.endpoint == listed("rs") && rp.state == DS_UP,
		    "no entry for rs");
	test_result("rs_ds_service_published",
		    ds_call(DS_LOOKUP, "rs_start", 0, &rp) == 0 && rp.endpoint == listed("rs_start") && rp.state == DS_UP,
		    "no entry for rs_start");
	test_result("rs_ds_new_endpoint_after_restart",
		    ds_call(DS_LOOKUP, "svc_hang", 0, &rp) == 0 && rp.endpoint == hang_started.ep && rp.state == DS_UP,
		    "ds does not name svc_hang's new incarnation");
	test_result("rs_ds_failed_state", ds_call(DS_LOOKUP, "svc_loop", 0, &rp) == 0 && rp.state == DS_FAILED &&
						  rp.endpoint == AX_NONE,
		    "svc_loop is not failed in ds");
	test_result("rs_ds_stopped_state",
		    ds_call(DS_LOOKUP, "svc_exit", 0, &rp) == 0 && rp.state == DS_STOPPED && rp.endpoint == AX_NONE,
		    "svc_exit (recovery none) is not stopped in ds");
	test_eq("rs_ds_down_label_kept_from_others", ds_call(DS_PUBLISH, "svc_exit", ax_self, &rp), -AX_EPERM);
	while (ds_call(DS_CHECK, "x", 0, &rp) == 0 && changes++ < 100) {
		if (strcmp(rp.label, "svc_hang") == 0) {
			hang_seen = (endpoint_t)rp.endpoint;
			hang_state = (int)rp.state;
		}
	}
	test_result("rs_ds_subscriber_sees_restart", hang_seen == hang_started.ep && hang_state == DS_UP,
		    "the subscription did not report svc_hang's new endpoint");
}

/* One complaint to rs about ep: rs's answer. */
static int64_t complain(int64_t ep, uint64_t why)
{
	ax_message m = {.type = RS_COMPLAIN};
	struct rs_complaint *c = (struct rs_complaint *)m.bytes;
	int r;

	c->endpoint = ep;
	c->why = why;
	if ((r = ax_sendrec(listed("rs"), &m)) < 0)
		return r;
	return m.i64[0];
}

/* A server's complaint about a service: rs restarts it; bad complaints are refused. */
static void complaint_checks(void)
{
	static struct rs_service_info all[SVC_COUNT_MAX];
	const struct rs_service_info *rec;
	struct ds_reply rp;
	endpoint_t victim = AX_NONE;
	char head[96];
	int n;

	if (ds_call(DS_LOOKUP, "svc_victim", 0, &rp) == 0 && rp.state == DS_UP)
		victim = (endpoint_t)rp.endpoint;
	test_result("rs_complain_victim_running", victim > 0, "svc_victim is not up in ds");
	test_eq("rs_complain_bad_reason_einval", complain(victim, 9), -AX_EINVAL);
	test_eq("rs_complain_not_a_service_esrch", complain(listed("rsctl"), RS_WHY_BAD_REPLY), -AX_ESRCH);
	test_eq("rs_complain_about_itself_eperm", complain(ax_self, RS_WHY_BAD_REPLY), -AX_EPERM);
	test_eq("rs_complain_restarts_the_service", complain(victim, RS_WHY_BAD_REPLY), 0);
	test_result("rs_complain_new_endpoint_in_ds",
		    ds_call(DS_LOOKUP, "svc_victim", 0, &rp) == 0 && rp.state == DS_UP && rp.endpoint > 0 &&
			    rp.endpoint != victim && (rp.endpoint & 255) == (victim & 255),
		    "svc_victim was not restarted in its slot");
	test_eq("rs_complain_about_old_endpoint_esrch", complain(victim, RS_WHY_BAD_REPLY), -AX_ESRCH);
	ax_snprintf(head, sizeof(head), "rs: service svc_victim (endpoint %d) answered something impossible", victim);
	test_result("rs_complain_logged", log_line(head, "(a complaint from rs_check); restart 1 of 5 now", 0, 0),
		    "no line for the complaint");
	n = read_services(all, SVC_COUNT_MAX);
	rec = n > 0 ? find_service(all, n, "svc_victim") : 0;
	test_result("rs_complain_cause_published", rec && rec->last_cause == RS_CAUSE_COMPLAINT && rec->restarts == 1,
		    "svc_victim's record lacks the complaint");
}

int main(void)
{
	struct ds_reply rp;

	ds_call(DS_SUBSCRIBE, "svc_", 0, &rp); /* before svc_hang hangs: publication_checks reads the changes */
	loop_checks(); /* first: svc_loop's starts wait for rs_check to receive them, and the gaps are timed */
	hang_checks();
	publication_checks();
	complaint_checks();
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
