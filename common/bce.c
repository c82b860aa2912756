/*
 * bce.c: binding cache indexes (RFC 5213 5.1 and 6.1; lookup keys of
 * 5.4.1).
 *
 * Three chained hash tables with power-of-two bucket arrays: MN-ID ->
 * bindings, prefix -> prefix node -> binding, peer address -> peer ->
 * list of bindings.  Tables double when their load passes one entry per
 * bucket.  The hash is keyed with a per-cache random seed because every
 * key arrives from the network, and a fixed hash would let one peer pile
 * all its entries into a single chain.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "bce.h"

struct htab {
	void	**b;
	size_t	  mask;		/* buckets - 1 */
	size_t	  n;
};

struct bce_cache {
	struct htab	 mnid;	/* struct bce, via mnid_next */
	struct htab	 hnp;	/* struct bce_hnp, via hash_next */
	struct htab	 peer;	/* struct bce_peer, via hash_next */
	struct bce_peer	*peers;	/* all peers, for walks */
	uint64_t	 seed;
	void		(*peer_gone)(struct bce_peer *, void *);
	void		*peer_gone_ctx;
};

#define MIN_BUCKETS	64

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static uint32_t
hash_bytes(uint64_t seed, const uint8_t *p, size_t len)
{
	uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ULL), w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		h = mix64(h ^ w);
		p += 8;
		len -= 8;
	}
	w = 0;
	memcpy(&w, p, len);
	return (uint32_t)mix64(h ^ w);
}

static uint32_t
hash_prefix(uint64_t seed, const struct prefix6 *p)
{
	uint8_t k[17];

	memcpy(k, &p->addr, 16);
	k[16] = p->len;
	return hash_bytes(seed, k, sizeof(k));
}

static uint32_t
hash_addr(uint64_t seed, const struct in6_addr *a)
{
	return hash_bytes(seed, (const uint8_t *)a, 16);
}

static int
htab_init(struct htab *t, size_t hint)
{
	size_t n = MIN_BUCKETS;

	while (n < hint)
		n <<= 1;
	t->b = calloc(n, sizeof(void *));
	if (t->b == NULL)
		return -1;
	t->mask = n - 1;
	t->n = 0;
	return 0;
}

/*
 * Each table knows how to find an entry's chain pointer and hash, so one
 * grow routine serves all three.
 */
typedef void **(*next_fn)(void *);
typedef uint32_t (*hash_fn)(const struct bce_cache *, void *);

static void **
mnid_nextp(void *e)
{
	return (void **)&((struct bce *)e)->mnid_next;
}

static uint32_t
mnid_hashof(const struct bce_cache *c, void *e)
{
	(void)c;
	return ((struct bce *)e)->mnid_hash;
}

static void **
hnp_nextp(void *e)
{
	return (void **)&((struct bce_hnp *)e)->hash_next;
}

static uint32_t
hnp_hashof(const struct bce_cache *c, void *e)
{
	return hash_prefix(c->seed, &((struct bce_hnp *)e)->pfx);
}

static void **
peer_nextp(void *e)
{
	return (void **)&((struct bce_peer *)e)->hash_next;
}

static uint32_t
peer_hashof(const struct bce_cache *c, void *e)
{
	return hash_addr(c->seed, &((struct bce_peer *)e)->addr);
}

/* Double the bucket array; on allocation failure keep the old one (the
 * table still works, only with longer chains). */
static void
htab_grow(const struct bce_cache *c, struct htab *t, next_fn nx, hash_fn hf)
{
	size_t n = (t->mask + 1) * 2, i;
	void **nb, *e, *next;

	nb = calloc(n, sizeof(void *));
	if (nb == NULL)
		return;
	for (i = 0; i <= t->mask; i++) {
		for (e = t->b[i]; e != NULL; e = next) {
			size_t h = hf(c, e) & (n - 1);

			next = *nx(e);
			*nx(e) = nb[h];
			nb[h] = e;
		}
	}
	free(t->b);
	t->b = nb;
	t->mask = n - 1;
}

static void
htab_add(const struct bce_cache *c, struct htab *t, void *e, uint32_t h,
    next_fn nx, hash_fn hf)
{
	void **slot = &t->b[h & t->mask];

	*nx(e) = *slot;
	*slot = e;
	if (++t->n > t->mask + 1)
		htab_grow(c, t, nx, hf);
}

static void
htab_del(struct htab *t, void *e, uint32_t h, next_fn nx)
{
	void **pp;

	for (pp = &t->b[h & t->mask]; *pp != NULL; pp = nx(*pp)) {
		if (*pp == e) {
			*pp = *nx(e);
			*nx(e) = NULL;
			t->n--;
			return;
		}
	}
}

struct bce_cache *
bce_cache_new(size_t size_hint)
{
	struct bce_cache *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (htab_init(&c->mnid, size_hint) == -1 ||
	    htab_init(&c->hnp, size_hint) == -1 ||
	    htab_init(&c->peer, 16) == -1) {
		bce_cache_free(c);
		return NULL;
	}
	if (getrandom(&c->seed, sizeof(c->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(c->seed))
		c->seed = (uint64_t)(uintptr_t)c ^ 0x5213;
	return c;
}

void
bce_cache_free(struct bce_cache *c)
{
	struct bce_peer *p, *next;

	if (c == NULL)
		return;
	for (p = c->peers; p != NULL; p = next) {
		next = p->all_next;
		free(p);
	}
	free(c->mnid.b);
	free(c->hnp.b);
	free(c->peer.b);
	free(c);
}

int
bce_lli_unknown(const uint8_t *lli, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (lli[i] != 0)
			return 0;
	return 1;
}

static void
set_id(struct bce *b, uint8_t *id, size_t mnid_len, uint8_t att,
    const uint8_t *lli, size_t lli_len)
{
	b->mnid = id;
	b->mnid_len = (uint8_t)mnid_len;
	b->att = att;
	if (lli == NULL || bce_lli_unknown(lli, lli_len))
		lli_len = 0;
	b->lli_len = (uint8_t)lli_len;
	memset(b->lli, 0, sizeof(b->lli));
	if (lli_len)
		memcpy(b->lli, lli, lli_len);
}

int
bce_set_id(struct bce *b, const uint8_t *mnid, size_t mnid_len, uint8_t att,
    const uint8_t *lli, size_t lli_len)
{
	uint8_t *id;

	if (mnid_len == 0 || mnid_len > BCE_MNID_MAX || lli_len > BCE_LLI_MAX)
		return -1;
	if ((id = malloc(mnid_len)) == NULL)
		return -1;
	memcpy(id, mnid, mnid_len);
	free(b->mnid);
	set_id(b, id, mnid_len, att, lli, lli_len);
	return 0;
}

int
bce_set_id_buf(struct bce *b, uint8_t *buf, const uint8_t *mnid,
    size_t mnid_len, uint8_t att, const uint8_t *lli, size_t lli_len)
{
	if (mnid_len == 0 || mnid_len > BCE_MNID_MAX || lli_len > BCE_LLI_MAX)
		return -1;
	memmove(buf, mnid, mnid_len);
	set_id(b, buf, mnid_len, att, lli, lli_len);
	return 0;
}

void
bce_clear(struct bce *b)
{
	free(b->mnid);
	b->mnid = NULL;
	b->mnid_len = 0;
}

void
bce_insert(struct bce_cache *c, struct bce *b)
{
	b->mnid_hash = hash_bytes(c->seed, b->mnid, b->mnid_len);
	htab_add(c, &c->mnid, b, b->mnid_hash, mnid_nextp, mnid_hashof);
}

static struct bce_peer *
peer_lookup(const struct bce_cache *c, const struct in6_addr *a)
{
	struct bce_peer *p;

	p = c->peer.b[hash_addr(c->seed, a) & c->peer.mask];
	for (; p != NULL; p = p->hash_next)
		if (IN6_ARE_ADDR_EQUAL(&p->addr, a))
			return p;
	return NULL;
}

static struct bce_peer *
peer_get(struct bce_cache *c, const struct in6_addr *a)
{
	struct bce_peer *p;

	if ((p = peer_lookup(c, a)) != NULL)
		return p;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->addr = *a;
	htab_add(c, &c->peer, p, hash_addr(c->seed, a), peer_nextp,
	    peer_hashof);
	p->all_next = c->peers;
	if (c->peers != NULL)
		c->peers->all_prev = p;
	c->peers = p;
	return p;
}

/* A peer goes with its last binding unless someone holds it; the hold
 * is counted like a binding. */
static void
peer_put(struct bce_cache *c, struct bce_peer *p)
{
	if (p->count > 0 || p->head != NULL)
		return;
	if (c->peer_gone != NULL)
		c->peer_gone(p, c->peer_gone_ctx);
	htab_del(&c->peer, p, hash_addr(c->seed, &p->addr), peer_nextp);
	if (p->all_prev != NULL)
		p->all_prev->all_next = p->all_next;
	else
		c->peers = p->all_next;
	if (p->all_next != NULL)
		p->all_next->all_prev = p->all_prev;
	free(p);
}

static void
peer_unlink(struct bce_cache *c, struct bce *b)
{
	struct bce_peer *p = b->peer;

	if (p == NULL)
		return;
	if (b->peer_prev != NULL)
		b->peer_prev->peer_next = b->peer_next;
	else
		p->head = b->peer_next;
	if (b->peer_next != NULL)
		b->peer_next->peer_prev = b->peer_prev;
	b->peer_prev = b->peer_next = NULL;
	b->peer = NULL;
	p->count--;
	peer_put(c, p);
}

int
bce_set_peer(struct bce_cache *c, struct bce *b, const struct in6_addr *a)
{
	struct bce_peer *p;

	if (b->peer != NULL && IN6_ARE_ADDR_EQUAL(&b->peer->addr, a))
		return 0;
	/* Take a count on the new peer first so that moving from a peer to
	 * itself cannot free it in between. */
	if ((p = peer_get(c, a)) == NULL)
		return -1;
	p->count++;
	peer_unlink(c, b);
	b->peer = p;
	b->peer_prev = NULL;
	b->peer_next = p->head;
	if (p->head != NULL)
		p->head->peer_prev = b;
	p->head = b;
	return 0;
}

struct bce_peer *
bce_peer_hold(struct bce_cache *c, const struct in6_addr *a)
{
	struct bce_peer *p;

	if ((p = peer_get(c, a)) != NULL)
		p->count++;
	return p;
}

void
bce_peer_release(struct bce_cache *c, struct bce_peer *p)
{
	p->count--;
	peer_put(c, p);
}

static struct bce_hnp *
hnp_lookup(const struct bce_cache *c, const struct prefix6 *pfx)
{
	struct bce_hnp *h;

	h = c->hnp.b[hash_prefix(c->seed, pfx) & c->hnp.mask];
	for (; h != NULL; h = h->hash_next)
		if (h->pfx.len == pfx->len &&
		    IN6_ARE_ADDR_EQUAL(&h->pfx.addr, &pfx->addr))
			return h;
	return NULL;
}

int
bce_add_hnp(struct bce_cache *c, struct bce *b, struct bce_hnp *h,
    const struct prefix6 *pfx)
{
	if (hnp_lookup(c, pfx) != NULL)
		return -1;
	memset(h, 0, sizeof(*h));
	h->pfx = *pfx;
	h->owner = b;
	h->next = b->hnp;
	b->hnp = h;
	b->n_hnp++;
	htab_add(c, &c->hnp, h, hash_prefix(c->seed, pfx), hnp_nextp,
	    hnp_hashof);
	return 0;
}

void
bce_del_hnp(struct bce_cache *c, struct bce *b, struct bce_hnp *h)
{
	struct bce_hnp **pp;

	for (pp = &b->hnp; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			b->n_hnp--;
			htab_del(&c->hnp, h, hash_prefix(c->seed, &h->pfx),
			    hnp_nextp);
			h->owner = NULL;
			h->next = NULL;
			return;
		}
	}
}

void
bce_remove(struct bce_cache *c, struct bce *b)
{
	while (b->hnp != NULL)
		bce_del_hnp(c, b, b->hnp);
	peer_unlink(c, b);
	if (b->mnid != NULL)
		htab_del(&c->mnid, b, b->mnid_hash, mnid_nextp);
}

struct bce *
bce_by_hnp(const struct bce_cache *c, const struct prefix6 *pfx)
{
	struct bce_hnp *h = hnp_lookup(c, pfx);

	return h != NULL ? h->owner : NULL;
}

static int
same_mnid(const struct bce *b, uint32_t h, const uint8_t *id, size_t len)
{
	return b->mnid_hash == h && b->mnid_len == len &&
	    memcmp(b->mnid, id, len) == 0;
}

struct bce *
bce_by_mnid(const struct bce_cache *c, const uint8_t *mnid, size_t len)
{
	uint32_t h = hash_bytes(c->seed, mnid, len);
	struct bce *b;

	for (b = c->mnid.b[h & c->mnid.mask]; b != NULL; b = b->mnid_next)
		if (same_mnid(b, h, mnid, len))
			return b;
	return NULL;
}

struct bce *
bce_next_mnid(const struct bce *prev)
{
	struct bce *b;

	for (b = prev->mnid_next; b != NULL; b = b->mnid_next)
		if (same_mnid(b, prev->mnid_hash, prev->mnid, prev->mnid_len))
			return b;
	return NULL;
}

unsigned
bce_count_mnid(const struct bce_cache *c, const uint8_t *mnid, size_t len)
{
	const struct bce *b;
	unsigned n = 0;

	for (b = bce_by_mnid(c, mnid, len); b != NULL; b = bce_next_mnid(b))
		n++;
	return n;
}

void
bce_hint(const struct bce_cache *c, const uint8_t *mnid, size_t len,
    const struct prefix6 *pfx, struct bce_hint *k)
{
	k->has_mnid = mnid != NULL && len > 0;
	k->has_hnp = pfx != NULL;
	if (k->has_mnid) {
		k->mnid_h = hash_bytes(c->seed, mnid, len);
		__builtin_prefetch(&c->mnid.b[k->mnid_h & c->mnid.mask]);
	}
	if (k->has_hnp) {
		k->hnp_h = hash_prefix(c->seed, pfx);
		__builtin_prefetch(&c->hnp.b[k->hnp_h & c->hnp.mask]);
	}
}

const struct bce *
bce_hint_mnid_chain(const struct bce_cache *c, const struct bce_hint *k)
{
	return k->has_mnid ? c->mnid.b[k->mnid_h & c->mnid.mask] : NULL;
}

const struct bce_hnp *
bce_hint_hnp_chain(const struct bce_cache *c, const struct bce_hint *k)
{
	return k->has_hnp ? c->hnp.b[k->hnp_h & c->hnp.mask] : NULL;
}

struct bce_peer *
bce_peer_find(const struct bce_cache *c, const struct in6_addr *a)
{
	return peer_lookup(c, a);
}

struct bce_peer *
bce_peer_first(const struct bce_cache *c)
{
	return c->peers;
}

struct bce_peer *
bce_peer_next(const struct bce_peer *p)
{
	return p->all_next;
}

void
bce_cache_set_peer_hook(struct bce_cache *c,
    void (*gone)(struct bce_peer *, void *ctx), void *ctx)
{
	c->peer_gone = gone;
	c->peer_gone_ctx = ctx;
}

size_t
bce_cache_count(const struct bce_cache *c)
{
	return c->mnid.n;
}

size_t
bce_cache_peers(const struct bce_cache *c)
{
	return c->peer.n;
}

size_t
bce_cache_index_bytes(const struct bce_cache *c)
{
	return (c->mnid.mask + 1 + c->hnp.mask + 1 + c->peer.mask + 1) *
	    sizeof(void *);
}

int
bce_walk(const struct bce_cache *c, int (*fn)(struct bce *, void *),
    void *ctx)
{
	struct bce *b, *next;
	size_t i;
	int rc;

	for (i = 0; i <= c->mnid.mask; i++) {
		for (b = c->mnid.b[i]; b != NULL; b = next) {
			next = b->mnid_next;
			if ((rc = fn(b, ctx)) != 0)
				return rc;
		}
	}
	return 0;
}
