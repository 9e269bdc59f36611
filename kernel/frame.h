/* Physical page frames: a bitmap allocator. Pure logic; unit tested. */
#ifndef FRAME_H
#define FRAME_H

#include <stdbool.h>
#include <stdint.h>

struct frame_pool {
	uint64_t *bitmap; /* bit set: frame in use (or not RAM) */
	uint64_t nframes;
	uint64_t nfree;
	uint64_t hint; /* word to start the next search at */
	uint64_t nram; /* frames the firmware's memory map calls RAM (set at boot; KC_MEMINFO's total) */
};

#define FRAME_NONE UINT64_MAX

void frame_pool_init(struct frame_pool *fp, uint64_t *bitmap, uint64_t nframes);
void frame_range_free(struct frame_pool *fp, uint64_t first, uint64_t count);
void frame_range_use(struct frame_pool *fp, uint64_t first, uint64_t count);
uint64_t frame_get(struct frame_pool *fp);
uint64_t frame_get_run(struct frame_pool *fp, uint64_t count);
void frame_put(struct frame_pool *fp, uint64_t frame);
bool frame_in_use(const struct frame_pool *fp, uint64_t frame);

#endif
