/*
 * link_nd.c: the Neighbor Discovery a MAG's access link needs besides
 * the RA: a parser that flattens a captured frame and validates Router
 * and Neighbor Solicitations (RFC 4861 6.1.1, 7.1.1), and builders for
 * the unicast Neighbor Solicitation that probes a silent node (RFC 4861
 * 7.2.2, 7.3), the Neighbor Advertisement for our own address when the
 * kernel cannot give it (7.2.4), and an Echo Request for a node whose
 * address we never learnt.
 *
 * Pure like link_ra.c: no state, no logging, no pointers kept into the
 * frame.
 */
#include "config.h"

#include <string.h>

#include "link_int.h"

#define ND_OPT_SLLA	1
#define ND_OPT_TLLA	2

#define NA_F_ROUTER	0x80
#define NA_F_SOLICITED	0x40
#define NA_F_OVERRIDE	0x20

#define RS_MIN_LEN	8
#define NS_MIN_LEN	24
#define NS_LEN		32	/* with SLLAO */
#define NA_LEN		32	/* with TLLAO */
#define ECHO_LEN	8

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int
is_solicited_node(const struct in6_addr *a)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0x01, 0xff };

	return memcmp(a->s6_addr, pfx, sizeof(pfx)) == 0;
}

/*
 * Options must each have a non-zero length and end with the message
 * (RFC 4861 6.1.1, 7.1.1).  Returns -1 if malformed, else whether a
 * Source Link-Layer Address option is present.
 */
static int
walk_options(const uint8_t *o, size_t len)
{
	size_t olen;
	int sllao = 0;

	while (len > 0) {
		if (len < 2 || o[1] == 0)
			return -1;
		olen = (size_t)o[1] * 8;
		if (olen > len)
			return -1;
		if (o[0] == ND_OPT_SLLA)
			sllao = 1;
		o += olen;
		len -= olen;
	}
	return sllao;
}

/* RFC 4861 6.1.1 (RS) and 7.1.1 (NS), for an ICMPv6 message m. */
static enum link_nd
nd_validate(struct link_pkt *p, const uint8_t *m, size_t mlen)
{
	int rs = m[0] == ND_RS_;
	size_t min = rs ? RS_MIN_LEN : NS_MIN_LEN;
	int sllao;

	if (p->hlim != 255 || mlen < min || m[1] != 0)
		return LINK_ND_INVALID;
	if (!link_csum6_ok(&p->src, &p->dst, IPPROTO_ICMPV6, m, mlen))
		return LINK_ND_INVALID;
	if ((sllao = walk_options(m + min, mlen - min)) == -1)
		return LINK_ND_INVALID;
	/* An unspecified source cannot be bound to a link-layer address. */
	if (addr6_is_unspecified(&p->src) && sllao)
		return LINK_ND_INVALID;
	if (rs)
		return LINK_ND_RS;
	memcpy(p->target.s6_addr, m + 8, 16);
	if (addr6_is_multicast(&p->target))
		return LINK_ND_INVALID;
	/* DAD probes go to the target's solicited-node group only. */
	if (addr6_is_unspecified(&p->src) && !is_solicited_node(&p->dst))
		return LINK_ND_INVALID;
	return LINK_ND_NS;
}

int
link_parse(const uint8_t *f, size_t caplen, size_t len, struct link_pkt *p)
{
	const uint8_t *ip = f + ETH_HLEN_;
	size_t plen;

	memset(p, 0, sizeof(*p));
	if (caplen < ETH_HLEN_ || len < caplen)
		return -1;
	memcpy(p->dst_mac, f, 6);
	memcpy(p->src_mac, f + 6, 6);
	p->ethertype = get16(f + 12);
	if (p->ethertype != 0x86dd || caplen < ND_HDR_OFF || ip[0] >> 4 != 6)
		return 0;
	p->ipv6 = 1;
	plen = get16(ip + 4);
	p->nh = ip[6];
	p->hlim = ip[7];
	memcpy(p->src.s6_addr, ip + 8, 16);
	memcpy(p->dst.s6_addr, ip + 24, 16);
	/*
	 * Only an ICMPv6 header right after the IPv6 one: RS and NS never
	 * carry extension headers in practice, and the filter keeps only
	 * those two whole.
	 */
	if (p->nh != IPPROTO_ICMPV6 || caplen <= ND_HDR_OFF)
		return 0;
	if (f[ND_HDR_OFF] != ND_RS_ && f[ND_HDR_OFF] != ND_NS_)
		return 0;
	/*
	 * The checksum needs every byte: a solicitation longer than the
	 * capture (or than its frame) cannot be checked, so is refused.
	 */
	if (ND_HDR_OFF + plen > caplen) {
		p->nd = LINK_ND_INVALID;
		return 0;
	}
	p->nd = nd_validate(p, f + ND_HDR_OFF, plen);
	return 0;
}

/* m's checksum field must be zero. */
static void
set_csum(uint8_t *m, size_t len, const struct in6_addr *src,
    const struct in6_addr *dst)
{
	uint16_t c = link_csum6(src, dst, IPPROTO_ICMPV6, m, len);

	m[2] = (uint8_t)(c >> 8);
	m[3] = (uint8_t)c;
}

size_t
link_ns_build(uint8_t *buf, size_t cap, const uint8_t dst_mac[6],
    const uint8_t src_mac[6], const struct in6_addr *src,
    const struct in6_addr *target)
{
	uint8_t *m = buf + ND_HDR_OFF;

	if (cap < ND_HDR_OFF + NS_LEN)
		return 0;
	/* A NUD probe goes to the target address itself (RFC 4861 7.2.2). */
	link_frame_hdr(buf, dst_mac, src_mac, src, target, NS_LEN);
	memset(m, 0, NS_LEN);
	m[0] = ND_NS_;
	memcpy(m + 8, target->s6_addr, 16);
	/* Lets the node answer without first resolving us. */
	m[24] = ND_OPT_SLLA;
	m[25] = 1;
	memcpy(m + 26, src_mac, 6);
	set_csum(m, NS_LEN, src, target);
	return ND_HDR_OFF + NS_LEN;
}

size_t
link_na_build(uint8_t *buf, size_t cap, const uint8_t dst_mac[6],
    const uint8_t src_mac[6], const struct in6_addr *src,
    const struct in6_addr *dst, const struct in6_addr *target)
{
	uint8_t *m = buf + ND_HDR_OFF;

	if (cap < ND_HDR_OFF + NA_LEN)
		return 0;
	link_frame_hdr(buf, dst_mac, src_mac, src, dst, NA_LEN);
	memset(m, 0, NA_LEN);
	m[0] = ND_NA_;
	/*
	 * Answering a DAD probe (sent to all-nodes) is not solicited by a
	 * unicast address, so S stays 0 there (RFC 4861 7.2.4).
	 */
	m[4] = NA_F_ROUTER | NA_F_OVERRIDE |
	    (addr6_is_multicast(dst) ? 0 : NA_F_SOLICITED);
	memcpy(m + 8, target->s6_addr, 16);
	m[24] = ND_OPT_TLLA;
	m[25] = 1;
	memcpy(m + 26, src_mac, 6);
	set_csum(m, NA_LEN, src, dst);
	return ND_HDR_OFF + NA_LEN;
}

size_t
link_echo_build(uint8_t *buf, size_t cap, const uint8_t dst_mac[6],
    const uint8_t src_mac[6], const struct in6_addr *src, uint16_t id,
    uint16_t seq)
{
	struct in6_addr all_nodes = { .s6_addr = { 0xff, 0x02, [15] = 1 } };
	uint8_t *m = buf + ND_HDR_OFF;

	if (cap < ND_HDR_OFF + ECHO_LEN)
		return 0;
	link_frame_hdr(buf, dst_mac, src_mac, src, &all_nodes, ECHO_LEN);
	memset(m, 0, ECHO_LEN);
	m[0] = ICMP6_ECHO_REQ_;
	m[4] = (uint8_t)(id >> 8);
	m[5] = (uint8_t)id;
	m[6] = (uint8_t)(seq >> 8);
	m[7] = (uint8_t)seq;
	set_csum(m, ECHO_LEN, src, &all_nodes);
	return ND_HDR_OFF + ECHO_LEN;
}
