/*
 * lma_pool.c: home network prefix pools (RFC 5213 5.3.2: "allocate one
 * or more prefixes" when the PBU asks with ALL_ZERO).
 *
 * Each pool hands out prefixes of one length in order through a cursor
 * and reuses released ones from a stack, so allocation is O(1) whatever
 * the pool size.  The binding cache stays the authority on what is in
 * use: a candidate some binding already holds (a prefix a MAG proposed
 * from RADIUS, say) is skipped.
 */
#include "config.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "lma.h"

/* Bounds the work of one allocation when many candidates are taken. */
#define SKIP_MAX	64

struct pool {
	struct prefix6	 base;
	uint64_t	 count;		/* prefixes of plen in base */
	uint64_t	 cursor;	/* next never-used index */
};

struct lma_pool {
	struct pool	*p;
	unsigned	 n;
	unsigned	 plen;
	struct prefix6	*free;		/* released, reusable */
	size_t		 nfree, capfree;
};

static void
nth(const struct pool *p, unsigned plen, uint64_t idx, struct prefix6 *out)
{
	uint64_t hi, lo, add_hi, add_lo;
	unsigned shift = 128 - plen;

	memcpy(&hi, &p->base.addr.s6_addr[0], 8);
	memcpy(&lo, &p->base.addr.s6_addr[8], 8);
	hi = be64toh(hi);
	lo = be64toh(lo);
	if (shift >= 64) {
		add_hi = shift >= 128 ? 0 : idx << (shift - 64);
		add_lo = 0;
	} else {
		add_lo = idx << shift;
		add_hi = shift == 0 ? 0 : idx >> (64 - shift);
	}
	lo += add_lo;
	hi += add_hi + (lo < add_lo);
	hi = htobe64(hi);
	lo = htobe64(lo);
	memcpy(&out->addr.s6_addr[0], &hi, 8);
	memcpy(&out->addr.s6_addr[8], &lo, 8);
	out->len = (uint8_t)plen;
}

struct lma_pool *
lma_pool_new(const struct prefix6 *pools, unsigned n, unsigned plen)
{
	struct lma_pool *lp;
	unsigned i, bits;

	if (plen > 128 || n == 0)
		return NULL;
	if ((lp = calloc(1, sizeof(*lp))) == NULL)
		return NULL;
	if ((lp->p = calloc(n, sizeof(*lp->p))) == NULL) {
		free(lp);
		return NULL;
	}
	lp->n = n;
	lp->plen = plen;
	for (i = 0; i < n; i++) {
		if (pools[i].len > plen) {
			lma_pool_free(lp);
			return NULL;
		}
		lp->p[i].base = pools[i];
		prefix6_mask(&lp->p[i].base.addr, pools[i].len);
		bits = plen - pools[i].len;
		/* More than 2^40 prefixes in one pool will not be used up
		 * by one LMA; cap it to keep the arithmetic simple. */
		lp->p[i].count = bits >= 40 ? (1ULL << 40) : (1ULL << bits);
	}
	return lp;
}

void
lma_pool_free(struct lma_pool *lp)
{
	if (lp == NULL)
		return;
	free(lp->p);
	free(lp->free);
	free(lp);
}

int
lma_pool_alloc(struct lma_pool *lp, const struct bce_cache *c,
    struct prefix6 *out)
{
	unsigned i, skipped = 0;

	while (lp->nfree > 0) {
		*out = lp->free[--lp->nfree];
		if (bce_by_hnp(c, out) == NULL)
			return 0;
	}
	for (i = 0; i < lp->n; i++) {
		struct pool *p = &lp->p[i];

		while (p->cursor < p->count && skipped < SKIP_MAX) {
			nth(p, lp->plen, p->cursor++, out);
			if (bce_by_hnp(c, out) == NULL)
				return 0;
			skipped++;
		}
	}
	return -1;
}

int
lma_pool_peek(const struct lma_pool *lp, unsigned k, struct prefix6 *out)
{
	const struct pool *p;
	unsigned i;

	if (k < lp->nfree) {
		*out = lp->free[lp->nfree - 1 - k];
		return 0;
	}
	k -= (unsigned)lp->nfree;
	for (i = 0; i < lp->n; i++) {
		p = &lp->p[i];
		if (p->count - p->cursor > k) {
			nth(p, lp->plen, p->cursor + k, out);
			return 0;
		}
		k -= (unsigned)(p->count - p->cursor);
	}
	return -1;
}

int
lma_pool_contains(const struct lma_pool *lp, const struct prefix6 *pfx)
{
	unsigned i;

	if (pfx->len != lp->plen)
		return 0;
	for (i = 0; i < lp->n; i++)
		if (prefix6_covers(&lp->p[i].base, pfx))
			return 1;
	return 0;
}

void
lma_pool_release(struct lma_pool *lp, const struct prefix6 *pfx)
{
	struct prefix6 *nf;
	size_t cap;

	if (!lma_pool_contains(lp, pfx))
		return;		/* proposed from outside the pools */
	if (lp->nfree == lp->capfree) {
		cap = lp->capfree ? lp->capfree * 2 : 256;
		if ((nf = realloc(lp->free, cap * sizeof(*nf))) == NULL)
			return;	/* lost for reuse, never handed out twice */
		lp->free = nf;
		lp->capfree = cap;
	}
	lp->free[lp->nfree++] = *pfx;
}
