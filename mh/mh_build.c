/*
 * mh_build.c: a struct mh_msg into Mobility Header bytes in the
 * caller's buffer.
 *
 * Writes the fixed parts of BU/BA (RFC 6275 6.1.7-6.1.8, RFC 5213
 * 8.1-8.2), BE (RFC 6275 6.1.9), Heartbeat (RFC 5847 3.3) and Binding
 * Revocation (RFC 5846 5.1-5.2), then the options present in a fixed
 * canonical order per message type, each preceded by the Pad1/PadN that
 * its alignment rule asks for (RFC 6275 6.2.1), then padding to a
 * multiple of 8 octets, and finally the checksum over the IPv6
 * pseudo-header (RFC 6275 6.1.1) when the addresses are known.
 *
 * Option order.  BU/BA/BE: MN-ID, HNPs, HI, ATT, MN-LLI, LLA, Timestamp,
 * Alternate CoA, Refresh Advice, GRE Key, IPv4 HoA Request, IPv4 HoA
 * Reply, IPv4 Default-Router, Restart Counter, Vendor-Specific.  Binding
 * Revocation puts the HNPs before the MN-ID, Heartbeat the Restart
 * Counter first.  These orders reproduce the shared test vectors byte
 * for byte.  RFC 4283 wants the MN-ID ahead of authentication options
 * and RFC 5094 the VSMs ahead of Binding Authorization Data; we send
 * neither of those, so both rules hold trivially.
 *
 * Alignments (type octet offset from the MH start): Refresh 2n, AltCoA
 * 8n+6, VSM 4n+2, HNP 8n+4, LLA 8n+6, Timestamp 8n+2, Restart Counter
 * 4n+2, GRE and the IPv4 options 4n, MN-ID/HI/ATT none.  RFC 5213 8.6
 * leaves the MN-LLI's alignment to "the size of the identifier"; its
 * layout matches the HNP's (two octets before the data), so we use
 * 8n+4, which starts the identifier on an 8-octet boundary: natural for
 * an EUI-64 and for an EUI-48 alike, at a cost of at most 7 octets.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "mh.h"
#include "mh_wire.h"

#define MH_HAS_ALL	(MH_HAS_REFRESH | MH_HAS_ALTCOA | MH_HAS_MNID | \
	MH_HAS_HI | MH_HAS_ATT | MH_HAS_MNLLI | MH_HAS_LLA | MH_HAS_TS | \
	MH_HAS_RESTART | MH_HAS_GRE | MH_HAS_V4HOA_REQ | MH_HAS_V4HOA_REP | \
	MH_HAS_V4DR)

static const uint8_t order_bu[] = {
	MH_OPT_MNID, MH_OPT_HNP, MH_OPT_HI, MH_OPT_ATT, MH_OPT_MNLLI,
	MH_OPT_LLA, MH_OPT_TS, MH_OPT_ALTCOA, MH_OPT_REFRESH, MH_OPT_GRE,
	MH_OPT_V4HOA_REQ, MH_OPT_V4HOA_REP, MH_OPT_V4DR, MH_OPT_RESTART,
	MH_OPT_VSM,
};

static const uint8_t order_br[] = {
	MH_OPT_HNP, MH_OPT_MNID, MH_OPT_HI, MH_OPT_ATT, MH_OPT_MNLLI,
	MH_OPT_LLA, MH_OPT_TS, MH_OPT_ALTCOA, MH_OPT_REFRESH, MH_OPT_GRE,
	MH_OPT_V4HOA_REQ, MH_OPT_V4HOA_REP, MH_OPT_V4DR, MH_OPT_RESTART,
	MH_OPT_VSM,
};

static const uint8_t order_hb[] = {
	MH_OPT_RESTART, MH_OPT_MNID, MH_OPT_HNP, MH_OPT_HI, MH_OPT_ATT,
	MH_OPT_MNLLI, MH_OPT_LLA, MH_OPT_TS, MH_OPT_ALTCOA, MH_OPT_REFRESH,
	MH_OPT_GRE, MH_OPT_V4HOA_REQ, MH_OPT_V4HOA_REP, MH_OPT_V4DR,
	MH_OPT_VSM,
};

/* A bounded writer: once full it stays full and writes nothing. */
struct wbuf {
	uint8_t	*p;
	size_t	 cap;
	size_t	 off;
	int	 full;
};

static uint8_t *
reserve(struct wbuf *w, size_t n)
{
	uint8_t *q;

	if (w->full || n > w->cap - w->off) {
		w->full = 1;
		return NULL;
	}
	q = w->p + w->off;
	memset(q, 0, n);
	w->off += n;
	return q;
}

/* n octets of padding: Pad1 for one, PadN for more (RFC 6275 6.2.2). */
static void
pad(struct wbuf *w, size_t n)
{
	uint8_t *q;

	if (n == 0)
		return;
	if ((q = reserve(w, n)) == NULL)
		return;
	if (n == 1) {
		q[0] = MH_OPT_PAD1;
	} else {
		q[0] = MH_OPT_PADN;
		q[1] = (uint8_t)(n - 2);
	}
}

/*
 * Start an option aligned xn+y: padding, Type, Length; returns where its
 * olen data octets (zeroed) go, or NULL when the buffer is full.
 */
static uint8_t *
opt_begin(struct wbuf *w, size_t x, size_t y, uint8_t type, size_t olen)
{
	uint8_t *q;

	pad(w, (x + y - w->off % x) % x);
	if ((q = reserve(w, 2 + olen)) == NULL)
		return NULL;
	q[0] = type;
	q[1] = (uint8_t)olen;
	return q + 2;
}

static void
put_v4(uint8_t *d, const struct in_addr *a)
{
	memcpy(d, &a->s_addr, 4);	/* already in network order */
}

/* Write every instance of option type that *o holds. */
static void
emit(struct wbuf *w, const struct mh_opts *o, uint8_t type)
{
	uint8_t *d;
	size_t i;

	switch (type) {
	case MH_OPT_MNID:
		if (!(o->present & MH_HAS_MNID))
			break;
		d = opt_begin(w, 1, 0, type, 1 + (size_t)o->mnid_len);
		if (d != NULL) {
			d[0] = o->mnid_subtype;
			memcpy(d + 1, o->mnid, o->mnid_len);
		}
		break;
	case MH_OPT_HNP:
		for (i = 0; i < o->n_hnp; i++) {
			d = opt_begin(w, 8, 4, type, MH_OLEN_HNP);
			if (d != NULL) {
				d[1] = o->hnp[i].len;
				memcpy(d + 2, &o->hnp[i].addr, 16);
			}
		}
		break;
	case MH_OPT_HI:
		if (o->present & MH_HAS_HI &&
		    (d = opt_begin(w, 1, 0, type, MH_OLEN_HI)) != NULL)
			d[1] = o->hi;
		break;
	case MH_OPT_ATT:
		if (o->present & MH_HAS_ATT &&
		    (d = opt_begin(w, 1, 0, type, MH_OLEN_ATT)) != NULL)
			d[1] = o->att;
		break;
	case MH_OPT_MNLLI:
		if (!(o->present & MH_HAS_MNLLI))
			break;
		d = opt_begin(w, 8, 4, type,
		    MH_OLEN_MNLLI_MIN + (size_t)o->mnlli_len);
		if (d != NULL)
			memcpy(d + MH_OLEN_MNLLI_MIN, o->mnlli, o->mnlli_len);
		break;
	case MH_OPT_LLA:
		if (o->present & MH_HAS_LLA &&
		    (d = opt_begin(w, 8, 6, type, MH_OLEN_LLA)) != NULL)
			memcpy(d, &o->lla, 16);
		break;
	case MH_OPT_TS:
		if (o->present & MH_HAS_TS &&
		    (d = opt_begin(w, 8, 2, type, MH_OLEN_TS)) != NULL)
			mh_put64(d, o->ts);
		break;
	case MH_OPT_ALTCOA:
		if (o->present & MH_HAS_ALTCOA &&
		    (d = opt_begin(w, 8, 6, type, MH_OLEN_ALTCOA)) != NULL)
			memcpy(d, &o->altcoa, 16);
		break;
	case MH_OPT_REFRESH:
		if (o->present & MH_HAS_REFRESH &&
		    (d = opt_begin(w, 2, 0, type, MH_OLEN_REFRESH)) != NULL)
			mh_put16(d, o->refresh);
		break;
	case MH_OPT_GRE:
		if (!(o->present & MH_HAS_GRE))
			break;
		d = opt_begin(w, 4, 0, type, o->gre_has_key ?
		    MH_OLEN_GRE_KEY : MH_OLEN_GRE_NOKEY);
		if (d != NULL && o->gre_has_key)
			mh_put32(d + 2, o->gre_key);
		break;
	case MH_OPT_V4HOA_REQ:
		if (!(o->present & MH_HAS_V4HOA_REQ))
			break;
		if ((d = opt_begin(w, 4, 0, type, MH_OLEN_V4)) != NULL) {
			d[0] = (uint8_t)(o->v4hoa_req_plen << 2);
			put_v4(d + 2, &o->v4hoa_req);
		}
		break;
	case MH_OPT_V4HOA_REP:
		if (!(o->present & MH_HAS_V4HOA_REP))
			break;
		if ((d = opt_begin(w, 4, 0, type, MH_OLEN_V4)) != NULL) {
			d[0] = o->v4hoa_rep_status;
			d[1] = (uint8_t)(o->v4hoa_rep_plen << 2);
			put_v4(d + 2, &o->v4hoa_rep);
		}
		break;
	case MH_OPT_V4DR:
		if (o->present & MH_HAS_V4DR &&
		    (d = opt_begin(w, 4, 0, type, MH_OLEN_V4)) != NULL)
			put_v4(d + 2, &o->v4dr);
		break;
	case MH_OPT_RESTART:
		if (o->present & MH_HAS_RESTART &&
		    (d = opt_begin(w, 4, 2, type, MH_OLEN_RESTART)) != NULL)
			mh_put32(d, o->restart);
		break;
	case MH_OPT_VSM:
		for (i = 0; i < o->n_vsm; i++) {
			const struct mh_vsm *v = &o->vsm[i];

			d = opt_begin(w, 4, 2, type,
			    MH_OLEN_VSM_MIN + (size_t)v->len);
			if (d != NULL) {
				mh_put32(d, v->vendor);
				d[4] = v->subtype;
				memcpy(d + MH_OLEN_VSM_MIN, v->data, v->len);
			}
		}
		break;
	}
}

/* What the wire cannot carry, or what the parser would refuse. */
static int
valid(const struct mh_msg *m)
{
	const struct mh_opts *o = &m->opt;
	size_t i;

	if (mh_fixed_len(m->type) == 0)
		return 0;
	if (m->type == MH_TYPE_BA && m->flags > 0xff)
		return 0;
	if (m->type == MH_TYPE_BR && m->br_type != MH_BR_INDICATION &&
	    m->br_type != MH_BR_ACK)
		return 0;
	if (o->present & ~(uint32_t)MH_HAS_ALL)
		return 0;
	if (o->present & MH_HAS_MNID && (o->mnid_len > MH_MNID_MAX ||
	    (o->mnid_len == 0 && m->type != MH_TYPE_BA)))
		return 0;
	if (o->present & MH_HAS_MNLLI && o->mnlli_len > MH_MNLLI_MAX)
		return 0;
	if (o->present & MH_HAS_GRE && o->gre_has_key > 1)
		return 0;
	if (o->present & MH_HAS_V4HOA_REQ && o->v4hoa_req_plen > MH_V4_PLEN_MAX)
		return 0;
	if (o->present & MH_HAS_V4HOA_REP && o->v4hoa_rep_plen > MH_V4_PLEN_MAX)
		return 0;
	if (o->n_hnp > MH_MAX_HNP || o->n_vsm > MH_MAX_VSM)
		return 0;
	for (i = 0; i < o->n_hnp; i++)
		if (o->hnp[i].len > 128)
			return 0;
	for (i = 0; i < o->n_vsm; i++)
		if (o->vsm[i].len > MH_VSM_DATA_MAX)
			return 0;
	return 1;
}

enum mh_err
mh_build(const struct mh_msg *m, const struct in6_addr *src,
    const struct in6_addr *dst, uint8_t *buf, size_t cap, size_t *outlen)
{
	struct wbuf w;
	const uint8_t *order;
	uint8_t *h;
	size_t i, n, fixed;

	*outlen = 0;
	if (!valid(m))
		return MH_ERR_INVALID;

	w.p = buf;
	w.cap = cap < MH_MAX_LEN ? cap : MH_MAX_LEN;
	w.off = 0;
	w.full = 0;

	fixed = mh_fixed_len(m->type);
	if ((h = reserve(&w, fixed)) == NULL)
		return MH_ERR_NOSPACE;
	h[MH_OFF_PROTO] = MH_PAYLOAD_NONE;
	h[MH_OFF_TYPE] = m->type;
	/* Header Len and Checksum are filled in at the end. */

	switch (m->type) {
	case MH_TYPE_BU:
		mh_put16(h + 6, m->seq);
		mh_put16(h + 8, m->flags);
		mh_put16(h + 10, m->lifetime);
		order = order_bu;
		n = sizeof(order_bu);
		break;
	case MH_TYPE_BA:
		h[6] = m->status;
		h[7] = (uint8_t)m->flags;
		mh_put16(h + 8, m->seq);
		mh_put16(h + 10, m->lifetime);
		order = order_bu;
		n = sizeof(order_bu);
		break;
	case MH_TYPE_BE:
		h[6] = m->status;
		memcpy(h + 8, &m->be_home, 16);
		order = order_bu;
		n = sizeof(order_bu);
		break;
	case MH_TYPE_HB:
		mh_put16(h + 6, m->flags);
		mh_put32(h + 8, m->hb_seq);
		order = order_hb;
		n = sizeof(order_hb);
		break;
	default:	/* MH_TYPE_BR, the only other type valid() lets by */
		h[6] = m->br_type;
		h[7] = m->br_type == MH_BR_INDICATION ? m->trigger : m->status;
		mh_put16(h + 8, m->seq);
		mh_put16(h + 10, m->flags);
		order = order_br;
		n = sizeof(order_br);
		break;
	}

	for (i = 0; i < n; i++)
		emit(&w, &m->opt, order[i]);
	pad(&w, (8 - w.off % 8) % 8);
	/* TOO_BIG cannot happen with today's limits (the largest struct
	 * takes some 1.1 KB) but keeps Header Len within its 8 bits. */
	if (w.full)
		return cap < MH_MAX_LEN ? MH_ERR_NOSPACE : MH_ERR_TOO_BIG;

	buf[MH_OFF_HLEN] = (uint8_t)(w.off / 8 - 1);
	if (src != NULL && dst != NULL)
		mh_put16(buf + MH_CSUM_OFFSET, mh_checksum(src, dst, buf, w.off));
	*outlen = w.off;
	return MH_OK;
}
