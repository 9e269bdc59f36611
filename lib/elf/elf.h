/*
 * Checking and walking a static ELF64 executable: the kernel loads the boot
 * processes with it, pm and rs the programs they start. Pure logic; unit
 * tested.
 */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stddef.h>
#include <stdint.h>

/* The file headers (System V gABI): the loader reads them, tests build them. */
struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct elf_segment {
	uint64_t vaddr, memsz;  /* where it lives and how big it is */
	uint64_t offset, filesz; /* the bytes to copy from the file */
	int writable, executable;
};

typedef int (*elf_segment_fn)(void *ctx, const struct elf_segment *seg);

/*
 * Check that image[0..size) is an x86_64 ET_EXEC whose loadable segments lie
 * inside the file and below user_top, then call fn for each PT_LOAD segment.
 * Returns 0 and the entry point, or a negative errno (-EINVAL: not a valid
 * executable; whatever fn returned if it failed).
 */
int elf_load(const void *image, size_t size, uint64_t user_top, elf_segment_fn fn, void *ctx, uint64_t *entry);

/*
 * Where the program headers of a checked image lie once loaded (the value
 * of AT_PHDR, which musl uses to find its TLS image), or 0 if no loadable
 * segment holds them. Call only after elf_load accepted the image.
 */
uint64_t elf_phdr_vaddr(const void *image, uint16_t *phnum);

#endif
