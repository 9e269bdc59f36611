/* init's reading of /etc/inittab (commands/init/inittab.c): BusyBox's format, and the argv it runs. */
#include "check.h"

#include "../../commands/init/inittab.h"

static struct inittab tab;
static int complaints, last_bad_line;
static char last_why[128];

static void complain(void *ctx, int line, const char *why)
{
	(void)ctx;
	complaints++;
	last_bad_line = line;
	snprintf(last_why, sizeof(last_why), "%s", why);
}

static int parse(const char *text)
{
	complaints = 0;
	last_bad_line = 0;
	return inittab_parse(text, strlen(text), &tab, complain, 0);
}

static void inittab_reads_busybox_example(void)
{
	CHECK(parse("# the system\n"
	            "::sysinit:/etc/rc\n"
	            "\n"
	            "::respawn:-/bin/sh\n"
	            "tty2::askfirst:-/bin/sh\n"
	            "::ctrlaltdel:/sbin/reboot\n"
	            "::shutdown:/bin/umount -a -r\n") == 5);
	CHECK(complaints == 0);
	CHECK(tab.entry[0].action == INIT_SYSINIT && strcmp(tab.entry[0].command, "/etc/rc") == 0);
	CHECK(tab.entry[0].terminal[0] == 0 && !tab.entry[0].login && tab.entry[0].line == 2);
	CHECK(tab.entry[1].action == INIT_RESPAWN && tab.entry[1].login &&
	      strcmp(tab.entry[1].command, "/bin/sh") == 0);
	CHECK(tab.entry[2].action == INIT_ASKFIRST && strcmp(tab.entry[2].terminal, "/dev/tty2") == 0);
	CHECK(tab.entry[3].action == INIT_CTRLALTDEL && tab.entry[4].action == INIT_SHUTDOWN);
	CHECK(strcmp(tab.entry[4].command, "/bin/umount -a -r") == 0 && tab.entry[4].line == 7);
}

static void inittab_every_action_named(void)
{
	CHECK(parse("::sysinit:a\n::wait:b\n::once:c\n::respawn:d\n::askfirst:e\n::shutdown:f\n::ctrlaltdel:g\n") == 7);
	CHECK(tab.entry[1].action == INIT_WAIT && tab.entry[2].action == INIT_ONCE);
	CHECK(strcmp(inittab_action_name(INIT_ASKFIRST), "askfirst") == 0);
	CHECK(strcmp(inittab_action_name((enum inittab_action)999), "?") == 0);
}

static void inittab_terminal_with_or_without_dev(void)
{
	CHECK(parse("/dev/ttyS0::respawn:/bin/sh\nttyS1:2345:respawn:/bin/sh\n") == 2);
	CHECK(strcmp(tab.entry[0].terminal, "/dev/ttyS0") == 0 && strcmp(tab.entry[1].terminal, "/dev/ttyS1") == 0);
}

static void inittab_blanks_and_crlf_trimmed(void)
{
	CHECK(parse("  tty1 : : respawn :  -/bin/sh  \r\n\t# indented comment\n") == 1);
	CHECK(complaints == 0 && strcmp(tab.entry[0].terminal, "/dev/tty1") == 0);
	CHECK(tab.entry[0].login && strcmp(tab.entry[0].command, "/bin/sh") == 0);
}

static void inittab_colons_in_the_command_kept(void)
{
	CHECK(parse("::once:/bin/echo a:b:c\n") == 1 && strcmp(tab.entry[0].command, "/bin/echo a:b:c") == 0);
}

static void inittab_last_line_without_newline(void)
{
	CHECK(parse("::sysinit:/etc/rc") == 1 && strcmp(tab.entry[0].command, "/etc/rc") == 0);
}

static void inittab_bad_lines_said_and_skipped(void)
{
	CHECK(parse("::sysinit:/etc/rc\nnonsense\n::bogus:/bin/x\n::respawn:\n::respawn:-\nok::once:/bin/true\n") == 2);
	CHECK(complaints == 4 && last_bad_line == 5);
	CHECK(tab.entry[1].action == INIT_ONCE && strcmp(tab.entry[1].terminal, "/dev/ok") == 0);
	CHECK(parse("../etc/passwd::once:/bin/true\nt t::once:/bin/true\n") == 0 && complaints == 2);
	CHECK(strcmp(last_why, "bad terminal name") == 0);
}

static void inittab_too_many_entries_refused(void)
{
	static char text[INITTAB_MAX * 20 + 100];
	size_t n = 0;

	for (int i = 0; i < INITTAB_MAX + 3; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "::once:/bin/x%d\n", i);
	CHECK(parse(text) == INITTAB_MAX && complaints == 3 && strcmp(last_why, "too many entries") == 0);
}

static void inittab_too_long_refused(void)
{
	static char text[INITTAB_COMMAND_MAX + 64];

	memset(text, 'a', sizeof(text));
	memcpy(text, "::once:/", 8);
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = 0;
	CHECK(parse(text) == 0 && complaints == 1 && strcmp(last_why, "process too long") == 0);
	memset(text, 'a', sizeof(text));
	text[sizeof(text) - 1] = 0;
	memcpy(text + INITTAB_TERMINAL_MAX, "::once:/bin/true", 16);
	CHECK(parse(text) == 0 && complaints == 1);
}

static void inittab_argv_words(void)
{
	char buf[INITTAB_COMMAND_MAX + 64], *argv[INITTAB_ARGS_MAX + 1];
	const char *path;

	parse("::shutdown:/bin/umount   -a\t-r\n");
	CHECK(inittab_argv(&tab.entry[0], buf, sizeof(buf), argv, &path) == 0);
	CHECK(strcmp(path, "/bin/umount") == 0 && strcmp(argv[0], "/bin/umount") == 0);
	CHECK(strcmp(argv[1], "-a") == 0 && strcmp(argv[2], "-r") == 0 && argv[3] == 0);
}

static void inittab_argv_login_shell(void)
{
	char buf[INITTAB_COMMAND_MAX + 64], *argv[INITTAB_ARGS_MAX + 1];
	const char *path;

	parse("::respawn:-/bin/sh -l\n");
	CHECK(inittab_argv(&tab.entry[0], buf, sizeof(buf), argv, &path) == 0);
	CHECK(strcmp(path, "/bin/sh") == 0 && strcmp(argv[0], "-sh") == 0 && strcmp(argv[1], "-l") == 0 && !argv[2]);
}

static void inittab_argv_shell_for_shell_syntax(void)
{
	char buf[INITTAB_COMMAND_MAX + 64], *argv[INITTAB_ARGS_MAX + 1];
	const char *path;

	parse("::sysinit:/bin/echo 'hi there' > /tmp/x\n");
	CHECK(inittab_argv(&tab.entry[0], buf, sizeof(buf), argv, &path) == 0);
	CHECK(strcmp(path, "/bin/sh") == 0 && strcmp(argv[0], "sh") == 0 && strcmp(argv[1], "-c") == 0);
	CHECK(strcmp(argv[2], "exec /bin/echo 'hi there' > /tmp/x") == 0 && argv[3] == 0);
}

static void inittab_argv_too_many_words_or_too_small(void)
{
	char buf[INITTAB_COMMAND_MAX + 64], *argv[INITTAB_ARGS_MAX + 1], text[256];
	const char *path;
	size_t n = (size_t)snprintf(text, sizeof(text), "::once:/bin/x");

	for (int i = 0; i < INITTAB_ARGS_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " a");
	parse(text);
	CHECK(inittab_argv(&tab.entry[0], buf, sizeof(buf), argv, &path) == -1);
	parse("::respawn:-/bin/sh\n");
	CHECK(inittab_argv(&tab.entry[0], buf, 12, argv, &path) == 0);
	CHECK(inittab_argv(&tab.entry[0], buf, 11, argv, &path) == -1);
}

int main(void)
{
	RUN(inittab_reads_busybox_example);
	RUN(inittab_every_action_named);
	RUN(inittab_terminal_with_or_without_dev);
	RUN(inittab_blanks_and_crlf_trimmed);
	RUN(inittab_colons_in_the_command_kept);
	RUN(inittab_last_line_without_newline);
	RUN(inittab_bad_lines_said_and_skipped);
	RUN(inittab_too_many_entries_refused);
	RUN(inittab_too_long_refused);
	RUN(inittab_argv_words);
	RUN(inittab_argv_login_shell);
	RUN(inittab_argv_shell_for_shell_syntax);
	RUN(inittab_argv_too_many_words_or_too_small);
	return check_exit();
}
