/*
 * Building a process from nothing with kernel calls, as rs and pm will:
 * create a slot, give it memory, write its code through a magic grant,
 * set its registers and privileges, start it, copy it, and destroy it.
 */
#include "../test.h"

#define CHILD_CODE 0x10000000UL
#define CHILD_STACK 0x20000000UL

/*
 * The child: forever { r = KC_CLOCK; sendrec(r12, {u64[0] = r}) }.
 * Position independent, so it runs wherever it is copied.
 */
extern const char child_code[], child_code_end[];
__asm__(".pushsection .rodata\n"
	"child_code:\n"
	"1: sub $64, %rsp\n"
	"   mov $3, %edi\n"           /* KC_CLOCK */
	"   mov %rsp, %rsi\n"
	"   mov $0x41580007, %eax\n" /* AX_TRAP_MAGIC | AX_KCALL */
	"   syscall\n"
	"   mov %rax, 8(%rsp)\n"     /* u64[0] = the call's result */
	"   mov %r12, %rdi\n"
	"   mov %rsp, %rsi\n"
	"   mov $0x41580003, %eax\n" /* AX_SENDREC */
	"   syscall\n"
	"   add $64, %rsp\n"
	"   jmp 1b\n"
	"child_code_end:\n"
	".popsection\n");

static int kc(unsigned call, ax_message *m) { return ax_kcall(call, m); }

static int write_child(endpoint_t child, uint64_t va, const void *src, uint64_t len)
{
	return other_copy(child, va, (void *)src, len, AX_COPY_TO);
}

static struct ax_priv child_priv(int with_clock)
{
	struct ax_priv pv = {.flags = AX_PRIV_SYSTEM};
	int parent = ax_self & (AX_NR_SLOTS - 1);

	pv.send_to[parent / 64] = 1ULL << (parent % 64);

	if (with_clock)
		pv.kcalls = 1ULL << KC_CLOCK;
	return pv;
}

/* Reap every ended process we created; count those killed among want1 and want2. */
static int reap_killed(endpoint_t want1, endpoint_t want2)
{
	struct ax_death d;
	int found = 0;

	while (ax_kcall(KC_REAP, &(ax_message){.u64 = {(uint64_t)&d}}) == 0)
		found += (d.ep == want1 || d.ep == want2) && d.cause == AX_DEATH_KILLED;
	return found;
}

static void reap_checks(endpoint_t child, endpoint_t copy)
{
	ax_message m;
	int slot = child & (AX_NR_SLOTS - 1);

	/* Until reaped, the ended child's slot is not free. */
	m = (ax_message){.u64 = {(uint64_t)slot, (uint64_t)"again"}};
	test_eq("death_zombie_slot_not_reused_before_reap", ax_kcall(KC_PROC_CREATE, &m), -AX_EBUSY);
	test_eq("death_reports_both_killed_processes", reap_killed(child, copy), 2);
	test_eq("death_reap_with_none_left_eagain", ax_kcall(KC_REAP, &(ax_message){.u64 = {(uint64_t)&m}}), -AX_EAGAIN);
	m = (ax_message){.u64 = {(uint64_t)slot, (uint64_t)"again"}};
	test_eq("death_slot_reusable_after_reap", ax_kcall(KC_PROC_CREATE, &m), 0);
	kc(KC_PROC_DESTROY, &(ax_message){.u64 = {m.u64[0]}});
	reap_killed(0, 0);
	test_eq("death_reap_bad_buffer_efault", ax_kcall(KC_REAP, &(ax_message){.u64 = {0xffff800000000000}}), -AX_EFAULT);
}

/* A child that executes ud2: its creator hears how and where it died. */
static void crash_report_checks(void)
{
	static const uint8_t ud2[] = {0x0f, 0x0b};
	ax_message m = {.u64 = {(uint64_t)-1, (uint64_t)"ud2child"}};
	struct ax_regs regs = {.rip = CHILD_CODE, .rsp = CHILD_STACK + 4096, .rflags = 0x202};
	struct ax_death d = {0};
	endpoint_t c;

	kc(KC_PROC_CREATE, &m);
	c = (endpoint_t)m.i64[0];
	ax_vmalloc(c, CHILD_CODE, 4096, AX_MAP_EXEC | AX_MAP_WRITE);
	write_child(c, CHILD_CODE, ud2, sizeof(ud2));
	kc(KC_SET_REGS, &(ax_message){.u64 = {(uint64_t)c, (uint64_t)&regs}});
	kc(KC_PROC_START, &(ax_message){.u64 = {(uint64_t)c}});
	/* Notifications coalesce: one may be left from an earlier death. Wait for the record. */
	int got = -1, notified = 0;

	for (int waits = 0; got < 0 && waits < 3; waits++) {
		if (receive_within(AX_KERNEL, 2000, &m) < 0 || m.source != AX_KERNEL || m.type != AX_MSG_NOTIFY)
			break;
		notified = 1;
		got = ax_kcall(KC_REAP, &(ax_message){.u64 = {(uint64_t)&d}});
	}
	test_eq("death_notification_from_kernel", notified, 1);
	test_eq("death_reap_crashed_child", got, 0);
	test_result("death_cause_fault_with_vector_and_rip",
		    d.ep == c && d.cause == AX_DEATH_FAULT && d.vector == 6 && d.rip == CHILD_CODE, "wrong record");
}

int main(void)
{
	ax_message m = {.u64 = {(uint64_t)-1, (uint64_t)"child"}};
	struct ax_regs regs = {0}, back = {0};
	struct ax_priv pv = child_priv(0);
	endpoint_t child, copy;
	int r;

	test_eq("spawn_create", kc(KC_PROC_CREATE, &m), 0);
	child = (endpoint_t)m.i64[0];
	r = ax_vmalloc(child, CHILD_CODE, 4096, AX_MAP_EXEC | AX_MAP_WRITE);
	r |= ax_vmalloc(child, CHILD_STACK, 4096, AX_MAP_WRITE);
	test_eq("spawn_vmalloc_child_memory", r, 0);
	test_eq("spawn_write_code_through_magic_grant",
		write_child(child, CHILD_CODE, child_code, (uint64_t)(child_code_end - child_code)), 0);
	regs.rip = CHILD_CODE;
	regs.rsp = CHILD_STACK + 4096;
	regs.r12 = (uint64_t)(int64_t)ax_self;
	regs.rflags = 0x202;
	test_eq("spawn_set_regs", kc(KC_SET_REGS, &(ax_message){.u64 = {(uint64_t)child, (uint64_t)&regs}}), 0);
	test_eq("spawn_get_regs", kc(KC_GET_REGS, &(ax_message){.u64 = {(uint64_t)child, (uint64_t)&back}}), 0);
	test_eq("spawn_get_regs_into_kernel_efault",
		kc(KC_GET_REGS, &(ax_message){.u64 = {(uint64_t)child, 0xffffffff80100000}}), -AX_EFAULT);
	test_eq("spawn_get_regs_across_user_top_efault",
		kc(KC_GET_REGS, &(ax_message){.u64 = {(uint64_t)child, 0x7fffffffffc0}}), -AX_EFAULT);
	test_eq("spawn_set_regs_from_kernel_efault",
		kc(KC_SET_REGS, &(ax_message){.u64 = {(uint64_t)child, 0xffffffff80100000}}), -AX_EFAULT);
	test_eq("spawn_priv_set_across_user_top_efault",
		kc(KC_PRIV_SET, &(ax_message){.u64 = {(uint64_t)child, 0x7fffffffff00}}), -AX_EFAULT);
	test_result("spawn_regs_read_back", back.rip == CHILD_CODE && back.r12 == regs.r12, "registers differ");
	test_eq("spawn_bad_rip_einval",
		kc(KC_SET_REGS, &(ax_message){.u64 = {(uint64_t)child, (uint64_t)&(struct ax_regs){.rip = 1ULL << 63}}}),
		-AX_EINVAL);
	test_eq("spawn_priv_set", kc(KC_PRIV_SET, &(ax_message){.u64 = {(uint64_t)child, (uint64_t)&pv}}), 0);
	test_eq("spawn_start", kc(KC_PROC_START, &(ax_message){.u64 = {(uint64_t)child}}), 0);
	test_eq("spawn_start_twice_ebusy", kc(KC_PROC_START, &(ax_message){.u64 = {(uint64_t)child}}), -AX_EBUSY);

	/* First report: the child lacked the clock right. Grant it, then answer. */
	r = receive_within(child, 2000, &m);
	test_result("spawn_child_runs_and_sends", r == 0 && m.source == child, "no message from the child");
	test_eq("spawn_child_without_right_eperm", m.i64[0], -AX_EPERM);
	pv = child_priv(1);
	kc(KC_PRIV_SET, &(ax_message){.u64 = {(uint64_t)child, (uint64_t)&pv}});
	ax_sendnb(child, &m);
	r = receive_within(child, 2000, &m);
	test_eq("spawn_priv_change_takes_effect", r == 0 ? m.i64[0] : r, 0);

	/* A copy gets the registers, not the memory; destroy it unstarted. */
	m = (ax_message){.u64 = {(uint64_t)child, (uint64_t)-1}};
	test_eq("spawn_copy", kc(KC_PROC_COPY, &m), 0);
	copy = (endpoint_t)m.i64[0];
	back.rip = 0;
	kc(KC_GET_REGS, &(ax_message){.u64 = {(uint64_t)copy, (uint64_t)&back}});
	test_result("spawn_copy_has_registers", copy != child && back.r12 == regs.r12, "copy differs");
	test_eq("spawn_destroy_copy", kc(KC_PROC_DESTROY, &(ax_message){.u64 = {(uint64_t)copy}}), 0);

	/* The child waits for our reply; destroying it is final. */
	test_eq("spawn_destroy_child", kc(KC_PROC_DESTROY, &(ax_message){.u64 = {(uint64_t)child}}), 0);
	test_eq("spawn_destroyed_child_edeadep", ax_sendnb(child, &m), -AX_EDEADEP);
	reap_checks(child, copy);
	crash_report_checks();
	test_done();
	return 0;
}
