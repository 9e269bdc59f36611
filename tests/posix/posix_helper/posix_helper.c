/*
 * The program the POSIX tests exec: argv[1] names a check of the state
 * execve (or posix_spawn) left, and the exit status says what was wrong
 * (0: all right; otherwise a bitmask documented at each mode). Without
 * pipes or files yet, an exit status is how the result gets back.
 *
 *   exit N                  exit with N
 *   args PID PPID           argv, envp, pid and ppid as posix_exec passed them
 *   auxv EXECFN             the auxiliary vector
 *   random HEX              AT_RANDOM's 16 bytes differ from HEX (the parent's)
 *   many N                  N more arguments of 100 bytes each, in order
 *   sigstate                what exec keeps and resets of signal state
 *   alarm                   exit with the seconds left on an alarm set before exec
 *   rlimit SOFT HARD        RLIMIT_NOFILE as set before exec
 *   spawn                   the attributes posix_spawn was given
 *   sleep MS                sleep, then exit 0
 *   notify-sleep MS         send SIGUSR2 to the parent ("I have exec'd"), then sleep
 *   recurse KIB             use KIB KiB of stack, then exit 0 (or die of SIGSEGV)
 */
#include <elf.h>
#include <sys/auxv.h>
#include <sys/resource.h>

#include "../posixtest.h"

extern char **environ;
extern void _start(void);

/* argv, envp, pid, ppid: bit 1 argv, 2 envp, 4 pid, 8 ppid. */
static int check_args(int argc, char **argv)
{
	static const char *const env[] = {"ALPHA=1", "BETA=two words", "EMPTY=", 0};
	char long_arg[3001];
	int bad = 0, n = 0;

	memset(long_arg, 'x', 3000);
	long_arg[3000] = 0;
	if (argc != 7 || strcmp(argv[0], "helper-argv0") || strcmp(argv[4], "") || strcmp(argv[5], "two words") ||
	    strcmp(argv[6], long_arg) || argv[7])
		bad |= 1;
	for (; environ[n]; n++)
		if (n >= 3 || strcmp(environ[n], env[n]))
			bad |= 2;
	if (n != 3)
		bad |= 2;
	if (argc >= 4 && getpid() != atoi(argv[2]))
		bad |= 4;
	if (argc >= 4 && getppid() != atoi(argv[3]))
		bad |= 8;
	return bad;
}

/*
 * The auxiliary vector: bit 1 AT_PAGESZ, 2 AT_PHDR/AT_PHENT/AT_PHNUM (they
 * must describe this very program: the ELF header mapped at the segment
 * of file offset 0 agrees), 4 AT_ENTRY (is _start), 8 AT_EXECFN (the path
 * given to execve, not argv[0]), 16 AT_RANDOM, 32 the ids.
 */
static int check_auxv(const char *execfn)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long phnum = getauxval(AT_PHNUM), entry = getauxval(AT_ENTRY);
	const char *fn = (const char *)getauxval(AT_EXECFN);
	const Elf64_Ehdr *eh = 0;
	int bad = 0, exec_covers_entry = 0;

	if (getauxval(AT_PAGESZ) != 4096)
		bad |= 1;
	if (!ph || getauxval(AT_PHENT) != sizeof(Elf64_Phdr) || phnum == 0 || phnum > 64) {
		bad |= 2;
	} else {
		for (unsigned long i = 0; i < phnum; i++) {
			if (ph[i].p_type != PT_LOAD)
				continue;
			if (ph[i].p_offset == 0)
				eh = (const Elf64_Ehdr *)ph[i].p_vaddr;
			if ((ph[i].p_flags & PF_X) && entry >= ph[i].p_vaddr && entry < ph[i].p_vaddr + ph[i].p_memsz)
				exec_covers_entry = 1;
		}
		if (!eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_phnum != phnum ||
		    (uintptr_t)eh + eh->e_phoff != (uintptr_t)ph)
			bad |= 2;
		if (!exec_covers_entry || (eh && eh->e_entry != entry))
			bad |= 4;
	}
	if (entry != (unsigned long)(uintptr_t)_start)
		bad |= 4;
	if (!fn || strcmp(fn, execfn))
		bad |= 8;
	if (!getauxval(AT_RANDOM))
		bad |= 16;
	if (getauxval(AT_UID) != getuid() || getauxval(AT_EUID) != geteuid() || getauxval(AT_GID) != getgid() ||
	    getauxval(AT_EGID) != getegid())
		bad |= 32;
	return bad;
}

/* 0: AT_RANDOM differs from hex; 1: it is the same; 2: no AT_RANDOM; 3: all zero. */
static int check_random(const char *hex)
{
	const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
	char mine[33];
	int zero = 1;

	if (!r)
		return 2;
	for (int i = 0; i < 16; i++) {
		snprintf(mine + 2 * i, 3, "%02x", r[i]);
		zero = zero && r[i] == 0;
	}
	if (zero)
		return 3;
	return strcmp(mine, hex) == 0;
}

/* 0 if argv[2..] are exactly n arguments "NNNN:" padded with 'a' to 100 bytes. */
static int check_many(int argc, char **argv)
{
	int n = atoi(argv[2]);
	char want[101];

	if (argc != n + 3)
		return 1;
	for (int i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "%04d:", i);
		memset(want + 5, 'a', 95);
		want[100] = 0;
		if (strcmp(argv[i + 3], want))
			return 2;
	}
	return 0;
}

/*
 * What exec does to signals (the parent set SIGUSR1 to a handler, SIGUSR2 to
 * SIG_IGN, blocked SIGHUP and raised it, and had an alternate stack): bit 1
 * SIGUSR1 caught became SIG_DFL, 2 SIGUSR2 stays ignored, 4 SIGHUP stays
 * blocked, 8 SIGHUP stays pending, 16 no alternate stack any more.
 */
static int check_sigstate(void)
{
	struct sigaction sa;
	sigset_t mask, pending;
	stack_t ss;
	int bad = 0;

	if (sigaction(SIGUSR1, 0, &sa) != 0 || sa.sa_handler != SIG_DFL)
		bad |= 1;
	if (sigaction(SIGUSR2, 0, &sa) != 0 || sa.sa_handler != SIG_IGN)
		bad |= 2;
	if (sigprocmask(SIG_BLOCK, 0, &mask) != 0 || !sigismember(&mask, SIGHUP))
		bad |= 4;
	if (sigpending(&pending) != 0 || !sigismember(&pending, SIGHUP))
		bad |= 8;
	if (sigaltstack(0, &ss) != 0 || !(ss.ss_flags & SS_DISABLE))
		bad |= 16;
	return bad;
}

/* posix_spawn's attributes: bit 1 own process group, 2 SIGUSR1 blocked, 4 SIGUSR2 back to SIG_DFL. */
static int check_spawn(void)
{
	struct sigaction sa;
	sigset_t mask;
	int bad = 0;

	if (getpgrp() != getpid())
		bad |= 1;
	if (sigprocmask(SIG_BLOCK, 0, &mask) != 0 || !sigismember(&mask, SIGUSR1))
		bad |= 2;
	if (sigaction(SIGUSR2, 0, &sa) != 0 || sa.sa_handler != SIG_DFL)
		bad |= 4;
	return bad;
}

/* Recursion with about 4 KiB of locals per call, every page touched. */
static unsigned long deep(long depth)
{
	volatile unsigned char frame[4000];

	frame[0] = (unsigned char)depth;
	frame[sizeof(frame) - 1] = 1;
	return depth > 0 ? deep(depth - 1) + frame[0] : frame[sizeof(frame) - 1];
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "alarm") == 0) { /* before our own time limit replaces it */
		unsigned left = alarm(0);

		return left > 255 ? 255 : (int)left;
	}
	if (strcmp(mode, "sigstate") == 0)
		return check_sigstate();
	if (strcmp(mode, "spawn") == 0)
		return check_spawn();
	pt_guard(PT_CHILD_LIMIT);
	if (strcmp(mode, "exit") == 0 && argc == 3)
		return atoi(argv[2]);
	if (strcmp(mode, "args") == 0)
		return check_args(argc, argv);
	if (strcmp(mode, "auxv") == 0 && argc == 3)
		return check_auxv(argv[2]);
	if (strcmp(mode, "random") == 0 && argc == 3)
		return check_random(argv[2]);
	if (strcmp(mode, "many") == 0 && argc >= 3)
		return check_many(argc, argv);
	if (strcmp(mode, "rlimit") == 0 && argc == 4) {
		struct rlimit rl;

		return getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur != strtoull(argv[2], 0, 10) ||
		       rl.rlim_max != strtoull(argv[3], 0, 10);
	}
	if (strcmp(mode, "sleep") == 0 && argc == 3) {
		pt_sleep_ms(atol(argv[2]));
		return 0;
	}
	if (strcmp(mode, "recurse") == 0 && argc == 3)
		return deep(atol(argv[2]) / 4) ? 0 : 1;
	if (strcmp(mode, "notify-sleep") == 0 && argc == 3) {
		kill(getppid(), SIGUSR2);
		pt_sleep_ms(atol(argv[2]));
		return 0;
	}
	pt_note("posix_helper: unknown mode %s", mode);
	return 254;
}
