/*
 * Building a service's process with kernel calls only, the way the kernel
 * builds a boot process: a stopped process in the service's slot, its
 * segments in fresh memory filled through a magic grant, a stack with the
 * System V start frame, a boot information page, then its privileges,
 * registers and scheduling; and it runs. A restart takes the same steps.
 */
#include <string.h>

#include <proto/rs.h>

#include <elf/elf.h>
#include "rs.h"

#define PAGE 4096ULL
#define MAX_SEGMENTS 16
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6

/* Segments end below the data-module area: the stack, boot info and data lie above. */
#define SEGMENTS_TOP AX_BOOTDATA_ADDR

static struct ax_grant grant[2]; /* 0: copies into services being built; RS_INFO_GRANT: procfs's table */

/* One process being built. */
struct building {
	endpoint_t ep;
	const uint8_t *image;
	int nseg;
	struct {
		uint64_t start, end; /* page-aligned */
		unsigned rights;     /* AX_MAP_WRITE, AX_MAP_EXEC */
	} seg[MAX_SEGMENTS];
};

static int kcall(unsigned call, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return ax_kcall(call, &(ax_message){.u64 = {a, b, c, d}});
}

void start_init(void)
{
	info_init(&grant[RS_INFO_GRANT]);
	if (kcall(KC_GRANT_TABLE, (uint64_t)grant, 2, 0, 0) < 0)
		ax_printf("rs: cannot publish a grant table: no service can be loaded\n");
}

/* Copy len bytes between ours at buf and va in process ep (AX_COPY_TO: into it), through a magic grant. */
int copy_with(endpoint_t ep, uint64_t va, void *buf, uint64_t len, int direction)
{
	grant[0] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_MAGIC |
					     (direction == AX_COPY_TO ? AX_GRANT_WRITE : AX_GRANT_READ),
				     ax_self, ep, 0, va, len};
	return ax_kcall(KC_SAFECOPY, &(ax_message){.u64 = {(uint64_t)(int64_t)ax_self, 0, 0, (uint64_t)buf, len,
								(uint64_t)direction}});
}

static int copy_to(endpoint_t ep, uint64_t va, const void *src, uint64_t len)
{
	return copy_with(ep, va, (void *)src, len, AX_COPY_TO);
}

/* The checking pass, before the process exists: only count. */
static int count_segment(void *ctx, const struct elf_segment *seg)
{
	struct building *b = ctx;

	(void)seg;
	return b->nseg++ < MAX_SEGMENTS ? 0 : -AX_EINVAL;
}

/* Map one segment writable and fill it; its own rights come once all are in (protect_segments). */
static int load_segment(void *ctx, const struct elf_segment *seg)
{
	struct building *b = ctx;
	uint64_t start = seg->vaddr & ~(PAGE - 1), end = (seg->vaddr + seg->memsz + PAGE - 1) & ~(PAGE - 1);
	int r;

	b->seg[b->nseg].start = start;
	b->seg[b->nseg].end = end;
	b->seg[b->nseg++].rights = (seg->writable ? AX_MAP_WRITE : 0) | (seg->executable ? AX_MAP_EXEC : 0);
	/* IFABSENT: a page the previous segment ends on is shared, not replaced. */
	r = ax_vmalloc(b->ep, start, end - start, AX_MAP_WRITE | AX_MAP_IFABSENT);
	if (r == 0 && seg->filesz)
		r = copy_to(b->ep, seg->vaddr, b->image + seg->offset, seg->filesz);
	return r;
}

/* Every page gets the rights of its segment; a page two segments share gets both sets. */
static int protect_segments(const struct building *b)
{
	int r = 0;

	for (int i = 0; r == 0 && i < b->nseg; i++)
		r = kcall(KC_VPROTECT, (uint64_t)b->ep, b->seg[i].start, b->seg[i].end - b->seg[i].start,
			  b->seg[i].rights);
	for (int i = 0; r == 0 && i < b->nseg; i++) {
		for (int j = i + 1; r == 0 && j < b->nseg; j++) {
			uint64_t lo = b->seg[i].start > b->seg[j].start ? b->seg[i].start : b->seg[j].start;
			uint64_t hi = b->seg[i].end < b->seg[j].end ? b->seg[i].end : b->seg[j].end;

			if (lo < hi)
				r = kcall(KC_VPROTECT, (uint64_t)b->ep, lo, hi - lo, b->seg[i].rights | b->seg[j].rights);
		}
	}
	return r;
}

/*
 * The stack, as the kernel gives a boot process (and musl's start-up
 * expects): argc, argv[] (the label, then the table's arguments), NULL,
 * an empty envp, auxv with AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ; the
 * strings at the top. Sets *sp, 16-byte aligned, at argc.
 */
static int build_stack(const struct building *b, const struct svc_spec *s, uint64_t *sp)
{
	char strings[SVC_LABEL_MAX + SVC_ARG_BYTES];
	uint64_t frame[SVC_ARGS_MAX + 16], at[SVC_ARGS_MAX + 1], strings_at, n = 0;
	size_t used = 0;
	uint16_t phnum;
	uint64_t phdr = elf_phdr_vaddr(b->image, &phnum);
	int argc = 1 + s->argc, r;

	for (int i = 0; i < argc; i++) {
		const char *arg = i == 0 ? s->label : s->args + s->arg_at[i - 1];
		size_t len = strlen(arg) + 1;

		at[i] = used;
		memcpy(strings + used, arg, len);
		used += len;
	}
	strings_at = (AX_STACK_TOP - used) & ~15ULL;
	frame[n++] = (uint64_t)argc;
	for (int i = 0; i < argc; i++)
		frame[n++] = strings_at + at[i];
	frame[n++] = 0; /* end of argv */
	frame[n++] = 0; /* envp: empty */
	{
		const uint64_t aux[][2] = {{AT_PHDR, phdr}, {AT_PHENT, sizeof(struct elf64_phdr)}, {AT_PHNUM, phnum},
					   {AT_PAGESZ, PAGE}, {AT_NULL, 0}};

		for (unsigned i = 0; i < sizeof(aux) / sizeof(aux[0]); i++) {
			frame[n++] = aux[i][0];
			frame[n++] = aux[i][1];
		}
	}
	*sp = (strings_at - n * 8) & ~15ULL;
	r = ax_vmalloc(b->ep, AX_STACK_TOP - AX_BOOT_STACK, AX_BOOT_STACK, AX_MAP_WRITE);
	if (r == 0)
		r = copy_to(b->ep, strings_at, strings, used);
	if (r == 0)
		r = copy_to(b->ep, *sp, frame, n * 8);
	return r;
}

/* The read-only boot information page: base, with the new process itself listed and as `self`. */
static int write_bootinfo(const struct building *b, const struct svc_spec *s, const struct ax_bootinfo *base,
			  unsigned restarts)
{
	static struct ax_bootinfo page;
	int r;

	page = *base;
	page.self = b->ep;
	page.restarts = restarts; /* the service's cue to take back its state from ds */
	if (page.count < AX_BOOT_MAX) {
		memset(&page.procs[page.count], 0, sizeof(page.procs[0]));
		memcpy(page.procs[page.count].name, s->label, sizeof(s->label));
		page.procs[page.count].ep = b->ep;
		page.procs[page.count++].flags = s->priv.flags;
	}
	r = ax_vmalloc(b->ep, AX_BOOTINFO_ADDR, PAGE, AX_MAP_WRITE);
	if (r == 0)
		r = copy_to(b->ep, AX_BOOTINFO_ADDR, &page, sizeof(page));
	if (r == 0)
		r = kcall(KC_VPROTECT, (uint64_t)b->ep, AX_BOOTINFO_ADDR, PAGE, 0);
	return r;
}

endpoint_t start_service(struct service *s, const struct ax_bootinfo *base, const char **step)
{
	const struct svc_spec *spec = s->spec;
	struct building b = {.ep = AX_NONE, .image = s->image};
	ax_message m = {.u64 = {(uint64_t)(int64_t)spec->slot, (uint64_t)spec->label}};
	struct ax_regs regs;
	uint64_t entry, sp = 0;
	int r;

	/* Everything that needs no process first: a bad binary leaves nothing behind. */
	*step = "checking its binary";
	if ((r = elf_load(s->image, s->image_size, SEGMENTS_TOP, count_segment, &b, &entry)) < 0)
		return r;
	*step = "creating its process";
	if ((r = ax_kcall(KC_PROC_CREATE, &m)) < 0)
		return r;
	b.ep = s->ep = (endpoint_t)m.i64[0];
	b.nseg = 0;
	*step = "loading its segments";
	r = elf_load(s->image, s->image_size, SEGMENTS_TOP, load_segment, &b, &entry);
	if (r == 0)
		r = protect_segments(&b);
	if (r == 0) {
		*step = "building its stack";
		r = build_stack(&b, spec, &sp);
	}
	if (r == 0) {
		*step = "writing its boot information";
		r = write_bootinfo(&b, spec, base, s->fresh ? 0 : s->restarts);
	}
	if (r == 0) {
		struct ax_priv priv = spec->priv;
		int rs_slot = ax_self & (AX_NR_SLOTS - 1);

		if (spec->heartbeat_ms) /* it answers rs's pings with notifications */
			priv.send_to[rs_slot / 64] |= 1ULL << (rs_slot % 64);
		*step = "setting its privileges";
		r = kcall(KC_PRIV_SET, (uint64_t)b.ep, (uint64_t)&priv, 0, 0);
	}
	if (r == 0) {
		*step = "setting its registers";
		regs = (struct ax_regs){.rip = entry, .rsp = sp, .rdi = (uint64_t)(int64_t)b.ep, .rsi = AX_BOOTINFO_ADDR,
					.rflags = 0x202};
		r = kcall(KC_SET_REGS, (uint64_t)b.ep, (uint64_t)&regs, 0, 0);
	}
	if (r == 0) {
		*step = "setting its scheduling";
		r = kcall(KC_SCHEDULE, (uint64_t)b.ep, (uint64_t)spec->prio, spec->quantum_ms, 0);
	}
	if (r == 0) {
		announce_start(s, b.ep); /* its endpoint is in ds before it runs */
		*step = "starting it";
		r = kcall(KC_PROC_START, (uint64_t)b.ep, 0, 0, 0);
	}
	if (r < 0) {
		kcall(KC_PROC_DESTROY, (uint64_t)b.ep, 0, 0, 0);
		return r;
	}
	return b.ep;
}
