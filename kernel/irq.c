/*
 * Hardware interrupts become notifications. The line is masked until its
 * driver has dealt with the device and re-enables it (KC_IRQ_ENABLE), so a
 * level-triggered device cannot storm the CPU while its driver is busy.
 */
#include "arch/x86_64/trap.h"
#include "kernel.h"
#include "proc.h"

static endpoint_t irq_owner[16];

int irq_register(struct proc *p, unsigned line)
{
	struct proc *old;

	if (irq_owner[line] && irq_owner[line] != p->ep && proc_lookup(irq_owner[line], &old) == 0)
		return -AX_EBUSY;
	irq_owner[line] = p->ep;
	pic_unmask(line);
	return 0;
}

bool irq_owned_by(unsigned line, const struct proc *p)
{
	return line < 16 && irq_owner[line] == p->ep;
}

void irq_release_all(struct proc *p)
{
	for (unsigned l = 0; l < 16; l++) {
		if (irq_owner[l] == p->ep) {
			irq_owner[l] = 0;
			pic_mask(l);
		}
	}
}

void irq_interrupt(unsigned line)
{
	struct proc *p;

	if (line == 0) {
		pic_eoi(0);
		clock_tick();
		return;
	}
	pic_mask(line);
	pic_eoi(line);
	if (irq_owner[line] && proc_lookup(irq_owner[line], &p) == 0) {
		p->irq_pending |= 1U << line;
		ipc_notify_kernel(p, AX_HARDWARE);
	}
}
