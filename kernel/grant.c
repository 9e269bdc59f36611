#include "grant.h"

int grant_check(const struct ax_grant *g, endpoint_t who, uint64_t offset, uint64_t len, int dir,
		bool granter_magic, uint64_t user_top, uint64_t *addr)
{
	uint32_t need = dir == AX_COPY_FROM ? AX_GRANT_READ : AX_GRANT_WRITE;

	if (!(g->flags & AX_GRANT_VALID))
		return -AX_ESRCH;
	if (dir != AX_COPY_FROM && dir != AX_COPY_TO)
		return -AX_EINVAL;
	if (g->grantee != AX_ANY && g->grantee != who)
		return -AX_EPERM;
	if (!(g->flags & need))
		return -AX_EPERM;
	if ((g->flags & AX_GRANT_MAGIC) && !granter_magic)
		return -AX_EPERM;
	if (offset > g->len || len > g->len - offset)
		return -AX_EINVAL;
	if (g->addr > user_top || g->len > user_top - g->addr)
		return -AX_EFAULT;
	*addr = g->addr + offset;
	return 0;
}
