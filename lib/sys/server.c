/* The receive-dispatch-reply loop every server runs. */
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

_Noreturn void ax_serve(const struct ax_call *calls, int ncalls, void (*on_notify)(const ax_message *m))
{
	ax_message req, reply;
	int r = ax_receive(AX_ANY, &req);

	for (;;) {
		ax_handler fn;
		int64_t status;

		if (r < 0) {
			ax_printf("server: receive failed (%d); receiving again\n", r);
			r = ax_receive(AX_ANY, &req);
			continue;
		}
		if (req.type == AX_MSG_NOTIFY) {
			if (on_notify)
				on_notify(&req);
			r = ax_receive(AX_ANY, &req);
			continue;
		}
		memset(&reply, 0, sizeof(reply));
		fn = find(calls, ncalls, req.type);
		status = fn ? fn(&req, &reply) : -AX_ENOSYS;
		if (status == AX_NO_REPLY) {
			r = ax_receive(AX_ANY, &req);
			continue;
		}
		reply.type = req.type;
		reply.i64[0] = status;
		/* One trap answers and takes the next request; the buffer holds both in turn. */
		r = ax_replyrecv(req.source, &reply, AX_ANY);
		if (r == 0)
			req = reply;
		else /* the caller is gone or was not waiting: nothing to undo, receive on */
			r = ax_receive(AX_ANY, &req);
	}
}
