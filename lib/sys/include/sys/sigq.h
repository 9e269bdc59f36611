/*
 * The queue of signals a server asks pm to send (proto/pm.h, "Signals from
 * servers"): a server pushes a request and notifies pm; pm pulls requests
 * (PM_SIGNAL_PULL) until PM_SIG_NONE. vfs (SIGPIPE, job control, ppoll's
 * masks) and the tty driver (keyboard signals) keep one each.
 */
#ifndef SYS_SIGQ_H
#define SYS_SIGQ_H

#include <stdbool.h>
#include <stdint.h>

#include <axolotl/abi.h>

#define AX_SIGQ_MAX 64

struct ax_sigq {
	struct ax_sigq_req {
		int kind;       /* PM_SIG_* */
		int64_t target; /* an endpoint, or a process group (PM_SIG_PGRP) */
		uint64_t value; /* the signal, or the mask (PM_SIG_MASK) */
	} q[AX_SIGQ_MAX];
	unsigned head, count;
};

/*
 * Queue a request for pm and notify pm (if pm is known). False when the
 * queue is full: the request is lost, and a line says so, naming `who`.
 */
bool ax_sigq_push(struct ax_sigq *q, endpoint_t pm, const char *who, int kind, int64_t target, uint64_t value);

/*
 * Answer PM_SIGNAL_PULL (m, from pm only: -EPERM otherwise): the oldest
 * request into r and its kind as the
 * result (a struct pm_signal_pull_reply), or PM_SIG_NONE when nothing is
 * queued.
 */
int64_t ax_sigq_pull(struct ax_sigq *q, endpoint_t pm, const ax_message *m, ax_message *r);

#endif
