/*
 * The service information rs publishes for procfs (proto/rs.h): one
 * seqlocked entry per service of the table, in table order, behind a
 * standing read-only grant (RS_INFO_GRANT). rs.c calls info_service
 * whenever a service's record changes.
 */
#include <string.h>

#include <proto/rs.h>
#include <sys/seqlock.h>

#include "rs.h"

static struct {
	struct rs_info_header header;
	struct rs_service_info entries[SVC_MAX];
} table;

void info_init(struct ax_grant *g)
{
	table.header = (struct rs_info_header){.magic = RS_INFO_MAGIC, .entry_size = sizeof(struct rs_service_info)};
	*g = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ, AX_ANY, 0, 0, (uint64_t)&table, sizeof(table)};
}

static int32_t state_of(const struct service *s)
{
	switch (s->state) {
	case SVC_UNSTARTABLE: return RS_SVC_UNSTARTABLE;
	case SVC_START_FAILED: return RS_SVC_START_FAILED;
	case SVC_RUNNING: return RS_SVC_RUNNING;
	case SVC_RESTARTING: return RS_SVC_RESTARTING;
	case SVC_FAILED: return RS_SVC_FAILED;
	default: return RS_SVC_DOWN;
	}
}

/* Service i (of the table's order) is now as s says; the table grows to hold it. */
void info_service(int i, const struct service *s)
{
	struct rs_service_info *e = &table.entries[i];

	if (i < 0 || i >= SVC_MAX)
		return;
	seq_write_begin(&e->seq);
	e->state = state_of(s);
	memset(e->label, 0, sizeof(e->label));
	memcpy(e->label, s->spec->label, strnlen(s->spec->label, sizeof(e->label) - 1));
	e->endpoint = s->ep;
	e->starts = s->starts;
	e->restarts = s->restarts;
	e->last_error = s->state == SVC_START_FAILED ? s->last_error : 0;
	e->last_cause = s->cause;
	e->ready = (uint32_t)s->ready;
	e->recovery_ns = s->recovery_ns;
	e->started_ns = s->started_ns;
	e->ended_ns = s->ended_ns;
	e->injected_ns = s->injected_ns;
	e->ready_ns = s->ready_ns;
	e->injections = s->injections;
	e->injected = (uint32_t)s->injected_op;
	e->flipped = s->flipped;
	seq_write_end(&e->seq);
	if ((uint32_t)i >= table.header.entries) {
		__atomic_signal_fence(__ATOMIC_SEQ_CST); /* the entry is whole before it is counted */
		table.header.entries = (uint32_t)i + 1;
	}
}
