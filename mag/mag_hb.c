/*
 * mag_hb.c: Heartbeat between the MAG and its LMAs (RFC 5847).
 *
 * Requests go to every LMA the MAG has bindings with, once per
 * HEARTBEAT_INTERVAL; requests are always answered with our Restart
 * Counter.  A changed Restart Counter in a response means the LMA
 * restarted and lost its bindings: every MN anchored there is
 * re-registered at once (RFC 5847 5.3), which also brings traffic back.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mag.h"

static struct log_ratelimit rl_hb = LOG_RATELIMIT_INIT(10000, 10);

static struct mag_hb *
hb_of(struct bce_peer *p)
{
	if (p->priv == NULL && (p->priv = calloc(1,
	    sizeof(struct mag_hb))) != NULL)
		((struct mag_hb *)p->priv)->lma = p->addr;
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
hb_send(struct mag *m, const struct in6_addr *dst, uint32_t seq, int resp)
{
	struct mh_msg msg;

	memset(&msg, 0, sizeof(msg));
	msg.type = MH_TYPE_HB;
	msg.hb_seq = seq;
	if (resp) {
		msg.flags = MH_HB_R;
		msg.opt.present = MH_HAS_RESTART;
		msg.opt.restart = m->restart_counter;
	}
	mag_send_msg(m, NULL, &msg, dst);
}

static void
hb_tick(struct timer *t, void *ctx)
{
	struct mag *m = ctx;
	struct bce_peer *p;
	struct mag_hb *h;
	char s[INET6_ADDRSTRLEN];

	(void)t;
	for (p = bce_peer_first(m->cache); p != NULL; p = bce_peer_next(p)) {
		if (p->head == NULL || (h = hb_of(p)) == NULL)
			continue;
		if (h->missing > (uint32_t)m->conf.MISSING_HEARTBEATS_ALLOWED &&
		    !h->failed) {
			h->failed = 1;
			log_warnx(LOG_SUB_MAG, "path to LMA %s failed: %u "
			    "heartbeats unanswered", addr6_ntop(&p->addr, s),
			    h->missing);
		}
		h->missing++;
		hb_send(m, &p->addr, ++h->seq, 0);
	}
}

void
mag_hb_start(struct mag *m)
{
	bce_cache_set_peer_hook(m->cache, peer_gone, m);
	timer_init(&m->hb_timer, hb_tick, m);
	if (m->conf.HEARTBEAT_INTERVAL == 0)
		return;
	timer_set_recurrence(&m->hb_timer,
	    (uint32_t)m->conf.HEARTBEAT_INTERVAL * 1000, 0);
	timer_arm(m->loop, &m->hb_timer,
	    (uint64_t)m->conf.HEARTBEAT_INTERVAL * 1000);
}

void
mag_hb_stop(struct mag *m)
{
	timer_cancel(m->loop, &m->hb_timer);
}

struct rereg {
	const struct in6_addr	*lma;
	unsigned		 n;
};

static void
rereg_one(struct mag *m, struct mag_mn *mn, void *ctx)
{
	struct rereg *r = ctx;

	if (mn->state != MAG_S_BOUND || !IN6_ARE_ADDR_EQUAL(&mn->lma, r->lma))
		return;
	timer_cancel(m->loop, &mn->timer);
	mag_register(m, mn, MH_HI_UNCHANGED);
	r->n++;
}

/* The LMA lost its state: register everything anchored there again. */
void
mag_lma_restarted(struct mag *m, const struct in6_addr *lma)
{
	struct rereg r = { .lma = lma, .n = 0 };
	char s[INET6_ADDRSTRLEN];

	m->stats.lma_restarts++;
	mag_foreach(m, rereg_one, &r);
	log_warnx(LOG_SUB_MAG, "LMA %s restarted: re-registering %u mobile "
	    "nodes", addr6_ntop(lma, s), r.n);
}

void
mag_hb(struct mag *m, const struct mh_msg *msg, const struct in6_addr *src)
{
	struct bce_peer *p;
	struct mag_hb *h;
	char s[INET6_ADDRSTRLEN];

	if (!(msg->flags & MH_HB_R)) {
		hb_send(m, src, msg->hb_seq, 1);
		return;
	}
	if ((p = bce_peer_find(m->cache, src)) == NULL ||
	    (h = hb_of(p)) == NULL)
		return;
	if (msg->hb_seq != h->seq && !(msg->flags & MH_HB_U)) {
		log_rl(&rl_hb, LOG_SUB_MAG, LOG_LVL_DEBUG, "stale heartbeat "
		    "response from %s", addr6_ntop(src, s));
		return;
	}
	if (h->failed)
		log_notice(LOG_SUB_MAG, "path to LMA %s restored",
		    addr6_ntop(src, s));
	h->missing = 0;
	h->failed = 0;
	if (!(msg->opt.present & MH_HAS_RESTART))
		return;
	if (h->restart_known && h->restart != msg->opt.restart) {
		h->restart = msg->opt.restart;
		mag_lma_restarted(m, src);
		return;
	}
	h->restart = msg->opt.restart;
	h->restart_known = 1;
}
