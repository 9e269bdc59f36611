/*
 * Reading the service table: one `service LABEL` line opens a service's
 * entry, the `KEY VALUE...` lines after it fill it in. Pure logic.
 */
#include "table.h"

#include <format/format.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A word of a line: [s, s+n). */
struct word {
	const char *s;
	size_t n;
};

/* The words of one line, taken one at a time. */
struct line {
	const char *p, *end;
	int number;
};

struct parser {
	struct svc_table *t;
	struct svc_spec *cur; /* the entry being filled in, or 0 */
	int skipping;         /* its `service` line was refused: its lines are ignored */
	unsigned given;       /* keys given once already in this entry (bit per key) */
	int nio, nmem;
	const char *const *kcalls;
	int nkcalls;
};

/* Record an error at line (its text formatted), and count it. */
static void record(struct svc_table *t, int line, const char *fmt, va_list ap)
{
	if (t->nerrors < SVC_ERRORS_MAX) {
		struct svc_error *e = &t->error[t->nerrors];

		e->line = line;
		vsnprintf(e->text, sizeof(e->text), fmt, ap);
	}
	t->nerrors++;
}

static void table_error(struct svc_table *t, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(t, line, fmt, ap);
	va_end(ap);
}

/* An error in the entry being read: it will not be started. */
static void fail(struct parser *ps, const struct line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(ps->t, l->number, fmt, ap);
	va_end(ap);
	if (ps->cur)
		ps->cur->valid = 0;
}

/* The next word, or a word of length 0 at the end of the line or at a comment. */
static struct word next_word(struct line *l)
{
	struct word w;

	while (l->p < l->end && (*l->p == ' ' || *l->p == '\t' || *l->p == '\r'))
		l->p++;
	if (l->p < l->end && *l->p == '#') /* a comment runs to the end of the line */
		l->p = l->end;
	w.s = l->p;
	while (l->p < l->end && *l->p != ' ' && *l->p != '\t' && *l->p != '\r')
		l->p++;
	w.n = (size_t)(l->p - w.s);
	return w;
}

static int word_is(struct word w, const char *lit)
{
	return strlen(lit) == w.n && memcmp(w.s, lit, w.n) == 0;
}

/* Shown in messages: at most 32 characters of a word. */
#define SHOW(w) (int)((w).n < 32 ? (w).n : 32), (w).s

/* Decimal or 0x-hexadecimal, the whole word, no overflow. */
static int parse_number(struct word w, uint64_t *out) { return parse_u64(w.s, w.n, out); }

/* LO-HI (inclusive, LO <= HI) or a single N. */
static int parse_range(struct word w, uint64_t *lo, uint64_t *hi)
{
	for (size_t i = 0; i < w.n; i++) {
		if (w.s[i] != '-')
			continue;
		if (parse_number((struct word){w.s, i}, lo) < 0 ||
		    parse_number((struct word){w.s + i + 1, w.n - i - 1}, hi) < 0)
			return -1;
		return *lo <= *hi ? 0 : -1;
	}
	if (parse_number(w, lo) < 0)
		return -1;
	*hi = *lo;
	return 0;
}

/* 1-15 letters, digits, '_', '-' or '.'. */
static int label_ok(struct word w)
{
	if (w.n == 0 || w.n >= SVC_LABEL_MAX)
		return 0;
	for (size_t i = 0; i < w.n; i++) {
		char c = w.s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

static void copy_word(char *dst, struct word w)
{
	memcpy(dst, w.s, w.n);
	dst[w.n] = 0;
}

/* The one value of a key that takes exactly one; else an error and a word of length 0. */
static struct word one_value(struct parser *ps, struct line *l, const char *key)
{
	struct word w = next_word(l), extra = next_word(l);

	if (w.n == 0 || extra.n) {
		fail(ps, l, "%s takes one value", key);
		return (struct word){0, 0};
	}
	return w;
}

/* The one numeric value of key, within [lo, hi]. */
static int one_number(struct parser *ps, struct line *l, const char *key, uint64_t lo, uint64_t hi, uint64_t *out)
{
	struct word w = one_value(ps, l, key);

	if (w.n == 0)
		return -1;
	if (parse_number(w, out) < 0 || *out < lo || *out > hi) {
		fail(ps, l, "bad number '%.*s' for %s (%llu to %llu)", SHOW(w), key, (unsigned long long)lo,
		     (unsigned long long)hi);
		return -1;
	}
	return 0;
}

/* ---- the keys ---------------------------------------------------------------- */

static void key_binary(struct parser *ps, struct line *l)
{
	struct word w = one_value(ps, l, "binary");

	if (w.n >= SVC_PATH_MAX)
		fail(ps, l, "binary path longer than %d characters", SVC_PATH_MAX - 1);
	else if (w.n)
		copy_word(ps->cur->binary, w);
}

static void key_args(struct parser *ps, struct line *l)
{
	struct svc_spec *s = ps->cur;
	size_t used = 0;

	for (struct word w = next_word(l); w.n; w = next_word(l)) {
		if (s->argc == SVC_ARGS_MAX) {
			fail(ps, l, "more than %d arguments", SVC_ARGS_MAX);
			return;
		}
		if (w.n + 1 > sizeof(s->args) - used) {
			fail(ps, l, "arguments longer than %d bytes in all", SVC_ARG_BYTES);
			return;
		}
		s->arg_at[s->argc++] = (uint16_t)used;
		copy_word(s->args + used, w);
		used += w.n + 1;
	}
}

static void key_flags(struct parser *ps, struct line *l)
{
	static const struct {
		const char *name;
		uint32_t flag;
	} flags[] = {{"system", AX_PRIV_SYSTEM}, {"sendany", AX_PRIV_SEND_ANY}, {"magic", AX_PRIV_MAGIC}};
	struct word w = next_word(l);

	if (w.n == 0)
		fail(ps, l, "flags needs at least one of system, sendany, magic");
	for (; w.n; w = next_word(l)) {
		size_t i = 0;

		while (i < sizeof(flags) / sizeof(flags[0]) && !word_is(w, flags[i].name))
			i++;
		if (i == sizeof(flags) / sizeof(flags[0]))
			fail(ps, l, "unknown flag '%.*s' (system, sendany, magic)", SHOW(w));
		else
			ps->cur->priv.flags |= flags[i].flag;
	}
}

static void key_ipc(struct parser *ps, struct line *l)
{
	struct svc_spec *s = ps->cur;
	struct word w = next_word(l);

	if (w.n == 0)
		fail(ps, l, "ipc needs at least one label");
	for (; w.n; w = next_word(l)) {
		if (!label_ok(w)) {
			fail(ps, l, "bad IPC target label '%.*s'", SHOW(w));
		} else if (s->nipc == SVC_IPC_MAX) {
			fail(ps, l, "more than %d IPC targets", SVC_IPC_MAX);
			return;
		} else {
			copy_word(s->ipc[s->nipc], w);
			s->ipc_line[s->nipc++] = l->number;
		}
	}
}

static void key_kc(struct parser *ps, struct line *l)
{
	struct word w = next_word(l);

	if (w.n == 0)
		fail(ps, l, "kc needs at least one kernel call");
	for (; w.n; w = next_word(l)) {
		int i = 0;

		while (i < ps->nkcalls && !(ps->kcalls[i] && word_is(w, ps->kcalls[i])))
			i++;
		if (i == ps->nkcalls || i >= 64)
			fail(ps, l, "unknown kernel call '%.*s'", SHOW(w));
		else
			ps->cur->priv.kcalls |= 1ULL << i;
	}
}

static void key_io(struct parser *ps, struct line *l)
{
	struct word w = next_word(l);
	uint64_t lo, hi;

	if (w.n == 0)
		fail(ps, l, "io needs at least one port range");
	for (; w.n; w = next_word(l)) {
		if (parse_range(w, &lo, &hi) < 0 || hi > 0xffff) {
			fail(ps, l, "bad I/O port range '%.*s' (LO-HI, at most 0xffff)", SHOW(w));
		} else if (ps->nio == AX_PRIV_IO_RANGES) {
			fail(ps, l, "more than %d I/O port ranges", AX_PRIV_IO_RANGES);
			return;
		} else {
			ps->cur->priv.io[ps->nio].lo = (uint16_t)lo;
			ps->cur->priv.io[ps->nio++].hi = (uint16_t)hi;
		}
	}
}

static void key_irq(struct parser *ps, struct line *l)
{
	struct word w = next_word(l);
	uint64_t v;

	if (w.n == 0)
		fail(ps, l, "irq needs at least one line");
	for (; w.n; w = next_word(l)) {
		/* The kernel keeps the timer (0) and the cascade (2) to itself. */
		if (parse_number(w, &v) < 0 || v == 0 || v == 2 || v > 15)
			fail(ps, l, "bad IRQ line '%.*s' (1 to 15, not 2)", SHOW(w));
		else
			ps->cur->priv.irqs |= 1U << v;
	}
}

static void key_mem(struct parser *ps, struct line *l)
{
	struct word w = next_word(l);
	uint64_t lo, hi;

	if (w.n == 0)
		fail(ps, l, "mem needs at least one physical range");
	for (; w.n; w = next_word(l)) {
		if (parse_range(w, &lo, &hi) < 0 || hi == UINT64_MAX) {
			fail(ps, l, "bad memory range '%.*s' (LO-HI)", SHOW(w));
		} else if (ps->nmem == AX_PRIV_MEM_RANGES) {
			fail(ps, l, "more than %d memory ranges", AX_PRIV_MEM_RANGES);
			return;
		} else {
			ps->cur->priv.mem[ps->nmem].base = lo;
			ps->cur->priv.mem[ps->nmem++].size = hi - lo + 1;
		}
	}
}

static void key_prio(struct parser *ps, struct line *l)
{
	uint64_t v;

	if (one_number(ps, l, "prio", 0, 15, &v) == 0)
		ps->cur->prio = (int)v;
}

static void key_quantum(struct parser *ps, struct line *l)
{
	uint64_t v;

	if (one_number(ps, l, "quantum", 1, SVC_QUANTUM_MAX, &v) == 0)
		ps->cur->quantum_ms = (unsigned)v;
}

static void key_heartbeat(struct parser *ps, struct line *l)
{
	uint64_t v;

	if (one_number(ps, l, "heartbeat", 0, SVC_HEARTBEAT_MAX, &v) == 0)
		ps->cur->heartbeat_ms = (unsigned)v;
}

static void key_recovery(struct parser *ps, struct line *l)
{
	struct word w = one_value(ps, l, "recovery");

	if (word_is(w, "restart"))
		ps->cur->recovery = SVC_RECOVER_RESTART;
	else if (word_is(w, "none"))
		ps->cur->recovery = SVC_RECOVER_NONE;
	else if (w.n)
		fail(ps, l, "unknown recovery '%.*s' (restart or none)", SHOW(w));
}

static void key_restarts(struct parser *ps, struct line *l)
{
	uint64_t v;

	if (one_number(ps, l, "restarts", 0, SVC_RESTARTS_MAX, &v) == 0)
		ps->cur->max_restarts = (unsigned)v;
}

static void key_kept(struct parser *ps, struct line *l)
{
	uint64_t v;

	if (one_number(ps, l, "kept", 4096, SVC_KEPT_MAX, &v) < 0)
		return;
	if (v % 4096)
		fail(ps, l, "kept %llu is not a whole number of pages (4096 bytes)", (unsigned long long)v);
	else
		ps->cur->kept = v;
}

static void key_boot(struct parser *ps, struct line *l)
{
	if (next_word(l).n)
		fail(ps, l, "boot takes no value");
	else
		ps->cur->boot = 1;
}

/* Keys marked once may appear once per entry; the lists may repeat and add up. */
static const struct key {
	const char *name;
	void (*fn)(struct parser *, struct line *);
	int once;
} keys[] = {
	{"binary", key_binary, 1},   {"args", key_args, 1},       {"flags", key_flags, 0},
	{"ipc", key_ipc, 0},         {"kc", key_kc, 0},           {"io", key_io, 0},
	{"irq", key_irq, 0},         {"mem", key_mem, 0},         {"prio", key_prio, 1},
	{"quantum", key_quantum, 1}, {"heartbeat", key_heartbeat, 1}, {"recovery", key_recovery, 1},
	{"restarts", key_restarts, 1}, {"boot", key_boot, 1},   {"kept", key_kept, 1},
};

/* ---- entries and lines ------------------------------------------------------------ */

/* The entry being read is complete: check what only the whole entry shows. */
static void finish_entry(struct parser *ps)
{
	struct svc_spec *s = ps->cur;

	if (s && !s->binary[0] && !s->boot) {
		table_error(ps->t, s->line, "service %s has no binary", s->label);
		s->valid = 0;
	}
	ps->cur = 0;
	ps->skipping = 0;
}

/* `service LABEL`: open a new entry, unless the label is bad, taken, or the table full. */
static void open_entry(struct parser *ps, struct line *l)
{
	struct svc_table *t = ps->t;
	struct word w = next_word(l);
	struct svc_spec *s;
	char label[SVC_LABEL_MAX];

	finish_entry(ps);
	ps->skipping = 1; /* until the entry is accepted */
	if (!label_ok(w) || next_word(l).n) {
		table_error(t, l->number, "service needs one label of 1 to %d letters, digits, '_', '-' or '.'",
			    SVC_LABEL_MAX - 1);
		return;
	}
	copy_word(label, w);
	if (svc_table_find(t, label)) {
		table_error(t, l->number, "duplicate label '%s' (first on line %d)", label,
			    svc_table_find(t, label)->line);
		return;
	}
	if (t->count == SVC_MAX) {
		table_error(t, l->number, "too many services: at most %d", SVC_MAX);
		return;
	}
	s = &t->svc[t->count++];
	memset(s, 0, sizeof(*s));
	memcpy(s->label, label, sizeof(label));
	s->prio = SVC_DEFAULT_PRIO;
	s->quantum_ms = SVC_DEFAULT_QUANTUM;
	s->recovery = SVC_RECOVER_RESTART;
	s->max_restarts = SVC_DEFAULT_RESTARTS;
	s->line = l->number;
	s->valid = 1;
	ps->cur = s;
	ps->skipping = 0;
	ps->given = 0;
	ps->nio = ps->nmem = 0;
}

static void parse_line(struct parser *ps, struct line *l)
{
	struct word key = next_word(l);
	size_t k = 0;

	if (key.n == 0)
		return; /* blank, or a comment */
	if (word_is(key, "service")) {
		open_entry(ps, l);
		return;
	}
	if (ps->skipping)
		return; /* the entry's `service` line was reported already */
	if (!ps->cur) {
		fail(ps, l, "'%.*s' before the first `service LABEL` line", SHOW(key));
		return;
	}
	while (k < sizeof(keys) / sizeof(keys[0]) && !word_is(key, keys[k].name))
		k++;
	if (k == sizeof(keys) / sizeof(keys[0])) {
		fail(ps, l, "unknown key '%.*s'", SHOW(key));
		return;
	}
	if (keys[k].once && (ps->given & (1U << k))) {
		fail(ps, l, "%s given twice", keys[k].name);
		return;
	}
	ps->given |= 1U << k;
	keys[k].fn(ps, l);
}

int svc_table_parse(const char *text, size_t len, const char *const *kcall_names, int nkcalls, struct svc_table *t)
{
	struct parser ps = {.t = t, .kcalls = kcall_names, .nkcalls = nkcalls};
	const char *p = text, *end = text + len;
	int number = 0;

	memset(t, 0, sizeof(*t));
	while (p < end) {
		struct line l = {p, p, ++number};
		int bad = 0;

		while (l.end < end && *l.end != '\n') {
			unsigned char c = (unsigned char)*l.end++;

			bad |= (c < ' ' && c != '\t' && c != '\r') || c == 0x7f;
		}
		p = l.end < end ? l.end + 1 : end;
		if (bad)
			fail(&ps, &l, "control character in the line");
		else
			parse_line(&ps, &l);
	}
	finish_entry(&ps);
	return t->nerrors;
}

/* ---- resolving --------------------------------------------------------------------- */

struct svc_spec *svc_table_find(struct svc_table *t, const char *label)
{
	for (int i = 0; i < t->count; i++)
		if (strcmp(t->svc[i].label, label) == 0)
			return &t->svc[i];
	return 0;
}

/* The slot of the boot process called name, 0 if none (or if it is a data module). */
static int boot_slot(const struct ax_bootinfo *boot, const char *name, int *exists)
{
	*exists = 0;
	for (uint32_t i = 0; i < boot->count && i < AX_BOOT_MAX; i++) {
		if (strncmp(boot->procs[i].name, name, sizeof(boot->procs[i].name)) != 0)
			continue;
		*exists = 1;
		return boot->procs[i].ep > 0 ? boot->procs[i].ep & (AX_NR_SLOTS - 1) : 0;
	}
	return 0;
}

_Static_assert(AX_NR_SLOTS - SVC_MAX > AX_BOOT_MAX, "service slots stay clear of the boot processes'");

int svc_table_resolve(struct svc_table *t, const struct ax_bootinfo *boot)
{
	int before = t->nerrors, next_slot = AX_NR_SLOTS - 1, exists;

	for (int i = 0; i < t->count; i++) {
		struct svc_spec *s = &t->svc[i];
		int slot = boot_slot(boot, s->label, &exists);

		s->slot = 0;
		if (s->boot && !slot) {
			table_error(t, s->line, "service %s is marked boot, but no boot process has that name", s->label);
			s->valid = 0;
		} else if (s->boot) {
			s->slot = slot;
		} else {
			s->slot = next_slot--;
			if (exists) {
				table_error(t, s->line, "label %s is a boot process's name (write boot to adopt it)",
					    s->label);
				s->valid = 0;
			}
		}
	}
	for (int i = 0; i < t->count; i++) {
		struct svc_spec *s = &t->svc[i];

		memset(s->priv.send_to, 0, sizeof(s->priv.send_to));
		for (int k = 0; k < s->nipc; k++) {
			struct svc_spec *target = svc_table_find(t, s->ipc[k]);
			int slot = target && target->slot ? target->slot : boot_slot(boot, s->ipc[k], &exists);

			if (!slot) {
				table_error(t, s->ipc_line[k], "unknown IPC target '%s' (no service or boot process)",
					    s->ipc[k]);
				s->valid = 0;
				continue;
			}
			s->priv.send_to[slot / 64] |= 1ULL << (slot % 64);
		}
	}
	return t->nerrors - before;
}
