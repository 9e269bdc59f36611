/* Kernel calls on devices: interrupt lines and I/O ports, each within the caller's privileges. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "kcall.h"

static int do_irq(struct proc *c, ax_message *m, unsigned call)
{
	uint64_t line = m->u64[0];

	if (line >= 16 || line == 0 || line == 2)
		return -AX_EINVAL;
	if (call == KC_IRQ_REGISTER)
		return (c->priv.irqs >> line) & 1 ? irq_register(c, (unsigned)line) : -AX_EPERM;
	if (!irq_owned_by((unsigned)line, c))
		return -AX_EPERM;
	if (call == KC_IRQ_ENABLE)
		pic_unmask((unsigned)line);
	else
		pic_mask((unsigned)line);
	return 0;
}

int do_irqreg(struct proc *c, ax_message *m) { return do_irq(c, m, KC_IRQ_REGISTER); }

int do_irqon(struct proc *c, ax_message *m) { return do_irq(c, m, KC_IRQ_ENABLE); }

int do_irqoff(struct proc *c, ax_message *m) { return do_irq(c, m, KC_IRQ_DISABLE); }

int do_devio(struct proc *c, ax_message *m)
{
	static const unsigned width[] = {1, 2, 4, 1, 2, 4};
	uint64_t port = m->u64[0], op = m->u64[1], v = m->u64[2];

	if (port > 0xffff || op > AX_IO_OUT32)
		return -AX_EINVAL;
	if (!priv_io_ok(&c->priv, (uint32_t)port, width[op]))
		return -AX_EPERM;
	if (op <= AX_IO_IN32)
		m->u64[0] = port_in((uint16_t)port, width[op]);
	else
		port_out((uint16_t)port, width[op], (uint32_t)v);
	return 0;
}
