/* Safe copies through grants: what the granter allowed works, nothing else does. */
#include "../test.h"

static endpoint_t granter;

static int copy(uint64_t grant, uint64_t off, void *mine, uint64_t len, int dir)
{
	ax_message m = {.u64 = {(uint64_t)(int64_t)granter, grant, off, (uint64_t)mine, len, (uint64_t)dir}};

	return ax_kcall(KC_SAFECOPY, &m);
}

/* AX_COPY_VEC: n pieces of the caller's memory, one after the other in the grant from off. */
static int copy_vec(uint64_t grant, uint64_t off, const struct ax_copy_vec *v, uint64_t n, int dir)
{
	ax_message m = {.u64 = {(uint64_t)(int64_t)granter, grant, off, (uint64_t)v, n, (uint64_t)dir | AX_COPY_VEC}};

	return ax_kcall(KC_SAFECOPY, &m);
}

static uint64_t ask(int type, uint64_t arg)
{
	ax_message m = {.type = type, .u64 = {arg}};

	ax_sendrec(granter, &m);
	return m.u64[0];
}

int main(void)
{
	char buf[128];
	int ok = 1;

	granter = ax_boot_endpoint("granter");
	test_eq("grant_table_published", (int64_t)ask(T_GRANT_SETUP, 0), 0);

	memset(buf, 0, sizeof(buf));
	test_eq("grant_copy_from_read_grant", copy(0, 10, buf, 64, AX_COPY_FROM), 0);
	for (int i = 0; i < 64; i++)
		ok = ok && buf[i] == (char)('A' + (i + 10) % 26);
	test_result("grant_copied_bytes_correct", ok, "wrong bytes");
	test_eq("grant_copy_to_read_grant_eperm", copy(0, 0, buf, 8, AX_COPY_TO), -AX_EPERM);
	test_eq("grant_copy_past_end_einval", copy(0, 60, buf, 64, AX_COPY_FROM), -AX_EINVAL);
	test_eq("grant_copy_huge_offset_einval", copy(0, ~0ULL - 4, buf, 8, AX_COPY_FROM), -AX_EINVAL);

	for (int i = 0; i < 64; i++)
		buf[i] = (char)(i ^ 0x5a);
	test_eq("grant_copy_to_write_grant", copy(1, 0, buf, 64, AX_COPY_TO), 0);
	test_eq("grant_written_bytes_arrived", (int64_t)ask(T_GRANT_CHECK, 0), 1);
	test_eq("grant_copy_from_write_grant_eperm", copy(1, 0, buf, 8, AX_COPY_FROM), -AX_EPERM);

	test_eq("grant_for_other_grantee_eperm", copy(2, 0, buf, 8, AX_COPY_FROM), -AX_EPERM);
	test_eq("grant_invalid_entry_esrch", copy(3, 0, buf, 8, AX_COPY_FROM), -AX_ESRCH);
	test_eq("grant_beyond_table_esrch", copy(999, 0, buf, 8, AX_COPY_FROM), -AX_ESRCH);
	test_eq("grant_magic_without_privilege_eperm", copy(4, 0, buf, 8, AX_COPY_FROM), -AX_EPERM);
	test_eq("grant_bad_local_buffer_efault", copy(0, 0, (void *)0x500000000, 8, AX_COPY_FROM), -AX_EFAULT);

	{
		char a[5], b[20], c[7];
		struct ax_copy_vec v[AX_COPY_VEC_MAX + 1] = {{(uint64_t)a, 5}, {(uint64_t)b, 20}, {(uint64_t)c, 7}};
		char out[32];

		test_eq("grant_vector_copy_from_gathers", copy_vec(0, 10, v, 3, AX_COPY_FROM), 0);
		memcpy(out, a, 5), memcpy(out + 5, b, 20), memcpy(out + 25, c, 7);
		ok = 1;
		for (int i = 0; i < 32; i++)
			ok = ok && out[i] == (char)('A' + (i + 10) % 26);
		test_result("grant_vector_pieces_follow_each_other", ok, "wrong bytes");
		for (int i = 0; i < 64; i++)
			buf[i] = (char)(i ^ 0x5a);
		v[0] = (struct ax_copy_vec){(uint64_t)buf, 40}, v[1] = (struct ax_copy_vec){(uint64_t)buf + 40, 24};
		test_eq("grant_vector_copy_to_scatters", copy_vec(1, 0, v, 2, AX_COPY_TO), 0);
		test_eq("grant_vector_written_bytes_arrived", (int64_t)ask(T_GRANT_CHECK, 0), 1);
		v[0] = (struct ax_copy_vec){(uint64_t)buf, 60}, v[1] = (struct ax_copy_vec){(uint64_t)buf, 64};
		test_eq("grant_vector_past_end_counts_what_went", copy_vec(0, 0, v, 2, AX_COPY_FROM), 60);
		v[0].len = 101;
		test_eq("grant_vector_first_piece_past_end_einval", copy_vec(0, 0, v, 2, AX_COPY_FROM), -AX_EINVAL);
		test_eq("grant_vector_too_many_pieces_efault", copy_vec(0, 0, v, AX_COPY_VEC_MAX + 1, AX_COPY_FROM),
			-AX_EFAULT);
		test_eq("grant_vector_bad_list_efault", copy_vec(0, 0, (void *)0x500000000, 2, AX_COPY_FROM), -AX_EFAULT);
	}

	ask(T_GRANT_REVOKE, 0);
	test_eq("grant_revoked_esrch", copy(0, 0, buf, 8, AX_COPY_FROM), -AX_ESRCH);
	test_done();
	return 0;
}
