/* A service's kept state: see sys/kept.h. */
#include <string.h>

#include <proto/rs.h>
#include <sys/ax.h>
#include <sys/kept.h>

#define PAGE 4096

static struct ax_kept_header *header;
static size_t region_size;
static ax_kept_summer summer;

uint64_t ax_kept_sum_more(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

uint64_t ax_kept_sum(const void *p, size_t n) { return ax_kept_sum_more(0xcbf29ce484222325ULL, p, n); }

static uint64_t whole(const void *state, size_t len) { return ax_kept_sum(state, len); }

static size_t checked_end(void) { return (sizeof(*header) + header->len + PAGE - 1) / PAGE * PAGE; }

void *ax_kept_take(uint32_t magic, uint32_t version, size_t len, bool *kept_before)
{
	return ax_kept_take_summed(magic, version, len, whole, kept_before);
}

void *ax_kept_take_summed(uint32_t magic, uint32_t version, size_t len, ax_kept_summer sum, bool *kept_before)
{
	ax_message m = {.type = RS_KEPT};
	const struct rs_kept_reply *rp = (const void *)m.bytes;
	endpoint_t rs = ax_boot_endpoint("rs");
	struct ax_kept_header *h;

	*kept_before = false;
	if (rs == AX_NONE || ax_sendrec(rs, &m) < 0 || rp->status < 0 || rp->size < sizeof(*h) + len)
		return 0;
	h = (struct ax_kept_header *)(uintptr_t)rp->addr;
	region_size = rp->size;
	*kept_before = !rp->fresh && h->magic == magic && h->version == version && h->len == len &&
		       h->sum == sum(h + 1, len);
	if (!rp->fresh && !*kept_before)
		ax_printf("kept state of endpoint %d refused (%s): starting from defaults\n", ax_self,
			  h->magic != magic       ? "another program's"
			  : h->version != version ? "another version's"
			  : h->len != len         ? "another length"
						  : "its checksum does not match: the last incarnation died in a change");
	if (!*kept_before) {
		memset(h, 0, sizeof(*h) + len);
		*h = (struct ax_kept_header){magic, version, len, sum(h + 1, len), 0};
	}
	header = h;
	summer = sum;
	return h + 1;
}

void ax_kept_seal(void)
{
	if (!header)
		return;
	header->sum = summer(header + 1, header->len);
	header->seals++;
}

void *ax_kept_extra(size_t *size)
{
	size_t at;

	*size = 0;
	if (!header || (at = checked_end()) >= region_size)
		return 0;
	*size = region_size - at;
	return (uint8_t *)header + at;
}
