/* Measures the IPC round trip, a null kernel call and safe copies, then waits for benchposix. */
#include "../bench.h"

static struct ax_grant grants[1];
static char from[4096], to[4096];

/* A safe copy of len bytes through the process's own grant, as vfs copies a path or a stat record. */
static void safecopy(const char *name, uint64_t len)
{
	ax_message m;
	uint64_t t0, t1;

	grants[0] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ, ax_self, 0, 0, (uint64_t)from, sizeof(from)};
	t0 = rdtsc();
	for (int i = 0; i < BENCH_OPS; i++) {
		m = (ax_message){.u64 = {(uint64_t)(int64_t)ax_self, 0, 0, (uint64_t)to, len, AX_COPY_FROM}};
		ax_kcall(KC_SAFECOPY, &m);
	}
	t1 = rdtsc();
	bench_report(name, t1 - t0, BENCH_OPS);
}

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

	ax_kcall(KC_GRANT_TABLE, &(ax_message){.u64 = {(uint64_t)grants, 1}});
	safecopy("safecopy_0_bytes", 0);
	safecopy("safecopy_8_bytes", 8);
	safecopy("safecopy_104_bytes", 104);
	safecopy("safecopy_4096_bytes", 4096);

	ax_receive(srv, &m); /* benchposix has reported */
	ax_printf("BENCHES DONE\n");
	ax_poweroff(0);
	return 0;
}
