/*
 * An unprivileged process that touches memory nobody mapped. vm (test_vm)
 * maps a zeroed page at the first fault and refuses the second. Having no
 * other way to talk, it encodes what it saw in the address of its second
 * fault: 0x60000000, plus 0x1000 if the page did not read as zero or keep a
 * write, plus 0x2000 if a register changed across the resolved fault.
 */
#include "../test.h"

int main(void)
{
	volatile uint64_t *page = (volatile uint64_t *)0x50000000;
	uint64_t first, after, bad = 0;

	/* The faulting load with a known value in rax and rdx: both must survive. */
	__asm__ volatile("mov $0x1234, %%rax\n\t"
			 "mov $0x5678, %%rdx\n\t"
			 "mov (%2), %%rcx\n\t"
			 "mov %%rax, %0\n\t"
			 "add %%rdx, %0\n\t"
			 "mov %%rcx, %1"
			 : "=&r"(after), "=&r"(first)
			 : "r"(page)
			 : "rax", "rcx", "rdx", "memory");
	page[1] = 42;
	if (first != 0 || page[1] != 42)
		bad |= 0x1000;
	if (after != 0x1234 + 0x5678)
		bad |= 0x2000;
	return (int)*(volatile uint64_t *)(0x60000000 + bad);
}
