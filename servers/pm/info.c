/*
 * The process information pm publishes for procfs (proto/pm.h): a table in
 * pm's memory, entry i mirroring procs[i], behind a standing read-only
 * grant (PM_INFO_GRANT). procfs reads it with KC_SAFECOPY and never asks pm
 * anything, so it cannot deadlock with pm. Every change is made under the
 * entry's seqlock; the other files call info_update (or info_exec) where
 * what an entry shows changes.
 */
#include <string.h>

#include <proto/pm.h>
#include <sys/seqlock.h>

#include "pm.h"

static struct {
	struct pm_info_header header;
	struct pm_proc_info entries[AX_NR_SLOTS];
} table;

/* The set of signals p ignores or catches (SIG_IGN or a handler). */
static void action_sets(const struct mproc *p, uint64_t *ignored, uint64_t *caught)
{
	*ignored = *caught = 0;
	for (int sig = 1; sig <= NSIG; sig++) {
		if (p->act[sig].handler == SIG_IGN)
			*ignored |= SIGBIT(sig);
		else if (p->act[sig].handler != SIG_DFL)
			*caught |= SIGBIT(sig);
	}
}

static int state_of(const struct mproc *p)
{
	if (p->state == ZOMBIE)
		return PM_STATE_ZOMBIE;
	if (p->state != ALIVE)
		return PM_STATE_FREE;
	return p->stopped ? PM_STATE_STOPPED : PM_STATE_ALIVE;
}

void info_init(struct ax_grant *g)
{
	table.header = (struct pm_info_header){.magic = PM_INFO_MAGIC, .entries = AX_NR_SLOTS,
					       .entry_size = sizeof(struct pm_proc_info)};
	*g = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ, AX_ANY, 0, 0, (uint64_t)&table, sizeof(table)};
}

/* p's command name, as ps shows it (for log lines). */
const char *info_comm(const struct mproc *p)
{
	return table.entries[p - procs].comm;
}

/* p's entry shows what p is now (everything but comm and cmdline, which only exec changes). */
void info_update(const struct mproc *p)
{
	struct pm_proc_info *e = &table.entries[p - procs];

	seq_write_begin(&e->seq);
	e->state = state_of(p);
	e->pid = e->state ? p->pid : 0;
	e->ppid = p->ppid;
	e->pgrp = p->pgrp;
	e->sid = p->sid;
	e->uid = (int32_t)p->ruid;
	e->gid = (int32_t)p->rgid;
	e->euid = (int32_t)p->euid;
	e->egid = (int32_t)p->egid;
	e->suid = (int32_t)p->suid;
	e->sgid = (int32_t)p->sgid;
	e->nice = p->nice;
	e->endpoint = p->ep;
	e->exit_signal = p->exit_signal;
	e->exit_status = p->state == ZOMBIE ? p->status : 0;
	e->start_ns = p->start_ns;
	e->cpu_ns = p->state == ZOMBIE ? p->cpu_ns : 0;
	e->child_cpu_ns = p->child_cpu_ns;
	e->sig_pending = p->sig_pending;
	e->sig_blocked = p->sig_mask;
	action_sets(p, &e->sig_ignored, &e->sig_caught);
	seq_write_end(&e->seq);
}

/*
 * A new process (fork, or adopted at boot): its comm and cmdline are its
 * parent's (Linux's fork copies them) or, at boot, its boot name. Counts
 * it for /proc/stat and remembers its pid for /proc/loadavg.
 */
void info_created(const struct mproc *p, const struct mproc *parent, const char *boot_name)
{
	struct pm_proc_info *e = &table.entries[p - procs];

	seq_write_begin(&e->seq);
	if (parent) {
		const struct pm_proc_info *from = &table.entries[parent - procs];

		memcpy(e->comm, from->comm, sizeof(e->comm));
		memcpy(e->cmdline, from->cmdline, sizeof(e->cmdline));
		e->cmdline_len = from->cmdline_len;
	} else {
		size_t n = strnlen(boot_name, PM_COMM_MAX - 1);

		memset(e->comm, 0, sizeof(e->comm));
		memcpy(e->comm, boot_name, n);
		memcpy(e->cmdline, boot_name, n);
		e->cmdline[n] = 0;
		e->cmdline_len = (uint32_t)n + 1;
	}
	seq_write_end(&e->seq);
	info_update(p);
	seq_write_begin(&table.header.seq);
	table.header.last_pid = p->pid;
	table.header.forks++;
	seq_write_end(&table.header.seq);
}

/* The wall clock moved (or was read at start): wall-clock time = monotonic + offset_ns. */
void info_clock(int64_t offset_ns)
{
	seq_write_begin(&table.header.seq);
	table.header.realtime_offset_ns = offset_ns;
	seq_write_end(&table.header.seq);
}

/*
 * p has exec'd path with argc arguments (argv[i]: an offset into strings,
 * NUL-terminated): its comm is the path's last component, cut at 15 bytes
 * as Linux's is (a script's own name, not its interpreter's); its cmdline
 * the arguments one after the other, each with its NUL, cut at
 * PM_CMDLINE_MAX bytes.
 */
void info_exec(const struct mproc *p, const char *path, const char *strings, const uint32_t *argv, int argc)
{
	struct pm_proc_info *e = &table.entries[p - procs];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strnlen(base, PM_COMM_MAX - 1), len = 0;

	seq_write_begin(&e->seq);
	memset(e->comm, 0, sizeof(e->comm));
	memcpy(e->comm, base, n);
	for (int i = 0; i < argc && len < PM_CMDLINE_MAX; i++) {
		const char *arg = strings + argv[i];
		size_t k = strlen(arg) + 1;

		if (k > PM_CMDLINE_MAX - len)
			k = PM_CMDLINE_MAX - len;
		memcpy(e->cmdline + len, arg, k);
		len += k;
	}
	e->cmdline_len = (uint32_t)len;
	seq_write_end(&e->seq);
	info_update(p);
}
