/* The count of vfs's references to each inode it holds (held.h). */
#include "held.h"

#include "linux.h"

static unsigned slot_of(uint32_t fs, uint64_t ino)
{
	return (unsigned)(((ino ^ ((uint64_t)fs << 40)) * 0x9e3779b97f4a7c15ULL) >> 51) & (HELD_MAX - 1);
}

/* The slot of (fs, ino), or of the free slot where it would go. */
static unsigned find(const struct held_table *t, uint32_t fs, uint64_t ino)
{
	unsigned i = slot_of(fs, ino);

	while (t->e[i].refs && (t->e[i].fs != fs || t->e[i].ino != ino))
		i = (i + 1) & (HELD_MAX - 1);
	return i;
}

int held_add(struct held_table *t, uint32_t fs, uint64_t ino)
{
	unsigned i;

	if (t->used >= HELD_MAX - 1) /* a free slot always ends a probe */
		return -ENOMEM;
	i = find(t, fs, ino);
	if (!t->e[i].refs) {
		t->e[i] = (struct held){.fs = fs, .ino = ino};
		t->used++;
	}
	return (int)++t->e[i].refs;
}

int held_drop(struct held_table *t, uint32_t fs, uint64_t ino, bool *told)
{
	unsigned i = find(t, fs, ino), j;

	*told = false;
	if (!t->e[i].refs)
		return -ENOENT;
	if (--t->e[i].refs)
		return (int)t->e[i].refs;
	*told = t->e[i].told;
	/*
	 * The slot is free: move back each later entry of the run that would
	 * no longer be found past the gap (deletion without tombstones).
	 */
	t->used--;
	for (j = (i + 1) & (HELD_MAX - 1); t->e[j].refs; j = (j + 1) & (HELD_MAX - 1)) {
		unsigned home = slot_of(t->e[j].fs, t->e[j].ino);

		/* the entry at j may fill the gap at i if its home is not cyclically in (i, j] */
		if (((j - home) & (HELD_MAX - 1)) >= ((j - i) & (HELD_MAX - 1))) {
			t->e[i] = t->e[j];
			t->e[j].refs = 0;
			i = j;
		}
	}
	return 0;
}

int held_refs(const struct held_table *t, uint32_t fs, uint64_t ino)
{
	return (int)t->e[find(t, fs, ino)].refs;
}

bool held_tell(struct held_table *t, uint32_t fs, uint64_t ino)
{
	unsigned i = find(t, fs, ino);

	if (!t->e[i].refs || t->e[i].told)
		return false;
	t->e[i].told = 1;
	return true;
}
