/*
 * check_mh_roundtrip.c: unit tests of the MH codec, part 2 of 3.
 *
 * Every message type and every option, alone and all together, is built,
 * checked against the sender rules (alignment xn+y of RFC 6275 6.2.1,
 * minimal padding, multiple of 8, checksum), parsed back to the same
 * struct and built again to the same bytes.  Then the builder's limits:
 * structs it must refuse (MH_ERR_INVALID) and buffers too small
 * (MH_ERR_NOSPACE, nothing written past the end).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <string.h>

#include "check_mh.h"

/* The option kinds the codec knows, one per test loop index. */
enum kind {
	K_REFRESH, K_ALTCOA, K_MNID, K_VSM, K_HNP, K_HI, K_ATT, K_MNLLI,
	K_LLA, K_TS, K_RESTART, K_GRE_NOKEY, K_GRE_KEY, K_V4HOA_REQ,
	K_V4HOA_REP, K_V4DR, N_KINDS
};

/* Message shapes: BU, BA, BE, HB, BRI, BRA. */
#define N_SHAPES	6

static void
addr6(struct in6_addr *a, const char *text)
{
	ck_assert_int_eq(inet_pton(AF_INET6, text, a), 1);
}

static void
addr4(struct in_addr *a, const char *text)
{
	ck_assert_int_eq(inet_pton(AF_INET, text, a), 1);
}

static void
set_shape(struct mh_msg *m, int shape)
{
	memset(m, 0, sizeof(*m));
	switch (shape) {
	case 0:
		m->type = MH_TYPE_BU;
		m->seq = 4242;
		m->flags = MH_BU_A | MH_BU_P;
		m->lifetime = 900;
		break;
	case 1:
		m->type = MH_TYPE_BA;
		m->status = MH_BA_NOT_AUTHORIZED_FOR_HNP;
		m->flags = MH_BA_P;
		m->seq = 4242;
		m->lifetime = 450;
		break;
	case 2:
		m->type = MH_TYPE_BE;
		m->status = MH_BE_UNKNOWN_TYPE;
		addr6(&m->be_home, "2001:db8:1::1");
		break;
	case 3:
		m->type = MH_TYPE_HB;
		m->flags = MH_HB_R | MH_HB_U;
		m->hb_seq = 0x89abcdef;
		break;
	case 4:
		m->type = MH_TYPE_BR;
		m->br_type = MH_BR_INDICATION;
		m->trigger = MH_BRT_USER_TERMINATION;
		m->seq = 65535;
		m->flags = MH_BR_P | MH_BR_V;
		break;
	default:
		m->type = MH_TYPE_BR;
		m->br_type = MH_BR_ACK;
		m->status = MH_BRA_PARTIAL;
		m->seq = 1;
		m->flags = MH_BR_P | MH_BR_G;
		break;
	}
}

static void
set_kind(struct mh_msg *m, enum kind k)
{
	struct mh_opts *o = &m->opt;
	struct in6_addr p;

	switch (k) {
	case K_REFRESH:
		o->present |= MH_HAS_REFRESH;
		o->refresh = 0x1234;
		break;
	case K_ALTCOA:
		o->present |= MH_HAS_ALTCOA;
		addr6(&o->altcoa, "2001:db8:ff::2");
		break;
	case K_MNID:
		ck_assert_int_eq(mh_set_mnid(o, MH_MNID_NAI,
		    "mn1@example.org", 15), 0);
		break;
	case K_VSM:
		o->vsm[o->n_vsm].vendor = 10415;	/* 3GPP */
		o->vsm[o->n_vsm].subtype = 1;
		o->vsm[o->n_vsm].len = 3;
		memcpy(o->vsm[o->n_vsm].data, "\x80\x21\x10", 3);
		o->n_vsm++;
		break;
	case K_HNP:
		addr6(&p, "2001:db8:1::");
		ck_assert_int_eq(mh_add_hnp(o, &p, 64), 0);
		break;
	case K_HI:
		o->present |= MH_HAS_HI;
		o->hi = MH_HI_UNCHANGED;
		break;
	case K_ATT:
		o->present |= MH_HAS_ATT;
		o->att = 8;			/* 3GPP E-UTRAN */
		break;
	case K_MNLLI:
		o->present |= MH_HAS_MNLLI;
		o->mnlli_len = 6;
		memcpy(o->mnlli, "\x02\x00\x00\x00\x00\x0a", 6);
		break;
	case K_LLA:
		o->present |= MH_HAS_LLA;
		addr6(&o->lla, "fe80::200:5eff:fe00:5213");
		break;
	case K_TS:
		o->present |= MH_HAS_TS;
		o->ts = mh_ts_make(1704067200, 250000000);
		break;
	case K_RESTART:
		o->present |= MH_HAS_RESTART;
		o->restart = 0xdeadbeef;
		break;
	case K_GRE_NOKEY:
		o->present |= MH_HAS_GRE;
		o->gre_has_key = 0;
		o->gre_key = 0;
		break;
	case K_GRE_KEY:
		o->present |= MH_HAS_GRE;
		o->gre_has_key = 1;
		o->gre_key = 0x01020304;
		break;
	case K_V4HOA_REQ:
		o->present |= MH_HAS_V4HOA_REQ;
		o->v4hoa_req_plen = 24;
		addr4(&o->v4hoa_req, "192.0.2.10");
		break;
	case K_V4HOA_REP:
		o->present |= MH_HAS_V4HOA_REP;
		o->v4hoa_rep_status = 132;
		o->v4hoa_rep_plen = 32;
		addr4(&o->v4hoa_rep, "192.0.2.11");
		break;
	case K_V4DR:
		o->present |= MH_HAS_V4DR;
		addr4(&o->v4dr, "192.0.2.1");
		break;
	case N_KINDS:
		break;
	}
}

/* Every option, the repeatable ones more than once. */
static void
set_all(struct mh_msg *m)
{
	struct in6_addr p;
	int k;

	for (k = 0; k < N_KINDS; k++)
		if (k != K_GRE_NOKEY)
			set_kind(m, (enum kind)k);
	addr6(&p, "2001:db8:2::");
	ck_assert_int_eq(mh_add_hnp(&m->opt, &p, 56), 0);
	memset(&p, 0, sizeof(p));
	ck_assert_int_eq(mh_add_hnp(&m->opt, &p, 0), 0);	/* ALL_ZERO */
	m->opt.vsm[1].vendor = 12345;
	m->opt.vsm[1].subtype = 200;
	m->opt.vsm[1].len = 0;
	m->opt.n_vsm = 2;
}

/* Build, check, parse back, compare, build again; returns the length. */
static size_t
roundtrip(const struct mh_msg *m, uint8_t *out)
{
	struct mh_msg back;
	struct mh_perr err;
	uint8_t again[MH_MAX_LEN];
	size_t n, n2;
	enum mh_err rc;

	rc = mh_build(m, &tmh_mag, &tmh_lma, out, MH_MAX_LEN, &n);
	ck_assert_msg(rc == MH_OK, "build: %s", mh_strerror(rc));
	tmh_check_layout(out, n);
	ck_assert_int_eq(mh_checksum_ok(&tmh_mag, &tmh_lma, out, n), 1);

	rc = mh_parse(out, n, &back, &err);
	ck_assert_msg(rc == MH_OK, "parse: %s at %zu", mh_strerror(rc),
	    err.off);
	ck_assert_uint_eq(back.opt.n_unknown, 0);
	tmh_assert_msg_eq(m, &back);

	ck_assert_int_eq(mh_build(&back, &tmh_mag, &tmh_lma, again,
	    sizeof(again), &n2), MH_OK);
	ck_assert_uint_eq(n2, n);
	ck_assert_mem_eq(again, out, n);
	return n;
}

START_TEST(rt_bare)
{
	struct mh_msg m;
	uint8_t out[MH_MAX_LEN];

	set_shape(&m, _i);
	/* 12 octets + PadN 2, or BE's 24 octets and no padding. */
	ck_assert_uint_eq(roundtrip(&m, out), m.type == MH_TYPE_BE ? 24 : 16);
}
END_TEST

START_TEST(rt_each_option)
{
	struct mh_msg m;
	uint8_t out[MH_MAX_LEN];

	set_shape(&m, _i / N_KINDS);
	set_kind(&m, (enum kind)(_i % N_KINDS));
	roundtrip(&m, out);
}
END_TEST

START_TEST(rt_all_options)
{
	struct mh_msg m;
	uint8_t out[MH_MAX_LEN];

	set_shape(&m, _i);
	set_all(&m);
	roundtrip(&m, out);
}
END_TEST

/*
 * Each option after MN-IDs of 1 to 16 octets, so that it starts at every
 * offset modulo 8 and every amount of padding gets written.
 */
START_TEST(rt_alignment_sweep)
{
	struct mh_msg m;
	uint8_t out[MH_MAX_LEN], id[16];
	size_t len;

	memset(id, 'a', sizeof(id));
	for (len = 1; len <= sizeof(id); len++) {
		set_shape(&m, 0);
		ck_assert_int_eq(mh_set_mnid(&m.opt, MH_MNID_NAI, id, len), 0);
		set_kind(&m, (enum kind)_i);
		roundtrip(&m, out);
	}
}
END_TEST

/* The largest struct: every limit reached at once. */
START_TEST(rt_limits)
{
	struct mh_msg m;
	struct mh_opts *o = &m.opt;
	uint8_t out[MH_MAX_LEN], id[MH_MNID_MAX];
	struct in6_addr p;
	size_t i;

	set_shape(&m, 1);
	set_all(&m);
	memset(id, 'n', sizeof(id));
	ck_assert_int_eq(mh_set_mnid(o, 8, id, sizeof(id)), 0);
	o->n_hnp = 0;
	for (i = 0; i < MH_MAX_HNP; i++) {
		memset(&p, (int)i, sizeof(p));
		ck_assert_int_eq(mh_add_hnp(o, &p, (uint8_t)(i * 8)), 0);
	}
	o->hnp[MH_MAX_HNP - 1].len = 128;
	for (i = 0; i < MH_MAX_VSM; i++) {
		o->vsm[i].vendor = (uint32_t)i << 24 | 0xffffff;
		o->vsm[i].subtype = (uint8_t)i;
		o->vsm[i].len = MH_VSM_DATA_MAX;
		memset(o->vsm[i].data, 0xa0 + (int)i, MH_VSM_DATA_MAX);
	}
	o->n_vsm = MH_MAX_VSM;
	o->mnlli_len = MH_MNLLI_MAX;
	memset(o->mnlli, 0x5a, MH_MNLLI_MAX);
	ck_assert_uint_le(roundtrip(&m, out), MH_MAX_LEN);
}
END_TEST

/* Fixed fields at their extremes; flag words travel whole. */
START_TEST(rt_fixed_fields)
{
	struct mh_msg m;
	uint8_t out[MH_MAX_LEN];
	size_t n;

	set_shape(&m, 0);
	m.seq = 65535, m.flags = 0xffff, m.lifetime = 65535;
	n = roundtrip(&m, out);
	ck_assert_mem_eq(out + 6, "\xff\xff\xff\xff\xff\xff", 6);
	ck_assert_uint_eq(n, 16);

	set_shape(&m, 1);
	m.status = 255, m.flags = 0xff, m.seq = 0, m.lifetime = 0;
	roundtrip(&m, out);
	ck_assert_mem_eq(out + 6, "\xff\xff\0\0\0\0", 6);

	set_shape(&m, 3);
	m.flags = 0xffff, m.hb_seq = 0xffffffff;
	roundtrip(&m, out);
	ck_assert_mem_eq(out + 6, "\xff\xff\xff\xff\xff\xff", 6);

	set_shape(&m, 4);
	m.flags = 0xffff, m.trigger = 250, m.status = 0;
	roundtrip(&m, out);
	ck_assert_mem_eq(out + 6, "\x01\xfa\xff\xff\xff\xff", 6);

	/* A BRA carries its status where a BRI carries its trigger. */
	set_shape(&m, 5);
	m.status = MH_BRA_NOT_SUPPORTED;
	roundtrip(&m, out);
	ck_assert_uint_eq(out[6], MH_BR_ACK);
	ck_assert_uint_eq(out[7], MH_BRA_NOT_SUPPORTED);
}
END_TEST

/*
 * One PBU with the options of a MAG that knows everything, laid out by
 * hand from the alignment rules (offsets in the comments).
 */
START_TEST(rt_layout_exact)
{
	static const char want[] =
	    "3b 0f 05 00 0000 1092 8200 0384"		/* 0: PBU, seq 4242 */
	    "08 10 01 6d6e31406578616d706c652e6f7267"	/* 12: MN-ID */
	    "01 04 00000000"				/* 30: PadN 4 */
	    "16 12 00 40 20010db8000100000000000000000000" /* 36: HNP */
	    "17 02 00 05"				/* 56: HI */
	    "18 02 00 08"				/* 60: ATT */
	    "01 02 0000"				/* 64: PadN 2 */
	    "19 08 0000 02000000000a"			/* 68: MN-LLI */
	    "1a 10 fe800000000000000200 5efffe005213"	/* 78: LLA */
	    "01 00"					/* 96: PadN 0 */
	    "1b 08 0000659200804000"			/* 98: TS */
	    "21 06 0000 01020304"			/* 108: GRE */
	    "24 06 60 00 c000020a"			/* 116: v4 req */
	    "01 02 0000";				/* 124: PadN 2 */
	struct mh_msg m;
	uint8_t out[MH_MAX_LEN], exp[256];
	size_t n, elen;

	set_shape(&m, 0);
	m.seq = 4242;
	set_kind(&m, K_MNID);
	set_kind(&m, K_HNP);
	set_kind(&m, K_HI);
	set_kind(&m, K_ATT);
	set_kind(&m, K_MNLLI);
	set_kind(&m, K_LLA);
	set_kind(&m, K_TS);
	set_kind(&m, K_GRE_KEY);
	set_kind(&m, K_V4HOA_REQ);
	elen = tmh_hex(want, exp, sizeof(exp));
	ck_assert_uint_eq(elen, 128);
	n = roundtrip(&m, out);
	ck_assert_uint_eq(n, elen);
	/* Compare all but the checksum, then the checksum on its own. */
	ck_assert_mem_eq(out, exp, 4);
	ck_assert_mem_eq(out + 6, exp + 6, n - 6);
	ck_assert_uint_eq(mh_checksum(&tmh_mag, &tmh_lma, exp, elen),
	    (unsigned)out[4] << 8 | out[5]);
}
END_TEST

/* The heartbeat response vector, built from a struct. */
START_TEST(rt_hb_response)
{
	static const uint8_t want[] = {
		0x3b, 0x02, 0x0d, 0x00, 0x3b, 0xd1, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x10, 0x01, 0x00, 0x1c, 0x04,
		0x00, 0x00, 0x00, 0x03, 0x01, 0x02, 0x00, 0x00,
	};
	struct mh_msg m;
	uint8_t out[64];
	size_t n;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_HB;
	m.flags = MH_HB_R;
	m.hb_seq = 16;
	m.opt.present = MH_HAS_RESTART;
	m.opt.restart = 3;
	ck_assert_int_eq(mh_build(&m, &tmh_lma, &tmh_mag, out, sizeof(out),
	    &n), MH_OK);
	ck_assert_uint_eq(n, sizeof(want));
	ck_assert_mem_eq(out, want, n);
}
END_TEST

/* RFC 5213 5.3.6: a PBA answering a PBU without MN-ID carries an empty
 * one; nowhere else is an empty MN-ID accepted. */
START_TEST(rt_empty_mnid)
{
	struct mh_msg m;
	uint8_t out[MH_MAX_LEN];
	size_t n;
	int shape;

	set_shape(&m, 1);
	m.status = MH_BA_MISSING_MNID;
	ck_assert_int_eq(mh_set_mnid(&m.opt, MH_MNID_NAI, NULL, 0), 0);
	set_kind(&m, K_HNP);
	n = roundtrip(&m, out);
	ck_assert_mem_eq(out + 12, "\x08\x01\x01", 3);
	ck_assert_uint_eq(n, 40);

	for (shape = 0; shape < N_SHAPES; shape++) {
		if (shape == 1)
			continue;
		set_shape(&m, shape);
		ck_assert_int_eq(mh_set_mnid(&m.opt, MH_MNID_NAI, NULL, 0), 0);
		ck_assert_int_eq(mh_build(&m, NULL, NULL, out, sizeof(out),
		    &n), MH_ERR_INVALID);
	}
}
END_TEST

/* Structs the builder must refuse, each a valid PBU with one fault. */
START_TEST(build_invalid)
{
	struct mh_msg m;
	uint8_t out[MH_MAX_LEN];
	size_t n = 99;

	set_shape(&m, 0);
	set_all(&m);
	switch (_i) {
	case 0:
		m.type = MH_TYPE_BRR;		/* not handled */
		break;
	case 1:
		m.type = 19;
		break;
	case 2:
		set_shape(&m, 4);
		m.br_type = 0;
		break;
	case 3:
		set_shape(&m, 5);
		m.br_type = 3;
		break;
	case 4:
		set_shape(&m, 1);
		m.flags = 0x100;		/* BA flags are one octet */
		break;
	case 5:
		m.opt.present |= 1u << 13;	/* no such option */
		break;
	case 6:
		m.opt.mnid_len = 0;
		break;
	case 7:
		m.opt.mnid_len = MH_MNID_MAX + 1;
		break;
	case 8:
		m.opt.n_hnp = MH_MAX_HNP + 1;
		break;
	case 9:
		m.opt.hnp[1].len = 129;
		break;
	case 10:
		m.opt.n_vsm = MH_MAX_VSM + 1;
		break;
	case 11:
		m.opt.vsm[0].len = MH_VSM_DATA_MAX + 1;
		break;
	case 12:
		m.opt.mnlli_len = MH_MNLLI_MAX + 1;
		break;
	case 13:
		m.opt.gre_has_key = 2;
		break;
	case 14:
		m.opt.v4hoa_req_plen = 33;
		break;
	case 15:
		m.opt.v4hoa_rep_plen = 63;
		break;
	}
	ck_assert_int_eq(mh_build(&m, &tmh_mag, &tmh_lma, out, sizeof(out),
	    &n), MH_ERR_INVALID);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* Values outside a struct's limits are fine when the option is absent. */
START_TEST(build_absent_ignored)
{
	struct mh_msg m;
	uint8_t out[MH_MAX_LEN];
	size_t n;

	set_shape(&m, 0);
	m.opt.mnid_len = 255;
	m.opt.mnlli_len = 255;
	m.opt.gre_has_key = 7;
	m.opt.v4hoa_req_plen = 63;
	ck_assert_int_eq(mh_build(&m, NULL, NULL, out, sizeof(out), &n),
	    MH_OK);
	ck_assert_uint_eq(n, 16);
}
END_TEST

/* Every capacity short of the message: NOSPACE, nothing past cap. */
START_TEST(build_nospace)
{
	struct mh_msg m;
	uint8_t ref[MH_MAX_LEN], out[MH_MAX_LEN + 16];
	size_t n, cap, got;

	set_shape(&m, _i);
	set_all(&m);
	ck_assert_int_eq(mh_build(&m, &tmh_mag, &tmh_lma, ref, sizeof(ref),
	    &n), MH_OK);
	for (cap = 0; cap < n; cap++) {
		memset(out, 0xee, sizeof(out));
		got = 99;
		ck_assert_int_eq(mh_build(&m, &tmh_mag, &tmh_lma, out, cap,
		    &got), MH_ERR_NOSPACE);
		ck_assert_uint_eq(got, 0);
		ck_assert_uint_eq(out[cap], 0xee);
	}
	ck_assert_int_eq(mh_build(&m, &tmh_mag, &tmh_lma, out, n, &got),
	    MH_OK);
	ck_assert_uint_eq(got, n);
	ck_assert_mem_eq(out, ref, n);
}
END_TEST

Suite *
mh_roundtrip_suite(void)
{
	Suite *s = suite_create("mh_roundtrip");
	TCase *tc = tcase_create("roundtrip");
	TCase *tb = tcase_create("build");

	tcase_add_loop_test(tc, rt_bare, 0, N_SHAPES);
	tcase_add_loop_test(tc, rt_each_option, 0, N_SHAPES * N_KINDS);
	tcase_add_loop_test(tc, rt_all_options, 0, N_SHAPES);
	tcase_add_loop_test(tc, rt_alignment_sweep, 0, N_KINDS);
	tcase_add_test(tc, rt_limits);
	tcase_add_test(tc, rt_fixed_fields);
	tcase_add_test(tc, rt_layout_exact);
	tcase_add_test(tc, rt_hb_response);
	tcase_add_test(tc, rt_empty_mnid);
	suite_add_tcase(s, tc);

	tcase_add_loop_test(tb, build_invalid, 0, 16);
	tcase_add_test(tb, build_absent_ignored);
	tcase_add_loop_test(tb, build_nospace, 0, N_SHAPES);
	suite_add_tcase(s, tb);
	return s;
}
