/*
 * lma_prefetch.c: bring into the CPU caches what a receive burst will
 * look up, before any of it is processed.
 *
 * With millions of bindings, each PBU's lookups (MN-ID, home network
 * prefix) miss the caches twice: the hash bucket, then the binding it
 * leads to.  Processed one by one, a burst pays these misses in series.
 * Here the keys of the whole burst are read first and the misses are
 * started together in three rounds (the buckets; the entries they point
 * at; the binding a prefix node belongs to and the next entry of the
 * MN-ID's chain), so they overlap; processing then finds the lines in
 * cache.  This is what keeps four million bindings about as fast as a
 * thousand.
 *
 * The keys are read straight from the octets with a scan of the option
 * list rather than a full parse, which for a burst would cost more than
 * it saves.  The octets are hostile: every read is bounded, and a wrong
 * or missing key costs only a useless prefetch, because nothing here is
 * used for anything else.  The real parse comes later, in lma_input().
 */
#include "config.h"

#include <string.h>

#include "lma.h"
#include "mh_wire.h"

/* Options of a BU start after its Sequence, flags and Lifetime. */
#define BU_OPTS_OFF	(MH_HDR_LEN + 6)
/* Octets of a binding worth bringing in: the struct and the MN-ID that
 * follows it (typical NAIs are shorter than this). */
#define LB_LINES_END	(sizeof(struct lma_binding) + 32)

struct key {
	const uint8_t	*mnid;
	size_t		 mnid_len;
	struct prefix6	 pfx;
	int		 has_pfx;
};

/* The MN-ID and the first non-zero HNP of a PBU; 0 if it is none. */
static int
scan(const uint8_t *p, size_t len, struct key *k)
{
	size_t end, off, olen;

	if (len < BU_OPTS_OFF || p[MH_OFF_TYPE] != MH_TYPE_BU)
		return 0;
	end = ((size_t)p[MH_OFF_HLEN] + 1) * 8;
	if (end > len)
		return 0;
	memset(k, 0, sizeof(*k));
	off = BU_OPTS_OFF;
	while (off < end) {
		if (p[off] == MH_OPT_PAD1) {
			off++;
			continue;
		}
		if (off + 2 > end || off + 2 + (olen = p[off + 1]) > end)
			break;
		if (p[off] == MH_OPT_MNID && olen > 1 && k->mnid == NULL) {
			k->mnid = p + off + 3;		/* after the subtype */
			k->mnid_len = olen - 1;
		} else if (p[off] == MH_OPT_HNP && olen == MH_OLEN_HNP &&
		    !k->has_pfx && p[off + 3] <= 128) {
			k->pfx.len = p[off + 3];
			memcpy(&k->pfx.addr, p + off + 4, 16);
			k->has_pfx = !IN6_IS_ADDR_UNSPECIFIED(&k->pfx.addr);
		}
		off += 2 + olen;
	}
	return k->mnid != NULL;
}

static void
prefetch_binding(const struct bce *b)
{
	const char *p = (const char *)b - offsetof(struct lma_binding, b);
	size_t off;

	for (off = 0; off < LB_LINES_END; off += 64)
		__builtin_prefetch(p + off);
}

void
lma_prefetch_burst(const struct lma *l, const struct lma_rx *rx, unsigned n)
{
	struct bce_hint h[LMA_BURST_MAX];
	const struct bce_hnp *hn;
	const struct bce *b;
	struct key k;
	unsigned i, fresh = 0;

	if (n > LMA_BURST_MAX)
		n = LMA_BURST_MAX;
	for (i = 0; i < n; i++) {
		if (!scan(rx[i].buf, rx[i].len, &k)) {
			h[i].has_mnid = h[i].has_hnp = 0;
			continue;
		}
		/* Without a prefix it is most likely a new session, which
		 * probes the pool's next prefix in the prefix index. */
		if (!k.has_pfx && l->pools != NULL && l->conf.hnp_per_mn == 1 &&
		    lma_pool_peek(l->pools, fresh, &k.pfx) == 0) {
			k.has_pfx = 1;
			fresh++;
		}
		bce_hint(l->cache, k.mnid, k.mnid_len,
		    k.has_pfx ? &k.pfx : NULL, &h[i]);
	}
	/* The buckets are arriving: on to what they point at. */
	for (i = 0; i < n; i++) {
		if ((b = bce_hint_mnid_chain(l->cache, &h[i])) != NULL)
			prefetch_binding(b);
		if ((hn = bce_hint_hnp_chain(l->cache, &h[i])) != NULL) {
			__builtin_prefetch(hn);
			__builtin_prefetch(&hn->owner);
		}
	}
	/* A prefix node names its binding; a second binding in the MN-ID
	 * bucket is compared too (the MN-ID is looked up until the end of
	 * its chain). */
	for (i = 0; i < n; i++) {
		if ((hn = bce_hint_hnp_chain(l->cache, &h[i])) != NULL &&
		    hn->owner != NULL)
			prefetch_binding(hn->owner);
		if ((b = bce_hint_mnid_chain(l->cache, &h[i])) != NULL &&
		    b->mnid_next != NULL)
			__builtin_prefetch(b->mnid_next);
	}
}
