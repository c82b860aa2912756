/*
 * mag_pbu.c: the MAG's side of the signaling: Proxy Binding Updates
 * (RFC 5213 6.9.1.1 initial, 6.9.1.3 re-registration, 6.9.1.4
 * de-registration), retransmission (6.9.4), PBA handling (6.9.1.2) and
 * Binding Revocation Indications from the LMA (RFC 5846 9.1).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mag.h"

static struct log_ratelimit rl_pba = LOG_RATELIMIT_INIT(10000, 20);

static uint64_t
ts_ms(uint64_t ts)
{
	return mh_ts_sec(ts) * 1000 + mh_ts_nsec(ts) / 1000000;
}

/* Our time-of-day corrected by what a 156 taught us. */
static uint64_t
now_ts(const struct mag *m)
{
	uint64_t ms = ts_ms(m->realtime_ts()) + (uint64_t)m->clock_offset_ms;

	return mh_ts_make(ms / 1000, (uint32_t)(ms % 1000) * 1000000);
}

static void
fill_pbu(struct mag *m, struct mag_mn *mn, struct mh_msg *pbu, uint8_t hi,
    uint16_t lifetime)
{
	const struct bce_hnp *h;
	unsigned i;

	memset(pbu, 0, sizeof(*pbu));
	pbu->type = MH_TYPE_BU;
	pbu->flags = MH_BU_A | MH_BU_P;
	pbu->seq = mn->seq;
	pbu->lifetime = lifetime;
	mh_set_mnid(&pbu->opt, MH_MNID_NAI, mn->b.mnid, mn->b.mnid_len);
	/* One HNP per assigned prefix once we have them (6.9.1.3), else
	 * what the profile gave, else ALL_ZERO: "LMA, assign" (6.9.1.1). */
	if (mn->b.n_hnp > 0) {
		for (h = mn->b.hnp; h != NULL; h = h->next)
			mh_add_hnp(&pbu->opt, &h->pfx.addr, h->pfx.len);
	} else if (mn->n_req > 0) {
		for (i = 0; i < mn->n_req; i++)
			mh_add_hnp(&pbu->opt, &mn->req[i].addr,
			    mn->req[i].len);
	} else {
		mh_add_hnp(&pbu->opt, &in6addr_any, 0);
	}
	pbu->opt.present |= MH_HAS_HI | MH_HAS_ATT | MH_HAS_MNLLI |
	    MH_HAS_LLA;
	pbu->opt.hi = hi;
	pbu->opt.att = mn->b.att;
	pbu->opt.mnlli_len = 6;
	memcpy(pbu->opt.mnlli, mn->mac, 6);
	pbu->opt.lla = m->conf.link_local;
	if (m->conf.TimestampBasedApproachInUse) {
		pbu->opt.present |= MH_HAS_TS;
		pbu->opt.ts = now_ts(m);
	}
}

static void
send_pbu(struct mag *m, struct mag_mn *mn, uint16_t lifetime)
{
	struct mh_msg pbu;

	/* Every transmission, retransmissions included, gets a new sequence
	 * number and timestamp (6.9.4); the PBA is matched on both. */
	mn->seq = m->next_seq++;
	fill_pbu(m, mn, &pbu, mn->hi, lifetime);
	mag_send_msg(m, mn, &pbu, &mn->lma);
}

void
mag_register(struct mag *m, struct mag_mn *mn, uint8_t hi)
{
	int first = mn->state != MAG_S_BOUND;

	if (first)
		mn->state = MAG_S_REG;
	mn->hi = hi;
	mn->tries = 1;
	mn->rto_ms = (uint32_t)(first ? m->conf.InitialBindackTimeoutFirstReg :
	    m->conf.INITIAL_BINDACK_TIMEOUT);
	if (bce_set_peer(m->cache, &mn->b, &mn->lma) == -1) {
		mag_mn_free(m, mn, "out of memory");
		return;
	}
	send_pbu(m, mn, (uint16_t)(m->conf.lifetime / 4));
	timer_arm(m->loop, &mn->timer, mn->rto_ms);
}

void
mag_deregister(struct mag *m, struct mag_mn *mn)
{
	/* 6.9.1.4: lifetime 0, every assigned prefix, HI=4.  The entry is
	 * removed at once rather than after the PBA: the MN is gone and a
	 * lost PBA only delays the LMA by one lifetime. */
	mn->hi = MH_HI_UNKNOWN;
	mn->state = MAG_S_DEREG;
	send_pbu(m, mn, 0);
}

/* Retransmission, refresh and expiry share the entry's one timer. */
void
mag_mn_timer(struct mag_mn *mn)
{
	struct mag *m = mn->mag;
	char a[INET6_ADDRSTRLEN];

	if (mn->tries == 0) {
		/* Bound and quiet: time to re-register (6.9.1.3).  The link
		 * module has been watching the MN, so it is still here. */
		mag_register(m, mn, MH_HI_UNCHANGED);
		return;
	}
	if (mn->tries > (uint32_t)m->conf.max_retransmissions) {
		m->stats.reg_failed++;
		log_warnx(LOG_SUB_MAG, "no PBA from LMA %s after %u PBUs: "
		    "registration of %.*s failed", addr6_ntop(&mn->lma, a),
		    mn->tries, (int)mn->b.mnid_len, (const char *)mn->b.mnid);
		if (m->io.ignore != NULL)
			m->io.ignore(m->io.ctx, mn->ifc, mn->mac, 1000);
		mag_mn_leave(m, mn, "LMA did not answer", 1);
		return;
	}
	mn->tries++;
	m->stats.retransmits++;
	mn->rto_ms *= 2;
	if (mn->rto_ms > m->conf.MAX_BINDACK_TIMEOUT)
		mn->rto_ms = (uint32_t)m->conf.MAX_BINDACK_TIMEOUT;
	send_pbu(m, mn, (uint16_t)(m->conf.lifetime / 4));
	timer_arm(m->loop, &mn->timer, mn->rto_ms);
}

static void
kick_one(struct mag *m, struct mag_mn *mn, void *ctx)
{
	const struct in6_addr *lma = ctx;

	if (mn->tries == 0 || mn->b.mnid == NULL ||
	    !IN6_ARE_ADDR_EQUAL(&mn->lma, lma))
		return;
	/* Held until the SA came up: go now instead of at the next
	 * retransmission, keeping the back-off where it is. */
	send_pbu(m, mn, mn->state == MAG_S_DEREG ? 0 :
	    (uint16_t)(m->conf.lifetime / 4));
}

void
mag_kick(struct mag *m, const struct in6_addr *lma)
{
	mag_foreach(m, kick_one, (void *)(uintptr_t)lma);
}

static struct mag_mn *
match_pba(struct mag *m, const struct mh_msg *a, const struct in6_addr *src)
{
	struct bce *b;

	if (!(a->opt.present & MH_HAS_MNID) || a->opt.mnid_len == 0)
		return NULL;
	for (b = bce_by_mnid(m->cache, a->opt.mnid, a->opt.mnid_len);
	    b != NULL; b = bce_next_mnid(b)) {
		struct mag_mn *mn = (struct mag_mn *)(void *)b;

		if (mn->seq == a->seq && mn->tries > 0 &&
		    IN6_ARE_ADDR_EQUAL(&mn->lma, src))
			return mn;
	}
	return NULL;
}

/* Take the prefixes the LMA granted (one HNP option each). */
static int
take_prefixes(struct mag *m, struct mag_mn *mn, const struct mh_msg *a)
{
	struct prefix6 p;
	unsigned i;

	while (mn->b.hnp != NULL)
		bce_del_hnp(m->cache, &mn->b, mn->b.hnp);
	for (i = 0; i < a->opt.n_hnp && i < MAG_MAX_HNP; i++) {
		p.addr = a->opt.hnp[i].addr;
		p.len = a->opt.hnp[i].len;
		if (IN6_IS_ADDR_UNSPECIFIED(&p.addr) || p.len == 0 ||
		    p.len > 128)
			continue;
		if (bce_add_hnp(m->cache, &mn->b, &mn->hnp_node[i], &p) == -1)
			return -1;	/* another MN here holds it */
	}
	return mn->b.n_hnp > 0 ? 0 : -1;
}

static void
accepted(struct mag *m, struct mag_mn *mn, const struct mh_msg *a)
{
	char ms[MAC_STRLEN], pf[PREFIX6_STRLEN], la[INET6_ADDRSTRLEN];
	uint32_t refresh;
	int first = mn->state == MAG_S_REG;

	mn->lifetime = (uint32_t)a->lifetime * 4;
	if (mn->lifetime == 0 || take_prefixes(m, mn, a) == -1) {
		log_warnx(LOG_SUB_MAG, "PBA accepted %.*s without a usable "
		    "prefix or lifetime", (int)mn->b.mnid_len,
		    (const char *)mn->b.mnid);
		mag_mn_leave(m, mn, "unusable PBA", 0);
		return;
	}
	if (first) {
		/* 6.9.1.2: tunnel and routes, then the RA, never before. */
		if (m->io.dp_up != NULL && m->io.dp_up(m->io.ctx, mn) != 0) {
			mag_mn_leave(m, mn, "data plane set-up failed", 0);
			return;
		}
		mn->routed = 1;
		mn->state = MAG_S_BOUND;
		mn->bound_ms = clock_ms();
		if (m->io.ra != NULL && m->io.ra(m->io.ctx, mn, 0) == 0)
			mn->ra_sent = 1;
		if (m->conf.ra_interval > 0) {
			timer_set_recurrence(&mn->ra_timer,
			    (uint32_t)m->conf.ra_interval * 1000, 1000);
			timer_arm(m->loop, &mn->ra_timer,
			    (uint64_t)m->conf.ra_interval * 1000);
		}
		if (m->io.acct != NULL) {
			m->io.acct(m->io.ctx, mn, 0);
			if (mn->acct_interim > 0) {
				timer_set_recurrence(&mn->acct_timer,
				    mn->acct_interim * 1000, 0);
				timer_arm(m->loop, &mn->acct_timer,
				    (uint64_t)mn->acct_interim * 1000);
			}
		}
		mac_format(mn->mac, ms, sizeof(ms), MAC_COLON_LOWER);
		log_info(LOG_SUB_MAG, "MN %s (%.*s) attached on %s: prefix %s "
		    "via LMA %s, %llu ms after its first frame", ms,
		    (int)mn->b.mnid_len, (const char *)mn->b.mnid,
		    mn->ifc->name, prefix6_ntop(&mn->b.hnp->pfx, pf),
		    addr6_ntop(&mn->lma, la),
		    (unsigned long long)(mn->bound_ms - mn->first_ms));
		if (m->io.event != NULL)
			m->io.event(m->io.ctx, "attached", mn);
	} else {
		/* The prefix lifetimes the MN holds are bounded by the old
		 * binding lifetime (6.7): restate them for the new one. */
		if (mn->ra_sent && m->io.ra != NULL)
			m->io.ra(m->io.ctx, mn, 0);
		if (m->io.event != NULL)
			m->io.event(m->io.ctx, "refreshed", mn);
	}
	refresh = mn->lifetime * 10 * (uint32_t)m->conf.refresh_percent;
	timer_arm(m->loop, &mn->timer, refresh);
}

void
mag_pba(struct mag *m, const struct mh_msg *a, const struct in6_addr *src)
{
	struct mag_mn *mn;
	char s[INET6_ADDRSTRLEN];

	if ((mn = match_pba(m, a, src)) == NULL) {
		m->stats.rx_unmatched++;
		log_rl(&rl_pba, LOG_SUB_MAG, LOG_LVL_DEBUG, "PBA seq %u from "
		    "%s matches no pending PBU", a->seq, addr6_ntop(src, s));
		return;
	}
	/* 6.9.1.2: a PBA that changed what we asked is not ours to act on. */
	if (((a->opt.present & MH_HAS_ATT) && a->opt.att != mn->b.att) ||
	    ((a->opt.present & MH_HAS_MNLLI) && (a->opt.mnlli_len != 6 ||
	    memcmp(a->opt.mnlli, mn->mac, 6) != 0))) {
		log_rl(&rl_pba, LOG_SUB_MAG, LOG_LVL_WARN, "PBA from %s "
		    "does not match its PBU; ignored", addr6_ntop(src, s));
		return;
	}
	m->stats.pba_status[a->status]++;
	timer_cancel(m->loop, &mn->timer);
	mn->tries = 0;

	switch (a->status) {
	case MH_BA_ACCEPTED:
		accepted(m, mn, a);
		return;
	case MH_BA_TIMESTAMP_MISMATCH:
		/* Our clock is off from the LMA's: adopt its offset once and
		 * try again at once. */
		if (a->opt.present & MH_HAS_TS) {
			m->clock_offset_ms += (int64_t)(ts_ms(a->opt.ts) -
			    ts_ms(now_ts(m)));
			log_notice(LOG_SUB_MAG, "LMA %s says our clock is off: "
			    "offset now %lld ms", addr6_ntop(src, s),
			    (long long)m->clock_offset_ms);
		}
		break;
	case MH_BA_TIMESTAMP_LOWER:
		break;		/* retry with a fresh timestamp */
	case MH_BA_NOT_AUTHORIZED_FOR_HNP:
	case MH_BA_BCE_PBU_PREFIX_MISMATCH:
		/* Don't ask for those prefixes again: let the LMA assign. */
		if (mn->n_req == 0 && mn->b.n_hnp == 0)
			goto refused;
		mn->n_req = 0;
		while (mn->b.hnp != NULL)
			bce_del_hnp(m->cache, &mn->b, mn->b.hnp);
		if (mn->routed) {
			mag_mn_leave(m, mn, "prefix no longer authorized", 1);
			return;
		}
		break;
	default:
		goto refused;
	}
	/* Retry, within the same retransmission budget. */
	mn->tries = 1;
	send_pbu(m, mn, (uint16_t)(m->conf.lifetime / 4));
	timer_arm(m->loop, &mn->timer, mn->rto_ms);
	return;
refused:
	log_warnx(LOG_SUB_MAG, "LMA %s refused %.*s: %u (%s)",
	    addr6_ntop(src, s), (int)mn->b.mnid_len, (const char *)mn->b.mnid,
	    a->status, mh_ba_status_name(a->status));
	/* 6.9.1.2: no service for this MN; hold it down. */
	if (m->io.ignore != NULL)
		m->io.ignore(m->io.ctx, mn->ifc, mn->mac,
		    (uint32_t)m->conf.reject_holddown);
	mag_mn_leave(m, mn, "refused by the LMA", 1);
}

static void
send_bra(struct mag *m, const struct mh_msg *bri, const struct in6_addr *dst,
    uint8_t status)
{
	struct mh_msg a;

	memset(&a, 0, sizeof(a));
	a.type = MH_TYPE_BR;
	a.br_type = MH_BR_ACK;
	a.status = status;
	a.seq = bri->seq;
	a.flags = bri->flags & (MH_BR_P | MH_BR_V | MH_BR_G);
	if ((bri->opt.present & MH_HAS_MNID) && bri->opt.mnid_len > 0)
		mh_set_mnid(&a.opt, bri->opt.mnid_subtype, bri->opt.mnid,
		    bri->opt.mnid_len);
	mag_send_msg(m, NULL, &a, dst);
}

struct revoke_all {
	const struct in6_addr	*lma;
	unsigned		 n;
};

static void
revoke_if_lma(struct mag *m, struct mag_mn *mn, void *ctx)
{
	struct revoke_all *r = ctx;

	if (mn->b.mnid == NULL || !IN6_ARE_ADDR_EQUAL(&mn->lma, r->lma))
		return;
	/* No de-registration: the LMA already dropped the binding. */
	if (mn->ra_sent && m->io.ra != NULL)
		m->io.ra(m->io.ctx, mn, 1);
	mn->state = MAG_S_FAILED;
	mag_mn_free(m, mn, "revoked by the LMA (all bindings)");
	r->n++;
}

void
mag_bri(struct mag *m, const struct mh_msg *bri, const struct in6_addr *src)
{
	struct bce *b, *next;
	char s[INET6_ADDRSTRLEN];
	unsigned n = 0;
	int handover = bri->trigger >= MH_BRT_HANDOVER_SAME_ATT &&
	    bri->trigger <= MH_BRT_HANDOVER_UNKNOWN;

	if (bri->flags & MH_BR_G) {
		struct revoke_all r = { .lma = src, .n = 0 };

		mag_foreach(m, revoke_if_lma, &r);
		log_notice(LOG_SUB_MAG, "LMA %s revoked all %u bindings "
		    "(trigger %u)", addr6_ntop(src, s), r.n, bri->trigger);
		m->stats.revoked += r.n;
		send_bra(m, bri, src, MH_BRA_SUCCESS);
		return;
	}
	if (!(bri->opt.present & MH_HAS_MNID) || bri->opt.mnid_len == 0) {
		send_bra(m, bri, src, MH_BRA_MNID_REQUIRED);
		return;
	}
	for (b = bce_by_mnid(m->cache, bri->opt.mnid, bri->opt.mnid_len);
	    b != NULL; b = next) {
		struct mag_mn *mn = (struct mag_mn *)(void *)b;

		next = bce_next_mnid(b);
		if (!IN6_ARE_ADDR_EQUAL(&mn->lma, src))
			continue;
		/* After a handover the MN is elsewhere: an RA here would
		 * reach nobody; for other triggers it is still here and
		 * must stop using the prefix (RFC 5846 9.1). */
		if (!handover && mn->ra_sent && m->io.ra != NULL)
			m->io.ra(m->io.ctx, mn, 1);
		mn->state = MAG_S_FAILED;
		log_info(LOG_SUB_MAG, "LMA %s revoked %.*s (trigger %u)",
		    addr6_ntop(src, s), (int)b->mnid_len,
		    (const char *)b->mnid, bri->trigger);
		mag_mn_free(m, mn, "revoked by the LMA");
		n++;
	}
	m->stats.revoked += n;
	send_bra(m, bri, src, n > 0 ? MH_BRA_SUCCESS : MH_BRA_NO_BINDING);
}
