/* The grant check behind every safe copy. Pure logic; unit tested. */
#ifndef GRANT_H
#define GRANT_H

#include <stdbool.h>
#include <stdint.h>

#include <axolotl/abi.h>

/*
 * May `who` copy len bytes at offset inside grant g, in direction dir
 * (AX_COPY_FROM reads the granted memory, AX_COPY_TO writes it)?
 * granter_magic: the granter holds AX_PRIV_MAGIC. Returns 0 and the granted
 * address to copy at, or -ESRCH (no such grant), -EPERM (not for you, or not
 * that direction), -EINVAL (outside the grant), -EFAULT (grant not user memory).
 */
int grant_check(const struct ax_grant *g, endpoint_t who, uint64_t offset, uint64_t len, int dir,
		bool granter_magic, uint64_t user_top, uint64_t *addr);

#endif
