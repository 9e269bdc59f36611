/*
 * The service table (etc/services): which services rs starts, in which
 * order, with which privileges, and how each is to be watched and
 * recovered. The format is described in docs/rs.md. Parsing and checking
 * are pure logic, unit-tested on the host (tests/unit/test_service_table.c).
 *
 * Two steps, so that a table may name services that come later in it:
 * svc_table_parse reads the text; svc_table_resolve then gives every
 * service its process slot and turns IPC target labels into slots. Both
 * go on after an error: the service with the bad line is marked invalid
 * (rs does not start it) and the others are unaffected.
 */
#ifndef RS_TABLE_H
#define RS_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include <axolotl/abi.h>

#define SVC_MAX 32        /* services in one table */
#define SVC_LABEL_MAX 16  /* with the NUL: like process names and ds labels */
#define SVC_PATH_MAX 64   /* binary path inside rs's archive, with the NUL */
#define SVC_ARGS_MAX 16   /* arguments after argv[0] */
#define SVC_ARG_BYTES 256 /* all argument strings, NULs included */
#define SVC_IPC_MAX 32    /* IPC target labels per service */
#define SVC_ERRORS_MAX 16 /* errors kept with their text; more are only counted */
#define SVC_ERROR_TEXT 96

/* Limits of the values, checked by the parser (docs/rs.md). */
#define SVC_QUANTUM_MAX 1000      /* ms, as KC_SCHEDULE takes */
#define SVC_HEARTBEAT_MAX 3600000 /* ms */
#define SVC_RESTARTS_MAX 1000
#define SVC_KEPT_MAX (16ULL << 20) /* bytes of kept state, at most */

/* Defaults of a service that does not say. */
#define SVC_DEFAULT_PRIO 8
#define SVC_DEFAULT_QUANTUM 10
#define SVC_DEFAULT_RESTARTS 5

enum svc_recovery {
	SVC_RECOVER_RESTART, /* start it again from rs's copy of its binary */
	SVC_RECOVER_NONE,    /* leave it down */
};

/* What the table says about one service. */
struct svc_spec {
	char label[SVC_LABEL_MAX];     /* its name: process name, boot info entry, ds label */
	char binary[SVC_PATH_MAX];     /* path in rs's archive; may be empty for a boot service */
	int argc;                      /* arguments after argv[0], which is the label */
	uint16_t arg_at[SVC_ARGS_MAX]; /* where each starts in args */
	char args[SVC_ARG_BYTES];      /* NUL-terminated, one after the other */
	struct ax_priv priv;           /* send_to is filled in by svc_table_resolve */
	int nipc;                      /* IPC target labels, as written */
	char ipc[SVC_IPC_MAX][SVC_LABEL_MAX];
	int ipc_line[SVC_IPC_MAX]; /* where each was named, for errors found when resolving */
	int prio;                  /* 0 (most urgent) .. 15 */
	unsigned quantum_ms;
	unsigned heartbeat_ms; /* ping period; 0: not pinged */
	int recovery;          /* enum svc_recovery */
	unsigned max_restarts; /* restarts before it is marked failed */
	uint64_t kept;         /* bytes of memory rs keeps for it across its restarts (whole pages; 0: none) */
	int boot;              /* started by the kernel (its boot line says super=rs): rs adopts it */
	int slot;              /* the process-table slot it lives in, every incarnation; 0 if none */
	int line;              /* of its `service` line */
	int valid;             /* no error in its entry: rs may start it */
};

struct svc_error {
	int line; /* 0: about the table as a whole */
	char text[SVC_ERROR_TEXT];
};

struct svc_table {
	int count;
	struct svc_spec svc[SVC_MAX];
	int nerrors; /* every error found; the first SVC_ERRORS_MAX are in error[] */
	struct svc_error error[SVC_ERRORS_MAX];
};

/*
 * Parse the table text[0..len) into *t. kcall_names[n] names kernel call n
 * (the kernel's own names). Returns the number of errors (0: all good);
 * each is in t->error with its line, and the services they concern are
 * marked invalid.
 */
int svc_table_parse(const char *text, size_t len, const char *const *kcall_names, int nkcalls, struct svc_table *t);

/*
 * Give every service its slot and resolve IPC targets, against the boot
 * processes in *boot. A `boot` service lives in the slot of the boot
 * process of that name; the others get the slots from the top of the
 * process table down, in table order (the kernel hands out the lowest free
 * slot to everyone else, so these stay free for restarts). A target is a
 * service of the table or a boot process. Returns the number of new errors.
 */
int svc_table_resolve(struct svc_table *t, const struct ax_bootinfo *boot);

/* The service with that label, or 0. */
struct svc_spec *svc_table_find(struct svc_table *t, const char *label);

#endif
