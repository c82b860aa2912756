/*
 * bce.h: the binding cache, shared by the LMA (its Binding Cache, RFC 5213
 * 5.1) and the MAG (its Binding Update List, RFC 5213 6.1).
 *
 * The cache is intrusive: the daemon embeds a struct bce in its own
 * binding object and the cache only links it into its indexes, so both
 * roles keep their private state next to the shared part without a
 * second allocation.  Every index is a hash (or a list hanging off a hash
 * entry): lookups by MN identifier, by any home network prefix and by
 * peer address are O(1), which is what four million bindings need.
 *
 * A "peer" is the other end of the binding: the MAG's Proxy-CoA on the
 * LMA, the LMA address on the MAG.  Peers are created on first use and
 * freed with their last binding; they carry the per-peer list used for
 * revocation and heartbeat failure.
 */
#ifndef PMIP6_BCE_H
#define PMIP6_BCE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define BCE_MNID_MAX	254
#define BCE_LLI_MAX	32

struct bce;
struct bce_peer;

/* One home network prefix of a binding; linked into the prefix index. */
struct bce_hnp {
	struct prefix6	 pfx;
	struct bce_hnp	*hash_next;
	struct bce_hnp	*next;		/* in the owner's list */
	struct bce	*owner;
};

struct bce_peer {
	struct in6_addr	 addr;
	struct bce_peer	*hash_next;
	struct bce_peer	*all_prev, *all_next;
	struct bce	*head;		/* bindings through this peer */
	uint32_t	 count;
	void		*priv;		/* role data: heartbeat, tunnel */
};

/*
 * The shared part of a binding (RFC 5213 5.1 lists these fields).  The
 * MN identifier is stored once, outside the struct, at its exact size.
 * Fields are ordered so that the struct has no padding.
 */
struct bce {
	uint8_t		*mnid;
	struct bce_hnp	*hnp;		/* list, n_hnp entries */
	struct bce_peer	*peer;		/* NULL until bce_set_peer() */
	struct bce	*mnid_next;	/* MN-ID hash chain */
	struct bce	*peer_prev, *peer_next;
	uint32_t	 mnid_hash;
	uint8_t		 mnid_len;
	uint8_t		 att;		/* access technology type */
	uint8_t		 lli_len;	/* 0: unknown (ALL_ZERO) */
	uint8_t		 n_hnp;
	uint8_t		 lli[BCE_LLI_MAX];
};

struct bce_cache;

struct bce_cache *bce_cache_new(size_t size_hint);
void bce_cache_free(struct bce_cache *);

/* Set the binding's identity before bce_insert(); copies the MN-ID.
 * -1 if the identifier is empty, too long, or memory ran out. */
int bce_set_id(struct bce *, const uint8_t *mnid, size_t mnid_len,
    uint8_t att, const uint8_t *lli, size_t lli_len);
/* The same, but the MN-ID is copied into buf (at least mnid_len octets),
 * which the caller owns: the binding's own allocation, say, which saves
 * a second one.  bce_clear() is then not needed. */
int bce_set_id_buf(struct bce *, uint8_t *buf, const uint8_t *mnid,
    size_t mnid_len, uint8_t att, const uint8_t *lli, size_t lli_len);
/* Release what bce_set_id allocated (after bce_remove()). */
void bce_clear(struct bce *);

/* Link a binding into the MN-ID index.  Prefixes and peer are linked by
 * bce_add_hnp() and bce_set_peer(), which work before or after insert. */
void bce_insert(struct bce_cache *, struct bce *);
/* Unlink a binding from every index, prefixes and peer included.  The
 * caller still owns the memory of b and of its bce_hnp nodes. */
void bce_remove(struct bce_cache *, struct bce *);

/* Attach a caller-owned prefix node to b and index it.  -1 if another
 * binding already holds an overlapping-equal prefix (a prefix is never
 * given to two MNs at once). */
int bce_add_hnp(struct bce_cache *, struct bce *, struct bce_hnp *,
    const struct prefix6 *);
/* Detach and unindex one prefix node of b. */
void bce_del_hnp(struct bce_cache *, struct bce *, struct bce_hnp *);

/* Move b to the peer at addr (creating it), leaving its old peer. */
int bce_set_peer(struct bce_cache *, struct bce *, const struct in6_addr *);

/* Lookups. */
struct bce *bce_by_hnp(const struct bce_cache *, const struct prefix6 *);
/* First binding with this MN-ID; bce_next_mnid() walks the others. */
struct bce *bce_by_mnid(const struct bce_cache *, const uint8_t *mnid,
    size_t len);
struct bce *bce_next_mnid(const struct bce *);
/* Number of bindings with this MN-ID. */
unsigned bce_count_mnid(const struct bce_cache *, const uint8_t *mnid,
    size_t len);
struct bce_peer *bce_peer_find(const struct bce_cache *,
    const struct in6_addr *);

/*
 * Batched lookups.  With millions of bindings every lookup misses the
 * CPU caches twice (bucket, then entry), and one after the other the
 * misses add up.  A caller holding several keys at once (a receive
 * burst) first calls bce_hint() for every key, which hashes it and
 * prefetches its buckets; then reads the chain heads with
 * bce_hint_mnid_chain()/bce_hint_hnp_chain() and prefetches what they
 * point to; and only then does the real lookups: the misses of the
 * whole burst overlap.  A NULL key is skipped.  The chain heads are the
 * first entries of the buckets, whatever their keys: for prefetching
 * only.
 */
struct bce_hint {
	uint32_t	 mnid_h, hnp_h;
	uint8_t		 has_mnid, has_hnp;
};

void bce_hint(const struct bce_cache *, const uint8_t *mnid, size_t len,
    const struct prefix6 *pfx, struct bce_hint *);
const struct bce *bce_hint_mnid_chain(const struct bce_cache *,
    const struct bce_hint *);
const struct bce_hnp *bce_hint_hnp_chain(const struct bce_cache *,
    const struct bce_hint *);
/* Peers, for heartbeat and "show peers"; NULL ends the walk. */
struct bce_peer *bce_peer_first(const struct bce_cache *);
struct bce_peer *bce_peer_next(const struct bce_peer *);
/* A peer object only lives while it has bindings, unless held. */
struct bce_peer *bce_peer_hold(struct bce_cache *, const struct in6_addr *);
void bce_peer_release(struct bce_cache *, struct bce_peer *);

/* Called just before a peer is freed, so its owner can drop priv. */
void bce_cache_set_peer_hook(struct bce_cache *,
    void (*gone)(struct bce_peer *, void *ctx), void *ctx);

size_t bce_cache_count(const struct bce_cache *);
size_t bce_cache_peers(const struct bce_cache *);
/* Memory held by the indexes themselves (buckets), for measurements. */
size_t bce_cache_index_bytes(const struct bce_cache *);

/* Walk every binding (for "show bindings" and shutdown, not hot paths).
 * The callback may remove the binding it is given, and no other; it
 * returns non-zero to stop the walk. */
int bce_walk(const struct bce_cache *, int (*fn)(struct bce *, void *),
    void *ctx);

/* Is this link-layer identifier "unknown" (absent or all zero)? */
int bce_lli_unknown(const uint8_t *lli, size_t len);

#endif /* PMIP6_BCE_H */
