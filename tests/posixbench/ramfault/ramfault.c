/*
 * ramfault: the RAM disk's read throughput while its driver is crashed
 * every 200 ms (issue 16's target: under 5 % lost), for make bench.
 *
 *   ramfault [SECONDS]      (default 3; run as root: it injects the faults)
 *
 * Fills /dev/ram0 with a pattern, then reads it whole again and again, 64 KiB
 * at a time, checking every byte, for SECONDS of guest time: once quietly,
 * once while a child asks rs every 200 ms to crash the memory driver
 * (AX_SYS_RSCTL, RS_CTL_CRASH: what `fault crash memory` does). Prints
 *   RAMFAULT quiet <bytes/s> faults 0 errors <n> wrong <n>
 *   RAMFAULT crashed <bytes/s> faults <n> errors <n> wrong <n>
 *   RAMFAULT loss <percent>
 * errors: reads that failed or came short; wrong: bytes that differ.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DISK (8u << 20)
#define PIECE (64u << 10)
#define AX_SYS_RSCTL 500
#define RS_CTL_CRASH 5

static unsigned char want[DISK], got[PIECE];

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void pattern(void)
{
	uint32_t x = 0x12345678;

	for (size_t i = 0; i < DISK; i += 4) {
		x = x * 1103515245u + 12345u;
		memcpy(want + i, &x, 4);
	}
}

/*
 * The crasher: every 200 ms, a crash for the memory driver, until the
 * parent closes the pipe; exits with how many rs took (at most 255).
 */
static void crasher(int done)
{
	struct timespec period = {0, 200 * 1000 * 1000};
	uint64_t label[2] = {0, 0};
	int n = 0;
	char c;

	memcpy(label, "memory", 6);
	fcntl(done, F_SETFL, O_NONBLOCK);
	for (;;) {
		nanosleep(&period, 0);
		if (read(done, &c, 1) == 0)
			_exit(n);
		if (syscall(AX_SYS_RSCTL, (long)RS_CTL_CRASH, (long)label[0], (long)label[1], 0L, 0L, 0L) == 0 && n < 255)
			n++;
	}
}

static double run(const char *name, double seconds, int crash)
{
	int fd = open("/dev/ram0", O_RDONLY), status = 0, done[2] = {-1, -1};
	long errors = 0, wrong = 0, faults = 0;
	double t0, t;
	uint64_t bytes = 0;
	pid_t child = -1;

	if (fd < 0 || (crash && pipe(done) < 0))
		return printf("ramfault: /dev/ram0 or a pipe: %s\n", strerror(errno)), 0;
	if (crash && (child = fork()) == 0) {
		close(done[1]);
		crasher(done[0]);
	}
	t0 = now();
	while ((t = now()) - t0 < seconds) {
		for (size_t off = 0; off < DISK; off += PIECE) {
			ssize_t r = pread(fd, got, PIECE, (off_t)off);

			if (r != (ssize_t)PIECE) {
				errors++;
				continue;
			}
			for (size_t i = 0; i < PIECE; i++)
				wrong += got[i] != want[off + i];
			bytes += PIECE;
		}
	}
	t = now() - t0;
	if (child > 0) {
		close(done[1]);
		close(done[0]);
		if (waitpid(child, &status, 0) == child && WIFEXITED(status))
			faults = WEXITSTATUS(status);
	}
	close(fd);
	printf("RAMFAULT %s %.0f faults %ld errors %ld wrong %ld\n", name, bytes / t, faults, errors, wrong);
	return bytes / t;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 3;
	int fd = open("/dev/ram0", O_WRONLY);
	double quiet, crashed;

	if (argc > 2 || seconds <= 0 || seconds > 600) {
		fprintf(stderr, "usage: ramfault [SECONDS (0 < s <= 600)]\n");
		return 2;
	}
	pattern();
	for (size_t off = 0; fd >= 0 && off < DISK; off += PIECE)
		if (pwrite(fd, want + off, PIECE, (off_t)off) != (ssize_t)PIECE)
			fd = -1;
	if (fd < 0) {
		printf("ramfault: cannot fill /dev/ram0: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	quiet = run("quiet", seconds, 0);
	crashed = run("crashed", seconds, 1);
	printf("RAMFAULT loss %.1f\n", quiet > 0 ? 100.0 * (quiet - crashed) / quiet : 0.0);
	printf("RAMFAULT DONE\n");
	return 0;
}
