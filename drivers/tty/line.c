/*
 * The line discipline: input editing, echo, keyboard signals, flow control
 * and output processing, as Linux's n_tty does them (see line.h).
 */
#include <string.h>

#include "line.h"

#define CTRL(c) ((c) & 0x1f)
#define DEL 0x7f

void line_default_termios(struct line_termios *t)
{
	static const uint8_t cc[LINE_NCCS] = {
		[VINTR] = CTRL('C'), [VQUIT] = CTRL('\\'), [VERASE] = DEL, [VKILL] = CTRL('U'),
		[VEOF] = CTRL('D'), [VTIME] = 0, [VMIN] = 1, [VSTART] = CTRL('Q'), [VSTOP] = CTRL('S'),
		[VSUSP] = CTRL('Z'), [VREPRINT] = CTRL('R'), [VDISCARD] = CTRL('O'), [VWERASE] = CTRL('W'),
		[VLNEXT] = CTRL('V'),
	};

	memset(t, 0, sizeof(*t));
	t->c_iflag = ICRNL | IXON;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = B38400 | CS8 | CREAD | HUPCL;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	memcpy(t->c_cc, cc, sizeof(cc));
}

void line_init(struct line *l)
{
	memset(l, 0, sizeof(*l));
	line_default_termios(&l->tio);
}

static bool lflag(const struct line *l, uint32_t f) { return (l->tio.c_lflag & f) != 0; }
static bool iflag(const struct line *l, uint32_t f) { return (l->tio.c_iflag & f) != 0; }

/* c is the special character cc[i], which must be enabled (0 disables it, as _POSIX_VDISABLE). */
static bool is_cc(const struct line *l, uint8_t c, int i) { return l->tio.c_cc[i] && c == l->tio.c_cc[i]; }

/* ---- the output queue ----------------------------------------------------------- */

size_t line_out_room(const struct line *l) { return LINE_OUTPUT_MAX - l->out_len; }

static void queue(struct line *l, uint8_t c)
{
	if (l->out_len < LINE_OUTPUT_MAX)
		l->out[(l->out_head + l->out_len++) % LINE_OUTPUT_MAX] = c;
}

/* Where the cursor goes after c (OPOST or not: erasing needs it either way). */
static unsigned advance(unsigned column, uint8_t c)
{
	if (c == '\t')
		return (column | 7) + 1;
	if (c == '\b')
		return column ? column - 1 : 0;
	if (c == '\r' || c == '\n')
		return 0;
	return c < 0x20 || c == DEL ? column : column + 1;
}

/* One byte through output processing (OPOST); needs at most two bytes of room. */
static void out_char(struct line *l, uint8_t c)
{
	uint32_t o = l->tio.c_oflag;

	if (o & OPOST) {
		if (c == '\n' && (o & ONLCR)) {
			queue(l, '\r');
			queue(l, '\n');
			l->column = 0;
			return;
		}
		if (c == '\r' && (o & ONOCR) && l->column == 0)
			return;
		if (c == '\r' && (o & OCRNL))
			c = '\n';
		if (c >= 'a' && c <= 'z' && (o & OLCUC))
			c = (uint8_t)(c - 'a' + 'A');
		if (c == '\n' && !(o & ONLRET)) { /* a bare line feed keeps the column */
			queue(l, c);
			return;
		}
	}
	queue(l, c);
	l->column = advance(l->column, c);
}

static bool is_ctl(uint8_t c) { return (c < 0x20 && c != '\t' && c != '\n') || c == DEL; }

/* Echo one input byte: control characters as ^X under ECHOCTL. */
static void echo_char(struct line *l, uint8_t c)
{
	if (lflag(l, ECHOCTL) && is_ctl(c)) {
		queue(l, '^');
		queue(l, c == DEL ? '?' : (uint8_t)(c ^ 0x40));
		l->column += 2;
	} else {
		out_char(l, c);
	}
}

size_t line_write(struct line *l, const uint8_t *src, size_t n)
{
	size_t i = 0;

	while (i < n && line_out_room(l) >= 2)
		out_char(l, src[i++]);
	return i;
}

size_t line_out_take(struct line *l, uint8_t *dst, size_t n)
{
	size_t i = 0;

	if (l->stopped)
		return 0;
	for (; i < n && l->out_len; i++, l->out_len--) {
		dst[i] = l->out[l->out_head];
		l->out_head = (l->out_head + 1) % LINE_OUTPUT_MAX;
	}
	return i;
}

void line_flush_output(struct line *l)
{
	l->out_len = 0;
	l->out_flushes++;
}

void line_flush_input(struct line *l)
{
	l->len = l->ready = 0;
	l->lnext = false;
}

/* ---- settings ------------------------------------------------------------------- */

void line_set_termios(struct line *l, const struct line_termios *t)
{
	bool was_canon = lflag(l, ICANON);

	l->tio = *t;
	if (was_canon && !lflag(l, ICANON)) { /* what was typed so far becomes readable, as bytes */
		l->ready = l->len;
		memset(l->mark, LINE_MARK_DATA, l->len);
	}
	if (!iflag(l, IXON))
		l->stopped = false;
}

/* ---- canonical editing -------------------------------------------------------------- */

/* The column the edited line's first n bytes end at, when echoed. */
static unsigned column_after(const struct line *l, size_t n)
{
	unsigned col = l->line_column;

	for (size_t i = l->ready; i < l->ready + n; i++) {
		uint8_t c = l->in[i];

		if (iflag(l, IUTF8) && (c & 0xc0) == 0x80)
			continue; /* a UTF-8 continuation byte takes no column of its own */
		col = lflag(l, ECHOCTL) && is_ctl(c) ? col + 2 : advance(col, c);
	}
	return col;
}

/* Remove the edited line's last character (a UTF-8 character whole) and rub it out on screen. */
static void erase_one(struct line *l, bool echo_erase)
{
	uint8_t c;
	unsigned from, to;

	if (l->len == l->ready)
		return;
	from = column_after(l, l->len - l->ready);
	c = l->in[--l->len];
	if (iflag(l, IUTF8)) /* continuation bytes, then the lead byte */
		while ((c & 0xc0) == 0x80 && l->len > l->ready)
			c = l->in[--l->len];
	if (!lflag(l, ECHO))
		return;
	if (!echo_erase) {
		echo_char(l, l->tio.c_cc[VERASE]);
		return;
	}
	to = column_after(l, l->len - l->ready);
	for (unsigned i = to; i < from; i++) {
		if (c == '\t') {
			queue(l, '\b');
		} else {
			queue(l, '\b');
			queue(l, ' ');
			queue(l, '\b');
		}
	}
	l->column = to;
}

static bool is_word(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

/* ^W: rub out what follows the last word, then the word (Linux's rule: letters, digits, _). */
static void erase_word(struct line *l)
{
	bool seen_word = false;

	while (l->len > l->ready) {
		uint8_t c = l->in[l->len - 1];

		if (is_word(c))
			seen_word = true;
		else if (seen_word)
			break;
		erase_one(l, lflag(l, ECHOE));
	}
}

/* ^U: the whole edited line. */
static void kill_line(struct line *l, uint8_t c)
{
	if (lflag(l, ECHO) && lflag(l, ECHOKE) && lflag(l, ECHOE)) {
		while (l->len > l->ready)
			erase_one(l, true);
		return;
	}
	l->len = l->ready;
	if (lflag(l, ECHO)) {
		echo_char(l, c);
		if (lflag(l, ECHOK))
			out_char(l, '\n');
	}
}

/* ^R: show the edited line again on a line of its own. */
static void reprint(struct line *l, uint8_t c)
{
	if (!lflag(l, ECHO))
		return;
	echo_char(l, c);
	out_char(l, '\n');
	l->line_column = l->column;
	for (size_t i = l->ready; i < l->len; i++)
		echo_char(l, l->in[i]);
}

/* Append a byte to the input; a line end or EOF push makes the line readable. */
static void store(struct line *l, uint8_t c, uint8_t mark)
{
	bool canon = lflag(l, ICANON);

	/* canonical mode keeps the last place for the line's end, as Linux does */
	if (l->len >= LINE_INPUT_MAX || (canon && mark == LINE_MARK_DATA && l->len >= LINE_INPUT_MAX - 1))
		return;
	l->in[l->len] = c;
	l->mark[l->len++] = mark;
	if (!canon || mark != LINE_MARK_DATA)
		l->ready = l->len;
}

/* The characters that mean something in canonical mode; true if c was one of them. */
static bool canon_special(struct line *l, uint8_t c)
{
	bool ext = lflag(l, IEXTEN);

	if (is_cc(l, c, VERASE)) {
		erase_one(l, lflag(l, ECHOE));
	} else if (is_cc(l, c, VKILL)) {
		kill_line(l, c);
	} else if (ext && is_cc(l, c, VWERASE)) {
		erase_word(l);
	} else if (ext && is_cc(l, c, VLNEXT)) {
		l->lnext = true;
		if (lflag(l, ECHO) && lflag(l, ECHOCTL)) { /* a ^ the next byte overwrites */
			queue(l, '^');
			queue(l, '\b');
		}
	} else if (ext && is_cc(l, c, VREPRINT)) {
		reprint(l, c);
	} else if (is_cc(l, c, VEOF)) {
		store(l, c, LINE_MARK_EOF);
	} else if (c == '\n' || is_cc(l, c, VEOL) || (ext && is_cc(l, c, VEOL2))) {
		if (lflag(l, ECHO))
			echo_char(l, c);
		else if (c == '\n' && lflag(l, ECHONL))
			out_char(l, c);
		store(l, c, LINE_MARK_END);
	} else {
		return false;
	}
	return true;
}

/* ^C, ^\, ^Z: the signal, or 0 if c is none of them. */
static int signal_of(const struct line *l, uint8_t c)
{
	if (!lflag(l, ISIG))
		return 0;
	if (is_cc(l, c, VINTR))
		return LINE_SIGINT;
	if (is_cc(l, c, VQUIT))
		return LINE_SIGQUIT;
	if (is_cc(l, c, VSUSP))
		return LINE_SIGTSTP;
	return 0;
}

int line_input(struct line *l, uint8_t c)
{
	int sig;

	if (l->len == l->ready) /* a new line begins where the cursor is now (after a prompt, say) */
		l->line_column = l->column;
	if (iflag(l, ISTRIP))
		c &= 0x7f;
	if (iflag(l, IUCLC) && lflag(l, IEXTEN) && c >= 'A' && c <= 'Z')
		c = (uint8_t)(c - 'A' + 'a');
	if (l->lnext) { /* taken literally, whatever it is */
		l->lnext = false;
		if (lflag(l, ECHO))
			echo_char(l, c);
		store(l, c, LINE_MARK_DATA);
		return 0;
	}
	if (iflag(l, IXON)) {
		if (is_cc(l, c, VSTART) && is_cc(l, c, VSTOP)) {
			l->stopped = !l->stopped;
			return 0;
		}
		if (is_cc(l, c, VSTART) || is_cc(l, c, VSTOP)) {
			l->stopped = is_cc(l, c, VSTOP);
			return 0;
		}
	}
	if ((sig = signal_of(l, c))) {
		if (!lflag(l, NOFLSH)) {
			line_flush_input(l);
			line_flush_output(l);
		}
		if (iflag(l, IXON))
			l->stopped = false;
		if (lflag(l, ECHO))
			echo_char(l, c);
		return sig;
	}
	if (iflag(l, IXON) && iflag(l, IXANY))
		l->stopped = false;
	if (c == '\r') {
		if (iflag(l, IGNCR))
			return 0;
		if (iflag(l, ICRNL))
			c = '\n';
	} else if (c == '\n' && iflag(l, INLCR)) {
		c = '\r';
	}
	if (lflag(l, ICANON) && canon_special(l, c))
		return 0;
	if (lflag(l, ECHO))
		echo_char(l, c);
	else if (c == '\n' && lflag(l, ECHONL) && lflag(l, ICANON))
		out_char(l, c);
	store(l, c, LINE_MARK_DATA);
	return 0;
}

/* ---- reading -------------------------------------------------------------------- */

size_t line_readable(const struct line *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->ready; i++)
		n += l->mark[i] != LINE_MARK_EOF;
	return n;
}

bool line_poll_readable(const struct line *l)
{
	size_t need = 1;

	if (!lflag(l, ICANON) && l->tio.c_cc[VTIME] == 0 && l->tio.c_cc[VMIN] > 0)
		need = l->tio.c_cc[VMIN];
	return l->ready >= need;
}

enum line_wait line_read_check(const struct line *l, size_t n, bool timed_out)
{
	size_t vmin = l->tio.c_cc[VMIN], vtime = l->tio.c_cc[VTIME], avail = l->ready;

	if (n == 0)
		return LINE_READ_NOW;
	if (lflag(l, ICANON))
		return avail ? LINE_READ_NOW : LINE_READ_WAIT;
	if (vmin > n)
		vmin = n; /* a read can never want more than it asked for */
	if (vtime == 0)
		return avail >= vmin ? LINE_READ_NOW : LINE_READ_WAIT;
	if (vmin == 0)
		return avail || timed_out ? LINE_READ_NOW : LINE_READ_TIMED;
	if (avail >= vmin || (avail && timed_out))
		return LINE_READ_NOW;
	return avail ? LINE_READ_TIMED : LINE_READ_WAIT; /* the inter-byte timer starts at the first byte */
}

bool line_read_timer(const struct line *l, bool *from_last_byte, uint64_t *ns)
{
	if (lflag(l, ICANON) || l->tio.c_cc[VTIME] == 0)
		return false;
	*from_last_byte = l->tio.c_cc[VMIN] > 0;
	*ns = (uint64_t)l->tio.c_cc[VTIME] * 100000000ULL; /* VTIME counts tenths of a second */
	return true;
}

size_t line_take(struct line *l, uint8_t *dst, size_t n)
{
	size_t used = 0, got = 0;

	if (lflag(l, ICANON)) {
		while (used < l->ready && got < n) {
			uint8_t mark = l->mark[used];

			if (mark == LINE_MARK_EOF) {
				used++; /* ^D ends the read; alone, it is end of file (0 bytes) */
				break;
			}
			dst[got++] = l->in[used++];
			if (mark == LINE_MARK_END)
				break;
		}
	} else {
		for (; used < l->ready && got < n; used++)
			if (l->mark[used] != LINE_MARK_EOF)
				dst[got++] = l->in[used];
	}
	memmove(l->in, l->in + used, l->len - used);
	memmove(l->mark, l->mark + used, l->len - used);
	l->len -= used;
	l->ready -= used;
	return got;
}

bool line_sane(const struct line *l)
{
	return l->len <= LINE_INPUT_MAX && l->ready <= l->len && l->out_head < LINE_OUTPUT_MAX &&
	       l->out_len <= LINE_OUTPUT_MAX && l->column <= 0xffff && l->line_column <= 0xffff;
}
