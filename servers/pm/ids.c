/*
 * User and group ids: real, effective and saved, with Linux's rules for
 * who may change them to what, and the supplementary groups. Every change
 * is told to vfs (VFS_SETID), which checks file permissions with them.
 * A set-user-id or set-group-id program takes its owner's ids at exec
 * (exec_set_ids).
 */
#include <string.h>

#include "pm.h"

#define NGROUPS_MAX 65536
#define ID_KEEP 0xffffffffu /* setre*id, setres*id: -1 leaves the id as it is */

static bool privileged(const struct mproc *p) { return p->euid == 0; }

int64_t do_getuid(struct mproc *p, const ax_message *m) { (void)m; return p->ruid; }
int64_t do_geteuid(struct mproc *p, const ax_message *m) { (void)m; return p->euid; }
int64_t do_getgid(struct mproc *p, const ax_message *m) { (void)m; return p->rgid; }
int64_t do_getegid(struct mproc *p, const ax_message *m) { (void)m; return p->egid; }

/* setresuid's core (and setresgid's, on the group triple): POSIX's and Linux's permission rule. */
static int64_t set_triple(struct mproc *p, uint32_t *r, uint32_t *e, uint32_t *s, uint32_t nr, uint32_t ne, uint32_t ns)
{
	const uint32_t want[3] = {nr, ne, ns};

	if (!privileged(p)) {
		for (int i = 0; i < 3; i++)
			if (want[i] != ID_KEEP && want[i] != *r && want[i] != *e && want[i] != *s)
				return -EPERM;
	}
	if (nr != ID_KEEP)
		*r = nr;
	if (ne != ID_KEEP)
		*e = ne;
	if (ns != ID_KEEP)
		*s = ns;
	vfs_setid(p);
	info_update(p);
	return 0;
}

int64_t do_setuid(struct mproc *p, const ax_message *m)
{
	uint32_t id = arg_uint(m, 0);

	if (arg_uint(m, 0) == ID_KEEP)
		return -EINVAL;
	if (privileged(p)) /* root sets all three */
		return set_triple(p, &p->ruid, &p->euid, &p->suid, id, id, id);
	if (id != p->ruid && id != p->suid)
		return -EPERM;
	return set_triple(p, &p->ruid, &p->euid, &p->suid, ID_KEEP, id, ID_KEEP);
}

int64_t do_setgid(struct mproc *p, const ax_message *m)
{
	uint32_t id = arg_uint(m, 0);

	if (arg_uint(m, 0) == ID_KEEP)
		return -EINVAL;
	if (privileged(p))
		return set_triple(p, &p->rgid, &p->egid, &p->sgid, id, id, id);
	if (id != p->rgid && id != p->sgid)
		return -EPERM;
	return set_triple(p, &p->rgid, &p->egid, &p->sgid, ID_KEEP, id, ID_KEEP);
}

/* setreuid: as Linux, the saved id follows the effective one when the real one is set or the effective one changes to another than the real. */
static int64_t set_re(struct mproc *p, uint32_t *r, uint32_t *e, uint32_t *s, uint32_t nr, uint32_t ne)
{
	uint32_t old_r = *r, ns = ID_KEEP;

	if (!privileged(p)) {
		if (nr != ID_KEEP && nr != *r && nr != *e)
			return -EPERM;
		if (ne != ID_KEEP && ne != *r && ne != *e && ne != *s)
			return -EPERM;
	}
	if (nr != ID_KEEP || (ne != ID_KEEP && ne != old_r))
		ns = ne != ID_KEEP ? ne : *e;
	return set_triple(p, r, e, s, nr, ne, ns);
}

int64_t do_setreuid(struct mproc *p, const ax_message *m)
{
	return set_re(p, &p->ruid, &p->euid, &p->suid, arg_uint(m, 0), arg_uint(m, 1));
}

int64_t do_setregid(struct mproc *p, const ax_message *m)
{
	return set_re(p, &p->rgid, &p->egid, &p->sgid, arg_uint(m, 0), arg_uint(m, 1));
}

int64_t do_setresuid(struct mproc *p, const ax_message *m)
{
	return set_triple(p, &p->ruid, &p->euid, &p->suid, arg_uint(m, 0), arg_uint(m, 1), arg_uint(m, 2));
}

int64_t do_setresgid(struct mproc *p, const ax_message *m)
{
	return set_triple(p, &p->rgid, &p->egid, &p->sgid, arg_uint(m, 0), arg_uint(m, 1), arg_uint(m, 2));
}

static int64_t put_triple(struct mproc *p, const ax_message *m, const uint32_t v[3])
{
	for (int i = 0; i < 3; i++)
		if (user_copy(p->ep, m->u64[i], (void *)&v[i], 4, AX_COPY_TO) < 0)
			return -EFAULT;
	return 0;
}

int64_t do_getresuid(struct mproc *p, const ax_message *m)
{
	const uint32_t v[3] = {p->ruid, p->euid, p->suid};

	return put_triple(p, m, v);
}

int64_t do_getresgid(struct mproc *p, const ax_message *m)
{
	const uint32_t v[3] = {p->rgid, p->egid, p->sgid};

	return put_triple(p, m, v);
}

int64_t do_getgroups(struct mproc *p, const ax_message *m)
{
	int64_t size = arg_int(m, 0);

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return p->ngroups;
	if (size < p->ngroups)
		return -EINVAL;
	if (p->ngroups && user_copy(p->ep, arg_ptr(m, 1), p->groups, (uint64_t)p->ngroups * 4, AX_COPY_TO) < 0)
		return -EFAULT;
	return p->ngroups;
}

int64_t do_setgroups(struct mproc *p, const ax_message *m)
{
	int64_t n = arg_int(m, 0);

	if (!privileged(p))
		return -EPERM;
	if (n < 0 || n > NGROUPS_MAX)
		return -EINVAL;
	if (n > GROUPS_MAX)
		return -ENOMEM; /* more than pm keeps */
	if (n && user_copy(p->ep, arg_ptr(m, 1), p->groups, (uint64_t)n * 4, AX_COPY_FROM) < 0)
		return -EFAULT;
	p->ngroups = (int)n;
	vfs_setid(p);
	info_update(p);
	return 0;
}

/* exec of a set-user-id or set-group-id program (mode, owner): its ids become the effective ones. */
void exec_set_ids(struct mproc *p, uint32_t mode, uint32_t uid, uint32_t gid)
{
	if (mode & 04000)
		p->euid = uid;
	if ((mode & 02010) == 02010) /* set-group-id with group execute (without it: mandatory locking, Linux) */
		p->egid = gid;
	p->suid = p->euid, p->sgid = p->egid; /* the saved ids take the effective ones, as on Linux */
	vfs_setid(p);
	info_update(p);
}
