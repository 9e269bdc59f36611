/* The frame allocator: one bit per 4 KiB frame, searched a word at a time. */
#include "frame.h"

/* Start with every frame in use; the memory map then frees what is RAM. */
void frame_pool_init(struct frame_pool *fp, uint64_t *bitmap, uint64_t nframes)
{
	fp->bitmap = bitmap;
	fp->nframes = nframes;
	fp->nfree = 0;
	fp->hint = 0;
	fp->nram = 0;
	for (uint64_t w = 0; w < (nframes + 63) / 64; w++)
		bitmap[w] = ~0ULL;
}

bool frame_in_use(const struct frame_pool *fp, uint64_t frame)
{
	return frame >= fp->nframes || (fp->bitmap[frame / 64] >> (frame % 64)) & 1;
}

static void set_bit(struct frame_pool *fp, uint64_t f, bool used)
{
	uint64_t bit = 1ULL << (f % 64);

	if (used && !(fp->bitmap[f / 64] & bit)) {
		fp->bitmap[f / 64] |= bit;
		fp->nfree--;
	} else if (!used && (fp->bitmap[f / 64] & bit)) {
		fp->bitmap[f / 64] &= ~bit;
		fp->nfree++;
	}
}

/* Mark [first, first+count) free; frames beyond the pool are ignored. */
void frame_range_free(struct frame_pool *fp, uint64_t first, uint64_t count)
{
	for (uint64_t f = first; f < first + count && f < fp->nframes; f++)
		set_bit(fp, f, false);
	if (first / 64 < fp->hint)
		fp->hint = first / 64;
}

void frame_range_use(struct frame_pool *fp, uint64_t first, uint64_t count)
{
	for (uint64_t f = first; f < first + count && f < fp->nframes; f++)
		set_bit(fp, f, true);
}

/* Return a free frame number and mark it used, or FRAME_NONE. */
uint64_t frame_get(struct frame_pool *fp)
{
	uint64_t words = (fp->nframes + 63) / 64;

	if (fp->nfree == 0)
		return FRAME_NONE;
	for (uint64_t i = 0; i < words; i++) {
		uint64_t w = (fp->hint + i) % words;

		if (fp->bitmap[w] != ~0ULL) {
			uint64_t f = w * 64 + (uint64_t)__builtin_ctzll(~fp->bitmap[w]);

			if (f >= fp->nframes)
				continue;
			set_bit(fp, f, true);
			fp->hint = w;
			return f;
		}
	}
	return FRAME_NONE;
}

/* Take `count` consecutive free frames; the first's number, or FRAME_NONE. */
uint64_t frame_get_run(struct frame_pool *fp, uint64_t count)
{
	uint64_t run = 0;

	if (count == 0 || count > fp->nfree)
		return FRAME_NONE;
	for (uint64_t f = 0; f < fp->nframes; f++) {
		run = frame_in_use(fp, f) ? 0 : run + 1;
		if (run == count) {
			frame_range_use(fp, f + 1 - count, count);
			return f + 1 - count;
		}
	}
	return FRAME_NONE;
}

/* Give a frame back. Freeing a free frame is a kernel bug: the caller panics. */
void frame_put(struct frame_pool *fp, uint64_t frame)
{
	set_bit(fp, frame, false);
}
