/* Touches an address in none of its regions: vm refuses, and it ends. */
#include "../../system/test.h"

int main(void)
{
	volatile uint64_t *bad;

	__asm__ volatile("mov $0x66660000, %0" : "=r"(bad));
	return (int)*bad;
}
