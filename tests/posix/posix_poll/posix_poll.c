/*
 * Waiting for descriptors: poll, ppoll, select and pselect6 on pipes,
 * regular files and /dev/null. Timeouts (0 returns at once, 100 ms waits
 * about that long on CLOCK_MONOTONIC, with generous bounds for a slow
 * emulator), readiness when a child writes, POLLHUP and POLLERR when the
 * other end closes, POLLNVAL and EBADF for bad descriptors, signals.
 */
#define _FILE_OFFSET_BITS 64
#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/syscall.h>

#include "../posixtest.h"

#define MS 1000000LL

static long elapsed_ms(int64_t t0)
{
	return (long)((pt_now() - t0) / MS);
}

/* A child that sleeps ms, then writes one byte into fd; -1 if fork failed. */
static pid_t write_later(int fd, long ms)
{
	pid_t pid = fork();

	if (pid == 0) {
		pt_guard(PT_CHILD_LIMIT);
		pt_sleep_ms(ms);
		_exit(write(fd, "r", 1) == 1 ? 0 : 1);
	}
	return pid;
}

static void test_poll_timeouts(void)
{
	struct pollfd pf;
	int p[2], r;
	int64_t t0;
	long ms;

	pipe(p);
	pf = (struct pollfd){.fd = p[0], .events = POLLIN};
	t0 = pt_now();
	r = poll(&pf, 1, 0);
	ms = elapsed_ms(t0);
	report("posix_poll_zero_timeout_returns_at_once", r == 0 && pf.revents == 0 && ms < 500,
	       "poll gave %d, revents %#x after %ld ms", r, pf.revents, ms);
	t0 = pt_now();
	r = poll(&pf, 1, 100);
	ms = elapsed_ms(t0);
	report("posix_poll_100ms_timeout_waits_about_that_long", r == 0 && ms >= 90 && ms < 2000,
	       "poll gave %d after %ld ms", r, ms);
	t0 = pt_now();
	r = poll(0, 0, 100);
	ms = elapsed_ms(t0);
	report("posix_poll_no_descriptors_sleeps", r == 0 && ms >= 90 && ms < 2000, "poll gave %d after %ld ms", r,
	       ms);
	close(p[0]), close(p[1]);
}

static void test_poll_events(void)
{
	struct pollfd pf[3];
	int p[2], q[2], fd, r, st = 0;
	pid_t pid;
	int64_t t0;
	long ms;
	char b[4];

	pipe(p);
	pid = write_later(p[1], 100);
	pf[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
	t0 = pt_now();
	r = poll(pf, 1, 5000);
	ms = elapsed_ms(t0);
	pt_wait(pid, &st, 0);
	report("posix_poll_ready_when_child_writes", r == 1 && pf[0].revents == POLLIN && ms >= 50 && ms < 4000,
	       "poll gave %d, revents %#x after %ld ms", r, pf[0].revents, ms);
	pid = write_later(p[1], 100);
	pf[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
	r = poll(pf, 1, -1);
	pt_wait(pid, &st, 0);
	report("posix_poll_infinite_timeout_ready_when_child_writes", r == 1 && pf[0].revents == POLLIN,
	       "poll gave %d, revents %#x", r, pf[0].revents);
	read(p[0], b, sizeof(b));

	pf[0] = (struct pollfd){.fd = p[1], .events = POLLOUT};
	r = poll(pf, 1, 0);
	report("posix_poll_empty_pipe_writable", r == 1 && pf[0].revents == POLLOUT, "poll gave %d, revents %#x", r,
	       pf[0].revents);
	close(p[1]);
	pf[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
	r = poll(pf, 1, 1000);
	report("posix_poll_pollhup_when_writer_closes", r == 1 && (pf[0].revents & POLLHUP) && !(pf[0].revents & POLLIN),
	       "poll gave %d, revents %#x", r, pf[0].revents);
	close(p[0]);

	pipe(p);
	write(p[1], "ab", 2);
	close(p[1]);
	pf[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
	r = poll(pf, 1, 0);
	report("posix_poll_data_and_hangup_together", r == 1 && pf[0].revents == (POLLIN | POLLHUP),
	       "poll gave %d, revents %#x", r, pf[0].revents);
	pf[0] = (struct pollfd){.fd = p[0], .events = 0};
	r = poll(pf, 1, 0);
	report("posix_poll_pollhup_reported_even_if_not_asked", r == 1 && pf[0].revents == POLLHUP,
	       "poll gave %d, revents %#x", r, pf[0].revents);
	close(p[0]);

	pipe(p);
	close(p[0]);
	pf[0] = (struct pollfd){.fd = p[1], .events = POLLOUT};
	r = poll(pf, 1, 0);
	report("posix_poll_pollerr_when_reader_closes", r == 1 && (pf[0].revents & POLLERR), "poll gave %d, revents %#x",
	       r, pf[0].revents);
	close(p[1]);

	pf[0] = (struct pollfd){.fd = 999, .events = POLLIN};
	pf[1] = (struct pollfd){.fd = -1, .events = POLLIN, .revents = 0x55};
	r = poll(pf, 2, 0);
	report("posix_poll_bad_descriptor_pollnval_negative_ignored", r == 1 && pf[0].revents == POLLNVAL &&
	                                                                  pf[1].revents == 0,
	       "poll gave %d, revents %#x and %#x", r, pf[0].revents, pf[1].revents);

	pipe(p), pipe(q);
	write(p[1], "x", 1);
	fd = open("/dev/null", O_RDONLY);
	pf[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
	pf[1] = (struct pollfd){.fd = q[0], .events = POLLIN};
	pf[2] = (struct pollfd){.fd = q[1], .events = POLLOUT};
	r = poll(pf, 3, 0);
	report("posix_poll_counts_ready_descriptors", r == 2 && pf[0].revents == POLLIN && pf[1].revents == 0 &&
	                                                  pf[2].revents == POLLOUT,
	       "poll gave %d, revents %#x %#x %#x", r, pf[0].revents, pf[1].revents, pf[2].revents);
	pf[0] = (struct pollfd){.fd = fd, .events = POLLIN | POLLOUT};
	r = poll(pf, 1, 0);
	report("posix_poll_dev_null_ready", r == 1 && pf[0].revents == (POLLIN | POLLOUT), "poll gave %d, revents %#x",
	       r, pf[0].revents);
	close(fd);
	close(p[0]), close(p[1]), close(q[0]), close(q[1]);

	fd = open(pt_etc("posix-data"), O_RDONLY);
	pf[0] = (struct pollfd){.fd = fd, .events = POLLIN | POLLOUT};
	t0 = pt_now();
	r = poll(pf, 1, 1000);
	ms = elapsed_ms(t0);
	report("posix_poll_regular_file_always_ready", fd >= 0 && r == 1 && pf[0].revents == (POLLIN | POLLOUT) && ms < 500,
	       "open gave %d; poll gave %d, revents %#x after %ld ms", fd, r, pf[0].revents, ms);
	close(fd);
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig)
{
	(void)sig, got_usr1++;
}

static void test_poll_signals(void)
{
	struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_RESTART};
	struct pollfd pf;
	struct timespec ts = {5, 0};
	sigset_t usr1, none, old, cur, usr2;
	int p[2], r, e, st = 0;
	pid_t pid;

	pipe(p);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, 0);
	got_usr1 = 0;
	pid = fork();
	if (pid == 0) {
		pt_guard(PT_CHILD_LIMIT);
		for (int i = 0; i < 50; i++) { /* until the parent has gone past its poll and killed us */
			pt_sleep_ms(100);
			kill(getppid(), SIGUSR1);
		}
		_exit(0);
	}
	pf = (struct pollfd){.fd = p[0], .events = POLLIN};
	errno = 0;
	r = poll(&pf, 1, -1);
	e = errno;
	kill(pid, SIGKILL);
	pt_wait(pid, &st, 0);
	report("posix_poll_interrupted_eintr_even_with_sa_restart", r < 0 && e == EINTR && got_usr1 >= 1,
	       "poll gave %d (%s), handler ran %d times", r, pt_errname(e), (int)got_usr1);

	/* ppoll's mask: SIGUSR1 blocked and pending, ppoll with an empty mask lets it in */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	got_usr1 = 0;
	raise(SIGUSR1);
	errno = 0;
	r = ppoll(&pf, 1, &ts, &none);
	e = errno;
	report("posix_ppoll_mask_lets_pending_signal_in_eintr", r < 0 && e == EINTR && got_usr1 == 1,
	       "ppoll gave %d (%s), handler ran %d times", r, pt_errname(e), (int)got_usr1);
	sigprocmask(SIG_SETMASK, 0, &cur);
	report("posix_ppoll_mask_back_after_the_handler", sigismember(&cur, SIGUSR1) == 1, "SIGUSR1 no longer blocked");
	/* a mask that blocks SIGUSR2 for a ppoll that times out: the old mask comes back */
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	ts = (struct timespec){0, 20 * MS};
	r = ppoll(&pf, 1, &ts, &usr2);
	sigprocmask(SIG_SETMASK, 0, &cur);
	report("posix_ppoll_mask_back_after_a_timeout", r == 0 && sigismember(&cur, SIGUSR2) == 0,
	       "ppoll gave %d, SIGUSR2 blocked afterwards: %d", r, sigismember(&cur, SIGUSR2));
	sigprocmask(SIG_SETMASK, &old, 0);
	ts = (struct timespec){5, 0};

	ts = (struct timespec){0, 50 * MS};
	{
		int64_t t0 = pt_now();
		long ms;

		r = ppoll(&pf, 1, &ts, 0);
		ms = elapsed_ms(t0);
		report("posix_ppoll_null_sigmask_times_out", r == 0 && ms >= 40 && ms < 2000, "ppoll gave %d after %ld ms",
		       r, ms);
	}
	write(p[1], "x", 1);
	ts = (struct timespec){1, 0};
	r = ppoll(&pf, 1, &ts, 0);
	report("posix_ppoll_null_sigmask_ready", r == 1 && pf.revents == POLLIN, "ppoll gave %d, revents %#x", r,
	       pf.revents);
	signal(SIGUSR1, SIG_DFL);
	close(p[0]), close(p[1]);
}

static void test_select(void)
{
	fd_set rd, wr;
	struct timeval tv;
	int p[2], q[2], r, st = 0, fd;
	pid_t pid;
	int64_t t0;
	long ms;

	pipe(p);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv = (struct timeval){0, 0};
	t0 = pt_now();
	r = select(p[0] + 1, &rd, 0, 0, &tv);
	ms = elapsed_ms(t0);
	report("posix_select_zero_timeout_returns_at_once", r == 0 && !FD_ISSET(p[0], &rd) && ms < 500,
	       "select gave %d after %ld ms", r, ms);
	FD_SET(p[0], &rd);
	tv = (struct timeval){0, 100000};
	t0 = pt_now();
	r = (int)syscall(SYS_select, p[0] + 1, &rd, 0, 0, &tv); /* musl's select passes a copy of tv */
	ms = elapsed_ms(t0);
	report("posix_select_100ms_timeout_waits_about_that_long", r == 0 && ms >= 90 && ms < 2000,
	       "select gave %d after %ld ms", r, ms);
	report("posix_select_timeout_leaves_zero_remaining", tv.tv_sec == 0 && tv.tv_usec == 0,
	       "timeval after the time-out: %ld.%06ld", (long)tv.tv_sec, (long)tv.tv_usec);

	pid = write_later(p[1], 100);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	t0 = pt_now();
	r = select(p[0] + 1, &rd, 0, 0, 0);
	ms = elapsed_ms(t0);
	pt_wait(pid, &st, 0);
	report("posix_select_ready_when_child_writes", r == 1 && FD_ISSET(p[0], &rd) && ms >= 50,
	       "select gave %d after %ld ms", r, ms);

	pipe(q);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(q[0], &rd);
	FD_SET(q[1], &wr);
	tv = (struct timeval){1, 0};
	r = select((q[1] > p[0] ? q[1] : p[0]) + 1, &rd, &wr, 0, &tv);
	report("posix_select_counts_and_clears_unready", r == 2 && FD_ISSET(p[0], &rd) && !FD_ISSET(q[0], &rd) &&
	                                                     FD_ISSET(q[1], &wr),
	       "select gave %d; bits %d %d %d", r, FD_ISSET(p[0], &rd), FD_ISSET(q[0], &rd), FD_ISSET(q[1], &wr));

	close(q[1]);
	FD_ZERO(&rd);
	FD_SET(q[0], &rd);
	tv = (struct timeval){1, 0};
	r = select(q[0] + 1, &rd, 0, 0, &tv);
	report("posix_select_readable_at_end_of_file", r == 1 && FD_ISSET(q[0], &rd), "select gave %d", r);
	close(q[0]);

	fd = dup(p[0]); /* a closed descriptor below the table's size (Linux ignores those above it) */
	close(fd);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	FD_SET(fd, &rd);
	tv = (struct timeval){0, 0};
	errno = 0;
	r = select(fd + 1, &rd, 0, 0, &tv);
	report("posix_select_closed_descriptor_ebadf", r < 0 && errno == EBADF, "select gave %d (%s)", r,
	       pt_errname(errno));
	errno = 0;
	r = select(-1, 0, 0, 0, &tv);
	report("posix_select_negative_nfds_einval", r < 0 && errno == EINVAL, "select gave %d (%s)", r,
	       pt_errname(errno));
	tv = (struct timeval){0, -1};
	errno = 0;
	r = select(1, 0, 0, 0, &tv);
	report("posix_select_bad_timeout_einval", r < 0 && errno == EINVAL, "select gave %d (%s)", r, pt_errname(errno));

	fd = open(pt_etc("posix-data"), O_RDONLY);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	if (fd >= 0)
		FD_SET(fd, &rd);
	tv = (struct timeval){1, 0};
	r = fd >= 0 ? select(fd + 1, &rd, 0, 0, &tv) : -1;
	report("posix_select_regular_file_ready", fd >= 0 && r == 1 && FD_ISSET(fd, &rd), "open %d, select gave %d", fd,
	       r);
	close(fd);

	{
		/* pselect6's sixth argument: NULL (no mask to swap in) */
		struct timespec ts = {0, 50 * MS};
		char b[4];

		read(p[0], b, sizeof(b));
		FD_ZERO(&rd);
		FD_SET(p[0], &rd);
		t0 = pt_now();
		r = (int)syscall(SYS_pselect6, p[0] + 1, &rd, 0, 0, &ts, 0);
		ms = elapsed_ms(t0);
		report("posix_pselect6_null_sigmask_times_out", r == 0 && ms >= 40 && ms < 2000,
		       "pselect6 gave %d (%s) after %ld ms", r, pt_errname(errno), ms);
		write(p[1], "x", 1);
		FD_SET(p[0], &rd);
		ts = (struct timespec){1, 0};
		r = (int)syscall(SYS_pselect6, p[0] + 1, &rd, 0, 0, &ts, 0);
		report("posix_pselect6_null_sigmask_ready", r == 1 && FD_ISSET(p[0], &rd), "pselect6 gave %d (%s)", r,
		       pt_errname(errno));
		{
			/* pselect's mask: the ready pipe answers, and the mask it named is gone afterwards */
			sigset_t usr2, cur;

			sigemptyset(&usr2);
			sigaddset(&usr2, SIGUSR2);
			FD_ZERO(&rd);
			FD_SET(p[0], &rd);
			ts = (struct timespec){1, 0};
			r = pselect(p[0] + 1, &rd, 0, 0, &ts, &usr2);
			sigprocmask(SIG_SETMASK, 0, &cur);
			report("posix_pselect_with_a_mask_ready_and_mask_back", r == 1 && !sigismember(&cur, SIGUSR2),
			       "pselect gave %d (%s), SIGUSR2 blocked afterwards: %d", r, pt_errname(errno),
			       sigismember(&cur, SIGUSR2));
		}
		FD_ZERO(&rd);
		FD_SET(p[0], &rd);
		ts = (struct timespec){1, 0};
		r = pselect(p[0] + 1, &rd, 0, 0, &ts, 0);
		report("posix_pselect_libc_ready", r == 1 && FD_ISSET(p[0], &rd), "pselect gave %d (%s)", r,
		       pt_errname(errno));
	}
	close(p[0]), close(p[1]);
}

int main(void)
{
	pt_guard(PT_PROGRAM_LIMIT);
	test_poll_timeouts();
	test_poll_events();
	test_poll_signals();
	test_select();
	return 0;
}
