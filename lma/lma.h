/*
 * lma.h: state shared by the files of pmip6-lma (RFC 5213 section 5).
 *
 * Internal to lma/: the MAG never includes it.  The protocol core
 * (lma_pbu.c, lma_revoke.c, lma_hb.c) works on struct lma and reaches the
 * outside world only through three narrow doors: lma_send() for Mobility
 * Headers, the data-plane hooks in struct lma_dp_ops, and the clocks, so
 * unit tests can run whole exchanges in one process.
 */
#ifndef PMIP6_LMA_H
#define PMIP6_LMA_H

#include <netinet/in.h>
#include <stdint.h>

#include "addr.h"
#include "bce.h"
#include "conf.h"
#include "hb.h"
#include "ipsec_conf.h"
#include "log.h"
#include "loop.h"
#include "mh.h"

#define LMA_MAX_HNP_PER_MN	8

struct lma_conf {
	struct in6_addr	 lmaa;			/* LMA address */
	struct conf_list pool;			/* struct prefix6: HNP pools */
	int		 hnp_len;		/* prefix length handed out */
	int		 hnp_per_mn;		/* prefixes per MN interface */
	struct conf_list proposed;		/* prefix6: MAGs may propose */
	struct conf_list mag;			/* prefix6: authorized MAGs */

	/* RFC 5213 section 9 variables, under their own names. */
	uint64_t	 MinDelayBeforeBCEDelete;	/* ms */
	uint64_t	 MaxDelayBeforeNewBCEAssign;	/* ms */
	uint64_t	 TimestampValidityWindow;	/* ms */
	int		 TimestampBasedApproachInUse;
	int		 MobileNodeGeneratedTimestampInUse;
	int		 wait_for_dereg;	/* honour MaxDelayBefore... */
	int		 max_lifetime;		/* s, granted at most */

	/* RFC 5846 */
	int		 revocation;
	int		 BRIMaxRetriesNumber;
	uint64_t	 InitMINDelayBRIs;		/* ms */
	uint64_t	 MAX_BRACK_TIMEOUT;		/* ms */

	/* RFC 5847 */
	int		 HEARTBEAT_INTERVAL;		/* s, 0 = off */
	int		 MISSING_HEARTBEATS_ALLOWED;
	int		 release_on_path_failure;

	int		 expected_bindings;	/* sizes the indexes */
	int		 dataplane;		/* enum lma_dp_kind */
	char		 control_socket[108];
	char		 restart_file[256];
	int		 log_level;
	struct ipsec_conf ipsec;		/* RFC 5213 4, per MAG */
};

struct lma_pend;
struct lma_lq;

/* Received MHs handed to the core together (lma_input_burst()). */
#define LMA_BURST_MAX	64

struct lma_rx {
	const uint8_t	*buf;
	size_t		 len;
	const struct in6_addr *src;
};

/* What a binding needs from the data plane, as requests the core makes. */
struct lma_dp_ops {
	/* Route pfx toward the MAG at pcoa, replacing a route toward old
	 * (NULL if none) without a gap; 0 or -errno. */
	int	(*route_add)(void *ctx, const struct prefix6 *pfx,
		    const struct in6_addr *pcoa, const struct in6_addr *old);
	int	(*route_del)(void *ctx, const struct prefix6 *pfx,
		    const struct in6_addr *pcoa);
	/*
	 * Optional batching, used while lma.dp_defer is set (the daemon
	 * sets it for one receive burst).  route_add_q queues what
	 * route_add does and returns 0, or -errno having queued nothing;
	 * its outcome comes later through lma_route_done(tok), called
	 * from flush(), which commits everything queued.  The PBA waits
	 * for that outcome, so a route that failed is still refused.
	 */
	int	(*route_add_q)(void *ctx, const struct prefix6 *pfx,
		    const struct in6_addr *pcoa, const struct in6_addr *old,
		    void *tok);
	void	(*flush)(void *ctx);
	void	*ctx;
};

enum lma_bstate {
	LMA_B_ACTIVE,
	LMA_B_DELETING,		/* de-registered, MinDelayBeforeBCEDelete */
};

/*
 * One binding; there may be millions, so every field counts.  The MN
 * identifier follows the struct in the same allocation (it never changes
 * after creation), and the lifetime or deletion delay is a place in one
 * of lma_life.c's queues rather than a timer of its own.
 */
struct lma_binding {
	struct bce	 b;
	struct bce_hnp	 hnp0;		/* the common single prefix, inline */
	struct bce_hnp	*hnp_extra;	/* the others, one allocation */
	struct lma_parked *parked;	/* PBU waiting for the old MAG */
	struct lma_binding *lq_prev, *lq_next;	/* lifetime queue */
	uint64_t	 last_ts;	/* last accepted timestamp */
	uint32_t	 deadline;	/* clock_ms(), low 32 bits */
	uint32_t	 lq;		/* lifetime queue, 0: none */
	uint32_t	 lifetime;	/* granted, seconds */
	uint16_t	 last_seq;
	uint8_t		 n_extra;
	uint8_t		 state;		/* enum lma_bstate */
	uint8_t		 routed;	/* data plane has the routes */
	uint8_t		 busy;		/* routes queued, PBA not yet sent */
	uint8_t		 mnid[];	/* b.mnid points here */
};

/*
 * A PBU with HI=4 that matched a live binding waits here, up to
 * MaxDelayBeforeNewBCEAssign, for the old MAG's de-registration (RFC 5213
 * 5.4.1.2-3).  Rare, so it is allocated rather than carried by every
 * binding.
 */
struct lma_parked {
	struct mh_msg	 pbu;
	struct in6_addr	 src;
	struct timer	 timer;
	struct lma	*lma;
	struct lma_binding *lb;
};

/* A Binding Revocation Indication awaiting its acknowledgement. */
struct lma_bri {
	struct in6_addr	 mag;
	struct mh_msg	 msg;
	struct timer	 timer;
	uint32_t	 tries;
	uint32_t	 timeout_ms;
	struct lma	*lma;
};

/* Counters for "show stats". */
struct lma_stats {
	uint64_t	 rx[256];	/* by MH type */
	uint64_t	 tx[256];
	uint64_t	 pba_status[256];
	uint64_t	 bra_status[256];
	uint64_t	 rx_malformed;
	uint64_t	 rx_unauthorized;
	uint64_t	 bri_sent, bri_retx, bri_acked, bri_timeout;
	uint64_t	 dp_failures;
	uint64_t	 created, updated, handoffs, deregistered, expired;
};

typedef void (*lma_event_fn)(void *ctx, const char *event,
    const struct lma_binding *lb);

struct lma {
	struct lma_conf		 conf;
	struct loop		*loop;
	struct bce_cache	*cache;
	struct lma_dp_ops	 dp;
	struct lma_stats	 stats;
	struct lma_pool		*pools;
	struct lma_bri		**bri_by_seq;	/* outstanding, 65536 slots */
	size_t			 n_bri;
	uint16_t		 next_bri_seq;
	uint64_t		 (*realtime_ts)(void); /* mh_ts format */
	/* Where MHs go: the socket in the daemon, a recorder in tests. */
	int			 (*send)(void *ctx, const struct in6_addr *src,
				    const struct in6_addr *dst,
				    const uint8_t *mh, size_t len);
	void			*send_ctx;
	lma_event_fn		 event;		/* binding events (monitor) */
	void			*event_ctx;
	uint32_t		 restart_counter;
	struct hb		 hb;		/* RFC 5847 */
	int			 dp_defer;	/* use dp.route_add_q */
	unsigned		 n_pend;	/* PBAs waiting for the dp */
	struct lma_pend		*pend_free;	/* recycled records */
	struct lma_lq		**lq;		/* lifetime queues, by delay */
	struct lma_lq		**lq_hash;
	size_t			 n_lq, cap_lq;
};

enum lma_dp_kind { LMA_DP_AUTO, LMA_DP_SEG6, LMA_DP_IP6TNL, LMA_DP_NONE };

/* lma_conf.c */
extern const struct conf_field lma_conf_schema[];
/* Defaults, then the file; -1 with err filled on any problem. */
int	 lma_conf_load(struct lma_conf *, const char *path,
	    struct conf_err *err);
void	 lma_conf_defaults(struct lma_conf *);
void	 lma_conf_release(struct lma_conf *);

/* lma_core.c */
int	 lma_init(struct lma *, struct loop *, const struct lma_conf *);
void	 lma_shutdown(struct lma *);
/* One received MH: src/dst as the socket reported them. */
void	 lma_input(struct lma *, const uint8_t *buf, size_t len,
	    const struct in6_addr *src, const struct in6_addr *dst);
/* The same for n MHs sent to the LMA address, with the same effects in
 * the same order, only faster with millions of bindings. */
void	 lma_input_burst(struct lma *, const struct lma_rx *, unsigned n);
int	 lma_send_msg(struct lma *, const struct mh_msg *,
	    const struct in6_addr *dst);
uint64_t lma_realtime_ts(void);

/* lma_pbu.c */
void	 lma_pbu(struct lma *, const struct mh_msg *,
	    const struct in6_addr *src);
void	 lma_binding_release(struct lma *, struct lma_binding *,
	    const char *why);
int	 lma_mag_authorized(const struct lma *, const struct in6_addr *);
/* The data plane's answer for one route queued by dp.route_add_q. */
void	 lma_route_done(struct lma *, void *tok, const struct prefix6 *,
	    int status);
/* Free what batching kept for reuse (at shutdown). */
void	 lma_pend_drain(struct lma *);
/* Its lifetime or deletion delay ran out. */
void	 lma_binding_expired(struct lma *, struct lma_binding *);

/* lma_prefetch.c: bring into the CPU caches what a burst of received
 * MHs will look up (at most LMA_BURST_MAX of them are looked at).  Only
 * a hint: it changes nothing. */
void	 lma_prefetch_burst(const struct lma *, const struct lma_rx *,
	    unsigned n);

/* lma_life.c: per-binding deadlines, one queue per distinct delay */
int	 lma_life_arm(struct lma *, struct lma_binding *, uint64_t delay_ms);
void	 lma_life_cancel(struct lma *, struct lma_binding *);
/* ms until it fires; 0 if due or not armed. */
uint64_t lma_life_remaining(const struct lma_binding *);
void	 lma_life_free(struct lma *);

/* lma_pool.c */
struct lma_pool;
struct lma_pool *lma_pool_new(const struct prefix6 *pools, unsigned n,
	    unsigned plen);
void	 lma_pool_free(struct lma_pool *);
/* Next free prefix not held in the cache; -1 when exhausted. */
int	 lma_pool_alloc(struct lma_pool *, const struct bce_cache *,
	    struct prefix6 *out);
void	 lma_pool_release(struct lma_pool *, const struct prefix6 *);
/* The prefix the k-th lma_pool_alloc() from now will try first, for
 * prefetching; -1 when there is none. */
int	 lma_pool_peek(const struct lma_pool *, unsigned k,
	    struct prefix6 *out);
int	 lma_pool_contains(const struct lma_pool *, const struct prefix6 *);

/* lma_revoke.c: RFC 5846 */
void	 lma_revoke_binding(struct lma *, struct lma_binding *,
	    const struct in6_addr *mag, uint8_t trigger);
void	 lma_bra(struct lma *, const struct mh_msg *,
	    const struct in6_addr *src);
void	 lma_revoke_cancel_all(struct lma *);
unsigned lma_revoke_mn(struct lma *, const uint8_t *mnid, size_t len);
unsigned lma_revoke_mag(struct lma *, const struct in6_addr *mag);

/* lma_hb.c: RFC 5847 */
void	 lma_hb(struct lma *, const struct mh_msg *,
	    const struct in6_addr *src);
void	 lma_hb_start(struct lma *);
void	 lma_hb_stop(struct lma *);

#endif /* PMIP6_LMA_H */
