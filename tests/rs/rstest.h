/*
 * Shared by the programs of rs's test image: how many report to rsctl, and
 * finding rs's log lines in the kernel log.
 */
#ifndef TESTS_RS_RSTEST_H
#define TESTS_RS_RSTEST_H

#include "../system/test.h"

/* svc_loop -> rs_check at each start: u64[0] = its start time (ns), u64[1] = its restart count, i64[2] = itself. */
#define T_LOOP_STARTED 0x180
/* svc_hang -> rs_check: u64[0] = when it answered its last ping before it hangs, u64[1] = its restart count. */
#define T_HANG_NOW 0x181
/* svc_hang -> rs_check: u64[0] = when its next incarnation started, u64[1] = its restart count. */
#define T_HANG_STARTED 0x182

/* The services that report TEST lines and then T_DONE to rsctl: rs_start, rs_args, rs_priv, rs_check, svc_kept. */
#define RS_REPORTERS 5

static inline const char *find_text(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return s + i;
	return 0;
}

/*
 * Is there a line in the kernel log that contains a, and after it b (b
 * may be 0)? The whole line is copied into line (if not 0). Needs klog.
 */
static inline int log_line(const char *a, const char *b, char *line, size_t size)
{
	static char log[65536];
	ax_message m = {.u64 = {(uint64_t)log, sizeof(log), 0}};
	const char *p, *end;

	if (ax_kcall(KC_KLOG_READ, &m) < 0)
		return 0;
	end = log + m.u64[0];
	for (p = log; p < end;) {
		const char *eol = p, *at;

		while (eol < end && *eol != '\n')
			eol++;
		at = find_text(p, (size_t)(eol - p), a);
		if (at && (!b || find_text(at, (size_t)(eol - at), b))) {
			if (line) {
				size_t n = (size_t)(eol - p) < size - 1 ? (size_t)(eol - p) : size - 1;

				memcpy(line, p, n);
				line[n] = 0;
			}
			return 1;
		}
		p = eol + 1;
	}
	return 0;
}

/* Wait up to ms for such a line (needs alarm). */
static inline int wait_log_line(const char *a, const char *b, unsigned ms, char *line, size_t size)
{
	for (unsigned waited = 0;; waited += 20) {
		if (log_line(a, b, line, size))
			return 1;
		if (waited >= ms)
			return 0;
		ax_sleep_ms(20);
	}
}

/* The endpoint the boot information lists under name, or AX_NONE. */
static inline endpoint_t listed(const char *name)
{
	return ax_boot_endpoint(name);
}

#endif
