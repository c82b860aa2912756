/*
 * hb.h: the Heartbeat mechanism both roles share (RFC 5847).
 *
 * The owner embeds a struct hb, fills in the fields above "private",
 * and calls hb_start().  Per-peer state hangs off bce_peer->priv of the
 * owner's cache and is freed with the peer.  What a path failure or a
 * peer restart means is the owner's business: it learns of both
 * through the callbacks.
 */
#ifndef PMIP6_HB_H
#define PMIP6_HB_H

#include <netinet/in.h>
#include <stdint.h>

#include "bce.h"
#include "log.h"
#include "loop.h"
#include "mh.h"

struct hb {
	struct loop		*loop;
	struct bce_cache	*cache;		/* peers with bindings */
	uint32_t		 interval;	/* s between requests, 0 = off */
	uint32_t		 missing_allowed; /* read at every tick */
	uint32_t		 restart_counter; /* ours, sent in responses */
	enum log_subsys		 sub;		/* for log messages */
	const char		*peer_name;	/* "MAG" or "LMA" */
	void			*ctx;		/* for the functions below */
	/* Hand a heartbeat message to the MH socket. */
	int			(*send)(void *ctx, const struct in6_addr *dst,
				    const struct mh_msg *m);
	/*
	 * More than missing_allowed requests in a row went unanswered
	 * (called once per failure).  Return non-zero if the peer's
	 * bindings, and with them the peer, are gone.
	 */
	int			(*path_failed)(void *ctx,
				    const struct in6_addr *peer,
				    uint32_t missing);
	/* The peer's Restart Counter changed; the peer may be freed. */
	void			(*restarted)(void *ctx,
				    const struct in6_addr *peer,
				    uint32_t restart_counter);
	/* private */
	struct timer		 timer;
};

/* Take over bce_peer->priv of h->cache and send requests every
 * h->interval seconds (if not 0). */
void	 hb_start(struct hb *h);
void	 hb_stop(struct hb *h);
/* A received Heartbeat message (request or response). */
void	 hb_input(struct hb *h, const struct mh_msg *m,
	    const struct in6_addr *src);

#endif /* PMIP6_HB_H */
