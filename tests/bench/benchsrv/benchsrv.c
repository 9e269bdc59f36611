/*
 * The server side of the benchmarks: answers IPC round trips with
 * replyrecv (the path the fast path is built for), answers getpid for the
 * POSIX bridge benchmark and prints what benchposix measured.
 */
#include "../bench.h"

static endpoint_t routes[NR_BENCH_REPORT + 1];

int main(void)
{
	ax_message m;
	int r;

	for (unsigned i = 0; i <= NR_BENCH_REPORT; i++)
		routes[i] = AX_NONE;
	routes[NR_GETPID] = routes[NR_BENCH_REPORT] = ax_self;
	ax_kcall(KC_POSIX_ROUTE, &(ax_message){.u64 = {(uint64_t)routes, NR_BENCH_REPORT + 1}});
	r = ax_receive(AX_ANY, &m);
	for (;;) {
		if (r < 0) {
			r = ax_receive(AX_ANY, &m);
			continue;
		}
		if (m.type == AX_MSG_POSIX + NR_GETPID) {
			m.i64[0] = m.source;
		} else if (m.type == AX_MSG_POSIX + NR_BENCH_REPORT) {
			bench_report("posix_bridge_roundtrip", m.u64[0], m.u64[1]);
			m.i64[0] = 0;
			ax_notify(ax_boot_endpoint("benchcli")); /* benchposix is done */
		}
		r = ax_replyrecv(m.source, &m, AX_ANY);
	}
}
