/*
 * mh_parse.c: Mobility Header bytes into a flat struct mh_msg.
 *
 * Implements the receiver's generic checks of RFC 6275 9.2 (Payload
 * Proto, Header Len against the type's fixed part, whole message a
 * multiple of 8 octets, unknown MH Type) and the option walk of RFC 6275
 * 6.2.1 (Pad1/PadN, unknown options skipped by their length), with the
 * option formats of RFC 6275 6.2, RFC 4283 3, RFC 5094 3, RFC 5213 8.3-
 * 8.8, RFC 5844 3.3, RFC 5845 6.1 and RFC 5847 3.4, and the fixed parts
 * of BU/BA (RFC 6275 6.1.7-6.1.8, RFC 5213 8.1-8.2), BE (RFC 6275
 * 6.1.9), Heartbeat (RFC 5847 3.3) and Binding Revocation (RFC 5846 5).
 *
 * Alignment (RFC 6275 6.2.1 "xn+y") binds senders only: a misaligned
 * option is accepted, since every read here is a byte-wise copy inside a
 * range already checked against the message end.  Which options a
 * message should carry and which status a receiver answers with are
 * left to the caller; this file only rejects what cannot be represented
 * or is malformed on the wire.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "mh.h"
#include "mh_wire.h"

/* Options of one fixed length that may appear at most once. */
static const struct fixed_opt {
	uint8_t		type;
	uint8_t		len;
	uint32_t	bit;
} fixed_opts[] = {
	{ MH_OPT_REFRESH, MH_OLEN_REFRESH, MH_HAS_REFRESH },
	{ MH_OPT_ALTCOA, MH_OLEN_ALTCOA, MH_HAS_ALTCOA },
	{ MH_OPT_HI, MH_OLEN_HI, MH_HAS_HI },
	{ MH_OPT_ATT, MH_OLEN_ATT, MH_HAS_ATT },
	{ MH_OPT_LLA, MH_OLEN_LLA, MH_HAS_LLA },
	{ MH_OPT_TS, MH_OLEN_TS, MH_HAS_TS },
	{ MH_OPT_RESTART, MH_OLEN_RESTART, MH_HAS_RESTART },
	{ MH_OPT_V4HOA_REQ, MH_OLEN_V4, MH_HAS_V4HOA_REQ },
	{ MH_OPT_V4HOA_REP, MH_OLEN_V4, MH_HAS_V4HOA_REP },
	{ MH_OPT_V4DR, MH_OLEN_V4, MH_HAS_V4DR },
};

static enum mh_err
perr(struct mh_perr *err, enum mh_err code, size_t off)
{
	if (err != NULL) {
		err->code = code;
		err->off = off;
	}
	return code;
}

/* A singleton option seen for the second time (RFC 5213 8.1, 8.2). */
static int
seen(struct mh_opts *o, uint32_t bit)
{
	if (o->present & bit)
		return 1;
	o->present |= bit;
	return 0;
}

/*
 * One option whose Type octet sits at offset off of the message; d
 * points at its data and olen is its Length octet, already known to fit
 * inside the message.
 */
static enum mh_err
parse_opt(struct mh_msg *m, uint8_t type, const uint8_t *d, size_t olen,
    size_t off, struct mh_perr *err)
{
	struct mh_opts *o = &m->opt;
	size_t loff = off + 1;		/* the Length octet */
	size_t i;

	/* Fixed-size singletons: check the length, then the repetition. */
	for (i = 0; i < sizeof(fixed_opts) / sizeof(fixed_opts[0]); i++) {
		if (fixed_opts[i].type != type)
			continue;
		if (olen != fixed_opts[i].len)
			return perr(err, MH_ERR_OPT_LEN, loff);
		if (seen(o, fixed_opts[i].bit))
			return perr(err, MH_ERR_OPT_DUP, off);
		break;
	}

	switch (type) {
	case MH_OPT_PADN:
		/* RFC 6275 6.2.2: the contents are ignored. */
		break;
	case MH_OPT_REFRESH:
		o->refresh = mh_get16(d);
		break;
	case MH_OPT_ALTCOA:
		memcpy(&o->altcoa, d, sizeof(o->altcoa));
		break;
	case MH_OPT_MNID:
		/* RFC 4283 3: Subtype, then the identifier. */
		if (olen < 1 || olen - 1 > MH_MNID_MAX)
			return perr(err, MH_ERR_OPT_LEN, loff);
		/* An empty identifier means nothing, except in a PBA that
		 * answers a PBU without one (RFC 5213 5.3.6). */
		if (olen == 1 && m->type != MH_TYPE_BA)
			return perr(err, MH_ERR_MNID_EMPTY, loff);
		if (seen(o, MH_HAS_MNID))
			return perr(err, MH_ERR_OPT_DUP, off);
		o->mnid_subtype = d[0];
		o->mnid_len = (uint8_t)(olen - 1);
		memcpy(o->mnid, d + 1, olen - 1);
		break;
	case MH_OPT_VSM: {
		struct mh_vsm *v;

		/* RFC 5094 3: Vendor ID, Sub-Type, Data; may repeat. */
		if (olen < MH_OLEN_VSM_MIN ||
		    olen - MH_OLEN_VSM_MIN > MH_VSM_DATA_MAX)
			return perr(err, MH_ERR_OPT_LEN, loff);
		if (o->n_vsm >= MH_MAX_VSM)
			return perr(err, MH_ERR_OPT_TOO_MANY, off);
		v = &o->vsm[o->n_vsm++];
		v->vendor = mh_get32(d);
		v->subtype = d[4];
		v->len = (uint8_t)(olen - MH_OLEN_VSM_MIN);
		memcpy(v->data, d + MH_OLEN_VSM_MIN, v->len);
		break;
	}
	case MH_OPT_HNP: {
		struct mh_prefix *p;

		/* RFC 5213 8.3: Reserved, Prefix Length, Prefix; may repeat. */
		if (olen != MH_OLEN_HNP)
			return perr(err, MH_ERR_OPT_LEN, loff);
		if (d[1] > 128)
			return perr(err, MH_ERR_OPT_VALUE, off + 3);
		if (o->n_hnp >= MH_MAX_HNP)
			return perr(err, MH_ERR_OPT_TOO_MANY, off);
		p = &o->hnp[o->n_hnp++];
		p->len = d[1];
		memcpy(&p->addr, d + 2, sizeof(p->addr));
		break;
	}
	case MH_OPT_HI:
		o->hi = d[1];		/* after one Reserved octet */
		break;
	case MH_OPT_ATT:
		o->att = d[1];
		break;
	case MH_OPT_MNLLI:
		/* RFC 5213 8.6: Reserved(16), then the identifier. */
		if (olen < MH_OLEN_MNLLI_MIN ||
		    olen - MH_OLEN_MNLLI_MIN > MH_MNLLI_MAX)
			return perr(err, MH_ERR_OPT_LEN, loff);
		if (seen(o, MH_HAS_MNLLI))
			return perr(err, MH_ERR_OPT_DUP, off);
		o->mnlli_len = (uint8_t)(olen - MH_OLEN_MNLLI_MIN);
		memcpy(o->mnlli, d + MH_OLEN_MNLLI_MIN, o->mnlli_len);
		break;
	case MH_OPT_LLA:
		memcpy(&o->lla, d, sizeof(o->lla));
		break;
	case MH_OPT_TS:
		o->ts = mh_get64(d);
		break;
	case MH_OPT_RESTART:
		o->restart = mh_get32(d);
		break;
	case MH_OPT_GRE:
		/* RFC 5845 6.1: length 2 negotiates GRE without a key. */
		if (olen != MH_OLEN_GRE_NOKEY && olen != MH_OLEN_GRE_KEY)
			return perr(err, MH_ERR_OPT_LEN, loff);
		if (seen(o, MH_HAS_GRE))
			return perr(err, MH_ERR_OPT_DUP, off);
		if (olen == MH_OLEN_GRE_KEY) {
			o->gre_has_key = 1;
			o->gre_key = mh_get32(d + 2);
		}
		break;
	case MH_OPT_V4HOA_REQ:
		/* RFC 5844 3.3.1: Prefix-len(6) Reserved(10), address. */
		o->v4hoa_req_plen = d[0] >> 2;
		if (o->v4hoa_req_plen > MH_V4_PLEN_MAX)
			return perr(err, MH_ERR_OPT_VALUE, off + 2);
		memcpy(&o->v4hoa_req, d + 2, sizeof(o->v4hoa_req));
		break;
	case MH_OPT_V4HOA_REP:
		/* RFC 5844 3.3.2: Status, Prefix-len(6) Res(2), address. */
		o->v4hoa_rep_status = d[0];
		o->v4hoa_rep_plen = d[1] >> 2;
		if (o->v4hoa_rep_plen > MH_V4_PLEN_MAX)
			return perr(err, MH_ERR_OPT_VALUE, off + 3);
		memcpy(&o->v4hoa_rep, d + 2, sizeof(o->v4hoa_rep));
		break;
	case MH_OPT_V4DR:
		/* RFC 5844 3.3.3: Reserved(16), address. */
		memcpy(&o->v4dr, d + 2, sizeof(o->v4dr));
		break;
	default:
		/* RFC 6275 9.2: skip what we do not understand. */
		if (o->n_unknown < UINT16_MAX)
			o->n_unknown++;
		break;
	}
	return MH_OK;
}

/* The options between off and end (RFC 6275 6.2.1). */
static enum mh_err
parse_opts(const uint8_t *buf, size_t off, size_t end, struct mh_msg *m,
    struct mh_perr *err)
{
	enum mh_err rc;
	size_t olen;
	uint8_t type;

	while (off < end) {
		type = buf[off];
		if (type == MH_OPT_PAD1) {
			off++;
			continue;
		}
		if (end - off < 2)
			return perr(err, MH_ERR_OPT_OVERRUN, off);
		olen = buf[off + 1];
		if (olen > end - off - 2)
			return perr(err, MH_ERR_OPT_OVERRUN, off + 1);
		rc = parse_opt(m, type, buf + off + 2, olen, off, err);
		if (rc != MH_OK)
			return rc;
		off += 2 + olen;
	}
	return MH_OK;
}

enum mh_err
mh_parse(const uint8_t *buf, size_t len, struct mh_msg *m,
    struct mh_perr *err)
{
	size_t total, fixed;

	memset(m, 0, sizeof(*m));
	perr(err, MH_OK, 0);

	if (len < 8)
		return perr(err, MH_ERR_TRUNCATED, len);
	/* Known as early as possible, for a Binding Error status 2. */
	m->type = buf[MH_OFF_TYPE];
	if (len > MH_MAX_LEN)
		return perr(err, MH_ERR_TOO_BIG, MH_MAX_LEN);
	if (buf[MH_OFF_PROTO] != MH_PAYLOAD_NONE)
		return perr(err, MH_ERR_PAYLOAD_PROTO, MH_OFF_PROTO);

	/* RFC 6275 6.1.1: 8 * (Header Len + 1) octets, a multiple of 8. */
	total = 8 * ((size_t)buf[MH_OFF_HLEN] + 1);
	if (len < total)
		return perr(err, MH_ERR_TRUNCATED, len);
	if (len > total)
		return perr(err, MH_ERR_LENGTH, MH_OFF_HLEN);

	fixed = mh_fixed_len(m->type);
	if (fixed == 0)
		return perr(err, MH_ERR_TYPE, MH_OFF_TYPE);
	if (total < fixed)
		return perr(err, MH_ERR_HDR_LEN, MH_OFF_HLEN);

	/* Reserved fields are ignored; flag words are kept whole. */
	switch (m->type) {
	case MH_TYPE_BU:
		m->seq = mh_get16(buf + 6);
		m->flags = mh_get16(buf + 8);
		m->lifetime = mh_get16(buf + 10);
		break;
	case MH_TYPE_BA:
		m->status = buf[6];
		m->flags = buf[7];
		m->seq = mh_get16(buf + 8);
		m->lifetime = mh_get16(buf + 10);
		break;
	case MH_TYPE_BE:
		m->status = buf[6];
		memcpy(&m->be_home, buf + 8, sizeof(m->be_home));
		break;
	case MH_TYPE_HB:
		m->flags = mh_get16(buf + 6);
		m->hb_seq = mh_get32(buf + 8);
		break;
	case MH_TYPE_BR:
		m->br_type = buf[6];
		if (m->br_type == MH_BR_INDICATION)
			m->trigger = buf[7];
		else if (m->br_type == MH_BR_ACK)
			m->status = buf[7];
		else
			return perr(err, MH_ERR_BR_TYPE, 6);
		m->seq = mh_get16(buf + 8);
		m->flags = mh_get16(buf + 10);
		break;
	}

	return parse_opts(buf, fixed, total, m, err);
}
