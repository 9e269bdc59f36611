/*
 * The virtual console's screen (see vt.h): a small ECMA-48 interpreter.
 * Enough of what Linux's console understands for line editing, vi and less:
 * cursor movement (CSI A B C D E F G H d f), erasing (J K X), inserting and
 * deleting characters and lines (@ P L M), scrolling (S T, a region with r,
 * ESC D, ESC M), colours (m), save and restore (s u, ESC 7 8), the cursor's
 * visibility (?25 h/l) and the cursor position report (6 n).
 */
#include <string.h>

#include "vt.h"

enum { NORMAL, ESCAPE, CSI };

#define ESC 0x1b

/* ANSI colour numbers to VGA's (which swaps red and blue). */
static const uint8_t vga_colour[8] = {0, 4, 2, 6, 1, 5, 3, 7};

static uint8_t attribute(const struct vt *v)
{
	uint8_t fg = (uint8_t)(vga_colour[v->fg] | (v->bold ? 8 : 0)), bg = vga_colour[v->bg];

	return v->reverse ? (uint8_t)(fg << 4 | bg) : (uint8_t)(bg << 4 | fg);
}

static uint16_t blank(const struct vt *v) { return (uint16_t)(' ' | attribute(v) << 8); }

static void fill(struct vt *v, unsigned from, unsigned to) /* cells [from, to) */
{
	for (unsigned i = from; i < to && i < VT_ROWS * VT_COLS; i++)
		v->cells[i] = blank(v);
}

void vt_init(struct vt *v)
{
	memset(v, 0, sizeof(*v));
	v->fg = 7;
	v->bottom = VT_ROWS - 1;
	v->cursor_on = true;
	fill(v, 0, VT_ROWS * VT_COLS);
}

/* Move rows top..bottom of the region up by n (new rows blank at the bottom). */
static void scroll_up(struct vt *v, unsigned top, unsigned n)
{
	unsigned rows = v->bottom + 1 - top;

	if (n > rows)
		n = rows;
	memmove(&v->cells[top * VT_COLS], &v->cells[(top + n) * VT_COLS], (rows - n) * VT_COLS * 2);
	fill(v, (v->bottom + 1 - n) * VT_COLS, (v->bottom + 1) * VT_COLS);
}

static void scroll_down(struct vt *v, unsigned top, unsigned n)
{
	unsigned rows = v->bottom + 1 - top;

	if (n > rows)
		n = rows;
	memmove(&v->cells[(top + n) * VT_COLS], &v->cells[top * VT_COLS], (rows - n) * VT_COLS * 2);
	fill(v, top * VT_COLS, (top + n) * VT_COLS);
}

static void line_feed(struct vt *v)
{
	if (v->row == v->bottom)
		scroll_up(v, v->top, 1);
	else if (v->row < VT_ROWS - 1)
		v->row++;
}

static void reverse_index(struct vt *v)
{
	if (v->row == v->top)
		scroll_down(v, v->top, 1);
	else if (v->row)
		v->row--;
}

static void print(struct vt *v, uint8_t c)
{
	if (v->wrap_next) {
		v->col = 0;
		line_feed(v);
		v->wrap_next = false;
	}
	v->cells[v->row * VT_COLS + v->col] = (uint16_t)(c | attribute(v) << 8);
	if (v->col == VT_COLS - 1)
		v->wrap_next = true;
	else
		v->col++;
}

static unsigned param(const struct vt *v, unsigned i, unsigned dflt)
{
	return i < v->nparams && v->params[i] ? v->params[i] : dflt;
}

static unsigned clamp(unsigned x, unsigned max) { return x > max ? max : x; }

static void sgr(struct vt *v)
{
	for (unsigned i = 0; i < (v->nparams ? v->nparams : 1); i++) {
		unsigned p = i < v->nparams ? v->params[i] : 0;

		if (p == 0)
			v->fg = 7, v->bg = 0, v->bold = v->reverse = false;
		else if (p == 1)
			v->bold = true;
		else if (p == 22)
			v->bold = false;
		else if (p == 7)
			v->reverse = true;
		else if (p == 27)
			v->reverse = false;
		else if (p >= 30 && p <= 37)
			v->fg = (uint8_t)(p - 30);
		else if (p == 39)
			v->fg = 7;
		else if (p >= 40 && p <= 47)
			v->bg = (uint8_t)(p - 40);
		else if (p == 49)
			v->bg = 0;
		else if (p >= 90 && p <= 97)
			v->fg = (uint8_t)(p - 90), v->bold = true;
	}
}

static void erase_display(struct vt *v, unsigned how)
{
	unsigned at = v->row * VT_COLS + v->col;

	if (how == 0)
		fill(v, at, VT_ROWS * VT_COLS);
	else if (how == 1)
		fill(v, 0, at + 1);
	else
		fill(v, 0, VT_ROWS * VT_COLS);
}

static void erase_line(struct vt *v, unsigned how)
{
	unsigned start = v->row * VT_COLS;

	if (how == 0)
		fill(v, start + v->col, start + VT_COLS);
	else if (how == 1)
		fill(v, start, start + v->col + 1);
	else
		fill(v, start, start + VT_COLS);
}

/* Insert (n > 0) blank characters at the cursor, or delete (n < 0) characters there. */
static void shift_chars(struct vt *v, int n)
{
	uint16_t *line = &v->cells[v->row * VT_COLS];
	unsigned k = (unsigned)(n < 0 ? -n : n), rest = VT_COLS - v->col;

	k = clamp(k, rest);
	if (n > 0) {
		memmove(&line[v->col + k], &line[v->col], (rest - k) * 2);
		fill(v, v->row * VT_COLS + v->col, v->row * VT_COLS + v->col + k);
	} else {
		memmove(&line[v->col], &line[v->col + k], (rest - k) * 2);
		fill(v, v->row * VT_COLS + VT_COLS - k, v->row * VT_COLS + VT_COLS);
	}
}

static void report_position(struct vt *v)
{
	unsigned r = v->row + 1, c = v->col + 1, n = 0;
	char digits[8];

	v->reply[n++] = ESC;
	v->reply[n++] = '[';
	for (int pass = 0; pass < 2; pass++) {
		unsigned x = pass ? c : r, d = 0;

		do
			digits[d++] = (char)('0' + x % 10);
		while (x /= 10);
		while (d)
			v->reply[n++] = digits[--d];
		v->reply[n++] = pass ? 'R' : ';';
	}
	v->reply_len = n;
}

static void save(struct vt *v)
{
	v->saved_row = v->row, v->saved_col = v->col;
	v->saved_fg = v->fg, v->saved_bg = v->bg, v->saved_bold = v->bold, v->saved_reverse = v->reverse;
}

static void restore(struct vt *v)
{
	v->row = v->saved_row, v->col = v->saved_col;
	v->fg = v->saved_fg, v->bg = v->saved_bg, v->bold = v->saved_bold, v->reverse = v->saved_reverse;
}

static void private_mode(struct vt *v, bool on)
{
	for (unsigned i = 0; i < v->nparams; i++)
		if (v->params[i] == 25)
			v->cursor_on = on;
}

/* The final byte of CSI params: act on it. */
static void csi(struct vt *v, uint8_t f)
{
	unsigned n = param(v, 0, 1);

	if (v->question) {
		if (f == 'h' || f == 'l')
			private_mode(v, f == 'h');
		return;
	}
	switch (f) {
	case 'A': v->row = v->row >= v->top + n ? v->row - n : (v->row >= v->top ? v->top : 0); break;
	case 'B': v->row = clamp(v->row + n, v->row <= v->bottom ? v->bottom : VT_ROWS - 1); break;
	case 'C': v->col = clamp(v->col + n, VT_COLS - 1); break;
	case 'D': v->col = v->col >= n ? v->col - n : 0; break;
	case 'E': v->row = clamp(v->row + n, VT_ROWS - 1), v->col = 0; break;
	case 'F': v->row = v->row >= n ? v->row - n : 0, v->col = 0; break;
	case 'G': case '`': v->col = clamp(n - 1, VT_COLS - 1); break;
	case 'd': v->row = clamp(n - 1, VT_ROWS - 1); break;
	case 'H': case 'f':
		v->row = clamp(param(v, 0, 1) - 1, VT_ROWS - 1);
		v->col = clamp(param(v, 1, 1) - 1, VT_COLS - 1);
		break;
	case 'J': erase_display(v, param(v, 0, 0)); break;
	case 'K': erase_line(v, param(v, 0, 0)); break;
	case 'X': fill(v, v->row * VT_COLS + v->col, v->row * VT_COLS + clamp(v->col + n, VT_COLS)); break;
	case '@': shift_chars(v, (int)clamp(n, VT_COLS)); break;
	case 'P': shift_chars(v, -(int)clamp(n, VT_COLS)); break;
	case 'L': if (v->row >= v->top && v->row <= v->bottom) scroll_down(v, v->row, n); break;
	case 'M': if (v->row >= v->top && v->row <= v->bottom) scroll_up(v, v->row, n); break;
	case 'S': scroll_up(v, v->top, n); break;
	case 'T': scroll_down(v, v->top, n); break;
	case 'm': sgr(v); break;
	case 's': save(v); break;
	case 'u': restore(v); break;
	case 'n': if (param(v, 0, 0) == 6) report_position(v); break;
	case 'r': {
		unsigned top = param(v, 0, 1) - 1, bottom = param(v, 1, VT_ROWS) - 1;

		if (top < bottom && bottom < VT_ROWS) {
			v->top = top, v->bottom = bottom;
			v->row = v->col = 0;
		}
		break;
	}
	default: break; /* not one we know: ignored, as Linux ignores it */
	}
}

static void escape(struct vt *v, uint8_t c)
{
	v->state = NORMAL;
	switch (c) {
	case '[':
		v->state = CSI;
		v->nparams = 0;
		v->question = false;
		memset(v->params, 0, sizeof(v->params));
		break;
	case '7': save(v); break;
	case '8': restore(v); break;
	case 'D': line_feed(v); break;
	case 'E': v->col = 0, line_feed(v); break;
	case 'M': reverse_index(v); break;
	case 'c': vt_init(v); break;
	default: break;
	}
}

static void control(struct vt *v, uint8_t c)
{
	switch (c) {
	case '\r': v->col = 0; break;
	case '\n': case '\v': case '\f': line_feed(v); break;
	case '\b': if (v->col) v->col--; break;
	case '\t': v->col = clamp((v->col | 7) + 1, VT_COLS - 1); break;
	case ESC: v->state = ESCAPE; break;
	default: break; /* BEL and the rest: nothing to show */
	}
}

void vt_put(struct vt *v, uint8_t c)
{
	if (v->state == ESCAPE) {
		escape(v, c);
		return;
	}
	if (v->state == CSI) {
		if (c >= '0' && c <= '9') {
			unsigned i = v->nparams ? v->nparams - 1 : 0;

			if (!v->nparams)
				v->nparams = 1;
			if (v->params[i] < 10000)
				v->params[i] = v->params[i] * 10 + (c - '0');
		} else if (c == ';') {
			if (!v->nparams)
				v->nparams = 1;
			if (v->nparams < VT_PARAMS)
				v->params[v->nparams++] = 0;
		} else if (c == '?') {
			v->question = true;
		} else if (c >= 0x40 && c <= 0x7e) {
			v->state = NORMAL;
			v->wrap_next = false;
			csi(v, c);
		} else if (c == ESC) {
			v->state = ESCAPE;
		} else if (c < 0x20) {
			control(v, c); /* a control character inside a sequence acts at once */
		}
		return;
	}
	if (c < 0x20 || c == 0x7f) {
		if (c != ESC)
			v->wrap_next = false;
		control(v, c);
		return;
	}
	print(v, c);
}

bool vt_sane(const struct vt *v)
{
	return v->row < VT_ROWS && v->col < VT_COLS && v->top <= v->bottom && v->bottom < VT_ROWS &&
	       v->saved_row < VT_ROWS && v->saved_col < VT_COLS && v->fg < 8 && v->bg < 8 && v->saved_fg < 8 &&
	       v->saved_bg < 8 && v->nparams <= VT_PARAMS && v->reply_len <= sizeof(v->reply) &&
	       (v->state == NORMAL || v->state == ESCAPE || v->state == CSI);
}
