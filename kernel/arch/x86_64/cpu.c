/*
 * Processor set-up: segments, the task state segment, the interrupt table,
 * the syscall MSRs and lazy FPU switching. One CPU.
 */
#include "../../kernel.h"
#include "../../proc.h"
#include "cpu.h"
#include "layout.h"
#include "trap.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
} __attribute__((packed));

extern void syscall_entry(void);
extern const uint64_t trap_vectors[48];

static uint64_t gdt[7] = {
	0,
	0x00af9a000000ffff, /* 0x08 kernel code */
	0x00cf92000000ffff, /* 0x10 kernel data */
	0x00cff2000000ffff, /* 0x18 user data */
	0x00affa000000ffff, /* 0x20 user code */
	0, 0,               /* 0x28 TSS, 16 bytes */
};
static struct tss tss = {.iomap_base = sizeof(struct tss)}; /* no I/O bitmap: ports via KC_DEVIO */
static struct idt_gate idt[48];
static uint8_t fault_stack[4096] __attribute__((aligned(16)));
static uint8_t fpu_clean[512] __attribute__((aligned(16)));
static struct proc *fpu_owner;
uint64_t cur_tf_end; /* entry.S: where syscall_entry saves the current process */

static void load_tables(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr = {sizeof(gdt) - 1, (uint64_t)gdt}, idtr = {sizeof(idt) - 1, (uint64_t)idt};
	uint64_t t = (uint64_t)&tss;

	gdt[5] = (sizeof(tss) - 1) | ((t & 0xffffff) << 16) | (0x89ULL << 40) | (((t >> 24) & 0xff) << 56);
	gdt[6] = t >> 32;
	__asm__ volatile("lgdt %0\n\t"
			 "mov %1, %%ds\n\tmov %1, %%es\n\tmov %1, %%ss\n\t"
			 "pushq %2\n\tlea 1f(%%rip), %%rax\n\tpushq %%rax\n\tlretq\n1:\n\t"
			 "ltr %w3\n\t"
			 "lidt %4" ::"m"(gdtr),
			 "r"(SEL_KDATA), "i"(SEL_KCODE), "r"(SEL_TSS), "m"(idtr)
			 : "rax", "memory");
}

void cpu_init(void)
{
	uint64_t cr0, cr4;

	for (unsigned v = 0; v < ARRAY_SIZE(idt); v++) {
		uint64_t a = trap_vectors[v];

		idt[v] = (struct idt_gate){(uint16_t)a, SEL_KCODE, 0, 0x8e, (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0};
	}
	tss.ist[0] = (uint64_t)fault_stack + sizeof(fault_stack);
	idt[2].ist = idt[8].ist = idt[18].ist = 1; /* NMI, double fault, machine check */
	load_tables();

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1); /* syscall enable */
	wrmsr(MSR_STAR, ((uint64_t)SEL_KDATA << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, 0x44700); /* IF, TF, DF, NT, AC cleared on entry */

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~4ULL) | 2 | 32; /* FPU present, monitor, native errors */
	__asm__ volatile("mov %0, %%cr0" ::"r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= (1 << 9) | (1 << 10); /* fxsave/SSE, SIMD exceptions */
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
	__asm__ volatile("fninit; fxsave %0" : "=m"(fpu_clean));
}

/* A new process starts with a clean FPU state. */
void fpu_init_state(struct proc *p)
{
	memcpy(p->fpu, fpu_clean, sizeof(fpu_clean));
}

/* A dying process must not receive the FPU state of another later. */
void fpu_forget(struct proc *p)
{
	if (fpu_owner == p)
		fpu_owner = 0;
}

static void set_ts(bool on);

/* Make p->fpu hold p's state, which may still be live in the registers. */
void fpu_sync(struct proc *p)
{
	if (fpu_owner != p)
		return;
	set_ts(false); /* sched_run sets it again for whoever runs next */
	__asm__ volatile("fxsave %0" : "=m"(p->fpu));
}

/* Clear the MXCSR bits this CPU does not have: fxrstor faults on them. */
void fpu_sanitize(uint8_t state[512])
{
	uint32_t mask, mxcsr;

	memcpy(&mask, fpu_clean + 28, 4);
	memcpy(&mxcsr, state + 24, 4);
	mxcsr &= mask ? mask : 0xffbf;
	memcpy(state + 24, &mxcsr, 4);
}

static void set_ts(bool on)
{
	uint64_t cr0;

	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	if (!!(cr0 & 8) != on)
		__asm__ volatile("mov %0, %%cr0" ::"r"(on ? cr0 | 8 : cr0 & ~8ULL));
}

/* #NM: the current process touched the FPU while another owned it. */
void fpu_trap(void)
{
	set_ts(false);
	if (fpu_owner)
		__asm__ volatile("fxsave %0" : "=m"(fpu_owner->fpu));
	__asm__ volatile("fxrstor %0" ::"m"(current->fpu));
	fpu_owner = current;
}

/* Make p's address space, thread pointer and trapframe the live ones. */
void cpu_switch_to(struct proc *p)
{
	static uint64_t live_fs;

	cur_tf_end = (uint64_t)&p->tf + sizeof(p->tf);
	tss.rsp0 = cur_tf_end;
	if (read_cr3() != p->pml4)
		write_cr3(p->pml4);
	if (live_fs != p->fs_base) {
		wrmsr(MSR_FS_BASE, p->fs_base);
		live_fs = p->fs_base;
	}
	set_ts(p != fpu_owner);
}
