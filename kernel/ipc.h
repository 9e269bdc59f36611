/* Message passing entry points (ipc.c). */
#ifndef IPC_H
#define IPC_H

#include <stdbool.h>
#include <stdint.h>

#include "proc.h"

void ipc_trap(struct proc *caller, unsigned op);
void ipc_posix_call(struct proc *caller, uint64_t nr);
void ipc_finish_receive(struct proc *p);
/* A process whose sendrec p has taken and not yet answered (the lowest slot), or 0. */
struct proc *ipc_reply_waiter(const struct proc *p);
bool ipc_page_fault(struct proc *p, uint64_t addr);

#endif
