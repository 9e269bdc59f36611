/*
 * /etc/inittab in BusyBox's format, one entry a line:
 *
 *   ID:RUNLEVELS:ACTION:PROCESS
 *
 * ID is the terminal the process runs on ("tty1" or "/dev/tty1"; empty:
 * /dev/console), RUNLEVELS is ignored (as BusyBox does), ACTION one of
 * sysinit, wait, once, respawn, askfirst, shutdown, ctrlaltdel, and PROCESS
 * the command, a leading "-" asking for a login shell. Blank lines and
 * lines starting with "#" are skipped. Pure logic, tested on the host
 * (tests/unit/test_inittab.c); init.c runs the entries.
 */
#ifndef INIT_INITTAB_H
#define INIT_INITTAB_H

#include <stddef.h>

enum inittab_action {
	INIT_SYSINIT = 1,
	INIT_WAIT = 2,
	INIT_ONCE = 4,
	INIT_RESPAWN = 8,
	INIT_ASKFIRST = 16,
	INIT_SHUTDOWN = 32,
	INIT_CTRLALTDEL = 64,
};

#define INITTAB_MAX 32          /* entries; more are refused, each with its line */
#define INITTAB_TERMINAL_MAX 64 /* "/dev/" and the ID */
#define INITTAB_COMMAND_MAX 512
#define INITTAB_ARGS_MAX 32 /* words of a command run without a shell */

struct inittab_entry {
	enum inittab_action action;
	char terminal[INITTAB_TERMINAL_MAX]; /* "/dev/tty1"; "" for /dev/console */
	char command[INITTAB_COMMAND_MAX];   /* without the "-" */
	int login;                           /* the command began with "-" */
	int line;                            /* in the file, for messages */
};

struct inittab {
	struct inittab_entry entry[INITTAB_MAX];
	int count;
};

/* Called for each line that is not an entry, with why; the line is skipped. */
typedef void (*inittab_complaint)(void *ctx, int line, const char *why);

/* Read len bytes of inittab text into tab (its entries, in file order); returns tab->count. */
int inittab_parse(const char *text, size_t len, struct inittab *tab, inittab_complaint complain, void *ctx);

/* The action's name ("respawn"), or "?". */
const char *inittab_action_name(enum inittab_action action);

/*
 * The argument vector that runs entry e, built in buf (size bytes) and
 * argv (room for INITTAB_ARGS_MAX + 1 pointers): the words of the command,
 * or "/bin/sh -c 'exec COMMAND'" when it holds characters only a shell
 * understands (quotes, $, redirections, ...). A login shell's argv[0] is
 * "-" and the program's base name ("-sh"), as login(1) makes it. *path is
 * the program to execute. Returns 0, or -1 when it does not fit.
 */
int inittab_argv(const struct inittab_entry *e, char *buf, size_t size, char **argv, const char **path);

#endif
