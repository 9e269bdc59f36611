/* Dates to seconds since 1970, for the RTC's wall-clock time. Pure logic. */
#ifndef PM_CALENDAR_H
#define PM_CALENDAR_H

#include <stdint.h>

/* The RTC's BCD byte as a number. */
static inline unsigned bcd(unsigned v) { return (v >> 4) * 10 + (v & 15); }

/* Days from 1970-01-01 to year-month-day (proleptic Gregorian; month 1..12). */
static inline int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static inline int64_t epoch_seconds(int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
	return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

#endif
