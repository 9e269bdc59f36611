/*
 * pm, the process manager: process identities, fork, exit and wait, and
 * the small POSIX calls about a process itself. Memory is vm's (pm asks it
 * to build address spaces); the kernel tells pm when a process it created
 * dies (KC_REAP). POSIX processes reach pm through the kernel's trap
 * bridge; each handler below is do_<call>, found through the table at the
 * end.
 *
 * First version: no exec, signals, process groups calls or timers yet
 * (they return -ENOSYS through the kernel). Until vfs exists, write() to
 * descriptors 1 and 2 goes to the kernel log.
 */
#include <string.h>

#include <proto/vm.h>
#include <sys/server.h>

#include "../../kernel/elf.h"
#include "cpio.h"
#include "pm.h"
#include "wait.h"

#define PAGE 4096ULL
#define STACK_LIMIT (8ULL << 20)

/* Linux numbers and constants, as musl uses them. */
enum {
	NR_WRITE = 1, NR_MMAP = 9, NR_MPROTECT = 10, NR_MUNMAP = 11, NR_BRK = 12, NR_MREMAP = 25,
	NR_GETPID = 39, NR_FORK = 57, NR_EXECVE = 59, NR_EXIT = 60, NR_WAIT4 = 61, NR_UNAME = 63, NR_GETUID = 102,
	NR_GETGID = 104, NR_GETEUID = 107, NR_GETEGID = 108, NR_GETPPID = 110, NR_SYSINFO = 99,
	NR_ARCH_PRCTL = 158, NR_REBOOT = 169, NR_GETTID = 186, NR_SET_TID_ADDRESS = 218, NR_EXIT_GROUP = 231,
	NR_ROUTES = 512,
};

/* Linux's call names, generated at build time from the kernel headers. */
static const char *const syscall_names[NR_ROUTES] = {
#include "syscall_names.c"
};
#define ECHILD 10
#define EBADF 9
#define WNOHANG 1
#define SIGILL 4
#define SIGBUS 7
#define SIGFPE 8
#define SIGSEGV 11
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ENOENT 2
#define E2BIG 7
#define ENOEXEC 8
#define EACCES 13
#define ENAMETOOLONG 36
#define EXEC_STACK (128 * 1024ULL) /* mapped at exec; vm grows it on demand */
#define ARG_MAX_BYTES (64 * 1024)
#define ARG_MAX_COUNT 256

struct mproc procs[AX_NR_SLOTS];
static const uint8_t *programs; /* the boot image's program archive (cpio), until vfs */
static size_t programs_size;
static int next_pid = 1;
static endpoint_t vm;
static struct ax_grant grant[1];

/*
 * pm's table is its own, not indexed by kernel slot: a zombie keeps its
 * entry until its parent waits, even after the kernel has reused the slot.
 */
static struct mproc *by_ep(endpoint_t ep)
{
	for (int i = 0; i < AX_NR_SLOTS; i++)
		if (procs[i].state == ALIVE && procs[i].ep == ep)
			return &procs[i];
	return 0;
}

static struct mproc *new_entry(void)
{
	for (int i = 0; i < AX_NR_SLOTS; i++)
		if (procs[i].state == FREE)
			return &procs[i];
	return 0;
}

struct mproc *by_pid(int pid)
{
	for (int i = 0; i < AX_NR_SLOTS; i++)
		if (procs[i].state != FREE && procs[i].pid == pid)
			return &procs[i];
	return 0;
}

static int64_t vm_call(int type, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	ax_message m = {.type = type, .u64 = {a, b, c, d, e}};
	int r = ax_sendrec(vm, &m);

	return r < 0 ? r : m.i64[0];
}

static int safecopy(endpoint_t ep, uint64_t va, void *buf, uint64_t len, int dir)
{
	grant[0] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ | AX_GRANT_WRITE | AX_GRANT_MAGIC, ax_self, ep, 0,
				     va, len};
	return ax_kcall(KC_SAFECOPY, &(ax_message){.u64 = {(uint64_t)(int64_t)ax_self, 0, 0, (uint64_t)buf, len,
								(uint64_t)dir}});
}

/*
 * Copy between pm and a process's memory through a magic grant. A page not
 * there yet, or shared copy-on-write, makes the copy fail: vm then prepares
 * the range as the process's own access would, and the copy runs again.
 */
int user_copy(endpoint_t ep, uint64_t va, void *buf, uint64_t len, int dir)
{
	int r = safecopy(ep, va, buf, len, dir);

	if (r == -AX_EFAULT && len && vm_call(VM_TOUCH, (uint64_t)ep, va, len, dir == AX_COPY_TO, 0) == 0)
		r = safecopy(ep, va, buf, len, dir);
	return r;
}

static int kcall(unsigned call, uint64_t a, uint64_t b)
{
	return ax_kcall(call, &(ax_message){.u64 = {a, b}});
}

/* ---- waiting and dying ---------------------------------------------------- */

/* Hand the zombie z to its parent p's wait4: status out, slot free. Returns z's pid. */
static int reap(struct mproc *p, struct mproc *z, uint64_t status_ptr, uint64_t rusage_ptr)
{
	static const uint8_t no_usage[144];
	int pid = z->pid, r = 0;

	if (status_ptr)
		r = user_copy(p->ep, status_ptr, &z->status, sizeof(int), AX_COPY_TO);
	if (r == 0 && rusage_ptr)
		r = user_copy(p->ep, rusage_ptr, (void *)no_usage, sizeof(no_usage), AX_COPY_TO);
	if (r < 0)
		return r; /* the zombie stays for a later wait4 with a good pointer */
	z->state = FREE;
	return pid;
}

/* A zombie child of p that its wait4(pid) selects, or 0; *any tells whether p has such a child at all. */
static struct mproc *zombie_for(struct mproc *p, int pid_arg, int *any)
{
	*any = 0;
	for (int i = 0; i < AX_NR_SLOTS; i++) {
		struct mproc *c = &procs[i];

		if (c->state == FREE || c->ppid != p->pid || !wait_selects(pid_arg, c->pid, c->pgrp, p->pgrp))
			continue;
		*any = 1;
		if (c->state == ZOMBIE)
			return c;
	}
	return 0;
}

/* If p is blocked in a wait4 that a zombie now answers, answer it. */
static void wake_waiter(struct mproc *p)
{
	struct mproc *z;
	int any;
	ax_message reply = {.type = AX_MSG_POSIX + NR_WAIT4};

	if (!p || p->state != ALIVE || !p->waiting || !(z = zombie_for(p, p->wait_pid, &any)))
		return;
	p->waiting = 0;
	reply.i64[0] = reap(p, z, p->wait_status, p->wait_rusage);
	ax_sendnb(p->ep, &reply);
}

/* p has ended with status: its children go to init, its parent may learn of it. */
static void became_zombie(struct mproc *p, int status)
{
	p->state = ZOMBIE;
	p->status = status;
	vm_call(VM_EXIT, (uint64_t)p->ep, 0, 0, 0, 0);
	for (int i = 0; i < AX_NR_SLOTS; i++) {
		if (procs[i].state != FREE && procs[i].ppid == p->pid) {
			procs[i].ppid = 1;
			if (procs[i].state == ZOMBIE)
				wake_waiter(by_pid(1));
		}
	}
	if (p->ppid == 0) { /* nobody to wait for it */
		p->state = FREE;
		return;
	}
	wake_waiter(by_pid(p->ppid));
}

static int signal_for(const struct ax_death *d)
{
	switch (d->vector) {
	case 0: return SIGFPE;
	case 6: return SIGILL;
	case 17: return SIGBUS;
	default: return SIGSEGV;
	}
}

/* The kernel says processes we created have ended: collect every record. */
static void on_notify(const ax_message *m)
{
	struct ax_death d;

	if (m->source != AX_KERNEL)
		return;
	while (ax_kcall(KC_REAP, &(ax_message){.u64 = {(uint64_t)&d}}) == 0) {
		struct mproc *p = by_ep(d.ep); /* 0 for an exit we caused ourselves: already a zombie */

		if (p)
			became_zombie(p, wstatus_signaled(d.cause == AX_DEATH_FAULT ? signal_for(&d) : 9));
	}
}

/* ---- the calls ------------------------------------------------------------ */

struct mproc *caller(const ax_message *m) { return by_ep(m->source); }

static int64_t do_getpid(const ax_message *m, ax_message *r) { (void)r; return caller(m) ? caller(m)->pid : -AX_ESRCH; }
static int64_t do_getppid(const ax_message *m, ax_message *r) { (void)r; return caller(m) ? caller(m)->ppid : -AX_ESRCH; }
static int64_t do_getuid(const ax_message *m, ax_message *r) { (void)m, (void)r; return 0; /* all root until users exist */ }

static int64_t do_set_tid_address(const ax_message *m, ax_message *r)
{
	struct mproc *p = caller(m);

	(void)r;
	if (!p)
		return -AX_ESRCH;
	p->tid_addr = m->u64[0];
	return p->pid;
}

static int64_t do_arch_prctl(const ax_message *m, ax_message *r)
{
	struct mproc *p = caller(m);
	int rc;

	(void)r;
	if (!p)
		return -AX_ESRCH;
	if (m->u64[0] == ARCH_SET_FS) {
		if ((rc = kcall(KC_SET_FS, (uint64_t)p->ep, m->u64[1])) < 0)
			return rc == -AX_EINVAL ? -AX_EPERM : rc; /* Linux: EPERM for a non-canonical base */
		p->fs_base = m->u64[1];
		return 0;
	}
	if (m->u64[0] == ARCH_GET_FS)
		return user_copy(p->ep, m->u64[1], &p->fs_base, sizeof(p->fs_base), AX_COPY_TO);
	return -AX_EINVAL;
}

static int64_t do_uname(const ax_message *m, ax_message *r)
{
	static const char fields[6][65] = {"Axolotl", "axolotl", "0.1", "#1", "x86_64", "(none)"};

	(void)r;
	return caller(m) ? user_copy(m->source, m->u64[0], (void *)fields, sizeof(fields), AX_COPY_TO) : -AX_ESRCH;
}

static int64_t do_sysinfo(const ax_message *m, ax_message *r)
{
	struct {
		int64_t uptime;
		uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
		uint16_t procs, pad;
		uint64_t totalhigh, freehigh;
		uint32_t mem_unit;
		char reserved[4];
	} info = {0};
	ax_message k = {0};
	uint64_t now;

	(void)r;
	_Static_assert(sizeof(info) == 112, "Linux's struct sysinfo");
	ax_kcall(KC_MEMINFO, &k);
	ax_clock(&now);
	info.uptime = (int64_t)(now / 1000000000);
	info.totalram = k.u64[1] * k.u64[2];
	info.freeram = k.u64[0] * k.u64[2];
	info.mem_unit = 1;
	for (int i = 0; i < AX_NR_SLOTS; i++)
		info.procs += procs[i].state == ALIVE;
	return caller(m) ? user_copy(m->source, m->u64[0], &info, sizeof(info), AX_COPY_TO) : -AX_ESRCH;
}

/* Until vfs exists: descriptors 1 and 2 write to the kernel log. */
static int64_t do_write(const ax_message *m, ax_message *r)
{
	char buf[512];
	uint64_t fd = m->u64[0], at = m->u64[1], len = m->u64[2], done = 0;

	(void)r;
	if (fd != 1 && fd != 2)
		return -EBADF;
	while (done < len && done < 65536) {
		uint64_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		int rc = user_copy(m->source, at + done, buf, n, AX_COPY_FROM);

		if (rc < 0)
			return done ? (int64_t)done : rc;
		ax_print(buf, n);
		done += n;
	}
	return (int64_t)done;
}

static int64_t do_fork(const ax_message *m, ax_message *r)
{
	struct mproc *parent = caller(m), *child;
	ax_message c = {.u64 = {(uint64_t)(int64_t)m->source, (uint64_t)-1}};
	struct ax_regs regs;
	int64_t rc;

	(void)r;
	if (!parent)
		return -AX_ESRCH;
	if (!(child = new_entry()))
		return -AX_EAGAIN;
	if ((rc = ax_kcall(KC_PROC_COPY, &c)) < 0)
		return rc == -AX_EBUSY ? -AX_EAGAIN : rc;
	*child = (struct mproc){ALIVE, (endpoint_t)c.i64[0], next_pid++, parent->pid, parent->pgrp, parent->sid, 0,
				parent->fs_base, 0, 0, 0, 0, 0, 0};
	rc = kcall(KC_GET_REGS, (uint64_t)child->ep, (uint64_t)&regs);
	regs.rax = 0; /* fork returns 0 in the child */
	if (rc == 0)
		rc = kcall(KC_SET_REGS, (uint64_t)child->ep, (uint64_t)&regs);
	if (rc == 0)
		rc = vm_call(VM_FORK, (uint64_t)parent->ep, (uint64_t)child->ep, 0, 0, 0);
	if (rc == 0)
		rc = kcall(KC_PROC_START, (uint64_t)child->ep, 0);
	if (rc < 0) {
		child->state = FREE;
		kcall(KC_PROC_DESTROY, (uint64_t)child->ep, 0);
		return rc == -AX_ENOMEM ? -AX_ENOMEM : -AX_EAGAIN;
	}
	return child->pid;
}

static int64_t do_exit(const ax_message *m, ax_message *r)
{
	struct mproc *p = caller(m);

	(void)r;
	if (!p)
		return -AX_ESRCH;
	kcall(KC_PROC_DESTROY, (uint64_t)p->ep, 0);
	became_zombie(p, wstatus_exited((int)m->u64[0]));
	return AX_NO_REPLY; /* nobody is left to answer */
}

static int64_t do_wait4(const ax_message *m, ax_message *r)
{
	struct mproc *p = caller(m), *z;
	int any;

	(void)r;
	if (!p)
		return -AX_ESRCH;
	if (m->u64[2] & ~(uint64_t)(WNOHANG | 2 /* WUNTRACED */ | 8 /* WCONTINUED */))
		return -AX_EINVAL;
	if ((z = zombie_for(p, (int)m->i64[0], &any)))
		return reap(p, z, m->u64[1], m->u64[3]);
	if (!any)
		return -ECHILD;
	if (m->u64[2] & WNOHANG)
		return 0;
	p->waiting = 1;
	p->wait_pid = (int)m->i64[0];
	p->wait_options = (int)m->u64[2];
	p->wait_status = m->u64[1];
	p->wait_rusage = m->u64[3];
	return AX_NO_REPLY; /* answered when a child ends */
}

/* ---- execve ------------------------------------------------------------------ */

/* Copy a NUL-terminated string of at most max bytes (terminator included) from a process. */
static int user_string(endpoint_t ep, uint64_t va, char *buf, size_t max)
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
	uint32_t at[ARG_MAX_COUNT]; /* offsets of argv then envp strings */
};

/* Copy a NULL-terminated vector of strings (argv or envp); *count is set at the end. */
static int copy_vector(endpoint_t ep, uint64_t vec, struct strings *st, int *count)
{
	int first = st->argc + st->envc, k = 0;

	for (; vec; k++) {
		uint64_t ptr;
		int n;

		if (first + k >= ARG_MAX_COUNT)
			return -E2BIG;
		if (user_copy(ep, vec + 8 * (uint64_t)k, &ptr, 8, AX_COPY_FROM) < 0)
			return -AX_EFAULT;
		if (!ptr)
			break;
		n = user_string(ep, ptr, st->bytes + st->used, sizeof(st->bytes) - st->used);
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
	int64_t r = vm_call(VM_REGION, (uint64_t)ld->ep, start, end - start, prot | VM_PROT_WRITE, VM_POPULATE);

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
	ax_clock(&random[0]);
	random[1] = random[0] * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ep; /* getrandom's pool comes later */
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
					   {25, random_at}, {31, strings_at + st->at[0]}, {0, 0}};

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

static int64_t do_execve(const ax_message *m, ax_message *reply)
{
	static struct strings st;
	struct mproc *p = caller(m);
	char path[256];
	const uint8_t *image;
	size_t size;
	unsigned mode;
	uint64_t entry, sp;
	struct ax_regs regs = {0};
	struct loading ld;
	int r;

	if (!p)
		return -AX_ESRCH;
	if ((r = user_string(p->ep, m->u64[0], path, sizeof(path))) < 0)
		return r;
	if (!programs)
		return -ENOENT;
	if ((r = cpio_find(programs, programs_size, path, &image, &size, &mode)) < 0)
		return r == -22 ? -AX_EIO : r;
	if ((mode & 0170000) != 0100000 || !(mode & 0111))
		return -EACCES;
	/* Everything that can fail for the caller to hear of, before its image goes. */
	ld = (struct loading){p->ep, image, 0, 0};
	if (elf_load(image, size, AX_STACK_TOP - STACK_LIMIT, measure_segment, &ld, &entry) < 0)
		return -ENOEXEC;
	st.used = 0, st.argc = st.envc = 0;
	if ((r = copy_vector(p->ep, m->u64[1], &st, &st.argc)) < 0 || (r = copy_vector(p->ep, m->u64[2], &st, &st.envc)) < 0)
		return r;
	if (st.argc == 0) { /* keep argv[0] meaningful for AT_EXECFN */
		size_t n = strlen(path) + 1;

		if (st.used + n > sizeof(st.bytes))
			return -E2BIG;
		memcpy(st.bytes + st.used, path, n);
		st.at[0] = (uint32_t)st.used;
		st.used += n;
		st.argc = 1;
	}
	if (vm_call(VM_SPACE_NEW, (uint64_t)p->ep, AX_STACK_TOP, STACK_LIMIT, ld.brk, 0) < 0)
		return -AX_ENOMEM;
	/* From here on the old image is gone: a failure ends the process. */
	r = elf_load(image, size, AX_STACK_TOP - STACK_LIMIT, load_segment, &ld, &entry);
	if (r == 0)
		r = (int)vm_call(VM_REGION, (uint64_t)p->ep, AX_STACK_TOP - EXEC_STACK, EXEC_STACK,
				 VM_PROT_READ | VM_PROT_WRITE, VM_POPULATE);
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
	(void)reply;
	return 0; /* the reply resumes the process at its new entry point, rax = 0 */
}

/*
 * Every call number nobody serves yet comes here: -ENOSYS, and one log line
 * per number, by name, so a missing call is easy to find.
 */
static int64_t do_other(const ax_message *m, ax_message *r)
{
	static uint64_t logged[NR_ROUTES / 64];
	int64_t nr = (int64_t)m->type - AX_MSG_POSIX;
	struct mproc *p = caller(m);

	(void)r;
	if (nr < 0 || nr >= NR_ROUTES) {
		ax_printf("pm: message of unknown type %x from %d: refused\n", m->type, m->source);
		return -AX_ENOSYS;
	}
	if (!(logged[nr / 64] & (1ULL << (nr % 64)))) {
		logged[nr / 64] |= 1ULL << (nr % 64);
		ax_printf("pm: pid %d called %s (%ld), not implemented: ENOSYS\n", p ? p->pid : -1,
			  syscall_names[nr] ? syscall_names[nr] : "an unknown call", nr);
	}
	return -AX_ENOSYS;
}

/* reboot(2): power off and halt both power the machine off. */
static int64_t do_reboot(const ax_message *m, ax_message *r)
{
	(void)r;
	if (m->u64[0] != 0xfee1dead || (m->u64[1] != 672274793 && m->u64[1] != 85072278 &&
					   m->u64[1] != 369367448 && m->u64[1] != 537993216))
		return -AX_EINVAL;
	if (m->u64[2] != 0x4321fedc && m->u64[2] != 0xcdef0123)
		return -AX_EINVAL; /* restart and the rest: not yet */
	ax_printf("pm: power off requested by pid %d\n", caller(m) ? caller(m)->pid : -1);
	ax_poweroff(0);
	return -AX_EIO;
}

/* ---- start-up --------------------------------------------------------------- */

/*
 * Take a POSIX process the kernel started at boot: describe its memory to vm
 * from its own program headers (found through the auxiliary vector the kernel
 * put on its stack) and give it a pid.
 */
static int adopt(endpoint_t ep, int ppid)
{
	struct { uint32_t type, flags; uint64_t offset, vaddr, paddr, filesz, memsz, align; } ph[16];
	uint64_t frame[14], phdr = 0, phnum = 0, brk = 0;
	struct mproc *p;
	int64_t rc;

	rc = user_copy(ep, AX_STACK_TOP - sizeof(frame), frame, sizeof(frame), AX_COPY_FROM);
	for (int i = 3; rc == 0 && i + 1 < 14 && frame[i]; i += 2) {
		if (frame[i] == 3)
			phdr = frame[i + 1];
		if (frame[i] == 5)
			phnum = frame[i + 1];
	}
	if (rc < 0 || !phdr || !phnum || phnum > 16)
		return rc < 0 ? (int)rc : -AX_EINVAL;
	if ((rc = user_copy(ep, phdr, ph, phnum * sizeof(ph[0]), AX_COPY_FROM)) < 0)
		return (int)rc;
	for (uint64_t i = 0; i < phnum; i++)
		if (ph[i].type == 1 && ph[i].vaddr + ph[i].memsz > brk)
			brk = ph[i].vaddr + ph[i].memsz;
	rc = vm_call(VM_SPACE_NEW, (uint64_t)ep, AX_STACK_TOP, STACK_LIMIT, brk, 0);
	for (uint64_t i = 0; rc == 0 && i < phnum; i++) {
		uint64_t start = ph[i].vaddr & ~(PAGE - 1), end = (ph[i].vaddr + ph[i].memsz + PAGE - 1) & ~(PAGE - 1);
		unsigned prot = ((ph[i].flags & 4) ? VM_PROT_READ : 0) | ((ph[i].flags & 2) ? VM_PROT_WRITE : 0) |
				((ph[i].flags & 1) ? VM_PROT_EXEC : 0);

		if (ph[i].type == 1 && ph[i].memsz)
			rc = vm_call(VM_REGION, (uint64_t)ep, start, end - start, prot, 0);
	}
	if (rc == 0)
		rc = vm_call(VM_REGION, (uint64_t)ep, AX_STACK_TOP - AX_BOOT_STACK, AX_BOOT_STACK,
			     VM_PROT_READ | VM_PROT_WRITE, 0);
	if (rc == 0)
		rc = vm_call(VM_REGION, (uint64_t)ep, AX_BOOTINFO_ADDR, PAGE, VM_PROT_READ, 0);
	if (rc < 0)
		return (int)rc;
	if (!(p = new_entry()))
		return -AX_ENOMEM;
	*p = (struct mproc){.state = ALIVE, .ep = ep, .pid = next_pid, .ppid = ppid, .pgrp = next_pid, .sid = next_pid};
	return next_pid++;
}

static void install_routes(void)
{
	static endpoint_t routes[NR_ROUTES];
	static const int vms[] = {NR_MMAP, NR_MPROTECT, NR_MUNMAP, NR_BRK, NR_MREMAP};

	for (int i = 0; i < NR_ROUTES; i++)
		routes[i] = ax_self; /* served here, or refused here by name (do_other) */
	for (unsigned i = 0; i < sizeof(vms) / sizeof(vms[0]); i++)
		routes[vms[i]] = vm;
	if (kcall(KC_POSIX_ROUTE, (uint64_t)routes, NR_ROUTES) < 0)
		ax_printf("pm: could not install the POSIX routes\n");
}

#define CALL(nr, fn) {AX_MSG_POSIX + (nr), fn}

static const struct ax_call calls[] = {
	CALL(NR_WRITE, do_write),       CALL(NR_GETPID, do_getpid),     CALL(NR_GETTID, do_getpid),
	CALL(NR_GETPPID, do_getppid),   CALL(NR_GETUID, do_getuid),     CALL(NR_GETEUID, do_getuid),
	CALL(NR_GETGID, do_getuid),     CALL(NR_GETEGID, do_getuid),    CALL(NR_FORK, do_fork),
	CALL(NR_EXIT, do_exit),         CALL(NR_EXECVE, do_execve),         CALL(NR_EXIT_GROUP, do_exit),   CALL(NR_WAIT4, do_wait4),
	CALL(NR_UNAME, do_uname),       CALL(NR_SYSINFO, do_sysinfo),   CALL(NR_ARCH_PRCTL, do_arch_prctl),
	CALL(NR_REBOOT, do_reboot),     CALL(NR_SET_TID_ADDRESS, do_set_tid_address),
	{AX_CALL_OTHER, do_other},
};

int main(void)
{
	int first = 1;

	vm = ax_boot_endpoint("vm");
	kcall(KC_GRANT_TABLE, (uint64_t)grant, 1);
	for (uint32_t i = 0; i < ax_bootinfo->ndata; i++) {
		if (strcmp(ax_bootinfo->data[i].name, "programs") == 0) {
			programs = (const uint8_t *)ax_bootinfo->data[i].addr;
			programs_size = ax_bootinfo->data[i].size;
		}
	}
	install_routes();
	/* The first POSIX boot process is pid 1; the others are its children. */
	for (uint32_t i = 0; i < ax_bootinfo->count; i++) {
		int pid;

		if ((ax_bootinfo->procs[i].flags & AX_PRIV_SYSTEM) || ax_bootinfo->procs[i].ep == AX_NONE)
			continue; /* servers, drivers, and data modules */
		pid = adopt(ax_bootinfo->procs[i].ep, first ? 0 : 1);
		if (pid < 0)
			ax_printf("pm: cannot adopt %s (%d)\n", ax_bootinfo->procs[i].name, pid);
		first = 0;
	}
	ax_printf("pm: up at endpoint %d\n", ax_self);
	ax_serve(calls, (int)(sizeof(calls) / sizeof(calls[0])), on_notify);
}
