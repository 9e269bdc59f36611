/* grant_check: every way a safe copy can be allowed or refused. */
#include "check.h"
#include "grant.h"

#define ME 0x301
#define TOP 0x800000000000ULL

static struct ax_grant g(uint32_t flags, endpoint_t grantee, uint64_t addr, uint64_t len)
{
	return (struct ax_grant){.flags = flags, .grantee = grantee, .addr = addr, .len = len};
}

static uint64_t at;

static void read_grant_allows_copy_from(void)
{
	struct ax_grant r = g(AX_GRANT_VALID | AX_GRANT_READ, ME, 0x1000, 100);

	CHECK(grant_check(&r, ME, 10, 50, AX_COPY_FROM, false, TOP, &at) == 0);
	CHECK(at == 0x100a);
}

static void read_grant_refuses_copy_to(void)
{
	struct ax_grant r = g(AX_GRANT_VALID | AX_GRANT_READ, ME, 0x1000, 100);

	CHECK(grant_check(&r, ME, 0, 1, AX_COPY_TO, false, TOP, &at) == -AX_EPERM);
}

static void write_grant_allows_only_copy_to(void)
{
	struct ax_grant w = g(AX_GRANT_VALID | AX_GRANT_WRITE, ME, 0x1000, 100);

	CHECK(grant_check(&w, ME, 0, 100, AX_COPY_TO, false, TOP, &at) == 0);
	CHECK(grant_check(&w, ME, 0, 1, AX_COPY_FROM, false, TOP, &at) == -AX_EPERM);
}

static void grantee_must_match(void)
{
	struct ax_grant r = g(AX_GRANT_VALID | AX_GRANT_READ, ME, 0x1000, 100);
	struct ax_grant any = g(AX_GRANT_VALID | AX_GRANT_READ, AX_ANY, 0x1000, 100);

	CHECK(grant_check(&r, ME + 256, 0, 1, AX_COPY_FROM, false, TOP, &at) == -AX_EPERM);
	CHECK(grant_check(&any, 0x999, 0, 1, AX_COPY_FROM, false, TOP, &at) == 0);
}

static void invalid_entry_is_no_grant(void)
{
	struct ax_grant r = g(AX_GRANT_READ | AX_GRANT_WRITE, ME, 0x1000, 100);

	CHECK(grant_check(&r, ME, 0, 1, AX_COPY_FROM, false, TOP, &at) == -AX_ESRCH);
}

static void range_is_checked_without_overflow(void)
{
	struct ax_grant r = g(AX_GRANT_VALID | AX_GRANT_READ, ME, 0x1000, 100);

	CHECK(grant_check(&r, ME, 0, 100, AX_COPY_FROM, false, TOP, &at) == 0);
	CHECK(grant_check(&r, ME, 100, 0, AX_COPY_FROM, false, TOP, &at) == 0);
	CHECK(grant_check(&r, ME, 1, 100, AX_COPY_FROM, false, TOP, &at) == -AX_EINVAL);
	CHECK(grant_check(&r, ME, 101, 0, AX_COPY_FROM, false, TOP, &at) == -AX_EINVAL);
	CHECK(grant_check(&r, ME, UINT64_MAX, 2, AX_COPY_FROM, false, TOP, &at) == -AX_EINVAL);
	CHECK(grant_check(&r, ME, 2, UINT64_MAX, AX_COPY_FROM, false, TOP, &at) == -AX_EINVAL);
}

static void magic_grant_needs_privilege(void)
{
	struct ax_grant m = g(AX_GRANT_VALID | AX_GRANT_READ | AX_GRANT_MAGIC, ME, 0x1000, 100);

	CHECK(grant_check(&m, ME, 0, 1, AX_COPY_FROM, false, TOP, &at) == -AX_EPERM);
	CHECK(grant_check(&m, ME, 0, 1, AX_COPY_FROM, true, TOP, &at) == 0);
}

static void grant_outside_user_memory_efault(void)
{
	struct ax_grant k = g(AX_GRANT_VALID | AX_GRANT_READ, ME, TOP - 10, 100);
	struct ax_grant wrap = g(AX_GRANT_VALID | AX_GRANT_READ, ME, UINT64_MAX - 5, 100);

	CHECK(grant_check(&k, ME, 0, 1, AX_COPY_FROM, false, TOP, &at) == -AX_EFAULT);
	CHECK(grant_check(&wrap, ME, 0, 1, AX_COPY_FROM, false, TOP, &at) == -AX_EFAULT);
}

static void bad_direction_einval(void)
{
	struct ax_grant r = g(AX_GRANT_VALID | AX_GRANT_READ | AX_GRANT_WRITE, ME, 0x1000, 100);

	CHECK(grant_check(&r, ME, 0, 1, 7, false, TOP, &at) == -AX_EINVAL);
}

int main(void)
{
	RUN(read_grant_allows_copy_from);
	RUN(read_grant_refuses_copy_to);
	RUN(write_grant_allows_only_copy_to);
	RUN(grantee_must_match);
	RUN(invalid_entry_is_no_grant);
	RUN(range_is_checked_without_overflow);
	RUN(magic_grant_needs_privilege);
	RUN(grant_outside_user_memory_efault);
	RUN(bad_direction_einval);
	return check_exit();
}
