/*
 * Boot: read what GRUB handed over (memory map, modules), set up the CPU,
 * memory and timer, load every boot module as a process, and start them.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/trap.h"
#include "bootspec.h"
#include <elf/elf.h>
#include "frame.h"
#include "kernel.h"
#include "proc.h"

#define MB2_BOOT_MAGIC 0x36d76289
#define MB2_TAG_END 0
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_FRAMEBUFFER 8
#define FIRST_BOOT_SLOT 1

struct mb2_tag {
	uint32_t type, size;
};

struct mb2_module {
	uint32_t type, size, start, end;
	char cmdline[];
};

struct boot_module {
	uint64_t start, end;
	const char *cmdline;
	char name[16];
};

extern char _kernel_phys_start[], _kernel_phys_end[], boot_pml4[];
extern const char *const kcall_names[KC_COUNT];
void clock_init(void);

static uint64_t frame_bitmap[PHYSMAP_LIMIT / PAGE_SIZE / 64];
static struct boot_module modules[AX_BOOT_MAX];
static int nmodules;
static struct ax_bootinfo bootinfo;
static uint8_t bootinfo_page[PAGE_SIZE] __attribute__((aligned(16)));

static struct mb2_tag *first_tag(uint64_t mbi) { return (struct mb2_tag *)P2V(mbi + 8); }
static struct mb2_tag *next_tag(struct mb2_tag *t) { return (struct mb2_tag *)((uint8_t *)t + ALIGN_UP(t->size, 8)); }

static bool has_text_console(uint64_t mbi)
{
	for (struct mb2_tag *t = first_tag(mbi); t->type != MB2_TAG_END; t = next_tag(t))
		if (t->type == MB2_TAG_FRAMEBUFFER)
			return ((uint8_t *)t)[28] == 2; /* framebuffer_type: EGA text */
	return false;
}

/* Free what the memory map calls RAM, then reserve what is already used. */
static void memory_init(uint64_t mbi)
{
	uint64_t mbi_size = *(uint32_t *)P2V(mbi);

	frame_pool_init(&kframes, frame_bitmap, PHYSMAP_LIMIT / PAGE_SIZE);
	for (struct mb2_tag *t = first_tag(mbi); t->type != MB2_TAG_END; t = next_tag(t)) {
		uint32_t esize = ((uint32_t *)t)[2];

		if (t->type != MB2_TAG_MMAP)
			continue;
		for (uint8_t *e = (uint8_t *)t + 16; e < (uint8_t *)t + t->size; e += esize) {
			uint64_t base = *(uint64_t *)e, len = *(uint64_t *)(e + 8);

			if (*(uint32_t *)(e + 16) == 1 && base < PHYSMAP_LIMIT) {
				uint64_t first = ALIGN_UP(base, PAGE_SIZE) / PAGE_SIZE;
				uint64_t last = ALIGN_DOWN(base + len, PAGE_SIZE) / PAGE_SIZE;

				if (last > first)
					frame_range_free(&kframes, first, last - first);
			}
		}
	}
	kframes.nram = kframes.nfree;
	frame_range_use(&kframes, 0, 0x100000 / PAGE_SIZE); /* BIOS, VGA, boot page tables */
	frame_range_use(&kframes, (uint64_t)_kernel_phys_start / PAGE_SIZE,
			ALIGN_UP((uint64_t)_kernel_phys_end - (uint64_t)_kernel_phys_start, PAGE_SIZE) / PAGE_SIZE);
	frame_range_use(&kframes, mbi / PAGE_SIZE, ALIGN_UP(mbi % PAGE_SIZE + mbi_size, PAGE_SIZE) / PAGE_SIZE);
	for (struct mb2_tag *t = first_tag(mbi); t->type != MB2_TAG_END; t = next_tag(t)) {
		struct mb2_module *m = (struct mb2_module *)t;

		if (t->type != MB2_TAG_MODULE)
			continue;
		if (nmodules == AX_BOOT_MAX)
			panic("more than %d boot modules", AX_BOOT_MAX);
		frame_range_use(&kframes, m->start / PAGE_SIZE,
				ALIGN_UP(m->end, PAGE_SIZE) / PAGE_SIZE - m->start / PAGE_SIZE);
		modules[nmodules].start = m->start;
		modules[nmodules].end = m->end;
		modules[nmodules++].cmdline = m->cmdline;
	}
}

struct loader {
	struct proc *p;
	const uint8_t *image;
};

/* Copy one ELF segment into fresh frames of the new process. */
static int load_segment(void *ctx, const struct elf_segment *seg)
{
	struct loader *ld = ctx;
	unsigned rights = (seg->writable ? AX_MAP_WRITE : 0) | (seg->executable ? AX_MAP_EXEC : 0);

	for (uint64_t va = ALIGN_DOWN(seg->vaddr, PAGE_SIZE); va < seg->vaddr + seg->memsz; va += PAGE_SIZE) {
		struct as_page pg;
		uint64_t pa, from = va > seg->vaddr ? va : seg->vaddr, to = va + PAGE_SIZE;

		if (as_lookup(ld->p->pml4, va, &pg)) { /* shared with the previous segment: both segments' rights */
			pa = pg.pa;
			as_set_rights(&pg, rights | (as_page_writable(&pg) ? AX_MAP_WRITE : 0) |
					   (as_page_executable(&pg) ? AX_MAP_EXEC : 0));
		} else if (!(pa = page_alloc()) || as_map(ld->p->pml4, va, pa, rights | AS_OWNED) < 0) {
			return -AX_ENOMEM;
		}
		if (to > seg->vaddr + seg->filesz)
			to = seg->vaddr + seg->filesz;
		if (to > from)
			memcpy((uint8_t *)P2V(pa) + (from - va), ld->image + seg->offset + (from - seg->vaddr), to - from);
	}
	return 0;
}

static int map_fresh(struct proc *p, uint64_t va, uint64_t len, unsigned rights, const void *src)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		uint64_t pa = page_alloc();

		if (!pa || as_map(p->pml4, va + off, pa, (rights & AX_MAP_WRITE) | AS_OWNED) < 0)
			return -AX_ENOMEM;
		if (src)
			memcpy(P2V(pa), (const uint8_t *)src + off, PAGE_SIZE);
	}
	return 0;
}

#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6

/* argc 0, empty argv and envp, auxv (program headers, page size), 16-byte aligned. */
static void make_start_frame(uint64_t frame[14], const void *image)
{
	uint16_t phnum;
	uint64_t phdr = elf_phdr_vaddr(image, &phnum);
	uint64_t f[14] = {0, 0, 0, AT_PHDR, phdr, AT_PHENT, sizeof(struct elf64_phdr), AT_PHNUM, phnum,
			  AT_PAGESZ, PAGE_SIZE, 0, 0, 0};

	memcpy(frame, f, sizeof(f));
}

static void load_boot_process(int i, const struct bootspec *spec)
{
	struct boot_module *m = &modules[i];
	struct loader ld;
	uint64_t entry, start_frame[14];
	int err = 0;

	if (!(ld.p = proc_alloc(FIRST_BOOT_SLOT + i, 0, spec->name, &err)))
		panic("boot module %s: no process slot (%d)", spec->name, err);
	ld.image = P2V(m->start);
	err = elf_load(ld.image, m->end - m->start, USER_TOP, load_segment, &ld, &entry);
	if (err < 0)
		panic("boot module %s: not a loadable static ELF64 executable (%d)", spec->name, err);
	((struct ax_bootinfo *)bootinfo_page)->self = ld.p->ep;
	make_start_frame(start_frame, ld.image);
	if (map_fresh(ld.p, AX_STACK_TOP - AX_BOOT_STACK, AX_BOOT_STACK, AX_MAP_WRITE, 0) < 0 ||
	    map_fresh(ld.p, AX_BOOTINFO_ADDR, PAGE_SIZE, 0, bootinfo_page) < 0 ||
	    as_rw(ld.p->pml4, AX_STACK_TOP - sizeof(start_frame), (void *)start_frame, sizeof(start_frame), true) < 0)
		panic("boot module %s: out of memory", spec->name);
	ld.p->priv = spec->priv;
	if (spec->super >= 0 && (ld.p->supervisor = bootinfo.procs[spec->super].ep) == AX_NONE)
		panic("boot module %s: super= names a data module", spec->name);
	ld.p->prio = spec->prio;
	ld.p->quantum_ms = ld.p->ticks_left = spec->quantum_ms;
	ld.p->tf.rip = entry;
	ld.p->tf.rsp = AX_STACK_TOP - sizeof(start_frame);
	ld.p->tf.rdi = (uint64_t)ld.p->ep;
	ld.p->tf.rsi = AX_BOOTINFO_ADDR;
	sched_unblock(ld.p, BLK_STOPPED, false);
}

static uint64_t data_addr[AX_BOOT_MAX];

/* Give data module i its place in the process it is for, and list it. */
static void plan_data(int i, const struct bootspec *spec)
{
	static uint64_t next_addr[AX_BOOT_MAX];
	uint32_t k = bootinfo.ndata;

	if (k == AX_BOOT_DATA_MAX)
		panic("more than %d data modules", AX_BOOT_DATA_MAX);
	if (!next_addr[spec->data_for])
		next_addr[spec->data_for] = AX_BOOTDATA_ADDR;
	data_addr[i] = next_addr[spec->data_for];
	next_addr[spec->data_for] += ALIGN_UP(modules[i].end - modules[i].start, PAGE_SIZE) + PAGE_SIZE;
	strlcpy(bootinfo.data[k].name, spec->name, sizeof(bootinfo.data[k].name));
	bootinfo.data[k].addr = data_addr[i];
	bootinfo.data[k].size = modules[i].end - modules[i].start;
	bootinfo.ndata = k + 1;
}

/* Copy data module i, read-only, into the process it is for. */
static void load_data(int i, const struct bootspec *spec)
{
	struct proc *p = &proc_table[FIRST_BOOT_SLOT + spec->data_for];
	uint64_t size = modules[i].end - modules[i].start;

	if (p->blocked & BLK_FREE)
		panic("data module %s is for %s, which is not a process", spec->name, modules[spec->data_for].name);
	for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
		uint64_t pa = page_alloc(), n = size - off < PAGE_SIZE ? size - off : PAGE_SIZE;

		if (!pa || as_map(p->pml4, data_addr[i] + off, pa, AS_OWNED) < 0)
			panic("data module %s: out of memory", spec->name);
		memcpy(P2V(pa), (const uint8_t *)P2V(modules[i].start) + off, n);
	}
}

/*
 * Parse every boot command line before loading anything: privileges may
 * name later processes, and every process's boot information lists all.
 */
static void load_boot_processes(void)
{
	static struct bootspec specs[AX_BOOT_MAX];
	const char *names[AX_BOOT_MAX];

	for (int i = 0; i < nmodules; i++) {
		bootspec_parse(modules[i].cmdline, 0, 0, 0, 0, 0, &specs[i]); /* the name is all we need yet */
		strlcpy(modules[i].name, specs[i].name, sizeof(modules[i].name));
		names[i] = modules[i].name;
	}
	for (int i = 0; i < nmodules; i++) {
		if (bootspec_parse(modules[i].cmdline, names, nmodules, FIRST_BOOT_SLOT, kcall_names, KC_COUNT,
				   &specs[i]) < 0)
			panic("boot module %d ('%s'): %s", i, modules[i].cmdline, specs[i].error);
		strlcpy(bootinfo.procs[i].name, specs[i].name, sizeof(bootinfo.procs[i].name));
		bootinfo.procs[i].ep = specs[i].data_for < 0 ? ep_make(FIRST_BOOT_SLOT + i, 1) : AX_NONE;
		bootinfo.procs[i].flags = specs[i].priv.flags;
		if (specs[i].data_for >= 0)
			plan_data(i, &specs[i]);
	}
	bootinfo.count = (uint32_t)nmodules;
	bootinfo.tsc_hz = tsc_hz;
	bootinfo.tsc_boot = tsc_boot;
	_Static_assert(sizeof(bootinfo) <= PAGE_SIZE, "boot info fits a page");
	memcpy(bootinfo_page, &bootinfo, sizeof(bootinfo));
	for (int i = 0; i < nmodules; i++)
		if (specs[i].data_for < 0)
			load_boot_process(i, &specs[i]);
	for (int i = 0; i < nmodules; i++)
		if (specs[i].data_for >= 0)
			load_data(i, &specs[i]);
	for (int i = 0; i < nmodules; i++) /* the images are copied: give their memory back */
		frame_range_free(&kframes, modules[i].start / PAGE_SIZE,
				 ALIGN_UP(modules[i].end, PAGE_SIZE) / PAGE_SIZE - modules[i].start / PAGE_SIZE);
}

void kmain(uint32_t magic, uint64_t mbi)
{
	klog_init(magic == MB2_BOOT_MAGIC && has_text_console(mbi));
	if (magic != MB2_BOOT_MAGIC)
		panic("not started by a Multiboot2 loader (magic %x)", magic);
	kprintf("Axolotl kernel booting\n");
	cpu_init();
	pic_init();
	memory_init(mbi);
	paging_init((uint64_t)boot_pml4);
	proc_init();
	for (unsigned i = 0; i < AX_MSG_POSIX_MAX; i++)
		posix_routes[i] = AX_NONE;
	clock_init();
	load_boot_processes();
	kprintf("kernel: %lu MiB free, %d boot processes, TSC %lu MHz\n", kframes.nfree * PAGE_SIZE >> 20, nmodules,
		tsc_hz / 1000000);
	timer_init(1000);
	return_to_user(sched_run());
}
