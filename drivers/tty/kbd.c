/* Scan code set 1 to bytes, as Linux's console with a US keymap (see kbd.h). */
#include <string.h>

#include "kbd.h"

#define ESC 0x1b

/* Make codes 0x00..0x39 without and with shift; 0: not a character key. */
static const char plain[0x3a] = {
	0, ESC, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 0x7f, '\t',
	'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r', 0, 'a', 's',
	'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
	'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
};
static const char shifted[0x3a] = {
	0, ESC, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', 0x7f, '\t',
	'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0, 'A', 'S',
	'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
	'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
};

/* The editing keys (keypad without NumLock, or their 0xe0 twins): what follows ESC [. */
static const char *edit_key(uint8_t code)
{
	switch (code) {
	case 0x47: return "1~"; /* Home */
	case 0x48: return "A";  /* Up */
	case 0x49: return "5~"; /* PgUp */
	case 0x4b: return "D";  /* Left */
	case 0x4d: return "C";  /* Right */
	case 0x4f: return "4~"; /* End */
	case 0x50: return "B";  /* Down */
	case 0x51: return "6~"; /* PgDn */
	case 0x52: return "2~"; /* Insert */
	case 0x53: return "3~"; /* Delete */
	default: return 0;
	}
}

/* F1..F12 as Linux's console sends them: what follows ESC [. */
static const char *function_key(unsigned n)
{
	static const char *const keys[12] = {"[A", "[B", "[C", "[D", "[E", "17~", "18~", "19~", "20~", "21~",
					     "23~", "24~"};

	return keys[n];
}

/* The shift, control, alt and caps keys; true if code was one. */
static bool modifier(struct kbd *k, uint8_t code, bool up, bool e0)
{
	switch (code) {
	case 0x2a: k->lshift = !up; return true;
	case 0x36: k->rshift = !up; return true;
	case 0x1d: *(e0 ? &k->rctrl : &k->lctrl) = !up; return true;
	case 0x38: k->alt = !up; return true;
	case 0x3a: if (!up) k->caps = !k->caps; return true;
	default: return false;
	}
}

static int escape(uint8_t *out, const char *tail)
{
	size_t n = strlen(tail);

	out[0] = ESC;
	out[1] = '[';
	memcpy(out + 2, tail, n);
	return (int)n + 2;
}

int kbd_scan(struct kbd *k, uint8_t code, uint8_t *out, int *console)
{
	bool e0 = k->e0, up = code & 0x80, shift = k->lshift || k->rshift;
	const char *seq;
	unsigned fn = 99;
	char c;
	int n = 0;

	*console = 0;
	k->e0 = code == 0xe0;
	if (code == 0xe0 || code == 0xe1)
		return 0;
	code &= 0x7f;
	if (modifier(k, code, up, e0) || up)
		return 0;
	if (e0 && code == 0x35) /* keypad / (keypad Enter, e0 1c, is Enter's code already) */
		return out[0] = '/', 1;
	if ((seq = edit_key(code)) && (e0 || code != 0x4c))
		return escape(out, seq);
	if (code >= 0x3b && code <= 0x44)
		fn = code - 0x3b;
	else if (code == 0x57 || code == 0x58)
		fn = code - 0x57 + 10;
	if (fn != 99) {
		if (k->alt && fn < 6) {
			*console = (int)fn + 1;
			return 0;
		}
		return escape(out, function_key(fn));
	}
	if (code >= sizeof(plain) || !plain[code])
		return 0;
	c = shift ? shifted[code] : plain[code];
	if (k->caps && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
		c ^= 0x20;
	if (k->lctrl || k->rctrl) {
		if (c >= '@' && c <= '~' && c != '`')
			c &= 0x1f;
		else if (c == ' ' || c == '2' || c == '@')
			c = 0;
		else if (c == '/' || c == '-')
			c = 0x1f;
	}
	if (k->alt)
		out[n++] = ESC; /* Alt as Meta: ESC prefix, as Linux's console with its default */
	out[n++] = (uint8_t)c;
	return n;
}
