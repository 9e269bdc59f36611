/* Entry of a boot process: rdi = own endpoint, rsi = boot info page. */
	.text
	.globl _start
_start:
	mov %rdi, ax_self(%rip)
	mov %rsi, ax_bootinfo(%rip)
	and $-16, %rsp
	xor %ebp, %ebp
	call main
	call ax_exit
