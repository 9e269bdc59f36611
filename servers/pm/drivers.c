/*
 * The terminal driver, which asks pm for the keyboard's signals (^C, ^Z,
 * ^\, SIGWINCH, SIGHUP): pm pulls them when it notifies (proto/pm.h). The
 * driver is a service rs restarts under a new endpoint, and ds is the one
 * place where endpoints change (DESIGN.md, "Self-healing"): pm takes the
 * first endpoint from the boot information, subscribes to the label "tty"
 * in ds, and follows every change. A new incarnation may notify pm before
 * ds does (pending notifications are taken lowest slot first), so a
 * notification from an endpoint pm does not know is checked with ds before
 * it is ignored. An image without ds (the test images without rs) has no
 * restarts, and its boot information stays right.
 */
#include <string.h>

#include <proto/ds.h>
#include <sys/info.h>

#include "pm.h"

static endpoint_t ds = AX_NONE, tty = AX_NONE;

void drivers_init(void)
{
	tty = ax_boot_endpoint("tty");
	ds = ax_boot_endpoint("ds");
	if (ds != AX_NONE && ds_call(ds, DS_SUBSCRIBE, "tty", 0, 0, 0) < 0) {
		ax_printf("pm: cannot follow tty in ds: after a restart of the terminal driver, ^C will not reach anyone\n");
		ds = AX_NONE;
	}
}

/* The tty driver is now ep (AX_NONE: ended, not back yet). */
static void tty_is(endpoint_t ep)
{
	if (ep == tty)
		return;
	tty = ep;
	if (ep != AX_NONE)
		ax_printf("pm: the tty driver is endpoint %d now\n", ep);
}

/* ds notified pm: take every change of the labels it follows. */
void drivers_changed(void)
{
	struct ds_reply rp;

	for (int n = 0; n < 16 && ds_call(ds, DS_CHECK, "-", 0, 0, &rp) == 0; n++)
		if (strcmp(rp.label, "tty") == 0)
			tty_is(rp.state == DS_UP ? (endpoint_t)rp.endpoint : AX_NONE);
}

bool from_ds(endpoint_t src) { return ds != AX_NONE && src == ds; }

/* Is src the tty driver? (a notification from it: it has signals queued) */
bool from_tty(endpoint_t src)
{
	struct ds_reply rp;

	if (src == tty && tty != AX_NONE)
		return true;
	if (ds == AX_NONE || src <= 0 || ds_call(ds, DS_LOOKUP, "tty", 0, 0, &rp) < 0)
		return false;
	tty_is(rp.state == DS_UP ? (endpoint_t)rp.endpoint : AX_NONE);
	return src == tty;
}
