/*
 * mag_mn.c: a mobile node's attachment at the MAG, from its first frame
 * to its departure (RFC 5213 6.2 and 6.6, RFC 6572 for the profile).
 *
 * First frame -> RADIUS (or the static table) -> PBU -> PBA -> data
 * plane and RA.  Departure: link down, NUD failure, operator detach,
 * RADIUS session end, or revocation by the LMA.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mag.h"

static struct log_ratelimit rl_rej = LOG_RATELIMIT_INIT(10000, 20);

static void
macstr(const uint8_t *mac, char *buf)
{
	mac_format(mac, buf, MAC_STRLEN, MAC_COLON_LOWER);
}

static void
mn_timer_cb(struct timer *t, void *ctx)
{
	(void)t;
	mag_mn_timer(ctx);
}

static void
ra_timer_cb(struct timer *t, void *ctx)
{
	struct mag_mn *mn = ctx;

	(void)t;
	if (mn->state == MAG_S_BOUND && mn->mag->io.ra != NULL)
		mn->mag->io.ra(mn->mag->io.ctx, mn, 0);
}

/* RFC 2865 5.27: the session ends when its time is up. */
static void
sess_timer_cb(struct timer *t, void *ctx)
{
	struct mag_mn *mn = ctx;

	(void)t;
	mag_mn_leave(mn->mag, mn, "RADIUS Session-Timeout", 1);
}

static void
acct_timer_cb(struct timer *t, void *ctx)
{
	struct mag_mn *mn = ctx;

	(void)t;
	if (mn->state == MAG_S_BOUND && mn->mag->io.acct != NULL)
		mn->mag->io.acct(mn->mag->io.ctx, mn, 1);
}

static void
static_lookup(struct mag *m, struct mag_mn *mn)
{
	const struct mag_static_profile *sp = mag_profiles_find(&m->profiles,
	    mn->mac);
	struct mag_profile p;
	size_t i;

	if (sp == NULL) {
		mag_aaa_done(m, mn, 1, NULL, "no static profile for this MAC");
		return;
	}
	memset(&p, 0, sizeof(p));
	p.mnid_len = strlen(sp->mnid);
	memcpy(p.mnid, sp->mnid, p.mnid_len);
	if (!IN6_IS_ADDR_UNSPECIFIED(&sp->lma)) {
		p.has_lma = 1;
		p.lma = sp->lma;
	}
	for (i = 0; i < sp->hnp.n && i < MAG_MAX_HNP; i++)
		p.hnp[p.n_hnp++] = ((const struct prefix6 *)sp->hnp.v)[i];
	mag_aaa_done(m, mn, 0, &p, NULL);
}

void
mag_mn_seen(struct mag *m, struct mag_iface *ifc, const uint8_t *mac)
{
	struct mag_mn *mn;
	char ms[MAC_STRLEN];

	if ((mn = mag_mn_by_mac(m, ifc, mac)) != NULL)
		return;		/* already being served */
	if ((mn = calloc(1, sizeof(*mn))) == NULL) {
		log_warnx(LOG_SUB_MAG, "out of memory for a new MN");
		return;
	}
	mn->mag = m;
	mn->ifc = ifc;
	memcpy(mn->mac, mac, 6);
	mn->state = MAG_S_AUTH;
	mn->first_ms = clock_ms();
	timer_init(&mn->timer, mn_timer_cb, mn);
	timer_init(&mn->ra_timer, ra_timer_cb, mn);
	timer_init(&mn->sess_timer, sess_timer_cb, mn);
	timer_init(&mn->acct_timer, acct_timer_cb, mn);
	mag_mac_add(m, mn);
	m->stats.attach++;
	macstr(mac, ms);
	log_info(LOG_SUB_MAG, "MN %s appeared on %s", ms, ifc->name);
	if (m->io.track != NULL)
		m->io.track(m->io.ctx, mn, 1);
	if (m->conf.profile_source == MAG_PROFILE_STATIC) {
		static_lookup(m, mn);
		return;
	}
	if (m->io.auth == NULL || (mn->aaa_id = m->io.auth(m->io.ctx,
	    mn)) == 0)
		mag_aaa_done(m, mn, 2, NULL, "RADIUS request not sent");
}

void
mag_aaa_done(struct mag *m, struct mag_mn *mn, int res,
    const struct mag_profile *p, const char *reason)
{
	char ms[MAC_STRLEN];
	unsigned i;
	uint8_t hi;

	mn->aaa_id = 0;
	macstr(mn->mac, ms);
	if (res != 0) {
		if (res == 1)
			m->stats.reject++;
		else
			m->stats.aaa_timeout++;
		log_rl(&rl_rej, LOG_SUB_MAG, LOG_LVL_NOTICE, "MN %s on %s not "
		    "served: %s%s", ms, mn->ifc->name, res == 1 ?
		    "rejected: " : "no RADIUS answer: ",
		    reason ? reason : "");
		/* A rejected MAC is held down for a while; after a timeout
		 * its next frame retries soon, so a server that comes back
		 * serves it. */
		if (m->io.ignore != NULL)
			m->io.ignore(m->io.ctx, mn->ifc, mn->mac, res == 1 ?
			    (uint32_t)m->conf.reject_holddown : 1000);
		mag_mn_free(m, mn, res == 1 ? "rejected" : "no RADIUS answer");
		return;
	}
	m->stats.accept++;
	if (bce_set_id(&mn->b, p->mnid, p->mnid_len, mn->ifc->att, mn->mac,
	    6) == -1) {
		mag_mn_free(m, mn, "bad MN identifier in the profile");
		return;
	}
	bce_insert(m->cache, &mn->b);
	mn->lma = p->has_lma ? p->lma : m->conf.lma;
	mn->n_req = 0;
	for (i = 0; i < p->n_hnp && i < MAG_MAX_HNP; i++)
		mn->req[mn->n_req++] = p->hnp[i];
	mn->session_timeout = p->session_timeout;
	mn->acct_interim = p->acct_interim;
	if (mn->session_timeout > 0)
		timer_arm(m->loop, &mn->sess_timer,
		    (uint64_t)mn->session_timeout * 1000);
	/*
	 * HI (RFC 5213 6.9.1.1): the MAG cannot know whether this MN was
	 * anchored elsewhere a moment ago, and must not claim 2 or 3 unless
	 * it is certain; "unknown" lets the LMA decide from the MN-ID and
	 * link-layer identifier (5.4.1).
	 */
	hi = MH_HI_UNKNOWN;
	mag_register(m, mn, hi);
}

void
mag_mn_rs(struct mag *m, struct mag_iface *ifc, const uint8_t *mac)
{
	struct mag_mn *mn = mag_mn_by_mac(m, ifc, mac);

	/* 6.7: an RA only once the PBA accepted the binding. */
	if (mn == NULL) {
		mag_mn_seen(m, ifc, mac);
		return;
	}
	if (mn->state == MAG_S_BOUND && m->io.ra != NULL)
		m->io.ra(m->io.ctx, mn, 0);
}

void
mag_mn_free(struct mag *m, struct mag_mn *mn, const char *why)
{
	char ms[MAC_STRLEN];

	macstr(mn->mac, ms);
	if (mn->state == MAG_S_BOUND || mn->state == MAG_S_DEREG)
		log_info(LOG_SUB_MAG, "MN %s on %s detached: %s", ms,
		    mn->ifc->name, why);
	if (m->io.event != NULL && mn->b.mnid != NULL)
		m->io.event(m->io.ctx, "detached", mn);
	timer_cancel(m->loop, &mn->timer);
	timer_cancel(m->loop, &mn->ra_timer);
	timer_cancel(m->loop, &mn->sess_timer);
	timer_cancel(m->loop, &mn->acct_timer);
	if (mn->aaa_id != 0 && m->io.auth_cancel != NULL)
		m->io.auth_cancel(m->io.ctx, mn->aaa_id);
	if (mn->routed && m->io.dp_down != NULL)
		m->io.dp_down(m->io.ctx, mn);
	if (mn->ra_sent && m->io.acct != NULL)
		m->io.acct(m->io.ctx, mn, 2);
	if (m->io.track != NULL)
		m->io.track(m->io.ctx, mn, 0);
	if (m->io.release != NULL)
		m->io.release(m->io.ctx, mn);
	if (mn->b.mnid != NULL) {
		bce_remove(m->cache, &mn->b);
		bce_clear(&mn->b);
	}
	mag_mac_del(m, mn);
	free(mn);
}

/* The MN left: tell the LMA, withdraw what we advertised, forget it. */
void
mag_mn_leave(struct mag *m, struct mag_mn *mn, const char *why, int withdraw)
{
	if (mn->state == MAG_S_BOUND) {
		if (withdraw && mn->ra_sent && m->io.ra != NULL)
			m->io.ra(m->io.ctx, mn, 1);
		mag_deregister(m, mn);
	}
	m->stats.detach++;
	mag_mn_free(m, mn, why);
}

void
mag_mn_gone(struct mag *m, struct mag_iface *ifc, const uint8_t *mac,
    const char *why)
{
	struct mag_mn *mn = mag_mn_by_mac(m, ifc, mac);

	if (mn != NULL)
		mag_mn_leave(m, mn, why, 0);
}

static void
leave_if_on(struct mag *m, struct mag_mn *mn, void *ctx)
{
	if (mn->ifc == ctx)
		mag_mn_leave(m, mn, "access link down", 0);
}

void
mag_link_down(struct mag *m, struct mag_iface *ifc)
{
	mag_foreach(m, leave_if_on, ifc);
}

unsigned
mag_detach(struct mag *m, const char *who)
{
	uint8_t mac[6];
	struct bce *b, *next;
	unsigned i, n = 0;

	if (mac_parse(who, mac) == 0) {
		for (i = 0; i < m->n_ifc; i++) {
			struct mag_mn *mn = mag_mn_by_mac(m, &m->ifc[i], mac);

			if (mn != NULL) {
				mag_mn_leave(m, mn, "detached by the operator",
				    1);
				n++;
			}
		}
		return n;
	}
	for (b = bce_by_mnid(m->cache, (const uint8_t *)who, strlen(who));
	    b != NULL; b = next) {
		next = bce_next_mnid(b);
		mag_mn_leave(m, (struct mag_mn *)(void *)b,
		    "detached by the operator", 1);
		n++;
	}
	return n;
}
