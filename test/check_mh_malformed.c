/*
 * check_mh_malformed.c: unit tests of the MH codec, part 3 of 3.
 *
 * Broken input and the error mh_parse() must give, with the offset of
 * the octet at fault: framing (RFC 6275 6.1.1, 9.2), option lengths and
 * overruns (RFC 6275 6.2.1), repeated singletons (RFC 5213 8.1-8.2),
 * empty identifiers (RFC 4283), values that cannot be (prefix lengths).
 * Then input that looks odd but is valid: unknown options, which are
 * skipped (RFC 6275 9.2), misaligned options, which a receiver accepts,
 * and the largest message.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <string.h>

#include "check_mh.h"

enum shape { RAW, BU, BA, BE, HB, BRI, BRA };

/* The fixed part of each shape, after Payload Proto ... Checksum. */
static const char *const fixed_hex[] = {
	[RAW] = "",
	[BU] = "0001 8200 0384",
	[BA] = "00 20 0001 0384",
	[BE] = "02 00 20010db8000100000000000000000001",
	[HB] = "0000 00000010",
	[BRI] = "01 01 0007 8000",
	[BRA] = "02 00 0007 8000",
};

static const uint8_t shape_type[] = {
	[RAW] = 0, [BU] = MH_TYPE_BU, [BA] = MH_TYPE_BA, [BE] = MH_TYPE_BE,
	[HB] = MH_TYPE_HB, [BRI] = MH_TYPE_BR, [BRA] = MH_TYPE_BR,
};

/*
 * A message of the given shape with the options in hex, padded to a
 * multiple of 8 (Pad1 or PadN) and Header Len set; RAW copies the hex.
 */
static size_t
compose(enum shape sh, const char *opts, uint8_t *out, size_t cap)
{
	size_t n, k;

	if (sh == RAW)
		return tmh_hex(opts, out, cap);
	ck_assert_uint_ge(cap, 64);
	out[0] = MH_PAYLOAD_NONE;
	out[2] = shape_type[sh];
	out[1] = out[3] = out[4] = out[5] = 0;
	n = 6 + tmh_hex(fixed_hex[sh], out + 6, cap - 6);
	n += tmh_hex(opts, out + n, cap - n);
	if (n % 8 != 0) {
		k = 8 - n % 8;
		ck_assert_uint_le(n + k, cap);
		memset(out + n, 0, k);
		out[n] = k == 1 ? MH_OPT_PAD1 : MH_OPT_PADN;
		if (k > 1)
			out[n + 1] = (uint8_t)(k - 2);
		n += k;
	}
	out[1] = (uint8_t)(n / 8 - 1);
	return n;
}

static const struct bad {
	const char	*name;
	enum shape	 shape;
	const char	*hex;		/* whole message (RAW) or options */
	enum mh_err	 code;
	size_t		 off;
} bad[] = {
	/* Framing. */
	{ "empty", RAW, "", MH_ERR_TRUNCATED, 0 },
	{ "7 octets", RAW, "3b 00 05 00 0000 00", MH_ERR_TRUNCATED, 7 },
	{ "HL 1, 8 octets", RAW, "3b 01 05 00 0000 0001",
	    MH_ERR_TRUNCATED, 8 },
	{ "HL 1, 12 octets", RAW, "3b 01 05 00 0000 0001 8200 0384",
	    MH_ERR_TRUNCATED, 12 },
	{ "HL 2, 20 octets", RAW,
	    "3b 02 05 00 0000 0001 8200 0384 01 02 0000 01 02 0000",
	    MH_ERR_TRUNCATED, 20 },
	{ "HL 1, 17 octets", RAW,
	    "3b 01 05 00 0000 0001 8200 0384 01 02 0000 00",
	    MH_ERR_LENGTH, 1 },
	{ "HL 1, 24 octets", RAW,
	    "3b 01 05 00 0000 0001 8200 0384 01 02 0000 01 06 0000 00000000",
	    MH_ERR_LENGTH, 1 },
	{ "HL 0, 9 octets", RAW, "3b 00 05 00 0000 0001 82",
	    MH_ERR_LENGTH, 1 },
	{ "Payload Proto 6", RAW, "06 01 05 00 0000 0001 8200 0384 01020000",
	    MH_ERR_PAYLOAD_PROTO, 0 },
	{ "Payload Proto 0", RAW, "00 01 05 00 0000 0001 8200 0384 01020000",
	    MH_ERR_PAYLOAD_PROTO, 0 },
	{ "Payload Proto before length", RAW, "3a 05 05 00 0000 0000",
	    MH_ERR_PAYLOAD_PROTO, 0 },
	{ "BU HL 0", RAW, "3b 00 05 00 0000 0001", MH_ERR_HDR_LEN, 1 },
	{ "BA HL 0", RAW, "3b 00 06 00 0000 0000", MH_ERR_HDR_LEN, 1 },
	{ "HB HL 0", RAW, "3b 00 0d 00 0000 0000", MH_ERR_HDR_LEN, 1 },
	{ "BR HL 0", RAW, "3b 00 10 00 0000 0101", MH_ERR_HDR_LEN, 1 },
	{ "BE HL 1", RAW, "3b 01 07 00 0000 0200 20010db8 00010000",
	    MH_ERR_HDR_LEN, 1 },
	{ "type 0 (BRR)", RAW, "3b 00 00 00 0000 0000", MH_ERR_TYPE, 2 },
	{ "type 1 (HoTI)", RAW, "3b 01 01 00 0000 0000 0000000000000000",
	    MH_ERR_TYPE, 2 },
	{ "type 8 (FBU)", RAW, "3b 01 08 00 0000 0001 0000 0000 01020000",
	    MH_ERR_TYPE, 2 },
	{ "type 17 (LRI)", RAW, "3b 01 11 00 0000 0001 0000 0000 01020000",
	    MH_ERR_TYPE, 2 },
	{ "type 255", RAW, "3b 00 ff 00 0000 0000", MH_ERR_TYPE, 2 },
	{ "B.R. Type 0", RAW, "3b 01 10 00 0000 00 01 0007 8000 01020000",
	    MH_ERR_BR_TYPE, 6 },
	{ "B.R. Type 3", RAW, "3b 01 10 00 0000 03 00 0007 8000 01020000",
	    MH_ERR_BR_TYPE, 6 },
	{ "B.R. Type 255", RAW, "3b 01 10 00 0000 ff 00 0007 8000 01020000",
	    MH_ERR_BR_TYPE, 6 },

	/* Bad length of each known option (its Length octet is at 13). */
	{ "Refresh len 1", BU, "02 01 00", MH_ERR_OPT_LEN, 13 },
	{ "Refresh len 3", BU, "02 03 000000", MH_ERR_OPT_LEN, 13 },
	{ "AltCoA len 15", BU, "03 0f 000000000000000000000000000000",
	    MH_ERR_OPT_LEN, 13 },
	{ "AltCoA len 17", BU, "03 11 0000000000000000000000000000000000",
	    MH_ERR_OPT_LEN, 13 },
	{ "MN-ID len 0", BU, "08 00", MH_ERR_OPT_LEN, 13 },
	{ "VSM len 4", BU, "13 04 00002841", MH_ERR_OPT_LEN, 13 },
	{ "VSM len 70", BU, "13 46 000028af 01"
	    "00000000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000000000000000000000000000",
	    MH_ERR_OPT_LEN, 13 },
	{ "HNP len 17", BU, "16 11 00 40 20010db80001000000000000000000",
	    MH_ERR_OPT_LEN, 13 },
	{ "HNP len 19", BU, "16 13 00 40 20010db800010000000000000000000000",
	    MH_ERR_OPT_LEN, 13 },
	{ "HI len 1", BU, "17 01 01", MH_ERR_OPT_LEN, 13 },
	{ "HI len 3", BU, "17 03 00 01 00", MH_ERR_OPT_LEN, 13 },
	{ "ATT len 1", BU, "18 01 04", MH_ERR_OPT_LEN, 13 },
	{ "ATT len 0", BU, "18 00", MH_ERR_OPT_LEN, 13 },
	{ "MN-LLI len 1", BU, "19 01 00", MH_ERR_OPT_LEN, 13 },
	{ "MN-LLI len 35", BU, "19 23 0000"
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "00", MH_ERR_OPT_LEN, 13 },
	{ "LLA len 15", BU, "1a 0f fe8000000000000000000000000001",
	    MH_ERR_OPT_LEN, 13 },
	{ "Timestamp len 7", BU, "1b 07 00006592008000", MH_ERR_OPT_LEN, 13 },
	{ "Timestamp len 9", BU, "1b 09 000065920080000000",
	    MH_ERR_OPT_LEN, 13 },
	{ "Restart len 3", BU, "1c 03 000003", MH_ERR_OPT_LEN, 13 },
	{ "Restart len 5", BU, "1c 05 0000000300", MH_ERR_OPT_LEN, 13 },
	{ "GRE len 0", BU, "21 00", MH_ERR_OPT_LEN, 13 },
	{ "GRE len 4", BU, "21 04 0000 0001", MH_ERR_OPT_LEN, 13 },
	{ "GRE len 7", BU, "21 07 0000 00000001 00", MH_ERR_OPT_LEN, 13 },
	{ "IPv4 HoA Req len 4", BU, "24 04 0000 c000", MH_ERR_OPT_LEN, 13 },
	{ "IPv4 HoA Req len 8", BU, "24 08 6000 c000020a 0000",
	    MH_ERR_OPT_LEN, 13 },
	{ "IPv4 HoA Rep len 5", BU, "25 05 00 60 c00002", MH_ERR_OPT_LEN, 13 },
	{ "IPv4 DR len 2", BU, "26 02 0000", MH_ERR_OPT_LEN, 13 },
	{ "HI len 1 in a BE", BE, "17 01 01", MH_ERR_OPT_LEN, 25 },
	{ "TS len 7 in a HB", HB, "1b 07 00006592008000", MH_ERR_OPT_LEN, 13 },

	/* Overruns: of the Type/Length header, then of the data. */
	{ "type in the last octet", BU, "01 01 00 17", MH_ERR_OPT_OVERRUN, 15 },
	{ "HNP past the end", BU, "16 12 00 40", MH_ERR_OPT_OVERRUN, 13 },
	{ "PadN past the end", BU, "01 05 0000", MH_ERR_OPT_OVERRUN, 13 },
	{ "unknown past the end", BU, "c8 03 0000", MH_ERR_OPT_OVERRUN, 13 },
	{ "MN-ID past the end", BRI, "08 10 01 6d", MH_ERR_OPT_OVERRUN, 13 },
	{ "last option two short", BU, "17 02 00 01 1b 08 00006592 0080",
	    MH_ERR_OPT_OVERRUN, 17 },
	{ "BE option past the end", BE, "01 00 16 12 00 40",
	    MH_ERR_OPT_OVERRUN, 27 },

	/* Singletons repeated (the second one's Type octet). */
	{ "MN-ID twice", BU, "08 02 01 61 08 02 01 62", MH_ERR_OPT_DUP, 16 },
	{ "HI twice", BU, "17 02 00 01 17 02 00 01", MH_ERR_OPT_DUP, 16 },
	{ "ATT twice", BA, "18 02 00 04 18 02 00 03", MH_ERR_OPT_DUP, 16 },
	{ "Timestamp twice", BU,
	    "1b 08 0000659200800000 1b 08 0000659200810000",
	    MH_ERR_OPT_DUP, 22 },
	{ "MN-LLI twice", BU, "19 02 0000 19 02 0000", MH_ERR_OPT_DUP, 16 },
	{ "LLA twice", BU, "1a 10 fe800000000000000000000000000001"
	    "1a 10 fe800000000000000000000000000001", MH_ERR_OPT_DUP, 30 },
	{ "AltCoA twice", BU, "03 10 20010db800ff00000000000000000002"
	    "03 10 20010db800ff00000000000000000002", MH_ERR_OPT_DUP, 30 },
	{ "Refresh twice", BA, "02 02 0010 02 02 0010", MH_ERR_OPT_DUP, 16 },
	{ "Restart twice", HB, "1c 04 00000001 1c 04 00000002",
	    MH_ERR_OPT_DUP, 18 },
	{ "GRE twice", BU, "21 02 0000 21 06 0000 00000001",
	    MH_ERR_OPT_DUP, 16 },
	{ "IPv4 HoA Req twice", BU, "24 06 0000 00000000 24 06 0000 00000000",
	    MH_ERR_OPT_DUP, 20 },
	{ "IPv4 HoA Rep twice", BA, "25 06 0060 c000020a 25 06 0060 c000020a",
	    MH_ERR_OPT_DUP, 20 },
	{ "IPv4 DR twice", BA, "26 06 0000 c0000201 26 06 0000 c0000201",
	    MH_ERR_OPT_DUP, 20 },
	{ "MN-ID twice in a BRI", BRI, "08 02 01 61 01 00 08 02 01 61",
	    MH_ERR_OPT_DUP, 18 },

	/* Empty identifiers and impossible values. */
	{ "empty NAI", BU, "08 01 01", MH_ERR_MNID_EMPTY, 13 },
	{ "empty NAI in a BRI", BRI, "08 01 01", MH_ERR_MNID_EMPTY, 13 },
	{ "empty NAI in a BRA", BRA, "08 01 01", MH_ERR_MNID_EMPTY, 13 },
	{ "empty NAI in a HB", HB, "08 01 01", MH_ERR_MNID_EMPTY, 13 },
	{ "HNP /129", BU, "16 12 00 81 20010db8000100000000000000000000",
	    MH_ERR_OPT_VALUE, 15 },
	{ "HNP /255", BRI, "16 12 00 ff 20010db8000100000000000000000000",
	    MH_ERR_OPT_VALUE, 15 },
	{ "IPv4 HoA Req /33", BU, "24 06 84 00 c000020a",
	    MH_ERR_OPT_VALUE, 14 },
	{ "IPv4 HoA Rep /63", BA, "25 06 00 fc c000020a",
	    MH_ERR_OPT_VALUE, 15 },

	/* An error after valid options still points at the bad one. */
	{ "dup after unknown options", BU,
	    "14 03 696d73 c8 00 17 02 00 01 17 02 00 02",
	    MH_ERR_OPT_DUP, 23 },
};
#define N_BAD	(sizeof(bad) / sizeof(bad[0]))

START_TEST(malformed_table)
{
	const struct bad *b = &bad[_i];
	uint8_t buf[512];
	struct mh_msg m;
	struct mh_perr err;
	enum mh_err rc;
	size_t n;

	n = compose(b->shape, b->hex, buf, sizeof(buf));
	rc = mh_parse(buf, n, &m, &err);
	ck_assert_msg(rc == b->code && err.code == b->code,
	    "%s: got %s, want %s", b->name, mh_strerror(rc),
	    mh_strerror(b->code));
	ck_assert_msg(err.off == b->off, "%s: offset %zu, want %zu",
	    b->name, err.off, b->off);
	if (n >= 8)
		ck_assert_uint_eq(m.type, buf[2]);
	/* A NULL err is allowed. */
	ck_assert_int_eq(mh_parse(buf, n, &m, NULL), b->code);
}
END_TEST

/* One octet over the 2048 the 8-bit Header Len allows. */
START_TEST(too_big)
{
	static uint8_t buf[MH_MAX_LEN + 8];
	struct mh_msg m;
	struct mh_perr err;

	memset(buf, 0, sizeof(buf));
	buf[0] = MH_PAYLOAD_NONE, buf[1] = 255, buf[2] = MH_TYPE_BU;
	ck_assert_int_eq(mh_parse(buf, MH_MAX_LEN + 1, &m, &err),
	    MH_ERR_TOO_BIG);
	ck_assert_uint_eq(err.off, MH_MAX_LEN);
	ck_assert_uint_eq(m.type, MH_TYPE_BU);
	ck_assert_int_eq(mh_parse(buf, sizeof(buf), &m, &err),
	    MH_ERR_TOO_BIG);
	/* Exactly 2048 octets of Pad1 after the BU: fine. */
	ck_assert_int_eq(mh_parse(buf, MH_MAX_LEN, &m, &err), MH_OK);
	ck_assert_uint_eq(m.opt.present, 0);
}
END_TEST

/* HNPs and VSMs repeat, but only as many as the struct holds. */
START_TEST(too_many)
{
	uint8_t buf[MH_MAX_LEN];
	struct mh_msg m;
	struct mh_perr err;
	size_t n, i, last;

	/* 17 HNPs of 20 octets from offset 12, misaligned (accepted). */
	memset(buf, 0, sizeof(buf));
	n = compose(BU, "", buf, sizeof(buf)) - 4;
	for (i = 0; i <= MH_MAX_HNP; i++) {
		last = n;
		buf[n++] = MH_OPT_HNP, buf[n++] = 18;
		buf[n++] = 0, buf[n++] = (uint8_t)i;
		buf[n++] = 0x20, buf[n++] = 0x01;
		n += 14;
		if (i == MH_MAX_HNP - 1) {
			buf[n++] = MH_OPT_PADN, buf[n++] = 2;
			buf[n++] = 0, buf[n++] = 0;
			buf[1] = (uint8_t)(n / 8 - 1);
			ck_assert_int_eq(mh_parse(buf, n, &m, &err), MH_OK);
			ck_assert_uint_eq(m.opt.n_hnp, MH_MAX_HNP);
			ck_assert_uint_eq(m.opt.hnp[15].len, 15);
			n -= 4;
		}
	}
	ck_assert_uint_eq(n % 8, 0);
	buf[1] = (uint8_t)(n / 8 - 1);
	ck_assert_int_eq(mh_parse(buf, n, &m, &err), MH_ERR_OPT_TOO_MANY);
	ck_assert_uint_eq(err.off, last);
	ck_assert_uint_eq(last, 12 + 16 * 20);

	/* 5 VSMs of 7 octets from offset 12. */
	memset(buf, 0, sizeof(buf));
	n = compose(BU, "", buf, sizeof(buf)) - 4;
	for (i = 0; i <= MH_MAX_VSM; i++) {
		last = n;
		n += tmh_hex("13 05 000028af 01", buf + n, 7);
	}
	buf[n++] = MH_OPT_PAD1;
	buf[1] = (uint8_t)(n / 8 - 1);
	ck_assert_uint_eq(n % 8, 0);
	ck_assert_int_eq(mh_parse(buf, n, &m, &err), MH_ERR_OPT_TOO_MANY);
	ck_assert_uint_eq(err.off, 12 + 4 * 7);
	ck_assert_uint_eq(err.off, last);
}
END_TEST

static void
parse_composed(enum shape sh, const char *opts, struct mh_msg *m)
{
	uint8_t buf[MH_MAX_LEN];
	struct mh_perr err;
	enum mh_err rc;
	size_t n;

	n = compose(sh, opts, buf, sizeof(buf));
	rc = mh_parse(buf, n, m, &err);
	ck_assert_msg(rc == MH_OK, "%s at %zu", mh_strerror(rc), err.off);
}

/* RFC 6275 9.2: options we do not know are skipped and counted. */
START_TEST(unknown_skipped)
{
	struct mh_msg m;

	parse_composed(BU,
	    "14 03 696d73"			/* Service Selection "ims" */
	    "c8 00"				/* unassigned, empty */
	    "04 04 0001 0002"			/* Nonce Indices */
	    "17 02 00 03"			/* HI, known */
	    "ff 01 00 ff 01 00"			/* 255 twice */
	    "32 06 01 00 00000001", &m);	/* MN Group Identifier */
	ck_assert_uint_eq(m.opt.n_unknown, 6);
	ck_assert_uint_eq(m.opt.present, MH_HAS_HI);
	ck_assert_uint_eq(m.opt.hi, MH_HI_MAG_HANDOFF);

	/* An unknown option may fill the message to the last octet. */
	parse_composed(HB, "c8 02 0000", &m);
	ck_assert_uint_eq(m.opt.n_unknown, 1);
}
END_TEST

/* Alignment binds the sender only. */
START_TEST(misaligned_accepted)
{
	struct mh_msg m;

	parse_composed(BU,
	    "17 02 00 01"				/* HI @12 */
	    "16 12 00 40 20010db8000100000000000000000000" /* HNP @16 */
	    "1b 08 0000659200800000"			/* TS @36 */
	    "1a 10 fe800000000000000000000000000001"	/* LLA @46 */
	    "21 06 0000 0000abcd"			/* GRE @64 */
	    "1c 04 00000007"
	    "13 06 000028af 02 ee"
	    "24 06 7c00 c0000200"
	    "19 08 0000 02000000000b", &m);
	ck_assert_uint_eq(m.opt.present, MH_HAS_HI | MH_HAS_TS | MH_HAS_LLA |
	    MH_HAS_GRE | MH_HAS_RESTART | MH_HAS_V4HOA_REQ | MH_HAS_MNLLI);
	ck_assert_uint_eq(m.opt.n_hnp, 1);
	ck_assert_uint_eq(m.opt.hnp[0].len, 64);
	ck_assert_uint_eq(m.opt.ts, UINT64_C(0x0000659200800000));
	ck_assert_uint_eq(m.opt.lla.s6_addr[15], 1);
	ck_assert_uint_eq(m.opt.gre_has_key, 1);
	ck_assert_uint_eq(m.opt.gre_key, 0xabcd);
	ck_assert_uint_eq(m.opt.restart, 7);
	ck_assert_uint_eq(m.opt.n_vsm, 1);
	ck_assert_uint_eq(m.opt.vsm[0].vendor, 10415);
	ck_assert_uint_eq(m.opt.vsm[0].subtype, 2);
	ck_assert_uint_eq(m.opt.vsm[0].len, 1);
	ck_assert_uint_eq(m.opt.vsm[0].data[0], 0xee);
	ck_assert_uint_eq(m.opt.v4hoa_req_plen, 31);
	ck_assert_uint_eq(ntohl(m.opt.v4hoa_req.s_addr), 0xc0000200);
	ck_assert_uint_eq(m.opt.mnlli_len, 6);
	ck_assert_mem_eq(m.opt.mnlli, "\x02\0\0\0\0\x0b", 6);
}
END_TEST

/* Reserved bits and PadN contents are ignored; edge lengths are valid. */
START_TEST(odd_but_valid)
{
	struct mh_msg m;
	uint8_t buf[64];
	size_t n;

	parse_composed(BA,
	    "01 03 ffffff"			/* PadN with junk */
	    "00 00"				/* Pad1 Pad1 */
	    "17 02 ff 02"			/* HI, Reserved set */
	    "25 06 80 63 c000020a"		/* Rep: status 128, /24, Res 3 */
	    "26 06 ffff c0000201"		/* DR, Reserved set */
	    "21 02 ffff", &m);			/* GRE without key */
	ck_assert_uint_eq(m.opt.hi, MH_HI_IF_HANDOFF);
	ck_assert_uint_eq(m.opt.v4hoa_rep_status, 128);
	ck_assert_uint_eq(m.opt.v4hoa_rep_plen, 24);
	ck_assert_uint_eq(ntohl(m.opt.v4dr.s_addr), 0xc0000201);
	ck_assert_uint_eq(m.opt.present & MH_HAS_GRE, MH_HAS_GRE);
	ck_assert_uint_eq(m.opt.gre_has_key, 0);
	ck_assert_uint_eq(m.opt.n_unknown, 0);

	/* MH Reserved octet set, HNP /128 and /0, IPv4 /32, empty MN-LLI. */
	n = compose(BU, "16 12 ff 80 20010db8000100000000000000000001"
	    "16 12 00 00 00000000000000000000000000000000"
	    "24 06 80 00 c000020a 19 02 ffff", buf, sizeof(buf));
	buf[3] = 0xff;
	ck_assert_int_eq(mh_parse(buf, n, &m, NULL), MH_OK);
	ck_assert_uint_eq(m.opt.n_hnp, 2);
	ck_assert_uint_eq(m.opt.hnp[0].len, 128);
	ck_assert_uint_eq(m.opt.hnp[1].len, 0);
	ck_assert_uint_eq(m.opt.v4hoa_req_plen, 32);
	ck_assert_uint_eq(m.opt.present & MH_HAS_MNLLI, MH_HAS_MNLLI);
	ck_assert_uint_eq(m.opt.mnlli_len, 0);

	/* The checksum is not the parser's business. */
	buf[4] = 0xde, buf[5] = 0xad;
	ck_assert_int_eq(mh_parse(buf, n, &m, NULL), MH_OK);

	/* An empty MN-ID in a PBA (RFC 5213 5.3.6). */
	parse_composed(BA, "08 01 01", &m);
	ck_assert_uint_eq(m.opt.present, MH_HAS_MNID);
	ck_assert_uint_eq(m.opt.mnid_len, 0);
	ck_assert_uint_eq(m.opt.mnid_subtype, MH_MNID_NAI);
}
END_TEST

/* Variable-size options at their largest. */
START_TEST(largest_options)
{
	uint8_t buf[MH_MAX_LEN];
	struct mh_msg m;
	size_t n;

	/* MN-ID of 254 octets: length 255. */
	memset(buf, 0, sizeof(buf));
	n = compose(BU, "", buf, sizeof(buf)) - 4;
	buf[n++] = MH_OPT_MNID, buf[n++] = 255, buf[n++] = 7;
	memset(buf + n, 'z', MH_MNID_MAX);
	n += MH_MNID_MAX;
	buf[n++] = MH_OPT_PADN, buf[n++] = 1;
	n += 1;
	buf[1] = (uint8_t)(n / 8 - 1);
	ck_assert_uint_eq(n % 8, 0);
	ck_assert_int_eq(mh_parse(buf, n, &m, NULL), MH_OK);
	ck_assert_uint_eq(m.opt.mnid_len, MH_MNID_MAX);
	ck_assert_uint_eq(m.opt.mnid_subtype, 7);
	ck_assert_uint_eq(m.opt.mnid[MH_MNID_MAX - 1], 'z');

	/* VSM with 64 data octets (length 69), MN-LLI of 32 (length 34). */
	memset(buf, 0, sizeof(buf));
	n = compose(BU, "", buf, sizeof(buf)) - 4;
	buf[n++] = MH_OPT_VSM, buf[n++] = 5 + MH_VSM_DATA_MAX;
	n += 5;
	memset(buf + n, 0x77, MH_VSM_DATA_MAX);
	n += MH_VSM_DATA_MAX;
	buf[n++] = MH_OPT_MNLLI, buf[n++] = 2 + MH_MNLLI_MAX;
	n += 2;
	memset(buf + n, 0x66, MH_MNLLI_MAX);
	n += MH_MNLLI_MAX;
	n += (8 - n % 8) % 8;		/* Pad1s: zeros */
	buf[1] = (uint8_t)(n / 8 - 1);
	ck_assert_int_eq(mh_parse(buf, n, &m, NULL), MH_OK);
	ck_assert_uint_eq(m.opt.vsm[0].len, MH_VSM_DATA_MAX);
	ck_assert_uint_eq(m.opt.vsm[0].data[MH_VSM_DATA_MAX - 1], 0x77);
	ck_assert_uint_eq(m.opt.mnlli_len, MH_MNLLI_MAX);
	ck_assert_uint_eq(m.opt.mnlli[MH_MNLLI_MAX - 1], 0x66);
}
END_TEST

/* After an error nothing but the type may be relied on, and a later
 * parse into the same struct starts from zero. */
START_TEST(parse_zeroes)
{
	uint8_t buf[64];
	struct mh_msg m;
	size_t n;

	memset(&m, 0xa5, sizeof(m));
	n = compose(BU, "17 02 00 01", buf, sizeof(buf));
	ck_assert_int_eq(mh_parse(buf, n, &m, NULL), MH_OK);
	ck_assert_uint_eq(m.opt.present, MH_HAS_HI);
	ck_assert_uint_eq(m.opt.n_hnp, 0);
	ck_assert_uint_eq(m.opt.ts, 0);
	ck_assert_uint_eq(m.hb_seq, 0);

	memset(&m, 0xa5, sizeof(m));
	ck_assert_int_eq(mh_parse(buf, 3, &m, NULL), MH_ERR_TRUNCATED);
	ck_assert_uint_eq(m.type, 0);
	ck_assert_uint_eq(m.opt.present, 0);
}
END_TEST

Suite *
mh_malformed_suite(void)
{
	Suite *s = suite_create("mh_malformed");
	TCase *tc = tcase_create("errors");
	TCase *tv = tcase_create("accepted");

	tcase_add_loop_test(tc, malformed_table, 0, N_BAD);
	tcase_add_test(tc, too_big);
	tcase_add_test(tc, too_many);
	suite_add_tcase(s, tc);

	tcase_add_test(tv, unknown_skipped);
	tcase_add_test(tv, misaligned_accepted);
	tcase_add_test(tv, odd_but_valid);
	tcase_add_test(tv, largest_options);
	tcase_add_test(tv, parse_zeroes);
	suite_add_tcase(s, tv);
	return s;
}
