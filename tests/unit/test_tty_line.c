/* The tty driver's line discipline (drivers/tty/line.c): Linux's termios semantics, byte by byte. */
#include "check.h"
#include "../../drivers/tty/line.h"

static struct line l;

static void type(const char *s)
{
	while (*s)
		line_input(&l, (uint8_t)*s++);
}

/* Everything queued for the device, as a string (and the queue emptied). */
static const char *out(void)
{
	static char buf[LINE_OUTPUT_MAX + 1];
	size_t n = line_out_take(&l, (uint8_t *)buf, LINE_OUTPUT_MAX);

	buf[n] = 0;
	return buf;
}

/* One read of up to n bytes, as a string. */
static const char *take(size_t n)
{
	static char buf[LINE_INPUT_MAX + 1];
	size_t got = line_take(&l, (uint8_t *)buf, n);

	buf[got] = 0;
	return buf;
}

static void raw(int vmin, int vtime)
{
	struct line_termios t = l.tio;

	t.c_lflag &= ~(uint32_t)(ICANON | ECHO);
	t.c_cc[VMIN] = (uint8_t)vmin;
	t.c_cc[VTIME] = (uint8_t)vtime;
	line_set_termios(&l, &t);
}

static void defaults_are_linuxs(void)
{
	line_init(&l);
	CHECK(sizeof(struct line_termios) == 36);
	CHECK(l.tio.c_iflag == 02400);
	CHECK(l.tio.c_oflag == 05);
	CHECK(l.tio.c_cflag == 02277);
	CHECK(l.tio.c_lflag == 0105073);
	CHECK(l.tio.c_line == 0);
	CHECK(memcmp(l.tio.c_cc, "\003\034\177\025\004\0\1\0\021\023\032\0\022\017\027\026\0\0\0", 19) == 0);
}

static void canonical_line_waits_for_newline(void)
{
	line_init(&l);
	type("hello");
	CHECK(line_read_check(&l, 100, false) == LINE_READ_WAIT);
	CHECK(line_readable(&l) == 0);
	type("\r"); /* ICRNL */
	CHECK(line_read_check(&l, 100, false) == LINE_READ_NOW);
	CHECK(line_readable(&l) == 6);
	CHECK(strcmp(take(100), "hello\n") == 0);
	CHECK(line_read_check(&l, 100, false) == LINE_READ_WAIT);
}

static void canonical_read_returns_one_line(void)
{
	line_init(&l);
	type("one\ntwo\n");
	CHECK(strcmp(take(100), "one\n") == 0);
	CHECK(strcmp(take(2), "tw") == 0); /* a short read leaves the rest of the line */
	CHECK(strcmp(take(100), "o\n") == 0);
}

static void echo_with_onlcr(void)
{
	line_init(&l);
	type("ab\r");
	CHECK(strcmp(out(), "ab\r\n") == 0);
}

static void erase_echoes_backspace_space_backspace(void)
{
	line_init(&l);
	type("abc\177d\n");
	CHECK(strcmp(out(), "abc\b \bd\r\n") == 0);
	CHECK(strcmp(take(100), "abd\n") == 0);
}

static void erase_at_line_start_does_nothing(void)
{
	line_init(&l);
	type("\177\177x\n");
	CHECK(strcmp(out(), "x\r\n") == 0);
	CHECK(strcmp(take(100), "x\n") == 0);
}

static void erase_control_char_rubs_two_columns(void)
{
	line_init(&l);
	type("a\001\177");
	CHECK(strcmp(out(), "a^A\b \b\b \b") == 0);
}

static void erase_tab_moves_back_to_its_column(void)
{
	line_init(&l);
	type("ab\t\177");
	CHECK(strcmp(out(), "ab\t\b\b\b\b\b\b") == 0); /* the tab went from column 2 to 8 */
}

static void erase_utf8_character_whole(void)
{
	struct line_termios t;

	line_init(&l);
	t = l.tio;
	t.c_iflag |= IUTF8;
	line_set_termios(&l, &t);
	type("a\xc3\xa9\177\n");
	CHECK(strcmp(take(100), "a\n") == 0);
}

static void kill_erases_the_line(void)
{
	line_init(&l);
	type("abc\025x\n");
	CHECK(strcmp(out(), "abc\b \b\b \b\b \bx\r\n") == 0); /* ECHOKE */
	CHECK(strcmp(take(100), "x\n") == 0);
}

static void kill_without_echoke_echoes_newline(void)
{
	struct line_termios t;

	line_init(&l);
	t = l.tio;
	t.c_lflag &= ~(uint32_t)ECHOKE;
	line_set_termios(&l, &t);
	type("abc\025");
	CHECK(strcmp(out(), "abc^U\r\n") == 0);
	CHECK(l.len == 0);
}

static void werase_erases_a_word(void)
{
	line_init(&l);
	type("ls foo_bar  \027baz\n");
	CHECK(strcmp(take(100), "ls baz\n") == 0);
}

static void eof_on_empty_line_reads_zero(void)
{
	line_init(&l);
	type("\004");
	CHECK(line_read_check(&l, 10, false) == LINE_READ_NOW);
	CHECK(line_take(&l, (uint8_t[10]){0}, 10) == 0);
	CHECK(l.len == 0);
	CHECK(strcmp(out(), "") == 0); /* ^D is not echoed */
}

static void eof_pushes_partial_line(void)
{
	line_init(&l);
	type("ab\004cd\n");
	CHECK(strcmp(take(100), "ab") == 0);
	CHECK(strcmp(take(100), "cd\n") == 0);
}

static void intr_signals_and_flushes(void)
{
	line_init(&l);
	type("abc");
	out();
	CHECK(line_input(&l, 3) == LINE_SIGINT);
	CHECK(l.len == 0);
	CHECK(strcmp(out(), "^C") == 0);
	CHECK(line_input(&l, 034) == LINE_SIGQUIT);
	CHECK(line_input(&l, 032) == LINE_SIGTSTP);
}

static void noflsh_keeps_input(void)
{
	struct line_termios t;

	line_init(&l);
	t = l.tio;
	t.c_lflag |= NOFLSH;
	line_set_termios(&l, &t);
	type("abc");
	CHECK(line_input(&l, 3) == LINE_SIGINT);
	CHECK(l.len == 3);
}

static void isig_off_makes_intr_data(void)
{
	struct line_termios t;

	line_init(&l);
	t = l.tio;
	t.c_lflag &= ~(uint32_t)ISIG;
	line_set_termios(&l, &t);
	CHECK(line_input(&l, 3) == 0);
	type("\n");
	CHECK(strcmp(take(10), "\003\n") == 0);
}

static void input_cr_nl_mapping(void)
{
	struct line_termios t;

	line_init(&l);
	t = l.tio;
	t.c_iflag = IGNCR;
	line_set_termios(&l, &t);
	type("a\rb\n");
	CHECK(strcmp(take(10), "ab\n") == 0);
	t.c_iflag = INLCR;
	t.c_lflag &= ~(uint32_t)ICANON;
	line_set_termios(&l, &t);
	type("\n");
	CHECK(strcmp(take(10), "\r") == 0);
	t.c_iflag = 0;
	line_set_termios(&l, &t);
	type("\r");
	CHECK(strcmp(take(10), "\r") == 0);
}

static void lnext_takes_next_literally(void)
{
	line_init(&l);
	type("\026\003\026\177\n");
	CHECK(strcmp(take(10), "\003\177\n") == 0);
}

static void reprint_shows_line_again(void)
{
	line_init(&l);
	type("ab");
	out();
	type("\022");
	CHECK(strcmp(out(), "^R\r\nab") == 0);
}

static void echo_off_echoes_nothing(void)
{
	struct line_termios t;

	line_init(&l);
	t = l.tio;
	t.c_lflag &= ~(uint32_t)ECHO;
	line_set_termios(&l, &t);
	type("secret\n");
	CHECK(strcmp(out(), "") == 0);
	t.c_lflag |= ECHONL;
	line_set_termios(&l, &t);
	type("x\n");
	CHECK(strcmp(out(), "\r\n") == 0);
}

static void echoctl_off_echoes_raw_control(void)
{
	struct line_termios t;

	line_init(&l);
	t = l.tio;
	t.c_lflag &= ~(uint32_t)ECHOCTL;
	line_set_termios(&l, &t);
	type("\001");
	CHECK(strcmp(out(), "\001") == 0);
}

static void raw_vmin_vtime_zero_returns_at_once(void)
{
	line_init(&l);
	raw(0, 0);
	CHECK(line_read_check(&l, 10, false) == LINE_READ_NOW);
	type("x");
	CHECK(strcmp(take(10), "x") == 0);
}

static void raw_vmin_waits_for_count(void)
{
	line_init(&l);
	raw(3, 0);
	type("ab");
	CHECK(line_read_check(&l, 10, false) == LINE_READ_WAIT);
	CHECK(line_read_check(&l, 2, false) == LINE_READ_NOW); /* a read for 2 never needs 3 */
	type("c");
	CHECK(line_read_check(&l, 10, false) == LINE_READ_NOW);
	CHECK(strcmp(take(10), "abc") == 0);
	CHECK(strcmp(out(), "") == 0);
}

static void raw_vtime_only_times_out(void)
{
	bool from_last;
	uint64_t ns;

	line_init(&l);
	raw(0, 5);
	CHECK(line_read_check(&l, 10, false) == LINE_READ_TIMED);
	CHECK(line_read_check(&l, 10, true) == LINE_READ_NOW);
	CHECK(line_read_timer(&l, &from_last, &ns) && !from_last && ns == 500000000ULL);
	type("q");
	CHECK(line_read_check(&l, 10, false) == LINE_READ_NOW);
}

static void raw_vmin_vtime_interbyte(void)
{
	bool from_last;
	uint64_t ns;

	line_init(&l);
	raw(4, 2);
	CHECK(line_read_check(&l, 10, false) == LINE_READ_WAIT); /* no timer before the first byte */
	type("a");
	CHECK(line_read_check(&l, 10, false) == LINE_READ_TIMED);
	CHECK(line_read_check(&l, 10, true) == LINE_READ_NOW);
	CHECK(line_read_timer(&l, &from_last, &ns) && from_last && ns == 200000000ULL);
	type("bcd");
	CHECK(line_read_check(&l, 10, false) == LINE_READ_NOW);
}

static void leaving_canonical_makes_line_readable(void)
{
	line_init(&l);
	type("par");
	raw(1, 0);
	CHECK(line_readable(&l) == 3);
	CHECK(strcmp(take(10), "par") == 0);
}

static void ixon_stops_and_starts_output(void)
{
	line_init(&l);
	type("\023");
	CHECK(l.stopped);
	CHECK(line_write(&l, (const uint8_t *)"hi", 2) == 2);
	CHECK(strcmp(out(), "") == 0);
	type("\021");
	CHECK(!l.stopped);
	CHECK(strcmp(out(), "hi") == 0);
	CHECK(l.len == 0); /* ^S and ^Q are not input */
}

static void ixany_restarts_on_any_key(void)
{
	struct line_termios t;

	line_init(&l);
	t = l.tio;
	t.c_iflag |= IXANY;
	line_set_termios(&l, &t);
	type("\023x");
	CHECK(!l.stopped);
}

static void opost_onlcr_on_write(void)
{
	struct line_termios t;

	line_init(&l);
	CHECK(line_write(&l, (const uint8_t *)"a\nb", 3) == 3);
	CHECK(strcmp(out(), "a\r\nb") == 0);
	t = l.tio;
	t.c_oflag &= ~(uint32_t)OPOST;
	line_set_termios(&l, &t);
	line_write(&l, (const uint8_t *)"a\nb", 3);
	CHECK(strcmp(out(), "a\nb") == 0);
	t.c_oflag = OPOST | OLCUC | OCRNL;
	line_set_termios(&l, &t);
	line_write(&l, (const uint8_t *)"ab\r", 3);
	CHECK(strcmp(out(), "AB\n") == 0);
}

static void write_stops_when_queue_full(void)
{
	static uint8_t big[LINE_OUTPUT_MAX];

	line_init(&l);
	memset(big, '\n', sizeof(big));
	CHECK(line_write(&l, big, sizeof(big)) == LINE_OUTPUT_MAX / 2);
	CHECK(line_out_room(&l) == 0);
	out();
	CHECK(line_out_room(&l) == LINE_OUTPUT_MAX);
}

static void canonical_input_full_keeps_room_for_newline(void)
{
	line_init(&l);
	for (int i = 0; i < LINE_INPUT_MAX + 10; i++)
		line_input(&l, 'x');
	CHECK(l.len == LINE_INPUT_MAX - 1);
	type("\n");
	CHECK(line_readable(&l) == LINE_INPUT_MAX);
}

static void flushes(void)
{
	line_init(&l);
	type("abc\ndef");
	line_flush_input(&l);
	CHECK(l.len == 0 && line_readable(&l) == 0);
	CHECK(strlen(out()) > 0);
	line_write(&l, (const uint8_t *)"x", 1);
	line_flush_output(&l);
	CHECK(strcmp(out(), "") == 0);
}

static void disabled_special_chars_are_data(void)
{
	struct line_termios t;

	line_init(&l);
	t = l.tio;
	t.c_cc[VERASE] = 0; /* _POSIX_VDISABLE */
	line_set_termios(&l, &t);
	type("a\177\n");
	CHECK(strcmp(take(10), "a\177\n") == 0);
	line_input(&l, 0); /* NUL must not match a disabled VEOL */
	CHECK(line_readable(&l) == 0);
}

int main(void)
{
	RUN(defaults_are_linuxs);
	RUN(canonical_line_waits_for_newline);
	RUN(canonical_read_returns_one_line);
	RUN(echo_with_onlcr);
	RUN(erase_echoes_backspace_space_backspace);
	RUN(erase_at_line_start_does_nothing);
	RUN(erase_control_char_rubs_two_columns);
	RUN(erase_tab_moves_back_to_its_column);
	RUN(erase_utf8_character_whole);
	RUN(kill_erases_the_line);
	RUN(kill_without_echoke_echoes_newline);
	RUN(werase_erases_a_word);
	RUN(eof_on_empty_line_reads_zero);
	RUN(eof_pushes_partial_line);
	RUN(intr_signals_and_flushes);
	RUN(noflsh_keeps_input);
	RUN(isig_off_makes_intr_data);
	RUN(input_cr_nl_mapping);
	RUN(lnext_takes_next_literally);
	RUN(reprint_shows_line_again);
	RUN(echo_off_echoes_nothing);
	RUN(echoctl_off_echoes_raw_control);
	RUN(raw_vmin_vtime_zero_returns_at_once);
	RUN(raw_vmin_waits_for_count);
	RUN(raw_vtime_only_times_out);
	RUN(raw_vmin_vtime_interbyte);
	RUN(leaving_canonical_makes_line_readable);
	RUN(ixon_stops_and_starts_output);
	RUN(ixany_restarts_on_any_key);
	RUN(opost_onlcr_on_write);
	RUN(write_stops_when_queue_full);
	RUN(canonical_input_full_keeps_room_for_newline);
	RUN(flushes);
	RUN(disabled_special_chars_are_data);
	return check_exit();
}
