/*
 * /etc/rc of procfs's BusyBox image: the whole POSIX personality (pm, vfs,
 * ramfs, the memory and tty drivers) with procfs. It mounts procfs on
 * /proc through vfs, as a user would, then runs Debian's BusyBox applets
 * that read /proc and checks what they print: ps, top, free, pidof, cat
 * of a stat file, kill -0 of a pid found there. Every run has a time
 * limit. Then "TESTS DONE".
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../../posix/posixtest.h"

#define LIMIT 20 /* seconds per applet */

static char out[16384];
extern char **environ;

/* Run busybox with args; its standard output (and error) in out; its wait status, or -1. */
static int run(const char *const *args)
{
	const char *argv[12] = {"busybox"};
	int fd[2], st = -1, n = 0;
	pid_t pid;
	int64_t until = pt_now() + (int64_t)LIMIT * 1000000000;

	for (int i = 0; args[i] && i < 10; i++)
		argv[i + 1] = args[i];
	memset(out, 0, sizeof(out));
	if (pipe(fd) < 0)
		return -1;
	if ((pid = fork()) == 0) {
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		execve("/bin/busybox", (char **)argv, environ);
		_exit(127);
	}
	close(fd[1]);
	if (pid < 0) {
		close(fd[0]);
		return -1;
	}
	alarm(LIMIT);
	for (ssize_t r; n < (int)sizeof(out) - 1 && (r = read(fd[0], out + n, sizeof(out) - 1 - (size_t)n)) > 0;)
		n += (int)r;
	close(fd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR && pt_now() < until)
		;
	alarm(0);
	if (pt_now() >= until)
		kill(pid, SIGKILL);
	return st;
}

/* The line of out whose last word is `last` (a command name), or 0. */
static const char *line_ending(const char *last)
{
	static char line[256];
	const char *p = out;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p), k = strlen(last);

		if (n >= k && memcmp(p + n - k, last, k) == 0 && (n == k || p[n - k - 1] == ' ')) {
			snprintf(line, sizeof(line), "%.*s", (int)n, p);
			return line;
		}
		p += n + (e != 0);
	}
	return 0;
}

static void on_alarm(int sig) { (void)sig; }

int main(void)
{
	struct sigaction sa = {.sa_handler = on_alarm};
	const char *l;
	int st;

	sigaction(SIGALRM, &sa, 0);
	mkdir("/proc", 0555);
	report("procbb_mount_proc", mount("proc", "/proc", "proc", 0, 0) == 0, "mount: %s", pt_errname(errno));

	st = run((const char *const[]){"cat", "/proc/1/stat", 0});
	report("procbb_cat_stat_of_init", st == 0 && strncmp(out, "1 (init) ", 9) == 0, "status %d: %.100s", st, out);

	st = run((const char *const[]){"ps", 0});
	report("procbb_ps_lists_init_and_us", st == 0 && strncmp(out, "PID   USER     TIME  COMMAND\n", 29) == 0 &&
						 line_ending("init") && atoi(line_ending("init")) == 1 &&
						 line_ending("/etc/rc") && atoi(line_ending("/etc/rc")) == getpid(),
	       "status %d: %.300s", st, out);
	report("procbb_ps_lists_itself", st == 0 && line_ending("busybox ps") != 0, "%.300s", out);

	/* ps's own state is S until vfs tells procfs who reads (fs_io_req.pid); then R, as on Linux. */
	st = run((const char *const[]){"ps", "-o", "pid,ppid,stat,comm", 0});
	l = line_ending("busybox");
	{
		char want[32];

		snprintf(want, sizeof(want), " %d ", getpid());
		report("procbb_ps_o_child_of_us", st == 0 && l && strstr(l, want) && (strstr(l, " R") || strstr(l, " S")),
		       "status %d: %.300s", st, out);
	}
	l = line_ending("init");
	report("procbb_ps_o_init_ppid_0", l && atoi(l) == 1 && strstr(l, " 0 ") != 0, "%.300s", out);

	st = run((const char *const[]){"free", 0});
	{
		unsigned long total = 0, used = 0, free = 0;
		const char *mem = strstr(out, "\nMem:");

		if (mem)
			sscanf(mem + 5, "%lu %lu %lu", &total, &used, &free);
		report("procbb_free_adds_up", st == 0 && mem && total >= 64 * 1024 && total <= 128 * 1024 && free > 0 &&
						      used + free <= total,
		       "status %d: %.300s", st, out);
	}

	st = run((const char *const[]){"top", "-b", "-n", "1", 0});
	report("procbb_top_batch_once", st == 0 && strncmp(out, "Mem: ", 5) == 0 && strstr(out, "\nLoad average: ") &&
						strstr(out, "\nCPU:") && line_ending("top -b -n 1"),
	       "status %d: %.400s", st, out);

	st = run((const char *const[]){"pidof", "init", 0});
	report("procbb_pidof_init", st == 0 && strcmp(out, "1\n") == 0, "status %d: %.100s", st, out);
	st = run((const char *const[]){"pidof", "no-such-program", 0});
	report("procbb_pidof_missing_fails", st != 0 && out[0] == 0, "status %d: %.100s", st, out);

	st = run((const char *const[]){"cat", "/proc/uptime", "/proc/loadavg", "/proc/meminfo", 0});
	report("procbb_cat_proc_files", st == 0 && strstr(out, "\nMemTotal: ") && strchr(out, '/'), "%.300s", out);

	st = run((const char *const[]){"ls", "/proc", 0});
	report("procbb_ls_proc", st == 0 && strstr(out, "meminfo") && strstr(out, "uptime") && strstr(out, "1\n"),
	       "status %d: %.300s", st, out);

	pt_note("TESTS DONE");
	return pt_failures != 0;
}
