/*
 * dp_ip6tnl.c: RFC 2473 tunnels as ip6tnl devices, one per peer, the
 * usual arrangement on routers whose kernel has ip6_tunnel.
 *
 * Devices are created through libnl-route (rtnl_link_ip6_tnl_*), named
 * dev_prefix plus a hex number so that a later run finds and removes
 * them by name.  They carry IPv6 only (proto 41, as RFC 5213 6.10.1
 * needs for IPv6 home prefixes) and no encapsulation limit option: the
 * option would put a destination options header between the two IPv6
 * headers, which a seg6 peer decapsulating next header 41 would not
 * recognise.  Routes and the MAG's uplink default route point at the
 * device; the device itself decapsulates, so there is no decap state.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <linux/ip6_tunnel.h>

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/ip6tnl.h>

#include "dp_backend.h"

struct ip6tnl {
	struct nl_sock	*sk;
};

/* libnl speaks its own error codes; callers want errno values. */
static int
nlerr_errno(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return 0;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	default:
		return -EIO;
	}
}

static int
tnl_create(struct ip6tnl *t, const char *name, const struct in6_addr *local,
    const struct in6_addr *remote, unsigned link)
{
	struct rtnl_link *l;
	struct in6_addr a;
	int err;

	l = rtnl_link_ip6_tnl_alloc();
	if (l == NULL)
		return -ENOMEM;
	rtnl_link_set_name(l, name);
	a = *local;
	rtnl_link_ip6_tnl_set_local(l, &a);
	a = *remote;
	rtnl_link_ip6_tnl_set_remote(l, &a);
	rtnl_link_ip6_tnl_set_proto(l, IPPROTO_IPV6);
	rtnl_link_ip6_tnl_set_flags(l, IP6_TNL_F_IGN_ENCAP_LIMIT);
	rtnl_link_ip6_tnl_set_ttl(l, 64);
	if (link != 0)
		rtnl_link_ip6_tnl_set_link(l, link);
	rtnl_link_set_flags(l, IFF_UP);
	err = rtnl_link_add(t->sk, l, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(l);
	return nlerr_errno(err);
}

static int
tnl_delete(struct ip6tnl *t, const char *name)
{
	struct rtnl_link *l;
	int err;

	l = rtnl_link_alloc();
	if (l == NULL)
		return -ENOMEM;
	rtnl_link_set_name(l, name);
	err = rtnl_link_delete(t->sk, l);
	rtnl_link_put(l);
	return nlerr_errno(err);
}

static void
ip6tnl_close(struct dp *dp)
{
	struct ip6tnl *t = dp->be_priv;

	if (t == NULL)
		return;
	nl_socket_free(t->sk);
	free(t);
	dp->be_priv = NULL;
}

/*
 * Whether this kernel has ip6_tunnel is best learnt by creating a device:
 * that also loads the module where it is one.  -EPROTONOSUPPORT tells
 * dp_open() to fall back to seg6.
 */
static int
ip6tnl_open(struct dp *dp)
{
	static const struct in6_addr any;
	/* 100::/64 discards: the probe must not match a real tunnel. */
	static const struct in6_addr discard = {
		{ { 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } };
	struct ip6tnl *t;
	char name[IF_NAMESIZE];
	int err;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	dp->be_priv = t;
	t->sk = nl_socket_alloc();
	if (t->sk == NULL) {
		ip6tnl_close(dp);
		return -ENOMEM;
	}
	err = nlerr_errno(nl_connect(t->sk, NETLINK_ROUTE));
	if (err != 0) {
		ip6tnl_close(dp);
		return err;
	}
	snprintf(name, sizeof(name), "%sprobe", dp->cfg.dev_prefix);
	err = tnl_create(t, name, &any, &discard, 0);
	if (err == 0 || err == -EEXIST) {
		(void)tnl_delete(t, name);
		return 0;
	}
	ip6tnl_close(dp);
	return err == -ENOMEM || err == -EPERM ? err : -EPROTONOSUPPORT;
}

static int
ip6tnl_peer_install(struct dp *dp, struct dp_peer *p)
{
	struct ip6tnl *t = dp->be_priv;
	char name[IF_NAMESIZE];
	int err;

	p->dev_id = dp->next_dev++;
	snprintf(name, sizeof(name), "%s%x", dp->cfg.dev_prefix, p->dev_id);
	err = tnl_create(t, name, &p->local, &p->addr, p->egress);
	if (err != 0)
		return err;
	p->ifindex = if_nametoindex(name);
	if (p->ifindex == 0) {
		(void)tnl_delete(t, name);
		return -ENODEV;
	}
	return 0;
}

static void
ip6tnl_peer_remove(struct dp *dp, struct dp_op *op, struct dp_peer *p)
{
	struct ifinfomsg *ifi;

	ifi = dp_msg_begin(dp, op, RTM_DELLINK, 0, sizeof(*ifi), ENODEV);
	if (ifi == NULL)
		return;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)p->ifindex;
	dp_msg_end(dp);
}

static void
ip6tnl_put_nexthop(struct dp *dp, const struct dp_peer *p)
{
	nlb_put_u32(&dp->b, RTA_OIF, p->ifindex);
}

static void
ip6tnl_decap(struct dp *dp, struct dp_op *op, const struct dp_decap_ent *d,
    bool add)
{
	/* The devices decapsulate what their peer sends. */
	(void)dp;
	(void)op;
	(void)d;
	(void)add;
}

const struct dp_backend dp_backend_ip6tnl = {
	.name = "ip6tnl",
	.kind = DP_BACKEND_IP6TNL,
	.programs = true,
	.moves_local = false,
	.open = ip6tnl_open,
	.close = ip6tnl_close,
	.peer_install = ip6tnl_peer_install,
	.peer_remove = ip6tnl_peer_remove,
	.put_nexthop = ip6tnl_put_nexthop,
	.decap = ip6tnl_decap,
};
