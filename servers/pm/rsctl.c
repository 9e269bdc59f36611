/*
 * The service command's way to rs (proto/rs.h, AX_SYS_RSCTL): pm serves the
 * call because it knows the caller's effective uid, and forwards it to rs,
 * which checks every field and decides. rs never sends to pm, so pm
 * waiting on rs cannot close a cycle.
 */
#include <string.h>

#include <proto/rs.h>

#include "pm.h"

int64_t do_rsctl(struct mproc *p, const ax_message *m)
{
	ax_message rq = {.type = RS_CTL};
	struct rs_ctl_request *c = (struct rs_ctl_request *)(void *)rq.bytes;
	endpoint_t rs = ax_boot_endpoint("rs");

	if (rs == AX_NONE)
		return -ENOSYS;
	uint64_t label[2] = {arg_ulong(m, 1), arg_ulong(m, 2)}; /* 16 bytes of name, in two registers */

	c->op = arg_ulong(m, 0);
	memcpy(c->label, label, sizeof(label));
	c->euid = p->euid;
	for (int i = 0; i < 3; i++) /* RS_CTL_FLIP's count, where and seed; 0 for the rest (rs checks) */
		c->arg[i] = arg_ulong(m, 3 + i);
	if (ax_sendrec(rs, &rq) < 0)
		return -EIO;
	return rq.i64[0];
}
