/* getrandom, from lib/sys's generator (exec takes AT_RANDOM from it too). */
#include <sys/random.h>

#include "pm.h"

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4
#define GETRANDOM_MAX (1 << 20)

int64_t do_getrandom(struct mproc *p, const ax_message *m)
{
	uint64_t va = arg_ptr(m, 0), len = arg_ulong(m, 1), flags = arg_uint(m, 2), done = 0;
	uint8_t chunk[4096];

	if ((flags & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) ||
	    (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	/*
	 * Linux gives up to 32 MiB a call; pm serves everyone, so one call may
	 * keep it at most 1 MiB's worth (a short count, which a caller of
	 * getrandom must handle anyway, as for a signal or /dev/urandom).
	 */
	if (len > GETRANDOM_MAX)
		len = GETRANDOM_MAX;
	while (done < len) {
		uint64_t k = len - done < sizeof(chunk) ? len - done : sizeof(chunk);

		ax_random_bytes(chunk, k);
		if (user_copy(p->ep, va + done, chunk, k, AX_COPY_TO) < 0)
			return done ? (int64_t)done : -EFAULT;
		done += k;
	}
	memset(chunk, 0, sizeof(chunk));
	return (int64_t)done;
}
