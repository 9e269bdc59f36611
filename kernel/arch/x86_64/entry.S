/*
 * Every way into the kernel and the one way out. There is a single kernel
 * stack: a trap from user mode saves the user's registers straight into the
 * current process's trapframe (TSS.rsp0 and cur_tf_end point at its end),
 * so switching processes is just choosing which trapframe to restore.
 */
#include "layout.h"

	.text

/* Push the general registers in struct trapframe order. */
.macro SAVE_GPRS
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
.endm

.macro RESTORE_GPRS
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
.endm

/*
 * syscall: rcx = user rip, r11 = user rflags, interrupts masked by FMASK.
 * Build an iret-shaped frame in the current trapframe, then call C.
 */
	.globl syscall_entry
syscall_entry:
	mov %rsp, user_rsp_scratch(%rip)
	mov cur_tf_end(%rip), %rsp
	push $SEL_UDATA
	push user_rsp_scratch(%rip)
	push %r11
	push $SEL_UCODE
	push %rcx
	push $0
	push $VEC_SYSCALL
	SAVE_GPRS
	mov %rsp, %rdi
	lea kernel_stack_top(%rip), %rsp
	call syscall_trap
	mov %rax, %rdi
	/* fall through */

/* Resume the process whose trapframe is at rdi; never returns. */
	.globl return_to_user
return_to_user:
	mov %rdi, %rsp
	RESTORE_GPRS
	cmpq $VEC_SYSCALL, (%rsp)
	jne 1f
	mov 16(%rsp), %rcx /* rip */
	mov 32(%rsp), %r11 /* rflags */
	mov 40(%rsp), %rsp /* user rsp */
	sysretq
1:	add $16, %rsp
	iretq

/*
 * Interrupts and exceptions. From user mode the CPU has pushed the iret frame
 * into the current trapframe; from kernel mode (idle loop, a kernel bug) onto
 * the kernel stack, where we handle it in place and return.
 */
trap_common:
	/*
	 * The direction flag is the interrupted code's: a program that set it
	 * (std) would make every string copy the kernel does while serving
	 * this trap run backwards, writing kernel memory below a server's
	 * message buffer. syscall clears it through FMASK; here, by hand.
	 */
	cld
	testb $3, 24(%rsp) /* the saved cs: did we come from user mode? */
	jz from_kernel
	SAVE_GPRS
	mov %rsp, %rdi
	lea kernel_stack_top(%rip), %rsp
	call user_trap
	mov %rax, %rdi
	jmp return_to_user
from_kernel:
	SAVE_GPRS
	mov %rsp, %rdi
	call kernel_trap
	RESTORE_GPRS
	add $16, %rsp
	iretq

.macro TRAP_NOERR vec
	.globl trap_\vec
trap_\vec:
	push $0
	push $\vec
	jmp trap_common
.endm

.macro TRAP_ERR vec
	.globl trap_\vec
trap_\vec:
	push $\vec
	jmp trap_common
.endm

TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR 8
TRAP_NOERR 9
TRAP_ERR 10
TRAP_ERR 11
TRAP_ERR 12
TRAP_ERR 13
TRAP_ERR 14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR 17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR 21
.irp v, 22,23,24,25,26,27,28,29,30,31
TRAP_NOERR \v
.endr
.irp v, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
TRAP_NOERR \v
.endr

	.section .rodata
	.balign 8
	.globl trap_vectors
trap_vectors:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad trap_\v
.endr
.irp v, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	.quad trap_\v
.endr

	.bss
	.balign 16
	.globl kernel_stack_top
kernel_stack:
	.skip 16384
kernel_stack_top:
	.globl user_rsp_scratch
user_rsp_scratch:
	.skip 8
