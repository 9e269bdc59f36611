/* Measures the IPC round trip and a null kernel call, then waits for benchposix. */
#include "../bench.h"

int main(void)
{
	endpoint_t srv = ax_boot_endpoint("benchsrv");
	ax_message m = {.type = 1};
	uint64_t t0, t1;

	for (int i = 0; i < 1000; i++) /* warm up caches and the TLB */
		ax_sendrec(srv, &m);
	t0 = rdtsc();
	for (int i = 0; i < BENCH_OPS; i++)
		ax_sendrec(srv, &m);
	t1 = rdtsc();
	bench_report("ipc_sendrec_roundtrip", t1 - t0, BENCH_OPS);

	t0 = rdtsc();
	for (int i = 0; i < BENCH_OPS; i++)
		ax_kcall(KC_NULL, &m);
	t1 = rdtsc();
	bench_report("null_kernel_call", t1 - t0, BENCH_OPS);

	t0 = rdtsc();
	for (int i = 0; i < BENCH_OPS; i++)
		ax_trap(99, 0, 0, 0); /* refused at once: the bare cost of a trap */
	t1 = rdtsc();
	bench_report("null_trap", t1 - t0, BENCH_OPS);

	ax_receive(srv, &m); /* benchposix has reported */
	ax_printf("BENCHES DONE\n");
	ax_poweroff(0);
	return 0;
}
