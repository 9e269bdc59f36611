/*
 * poll, ppoll, select and pselect6. Each descriptor is asked what is ready
 * now: a regular file or directory always is (as on Linux), a pipe answers
 * from its ring, a device from its driver (DEV_SELECT). With nothing ready
 * and time left, the call waits (W_POLL) and is run again whenever a pipe
 * changes, a driver reports a selection that fired, or its deadline comes
 * (vfs's one alarm is set to the earliest deadline).
 *
 * ppoll and pselect6 with a signal mask: the mask is pm's, so vfs asks pm
 * to set it (PM_SIG_MASK) and waits for its VFS_MASK_DONE before it polls;
 * when the call has its answer, pm puts the old mask back (PM_SIG_UNMASK)
 * before vfs answers. A signal the mask lets in interrupts the wait as it
 * would a poll; pm then restores the old mask around the handler, as for
 * sigsuspend.
 */
#include <string.h>

#include <proto/dev.h>
#include <proto/pm.h>

#include "vfs.h"

#define POLLNVAL 0x020
#define POLL_MAX 1024 /* RLIMIT_NOFILE: more is EINVAL, as on Linux */

struct pollfd {
	int32_t fd;
	int16_t events, revents;
};
struct timespec64 {
	int64_t sec, nsec;
};

static struct pollfd pfds[POLL_MAX];
static uint64_t in_sets[3][POLL_MAX / 64], out_sets[3][POLL_MAX / 64];

/* What fd has ready of want (plus POLLHUP and POLLERR, always reported); a bad descriptor: POLLNVAL. */
static uint32_t fd_events(struct vproc *p, int fd, uint32_t want, bool notify)
{
	struct open_file *f = fd_file(&files, p->fds, fd);
	uint32_t always = DEV_POLLHUP | DEV_POLLERR;
	int idx;

	if (!f || (f->flags & O_PATH))
		return POLLNVAL;
	idx = fd_index(p->fds, fd);
	if (file_is_pipe(idx))
		return pipe_events(idx) & (want | always);
	if (extra[idx].dev) {
		int64_t r = dev_select(p, idx, want & (DEV_POLLIN | DEV_POLLOUT | DEV_POLLPRI), notify);

		return r < 0 ? DEV_POLLERR : (uint32_t)r & (want | always);
	}
	return (DEV_POLLIN | DEV_POLLOUT) & want;
}

/* Nothing is ready: wait until the deadline (set on the first run; timeout_ns < 0: none). */
static int64_t wait_for_events(struct vproc *p, int64_t timeout_ns)
{
	if (!p->deadline_set)
		p->deadline = timeout_ns < 0 ? 0 : ax_now_ns() + (uint64_t)timeout_ns;
	p->deadline_set = true;
	if (p->deadline)
		deadline_waiting = true;
	p->wait = W_POLL;
	return WOULD_WAIT;
}

/* Run again and the deadline has passed: the call times out. */
static bool timed_out(const struct vproc *p) { return p->deadline_set && p->deadline && ax_now_ns() >= p->deadline; }

static int64_t poll_common(struct vproc *p, uint64_t va, uint64_t nfds, int64_t timeout_ns)
{
	int64_t ready = 0;
	bool may_wait = timeout_ns != 0 && !timed_out(p);

	if (nfds > POLL_MAX)
		return -EINVAL;
	if (nfds && user_copy(p->ep, va, pfds, nfds * sizeof(pfds[0]), AX_COPY_FROM) < 0)
		return -EFAULT;
	for (uint64_t i = 0; i < nfds; i++) {
		pfds[i].revents = 0;
		if (pfds[i].fd < 0)
			continue;
		pfds[i].revents = (int16_t)fd_events(p, pfds[i].fd, (uint16_t)pfds[i].events, may_wait);
		if (pfds[i].revents)
			ready++;
	}
	if (!ready && may_wait)
		return wait_for_events(p, timeout_ns);
	if (nfds && user_copy(p->ep, va, pfds, nfds * sizeof(pfds[0]), AX_COPY_TO) < 0)
		return -EFAULT;
	return ready;
}

int64_t do_poll(struct vproc *p, const ax_message *m)
{
	int64_t ms = arg_int(m, 2);

	return poll_common(p, arg_ptr(m, 0), arg_uint(m, 1), ms < 0 ? -1 : ms * 1000000);
}

/* A timespec timeout: its ns (-1: none given), or -EINVAL. */
static int64_t timespec_ns(struct vproc *p, uint64_t va, int64_t *ns)
{
	struct timespec64 ts;

	*ns = -1;
	if (!va)
		return 0;
	if (user_copy(p->ep, va, &ts, sizeof(ts), AX_COPY_FROM) < 0)
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	*ns = ts.sec > INT64_MAX / 1000000000 - 1 ? INT64_MAX / 2 : ts.sec * 1000000000 + ts.nsec;
	return 0;
}

/*
 * The mask steps around a ppoll or pselect6 (mask_va: the caller's sigset, 0
 * for none). Returns 1 when the call may poll now, or WOULD_WAIT / -errno.
 */
static int64_t mask_before(struct vproc *p, uint64_t mask_va, uint64_t size)
{
	uint64_t mask;

	if (!mask_va || p->mask_state == MASK_SET)
		return 1;
	if (size != 8)
		return -EINVAL;
	if (user_copy(p->ep, mask_va, &mask, sizeof(mask), AX_COPY_FROM) < 0)
		return -EFAULT;
	queue_mask(PM_SIG_MASK, p->ep, mask);
	p->mask_state = MASK_SETTING;
	p->wait = W_MASK;
	return WOULD_WAIT;
}

/* The call has its answer r: with a mask set, pm restores the old one first. */
static int64_t mask_after(struct vproc *p, int64_t r)
{
	if (p->mask_state != MASK_SET || r == WOULD_WAIT)
		return r;
	p->mask_result = r;
	p->mask_state = MASK_RESTORING;
	queue_mask(PM_SIG_UNMASK, p->ep, 0);
	p->wait = W_MASK;
	return WOULD_WAIT;
}

int64_t do_ppoll(struct vproc *p, const ax_message *m)
{
	int64_t ns, r;

	if ((r = timespec_ns(p, arg_ptr(m, 2), &ns)) < 0)
		return r;
	if ((r = mask_before(p, arg_ptr(m, 3), arg_ulong(m, 4))) != 1)
		return r;
	return mask_after(p, poll_common(p, arg_ptr(m, 0), arg_uint(m, 1), ns));
}

/* select's sets, as the kernel sees them: bit n of the words is descriptor n. */
static int64_t select_common(struct vproc *p, int64_t n, const uint64_t set_va[3], int64_t timeout_ns)
{
	uint64_t bytes, words;
	int64_t ready = 0;
	bool may_wait = timeout_ns != 0 && !timed_out(p);

	if (n < 0)
		return -EINVAL;
	if (n > POLL_MAX)
		n = POLL_MAX;
	words = ((uint64_t)n + 63) / 64, bytes = words * 8;
	for (int s = 0; s < 3; s++) {
		memset(in_sets[s], 0, sizeof(in_sets[s]));
		memset(out_sets[s], 0, sizeof(out_sets[s]));
		if (set_va[s] && bytes && user_copy(p->ep, set_va[s], in_sets[s], bytes, AX_COPY_FROM) < 0)
			return -EFAULT;
	}
	for (int fd = 0; fd < n; fd++) {
		uint64_t bit = 1ULL << (fd % 64);
		bool r = in_sets[0][fd / 64] & bit, w = in_sets[1][fd / 64] & bit, e = in_sets[2][fd / 64] & bit;
		uint32_t got;

		if (!r && !w && !e)
			continue;
		got = fd_events(p, fd, (r ? DEV_POLLIN : 0) | (w ? DEV_POLLOUT : 0) | (e ? DEV_POLLPRI : 0), may_wait);
		if (got & POLLNVAL)
			return -EBADF;
		if (r && (got & (DEV_POLLIN | DEV_POLLHUP | DEV_POLLERR)))
			out_sets[0][fd / 64] |= bit, ready++;
		if (w && (got & (DEV_POLLOUT | DEV_POLLERR)))
			out_sets[1][fd / 64] |= bit, ready++;
		if (e && (got & DEV_POLLPRI))
			out_sets[2][fd / 64] |= bit, ready++;
	}
	if (!ready && may_wait)
		return wait_for_events(p, timeout_ns);
	for (int s = 0; s < 3; s++)
		if (set_va[s] && bytes && user_copy(p->ep, set_va[s], out_sets[s], bytes, AX_COPY_TO) < 0)
			return -EFAULT;
	return ready;
}

/* What is left of the timeout, for select to write back (Linux does). */
static uint64_t left_ns(const struct vproc *p)
{
	uint64_t now = ax_now_ns();

	return p->deadline_set && p->deadline ? (p->deadline > now ? p->deadline - now : 0) : 0;
}

int64_t do_select(struct vproc *p, const ax_message *m)
{
	const uint64_t sets[3] = {arg_ptr(m, 1), arg_ptr(m, 2), arg_ptr(m, 3)};
	struct { int64_t sec, usec; } tv;
	int64_t ns = -1, r;

	if (arg_ptr(m, 4)) {
		if (user_copy(p->ep, arg_ptr(m, 4), &tv, sizeof(tv), AX_COPY_FROM) < 0)
			return -EFAULT;
		if (tv.sec < 0 || tv.usec < 0)
			return -EINVAL;
		ns = tv.sec > INT64_MAX / 1000000000 - 1 ? INT64_MAX / 2 : tv.sec * 1000000000 + (tv.usec % 1000000) * 1000;
	}
	r = select_common(p, arg_int(m, 0), sets, ns);
	if (r >= 0 && arg_ptr(m, 4) && ns > 0) {
		uint64_t left = left_ns(p);

		if (!p->deadline_set) /* answered on the first run: nothing of the time was spent waiting */
			left = (uint64_t)ns;
		tv.sec = (int64_t)(left / 1000000000), tv.usec = (int64_t)(left % 1000000000) / 1000;
		user_copy(p->ep, arg_ptr(m, 4), &tv, sizeof(tv), AX_COPY_TO);
	}
	return r;
}

int64_t do_pselect6(struct vproc *p, const ax_message *m)
{
	const uint64_t sets[3] = {arg_ptr(m, 1), arg_ptr(m, 2), arg_ptr(m, 3)};
	uint64_t sig[2] = {0, 0};
	int64_t ns, r;

	if (arg_ptr(m, 5) && user_copy(p->ep, arg_ptr(m, 5), sig, sizeof(sig), AX_COPY_FROM) < 0)
		return -EFAULT;
	if ((r = timespec_ns(p, arg_ptr(m, 4), &ns)) < 0)
		return r;
	if ((r = mask_before(p, sig[0], sig[1])) != 1)
		return r;
	return mask_after(p, select_common(p, arg_int(m, 0), sets, ns));
}

/* A pipe changed or a driver's selection fired: every waiting poll and select looks again. */
void wake_pollers(void)
{
	struct vproc *p;

	for_each_blocked(i, p)
		if (p->wait == W_POLL)
			retry(p);
}

/* vfs's alarm rang: the calls whose deadline passed run again (and time out). */
void poll_timers(void)
{
	uint64_t now = ax_now_ns();
	struct vproc *p;

	for_each_blocked(i, p) {
		if (p->wait == W_POLL && p->deadline && p->deadline <= now)
			retry(p);
		else if (p->wait == W_DRIVER && p->deadline && p->deadline <= now)
			dev_park_expired(p);
	}
}
