/*
 * fault: inject a fault into a running driver, to watch the system heal
 * (docs/fault.md). For now one kind:
 *
 *   fault crash [--counted] LABEL
 *       the driver takes a CPU exception at its next instruction, in the
 *       middle of the next request it is asked; rs restarts it at once, and
 *       its clients carry on. An experiment, not the driver's own failure:
 *       rs neither backs off nor gives up. --counted: counted as its own
 *       failure, as a bug would be (back-off, and after too many in a row
 *       the driver is marked failed).
 *   fault hang LABEL
 *       the driver loops from its next instruction, answering nothing; rs
 *       sees it miss its heartbeat (two periods) and ends and restarts it.
 *
 * It goes through rs (AX_SYS_RSCTL, RS_CTL_CRASH[_COUNTED], RS_CTL_HANG, forwarded by pm
 * with the caller's effective uid): root only; the services the system
 * cannot run without (vm, pm, ds, rs, vfs) are refused.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <proto/rs.h>

#define LABEL_MAX 15

static int usage(void)
{
	fprintf(stderr, "usage: fault crash [--counted] LABEL | fault hang LABEL\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint64_t w[2] = {0, 0};
	const char *label;
	int counted = argc == 4 && strcmp(argv[2], "--counted") == 0, hang = argc == 3 && strcmp(argv[1], "hang") == 0;
	long op = hang ? RS_CTL_HANG : counted ? RS_CTL_CRASH_COUNTED : RS_CTL_CRASH;

	if (!hang && (argc < 3 || argc > 4 || strcmp(argv[1], "crash") != 0 || (argc == 4 && !counted)))
		return usage();
	label = argv[argc - 1];
	if (!label[0] || strlen(label) > LABEL_MAX) {
		fprintf(stderr, "fault: '%s' is not a service label (1 to %d characters)\n", label, LABEL_MAX);
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "fault: only root may inject faults\n");
		return 1;
	}
	memcpy(w, label, strlen(label));
	if (syscall(AX_SYS_RSCTL, op, (long)w[0], (long)w[1]) == 0) {
		if (hang)
			printf("fault: hang injected into %s: it loops from its next instruction until rs sees it silent "
			       "(service status %s: its restarts)\n",
			       label, label);
		else
			printf("fault: crash injected into %s%s: it faults at its next instruction (service status %s: its "
			       "restarts)\n",
			       label, counted ? ", counted as its own failure" : "", label);
		return 0;
	}
	switch (errno) {
	case ESRCH: fprintf(stderr, "fault: no service named '%s' (service list shows them)\n", label); break;
	case EPERM: fprintf(stderr, "fault: %s may not be faulted: the system cannot run without it\n", label); break;
	case EAGAIN: fprintf(stderr, "fault: %s is not running\n", label); break;
	case ENOSYS: fprintf(stderr, "fault: this system has no rs to ask\n"); break;
	default: fprintf(stderr, "fault: %s %s failed: %s\n", argv[1], label, strerror(errno));
	}
	return 1;
}
