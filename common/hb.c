/*
 * hb.c: Heartbeat between the LMA and its MAGs (RFC 5847), the part
 * both roles share.
 *
 * Requests go to every peer we have bindings with, once per interval;
 * requests from anyone are answered with our Restart Counter (5.2).
 * More than missing_allowed unanswered requests in a row is a path
 * failure (5.3); a changed Restart Counter in a response is a peer
 * restart (5.3).  Both are handed to the owner's callbacks.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "hb.h"

struct hb_peer {
	uint32_t	 missing;	/* requests not yet answered */
	uint32_t	 seq;		/* of the last request */
	uint32_t	 restart;
	uint8_t		 restart_known;
	uint8_t		 failed;	/* path failure already reported */
};

static struct log_ratelimit rl_hb = LOG_RATELIMIT_INIT(10000, 10);

static struct hb_peer *
hb_of(struct bce_peer *p)
{
	if (p->priv == NULL)
		p->priv = calloc(1, sizeof(struct hb_peer));
	return p->priv;
}

static void
hb_peer_gone(struct bce_peer *p, void *ctx)
{
	(void)ctx;
	free(p->priv);
	p->priv = NULL;
}

static void
hb_send(struct hb *h, const struct in6_addr *dst, uint32_t seq, int resp)
{
	struct mh_msg m;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_HB;
	m.hb_seq = seq;
	if (resp) {
		m.flags = MH_HB_R;
		m.opt.present = MH_HAS_RESTART;
		m.opt.restart = h->restart_counter;
	}
	(void)h->send(h->ctx, dst, &m);
}

static void
hb_tick(struct timer *t, void *ctx)
{
	struct hb *h = ctx;
	struct bce_peer *p, *next;
	struct hb_peer *hp;

	(void)t;
	for (p = bce_peer_first(h->cache); p != NULL; p = next) {
		next = bce_peer_next(p);
		if (p->head == NULL || (hp = hb_of(p)) == NULL)
			continue;
		if (hp->missing > h->missing_allowed && !hp->failed) {
			hp->failed = 1;
			if (h->path_failed(h->ctx, &p->addr, hp->missing))
				continue;
		}
		hp->missing++;
		hb_send(h, &p->addr, ++hp->seq, 0);
	}
}

void
hb_start(struct hb *h)
{
	bce_cache_set_peer_hook(h->cache, hb_peer_gone, h);
	timer_init(&h->timer, hb_tick, h);
	if (h->interval == 0)
		return;
	timer_set_recurrence(&h->timer, h->interval * 1000, 0);
	timer_arm(h->loop, &h->timer, (uint64_t)h->interval * 1000);
}

void
hb_stop(struct hb *h)
{
	timer_cancel(h->loop, &h->timer);
}

void
hb_input(struct hb *h, const struct mh_msg *m, const struct in6_addr *src)
{
	struct bce_peer *p;
	struct hb_peer *hp;
	char s[INET6_ADDRSTRLEN];

	if (!(m->flags & MH_HB_R)) {
		/* 5.2: always answer, bindings or not. */
		hb_send(h, src, m->hb_seq, 1);
		return;
	}
	if ((p = bce_peer_find(h->cache, src)) == NULL ||
	    (hp = hb_of(p)) == NULL)
		return;
	if (m->hb_seq != hp->seq && !(m->flags & MH_HB_U)) {
		log_rl(&rl_hb, h->sub, LOG_LVL_DEBUG, "stale heartbeat "
		    "response from %s", addr6_ntop(src, s));
		return;
	}
	if (hp->failed)
		log_notice(h->sub, "path to %s %s restored", h->peer_name,
		    addr6_ntop(src, s));
	hp->missing = 0;
	hp->failed = 0;
	if (!(m->opt.present & MH_HAS_RESTART))
		return;
	if (hp->restart_known && hp->restart != m->opt.restart) {
		/* The owner may release the peer: hp goes with it. */
		hp->restart = m->opt.restart;
		h->restarted(h->ctx, src, m->opt.restart);
		return;
	}
	hp->restart = m->opt.restart;
	hp->restart_known = 1;
}
