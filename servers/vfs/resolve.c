/*
 * The one resolver: every call that names a file by a path, a descriptor,
 * or both (the *at calls: a directory descriptor, a path, AT_* flags)
 * comes here. A path is copied from the caller's memory, then walked by
 * path.c's rules from the process's root, its current directory, or the
 * descriptor's directory; AT_EMPTY_PATH names the descriptor's own file.
 */
#include <string.h>

#include "vfs.h"

/*
 * A NUL-terminated path from the user into out (PATH_MAX bytes): 128 bytes
 * first (most paths end there: a copy costs by its length), then twice as
 * much each time, never across a page (the next may not be mapped).
 */
int copy_path(endpoint_t ep, uint64_t va, char *out)
{
	uint64_t got = 0, chunk = 128;

	if (!va)
		return -EFAULT;
	while (got < PATH_MAX) {
		uint64_t n = PAGE - ((va + got) & (PAGE - 1));

		if (n > chunk)
			n = chunk;
		if (chunk < PAGE)
			chunk *= 2;
		if (n > PATH_MAX - got)
			n = PATH_MAX - got;
		if (user_copy(ep, va + got, out + got, n, AX_COPY_FROM) < 0) {
			/* the page may end the string: try byte by byte */
			uint64_t i;

			for (i = 0; i < n; i++) {
				if (user_copy(ep, va + got + i, out + got + i, 1, AX_COPY_FROM) < 0)
					return -EFAULT;
				if (!out[got + i])
					return 0;
			}
		} else if (memchr(out + got, 0, n)) {
			return 0;
		}
		got += n;
	}
	return -ENAMETOOLONG;
}

/* Resolve path (text) for p, relative to dirfd (AT_FDCWD: the cwd); PATH_EMPTY: "" names dirfd's file itself. */
int resolve(struct vproc *p, int dirfd, const char *path, int flags, struct path_result *out)
{
	struct path_ctx ctx = {&mounts, &p->cred, p->root, p->cwd};

	if (path[0] != '/' && dirfd != AT_FDCWD) {
		struct open_file *f = fd_file(&files, p->fds, dirfd);

		if (!f)
			return -EBADF;
		ctx.start = f->node;
	}
	return path_lookup(&ctx, path, flags, out);
}

/* Resolve the path at path_va in p's memory, as resolve. */
int resolve_user(struct vproc *p, int dirfd, uint64_t path_va, int flags, struct path_result *out)
{
	static char path[PATH_MAX]; /* path_lookup copies it: the next lookup may reuse it */
	int r = copy_path(p->ep, path_va, path);

	return r < 0 ? r : resolve(p, dirfd, path, flags, out);
}

/*
 * The lookup flags an *at call's AT_* flags ask for: AT_SYMLINK_NOFOLLOW and
 * AT_SYMLINK_FOLLOW override the call's own habit (follow), AT_EMPTY_PATH
 * lets "" name the descriptor's file.
 */
int at_flags(uint64_t at, bool follow)
{
	return ((follow && !(at & AT_SYMLINK_NOFOLLOW)) || (at & AT_SYMLINK_FOLLOW) ? PATH_FOLLOW : 0) |
	       ((at & AT_EMPTY_PATH) ? PATH_EMPTY : 0);
}
