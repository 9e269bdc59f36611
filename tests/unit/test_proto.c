/*
 * The protocols' shared rules (lib/sys/include/proto/): how a server reads a
 * Linux call's arguments (posix.h), and that the typed requests lie in a
 * message's payload where the other side looks for them.
 */
#include <stddef.h>

#include "../../lib/sys/include/proto/dev.h"
#include "../../lib/sys/include/proto/pm.h"
#include "../../lib/sys/include/proto/posix.h"
#include "../../lib/sys/include/proto/vfs.h"

#include "check.h"

static ax_message call(uint64_t a0, uint64_t a1, uint64_t a2)
{
	return (ax_message){.type = AX_MSG_POSIX + 257, .u64 = {a0, a1, a2}};
}

static void an_int_argument_is_its_low_half(void)
{
	ax_message m = call(0xdeadbeef00000005ULL, 0x00000000ffffff9cULL, 0xffffffffffffffffULL);

	CHECK(posix_call(&m) == 257);
	CHECK(arg_int(&m, 0) == 5);    /* garbage above a descriptor is ignored, as Linux ignores it */
	CHECK(arg_int(&m, 1) == -100); /* AT_FDCWD passed as a 32-bit value */
	CHECK(arg_int(&m, 2) == -1);
	CHECK(arg_uint(&m, 0) == 5);
	CHECK(arg_uint(&m, 2) == 0xffffffffu); /* (uid_t)-1: "keep" in the set*id calls */
}

static void a_pointer_or_length_is_the_whole_register(void)
{
	ax_message m = call(0x00007fffffffe000ULL, 0x100000000ULL, 0xfffffffffffffff6ULL);

	CHECK(arg_ptr(&m, 0) == 0x00007fffffffe000ULL);
	CHECK(arg_ulong(&m, 1) == 0x100000000ULL); /* a size_t over 4 GiB stays over 4 GiB */
	CHECK(arg_long(&m, 2) == -10);            /* an off_t keeps its sign */
}

static void requests_lie_where_the_slots_were(void)
{
	/* Each request begins at the payload; fields of the first eight bytes are the first slot. */
	CHECK(offsetof(ax_message, bytes) == 8);
	CHECK(offsetof(struct dev_io_req, minor) == 0 && offsetof(struct dev_io_req, id) == 44);
	CHECK(offsetof(struct dev_ioctl_req, flags) == 52);
	CHECK(offsetof(struct dev_status_reply, result) == 24);
	CHECK(offsetof(struct vfs_exec_open_reply, handle) == 0); /* the reply's i64[0]: the result */
	CHECK(offsetof(struct pm_signal_pull_reply, kind) == 0);
	CHECK(offsetof(struct vfs_setid_req, euid) == 16);
}

static void every_request_fits_a_message(void)
{
	ax_message m;

	CHECK(sizeof(struct dev_io_req) <= sizeof(m.bytes));
	CHECK(sizeof(struct dev_ioctl_req) <= sizeof(m.bytes));
	CHECK(sizeof(struct vfs_exec_open_reply) <= sizeof(m.bytes));
	CHECK(sizeof(struct vfs_setid_req) <= sizeof(m.bytes));
}

int main(void)
{
	RUN(an_int_argument_is_its_low_half);
	RUN(a_pointer_or_length_is_the_whole_register);
	RUN(requests_lie_where_the_slots_were);
	RUN(every_request_fits_a_message);
	return check_exit();
}
