/*
 * copy_user(dst, src, n): memcpy that may touch user memory of the current
 * address space. The caller has checked that the user range lies below
 * USER_TOP; if a page is missing, the page-fault handler sees rip inside
 * [usercopy_start, usercopy_end) and resumes at usercopy_fault, so the copy
 * returns -EFAULT instead of panicking. Returns 0 on success.
 * get_user64(dst, src): the same for one aligned-or-not 8-byte word (the
 * POSIX bridge's reply value), without a string instruction's setup.
 */
	.text
	.globl copy_user, get_user64, usercopy_start, usercopy_end, usercopy_fault
copy_user:
	mov %rdx, %rcx
	shr $3, %rcx
	and $7, %edx
usercopy_start:
	rep movsq /* by words: a message is 8 moves, not 64 */
	mov %rdx, %rcx
	rep movsb
	xor %eax, %eax
	ret
get_user64:
	mov (%rsi), %rax
	mov %rax, (%rdi)
usercopy_end:
	xor %eax, %eax
	ret
usercopy_fault:
	mov $-14, %rax
	ret
