/*
 * rs's word in ds, the one place where endpoints change (docs/rs.md): rs
 * publishes itself, each service's endpoint before the service runs (so a
 * restarted service finds its label its own, and clients that look it up
 * or subscribe to it find the new incarnation), and a down or failed
 * state when one ends. ds may be a boot process or, in a test image, a
 * service of the table (then rs publishes once it runs).
 */
#include <string.h>

#include <proto/ds.h>

#include "rs.h"

/* Publish label as ep in state; 0 or a negative errno (-ESRCH: no ds to publish in). */
int publish_in_ds(endpoint_t ds, const char *label, endpoint_t ep, int state)
{
	ax_message m = {.type = DS_PUBLISH};
	struct ds_request *rq = (struct ds_request *)(void *)m.bytes;
	int r;

	if (ds == AX_NONE)
		return -AX_ESRCH;
	strncpy(rq->label, label, DS_LABEL_MAX - 1);
	rq->endpoint = ep;
	rq->state = state;
	if ((r = ax_sendrec(ds, &m)) < 0)
		return r;
	return (int)m.i64[0];
}
