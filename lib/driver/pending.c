/* The character requests a driver keeps while they wait: see pending.h. */
#include "pending.h"

struct drv_io *drv_io_find(struct drv_io *t, unsigned n, int32_t client, uint32_t id)
{
	for (unsigned i = 0; i < n; i++)
		if (t[i].used && t[i].client == client && t[i].id == id)
			return &t[i];
	return 0;
}

unsigned drv_io_orphan_all(struct drv_io *t, unsigned n)
{
	unsigned count = 0;

	for (unsigned i = 0; i < n; i++)
		if (t[i].used) {
			t[i].orphan = 1;
			count++;
		}
	return count;
}

/* Is rq the request o was (the same device, direction and length)? */
static bool same_request(const struct drv_io *o, const struct drv_io *rq)
{
	return o->minor == rq->minor && o->write == rq->write && o->len == rq->len;
}

enum drv_claim drv_io_claim(struct drv_io *t, unsigned n, const struct drv_io *rq, bool reissue, struct drv_io **slot)
{
	struct drv_io *o = drv_io_find(t, n, rq->client, rq->id);

	*slot = 0;
	if (!o)
		return DRV_CLAIM_NEW;
	if (!o->orphan)
		return DRV_CLAIM_DUPLICATE;
	if (!reissue || !same_request(o, rq)) {
		o->used = 0; /* the client gave up on it while the driver was away */
		return DRV_CLAIM_REPLACED;
	}
	o->orphan = 0;
	o->grant = rq->grant;
	o->granter = rq->granter;
	o->flags = rq->flags;
	*slot = o;
	return DRV_CLAIM_RESUMED;
}

struct drv_io *drv_io_add(struct drv_io *t, unsigned n, const struct drv_io *rq)
{
	struct drv_io *slot = 0;

	struct drv_io *oldest_orphan = 0;

	for (unsigned i = 0; i < n && !slot; i++)
		if (!t[i].used)
			slot = &t[i];
	for (unsigned i = 0; i < n && !slot; i++)
		if (t[i].orphan && (!oldest_orphan || t[i].started_ns < oldest_orphan->started_ns))
			oldest_orphan = &t[i];
	if (!slot)
		slot = oldest_orphan;
	if (!slot)
		return 0;
	*slot = *rq;
	slot->used = 1;
	slot->orphan = 0;
	return slot;
}

struct drv_io *drv_io_next_done(struct drv_io *t, unsigned n, int32_t client)
{
	for (unsigned i = 0; i < n; i++)
		if (t[i].used && !t[i].orphan && t[i].finished && t[i].client == client)
			return &t[i];
	return 0;
}
