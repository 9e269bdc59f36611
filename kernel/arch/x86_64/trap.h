/* The saved user context: the layout entry.S pushes and pops. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <stdint.h>

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* as the CPU pushes them */
};

_Static_assert(sizeof(struct trapframe) == 22 * 8, "entry.S knows this layout");

struct proc;

/* cpu.c */
void cpu_init(void);
void cpu_switch_to(struct proc *p);
void fpu_trap(void);
void fpu_init_state(struct proc *p);
void fpu_forget(struct proc *p);
void fpu_sync(struct proc *p);
void fpu_sanitize(uint8_t state[512]);
_Noreturn void return_to_user(struct trapframe *tf);

/* pic.c */
void pic_init(void);
void pic_mask(unsigned irq);
void pic_unmask(unsigned irq);
void pic_eoi(unsigned irq);
void timer_init(unsigned hz);
uint64_t tsc_calibrate(void);

#endif
