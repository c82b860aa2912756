/*
 * check_link.c: unit tests for the MAG access-link module (mag/link_*):
 * Router Advertisement bytes against reference vectors (RFC 4861 4.2,
 * 4.6.1, 4.6.2, 4.6.4) with the checksum recomputed here; RS and NS
 * validation (RFC 4861 6.1.1, 7.1.1); the probe, NA and echo builders;
 * the packet socket's BPF program, run by the kernel on a socketpair;
 * and the MAC table (mn_seen once per hold-off, track, untrack, ignore,
 * the per-link budget) and neighbour probing under a driven clock.
 *
 * The RA and ND vectors were produced with scapy 2.5.0 (ICMPv6ND_RA
 * with prf=0, ICMPv6NDOpt*), not with this code.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "link_int.h"
#include "log.h"
#include "loop.h"

static const uint8_t RMAC[6] = { 0x00, 0x00, 0x5e, 0x00, 0x52, 0x13 };
static const uint8_t MN_A[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t MN_B[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t GROUP_MAC[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const struct in6_addr FE80_2 = { .s6_addr = { 0xfe, 0x80, [15] = 2 } };
static const struct in6_addr DB8_B = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8,
    [15] = 0x0b } };
static const struct in6_addr ALL_NODES = { .s6_addr = { 0xff, 0x02,
    [15] = 1 } };
static const struct in6_addr ROUTER_LL = { .s6_addr = { 0xfe, 0x80,
    [8] = 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x52, 0x13 } };

static struct in6_addr
A6(const char *s)
{
	struct in6_addr a;

	ck_assert_int_eq(addr6_parse(s, &a), 0);
	return a;
}

/*
 * The checksum again, written differently from link_ra.c: 32-bit words
 * into a 64-bit accumulator, folded once at the end.
 */
static uint16_t
ref_sum(const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *m, size_t len)
{
	uint8_t buf[2048];
	uint64_t acc = 0;
	size_t i, n;

	ck_assert_uint_le(len + 40, sizeof(buf) - 4);
	memset(buf, 0, sizeof(buf));
	memcpy(buf, src, 16);
	memcpy(buf + 16, dst, 16);
	buf[32] = (uint8_t)(len >> 24);
	buf[33] = (uint8_t)(len >> 16);
	buf[34] = (uint8_t)(len >> 8);
	buf[35] = (uint8_t)len;
	buf[39] = 58;
	memcpy(buf + 40, m, len);
	n = (40 + len + 3) / 4;
	for (i = 0; i < n; i++)
		acc += (uint64_t)buf[4 * i] << 24 |
		    (uint64_t)buf[4 * i + 1] << 16 |
		    (uint64_t)buf[4 * i + 2] << 8 | buf[4 * i + 3];
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/* Non-zero if m's checksum is right by the reference sum. */
static int
ref_ok(const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *m, size_t len)
{
	return ref_sum(src, dst, m, len) == 0xffff;
}

/* --- Router Advertisement vectors ----------------------------------- */

/* 1: one prefix, MTU, default flags, to a link-local unicast address. */
static const uint8_t ra_v1[] = {
	0x86, 0x00, 0x5f, 0xad,		/* type 134, code 0, checksum */
	0x40, 0x00, 0x07, 0x08,		/* hop limit 64, M=O=0, 1800 s */
	0x00, 0x00, 0x00, 0x00,		/* reachable time 0 */
	0x00, 0x00, 0x00, 0x00,		/* retrans timer 0 */
	0x01, 0x01, 0x00, 0x00, 0x5e, 0x00, 0x52, 0x13, /* SLLAO */
	0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05, 0xb4, /* MTU 1460 */
	0x03, 0x04, 0x40, 0xc0,		/* PIO, /64, L=1 A=1 */
	0x00, 0x00, 0x0e, 0x10,		/* valid 3600 */
	0x00, 0x00, 0x07, 0x08,		/* preferred 1800 */
	0x00, 0x00, 0x00, 0x00,		/* reserved */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,	/* 2001:db8:1:: */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* 2: three prefixes, M=1 O=1, no MTU option, to ff02::1. */
static const uint8_t ra_v2[] = {
	0x86, 0x00, 0x6a, 0x71,		/* type, code, checksum */
	0x20, 0xc0, 0x03, 0x84,		/* hop limit 32, M=1 O=1, 900 s */
	0x00, 0x00, 0x75, 0x30,		/* reachable 30000 ms */
	0x00, 0x00, 0x03, 0xe8,		/* retrans 1000 ms */
	0x01, 0x01, 0x00, 0x00, 0x5e, 0x00, 0x52, 0x13, /* SLLAO */
	0x03, 0x04, 0x40, 0xc0,		/* PIO /64 */
	0x00, 0x00, 0x1c, 0x20, 0x00, 0x00, 0x0e, 0x10,	/* 7200, 3600 */
	0x00, 0x00, 0x00, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,	/* 2001:db8:1:: */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x04, 0x38, 0xc0,		/* PIO /56 */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* infinity */
	0x00, 0x00, 0x00, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0xff, 0x00, 0x00, 0x00,	/* 2001:db8:ff00:: */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x04, 0x30, 0xc0,		/* PIO /48 */
	0x00, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x1e,	/* 60, 30 */
	0x00, 0x00, 0x00, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0xab, 0xcd, 0x00, 0x00,	/* 2001:db8:abcd:: */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* 3: withdrawal, router lifetime 0 and the prefix at 0/0. */
static const uint8_t ra_v3[] = {
	0x86, 0x00, 0x7b, 0xa5,
	0x40, 0x00, 0x00, 0x00,		/* hop limit 64, router lifetime 0 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x00, 0x00, 0x5e, 0x00, 0x52, 0x13,
	0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05, 0xdc, /* MTU 1500 */
	0x03, 0x04, 0x40, 0xc0,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* valid 0, pref 0 */
	0x00, 0x00, 0x00, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static struct mag_ra_prefix
PFX(const char *s, uint32_t valid, uint32_t pref)
{
	struct mag_ra_prefix p;

	ck_assert_int_eq(prefix6_parse_loose(s, &p.prefix), 0);
	p.valid_lifetime = valid;
	p.preferred_lifetime = pref;
	return p;
}

START_TEST(ra_one_prefix)
{
	struct in6_addr src = A6(MAG_LINK_DEFAULT_LLADDR);
	struct in6_addr dst = A6("fe80::1234:5678:9abc:def0");
	struct mag_ra_prefix p = PFX("2001:db8:1::/64", 3600, 1800);
	struct mag_ra ra;
	uint8_t buf[256];
	size_t n;

	mag_ra_init(&ra);
	ck_assert_uint_eq(ra.cur_hop_limit, 64);
	ck_assert_uint_eq(ra.router_lifetime, 1800);
	ra.mtu = 1460;
	ra.prefixes = &p;
	ra.nprefixes = 1;
	n = mag_link_ra_build(&ra, RMAC, &src, &dst, buf, sizeof(buf));
	ck_assert_uint_eq(n, sizeof(ra_v1));
	ck_assert_uint_eq(n, MAG_RA_LEN(1));
	ck_assert_mem_eq(buf, ra_v1, n);
	ck_assert(ref_ok(&src, &dst, buf, n));
	ck_assert(link_csum6_ok(&src, &dst, 58, buf, n));
	/* The checksum covers the destination: another one breaks it. */
	dst = A6("fe80::1");
	ck_assert(!ref_ok(&src, &dst, buf, n));
}
END_TEST

START_TEST(ra_several_prefixes)
{
	struct in6_addr src = A6(MAG_LINK_DEFAULT_LLADDR);
	struct in6_addr dst = A6("ff02::1");
	struct mag_ra_prefix p[3];
	struct mag_ra ra;
	uint8_t buf[256];
	size_t n;

	p[0] = PFX("2001:db8:1::/64", 7200, 3600);
	p[1] = PFX("2001:db8:ff00::/56", 0xffffffff, 0xffffffff);
	/* Host bits are cleared on the wire (RFC 4861 4.6.2). */
	p[2] = PFX("2001:db8:abcd::77/48", 60, 30);
	mag_ra_init(&ra);
	ra.cur_hop_limit = 32;
	ra.managed = 1;
	ra.other = 1;
	ra.router_lifetime = 900;
	ra.reachable_time = 30000;
	ra.retrans_timer = 1000;
	ra.prefixes = p;
	ra.nprefixes = 3;
	n = mag_link_ra_build(&ra, RMAC, &src, &dst, buf, sizeof(buf));
	ck_assert_uint_eq(n, sizeof(ra_v2));
	ck_assert_uint_eq(n, MAG_RA_LEN(3) - 8);
	ck_assert_mem_eq(buf, ra_v2, n);
	ck_assert(ref_ok(&src, &dst, buf, n));
	/* M alone, then O alone. */
	ra.other = 0;
	n = mag_link_ra_build(&ra, RMAC, &src, &dst, buf, sizeof(buf));
	ck_assert_uint_eq(buf[5], 0x80);
	ck_assert(ref_ok(&src, &dst, buf, n));
	ra.managed = 0;
	ra.other = 1;
	n = mag_link_ra_build(&ra, RMAC, &src, &dst, buf, sizeof(buf));
	ck_assert_uint_eq(buf[5], 0x40);
	ck_assert(ref_ok(&src, &dst, buf, n));
}
END_TEST

START_TEST(ra_withdrawal)
{
	struct in6_addr src = A6(MAG_LINK_DEFAULT_LLADDR);
	struct in6_addr dst = A6("fe80::1234:5678:9abc:def0");
	struct mag_ra_prefix p = PFX("2001:db8:1::/64", 0, 0);
	struct mag_ra ra;
	uint8_t buf[256];
	size_t n;

	mag_ra_init(&ra);
	ra.router_lifetime = 0;
	ra.mtu = 1500;
	ra.prefixes = &p;
	ra.nprefixes = 1;
	n = mag_link_ra_build(&ra, RMAC, &src, &dst, buf, sizeof(buf));
	ck_assert_uint_eq(n, sizeof(ra_v3));
	ck_assert_mem_eq(buf, ra_v3, n);
	ck_assert(ref_ok(&src, &dst, buf, n));
}
END_TEST

START_TEST(ra_limits)
{
	struct in6_addr src = A6(MAG_LINK_DEFAULT_LLADDR);
	struct in6_addr dst = A6("ff02::1");
	struct mag_ra_prefix p = PFX("2001:db8:1::/64", 100, 500);
	struct mag_ra ra;
	uint8_t buf[256];
	size_t n;

	mag_ra_init(&ra);
	ra.prefixes = &p;
	ra.nprefixes = 1;
	/* Exactly enough room, then one byte short. */
	n = mag_link_ra_build(&ra, RMAC, &src, &dst, buf, MAG_RA_LEN(1) - 8);
	ck_assert_uint_eq(n, MAG_RA_LEN(1) - 8);
	ck_assert_uint_eq(mag_link_ra_build(&ra, RMAC, &src, &dst, buf,
	    MAG_RA_LEN(1) - 9), 0);
	/* Preferred above valid is cut to valid (RFC 4862 5.5.3 c). */
	ck_assert_mem_eq(buf + 24 + 4, "\x00\x00\x00\x64\x00\x00\x00\x64", 8);
	ck_assert(ref_ok(&src, &dst, buf, n));
	/* No prefixes at all: a bare RA with the SLLAO. */
	ra.nprefixes = 0;
	ck_assert_uint_eq(mag_link_ra_build(&ra, RMAC, &src, &dst, buf,
	    sizeof(buf)), 24);
	ck_assert(ref_ok(&src, &dst, buf, 24));
	p.prefix.len = 129;
	ra.nprefixes = 1;
	ck_assert_uint_eq(mag_link_ra_build(&ra, RMAC, &src, &dst, buf,
	    sizeof(buf)), 0);
	ra.nprefixes = 100000;
	ck_assert_uint_eq(mag_link_ra_build(&ra, RMAC, &src, &dst, buf,
	    sizeof(buf)), 0);
}
END_TEST

START_TEST(csum_odd_and_zero)
{
	struct in6_addr a = A6("fe80::1"), b = A6("fe80::2");
	uint8_t m[5] = { 0x80, 0, 0, 0, 0x7f };
	uint16_t c;

	c = link_csum6(&a, &b, 58, m, sizeof(m));
	m[2] = (uint8_t)(c >> 8);
	m[3] = (uint8_t)c;
	ck_assert(ref_ok(&a, &b, m, sizeof(m)));
	ck_assert(link_csum6_ok(&a, &b, 58, m, sizeof(m)));
	m[4] ^= 1;
	ck_assert(!link_csum6_ok(&a, &b, 58, m, sizeof(m)));
}
END_TEST

/* --- Frames: parse, validate, build ------------------------------- */

/* An RS with SLLAO from fe80::2 (02:00:00:00:00:0a) to ff02::2. */
static const uint8_t rs_frame[] = {
	0x33, 0x33, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x3a, 0xff,	/* plen 16, hlim 255 */
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	0x85, 0x00, 0x7a, 0x22, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
};

/* DAD probe for fe80::2: from ::, to its solicited-node group. */
static const uint8_t dad_frame[] = {
	0x33, 0x33, 0xff, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x3a, 0xff,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, 0x00, 0x00, 0x02,
	0x87, 0x00, 0x7c, 0x23, 0x00, 0x00, 0x00, 0x00,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
};

/* Our NUD probe to fe80::2 and our NA to it, as scapy builds them. */
static const uint8_t ns_probe_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x5e, 0x00, 0x52, 0x13,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,
	0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x52, 0x13,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	0x87, 0x00, 0x1a, 0xf6, 0x00, 0x00, 0x00, 0x00,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	0x01, 0x01, 0x00, 0x00, 0x5e, 0x00, 0x52, 0x13,
};

static const uint8_t na_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x5e, 0x00, 0x52, 0x13,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,
	0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x52, 0x13,
	0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
	0x88, 0x00, 0x87, 0xe3, 0xe0, 0x00, 0x00, 0x00,	/* R S O */
	0xfe, 0x80, 0, 0, 0, 0, 0, 0,
	0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x52, 0x13,
	0x02, 0x01, 0x00, 0x00, 0x5e, 0x00, 0x52, 0x13,
};

/* Recomputes the ICMPv6 checksum of a frame after a test edits it. */
static void
refix(uint8_t *f, size_t len)
{
	struct in6_addr s, d;
	uint16_t c;

	memcpy(&s, f + 22, 16);
	memcpy(&d, f + 38, 16);
	f[56] = f[57] = 0;
	c = link_csum6(&s, &d, 58, f + 54, len - 54);
	f[56] = (uint8_t)(c >> 8);
	f[57] = (uint8_t)c;
}

START_TEST(parse_rs)
{
	uint8_t f[sizeof(rs_frame)];
	struct link_pkt p;

	ck_assert_int_eq(link_parse(rs_frame, sizeof(rs_frame),
	    sizeof(rs_frame), &p), 0);
	ck_assert_int_eq(p.nd, LINK_ND_RS);
	ck_assert_mem_eq(p.src_mac, MN_A, 6);
	ck_assert(p.ipv6);
	ck_assert(addr6_eq(&p.src, &FE80_2));
	/* Truncated capture: cannot be checked, so not an RS. */
	link_parse(rs_frame, sizeof(rs_frame) - 1, sizeof(rs_frame), &p);
	ck_assert_int_eq(p.nd, LINK_ND_INVALID);
	/* Hop limit below 255: forwarded from elsewhere. */
	memcpy(f, rs_frame, sizeof(f));
	f[21] = 254;
	link_parse(f, sizeof(f), sizeof(f), &p);
	ck_assert_int_eq(p.nd, LINK_ND_INVALID);
	/* Bad checksum. */
	memcpy(f, rs_frame, sizeof(f));
	f[57] ^= 1;
	link_parse(f, sizeof(f), sizeof(f), &p);
	ck_assert_int_eq(p.nd, LINK_ND_INVALID);
	/* Code 1. */
	memcpy(f, rs_frame, sizeof(f));
	f[55] = 1;
	refix(f, sizeof(f));
	link_parse(f, sizeof(f), sizeof(f), &p);
	ck_assert_int_eq(p.nd, LINK_ND_INVALID);
	/* Zero-length option. */
	memcpy(f, rs_frame, sizeof(f));
	f[63] = 0;
	refix(f, sizeof(f));
	link_parse(f, sizeof(f), sizeof(f), &p);
	ck_assert_int_eq(p.nd, LINK_ND_INVALID);
	/* Unspecified source with an SLLAO. */
	memcpy(f, rs_frame, sizeof(f));
	memset(f + 22, 0, 16);
	refix(f, sizeof(f));
	link_parse(f, sizeof(f), sizeof(f), &p);
	ck_assert_int_eq(p.nd, LINK_ND_INVALID);
	/* Unspecified source without options is fine. */
	memcpy(f, rs_frame, sizeof(f));
	memset(f + 22, 0, 16);
	f[19] = 8;
	refix(f, sizeof(f) - 8);
	link_parse(f, sizeof(f) - 8, sizeof(f) - 8, &p);
	ck_assert_int_eq(p.nd, LINK_ND_RS);
	/* Not IPv6, and too short for Ethernet. */
	memcpy(f, rs_frame, sizeof(f));
	f[12] = 0x08;
	f[13] = 0x06;
	ck_assert_int_eq(link_parse(f, sizeof(f), sizeof(f), &p), 0);
	ck_assert(!p.ipv6);
	ck_assert_int_eq(p.nd, LINK_ND_NONE);
	ck_assert_int_eq(link_parse(f, 13, 13, &p), -1);
}
END_TEST

START_TEST(parse_ns)
{
	uint8_t f[sizeof(dad_frame)];
	struct link_pkt p;

	link_parse(dad_frame, sizeof(dad_frame), sizeof(dad_frame), &p);
	ck_assert_int_eq(p.nd, LINK_ND_NS);
	ck_assert(addr6_is_unspecified(&p.src));
	ck_assert(addr6_eq(&p.target, &FE80_2));
	/* A DAD probe to all-nodes instead of the solicited-node group. */
	memcpy(f, dad_frame, sizeof(f));
	memcpy(f + 38, &ALL_NODES, 16);
	refix(f, sizeof(f));
	link_parse(f, sizeof(f), sizeof(f), &p);
	ck_assert_int_eq(p.nd, LINK_ND_INVALID);
	/* A multicast target. */
	memcpy(f, dad_frame, sizeof(f));
	f[62] = 0xff;
	refix(f, sizeof(f));
	link_parse(f, sizeof(f), sizeof(f), &p);
	ck_assert_int_eq(p.nd, LINK_ND_INVALID);
	/* Too short for a target. */
	memcpy(f, dad_frame, sizeof(f));
	f[19] = 20;
	refix(f, sizeof(f) - 4);
	link_parse(f, sizeof(f) - 4, sizeof(f) - 4, &p);
	ck_assert_int_eq(p.nd, LINK_ND_INVALID);
}
END_TEST

START_TEST(build_probe_na_echo)
{
	struct in6_addr ll = A6(MAG_LINK_DEFAULT_LLADDR);
	struct in6_addr mn = A6("fe80::2"), all = A6("ff02::1");
	uint8_t f[128];
	size_t n;

	n = link_ns_build(f, sizeof(f), MN_A, RMAC, &ll, &mn);
	ck_assert_uint_eq(n, sizeof(ns_probe_frame));
	ck_assert_mem_eq(f, ns_probe_frame, n);
	ck_assert_uint_eq(link_ns_build(f, n - 1, MN_A, RMAC, &ll, &mn), 0);

	n = link_na_build(f, sizeof(f), MN_A, RMAC, &ll, &mn, &ll);
	ck_assert_uint_eq(n, sizeof(na_frame));
	ck_assert_mem_eq(f, na_frame, n);
	/* To all-nodes (a DAD probe's answer): not solicited. */
	n = link_na_build(f, sizeof(f), MN_A, RMAC, &ll, &all, &ll);
	ck_assert_uint_eq(f[58], 0xa0);
	ck_assert(ref_ok(&ll, &all, f + 54, n - 54));

	n = link_echo_build(f, sizeof(f), MN_A, RMAC, &ll, 0x5213, 7);
	ck_assert_uint_eq(n, 62);
	ck_assert_mem_eq(f, MN_A, 6);
	ck_assert_uint_eq(f[21], 255);
	ck_assert_mem_eq(f + 38, &all, 16);
	ck_assert_mem_eq(f + 54, "\x80\x00", 2);
	ck_assert_mem_eq(f + 58, "\x52\x13\x00\x07", 4);
	ck_assert(ref_ok(&ll, &all, f + 54, 8));
}
END_TEST

/* --- The socket filter, run by the kernel on a socketpair ----------- */

static int
filter_len(int sv[2], const uint8_t *f, size_t len)
{
	uint8_t buf[2048];
	ssize_t n;

	ck_assert_int_eq(send(sv[0], f, len, 0), (ssize_t)len);
	n = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
	if (n == -1) {
		ck_assert(errno == EAGAIN || errno == EWOULDBLOCK);
		return 0;
	}
	ck_assert_mem_eq(buf, f, (size_t)n);
	return (int)n;
}

START_TEST(bpf_filter)
{
	struct sock_filter insn[LINK_BPF_LEN];
	struct sock_fprog prog;
	uint8_t f[700];
	int sv[2];

	ck_assert_uint_eq(link_bpf(RMAC, insn, LINK_BPF_LEN - 1), 0);
	prog.len = (unsigned short)link_bpf(RMAC, insn, LINK_BPF_LEN);
	ck_assert_uint_eq(prog.len, LINK_BPF_LEN);
	prog.filter = insn;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	ck_assert_int_eq(setsockopt(sv[1], SOL_SOCKET, SO_ATTACH_FILTER,
	    &prog, sizeof(prog)), 0);

	/* Multicast RS and DAD NS: kept whole. */
	ck_assert_int_eq(filter_len(sv, rs_frame, sizeof(rs_frame)),
	    (int)sizeof(rs_frame));
	ck_assert_int_eq(filter_len(sv, dad_frame, sizeof(dad_frame)),
	    (int)sizeof(dad_frame));
	/* A long NS is cut at LINK_SNAP_LONG (and then fails its checks). */
	memset(f, 0, sizeof(f));
	memcpy(f, dad_frame, sizeof(dad_frame));
	ck_assert_int_eq(filter_len(sv, f, sizeof(f)), LINK_SNAP_LONG);
	/* Unicast to us, not an RS/NS (an NA here): headers only. */
	memcpy(f, na_frame, sizeof(na_frame));
	memcpy(f, RMAC, 6);
	memcpy(f + 6, MN_A, 6);
	ck_assert_int_eq(filter_len(sv, f, 100), LINK_SNAP_SHORT);
	/* Broadcast ARP: kept, short frame whole. */
	memset(f, 0xff, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	ck_assert_int_eq(filter_len(sv, f, 60), 60);
	/* LLDP, STP: the switch's own, dropped; other multicast kept. */
	memcpy(f, "\x01\x80\xc2\x00\x00\x0e", 6);
	f[12] = 0x88;
	f[13] = 0xcc;
	ck_assert_int_eq(filter_len(sv, f, 60), 0);
	f[5] = 0x00;
	ck_assert_int_eq(filter_len(sv, f, 60), 0);
	f[5] = 0x10;
	ck_assert_int_eq(filter_len(sv, f, 60), 60);
	f[2] = 0xc3;
	f[5] = 0x0e;
	ck_assert_int_eq(filter_len(sv, f, 60), 60);
	/* Unicast to someone else: dropped. */
	memcpy(f, MN_B, 6);
	ck_assert_int_eq(filter_len(sv, f, 60), 0);
	/* Only one byte of our MAC differs: dropped. */
	memcpy(f, RMAC, 6);
	f[1] = 0x01;
	ck_assert_int_eq(filter_len(sv, f, 60), 0);
	f[1] = 0x00;
	f[5] = 0x14;
	ck_assert_int_eq(filter_len(sv, f, 60), 0);
	/* From us (our own sends, or another MAG): dropped. */
	memcpy(f, rs_frame, sizeof(rs_frame));
	memcpy(f + 6, RMAC, 6);
	ck_assert_int_eq(filter_len(sv, f, sizeof(rs_frame)), 0);
	/* From a MAC sharing four bytes with ours: kept. */
	f[7] = 0x01;
	ck_assert_int_eq(filter_len(sv, f, sizeof(rs_frame)),
	    (int)sizeof(rs_frame));
	/* From a group address: dropped. */
	f[6] = 0x01;
	ck_assert_int_eq(filter_len(sv, f, sizeof(rs_frame)), 0);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* --- The MAC table and probing, under a driven clock ---------------- */

static uint64_t fake_now;
static struct loop *L;
static struct mag_link *LK;

static struct {
	int		 seen, rs, gone, up, down;
	uint8_t		 mac[6];
	/* what the callbacks do */
	int		 track_on_seen;
	int		 untrack_on_rs;
} ev;

#define MAXCAP	16
static struct {
	uint8_t		 f[LINK_FRAME_MAX];
	size_t		 len;
} cap[MAXCAP];
static int ncap;

static uint64_t
fake_clock(void)
{
	return fake_now;
}

static int
cap_xmit(struct mag_link *l, const uint8_t *f, size_t len)
{
	(void)l;
	ck_assert_int_lt(ncap, MAXCAP);
	memcpy(cap[ncap].f, f, len);
	cap[ncap].len = len;
	ncap++;
	return 0;
}

static void
cb_seen(void *ctx, struct mag_link *l, const uint8_t mac[6])
{
	ck_assert_ptr_eq(ctx, &ev);
	ck_assert_ptr_eq(l, LK);
	ev.seen++;
	memcpy(ev.mac, mac, 6);
	if (ev.track_on_seen)
		ck_assert_int_eq(mag_link_track(l, mac), 0);
}

static void
cb_rs(void *ctx, struct mag_link *l, const uint8_t mac[6])
{
	(void)ctx;
	ev.rs++;
	memcpy(ev.mac, mac, 6);
	if (ev.untrack_on_rs)
		mag_link_untrack(l, mac);
}

static void
cb_gone(void *ctx, struct mag_link *l, const uint8_t mac[6])
{
	struct mag_link_mn_info info;

	(void)ctx;
	ev.gone++;
	memcpy(ev.mac, mac, 6);
	/* Untracked before the call. */
	ck_assert_int_eq(mag_link_mn_info(l, mac, &info), -1);
}

static void
cb_state(void *ctx, struct mag_link *l, int up)
{
	(void)ctx;
	(void)l;
	if (up)
		ev.up++;
	else
		ev.down++;
}

static const struct mag_link_cb CB = { cb_seen, cb_rs, cb_gone, cb_state };

static void
open_link(struct mag_link_conf *c)
{
	struct mag_link_conf def;

	if (c == NULL) {
		mag_link_conf_init(&def);
		strcpy(def.ifname, "test0");
		c = &def;
	}
	ck_assert_ptr_nonnull(LK = link_new(L, c, &CB, &ev));
	LK->xmit = cap_xmit;
	LK->mtu = 1500;
	LK->up = 1;
}

static void
setup(void)
{
	fake_now = 100000;
	clock_set_source(fake_clock);
	log_set_level(LOG_SUB_MAG, LOG_LVL_ERR);
	ck_assert_ptr_nonnull(L = loop_new());
	memset(&ev, 0, sizeof(ev));
	ncap = 0;
	open_link(NULL);
}

static void
teardown(void)
{
	link_free(LK);
	LK = NULL;
	loop_free(L);
	L = NULL;
	clock_set_source(NULL);
}

static void
advance(uint64_t ms)
{
	fake_now += ms;
	loop_run_timers(L);
}

/* A data frame (an Echo Request header) from mac to our MAC. */
static void
rx_data(const uint8_t mac[6], const char *src)
{
	uint8_t f[64];
	struct in6_addr a = A6(src);

	memset(f, 0, sizeof(f));
	memcpy(f, RMAC, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[14] = 0x60;
	f[19] = 8;
	f[20] = 58;
	f[21] = 64;
	memcpy(f + 22, &a, 16);
	memcpy(f + 38, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	f[54] = 128;
	link_rx(LK, f, sizeof(f), sizeof(f));
}

/* Any frame from mac: a broadcast ARP. */
static void
rx_arp(const uint8_t mac[6])
{
	uint8_t f[60];

	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	link_rx(LK, f, sizeof(f), sizeof(f));
}

static void
rx_frame(const uint8_t *f, size_t len)
{
	link_rx(LK, f, len, len);
}

START_TEST(seen_once_per_holdoff)
{
	struct mag_link_stats st;

	rx_arp(MN_A);
	ck_assert_int_eq(ev.seen, 1);
	ck_assert_mem_eq(ev.mac, MN_A, 6);
	/* A flood from the same MAC stays quiet for the hold-off. */
	for (int i = 0; i < 1000; i++)
		rx_arp(MN_A);
	advance(MAG_LINK_SEEN_HOLDOFF_MS - 1);
	rx_arp(MN_A);
	ck_assert_int_eq(ev.seen, 1);
	advance(1);
	rx_arp(MN_A);
	ck_assert_int_eq(ev.seen, 2);
	/* Another MAC is reported at once. */
	rx_data(MN_B, "2001:db8::b");
	ck_assert_int_eq(ev.seen, 3);
	ck_assert_mem_eq(ev.mac, MN_B, 6);
	/* Our own MAC and group sources never count. */
	rx_arp(RMAC);
	rx_arp(GROUP_MAC);
	mag_link_get_stats(LK, &st);
	ck_assert_uint_eq(st.seen, 3);
	ck_assert_uint_eq(st.frames, 1004);
	ck_assert_uint_eq(st.unknown, 2);
	ck_assert_uint_eq(st.tracked, 0);
	/* Stale unknown entries are swept. */
	advance(30000);
	mag_link_get_stats(LK, &st);
	ck_assert_uint_eq(st.unknown, 0);
}
END_TEST

START_TEST(track_untrack_ignore)
{
	struct mag_link_mn_info info;
	struct mag_link_stats st;

	rx_frame(rs_frame, sizeof(rs_frame));
	/* An RS from an unknown MAC is an attachment, not an RS. */
	ck_assert_int_eq(ev.seen, 1);
	ck_assert_int_eq(ev.rs, 0);
	ck_assert_int_eq(mag_link_track(LK, MN_A), 0);
	ck_assert_int_eq(mag_link_track(LK, MN_A), 0);
	ck_assert_int_eq(mag_link_mn_info(LK, MN_A, &info), 0);
	ck_assert(info.tracked);
	ck_assert(info.have_lladdr);
	ck_assert(addr6_eq(&info.lladdr, &FE80_2));
	advance(5000);
	rx_frame(rs_frame, sizeof(rs_frame));
	ck_assert_int_eq(ev.rs, 1);
	ck_assert_int_eq(ev.seen, 1);
	rx_arp(MN_A);
	ck_assert_int_eq(ev.seen, 1);
	ck_assert_int_eq(mag_link_mn_info(LK, MN_A, &info), 0);
	ck_assert_uint_eq(info.last_rx_ms, fake_now);
	mag_link_get_stats(LK, &st);
	ck_assert_uint_eq(st.tracked, 1);
	ck_assert_uint_eq(st.unknown, 0);

	/* Untracked: the next frame is an attachment again, at once. */
	mag_link_untrack(LK, MN_A);
	ck_assert_int_eq(mag_link_mn_info(LK, MN_A, &info), -1);
	ck_assert_int_eq(errno, ENOENT);
	rx_arp(MN_A);
	ck_assert_int_eq(ev.seen, 2);

	/* Ignored for 5 s, even when it was tracked. */
	ck_assert_int_eq(mag_link_track(LK, MN_A), 0);
	mag_link_ignore(LK, MN_A, 5000);
	mag_link_get_stats(LK, &st);
	ck_assert_uint_eq(st.tracked, 0);
	ck_assert_uint_eq(st.unknown, 1);
	rx_frame(rs_frame, sizeof(rs_frame));
	advance(4999);
	rx_arp(MN_A);
	ck_assert_int_eq(ev.seen, 2);
	ck_assert_int_eq(ev.rs, 1);
	advance(1);
	rx_arp(MN_A);
	ck_assert_int_eq(ev.seen, 3);
	/* Untracking does not end an ignore period; ignore 0 does. */
	ck_assert_int_eq(mag_link_track(LK, MN_A), 0);
	mag_link_ignore(LK, MN_A, 60000);
	mag_link_untrack(LK, MN_A);
	rx_arp(MN_A);
	ck_assert_int_eq(ev.seen, 3);
	mag_link_ignore(LK, MN_A, 0);
	rx_arp(MN_A);
	ck_assert_int_eq(ev.seen, 4);
	/* Tracking ends an ignore period. */
	mag_link_ignore(LK, MN_A, 60000);
	ck_assert_int_eq(mag_link_track(LK, MN_A), 0);
	mag_link_untrack(LK, MN_A);
	rx_arp(MN_A);
	ck_assert_int_eq(ev.seen, 5);
	/* Untracking an unknown MAC is harmless. */
	mag_link_untrack(LK, MN_B);
}
END_TEST

START_TEST(callbacks_may_change_tables)
{
	ev.track_on_seen = 1;
	ev.untrack_on_rs = 1;
	rx_frame(rs_frame, sizeof(rs_frame));
	ck_assert_int_eq(ev.seen, 1);
	rx_frame(rs_frame, sizeof(rs_frame));
	ck_assert_int_eq(ev.rs, 1);
	/* Untracked from the rs callback: the next frame is new again. */
	rx_frame(rs_frame, sizeof(rs_frame));
	ck_assert_int_eq(ev.seen, 2);
}
END_TEST

START_TEST(new_mac_budget)
{
	struct mag_link_conf c;
	struct mag_link_stats st;
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };
	int i;

	link_free(LK);
	mag_link_conf_init(&c);
	strcpy(c.ifname, "test0");
	c.new_per_sec = 10;
	c.max_unknown = 50;
	open_link(&c);
	for (i = 0; i < 100; i++) {
		mac[4] = (uint8_t)i;
		rx_arp(mac);
	}
	/* One second's worth at once. */
	ck_assert_int_eq(ev.seen, 10);
	advance(500);
	for (i = 100; i < 200; i++) {
		mac[4] = (uint8_t)i;
		rx_arp(mac);
	}
	ck_assert_int_eq(ev.seen, 15);
	/* The table cap holds once the budget is plenty. */
	advance(2000);
	c.new_per_sec = 0;
	LK->conf.new_per_sec = 0;
	for (i = 0; i < 100; i++) {
		mac[3] = 1;
		mac[4] = (uint8_t)i;
		rx_arp(mac);
	}
	mag_link_get_stats(LK, &st);
	ck_assert_uint_le(st.unknown, 50);
	ck_assert_uint_gt(st.seen_dropped, 0);
	ck_assert_int_eq(ev.seen, 15 + 50);
	/* Tracking is not subject to the cap. */
	mac[3] = 2;
	ck_assert_int_eq(mag_link_track(LK, mac), 0);
}
END_TEST

START_TEST(many_macs_hash)
{
	struct mag_link_stats st;
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };
	struct mag_link_mn_info info;
	int i;

	for (i = 0; i < 3000; i++) {
		mac[3] = (uint8_t)(i >> 8);
		mac[4] = (uint8_t)i;
		ck_assert_int_eq(mag_link_track(LK, mac), 0);
	}
	mag_link_get_stats(LK, &st);
	ck_assert_uint_eq(st.tracked, 3000);
	ck_assert_uint_ge(LK->nbucket, 2048);
	for (i = 0; i < 3000; i += 7) {
		mac[3] = (uint8_t)(i >> 8);
		mac[4] = (uint8_t)i;
		ck_assert_int_eq(mag_link_mn_info(LK, mac, &info), 0);
		ck_assert(info.tracked);
		mag_link_untrack(LK, mac);
	}
	mag_link_get_stats(LK, &st);
	ck_assert_uint_eq(st.tracked, 3000 - 429);
}
END_TEST

START_TEST(send_ra_unicast)
{
	struct mag_ra_prefix p = PFX("2001:db8:1::/64", 3600, 1800);
	struct mag_ra_prefix many[40];
	int i;
	struct in6_addr src = A6(MAG_LINK_DEFAULT_LLADDR), dst;
	uint8_t ref[256];
	struct mag_ra ra;
	size_t n;

	mag_ra_init(&ra);
	ra.mtu = 1460;
	ra.prefixes = &p;
	ra.nprefixes = 1;
	/* Address never learnt: ff02::1, still to the node's MAC only. */
	ck_assert_int_eq(mag_link_send_ra(LK, MN_A, &ra), 0);
	ck_assert_int_eq(ncap, 1);
	dst = A6("ff02::1");
	ck_assert_mem_eq(cap[0].f, MN_A, 6);
	ck_assert_mem_eq(cap[0].f + 6, RMAC, 6);
	ck_assert_mem_eq(cap[0].f + 12, "\x86\xdd", 2);
	ck_assert_uint_eq(cap[0].f[20], 58);
	ck_assert_uint_eq(cap[0].f[21], 255);
	ck_assert_mem_eq(cap[0].f + 22, &src, 16);
	ck_assert_mem_eq(cap[0].f + 38, &dst, 16);
	n = mag_link_ra_build(&ra, RMAC, &src, &dst, ref, sizeof(ref));
	ck_assert_uint_eq(cap[0].len, 54 + n);
	ck_assert_uint_eq(cap[0].f[18] << 8 | cap[0].f[19], n);
	ck_assert_mem_eq(cap[0].f + 54, ref, n);
	ck_assert(ref_ok(&src, &dst, cap[0].f + 54, n));

	/* After its RS: to its link-local address. */
	rx_frame(rs_frame, sizeof(rs_frame));
	ck_assert_int_eq(mag_link_send_ra(LK, MN_A, &ra), 0);
	dst = A6("fe80::2");
	ck_assert_mem_eq(cap[1].f + 38, &dst, 16);
	ck_assert(ref_ok(&src, &dst, cap[1].f + 54, cap[1].len - 54));

	/* Never to a group MAC; never bigger than the link MTU. */
	ck_assert_int_eq(mag_link_send_ra(LK, GROUP_MAC, &ra), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* 1280 - 40 bytes: room for 37 prefixes with SLLAO and MTU. */
	LK->mtu = 1280;
	for (i = 0; i < 40; i++)
		many[i] = p;
	ra.prefixes = many;
	ra.nprefixes = 38;
	ck_assert_int_eq(mag_link_send_ra(LK, MN_A, &ra), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	ra.nprefixes = 37;
	ck_assert_int_eq(mag_link_send_ra(LK, MN_A, &ra), 0);
	ck_assert_int_eq(ncap, 3);
	/* No transmitter: an error, counted. */
	LK->xmit = NULL;
	ck_assert_int_eq(mag_link_send_ra(LK, MN_A, &ra), -1);
}
END_TEST

START_TEST(nud_probe_then_gone)
{
	struct in6_addr ll = A6(MAG_LINK_DEFAULT_LLADDR);
	struct mag_link_mn_info info;
	struct mag_link_stats st;
	uint8_t ns_ref[128];
	uint64_t t0;
	size_t n;

	rx_frame(rs_frame, sizeof(rs_frame));
	ck_assert_int_eq(mag_link_track(LK, MN_A), 0);
	t0 = fake_now;
	/* Frames keep it quiet: no probe while it talks. */
	advance(MAG_LINK_PROBE_AFTER_MS - 1);
	rx_arp(MN_A);
	t0 = fake_now;
	advance(1);
	ck_assert_int_eq(ncap, 0);
	advance(MAG_LINK_PROBE_AFTER_MS - 2);
	ck_assert_int_eq(ncap, 0);
	advance(1);
	/* Silent for probe_after: a unicast NS to its link-local. */
	ck_assert_int_eq(ncap, 1);
	n = link_ns_build(ns_ref, sizeof(ns_ref), MN_A, RMAC, &ll,
	    &FE80_2);
	ck_assert_uint_eq(cap[0].len, n);
	ck_assert_mem_eq(cap[0].f, ns_probe_frame, n);
	ck_assert_int_eq(mag_link_mn_info(LK, MN_A, &info), 0);
	ck_assert_uint_eq(info.probes, 1);
	/* It answers: probing stops. */
	advance(400);
	rx_arp(MN_A);
	t0 = fake_now;
	advance(MAG_LINK_PROBE_INTERVAL_MS);
	ck_assert_int_eq(ncap, 1);
	ck_assert_int_eq(mag_link_mn_info(LK, MN_A, &info), 0);
	ck_assert_uint_eq(info.probes, 0);
	/* Then it goes: probes every interval, gone at gone_after. */
	fake_now = t0 + MAG_LINK_PROBE_AFTER_MS;
	loop_run_timers(L);
	ck_assert_int_eq(ncap, 2);
	fake_now += MAG_LINK_PROBE_INTERVAL_MS;
	loop_run_timers(L);
	fake_now += MAG_LINK_PROBE_INTERVAL_MS;
	loop_run_timers(L);
	ck_assert_int_eq(ncap, 4);
	fake_now = t0 + MAG_LINK_GONE_AFTER_MS - 1;
	loop_run_timers(L);
	ck_assert_int_eq(ev.gone, 0);
	fake_now = t0 + MAG_LINK_GONE_AFTER_MS;
	loop_run_timers(L);
	ck_assert_int_eq(ev.gone, 1);
	ck_assert_mem_eq(ev.mac, MN_A, 6);
	ck_assert_int_eq(ncap, 4);
	mag_link_get_stats(LK, &st);
	ck_assert_uint_eq(st.probes, 4);
	ck_assert_uint_eq(st.gone, 1);
	ck_assert_uint_eq(st.tracked, 0);
	/* No more timers for it; it is new when it comes back. */
	advance(100000);
	ck_assert_int_eq(ev.gone, 1);
	rx_arp(MN_A);
	ck_assert_int_eq(ev.seen, 2);
}
END_TEST

START_TEST(nud_probe_without_address)
{
	struct mag_link_conf c;

	link_free(LK);
	mag_link_conf_init(&c);
	strcpy(c.ifname, "test0");
	c.probe_after_ms = 1000;
	c.probe_interval_ms = 200;
	c.gone_after_ms = 1500;
	open_link(&c);
	/* Tracked without a frame: the clock starts at track(). */
	ck_assert_int_eq(mag_link_track(LK, MN_B), 0);
	advance(1000);
	ck_assert_int_eq(ncap, 1);
	/* Nothing known: an Echo Request to ff02::1, Ethernet to MN_B. */
	ck_assert_mem_eq(cap[0].f, MN_B, 6);
	ck_assert_uint_eq(cap[0].f[54], 128);
	ck_assert_uint_eq(cap[0].f[38], 0xff);
	/* A global source address learnt: NS to it. */
	rx_data(MN_B, "2001:db8::b");
	advance(1000);
	ck_assert_int_eq(ncap, 2);
	ck_assert_uint_eq(cap[1].f[54], 135);
	ck_assert_mem_eq(cap[1].f + 38, &DB8_B, 16);
	advance(200);
	advance(200);
	ck_assert_int_eq(ncap, 4);
	advance(99);
	ck_assert_int_eq(ev.gone, 0);
	advance(1);
	ck_assert_int_eq(ev.gone, 1);
	ck_assert_int_eq(ncap, 4);
}
END_TEST

START_TEST(dad_teaches_lladdr)
{
	struct mag_link_mn_info info;

	rx_frame(dad_frame, sizeof(dad_frame));
	ck_assert_int_eq(ev.seen, 1);
	ck_assert_int_eq(mag_link_track(LK, MN_A), 0);
	ck_assert_int_eq(mag_link_mn_info(LK, MN_A, &info), 0);
	ck_assert(info.have_lladdr);
	ck_assert(addr6_eq(&info.lladdr, &FE80_2));
}
END_TEST

START_TEST(answer_ns_fallback)
{
	struct in6_addr ll = A6(MAG_LINK_DEFAULT_LLADDR);
	struct mag_link_stats st;
	uint8_t f[sizeof(dad_frame)];

	/* DAD for our address while we must answer: NA to all-nodes. */
	memcpy(f, dad_frame, sizeof(f));
	memcpy(f + 62, &ll, 16);
	memcpy(f + 38, "\xff\x02\0\0\0\0\0\0\0\0\0\x01\xff\x00\x52\x13", 16);
	refix(f, sizeof(f));
	rx_frame(f, sizeof(f));
	ck_assert_int_eq(ncap, 0);
	LK->answer_ns = 1;
	rx_frame(f, sizeof(f));
	ck_assert_int_eq(ncap, 1);
	ck_assert_mem_eq(cap[0].f, "\x33\x33\x00\x00\x00\x01", 6);
	ck_assert_uint_eq(cap[0].f[54], 136);
	ck_assert_uint_eq(cap[0].f[58], 0xa0);
	ck_assert_mem_eq(cap[0].f + 62, &ll, 16);
	/* An NS for another target is not ours to answer. */
	rx_frame(dad_frame, sizeof(dad_frame));
	ck_assert_int_eq(ncap, 1);
	mag_link_get_stats(LK, &st);
	ck_assert_uint_eq(st.na_sent, 1);
}
END_TEST

START_TEST(link_state_changes)
{
	link_set_state(LK, 1);
	ck_assert_int_eq(ev.up + ev.down, 0);
	link_set_state(LK, 0);
	link_set_state(LK, 0);
	ck_assert_int_eq(ev.down, 1);
	ck_assert_int_eq(mag_link_is_up(LK), 0);
	link_set_state(LK, 1);
	ck_assert_int_eq(ev.up, 1);
	ck_assert_int_eq(mag_link_is_up(LK), 1);
	/* Down: tracked MACs stay; no probes, but gone on time. */
	link_set_state(LK, 0);
	ck_assert_int_eq(mag_link_track(LK, MN_A), 0);
	advance(MAG_LINK_GONE_AFTER_MS - 1);
	ck_assert_int_eq(ev.gone, 0);
	advance(1);
	ck_assert_int_eq(ev.gone, 1);
	ck_assert_int_eq(ncap, 0);
}
END_TEST

START_TEST(bad_conf)
{
	struct mag_link_conf c;

	mag_link_conf_init(&c);
	c.gone_after_ms = c.probe_after_ms;
	ck_assert_ptr_null(link_new(L, &c, &CB, NULL));
	ck_assert_int_eq(errno, EINVAL);
	mag_link_conf_init(&c);
	c.mac[0] = 0x01;
	ck_assert_ptr_null(link_new(L, &c, &CB, NULL));
	mag_link_conf_init(&c);
	c.lladdr = A6("2001:db8::1");
	ck_assert_ptr_null(link_new(L, &c, &CB, NULL));
	mag_link_conf_init(&c);
	ck_assert_mem_eq(c.mac, RMAC, 6);
	ck_assert(addr6_eq(&c.lladdr, &ROUTER_LL));
	/* Opening needs an interface that exists. */
	strcpy(c.ifname, "no-such-if0");
	{
		struct mag_link *l;

		ck_assert_int_eq(mag_link_open(&l, L, &c, &CB, NULL), -1);
		ck_assert_ptr_null(l);
	}
}
END_TEST

static Suite *
link_suite(void)
{
	Suite *s = suite_create("link");
	TCase *tc;

	tc = tcase_create("ra");
	tcase_add_test(tc, ra_one_prefix);
	tcase_add_test(tc, ra_several_prefixes);
	tcase_add_test(tc, ra_withdrawal);
	tcase_add_test(tc, ra_limits);
	tcase_add_test(tc, csum_odd_and_zero);
	suite_add_tcase(s, tc);

	tc = tcase_create("nd");
	tcase_add_test(tc, parse_rs);
	tcase_add_test(tc, parse_ns);
	tcase_add_test(tc, build_probe_na_echo);
	tcase_add_test(tc, bpf_filter);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, seen_once_per_holdoff);
	tcase_add_test(tc, track_untrack_ignore);
	tcase_add_test(tc, callbacks_may_change_tables);
	tcase_add_test(tc, new_mac_budget);
	tcase_add_test(tc, many_macs_hash);
	tcase_add_test(tc, send_ra_unicast);
	tcase_add_test(tc, nud_probe_then_gone);
	tcase_add_test(tc, nud_probe_without_address);
	tcase_add_test(tc, dad_teaches_lladdr);
	tcase_add_test(tc, answer_ns_fallback);
	tcase_add_test(tc, link_state_changes);
	tcase_add_test(tc, bad_conf);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(link_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
