/* Region lists: find, add, cut out, change rights, find room. */
#include "region.h"

#include <axolotl/abi.h>
#include <string.h>

/* Index of the region holding addr, or -1. */
int region_find(const struct space *s, uint64_t addr)
{
	for (int i = 0; i < s->n; i++)
		if (addr >= s->r[i].start && addr < s->r[i].end)
			return i;
	return -1;
}

/* Join neighbours that touch and have the same rights, as Linux does. */
static void merge(struct space *s)
{
	for (int i = 0; i + 1 < s->n;) {
		if (s->r[i].end == s->r[i + 1].start && s->r[i].prot == s->r[i + 1].prot) {
			s->r[i].end = s->r[i + 1].end;
			memmove(&s->r[i + 1], &s->r[i + 2], (size_t)(s->n - i - 2) * sizeof(s->r[0]));
			s->n--;
		} else {
			i++;
		}
	}
}

/* Add [start, end), which must not overlap anything; keeps the list sorted. */
int region_add(struct space *s, uint64_t start, uint64_t end, unsigned prot)
{
	int i = 0;

	if (start >= end)
		return -AX_EINVAL;
	if (s->n == MAX_REGIONS)
		return -AX_ENOMEM;
	while (i < s->n && s->r[i].start < start)
		i++;
	if ((i > 0 && s->r[i - 1].end > start) || (i < s->n && s->r[i].start < end))
		return -AX_EINVAL;
	memmove(&s->r[i + 1], &s->r[i], (size_t)(s->n - i) * sizeof(s->r[0]));
	s->r[i] = (struct region){start, end, prot};
	s->n++;
	merge(s);
	return 0;
}

/* Split the region holding addr so that a region boundary falls at addr. */
static int split_at(struct space *s, uint64_t addr)
{
	int i = region_find(s, addr);

	if (i < 0 || s->r[i].start == addr)
		return 0;
	if (s->n == MAX_REGIONS)
		return -AX_ENOMEM;
	memmove(&s->r[i + 1], &s->r[i], (size_t)(s->n - i) * sizeof(s->r[0]));
	s->n++;
	s->r[i].end = addr;
	s->r[i + 1].start = addr;
	return 0;
}

/* Cut [start, end) out of whatever regions it touches. */
int region_remove(struct space *s, uint64_t start, uint64_t end)
{
	int r;

	if ((r = split_at(s, start)) < 0 || (r = split_at(s, end)) < 0)
		return r;
	for (int i = 0; i < s->n;) {
		if (s->r[i].start >= start && s->r[i].end <= end) {
			memmove(&s->r[i], &s->r[i + 1], (size_t)(s->n - i - 1) * sizeof(s->r[0]));
			s->n--;
		} else {
			i++;
		}
	}
	return 0;
}

/* Is every byte of [start, end) inside some region? */
int region_covered(const struct space *s, uint64_t start, uint64_t end)
{
	uint64_t at = start;

	for (int i = 0; i < s->n && at < end; i++)
		if (s->r[i].start <= at && s->r[i].end > at)
			at = s->r[i].end;
	return at >= end;
}

/* Give [start, end) new rights; all of it must be mapped (else -ENOMEM, as Linux). */
int region_protect(struct space *s, uint64_t start, uint64_t end, unsigned prot)
{
	int r;

	if (!region_covered(s, start, end))
		return -AX_ENOMEM;
	if ((r = split_at(s, start)) < 0 || (r = split_at(s, end)) < 0)
		return r;
	for (int i = 0; i < s->n; i++)
		if (s->r[i].start >= start && s->r[i].end <= end)
			s->r[i].prot = prot | (s->r[i].prot & VM_REGION_SHARED);
	merge(s);
	return 0;
}

/* The highest free range of len bytes inside [floor, ceiling); its start, or 0. */
uint64_t region_gap(const struct space *s, uint64_t len, uint64_t floor, uint64_t ceiling)
{
	uint64_t top = ceiling;

	for (int i = s->n - 1; i >= -1; i--) {
		uint64_t bottom = i >= 0 ? s->r[i].end : floor;

		if (i >= 0 && s->r[i].start >= ceiling)
			continue;
		if (bottom < floor)
			bottom = floor;
		if (top > bottom && top - bottom >= len)
			return top - len;
		if (i >= 0 && s->r[i].start < top)
			top = s->r[i].start;
		if (top <= floor)
			break;
	}
	return 0;
}
