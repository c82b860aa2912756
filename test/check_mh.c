/*
 * check_mh.c: unit tests of the MH codec (mh/), part 1 of 3, and the
 * runner.  Here: the shared vectors of shared/vectors/ (protocol.md H)
 * decoded field by field as tshark decodes them (tshark_decodes.txt) and
 * re-encoded byte for byte, checksum included; then the checksum,
 * timestamp (RFC 5213 8.8), name and helper functions.
 * check_mh_roundtrip.c builds every message and option and parses it
 * back; check_mh_malformed.c feeds the parser broken input.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "check_mh.h"

const struct in6_addr tmh_mag = { { {
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 } } };
const struct in6_addr tmh_lma = { { {
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } };

/*
 * The Mobility Headers of the shared vectors, copied from the pcaps in
 * shared/vectors/ (the hex of the first three is also in vectors.txt).
 * Source and destination are the IPv6 addresses of each capture.
 */

/* pbu.pcap: MAG -> LMA.  3b 09 05 00 | csum 39cf | seq 1 | A+P | 900 |
 * MN-ID "mn1@example.org" @12 | PadN 4 | HNP 2001:db8:1::/64 @36 |
 * HI 1 @56 | ATT 4 @60 | PadN 0 | Timestamp @66 | PadN 2. */
static const uint8_t v_pbu[] = {
	0x3b, 0x09, 0x05, 0x00, 0x39, 0xcf, 0x00, 0x01,
	0x82, 0x00, 0x03, 0x84, 0x08, 0x10, 0x01, 0x6d,
	0x6e, 0x31, 0x40, 0x65, 0x78, 0x61, 0x6d, 0x70,
	0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67, 0x01, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x16, 0x12, 0x00, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x17, 0x02, 0x00, 0x01, 0x18, 0x02, 0x00, 0x04,
	0x01, 0x00, 0x1b, 0x08, 0x00, 0x00, 0x65, 0x92,
	0x00, 0x80, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00,
};

/* pba.pcap: LMA -> MAG.  Status 0, flags P (0x20), seq 1, lifetime 900,
 * the same options as the PBU. */
static const uint8_t v_pba[] = {
	0x3b, 0x09, 0x06, 0x00, 0xba, 0xaf, 0x00, 0x20,
	0x00, 0x01, 0x03, 0x84, 0x08, 0x10, 0x01, 0x6d,
	0x6e, 0x31, 0x40, 0x65, 0x78, 0x61, 0x6d, 0x70,
	0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67, 0x01, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x16, 0x12, 0x00, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x17, 0x02, 0x00, 0x01, 0x18, 0x02, 0x00, 0x04,
	0x01, 0x00, 0x1b, 0x08, 0x00, 0x00, 0x65, 0x92,
	0x00, 0x80, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00,
};

/* bri.pcap: LMA -> MAG.  B.R. Type 1, trigger 1, seq 7, P | HNP @12 |
 * MN-ID @32 | PadN 4. */
static const uint8_t v_bri[] = {
	0x3b, 0x06, 0x10, 0x00, 0xe5, 0x8c, 0x01, 0x01,
	0x00, 0x07, 0x80, 0x00, 0x16, 0x12, 0x00, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x10, 0x01, 0x6d, 0x6e, 0x31, 0x40, 0x65,
	0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x6f,
	0x72, 0x67, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00,
};

/* bra_status128.pcap: MAG -> LMA.  B.R. Type 2, status 128, seq 7, P. */
static const uint8_t v_bra_status128[] = {
	0x3b, 0x01, 0x10, 0x00, 0xd3, 0x6a, 0x02, 0x80,
	0x00, 0x07, 0x80, 0x00, 0x01, 0x02, 0x00, 0x00,
};

/* bri_global_trigger128.pcap: LMA -> MAG.  Trigger 128, seq 8, P+G. */
static const uint8_t v_bri_global_trigger128[] = {
	0x3b, 0x01, 0x10, 0x00, 0xb4, 0x69, 0x01, 0x80,
	0x00, 0x08, 0xa0, 0x00, 0x01, 0x02, 0x00, 0x00,
};

/* pba_status145.pcap: LMA -> MAG.  As pba but status 145, lifetime 0. */
static const uint8_t v_pba_status145[] = {
	0x3b, 0x09, 0x06, 0x00, 0x2d, 0x33, 0x91, 0x20,
	0x00, 0x01, 0x00, 0x00, 0x08, 0x10, 0x01, 0x6d,
	0x6e, 0x31, 0x40, 0x65, 0x78, 0x61, 0x6d, 0x70,
	0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67, 0x01, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x16, 0x12, 0x00, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x17, 0x02, 0x00, 0x01, 0x18, 0x02, 0x00, 0x04,
	0x01, 0x00, 0x1b, 0x08, 0x00, 0x00, 0x65, 0x92,
	0x00, 0x80, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00,
};

/* hb_request.pcap: MAG -> LMA.  Heartbeat, R=0, sequence 16. */
static const uint8_t v_hb_request[] = {
	0x3b, 0x01, 0x0d, 0x00, 0x58, 0xe2, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x10, 0x01, 0x02, 0x00, 0x00,
};

/* hb_response.pcap: LMA -> MAG.  R=1, sequence 16, PadN 0, Restart
 * Counter 3 @14 (4n+2), PadN 2. */
static const uint8_t v_hb_response[] = {
	0x3b, 0x02, 0x0d, 0x00, 0x3b, 0xd1, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x10, 0x01, 0x00, 0x1c, 0x04,
	0x00, 0x00, 0x00, 0x03, 0x01, 0x02, 0x00, 0x00,
};

/* pbu_ipv4_udp5436.pcap: the PBU over IPv4/UDP 5436 (RFC 5844 4), MH
 * checksum 0. */
static const uint8_t v_pbu_udp[] = {
	0x3b, 0x09, 0x05, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x82, 0x00, 0x03, 0x84, 0x08, 0x10, 0x01, 0x6d,
	0x6e, 0x31, 0x40, 0x65, 0x78, 0x61, 0x6d, 0x70,
	0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67, 0x01, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x16, 0x12, 0x00, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x17, 0x02, 0x00, 0x01, 0x18, 0x02, 0x00, 0x04,
	0x01, 0x00, 0x1b, 0x08, 0x00, 0x00, 0x65, 0x92,
	0x00, 0x80, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00,
};

/* upn_force_rereg.pcap: Update Notification (MH 19, RFC 7077), a type
 * the codec does not handle. */
static const uint8_t v_upn[] = {
	0x3b, 0x03, 0x13, 0x00, 0x27, 0xb6, 0x00, 0x09,
	0x00, 0x01, 0x80, 0x00, 0x08, 0x10, 0x01, 0x6d,
	0x6e, 0x31, 0x40, 0x65, 0x78, 0x61, 0x6d, 0x70,
	0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67, 0x01, 0x00,
};

static const struct vector {
	const char	*name;
	const uint8_t	*mh;
	size_t		 len;
	const struct in6_addr *src, *dst;	/* NULL: checksum 0 */
} vectors[] = {
	{ "pbu", v_pbu, sizeof(v_pbu), &tmh_mag, &tmh_lma },
	{ "pba", v_pba, sizeof(v_pba), &tmh_lma, &tmh_mag },
	{ "bri", v_bri, sizeof(v_bri), &tmh_lma, &tmh_mag },
	{ "bra_status128", v_bra_status128, sizeof(v_bra_status128),
	    &tmh_mag, &tmh_lma },
	{ "bri_global_trigger128", v_bri_global_trigger128,
	    sizeof(v_bri_global_trigger128), &tmh_lma, &tmh_mag },
	{ "pba_status145", v_pba_status145, sizeof(v_pba_status145),
	    &tmh_lma, &tmh_mag },
	{ "hb_request", v_hb_request, sizeof(v_hb_request),
	    &tmh_mag, &tmh_lma },
	{ "hb_response", v_hb_response, sizeof(v_hb_response),
	    &tmh_lma, &tmh_mag },
	{ "pbu_ipv4_udp5436", v_pbu_udp, sizeof(v_pbu_udp), NULL, NULL },
};
#define N_VECTORS	(sizeof(vectors) / sizeof(vectors[0]))

/* 2024-01-01T00:00:00Z as 48.16 (protocol.md H). */
#define TS_2024		UINT64_C(0x0000659200800000)

size_t
tmh_hex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *hex != '\0'; hex++) {
		if (!isxdigit((unsigned char)*hex))
			continue;
		v = isdigit((unsigned char)*hex) ? *hex - '0' :
		    tolower((unsigned char)*hex) - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		ck_assert_uint_lt(n, cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	ck_assert_int_eq(hi, -1);
	return n;
}

/* Alignment xn+y of the options the builder writes (see mh_build.c). */
static void
opt_align(uint8_t type, size_t *x, size_t *y)
{
	*x = 1, *y = 0;
	switch (type) {
	case MH_OPT_REFRESH:
		*x = 2;
		break;
	case MH_OPT_ALTCOA:
	case MH_OPT_LLA:
		*x = 8, *y = 6;
		break;
	case MH_OPT_HNP:
	case MH_OPT_MNLLI:
		*x = 8, *y = 4;
		break;
	case MH_OPT_TS:
		*x = 8, *y = 2;
		break;
	case MH_OPT_VSM:
	case MH_OPT_RESTART:
		*x = 4, *y = 2;
		break;
	case MH_OPT_GRE:
	case MH_OPT_V4HOA_REQ:
	case MH_OPT_V4HOA_REP:
	case MH_OPT_V4DR:
		*x = 4;
		break;
	}
}

void
tmh_check_layout(const uint8_t *buf, size_t len)
{
	size_t off, pad_start, n_pads, x, y;

	ck_assert_uint_ge(len, 8);
	ck_assert_uint_eq(len % 8, 0);
	ck_assert_uint_eq(len, 8 * ((size_t)buf[1] + 1));
	ck_assert_uint_eq(buf[0], MH_PAYLOAD_NONE);
	ck_assert_uint_eq(buf[3], 0);
	off = buf[2] == MH_TYPE_BE ? 24 : 12;
	pad_start = off;
	n_pads = 0;
	while (off < len) {
		if (buf[off] == MH_OPT_PAD1 || buf[off] == MH_OPT_PADN) {
			/* One pad option per gap, Pad1 only for one octet. */
			ck_assert_uint_eq(n_pads, 0);
			n_pads++;
			if (buf[off] == MH_OPT_PAD1) {
				off++;
			} else {
				ck_assert_uint_lt(off + 1, len);
				off += 2 + (size_t)buf[off + 1];
				ck_assert_uint_ge(off - pad_start, 2);
			}
			continue;
		}
		opt_align(buf[off], &x, &y);
		ck_assert_msg(off % x == y % x,
		    "option %u at %zu, wants %zun+%zu", buf[off], off, x, y);
		ck_assert_uint_eq(off - pad_start,
		    (x + y - pad_start % x) % x);
		off += 2 + (size_t)buf[off + 1];
		pad_start = off;
		n_pads = 0;
	}
	ck_assert_uint_eq(off, len);
	ck_assert_uint_eq(len - pad_start, (8 - pad_start % 8) % 8);
}

void
tmh_assert_msg_eq(const struct mh_msg *a, const struct mh_msg *b)
{
	const struct mh_opts *p = &a->opt, *q = &b->opt;
	size_t i;

	ck_assert_uint_eq(a->type, b->type);
	ck_assert_uint_eq(a->status, b->status);
	ck_assert_uint_eq(a->trigger, b->trigger);
	ck_assert_uint_eq(a->br_type, b->br_type);
	ck_assert_uint_eq(a->flags, b->flags);
	ck_assert_uint_eq(a->seq, b->seq);
	ck_assert_uint_eq(a->lifetime, b->lifetime);
	ck_assert_uint_eq(a->hb_seq, b->hb_seq);
	ck_assert_mem_eq(&a->be_home, &b->be_home, 16);

	ck_assert_uint_eq(p->present, q->present);
	ck_assert_uint_eq(p->refresh, q->refresh);
	ck_assert_mem_eq(&p->altcoa, &q->altcoa, 16);
	ck_assert_uint_eq(p->mnid_subtype, q->mnid_subtype);
	ck_assert_uint_eq(p->mnid_len, q->mnid_len);
	ck_assert_mem_eq(p->mnid, q->mnid, p->mnid_len);
	ck_assert_uint_eq(p->hi, q->hi);
	ck_assert_uint_eq(p->att, q->att);
	ck_assert_uint_eq(p->mnlli_len, q->mnlli_len);
	ck_assert_mem_eq(p->mnlli, q->mnlli, p->mnlli_len);
	ck_assert_mem_eq(&p->lla, &q->lla, 16);
	ck_assert_uint_eq(p->ts, q->ts);
	ck_assert_uint_eq(p->restart, q->restart);
	ck_assert_uint_eq(p->gre_has_key, q->gre_has_key);
	ck_assert_uint_eq(p->gre_key, q->gre_key);
	ck_assert_uint_eq(p->v4hoa_req_plen, q->v4hoa_req_plen);
	ck_assert_uint_eq(p->v4hoa_req.s_addr, q->v4hoa_req.s_addr);
	ck_assert_uint_eq(p->v4hoa_rep_status, q->v4hoa_rep_status);
	ck_assert_uint_eq(p->v4hoa_rep_plen, q->v4hoa_rep_plen);
	ck_assert_uint_eq(p->v4hoa_rep.s_addr, q->v4hoa_rep.s_addr);
	ck_assert_uint_eq(p->v4dr.s_addr, q->v4dr.s_addr);
	ck_assert_uint_eq(p->n_hnp, q->n_hnp);
	for (i = 0; i < p->n_hnp; i++) {
		ck_assert_uint_eq(p->hnp[i].len, q->hnp[i].len);
		ck_assert_mem_eq(&p->hnp[i].addr, &q->hnp[i].addr, 16);
	}
	ck_assert_uint_eq(p->n_vsm, q->n_vsm);
	for (i = 0; i < p->n_vsm; i++) {
		ck_assert_uint_eq(p->vsm[i].vendor, q->vsm[i].vendor);
		ck_assert_uint_eq(p->vsm[i].subtype, q->vsm[i].subtype);
		ck_assert_uint_eq(p->vsm[i].len, q->vsm[i].len);
		ck_assert_mem_eq(p->vsm[i].data, q->vsm[i].data,
		    p->vsm[i].len);
	}
}

static void
parse_ok(const uint8_t *buf, size_t len, struct mh_msg *m)
{
	struct mh_perr err;
	enum mh_err rc;

	rc = mh_parse(buf, len, m, &err);
	ck_assert_msg(rc == MH_OK, "parse: %s at %zu", mh_strerror(rc),
	    err.off);
	ck_assert_int_eq(err.code, MH_OK);
}

static void
assert_addr(const struct in6_addr *a, const char *text)
{
	struct in6_addr want;

	ck_assert_int_eq(inet_pton(AF_INET6, text, &want), 1);
	ck_assert_mem_eq(a, &want, sizeof(want));
}

/* Options of pbu, pba and pba_status145 (tshark_decodes.txt). */
static void
assert_pbu_options(const struct mh_opts *o)
{
	ck_assert_uint_eq(o->present,
	    MH_HAS_MNID | MH_HAS_HI | MH_HAS_ATT | MH_HAS_TS);
	ck_assert_uint_eq(o->mnid_subtype, MH_MNID_NAI);
	ck_assert_uint_eq(o->mnid_len, 15);
	ck_assert_mem_eq(o->mnid, "mn1@example.org", 15);
	ck_assert_uint_eq(o->n_hnp, 1);
	ck_assert_uint_eq(o->hnp[0].len, 64);
	assert_addr(&o->hnp[0].addr, "2001:db8:1::");
	ck_assert_uint_eq(o->hi, MH_HI_NEW_IF);
	ck_assert_uint_eq(o->att, MH_ATT_80211);
	ck_assert_uint_eq(o->ts, TS_2024);
	ck_assert_uint_eq(mh_ts_sec(o->ts), 1704067200);
	ck_assert_uint_eq(mh_ts_nsec(o->ts), 0);
	ck_assert_uint_eq(o->n_vsm, 0);
	ck_assert_uint_eq(o->n_unknown, 0);
}

START_TEST(vec_pbu)
{
	struct mh_msg m;

	parse_ok(v_pbu, sizeof(v_pbu), &m);
	ck_assert_uint_eq(m.type, MH_TYPE_BU);
	ck_assert_str_eq(mh_type_name(m.type), "Binding Update");
	ck_assert_uint_eq(m.seq, 1);
	ck_assert_uint_eq(m.flags, MH_BU_A | MH_BU_P);
	ck_assert_uint_eq(m.lifetime, 900);
	assert_pbu_options(&m.opt);
}
END_TEST

START_TEST(vec_pba)
{
	struct mh_msg m;

	parse_ok(v_pba, sizeof(v_pba), &m);
	ck_assert_uint_eq(m.type, MH_TYPE_BA);
	ck_assert_uint_eq(m.status, MH_BA_ACCEPTED);
	ck_assert_str_eq(mh_ba_status_name(m.status),
	    "Binding Update accepted");
	ck_assert_uint_eq(m.flags, MH_BA_P);
	ck_assert_uint_eq(m.seq, 1);
	ck_assert_uint_eq(m.lifetime, 900);
	assert_pbu_options(&m.opt);
}
END_TEST

START_TEST(vec_pba_status145)
{
	struct mh_msg m;

	parse_ok(v_pba_status145, sizeof(v_pba_status145), &m);
	ck_assert_uint_eq(m.type, MH_TYPE_BA);
	ck_assert_uint_eq(m.status, 145);
	/* IANA's name, not Wireshark's (protocol.md I.1). */
	ck_assert_str_eq(mh_ba_status_name(m.status), "MIPV6-MESG-ID-REQD");
	ck_assert_uint_eq(m.flags, MH_BA_P);
	ck_assert_uint_eq(m.seq, 1);
	ck_assert_uint_eq(m.lifetime, 0);
	assert_pbu_options(&m.opt);
}
END_TEST

START_TEST(vec_bri)
{
	struct mh_msg m;

	parse_ok(v_bri, sizeof(v_bri), &m);
	ck_assert_uint_eq(m.type, MH_TYPE_BR);
	ck_assert_uint_eq(m.br_type, MH_BR_INDICATION);
	ck_assert_uint_eq(m.trigger, MH_BRT_ADMIN);
	ck_assert_uint_eq(m.status, 0);
	ck_assert_uint_eq(m.seq, 7);
	ck_assert_uint_eq(m.flags, MH_BR_P);
	ck_assert_uint_eq(m.opt.present, MH_HAS_MNID);
	ck_assert_uint_eq(m.opt.n_hnp, 1);
	ck_assert_uint_eq(m.opt.hnp[0].len, 64);
	assert_addr(&m.opt.hnp[0].addr, "2001:db8:1::");
	ck_assert_uint_eq(m.opt.mnid_subtype, MH_MNID_NAI);
	ck_assert_uint_eq(m.opt.mnid_len, 15);
	ck_assert_mem_eq(m.opt.mnid, "mn1@example.org", 15);
}
END_TEST

START_TEST(vec_bra_status128)
{
	struct mh_msg m;

	parse_ok(v_bra_status128, sizeof(v_bra_status128), &m);
	ck_assert_uint_eq(m.type, MH_TYPE_BR);
	ck_assert_uint_eq(m.br_type, MH_BR_ACK);
	ck_assert_uint_eq(m.status, MH_BRA_NO_BINDING);
	ck_assert_str_eq(mh_bra_status_name(m.status),
	    "Binding Does NOT Exist");
	ck_assert_uint_eq(m.trigger, 0);
	ck_assert_uint_eq(m.seq, 7);
	ck_assert_uint_eq(m.flags, MH_BR_P);
	ck_assert_uint_eq(m.opt.present, 0);
	ck_assert_uint_eq(m.opt.n_hnp, 0);
}
END_TEST

START_TEST(vec_bri_global_trigger128)
{
	struct mh_msg m;

	parse_ok(v_bri_global_trigger128, sizeof(v_bri_global_trigger128),
	    &m);
	ck_assert_uint_eq(m.br_type, MH_BR_INDICATION);
	ck_assert_uint_eq(m.trigger, MH_BRT_PER_PEER_POLICY);
	ck_assert_uint_eq(m.seq, 8);
	ck_assert_uint_eq(m.flags, MH_BR_P | MH_BR_G);
	ck_assert_uint_eq(m.opt.present, 0);
}
END_TEST

START_TEST(vec_hb)
{
	struct mh_msg m;

	parse_ok(v_hb_request, sizeof(v_hb_request), &m);
	ck_assert_uint_eq(m.type, MH_TYPE_HB);
	ck_assert_uint_eq(m.flags, 0);
	ck_assert_uint_eq(m.hb_seq, 16);
	ck_assert_uint_eq(m.opt.present, 0);

	parse_ok(v_hb_response, sizeof(v_hb_response), &m);
	ck_assert_uint_eq(m.type, MH_TYPE_HB);
	ck_assert_uint_eq(m.flags, MH_HB_R);
	ck_assert_uint_eq(m.hb_seq, 16);
	ck_assert_uint_eq(m.opt.present, MH_HAS_RESTART);
	ck_assert_uint_eq(m.opt.restart, 3);
}
END_TEST

START_TEST(vec_upn_unhandled)
{
	struct mh_msg m;
	struct mh_perr err;

	ck_assert_int_eq(mh_parse(v_upn, sizeof(v_upn), &m, &err),
	    MH_ERR_TYPE);
	ck_assert_int_eq(err.code, MH_ERR_TYPE);
	ck_assert_uint_eq(err.off, 2);
	ck_assert_uint_eq(m.type, 19);		/* for Binding Error status 2 */
	ck_assert_str_eq(mh_type_name(m.type), "Update Notification");
}
END_TEST

/* Every vector: parse, build again, the same octets, checksum included. */
START_TEST(vec_reencode)
{
	const struct vector *v = &vectors[_i];
	struct mh_msg m, m2;
	uint8_t out[MH_MAX_LEN];
	size_t n;

	parse_ok(v->mh, v->len, &m);
	ck_assert_int_eq(mh_build(&m, v->src, v->dst, out, sizeof(out), &n),
	    MH_OK);
	ck_assert_msg(n == v->len && memcmp(out, v->mh, n) == 0,
	    "%s does not re-encode byte for byte", v->name);
	tmh_check_layout(out, n);
	parse_ok(out, n, &m2);
	tmh_assert_msg_eq(&m, &m2);
}
END_TEST

/* Every vector's checksum verifies; any single flipped bit fails. */
START_TEST(vec_checksum)
{
	const struct vector *v = &vectors[_i];
	uint8_t buf[128];
	struct in6_addr other;
	size_t bit;

	if (v->src == NULL)
		return;		/* IPv4-UDP transport: checksum 0 */
	ck_assert_uint_le(v->len, sizeof(buf));
	ck_assert_int_eq(mh_checksum_ok(v->src, v->dst, v->mh, v->len), 1);
	ck_assert_uint_eq(mh_checksum(v->src, v->dst, v->mh, v->len),
	    (unsigned)v->mh[4] << 8 | v->mh[5]);
	memcpy(buf, v->mh, v->len);
	for (bit = 0; bit < v->len * 8; bit++) {
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		ck_assert_msg(!mh_checksum_ok(v->src, v->dst, buf, v->len),
		    "%s: bit %zu flipped and still good", v->name, bit);
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	other = *v->src;
	other.s6_addr[15] ^= 0x10;
	ck_assert_int_eq(mh_checksum_ok(&other, v->dst, v->mh, v->len), 0);
	ck_assert_int_eq(mh_checksum_ok(v->src, v->dst, v->mh, v->len - 8),
	    0);
}
END_TEST

START_TEST(checksum_build)
{
	struct mh_msg m;
	uint8_t out[MH_MAX_LEN];
	size_t n;

	parse_ok(v_pbu, sizeof(v_pbu), &m);
	/* Without addresses the checksum is left for the kernel. */
	ck_assert_int_eq(mh_build(&m, NULL, NULL, out, sizeof(out), &n),
	    MH_OK);
	ck_assert_uint_eq(out[4], 0);
	ck_assert_uint_eq(out[5], 0);
	ck_assert_int_eq(mh_build(&m, &tmh_mag, NULL, out, sizeof(out), &n),
	    MH_OK);
	ck_assert_uint_eq(out[4] | out[5], 0);
	ck_assert_int_eq(mh_build(&m, &tmh_mag, &tmh_lma, out, sizeof(out),
	    &n), MH_OK);
	ck_assert_uint_eq(out[4], 0x39);
	ck_assert_uint_eq(out[5], 0xcf);
	/* Too short to hold a checksum at all. */
	ck_assert_int_eq(mh_checksum_ok(&tmh_mag, &tmh_lma, out, 5), 0);
}
END_TEST

START_TEST(ts_vector)
{
	ck_assert_uint_eq(mh_ts_make(1704067200, 0), TS_2024);
	ck_assert_uint_eq(mh_ts_sec(TS_2024), 1704067200);
	ck_assert_uint_eq(mh_ts_nsec(TS_2024), 0);
	/* Half a second is 0x8000/65536. */
	ck_assert_uint_eq(mh_ts_make(1, 500000000), 0x18000);
	ck_assert_uint_eq(mh_ts_nsec(0x18000), 500000000);
	ck_assert_uint_eq(mh_ts_make(0, 1), 0);
	ck_assert_uint_eq(mh_ts_make(0, 15259), 1);
	/* Rounding up to a whole second carries. */
	ck_assert_uint_eq(mh_ts_make(1, 999999999), UINT64_C(2) << 16);
	/* nsec beyond one second is folded into sec. */
	ck_assert_uint_eq(mh_ts_make(0, 2500000000u),
	    UINT64_C(2) << 16 | 0x8000);
	/* 48 bits of seconds: the top 16 bits of sec are dropped. */
	ck_assert_uint_eq(mh_ts_sec(mh_ts_make(UINT64_C(0x1234000000000001),
	    0)), 1);
	ck_assert_uint_eq(mh_ts_sec(UINT64_MAX), UINT64_C(0xffffffffffff));
}
END_TEST

START_TEST(ts_every_fraction)
{
	uint64_t ts;
	uint32_t ns;

	for (ts = 0; ts < 0x10000; ts++) {
		ns = mh_ts_nsec(TS_2024 | ts);
		ck_assert_uint_lt(ns, 1000000000u);
		ck_assert_uint_eq(mh_ts_make(1704067200, ns), TS_2024 | ts);
	}
}
END_TEST

START_TEST(names)
{
	unsigned i;
	int e;

	ck_assert_str_eq(mh_type_name(MH_TYPE_BU), "Binding Update");
	ck_assert_str_eq(mh_type_name(MH_TYPE_BA), "Binding Acknowledgement");
	ck_assert_str_eq(mh_type_name(MH_TYPE_BE), "Binding Error");
	ck_assert_str_eq(mh_type_name(MH_TYPE_HB), "Heartbeat");
	ck_assert_str_eq(mh_type_name(MH_TYPE_BR), "Binding Revocation");
	ck_assert_str_eq(mh_type_name(24), "unassigned");

	/* protocol.md I.1: Wireshark's labels for 143-148 are wrong. */
	ck_assert_str_eq(mh_ba_status_name(143), "Forwarding Setup failed");
	ck_assert_str_eq(mh_ba_status_name(144), "MIPV6-ID-MISMATCH");
	ck_assert_str_eq(mh_ba_status_name(146), "MIPV6-AUTH-FAIL");
	ck_assert_str_eq(mh_ba_status_name(148),
	    "CGA and signature verification failed");
	ck_assert_str_eq(mh_ba_status_name(MH_BA_PROXY_REG_NOT_ENABLED),
	    "PROXY_REG_NOT_ENABLED");
	ck_assert_str_eq(mh_ba_status_name(MH_BA_TIMESTAMP_LOWER),
	    "TIMESTAMP_LOWER_THAN_PREV_ACCEPTED");
	ck_assert_str_eq(mh_ba_status_name(MH_BA_MISSING_ATT),
	    "MISSING_ACCESS_TECH_TYPE_OPTION");
	ck_assert_str_eq(mh_ba_status_name(MH_BA_GRE_KEY_REQUIRED),
	    "GRE_KEY_OPTION_REQUIRED");
	ck_assert_str_eq(mh_ba_status_name(MH_BA_INVALID_COA),
	    "Invalid Care-of Address");
	ck_assert_str_eq(mh_ba_status_name(180),
	    "CANNOT_SUPPORT_MULTIPATH_BINDING");
	ck_assert_str_eq(mh_ba_status_name(7), "unassigned (accepted)");
	ck_assert_str_eq(mh_ba_status_name(181), "unassigned (rejected)");

	ck_assert_str_eq(mh_bra_status_name(MH_BRA_SUCCESS), "success");
	ck_assert_str_eq(mh_bra_status_name(MH_BRA_PARTIAL),
	    "partial success");
	ck_assert_str_eq(mh_bra_status_name(MH_BRA_MN_ATTACHED),
	    "Revocation Failed - MN is Attached");
	ck_assert_str_eq(mh_bra_status_name(MH_BRA_PROXY_NOT_SUPPORTED),
	    "Proxy Binding Revocation NOT Supported");
	ck_assert_str_eq(mh_bra_status_name(2), "unassigned (success)");
	ck_assert_str_eq(mh_bra_status_name(136), "unassigned (rejected)");

	for (i = 0; i < 256; i++) {
		ck_assert_ptr_nonnull(mh_type_name((uint8_t)i));
		ck_assert_ptr_nonnull(mh_ba_status_name((uint8_t)i));
		ck_assert_ptr_nonnull(mh_bra_status_name((uint8_t)i));
	}
	for (e = MH_OK; e <= MH_ERR_INVALID; e++) {
		ck_assert_ptr_nonnull(mh_strerror((enum mh_err)e));
		ck_assert_str_ne(mh_strerror((enum mh_err)e), "unknown error");
		if (e > MH_OK)
			ck_assert_str_ne(mh_strerror((enum mh_err)e),
			    mh_strerror((enum mh_err)(e - 1)));
	}
}
END_TEST

START_TEST(helpers)
{
	struct mh_opts o;
	struct in6_addr p;
	uint8_t id[MH_MNID_MAX + 1];
	int i;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:1::", &p), 1);
	ck_assert_int_eq(mh_add_hnp(&o, &p, 129), -1);
	ck_assert_uint_eq(o.n_hnp, 0);
	for (i = 0; i < MH_MAX_HNP; i++)
		ck_assert_int_eq(mh_add_hnp(&o, &p, (uint8_t)(48 + i)), 0);
	ck_assert_int_eq(mh_add_hnp(&o, &p, 64), -1);
	ck_assert_uint_eq(o.n_hnp, MH_MAX_HNP);
	ck_assert_uint_eq(o.hnp[3].len, 51);
	ck_assert_mem_eq(&o.hnp[3].addr, &p, 16);

	memset(id, 'x', sizeof(id));
	ck_assert_int_eq(mh_set_mnid(&o, MH_MNID_NAI, id, MH_MNID_MAX + 1),
	    -1);
	ck_assert_uint_eq(o.present & MH_HAS_MNID, 0);
	ck_assert_int_eq(mh_set_mnid(&o, MH_MNID_NAI, id, MH_MNID_MAX), 0);
	ck_assert_uint_eq(o.mnid_len, MH_MNID_MAX);
	ck_assert_int_eq(mh_set_mnid(&o, 5, "\x02\0\0\0\0\x01", 6), 0);
	ck_assert_uint_eq(o.present & MH_HAS_MNID, MH_HAS_MNID);
	ck_assert_uint_eq(o.mnid_subtype, 5);
	ck_assert_uint_eq(o.mnid_len, 6);
	ck_assert_mem_eq(o.mnid, "\x02\0\0\0\0\x01", 6);
	ck_assert_int_eq(mh_set_mnid(&o, MH_MNID_NAI, NULL, 0), 0);
	ck_assert_uint_eq(o.mnid_len, 0);
}
END_TEST

START_TEST(seq_after)
{
	/* RFC 6275 9.5.1: modulo 2^16, half the space either way. */
	ck_assert(mh_seq_after(1, 0));
	ck_assert(!mh_seq_after(0, 1));
	ck_assert(!mh_seq_after(5, 5));
	ck_assert(mh_seq_after(0, 65535));
	ck_assert(mh_seq_after(32767, 0));
	ck_assert(!mh_seq_after(32768, 0));
	ck_assert(!mh_seq_after(15, 32783));
	ck_assert(mh_seq_after(15, 32784));
}
END_TEST

Suite *
mh_vector_suite(void)
{
	Suite *s = suite_create("mh_vectors");
	TCase *tc = tcase_create("vectors");

	tcase_add_test(tc, vec_pbu);
	tcase_add_test(tc, vec_pba);
	tcase_add_test(tc, vec_pba_status145);
	tcase_add_test(tc, vec_bri);
	tcase_add_test(tc, vec_bra_status128);
	tcase_add_test(tc, vec_bri_global_trigger128);
	tcase_add_test(tc, vec_hb);
	tcase_add_test(tc, vec_upn_unhandled);
	tcase_add_loop_test(tc, vec_reencode, 0, N_VECTORS);
	tcase_add_loop_test(tc, vec_checksum, 0, N_VECTORS);
	suite_add_tcase(s, tc);
	return s;
}

Suite *
mh_util_suite(void)
{
	Suite *s = suite_create("mh_util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, checksum_build);
	tcase_add_test(tc, ts_vector);
	tcase_add_test(tc, ts_every_fraction);
	tcase_add_test(tc, names);
	tcase_add_test(tc, helpers);
	tcase_add_test(tc, seq_after);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(mh_vector_suite());
	srunner_add_suite(sr, mh_util_suite());
	srunner_add_suite(sr, mh_roundtrip_suite());
	srunner_add_suite(sr, mh_malformed_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
