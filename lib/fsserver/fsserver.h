/*
 * The file-server side of lib/sys/include/proto/fs.h, as every file server
 * (ramfs, procfs, and the disk file systems to come) speaks it: who may ask,
 * copies through vfs's grants, and the node reply.
 */
#ifndef LIB_FSSERVER_H
#define LIB_FSSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <axolotl/abi.h>
#include <proto/fs.h>

/*
 * A request the server may answer now: only vfs (once known: not AX_NONE)
 * asks, and a read-only file system refuses what would change it. 0, or
 * the error to answer (-EPERM, -EROFS).
 */
int fss_allowed(const ax_message *m, endpoint_t vfs, bool changes, bool read_only);

/*
 * Copy len bytes between buf and [offset, offset + len) of granter's grant:
 * 0 (or, for a vector copy, the count the kernel gives), or -EFAULT
 * whatever the kernel's reason, as the protocol says a failed copy answers.
 */
int fss_copy(endpoint_t granter, uint32_t grant, uint64_t offset, void *buf, uint64_t len, int dir);

/*
 * The names a request carries (one, or two back to back, each at most
 * FS_NAME_MAX bytes: -ENAMETOOLONG otherwise) into names[]: 0 or -EFAULT.
 */
int fss_names(const ax_message *m, uint32_t grant, size_t len1, size_t len2, char *names);

/* The node reply of a lookup, a create or a stat: st's identity, size, mode, links, owner and device. */
void fss_node_reply(ax_message *reply, const struct fs_stat *st);

/* A server's lookup of one name (len bytes) in directory dir: 0 with *out filled, or -errno. */
typedef int fss_lookup_fn(uint64_t dir, const char *name, size_t len, struct fs_stat *out);

#define FSS_PATH_NAMES_MAX 32 /* names one FS_LOOKUP_PATH answers at most */

/*
 * FS_LOOKUP_PATH (proto/fs.h) by the server's own one-name lookup: checks
 * the request, walks the names, writes the records and fills the reply.
 * The call's answer: the count written, or -errno for a bad request.
 */
int64_t fss_lookup_path(const ax_message *m, ax_message *reply, fss_lookup_fn *lookup);

#endif
