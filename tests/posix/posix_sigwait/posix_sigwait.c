/*
 * Waiting for signals instead of catching them: sigtimedwait, sigwaitinfo
 * and sigwait take a pending signal of the set (usually blocked), with its
 * siginfo; a timeout gives EAGAIN; another signal's handler gives EINTR
 * (which musl's wrapper hides by waiting again).
 */
#include <sys/syscall.h>

#include "../posixtest.h"

static volatile sig_atomic_t handled;

static void on_usr2(int sig) { handled = sig; }

int main(void)
{
	sigset_t set, old;
	siginfo_t info;
	struct timespec zero = {0, 0}, short_wait = {0, 100000000};
	int64_t t0;
	int r, sig = 0;
	pid_t pid;

	pt_guard(PT_PROGRAM_LIMIT);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, &old);

	kill(getpid(), SIGUSR1);
	memset(&info, 0, sizeof(info));
	r = sigtimedwait(&set, &info, &zero);
	report("posix_sigtimedwait_takes_pending_signal",
	       r == SIGUSR1 && info.si_signo == SIGUSR1 && info.si_code == SI_USER && info.si_pid == getpid(),
	       "gave %d, si_signo %d si_code %d si_pid %d", r, info.si_signo, info.si_code, (int)info.si_pid);
	sigpending(&old);
	report("posix_sigtimedwait_consumes_it", !sigismember(&old, SIGUSR1), "SIGUSR1 still pending");

	errno = 0;
	r = sigtimedwait(&set, &info, &zero);
	report("posix_sigtimedwait_zero_timeout_eagain", r == -1 && errno == EAGAIN, "gave %d (%s)", r,
	       pt_errname(errno));
	t0 = pt_now();
	errno = 0;
	r = sigtimedwait(&set, &info, &short_wait);
	report("posix_sigtimedwait_times_out_eagain", r == -1 && errno == EAGAIN && pt_now() - t0 >= 100000000LL,
	       "gave %d (%s) after %lld ns", r, pt_errname(errno), (long long)(pt_now() - t0));

	pid = fork();
	if (pid == 0) {
		struct timespec d = {0, 50000000};

		nanosleep(&d, 0);
		sigqueue(getppid(), SIGRTMIN, (union sigval){.sival_int = 77});
		_exit(0);
	}
	memset(&info, 0, sizeof(info));
	r = sigwaitinfo(&set, &info);
	report("posix_sigwaitinfo_blocks_until_sent", r == SIGRTMIN && info.si_code == SI_QUEUE &&
						       info.si_value.sival_int == 77 && info.si_pid == pid,
	       "gave %d, si_code %d value %d si_pid %d (child %d)", r, info.si_code, info.si_value.sival_int,
	       (int)info.si_pid, (int)pid);
	waitpid(pid, 0, 0);

	raise(SIGUSR1);
	r = sigwait(&set, &sig);
	report("posix_sigwait_returns_signal", r == 0 && sig == SIGUSR1, "gave %d, sig %d", r, sig);

	signal(SIGUSR2, on_usr2);
	pid = fork();
	if (pid == 0) {
		struct timespec d = {0, 50000000};

		nanosleep(&d, 0);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	errno = 0; /* the raw call: musl's sigtimedwait waits again after EINTR */
	r = (int)syscall(SYS_rt_sigtimedwait, &set, &info, &(struct timespec){5, 0}, 8);
	report("posix_sigtimedwait_interrupted_by_handler_eintr", r == -1 && errno == EINTR && handled == SIGUSR2,
	       "gave %d (%s), handled %d", r, pt_errname(errno), (int)handled);
	waitpid(pid, 0, 0);

	errno = 0;
	r = (int)syscall(SYS_rt_sigtimedwait, &set, 0, &zero, 4);
	report("posix_sigtimedwait_bad_sigsetsize_einval", r == -1 && errno == EINVAL, "gave %d (%s)", r,
	       pt_errname(errno));
	errno = 0;
	r = sigtimedwait(&set, &info, &(struct timespec){0, 1000000000});
	report("posix_sigtimedwait_bad_timeout_einval", r == -1 && errno == EINVAL, "gave %d (%s)", r,
	       pt_errname(errno));
	return 0;
}
