/*
 * mh_gen.c: build one Mobility Header of every kind pmip6 sends, with
 * every mobility option mh.h knows, and write them to a pcap file for
 * tshark and scapy to decode (test/xcheck/xcheck.py).
 *
 * Each message is filled in as a struct mh_msg, encoded with mh_build()
 * (checksum over the IPv6 pseudo-header, RFC 6275 6.1.1) and wrapped in
 * IPv6 inside Ethernet; one more is sent over IPv4-UDP port 5436 with a
 * zero MH checksum (RFC 5844 section 4).  A JSON file beside it lists,
 * per frame, the values that went into the struct, so the checker
 * compares the decoders against our intent rather than against bytes
 * our own parser read back.
 *
 * usage: mh_gen OUT.pcap OUT.json
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mh.h"

#define PCAP_MAGIC 0xa1b2c3d4u
#define LINKTYPE_ETHERNET 1
#define ETH_HLEN 14
#define IP6_HLEN 40
#define IP4_HLEN 20
#define UDP_HLEN 8
#define PMIP6_CNTL_PORT 5436 /* RFC 5844: IPv4-UDP-MH */
#define TS_BASE 1704067200u  /* 2024-01-01T00:00:00Z */
#define FRAME_MAX (ETH_HLEN + IP6_HLEN + MH_MAX_LEN)

enum dir { MAG_TO_LMA, LMA_TO_MAG };
enum link { LINK_IP6, LINK_UDP4 };

struct gen_case {
	const char *name;
	enum dir dir;
	enum link link;
	void (*fill)(struct mh_msg *);
};

static const char *mag_addr = "2001:db8:ff::2"; /* Proxy-CoA */
static const char *lma_addr = "2001:db8:ff::1"; /* LMAA */
static const char *mag_addr4 = "192.0.2.2";
static const char *lma_addr4 = "192.0.2.1";
static const uint8_t mag_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t lma_mac[6] = {0x02, 0, 0, 0, 0, 0x01};

static void die(const char *, const char *) __attribute__((noreturn));

static void
die(const char *what, const char *detail)
{
	fprintf(stderr, "mh_gen: %s: %s\n", what, detail);
	exit(1);
}

static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		die("bad IPv6 address", s);
	return a;
}

static struct in_addr
a4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		die("bad IPv4 address", s);
	return a;
}

/* The helpers of mh.h fill the struct; make sure they stored what we
 * asked, since the expectations are written from the struct. */
static void
set_nai(struct mh_msg *m, const char *nai)
{
	size_t len = strlen(nai);

	if (mh_set_mnid(&m->opt, MH_MNID_NAI, nai, len) != 0)
		die("mh_set_mnid", nai);
	if (!(m->opt.present & MH_HAS_MNID) ||
	    m->opt.mnid_subtype != MH_MNID_NAI || m->opt.mnid_len != len ||
	    memcmp(m->opt.mnid, nai, len) != 0)
		die("mh_set_mnid stored something else for", nai);
}

static void
add_hnp(struct mh_msg *m, const char *prefix, uint8_t len)
{
	struct in6_addr a = a6(prefix);
	unsigned n = m->opt.n_hnp;

	if (mh_add_hnp(&m->opt, &a, len) != 0)
		die("mh_add_hnp", prefix);
	if (m->opt.n_hnp != n + 1 || m->opt.hnp[n].len != len ||
	    memcmp(&m->opt.hnp[n].addr, &a, sizeof(a)) != 0)
		die("mh_add_hnp stored something else for", prefix);
}

static void
set_hi_att(struct mh_msg *m, uint8_t hi, uint8_t att)
{
	m->opt.present |= MH_HAS_HI | MH_HAS_ATT;
	m->opt.hi = hi;
	m->opt.att = att;
}

/* The time a Timestamp option was meant to carry, for the checker to
 * compare with mh_ts_make()'s 48.16 value (RFC 5213 8.8). */
static struct {
	uint64_t sec;
	uint32_t nsec;
} ts_intent;

static void
set_ts(struct mh_msg *m, uint64_t sec, uint32_t nsec)
{
	m->opt.present |= MH_HAS_TS;
	m->opt.ts = mh_ts_make(sec, nsec);
	ts_intent.sec = sec;
	ts_intent.nsec = nsec;
}

static void
set_mnlli(struct mh_msg *m, const uint8_t *id, size_t len)
{
	m->opt.present |= MH_HAS_MNLLI;
	m->opt.mnlli_len = (uint8_t)len;
	memcpy(m->opt.mnlli, id, len);
}

static void
set_gre(struct mh_msg *m, int has_key, uint32_t key)
{
	m->opt.present |= MH_HAS_GRE;
	m->opt.gre_has_key = has_key ? 1 : 0;
	m->opt.gre_key = key;
}

static void
add_vsm(struct mh_msg *m, uint32_t vendor, uint8_t subtype, const char *data)
{
	struct mh_vsm *v = &m->opt.vsm[m->opt.n_vsm++];

	v->vendor = vendor;
	v->subtype = subtype;
	v->len = (uint8_t)strlen(data);
	memcpy(v->data, data, v->len);
}

/* PEN 32473: "Example Enterprise Number for Documentation Use" (RFC 5612);
 * a 3GPP PEN would send Wireshark into its 3GPP sub-dissector. */
#define PEN_EXAMPLE 32473

/* The initial PBU of RFC 5213 6.9.1.1, as in shared/vectors/pbu.pcap. */
static void
fill_pbu_initial(struct mh_msg *m)
{
	m->type = MH_TYPE_BU;
	m->seq = 1;
	m->flags = MH_BU_A | MH_BU_P;
	m->lifetime = 900;
	set_nai(m, "mn1@example.org");
	add_hnp(m, "2001:db8:1::", 64);
	set_hi_att(m, MH_HI_NEW_IF, MH_ATT_80211);
	set_ts(m, TS_BASE, 0);
}

/* Every BU flag, several prefixes (one ALL_ZERO: "assign me one"), and
 * every option a PBU may carry. */
static void
fill_pbu_full(struct mh_msg *m)
{
	static const uint8_t mac[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};

	m->type = MH_TYPE_BU;
	m->seq = 0xfffe;
	m->flags = MH_BU_A | MH_BU_H | MH_BU_L | MH_BU_K | MH_BU_M | MH_BU_R |
		   MH_BU_P | MH_BU_F | MH_BU_T | MH_BU_B;
	m->lifetime = 65535;
	set_nai(m, "user.with.a.longer.name@access.example.net");
	add_hnp(m, "2001:db8:1::", 64);
	add_hnp(m, "2001:db8:2:100::", 56);
	add_hnp(m, "::", 0);
	set_hi_att(m, MH_HI_MAG_HANDOFF, MH_ATT_80216E);
	set_mnlli(m, mac, sizeof(mac));
	m->opt.present |= MH_HAS_LLA | MH_HAS_ALTCOA | MH_HAS_V4HOA_REQ;
	m->opt.lla = a6("::");
	m->opt.altcoa = a6("2001:db8:ff::22");
	m->opt.v4hoa_req_plen = 32;
	m->opt.v4hoa_req = a4("0.0.0.0");
	set_ts(m, TS_BASE + 86400, 500000000);
	set_gre(m, 1, 0xdeadbeef);
	add_vsm(m, PEN_EXAMPLE, 1, "vendor-data");
	add_vsm(m, PEN_EXAMPLE, 200, "");
}

/* De-registration (RFC 5213 6.9.1.4): lifetime 0, HI 4; a keyless GRE
 * Key option (length 2), a 3GPP NB-IoT ATT and an EUI-64 MN-LLI. */
static void
fill_pbu_dereg(struct mh_msg *m)
{
	static const uint8_t eui64[8] = {0x02, 0x11, 0x22, 0xff,
					 0xfe, 0x33, 0x44, 0x55};

	m->type = MH_TYPE_BU;
	m->seq = 3;
	m->flags = MH_BU_A | MH_BU_P | MH_BU_T;
	m->lifetime = 0;
	set_nai(m, "mn1@example.org");
	add_hnp(m, "2001:db8:1::", 64);
	add_hnp(m, "2001:db8:2:100::", 56);
	set_hi_att(m, MH_HI_UNKNOWN, 13);
	set_mnlli(m, eui64, sizeof(eui64));
	set_ts(m, TS_BASE + 3600, 1);
	set_gre(m, 0, 0);
	m->opt.present |= MH_HAS_V4HOA_REQ;
	m->opt.v4hoa_req_plen = 24;
	m->opt.v4hoa_req = a4("10.20.30.40");
}

/* Everything at the limits of struct mh_opts: a 254-octet identifier
 * (Option Length 255), MH_MAX_HNP prefixes, MH_MAX_VSM options of
 * MH_VSM_DATA_MAX octets, an MH_MNLLI_MAX-octet link-layer identifier. */
static void
fill_pbu_limits(struct mh_msg *m)
{
	char id[MH_MNID_MAX + 1], pfx[INET6_ADDRSTRLEN],
	    data[MH_VSM_DATA_MAX + 1];
	uint8_t lli[MH_MNLLI_MAX];
	unsigned i;

	m->type = MH_TYPE_BU;
	m->seq = 0;
	m->flags = MH_BU_A | MH_BU_P;
	m->lifetime = 1;
	memset(id, 'n', MH_MNID_MAX);
	memcpy(id + MH_MNID_MAX - 12, "@example.org", 12);
	id[MH_MNID_MAX] = '\0';
	set_nai(m, id);
	for (i = 0; i < MH_MAX_HNP; i++) {
		snprintf(pfx, sizeof(pfx), "2001:db8:%x::", 0x100 + i);
		add_hnp(m, pfx, (uint8_t)(48 + i));
	}
	set_hi_att(m, MH_HI_UNCHANGED, MH_ATT_VIRTUAL);
	for (i = 0; i < sizeof(lli); i++)
		lli[i] = (uint8_t)(0xa0 + i);
	set_mnlli(m, lli, sizeof(lli));
	for (i = 0; i < MH_MAX_VSM; i++) {
		memset(data, 'a' + (int)i, MH_VSM_DATA_MAX);
		data[MH_VSM_DATA_MAX] = '\0';
		add_vsm(m, PEN_EXAMPLE, (uint8_t)(250 + i), data);
	}
}

/* IPv4 transport (RFC 5844 4): the MH checksum stays 0. */
static void
fill_pbu_udp4(struct mh_msg *m)
{
	m->type = MH_TYPE_BU;
	m->seq = 4;
	m->flags = MH_BU_A | MH_BU_P | MH_BU_F;
	m->lifetime = 300;
	set_nai(m, "mn4@example.org");
	add_hnp(m, "2001:db8:4::", 64);
	set_hi_att(m, MH_HI_NEW_IF, MH_ATT_8023);
	set_ts(m, TS_BASE, 999999999);
	m->opt.present |= MH_HAS_V4HOA_REQ;
	m->opt.v4hoa_req_plen = 0;
	m->opt.v4hoa_req = a4("0.0.0.0");
}

/* Accepting PBA with every option an LMA may return. */
static void
fill_pba_accept(struct mh_msg *m)
{
	static const uint8_t mac[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};

	m->type = MH_TYPE_BA;
	m->status = MH_BA_ACCEPTED;
	m->flags = MH_BA_P | MH_BA_T | MH_BA_B;
	m->seq = 0xfffe;
	m->lifetime = 900;
	m->opt.present |=
	    MH_HAS_REFRESH | MH_HAS_LLA | MH_HAS_V4HOA_REP | MH_HAS_V4DR;
	m->opt.refresh = 675;
	set_nai(m, "user.with.a.longer.name@access.example.net");
	add_hnp(m, "2001:db8:1::", 64);
	add_hnp(m, "2001:db8:2:100::", 56);
	add_hnp(m, "2001:db8:3::", 48);
	set_hi_att(m, 6, 8);
	set_mnlli(m, mac, sizeof(mac));
	m->opt.lla = a6("fe80::200:5eff:fe00:5213");
	set_ts(m, TS_BASE + 86400, 500000000);
	set_gre(m, 1, 0x01020304);
	m->opt.v4hoa_rep_status = 0;
	m->opt.v4hoa_rep_plen = 24;
	m->opt.v4hoa_rep = a4("198.51.100.10");
	m->opt.v4dr = a4("198.51.100.1");
	add_vsm(m, PEN_EXAMPLE, 7, "ab");
}

/* All five BA flags; a status in the 128-150 range. */
static void
fill_pba_130(struct mh_msg *m)
{
	m->type = MH_TYPE_BA;
	m->status = MH_BA_INSUFFICIENT;
	m->flags = MH_BA_K | MH_BA_R | MH_BA_P | MH_BA_T | MH_BA_B;
	m->seq = 5;
	m->lifetime = 0;
	set_nai(m, "mn1@example.org");
	set_ts(m, TS_BASE, 0);
}

/* A status Wireshark 4.0.17 mislabels (protocol.md I.1). */
static void
fill_pba_145(struct mh_msg *m)
{
	m->type = MH_TYPE_BA;
	m->status = 145;
	m->flags = MH_BA_P;
	m->seq = 6;
	set_nai(m, "mn1@example.org");
}

static void
fill_pba_155(struct mh_msg *m)
{
	m->type = MH_TYPE_BA;
	m->status = MH_BA_NOT_AUTHORIZED_FOR_HNP;
	m->flags = MH_BA_P;
	m->seq = 7;
	set_nai(m, "mn1@example.org");
	add_hnp(m, "2001:db8:9::", 64);
	set_hi_att(m, MH_HI_IF_HANDOFF, MH_ATT_PPP);
	set_ts(m, TS_BASE, 0);
}

/* 156: the LMA's PBA carries its own current time (RFC 5213 5.5). */
static void
fill_pba_156(struct mh_msg *m)
{
	m->type = MH_TYPE_BA;
	m->status = MH_BA_TIMESTAMP_MISMATCH;
	m->flags = MH_BA_P;
	m->seq = 8;
	set_nai(m, "mn1@example.org");
	set_ts(m, 0xffffffffffffull, 0); /* last 48-bit second */
}

/* RFC 5213 5.3.6: the reject for a PBU without MN-ID carries an MN-ID
 * option with an empty identifier. */
static void
fill_pba_160(struct mh_msg *m)
{
	m->type = MH_TYPE_BA;
	m->status = MH_BA_MISSING_MNID;
	m->flags = MH_BA_P;
	m->seq = 12;
	m->opt.present |= MH_HAS_MNID;
	m->opt.mnid_subtype = MH_MNID_NAI;
	m->opt.mnid_len = 0;
	add_hnp(m, "2001:db8:1::", 64);
}

static void
fill_pba_163(struct mh_msg *m)
{
	m->type = MH_TYPE_BA;
	m->status = MH_BA_GRE_KEY_REQUIRED;
	m->flags = MH_BA_P | MH_BA_T;
	m->seq = 9;
	set_nai(m, "mn1@example.org");
	set_gre(m, 0, 0);
}

/* A failing IPv4 HoA Reply (status 132), mislabelled by WS (I.3). */
static void
fill_pba_171(struct mh_msg *m)
{
	m->type = MH_TYPE_BA;
	m->status = MH_BA_NOT_AUTHORIZED_V4_HOA;
	m->flags = MH_BA_P;
	m->seq = 10;
	set_nai(m, "mn1@example.org");
	m->opt.present |= MH_HAS_V4HOA_REP;
	m->opt.v4hoa_rep_status = 132;
	m->opt.v4hoa_rep_plen = 32;
	m->opt.v4hoa_rep = a4("0.0.0.0");
}

static void
fill_pba_174(struct mh_msg *m)
{
	m->type = MH_TYPE_BA;
	m->status = MH_BA_INVALID_COA;
	m->flags = MH_BA_P;
	m->seq = 11;
	m->opt.present |= MH_HAS_ALTCOA;
	m->opt.altcoa = a6("2001:db8:ff::99");
}

static void
fill_be(struct mh_msg *m)
{
	m->type = MH_TYPE_BE;
	m->status = MH_BE_UNKNOWN_TYPE;
	m->be_home = a6("2001:db8:1::abcd");
}

static void
fill_be_1(struct mh_msg *m)
{
	m->type = MH_TYPE_BE;
	m->status = MH_BE_UNKNOWN_BINDING;
	m->be_home = a6("::");
}

static void
fill_hb_request(struct mh_msg *m)
{
	m->type = MH_TYPE_HB;
	m->flags = 0;
	m->hb_seq = 16;
}

static void
fill_hb_response(struct mh_msg *m)
{
	m->type = MH_TYPE_HB;
	m->flags = MH_HB_R;
	m->hb_seq = 16;
	m->opt.present |= MH_HAS_RESTART;
	m->opt.restart = 3;
}

static void
fill_hb_unsolicited(struct mh_msg *m)
{
	m->type = MH_TYPE_HB;
	m->flags = MH_HB_U | MH_HB_R;
	m->hb_seq = 0xfffffffeu;
	m->opt.present |= MH_HAS_RESTART;
	m->opt.restart = 0xdeadbeefu;
}

/* Per-MN revocation, as in shared/vectors/bri.pcap. */
static void
fill_bri_mn(struct mh_msg *m)
{
	m->type = MH_TYPE_BR;
	m->br_type = MH_BR_INDICATION;
	m->trigger = MH_BRT_ADMIN;
	m->seq = 7;
	m->flags = MH_BR_P;
	add_hnp(m, "2001:db8:1::", 64);
	set_nai(m, "mn1@example.org");
}

static void
fill_bri_global(struct mh_msg *m)
{
	m->type = MH_TYPE_BR;
	m->br_type = MH_BR_INDICATION;
	m->trigger = MH_BRT_PER_PEER_POLICY;
	m->seq = 8;
	m->flags = MH_BR_P | MH_BR_G;
}

/* An 8-octet NAI makes the MH end at offset 23: one Pad1 of trailing
 * padding whatever order the builder picks. */
static void
fill_bri_v4(struct mh_msg *m)
{
	m->type = MH_TYPE_BR;
	m->br_type = MH_BR_INDICATION;
	m->trigger = MH_BRT_HANDOVER_DIFF_ATT;
	m->seq = 0xffff;
	m->flags = MH_BR_P | MH_BR_V;
	set_nai(m, "a@b.test");
}

static void
fill_bra_success(struct mh_msg *m)
{
	m->type = MH_TYPE_BR;
	m->br_type = MH_BR_ACK;
	m->status = MH_BRA_SUCCESS;
	m->seq = 7;
	m->flags = MH_BR_P;
}

static void
fill_bra_partial(struct mh_msg *m)
{
	m->type = MH_TYPE_BR;
	m->br_type = MH_BR_ACK;
	m->status = MH_BRA_PARTIAL;
	m->seq = 0xffff;
	m->flags = MH_BR_P | MH_BR_V | MH_BR_G;
	set_nai(m, "mn2@example.org");
}

static void
fill_bra_132(struct mh_msg *m)
{
	m->type = MH_TYPE_BR;
	m->br_type = MH_BR_ACK;
	m->status = MH_BRA_MN_ATTACHED;
	m->seq = 8;
	m->flags = MH_BR_P | MH_BR_G;
}

static const struct gen_case cases[] = {
    {"pbu_initial", MAG_TO_LMA, LINK_IP6, fill_pbu_initial},
    {"pbu_full", MAG_TO_LMA, LINK_IP6, fill_pbu_full},
    {"pbu_dereg", MAG_TO_LMA, LINK_IP6, fill_pbu_dereg},
    {"pbu_limits", MAG_TO_LMA, LINK_IP6, fill_pbu_limits},
    {"pbu_udp4", MAG_TO_LMA, LINK_UDP4, fill_pbu_udp4},
    {"pba_accept", LMA_TO_MAG, LINK_IP6, fill_pba_accept},
    {"pba_130", LMA_TO_MAG, LINK_IP6, fill_pba_130},
    {"pba_145", LMA_TO_MAG, LINK_IP6, fill_pba_145},
    {"pba_155", LMA_TO_MAG, LINK_IP6, fill_pba_155},
    {"pba_156", LMA_TO_MAG, LINK_IP6, fill_pba_156},
    {"pba_160", LMA_TO_MAG, LINK_IP6, fill_pba_160},
    {"pba_163", LMA_TO_MAG, LINK_IP6, fill_pba_163},
    {"pba_171", LMA_TO_MAG, LINK_IP6, fill_pba_171},
    {"pba_174", LMA_TO_MAG, LINK_IP6, fill_pba_174},
    {"be_type", LMA_TO_MAG, LINK_IP6, fill_be},
    {"be_binding", LMA_TO_MAG, LINK_IP6, fill_be_1},
    {"hb_request", MAG_TO_LMA, LINK_IP6, fill_hb_request},
    {"hb_response", LMA_TO_MAG, LINK_IP6, fill_hb_response},
    {"hb_unsolicited", LMA_TO_MAG, LINK_IP6, fill_hb_unsolicited},
    {"bri_mn", LMA_TO_MAG, LINK_IP6, fill_bri_mn},
    {"bri_global", LMA_TO_MAG, LINK_IP6, fill_bri_global},
    {"bri_v4", LMA_TO_MAG, LINK_IP6, fill_bri_v4},
    {"bra_success", MAG_TO_LMA, LINK_IP6, fill_bra_success},
    {"bra_partial", MAG_TO_LMA, LINK_IP6, fill_bra_partial},
    {"bra_132", MAG_TO_LMA, LINK_IP6, fill_bra_132},
};

/* ---- output helpers: little-endian pcap, big-endian wire ---- */

static void
put16be(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32le(FILE *f, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			(uint8_t)(v >> 24)};

	if (fwrite(b, 1, sizeof(b), f) != sizeof(b))
		die("write", "pcap");
}

static void
put16le(FILE *f, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	if (fwrite(b, 1, sizeof(b), f) != sizeof(b))
		die("write", "pcap");
}

static void
pcap_header(FILE *f)
{
	put32le(f, PCAP_MAGIC);
	put16le(f, 2); /* version 2.4 */
	put16le(f, 4);
	put32le(f, 0);	   /* thiszone */
	put32le(f, 0);	   /* sigfigs */
	put32le(f, 65535); /* snaplen */
	put32le(f, LINKTYPE_ETHERNET);
}

static void
pcap_record(FILE *f, uint32_t sec, const uint8_t *frame, size_t len)
{
	put32le(f, sec);
	put32le(f, 0);
	put32le(f, (uint32_t)len);
	put32le(f, (uint32_t)len);
	if (fwrite(frame, 1, len, f) != len)
		die("write", "pcap");
}

/* Internet checksum (RFC 1071) over a few pieces. */
static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t
frame_ip6(uint8_t *fr, const struct in6_addr *src, const struct in6_addr *dst,
	  const uint8_t *mh, size_t mhlen)
{
	uint8_t *ip = fr + ETH_HLEN;

	put16be(fr + 12, 0x86dd);
	memset(ip, 0, IP6_HLEN);
	ip[0] = 0x60;
	put16be(ip + 4, (uint16_t)mhlen);
	ip[6] = MH_PROTO;
	ip[7] = 64;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	memcpy(ip + IP6_HLEN, mh, mhlen);
	return ETH_HLEN + IP6_HLEN + mhlen;
}

static size_t
frame_udp4(uint8_t *fr, const struct in_addr *src, const struct in_addr *dst,
	   const uint8_t *mh, size_t mhlen)
{
	uint8_t *ip = fr + ETH_HLEN, *udp = ip + IP4_HLEN, ph[12];
	size_t ulen = UDP_HLEN + mhlen;
	uint16_t c;

	put16be(fr + 12, 0x0800);
	memset(ip, 0, IP4_HLEN + UDP_HLEN);
	ip[0] = 0x45;
	put16be(ip + 2, (uint16_t)(IP4_HLEN + ulen));
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put16be(ip + 10, fold(sum16(0, ip, IP4_HLEN)));

	put16be(udp, PMIP6_CNTL_PORT);
	put16be(udp + 2, PMIP6_CNTL_PORT);
	put16be(udp + 4, (uint16_t)ulen);
	memcpy(udp + UDP_HLEN, mh, mhlen);
	memcpy(ph, src, 4);
	memcpy(ph + 4, dst, 4);
	ph[8] = 0;
	ph[9] = IPPROTO_UDP;
	put16be(ph + 10, (uint16_t)ulen);
	c = fold(sum16(sum16(0, ph, sizeof(ph)), udp, ulen));
	put16be(udp + 6, c ? c : 0xffff);
	return ETH_HLEN + IP4_HLEN + ulen;
}

/* ---- the expectation file ---- */

static void
j_hex(FILE *f, const char *key, const uint8_t *p, size_t len)
{
	size_t i;

	fprintf(f, ", \"%s\": \"", key);
	for (i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
	fputc('"', f);
}

static void
j_a6(FILE *f, const char *key, const struct in6_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, s, sizeof(s));
	fprintf(f, ", \"%s\": \"%s\"", key, s);
}

static void
j_a4(FILE *f, const char *key, const struct in_addr *a)
{
	char s[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, a, s, sizeof(s));
	fprintf(f, ", \"%s\": \"%s\"", key, s);
}

static void
j_uint(FILE *f, const char *key, unsigned long long v)
{
	fprintf(f, ", \"%s\": %llu", key, v);
}

/* Options in the order of struct mh_opts, not wire order: the checker
 * matches them by type. */
static void
j_options(FILE *f, const struct mh_opts *o)
{
	const char *sep = "";
	unsigned i;

#define OPT_OPEN(t)                                                            \
	do {                                                                   \
		fprintf(f, "%s\n    {\"type\": %d", sep, (t));                 \
		sep = ",";                                                     \
	} while (0)
#define OPT_CLOSE() fputc('}', f)

	fputs(", \"options\": [", f);
	if (o->present & MH_HAS_REFRESH) {
		OPT_OPEN(MH_OPT_REFRESH);
		j_uint(f, "interval", o->refresh);
		OPT_CLOSE();
	}
	if (o->present & MH_HAS_ALTCOA) {
		OPT_OPEN(MH_OPT_ALTCOA);
		j_a6(f, "addr", &o->altcoa);
		OPT_CLOSE();
	}
	if (o->present & MH_HAS_MNID) {
		OPT_OPEN(MH_OPT_MNID);
		j_uint(f, "subtype", o->mnid_subtype);
		j_hex(f, "id", o->mnid, o->mnid_len);
		OPT_CLOSE();
	}
	for (i = 0; i < o->n_vsm; i++) {
		OPT_OPEN(MH_OPT_VSM);
		j_uint(f, "vendor", o->vsm[i].vendor);
		j_uint(f, "subtype", o->vsm[i].subtype);
		j_hex(f, "data", o->vsm[i].data, o->vsm[i].len);
		OPT_CLOSE();
	}
	for (i = 0; i < o->n_hnp; i++) {
		OPT_OPEN(MH_OPT_HNP);
		j_uint(f, "plen", o->hnp[i].len);
		j_a6(f, "prefix", &o->hnp[i].addr);
		OPT_CLOSE();
	}
	if (o->present & MH_HAS_HI) {
		OPT_OPEN(MH_OPT_HI);
		j_uint(f, "hi", o->hi);
		OPT_CLOSE();
	}
	if (o->present & MH_HAS_ATT) {
		OPT_OPEN(MH_OPT_ATT);
		j_uint(f, "att", o->att);
		OPT_CLOSE();
	}
	if (o->present & MH_HAS_MNLLI) {
		OPT_OPEN(MH_OPT_MNLLI);
		j_hex(f, "lli", o->mnlli, o->mnlli_len);
		OPT_CLOSE();
	}
	if (o->present & MH_HAS_LLA) {
		OPT_OPEN(MH_OPT_LLA);
		j_a6(f, "addr", &o->lla);
		OPT_CLOSE();
	}
	if (o->present & MH_HAS_TS) {
		OPT_OPEN(MH_OPT_TS);
		j_uint(f, "sec", o->ts >> 16);
		j_uint(f, "frac", o->ts & 0xffff);
		j_uint(f, "want_sec", ts_intent.sec);
		j_uint(f, "want_nsec", ts_intent.nsec);
		OPT_CLOSE();
	}
	if (o->present & MH_HAS_RESTART) {
		OPT_OPEN(MH_OPT_RESTART);
		j_uint(f, "counter", o->restart);
		OPT_CLOSE();
	}
	if (o->present & MH_HAS_GRE) {
		OPT_OPEN(MH_OPT_GRE);
		j_uint(f, "has_key", o->gre_has_key ? 1 : 0);
		if (o->gre_has_key)
			j_uint(f, "key", o->gre_key);
		OPT_CLOSE();
	}
	if (o->present & MH_HAS_V4HOA_REQ) {
		OPT_OPEN(MH_OPT_V4HOA_REQ);
		j_uint(f, "plen", o->v4hoa_req_plen);
		j_a4(f, "addr", &o->v4hoa_req);
		OPT_CLOSE();
	}
	if (o->present & MH_HAS_V4HOA_REP) {
		OPT_OPEN(MH_OPT_V4HOA_REP);
		j_uint(f, "status", o->v4hoa_rep_status);
		j_uint(f, "plen", o->v4hoa_rep_plen);
		j_a4(f, "addr", &o->v4hoa_rep);
		OPT_CLOSE();
	}
	if (o->present & MH_HAS_V4DR) {
		OPT_OPEN(MH_OPT_V4DR);
		j_a4(f, "addr", &o->v4dr);
		OPT_CLOSE();
	}
	fputs("]", f);
#undef OPT_OPEN
#undef OPT_CLOSE
}

static void
j_frame(FILE *f, const struct gen_case *c, const struct mh_msg *m,
	const char *src, const char *dst, size_t mhlen, int first)
{
	fprintf(
	    f,
	    "%s\n  {\"name\": \"%s\", \"link\": \"%s\", "
	    "\"src\": \"%s\", \"dst\": \"%s\", \"mh_len\": %zu, \"type\": %u",
	    first ? "" : ",", c->name, c->link == LINK_IP6 ? "ip6" : "udp4",
	    src, dst, mhlen, m->type);
	switch (m->type) {
	case MH_TYPE_BU:
		j_uint(f, "seq", m->seq);
		j_uint(f, "flags", m->flags);
		j_uint(f, "lifetime", m->lifetime);
		break;
	case MH_TYPE_BA:
		j_uint(f, "status", m->status);
		j_uint(f, "flags", m->flags);
		j_uint(f, "seq", m->seq);
		j_uint(f, "lifetime", m->lifetime);
		break;
	case MH_TYPE_BE:
		j_uint(f, "status", m->status);
		j_a6(f, "home", &m->be_home);
		break;
	case MH_TYPE_HB:
		j_uint(f, "flags", m->flags);
		j_uint(f, "hb_seq", m->hb_seq);
		break;
	case MH_TYPE_BR:
		j_uint(f, "br_type", m->br_type);
		if (m->br_type == MH_BR_INDICATION)
			j_uint(f, "trigger", m->trigger);
		else
			j_uint(f, "status", m->status);
		j_uint(f, "seq", m->seq);
		j_uint(f, "flags", m->flags);
		break;
	default:
		break;
	}
	j_options(f, &m->opt);
	fputs("}", f);
}

int
main(int argc, char **argv)
{
	static uint8_t mh[MH_MAX_LEN], fr[FRAME_MAX + IP4_HLEN + UDP_HLEN];
	FILE *pf, *jf;
	size_t i, mhlen, frlen;
	enum mh_err e;

	if (argc != 3) {
		fprintf(stderr, "usage: mh_gen OUT.pcap OUT.json\n");
		return 2;
	}
	if ((pf = fopen(argv[1], "wb")) == NULL)
		die("cannot create", argv[1]);
	if ((jf = fopen(argv[2], "w")) == NULL)
		die("cannot create", argv[2]);
	pcap_header(pf);
	fputs("{\"generator\": \"pmip6 test/xcheck/mh_gen\", \"frames\": [",
	      jf);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct gen_case *c = &cases[i];
		int up = c->dir == MAG_TO_LMA;
		struct mh_msg m;

		memset(&m, 0, sizeof(m));
		memset(&ts_intent, 0, sizeof(ts_intent));
		c->fill(&m);
		memset(fr, 0, sizeof(fr));
		memcpy(fr, up ? lma_mac : mag_mac, 6);
		memcpy(fr + 6, up ? mag_mac : lma_mac, 6);
		if (c->link == LINK_IP6) {
			struct in6_addr s = a6(up ? mag_addr : lma_addr);
			struct in6_addr d = a6(up ? lma_addr : mag_addr);

			e = mh_build(&m, &s, &d, mh, sizeof(mh), &mhlen);
			if (e != MH_OK)
				die(c->name, mh_strerror(e));
			frlen = frame_ip6(fr, &s, &d, mh, mhlen);
		} else {
			struct in_addr s = a4(up ? mag_addr4 : lma_addr4);
			struct in_addr d = a4(up ? lma_addr4 : mag_addr4);

			e = mh_build(&m, NULL, NULL, mh, sizeof(mh), &mhlen);
			if (e != MH_OK)
				die(c->name, mh_strerror(e));
			frlen = frame_udp4(fr, &s, &d, mh, mhlen);
		}
		pcap_record(pf, TS_BASE + (uint32_t)i, fr, frlen);
		j_frame(jf, c, &m,
			c->link == LINK_IP6 ? (up ? mag_addr : lma_addr)
					    : (up ? mag_addr4 : lma_addr4),
			c->link == LINK_IP6 ? (up ? lma_addr : mag_addr)
					    : (up ? lma_addr4 : mag_addr4),
			mhlen, i == 0);
	}
	fputs("\n]}\n", jf);
	if (fclose(pf) != 0)
		die("close", argv[1]);
	if (fclose(jf) != 0)
		die("close", argv[2]);
	return 0;
}
