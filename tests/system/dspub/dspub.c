/* Publishes itself in ds as "drv.one" when test_ds asks, so test_ds sees a subscription fire. */
#include <proto/ds.h>

#include "../test.h"

int main(void)
{
	ax_message m;
	struct ds_request *rq = (struct ds_request *)m.bytes;

	while (ax_receive(ax_boot_endpoint("test_ds"), &m) < 0)
		;
	memset(&m, 0, sizeof(m));
	m.type = DS_PUBLISH;
	memcpy(rq->label, "drv.one", 8);
	rq->endpoint = ax_self;
	ax_sendrec(ax_boot_endpoint("ds"), &m);
	for (;;)
		ax_sleep_ms(3600 * 1000);
}
