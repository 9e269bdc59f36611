/* Endpoint encoding: slot in the low bits, generation above. Pure logic. */
#ifndef ENDPOINT_H
#define ENDPOINT_H

#include <axolotl/abi.h>
#include <stdbool.h>

static inline endpoint_t ep_make(int slot, int gen) { return (endpoint_t)((gen << AX_SLOT_BITS) | slot); }
static inline int ep_slot(endpoint_t ep) { return ep & (AX_NR_SLOTS - 1); }
static inline int ep_gen(endpoint_t ep) { return ep >> AX_SLOT_BITS; }

/* A value that could name a process (not a special endpoint, not garbage). */
static inline bool ep_plausible(endpoint_t ep) { return ep > 0 && ep_gen(ep) >= 1; }

/* The generation a slot takes when reused; wraps to 1, never 0. */
static inline int ep_next_gen(int gen) { return gen >= AX_GEN_MAX ? 1 : gen + 1; }

#endif
