/*
 * lma_hb.c: Heartbeat between the LMA and its MAGs (RFC 5847).
 *
 * Requests go to every MAG the LMA has bindings with, once per
 * HEARTBEAT_INTERVAL; requests from anyone are answered with our Restart
 * Counter.  MISSING_HEARTBEATS_ALLOWED unanswered requests in a row is a
 * path failure; a changed Restart Counter is a MAG restart.  Either is
 * logged, and the MAG's bindings are released when configured to.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lma.h"

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
peer_gone(struct bce_peer *p, void *ctx)
{
	(void)ctx;
	free(p->priv);
	p->priv = NULL;
}

static void
release_peer(struct lma *l, const struct in6_addr *mag, const char *why)
{
	struct bce_peer *p = bce_peer_hold(l->cache, mag);

	if (p == NULL)
		return;
	while (p->head != NULL)
		lma_binding_release(l, (struct lma_binding *)(void *)
		    ((char *)p->head - offsetof(struct lma_binding, b)), why);
	bce_peer_release(l->cache, p);
}

static void
hb_send(struct lma *l, const struct in6_addr *dst, uint32_t seq, int resp)
{
	struct mh_msg m;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_HB;
	m.hb_seq = seq;
	if (resp) {
		m.flags = MH_HB_R;
		m.opt.present = MH_HAS_RESTART;
		m.opt.restart = l->restart_counter;
	}
	lma_send_msg(l, &m, dst);
}

static void
hb_tick(struct timer *t, void *ctx)
{
	struct lma *l = ctx;
	struct bce_peer *p, *next;
	struct hb_peer *h;
	char s[INET6_ADDRSTRLEN];

	(void)t;
	for (p = bce_peer_first(l->cache); p != NULL; p = next) {
		next = bce_peer_next(p);
		if (p->head == NULL || (h = hb_of(p)) == NULL)
			continue;
		if (h->missing > (uint32_t)l->conf.MISSING_HEARTBEATS_ALLOWED &&
		    !h->failed) {
			h->failed = 1;
			log_warnx(LOG_SUB_LMA, "path to MAG %s failed: %u "
			    "heartbeats unanswered", addr6_ntop(&p->addr, s),
			    h->missing - 1);
			if (l->conf.release_on_path_failure) {
				release_peer(l, &p->addr, "heartbeat path "
				    "failure");
				continue;
			}
		}
		h->missing++;
		hb_send(l, &p->addr, ++h->seq, 0);
	}
}

void
lma_hb_start(struct lma *l)
{
	bce_cache_set_peer_hook(l->cache, peer_gone, l);
	if (l->conf.HEARTBEAT_INTERVAL == 0)
		return;
	timer_init(&l->hb_timer, hb_tick, l);
	timer_set_recurrence(&l->hb_timer,
	    (uint32_t)l->conf.HEARTBEAT_INTERVAL * 1000, 0);
	timer_arm(l->loop, &l->hb_timer,
	    (uint64_t)l->conf.HEARTBEAT_INTERVAL * 1000);
}

void
lma_hb_stop(struct lma *l)
{
	timer_cancel(l->loop, &l->hb_timer);
}

void
lma_hb(struct lma *l, const struct mh_msg *m, const struct in6_addr *src)
{
	struct bce_peer *p;
	struct hb_peer *h;
	char s[INET6_ADDRSTRLEN];

	if (!(m->flags & MH_HB_R)) {
		/* 5.2: always answer, bindings or not. */
		hb_send(l, src, m->hb_seq, 1);
		return;
	}
	if ((p = bce_peer_find(l->cache, src)) == NULL ||
	    (h = hb_of(p)) == NULL)
		return;
	if (m->hb_seq != h->seq && !(m->flags & MH_HB_U)) {
		log_rl(&rl_hb, LOG_SUB_LMA, LOG_LVL_DEBUG, "stale heartbeat "
		    "response from %s", addr6_ntop(src, s));
		return;
	}
	if (h->failed)
		log_notice(LOG_SUB_LMA, "path to MAG %s restored",
		    addr6_ntop(src, s));
	h->missing = 0;
	h->failed = 0;
	if (!(m->opt.present & MH_HAS_RESTART))
		return;
	if (h->restart_known && h->restart != m->opt.restart) {
		h->restart = m->opt.restart;
		log_warnx(LOG_SUB_LMA, "MAG %s restarted (restart counter "
		    "%u)", addr6_ntop(src, s), m->opt.restart);
		if (l->conf.release_on_path_failure)
			release_peer(l, src, "MAG restarted");
		return;
	}
	h->restart = m->opt.restart;
	h->restart_known = 1;
}
