/* Where things live in every address space. Shared by C and assembly. */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define KERNEL_VMA 0xffffffff80000000  /* kernel image: phys 0 maps here */
#define PHYSMAP_BASE 0xffff800000000000 /* all physical memory (4 GiB) */
#define PHYSMAP_LIMIT 0x100000000       /* what the boot tables map */
#define USER_TOP 0x0000800000000000     /* user addresses are below */
#define PAGE_SIZE 4096

/* Segment selectors: the order syscall/sysret require. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA (0x18 | 3)
#define SEL_UCODE (0x20 | 3)
#define SEL_TSS 0x28

#define VEC_SYSCALL 0x100 /* pseudo vector: frame saved by syscall entry */
#define IRQ_BASE 32

/* struct trapframe offsets (trap.h) */
#define TF_VECTOR (15 * 8)
#define TF_RIP (17 * 8)
#define TF_SIZE (22 * 8)

#endif
