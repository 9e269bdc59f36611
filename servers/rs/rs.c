/*
 * rs, the reincarnation server. At boot it starts the services of the
 * table etc/services, found with their binaries in its boot archive, one
 * after the other, each with exactly the privileges the table states. It
 * is the parent (supervisor) of every one of them, and of the boot
 * processes whose boot line says super=rs, so the kernel reports each
 * death to rs. rs logs it with its cause and, by the service's recovery
 * policy (policy.h), starts it again from its copy of the binary, in the
 * same slot, which the kernel keeps for rs meanwhile (AX_REAP_RESERVE).
 * See docs/rs.md.
 */
#include <string.h>

#include <proto/ds.h>
#include <proto/rs.h>

#include <cpio/cpio.h>
#include "policy.h"
#include "rs.h"

#define TABLE_PATH "etc/services"
#define ARCHIVE_NAME "services" /* the boot data module: `rs-services.cpio services data to=rs` */

/* The kernel's calls by their privilege words, as the kernel names them (axolotl/kcalls.h). */
#define KCALL_WORD(name, number, word, handler) [number] = word,
static const char *const kcall_names[KC_COUNT] = {AX_KCALLS(KCALL_WORD)};

static struct svc_table table;
static struct service services[SVC_MAX];
static int nservices;
static const uint8_t *archive;
static size_t archive_size;
/* What each new service finds at AX_BOOTINFO_ADDR: rs's own, with the services started so far. */
static struct ax_bootinfo service_info;

static const char *errno_text(int err)
{
	switch (-err) {
	case AX_ENOMEM: return "out of memory";
	case AX_EBUSY: return "its slot is taken";
	case AX_EINVAL: return "invalid";
	case AX_EPERM: return "refused: rs lacks the right";
	case AX_EFAULT: return "bad address";
	default: return "error";
	}
}

static struct service *by_endpoint(endpoint_t ep)
{
	for (int i = 0; i < nservices; i++)
		if (services[i].ep == ep)
			return &services[i];
	return 0;
}

static void publish(const struct service *s)
{
	info_service((int)(s - services), s);
}

static void start_one(struct service *s);

/* ---- publication in ds ---------------------------------------------------------- */

/* ds's endpoint: the table's service "ds" while it runs, else the boot process; AX_NONE if none runs. */
static endpoint_t ds_endpoint(void)
{
	for (int i = 0; i < nservices; i++)
		if (strcmp(services[i].spec->label, "ds") == 0)
			return services[i].state == SVC_RUNNING ? services[i].ep : AX_NONE;
	return ax_boot_endpoint("ds");
}

static int is_ds(const struct service *s)
{
	return strcmp(s->spec->label, "ds") == 0;
}

/* Tell ds that label is ep in state; the first time ds can hear it, rs publishes itself first. */
static void tell_ds(const char *label, endpoint_t ep, int state)
{
	static int self_published, warned;
	endpoint_t ds = ds_endpoint();
	int r = 0;

	if (ds == AX_NONE)
		return;
	if (!self_published && (r = publish_in_ds(ds, "rs", ax_self, DS_UP)) == 0)
		self_published = 1;
	if (r == 0)
		r = publish_in_ds(ds, label, ep, state);
	if (r < 0 && !warned++)
		ax_printf("rs: ds refused to publish %s (%d): clients will not find its endpoint there\n", label, r);
}

/* s stays down: nothing restarts it until 'service up' (ds says so, so clients stop waiting for it). */
static void stay_down(struct service *s)
{
	s->state = SVC_DOWN;
	if (!is_ds(s))
		tell_ds(s->spec->label, AX_NONE, DS_STOPPED);
}

void announce_start(const struct service *s, endpoint_t ep)
{
	if (!is_ds(s)) /* ds itself does not run yet: rs publishes it once it does (start_one) */
		tell_ds(s->spec->label, ep, DS_UP);
}

/* ---- deaths ----------------------------------------------------------------- */

/* "exited", or how it was ended. */
static void describe_death(const struct ax_death *d, char *buf, size_t size)
{
	if (d->cause == AX_DEATH_EXIT)
		ax_snprintf(buf, size, "exited");
	else if (d->cause == AX_DEATH_KILLED)
		ax_snprintf(buf, size, "was ended by another process");
	else if (d->cause == AX_DEATH_FAULT)
		ax_snprintf(buf, size, "killed by a CPU exception: vector %lu at rip 0x%lx, address 0x%lx", d->vector,
			    d->rip, d->address);
	else
		ax_snprintf(buf, size, "ended (cause %d)", d->cause);
}

/* Is label a boot process's name? */
static int boot_name_known(const char *label)
{
	for (uint32_t i = 0; i < ax_bootinfo->count && i < AX_BOOT_MAX; i++)
		if (strcmp(ax_bootinfo->procs[i].name, label) == 0)
			return 1;
	return 0;
}

static const char *boot_name(endpoint_t ep)
{
	for (uint32_t i = 0; i < ax_bootinfo->count && i < AX_BOOT_MAX; i++)
		if (ax_bootinfo->procs[i].ep == ep)
			return ax_bootinfo->procs[i].name;
	return 0;
}

/* A server's name for a log line: its label, or its boot name. */
static const char *server_name(endpoint_t ep)
{
	const struct service *s = by_endpoint(ep);
	const char *boot = boot_name(ep);

	return s ? s->spec->label : boot ? boot : "an unknown server";
}

/* ---- heartbeats -------------------------------------------------------------- */

static uint64_t period_ns(const struct service *s)
{
	return (uint64_t)s->spec->heartbeat_ms * 1000000;
}

/* Is s pinged? A running service with a heartbeat period that rs has not yet ended for its silence. */
static int watched(const struct service *s)
{
	return s->state == SVC_RUNNING && s->spec->heartbeat_ms && !s->hung;
}

/* How long s may stay silent: two periods, and its start-up's grace until it first answers. */
static uint64_t silence_limit_ns(const struct service *s)
{
	return 2 * period_ns(s) + (s->ready ? 0 : (uint64_t)RS_START_GRACE_MS * 1000000);
}

/* The next moment rs must act on (a back-off's end, a ping, a deadline); arm the alarm for it, or cancel it. */
static void arm_alarm(void)
{
	uint64_t next = UINT64_MAX, now = ax_now_ns();

	for (int i = 0; i < nservices; i++) {
		const struct service *s = &services[i];

		if (s->state == SVC_RESTARTING && s->restart_at_ns < next)
			next = s->restart_at_ns;
		if (watched(s)) {
			if (s->next_ping_ns < next)
				next = s->next_ping_ns;
			if (s->alive_ns + silence_limit_ns(s) < next)
				next = s->alive_ns + silence_limit_ns(s);
		}
	}
	ax_alarm(next == UINT64_MAX ? 0 : next > now ? next - now : 1);
}

/*
 * A new incarnation of s runs: its silence counts from now, and it is
 * pinged at once, not at the next tick, so its first answer tells when it
 * is up (its recovery time).
 */
static void watch(struct service *s, uint64_t now)
{
	s->alive_ns = now;
	s->ready = 0;
	s->ready_ns = 0;
	s->hung = 0;
	s->dropped = 0;
	s->owes = AX_NONE;
	s->cpu_at_ping_ns = 0;
	s->starved_said = 0;
	s->next_ping_ns = now + period_ns(s);
	if (s->spec->heartbeat_ms)
		ax_notify(s->ep);
}

/*
 * s's CPU time so far, and whether it is ready to run; what it owes (a
 * caller whose request it took and has not answered, and which call of
 * theirs): false if rs may not ask (no cputime right).
 */
static bool cpu_of(const struct service *s, uint64_t *ns, bool *ready, endpoint_t *owes, uint64_t *call)
{
	ax_message m = {.u64 = {(uint64_t)(int64_t)s->ep}};

	if (ax_kcall(KC_CPU_TIME, &m) < 0)
		return false;
	*ns = m.u64[0];
	*ready = m.u64[1] != 0;
	*owes = (endpoint_t)(int64_t)m.u64[2];
	*call = m.u64[3];
	return true;
}

/*
 * s answers its pings but has kept the same request of the same caller
 * unanswered since the ping before last: the request is lost (a bug, a
 * flipped bit), and its caller (vfs) would wait for ever. A driver on
 * lib/sys's loop answers every request before it takes the next message,
 * pings included, so no request can honestly outlast a period.
 */
static bool dropped_request(struct service *s, uint64_t now, endpoint_t owes, uint64_t call)
{
	if (owes == AX_NONE || owes != s->owes || call != s->owes_call) {
		s->owes = owes;
		s->owes_call = call;
		s->owes_since_ns = now;
		return false;
	}
	return now - s->owes_since_ns >= 2 * period_ns(s);
}

/*
 * s answered a ping: it was alive when rs sent the last one (its silence
 * counts from then: pings go out on the kernel's ticks, so two periods
 * after one ends on a tick too, not up to a tick later). Its first answer
 * ends its recovery.
 */
static void answered(struct service *s)
{
	uint64_t now = ax_now_ns(), pinged = s->next_ping_ns - period_ns(s);

	if (pinged > s->alive_ns)
		s->alive_ns = pinged;
	s->starved_said = 0;
	if (s->ready)
		return;
	s->ready = 1;
	s->ready_ns = now;
	if (s->restarts && s->ended_ns) {
		s->recovery_ns = now - s->ended_ns;
		ax_printf("rs: service %s answers (endpoint %d): recovered %lu us after the end of the last one\n",
			  s->spec->label, s->ep, s->recovery_ns / 1000);
	}
	publish(s);
}

/*
 * A silent service that is ready to run but has had (almost) no CPU since
 * its last ping is starved by busier ones of higher or equal priority
 * (a hung driver spinning, a terminal streaming), not hung: ending it would
 * not help. A hung service spins (it uses the CPU) or waits for a message
 * that does not come (it is not ready to run).
 */
static bool starved(struct service *s, uint64_t now)
{
	uint64_t ns;
	bool ready, was_starved;
	endpoint_t owes;
	uint64_t call;

	if (!cpu_of(s, &ns, &ready, &owes, &call))
		return false; /* no right to ask (an image without cputime for rs): the silence decides */
	was_starved = ready && ns >= s->cpu_at_ping_ns && ns - s->cpu_at_ping_ns < STARVED_CPU_NS;
	if (was_starved && !s->starved_said) {
		ax_printf("rs: service %s (endpoint %d) silent for %lu ms but ready to run and given no CPU: starved by "
			  "busier services, not hung; waiting\n", s->spec->label, s->ep,
			  (unsigned long)((now - s->alive_ns) / 1000000));
		s->starved_said = 1;
	}
	return was_starved;
}

/* Ping every watched service whose time has come; end each that has been silent too long. */
static void heartbeats(uint64_t now)
{
	for (int i = 0; i < nservices; i++) {
		struct service *s = &services[i];

		if (!watched(s))
			continue;
		if (now - s->alive_ns >= silence_limit_ns(s) && starved(s, now)) {
			s->alive_ns = now - silence_limit_ns(s) / 2; /* silent, but it did not run: give it another period */
		} else if (now - s->alive_ns >= silence_limit_ns(s)) {
			s->hung = 1; /* its death report, which follows, is a hang */
			ax_kcall(KC_PROC_DESTROY, &(ax_message){.u64 = {(uint64_t)(int64_t)s->ep}});
		} else if (now >= s->next_ping_ns) {
			bool ready;
			endpoint_t owes;
			uint64_t call;

			if (!cpu_of(s, &s->cpu_at_ping_ns, &ready, &owes, &call)) {
				s->cpu_at_ping_ns = 0;
			} else if (dropped_request(s, now, owes, call)) {
				s->hung = s->dropped = 1; /* its death report, which follows, is a hang */
				ax_kcall(KC_PROC_DESTROY, &(ax_message){.u64 = {(uint64_t)(int64_t)s->ep}});
				continue;
			}
			ax_notify(s->ep); /* never blocks: a hung service cannot stall rs */
			s->next_ping_ns = now + period_ns(s);
		}
	}
}

/* ---- restarts ------------------------------------------------------------------ */

/* Start s again after a death: same slot (kept for rs), next generation, its restart count told. */
static void restart(struct service *s)
{
	s->restarts++;
	start_one(s);
}

/*
 * s has ended (how says how): by its policy, start it again now, after a
 * back-off, or never. The log line says what happened and what follows.
 */
static void recover(struct service *s, endpoint_t ep, const char *how)
{
	const char *label = s->spec->label;
	uint64_t now = ax_now_ns(), delay_ms;

	if (s->spec->recovery == SVC_RECOVER_NONE) {
		stay_down(s);
		ax_printf("rs: service %s (endpoint %d) %s; recovery none: left down\n", label, ep, how);
		return;
	}
	if (!s->image) {
		stay_down(s);
		ax_printf("rs: service %s (endpoint %d) %s; no binary to restart it from: left down\n", label, ep, how);
		return;
	}
	if (s->injected == INJECTED_UNCOUNTED) {
		/* an experiment, not the service's failure: at once, its streak and kept state untouched */
		ax_printf("rs: service %s (endpoint %d) %s (injected); restart now\n", label, ep, how);
		restart(s);
		return;
	}
	s->streak = policy_streak(s->streak, now - s->started_ns);
	if (s->streak >= 2 && !s->injected)
		s->kept_wipe = 1; /* it died again soon after starting, maybe from its kept state: defaults next time */
	if (policy_give_up(s->streak, s->spec->max_restarts)) {
		s->state = SVC_FAILED;
		tell_ds(label, AX_NONE, DS_FAILED);
		ax_printf("rs: service %s (endpoint %d) %s; FAILED after %u failure%s in a row (restarts %u): left down "
			  "until 'service up'\n",
			  label, ep, how, s->streak, s->streak == 1 ? "" : "s", s->spec->max_restarts);
		return;
	}
	delay_ms = policy_backoff_ms(s->streak);
	if (delay_ms == 0) {
		ax_printf("rs: service %s (endpoint %d) %s; restart %u of %u now\n", label, ep, how, s->streak,
			  s->spec->max_restarts);
		restart(s);
		return;
	}
	s->state = SVC_RESTARTING;
	s->restart_at_ns = now + delay_ms * 1000000;
	ax_printf("rs: service %s (endpoint %d) %s; restart %u of %u in %lu ms\n", label, ep, how, s->streak,
		  s->spec->max_restarts, delay_ms);
	arm_alarm();
}

/* s ended because `service` asked: leave it down, or start it again now, outside its failure streak. */
static void on_demand(struct service *s, endpoint_t ep, const char *how)
{
	int op = s->demand;

	s->demand = 0;
	if (op == RS_CTL_DOWN) {
		stay_down(s);
		ax_printf("rs: service %s (endpoint %d) %s; left down until 'service up'\n", s->spec->label, ep, how);
		return;
	}
	s->fresh = op == RS_CTL_REFRESH;
	s->kept_wipe |= s->fresh; /* as at boot: its kept state too */
	ax_printf("rs: service %s (endpoint %d) %s; restart now%s\n", s->spec->label, ep, how,
		  s->fresh ? ", as at boot" : "");
	restart(s);
}

/* One death the kernel reported: record it, say what happened, and recover. */
static void service_ended(const struct ax_death *d)
{
	struct service *s = by_endpoint(d->ep);
	char how[128];

	if (s && s->complainer)
		ax_snprintf(how, sizeof(how), "answered something impossible (a complaint from %s)",
			    server_name(s->complainer));
	else if (s && s->demand)
		ax_snprintf(how, sizeof(how), "was ended by 'service %s'", s->demand == RS_CTL_DOWN ? "down"
									   : s->demand == RS_CTL_RESTART ? "restart"
													  : "refresh");
	else if (s && s->dropped)
		ax_snprintf(how, sizeof(how), "answered its heartbeat but held a request of %s unanswered for %lu ms",
			    server_name(s->owes), (unsigned long)((ax_now_ns() - s->owes_since_ns) / 1000000));
	else if (s && s->hung) {
		uint64_t silent = ax_now_ns() - s->alive_ns;

		ax_snprintf(how, sizeof(how), "missed its heartbeat: silent for %lu.%03lu ms (%s %u ms periods)",
			    silent / 1000000, silent / 1000 % 1000, s->ready ? "2" : "its start-up's grace and 2",
			    s->spec->heartbeat_ms);
	} else {
		describe_death(d, how, sizeof(how));
	}
	if (!s) { /* a boot process with super=rs that the table does not list: its slot is nobody's */
		const char *name = boot_name(d->ep);

		ax_kcall(KC_SLOT_RELEASE, &(ax_message){.i64 = {d->ep & (AX_NR_SLOTS - 1)}});
		ax_printf("rs: %s%s (endpoint %d) %s; not in the service table: left down\n",
			  name ? "boot process " : "process ", name ? name : "unknown to rs", d->ep, how);
		return;
	}
	if (s->state != SVC_RUNNING)
		return; /* the half-built process of a failed start, which rs ended itself: reported already */
	s->last_death = *d;
	s->cause = s->complainer ? RS_CAUSE_COMPLAINT : s->hung ? RS_CAUSE_HANG : d->cause;
	s->complainer = 0;
	s->ended_ns = ax_now_ns();
	s->ready = 0;
	if (!is_ds(s))
		tell_ds(s->spec->label, AX_NONE, DS_DOWN); /* up again with its next endpoint if it restarts */
	if (s->demand)
		on_demand(s, d->ep, how);
	else
		recover(s, d->ep, how);
	s->injected = 0;
	publish(s);
}

/*
 * Collect every death record there is: one notification may stand for
 * several (they coalesce). Each slot stays kept for rs: the service's
 * next incarnation comes back in it, and nobody else takes it meanwhile.
 */
static void reap_deaths(void)
{
	struct ax_death d;

	while (ax_kcall(KC_REAP, &(ax_message){.u64 = {(uint64_t)&d, AX_REAP_RESERVE}}) == 0)
		service_ended(&d);
}

/* The alarm: restart every service whose back-off is over; heartbeats. */
static void tick(void)
{
	uint64_t now = ax_now_ns();

	for (int i = 0; i < nservices; i++) {
		struct service *s = &services[i];

		if (s->state == SVC_RESTARTING && s->restart_at_ns <= now) {
			ax_printf("rs: service %s: back-off over, restart %u of %u\n", s->spec->label, s->streak,
				  s->spec->max_restarts);
			restart(s);
			publish(s);
		}
	}
	heartbeats(ax_now_ns());
	arm_alarm();
}

/* The kernel says processes rs supervises have ended. */
static void on_notify(const ax_message *m)
{
	struct service *s;

	if (m->source == AX_KERNEL) {
		reap_deaths();
		arm_alarm(); /* a restart may have begun a watch */
	} else if (m->source == AX_CLOCK) {
		tick();
	} else if ((s = by_endpoint(m->source)) && s->state == SVC_RUNNING) {
		answered(s);
	}
}

/* ---- start-up ------------------------------------------------------------------ */

/* List a started service in the boot information the next services get. */
static void list_service(const struct service *s)
{
	static int warned;
	struct ax_bootinfo *bi = &service_info;

	for (uint32_t i = 0; i < bi->count; i++) {
		if (strcmp(bi->procs[i].name, s->spec->label) == 0) { /* a restart: its new endpoint */
			bi->procs[i].ep = s->ep;
			return;
		}
	}
	if (bi->count == AX_BOOT_MAX) {
		if (!warned++)
			ax_printf("rs: boot information full: %s and later services are not listed in it\n",
				  s->spec->label);
		return;
	}
	memset(&bi->procs[bi->count], 0, sizeof(bi->procs[0]));
	memcpy(bi->procs[bi->count].name, s->spec->label, sizeof(s->spec->label));
	bi->procs[bi->count].ep = s->ep;
	bi->procs[bi->count++].flags = s->spec->priv.flags;
}

/* Find s's binary in the archive: 0, or a negative errno and a log line. */
static int find_binary(struct service *s)
{
	const uint8_t *data;
	size_t len;
	unsigned mode;
	int r = cpio_find(archive, archive_size, s->spec->binary, &data, &len, &mode);
	const char *why = r == -2 ? "is not in the archive" : "cannot be read: the archive is malformed";

	if (r == 0 && (mode & 0170000) != 0100000) {
		r = -AX_EINVAL;
		why = "is not a regular file";
	}
	if (r < 0) {
		ax_printf("rs: service %s %s: %s %s\n", s->spec->label,
			  s->spec->boot ? "cannot be restarted" : "not started", s->spec->binary, why);
		return r;
	}
	s->image = data;
	s->image_size = len;
	return 0;
}

/* A boot service: the kernel started it; rs only takes over its record. */
static void adopt(struct service *s)
{
	for (uint32_t i = 0; i < ax_bootinfo->count && i < AX_BOOT_MAX; i++)
		if (strcmp(ax_bootinfo->procs[i].name, s->spec->label) == 0)
			s->ep = ax_bootinfo->procs[i].ep;
	s->state = SVC_RUNNING;
	s->starts = 1;
	watch(s, ax_now_ns());
	tell_ds(s->spec->label, s->ep, DS_UP);
	ax_printf("rs: service %s adopted (endpoint %d, started by the kernel)\n", s->spec->label, s->ep);
}

static void start_one(struct service *s)
{
	const char *step = "";
	endpoint_t ep = find_binary(s);

	if (ep < 0) {
		s->state = SVC_START_FAILED;
		s->last_error = ep;
		s->last_step = "finding its binary";
		return;
	}
	ep = start_service(s, &service_info, &step);
	if (ep < 0) {
		s->state = SVC_START_FAILED;
		s->last_error = ep;
		s->last_step = step;
		if (ep == -AX_EINVAL && strcmp(step, "checking its binary") == 0)
			ax_printf("rs: service %s not started: %s is not a static ELF64 executable\n", s->spec->label,
				  s->spec->binary);
		else
			ax_printf("rs: service %s not started: %s failed (%d, %s)\n", s->spec->label, step, ep,
				  errno_text(ep));
		return;
	}
	s->ep = ep;
	s->state = SVC_RUNNING;
	s->starts++;
	s->started_ns = ax_now_ns();
	watch(s, s->started_ns);
	list_service(s);
	if (is_ds(s))
		tell_ds("ds", ep, DS_UP);
	s->fresh = 0;
	if (s->restarts)
		ax_printf("rs: service %s restarted (endpoint %d, restart %u)\n", s->spec->label, ep, s->restarts);
	else
		ax_printf("rs: service %s started (endpoint %d)\n", s->spec->label, ep);
}

/* Read, check and resolve the table; log every error with its line. */
static int read_table(void)
{
	const uint8_t *text;
	size_t len;
	unsigned mode;
	int r = cpio_find(archive, archive_size, TABLE_PATH, &text, &len, &mode);

	if (r < 0) {
		ax_printf("rs: %s is not in the boot archive (%d): no service to start\n", TABLE_PATH, r);
		return r;
	}
	svc_table_parse((const char *)text, len, kcall_names, KC_COUNT, &table);
	svc_table_resolve(&table, ax_bootinfo);
	for (int i = 0; i < table.nerrors && i < SVC_ERRORS_MAX; i++)
		ax_printf("rs: %s:%d: %s\n", TABLE_PATH, table.error[i].line, table.error[i].text);
	if (table.nerrors > SVC_ERRORS_MAX)
		ax_printf("rs: %s: %d more errors not shown\n", TABLE_PATH, table.nerrors - SVC_ERRORS_MAX);
	return 0;
}

/* Every service of the table, in order; a failure is logged and the next one starts. */
static void start_all(void)
{
	for (int i = 0; i < table.count; i++) {
		struct service *s = &services[nservices++];

		s->spec = &table.svc[i];
		s->ep = AX_NONE;
		if (!s->spec->valid) {
			s->state = SVC_UNSTARTABLE;
			ax_printf("rs: service %s not started: its table entry has errors (line %d on)\n",
				  s->spec->label, s->spec->line);
		} else if (s->spec->boot) {
			if (s->spec->binary[0])
				find_binary(s); /* kept for a restart; a missing one is only reported */
			adopt(s);
		} else {
			start_one(s);
		}
		publish(s);
	}
}

/* ---- control: the service command, through pm (proto/rs.h) ------------------------ */

static struct service *by_label(const char *label)
{
	for (int i = 0; i < nservices; i++)
		if (strcmp(services[i].spec->label, label) == 0)
			return &services[i];
	return 0;
}

/* Start s now, out of any back-off, with its streak forgotten: 0, or the start's error. */
static int64_t bring_up(struct service *s, int fresh)
{
	s->streak = 0;
	s->fresh = fresh;
	if (s->starts)
		s->restarts++;
	start_one(s);
	publish(s);
	arm_alarm();
	return s->state == SVC_RUNNING ? 0 : s->last_error;
}

/* End a running s for `service op`; its death, reaped at once, does the rest (on_demand). */
static int64_t end_on_demand(struct service *s, int op)
{
	int r;

	s->demand = op;
	if ((r = ax_kcall(KC_PROC_DESTROY, &(ax_message){.u64 = {(uint64_t)(int64_t)s->ep}})) < 0) {
		s->demand = 0;
		return r;
	}
	reap_deaths();
	arm_alarm();
	if (op == RS_CTL_DOWN)
		return 0;
	return s->state == SVC_RUNNING ? 0 : s->last_error;
}

/* Fault injection: a kill. rs ends s at once; its death, reaped now, is recovered as an experiment's. */
static int64_t inject_kill(struct service *s)
{
	int r;

	s->injected = INJECTED_UNCOUNTED;
	if ((r = ax_kcall(KC_PROC_DESTROY, &(ax_message){.u64 = {(uint64_t)(int64_t)s->ep}})) < 0) {
		s->injected = INJECTED_NONE;
		return r;
	}
	reap_deaths();
	arm_alarm();
	return 0;
}

static const char *const fault_names[RS_CTL_LAST + 1] = {
	[RS_CTL_CRASH] = "a crash", [RS_CTL_CRASH_COUNTED] = "a crash (counted as its own failure)",
	[RS_CTL_HANG] = "a hang",   [RS_CTL_KILL] = "a kill",
	[RS_CTL_EXIT] = "an exit",  [RS_CTL_GARBAGE] = "a garbage reply",
	[RS_CTL_FLIP] = "bit flips",
};

/* Fault injection (inject.c, and the kill here): recorded before it acts, so its death finds it. */
static int64_t do_inject(struct service *s, const struct rs_ctl_request *c)
{
	uint64_t then = s->injected_ns;
	int op = s->injected_op;
	int64_t r;

	if (s->state != SVC_RUNNING)
		return -AX_EAGAIN;
	s->injected_ns = ax_now_ns();
	s->injected_op = (int)c->op;
	s->injections++;
	if (c->op == RS_CTL_KILL) /* said first: its death is said as it happens */
		ax_printf("rs: service %s (endpoint %d): a kill injected\n", s->spec->label, s->ep);
	r = c->op == RS_CTL_KILL ? inject_kill(s) : inject(s, c);
	if (r < 0) {
		s->injected_ns = then;
		s->injected_op = op;
		s->injections--;
		if (r != -AX_EAGAIN) /* busy: the fault command asks again */
			ax_printf("rs: service %s: %s could not be injected (%ld)\n", s->spec->label, fault_names[c->op],
				  (long)r);
	} else if (c->op == RS_CTL_FLIP) {
		ax_printf("rs: service %s (endpoint %d): %u bit%s of its %s flipped (seed %lu)\n", s->spec->label,
			  s->ep, s->flipped, s->flipped == 1 ? "" : "s", c->arg[1] == RS_FLIP_TEXT ? "text" : "data",
			  (unsigned long)c->arg[2]);
	} else if (c->op != RS_CTL_KILL) {
		ax_printf("rs: service %s (endpoint %d): %s injected\n", s->spec->label, s->ep, fault_names[c->op]);
	}
	publish(s);
	return r;
}

/* Take s down without a process to end: it waits out a back-off or has failed. */
static int64_t leave_down(struct service *s)
{
	if (s->state == SVC_RESTARTING || s->state == SVC_FAILED) {
		stay_down(s);
		ax_printf("rs: service %s: left down by 'service down'\n", s->spec->label);
		publish(s);
		arm_alarm();
	}
	return 0; /* already down otherwise */
}

/*
 * RS_CTL: what the service command asks, forwarded by pm with the caller's
 * effective uid. Decode every field first; only then act.
 */
static int64_t do_ctl(const ax_message *m, ax_message *reply)
{
	const struct rs_ctl_request *c = (const void *)m->bytes;
	char label[sizeof(c->label)];
	struct service *s;

	(void)reply;
	if (m->source != ax_boot_endpoint("pm"))
		return -AX_EPERM; /* only pm, which vouches for the uid */
	if (c->op < RS_CTL_UP || c->op > RS_CTL_LAST)
		return -AX_EINVAL;
	if (c->op == RS_CTL_FLIP ? c->arg[0] < 1 || c->arg[0] > RS_FLIP_MAX ||
					   (c->arg[1] != RS_FLIP_TEXT && c->arg[1] != RS_FLIP_DATA)
				 : c->arg[0] || c->arg[1] || c->arg[2])
		return -AX_EINVAL;
	memcpy(label, c->label, sizeof(label));
	if (!label[0] || strnlen(label, sizeof(label)) == sizeof(label))
		return -AX_EINVAL;
	if (c->euid != 0)
		return -AX_EPERM;
	if (!(s = by_label(label)))
		return boot_name_known(label) ? -AX_EPERM : -AX_ESRCH; /* rs, vfs, ...: not supervised */
	if (s->spec->recovery == SVC_RECOVER_NONE || !s->spec->valid)
		return s->spec->valid ? -AX_EPERM : -AX_EINVAL;
	switch (c->op) {
	case RS_CTL_UP:
		return s->state == SVC_RUNNING ? -AX_EBUSY : bring_up(s, 0);
	case RS_CTL_DOWN:
		return s->state == SVC_RUNNING ? end_on_demand(s, RS_CTL_DOWN) : leave_down(s);
	case RS_CTL_RESTART:
	case RS_CTL_REFRESH:
		if (s->state == SVC_RUNNING)
			return end_on_demand(s, (int)c->op);
		return bring_up(s, c->op == RS_CTL_REFRESH);
	default: /* fault injection */
		return do_inject(s, c);
	}
}

/*
 * RS_KEPT: a running service asks for its kept state (proto/rs.h). rs makes
 * it the first time (fresh pages, in rs's memory, where it stays while the
 * service is down) and maps the same pages into every incarnation.
 */
#define KEPT_AREA 0x400000000000ULL /* in rs: service i's kept state at KEPT_AREA + i * SVC_KEPT_MAX */

static int64_t do_kept(const ax_message *m, ax_message *reply)
{
	struct service *s = by_endpoint(m->source);
	struct rs_kept_reply *rp = (struct rs_kept_reply *)(void *)reply->bytes;
	int r;

	if (!s || s->state != SVC_RUNNING)
		return -AX_ESRCH;
	if (!s->spec->kept)
		return -2; /* ENOENT: its table entry keeps nothing */
	if (!s->kept_va) {
		uint64_t va = KEPT_AREA + (uint64_t)(s - services) * SVC_KEPT_MAX;

		if ((r = ax_vmalloc(AX_SELF, va, s->spec->kept, AX_MAP_WRITE)) < 0) {
			ax_printf("rs: no memory for the kept state of %s (%llu bytes): it keeps none\n", s->spec->label,
				  (unsigned long long)s->spec->kept);
			return r;
		}
		s->kept_va = va;
		s->kept_wipe = 1;
	}
	if ((r = ax_kcall(KC_VSHARE, &(ax_message){.u64 = {(uint64_t)(int64_t)AX_SELF, s->kept_va, (uint64_t)(int64_t)s->ep,
							    RS_KEPT_ADDR, s->spec->kept, AX_MAP_WRITE}})) < 0)
		return r;
	*rp = (struct rs_kept_reply){0, RS_KEPT_ADDR, s->spec->kept, (uint64_t)s->kept_wipe};
	if (s->kept_wipe)
		ax_printf("rs: service %s starts from a fresh kept state\n", s->spec->label);
	s->kept_wipe = 0;
	return 0;
}

/* Is ep a system process rs knows: a boot process, or a running service of the table? */
static int known_server(endpoint_t ep)
{
	struct service *s = by_endpoint(ep);

	if (s)
		return s->state == SVC_RUNNING && (s->spec->priv.flags & AX_PRIV_SYSTEM);
	for (uint32_t i = 0; i < ax_bootinfo->count && i < AX_BOOT_MAX; i++)
		if (ax_bootinfo->procs[i].ep == ep)
			return (ax_bootinfo->procs[i].flags & AX_PRIV_SYSTEM) != 0;
	return 0;
}

/* RS_COMPLAIN: a server says a driver answered something impossible: end it, recover it as after a crash. */
static int64_t do_complain(const ax_message *m, ax_message *reply)
{
	const struct rs_complaint *c = (const void *)m->bytes;
	struct service *s;

	(void)reply;
	if (!known_server(m->source))
		return -AX_EPERM;
	if (c->why < RS_WHY_BAD_REPLY || c->why > RS_WHY_BAD_EVENT || c->reserved[0] || c->reserved[1] ||
	    c->reserved[2] || c->reserved[3] || c->reserved[4])
		return -AX_EINVAL;
	if (c->endpoint <= 0 || c->endpoint > INT32_MAX || !(s = by_endpoint((endpoint_t)c->endpoint)) ||
	    s->state != SVC_RUNNING)
		return -AX_ESRCH; /* not a running service (perhaps already restarted): nothing to do */
	if (s->spec->recovery != SVC_RECOVER_RESTART || (endpoint_t)c->endpoint == m->source)
		return -AX_EPERM;
	s->complainer = m->source;
	if (ax_kcall(KC_PROC_DESTROY, &(ax_message){.u64 = {(uint64_t)c->endpoint}}) < 0) {
		s->complainer = 0;
		return -AX_ESRCH;
	}
	reap_deaths();
	arm_alarm();
	return 0;
}

static const struct ax_call calls[] = {
	{RS_CTL, do_ctl},
	{RS_COMPLAIN, do_complain},
	{RS_KEPT, do_kept},
};

int main(void)
{
	int running = 0;

	for (uint32_t i = 0; i < ax_bootinfo->ndata && i < AX_BOOT_DATA_MAX; i++) {
		if (strcmp(ax_bootinfo->data[i].name, ARCHIVE_NAME) == 0) {
			archive = (const uint8_t *)ax_bootinfo->data[i].addr;
			archive_size = ax_bootinfo->data[i].size;
		}
	}
	service_info = *ax_bootinfo;
	service_info.ndata = 0; /* the archive is rs's alone */
	memset(service_info.data, 0, sizeof(service_info.data));
	start_init();
	if (!archive)
		ax_printf("rs: no boot data module '%s': no service to start\n", ARCHIVE_NAME);
	else if (read_table() == 0)
		start_all();
	reap_deaths(); /* those that ended while the others started, so the count below is true */
	for (int i = 0; i < nservices; i++)
		running += services[i].state == SVC_RUNNING;
	ax_printf("rs: up at endpoint %d: %d of %d services running\n", ax_self, running, nservices);
	tick(); /* the first pings */
	ax_serve(calls, (int)(sizeof(calls) / sizeof(calls[0])), on_notify);
}
