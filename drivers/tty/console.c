/*
 * The virtual consoles: VGA text memory (0xb8000, mapped into the driver),
 * the hardware cursor (CRT controller ports 0x3d4/0x3d5) and the PS/2
 * keyboard (IRQ 1, ports 0x60/0x64). Each console keeps its own screen in
 * memory (struct vt); the one shown is copied to the VGA after each change.
 * Taking the VGA turns the kernel log's screen output off (KC_KLOG_VGA):
 * from then on the screen is ours; the log still goes to COM1.
 */
#include <string.h>

#include "tty.h"

#define VGA_PHYS 0xb8000ULL
#define VGA_VA 0x580000000000ULL /* where the driver sees the text memory (not RS_KEPT_ADDR: the kept state is there) */
#define KBD_DATA 0x60
#define KBD_STATUS 0x64
#define KBD_HAS_DATA 0x01
#define KBD_FROM_MOUSE 0x20

static struct vt *screens; /* NR_CONSOLES of them, in kept state */
static uint32_t changed_screens; /* since console_changed last said */
static struct kbd keyboard;
static bool have_vga;
static uint32_t *shown; /* in kept state: index into screens, the console on the glass */

static void show_cursor(const struct vt *v)
{
	unsigned at = v->row * VT_COLS + v->col;

	ax_devio(0x3d4, AX_IO_OUT8, 0x0a, 0); /* cursor start: bit 5 hides it */
	ax_devio(0x3d5, AX_IO_OUT8, v->cursor_on ? 0x0e : 0x20, 0);
	ax_devio(0x3d4, AX_IO_OUT8, 0x0e, 0);
	ax_devio(0x3d5, AX_IO_OUT8, at >> 8, 0);
	ax_devio(0x3d4, AX_IO_OUT8, 0x0f, 0);
	ax_devio(0x3d5, AX_IO_OUT8, at & 0xff, 0);
}

static void refresh(void)
{
	memcpy((void *)VGA_VA, screens[*shown].cells, sizeof(screens[*shown].cells));
	show_cursor(&screens[*shown]);
}

/* The console terminal of screen i. */
static struct term *console_term(unsigned i) { return &terms[i]; }

bool console_init(struct vt *kept_screens, uint32_t *kept_shown, bool again)
{
	ax_message m = {.u64 = {(uint64_t)(int64_t)AX_SELF, VGA_VA, VGA_PHYS, 4096, AX_MAP_WRITE | AX_MAP_UNCACHED}};

	screens = kept_screens;
	shown = kept_shown;
	if (!again || *shown >= NR_CONSOLES)
		*shown = 0;
	if (!again)
		changed_screens = (1u << NR_CONSOLES) - 1;
	if (ax_kcall(KC_VMAP, &m) < 0)
		return false; /* no mem= privilege for the VGA: no consoles */
	ax_kcall(KC_KLOG_VGA, &(ax_message){.u64 = {0}});
	have_vga = true;
	for (unsigned i = 0; i < NR_CONSOLES; i++) {
		if (!again)
			vt_init(&screens[i]);
		console_term(i)->vt = &screens[i];
		console_term(i)->present = true;
	}
	refresh();
	if (ax_kcall(KC_IRQ_REGISTER, &(ax_message){.u64 = {IRQ_KEYBOARD}}) < 0) {
		ax_printf("tty: the keyboard's IRQ 1 refused; consoles show output only\n");
		return true;
	}
	for (int i = 0; !again && i < 32; i++) { /* drop what the firmware left (a restart: keys typed, read them) */
		uint32_t st = 0;

		ax_devio(KBD_STATUS, AX_IO_IN8, 0, &st);
		if (!(st & KBD_HAS_DATA))
			break;
		ax_devio(KBD_DATA, AX_IO_IN8, 0, 0);
	}
	ax_kcall(KC_IRQ_ENABLE, &(ax_message){.u64 = {IRQ_KEYBOARD}});
	return true;
}

uint32_t console_changed(void)
{
	uint32_t c = changed_screens;

	changed_screens = 0;
	return c;
}

/* The shown console is 4:0 (tty0). */
struct term *console_shown(void) { return have_vga ? console_term(*shown) : 0; }

void console_output(struct term *t)
{
	uint8_t buf[256];
	size_t n;
	bool changed = false;

	while ((n = line_out_take(&t->line, buf, sizeof(buf))) > 0) {
		for (size_t i = 0; i < n; i++)
			vt_put(t->vt, buf[i]);
		changed = true;
	}
	if (t->vt->reply_len) { /* the screen answered a query (CSI 6 n): that is input */
		char reply[sizeof(t->vt->reply)];
		unsigned len = t->vt->reply_len;

		memcpy(reply, t->vt->reply, len);
		t->vt->reply_len = 0;
		term_input(t, (const uint8_t *)reply, len);
	}
	if (changed)
		changed_screens |= 1u << (t->vt - screens);
	if (changed && t->vt == &screens[*shown])
		refresh();
}

static void switch_to(unsigned i)
{
	if (i < NR_CONSOLES && i != *shown) {
		*shown = i;
		refresh();
	}
}

void keyboard_interrupt(void)
{
	for (int i = 0; i < 64; i++) {
		uint32_t st = 0, code = 0;
		uint8_t out[KBD_OUT_MAX];
		int n, console;

		ax_devio(KBD_STATUS, AX_IO_IN8, 0, &st);
		if (!(st & KBD_HAS_DATA))
			break;
		ax_devio(KBD_DATA, AX_IO_IN8, 0, &code);
		if (st & KBD_FROM_MOUSE)
			continue;
		n = kbd_scan(&keyboard, (uint8_t)code, out, &console);
		if (console)
			switch_to((unsigned)console - 1);
		if (n)
			term_input(console_term(*shown), out, (size_t)n);
	}
	ax_kcall(KC_IRQ_ENABLE, &(ax_message){.u64 = {IRQ_KEYBOARD}});
}
