/*
 * link_ra.c: pure builders for what the MAG sends on an access link:
 * the Router Advertisement that emulates a node's home link (RFC 4861
 * 4.2 with options 4.6.1, 4.6.2, 4.6.4; RFC 5213 6.7 and 6.9.2), the
 * Ethernet and IPv6 headers around every ND message, and the ICMPv6
 * checksum over the IPv6 pseudo-header (RFC 8200 8.1, RFC 4443 2.3).
 *
 * Nothing here sends, allocates, logs or reads the clock: the RA bytes
 * are a function of the arguments alone, so tests compare them byte by
 * byte.
 */
#include "config.h"

#include <string.h>

#include "link_int.h"

#define ND_OPT_SLLA	1
#define ND_OPT_PI	3
#define ND_OPT_MTU	5

#define RA_F_MANAGED	0x80
#define RA_F_OTHER	0x40
#define PI_F_ONLINK	0x80
#define PI_F_AUTO	0x40

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Unfolded 32-bit sum of big-endian 16-bit words; odd tail padded. */
static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
		/* Fold early so even a jumbo payload cannot overflow. */
		if (sum & 0x80000000u)
			sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint32_t
pseudo_sum(const struct in6_addr *src, const struct in6_addr *dst,
    uint8_t nh, size_t len)
{
	uint8_t tail[8];
	uint32_t sum;

	put32(tail, (uint32_t)len);
	tail[4] = tail[5] = tail[6] = 0;
	tail[7] = nh;
	sum = sum16(0, src->s6_addr, 16);
	sum = sum16(sum, dst->s6_addr, 16);
	return sum16(sum, tail, sizeof(tail));
}

uint16_t
link_csum6(const struct in6_addr *src, const struct in6_addr *dst,
    uint8_t nh, const uint8_t *data, size_t len)
{
	uint16_t c;

	c = (uint16_t)~fold(sum16(pseudo_sum(src, dst, nh, len), data, len));
	/* RFC 8200 8.1: a computed 0 goes on the wire as all ones. */
	return c == 0 ? 0xffff : c;
}

int
link_csum6_ok(const struct in6_addr *src, const struct in6_addr *dst,
    uint8_t nh, const uint8_t *data, size_t len)
{
	return fold(sum16(pseudo_sum(src, dst, nh, len), data, len)) ==
	    0xffff;
}

void
link_frame_hdr(uint8_t *buf, const uint8_t dst_mac[6],
    const uint8_t src_mac[6], const struct in6_addr *src,
    const struct in6_addr *dst, size_t plen)
{
	uint8_t *ip = buf + ETH_HLEN_;

	memcpy(buf, dst_mac, 6);
	memcpy(buf + 6, src_mac, 6);
	put16(buf + 12, 0x86dd);
	/* Version 6, traffic class 0, flow label 0. */
	put32(ip, 6u << 28);
	put16(ip + 4, (uint16_t)plen);
	ip[6] = IPPROTO_ICMPV6;
	/* RFC 4861: receivers drop ND messages with any other hop limit. */
	ip[7] = 255;
	memcpy(ip + 8, src->s6_addr, 16);
	memcpy(ip + 24, dst->s6_addr, 16);
}

void
mag_ra_init(struct mag_ra *ra)
{
	memset(ra, 0, sizeof(*ra));
	ra->cur_hop_limit = MAG_RA_CUR_HOP_LIMIT;
	ra->router_lifetime = MAG_RA_ROUTER_LIFETIME;
}

size_t
mag_link_ra_build(const struct mag_ra *ra, const uint8_t src_mac[6],
    const struct in6_addr *src, const struct in6_addr *dst, uint8_t *buf,
    size_t cap)
{
	const struct mag_ra_prefix *pp;
	struct in6_addr pfx;
	uint8_t *o;
	size_t i, len;

	/* No IPv6 payload holds more; also keeps the sum below exact. */
	if (ra->nprefixes > 0xffff / 32)
		return 0;
	len = MAG_RA_LEN(ra->nprefixes) - (ra->mtu ? 0 : 8);
	if (len > cap)
		return 0;
	for (i = 0; i < ra->nprefixes; i++)
		if (ra->prefixes[i].prefix.len > 128)
			return 0;
	memset(buf, 0, len);

	buf[0] = ND_RA_;
	buf[4] = ra->cur_hop_limit;
	buf[5] = (uint8_t)((ra->managed ? RA_F_MANAGED : 0) |
	    (ra->other ? RA_F_OTHER : 0));
	put16(buf + 6, ra->router_lifetime);
	put32(buf + 8, ra->reachable_time);
	put32(buf + 12, ra->retrans_timer);
	o = buf + 16;

	/*
	 * The SLLAO spares the node a Neighbor Solicitation for its router
	 * and pins the shared MAC in its cache (RFC 4861 6.2.3).
	 */
	o[0] = ND_OPT_SLLA;
	o[1] = 1;
	memcpy(o + 2, src_mac, 6);
	o += 8;

	if (ra->mtu) {
		o[0] = ND_OPT_MTU;
		o[1] = 1;
		put32(o + 4, ra->mtu);
		o += 8;
	}

	for (i = 0; i < ra->nprefixes; i++) {
		pp = &ra->prefixes[i];
		o[0] = ND_OPT_PI;
		o[1] = 4;
		o[2] = pp->prefix.len;
		/*
		 * L=1 A=1: the home network prefix is on-link and the node
		 * forms its addresses in it by SLAAC (RFC 5213 6.7).
		 */
		o[3] = PI_F_ONLINK | PI_F_AUTO;
		put32(o + 4, pp->valid_lifetime);
		/*
		 * A host ignores a PIO whose preferred lifetime exceeds the
		 * valid one (RFC 4862 5.5.3 c), so never send that.
		 */
		put32(o + 8, pp->preferred_lifetime > pp->valid_lifetime ?
		    pp->valid_lifetime : pp->preferred_lifetime);
		/* Bits past the length must be zero (RFC 4861 4.6.2). */
		pfx = pp->prefix.addr;
		prefix6_mask(&pfx, pp->prefix.len);
		memcpy(o + 16, pfx.s6_addr, 16);
		o += 32;
	}

	put16(buf + 2, link_csum6(src, dst, IPPROTO_ICMPV6, buf, len));
	return len;
}
