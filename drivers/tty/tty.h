/*
 * The tty driver's parts: the terminals and their requests (tty.c), the
 * serial ports (serial.c) and the VGA consoles with the keyboard (console.c).
 * Protocol: lib/sys/include/proto/dev.h; design: docs/tty.md.
 */
#ifndef TTY_TTY_H
#define TTY_TTY_H

#include <sys/ax.h>

#include "kbd.h"
#include "line.h"
#include "vt.h"

#define NR_CONSOLES 6 /* tty1..tty6, Alt+F1..F6 */
#define NR_SERIAL 2   /* ttyS0, ttyS1 */
#define NR_TERMS (NR_CONSOLES + NR_SERIAL)

enum term_kind { TERM_CONSOLE, TERM_SERIAL };

struct term {
	enum term_kind kind;
	bool present;             /* the hardware is there */
	uint32_t minor;           /* its own number: DEV_MKMINOR(4, n) */
	struct line line;
	struct line_winsize ws;
	int32_t sid, pgrp;        /* its session and foreground group, 0: none */
	uint64_t last_input_ns;   /* for VTIME's inter-byte timer */
	uint16_t port;            /* serial: the 16550's base */
	unsigned irq;
	struct vt *vt;            /* console: its screen */
};

extern struct term terms[NR_TERMS];

/* tty.c: the device received bytes; output room appeared; a request may now complete. */
void term_input(struct term *t, const uint8_t *bytes, size_t n);
void term_kick(struct term *t);

/* serial.c */
void serial_init(struct term *t, uint16_t port, unsigned irq);
void serial_interrupt(struct term *t);
void serial_start_output(struct term *t);

/* console.c */
bool console_init(void);       /* map the VGA text memory, take the keyboard's IRQ */
void console_output(struct term *t); /* drain the line's output queue to its screen */
void keyboard_interrupt(void);
struct term *console_shown(void); /* 4:0, tty0: the console on the screen (0: no VGA) */

#define IRQ_KEYBOARD 1

#endif
