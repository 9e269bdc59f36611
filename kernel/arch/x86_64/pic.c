/* The 8259 interrupt controllers and the 8254 timer (PIT). */
#include "../../kernel.h"
#include "cpu.h"
#include "layout.h"
#include "trap.h"

#define PIC1 0x20
#define PIC2 0xa0
#define PIT_CH0 0x40
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_HZ 1193182

static uint16_t irq_mask = 0xfffb; /* all masked but the cascade line */

static void mask_write(void)
{
	outb(PIC1 + 1, (uint8_t)irq_mask);
	outb(PIC2 + 1, (uint8_t)(irq_mask >> 8));
}

/* Remap IRQ 0-15 to vectors 32-47, everything masked. */
void pic_init(void)
{
	outb(PIC1, 0x11);
	outb(PIC2, 0x11);
	outb(PIC1 + 1, IRQ_BASE);
	outb(PIC2 + 1, IRQ_BASE + 8);
	outb(PIC1 + 1, 4);
	outb(PIC2 + 1, 2);
	outb(PIC1 + 1, 1);
	outb(PIC2 + 1, 1);
	mask_write();
}

void pic_mask(unsigned irq)
{
	irq_mask |= (uint16_t)(1 << irq);
	mask_write();
}

void pic_unmask(unsigned irq)
{
	irq_mask &= (uint16_t)~(1 << irq);
	mask_write();
}

void pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2, 0x20);
	outb(PIC1, 0x20);
}

/* Channel 0 periodic at hz on IRQ 0. */
void timer_init(unsigned hz)
{
	unsigned div = PIT_HZ / hz;

	outb(PIT_CMD, 0x34);
	outb(PIT_CH0, (uint8_t)div);
	outb(PIT_CH0, (uint8_t)(div >> 8));
	pic_unmask(0);
}

/* Count TSC ticks over 10 ms of PIT channel 2 (gate via port 0x61). */
uint64_t tsc_calibrate(void)
{
	unsigned div = PIT_HZ / 100;
	uint64_t t0, t1;

	outb(0x61, (uint8_t)(inb(0x61) & ~0x03)); /* gate low, speaker off */
	outb(PIT_CMD, 0xb0);                       /* channel 2, mode 0 */
	outb(PIT_CH2, (uint8_t)div);
	outb(PIT_CH2, (uint8_t)(div >> 8));
	outb(0x61, (uint8_t)(inb(0x61) | 0x01)); /* gate high: count down */
	t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		;
	t1 = rdtsc();
	return (t1 - t0) * 100;
}
