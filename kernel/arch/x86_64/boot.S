/*
 * Multiboot2 entry. GRUB enters _start in 32-bit protected mode with paging
 * off. We build boot page tables that map the first GiB at 0 (identity, only
 * until kmain runs), the first 4 GiB at PHYSMAP_BASE (the kernel's direct map
 * of physical memory) and the kernel image at KERNEL_VMA, then enter long
 * mode and jump to the higher half.
 */
#include "layout.h"

#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0

	.section .multiboot, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* end tag */
	.word 0
	.word 0
	.long 8
mb2_header_end:

	.section .boot, "awx"
	.code32
	.globl _start
_start:
	cli
	mov $boot_stack_top, %esp
	mov %eax, %edi /* multiboot magic, kept for kmain */
	mov %ebx, %esi /* multiboot info (physical) */

	/* PML4[0] and PML4[511] -> pdpt_low / pdpt_high; PML4[256] -> pdpt_phys */
	mov $pdpt_low, %eax
	or $3, %eax
	mov %eax, pml4
	mov $pdpt_phys, %eax
	or $3, %eax
	mov %eax, pml4 + 256 * 8
	mov $pdpt_high, %eax
	or $3, %eax
	mov %eax, pml4 + 511 * 8

	/* pdpt_low[0] and pdpt_high[510] -> pd_phys[0] (the first GiB) */
	mov $pd_phys, %eax
	or $3, %eax
	mov %eax, pdpt_low
	mov %eax, pdpt_high + 510 * 8

	/* pdpt_phys[0..3] -> pd_phys[0..3] */
	mov $pd_phys, %eax
	or $3, %eax
	xor %ecx, %ecx
1:	mov %eax, pdpt_phys(, %ecx, 8)
	add $4096, %eax
	inc %ecx
	cmp $4, %ecx
	jne 1b

	/* pd_phys: 2048 entries of 2 MiB pages covering 4 GiB */
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax /* present, writable, large */
	mov %eax, pd_phys(, %ecx, 8)
	mov %ecx, %eax
	shr $11, %eax /* high half of the address: ecx * 2 MiB >> 32 */
	mov %eax, pd_phys + 4(, %ecx, 8)
	inc %ecx
	cmp $2048, %ecx
	jne 2b

	mov %cr4, %eax
	or $0x20, %eax /* PAE */
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx /* EFER: long mode + no-execute */
	rdmsr
	or $0x900, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80010001, %eax /* paging, write protect, protected mode */
	mov %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $long_mode

	.code64
long_mode:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %ax, %ax
	mov %ax, %fs
	mov %ax, %gs
	movabs $higher_half, %rax
	jmp *%rax

	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 64-bit code */
	.quad 0x00cf92000000ffff /* data */
boot_gdt_ptr:
	.word boot_gdt_ptr - boot_gdt - 1
	.long boot_gdt

	.balign 4096
	.globl boot_pml4
boot_pml4:
pml4:	.fill 512, 8, 0
pdpt_low:	.fill 512, 8, 0
pdpt_high:	.fill 512, 8, 0
pdpt_phys:	.fill 512, 8, 0
pd_phys:	.fill 2048, 8, 0
	.fill 1024, 1, 0
boot_stack_top:

	.text
higher_half:
	movabs $kernel_stack_top, %rsp
	xor %ebp, %ebp
	call kmain
3:	hlt
	jmp 3b
