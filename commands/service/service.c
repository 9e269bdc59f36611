/*
 * service: list the system's services and start, stop or restart them,
 * through rs (docs/service.md). The list and a service's status come from
 * /proc/services (procfs, from rs's published table); up, down, restart
 * and refresh are the system call AX_SYS_RSCTL, which pm forwards to rs
 * with the caller's effective uid (lib/sys/include/proto/rs.h).
 *
 *   service list
 *   service status LABEL
 *   service up|down|restart|refresh LABEL
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <proto/rs.h>

#define SERVICES "/proc/services"
#define LABEL_MAX 15

static void usage(void)
{
	fprintf(stderr, "usage: service list | status LABEL | up|down|restart|refresh LABEL\n");
	exit(2);
}

static FILE *open_services(void)
{
	FILE *f = fopen(SERVICES, "r");

	if (!f) {
		fprintf(stderr, "service: cannot read %s: %s\n", SERVICES, strerror(errno));
		exit(1);
	}
	return f;
}

static int list(void)
{
	FILE *f = open_services();
	char line[256];

	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
	return 0;
}

/* One service's line of /proc/services, said in words. */
static int status(const char *label)
{
	FILE *f = open_services();
	char line[256], name[32], ep[16], state[16], cause[16], up[24];
	unsigned restarts, starts;

	fgets(line, sizeof(line), f); /* the header */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %15s %15s %u %u %15s %23s", name, ep, state, &restarts, &starts, cause, up) != 7 ||
		    strcmp(name, label) != 0)
			continue;
		fclose(f);
		printf("%s: %s, endpoint %s, %u start%s, %u restart%s, last ended: %s, up %s%s\n", name, state, ep, starts,
		       starts == 1 ? "" : "s", restarts, restarts == 1 ? "" : "s", strcmp(cause, "-") ? cause : "never",
		       up, strcmp(up, "-") ? " s" : "");
		return 0;
	}
	fclose(f);
	fprintf(stderr, "service: no service named '%s' (service list shows them)\n", label);
	return 1;
}

static int control(const char *verb, int op, const char *label)
{
	uint64_t w[2] = {0, 0};
	long r;

	memcpy(w, label, strlen(label));
	r = syscall(AX_SYS_RSCTL, (long)op, (long)w[0], (long)w[1], 0L, 0L, 0L);
	if (r == 0)
		return 0;
	switch (errno) {
	case ESRCH:
		fprintf(stderr, "service: no service named '%s' (service list shows them)\n", label);
		break;
	case EPERM:
		fprintf(stderr, "service: %s may not be %s: the system cannot run without it\n", label,
			op == RS_CTL_UP ? "started by hand" : "stopped or restarted");
		break;
	case EBUSY:
		fprintf(stderr, "service: %s is already running\n", label);
		break;
	case ENOSYS:
		fprintf(stderr, "service: this system has no rs to ask\n");
		break;
	default:
		fprintf(stderr, "service: %s %s failed: %s\n", verb, label, strerror(errno));
	}
	return 1;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *verb;
		int op;
	} verbs[] = {{"up", RS_CTL_UP}, {"down", RS_CTL_DOWN}, {"restart", RS_CTL_RESTART}, {"refresh", RS_CTL_REFRESH}};

	if (argc < 2)
		usage();
	if (geteuid() != 0) {
		fprintf(stderr, "service: only root may use service (anyone may read %s)\n", SERVICES);
		return 1;
	}
	if (strcmp(argv[1], "list") == 0) {
		if (argc != 2)
			usage();
		return list();
	}
	if (argc != 3)
		usage();
	if (!argv[2][0] || strlen(argv[2]) > LABEL_MAX) {
		fprintf(stderr, "service: '%s' is not a service label (1 to %d characters)\n", argv[2], LABEL_MAX);
		return 2;
	}
	if (strcmp(argv[1], "status") == 0)
		return status(argv[2]);
	for (unsigned i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].verb) == 0)
			return control(verbs[i].verb, verbs[i].op, argv[2]);
	fprintf(stderr, "service: unknown command '%s'\n", argv[1]);
	usage();
}
