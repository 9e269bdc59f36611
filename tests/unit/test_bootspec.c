/* The boot command line: privileges parsed exactly, every mistake refused with a reason. */
#include "bootspec.h"
#include "check.h"

static const char *const names[] = {"hello", "pingsrv", "disk"};
static const char *const kcalls[] = {"null", "print", "klog", "clock"};
static struct bootspec b;

static int parse(const char *line)
{
	return bootspec_parse(line, names, 3, 1, kcalls, 4, &b);
}

static void parses_name_and_defaults(void)
{
	CHECK(parse("hello") == 0);
	CHECK(strcmp(b.name, "hello") == 0);
	CHECK(b.prio == 8 && b.quantum_ms == 10 && b.data_for == -1);
	CHECK(b.priv.flags == 0 && b.priv.kcalls == 0 && b.priv.irqs == 0);
}

static void skips_leading_path(void)
{
	CHECK(parse("/boot/hello hello system") == 0);
	CHECK(strcmp(b.name, "hello") == 0 && b.priv.flags == AX_PRIV_SYSTEM);
}

static void parses_flags_and_scheduling(void)
{
	CHECK(parse("x system sendany magic prio=3 quantum=25") == 0);
	CHECK(b.priv.flags == (AX_PRIV_SYSTEM | AX_PRIV_SEND_ANY | AX_PRIV_MAGIC));
	CHECK(b.prio == 3 && b.quantum_ms == 25);
}

static void parses_kernel_calls(void)
{
	CHECK(parse("x kc=print,clock") == 0);
	CHECK(b.priv.kcalls == ((1ULL << 1) | (1ULL << 3)));
	CHECK(parse("x kc=all") == 0);
	CHECK(b.priv.kcalls == ~0ULL);
}

static void parses_send_targets_by_slot(void)
{
	CHECK(parse("x send=pingsrv,disk") == 0);
	CHECK(b.priv.send_to[0] == ((1ULL << 2) | (1ULL << 3)));
	CHECK(parse("x send=all") == 0);
	CHECK(b.priv.flags & AX_PRIV_SEND_ANY);
}

static void parses_io_irq_and_memory(void)
{
	CHECK(parse("x io=0x604-0x605,0xf4-0xf4 irq=8,14 mem=0xb8000-0xb8fff") == 0);
	CHECK(b.priv.io[0].lo == 0x604 && b.priv.io[0].hi == 0x605);
	CHECK(b.priv.io[1].lo == 0xf4 && b.priv.io[1].hi == 0xf4);
	CHECK(b.priv.irqs == ((1U << 8) | (1U << 14)));
	CHECK(b.priv.mem[0].base == 0xb8000 && b.priv.mem[0].size == 0x1000);
}

static void parses_data_module(void)
{
	CHECK(parse("programs data to=disk") == 0);
	CHECK(strcmp(b.name, "programs") == 0 && b.data_for == 2);
}

static void parses_supervisor(void)
{
	CHECK(parse("hello system super=disk") == 0);
	CHECK(b.super == 2);
	CHECK(parse("hello system") == 0);
	CHECK(b.super == -1);
}

#define REFUSED(name, line)                          \
	static void name(void)                       \
	{                                            \
		CHECK(parse(line) == -AX_EINVAL);    \
		CHECK(b.error != NULL);              \
	}

REFUSED(refuses_unknown_word, "x sytem")
REFUSED(refuses_unknown_kernel_call, "x kc=print,fly")
REFUSED(refuses_unknown_send_target, "x send=nobody")
REFUSED(refuses_reversed_io_range, "x io=0x70-0x60")
REFUSED(refuses_io_past_64k, "x io=0x0-0x10000")
REFUSED(refuses_irq_32, "x irq=32")
REFUSED(refuses_prio_16, "x prio=16")
REFUSED(refuses_quantum_0, "x quantum=0")
REFUSED(refuses_too_many_io_ranges, "x io=1-1,2-2,3-3,4-4,5-5,6-6,7-7,8-8,9-9")
REFUSED(refuses_empty_name, "")
REFUSED(refuses_long_name, "abcdefghijklmnopq system")
REFUSED(refuses_empty_list_item, "x kc=print,")
REFUSED(refuses_bad_number, "x irq=0xZZ")
REFUSED(refuses_data_without_target, "x data")
REFUSED(refuses_data_for_unknown_process, "x data to=nobody")
REFUSED(refuses_to_without_data, "x to=hello")
REFUSED(refuses_supervisor_unknown, "x super=nobody")
REFUSED(refuses_supervisor_itself, "disk super=disk")
REFUSED(refuses_supervisor_empty, "x super=")
REFUSED(refuses_supervisor_of_data_module, "x data to=disk super=hello")

int main(void)
{
	RUN(parses_name_and_defaults);
	RUN(skips_leading_path);
	RUN(parses_flags_and_scheduling);
	RUN(parses_kernel_calls);
	RUN(parses_send_targets_by_slot);
	RUN(parses_io_irq_and_memory);
	RUN(parses_data_module);
	RUN(parses_supervisor);
	RUN(refuses_supervisor_unknown);
	RUN(refuses_supervisor_itself);
	RUN(refuses_supervisor_empty);
	RUN(refuses_supervisor_of_data_module);
	RUN(refuses_data_without_target);
	RUN(refuses_data_for_unknown_process);
	RUN(refuses_to_without_data);
	RUN(refuses_unknown_word);
	RUN(refuses_unknown_kernel_call);
	RUN(refuses_unknown_send_target);
	RUN(refuses_reversed_io_range);
	RUN(refuses_io_past_64k);
	RUN(refuses_irq_32);
	RUN(refuses_prio_16);
	RUN(refuses_quantum_0);
	RUN(refuses_too_many_io_ranges);
	RUN(refuses_empty_name);
	RUN(refuses_long_name);
	RUN(refuses_empty_list_item);
	RUN(refuses_bad_number);
	return check_exit();
}
