/*
 * dp_seg6.c: RFC 2473 IPv6-in-IPv6 tunnels without tunnel devices, for
 * kernels built without ip6_tunnel.
 *
 * Encapsulation is a seg6 lwtunnel in "encap.red" mode with one
 * segment, the peer: the reduced encapsulation leaves out the routing
 * header when the only segment is the outer destination, so the packet
 * on the wire is a plain outer IPv6 header with next header 41, which
 * is what an ip6tnl peer sends and expects.  Each route names its own
 * peer, so a "tunnel" here is only the egress interface the routes hang
 * on: the route is re-looked-up on the outer address after encapsulation,
 * and the interface merely has to exist and not be loopback (a route
 * through lo becomes a reject route).  The outer source is the kernel's
 * choice of address on that interface (or "ip sr tunsrc"): this kernel
 * takes no tunnel source per route.
 *
 * Decapsulation is a seg6local End.DT6 route for the local endpoint in
 * table_decap, reached by a rule matching protocol 41 to that address
 * ahead of the local rule (moved by dp.c), which would otherwise deliver
 * the packet to a protocol-41 socket that does not exist.
 */
#include "config.h"

#include <errno.h>
#include <ifaddrs.h>
#include <string.h>
#include <net/if.h>
#include <linux/lwtunnel.h>
#include <linux/seg6.h>
#include <linux/seg6_iptunnel.h>
#include <linux/seg6_local.h>

#include "dp_backend.h"

#ifndef IPV6_SRCRT_TYPE_4
#define IPV6_SRCRT_TYPE_4	4	/* the segment routing header */
#endif

void
dp_seg6_put_encap(struct nlb_buf *b, const struct in6_addr *seg)
{
	/* struct seg6_iptunnel_encap with an SRH of one segment. */
	uint8_t buf[sizeof(int) + sizeof(struct ipv6_sr_hdr) +
	    sizeof(struct in6_addr)];
	struct ipv6_sr_hdr srh;
	int mode = SEG6_IPTUN_MODE_ENCAP_RED;
	size_t nest;

	memset(&srh, 0, sizeof(srh));
	srh.hdrlen = sizeof(struct in6_addr) / 8;
	srh.type = IPV6_SRCRT_TYPE_4;
	memcpy(buf, &mode, sizeof(mode));
	memcpy(buf + sizeof(mode), &srh, sizeof(srh));
	memcpy(buf + sizeof(mode) + sizeof(srh), seg, sizeof(*seg));
	nlb_put_u16(b, RTA_ENCAP_TYPE, LWTUNNEL_ENCAP_SEG6);
	nest = nlb_nest_begin(b, RTA_ENCAP);
	nlb_put(b, SEG6_IPTUNNEL_SRH, buf, sizeof(buf));
	nlb_nest_end(b, nest);
}

struct egress {
	unsigned	 oif;
	int		 err;
};

static void
egress_reply(void *arg, unsigned idx, int err, const struct nlmsghdr *m)
{
	struct egress *e = arg;
	const struct rtattr *tb[RTA_MAX + 1];
	const struct rtmsg *r;

	(void)idx;
	if (m == NULL) {
		if (err != 0)
			e->err = err;
		return;
	}
	if (m->nlmsg_type != RTM_NEWROUTE ||
	    m->nlmsg_len < NLMSG_LENGTH(sizeof(*r)) ||
	    nlb_parse(m, sizeof(*r), tb, RTA_MAX) != 0)
		return;
	r = NLMSG_DATA(m);
	/* A peer that is one of our own addresses is a misconfiguration. */
	if (r->rtm_type != RTN_UNICAST) {
		e->err = -EINVAL;
		return;
	}
	if (tb[RTA_OIF] != NULL)
		e->oif = nlb_get_u32(tb[RTA_OIF]);
}

/* The route the kernel would use towards the peer now. */
static int
seg6_peer_install(struct dp *dp, struct dp_peer *p)
{
	uint8_t mem[128];
	struct nlb_buf b;
	struct rtmsg *r;
	struct egress e = { 0, 0 };
	int err;

	if (p->egress != 0) {
		p->ifindex = p->egress;
		return 0;
	}
	nlb_buf_init(&b, mem, sizeof(mem));
	r = nlb_msg_begin(&b, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_ACK, 0,
	    sizeof(*r));
	if (r == NULL)
		return -ENOSPC;
	r->rtm_family = AF_INET6;
	r->rtm_dst_len = 128;
	nlb_put(&b, RTA_DST, &p->addr, sizeof(p->addr));
	if (nlb_msg_end(&b) != 0)
		return -ENOSPC;
	err = dp_transact_one(dp, &b, egress_reply, &e);
	if (err == 0)
		err = e.err;
	if (err == 0 && e.oif == 0)
		err = -ENETUNREACH;
	if (err == 0)
		p->ifindex = e.oif;
	return err;
}

static void
seg6_put_nexthop(struct dp *dp, const struct dp_peer *p)
{
	nlb_put_u32(&dp->b, RTA_OIF, p->ifindex);
	dp_seg6_put_encap(&dp->b, &p->addr);
}

/* The End.DT6 route needs a real interface: the one holding local. */
static int
seg6_decap_prepare(struct dp *dp, struct dp_decap_ent *d)
{
	struct ifaddrs *ifa, *i;
	int err = -EADDRNOTAVAIL;

	(void)dp;
	if (d->ifindex != 0)
		return 0;
	if (getifaddrs(&ifa) == -1)
		return -errno;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		const struct sockaddr_in6 *sin6;

		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET6)
			continue;
		sin6 = (const struct sockaddr_in6 *)(const void *)i->ifa_addr;
		if (memcmp(&sin6->sin6_addr, &d->local,
		    sizeof(d->local)) != 0)
			continue;
		d->ifindex = if_nametoindex(i->ifa_name);
		err = d->ifindex != 0 ? 0 : -ENODEV;
		break;
	}
	freeifaddrs(ifa);
	return err;
}

static void
seg6_decap(struct dp *dp, struct dp_op *op, const struct dp_decap_ent *d,
    bool add)
{
	struct prefix6 dst;
	size_t nest;

	dst.addr = d->local;
	dst.len = 128;
	dp_put_decap_rule(dp, op, add, &d->local);
	if (!add) {
		dp_put_route(dp, op, RTM_DELROUTE, 0, dp->cfg.table_decap, &dst,
		    ESRCH);
		dp_msg_end(dp);
		return;
	}
	dp_put_route(dp, op, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE,
	    dp->cfg.table_decap, &dst, 0);
	nlb_put_u32(&dp->b, RTA_OIF, d->ifindex);
	nlb_put_u16(&dp->b, RTA_ENCAP_TYPE, LWTUNNEL_ENCAP_SEG6_LOCAL);
	nest = nlb_nest_begin(&dp->b, RTA_ENCAP);
	nlb_put_u32(&dp->b, SEG6_LOCAL_ACTION, SEG6_LOCAL_ACTION_END_DT6);
	nlb_put_u32(&dp->b, SEG6_LOCAL_TABLE, dp->cfg.table_lookup);
	nlb_nest_end(&dp->b, nest);
	dp_msg_end(dp);
}

static void
seg6_peer_remove(struct dp *dp, struct dp_op *op, struct dp_peer *p)
{
	/* Nothing of the peer's own: its routes and table go separately. */
	(void)dp;
	(void)op;
	(void)p;
}

const struct dp_backend dp_backend_seg6 = {
	.name = "seg6",
	.kind = DP_BACKEND_SEG6,
	.programs = true,
	.moves_local = true,
	.peer_install = seg6_peer_install,
	.peer_remove = seg6_peer_remove,
	.put_nexthop = seg6_put_nexthop,
	.decap_prepare = seg6_decap_prepare,
	.decap = seg6_decap,
};
