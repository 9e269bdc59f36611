/* The receive-dispatch-reply loop every server runs. */
#include <stdbool.h>

#include <proto/rs.h>
#include <sys/server.h>

static ax_handler find(const struct ax_call *calls, int n, int32_t type)
{
	ax_handler other = 0;

	for (int i = 0; i < n; i++) {
		if (calls[i].type == type)
			return calls[i].fn;
		if (calls[i].type == AX_CALL_OTHER)
			other = calls[i].fn;
	}
	return other;
}

/*
 * POSIX calls are the hot path of pm and vm: find their handlers by index,
 * not by a walk through the table.
 */
static ax_handler posix_calls[AX_MSG_POSIX_MAX];

static void index_posix(const struct ax_call *calls, int n)
{
	for (int nr = 0; nr < AX_MSG_POSIX_MAX; nr++)
		posix_calls[nr] = find(calls, n, AX_MSG_POSIX + nr);
}

static ax_handler lookup(const struct ax_call *calls, int n, int32_t type)
{
	uint32_t nr = (uint32_t)type - AX_MSG_POSIX;

	return nr < AX_MSG_POSIX_MAX ? posix_calls[nr] : find(calls, n, type);
}

_Noreturn void ax_serve(const struct ax_call *calls, int ncalls, void (*on_notify)(const ax_message *m))
{
	/* Two buffers that swap roles: replyrecv's answer buffer receives the next request in place. */
	ax_message buf[2], *req = &buf[0], *reply = &buf[1];
	int r;

	/* rs's heartbeat: a notification from rs, answered with one (lib/sys/include/proto/rs.h). */
	endpoint_t rs = ax_boot_endpoint("rs");
	/* fault injection (proto/rs.h, RS_FAULT): the next reply to anyone but rs carries RS_GARBAGE */
	bool garbage = false;

	index_posix(calls, ncalls);
	r = ax_receive(AX_ANY, req);

	for (;;) {
		ax_handler fn;
		int64_t status;

		if (r < 0) {
			ax_printf("server: receive failed (%d); receiving again\n", r);
			r = ax_receive(AX_ANY, req);
			continue;
		}
		if (req->type == AX_MSG_NOTIFY) {
			if (req->source == rs && rs != AX_NONE)
				ax_notify(rs); /* alive: never blocks, so neither side waits on the other */
			else if (on_notify)
				on_notify(req);
			r = ax_receive(AX_ANY, req);
			continue;
		}
		if (req->type == RS_FAULT && req->source == rs && rs != AX_NONE) { /* sent without waiting: no reply */
			if (req->u64[0] == RS_FAULT_GARBAGE)
				garbage = true;
			r = ax_receive(AX_ANY, req);
			continue;
		}
		/* A POSIX caller gets only i64[0]; anyone else gets all 64 bytes, never a former reply's. */
		if ((uint32_t)req->type - AX_MSG_POSIX >= AX_MSG_POSIX_MAX)
			memset(reply, 0, sizeof(*reply));
		fn = lookup(calls, ncalls, req->type);
		status = fn ? fn(req, reply) : -AX_ENOSYS;
		if (status == AX_NO_REPLY) {
			r = ax_receive(AX_ANY, req);
			continue;
		}
		reply->type = req->type;
		reply->i64[0] = garbage ? RS_GARBAGE : status;
		garbage = false;
		/* One trap answers and takes the next request, into the same buffer. */
		r = ax_replyrecv(req->source, reply, AX_ANY);
		if (r == 0) {
			ax_message *t = req;

			req = reply, reply = t;
		} else { /* the caller is gone or was not waiting: nothing to undo, receive on */
			r = ax_receive(AX_ANY, req);
		}
	}
}
