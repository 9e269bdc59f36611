/* rs's service table: every key parsed exactly, every mistake reported with its line, the rest kept. */
#include <stdio.h>
#include <stdlib.h>

#include "../../kernel/bootspec.h"
#include "../../servers/rs/table.h"
#include "check.h"

static const char *const kcalls[] = {"null", "print", "klog", "clock", "vmalloc"};
static struct svc_table t;

static int parse(const char *text)
{
	return svc_table_parse(text, strlen(text), kcalls, 5, &t);
}

/* Is there an error at line whose text contains what? */
static int has_error(int line, const char *what)
{
	for (int i = 0; i < t.nerrors && i < SVC_ERRORS_MAX; i++)
		if (t.error[i].line == line && strstr(t.error[i].text, what))
			return 1;
	return 0;
}

/* Boot processes as the kernel lists them: name, slot (0: a data module). */
static struct ax_bootinfo boot_of(const char *const *names, const int *slots, int n)
{
	struct ax_bootinfo b = {.count = (uint32_t)n};

	for (int i = 0; i < n; i++) {
		snprintf(b.procs[i].name, sizeof(b.procs[i].name), "%s", names[i]);
		b.procs[i].ep = slots[i] ? (1 << AX_SLOT_BITS) | slots[i] : AX_NONE;
	}
	return b;
}

static const char *const boot_names[] = {"rs", "services", "vm", "pm", "ds"};
static const int boot_slots[] = {1, 0, 3, 4, 5};

static int resolve(void)
{
	struct ax_bootinfo b = boot_of(boot_names, boot_slots, 5);

	return svc_table_resolve(&t, &b);
}

static int bit(const uint64_t *map, int n) { return (int)((map[n / 64] >> (n % 64)) & 1); }

static void parses_every_key(void)
{
	int errors = parse("service disk\n"
		    "\tbinary bin/disk\n"
		    "\targs -v --port 3\n"
		    "\tflags system magic sendany\n"
		    "\tkc print clock\n"
		    "\tio 0x1f0-0x1f7 0x3f6\n"
		    "\tirq 14 15\n"
		    "\tmem 0xb8000-0xb8fff\n"
		    "\tprio 2\n"
		    "\tquantum 20\n"
		    "\theartbeat 500\n"
		    "\trecovery none\n"
		    "\trestarts 7\n"
		    "\tkept 8192\n");

	CHECK(errors == 0);
	CHECK(t.count == 1);
	struct svc_spec *s = &t.svc[0];
	CHECK(strcmp(s->label, "disk") == 0 && strcmp(s->binary, "bin/disk") == 0);
	CHECK(s->argc == 3 && strcmp(s->args + s->arg_at[0], "-v") == 0 &&
	      strcmp(s->args + s->arg_at[1], "--port") == 0 && strcmp(s->args + s->arg_at[2], "3") == 0);
	CHECK(s->priv.flags == (AX_PRIV_SYSTEM | AX_PRIV_MAGIC | AX_PRIV_SEND_ANY));
	CHECK(s->priv.kcalls == ((1ULL << 1) | (1ULL << 3)));
	CHECK(s->priv.io[0].lo == 0x1f0 && s->priv.io[0].hi == 0x1f7);
	CHECK(s->priv.io[1].lo == 0x3f6 && s->priv.io[1].hi == 0x3f6 && s->priv.io[2].hi == 0);
	CHECK(s->priv.irqs == ((1U << 14) | (1U << 15)));
	CHECK(s->priv.mem[0].base == 0xb8000 && s->priv.mem[0].size == 0x1000 && s->priv.mem[1].size == 0);
	CHECK(s->prio == 2 && s->quantum_ms == 20 && s->heartbeat_ms == 500);
	CHECK(s->recovery == SVC_RECOVER_NONE && s->max_restarts == 7 && s->kept == 8192);
	CHECK(s->valid && !s->boot && s->line == 1);
}

static void applies_defaults(void)
{
	CHECK(parse("service ds\n binary bin/ds\n") == 0);
	struct svc_spec *s = &t.svc[0];
	CHECK(s->argc == 0 && s->nipc == 0 && s->priv.flags == 0 && s->priv.kcalls == 0);
	CHECK(s->prio == SVC_DEFAULT_PRIO && s->quantum_ms == SVC_DEFAULT_QUANTUM && s->heartbeat_ms == 0);
	CHECK(s->recovery == SVC_RECOVER_RESTART && s->max_restarts == SVC_DEFAULT_RESTARTS);
}

static void keeps_table_order_and_adds_up_lists(void)
{
	int errors = parse("# the table\n"
		    "\n"
		    "service a   # first\n"
		    "  binary bin/a\n"
		    "  kc print\n"
		    "  kc clock   # lists may repeat\n"
		    "  ipc b\n"
		    "  ipc pm\n"
		    "service b\r\n"
		    "  binary bin/b\r\n");

	CHECK(errors == 0);
	CHECK(t.count == 2 && strcmp(t.svc[0].label, "a") == 0 && strcmp(t.svc[1].label, "b") == 0);
	CHECK(t.svc[0].priv.kcalls == ((1ULL << 1) | (1ULL << 3)));
	CHECK(t.svc[0].nipc == 2 && strcmp(t.svc[0].ipc[1], "pm") == 0 && t.svc[0].ipc_line[1] == 8);
	CHECK(t.svc[1].line == 9 && strcmp(t.svc[1].binary, "bin/b") == 0);
}

static void adopts_boot_service_without_binary(void)
{
	CHECK(parse("service vm\n boot\n recovery none\n") == 0);
	CHECK(t.svc[0].boot && t.svc[0].valid && t.svc[0].binary[0] == 0);
}

/* One bad line: one error with its line number and text; that entry only is invalid. */
#define REFUSED(name, entry, line, text)                                          \
	static void name(void)                                                    \
	{                                                                         \
		int errors = parse("service ok\n binary bin/ok\n"                 \
				   "service x\n binary bin/x\n" entry             \
				   "service also_ok\n binary bin/also_ok\n");     \
		CHECK(errors == 1);                                               \
		CHECK(has_error(line, text));                                     \
		CHECK(t.count == 3 && !svc_table_find(&t, "x")->valid);           \
		CHECK(svc_table_find(&t, "ok")->valid && svc_table_find(&t, "also_ok")->valid); \
	}

REFUSED(refuses_unknown_key, " prio 3\n colour blue\n", 6, "unknown key 'colour'")
REFUSED(refuses_bad_number, " quantum 1O\n", 5, "bad number '1O' for quantum")
REFUSED(refuses_number_overflow, " heartbeat 99999999999999999999999\n", 5, "bad number")
REFUSED(refuses_prio_16, " prio 16\n", 5, "bad number '16' for prio (0 to 15)")
REFUSED(refuses_quantum_0, " quantum 0\n", 5, "for quantum (1 to 1000)")
REFUSED(refuses_heartbeat_too_long, " heartbeat 3600001\n", 5, "for heartbeat")
REFUSED(refuses_restarts_too_many, " restarts 1001\n", 5, "for restarts")
REFUSED(refuses_two_values, " prio 1 2\n", 5, "prio takes one value")
REFUSED(refuses_kept_part_of_a_page, " kept 5000\n", 5, "kept 5000 is not a whole number of pages")
REFUSED(refuses_kept_too_big, " kept 17000000\n", 5, "for kept (4096 to 16777216)")
REFUSED(refuses_missing_value, " prio\n", 5, "prio takes one value")
REFUSED(refuses_unknown_kernel_call, " kc print fly\n", 5, "unknown kernel call 'fly'")
REFUSED(refuses_empty_kernel_call_list, " kc\n", 5, "kc needs at least one")
REFUSED(refuses_unknown_flag, " flags system root\n", 5, "unknown flag 'root'")
REFUSED(refuses_key_given_twice, " prio 1\n prio 2\n", 6, "prio given twice")
REFUSED(refuses_args_given_twice, " args a\n args b\n", 6, "args given twice")
REFUSED(refuses_reversed_io_range, " io 0x70-0x60\n", 5, "bad I/O port range '0x70-0x60'")
REFUSED(refuses_io_past_64k, " io 0-0x10000\n", 5, "bad I/O port range")
REFUSED(refuses_too_many_io_ranges, " io 1 2 3 4\n io 5 6 7 8 9\n", 6, "more than 8 I/O port ranges")
REFUSED(refuses_irq_0, " irq 0\n", 5, "bad IRQ line '0'")
REFUSED(refuses_irq_cascade, " irq 2\n", 5, "bad IRQ line '2'")
REFUSED(refuses_irq_16, " irq 16\n", 5, "bad IRQ line '16'")
REFUSED(refuses_bad_mem_range, " mem 0x2000-0x1000\n", 5, "bad memory range")
REFUSED(refuses_too_many_mem_ranges, " mem 1 2 3 4 5\n", 5, "more than 4 memory ranges")
REFUSED(refuses_unknown_recovery, " recovery sometimes\n", 5, "unknown recovery 'sometimes'")
REFUSED(refuses_bad_ipc_label, " ipc ok bad/label\n", 5, "bad IPC target label 'bad/label'")
REFUSED(refuses_boot_with_value, " boot yes\n", 5, "boot takes no value")
REFUSED(refuses_too_many_args, " args 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n", 5, "more than 16 arguments")
REFUSED(refuses_control_character, " prio\0013\n", 5, "control character")

static void refuses_long_path(void)
{
	CHECK(parse("service x\n binary bin/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n") == 2);
	CHECK(has_error(2, "binary path longer than 63"));
	CHECK(has_error(1, "service x has no binary"));
}

static void refuses_long_arguments(void)
{
	char text[600] = "service x\n binary b\n args";

	for (int i = 0; i < 15; i++)
		strcat(text, " abcdefghijklmnopqrstuvwxyz");
	strcat(text, "\n");
	CHECK(parse(text) == 1 && has_error(3, "arguments longer than 256 bytes"));
}

static void refuses_missing_binary(void)
{
	CHECK(parse("service a\n binary bin/a\nservice x\n prio 3\nservice b\n binary bin/b\n") == 1);
	CHECK(has_error(3, "service x has no binary"));
	CHECK(!t.svc[1].valid && t.svc[0].valid && t.svc[2].valid);
}

static void refuses_key_before_first_service(void)
{
	CHECK(parse("# header\nbinary bin/a\nservice a\n binary bin/a\n") == 1);
	CHECK(has_error(2, "'binary' before the first `service LABEL` line"));
	CHECK(t.count == 1 && t.svc[0].valid);
}

static void refuses_duplicate_label_and_skips_its_lines(void)
{
	CHECK(parse("service a\n binary bin/a\n\nservice a\n binary bin/other\n colour red\nservice b\n binary bin/b\n") ==
	      1);
	CHECK(has_error(4, "duplicate label 'a' (first on line 1)"));
	CHECK(t.count == 2 && strcmp(t.svc[0].binary, "bin/a") == 0 && t.svc[1].valid);
}

static void refuses_bad_labels(void)
{
	CHECK(parse("service\nservice a b\nservice sixteen_letters_\nservice x/y\nservice ok\n binary bin/ok\n") == 4);
	CHECK(has_error(1, "service needs one label") && has_error(2, "service needs one label"));
	CHECK(has_error(3, "service needs one label") && has_error(4, "service needs one label"));
	CHECK(t.count == 1 && t.svc[0].valid);
}

static void refuses_too_many_services(void)
{
	char text[4096] = "";

	for (int i = 0; i <= SVC_MAX; i++) {
		char entry[64];

		snprintf(entry, sizeof(entry), "service s%d\n binary bin/s\n", i);
		strcat(text, entry);
	}
	CHECK(parse(text) == 1);
	CHECK(has_error(2 * SVC_MAX + 1, "too many services: at most 32"));
	CHECK(t.count == SVC_MAX && t.svc[SVC_MAX - 1].valid);
}

static void counts_errors_beyond_those_kept(void)
{
	char text[2048] = "service x\n binary b\n";

	for (int i = 0; i < SVC_ERRORS_MAX + 4; i++)
		strcat(text, " colour red\n");
	CHECK(parse(text) == SVC_ERRORS_MAX + 4);
	CHECK(t.nerrors == SVC_ERRORS_MAX + 4 && t.error[SVC_ERRORS_MAX - 1].line == SVC_ERRORS_MAX + 2);
}

static void gives_slots_from_the_top(void)
{
	CHECK(parse("service a\n binary a\nservice vm\n boot\nservice b\n binary b\n") == 0);
	CHECK(resolve() == 0);
	CHECK(t.svc[0].slot == AX_NR_SLOTS - 1 && t.svc[2].slot == AX_NR_SLOTS - 2);
	CHECK(t.svc[1].slot == 3); /* the boot process's own */
}

static void resolves_ipc_targets_to_slots(void)
{
	CHECK(parse("service a\n binary a\n ipc b vm rs\nservice b\n binary b\n ipc a\n") == 0);
	CHECK(resolve() == 0);
	const uint64_t *to = t.svc[0].priv.send_to;
	CHECK(bit(to, AX_NR_SLOTS - 2) && bit(to, 3) && bit(to, 1)); /* b (later in the table), vm, rs */
	CHECK(!bit(to, AX_NR_SLOTS - 1) && !bit(to, 4));
	CHECK(bit(t.svc[1].priv.send_to, AX_NR_SLOTS - 1));
}

static void refuses_unknown_ipc_target(void)
{
	CHECK(parse("service a\n binary a\n ipc vm\n ipc nobody\nservice b\n binary b\n") == 0);
	CHECK(resolve() == 1);
	CHECK(has_error(4, "unknown IPC target 'nobody'"));
	CHECK(!t.svc[0].valid && t.svc[1].valid);
}

static void refuses_data_module_as_ipc_target(void)
{
	CHECK(parse("service a\n binary a\n ipc services\n") == 0);
	CHECK(resolve() == 1 && has_error(3, "unknown IPC target 'services'"));
}

static void refuses_boot_service_that_is_not_booted(void)
{
	CHECK(parse("service vfs\n boot\nservice b\n binary b\n") == 0);
	CHECK(resolve() == 1 && has_error(1, "marked boot, but no boot process"));
	CHECK(!t.svc[0].valid && t.svc[0].slot == 0 && t.svc[1].valid);
}

static void refuses_label_of_a_boot_process(void)
{
	CHECK(parse("service pm\n binary bin/pm\n") == 0);
	CHECK(resolve() == 1 && has_error(1, "label pm is a boot process's name"));
}

/* The kernel's call names, as the kernel and rs take them (axolotl/kcalls.h). */
#define KCALL_WORD(name, number, word, handler) [number] = word,
static const char *const kcall_words[KC_COUNT] = {AX_KCALLS(KCALL_WORD)};

static int kernel_call_names(const char **names, int max)
{
	int n = 0;

	for (; n < KC_COUNT && n < max; n++)
		names[n] = kcall_words[n];
	return n;
}

/* The system's own table, as it is in the tree (make runs the tests from the top folder). */
static void etc_services_is_clean(void)
{
	static char text[65536];
	const char *names[64];
	int nnames = kernel_call_names(names, 64);
	FILE *f = fopen("etc/services", "r");
	size_t n = f ? fread(text, 1, sizeof(text), f) : 0;

	CHECK(nnames > KC_VPROTECT && strcmp(names[KC_SAFECOPY], "safecopy") == 0);
	CHECK(f != NULL);
	if (f)
		fclose(f);
	CHECK(svc_table_parse(text, n, names, nnames, &t) == 0); /* resolved against the default image below */
	for (int i = 0; i < t.nerrors && i < SVC_ERRORS_MAX; i++)
		fprintf(stderr, "etc/services:%d: %s\n", t.error[i].line, t.error[i].text);
	CHECK(t.count >= 1);
}

/*
 * A boot service that rs restarts gets, in every later incarnation, what its
 * table entry says; its first incarnation has what its boot line says. So
 * for each such service of etc/services, its line in the default image
 * (release/images/default.list) must give exactly the same privileges,
 * priority and quantum, plus, for a pinged service, the right to send to
 * rs (rs adds that to a restart itself).
 */
static void boot_lines_agree_with_table(void)
{
	static char text[65536], lines[AX_BOOT_MAX][512], name_of[AX_BOOT_MAX][16];
	static struct bootspec specs[AX_BOOT_MAX];
	const char *names[64], *boot[AX_BOOT_MAX];
	int nnames = kernel_call_names(names, 64), n = 0, slots[AX_BOOT_MAX], checked = 0, rs_slot = 0;
	FILE *f = fopen("release/images/default.list", "r");
	char line[512];
	size_t len;
	struct ax_bootinfo b;

	CHECK(f != NULL);
	while (f && n < AX_BOOT_MAX && fgets(line, sizeof(line), f)) {
		char *args = line + strspn(line, " \t");

		line[strcspn(line, "\n")] = 0;
		if (!*args || *args == '#')
			continue;
		args += strcspn(args, " \t"); /* the program's file; the rest is the kernel's command line */
		snprintf(lines[n], sizeof(lines[n]), "%s", args + strspn(args, " \t"));
		bootspec_parse(lines[n], 0, 0, 0, 0, 0, &specs[n]); /* the name is all we need yet */
		snprintf(name_of[n], sizeof(name_of[n]), "%s", specs[n].name);
		boot[n] = name_of[n];
		n++;
	}
	if (f)
		fclose(f);
	for (int i = 0; i < n; i++) {
		CHECK(bootspec_parse(lines[i], boot, n, 1, names, nnames, &specs[i]) == 0);
		slots[i] = specs[i].data_for < 0 ? 1 + i : 0;
		if (strcmp(boot[i], "rs") == 0)
			rs_slot = 1 + i;
	}
	f = fopen("etc/services", "r");
	len = f ? fread(text, 1, sizeof(text), f) : 0;
	if (f)
		fclose(f);
	b = boot_of(boot, slots, n);
	CHECK(svc_table_parse(text, len, names, nnames, &t) == 0 && svc_table_resolve(&t, &b) == 0);
	for (int i = 0; i < t.nerrors && i < SVC_ERRORS_MAX; i++)
		fprintf(stderr, "etc/services:%d: %s\n", t.error[i].line, t.error[i].text);
	for (int s = 0; s < t.count; s++) {
		const struct svc_spec *sv = &t.svc[s];

		if (!sv->boot || !sv->binary[0] || sv->recovery != SVC_RECOVER_RESTART)
			continue;
		for (int i = 0; i < n; i++) {
			struct ax_priv booted = specs[i].priv;

			if (strcmp(boot[i], sv->label) != 0)
				continue;
			if (sv->heartbeat_ms) { /* its boot line must let it answer rs; the table need not say so */
				CHECK((booted.send_to[rs_slot / 64] >> (rs_slot % 64)) & 1);
				if (!((sv->priv.send_to[rs_slot / 64] >> (rs_slot % 64)) & 1))
					booted.send_to[rs_slot / 64] &= ~(1ULL << (rs_slot % 64));
			}
			if (memcmp(&booted, &sv->priv, sizeof(booted)) != 0 || specs[i].prio != sv->prio ||
			    specs[i].quantum_ms != sv->quantum_ms) {
				fprintf(stderr, "%s: its boot line and its entry in etc/services differ\n", sv->label);
				CHECK(!"boot line and table entry agree");
			}
			CHECK(specs[i].super == rs_slot - 1); /* super=rs: rs hears of its death */
			checked++;
		}
	}
	CHECK(checked >= 2); /* memory and tty */
}

int main(void)
{
	RUN(parses_every_key);
	RUN(boot_lines_agree_with_table);
	RUN(applies_defaults);
	RUN(keeps_table_order_and_adds_up_lists);
	RUN(adopts_boot_service_without_binary);
	RUN(refuses_unknown_key);
	RUN(refuses_bad_number);
	RUN(refuses_number_overflow);
	RUN(refuses_prio_16);
	RUN(refuses_quantum_0);
	RUN(refuses_heartbeat_too_long);
	RUN(refuses_restarts_too_many);
	RUN(refuses_two_values);
	RUN(refuses_kept_part_of_a_page);
	RUN(refuses_kept_too_big);
	RUN(refuses_missing_value);
	RUN(refuses_unknown_kernel_call);
	RUN(refuses_empty_kernel_call_list);
	RUN(refuses_unknown_flag);
	RUN(refuses_key_given_twice);
	RUN(refuses_args_given_twice);
	RUN(refuses_reversed_io_range);
	RUN(refuses_io_past_64k);
	RUN(refuses_too_many_io_ranges);
	RUN(refuses_irq_0);
	RUN(refuses_irq_cascade);
	RUN(refuses_irq_16);
	RUN(refuses_bad_mem_range);
	RUN(refuses_too_many_mem_ranges);
	RUN(refuses_unknown_recovery);
	RUN(refuses_bad_ipc_label);
	RUN(refuses_boot_with_value);
	RUN(refuses_too_many_args);
	RUN(refuses_control_character);
	RUN(refuses_long_path);
	RUN(refuses_long_arguments);
	RUN(refuses_missing_binary);
	RUN(refuses_key_before_first_service);
	RUN(refuses_duplicate_label_and_skips_its_lines);
	RUN(refuses_bad_labels);
	RUN(refuses_too_many_services);
	RUN(counts_errors_beyond_those_kept);
	RUN(gives_slots_from_the_top);
	RUN(resolves_ipc_targets_to_slots);
	RUN(refuses_unknown_ipc_target);
	RUN(refuses_data_module_as_ipc_target);
	RUN(refuses_boot_service_that_is_not_booted);
	RUN(refuses_label_of_a_boot_process);
	RUN(etc_services_is_clean);
	return check_exit();
}
