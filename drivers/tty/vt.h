/*
 * A virtual console's screen: an 80x25 VGA text cell array and the ANSI
 * (ECMA-48) escape sequences BusyBox's ash, vi and less use, as pure logic.
 * The driver copies the cells of the console shown to the VGA memory and
 * moves the hardware cursor to (row, col).
 */
#ifndef TTY_VT_H
#define TTY_VT_H

#include <stdbool.h>
#include <stdint.h>

#define VT_COLS 80
#define VT_ROWS 25
#define VT_PARAMS 8

struct vt {
	uint16_t cells[VT_ROWS * VT_COLS]; /* VGA format: character | attribute << 8 */
	unsigned row, col;
	unsigned top, bottom;              /* the scrolling region, rows top..bottom inclusive */
	uint8_t fg, bg;                    /* ANSI colour numbers 0..7 */
	bool bold, reverse;
	bool wrap_next;                    /* the last column was written: wrap before the next character */
	bool cursor_on;
	unsigned saved_row, saved_col;
	uint8_t saved_fg, saved_bg;
	bool saved_bold, saved_reverse;
	int state;                         /* the escape-sequence parser's state */
	unsigned params[VT_PARAMS], nparams;
	bool question;                     /* CSI ? ... (private modes) */
	char reply[16];                    /* bytes the terminal answers (CSI 6 n) for the input */
	unsigned reply_len;
};

void vt_init(struct vt *v);
/* Whether v's positions and counters are within the screen and its arrays (a screen taken back from kept state). */
bool vt_sane(const struct vt *v);
void vt_put(struct vt *v, uint8_t c);

#endif
