/*
 * Kernel calls: the mechanisms servers build policy on. Each handler first
 * checks every argument (decode) and only then changes state (invoke), so a
 * refused call leaves nothing half done. The caller's right to make the
 * call at all is checked here, by kcall_dispatch; the handlers live with
 * the object they act on: kcall_proc.c (processes), kcall_mem.c (address
 * spaces, grants), kcall_dev.c (interrupts and I/O ports), and below, the
 * log and the clock. Page-table bits and port instructions are arch/'s.
 */
#include "kcall.h"

/* The privilege words of the calls, by number (kcalls.h): boot lines name calls by them. */
#define KCALL_WORD(name, number, word, handler) [number] = word,
const char *const kcall_names[KC_COUNT] = {AX_KCALLS(KCALL_WORD)};

/* ---- the log and the clock ---- */

int do_null(struct proc *c, ax_message *m)
{
	(void)c, (void)m;
	return 0;
}

int do_print(struct proc *c, ax_message *m)
{
	char buf[256];
	uint64_t ptr = m->u64[0], len = m->u64[1];

	(void)c;
	if (len > 4096)
		return -AX_EINVAL;
	if (!user_range_ok(ptr, len))
		return -AX_EFAULT;
	while (len) {
		uint64_t n = len < sizeof(buf) ? len : sizeof(buf);

		if (copy_user(buf, (void *)ptr, n) < 0)
			return -AX_EFAULT;
		klog_write(buf, n);
		ptr += n, len -= n;
	}
	return 0;
}

int do_klog_read(struct proc *c, ax_message *m)
{
	char buf[256];
	uint64_t ptr = m->u64[0], len = m->u64[1], seq = m->u64[2], done = 0;

	(void)c;
	if (!user_range_ok(ptr, len))
		return -AX_EFAULT;
	while (done < len) {
		uint64_t want = len - done < sizeof(buf) ? len - done : sizeof(buf);
		uint64_t before = seq;
		size_t n = klog_read(buf, want, &seq);

		if (n == 0)
			break;
		if (copy_user((void *)(ptr + done), buf, n) < 0) {
			seq = before;
			return -AX_EFAULT;
		}
		done += n;
	}
	m->u64[0] = done;
	m->u64[1] = seq;
	return 0;
}

int do_klogvga(struct proc *c, ax_message *m)
{
	(void)c;
	if (m->u64[0] > 1)
		return -AX_EINVAL;
	klog_vga(m->u64[0] == 1);
	return 0;
}

int do_clock(struct proc *c, ax_message *m)
{
	(void)c;
	m->u64[0] = clock_now_ns();
	m->u64[1] = tsc_hz;
	m->u64[2] = clock_ticks;
	m->u64[3] = sched_idle_ns;
	return 0;
}

int do_alarm(struct proc *c, ax_message *m)
{
	clock_set_alarm(c, m->u64[0]);
	return 0;
}

#define KCALL_HANDLER(name, number, word, handler) [number] = handler,
static int (*const kcall_table[KC_COUNT])(struct proc *, ax_message *) = {AX_KCALLS(KCALL_HANDLER)};

/*
 * Check the caller's right to the call, then run it. A process may always
 * end itself and set its own thread pointer (KC_PROC_DESTROY, KC_SET_FS of
 * AX_SELF): neither needs a privilege.
 */
int kcall_dispatch(struct proc *caller, unsigned call, ax_message *m)
{
	bool own = (call == KC_PROC_DESTROY || call == KC_SET_FS) && (endpoint_t)m->u64[0] == AX_SELF;

	if (call >= KC_COUNT)
		return -AX_ENOSYS;
	if (!own && !priv_has_kcall(caller, call))
		return -AX_EPERM;
	return kcall_table[call](caller, m);
}
