/*
 * What procfs's two halves share: procfs.c speaks the file-server protocol
 * (proto/fs.h) to vfs; sources.c gathers the numbers, only from the kernel,
 * from the tables pm, rs and vfs publish (proto/pm.h, proto/rs.h,
 * proto/info.h) and from ds. procfs never sends a request to pm, rs or vfs:
 * they sendrec each other and vfs sendrecs procfs, so a request from
 * procfs could close a cycle.
 */
#ifndef PROCFS_PROCFS_H
#define PROCFS_PROCFS_H

#include <stddef.h>
#include <stdint.h>

#include "text.h"

#define PROCS_MAX AX_NR_SLOTS /* pm's table has one entry per kernel slot */

/* Find pm, rs and ds; start the load-average clock. */
void src_init(void);

/* pm's table header; 0 or a negative errno (-EIO: pm publishes nothing we understand). */
int src_header(struct pm_info_header *h);

/* Entry index of pm's table, with its CPU time and whether it runs now: 0, -ESRCH (a free entry), or -errno. */
int src_proc(uint32_t index, struct proc_view *v);

/* The live or zombie process pid: 0 and its entry index, or -ESRCH. */
int src_find_pid(int pid, uint32_t *index, struct proc_view *v);

/*
 * Every process, sorted by pid: up to max pids and their entry indexes;
 * the count, or a negative errno. *running: how many are runnable now,
 * the process reader (0: none) counted as running.
 */
int src_pids(int *pids, uint32_t *indexes, int max, unsigned *running, int reader);

/* rs's services, in table order: how many (up to max), or a negative errno. */
int src_services(struct rs_service_info *out, unsigned max);

/* The mount table's text vfs published: its length (0 if none), or a negative errno. */
int src_mounts(char *text, size_t cap);

/* Free and total bytes of RAM. */
void src_memory(uint64_t *total, uint64_t *free);

/* Monotonic ns since boot and ns the CPU idled. */
void src_clock(uint64_t *up_ns, uint64_t *idle_ns);

/* The load average now, taking any 5-second samples that are due. */
const struct loadavg *src_loadavg(void);

/* An alarm came (AX_CLOCK): take the samples that are due and arm the next. */
void src_on_alarm(void);

#endif
