/* The shared formatter: conversions, padding, truncation. */
#include <stdarg.h>
#include <stdint.h>

#include "check.h"
#include <format/format.h>

static char out[64];

static int fmt(size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vformat(out, size, f, ap);
	va_end(ap);
	return n;
}

static void conversions(void)
{
	fmt(sizeof(out), "%s|%c|%d|%u|%x|%%", "ab", 'z', -42, 42u, 0xbeefu);
	CHECK(strcmp(out, "ab|z|-42|42|beef|%") == 0);
	fmt(sizeof(out), "%ld %lx", (int64_t)INT64_MIN, (uint64_t)UINT64_MAX);
	CHECK(strcmp(out, "-9223372036854775808 ffffffffffffffff") == 0);
}

static void pointer_is_16_hex_digits(void)
{
	fmt(sizeof(out), "%p", (void *)0x1234);
	CHECK(strcmp(out, "0000000000001234") == 0);
}

static void width_and_padding(void)
{
	fmt(sizeof(out), "[%08x][%5d][%-6s][%6s]", 0xabu, 42, "ab", "cd");
	CHECK(strcmp(out, "[000000ab][   42][ab    ][    cd]") == 0);
}

static void null_string(void)
{
	fmt(sizeof(out), "%s", (char *)NULL);
	CHECK(strcmp(out, "(null)") == 0);
}

static void truncates_and_reports_full_length(void)
{
	CHECK(fmt(5, "hello world") == 11);
	CHECK(strcmp(out, "hell") == 0);
	memset(out, 'x', sizeof(out));
	CHECK(fmt(0, "abc") == 3);
	CHECK(out[0] == 'x');
}

int main(void)
{
	RUN(conversions);
	RUN(pointer_is_16_hex_digits);
	RUN(width_and_padding);
	RUN(null_string);
	RUN(truncates_and_reports_full_length);
	return check_exit();
}
