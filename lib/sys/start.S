/* Entry of a boot process: rdi = own endpoint, rsi = boot info page. */
	.text
	.globl _start
_start:
	mov %rdi, ax_self(%rip)
	mov %rsi, ax_bootinfo(%rip)
	mov %rsp, ax_start_sp(%rip) /* argc, argv, envp, auxv (a POSIX program after exec) */
	and $-16, %rsp
	xor %ebp, %ebp
	call main
	call ax_exit

	.bss
	.balign 8
	.globl ax_start_sp
ax_start_sp:
	.skip 8
