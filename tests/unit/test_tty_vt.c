/* The tty driver's screen (drivers/tty/vt.c: ANSI sequences) and keyboard (drivers/tty/kbd.c: scan code set 1). */
#include "check.h"
#include "../../drivers/tty/kbd.h"
#include "../../drivers/tty/vt.h"

static struct vt v;

static void put(const char *s)
{
	while (*s)
		vt_put(&v, (uint8_t)*s++);
}

static char at(unsigned row, unsigned col) { return (char)(v.cells[row * VT_COLS + col] & 0xff); }
static uint8_t attr(unsigned row, unsigned col) { return (uint8_t)(v.cells[row * VT_COLS + col] >> 8); }

static void text_and_newlines(void)
{
	vt_init(&v);
	put("ab\r\ncd");
	CHECK(at(0, 0) == 'a' && at(0, 1) == 'b' && at(1, 0) == 'c' && v.row == 1 && v.col == 2);
	put("\b\bx");
	CHECK(at(1, 0) == 'x');
}

static void cursor_movement(void)
{
	vt_init(&v);
	put("\x1b[5;10H");
	CHECK(v.row == 4 && v.col == 9);
	put("\x1b[2A\x1b[3C");
	CHECK(v.row == 2 && v.col == 12);
	put("\x1b[B\x1b[D");
	CHECK(v.row == 3 && v.col == 11);
	put("\x1b[H");
	CHECK(v.row == 0 && v.col == 0);
	put("\x1b[99;99f");
	CHECK(v.row == VT_ROWS - 1 && v.col == VT_COLS - 1);
}

static void erase_line_and_screen(void)
{
	vt_init(&v);
	put("hello\x1b[1;3H\x1b[K");
	CHECK(at(0, 0) == 'h' && at(0, 1) == 'e' && at(0, 2) == ' ' && at(0, 4) == ' ');
	put("\x1b[2J");
	CHECK(at(0, 0) == ' ');
}

static void colours(void)
{
	vt_init(&v);
	put("\x1b[31;44mx\x1b[0my");
	CHECK(attr(0, 0) == (1 << 4 | 4)); /* VGA: blue background, red foreground */
	CHECK(attr(0, 1) == 0x07);
	put("\x1b[7mz");
	CHECK(attr(0, 2) == 0x70);
}

static void scrolls_at_bottom(void)
{
	vt_init(&v);
	put("top");
	for (int i = 0; i < VT_ROWS; i++)
		put("\n");
	CHECK(at(0, 0) == ' ' && v.row == VT_ROWS - 1);
}

static void scroll_region_and_reverse_index(void)
{
	vt_init(&v);
	put("\x1b[2;4r");
	CHECK(v.top == 1 && v.bottom == 3);
	put("\x1b[2;1HA\x1b[2;1H\x1bM");
	CHECK(at(1, 0) == ' ' && at(2, 0) == 'A');
}

static void save_restore_and_report(void)
{
	vt_init(&v);
	put("\x1b[3;4H\x1b" "7\x1b[H\x1b" "8");
	CHECK(v.row == 2 && v.col == 3);
	put("\x1b[6n");
	CHECK(v.reply_len == 6 && memcmp(v.reply, "\x1b[3;4R", 6) == 0);
}

static void insert_delete_chars(void)
{
	vt_init(&v);
	put("abc\x1b[1;1H\x1b[P");
	CHECK(at(0, 0) == 'b' && at(0, 1) == 'c');
	put("\x1b[@");
	CHECK(at(0, 0) == ' ' && at(0, 1) == 'b');
}

static void wraps_at_last_column(void)
{
	vt_init(&v);
	for (int i = 0; i < VT_COLS; i++)
		put("x");
	CHECK(v.row == 0);
	put("y");
	CHECK(v.row == 1 && at(1, 0) == 'y');
}

static int keys(struct kbd *k, const uint8_t *codes, int n, char *out, int *console)
{
	int total = 0;

	for (int i = 0; i < n; i++)
		total += kbd_scan(k, codes[i], (uint8_t *)out + total, console);
	out[total] = 0;
	return total;
}

static void keyboard_letters_shift_ctrl(void)
{
	struct kbd k = {0};
	char out[64];
	int console;

	keys(&k, (const uint8_t[]){0x1e, 0x9e, 0x2a, 0x1e, 0x9e, 0xaa}, 6, out, &console);
	CHECK(strcmp(out, "aA") == 0);
	keys(&k, (const uint8_t[]){0x1d, 0x2e, 0xae, 0x9d}, 4, out, &console);
	CHECK(strcmp(out, "\003") == 0);
	keys(&k, (const uint8_t[]){0x3a, 0xba, 0x10, 0x3a, 0xba}, 5, out, &console);
	CHECK(strcmp(out, "Q") == 0);
	keys(&k, (const uint8_t[]){0x0e, 0x1c}, 2, out, &console);
	CHECK(strcmp(out, "\177\r") == 0);
}

static void keyboard_arrows_and_editing_keys(void)
{
	struct kbd k = {0};
	char out[64];
	int console;

	keys(&k, (const uint8_t[]){0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x4b}, 6, out, &console);
	CHECK(strcmp(out, "\x1b[A\x1b[D") == 0);
	keys(&k, (const uint8_t[]){0xe0, 0x47, 0xe0, 0x4f, 0xe0, 0x53, 0xe0, 0x49, 0xe0, 0x51}, 10, out, &console);
	CHECK(strcmp(out, "\x1b[1~\x1b[4~\x1b[3~\x1b[5~\x1b[6~") == 0);
}

static void keyboard_alt_function_switches(void)
{
	struct kbd k = {0};
	char out[64];
	int console = 0;

	keys(&k, (const uint8_t[]){0x38, 0x3c}, 2, out, &console);
	CHECK(console == 2 && out[0] == 0);
	keys(&k, (const uint8_t[]){0x1e}, 1, out, &console);
	CHECK(strcmp(out, "\x1b" "a") == 0); /* Alt as Meta */
	keys(&k, (const uint8_t[]){0xb8, 0x3b}, 2, out, &console);
	CHECK(console == 0 && strcmp(out, "\x1b[[A") == 0);
}

int main(void)
{
	RUN(text_and_newlines);
	RUN(cursor_movement);
	RUN(erase_line_and_screen);
	RUN(colours);
	RUN(scrolls_at_bottom);
	RUN(scroll_region_and_reverse_index);
	RUN(save_restore_and_report);
	RUN(insert_delete_chars);
	RUN(wraps_at_last_column);
	RUN(keyboard_letters_shift_ctrl);
	RUN(keyboard_arrows_and_editing_keys);
	RUN(keyboard_alt_function_switches);
	return check_exit();
}
