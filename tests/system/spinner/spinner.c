/* Spins without ever trapping for two seconds: only preemption lets others run. */
#include "../test.h"

int main(void)
{
	uint64_t start = now_ms();

	for (;;) {
		for (volatile int i = 0; i < 100000; i++)
			;
		if (now_ms() - start > 2000)
			return 0;
	}
}
