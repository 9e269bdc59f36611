/*
 * What happens after entry.S has saved the registers: system calls,
 * interrupts and exceptions, from user mode or from the kernel itself.
 */
#include "../../ipc.h"
#include "../../kernel.h"
#include "../../proc.h"
#include "cpu.h"
#include "layout.h"
#include "trap.h"

extern const char usercopy_start[], usercopy_end[], usercopy_fault[];

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
	"device not available", "double fault", "coprocessor overrun", "invalid TSS", "segment not present",
	"stack fault", "general protection", "page fault", "reserved", "x87 error", "alignment check",
	"machine check", "SIMD error", "virtualization", "control protection",
};

static const char *exception_name(uint64_t v)
{
	return v < 32 && exception_names[v] ? exception_names[v] : "reserved";
}

/* syscall from user mode: native IPC for system processes, POSIX otherwise. */
struct trapframe *syscall_trap(struct trapframe *tf)
{
	struct proc *p = current;
	uint64_t nr = tf->rax;
	bool system = p->priv.flags & AX_PRIV_SYSTEM;

	if ((nr & AX_TRAP_MASK) == AX_TRAP_MAGIC && system) {
		ipc_trap(p, (unsigned)(nr & ~AX_TRAP_MASK));
	} else if (system) {
		/* musl's start-up asks set_tid_address (218) of every musl-built server: expected, not warned */
		if (!(p->flags & PF_POSIX_WARNED) && nr != 218)
			kprintf("kernel: %s is a system process but made POSIX call %lu: refused (ENOSYS)\n",
				p->name, nr);
		p->flags |= PF_POSIX_WARNED;
		tf->rax = (uint64_t)-AX_ENOSYS;
	} else {
		ipc_posix_call(p, nr);
	}
	return sched_run();
}

/* An interrupt or exception from user mode. */
struct trapframe *user_trap(struct trapframe *tf)
{
	struct proc *p = current;

	if (tf->vector >= IRQ_BASE) {
		irq_interrupt((unsigned)(tf->vector - IRQ_BASE));
	} else if (tf->vector == 7) {
		fpu_trap();
	} else if (tf->vector == 14 && ipc_page_fault(p, read_cr2())) {
		/* vm resolves it; p waits */
	} else if (ipc_exception(p, tf->vector, tf->vector == 14 ? read_cr2() : 0, tf->error, 0)) {
		/* pm makes it a signal, or ends it */
	} else {
		uint64_t addr = tf->vector == 14 ? read_cr2() : 0;

		kprintf("kernel: %s (endpoint %d): %s (vector %lu) at address %p, rip %p, error %lx\n", p->name,
			p->ep, exception_name(tf->vector), tf->vector, (void *)addr, (void *)tf->rip, tf->error);
		p->death = (struct ax_death){.vector = tf->vector, .address = addr, .rip = tf->rip};
		proc_kill(p, AX_DEATH_FAULT, 0);
	}
	return sched_run();
}

/* An interrupt while the kernel idles, or an exception in the kernel. */
void kernel_trap(struct trapframe *tf)
{
	if (tf->vector >= IRQ_BASE) {
		irq_interrupt((unsigned)(tf->vector - IRQ_BASE));
		return;
	}
	if ((tf->vector == 14 || tf->vector == 13) && tf->rip >= (uint64_t)usercopy_start &&
	    tf->rip < (uint64_t)usercopy_end) {
		tf->rip = (uint64_t)usercopy_fault; /* a bad user pointer: the copy fails */
		return;
	}
	kprintf("\nkernel: %s (vector %lu, error %lx) in the kernel\n", exception_name(tf->vector), tf->vector,
		tf->error);
	kprintf("  rip %p  rsp %p  rflags %lx  cr2 %p  cr3 %p\n", (void *)tf->rip, (void *)tf->rsp, tf->rflags,
		(void *)read_cr2(), (void *)read_cr3());
	kprintf("  rax %p  rbx %p  rcx %p  rdx %p\n", (void *)tf->rax, (void *)tf->rbx, (void *)tf->rcx,
		(void *)tf->rdx);
	kprintf("  rsi %p  rdi %p  rbp %p  r8  %p\n", (void *)tf->rsi, (void *)tf->rdi, (void *)tf->rbp,
		(void *)tf->r8);
	kprintf("  r9  %p  r10 %p  r11 %p  r12 %p\n", (void *)tf->r9, (void *)tf->r10, (void *)tf->r11,
		(void *)tf->r12);
	kprintf("  r13 %p  r14 %p  r15 %p\n", (void *)tf->r13, (void *)tf->r14, (void *)tf->r15);
	panic("exception in the kernel%s%s", current ? " while serving " : "", current ? current->name : "");
}
