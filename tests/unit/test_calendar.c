/* pm's wall clock: RTC dates to Unix time, checked against known instants. */
#include "check.h"
#include "../../servers/pm/calendar.h"

static void known_dates(void)
{
	CHECK(epoch_seconds(1970, 1, 1, 0, 0, 0) == 0);
	CHECK(epoch_seconds(2000, 3, 1, 0, 0, 0) == 951868800);   /* after a century leap day */
	CHECK(epoch_seconds(2024, 2, 29, 12, 0, 0) == 1709208000); /* a leap day */
	CHECK(epoch_seconds(2026, 12, 2, 5, 12, 30) == 1796188350);
	CHECK(epoch_seconds(1969, 12, 31, 23, 59, 59) == -1);
}

static void bcd_bytes(void)
{
	CHECK(bcd(0x59) == 59);
	CHECK(bcd(0x00) == 0);
	CHECK(bcd(0x12) == 12);
}

int main(void)
{
	RUN(known_dates);
	RUN(bcd_bytes);
	return check_exit();
}
