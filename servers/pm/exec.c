/*
 * execve of a static ELF64 program. Everything that can fail for the caller
 * to hear of is checked before its old image goes. Until vfs exists the
 * programs come from the boot image's program archive (a cpio data module
 * given to pm): find_program is the one place that changes when execve
 * reads executables through vfs.
 */
#include <string.h>

#include <proto/vm.h>
#include <sys/random.h>

#include "../../kernel/elf.h"
#include "cpio.h"
#include "pm.h"
#include "wait.h"

#define PAGE 4096ULL
#define EXEC_STACK (128 * 1024ULL) /* mapped at exec; vm grows it on demand */
#define ARG_MAX_BYTES (256 * 1024) /* Linux allows a quarter of the stack limit; this is plenty for a shell */
#define ARG_MAX_COUNT 8192
#define ARG_STRLEN_MAX (32 * 4096) /* Linux's MAX_ARG_STRLEN, terminator included */

static const uint8_t *programs; /* the boot image's program archive (cpio), until vfs */
static size_t programs_size;

void exec_init(void)
{
	for (uint32_t i = 0; i < ax_bootinfo->ndata; i++) {
		if (strcmp(ax_bootinfo->data[i].name, "programs") == 0) {
			programs = (const uint8_t *)ax_bootinfo->data[i].addr;
			programs_size = ax_bootinfo->data[i].size;
		}
	}
}

/* The executable at path: its bytes, or a negative errno. */
static int find_program(const char *path, const uint8_t **image, size_t *size)
{
	unsigned mode;
	int r;

	if (!programs)
		return -ENOENT;
	if ((r = cpio_find(programs, programs_size, path, image, size, &mode)) < 0)
		return r == -22 ? -AX_EIO : r;
	if ((mode & 0170000) != 0100000 || !(mode & 0111))
		return -EACCES;
	return 0;
}

/* Copy a NUL-terminated string of at most max bytes (terminator included) from a process. */
int user_string(endpoint_t ep, uint64_t va, char *buf, size_t max)
{
	for (size_t got = 0; got < max;) {
		size_t chunk = max - got < 64 ? max - got : 64;
		int r = user_copy(ep, va + got, buf + got, chunk, AX_COPY_FROM);

		if (r < 0 && chunk > 1) { /* may run into an unmapped page: go byte by byte */
			chunk = 1;
			r = user_copy(ep, va + got, buf + got, 1, AX_COPY_FROM);
		}
		if (r < 0)
			return r;
		for (size_t i = got; i < got + chunk; i++)
			if (!buf[i])
				return (int)i;
		got += chunk;
	}
	return -ENAMETOOLONG;
}

/* The arguments and environment, copied out before the old image goes. */
struct strings {
	char bytes[ARG_MAX_BYTES];
	size_t used;
	int argc, envc;
	uint32_t execfn;            /* offset of the path execve was given (AT_EXECFN) */
	uint32_t at[ARG_MAX_COUNT]; /* offsets of argv then envp strings */
};

/* Copy a NULL-terminated vector of strings (argv or envp); *count is set at the end. */
static int copy_vector(endpoint_t ep, uint64_t vec, struct strings *st, int *count)
{
	int first = st->argc + st->envc, k = 0;

	for (; vec; k++) {
		uint64_t ptr, room;
		int n;

		if (first + k >= ARG_MAX_COUNT)
			return -E2BIG;
		if (user_copy(ep, vec + 8 * (uint64_t)k, &ptr, 8, AX_COPY_FROM) < 0)
			return -AX_EFAULT;
		if (!ptr)
			break;
		room = sizeof(st->bytes) - st->used;
		n = user_string(ep, ptr, st->bytes + st->used, room < ARG_STRLEN_MAX ? room : ARG_STRLEN_MAX);
		if (n < 0)
			return n == -ENAMETOOLONG ? -E2BIG : n;
		st->at[first + k] = (uint32_t)st->used;
		st->used += (size_t)n + 1;
	}
	*count = k;
	return 0;
}

struct loading {
	endpoint_t ep;
	const uint8_t *image;
	uint64_t brk;
	int error;
};

/* The validation pass: only note where the heap will start. */
static int measure_segment(void *ctx, const struct elf_segment *seg)
{
	struct loading *ld = ctx;
	uint64_t end = (seg->vaddr + seg->memsz + PAGE - 1) & ~(PAGE - 1);

	if (end > ld->brk)
		ld->brk = end;
	return 0;
}

/* Map one segment writable, fill it, then give it its own rights. */
static int load_segment(void *ctx, const struct elf_segment *seg)
{
	struct loading *ld = ctx;
	uint64_t start = seg->vaddr & ~(PAGE - 1), end = (seg->vaddr + seg->memsz + PAGE - 1) & ~(PAGE - 1);
	unsigned prot = VM_PROT_READ | (seg->writable ? VM_PROT_WRITE : 0) | (seg->executable ? VM_PROT_EXEC : 0);
	/* Not populated: copying the file's bytes in brings those pages (VM_TOUCH); bss stays demand-zero. */
	int64_t r = vm_call(VM_REGION, (uint64_t)ld->ep, start, end - start, prot | VM_PROT_WRITE, 0);

	if (r == 0 && seg->filesz)
		r = user_copy(ld->ep, seg->vaddr, (void *)(ld->image + seg->offset), seg->filesz, AX_COPY_TO);
	if (r == 0 && !seg->writable)
		r = vm_call(VM_PROTECT, (uint64_t)ld->ep, start, end - start, prot, 0);
	return (int)r;
}

/*
 * The new stack, as the System V ABI and musl want it: argc, argv[],
 * NULL, envp[], NULL, auxv, then the strings and 16 random bytes.
 * Returns the initial stack pointer, or 0.
 */
static uint64_t build_stack(endpoint_t ep, const struct strings *st, const uint8_t *image, uint64_t entry)
{
	static uint64_t frame[ARG_MAX_COUNT + 64];
	uint64_t top = AX_STACK_TOP, strings_at, random_at, sp, n = 0, random[2];
	uint16_t phnum;
	uint64_t phdr = elf_phdr_vaddr(image, &phnum);

	strings_at = (top - st->used) & ~15ULL;
	random_at = strings_at - 16;
	ax_random_bytes(random, sizeof(random));
	frame[n++] = (uint64_t)st->argc;
	for (int i = 0; i < st->argc; i++)
		frame[n++] = strings_at + st->at[i];
	frame[n++] = 0;
	for (int i = 0; i < st->envc; i++)
		frame[n++] = strings_at + st->at[st->argc + i];
	frame[n++] = 0;
	{
		const uint64_t aux[][2] = {{3, phdr}, {4, sizeof(struct elf64_phdr)}, {5, phnum}, {6, PAGE},
					   {9, entry}, {11, 0}, {12, 0}, {13, 0}, {14, 0}, {17, 100}, {23, 0},
					   {25, random_at}, {31, strings_at + st->execfn}, {0, 0}};

		for (unsigned i = 0; i < sizeof(aux) / sizeof(aux[0]); i++) {
			frame[n++] = aux[i][0];
			frame[n++] = aux[i][1];
		}
	}
	sp = (random_at - n * 8) & ~15ULL;
	if (user_copy(ep, strings_at, (void *)st->bytes, st->used, AX_COPY_TO) < 0 ||
	    user_copy(ep, random_at, random, 16, AX_COPY_TO) < 0 ||
	    user_copy(ep, sp, frame, n * 8, AX_COPY_TO) < 0)
		return 0;
	return sp;
}

int64_t do_execve(struct mproc *p, const ax_message *m)
{
	static struct strings st;
	char path[256];
	const uint8_t *image;
	size_t size;
	uint64_t entry, sp, stack;
	struct ax_regs regs = {0};
	struct loading ld;
	int r;

	if ((r = user_string(p->ep, m->u64[0], path, sizeof(path))) < 0)
		return r;
	if ((r = find_program(path, &image, &size)) < 0)
		return r;
	/* Everything that can fail for the caller to hear of, before its image goes. */
	ld = (struct loading){p->ep, image, 0, 0};
	if (elf_load(image, size, AX_STACK_TOP - stack_limit(p), measure_segment, &ld, &entry) < 0)
		return -ENOEXEC;
	st.used = 0, st.argc = st.envc = 0;
	if ((r = copy_vector(p->ep, m->u64[1], &st, &st.argc)) < 0 || (r = copy_vector(p->ep, m->u64[2], &st, &st.envc)) < 0)
		return r;
	if (st.argc == 0) { /* Linux 6.1: an empty argv[0], so programs never see argc 0 */
		if (st.used + 1 > sizeof(st.bytes))
			return -E2BIG;
		if (st.envc)
			memmove(&st.at[1], &st.at[0], (size_t)st.envc * sizeof(st.at[0]));
		st.bytes[st.used] = 0;
		st.at[0] = (uint32_t)st.used++;
		st.argc = 1;
	}
	{
		size_t n = strlen(path) + 1;

		if (st.used + n > sizeof(st.bytes))
			return -E2BIG;
		memcpy(st.bytes + st.used, path, n);
		st.execfn = (uint32_t)st.used;
		st.used += n;
	}
	stack = (st.used + (uint64_t)(st.argc + st.envc + 64) * 8 + PAGE - 1) & ~(PAGE - 1);
	stack = stack + EXEC_STACK;
	if (vm_call(VM_SPACE_NEW, (uint64_t)p->ep, AX_STACK_TOP, stack_limit(p), ld.brk, 0) < 0)
		return -AX_ENOMEM;
	/* From here on the old image is gone: a failure ends the process. */
	r = elf_load(image, size, AX_STACK_TOP - stack_limit(p), load_segment, &ld, &entry);
	if (r == 0)
		r = (int)vm_call(VM_REGION, (uint64_t)p->ep, AX_STACK_TOP - stack, stack,
				 VM_PROT_READ | VM_PROT_WRITE, 0); /* pages come as the frame is written, then on use */
	sp = r == 0 ? build_stack(p->ep, &st, image, entry) : 0;
	regs.rip = entry;
	regs.rsp = sp;
	regs.rflags = 0x202;
	if (!sp || kcall(KC_SET_REGS, (uint64_t)p->ep, (uint64_t)&regs) < 0) {
		ax_printf("pm: exec of %s failed after its old image was gone (%d): ending pid %d\n", path, r, p->pid);
		kcall(KC_PROC_DESTROY, (uint64_t)p->ep, 0);
		became_zombie(p, wstatus_signaled(SIGSEGV));
		return AX_NO_REPLY;
	}
	p->fs_base = 0;
	p->tid_addr = 0;
	p->execed = 1;
	signal_exec(p);
	vfs_exec(p);
	vfork_release(p); /* a vfork parent goes on once its child has its own image */
	{
		const char *last = st.bytes + st.at[st.argc - 1];

		info_exec(p, path, st.bytes + st.at[0], (size_t)(last + strlen(last) + 1 - (st.bytes + st.at[0])));
	}
	return 0; /* the reply resumes the process at its new entry point, rax = 0 */
}

