/* The queue of signals a server asks pm to send: see sys/sigq.h. */
#include <sys/sigq.h>

#include <proto/pm.h>
#include <sys/ax.h>

bool ax_sigq_push(struct ax_sigq *q, endpoint_t pm, const char *who, int kind, int64_t target, uint64_t value)
{
	if (q->count == AX_SIGQ_MAX) {
		ax_printf("%s: signal queue full: request %d for %ld lost\n", who, kind, (long)target);
		return false;
	}
	q->q[(q->head + q->count++) % AX_SIGQ_MAX] = (struct ax_sigq_req){kind, target, value};
	if (pm != AX_NONE)
		ax_notify(pm);
	return true;
}

int64_t ax_sigq_pull(struct ax_sigq *q, endpoint_t pm, const ax_message *m, ax_message *r)
{
	int kind;

	if (m->source != pm || pm == AX_NONE)
		return -AX_EPERM;
	if (!q->count)
		return PM_SIG_NONE;
	kind = q->q[q->head].kind;
	*(struct pm_signal_pull_reply *)(void *)r->bytes =
		(struct pm_signal_pull_reply){kind, q->q[q->head].target, q->q[q->head].value};
	q->head = (q->head + 1) % AX_SIGQ_MAX;
	q->count--;
	return kind;
}
