/* Formatted output for system processes, written to the kernel log. */
#include <sys/ax.h>

#include <format/format.h>

int ax_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vformat(buf, size, fmt, ap);
}

int ax_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ax_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void ax_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ax_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ax_print(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}
