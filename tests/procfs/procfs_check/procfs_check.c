/*
 * procfs through its real protocol (lib/sys/include/proto/fs.h), as vfs
 * talks to it: mount, the root's listing, the processes pinit made (an
 * exec'd one, a spinner, a stopped one, a zombie) in /proc/<pid>/stat,
 * status, cmdline and comm, /proc/self with the pid filled in by hand (as
 * vfs will), meminfo, uptime, loadavg, stat, filesystems, services, and
 * mounts after publishing a mount table as vfs will (lib/sys's
 * info_mounts_set and info_publish). Bad requests must get errors and
 * leave procfs serving. Every wait has a time limit. At the end: TESTS
 * DONE, power off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proto/ds.h>
#include <proto/fs.h>
#include <sys/info.h>

#include "../../system/test.h"

enum { G_NAME, G_DATA, G_STAT, G_MOUNTS, G_COUNT };

static endpoint_t fsep, dsep;
static struct ax_grant grants[G_COUNT];
static char names[512];
static char data[16384];
static struct fs_stat st;
static struct info_mounts mounts;
static char why[160];

static void set_grants(void)
{
	const uint32_t rw = AX_GRANT_VALID | AX_GRANT_READ | AX_GRANT_WRITE;

	grants[G_NAME] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ, fsep, 0, 0, (uint64_t)names, sizeof(names)};
	grants[G_DATA] = (struct ax_grant){rw, fsep, 0, 0, (uint64_t)data, sizeof(data)};
	grants[G_STAT] = (struct ax_grant){rw, fsep, 0, 0, (uint64_t)&st, sizeof(st)};
	grants[G_MOUNTS] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ, AX_ANY, 0, 0, (uint64_t)&mounts,
					     sizeof(mounts)};
	ax_kcall(KC_GRANT_TABLE, &(ax_message){.u64 = {(uint64_t)grants, G_COUNT}});
}

static int64_t call(int32_t type, const void *body, size_t n, ax_message *m)
{
	fs_pack(m, type, body, n);
	if (ax_sendrec(fsep, m) < 0)
		return -9999;
	return m->i64[0];
}

static int64_t mounted(uint64_t flags, struct fs_node_reply *out)
{
	struct fs_mounted rq = {flags};
	ax_message m;
	int64_t r = call(FS_MOUNTED, &rq, sizeof(rq), &m);

	fs_unpack(&m, out, sizeof(*out));
	return r;
}

static int64_t lookup_len(uint64_t dir, const char *name, uint32_t len, struct fs_node_reply *out)
{
	struct fs_name_req rq = {.dir = dir, .now = 1000, .name_grant = G_NAME, .name_len = len};
	struct fs_node_reply dummy;
	ax_message m;
	int64_t r;

	memcpy(names, name, len);
	r = call(FS_LOOKUP, &rq, sizeof(rq), &m);
	fs_unpack(&m, out ? out : &dummy, sizeof(dummy));
	return r;
}

static int64_t lookup(uint64_t dir, const char *name, struct fs_node_reply *out)
{
	return lookup_len(dir, name, (uint32_t)strlen(name), out);
}

static uint64_t ino_of(uint64_t dir, const char *name)
{
	struct fs_node_reply n;

	return lookup(dir, name, &n) == 0 ? n.ino : 0;
}

static int64_t stat_call(uint64_t ino, uint32_t g)
{
	struct fs_attr_req rq = {.ino = ino, .value = g};
	ax_message m;

	memset(&st, 0, sizeof(st));
	return call(FS_STAT, &rq, sizeof(rq), &m);
}

static int64_t read_at(uint64_t ino, uint64_t off, uint64_t len, uint32_t g)
{
	struct fs_io_req rq = {.ino = ino, .offset = off, .len = len, .grant = g, .granter = ax_self};
	ax_message m;

	return call(FS_READ, &rq, sizeof(rq), &m);
}

/* FS_READ of the whole file on behalf of process pid (as vfs will say), NUL-terminated in data. */
static int64_t slurp_as(uint64_t ino, int pid)
{
	struct fs_io_req rq = {.ino = ino, .len = sizeof(data) - 1, .grant = G_DATA, .granter = ax_self, .pid = pid};
	ax_message m;
	int64_t r;

	memset(data, 0, sizeof(data));
	r = call(FS_READ, &rq, sizeof(rq), &m);
	if (r >= 0)
		data[r] = 0;
	return r;
}

/* The whole file, NUL-terminated in data; its length or an error. */
static int64_t slurp(uint64_t ino)
{
	int64_t r;

	memset(data, 0, sizeof(data));
	r = read_at(ino, 0, sizeof(data) - 1, G_DATA);
	if (r >= 0)
		data[r] = 0;
	return r;
}

static int64_t readlink_call(uint64_t ino, int pid, uint64_t len)
{
	struct fs_io_req rq = {.ino = ino, .len = len, .grant = G_DATA, .granter = ax_self, .pid = pid};
	ax_message m;

	memset(data, 0, 64);
	return call(FS_READLINK, &rq, sizeof(rq), &m);
}

static int64_t getdents(uint64_t dir, uint64_t *cookie, uint64_t len)
{
	struct fs_getdents_req rq = {.dir = dir, .cookie = *cookie, .len = len, .grant = G_DATA, .granter = ax_self};
	struct fs_getdents_reply rp;
	ax_message m;
	int64_t r = call(FS_GETDENTS, &rq, sizeof(rq), &m);

	fs_unpack(&m, &rp, sizeof(rp));
	if (r > 0)
		*cookie = rp.cookie;
	return r;
}

/* A directory's names, space-separated with one at each end (" . .. meminfo "), in calls of len bytes. */
static char listing[4096];
static int list_dir(uint64_t dir, uint64_t len)
{
	uint64_t cookie = 0;
	size_t at = 1;
	int64_t n;
	int calls = 0;

	strcpy(listing, " ");
	while ((n = getdents(dir, &cookie, len)) > 0) {
		if (++calls > 200)
			return -1;
		for (int64_t off = 0; off < n;) {
			struct fs_dirent64 d;
			const char *name = data + off + offsetof(struct fs_dirent64, d_name);

			memcpy(&d, data + off, offsetof(struct fs_dirent64, d_name));
			if (d.d_reclen == 0 || d.d_reclen % 8 || off + d.d_reclen > n || at + strlen(name) + 2 > sizeof(listing))
				return -1;
			strcpy(listing + at, name);
			at += strlen(name);
			strcpy(listing + at, " ");
			at++;
			off += d.d_reclen;
		}
	}
	return n < 0 ? (int)n : 0;
}

static int listed(const char *name)
{
	char w[64];

	snprintf(w, sizeof(w), " %s ", name);
	return strstr(listing, w) != 0;
}

/* ---- reading processes --------------------------------------------------- */

static uint64_t root;

/* /proc/<pid>/<file>, whole, in data: its length or an error. */
static int64_t proc_file(int pid, const char *file)
{
	char n[16];
	uint64_t dir;

	snprintf(n, sizeof(n), "%d", pid);
	if (!(dir = ino_of(root, n)))
		return -ENOENT;
	return slurp(ino_of(dir, file));
}

/* The fields of /proc/<pid>/stat (1-based as proc(5) numbers them; 2 is comm, 3 the state letter). */
struct pstat {
	char comm[32], state;
	long long f[53];
	int nfields;
};

static int pstat(int pid, struct pstat *s)
{
	char *open, *close, *p;

	memset(s, 0, sizeof(*s));
	if (proc_file(pid, "stat") <= 0)
		return -1;
	open = strchr(data, '(');
	close = strrchr(data, ')');
	if (!open || !close || close < open || close[1] != ' ')
		return -1;
	snprintf(s->comm, sizeof(s->comm), "%.*s", (int)(close - open - 1), open + 1);
	s->f[1] = strtoll(data, 0, 10);
	s->state = close[2];
	s->nfields = 3;
	for (p = close + 3; *p == ' ';) {
		s->f[++s->nfields] = strtoll(p + 1, &p, 10);
		if (s->nfields == 52)
			break;
	}
	if (*p != '\n' && *p != ' ')
		return -1;
	return 0;
}

/* Wait (up to ms) until pid's stat state is `state`. */
static int wait_state(int pid, char state, unsigned ms)
{
	uint64_t until = now_ms() + ms;
	struct pstat s;

	while (now_ms() < until) {
		if (pstat(pid, &s) == 0 && s.state == state)
			return 1;
		ax_sleep_ms(50);
	}
	return 0;
}

/* A "Key:" line's value in data (a copy), or 0. */
static const char *line_value(const char *key)
{
	static char v[128];
	const char *p = data;
	size_t k = strlen(key);

	while (p && *p) {
		if (strncmp(p, key, k) == 0) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p - k) : strlen(p + k);

			snprintf(v, sizeof(v), "%.*s", (int)n, p + k);
			return v;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : 0;
	}
	return 0;
}

static unsigned long meminfo_kb(const char *key)
{
	const char *v = line_value(key);

	return v ? strtoul(v, 0, 10) : (unsigned long)-1;
}

static double seconds_field(int which)
{
	char *p = data;
	double v = strtod(p, &p);

	return which == 0 ? v : strtod(p, 0);
}

/* ---- the tests ------------------------------------------------------------ */

static void mounting(struct fs_node_reply *r)
{
	test_eq("procfs_request_before_mount_eperm", stat_call(1, G_STAT), -EPERM);
	test_eq("procfs_mount_bad_flags_einval", mounted(0x80, r), -EINVAL);
	test_eq("procfs_failed_mount_admits_nobody", stat_call(1, G_STAT), -EPERM);
	test_eq("procfs_mounted", mounted(FS_MOUNT_RDONLY, r), 0);
	snprintf(why, sizeof(why), "ino %lu mode %o flags %x", (unsigned long)r->ino, r->mode, r->server_flags);
	test_result("procfs_root_is_dir_0555_stable_inodes",
		    r->ino && r->mode == (FS_S_IFDIR | 0555) && (r->server_flags & FS_SERVER_STABLE_INODES), why);
	root = r->ino;
}

static void root_listing(void)
{
	static const char *const files[] = {"self", "meminfo", "uptime", "loadavg", "mounts", "filesystems",
					    "services", "stat", 0};
	uint64_t until = now_ms() + 15000;
	char big[4096];
	int ok;

	while (!(list_dir(root, 4096) == 0 && listed("5")) && now_ms() < until) /* pinit's children come up */
		ax_sleep_ms(100);
	ok = list_dir(root, 4096) == 0 && listed(".") && listed("..");

	for (int i = 0; files[i]; i++)
		ok = ok && listed(files[i]);
	test_result("procfs_root_lists_its_files", ok, listing);
	test_result("procfs_root_lists_pid_dirs_of_real_processes",
		    listed("1") && listed("2") && listed("3") && listed("4") && listed("5"), listing);
	{
		const char *p = strstr(listing, " 1 ");
		int last = 0, sorted = p != 0;

		for (; p && *p;) {
			int v = atoi(p + 1);

			sorted = sorted && v > last;
			last = v;
			p = strchr(p + 1, ' ');
			if (p && !p[1])
				break;
		}
		test_result("procfs_pid_dirs_in_pid_order", sorted, listing);
	}
	strcpy(big, listing);
	test_result("procfs_getdents_small_buffer_same_listing", list_dir(root, 40) == 0 && strcmp(big, listing) == 0,
		    listing);
	{
		uint64_t cookie = 0;

		test_eq("procfs_getdents_tiny_buffer_einval", getdents(root, &cookie, 8), -EINVAL);
		cookie = 0;
		while (getdents(root, &cookie, 4096) > 0)
			;
		test_eq("procfs_getdents_at_end_is_zero", getdents(root, &cookie, 4096), 0);
	}
}

static void processes(void)
{
	struct fs_node_reply n;
	struct pstat init, idle, spin, stopped, zombie;
	int64_t r;

	r = lookup(root, "1", &n);
	snprintf(why, sizeof(why), "status %ld mode %o uid %u", (long)r, n.mode, n.uid);
	test_result("procfs_lookup_pid1_is_dir", r == 0 && n.mode == (FS_S_IFDIR | 0555) && n.uid == 0, why);
	test_eq("procfs_lookup_missing_pid_enoent", lookup(root, "4321", &n), -ENOENT);
	test_result("procfs_lookup_not_a_pid_enoent",
		    lookup(root, "01", &n) == -ENOENT && lookup(root, "-1", &n) == -ENOENT &&
			    lookup(root, "1x", &n) == -ENOENT && lookup(root, "nothing", &n) == -ENOENT,
		    "a bad name was found");
	test_result("procfs_pid_dir_lists_its_files",
		    list_dir(ino_of(root, "1"), 4096) == 0 && listed("stat") && listed("status") && listed("cmdline") &&
			    listed("comm") && listed(".."),
		    listing);
	test_eq("procfs_lookup_dotdot_of_pid_dir_is_root", lookup(ino_of(root, "1"), "..", &n) == 0 ? (int64_t)n.ino : -1,
		(int64_t)root);

	r = pstat(1, &init);
	snprintf(why, sizeof(why), "r %ld comm %s state %c ppid %lld fields %d", (long)r, init.comm, init.state,
		 init.f[4], init.nfields);
	test_result("procfs_init_stat_parses_as_linux",
		    r == 0 && init.f[1] == 1 && strcmp(init.comm, "init") == 0 && init.f[4] == 0 && init.nfields == 52,
		    why);
	test_result("procfs_sleeping_state_s", wait_state(1, 'S', 5000), "pid 1 never sleeping");

	test_result("procfs_exec_comm_from_path", wait_state(2, 'S', 10000) && pstat(2, &idle) == 0 &&
							   strcmp(idle.comm, "pidle") == 0,
		    idle.comm);
	r = proc_file(2, "cmdline");
	test_result("procfs_exec_cmdline_is_argv", r == 18 && memcmp(data, "pidle\0--sleep\0x y\0", 18) == 0,
		    "wrong cmdline");
	test_result("procfs_comm_file", proc_file(2, "comm") == 6 && strcmp(data, "pidle\n") == 0, data);
	snprintf(why, sizeof(why), "ppid %lld pgrp %lld nice %lld prio %lld", idle.f[4], idle.f[5], idle.f[19],
		 idle.f[18]);
	test_result("procfs_fork_child_ppid_is_parent", idle.f[4] == 1, why);
	test_result("procfs_nice_and_priority", idle.f[19] == 5 && idle.f[18] == 25, why);
	test_result("procfs_starttime_not_before_init", idle.f[22] >= init.f[22], "child started before init");
	test_result("procfs_stat_sigignore_word", (idle.f[33] & 1) == 1, "SIGHUP not in sigignore");
	r = proc_file(2, "status");
	test_result("procfs_status_lines",
		    r > 0 && line_value("Name:\t") && strcmp(line_value("Name:\t"), "pidle") == 0 &&
			    strcmp(line_value("State:\t"), "S (sleeping)") == 0 &&
			    strcmp(line_value("PPid:\t"), "1") == 0 && strcmp(line_value("Pid:\t"), "2") == 0 &&
			    strcmp(line_value("Uid:\t"), "0\t0\t0\t0") == 0 &&
			    strcmp(line_value("SigIgn:\t"), "0000000000000001") == 0,
		    data);

	test_result("procfs_stopped_child_state_t", wait_state(4, 'T', 10000), "pid 4 never stopped");
	test_result("procfs_zombie_state_z", wait_state(5, 'Z', 10000) && pstat(5, &zombie) == 0, "pid 5 never a zombie");
	test_eq("procfs_zombie_exit_code", zombie.f[52], 7 << 8);
	test_eq("procfs_zombie_cmdline_empty", proc_file(5, "cmdline"), 0);
	test_result("procfs_fork_copies_comm", pstat(4, &stopped) == 0 && strcmp(stopped.comm, "init") == 0,
		    stopped.comm);

	{
		uint64_t until = now_ms() + 10000;
		int running = 0;
		long long first = -1, later = -1;

		while (now_ms() < until && !running)
			running = pstat(3, &spin) == 0 && spin.state == 'R';
		test_result("procfs_spinner_state_r", running, "pid 3 never runnable");
		first = spin.f[14];
		ax_sleep_ms(500);
		if (pstat(3, &spin) == 0)
			later = spin.f[14];
		snprintf(why, sizeof(why), "utime %lld then %lld", first, later);
		test_result("procfs_utime_grows", later > first && first >= 0, why);
	}
}

static void self_link(void)
{
	struct fs_node_reply n;
	uint64_t self = ino_of(root, "self");
	int64_t r = lookup(root, "self", &n);

	test_result("procfs_self_is_symlink", r == 0 && n.mode == (FS_S_IFLNK | 0777), "not a link");
	r = readlink_call(self, 3, 64);
	test_result("procfs_readlink_self_gives_pid", r == 1 && data[0] == '3', data);
	r = readlink_call(self, 12345, 3);
	test_result("procfs_readlink_self_cut_at_len", r == 3 && memcmp(data, "123", 3) == 0 && data[3] == 0, data);
	test_eq("procfs_readlink_self_without_pid_enoent", readlink_call(self, 0, 64), -ENOENT);
	test_eq("procfs_readlink_of_a_file_einval", readlink_call(ino_of(root, "uptime"), 3, 64), -EINVAL);
	test_eq("procfs_read_of_the_link_einval", read_at(self, 0, 10, G_DATA), -EINVAL);
}

static void memory_and_time(void)
{
	unsigned long total, free, avail;
	double up1, up2, idle1, idle2;
	int64_t r = slurp(ino_of(root, "meminfo"));

	test_result("procfs_meminfo_fields_present",
		    r > 0 && line_value("MemTotal:") && line_value("MemFree:") && line_value("MemAvailable:") &&
			    line_value("Buffers:") && line_value("Cached:") && line_value("SwapTotal:") &&
			    line_value("SwapFree:"),
		    data);
	total = meminfo_kb("MemTotal:");
	free = meminfo_kb("MemFree:");
	avail = meminfo_kb("MemAvailable:");
	snprintf(why, sizeof(why), "total %lu free %lu available %lu", total, free, avail);
	test_result("procfs_meminfo_sums_sane",
		    total >= 64 * 1024 && total <= 128 * 1024 && free > 0 && free < total && avail <= total &&
			    meminfo_kb("SwapTotal:") == 0 && meminfo_kb("SwapFree:") == 0,
		    why);
	test_result("procfs_meminfo_linux_columns", strncmp(data, "MemTotal:       ", 16) == 0 &&
							   strstr(data, " kB\nMemFree:        ") != 0,
		    data);

	r = slurp(ino_of(root, "uptime"));
	up1 = seconds_field(0);
	idle1 = seconds_field(1);
	snprintf(why, sizeof(why), "'%.150s'", data);
	test_result("procfs_uptime_format", r > 0 && strchr(data, '.') && data[r - 1] == '\n' && up1 > 0, why);
	test_result("procfs_uptime_idle_not_above_uptime", idle1 <= up1 && idle1 >= 0, why);
	ax_sleep_ms(300);
	slurp(ino_of(root, "uptime"));
	up2 = seconds_field(0);
	snprintf(why, sizeof(why), "%.2f then %.2f", up1, up2);
	test_result("procfs_uptime_increases", up2 >= up1 + 0.2 && up2 < up1 + 5, why);
	/* Once the spinner sleeps, nothing runs while we sleep: idle time grows. */
	wait_state(3, 'S', 15000);
	slurp(ino_of(root, "uptime"));
	idle1 = seconds_field(1);
	ax_sleep_ms(500);
	slurp(ino_of(root, "uptime"));
	idle2 = seconds_field(1);
	snprintf(why, sizeof(why), "idle %.2f then %.2f", idle1, idle2);
	test_result("procfs_idle_grows_when_idle", idle2 >= idle1 + 0.2, why);
}

static void load_and_stat(void)
{
	int64_t r = slurp(ino_of(root, "loadavg"));
	double a1 = 0, a5 = 0, a15 = 0;
	unsigned running = 0, total = 0;
	int last = 0;
	int n = sscanf(data, "%lf %lf %lf %u/%u %d", &a1, &a5, &a15, &running, &total, &last);

	snprintf(why, sizeof(why), "'%.150s'", data);
	test_result("procfs_loadavg_format", r > 0 && n == 6 && data[r - 1] == '\n', why);
	test_eq("procfs_loadavg_last_pid_is_newest", last, 5);
	test_eq("procfs_loadavg_total_counts_processes", total, 5);
	/* The spinner ran for 8 s: a sample 5 s in saw it runnable. */
	test_result("procfs_loadavg_rose_with_a_runnable_process", a1 > 0 && a1 < 2, why);
	{
		ax_message m = {.type = DS_FETCH};
		struct ds_request *rq = (struct ds_request *)(void *)m.bytes;
		uint64_t avg[3] = {0, 0, 0};

		strcpy(rq->label, "procfs");
		strcpy((char *)rq->value, "loadavg");
		if (ax_sendrec(dsep, &m) == 0 && m.i64[0] == 0 && m.i64[1] == 24)
			memcpy(avg, ((struct ds_reply *)(void *)m.bytes)->value, sizeof(avg));
		snprintf(why, sizeof(why), "ds holds %lu %lu %lu, /proc/loadavg says %.2f", (unsigned long)avg[0],
			 (unsigned long)avg[1], (unsigned long)avg[2], a1);
		test_result("procfs_loadavg_kept_in_ds_for_a_restart", avg[0] > 0 && avg[1] > 0 && avg[2] > 0 &&
								      (double)avg[0] / 2048 < a1 + 0.2 &&
								      (double)avg[0] / 2048 > a1 - 0.2,
			    why);
	}

	{
		unsigned r0 = 99, r2 = 0, t2 = 0;
		uint64_t dir = ino_of(root, "2");

		slurp_as(ino_of(root, "loadavg"), 0);
		sscanf(data, "%*f %*f %*f %u/", &r0);
		slurp_as(ino_of(root, "loadavg"), 2);
		sscanf(data, "%*f %*f %*f %u/%u", &r2, &t2);
		snprintf(why, sizeof(why), "running %u without a reader, %u with pid 2 reading", r0, r2);
		test_result("procfs_loadavg_counts_the_reader_running", r2 == r0 + 1 && t2 == 5, why);
		r = slurp_as(ino_of(dir, "stat"), 2);
		test_result("procfs_the_reader_of_its_stat_is_running", r > 0 && strstr(data, ") R 1 ") != 0, data);
		r = slurp_as(ino_of(dir, "stat"), 3);
		test_result("procfs_another_reader_sees_it_sleeping", r > 0 && strstr(data, ") S 1 ") != 0, data);
		test_eq("procfs_read_negative_pid_einval", slurp_as(ino_of(dir, "stat"), -2), -EINVAL);
	}
	r = slurp(ino_of(root, "stat"));
	{
		unsigned long long user = 0, nice = 1, sys = 1, idle = 0;

		n = sscanf(data, "cpu  %llu %llu %llu %llu", &user, &nice, &sys, &idle);
		snprintf(why, sizeof(why), "'%.100s'", data);
		test_result("procfs_stat_cpu_line", r > 0 && n == 4 && user > 0 && idle > 0, why);
		test_result("procfs_stat_processes_and_running",
			    line_value("processes ") && atoi(line_value("processes ")) == 5 && line_value("procs_running ") &&
				    line_value("btime ") && atoll(line_value("btime ")) > 1600000000,
			    why);
	}
	r = slurp(ino_of(root, "filesystems"));
	test_result("procfs_filesystems_lists_proc", r > 0 && strstr(data, "nodev\tproc\n") != 0, data);
}

static void services(void)
{
	uint64_t until = now_ms() + 10000;
	int ok = 0;

	while (!ok && now_ms() < until) {
		slurp(ino_of(root, "services"));
		ok = strstr(data, "\ngone ") && strstr(data, "\nmissing ");
		if (!ok)
			ax_sleep_ms(100);
	}
	test_result("procfs_services_header_first", strncmp(data, "LABEL ", 6) == 0, data);
	{
		char label[32], ep[32], state[32];
		unsigned restarts, starts, lines = 0, good = 0;
		const char *p = strchr(data, '\n');

		for (; p && p[1]; p = strchr(p + 1, '\n')) {
			if (sscanf(p + 1, "%31s %31s %31s %u %u", label, ep, state, &restarts, &starts) != 5)
				continue;
			lines++;
			if ((strcmp(label, "vm") == 0 || strcmp(label, "pm") == 0 || strcmp(label, "ds") == 0))
				good += strcmp(state, "running") == 0 && atoi(ep) == ax_boot_endpoint(label) && starts == 1;
			if (strcmp(label, "gone") == 0)
				good += strcmp(state, "down") == 0 && atoi(ep) > 0 && starts == 1;
			if (strcmp(label, "missing") == 0)
				good += strcmp(state, "start-fail") == 0 && strcmp(ep, "-") == 0 && starts == 0;
		}
		test_result("procfs_services_one_line_each_with_state", lines == 5 && good == 5, data);
	}
}

static void mount_table(void)
{
	struct info_mount list[] = {{"ramfs", "/", "ramfs", "rw"}, {"proc", "/proc", "proc", "rw"},
				    {"/dev/a b", "/mnt", "ext2", "ro"}};
	struct ax_grant saved;
	int64_t r = slurp(ino_of(root, "mounts"));

	test_eq("procfs_mounts_empty_before_vfs_publishes", r, 0);
	info_mounts_set(&mounts, list, 2);
	test_eq("procfs_info_publish_as_vfs_would",
		info_publish(dsep, INFO_MOUNTS_OWNER, INFO_MOUNTS_KEY, G_MOUNTS, sizeof(mounts), INFO_MOUNTS_MAGIC), 0);
	r = slurp(ino_of(root, "mounts"));
	test_result("procfs_mounts_as_published", r > 0 && strcmp(data, "ramfs / ramfs rw 0 0\nproc /proc proc rw 0 0\n") == 0,
		    data);
	info_mounts_set(&mounts, list, 3);
	r = slurp(ino_of(root, "mounts"));
	test_result("procfs_mounts_follow_changes",
		    r > 0 && strstr(data, "\n/dev/a\\040b /mnt ext2 ro 0 0\n") != 0, data);
	/* A writer caught in the middle (odd counter) and never finishing: procfs retries, then gives up. */
	mounts.seq++;
	{
		uint64_t t0 = now_ms();

		r = slurp(ino_of(root, "mounts"));
		snprintf(why, sizeof(why), "status %ld after %lu ms", (long)r, (unsigned long)(now_ms() - t0));
		test_result("procfs_mounts_torn_table_retried_then_eagain", r == -EAGAIN && now_ms() - t0 >= 40, why);
	}
	mounts.seq++;
	test_result("procfs_mounts_whole_again_after_the_writer", slurp(ino_of(root, "mounts")) > 0 &&
								       strstr(data, "/dev/a\\040b") != 0,
		    data);
	saved = grants[G_MOUNTS];
	grants[G_MOUNTS].flags = 0; /* a table vfs no longer grants: an error, not garbage */
	test_result("procfs_mounts_unreadable_table_error", slurp(ino_of(root, "mounts")) < 0, data);
	grants[G_MOUNTS] = saved;
	{
		struct info_location where;

		test_eq("procfs_ds_fetch_unknown_owner_esrch", info_find(dsep, "nobody", INFO_MOUNTS_KEY, &where), -ESRCH);
		test_result("procfs_ds_fetch_finds_location",
			    info_find(dsep, INFO_MOUNTS_OWNER, INFO_MOUNTS_KEY, &where) == 0 && where.granter == ax_self &&
				    where.grant == G_MOUNTS && where.magic == INFO_MOUNTS_MAGIC,
			    "wrong location");
	}
}

static void bad_requests(void)
{
	uint64_t up = ino_of(root, "uptime"), pid1 = ino_of(root, "1");
	struct fs_node_reply n;
	ax_message m;
	int64_t size = slurp(up);
	char whole[64];

	memcpy(whole, data, sizeof(whole));
	memset(data, 0, 64);
	test_result("procfs_read_at_offset", read_at(ino_of(root, "filesystems"), 6, 4, G_DATA) == 4 &&
						       memcmp(data, "ramf", 4) == 0,
		    data);
	test_eq("procfs_read_past_end_zero", read_at(up, (uint64_t)size + 10, 10, G_DATA), 0);
	test_eq("procfs_read_directory_eisdir", read_at(root, 0, 10, G_DATA), -EISDIR);
	test_eq("procfs_read_bad_grant_efault", read_at(up, 0, 10, 77), -EFAULT);
	test_eq("procfs_read_into_readonly_grant_efault", read_at(up, 0, 10, G_NAME), -EFAULT);
	test_eq("procfs_stat_bad_grant_efault", stat_call(up, 77), -EFAULT);
	test_eq("procfs_stat_unknown_inode_estale", stat_call(999999, G_STAT), -ESTALE);
	test_eq("procfs_stat_forged_process_inode_estale", stat_call(pid1 ^ (1ULL << 45), G_STAT), -ESTALE);
	test_result("procfs_stat_pid_dir", stat_call(pid1, G_STAT) == 0 && st.mode == (FS_S_IFDIR | 0555) && st.ino == pid1 &&
						   st.mtime.sec > 1600000000,
		    "wrong stat");
	test_eq("procfs_lookup_in_a_file_enotdir", lookup(up, "x", &n), -ENOTDIR);
	memset(names, 'a', 300);
	test_eq("procfs_lookup_name_256_enametoolong", lookup_len(root, names, 256, &n), -ENAMETOOLONG);
	test_eq("procfs_lookup_bad_name_grant_efault",
		call(FS_LOOKUP, &(struct fs_name_req){.dir = root, .name_grant = 77, .name_len = 3}, sizeof(struct fs_name_req), &m),
		-EFAULT);
	test_eq("procfs_lookup_bad_flags_einval",
		call(FS_LOOKUP, &(struct fs_name_req){.dir = root, .name_grant = G_NAME, .name_len = 1, .flags = 0x40},
		     sizeof(struct fs_name_req), &m),
		-EINVAL);
	test_eq("procfs_write_erofs",
		call(FS_WRITE, &(struct fs_io_req){.ino = up, .len = 3, .grant = G_DATA, .granter = ax_self},
		     sizeof(struct fs_io_req), &m),
		-EROFS);
	test_eq("procfs_create_erofs",
		call(FS_CREATE, &(struct fs_create_req){.dir = root, .name_grant = G_NAME, .name_len = 1, .mode = FS_S_IFREG | 0644},
		     sizeof(struct fs_create_req), &m),
		-EROFS);
	test_eq("procfs_unlink_eperm",
		call(FS_UNLINK, &(struct fs_name_req){.dir = root, .name_grant = G_NAME, .name_len = 6}, sizeof(struct fs_name_req), &m),
		-EPERM);
	test_eq("procfs_rmdir_eperm",
		call(FS_RMDIR, &(struct fs_name_req){.dir = root, .name_grant = G_NAME, .name_len = 1}, sizeof(struct fs_name_req), &m),
		-EPERM);
	test_eq("procfs_rename_erofs", call(FS_RENAME, &(struct fs_rename_req){.old_dir = root, .new_dir = root}, sizeof(struct fs_rename_req), &m),
		-EROFS);
	test_eq("procfs_chmod_erofs", call(FS_CHMOD, &(struct fs_attr_req){.ino = up, .value = 0600}, sizeof(struct fs_attr_req), &m),
		-EROFS);
	test_eq("procfs_truncate_erofs", call(FS_TRUNCATE, &(struct fs_attr_req){.ino = up}, sizeof(struct fs_attr_req), &m),
		-EROFS);
	test_eq("procfs_hold_known_inode", call(FS_HOLD, &(struct fs_attr_req){.ino = up}, sizeof(struct fs_attr_req), &m), 0);
	test_eq("procfs_hold_unknown_inode_estale", call(FS_HOLD, &(struct fs_attr_req){.ino = 4242}, sizeof(struct fs_attr_req), &m),
		-ESTALE);
	{
		struct fs_statfs_reply sf;
		int64_t r = call(FS_STATFS, 0, 0, &m);

		fs_unpack(&m, &sf, sizeof(sf));
		test_eq("procfs_statfs_proc_magic", r == 0 && sf.namemax == FS_NAME_MAX ? (int64_t)sf.magic : -1, 0x9fa0);
	}
	m = (ax_message){.type = FS_MOUNTED + 0xff};
	test_eq("procfs_unknown_request_enosys", ax_sendrec(fsep, &m) == 0 ? m.i64[0] : -1, -ENOSYS);
	test_result("procfs_serves_after_bad_requests", slurp(up) > 0 && strchr(data, '.') != 0, "no answer");
}

int main(void)
{
	struct fs_node_reply r;

	fsep = ax_boot_endpoint("procfs");
	dsep = ax_boot_endpoint("ds");
	set_grants();
	mounting(&r);
	root_listing();
	processes();
	self_link();
	memory_and_time();
	load_and_stat();
	services();
	mount_table();
	bad_requests();
	ax_printf("TESTS DONE\n");
	ax_poweroff(0);
	for (;;)
		;
}
