/* ELF64 validation and segment walk (System V gABI, x86_64 psABI): see elf.h. */
#include "elf.h"

#include <axolotl/abi.h>

#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2

/* a + b <= limit, without overflow */
static int fits(uint64_t a, uint64_t b, uint64_t limit)
{
	return a <= limit && b <= limit - a;
}

static int header_ok(const struct elf64_ehdr *eh, size_t size)
{
	static const uint8_t magic[] = {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* little */};

	for (unsigned i = 0; i < sizeof(magic); i++)
		if (eh->ident[i] != magic[i])
			return 0;
	return eh->type == ET_EXEC && eh->machine == EM_X86_64 &&
	       eh->phentsize == sizeof(struct elf64_phdr) && eh->phnum > 0 &&
	       fits(eh->phoff, (uint64_t)eh->phnum * sizeof(struct elf64_phdr), size);
}

int elf_load(const void *image, size_t size, uint64_t user_top, elf_segment_fn fn, void *ctx, uint64_t *entry)
{
	const struct elf64_ehdr *eh = image;
	const struct elf64_phdr *ph;
	int loaded = 0;

	if (size < sizeof(*eh) || !header_ok(eh, size))
		return -AX_EINVAL;
	ph = (const struct elf64_phdr *)((const uint8_t *)image + eh->phoff);
	/* Check every segment before loading any: no half-loaded process. */
	for (unsigned i = 0; i < eh->phnum; i++) {
		if (ph[i].type != PT_LOAD)
			continue;
		if (ph[i].filesz > ph[i].memsz || !fits(ph[i].offset, ph[i].filesz, size) ||
		    !fits(ph[i].vaddr, ph[i].memsz, user_top) || ph[i].vaddr < 4096)
			return -AX_EINVAL;
		if (eh->entry >= ph[i].vaddr && eh->entry < ph[i].vaddr + ph[i].memsz && (ph[i].flags & PF_X))
			loaded = 1;
	}
	if (!loaded)
		return -AX_EINVAL; /* the entry point is in no executable segment */
	for (unsigned i = 0; i < eh->phnum; i++) {
		struct elf_segment seg;
		int r;

		if (ph[i].type != PT_LOAD || ph[i].memsz == 0)
			continue;
		seg.vaddr = ph[i].vaddr;
		seg.memsz = ph[i].memsz;
		seg.offset = ph[i].offset;
		seg.filesz = ph[i].filesz;
		seg.writable = (ph[i].flags & PF_W) != 0;
		seg.executable = (ph[i].flags & PF_X) != 0;
		r = fn(ctx, &seg);
		if (r < 0)
			return r;
	}
	*entry = eh->entry;
	return 0;
}

uint64_t elf_phdr_vaddr(const void *image, uint16_t *phnum)
{
	const struct elf64_ehdr *eh = image;
	const struct elf64_phdr *ph = (const struct elf64_phdr *)((const uint8_t *)image + eh->phoff);
	uint64_t len = (uint64_t)eh->phnum * sizeof(*ph);

	*phnum = eh->phnum;
	for (unsigned i = 0; i < eh->phnum; i++)
		if (ph[i].type == PT_LOAD && eh->phoff >= ph[i].offset && len <= ph[i].filesz &&
		    eh->phoff - ph[i].offset <= ph[i].filesz - len)
			return ph[i].vaddr + (eh->phoff - ph[i].offset);
	return 0;
}
