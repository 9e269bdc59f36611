/* Publishes grants for test_grant: which it may read, write, or not touch. */
#include "../test.h"

static char readable[100], writable[64], others[16];
static struct ax_grant table[5];

int main(void)
{
	endpoint_t grantee = ax_boot_endpoint("test_grant");
	ax_message m;

	for (int i = 0; i < 100; i++)
		readable[i] = (char)('A' + i % 26);
	table[0] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ, grantee, 0, 0, (uint64_t)readable, 100};
	table[1] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_WRITE, grantee, 0, 0, (uint64_t)writable, 64};
	table[2] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ, ax_boot_endpoint("testctl"), 0, 0,
				     (uint64_t)others, 16};
	table[3] = (struct ax_grant){0, grantee, 0, 0, (uint64_t)others, 16}; /* not valid */
	table[4] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ | AX_GRANT_MAGIC, grantee, grantee, 0,
				     0x400000, 16}; /* we lack AX_PRIV_MAGIC */
	for (;;) {
		if (ax_receive(AX_ANY, &m) < 0)
			continue;
		if (m.type == T_GRANT_SETUP) {
			m.u64[0] = 0;
			m.u64[0] = (uint64_t)ax_kcall(KC_GRANT_TABLE, &(ax_message){.u64 = {(uint64_t)table, 5}});
		} else if (m.type == T_GRANT_CHECK) {
			m.u64[0] = 1;
			for (int i = 0; i < 64; i++)
				if (writable[i] != (char)(i ^ 0x5a))
					m.u64[0] = 0;
		} else if (m.type == T_GRANT_REVOKE && m.u64[0] < 5) {
			table[m.u64[0]].flags = 0;
		}
		ax_sendnb(m.source, &m);
	}
}
