/*
 * The tty driver through its protocol (proto/dev.h), as vfs would use it:
 * ttyS0 opened by a session leader (pid 100, session 100, group 100), lines
 * typed by the harness into the serial port (a "HARNESS-TYPE <hex>" line on
 * the log asks for them), canonical and raw reads, flow control, keyboard
 * signals pulled as pm pulls them (this process is booted as "pm"), job
 * control answers, ioctls, cancel, select, and malformed requests.
 */
#include <string.h>

#include <proto/dev.h>
#include <proto/ds.h>
#include <proto/pm.h>

#include "../../system/test.h"

#define EINTR 4
#define ENXIO 6
#define EAGAIN 11
#define ENOTTY 25
#define EPERM 1

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCFLSH 0x540b
#define TIOCSCTTY 0x540e
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD 0x541b
#define TIOCGSID 0x5429
#define TIOCGPTN 0x80045430
#define KDGKBTYPE 0x4b33

#define ICANON 0000002
#define ECHO 0000010
#define TOSTOP 0000400
#define VTIME 5
#define VMIN 6

#define ME 100    /* our pid, session and foreground group */
#define OTHER 101 /* a background group of our session */

struct ktermios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line, c_cc[19];
};

static endpoint_t tty;
static struct ax_grant grants[1];
static uint8_t buf[4096];
static ax_message last; /* the last reply */
static const uint64_t S0 = DEV_MKMINOR(TTY_MAJOR, TTY_MINOR_SERIAL);

/* The last reply, as the answers of proto/dev.h and proto/pm.h lay it out. */
static const struct dev_reply *const answer = (const void *)last.bytes;
static const struct dev_status_reply *const event = (const void *)last.bytes;
static const struct pm_signal_pull_reply *const pulled = (const void *)last.bytes;

/* One request (its struct, n bytes; none: 0): the driver's answer, or -9999 if it gave none. */
static int64_t call(int type, const void *rq, size_t n)
{
	last = (ax_message){.type = type};
	if (n)
		memcpy(last.bytes, rq, n);
	return ax_sendrec(tty, &last) < 0 ? -9999 : last.i64[0];
}

static int64_t minor_req(int type, uint64_t minor) { return call(type, &(struct dev_minor_req){minor}, 8); }

static int64_t open_as(uint64_t minor, int32_t pid, int32_t sid, int32_t pgrp)
{
	struct dev_open_req rq = {.minor = minor, .pid = pid, .sid = sid, .pgrp = pgrp};

	return call(DEV_OPEN, &rq, sizeof(rq));
}

static int64_t io(int type, uint64_t minor, uint64_t len, uint32_t flags, uint32_t id, int32_t pgrp)
{
	struct dev_io_req rq = {.minor = minor, .len = len, .grant = 0, .granter = ax_self, .flags = flags, .id = id,
				.pgrp = pgrp, .sid = ME};

	return call(type, &rq, sizeof(rq));
}

static int64_t ioctl_who(uint64_t minor, uint64_t cmd, uint64_t value, int32_t pid, int32_t pgrp, int32_t sid)
{
	struct dev_ioctl_req rq = {.minor = minor, .request = cmd, .grant = 0, .granter = ax_self, .value = value,
				   .pid = pid, .sid = sid, .pgrp = pgrp};

	return call(DEV_IOCTL, &rq, sizeof(rq));
}

static int64_t ioctl_as(uint64_t minor, uint64_t cmd, uint64_t value, int32_t pid, int32_t pgrp)
{
	return ioctl_who(minor, cmd, value, pid, pgrp, ME);
}

static int64_t cancel(uint64_t minor, uint32_t id) { return call(DEV_CANCEL, &(struct dev_cancel_req){minor, id, 0}, 16); }

static int64_t select_req(uint64_t minor, uint32_t events, uint32_t notify)
{
	struct dev_select_req rq = {.minor = minor, .events = events, .notify = notify};

	return call(DEV_SELECT, &rq, sizeof(rq));
}

static int64_t ioctl(uint64_t cmd, uint64_t value) { return ioctl_as(S0, cmd, value, ME, ME); }

static void type(const char *s)
{
	char hex[128];
	size_t n = strlen(s);

	for (size_t i = 0; i < n && i < 60; i++)
		ax_snprintf(hex + 2 * i, 3, "%02x", (unsigned)(uint8_t)s[i]);
	hex[2 * (n < 60 ? n : 60)] = 0;
	ax_printf("HARNESS-TYPE %s\n", hex);
}

/* Wait up to ms for a notification from the driver: 1 if one came. */
static int wait_notify(unsigned ms)
{
	ax_message m;
	int got = 0;

	ax_alarm((uint64_t)ms * 1000000);
	while (ax_receive(AX_ANY, &m) == 0) {
		if (m.source == AX_CLOCK)
			break;
		if (m.source == tty && m.type == AX_MSG_NOTIFY) {
			got = 1;
			break;
		}
	}
	ax_alarm(0);
	return got;
}

/* Ask the driver `type` (a pull) until it has something other than none, waiting for its notifications up to 10 s. */
static int64_t next_of(int type, int64_t none)
{
	uint64_t deadline = now_ms() + 10000;

	for (;;) {
		int64_t got = call(type, 0, 0);
		uint64_t now = now_ms();

		if (got != none)
			return got;
		if (now >= deadline || !wait_notify((unsigned)(deadline - now)))
			return none;
	}
}

/*
 * The driver's next event (DEV_STATUS), waiting for its notifications up to
 * 10 s: DEV_EV_NONE only if none came. Waits for the state, not for a
 * notification: on a busy host a notification may be left from an earlier
 * event, or the typed bytes may come late.
 */
static int64_t next_event(void)
{
	return next_of(DEV_STATUS, DEV_EV_NONE);
}

/* The result of suspended request id, once it completes (waiting up to 10 s), or -9998. */
static int64_t completion(uint32_t id)
{
	for (;;) {
		int64_t ev = next_event();

		if (ev == DEV_EV_NONE)
			return -9998;
		if (ev == DEV_EV_DONE && event->id == id)
			return event->result;
	}
}

/* The next signal the driver queued for pm (PM_SIGNAL_PULL), waiting up to 10 s; PM_SIG_NONE if none. */
static int64_t next_signal(void)
{
	return next_of(PM_SIGNAL_PULL, PM_SIG_NONE);
}

/* A read, waiting for it if it is suspended. */
static int64_t read_wait(uint64_t len, uint32_t id)
{
	int64_t r = io(DEV_READ, S0, len, 0, id, ME);

	return r == DEV_SUSPENDED ? completion(id) : r;
}

static int64_t set_termios(const struct ktermios *t, int32_t pgrp)
{
	memcpy(buf, t, sizeof(*t));
	return ioctl_as(S0, TCSETS, 0, ME, pgrp);
}

static void open_and_identity(void)
{
	int32_t v;

	test_eq("tty_open_unknown_minor_enxio", open_as(DEV_MKMINOR(TTY_MAJOR, 70), ME, ME, ME),
		-ENXIO);
	test_eq("tty_open_block_minor_enxio", open_as(DEV_MINOR_BLOCK | S0, ME, ME, ME), -ENXIO);
	test_eq("tty_absent_port_enxio",
		open_as(DEV_MKMINOR(TTY_MAJOR, TTY_MINOR_SERIAL + 1), ME, ME, ME), -ENXIO);
	test_eq("tty_dev_tty_without_ctty_enxio",
		open_as(DEV_MKMINOR(TTYAUX_MAJOR, TTYAUX_MINOR_TTY), ME, ME, ME), -ENXIO);
	test_eq("tty_open_ttyS0_session_leader", open_as(S0, ME, ME, ME), 0);
	test_eq("tty_dev_tty_is_controlling_terminal",
		open_as(DEV_MKMINOR(TTYAUX_MAJOR, TTYAUX_MINOR_TTY), ME, ME, ME), 0);
	test_eq("tty_dev_tty_other_session_enxio",
		open_as(DEV_MKMINOR(TTYAUX_MAJOR, TTYAUX_MINOR_TTY), 300, 300, 300), -ENXIO);
	test_result("tty_tiocgsid", ioctl(TIOCGSID, 0) == 0 && memcpy(&v, buf, 4) && v == ME, "not our session");
	test_result("tty_tiocgpgrp", ioctl(TIOCGPGRP, 0) == 0 && memcpy(&v, buf, 4) && v == ME, "not our group");
	test_eq("tty_tiocsctty_other_session_eperm",
		ioctl_who(S0, TIOCSCTTY, 0, 300, 300, 300), -EPERM);
}

static void canonical(void)
{
	struct ktermios t;
	int32_t v;

	test_result("tty_tcgets_linux_defaults",
		    ioctl(TCGETS, 0) == 0 && memcpy(&t, buf, sizeof(t)) && t.c_iflag == 02400 && t.c_oflag == 05 &&
			    t.c_cflag == 02277 && t.c_lflag == 0105073 && t.c_cc[0] == 3 && t.c_cc[2] == 0x7f &&
			    t.c_cc[VMIN] == 1,
		    "not Linux's defaults");
	memcpy(buf, "tty_check: hello on ttyS0\n", 26);
	test_eq("tty_write_ttyS0", io(DEV_WRITE, S0, 26, 0, 1, ME), 26);
	test_eq("tty_read_nonblock_eagain", io(DEV_READ, S0, 100, DEV_NONBLOCK, 2, ME), -EAGAIN);
	test_eq("tty_read_suspends", io(DEV_READ, S0, 100, 0, 3, ME), DEV_SUSPENDED);
	test_eq("tty_read_same_id_twice_einval", io(DEV_READ, S0, 100, 0, 3, ME), -AX_EINVAL);
	type("abc\x7f" "d\r");
	test_eq("tty_status_done_canonical_line", completion(3), 4);
	test_result("tty_canonical_erase_and_icrnl", memcmp(buf, "abd\n", 4) == 0, "not abd\\n");
	test_eq("tty_status_none_after", call(DEV_STATUS, 0, 0), DEV_EV_NONE);

	/*
	 * ^S stops output: the echo waits in the queue, and so does a write (as on Linux, it is queued while
	 * there is room); ^Q lets them go.
	 */
	type("\x13xy\r");
	test_eq("tty_read_line_after_ctrl_s", read_wait(100, 4), 3);
	test_result("tty_echo_queued_while_stopped", ioctl(TIOCOUTQ, 0) == 0 && memcpy(&v, buf, 4) && v == 4,
		    "not the 4 bytes xy\\r\\n");
	memcpy(buf, "z\n", 2);
	test_eq("tty_write_queued_when_stopped", io(DEV_WRITE, S0, 2, 0, 5, ME), 2);
	test_result("tty_write_waits_in_the_queue", ioctl(TIOCOUTQ, 0) == 0 && memcpy(&v, buf, 4) && v == 7,
		    "not the 7 bytes xy\\r\\nz\\r\\n");
	type("\x11");
	v = 1;
	for (int i = 0; i < 50 && ioctl(TIOCOUTQ, 0) == 0 && memcpy(&v, buf, 4) && v; i++)
		ax_sleep_ms(20);
	test_result("tty_ctrl_q_sends_the_queue", v == 0, "bytes still queued after ^Q");
}

static void signals_and_cancel(void)
{
	int64_t kind;

	type("\x03");
	kind = next_signal();
	test_result("tty_ctrl_c_notifies_pm", kind != PM_SIG_NONE, "no signal queued for pm");
	test_result("tty_ctrl_c_sigint_to_foreground_group", kind == PM_SIG_PGRP && pulled->target == ME && pulled->value == 2,
		    "not SIGINT for group 100");
	test_eq("tty_signal_queue_drained", call(PM_SIGNAL_PULL, 0, 0), PM_SIG_NONE);
	test_eq("tty_read_to_cancel_suspends", io(DEV_READ, S0, 100, 0, 6, ME), DEV_SUSPENDED);
	test_eq("tty_cancel_eintr", cancel(S0, 6), -EINTR);
	test_eq("tty_cancel_unknown_einval", cancel(S0, 6), -AX_EINVAL);
}

static void raw_modes(void)
{
	struct ktermios t, saved;
	uint64_t start;

	ioctl(TCGETS, 0);
	memcpy(&saved, buf, sizeof(saved));
	t = saved;
	t.c_lflag &= ~(uint32_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 3;
	t.c_cc[VTIME] = 0;
	test_eq("tty_tcsets_raw", set_termios(&t, ME), 0);
	test_eq("tty_raw_read_suspends", io(DEV_READ, S0, 10, 0, 7, ME), DEV_SUSPENDED);
	type("xyz");
	test_result("tty_raw_vmin_3", completion(7) == 3 && memcmp(buf, "xyz", 3) == 0, "not xyz");

	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 2;
	set_termios(&t, ME);
	start = now_ms();
	test_eq("tty_raw_vtime_read_suspends", io(DEV_READ, S0, 10, 0, 8, ME), DEV_SUSPENDED);
	test_eq("tty_raw_vtime_times_out_empty", completion(8), 0);
	test_result("tty_raw_vtime_waits_its_time", now_ms() - start >= 150, "returned before 0.2 s");

	t.c_cc[VMIN] = 5;
	t.c_cc[VTIME] = 3;
	set_termios(&t, ME);
	test_eq("tty_raw_interbyte_read_suspends", io(DEV_READ, S0, 10, 0, 9, ME), DEV_SUSPENDED);
	type("pq");
	test_result("tty_raw_interbyte_timer", completion(9) == 2 && memcmp(buf, "pq", 2) == 0, "not pq");

	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	set_termios(&t, ME);
	test_eq("tty_select_pollout_ready", select_req(S0, DEV_POLLOUT, 0), DEV_POLLOUT);
	test_eq("tty_select_registers", select_req(S0, DEV_POLLIN, DEV_SELECT_NOTIFY), 0);
	type("s");
	test_result("tty_select_reports_pollin",
		    next_event() == DEV_EV_SELECT && event->minor == S0 && event->result == DEV_POLLIN,
		    "no DEV_EV_SELECT with POLLIN");
	test_eq("tty_select_reported_once", call(DEV_STATUS, 0, 0), DEV_EV_NONE);
	test_result("tty_fionread", ioctl(FIONREAD, 0) == 0 && buf[0] == 1, "not 1 byte");
	test_result("tty_tcflsh_input", ioctl(TCFLSH, 0) == 0 && ioctl(FIONREAD, 0) == 0 && buf[0] == 0, "input kept");
	test_eq("tty_tcflsh_bad_arg_einval", ioctl(TCFLSH, 7), -AX_EINVAL);
	test_eq("tty_tcsets_restore", set_termios(&saved, ME), 0);
}

static void job_control(void)
{
	struct ktermios t;
	uint16_t ws[4] = {40, 100, 0, 0};
	int32_t v;

	test_result("tty_winsize_default", ioctl(TIOCGWINSZ, 0) == 0 && memcmp(buf, &(uint16_t[2]){25, 80}, 4) == 0,
		    "not 25x80");
	memcpy(buf, ws, sizeof(ws));
	test_eq("tty_tiocswinsz", ioctl(TIOCSWINSZ, 0), 0);
	test_result("tty_tiocswinsz_sigwinch", next_signal() == PM_SIG_PGRP && pulled->target == ME && pulled->value == 28,
		    "not SIGWINCH for group 100");
	test_result("tty_background_read_sigttin", io(DEV_READ, S0, 10, 0, 10, OTHER) == DEV_BACKGROUND && answer->signal == 21,
		    "not DEV_BACKGROUND SIGTTIN");
	ioctl(TCGETS, 0);
	memcpy(&t, buf, sizeof(t));
	test_result("tty_background_tcsets_sigttou", set_termios(&t, OTHER) == DEV_BACKGROUND && answer->signal == 22,
		    "not DEV_BACKGROUND SIGTTOU");
	memcpy(buf, "bg\n", 3);
	test_eq("tty_background_write_allowed", io(DEV_WRITE, S0, 3, 0, 11, OTHER), 3);
	t.c_lflag |= TOSTOP;
	set_termios(&t, ME);
	memcpy(buf, "bg\n", 3);
	test_result("tty_background_write_tostop_sigttou",
		    io(DEV_WRITE, S0, 3, 0, 12, OTHER) == DEV_BACKGROUND && answer->signal == 22, "not DEV_BACKGROUND SIGTTOU");
	t.c_lflag &= ~(uint32_t)TOSTOP;
	set_termios(&t, ME);
	v = OTHER;
	memcpy(buf, &v, 4);
	test_eq("tty_tiocspgrp", ioctl(TIOCSPGRP, 0), 0);
	test_result("tty_tiocgpgrp_new_group", ioctl(TIOCGPGRP, 0) == 0 && memcpy(&v, buf, 4) && v == OTHER, "not 101");
	v = ME;
	memcpy(buf, &v, 4);
	test_eq("tty_tiocspgrp_back", ioctl_as(S0, TIOCSPGRP, 0, OTHER, OTHER), 0);
}

static void ioctls_and_bad_requests(void)
{
	struct ds_reply rp;
	ax_message m = {.type = DS_LOOKUP};

	test_eq("tty_tiocgptn_enotty", ioctl(TIOCGPTN, 0), -ENOTTY);
	test_eq("tty_unknown_ioctl_enotty", ioctl(0x1234, 0), -ENOTTY);
	test_eq("tty_kdgkbtype_serial_enotty", ioctl(KDGKBTYPE, 0), -ENOTTY);
	test_result("tty_kdgkbtype_console",
		    ioctl_as(DEV_MKMINOR(TTY_MAJOR, 1), KDGKBTYPE, 0, ME, ME) == 0 && buf[0] == 2, "not KB_101");
	test_eq("tty_read_too_long_einval", io(DEV_READ, S0, DEV_IO_MAX + 1, 0, 20, ME), -AX_EINVAL);
	test_eq("tty_read_bad_flags_einval", io(DEV_READ, S0, 10, 0x4, 21, ME), -AX_EINVAL);
	test_eq("tty_unknown_request_enosys", minor_req(0x7ff, S0), -AX_ENOSYS);
	test_eq("tty_size_enotty", minor_req(DEV_SIZE, S0), -ENOTTY);
	test_eq("tty_console_write", (memcpy(buf, "\x1b[2J\x1b[1;1Hconsole\n", 19), io(DEV_WRITE, DEV_MKMINOR(TTY_MAJOR, 1), 19, 0, 22, ME)), 19);
	strcpy((char *)m.bytes, "tty");
	test_result("tty_published_in_ds",
		    ax_sendrec(ax_boot_endpoint("ds"), &m) == 0 && memcpy(&rp, m.bytes, sizeof(rp)) && rp.status == 0 &&
			    rp.endpoint == tty,
		    "ds does not name the driver");
}

int main(void)
{
	tty = ax_boot_endpoint("tty");
	grants[0] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ | AX_GRANT_WRITE, tty, 0, 0, (uint64_t)buf,
				      sizeof(buf)};
	ax_kcall(KC_GRANT_TABLE, &(ax_message){.u64 = {(uint64_t)grants, 1}});
	ax_sleep_ms(100); /* the driver sets its ports up */
	open_and_identity();
	canonical();
	signals_and_cancel();
	raw_modes();
	job_control();
	ioctls_and_bad_requests();
	ax_printf("TESTS DONE\n");
	ax_poweroff(0);
	for (;;)
		;
}
