/*
 * lma_revoke.c: Binding Revocation at the LMA (RFC 5846 sections 8 and
 * 11; the seed draft's Figure 10, which tells the previous MAG once the
 * MN has moved).
 *
 * A BRI is retransmitted after InitMINDelayBRIs, doubling up to
 * MAX_BRACK_TIMEOUT, at most BRIMaxRetriesNumber times.  Outstanding
 * BRIs are found by sequence number in a direct table, so a BRA costs
 * O(1) however many revocations are in flight.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lma.h"

#define BRI_SLOTS	65536

static struct log_ratelimit rl_bra = LOG_RATELIMIT_INIT(10000, 10);

static void
bri_free(struct lma *l, struct lma_bri *r)
{
	timer_cancel(l->loop, &r->timer);
	l->bri_by_seq[r->msg.seq] = NULL;
	l->n_bri--;
	free(r);
}

static void
bri_timeout(struct timer *t, void *ctx)
{
	struct lma_bri *r = ctx;
	struct lma *l = r->lma;
	char s[INET6_ADDRSTRLEN];

	(void)t;
	if (r->tries > (uint32_t)l->conf.BRIMaxRetriesNumber) {
		l->stats.bri_timeout++;
		log_notice(LOG_SUB_LMA, "no BRA from %s for BRI seq %u after "
		    "%u tries", addr6_ntop(&r->mag, s), r->msg.seq, r->tries);
		bri_free(l, r);
		return;
	}
	r->tries++;
	l->stats.bri_retx++;
	lma_send_msg(l, &r->msg, &r->mag);
	r->timeout_ms *= 2;
	if (r->timeout_ms > l->conf.MAX_BRACK_TIMEOUT)
		r->timeout_ms = (uint32_t)l->conf.MAX_BRACK_TIMEOUT;
	timer_arm(l->loop, &r->timer, r->timeout_ms);
}

/* Queue and send one BRI; the caller filled msg's trigger, flags and
 * options. */
static int
bri_start(struct lma *l, struct mh_msg *msg, const struct in6_addr *mag)
{
	struct lma_bri *r;
	unsigned i;

	if (l->bri_by_seq == NULL &&
	    (l->bri_by_seq = calloc(BRI_SLOTS, sizeof(*l->bri_by_seq))) ==
	    NULL)
		return -1;
	/* RFC 5846 6.1: no two outstanding BRIs share a sequence number. */
	for (i = 0; i < BRI_SLOTS && l->bri_by_seq[l->next_bri_seq] != NULL;
	    i++)
		l->next_bri_seq++;
	if (i == BRI_SLOTS || (r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	msg->type = MH_TYPE_BR;
	msg->br_type = MH_BR_INDICATION;
	msg->seq = l->next_bri_seq++;
	r->msg = *msg;
	r->mag = *mag;
	r->lma = l;
	r->tries = 1;
	r->timeout_ms = (uint32_t)l->conf.InitMINDelayBRIs;
	timer_init(&r->timer, bri_timeout, r);
	l->bri_by_seq[msg->seq] = r;
	l->n_bri++;
	l->stats.bri_sent++;
	lma_send_msg(l, &r->msg, mag);
	timer_arm(l->loop, &r->timer, r->timeout_ms);
	return 0;
}

void
lma_revoke_binding(struct lma *l, struct lma_binding *lb,
    const struct in6_addr *mag, uint8_t trigger)
{
	struct mh_msg m;
	const struct bce_hnp *h;

	memset(&m, 0, sizeof(m));
	m.trigger = trigger;
	m.flags = MH_BR_P;
	/* 8.1: a per-MN BRI names the MN and its prefixes. */
	for (h = lb->b.hnp; h != NULL && m.opt.n_hnp < MH_MAX_HNP;
	    h = h->next) {
		m.opt.hnp[m.opt.n_hnp].addr = h->pfx.addr;
		m.opt.hnp[m.opt.n_hnp].len = h->pfx.len;
		m.opt.n_hnp++;
	}
	mh_set_mnid(&m.opt, MH_MNID_NAI, lb->b.mnid, lb->b.mnid_len);
	if (bri_start(l, &m, mag) == -1)
		log_warnx(LOG_SUB_LMA, "cannot send BRI: out of memory");
}

void
lma_bra(struct lma *l, const struct mh_msg *m, const struct in6_addr *src)
{
	struct lma_bri *r = l->bri_by_seq ? l->bri_by_seq[m->seq] : NULL;
	char s[INET6_ADDRSTRLEN];

	if (r == NULL || !IN6_ARE_ADDR_EQUAL(&r->mag, src)) {
		log_rl(&rl_bra, LOG_SUB_LMA, LOG_LVL_NOTICE,
		    "BRA seq %u from %s matches no BRI", m->seq,
		    addr6_ntop(src, s));
		return;
	}
	l->stats.bri_acked++;
	l->stats.bra_status[m->status]++;
	if (m->status >= 128)
		log_notice(LOG_SUB_LMA, "MAG %s answered BRI seq %u with %u "
		    "(%s)", addr6_ntop(src, s), m->seq, m->status,
		    mh_bra_status_name(m->status));
	bri_free(l, r);
}

void
lma_revoke_cancel_all(struct lma *l)
{
	size_t i;

	if (l->bri_by_seq == NULL)
		return;
	for (i = 0; i < BRI_SLOTS && l->n_bri > 0; i++)
		if (l->bri_by_seq[i] != NULL)
			bri_free(l, l->bri_by_seq[i]);
	free(l->bri_by_seq);
	l->bri_by_seq = NULL;
}

static struct lma_binding *
lb_of(struct bce *b)
{
	return (struct lma_binding *)(void *)((char *)b -
	    offsetof(struct lma_binding, b));
}

unsigned
lma_revoke_mn(struct lma *l, const uint8_t *mnid, size_t len)
{
	struct bce *b, *next;
	unsigned n = 0;

	for (b = bce_by_mnid(l->cache, mnid, len); b != NULL; b = next) {
		struct lma_binding *lb = lb_of(b);

		next = bce_next_mnid(b);
		if (lb->b.peer != NULL && lb->state == LMA_B_ACTIVE)
			lma_revoke_binding(l, lb, &lb->b.peer->addr,
			    MH_BRT_ADMIN);
		/* 11: the binding goes whether or not the MAG answers. */
		lma_binding_release(l, lb, "revoked by the operator");
		n++;
	}
	return n;
}

unsigned
lma_revoke_mag(struct lma *l, const struct in6_addr *mag)
{
	struct bce_peer *p = bce_peer_find(l->cache, mag);
	struct mh_msg m;
	unsigned n = 0;

	if (p == NULL)
		return 0;
	/* One global BRI (G=1, Per-Peer Policy, no options, RFC 5846 8.1)
	 * instead of one per binding. */
	memset(&m, 0, sizeof(m));
	m.trigger = MH_BRT_PER_PEER_POLICY;
	m.flags = MH_BR_P | MH_BR_G;
	if (bri_start(l, &m, mag) == -1)
		log_warnx(LOG_SUB_LMA, "cannot send BRI: out of memory");
	/* Releasing the last binding frees the peer: hold it meanwhile. */
	p = bce_peer_hold(l->cache, mag);
	while (p->head != NULL) {
		lma_binding_release(l, lb_of(p->head), "MAG revoked by the "
		    "operator");
		n++;
	}
	bce_peer_release(l->cache, p);
	return n;
}
