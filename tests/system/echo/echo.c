/* The peer of test_ipc: answers in the ways test_ipc asks for. */
#include "../test.h"

int main(void)
{
	ax_message m;
	int r = ax_receive(AX_ANY, &m);

	for (;;) {
		endpoint_t client = m.source;
		int notes = 0;

		if (r < 0) {
			r = ax_receive(AX_ANY, &m);
			continue;
		}
		switch (m.type) {
		case T_ECHO:
			for (int i = 0; i < 6; i++)
				m.u64[i]++;
			m.u64[6] = (uint64_t)(int64_t)client;
			break;
		case T_LATER:
			m.u64[0] = 0xfeed;
			ax_send(client, &m);
			r = ax_receive(AX_ANY, &m);
			continue;
		case T_IGNORE:
			r = ax_receive(AX_ANY, &m);
			continue;
		case T_NOTIFY_TEST:
			ax_sendnb(client, &m); /* client waits in sendrec: the reply goes through */
			ax_sleep_ms(30);
			for (;;) { /* pending notifications are received before queued messages */
				r = ax_receive(AX_ANY, &m);
				if (r < 0 || m.type != AX_MSG_NOTIFY)
					break;
				notes += m.source == client ? 1 : 1000;
			}
			if (r == 0 && m.type == T_COUNT) {
				m.u64[0] = (uint64_t)notes;
				r = ax_replyrecv(m.source, &m, AX_ANY);
			}
			continue;
		default:
			m.u64[0] = (uint64_t)-1;
		}
		r = ax_replyrecv(client, &m, AX_ANY);
	}
}
