/*
 * The PS/2 keyboard: scan code set 1 to the bytes Linux's console sends
 * (US layout), as pure logic. Arrows are ESC [ A..D, Home ESC [ 1 ~, Insert
 * ESC [ 2 ~, Delete ESC [ 3 ~, End ESC [ 4 ~, PgUp ESC [ 5 ~, PgDn ESC [ 6 ~,
 * Backspace DEL; Alt+key sends ESC and the key; Alt+F1..F6 switch consoles.
 */
#ifndef TTY_KBD_H
#define TTY_KBD_H

#include <stdbool.h>
#include <stdint.h>

struct kbd {
	bool lshift, rshift, lctrl, rctrl, alt, caps;
	bool e0; /* the previous byte was the 0xe0 prefix */
};

#define KBD_OUT_MAX 8

/*
 * One byte from port 0x60: writes the bytes it types to out (at most
 * KBD_OUT_MAX) and returns their count; *console = 1..6 for Alt+F1..F6, else 0.
 */
int kbd_scan(struct kbd *k, uint8_t code, uint8_t *out, int *console);

#endif
