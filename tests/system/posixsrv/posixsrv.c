/*
 * Test server for the POSIX trap bridge: routes three Linux call numbers
 * to itself, answers posixuser's calls and reports what posixuser found.
 */
#include "../test.h"

#define NR_READ 0
#define NR_GETPID 39
#define NR_EXIT_GROUP 231

static endpoint_t routes[NR_EXIT_GROUP + 1];

static const char *const checks[] = {
	"posix_getpid_answered_by_server", "posix_six_arguments_delivered", "posix_unrouted_call_enosys",
	"posix_native_ipc_from_user_enosys", "posix_huge_call_number_enosys",
};

int main(void)
{
	ax_message m;

	for (unsigned i = 0; i <= NR_EXIT_GROUP; i++)
		routes[i] = AX_NONE;
	routes[NR_READ] = routes[NR_GETPID] = routes[NR_EXIT_GROUP] = ax_self;
	test_eq("posix_route_table_installed",
		ax_kcall(KC_POSIX_ROUTE, &(ax_message){.u64 = {(uint64_t)routes, NR_EXIT_GROUP + 1}}), 0);
	for (;;) {
		int64_t reply = 0;

		if (ax_receive(AX_ANY, &m) < 0)
			continue;
		if (m.type == AX_MSG_POSIX + NR_GETPID) {
			reply = m.source;
		} else if (m.type == AX_MSG_POSIX + NR_READ) {
			for (int i = 0; i < 6; i++)
				reply += (int64_t)m.u64[i] * (i + 1);
		} else if (m.type == AX_MSG_POSIX + NR_EXIT_GROUP) {
			for (unsigned i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
				test_result(checks[i], !(m.u64[0] & (1U << i)), "posixuser saw a wrong value");
			test_eq("posix_exit_ends_caller",
				ax_kcall(KC_PROC_DESTROY, &(ax_message){.u64 = {(uint64_t)(int64_t)m.source}}), 0);
			test_done();
			continue;
		} else {
			reply = -AX_ENOSYS;
		}
		m.i64[0] = reply;
		ax_sendnb(m.source, &m);
	}
}
