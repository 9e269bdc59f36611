/*
 * The kernel log: every byte goes to the serial port (COM1), the VGA text
 * screen when there is one, and a ring buffer that KC_KLOG_READ serves.
 */
#include <stdarg.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include <format/format.h>
#include "kernel.h"

#define COM1 0x3f8
#define KLOG_SIZE 65536
#define VGA_COLS 80
#define VGA_ROWS 25

static char klog_ring[KLOG_SIZE];
static uint64_t klog_total; /* bytes ever written; the ring keeps the last KLOG_SIZE */
static bool vga_on, vga_present;
static unsigned vga_row, vga_col;

void klog_init(bool vga)
{
	outb(COM1 + 1, 0x00); /* no interrupts: the kernel polls */
	outb(COM1 + 3, 0x80); /* divisor latch */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xc7); /* FIFO on */
	outb(COM1 + 4, 0x03);
	vga_on = vga_present = vga;
	if (vga)
		for (unsigned i = 0; i < VGA_COLS * VGA_ROWS; i++)
			((volatile uint16_t *)(PHYSMAP_BASE + 0xb8000))[i] = 0x0720;
}

/* The tty driver took the screen (KC_KLOG_VGA): the log stays off it. Only if there is one. */
void klog_vga(bool on) { vga_on = on && vga_present; }

static void serial_put(char c)
{
	for (int spin = 0; spin < 100000 && !(inb(COM1 + 5) & 0x20); spin++)
		;
	outb(COM1, (uint8_t)c);
}

static void vga_put(char c)
{
	volatile uint16_t *screen = (volatile uint16_t *)(PHYSMAP_BASE + 0xb8000);

	if (c == '\n') {
		vga_col = 0;
		vga_row++;
	} else {
		screen[vga_row * VGA_COLS + vga_col] = (uint16_t)(0x0700 | (uint8_t)c);
		if (++vga_col == VGA_COLS) {
			vga_col = 0;
			vga_row++;
		}
	}
	if (vga_row == VGA_ROWS) {
		for (unsigned i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++)
			screen[i] = screen[i + VGA_COLS];
		for (unsigned i = 0; i < VGA_COLS; i++)
			screen[(VGA_ROWS - 1) * VGA_COLS + i] = 0x0720;
		vga_row--;
	}
}

void klog_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\n')
			serial_put('\r');
		serial_put(c);
		if (vga_on)
			vga_put(c);
		klog_ring[klog_total++ % KLOG_SIZE] = c;
	}
}

/*
 * Copy log bytes from sequence number *seq on (clamped to the oldest byte
 * still kept) into dst; advance *seq. Returns the bytes copied.
 */
size_t klog_read(char *dst, size_t len, uint64_t *seq)
{
	size_t n = 0;

	if (klog_total > KLOG_SIZE && *seq < klog_total - KLOG_SIZE)
		*seq = klog_total - KLOG_SIZE;
	if (*seq > klog_total)
		*seq = klog_total;
	while (n < len && *seq < klog_total)
		dst[n++] = klog_ring[(*seq)++ % KLOG_SIZE];
	return n;
}

static void vkprintf(const char *fmt, va_list ap)
{
	char buf[256];
	size_t n = (size_t)vformat(buf, sizeof(buf), fmt, ap);

	klog_write(buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
}

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	__asm__ volatile("cli");
	klog_write("\nkernel PANIC: ", 15);
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
	klog_write("\n", 1);
	for (;;)
		__asm__ volatile("hlt");
}
