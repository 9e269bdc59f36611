/*
 * splitmix64: a small generator whose sequence a seed fixes, for fault
 * injection (rs's bit flips, the fault command's campaigns): the same seed
 * gives the same faults. Not for secrets (sys/random.h is).
 */
#ifndef SYS_SPLITMIX_H
#define SYS_SPLITMIX_H

#include <stdint.h>

static inline uint64_t splitmix_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif
