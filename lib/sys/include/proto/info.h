/*
 * Published information: tables a server keeps in its own memory for
 * others to read without asking it (procfs reads them; it may never
 * sendrec pm, rs or vfs, which sendrec each other and vfs sendrecs procfs:
 * a request would close a cycle). The owner makes a standing grant over
 * the table, read-only, grantee AX_ANY; readers copy with KC_SAFECOPY.
 * Everything a table holds is guarded by a seqlock (sys/seqlock.h).
 *
 * pm and rs are boot processes that run before ds and are never restarted:
 * their tables are at fixed grants (PM_INFO_GRANT in proto/pm.h,
 * RS_INFO_GRANT in proto/rs.h). Any other server says where its table is
 * by a value in ds (DS_STORE under its own published label, read by anyone
 * with DS_FETCH): a struct info_location under a key named here.
 * lib/sys's sys/info.h has the calls that publish and find them.
 *
 * The mount table (vfs publishes it; /proc/mounts serves it):
 *   owner label INFO_MOUNTS_OWNER ("vfs"), key INFO_MOUNTS_KEY ("mounts");
 *   the granted bytes are a struct info_mounts: text exactly as Linux's
 *   /proc/mounts shows it, one line per mount from the root down:
 *       SOURCE TARGET FSTYPE OPTIONS 0 0\n
 *   e.g. "ramfs / ramfs rw 0 0\n", with Linux's escapes in SOURCE and
 *   TARGET (space \040, tab \011, newline \012, backslash \134).
 *   info_mounts_set (sys/info.h) writes it.
 */
#ifndef PROTO_INFO_H
#define PROTO_INFO_H

#include <stdint.h>

#include <axolotl/abi.h>

/* The ds value (DS_VALUE_MAX bytes) that says where a table is. */
struct info_location {
	endpoint_t granter; /* whose grant (the owner's endpoint when it published) */
	uint32_t grant;     /* grant id in the granter's table */
	uint64_t size;      /* bytes granted */
	uint32_t magic;     /* the table's layout (its header's magic) */
	uint32_t reserved;
};

_Static_assert(sizeof(struct info_location) == 24, "info_location fills a ds value");

#define INFO_MOUNTS_OWNER "vfs"
#define INFO_MOUNTS_KEY "mounts"
#define INFO_MOUNTS_MAGIC 0x4d4e5431 /* "MNT1" */
#define INFO_MOUNTS_TEXT_MAX 4080

struct info_mounts {
	uint32_t magic; /* INFO_MOUNTS_MAGIC */
	uint32_t seq;   /* seqlock over len, count and text */
	uint32_t len;   /* bytes of text */
	uint32_t count; /* lines */
	char text[INFO_MOUNTS_TEXT_MAX];
};

_Static_assert(sizeof(struct info_mounts) == 4096, "info_mounts is one page");

#endif
