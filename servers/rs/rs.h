/*
 * What rs's files share: the record rs keeps of every service, for the
 * whole life of the system.
 */
#ifndef RS_RS_H
#define RS_RS_H

#include <sys/server.h>

#include "table.h"

/* Where a service is in its life. */
enum service_state {
	SVC_UNSTARTABLE,  /* its table entry has errors: never started */
	SVC_START_FAILED, /* its last start failed: last_error, at last_step */
	SVC_RUNNING,      /* ep is alive */
	SVC_DOWN,         /* it ended (last_death) and is not restarted: recovery none */
	SVC_RESTARTING,   /* it ended and waits out its back-off until restart_at_ns */
	SVC_FAILED,       /* it failed too often in a row (policy.h): left down */
};

/*
 * One service. Everything a restart needs is here: the binary stays in
 * rs's archive (mapped read-only in rs for good, so a driver restarts
 * without the disk), the slot is fixed by the table, and the counts and
 * times say when to back off or give up.
 */
struct service {
	struct svc_spec *spec; /* its table entry: label, privileges, policy, slot */
	const uint8_t *image;  /* its binary, inside rs's archive; 0 if it has none */
	size_t image_size;
	int state;                  /* enum service_state */
	endpoint_t ep;              /* the current (or last) incarnation; AX_NONE before the first */
	unsigned starts;            /* incarnations so far (the kernel's, for a boot service) */
	unsigned restarts;          /* of those, restarts after a death */
	unsigned streak;            /* failures in a row (policy.h) */
	uint64_t restart_at_ns;     /* SVC_RESTARTING: when the back-off ends */
	int cause;                  /* how the last incarnation ended: AX_DEATH_* or RS_CAUSE_*; 0 while none has */
	/* heartbeats (a `heartbeat` period in the table) */
	uint64_t alive_ns;          /* when rs sent the last ping it answered, or its start */
	uint64_t next_ping_ns;      /* when rs pings it next */
	uint64_t cpu_at_ping_ns;    /* its CPU time at the last ping: a silence without CPU since is starvation */
	int starved_said;           /* the log said so for this silence */
	int ready;                  /* the current incarnation has answered */
	int hung;                   /* rs ended it for its silence: its death is a hang */
	endpoint_t owes;            /* a caller whose request it took and had not answered at the last ping */
	uint64_t owes_call;         /* which of that caller's calls (KC_CPU_TIME's count) */
	uint64_t owes_since_ns;     /* the ping that first saw it */
	int dropped;                /* rs ended it for holding a request while answering pings: its death is a hang */
	endpoint_t complainer;      /* rs ended it on this server's complaint (RS_COMPLAIN); 0 if not */
	int demand;                 /* rs ended it for `service down|restart|refresh` (enum rs_ctl_op): 0 if not */
	int fresh;                  /* its next start is as at boot: restart count 0 (`service refresh`) */
	uint64_t kept_va;           /* its kept state (a `kept` entry), in rs's own memory; 0 until first asked for */
	int kept_wipe;              /* its next incarnation starts from defaults: RS_KEPT answers fresh */
	int injected;               /* the current incarnation was given a fault by the fault command: INJECTED_* */
	unsigned injections;        /* faults injected so far */
	int injected_op;            /* the last one (enum rs_ctl_op) */
	unsigned flipped;           /* bits it flipped (RS_CTL_FLIP) */
	uint64_t injected_ns;       /* when; 0: never */
	uint64_t ready_ns;          /* when the current incarnation first answered; 0: not yet */
	uint64_t recovery_ns;       /* the last restart: from the end of the one before to the first answer */
	struct ax_death last_death; /* how the last incarnation ended; cause 0 while none has */
	int last_error;             /* why the last start failed: a negative errno */
	const char *last_step;      /* and at which step */
	uint64_t started_ns;        /* when the current incarnation started (0: by the kernel) */
	uint64_t ended_ns;          /* when the last one ended */
};

/* info.c: what procfs reads (proto/rs.h) */
void info_init(struct ax_grant *g);
void info_service(int i, const struct service *s);

/* publish.c: label as ep in state (enum ds_state) in ds; 0 or a negative errno */
int publish_in_ds(endpoint_t ds, const char *label, endpoint_t ep, int state);

/* rs.c: s's new incarnation ep is about to run: tell ds (start.c calls it before KC_PROC_START). */
void announce_start(const struct service *s, endpoint_t ep);

/* start.c */
void start_init(void);
/*
 * Build and start one incarnation of s from its binary, in its slot, with
 * the boot information base extended with itself. Returns its endpoint, or
 * a negative errno with *step naming what failed; a half-built process is
 * destroyed again (its death report comes to rs like any other).
 */
endpoint_t start_service(struct service *s, const struct ax_bootinfo *base, const char **step);
/* Copy len bytes between buf (ours) and va in ep (direction AX_COPY_TO: into ep): 0 or a negative errno. */
int copy_with(endpoint_t ep, uint64_t va, void *buf, uint64_t len, int direction);

/* inject.c: act out fault c->op (all but RS_CTL_KILL) in the running s: 0, or a negative errno. */
struct rs_ctl_request;
int64_t inject(struct service *s, const struct rs_ctl_request *c);

#define STARVED_CPU_NS 2000000ULL /* less CPU than this (the clock's resolution is 1 ms) since the last ping */

/* service.injected: an experiment (restarted at once, outside its failure streak), or counted as its own failure */
enum { INJECTED_NONE, INJECTED_UNCOUNTED, INJECTED_COUNTED };

#endif
