/*
 * lma_pbu.c: Proxy Binding Update processing at the LMA.
 *
 * RFC 5213 5.3.1 (validation, in the RFC's order as far as the checks
 * allow), 5.4.1 (which binding a PBU refers to, handoff detection), 5.5
 * (timestamp or sequence ordering), 5.3.2-5.3.5 (new session, extension,
 * handoff, de-registration) and 5.3.6 (the PBA).  Every path ends in
 * exactly one PBA, or in none where the RFC says "silently ignore".
 * When the daemon batches the data plane (lma.dp_defer), a PBU that
 * needs routes is parked in a struct lma_pend until the burst's commit
 * reports on them, and only then answered.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lma.h"

enum lookup {
	LK_NEW,		/* a new mobility session */
	LK_UPDATE,	/* update the binding found */
	LK_WAIT,	/* HI=4: wait for the old MAG's de-registration */
	LK_REJECT,	/* status in *status */
};

/*
 * A PBU whose routes were queued in a batch (lma.dp_defer): what its
 * PBA needs once the data plane has answered for every prefix.
 */
struct lma_pend {
	struct mh_msg	 pbu;
	struct in6_addr	 src;
	struct in6_addr	 pcoa;
	struct in6_addr	 old;		/* update: the previous Proxy-CoA */
	struct lma_binding *lb;
	struct lma_pend	*next;		/* on the free list */
	unsigned	 left;		/* routes not yet answered */
	int		 err;		/* first failure */
	uint8_t		 is_new;	/* new session, else update */
	uint8_t		 moved, reviving, trigger;
};

static struct log_ratelimit rl_unauth = LOG_RATELIMIT_INIT(10000, 10);
static struct log_ratelimit rl_reject = LOG_RATELIMIT_INIT(10000, 20);

static void pbu_process(struct lma *, const struct mh_msg *,
    const struct in6_addr *, int);

static struct lma_binding *
lb_of(struct bce *b)
{
	return (struct lma_binding *)(void *)((char *)b -
	    offsetof(struct lma_binding, b));
}

static void
mnid_str(const struct mh_opts *o, char *buf, size_t len)
{
	size_t i, n = o->mnid_len < len - 1 ? o->mnid_len : len - 1;

	for (i = 0; i < n; i++)
		buf[i] = (o->mnid[i] >= 0x20 && o->mnid[i] < 0x7f) ?
		    (char)o->mnid[i] : '?';
	buf[n] = '\0';
}

int
lma_mag_authorized(const struct lma *l, const struct in6_addr *a)
{
	/* The list comes from the configuration and is short; its length
	 * does not grow with the number of bindings. */
	const struct prefix6 *mag = l->conf.mag.v;
	size_t i;

	for (i = 0; i < l->conf.mag.n; i++)
		if (prefix6_contains(&mag[i], a))
			return 1;
	return 0;
}

static int
hnp_nonzero(const struct mh_prefix *p)
{
	return !IN6_IS_ADDR_UNSPECIFIED(&p->addr);
}

static unsigned
count_nonzero_hnp(const struct mh_opts *o)
{
	unsigned i, n = 0;

	for (i = 0; i < o->n_hnp; i++)
		n += hnp_nonzero(&o->hnp[i]);
	return n;
}

static void
to_prefix6(const struct mh_prefix *m, struct prefix6 *p)
{
	p->addr = m->addr;
	p->len = m->len;
}

/* Does the binding hold exactly the non-zero prefixes of the request? */
static int
same_prefix_set(const struct bce_cache *c, const struct lma_binding *lb,
    const struct mh_opts *o)
{
	struct prefix6 p;
	unsigned i;

	if (count_nonzero_hnp(o) != lb->b.n_hnp)
		return 0;
	for (i = 0; i < o->n_hnp; i++) {
		if (!hnp_nonzero(&o->hnp[i]))
			continue;
		to_prefix6(&o->hnp[i], &p);
		if (bce_by_hnp(c, &p) != &lb->b)
			return 0;
	}
	return 1;
}

static int
lli_matches(const struct bce *b, const struct mh_opts *o)
{
	if (!(o->present & MH_HAS_MNLLI) ||
	    bce_lli_unknown(o->mnlli, o->mnlli_len))
		return b->lli_len == 0;
	return b->lli_len == o->mnlli_len &&
	    memcmp(b->lli, o->mnlli, o->mnlli_len) == 0;
}

static int
pcoa_of(const struct lma_binding *lb, const struct in6_addr *pcoa)
{
	return lb->b.peer != NULL && IN6_ARE_ADDR_EQUAL(&lb->b.peer->addr,
	    pcoa);
}

/*
 * RFC 5213 5.4.1: find the binding a request refers to.  Three cases
 * by what the request carries: non-zero prefixes (5.4.1.1), else a
 * link-layer identifier (5.4.1.2), else the MN identifier alone
 * (5.4.1.3).
 */
static enum lookup
lookup(struct lma *l, const struct mh_msg *m, const struct in6_addr *pcoa,
    struct lma_binding **out, uint8_t *status)
{
	const struct mh_opts *o = &m->opt;
	int has_lli = (o->present & MH_HAS_MNLLI) &&
	    !bce_lli_unknown(o->mnlli, o->mnlli_len);
	struct lma_binding *lb = NULL;
	struct prefix6 p;
	struct bce *b;
	unsigned i;

	*out = NULL;
	if (count_nonzero_hnp(o) > 0) {
		for (i = 0; i < o->n_hnp && lb == NULL; i++) {
			if (!hnp_nonzero(&o->hnp[i]))
				continue;
			to_prefix6(&o->hnp[i], &p);
			if ((b = bce_by_hnp(l->cache, &p)) != NULL)
				lb = lb_of(b);
		}
		if (lb == NULL)
			return LK_NEW;
		if (lb->b.mnid_len != o->mnid_len ||
		    memcmp(lb->b.mnid, o->mnid, o->mnid_len) != 0) {
			*status = MH_BA_NOT_AUTHORIZED_FOR_HNP;
			return LK_REJECT;
		}
		if (!same_prefix_set(l->cache, lb, o)) {
			*status = MH_BA_BCE_PBU_PREFIX_MISMATCH;
			return LK_REJECT;
		}
		*out = lb;
		if ((lli_matches(&lb->b, o) && lb->b.att == o->att) ||
		    o->hi == MH_HI_IF_HANDOFF ||
		    (!has_lli && lb->b.lli_len == 0 && lb->b.att == o->att &&
		    o->hi == MH_HI_MAG_HANDOFF) ||
		    (pcoa_of(lb, pcoa) && lb->b.att == o->att))
			return LK_UPDATE;
		/* The RFC would start a new session here, but its prefixes
		 * belong to the binding found and a prefix is never given to
		 * two sessions at once. */
		*status = MH_BA_NOT_AUTHORIZED_FOR_HNP;
		return LK_REJECT;
	}

	b = bce_by_mnid(l->cache, o->mnid, o->mnid_len);
	if (has_lli) {
		for (; b != NULL; b = bce_next_mnid(b))
			if (b->att == o->att && lli_matches(b, o)) {
				*out = lb_of(b);
				return LK_UPDATE;
			}
	}
	b = bce_by_mnid(l->cache, o->mnid, o->mnid_len);
	if (b == NULL || bce_next_mnid(b) != NULL)
		return LK_NEW;		/* none, or not exactly one */
	lb = lb_of(b);
	if (o->hi == MH_HI_IF_HANDOFF ||
	    (!has_lli && o->hi == MH_HI_MAG_HANDOFF)) {
		*out = lb;
		return LK_UPDATE;
	}
	if (o->hi == MH_HI_UNKNOWN) {
		*out = lb;
		/* Already de-registered by the old MAG, or the operator chose
		 * not to wait: nothing to wait for. */
		if (lb->state == LMA_B_DELETING || pcoa_of(lb, pcoa))
			return LK_UPDATE;
		return l->conf.wait_for_dereg ? LK_WAIT : LK_NEW;
	}
	return LK_NEW;
}

static uint64_t
ts_ms(uint64_t ts)
{
	return mh_ts_sec(ts) * 1000 + mh_ts_nsec(ts) / 1000000;
}

/* RFC 5213 5.5: 0 if the request is in order, else the status. */
static uint8_t
check_window(const struct lma *l, const struct mh_msg *m)
{
	uint64_t now, ts;

	if (!(m->opt.present & MH_HAS_TS) ||
	    !l->conf.TimestampBasedApproachInUse ||
	    l->conf.MobileNodeGeneratedTimestampInUse)
		return 0;
	now = ts_ms(l->realtime_ts());
	ts = ts_ms(m->opt.ts);
	if ((ts > now ? ts - now : now - ts) > l->conf.TimestampValidityWindow)
		return MH_BA_TIMESTAMP_MISMATCH;
	return 0;
}

static uint8_t
check_order(const struct lma *l, const struct mh_msg *m,
    const struct lma_binding *lb)
{
	if (lb == NULL)
		return 0;
	if ((m->opt.present & MH_HAS_TS) &&
	    l->conf.TimestampBasedApproachInUse) {
		if (m->opt.ts <= lb->last_ts)
			return MH_BA_TIMESTAMP_LOWER;
		return 0;
	}
	/* Sequence-number scheme (RFC 6275 9.5.1). */
	if (!mh_seq_after(m->seq, lb->last_seq))
		return MH_BA_SEQ_OUT_OF_WINDOW;
	return 0;
}

/* The PBA skeleton of RFC 5213 5.3.6: everything echoed from the PBU. */
static void
pba_init(struct mh_msg *a, const struct mh_msg *m)
{
	const struct mh_opts *o = &m->opt;

	memset(a, 0, sizeof(*a));
	a->type = MH_TYPE_BA;
	a->seq = m->seq;
	if (m->flags & MH_BU_P)
		a->flags = MH_BA_P;
	a->lifetime = m->lifetime;
	a->opt.present = MH_HAS_MNID | MH_HAS_HI | MH_HAS_ATT;
	a->opt.mnid_subtype = o->mnid_subtype ? o->mnid_subtype : MH_MNID_NAI;
	a->opt.mnid_len = o->mnid_len;
	memcpy(a->opt.mnid, o->mnid, o->mnid_len);
	a->opt.hi = o->hi;
	a->opt.att = o->att;
	a->opt.n_hnp = o->n_hnp;
	memcpy(a->opt.hnp, o->hnp, sizeof(o->hnp[0]) * o->n_hnp);
	if (o->present & MH_HAS_MNLLI) {
		a->opt.present |= MH_HAS_MNLLI;
		a->opt.mnlli_len = o->mnlli_len;
		memcpy(a->opt.mnlli, o->mnlli, o->mnlli_len);
	}
	if (o->present & MH_HAS_LLA) {
		a->opt.present |= MH_HAS_LLA;
		a->opt.lla = o->lla;
	}
	if (o->present & MH_HAS_TS) {
		a->opt.present |= MH_HAS_TS;
		a->opt.ts = o->ts;
	}
}

static void
send_pba(struct lma *l, struct mh_msg *a, const struct in6_addr *dst)
{
	/* A rejected request with no prefix gets one ALL_ZERO HNP. */
	if (a->opt.n_hnp == 0) {
		memset(&a->opt.hnp[0], 0, sizeof(a->opt.hnp[0]));
		a->opt.n_hnp = 1;
	}
	/* A PBU without MN-ID gets a zero-length one back (5.3.6). */
	if (a->status >= 128)
		a->lifetime = 0;
	l->stats.pba_status[a->status]++;
	lma_send_msg(l, a, dst);
}

static void
reject(struct lma *l, struct mh_msg *a, uint8_t status,
    const struct in6_addr *dst, const struct mh_msg *m)
{
	char id[64], s[INET6_ADDRSTRLEN];

	mnid_str(&m->opt, id, sizeof(id));
	log_rl(&rl_reject, LOG_SUB_LMA, LOG_LVL_NOTICE,
	    "PBU from %s for \"%s\" rejected: %u (%s)", addr6_ntop(dst, s), id,
	    status, mh_ba_status_name(status));
	a->status = status;
	/* 156 and 157 carry the LMA's own time (RFC 5213 5.5). */
	if ((status == MH_BA_TIMESTAMP_MISMATCH ||
	    status == MH_BA_TIMESTAMP_LOWER) && (a->opt.present & MH_HAS_TS))
		a->opt.ts = l->realtime_ts();
	send_pba(l, a, dst);
}

static void
event(struct lma *l, const char *what, const struct lma_binding *lb)
{
	if (l->event != NULL)
		l->event(l->event_ctx, what, lb);
}

static void
route_failed(struct lma *l, const struct prefix6 *pfx, int rc)
{
	char p[PREFIX6_STRLEN];

	l->stats.dp_failures++;
	log_warnx(LOG_SUB_LMA, "data plane: route %s: %s",
	    prefix6_ntop(pfx, p), strerror(-rc));
}

static int
routes_add(struct lma *l, struct lma_binding *lb, const struct in6_addr *pcoa)
{
	const struct in6_addr *old = lb->routed && lb->b.peer != NULL ?
	    &lb->b.peer->addr : NULL;
	struct bce_hnp *h;
	int rc;

	/* From the first request on, a release must try to remove every
	 * route, including any a failed batch left half done. */
	lb->routed = 1;
	for (h = lb->b.hnp; h != NULL; h = h->next) {
		rc = l->dp.route_add != NULL ?
		    l->dp.route_add(l->dp.ctx, &h->pfx, pcoa, old) : 0;
		if (rc != 0) {
			route_failed(l, &h->pfx, rc);
			return -1;
		}
	}
	return 0;
}

static struct lma_pend *
pend_get(struct lma *l)
{
	struct lma_pend *p = l->pend_free;

	if (p != NULL)
		l->pend_free = p->next;
	else if ((p = malloc(sizeof(*p))) == NULL)
		return NULL;
	/* All but the PBU, which the caller copies in. */
	memset(&p->src, 0, sizeof(*p) - offsetof(struct lma_pend, src));
	return p;
}

static void
pend_put(struct lma *l, struct lma_pend *p)
{
	p->next = l->pend_free;
	l->pend_free = p;
}

void
lma_pend_drain(struct lma *l)
{
	struct lma_pend *p;

	while ((p = l->pend_free) != NULL) {
		l->pend_free = p->next;
		free(p);
	}
}

static void pend_finish(struct lma *, struct lma_pend *);

/*
 * routes_add() for a batch: queue every prefix's route and leave the
 * PBA to pend_finish(), once lma_route_done() has heard about each.
 */
static void
routes_add_q(struct lma *l, struct lma_binding *lb, struct lma_pend *p)
{
	const struct in6_addr *old = lb->routed && lb->b.peer != NULL ?
	    &lb->b.peer->addr : NULL;
	struct bce_hnp *h;
	int rc;

	lb->routed = 1;
	lb->busy = 1;
	p->lb = lb;
	p->left = 1;		/* held until every route is queued */
	l->n_pend++;
	for (h = lb->b.hnp; h != NULL; h = h->next) {
		p->left++;
		if ((rc = l->dp.route_add_q(l->dp.ctx, &h->pfx, &p->pcoa, old,
		    p)) != 0)
			lma_route_done(l, p, &h->pfx, rc);
	}
	lma_route_done(l, p, NULL, 0);
}

void
lma_route_done(struct lma *l, void *tok, const struct prefix6 *pfx,
    int status)
{
	struct lma_pend *p = tok;

	if (status != 0) {
		route_failed(l, pfx, status);
		if (p->err == 0)
			p->err = status;
	}
	if (--p->left == 0)
		pend_finish(l, p);
}

static void
routes_del(struct lma *l, struct lma_binding *lb)
{
	struct bce_hnp *h;

	if (!lb->routed || lb->b.peer == NULL)
		return;
	for (h = lb->b.hnp; h != NULL; h = h->next)
		if (l->dp.route_del != NULL)
			(void)l->dp.route_del(l->dp.ctx, &h->pfx,
			    &lb->b.peer->addr);
	lb->routed = 0;
}

static void
parked_free(struct lma *l, struct lma_binding *lb)
{
	if (lb->parked == NULL)
		return;
	timer_cancel(l->loop, &lb->parked->timer);
	free(lb->parked);
	lb->parked = NULL;
}

void
lma_binding_release(struct lma *l, struct lma_binding *lb, const char *why)
{
	struct bce_hnp *h;
	char id[64];
	size_t n = lb->b.mnid_len < sizeof(id) - 1 ? lb->b.mnid_len :
	    sizeof(id) - 1;

	memcpy(id, lb->b.mnid, n);
	id[n] = '\0';
	log_info(LOG_SUB_LMA, "binding for \"%s\" released: %s", id, why);
	event(l, "deleted", lb);
	lma_life_cancel(l, lb);
	parked_free(l, lb);
	routes_del(l, lb);
	for (h = lb->b.hnp; h != NULL; h = h->next)
		if (l->pools != NULL)
			lma_pool_release(l->pools, &h->pfx);
	bce_remove(l->cache, &lb->b);
	free(lb->hnp_extra);
	free(lb);
}

void
lma_binding_expired(struct lma *l, struct lma_binding *lb)
{
	if (lb->state == LMA_B_DELETING) {
		l->stats.deregistered++;
		lma_binding_release(l, lb, "de-registered");
	} else {
		l->stats.expired++;
		lma_binding_release(l, lb, "lifetime expired");
	}
}

static uint32_t
granted(const struct lma *l, const struct mh_msg *m)
{
	uint32_t s = (uint32_t)m->lifetime * 4;

	return s > (uint32_t)l->conf.max_lifetime ?
	    (uint32_t)l->conf.max_lifetime : s;
}

/* Give a new binding its prefixes: the proposed ones, or from a pool. */
static uint8_t
assign_prefixes(struct lma *l, struct lma_binding *lb, const struct mh_opts *o)
{
	const struct prefix6 *proposed = l->conf.proposed.v;
	struct prefix6 want[LMA_MAX_HNP_PER_MN];
	unsigned i, n = 0;
	size_t k;

	if (count_nonzero_hnp(o) == 0) {
		for (i = 0; i < (unsigned)l->conf.hnp_per_mn; i++) {
			if (l->pools == NULL ||
			    lma_pool_alloc(l->pools, l->cache, &want[n]) == -1)
				break;
			n++;
		}
		if (n < (unsigned)l->conf.hnp_per_mn) {
			for (i = 0; i < n; i++)
				lma_pool_release(l->pools, &want[i]);
			log_warnx(LOG_SUB_LMA, "prefix pools exhausted");
			return MH_BA_INSUFFICIENT;
		}
	} else {
		for (i = 0; i < o->n_hnp; i++) {
			if (!hnp_nonzero(&o->hnp[i]))
				continue;
			if (n == LMA_MAX_HNP_PER_MN)
				return MH_BA_NOT_AUTHORIZED_FOR_HNP;
			to_prefix6(&o->hnp[i], &want[n]);
			/* Policy: a proposed prefix must lie in a range the
			 * operator lets MAGs propose (learnt from RADIUS), or
			 * in our own pools: after an LMA restart the MAGs
			 * re-register with the prefixes they were given, and
			 * the MNs keep their addresses. */
			for (k = 0; k < l->conf.proposed.n; k++)
				if (prefix6_covers(&proposed[k], &want[n]))
					break;
			if (k == l->conf.proposed.n && (l->pools == NULL ||
			    !lma_pool_contains(l->pools, &want[n])))
				return MH_BA_NOT_AUTHORIZED_FOR_HNP;
			n++;
		}
	}

	if (n > 1 && (lb->hnp_extra = calloc(n - 1,
	    sizeof(*lb->hnp_extra))) == NULL)
		return MH_BA_INSUFFICIENT;
	lb->n_extra = (uint8_t)(n > 1 ? n - 1 : 0);
	for (i = 0; i < n; i++) {
		struct bce_hnp *h = i == 0 ? &lb->hnp0 : &lb->hnp_extra[i - 1];

		if (bce_add_hnp(l->cache, &lb->b, h, &want[i]) == -1)
			return MH_BA_NOT_AUTHORIZED_FOR_HNP;
	}
	return 0;
}

static void
pba_prefixes(struct mh_msg *a, const struct lma_binding *lb)
{
	const struct bce_hnp *h;

	a->opt.n_hnp = 0;
	for (h = lb->b.hnp; h != NULL && a->opt.n_hnp < MH_MAX_HNP;
	    h = h->next) {
		a->opt.hnp[a->opt.n_hnp].addr = h->pfx.addr;
		a->opt.hnp[a->opt.n_hnp].len = h->pfx.len;
		a->opt.n_hnp++;
	}
}

static void
accepted(struct lma *l, struct lma_binding *lb, const struct mh_msg *m,
    struct mh_msg *a, const struct in6_addr *src)
{
	uint32_t life = granted(l, m);

	if (m->opt.present & MH_HAS_TS)
		lb->last_ts = m->opt.ts;
	lb->last_seq = m->seq;
	lb->lifetime = life;
	(void)lma_life_arm(l, lb, (uint64_t)life * 1000);
	a->status = MH_BA_ACCEPTED;
	a->lifetime = (uint16_t)(life / 4);
	pba_prefixes(a, lb);
	send_pba(l, a, src);
}

static void
new_session_done(struct lma *l, struct lma_binding *lb,
    const struct mh_msg *m, struct mh_msg *a, const struct in6_addr *src)
{
	l->stats.created++;
	event(l, "created", lb);
	accepted(l, lb, m, a, src);
}

static void
new_session(struct lma *l, const struct mh_msg *m, const struct in6_addr *src,
    const struct in6_addr *pcoa, struct mh_msg *a)
{
	const struct mh_opts *o = &m->opt;
	struct lma_binding *lb;
	struct lma_pend *p = NULL;
	uint8_t st;

	if (m->lifetime == 0)
		return;		/* 5.4.1: nothing to de-register: ignore */
	if ((lb = calloc(1, sizeof(*lb) + o->mnid_len)) == NULL) {
		reject(l, a, MH_BA_INSUFFICIENT, src, m);
		return;
	}
	if (bce_set_id_buf(&lb->b, lb->mnid, o->mnid, o->mnid_len, o->att,
	    (o->present & MH_HAS_MNLLI) ? o->mnlli : NULL,
	    o->mnlli_len) == -1) {
		free(lb);
		reject(l, a, MH_BA_INSUFFICIENT, src, m);
		return;
	}
	bce_insert(l->cache, &lb->b);
	if (l->dp_defer && l->dp.route_add_q != NULL &&
	    (p = pend_get(l)) == NULL) {
		lma_binding_release(l, lb, "out of memory");
		reject(l, a, MH_BA_INSUFFICIENT, src, m);
		return;
	}
	if ((st = assign_prefixes(l, lb, o)) != 0 ||
	    bce_set_peer(l->cache, &lb->b, pcoa) == -1 ||
	    (p == NULL && routes_add(l, lb, pcoa) == -1)) {
		/* Never acknowledge what the data plane could not carry. */
		if (p != NULL)
			pend_put(l, p);
		lma_binding_release(l, lb, "registration failed");
		reject(l, a, st ? st : MH_BA_INSUFFICIENT, src, m);
		return;
	}
	if (p != NULL) {
		p->pbu = *m;
		p->src = *src;
		p->pcoa = *pcoa;
		p->is_new = 1;
		routes_add_q(l, lb, p);
		return;
	}
	new_session_done(l, lb, m, a, src);
}

static void
deregister(struct lma *l, struct lma_binding *lb, const struct mh_msg *m,
    const struct in6_addr *pcoa, struct mh_msg *a,
    const struct in6_addr *src)
{
	/* 5.3.5: only the MAG that holds the binding may remove it. */
	if (!pcoa_of(lb, pcoa))
		return;
	if (m->opt.present & MH_HAS_TS)
		lb->last_ts = m->opt.ts;
	lb->last_seq = m->seq;
	a->status = MH_BA_ACCEPTED;
	a->lifetime = 0;
	pba_prefixes(a, lb);
	send_pba(l, a, src);
	if (lb->state != LMA_B_DELETING) {
		lb->state = LMA_B_DELETING;
		/* Drop the MN's traffic meanwhile (5.3.5). */
		routes_del(l, lb);
		(void)lma_life_arm(l, lb, l->conf.MinDelayBeforeBCEDelete);
		event(l, "deregistered", lb);
	}
	/* A PBU from the new MAG was waiting for exactly this. */
	if (lb->parked != NULL) {
		struct lma_parked *p = lb->parked;

		lb->parked = NULL;
		timer_cancel(l->loop, &p->timer);
		pbu_process(l, &p->pbu, &p->src, 1);
		free(p);
	}
}

static uint8_t
revocation_trigger(const struct lma_binding *lb, const struct mh_msg *m)
{
	if (m->opt.hi == MH_HI_UNKNOWN)
		return MH_BRT_HANDOVER_UNKNOWN;
	return lb->b.att == m->opt.att ? MH_BRT_HANDOVER_SAME_ATT :
	    MH_BRT_HANDOVER_DIFF_ATT;
}

/* The rest of update(), once the new path is in place. */
static void
update_done(struct lma *l, struct lma_binding *lb, const struct mh_msg *m,
    const struct in6_addr *src, const struct in6_addr *pcoa,
    struct mh_msg *a, int rerouted, const struct in6_addr *old, int moved,
    int reviving, uint8_t trigger)
{
	const struct mh_opts *o = &m->opt;

	if (rerouted && bce_set_peer(l->cache, &lb->b, pcoa) == -1) {
		reject(l, a, MH_BA_INSUFFICIENT, src, m);
		return;
	}
	lb->state = LMA_B_ACTIVE;
	/* The MN may now be on another interface (HI=2): record it. */
	lb->b.att = o->att;
	if ((o->present & MH_HAS_MNLLI) &&
	    !bce_lli_unknown(o->mnlli, o->mnlli_len) &&
	    o->mnlli_len <= BCE_LLI_MAX) {
		lb->b.lli_len = o->mnlli_len;
		memcpy(lb->b.lli, o->mnlli, o->mnlli_len);
	}
	parked_free(l, lb);
	if (moved) {
		l->stats.handoffs++;
		event(l, "handoff", lb);
		/* Seed draft Figure 10 / RFC 5846: tell the old MAG, unless
		 * it already de-registered. */
		if (l->conf.revocation && !reviving)
			lma_revoke_binding(l, lb, old, trigger);
	} else {
		l->stats.updated++;
		event(l, reviving ? "revived" : "refreshed", lb);
	}
	accepted(l, lb, m, a, src);
}

static void
update(struct lma *l, struct lma_binding *lb, const struct mh_msg *m,
    const struct in6_addr *src, const struct in6_addr *pcoa,
    struct mh_msg *a)
{
	struct in6_addr old;
	int moved = !pcoa_of(lb, pcoa), reviving = lb->state == LMA_B_DELETING;
	uint8_t trigger = revocation_trigger(lb, m);
	struct lma_pend *p;

	if (m->lifetime == 0) {
		deregister(l, lb, m, pcoa, a, src);
		return;
	}
	memset(&old, 0, sizeof(old));
	if (lb->b.peer != NULL)
		old = lb->b.peer->addr;
	/* 5.3.4: the new path first, so a failure leaves the old one. */
	if (!moved && lb->routed) {
		update_done(l, lb, m, src, pcoa, a, 0, &old, moved, reviving,
		    trigger);
		return;
	}
	if (l->dp_defer && l->dp.route_add_q != NULL) {
		if ((p = pend_get(l)) == NULL) {
			reject(l, a, MH_BA_INSUFFICIENT, src, m);
			return;
		}
		p->pbu = *m;
		p->src = *src;
		p->pcoa = *pcoa;
		p->old = old;
		p->moved = (uint8_t)moved;
		p->reviving = (uint8_t)reviving;
		p->trigger = trigger;
		routes_add_q(l, lb, p);
		return;
	}
	if (routes_add(l, lb, pcoa) == -1) {
		reject(l, a, MH_BA_INSUFFICIENT, src, m);
		return;
	}
	update_done(l, lb, m, src, pcoa, a, 1, &old, moved, reviving, trigger);
}

/* Every route of a batched PBU has its answer: now the PBA. */
static void
pend_finish(struct lma *l, struct lma_pend *p)
{
	struct lma_binding *lb = p->lb;
	struct mh_msg a;

	lb->busy = 0;
	l->n_pend--;
	pba_init(&a, &p->pbu);
	if (p->is_new && p->err != 0) {
		/* Never acknowledge what the data plane could not carry. */
		lma_binding_release(l, lb, "registration failed");
		reject(l, &a, MH_BA_INSUFFICIENT, &p->src, &p->pbu);
	} else if (p->is_new)
		new_session_done(l, lb, &p->pbu, &a, &p->src);
	else if (p->err != 0)
		reject(l, &a, MH_BA_INSUFFICIENT, &p->src, &p->pbu);
	else
		update_done(l, lb, &p->pbu, &p->src, &p->pcoa, &a, 1, &p->old,
		    p->moved, p->reviving, p->trigger);
	pend_put(l, p);
}

static void
parked_timeout(struct timer *t, void *ctx)
{
	struct lma_parked *p = ctx;
	struct lma *l = p->lma;
	struct lma_binding *lb = p->lb;
	struct mh_msg a;

	(void)t;
	lb->parked = NULL;
	/* 5.4.1.2-3: no de-registration in time: a new mobility session. */
	pba_init(&a, &p->pbu);
	new_session(l, &p->pbu, &p->src, (p->pbu.opt.present &
	    MH_HAS_ALTCOA) ? &p->pbu.opt.altcoa : &p->src, &a);
	free(p);
}

static void
park(struct lma *l, struct lma_binding *lb, const struct mh_msg *m,
    const struct in6_addr *src, struct mh_msg *a)
{
	struct lma_parked *p;

	/* A retransmission replaces the PBU already waiting. */
	if ((p = lb->parked) == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL) {
			reject(l, a, MH_BA_INSUFFICIENT, src, m);
			return;
		}
		p->lma = l;
		p->lb = lb;
		timer_init(&p->timer, parked_timeout, p);
		timer_arm(l->loop, &p->timer,
		    l->conf.MaxDelayBeforeNewBCEAssign);
		lb->parked = p;
	}
	p->pbu = *m;
	p->src = *src;
}

/*
 * Does the PBU concern a binding whose routes are still queued?  Then
 * the batch is committed first, so it is judged against settled state.
 */
static int
touches_busy(const struct lma *l, const struct mh_msg *m)
{
	const struct mh_opts *o = &m->opt;
	const struct bce *b;
	struct prefix6 p;
	unsigned i;

	for (b = bce_by_mnid(l->cache, o->mnid, o->mnid_len); b != NULL;
	    b = bce_next_mnid(b))
		if (lb_of((struct bce *)(uintptr_t)b)->busy)
			return 1;
	for (i = 0; i < o->n_hnp; i++) {
		if (!hnp_nonzero(&o->hnp[i]))
			continue;
		to_prefix6(&o->hnp[i], &p);
		if ((b = bce_by_hnp(l->cache, &p)) != NULL &&
		    lb_of((struct bce *)(uintptr_t)b)->busy)
			return 1;
	}
	return 0;
}

/*
 * ordered: the PBU already passed the ordering checks, when it was parked
 * to wait for the old MAG; the de-registration it waited for carries a
 * later timestamp and must not make it look stale.
 */
static void
pbu_process(struct lma *l, const struct mh_msg *m, const struct in6_addr *src,
    int ordered)
{
	const struct mh_opts *o = &m->opt;
	const struct in6_addr *pcoa = (o->present & MH_HAS_ALTCOA) ?
	    &o->altcoa : src;
	struct lma_binding *lb;
	struct mh_msg a;
	uint8_t st = 0;
	char s[INET6_ADDRSTRLEN];

	pba_init(&a, m);
	/* Not a proxy registration: this LMA is no home agent. */
	if (!(m->flags & MH_BU_P) || !(m->flags & MH_BU_A)) {
		reject(l, &a, MH_BA_PROXY_REG_NOT_ENABLED, src, m);
		return;
	}
	if (!(o->present & MH_HAS_MNID)) {
		reject(l, &a, MH_BA_MISSING_MNID, src, m);
		return;
	}
	if (!lma_mag_authorized(l, src) || !lma_mag_authorized(l, pcoa)) {
		l->stats.rx_unauthorized++;
		log_rl(&rl_unauth, LOG_SUB_LMA, LOG_LVL_WARN,
		    "PBU from unauthorized MAG %s", addr6_ntop(src, s));
		reject(l, &a, MH_BA_MAG_NOT_AUTHORIZED, src, m);
		return;
	}
	if ((st = check_window(l, m)) != 0) {
		reject(l, &a, st, src, m);
		return;
	}
	if (o->n_hnp == 0)
		st = MH_BA_MISSING_HNP;
	else if (!(o->present & MH_HAS_HI))
		st = MH_BA_MISSING_HI;
	else if (!(o->present & MH_HAS_ATT))
		st = MH_BA_MISSING_ATT;
	if (st != 0) {
		reject(l, &a, st, src, m);
		return;
	}

	if (l->n_pend > 0 && l->dp.flush != NULL && touches_busy(l, m))
		l->dp.flush(l->dp.ctx);
	switch (lookup(l, m, pcoa, &lb, &st)) {
	case LK_REJECT:
		if (m->lifetime != 0 || lb != NULL)
			reject(l, &a, st, src, m);
		return;
	case LK_NEW:
		if (!ordered && (st = check_order(l, m, NULL)) != 0)
			break;
		new_session(l, m, src, pcoa, &a);
		return;
	case LK_UPDATE:
		if (!ordered && (st = check_order(l, m, lb)) != 0)
			break;
		update(l, lb, m, src, pcoa, &a);
		return;
	case LK_WAIT:
		if ((st = check_order(l, m, lb)) != 0)
			break;
		park(l, lb, m, src, &a);
		return;
	}
	if (st == MH_BA_SEQ_OUT_OF_WINDOW && lb != NULL)
		a.seq = lb->last_seq;	/* RFC 6275 9.5.1 */
	reject(l, &a, st, src, m);
}

void
lma_pbu(struct lma *l, const struct mh_msg *m, const struct in6_addr *src)
{
	pbu_process(l, m, src, 0);
}
