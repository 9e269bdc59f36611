/*
 * Where procfs's numbers come from: the kernel (memory, clock, idle time,
 * each process's CPU time and whether it is runnable), pm's and rs's
 * published tables (fixed grants: proto/pm.h, proto/rs.h) and vfs's mount
 * table (its location in ds: proto/info.h). Every table entry is read as a
 * seqlock: copy, check the counter again, and when pm or rs was caught in
 * the middle of a change, wait a millisecond (it was preempted; it must
 * run to finish) and read again.
 */
#include <errno.h>
#include <string.h>

#include <proto/ds.h>
#include <proto/info.h>
#include <sys/info.h>
#include <sys/seqlock.h>
#include <sys/server.h>

#include "procfs.h"

#define READ_TRIES 50

static endpoint_t pm = AX_NONE, rs = AX_NONE, ds = AX_NONE;
static struct loadavg load;
static uint64_t last_sample_ns;

/* Copy len bytes at offset of granter's grant: 0, or -EIO whatever the kernel's reason. */
static int copy_from(endpoint_t granter, uint32_t grant, uint64_t offset, void *to, uint64_t len)
{
	if (granter == AX_NONE)
		return -EIO;
	return ax_kcall(KC_SAFECOPY, &(ax_message){.u64 = {(uint64_t)(int64_t)granter, grant, offset, (uint64_t)to,
								len, AX_COPY_FROM}}) < 0
		       ? -EIO
		       : 0;
}

static void arm_sampler(void)
{
	uint64_t now = 0, next = last_sample_ns + LOAD_PERIOD_NS;

	ax_clock(&now);
	ax_alarm(next > now ? next - now : 1);
}

/* Let the writer we caught mid-change run: one millisecond, then the sampler's alarm again. */
static void pause_for_writer(void)
{
	ax_message m;

	if (ax_alarm(1000000) == 0)
		ax_receive(AX_CLOCK, &m);
	arm_sampler();
}

/*
 * A seqlocked record of len bytes at offset of a grant, its counter seq_at
 * bytes into it: 0 with a whole copy in `to`, or a negative errno.
 */
static int read_record(endpoint_t granter, uint32_t grant, uint64_t offset, void *to, uint64_t len, size_t seq_at)
{
	for (int tries = 0; tries < READ_TRIES; tries++) {
		uint32_t first, again;
		int r = copy_from(granter, grant, offset, to, len);

		if (r < 0)
			return r;
		memcpy(&first, (char *)to + seq_at, sizeof(first));
		if ((r = copy_from(granter, grant, offset + seq_at, &again, sizeof(again))) < 0)
			return r;
		if (seq_read_ok(first, again))
			return 0;
		pause_for_writer();
	}
	return -EAGAIN;
}

/*
 * The load average outlives a restart of procfs: it is kept in ds
 * (DS_LOADAVG_KEY under our label "procfs", the three averages, 24 bytes)
 * after every sample, and taken back when rs restarts us.
 */
#define DS_LOADAVG_KEY "loadavg"
_Static_assert(sizeof(struct loadavg) == DS_VALUE_MAX, "the load average fills a ds value");

static void save_load(void)
{
	struct ds_reply rp;

	ds_call(ds, DS_STORE, DS_LOADAVG_KEY, &load, sizeof(load), &rp);
}

void src_init(void)
{
	struct ds_reply rp;

	pm = ax_boot_endpoint("pm");
	rs = ax_boot_endpoint("rs");
	ds = ax_boot_endpoint("ds");
	if (ds_call(ds, DS_PUBLISH, "procfs", 0, 0, &rp) < 0)
		ax_printf("procfs: cannot publish in ds: the load average will not outlive a restart\n");
	else if (ax_restarts() && ds_call(ds, DS_RETRIEVE, DS_LOADAVG_KEY, 0, 0, &rp) == 0 &&
		 rp.endpoint == (int64_t)sizeof(load))
		memcpy(&load, rp.value, sizeof(load));
	ax_clock(&last_sample_ns);
	arm_sampler();
}

int src_header(struct pm_info_header *h)
{
	int r = read_record(pm, PM_INFO_GRANT, 0, h, sizeof(*h), offsetof(struct pm_info_header, seq));

	if (r == 0 && (h->magic != PM_INFO_MAGIC || h->entry_size != sizeof(struct pm_proc_info) ||
		       h->entries > PROCS_MAX))
		r = -EIO;
	return r;
}

/* The kernel's view of a live process; a zombie keeps what pm recorded. */
static void add_kernel_view(struct proc_view *v)
{
	ax_message m = {.u64 = {(uint64_t)(int64_t)v->info.endpoint}};

	v->cpu_ns = v->info.cpu_ns;
	v->runnable = 0;
	if (v->info.state != PM_STATE_ZOMBIE && ax_kcall(KC_CPU_TIME, &m) == 0) {
		v->cpu_ns = m.u64[0];
		v->runnable = v->info.state == PM_STATE_ALIVE && m.u64[1] != 0;
	}
}

/* A process entry procfs can show: its strings terminated, its numbers in range. */
static int entry_sane(struct pm_proc_info *e)
{
	e->comm[PM_COMM_MAX - 1] = 0;
	if (e->cmdline_len > PM_CMDLINE_MAX)
		e->cmdline_len = PM_CMDLINE_MAX;
	return e->pid > 0 && (e->state == PM_STATE_ALIVE || e->state == PM_STATE_STOPPED || e->state == PM_STATE_ZOMBIE);
}

int src_proc(uint32_t index, struct proc_view *v)
{
	int r;

	if (index >= PROCS_MAX)
		return -ESRCH;
	r = read_record(pm, PM_INFO_GRANT, sizeof(struct pm_info_header) + (uint64_t)index * sizeof(v->info), &v->info,
			sizeof(v->info), offsetof(struct pm_proc_info, seq));
	if (r < 0)
		return r;
	if (v->info.state == PM_STATE_FREE || !entry_sane(&v->info))
		return -ESRCH;
	add_kernel_view(v);
	return 0;
}

/* All of pm's entries in one copy; each one still to be checked against its counter. */
static struct pm_proc_info all[PROCS_MAX];

static int copy_all(void)
{
	struct pm_info_header h;
	int r = src_header(&h);

	if (r < 0)
		return r;
	memset(all, 0, sizeof(all));
	return copy_from(pm, PM_INFO_GRANT, sizeof(h), all, (uint64_t)h.entries * sizeof(all[0]));
}

/* Entry i of the big copy is whole (or is read again, alone, into v); 0 if it is a process. */
static int checked(uint32_t i, struct proc_view *v)
{
	uint32_t again;

	if (copy_from(pm, PM_INFO_GRANT, sizeof(struct pm_info_header) + (uint64_t)i * sizeof(all[0]), &again,
		      sizeof(again)) == 0 &&
	    seq_read_ok(all[i].seq, again)) {
		v->info = all[i];
		if (v->info.state == PM_STATE_FREE || !entry_sane(&v->info))
			return -ESRCH;
		add_kernel_view(v);
		return 0;
	}
	return src_proc(i, v);
}

int src_find_pid(int pid, uint32_t *index, struct proc_view *v)
{
	static uint32_t hint[256]; /* where a pid was last found, by pid % 256 */
	uint32_t *h = &hint[(unsigned)pid % 256];
	int r;

	if (pid <= 0)
		return -ESRCH;
	if (src_proc(*h, v) == 0 && v->info.pid == pid) {
		*index = *h;
		return 0;
	}
	if ((r = copy_all()) < 0)
		return r;
	for (uint32_t i = 0; i < PROCS_MAX; i++) {
		if (all[i].state == PM_STATE_FREE || all[i].pid != pid)
			continue;
		if (checked(i, v) == 0 && v->info.pid == pid) {
			*index = *h = i;
			return 0;
		}
	}
	return -ESRCH;
}

int src_pids(int *pids, uint32_t *indexes, int max, unsigned *running, int reader)
{
	struct proc_view v;
	int n = 0, r = copy_all();

	*running = 0;
	if (r < 0)
		return r;
	for (uint32_t i = 0; i < PROCS_MAX && n < max; i++) {
		int at;

		if (all[i].state == PM_STATE_FREE || checked(i, &v) < 0)
			continue;
		*running += v.runnable || (reader > 0 && v.info.pid == reader && v.info.state == PM_STATE_ALIVE);
		for (at = n; at > 0 && pids[at - 1] > v.info.pid; at--) { /* insertion: the table is small */
			pids[at] = pids[at - 1];
			indexes[at] = indexes[at - 1];
		}
		pids[at] = v.info.pid;
		indexes[at] = i;
		n++;
	}
	return n;
}

int src_services(struct rs_service_info *out, unsigned max)
{
	struct rs_info_header h;
	unsigned n;
	int r = copy_from(rs, RS_INFO_GRANT, 0, &h, sizeof(h));

	if (r < 0)
		return r;
	if (h.magic != RS_INFO_MAGIC || h.entry_size != sizeof(*out))
		return -EIO;
	n = h.entries < max ? h.entries : max;
	for (unsigned i = 0; i < n; i++) {
		if ((r = read_record(rs, RS_INFO_GRANT, sizeof(h) + (uint64_t)i * sizeof(*out), &out[i], sizeof(*out),
				     offsetof(struct rs_service_info, seq))) < 0)
			return r;
		out[i].label[sizeof(out[i].label) - 1] = 0;
	}
	return (int)n;
}

int src_mounts(char *text, size_t cap)
{
	static struct info_mounts m;
	struct info_location where;
	int r;

	if (ds == AX_NONE || info_find(ds, INFO_MOUNTS_OWNER, INFO_MOUNTS_KEY, &where) < 0)
		return 0; /* vfs has published no mount table (yet) */
	if (where.magic != INFO_MOUNTS_MAGIC || where.size < sizeof(m))
		return -EIO;
	if ((r = read_record(where.granter, where.grant, 0, &m, sizeof(m), offsetof(struct info_mounts, seq))) < 0)
		return r;
	if (m.magic != INFO_MOUNTS_MAGIC || m.len > sizeof(m.text))
		return -EIO;
	if (m.len > cap)
		m.len = (uint32_t)cap;
	memcpy(text, m.text, m.len);
	return (int)m.len;
}

void src_memory(uint64_t *total, uint64_t *free)
{
	ax_message m = {0};

	if (ax_kcall(KC_MEMINFO, &m) < 0)
		m.u64[0] = m.u64[1] = m.u64[2] = 0;
	*free = m.u64[0] * m.u64[2];
	*total = m.u64[1] * m.u64[2];
}

void src_clock(uint64_t *up_ns, uint64_t *idle_ns)
{
	ax_message m = {0};

	ax_kcall(KC_CLOCK, &m);
	*up_ns = m.u64[0];
	*idle_ns = m.u64[3] < m.u64[0] ? m.u64[3] : m.u64[0];
}

/*
 * Linux samples every 5 s; a sample procfs was too busy to take is taken
 * late, with the count of now, as Linux's catch-up after a tickless idle
 * does.
 */
static void take_due_samples(void)
{
	static int pids[PROCS_MAX];
	static uint32_t idx[PROCS_MAX];
	uint64_t now = 0;
	unsigned running = 0, due;

	ax_clock(&now);
	if (now < last_sample_ns + LOAD_PERIOD_NS)
		return;
	due = (unsigned)((now - last_sample_ns) / LOAD_PERIOD_NS);
	if (src_pids(pids, idx, PROCS_MAX, &running, 0) < 0)
		running = 0;
	for (unsigned i = 0; i < due && i < 1000; i++)
		load_sample(&load, running);
	last_sample_ns += (uint64_t)due * LOAD_PERIOD_NS;
	save_load();
}

const struct loadavg *src_loadavg(void)
{
	take_due_samples();
	return &load;
}

void src_on_alarm(void)
{
	take_due_samples();
	arm_sampler();
}
