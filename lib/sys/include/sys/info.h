/*
 * Publishing information tables (proto/info.h) and finding them: the calls
 * a server makes to say where its table is, and procfs's to find it; and
 * the mount table's writer, which vfs calls on every mount and unmount.
 */
#ifndef SYS_INFO_H
#define SYS_INFO_H

#include <stddef.h>

#include "../proto/info.h"

/* One mounted file system, as /proc/mounts names it. */
struct info_mount {
	const char *source;  /* "ramfs", "/dev/sda1", "proc" */
	const char *target;  /* the absolute path it covers: "/" for the root */
	const char *fstype;  /* "ramfs", "ext2", "proc" */
	const char *options; /* "rw", "ro,noatime" */
};

/*
 * Rewrite t (under its seqlock) to list n mounts, root first. 0, or
 * -ENAMETOOLONG if the lines do not fit in INFO_MOUNTS_TEXT_MAX bytes:
 * t then lists the mounts that fitted, in order.
 */
int info_mounts_set(struct info_mounts *t, const struct info_mount *mounts, int n);

/*
 * One request to ds (proto/ds.h) about label, as ourselves (endpoint
 * ax_self), with len bytes of value: ds's status (0 or a negative errno),
 * -EINVAL for a bad label or value, -EDEADEP if ds could not be reached;
 * the reply in *out (if not 0).
 */
struct ds_reply;
int ds_call(endpoint_t ds, int type, const char *label, const void *value, size_t len, struct ds_reply *out);

/*
 * Say in ds (endpoint ds) where our table is: publish our endpoint under
 * label (if it is not yet), then store {us, grant, size, magic} under key.
 * 0 or a negative errno.
 */
int info_publish(endpoint_t ds, const char *label, const char *key, uint32_t grant, uint64_t size, uint32_t magic);

/* What owner published under key: 0 and *where, or a negative errno (-ESRCH: nothing). */
int info_find(endpoint_t ds, const char *owner, const char *key, struct info_location *where);

#endif
