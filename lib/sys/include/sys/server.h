/*
 * A server's receive loop: a table from message type to a do_<call>
 * handler, so a reader finds any call's code in one step.
 */
#ifndef SYS_SERVER_H
#define SYS_SERVER_H

#include <sys/ax.h>

#define AX_NO_REPLY (-0x7fffffff) /* a handler's return: answer later, or never */

/*
 * A handler reads the request and may fill the reply's payload; what it
 * returns becomes the reply's i64[0] (a negative errno or a result).
 */
typedef int64_t (*ax_handler)(const ax_message *req, ax_message *reply);

struct ax_call {
	int32_t type; /* AX_CALL_OTHER: every type no other entry names */
	ax_handler fn;
};

#define AX_CALL_OTHER INT32_MIN

/*
 * Serve forever: receive from anyone, dispatch by type, reply. Types the
 * table does not name go to its AX_CALL_OTHER entry, or get -ENOSYS;
 * notifications go to on_notify (may be 0: ignored).
 */
_Noreturn void ax_serve(const struct ax_call *calls, int ncalls, void (*on_notify)(const ax_message *m));

#endif
