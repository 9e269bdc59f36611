/*
 * ttystate: what a program sees of its terminal, before and after the tty
 * driver restarts under it (issue 16: terminals keep their state).
 *
 *   ttystate DEVICE HOW     HOW: crash (fault crash tty) or restart (service restart tty)
 *   ttystate DEVICE stopped-write COUNT [crash|hang]
 *
 * Becomes a session leader with DEVICE as its controlling terminal, gives
 * the terminal settings and a window size of its own, reads tcgetattr,
 * TIOCGWINSZ, TIOCGPGRP and TIOCGSID, has the driver restarted, waits until
 * /proc/services shows it running again, reads them again and prints
 * "ttystate: same" or what differs (exit 1). Settings are put back at the end.
 *
 * stopped-write: stops DEVICE's output (tcflow TCOOFF), has a child write
 * the lines 1 to COUNT to DEVICE in one
 * write, which the driver takes only in part; crashes (or hangs) the driver
 * while that write waits, starts output again (TCOON) once it is back, and prints
 * "ttystate: written N" when the child's write returned N. What the far end
 * must see: every line once, in order (tests/shell/run's stream check).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

struct seen {
	struct termios tio;
	struct winsize ws;
	pid_t pgrp, sid;
};

static int look(int fd, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	if (tcgetattr(fd, &s->tio) < 0 || ioctl(fd, TIOCGWINSZ, &s->ws) < 0 || ioctl(fd, TIOCGPGRP, &s->pgrp) < 0 ||
	    ioctl(fd, TIOCGSID, &s->sid) < 0) {
		printf("ttystate: the terminal's state cannot be read: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* The tty's restart count in /proc/services (field 4 of its line), or -1. */
static long restarts(int *running)
{
	char line[256], label[64], state[32];
	long ep, n = -1;
	FILE *f = fopen("/proc/services", "r");

	*running = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld %31s %ld", label, &ep, state, &n) == 4 && strcmp(label, "tty") == 0) {
			*running = strcmp(state, "running") == 0;
			break;
		}
	fclose(f);
	return n;
}

static int run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid < 0 || waitpid(pid, &status, 0) < 0 ? -1 : status;
}

/* Wait until the tty is running again after restarts0 restarts: 0, or -1 after 10 s. */
static int back_again(long restarts0)
{
	struct timespec tick = {0, 50 * 1000 * 1000};
	int running = 0;
	long n = -1;

	for (int i = 0; i < 200 && ((n = restarts(&running)) <= restarts0 || !running); i++)
		nanosleep(&tick, 0);
	if (n > restarts0 && running)
		return 0;
	printf("ttystate: the tty did not restart (restarts %ld, then %ld)\n", restarts0, n);
	return -1;
}

static int stopped_write(const char *dev, long count, const char *how)
{
	char *fault[] = {"/sbin/fault", (char *)how, "tty", 0};
	struct timespec settle = {0, 300 * 1000 * 1000};
	int fd = open(dev, O_RDWR | O_NOCTTY), running, status;
	long n0 = restarts(&running);
	size_t len = 0;
	char *buf = malloc((size_t)count * 8 + 1);
	pid_t child;

	if (fd < 0 || !buf || count < 1 || count > 100000) {
		printf("ttystate: cannot open %s, or no memory, or a count outside 1..100000\n", dev);
		return 1;
	}
	for (long i = 1; i <= count; i++)
		len += (size_t)sprintf(buf + len, "%ld\n", i);
	if (tcflow(fd, TCOOFF) < 0)
		return printf("ttystate: tcflow TCOOFF: %s\n", strerror(errno)), 1;
	if ((child = fork()) == 0)
		_exit(write(fd, buf, len) == (ssize_t)len ? 0 : 1);
	nanosleep(&settle, 0); /* the write is in the driver, stopped, part of it queued */
	if (run(fault) != 0 || back_again(n0) < 0) {
		tcflow(fd, TCOON);
		return printf("ttystate: %s tty failed\n", how), 1;
	}
	tcflow(fd, TCOON);
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("ttystate: the write did not return all %zu bytes\n", len);
		return 1;
	}
	printf("ttystate: written %zu\n", len);
	return 0;
}

int main(int argc, char **argv)
{
	static char *crash[] = {"/sbin/fault", "crash", "tty", 0}, *restart[] = {"/sbin/service", "restart", "tty", 0};
	struct seen before, after, want;
	int fd, running = 0, differs = 0;
	long n0;

	if ((argc == 4 || argc == 5) && strcmp(argv[2], "stopped-write") == 0 &&
	    (argc == 4 || strcmp(argv[4], "crash") == 0 || strcmp(argv[4], "hang") == 0))
		return stopped_write(argv[1], strtol(argv[3], 0, 10), argc == 5 ? argv[4] : "crash");
	if (argc != 3 || (strcmp(argv[2], "crash") && strcmp(argv[2], "restart"))) {
		fprintf(stderr, "usage: ttystate DEVICE crash|restart | ttystate DEVICE stopped-write COUNT [crash|hang]\n");
		return 2;
	}
	if (setsid() < 0 || (fd = open(argv[1], O_RDWR)) < 0) {
		printf("ttystate: cannot make %s the controlling terminal of a new session: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (look(fd, &want) < 0)
		return 1;
	before = want;
	before.tio.c_cc[VEOF] = 2;               /* ^B: settings of our own, not the defaults */
	before.tio.c_lflag |= TOSTOP;
	before.ws = (struct winsize){.ws_row = 33, .ws_col = 77};
	if (tcsetattr(fd, TCSANOW, &before.tio) < 0 || ioctl(fd, TIOCSWINSZ, &before.ws) < 0 || look(fd, &before) < 0)
		return 1;
	n0 = restarts(&running);
	if (run(strcmp(argv[2], "crash") == 0 ? crash : restart) != 0) {
		printf("ttystate: %s tty failed\n", argv[2]);
		return 1;
	}
	if (back_again(n0) < 0)
		return 1;
	if (look(fd, &after) < 0)
		return 1;
	if (memcmp(&before.tio, &after.tio, sizeof(before.tio)) != 0)
		differs = printf("ttystate: tcgetattr differs (lflag %#x -> %#x, VEOF %d -> %d)\n", before.tio.c_lflag,
				 after.tio.c_lflag, before.tio.c_cc[VEOF], after.tio.c_cc[VEOF]);
	if (memcmp(&before.ws, &after.ws, sizeof(before.ws)) != 0)
		differs = printf("ttystate: TIOCGWINSZ differs (%dx%d -> %dx%d)\n", before.ws.ws_row, before.ws.ws_col,
				 after.ws.ws_row, after.ws.ws_col);
	if (before.pgrp != after.pgrp)
		differs = printf("ttystate: TIOCGPGRP differs (%d -> %d)\n", before.pgrp, after.pgrp);
	if (before.sid != after.sid)
		differs = printf("ttystate: TIOCGSID differs (%d -> %d)\n", before.sid, after.sid);
	tcsetattr(fd, TCSANOW, &want.tio);
	ioctl(fd, TIOCSWINSZ, &want.ws);
	if (differs)
		return 1;
	printf("ttystate: same\n");
	return 0;
}
