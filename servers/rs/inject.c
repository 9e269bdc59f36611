/*
 * Fault injection, for the fault command (docs/fault.md): rs does to a
 * running service what a bug or a bad day would. Each kind is acted out by
 * the service itself, from its next instruction, except a kill (rs.c):
 *
 *   crash    its registers point at address 0: it faults as it takes its next message;
 *   hang     they point at an endless loop, on a page rs shares into it (RS_FAULT_ADDR);
 *   exit     they point at code on that page that ends the process itself;
 *   garbage  lib/sys's server loop is told (RS_FAULT) to answer its next request with RS_GARBAGE;
 *   flip     bits of its text or data flipped at random (a seeded generator), through a
 *            magic grant; a text page is made writable for the flip and given its rights back.
 *
 * The first four are experiments: the death that follows is restarted at
 * once, outside the service's failure streak, its kept state trusted. What
 * a flip leads to is the service's own doing and counts as its failure.
 */
#include <stdbool.h>
#include <string.h>

#include <proto/rs.h>
#include <sys/splitmix.h>

#include <elf/elf.h>
#include "rs.h"

#define PAGE 4096ULL
#define FAULT_PAGE_VA 0x4f0000000000ULL /* rs's own copy of the code page */
#define SEGMENTS_MAX 16

/*
 * The code page: at RS_FAULT_EXIT_AT a kernel call KC_PROC_DESTROY of
 * AX_SELF with the message on the service's own stack (below where it was,
 * 16-byte aligned), as ax_exit makes it. At RS_FAULT_HANG_AT the endless
 * loop: one-byte no-ops to the end of the page and a jump back, about 4,000
 * instructions a turn. A hang is seen after two heartbeats (500 ms of
 * guest time, 500 million instructions under -icount); a `jmp .` costs the
 * emulator a translated block, its instruction count and checks for every
 * instruction, a block of 512 no-ops about as much for all of them, so
 * campaigns of hangs take minutes instead of days (docs/bench.md). On a
 * real CPU either loop is a hang.
 */
static const uint8_t exit_code[] = {
	0x48, 0x83, 0xe4, 0xf0,                         /* and  rsp, -16 */
	0x48, 0x81, 0xec, 0x00, 0x01, 0x00, 0x00,       /* sub  rsp, 256 */
	0x48, 0x89, 0xe6,                               /* mov  rsi, rsp: the message */
	0x48, 0xc7, 0x46, 0x08, 0xfb, 0xff, 0xff, 0xff, /* mov  qword [rsi + 8], -5: u64[0] = AX_SELF */
	0xbf, KC_PROC_DESTROY, 0x00, 0x00, 0x00,        /* mov  edi, KC_PROC_DESTROY */
	0xb8, AX_KCALL, 0x00, 0x58, 0x41,               /* mov  eax, AX_TRAP_MAGIC | AX_KCALL */
	0x31, 0xd2,                                     /* xor  edx, edx */
	0x0f, 0x05,                                     /* syscall: never returns */
	0xeb, 0xfe,                                     /* jmp  . */
};

_Static_assert(AX_SELF == -5 && AX_TRAP_MAGIC == 0x41580000UL && KC_PROC_DESTROY < 128 && AX_KCALL < 128,
	       "the exit code above encodes these values");
_Static_assert(RS_FAULT_EXIT_AT + sizeof(exit_code) <= RS_FAULT_HANG_AT && RS_FAULT_HANG_AT < PAGE - 5,
	       "the exit code lies before the loop, the loop on the page");

static int set_rip(const struct service *s, uint64_t rip)
{
	struct ax_regs regs = {.rip = rip}; /* rsp 0 for a crash; the others keep none of theirs but the stack */

	if (rip != 0) {
		ax_message m = {.u64 = {(uint64_t)(int64_t)s->ep, (uint64_t)&regs}};
		int r = ax_kcall(KC_GET_REGS, &m);

		if (r < 0)
			return r;
		regs.rip = rip;
	}
	return ax_kcall(KC_SET_REGS, &(ax_message){.u64 = {(uint64_t)(int64_t)s->ep, (uint64_t)&regs}});
}

/* Share the code page into s at RS_FAULT_ADDR and send it to offset at. */
static int run_fault_code(const struct service *s, uint64_t at)
{
	static bool made;
	int r;

	if (!made) {
		if ((r = ax_vmalloc(AX_SELF, FAULT_PAGE_VA, PAGE, AX_MAP_WRITE)) < 0)
			return r;
		uint8_t *page = (uint8_t *)FAULT_PAGE_VA;
		int32_t back = (int32_t)RS_FAULT_HANG_AT - (int32_t)PAGE; /* from the end of the page */

		memcpy(page + RS_FAULT_EXIT_AT, exit_code, sizeof(exit_code));
		memset(page + RS_FAULT_HANG_AT, 0x90, PAGE - 5 - RS_FAULT_HANG_AT); /* nop */
		page[PAGE - 5] = 0xe9;                                             /* jmp rel32 */
		memcpy(page + PAGE - 4, &back, 4);
		made = true;
	}
	r = ax_kcall(KC_VSHARE, &(ax_message){.u64 = {(uint64_t)(int64_t)AX_SELF, FAULT_PAGE_VA,
						     (uint64_t)(int64_t)s->ep, RS_FAULT_ADDR, PAGE, AX_MAP_EXEC}});
	return r < 0 ? r : set_rip(s, RS_FAULT_ADDR + at);
}

/* ---- bit flips ------------------------------------------------------------------- */

struct segments {
	int n;
	struct {
		uint64_t start, len;
		unsigned rights; /* AX_MAP_WRITE, AX_MAP_EXEC */
	} seg[SEGMENTS_MAX];
};

static int note_segment(void *ctx, const struct elf_segment *seg)
{
	struct segments *g = ctx;

	if (g->n == SEGMENTS_MAX)
		return -AX_EINVAL;
	g->seg[g->n].start = seg->vaddr;
	g->seg[g->n].len = seg->memsz;
	g->seg[g->n++].rights = (seg->writable ? AX_MAP_WRITE : 0) | (seg->executable ? AX_MAP_EXEC : 0);
	return 0;
}

/* The rights the loader gave the page at va: those of every segment on it (start.c, protect_segments). */
static unsigned page_rights(const struct segments *g, uint64_t va)
{
	unsigned rights = 0;

	for (int i = 0; i < g->n; i++)
		if ((g->seg[i].start & ~(PAGE - 1)) <= va && va < g->seg[i].start + g->seg[i].len)
			rights |= g->seg[i].rights;
	return rights;
}

static bool in_region(unsigned rights, uint64_t where)
{
	return where == RS_FLIP_TEXT ? (rights & AX_MAP_EXEC) != 0 : (rights & AX_MAP_WRITE) != 0;
}

/* Flip one bit of the byte at va in s; a page without write access gets it for the flip only. */
static int flip_bit(const struct service *s, const struct segments *g, uint64_t va, unsigned bit)
{
	uint64_t page = va & ~(PAGE - 1);
	unsigned rights = page_rights(g, va);
	uint8_t byte;
	int r = copy_with(s->ep, va, &byte, 1, AX_COPY_FROM);

	if (r < 0)
		return r;
	byte ^= (uint8_t)(1u << bit);
	if (!(rights & AX_MAP_WRITE) &&
	    (r = ax_kcall(KC_VPROTECT, &(ax_message){.u64 = {(uint64_t)(int64_t)s->ep, page, PAGE,
							       rights | AX_MAP_WRITE}})) < 0)
		return r;
	r = copy_with(s->ep, va, &byte, 1, AX_COPY_TO);
	if (!(rights & AX_MAP_WRITE)) {
		int back = ax_kcall(KC_VPROTECT, &(ax_message){.u64 = {(uint64_t)(int64_t)s->ep, page, PAGE, rights}});

		if (r == 0)
			r = back;
	}
	return r;
}

/* count bits of s's text or data, at places the seed chooses: how many were flipped, or a negative errno. */
static int64_t flip(const struct service *s, uint64_t count, uint64_t where, uint64_t seed)
{
	struct segments g = {0};
	uint64_t entry, total = 0, state = seed;
	int64_t done = 0;
	int r;

	if (!s->image || elf_load(s->image, s->image_size, AX_BOOTDATA_ADDR, note_segment, &g, &entry) < 0)
		return -AX_EINVAL;
	for (int i = 0; i < g.n; i++)
		if (in_region(g.seg[i].rights, where))
			total += g.seg[i].len;
	if (total == 0)
		return -AX_EINVAL;
	while ((uint64_t)done < count) {
		uint64_t n = splitmix_next(&state), at = n % total;
		int i = 0;

		for (; !in_region(g.seg[i].rights, where) || at >= g.seg[i].len; i++)
			if (in_region(g.seg[i].rights, where))
				at -= g.seg[i].len;
		if ((r = flip_bit(s, &g, g.seg[i].start + at, (unsigned)(n >> 61))) < 0)
			return done ? done : r;
		done++;
	}
	return done;
}

/* ---- the kinds ------------------------------------------------------------------- */

/* Do op to the running service s (every field already checked): 0, or a negative errno. */
int64_t inject(struct service *s, const struct rs_ctl_request *c)
{
	int64_t r;

	switch (c->op) {
	case RS_CTL_CRASH:
	case RS_CTL_CRASH_COUNTED:
		r = set_rip(s, 0);
		break;
	case RS_CTL_HANG:
		r = run_fault_code(s, RS_FAULT_HANG_AT);
		break;
	case RS_CTL_EXIT:
		r = run_fault_code(s, RS_FAULT_EXIT_AT);
		break;
	case RS_CTL_GARBAGE: {
		ax_message m = {.type = RS_FAULT, .u64 = {RS_FAULT_GARBAGE}};

		r = ax_sendnb(s->ep, &m); /* -EAGAIN: busy, not waiting for a message: ask again */
		break;
	}
	case RS_CTL_FLIP:
		r = flip(s, c->arg[0], c->arg[1], c->arg[2]);
		break;
	default:
		return -AX_EINVAL;
	}
	if (r < 0)
		return r;
	s->flipped = c->op == RS_CTL_FLIP ? (unsigned)r : 0;
	s->injected = c->op == RS_CTL_FLIP ? INJECTED_NONE
		      : c->op == RS_CTL_CRASH_COUNTED ? INJECTED_COUNTED : INJECTED_UNCOUNTED;
	return 0;
}
