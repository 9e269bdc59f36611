/*
 * typein: type TEXT into this terminal, as if at its keyboard (TIOCSTI,
 * one byte at a time, DELAY ms apart), for the demos. "\n" in TEXT is a
 * newline. The terminal must be the caller's controlling terminal.
 *
 *   typein [--delay MS] TEXT
 *   typein --check          status 0 if standard input is our controlling terminal
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long delay = 20;
	const char *text;
	char *end;

	if (argc == 2 && strcmp(argv[1], "--check") == 0) {
		pid_t sid;

		return ioctl(0, TIOCGSID, &sid) == 0 && sid == getsid(0) ? 0 : 1;
	}
	if (argc == 4 && strcmp(argv[1], "--delay") == 0) {
		errno = 0;
		delay = strtoul(argv[2], &end, 10);
		if (!argv[2][0] || *end || errno || delay > 10000 || argv[2][0] == '-') {
			fprintf(stderr, "typein: --delay needs a whole number of ms from 0 to 10000, not '%s'\n", argv[2]);
			return 2;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: typein [--delay MS] TEXT | typein --check\n");
		return 2;
	}
	text = argv[1];
	for (size_t i = 0; text[i]; i++) {
		char c = text[i];
		struct timespec ts = {(time_t)(delay / 1000), (long)(delay % 1000) * 1000000};

		if (c == '\\' && text[i + 1] == 'n') {
			c = '\n';
			i++;
		}
		if (ioctl(0, TIOCSTI, &c) < 0) {
			fprintf(stderr, "typein: cannot type into standard input: %s\n", strerror(errno));
			return 1;
		}
		if (delay)
			nanosleep(&ts, 0);
	}
	return 0;
}
