/* A ChaCha20 random generator for system processes (lib/sys/random.c). */
#ifndef SYS_RANDOM_H
#define SYS_RANDOM_H

#include <stddef.h>

void ax_random_init(void);                 /* seed it: RDSEED/RDRAND when present, TSC jitter */
void ax_random_bytes(void *buf, size_t n); /* n bytes of key stream; the key is replaced after */

#endif
