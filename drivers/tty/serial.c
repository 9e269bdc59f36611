/*
 * The 16550 UARTs (COM1 at 0x3f8 on IRQ 4, COM2 at 0x2f8 on IRQ 3), driven
 * by interrupts both ways: received bytes go to the line discipline, and
 * the line's output queue feeds the transmitter a FIFO's worth at a time
 * whenever the transmitter runs empty. The kernel log also writes COM1
 * (polled, a byte at a time after waiting for an empty transmitter), so a
 * burst leaves one place of the 16-byte FIFO for it.
 */
#include <driver/driver.h>

#include "tty.h"

#define RBR 0 /* receive buffer (read) / transmit holding (write) */
#define IER 1
#define IIR 2 /* interrupt identification (read) / FIFO control (write) */
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

#define LSR_DATA 0x01
#define LSR_THR_EMPTY 0x20
#define IIR_NONE 0x01
#define TX_BURST 15

static uint32_t in(const struct term *t, unsigned reg)
{
	uint32_t v = 0;

	ax_devio(t->port + reg, AX_IO_IN8, 0, &v);
	return v & 0xff;
}

static void out(const struct term *t, unsigned reg, uint32_t v) { ax_devio(t->port + reg, AX_IO_OUT8, v, 0); }

/*
 * Set up the port at 115200 8N1 with FIFOs and interrupts; absent hardware
 * leaves t->present false. On a restart (again) nothing the FIFOs hold is
 * dropped: bytes received while no driver listened are read by the first
 * serial_interrupt, and bytes still being sent go out.
 */
void serial_init(struct term *t, uint16_t port, unsigned irq, bool again)
{
	t->port = port;
	t->irq = irq;
	out(t, SCR, 0x5a);
	if (in(t, SCR) != 0x5a)
		return; /* no UART answers there */
	out(t, IER, 0x00);
	out(t, LCR, 0x80); /* the divisor latch: 1, 115200 baud */
	out(t, RBR, 0x01);
	out(t, IER, 0x00);
	out(t, LCR, 0x03); /* 8N1 */
	/* FIFOs on, interrupt at 14 bytes; cleared at the first start, kept on a restart (what is in them is owed) */
	out(t, IIR, again ? 0xc1 : 0xc7);
	out(t, MCR, 0x0b); /* DTR, RTS, OUT2 (which lets the interrupt reach the PIC) */
	if (ax_kcall(KC_IRQ_REGISTER, &(ax_message){.u64 = {irq}}) < 0) {
		ax_printf("tty: IRQ %u for the serial port at %x refused; the port stays off\n", irq, port);
		return;
	}
	out(t, IER, 0x03); /* received data, transmitter empty */
	while (!again && (in(t, LSR) & LSR_DATA)) /* what came before we listened; on a restart: typed, so read */
		in(t, RBR);
	in(t, IIR);
	ax_kcall(KC_IRQ_ENABLE, &(ax_message){.u64 = {irq}});
	t->present = true;
}

/*
 * If the transmitter is empty, give it the next bytes of the output queue:
 * only bytes the last commit of the driver's state holds (t->sendable), each
 * counted in the kept state as it goes (driver_sent), so that a restart
 * neither sends a byte twice nor drops one.
 */
void serial_start_output(struct term *t)
{
	uint8_t burst[TX_BURST];
	size_t n = t->sendable < sizeof(burst) ? t->sendable : sizeof(burst);

	if (t->line.out_flushes != t->flushes)
		t->sendable = n = 0; /* what the commit held was dropped */
	if (!n || !(in(t, LSR) & LSR_THR_EMPTY))
		return; /* its interrupt will come when it is */
	n = line_out_take(&t->line, burst, n);
	t->sendable -= n;
	for (size_t i = 0; i < n; i++) {
		out(t, RBR, burst[i]);
		driver_sent((int)(t - terms), ++t->sent);
	}
}

/* A commit of the driver's state: what its queue holds now may go out. */
void serial_committed(struct term *t)
{
	t->sendable = t->line.out_len;
	t->flushes = t->line.out_flushes;
	t->sent = 0;
	serial_start_output(t);
}

/* The port interrupted: take every byte received, feed the transmitter, then unmask the line. */
void serial_interrupt(struct term *t)
{
	uint8_t got[64];
	size_t n = 0;

	for (int rounds = 0; rounds < 64 && !(in(t, IIR) & IIR_NONE); rounds++) {
		uint32_t lsr;

		while ((lsr = in(t, LSR)) & LSR_DATA) {
			got[n++] = (uint8_t)in(t, RBR);
			if (n == sizeof(got)) {
				term_input(t, got, n);
				n = 0;
			}
		}
		in(t, MSR); /* modem status changes: read to clear, not used */
		if (lsr & LSR_THR_EMPTY)
			serial_start_output(t);
	}
	if (n)
		term_input(t, got, n);
	term_kick(t); /* room in the output queue: a waiting write may go on, and more goes out */
	ax_kcall(KC_IRQ_ENABLE, &(ax_message){.u64 = {t->irq}});
}
