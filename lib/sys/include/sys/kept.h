/*
 * A service's kept state (proto/rs.h, RS_KEPT): memory rs keeps across the
 * service's restarts and maps into each incarnation. At its start the
 * service takes it with ax_kept_take, which checks what the last
 * incarnation left by magic, version, length and checksum and gives it back
 * only if all agree (and rs does not say "fresh"); otherwise it clears the
 * state and the service starts from its defaults. After each change to the
 * checked state the service seals it again (ax_kept_seal), so an
 * incarnation that dies in the middle of a change leaves a state the next
 * one refuses. Bulk data (a RAM disk's pages) may follow the checked state
 * in the region unchecked: ax_kept_extra.
 */
#ifndef SYS_KEPT_H
#define SYS_KEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ax_kept_header {
	uint32_t magic, version; /* the service's: a different program's or layout's state is never taken */
	uint64_t len;            /* bytes of checked state after the header */
	uint64_t sum;            /* their checksum (FNV-1a, 64 bits) */
	uint64_t seals;          /* how often it was sealed: for logs */
};

/*
 * The checked state (len bytes) in the kept region, or 0 if the service
 * has none (no rs, no `kept` in its entry, len too big). *kept_before says
 * whether it is the previous incarnation's (true) or cleared to zeros.
 */
void *ax_kept_take(uint32_t magic, uint32_t version, size_t len, bool *kept_before);

/*
 * The same, for a state that is mostly room (queues, tables): sum(state)
 * is its checksum over what is live in it, which is cheap enough to seal
 * after every request. It must depend on every byte the service would
 * use, and on nothing else.
 */
typedef uint64_t (*ax_kept_summer)(const void *state, size_t len);
void *ax_kept_take_summed(uint32_t magic, uint32_t version, size_t len, ax_kept_summer sum, bool *kept_before);

/* After a change of the checked state: its checksum again. */
void ax_kept_seal(void);

/* The region after the checked state, page-aligned, and its size: 0 if none. */
void *ax_kept_extra(size_t *size);

/* FNV-1a, 64 bits: the checksum of the whole state (for tests); ax_kept_sum_more goes on from h. */
uint64_t ax_kept_sum(const void *p, size_t n);
uint64_t ax_kept_sum_more(uint64_t h, const void *p, size_t n);

#endif
