/*
 * execve of a static ELF64 program or a `#!` script. Everything that can
 * fail for the caller to hear of is checked before its old image goes.
 * With vfs in the image, the program is a file that vfs opens as the
 * caller would (its cwd, root and ids; execute permission): pm reads its
 * first page (the ELF and program headers, or the `#!` line), and each
 * segment goes straight from the file server into the new image
 * (VFS_EXEC_READ). Without vfs (pm's and the POSIX suite's test images),
 * programs come from the boot image's program archive, a cpio data module.
 */
#include <string.h>

#include <proto/vfs.h>
#include <proto/vm.h>
#include <sys/random.h>

#include <elf/elf.h>
#include <cpio/cpio.h>
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

#define ELOOP 40
#define HEAD_MAX 4096 /* the bytes of a program pm reads itself: headers, or the #! line */

/* An executable being loaded: an open file in vfs (handle >= 0), or bytes in the archive. */
struct program {
	int handle;
	const uint8_t *image; /* the archive's copy, or `head` */
	size_t size;          /* the file's size */
	uint8_t head[HEAD_MAX];
	size_t head_len;
	uint32_t mode, uid, gid; /* the file's (set-user-id and set-group-id programs) */
	uint64_t ino, mtime, fs; /* which file, as it was: the key of its cached pages */
	struct cached *cache;    /* its pages, kept by pm for the next execs (0: copy the file in) */
};

static void close_program(struct program *pg)
{
	if (pg->handle >= 0) {
		struct vfs_exec_close_req rq = {pg->handle};

		vfs_request(VFS_EXEC_CLOSE, &rq, sizeof(rq), 0);
		pg->handle = -1;
	}
}

/* Read len bytes at off of the program into process `to` at va: 0 or -errno. */
static int read_program(const struct program *pg, uint64_t off, uint64_t len, endpoint_t to, uint64_t va)
{
	while (len) {
		uint64_t n = len < (1u << 24) ? len : (1u << 24);
		struct vfs_exec_read_req rq = {pg->handle, off, n, to, va};
		int64_t got = vfs_request(VFS_EXEC_READ, &rq, sizeof(rq), 0);

		if (got <= 0)
			return got < 0 ? (int)got : -EIO; /* -EIO: the file shrank */
		off += (uint64_t)got, va += (uint64_t)got, len -= (uint64_t)got;
	}
	return 0;
}

/* Open the executable at path (in p's memory at path_va, or pm's own copy for an interpreter). */
static int open_program(struct mproc *p, const char *path, uint64_t path_va, struct program *pg)
{
	unsigned mode;
	int r;

	pg->handle = -1;
	if (vfs != AX_NONE) {
		/* an interpreter's path is in pm's own memory */
		struct vfs_exec_open_req rq = {p->ep, path_va ? path_va : (uint64_t)path, !path_va};
		ax_message m;
		const struct vfs_exec_open_reply *rp = (const void *)m.bytes;
		int64_t h = vfs_request(VFS_EXEC_OPEN, &rq, sizeof(rq), &m);

		if (h < 0)
			return (int)h;
		pg->handle = (int)h;
		pg->size = rp->size;
		pg->mode = (uint32_t)rp->mode;
		pg->uid = rp->uid, pg->gid = rp->gid;
		pg->ino = rp->ino, pg->mtime = rp->mtime_ns, pg->fs = rp->fs;
		pg->cache = 0;
		pg->head_len = pg->size < HEAD_MAX ? pg->size : HEAD_MAX;
		if ((r = read_program(pg, 0, pg->head_len, ax_self, (uint64_t)pg->head)) < 0) {
			close_program(pg);
			return r;
		}
		pg->image = pg->head;
		return 0;
	}
	if (!programs)
		return -ENOENT;
	if ((r = cpio_find(programs, programs_size, path, &pg->image, &pg->size, &mode)) < 0)
		return r == -22 ? -EIO : r;
	if ((mode & 0170000) != 0100000 || !(mode & 0111))
		return -EACCES;
	pg->head_len = pg->size;
	return 0;
}

/* Copy a NUL-terminated string of at most max bytes (terminator included) from a process. */
int user_string(endpoint_t ep, uint64_t va, char *buf, size_t max)
{
	/* 256 bytes a copy (one copy holds most strings), never across a page: the next may not be mapped */
	for (size_t got = 0; got < max;) {
		size_t chunk = PAGE - ((va + got) & (PAGE - 1)), i;
		int r;

		if (chunk > 256)
			chunk = 256;
		if (chunk > max - got)
			chunk = max - got;
		if ((r = user_copy(ep, va + got, buf + got, chunk, AX_COPY_FROM)) < 0)
			return r;
		for (i = got; i < got + chunk; i++)
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
	int first = st->argc + st->envc, k = 0, have = 0, next = 0;
	uint64_t ptrs[64];

	for (; vec; k++) {
		uint64_t ptr, room;
		int n;

		if (first + k >= ARG_MAX_COUNT)
			return -E2BIG;
		if (next == have) { /* the next pointers, up to 64 and to the end of their page, in one copy */
			uint64_t at = vec + 8 * (uint64_t)k, in_page = (PAGE - (at & (PAGE - 1))) / 8;

			have = in_page < 64 ? (int)(in_page ? in_page : 1) : 64, next = 0;
			if (user_copy(ep, at, ptrs, 8 * (uint64_t)have, AX_COPY_FROM) < 0)
				return -EFAULT;
		}
		ptr = ptrs[next++];
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

/*
 * Program pages kept for the next exec. A program run again (BusyBox's
 * applets, each a run of the same file) does not have its bytes read from
 * the file server and copied in each time: pm keeps the file-backed pages
 * of its segments in its own memory, at CACHE_BASE, and vm maps them into
 * the new image (VM_SHARE): shared read-only for code, copy-on-write for
 * data. Its processes then share the frames (memory: one BusyBox in RAM, not
 * one per process), and under QEMU the code translated once serves every
 * run. An entry is keyed by the file (file system, inode, size, mtime): a
 * changed file is read again. Two entries, the older one replaced.
 */
#define CACHE_ENTRIES 2
#define CACHE_BASE 0x300000000000ULL
#define CACHE_SPAN (64ULL << 20) /* address space per entry: programs larger than this are copied in */
#define CACHE_SEGS 8

struct cached {
	bool used;
	uint64_t fs, ino, size, mtime, last_use;
	uint64_t base;  /* pm's address of the program's lowest page */
	uint64_t low;   /* that page's address in the program */
	uint64_t bytes; /* mapped at base */
};
static struct cached cache[CACHE_ENTRIES];
static uint64_t cache_clock;

/* A loading pass that reads the segments' file bytes into pm's pages for the cache. */
struct filling {
	struct program *pg;
	struct cached *c;
	uint64_t low, high; /* the file-backed pages' span, in the program */
	uint64_t last_end;  /* the end of the previous segment's pages: segments may not share one */
	int error;
};

static uint64_t page_down(uint64_t a) { return a & ~(PAGE - 1); }
static uint64_t page_up(uint64_t a) { return (a + PAGE - 1) & ~(PAGE - 1); }

static int span_segment(void *ctx, const struct elf_segment *seg)
{
	struct filling *f = ctx;
	uint64_t start = page_down(seg->vaddr), end = page_up(seg->vaddr + seg->filesz);

	if (!seg->filesz)
		return 0;
	if (start < f->last_end)
		return -1; /* two segments in one page: copy this program in */
	f->last_end = end;
	if (!f->low || start < f->low)
		f->low = start;
	if (end > f->high)
		f->high = end;
	return 0;
}

static int fill_segment(void *ctx, const struct elf_segment *seg)
{
	struct filling *f = ctx;

	if (!seg->filesz)
		return 0;
	return read_program(f->pg, seg->offset, seg->filesz, ax_self, f->c->base + (seg->vaddr - f->c->low));
}

/* The cached pages of pg's file, read in now if need be; 0 when it must be copied in instead. */
static struct cached *cache_get(struct program *pg, uint64_t user_top, uint64_t *entry)
{
	struct filling f = {.pg = pg};
	struct cached *c = 0;

	if (pg->handle < 0)
		return 0;
	for (int i = 0; i < CACHE_ENTRIES; i++) {
		struct cached *e = &cache[i];

		if (e->used && e->fs == pg->fs && e->ino == pg->ino && e->size == pg->size && e->mtime == pg->mtime) {
			e->last_use = ++cache_clock;
			return e;
		}
	}
	if (elf_load(pg->image, pg->size, user_top, span_segment, &f, entry) < 0 || !f.high ||
	    f.high - f.low > CACHE_SPAN)
		return 0;
	for (int i = 0; i < CACHE_ENTRIES; i++) /* a free entry, or the one used longest ago */
		if (!c || !cache[i].used || (c->used && cache[i].last_use < c->last_use))
			c = &cache[i];
	if (c->used) {
		ax_message m = {.u64 = {(uint64_t)(int64_t)AX_SELF, c->base, c->bytes}};

		ax_kcall(KC_VUNMAP, &m);
		c->used = false;
	}
	*c = (struct cached){.fs = pg->fs, .ino = pg->ino, .size = pg->size, .mtime = pg->mtime,
			     .base = CACHE_BASE + (uint64_t)(c - cache) * CACHE_SPAN, .low = f.low, .bytes = f.high - f.low};
	f.c = c;
	if (ax_vmalloc(AX_SELF, c->base, c->bytes, AX_MAP_WRITE) < 0)
		return 0;
	if (elf_load(pg->image, pg->size, user_top, fill_segment, &f, entry) < 0) {
		ax_message m = {.u64 = {(uint64_t)(int64_t)AX_SELF, c->base, c->bytes}};

		ax_kcall(KC_VUNMAP, &m);
		return 0;
	}
	c->used = true;
	c->last_use = ++cache_clock;
	return c;
}

struct loading {
	endpoint_t ep;
	const struct program *pg;
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

/* Map one segment writable, fill it, then give it its own rights; or map the cached pages. */
static int load_segment(void *ctx, const struct elf_segment *seg)
{
	struct loading *ld = ctx;
	uint64_t start = seg->vaddr & ~(PAGE - 1), end = (seg->vaddr + seg->memsz + PAGE - 1) & ~(PAGE - 1);
	unsigned prot = VM_PROT_READ | (seg->writable ? VM_PROT_WRITE : 0) | (seg->executable ? VM_PROT_EXEC : 0);
	const struct cached *c = ld->pg->cache;

	if (c && seg->filesz) {
		uint64_t file_end = page_up(seg->vaddr + seg->filesz);
		int64_t r = vm_range(VM_SHARE, ld->ep, start, file_end - start, prot, c->base + (start - c->low));

		if (r == 0 && end > file_end) /* the rest of the bss: demand-zero */
			r = vm_range(VM_REGION, ld->ep, file_end, end - file_end, prot, 0);
		return (int)r;
	}
	/* Not populated: copying the file's bytes in brings those pages (VM_TOUCH); bss stays demand-zero. */
	int64_t r = vm_range(VM_REGION, ld->ep, start, end - start, prot | VM_PROT_WRITE, 0);

	if (r == 0 && seg->filesz)
		r = ld->pg->handle >= 0 ? read_program(ld->pg, seg->offset, seg->filesz, ld->ep, seg->vaddr)
					: user_copy(ld->ep, seg->vaddr, (void *)(ld->pg->image + seg->offset), seg->filesz,
						    AX_COPY_TO);
	if (r == 0 && !seg->writable)
		r = vm_range(VM_PROTECT, ld->ep, start, end - start, prot, 0);
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

/* The headers elf_load reads must be in the part pm has read. */
static bool headers_read(const struct program *pg)
{
	const struct elf64_ehdr *eh = (const void *)pg->image;

	if (pg->head_len < sizeof(*eh))
		return false;
	return eh->phoff <= pg->head_len && (uint64_t)eh->phnum * sizeof(struct elf64_phdr) <= pg->head_len - eh->phoff;
}

/*
 * A `#!` script: the interpreter's path and its one optional argument, cut
 * out of the first line (Linux's rules: blanks around them, the argument is
 * the rest of the line). 0, or -ENOEXEC when the line has no end or no path.
 */
static int parse_shebang(const struct program *pg, char *interp, size_t isize, char *arg, size_t asize)
{
	const char *line = (const char *)pg->image + 2, *end = memchr(line, '\n', pg->head_len - 2), *a, *b;

	if (!end)
		end = line + (pg->head_len - 2); /* a file that is all one line */
	for (a = line; a < end && (*a == ' ' || *a == '\t'); a++)
		;
	for (b = a; b < end && *b != ' ' && *b != '\t' && *b; b++)
		;
	if (a == b || (size_t)(b - a) >= isize)
		return -ENOEXEC;
	memcpy(interp, a, (size_t)(b - a));
	interp[b - a] = 0;
	for (a = b; a < end && (*a == ' ' || *a == '\t'); a++)
		;
	for (b = end; b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r'); b--)
		;
	if ((size_t)(b - a) >= asize)
		return -ENOEXEC;
	memcpy(arg, a, (size_t)(b - a));
	arg[b - a] = 0;
	return 0;
}

/* Put the interpreter's words before argv[1..] in place of argv[0]: interp [arg] script. */
static int script_argv(struct strings *st, const char *interp, const char *arg, const char *script)
{
	const char *words[3] = {interp, arg[0] ? arg : 0, script};
	uint32_t at[3];
	int k = 0;

	for (int i = 0; i < 3; i++) {
		size_t n;

		if (!words[i])
			continue;
		n = strlen(words[i]) + 1;
		if (st->used + n > sizeof(st->bytes))
			return -E2BIG;
		memcpy(st->bytes + st->used, words[i], n);
		at[k++] = (uint32_t)st->used;
		st->used += n;
	}
	if (st->argc + st->envc + k - 1 > ARG_MAX_COUNT)
		return -E2BIG;
	/* argv[0] goes; k words come first */
	memmove(&st->at[k], &st->at[1], (size_t)(st->argc - 1 + st->envc) * sizeof(st->at[0]));
	memcpy(st->at, at, (size_t)k * sizeof(at[0]));
	st->argc += k - 1;
	return 0;
}

int64_t do_execve(struct mproc *p, const ax_message *m)
{
	static struct strings st;
	static struct program pg;
	static char path[256], interp[256], arg[256];
	uint64_t entry, sp, stack;
	struct ax_regs regs = {0};
	struct loading ld;
	bool script = false;
	int r;

	if ((r = user_string(p->ep, arg_ptr(m, 0), path, sizeof(path))) < 0)
		return r;
	if ((r = open_program(p, path, arg_ptr(m, 0), &pg)) < 0)
		return r;
	if (pg.head_len >= 2 && pg.image[0] == '#' && pg.image[1] == '!') {
		r = parse_shebang(&pg, interp, sizeof(interp), arg, sizeof(arg));
		close_program(&pg);
		if (r < 0)
			return r;
		if ((r = open_program(p, interp, 0, &pg)) < 0)
			return r == -ENOENT ? -ENOENT : r;
		if (pg.head_len >= 2 && pg.image[0] == '#' && pg.image[1] == '!') {
			close_program(&pg);
			return -ELOOP; /* one level of interpreter, no more */
		}
		script = true;
	}
	/* Everything that can fail for the caller to hear of, before its image goes. */
	ld = (struct loading){p->ep, &pg, 0, 0};
	if (!headers_read(&pg) ||
	    elf_load(pg.image, pg.size, AX_STACK_TOP - stack_limit(p), measure_segment, &ld, &entry) < 0) {
		close_program(&pg);
		return -ENOEXEC;
	}
	pg.cache = cache_get(&pg, AX_STACK_TOP - stack_limit(p), &entry);
	st.used = 0, st.argc = st.envc = 0;
	if ((r = copy_vector(p->ep, arg_ptr(m, 1), &st, &st.argc)) < 0 || (r = copy_vector(p->ep, arg_ptr(m, 2), &st, &st.envc)) < 0) {
		close_program(&pg);
		return r;
	}
	if (st.argc == 0) { /* Linux 6.1: an empty argv[0], so programs never see argc 0 */
		if (st.used + 1 > sizeof(st.bytes)) {
			close_program(&pg);
			return -E2BIG;
		}
		if (st.envc)
			memmove(&st.at[1], &st.at[0], (size_t)st.envc * sizeof(st.at[0]));
		st.bytes[st.used] = 0;
		st.at[0] = (uint32_t)st.used++;
		st.argc = 1;
	}
	if (script && (r = script_argv(&st, interp, arg, path)) < 0) {
		close_program(&pg);
		return r;
	}
	{
		size_t n = strlen(path) + 1;

		if (st.used + n > sizeof(st.bytes)) {
			close_program(&pg);
			return -E2BIG;
		}
		memcpy(st.bytes + st.used, path, n);
		st.execfn = (uint32_t)st.used;
		st.used += n;
	}
	stack = (st.used + (uint64_t)(st.argc + st.envc + 64) * 8 + PAGE - 1) & ~(PAGE - 1);
	stack = stack + EXEC_STACK;
	if (vm_request(VM_SPACE_NEW, &(struct vm_space_req){p->ep, AX_STACK_TOP, stack_limit(p), ld.brk},
		       sizeof(struct vm_space_req)) < 0) {
		close_program(&pg);
		return -ENOMEM;
	}
	/* From here on the old image is gone: a failure ends the process. */
	r = elf_load(pg.image, pg.size, AX_STACK_TOP - stack_limit(p), load_segment, &ld, &entry);
	close_program(&pg);
	if (r == 0)
		r = (int)vm_range(VM_REGION, p->ep, AX_STACK_TOP - stack, stack,
				 VM_PROT_READ | VM_PROT_WRITE, 0); /* pages come as the frame is written, then on use */
	sp = r == 0 ? build_stack(p->ep, &st, pg.image, entry) : 0;
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
	if (vfs != AX_NONE)
		exec_set_ids(p, pg.mode, pg.uid, pg.gid);
	signal_exec(p);
	vfs_exec(p);
	vfork_release(p); /* a vfork parent goes on once its child has its own image */
	info_exec(p, path, st.bytes, st.at, st.argc);
	return 0; /* the reply resumes the process at its new entry point, rax = 0 */
}
