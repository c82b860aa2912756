/*
 * mag_hb.c: Heartbeat between the MAG and its LMAs (RFC 5847), the
 * MAG's policy on top of common/hb.c.
 *
 * Requests go to every LMA the MAG has bindings with, once per
 * HEARTBEAT_INTERVAL; requests are always answered with our Restart
 * Counter.  A changed Restart Counter in a response means the LMA
 * restarted and lost its bindings: every MN anchored there is
 * re-registered at once (RFC 5847 5.3), which also brings traffic back.
 */
#include "config.h"

#include "mag.h"

static int
hb_send_cb(void *ctx, const struct in6_addr *dst, const struct mh_msg *m)
{
	return mag_send_msg(ctx, NULL, m, dst);
}

static int
hb_path_failed(void *ctx, const struct in6_addr *lma, uint32_t missing)
{
	char s[INET6_ADDRSTRLEN];

	(void)ctx;
	log_warnx(LOG_SUB_MAG, "path to LMA %s failed: %u heartbeats "
	    "unanswered", addr6_ntop(lma, s), missing);
	return 0;
}

static void
hb_restarted(void *ctx, const struct in6_addr *lma, uint32_t counter)
{
	(void)counter;
	mag_lma_restarted(ctx, lma);
}

void
mag_hb_start(struct mag *m)
{
	struct hb *h = &m->hb;

	h->loop = m->loop;
	h->cache = m->cache;
	h->interval = (uint32_t)m->conf.HEARTBEAT_INTERVAL;
	h->missing_allowed = (uint32_t)m->conf.MISSING_HEARTBEATS_ALLOWED;
	h->restart_counter = m->restart_counter;
	h->sub = LOG_SUB_MAG;
	h->peer_name = "LMA";
	h->ctx = m;
	h->send = hb_send_cb;
	h->path_failed = hb_path_failed;
	h->restarted = hb_restarted;
	hb_start(h);
}

void
mag_hb_stop(struct mag *m)
{
	hb_stop(&m->hb);
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
	hb_input(&m->hb, msg, src);
}
