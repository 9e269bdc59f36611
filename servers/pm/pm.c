/*
 * pm, the process manager: process identities, fork, exec, exit and wait,
 * signals, process groups, timers and the small POSIX calls about a process
 * itself. Memory is vm's (pm asks it to build address spaces); the kernel
 * tells pm when a process it created dies (KC_REAP), when one takes a CPU
 * exception, and when one it asked to stop for its signals (KC_SIGNAL) has
 * stopped. POSIX processes reach pm through the kernel's trap bridge; each
 * handler is do_<call>, found through the table at the end.
 *
 * This file: the process table, copies into processes' memory, the small
 * calls, and start-up. In an image without vfs, write() to descriptors 1
 * and 2 goes to the kernel log.
 */
#include <string.h>

#include <proto/pm.h>
#include <proto/rs.h>
#include <proto/vm.h>
#include <sys/random.h>

#include "pm.h"
#include "wait.h"

#define PAGE 4096ULL

/* Linux's call names, generated at build time from the kernel headers. */
static const char *const syscall_names[NR_ROUTES] = {
#include "syscall_names.inc" /* generated: the table's lines, "[number] = \"name\"," */
};
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

struct mproc procs[AX_NR_SLOTS];
endpoint_t vm;
static struct ax_grant grant[2]; /* 0: copies into processes; PM_INFO_GRANT: procfs's table */

/*
 * pm's table is its own, not indexed by kernel slot: a zombie keeps its
 * entry until its parent waits, even after the kernel has reused the slot.
 */
static struct mproc *by_slot[AX_NR_SLOTS]; /* by_ep's cache: checked on every use */

struct mproc *by_ep(endpoint_t ep)
{
	struct mproc *p = by_slot[ep & (AX_NR_SLOTS - 1)];

	if (p && p->state == ALIVE && p->ep == ep)
		return p;
	for (int i = 0; i < AX_NR_SLOTS; i++) {
		if (procs[i].state == ALIVE && procs[i].ep == ep) {
			by_slot[ep & (AX_NR_SLOTS - 1)] = &procs[i];
			return &procs[i];
		}
	}
	return 0;
}

struct mproc *by_pid(int pid)
{
	for (int i = 0; i < AX_NR_SLOTS; i++)
		if (procs[i].state != FREE && procs[i].pid == pid)
			return &procs[i];
	return 0;
}

struct mproc *caller(const ax_message *m) { return by_ep(m->source); }

/* A request to vm (proto/vm.h), its struct as the message's payload: vm's answer, or the IPC error. */
int64_t vm_request(int type, const void *rq, size_t n)
{
	ax_message m = {.type = type};
	int r;

	memcpy(m.bytes, rq, n);
	r = ax_sendrec(vm, &m);
	return r < 0 ? r : m.i64[0];
}

int64_t vm_range(int type, endpoint_t ep, uint64_t start, uint64_t len, uint64_t prot, uint64_t arg)
{
	struct vm_range_req rq = {ep, start, len, prot, arg};

	return vm_request(type, &rq, sizeof(rq));
}

int64_t vm_proc(int type, endpoint_t ep, uint64_t value)
{
	struct vm_proc_req rq = {ep, value};

	return vm_request(type, &rq, sizeof(rq));
}

int kcall(unsigned call, uint64_t a, uint64_t b)
{
	return ax_kcall(call, &(ax_message){.u64 = {a, b}});
}

/* The CPU time p has used so far, in ns (0 if the kernel cannot say). */
uint64_t cpu_time(const struct mproc *p)
{
	ax_message t = {.u64 = {(uint64_t)(int64_t)p->ep}};

	return ax_kcall(KC_CPU_TIME, &t) == 0 ? t.u64[0] : 0;
}

void answer(struct mproc *p, int nr, int64_t value)
{
	ax_message reply = {.type = AX_MSG_POSIX + nr};

	reply.i64[0] = value;
	p->blocked_nr = 0;
	ax_sendnb(p->ep, &reply);
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

	if (r == -EFAULT && len &&
	    vm_request(VM_TOUCH, &(struct vm_touch_req){ep, va, len, dir == AX_COPY_TO}, sizeof(struct vm_touch_req)) == 0)
		r = safecopy(ep, va, buf, len, dir);
	return r;
}

/* ---- small calls ------------------------------------------------------------ */

static int64_t do_getpid(struct mproc *p, const ax_message *m) { (void)m; return p->pid; }
static int64_t do_getppid(struct mproc *p, const ax_message *m) { (void)m; return p->ppid; }
/*
 * sched_yield: answered by a plain send, which the kernel queues at the back
 * of the caller's priority (a reply to replyrecv would hand it the CPU at
 * once): everyone of its priority that was ready runs before it goes on.
 */
static int64_t do_sched_yield(struct mproc *p, const ax_message *m)
{
	(void)m;
	answer(p, NR_SCHED_YIELD, 0);
	return AX_NO_REPLY;
}
static int64_t do_set_tid_address(struct mproc *p, const ax_message *m)
{
	p->tid_addr = arg_ptr(m, 0);
	return p->pid;
}

static int64_t do_arch_prctl(struct mproc *p, const ax_message *m)
{
	int rc;

	if (arg_int(m, 0) == ARCH_SET_FS) {
		if ((rc = kcall(KC_SET_FS, (uint64_t)p->ep, arg_ulong(m, 1))) < 0)
			return rc == -EINVAL ? -EPERM : rc; /* Linux: EPERM for a non-canonical base */
		p->fs_base = arg_ulong(m, 1);
		return 0;
	}
	if (arg_int(m, 0) == ARCH_GET_FS)
		return user_copy(p->ep, arg_ptr(m, 1), &p->fs_base, sizeof(p->fs_base), AX_COPY_TO);
	return -EINVAL;
}

/* uname's fields; sethostname changes the second (the node name). */
static char uname_fields[6][65] = {"Axolotl", "axolotl", "0.1", "#1", "x86_64", "(none)"};

static int64_t do_uname(struct mproc *p, const ax_message *m)
{
	return user_copy(p->ep, arg_ptr(m, 0), (void *)uname_fields, sizeof(uname_fields), AX_COPY_TO);
}

/* sethostname(2): up to 64 bytes, no NUL needed; root's alone (Linux: CAP_SYS_ADMIN, asked first). */
static int64_t do_sethostname(struct mproc *p, const ax_message *m)
{
	char name[65] = {0};
	int len = arg_int(m, 1);
	int64_t r;

	if (p->euid != 0)
		return -EPERM;
	if (len < 0 || len > 64)
		return -EINVAL;
	if (len && (r = user_copy(p->ep, arg_ptr(m, 0), name, (uint64_t)len, AX_COPY_FROM)) < 0)
		return r;
	memcpy(uname_fields[1], name, sizeof(name));
	return 0;
}

static int64_t do_sysinfo(struct mproc *p, const ax_message *m)
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

	_Static_assert(sizeof(info) == 112, "Linux's struct sysinfo");
	ax_kcall(KC_MEMINFO, &k);
	info.uptime = (int64_t)(ax_now_ns() / 1000000000);
	info.totalram = k.u64[1] * k.u64[2];
	info.freeram = k.u64[0] * k.u64[2];
	info.mem_unit = 1;
	for (int i = 0; i < AX_NR_SLOTS; i++)
		info.procs += procs[i].state == ALIVE;
	return user_copy(p->ep, arg_ptr(m, 0), &info, sizeof(info), AX_COPY_TO);
}

/* Until vfs exists: descriptors 1 and 2 write to the kernel log. */
static int64_t do_write(struct mproc *p, const ax_message *m)
{
	char buf[512];
	uint64_t fd = arg_uint(m, 0), at = arg_ptr(m, 1), len = arg_ulong(m, 2), done = 0;

	if (fd != 1 && fd != 2)
		return -EBADF;
	while (done < len && done < 65536) {
		uint64_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		int rc = user_copy(p->ep, at + done, buf, n, AX_COPY_FROM);

		if (rc < 0)
			return done ? (int64_t)done : rc;
		ax_print(buf, n);
		done += n;
	}
	return (int64_t)done;
}

/* Until vfs exists: writev to descriptors 1 and 2 (musl's stdio writes this way). */
static int64_t do_writev(struct mproc *p, const ax_message *m)
{
	struct { uint64_t base, len; } iov[16];
	uint64_t fd = arg_uint(m, 0), count = arg_ulong(m, 2);
	int64_t done = 0;

	if (fd != 1 && fd != 2)
		return -EBADF;
	if (count > 1024)
		return -EINVAL;
	for (uint64_t i = 0; i < count; i += 16) {
		uint64_t n = count - i < 16 ? count - i : 16;

		if (user_copy(p->ep, arg_ptr(m, 1) + i * sizeof(iov[0]), iov, n * sizeof(iov[0]), AX_COPY_FROM) < 0)
			return done ? done : -EFAULT;
		for (uint64_t k = 0; k < n; k++) {
			ax_message w = {.source = m->source, .u64 = {fd, iov[k].base, iov[k].len}};
			int64_t got = iov[k].len ? do_write(p, &w) : 0;

			if (got < 0)
				return done ? done : got;
			done += got;
			if ((uint64_t)got < iov[k].len)
				return done;
		}
	}
	return done;
}

/*
 * Every call number nobody serves yet comes here: -ENOSYS, and one log line
 * per number, by name, so a missing call is easy to find.
 */
static int64_t not_implemented(const struct mproc *p, int64_t nr)
{
	static uint64_t logged[NR_ROUTES / 64];

	if (!(logged[nr / 64] & (1ULL << (nr % 64)))) {
		logged[nr / 64] |= 1ULL << (nr % 64);
		ax_printf("pm: pid %d called %s (%ld), not implemented: ENOSYS\n", p ? p->pid : -1,
			  syscall_names[nr] ? syscall_names[nr] : "an unknown call", nr);
	}
	return -ENOSYS;
}

#define RB_AUTOBOOT 0x01234567
#define RB_HALT_SYSTEM 0xcdef0123
#define RB_POWER_OFF 0x4321fedc

/*
 * reboot(2): power off and halt both power the machine off (a halted
 * virtual machine is of no use); restart resets it through the chipset's
 * reset control register (0xcf9, on q35 and PIIX alike), else the keyboard
 * controller's reset line (0xfe to 0x64). Each needs its io= privilege, and
 * the caller root's.
 */
static int64_t do_reboot(struct mproc *p, const ax_message *m)
{
	if (p->euid != 0)
		return -EPERM; /* Linux: CAP_SYS_BOOT, asked before the magic numbers */
	if (arg_uint(m, 0) != 0xfee1dead || (arg_uint(m, 1) != 672274793 && arg_uint(m, 1) != 85072278 &&
					    arg_uint(m, 1) != 369367448 && arg_uint(m, 1) != 537993216))
		return -EINVAL;
	if (arg_uint(m, 2) == RB_AUTOBOOT) {
		ax_printf("pm: restart requested by pid %d\n", p->pid);
		ax_devio(0xcf9, AX_IO_OUT8, 0x02, 0); /* system reset, then the hard reset bit */
		ax_devio(0xcf9, AX_IO_OUT8, 0x06, 0);
		ax_devio(0x64, AX_IO_OUT8, 0xfe, 0);
		ax_printf("pm: restart failed (no reset port answered); powering off\n");
		ax_poweroff(0);
		return -EIO;
	}
	if (arg_uint(m, 2) != RB_POWER_OFF && arg_uint(m, 2) != RB_HALT_SYSTEM)
		return -EINVAL; /* the rest (Ctrl-Alt-Del switches, kexec, suspend): not here */
	ax_printf("pm: %s requested by pid %d\n", arg_uint(m, 2) == RB_POWER_OFF ? "power off" : "halt (power off)", p->pid);
	ax_poweroff(0);
	return -EIO;
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
		return rc < 0 ? (int)rc : -EINVAL;
	if ((rc = user_copy(ep, phdr, ph, phnum * sizeof(ph[0]), AX_COPY_FROM)) < 0)
		return (int)rc;
	for (uint64_t i = 0; i < phnum; i++)
		if (ph[i].type == 1 && ph[i].vaddr + ph[i].memsz > brk)
			brk = ph[i].vaddr + ph[i].memsz;
	if (!(p = new_entry()))
		return -ENOMEM;
	*p = (struct mproc){.ep = ep, .pid = 0, .ppid = ppid, .exit_signal = SIGCHLD, .start_ns = ax_now_ns()};
	limits_default(p);
	rc = vm_request(VM_SPACE_NEW, &(struct vm_space_req){ep, AX_STACK_TOP, stack_limit(p), brk},
			sizeof(struct vm_space_req));
	for (uint64_t i = 0; rc == 0 && i < phnum; i++) {
		uint64_t start = ph[i].vaddr & ~(PAGE - 1), end = (ph[i].vaddr + ph[i].memsz + PAGE - 1) & ~(PAGE - 1);
		unsigned prot = ((ph[i].flags & 4) ? VM_PROT_READ : 0) | ((ph[i].flags & 2) ? VM_PROT_WRITE : 0) |
				((ph[i].flags & 1) ? VM_PROT_EXEC : 0);

		if (ph[i].type == 1 && ph[i].memsz)
			rc = vm_range(VM_REGION, ep, start, end - start, prot, 0);
	}
	if (rc == 0)
		rc = vm_range(VM_REGION, ep, AX_STACK_TOP - AX_BOOT_STACK, AX_BOOT_STACK,
			     VM_PROT_READ | VM_PROT_WRITE, 0);
	if (rc == 0)
		rc = vm_range(VM_REGION, ep, AX_BOOTINFO_ADDR, PAGE, VM_PROT_READ, 0);
	if (rc < 0)
		return (int)rc;
	p->state = ALIVE;
	p->pid = p->pgrp = p->sid = next_pid();
	if ((rc = vfs_fork(0, p)) < 0) /* a boot process: vfs gives it the console as 0, 1 and 2 */
		ax_printf("pm: vfs has no room for pid %d (%ld)\n", p->pid, rc);
	return p->pid;
}

static void install_routes(void)
{
	static endpoint_t routes[NR_ROUTES];
	static const int vms[] = {NR_MMAP, NR_MPROTECT, NR_MUNMAP, NR_BRK, NR_MREMAP};

	for (int i = 0; i < NR_ROUTES; i++)
		routes[i] = ax_self; /* served here, or refused here by name (not_implemented) */
	for (unsigned i = 0; i < sizeof(vms) / sizeof(vms[0]); i++)
		routes[vms[i]] = vm;
	vfs_init(routes); /* the file calls, when the image has vfs */
	if (kcall(KC_POSIX_ROUTE, (uint64_t)routes, NR_ROUTES) < 0)
		ax_printf("pm: could not install the POSIX routes\n");
}

/* Notifications: from the kernel (deaths), the clock (timers), ds (a driver moved), servers that may signal. */
static void on_notify(const ax_message *m)
{
	if (m->source == AX_KERNEL)
		on_deaths();
	else if (m->source == AX_CLOCK)
		time_expired();
	else if (from_ds(m->source))
		drivers_changed();
	else if (m->source == vfs || from_tty(m->source))
		signals_from(m->source); /* servers that may signal: they queue, pm pulls */
}

/* The POSIX calls pm serves, by number; each handler gets its caller's entry, already found. */
static int64_t (*const posix_calls[NR_ROUTES])(struct mproc *p, const ax_message *m) = {
	[NR_WRITE] = do_write,                          [NR_WRITEV] = do_writev,
	[NR_GETPID] = do_getpid,                        [NR_GETTID] = do_getpid,
	[NR_GETPPID] = do_getppid,                      [NR_GETUID] = do_getuid,
	[NR_GETEUID] = do_geteuid,                      [NR_GETGID] = do_getgid,
	[NR_GETEGID] = do_getegid,                      [NR_SETUID] = do_setuid,
	[NR_SETGID] = do_setgid,                        [NR_FORK] = do_fork,
	[NR_SETREUID] = do_setreuid,                    [NR_SETREGID] = do_setregid,
	[NR_SETRESUID] = do_setresuid,                  [NR_SETRESGID] = do_setresgid,
	[NR_GETRESUID] = do_getresuid,                  [NR_GETRESGID] = do_getresgid,
	[NR_GETGROUPS] = do_getgroups,                  [NR_SETGROUPS] = do_setgroups,
	[NR_VFORK] = do_vfork,                          [NR_CLONE] = do_clone,
	[NR_EXECVE] = do_execve,                        [NR_EXIT] = do_exit,
	[NR_EXIT_GROUP] = do_exit,                      [NR_WAIT4] = do_wait4,
	[NR_WAITID] = do_waitid,                        [NR_GETRUSAGE] = do_getrusage,
	[NR_TIMES] = do_times,                          [NR_UNAME] = do_uname,
	[NR_SYSINFO] = do_sysinfo,                      [NR_ARCH_PRCTL] = do_arch_prctl,
	[NR_REBOOT] = do_reboot,                        [NR_SET_TID_ADDRESS] = do_set_tid_address,
	[NR_SETHOSTNAME] = do_sethostname,
	[NR_KILL] = do_kill,                            [NR_TKILL] = do_tkill,
	[NR_TGKILL] = do_tgkill,                        [NR_RT_SIGQUEUEINFO] = do_rt_sigqueueinfo,
	[NR_RT_TGSIGQUEUEINFO] = do_rt_tgsigqueueinfo,  [NR_RT_SIGACTION] = do_rt_sigaction,
	[NR_RT_SIGPROCMASK] = do_rt_sigprocmask,        [NR_RT_SIGPENDING] = do_rt_sigpending,
	[NR_RT_SIGSUSPEND] = do_rt_sigsuspend,          [NR_RT_SIGRETURN] = do_rt_sigreturn,
	[NR_PAUSE] = do_pause,                          [NR_SIGALTSTACK] = do_sigaltstack,
	[NR_CLOCK_GETTIME] = do_clock_gettime,          [NR_CLOCK_GETRES] = do_clock_getres,
	[NR_CLOCK_SETTIME] = do_clock_settime,          [NR_GETTIMEOFDAY] = do_gettimeofday,
	[NR_SETTIMEOFDAY] = do_settimeofday,            [NR_TIME] = do_time,
	[NR_NANOSLEEP] = do_nanosleep,                  [NR_CLOCK_NANOSLEEP] = do_clock_nanosleep,
	[NR_RESTART_SYSCALL] = do_restart_syscall,      [NR_ALARM] = do_alarm,
	[NR_SETITIMER] = do_setitimer,                  [NR_GETITIMER] = do_getitimer,
	[NR_SETPGID] = do_setpgid,                      [NR_GETPGID] = do_getpgid,
	[NR_GETPGRP] = do_getpgrp,                      [NR_SETSID] = do_setsid,
	[NR_GETSID] = do_getsid,                        [NR_GETPRIORITY] = do_getpriority,
	[NR_RT_SIGTIMEDWAIT] = do_rt_sigtimedwait,
	[NR_SETPRIORITY] = do_setpriority,                        [NR_GETRLIMIT] = do_getrlimit,
	[NR_SETRLIMIT] = do_setrlimit,                  [NR_PRLIMIT64] = do_prlimit64,
	[NR_GETRANDOM] = do_getrandom,                  [NR_SCHED_YIELD] = do_sched_yield,
	[AX_SYS_RSCTL] = do_rsctl,
};

/* Every POSIX call routed to pm: find the caller once, then its handler. */
static int64_t dispatch(const ax_message *m, ax_message *r)
{
	int64_t nr = (int64_t)m->type - AX_MSG_POSIX;
	struct mproc *p = by_slot[m->source & (AX_NR_SLOTS - 1)]; /* by_ep's cache, looked at here: every call */

	(void)r;
	if (!p || p->state != ALIVE || p->ep != m->source)
		p = by_ep(m->source);
	if (nr < 0 || nr >= NR_ROUTES) {
		ax_printf("pm: message of unknown type %x from %d: refused\n", m->type, m->source);
		return -ENOSYS;
	}
	if (!posix_calls[nr])
		return not_implemented(p, nr);
	return p ? posix_calls[nr](p, m) : -ESRCH;
}

static const struct ax_call calls[] = {
	{AX_MSG_SIGNAL, do_signal_stop},
	{AX_MSG_EXCEPTION, do_exception},
	{AX_CALL_OTHER, dispatch},
};

int main(void)
{
	int first = 1;

	vm = ax_boot_endpoint("vm");
	info_init(&grant[PM_INFO_GRANT]);
	kcall(KC_GRANT_TABLE, (uint64_t)grant, 2);
	exec_init();
	ax_random_init();
	install_routes();
	time_init(); /* after the routes: vfs hears of the wall clock */
	drivers_init();
	if (kcall(KC_EXC_HANDLER, (uint64_t)(int64_t)AX_SELF, 0) < 0)
		ax_printf("pm: cannot take POSIX processes' exceptions: faults will end them, signals cannot be caught\n");
	/* The first POSIX boot process is pid 1; the others are its children. */
	for (uint32_t i = 0; i < ax_bootinfo->count; i++) {
		int pid;

		if ((ax_bootinfo->procs[i].flags & AX_PRIV_SYSTEM) || ax_bootinfo->procs[i].ep == AX_NONE)
			continue; /* servers, drivers, and data modules */
		pid = adopt(ax_bootinfo->procs[i].ep, first ? 0 : 1);
		if (pid < 0)
			ax_printf("pm: cannot adopt %s (%d)\n", ax_bootinfo->procs[i].name, pid);
		else
			info_created(by_pid(pid), 0, ax_bootinfo->procs[i].name);
		first = 0;
	}
	ax_printf("pm: up at endpoint %d\n", ax_self);
	ax_serve(calls, (int)(sizeof(calls) / sizeof(calls[0])), on_notify);
}
