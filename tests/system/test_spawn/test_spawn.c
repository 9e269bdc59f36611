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

static struct ax_grant grants[1];

static int kc(unsigned call, ax_message *m) { return ax_kcall(call, m); }

static int write_child(endpoint_t child, uint64_t va, const void *src, uint64_t len)
{
	grants[0] = (struct ax_grant){AX_GRANT_VALID | AX_GRANT_WRITE | AX_GRANT_MAGIC, ax_self, child, 0, va, len};
	return kc(KC_SAFECOPY, &(ax_message){.u64 = {(uint64_t)(int64_t)ax_self, 0, 0, (uint64_t)src, len, AX_COPY_TO}});
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

int main(void)
{
	ax_message m = {.u64 = {(uint64_t)-1, (uint64_t)"child"}};
	struct ax_regs regs = {0}, back = {0};
	struct ax_priv pv = child_priv(0);
	endpoint_t child, copy;
	int r;

	kc(KC_GRANT_TABLE, &(ax_message){.u64 = {(uint64_t)grants, 1}});
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
	test_done();
	return 0;
}
