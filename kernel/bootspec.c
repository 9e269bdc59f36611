#include "bootspec.h"
#include <format/format.h>

#include <stdbool.h>
#include <stddef.h>

/* A word of the command line: [s, s+len). */
struct word {
	const char *s;
	size_t len;
};

static bool word_is(struct word w, const char *lit)
{
	size_t i = 0;

	for (; i < w.len && lit[i]; i++)
		if (w.s[i] != lit[i])
			return false;
	return i == w.len && lit[i] == 0;
}

/* Split off the next token, ending at delim (consumed) or a space (not). */
static struct word next_token(const char **p, char delim)
{
	struct word w = {*p, 0};

	while (**p && **p != delim && **p != ' ')
		(*p)++;
	w.len = (size_t)(*p - w.s);
	if (**p == delim && delim != ' ')
		(*p)++;
	return w;
}

static bool parse_num(struct word w, uint64_t *out) { return parse_u64(w.s, w.len, out) == 0; }

/* LO-HI inclusive, LO <= HI */
static bool parse_range(struct word w, uint64_t *lo, uint64_t *hi)
{
	for (size_t i = 0; i < w.len; i++) {
		if (w.s[i] == '-') {
			struct word a = {w.s, i}, b = {w.s + i + 1, w.len - i - 1};

			return parse_num(a, lo) && parse_num(b, hi) && *lo <= *hi;
		}
	}
	return false;
}

static int find_name(struct word w, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (names[i] && word_is(w, names[i]))
			return i;
	return -1;
}

/* One comma-separated list value, item by item. */
static const char *parse_list(const char *p, struct bootspec *b, char kind, const char *const *names, int nnames,
			      int first_slot, const char *const *kcalls, int nkcalls)
{
	int nio = 0, nmem = 0;

	for (;;) {
		struct word item = next_token(&p, ',');
		uint64_t lo, hi;
		int i;

		if (item.len == 0)
			return "empty list item";
		if (kind == 'k') {
			if (word_is(item, "all"))
				b->priv.kcalls = ~0ULL;
			else if ((i = find_name(item, kcalls, nkcalls)) >= 0)
				b->priv.kcalls |= 1ULL << i;
			else
				return "unknown kernel call";
		} else if (kind == 's') {
			if (word_is(item, "all"))
				b->priv.flags |= AX_PRIV_SEND_ANY;
			else if ((i = find_name(item, names, nnames)) >= 0)
				b->priv.send_to[(first_slot + i) / 64] |= 1ULL << ((first_slot + i) % 64);
			else
				return "unknown send target";
		} else if (kind == 'i') {
			if (nio == AX_PRIV_IO_RANGES || !parse_range(item, &lo, &hi) || hi > 0xffff)
				return "bad io range";
			b->priv.io[nio].lo = (uint16_t)lo;
			b->priv.io[nio++].hi = (uint16_t)hi;
		} else if (kind == 'q') {
			if (!parse_num(item, &lo) || lo >= 32)
				return "bad irq";
			b->priv.irqs |= 1U << lo;
		} else {
			if (nmem == AX_PRIV_MEM_RANGES || !parse_range(item, &lo, &hi) || hi == UINT64_MAX)
				return "bad mem range";
			b->priv.mem[nmem].base = lo;
			b->priv.mem[nmem++].size = hi - lo + 1;
		}
		if (p[-1] != ',') /* the list ended; after a comma another item must follow */
			return 0;
	}
}

static const char *parse_word(const char **p, struct bootspec *b, const char *const *names, int nnames,
			      int first_slot, const char *const *kcalls, int nkcalls)
{
	static const struct {
		const char *key;
		char kind;
	} lists[] = {{"kc=", 'k'}, {"send=", 's'}, {"io=", 'i'}, {"irq=", 'q'}, {"mem=", 'm'}};
	struct word w;
	uint64_t v;

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		size_t n = 0;

		while (lists[i].key[n] && (*p)[n] == lists[i].key[n])
			n++;
		if (lists[i].key[n] == 0) {
			*p += n;
			return parse_list(*p, b, lists[i].kind, names, nnames, first_slot, kcalls, nkcalls);
		}
	}
	w = next_token(p, ' ');
	if (word_is(w, "system"))
		b->priv.flags |= AX_PRIV_SYSTEM;
	else if (word_is(w, "sendany"))
		b->priv.flags |= AX_PRIV_SEND_ANY;
	else if (word_is(w, "data") && b->data_for < 0)
		b->data_for = AX_BOOT_MAX; /* to= must follow */
	else if (w.len > 3 && word_is((struct word){w.s, 3}, "to=")) {
		int i = find_name((struct word){w.s + 3, w.len - 3}, names, nnames);

		if (b->data_for != AX_BOOT_MAX || i < 0)
			return "to= names no boot process, or follows no data word";
		b->data_for = i;
	} else if (w.len > 6 && word_is((struct word){w.s, 6}, "super=")) {
		int i = find_name((struct word){w.s + 6, w.len - 6}, names, nnames);

		if (i < 0 || word_is((struct word){w.s + 6, w.len - 6}, b->name))
			return "super= names no other boot process";
		b->super = i;
	} else if (word_is(w, "magic"))
		b->priv.flags |= AX_PRIV_MAGIC;
	else if (w.len > 5 && word_is((struct word){w.s, 5}, "prio=")) {
		if (!parse_num((struct word){w.s + 5, w.len - 5}, &v) || v > 15)
			return "bad prio";
		b->prio = (int)v;
	} else if (w.len > 8 && word_is((struct word){w.s, 8}, "quantum=")) {
		if (!parse_num((struct word){w.s + 8, w.len - 8}, &v) || v == 0 || v > 1000)
			return "bad quantum";
		b->quantum_ms = (unsigned)v;
	} else
		return "unknown word";
	return 0;
}

static void skip_word(const char **p)
{
	while (**p && **p != ' ')
		(*p)++;
}

int bootspec_parse(const char *cmdline, const char *const *names, int nnames, int first_slot,
		   const char *const *kcall_names, int nkcalls, struct bootspec *out)
{
	const char *p = cmdline;
	struct word w;

	*out = (struct bootspec){.prio = 8, .quantum_ms = 10, .data_for = -1, .super = -1};
	while (*p == ' ')
		p++;
	if (*p == '/') { /* GRUB may pass the module's path first */
		skip_word(&p);
		while (*p == ' ')
			p++;
	}
	w = next_token(&p, ' ');
	if (w.len == 0 || w.len >= sizeof(out->name)) {
		out->error = "missing or long name";
		return -AX_EINVAL;
	}
	for (size_t i = 0; i < w.len; i++)
		out->name[i] = w.s[i];
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == 0 && out->data_for == AX_BOOT_MAX) {
			out->error = "data needs to=PROCESS";
			return -AX_EINVAL;
		}
		if (*p == 0 && out->data_for >= 0 && out->super >= 0) {
			out->error = "a data module has no supervisor";
			return -AX_EINVAL;
		}
		if (*p == 0)
			return 0;
		out->error = parse_word(&p, out, names, nnames, first_slot, kcall_names, nkcalls);
		if (out->error)
			return -AX_EINVAL;
		skip_word(&p); /* parse_list stops at the space */
	}
}
