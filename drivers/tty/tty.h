/*
 * The tty driver's parts: the terminals and their requests (tty.c), the
 * serial ports (serial.c) and the VGA consoles with the keyboard (console.c).
 * Protocol: lib/sys/include/proto/dev.h; design: docs/tty.md.
 */
#ifndef TTY_TTY_H
#define TTY_TTY_H

#include <sys/ax.h>
#include <sys/sigq.h>

#include "kbd.h"
#include "line.h"
#include "vt.h"

#define NR_CONSOLES 6 /* tty1..tty6, Alt+F1..F6 */
#define NR_SERIAL 2   /* ttyS0, ttyS1 */
#define NR_TERMS (NR_CONSOLES + NR_SERIAL)

enum term_kind { TERM_CONSOLE, TERM_SERIAL };

/*
 * A terminal. It lives in the driver's kept state (struct tty_kept), so the
 * next incarnation has its line (typed input, unsent output, settings),
 * window size, session and foreground group as they were; the fields
 * about the hardware are set again at every start.
 */
struct term {
	/* kept */
	struct line line;
	struct line_winsize ws;
	int32_t sid, pgrp;        /* its session and foreground group, 0: none */
	uint64_t last_input_ns;   /* for VTIME's inter-byte timer */
	/* the hardware's, found at start */
	enum term_kind kind;
	bool present;             /* the hardware is there */
	uint32_t minor;           /* its own number: DEV_MKMINOR(4, n) */
	uint16_t port;            /* serial: the 16550's base */
	unsigned irq;
	struct vt *vt;            /* console: its screen */
	/* serial: what of the output the last commit holds may go to the UART (lib/driver: driver_sent) */
	size_t sendable;          /* bytes at the queue's head */
	unsigned flushes;         /* line.out_flushes then: a flush since makes them none */
	uint32_t sent;            /* sent since that commit */
};

/* What outlives an incarnation of the driver (lib/driver, sys/kept.h). */
struct tty_kept {
	struct term terms[NR_TERMS]; /* 0..5 the consoles tty1..tty6, then ttyS0, ttyS1 */
	struct vt screens[NR_CONSOLES];
	uint32_t shown;              /* the console on the glass */
	struct ax_sigq signals;      /* keyboard signals for the foreground groups, until pm pulls them */
};

extern struct term *terms; /* in kept state: tty_kept's */

/* tty.c: the device received bytes; output room appeared; a request may now complete. */
void term_input(struct term *t, const uint8_t *bytes, size_t n);
void term_kick(struct term *t);

/* serial.c (again: a restart, which keeps what the UART's FIFOs hold) */
void serial_init(struct term *t, uint16_t port, unsigned irq, bool again);
void serial_interrupt(struct term *t);
void serial_start_output(struct term *t);
void serial_committed(struct term *t);

/* console.c */
/* Map the VGA text memory, take the keyboard's IRQ; the screens (kept: again, as they were) and which is shown. */
bool console_init(struct vt *screens, uint32_t *shown, bool again);
uint32_t console_changed(void); /* the screens whose cells changed since the last call (a bit each) */
void console_output(struct term *t); /* drain the line's output queue to its screen */
void keyboard_interrupt(void);
struct term *console_shown(void); /* 4:0, tty0: the console on the screen (0: no VGA) */

#define IRQ_KEYBOARD 1

#endif
