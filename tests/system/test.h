/*
 * Shared by the system test programs: reporting in the harness's protocol
 * ("TEST name PASS" / "TEST name FAIL reason") and the message types the
 * test processes use among themselves.
 */
#ifndef TESTS_SYSTEM_TEST_H
#define TESTS_SYSTEM_TEST_H

#include <sys/ax.h>

enum test_msg {
	T_DONE = 0x100,   /* a test program finished: to testctl */
	T_ECHO,           /* echo: reply with u64[i] + 1, u64[6] = source seen */
	T_LATER,          /* echo: reply by a separate send */
	T_IGNORE,         /* echo: no reply */
	T_NOTIFY_TEST,    /* echo: reply, sleep 30 ms, then count notifications */
	T_COUNT,          /* echo: reply with the notifications counted */
	T_DIE_AFTER,      /* victim: reply, sleep u64[0] ms, exit */
	T_GRANT_SETUP,    /* granter: publish the grant table */
	T_GRANT_CHECK,    /* granter: is the write-grant buffer as expected? */
	T_GRANT_REVOKE,   /* granter: clear grant u64[0] */
	T_HELLO,
	T_SLOT_CREATE,    /* slotpeer: KC_PROC_CREATE in slot u64[0] (or -1); reply the result, u64[1] = endpoint; destroy it */
	T_SLOT_COPY,      /* slotpeer: KC_PROC_COPY of itself into slot u64[0] (or -1); the same */
	T_SLOT_RELEASE,   /* slotpeer: KC_SLOT_RELEASE of slot u64[0]; reply the result */
	T_SLOT_KEEP_EXIT, /* slotpeer: create a child, end it, reap it keeping its slot; reply the slot; exit */
};

static int test_failures;

static inline void test_result(const char *name, int ok, const char *why)
{
	if (ok) {
		ax_printf("TEST %s PASS\n", name);
	} else {
		ax_printf("TEST %s FAIL %s\n", name, why);
		test_failures++;
	}
}

/* Check that got == want; the failure line says both. */
static inline void test_eq(const char *name, int64_t got, int64_t want)
{
	char why[96];

	ax_snprintf(why, sizeof(why), "got %ld, want %ld", got, want);
	test_result(name, got == want, why);
}

/* Tell the controller this program has reported everything. */
static inline void test_done(void)
{
	ax_message m = {.type = T_DONE};

	ax_send(ax_boot_endpoint("testctl"), &m);
}

/*
 * A test controller's whole life: wait until `expected` programs have sent
 * T_DONE, or a minute has passed (then say so), print TESTS DONE, power off.
 */
static inline _Noreturn void test_control(const char *who, unsigned expected)
{
	unsigned done = 0;
	ax_message m;

	ax_alarm(60ULL * 1000000000);
	while (done < expected) {
		if (ax_receive(AX_ANY, &m) < 0)
			continue;
		if (m.source == AX_CLOCK) {
			ax_printf("%s: gave up after 60 s: %u of %u test programs done\n", who, done, expected);
			break;
		}
		if (m.type == T_DONE)
			done++;
	}
	ax_printf("TESTS DONE\n");
	ax_poweroff(0);
	for (;;)
		;
}

static inline uint64_t now_ms(void)
{
	uint64_t ns;

	ax_clock(&ns);
	return ns / 1000000;
}

/*
 * Receive a message from `from` within ms milliseconds. Returns 0, the
 * receive's error, or -AX_EAGAIN on time-out. Other messages are dropped.
 */
static inline int receive_within(endpoint_t from, unsigned ms, ax_message *m)
{
	int r;

	ax_alarm((uint64_t)ms * 1000000);
	for (;;) {
		r = ax_receive(AX_ANY, m);
		if (r < 0 || m->source == from)
			break;
		if (m->source == AX_CLOCK) {
			r = -AX_EAGAIN;
			break;
		}
	}
	ax_alarm(0);
	return r;
}

/* Does the kernel log (its last 64 KiB) contain needle? Needs the klog right. */
static inline int log_contains(const char *needle)
{
	static char log[65536];
	ax_message m = {.u64 = {(uint64_t)log, sizeof(log), 0}};
	size_t n = strlen(needle);

	if (ax_kcall(KC_KLOG_READ, &m) < 0)
		return 0;
	for (uint64_t i = 0; i + n <= m.u64[0]; i++)
		if (memcmp(log + i, needle, n) == 0)
			return 1;
	return 0;
}

/*
 * Copy into (AX_COPY_TO) or out of (AX_COPY_FROM) another process's memory
 * through a magic grant in our own one-entry grant table. Needs
 * AX_PRIV_MAGIC and the granttable and safecopy rights.
 */
static inline int other_copy(endpoint_t owner, uint64_t va, void *mine, uint64_t len, int dir)
{
	static struct ax_grant table[1];

	table[0] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_READ | AX_GRANT_WRITE | AX_GRANT_MAGIC, ax_self,
				     owner, 0, va, len};
	ax_kcall(KC_GRANT_TABLE, &(ax_message){.u64 = {(uint64_t)table, 1}});
	return ax_kcall(KC_SAFECOPY,
			&(ax_message){.u64 = {(uint64_t)(int64_t)ax_self, 0, 0, (uint64_t)mine, len, (uint64_t)dir}});
}

/* A raw Linux system call, as an unprivileged (POSIX) test process makes it. */
static inline long posix_call(long nr, long a, long b, long c, long d, long e, long f)
{
	long r;
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

#endif
