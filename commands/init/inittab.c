/*
 * Reading /etc/inittab (the format: inittab.h). Nothing here touches the
 * system: init.c reads the file and runs what this makes of it.
 */
#include "inittab.h"

#include <string.h>

static const struct {
	const char *name;
	enum inittab_action action;
} actions[] = {
    {"sysinit", INIT_SYSINIT},       {"wait", INIT_WAIT},         {"once", INIT_ONCE},
    {"respawn", INIT_RESPAWN},       {"askfirst", INIT_ASKFIRST}, {"shutdown", INIT_SHUTDOWN},
    {"ctrlaltdel", INIT_CTRLALTDEL},
};

const char *inittab_action_name(enum inittab_action action)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (actions[i].action == action)
			return actions[i].name;
	return "?";
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* [*s, end) without blanks around it. */
static void trim(const char **s, const char **end)
{
	while (*s < *end && blank(**s))
		++*s;
	while (*end > *s && blank((*end)[-1]))
		--*end;
}

/* Copy [s, end) into dst (size bytes) with a NUL; 0, or -1 when it does not fit. */
static int copy(char *dst, size_t size, const char *s, const char *end)
{
	size_t n = (size_t)(end - s);

	if (n >= size)
		return -1;
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

/* One line, [s, end), into *e: 0, or the reason it is not an entry. */
static const char *parse_line(const char *s, const char *end, struct inittab_entry *e)
{
	const char *colon[3], *p = s, *id, *id_end, *act, *act_end, *cmd;
	size_t i;

	for (int k = 0; k < 3; k++) {
		while (p < end && *p != ':')
			p++;
		if (p == end)
			return "not ID:RUNLEVELS:ACTION:PROCESS (too few colons)";
		colon[k] = p++;
	}
	id = s;
	id_end = colon[0];
	trim(&id, &id_end);
	act = colon[1] + 1;
	act_end = colon[2];
	trim(&act, &act_end);
	cmd = colon[2] + 1;
	trim(&cmd, &end);
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strlen(actions[i].name) == (size_t)(act_end - act) &&
		    memcmp(actions[i].name, act, (size_t)(act_end - act)) == 0)
			break;
	if (i == sizeof(actions) / sizeof(actions[0]))
		return "unknown action";
	e->action = actions[i].action;
	e->login = cmd < end && *cmd == '-';
	cmd += e->login;
	if (cmd == end)
		return "no process to run";
	if (copy(e->command, sizeof(e->command), cmd, end) < 0)
		return "process too long";
	e->terminal[0] = 0;
	if (id < id_end) {
		for (p = id; p < id_end; p++)
			if (*p == ' ' || *p == '\t' || (*p == '.' && p + 1 < id_end && p[1] == '.'))
				return "bad terminal name";
		if ((size_t)(id_end - id) >= 5 && memcmp(id, "/dev/", 5) == 0)
			id += 5;
		if (id == id_end || 5 + (size_t)(id_end - id) >= sizeof(e->terminal))
			return "bad terminal name";
		memcpy(e->terminal, "/dev/", 5);
		copy(e->terminal + 5, sizeof(e->terminal) - 5, id, id_end);
	}
	return 0;
}

int inittab_parse(const char *text, size_t len, struct inittab *tab, inittab_complaint complain, void *ctx)
{
	const char *p = text, *end = text + len;
	int line = 0;

	tab->count = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *s = p, *e;
		const char *why;

		if (!eol)
			eol = end;
		e = eol;
		p = eol + (eol < end);
		line++;
		trim(&s, &e);
		if (s == e || *s == '#')
			continue;
		if (memchr(s, 0, (size_t)(e - s))) {
			why = "a NUL byte in the line";
		} else if (tab->count == INITTAB_MAX) {
			why = "too many entries";
		} else {
			struct inittab_entry *en = &tab->entry[tab->count];

			why = parse_line(s, e, en);
			if (!why) {
				en->line = line;
				tab->count++;
				continue;
			}
		}
		if (complain)
			complain(ctx, line, why);
	}
	return tab->count;
}

/* Characters after which only a shell knows what the command means. */
static const char shell_chars[] = "~`!$^&*()=|\\{}[];\"'<>?#";

int inittab_argv(const struct inittab_entry *e, char *buf, size_t size, char **argv, const char **path)
{
	size_t n = strlen(e->command);
	int argc = 0;
	char *p, *base;

	if (strpbrk(e->command, shell_chars)) {
		static const char exec_[] = "exec ";

		if (sizeof(exec_) + n > size)
			return -1;
		memcpy(buf, exec_, sizeof(exec_) - 1);
		memcpy(buf + sizeof(exec_) - 1, e->command, n + 1);
		*path = "/bin/sh";
		argv[0] = e->login ? "-sh" : "sh";
		argv[1] = "-c";
		argv[2] = buf;
		argv[3] = 0;
		return 0;
	}
	if (n + 1 > size)
		return -1;
	memcpy(buf, e->command, n + 1);
	for (p = buf; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = 0;
		if (!*p)
			break;
		if (argc == INITTAB_ARGS_MAX)
			return -1;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	argv[argc] = 0;
	*path = argv[0];
	if (e->login) { /* argv[0] becomes "-" and the base name, stored after the words */
		base = strrchr(argv[0], '/');
		base = base ? base + 1 : argv[0];
		if (n + 1 + 1 + strlen(base) + 1 > size)
			return -1;
		p = buf + n + 1;
		p[0] = '-';
		memcpy(p + 1, base, strlen(base) + 1);
		argv[0] = p;
	}
	return 0;
}
