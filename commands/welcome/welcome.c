/*
 * welcome: the default image's /etc/rc until a shell exists. An ordinary
 * static Linux program: it shows that the servers answer (uname, pids,
 * fork and wait, a signal, the clocks) and says what the system is.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_usr1(int sig) { got = sig; }

static void say(const char *line)
{
	if (write(1, line, strlen(line)) < 0)
		_exit(1);
}

int main(void)
{
	char line[256];
	struct utsname u;
	struct timespec now, up;
	int status = -1;
	pid_t child;

	uname(&u);
	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_MONOTONIC, &up);
	snprintf(line, sizeof(line), "welcome: %s %s on %s, up %ld ms; I am pid %d, child of %d\n", u.sysname,
		 u.release, u.machine, (long)(up.tv_sec * 1000 + up.tv_nsec / 1000000), (int)getpid(), (int)getppid());
	say(line);
	signal(SIGUSR1, on_usr1);
	child = fork();
	if (child == 0) {
		kill(getppid(), SIGUSR1);
		_exit(42);
	}
	waitpid(child, &status, 0);
	snprintf(line, sizeof(line), "welcome: forked pid %d, which signalled me (%s) and exited with %d\n", (int)child,
		 got == SIGUSR1 ? "SIGUSR1 caught" : "no signal", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	say(line);
	strftime(line, sizeof(line), "welcome: the RTC says %Y-%m-%d %H:%M:%S UTC\n", gmtime(&now.tv_sec));
	say(line);
	say("welcome: kernel, vm, pm, rs and ds are up; vfs, the terminal and a BusyBox shell come next.\n");
	return 0;
}
