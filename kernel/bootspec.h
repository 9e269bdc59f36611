/*
 * The boot command line of each boot process: its name, privileges and
 * scheduling, written in grub.cfg after the module's path. Words:
 *   NAME system sendany magic prio=N quantum=MS super=NAME
 *   kc=all|CALL,...  send=all|NAME,...  io=LO-HI,...  irq=N,...  mem=LO-HI,...
 * super=NAME makes boot process NAME (rs) its supervisor: it hears of the
 * process's death (KC_REAP), as the creator of any other process does.
 * or, for a module that is not a program but data for one:
 *   NAME data to=PROCESS
 * Numbers are decimal or 0x-hex; ranges are inclusive. Pure logic.
 */
#ifndef BOOTSPEC_H
#define BOOTSPEC_H

#include <axolotl/abi.h>

struct bootspec {
	char name[16];
	struct ax_priv priv;
	int prio;
	unsigned quantum_ms;
	int data_for; /* `data to=NAME`: not a process, but memory for boot process data_for; else -1 */
	int super;    /* `super=NAME`: boot process super is told of its death; else -1 (nobody) */
	const char *error; /* why parsing failed */
};

/*
 * Parse cmdline. Boot process i (names[i]) lives in slot first_slot + i;
 * kcall_names[n] names kernel call n. Returns 0 or -EINVAL with out->error.
 */
int bootspec_parse(const char *cmdline, const char *const *names, int nnames, int first_slot,
		   const char *const *kcall_names, int nkcalls, struct bootspec *out);

#endif
