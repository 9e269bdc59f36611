/*
 * A sequence counter over data another process reads without asking: the
 * writer makes the counter odd, changes the data, makes it even again; a
 * reader copies the data, then the counter again, and believes the copy
 * only if both counters are equal and even (proto/pm.h, proto/rs.h,
 * proto/info.h publish tables this way). The writer is one process, so
 * only the compiler must be kept from reordering its stores; the reader's
 * copies are kernel calls (KC_SAFECOPY), ordered by nature.
 */
#ifndef SYS_SEQLOCK_H
#define SYS_SEQLOCK_H

#include <stdint.h>

/* Before changing what seq guards. */
static inline void seq_write_begin(volatile uint32_t *seq)
{
	*seq = *seq + 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* After. */
static inline void seq_write_end(volatile uint32_t *seq)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	*seq = *seq + 1;
}

/* A copy taken with counter `first` and re-checked as `again` is whole. */
static inline int seq_read_ok(uint32_t first, uint32_t again) { return !(first & 1) && first == again; }

#endif
