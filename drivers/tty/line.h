/*
 * The terminal line discipline: Linux's termios semantics as pure logic,
 * with no hardware and no IPC, so the host unit tests can drive it byte by
 * byte (tests/unit/test_tty_line.c).
 *
 * A terminal owns one struct line. Bytes the device received go in through
 * line_input (which edits the line, echoes, and reports keyboard signals);
 * bytes a program writes go in through line_write (output processing).
 * Both append to the output queue, which the driver drains to the device
 * with line_out_take (nothing comes out while ^S has stopped output).
 * A program's read takes bytes with line_take once line_read_check says the
 * read can complete (canonical: a whole line; raw: VMIN/VTIME).
 */
#ifndef TTY_LINE_H
#define TTY_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* struct termios as Linux's TCGETS/TCSETS pass it (not libc's, which adds speeds). */
#define LINE_NCCS 19
struct line_termios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[LINE_NCCS];
};
_Static_assert(sizeof(struct line_termios) == 36, "Linux's kernel termios is 36 bytes");

/* struct winsize (TIOCGWINSZ) */
struct line_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};
_Static_assert(sizeof(struct line_winsize) == 8, "Linux's winsize is 8 bytes");

/* c_cc indexes, as Linux numbers them */
enum {
	VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSWTC = 7,
	VSTART = 8, VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12, VDISCARD = 13, VWERASE = 14,
	VLNEXT = 15, VEOL2 = 16,
};

/* c_iflag */
#define IGNBRK 0000001
#define BRKINT 0000002
#define ISTRIP 0000040
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define IUCLC 0001000
#define IXON 0002000
#define IXANY 0004000
#define IXOFF 0010000
#define IMAXBEL 0020000
#define IUTF8 0040000
/* c_oflag */
#define OPOST 0000001
#define OLCUC 0000002
#define ONLCR 0000004
#define OCRNL 0000010
#define ONOCR 0000020
#define ONLRET 0000040
/* c_cflag */
#define B38400 0000017
#define CSIZE 0000060
#define CS8 0000060
#define CREAD 0000200
#define HUPCL 0002000
#define CLOCAL 0004000
/* c_lflag */
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define TOSTOP 0000400
#define ECHOCTL 0001000
#define ECHOPRT 0002000
#define ECHOKE 0004000
#define FLUSHO 0010000
#define PENDIN 0040000
#define IEXTEN 0100000

/* The signals a keyboard produces (Linux's numbers). */
#define LINE_SIGINT 2
#define LINE_SIGQUIT 3
#define LINE_SIGTSTP 20

/* What an input byte is, in canonical mode */
enum { LINE_MARK_DATA, LINE_MARK_END /* ends a line: read returns it last */, LINE_MARK_EOF /* ^D: not data */ };

#define LINE_INPUT_MAX 4096 /* as Linux's N_TTY_BUF_SIZE */
#define LINE_OUTPUT_MAX 4096

struct line {
	struct line_termios tio;
	/*
	 * Input, oldest first: in[0..ready) can be read (whole lines in
	 * canonical mode, everything in raw mode); in[ready..len) is the line
	 * being edited. mark[i] says what in[i] is: LINE_MARK_* .
	 */
	uint8_t in[LINE_INPUT_MAX];
	uint8_t mark[LINE_INPUT_MAX];
	size_t len, ready;
	bool lnext;           /* the previous byte was VLNEXT: take this one literally */
	bool stopped;         /* output stopped by VSTOP (^S) or TCOOFF */
	/* Output queue: a ring of bytes for the device. */
	uint8_t out[LINE_OUTPUT_MAX];
	size_t out_head, out_len;
	unsigned column;      /* where the cursor is, for erasing tabs and ONOCR */
	unsigned line_column; /* where the cursor was when the edited line began */
	unsigned out_flushes; /* times the output queue was dropped (a driver that counts what it may send) */
};

/* Whether l's counters are within its buffers (a line taken back from kept state is checked first). */
bool line_sane(const struct line *l);

/* Linux's defaults: canonical, echoing, signals on, ICRNL|IXON, OPOST|ONLCR, 38400 8N1. */
void line_init(struct line *l);
void line_default_termios(struct line_termios *t);

/* Take new settings (Linux takes any). Leaving canonical mode makes the edited line readable. */
void line_set_termios(struct line *l, const struct line_termios *t);

/* One byte from the device. Returns the signal it asks for the foreground group (0: none). */
int line_input(struct line *l, uint8_t c);

/* What a read of n bytes should do now (timed_out: its VTIME timer ran out). */
enum line_wait {
	LINE_READ_NOW,    /* take the bytes (maybe 0: end of file, or VMIN=0) */
	LINE_READ_WAIT,   /* wait for input, no timer */
	LINE_READ_TIMED,  /* wait for input or the VTIME timer, whichever first */
};
enum line_wait line_read_check(const struct line *l, size_t n, bool timed_out);

/*
 * VTIME's timer for a waiting read: true and *ns the delay when it runs,
 * counted from the read's start (VMIN = 0) or from the last byte (VMIN > 0).
 */
bool line_read_timer(const struct line *l, bool *from_last_byte, uint64_t *ns);

/* Move readable bytes to dst (at most n; canonical: at most one line). Returns the count. */
size_t line_take(struct line *l, uint8_t *dst, size_t n);

/* poll(2)'s POLLIN: canonical, a whole line; raw, VMIN bytes if VTIME is 0, else one. */
bool line_poll_readable(const struct line *l);

/* Bytes a read could take now (FIONREAD). */
size_t line_readable(const struct line *l);

/*
 * Output processing of a program's bytes into the output queue. Takes as
 * many of src as fit (each byte may need two in the queue). Returns the
 * count taken.
 */
size_t line_write(struct line *l, const uint8_t *src, size_t n);

/* Room in the output queue, in bytes of the queue. */
size_t line_out_room(const struct line *l);

/* Bytes for the device, oldest first, at most n (none while output is stopped). */
size_t line_out_take(struct line *l, uint8_t *dst, size_t n);

/* Drop the input, or the pending output (TCFLSH). */
void line_flush_input(struct line *l);
void line_flush_output(struct line *l);

#endif
