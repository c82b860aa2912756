/*
 * link_nl.c: the rtnetlink an access link needs, in raw netlink: read
 * and set the interface (flags, MAC, MTU), add and delete its IPv6
 * addresses, and watch it (RTMGRP_LINK, RTMGRP_IPV6_IFADDR) for carrier
 * changes and for the kernel or an operator undoing our set-up.
 *
 * Requests go through their own blocking socket and are answered in the
 * kernel before send() returns, so a request never waits on the loop;
 * the monitor socket is non-blocking and read from the loop.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "link_int.h"
#include "log.h"

#define NL_RXBUF	32768
#define SCRUB_MAX	16

struct nl_req {
	struct nlmsghdr	 n;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
		struct rtgenmsg	 gen;
	} u;
	uint8_t		 attrs[128];
};

typedef void	(*nl_reply_fn)(const struct nlmsghdr *m, void *arg);

int
link_nl_open(unsigned groups)
{
	struct sockaddr_nl sa;
	struct timeval tv = { 2, 0 };
	int fd, type = SOCK_RAW | SOCK_CLOEXEC;

	if (groups != 0)
		type |= SOCK_NONBLOCK;
	if ((fd = socket(AF_NETLINK, type, NETLINK_ROUTE)) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = groups;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    (groups == 0 && setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)) == -1)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
nl_addattr(struct nlmsghdr *n, uint16_t type, const void *data, size_t len)
{
	struct rtattr *rta;

	rta = (struct rtattr *)((uint8_t *)n + NLMSG_ALIGN(n->nlmsg_len));
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static void
nl_begin(struct mag_link *l, struct nl_req *r, uint16_t type,
    uint16_t flags, size_t hdrlen)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = (uint32_t)NLMSG_LENGTH(hdrlen);
	r->n.nlmsg_type = type;
	r->n.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	r->n.nlmsg_seq = ++l->nlseq;
}

/*
 * Sends r and reads until its ack (or NLMSG_DONE for a dump), giving
 * other answers to fn.  0 or -1 with errno from the kernel.
 */
static int
nl_talk(struct mag_link *l, struct nl_req *r, nl_reply_fn fn, void *arg)
{
	uint8_t buf[NL_RXBUF];
	struct nlmsghdr *m;
	struct nlmsgerr *e;
	ssize_t n;
	size_t left;

	if (send(l->reqfd, r, r->n.nlmsg_len, 0) == -1)
		return -1;
	for (;;) {
		if ((n = recv(l->reqfd, buf, sizeof(buf), 0)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		left = (size_t)n;
		for (m = (struct nlmsghdr *)buf; NLMSG_OK(m, left);
		    m = NLMSG_NEXT(m, left)) {
			if (m->nlmsg_seq != r->n.nlmsg_seq)
				continue;
			if (m->nlmsg_type == NLMSG_DONE)
				return 0;
			if (m->nlmsg_type == NLMSG_ERROR) {
				e = NLMSG_DATA(m);
				if (e->error == 0)
					return 0;
				errno = -e->error;
				return -1;
			}
			if (fn != NULL)
				fn(m, arg);
		}
	}
}

static void
parse_attrs(struct rtattr *rta, size_t len, struct rtattr **tb, int max)
{
	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if (rta->rta_type <= max)
			tb[rta->rta_type] = rta;
}

/* Fills info from an RTM_NEWLINK message. */
static void
link_msg(const struct nlmsghdr *m, struct link_nl_info *info)
{
	struct ifinfomsg *ifi = NLMSG_DATA(m);
	struct rtattr *tb[IFLA_MAX + 1];

	if (m->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return;
	parse_attrs(IFLA_RTA(ifi), IFLA_PAYLOAD(m), tb, IFLA_MAX);
	info->flags = ifi->ifi_flags;
	if (tb[IFLA_ADDRESS] != NULL && RTA_PAYLOAD(tb[IFLA_ADDRESS]) == 6) {
		memcpy(info->mac, RTA_DATA(tb[IFLA_ADDRESS]), 6);
		info->have_mac = 1;
	}
	if (tb[IFLA_MTU] != NULL && RTA_PAYLOAD(tb[IFLA_MTU]) == 4)
		memcpy(&info->mtu, RTA_DATA(tb[IFLA_MTU]), 4);
}

static void
get_link_reply(const struct nlmsghdr *m, void *arg)
{
	if (m->nlmsg_type == RTM_NEWLINK)
		link_msg(m, arg);
}

int
link_nl_get_link(struct mag_link *l, struct link_nl_info *info)
{
	struct nl_req r;

	memset(info, 0, sizeof(*info));
	nl_begin(l, &r, RTM_GETLINK, NLM_F_ACK, sizeof(r.u.ifi));
	r.u.ifi.ifi_family = AF_UNSPEC;
	r.u.ifi.ifi_index = (int)l->ifindex;
	return nl_talk(l, &r, get_link_reply, info);
}

int
link_nl_set_link(struct mag_link *l, int up, const uint8_t *mac)
{
	struct nl_req r;

	nl_begin(l, &r, RTM_SETLINK, NLM_F_ACK, sizeof(r.u.ifi));
	r.u.ifi.ifi_family = AF_UNSPEC;
	r.u.ifi.ifi_index = (int)l->ifindex;
	if (up >= 0) {
		r.u.ifi.ifi_change = IFF_UP;
		r.u.ifi.ifi_flags = up ? IFF_UP : 0;
	}
	if (mac != NULL)
		nl_addattr(&r.n, IFLA_ADDRESS, mac, 6);
	return nl_talk(l, &r, NULL, NULL);
}

int
link_nl_addr(struct mag_link *l, int add, const struct in6_addr *a,
    uint8_t plen, uint32_t flags)
{
	struct nl_req r;

	nl_begin(l, &r, add ? RTM_NEWADDR : RTM_DELADDR,
	    NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0),
	    sizeof(r.u.ifa));
	r.u.ifa.ifa_family = AF_INET6;
	r.u.ifa.ifa_prefixlen = plen;
	r.u.ifa.ifa_flags = (uint8_t)flags;
	r.u.ifa.ifa_scope = RT_SCOPE_LINK;
	r.u.ifa.ifa_index = l->ifindex;
	nl_addattr(&r.n, IFA_LOCAL, a, sizeof(*a));
	nl_addattr(&r.n, IFA_ADDRESS, a, sizeof(*a));
	if (add)
		nl_addattr(&r.n, IFA_FLAGS, &flags, sizeof(flags));
	return nl_talk(l, &r, NULL, NULL);
}

struct scrub {
	struct mag_link	*l;
	long		 own_flags;
	unsigned	 n;
	struct {
		struct in6_addr	 a;
		uint8_t		 plen;
	} del[SCRUB_MAX];
};

static void
scrub_reply(const struct nlmsghdr *m, void *arg)
{
	struct scrub *s = arg;
	struct ifaddrmsg *ifa = NLMSG_DATA(m);
	struct rtattr *tb[IFA_MAX + 1];
	struct in6_addr a;
	uint32_t flags;

	if (m->nlmsg_type != RTM_NEWADDR ||
	    m->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)) ||
	    ifa->ifa_family != AF_INET6 || ifa->ifa_index != s->l->ifindex)
		return;
	parse_attrs(IFA_RTA(ifa), IFA_PAYLOAD(m), tb, IFA_MAX);
	if (tb[IFA_ADDRESS] == NULL || RTA_PAYLOAD(tb[IFA_ADDRESS]) != 16)
		return;
	memcpy(&a, RTA_DATA(tb[IFA_ADDRESS]), 16);
	if (!addr6_is_linklocal(&a))
		return;
	flags = ifa->ifa_flags;
	if (tb[IFA_FLAGS] != NULL && RTA_PAYLOAD(tb[IFA_FLAGS]) == 4)
		memcpy(&flags, RTA_DATA(tb[IFA_FLAGS]), 4);
	if (addr6_eq(&a, &s->l->conf.lladdr))
		s->own_flags = flags;
	else if (s->n < SCRUB_MAX) {
		s->del[s->n].a = a;
		s->del[s->n].plen = ifa->ifa_prefixlen;
		s->n++;
	}
}

int
link_nl_scrub_ll(struct mag_link *l, int del, long *own_flags)
{
	struct scrub s;
	struct nl_req r;
	char buf[INET6_ADDRSTRLEN];
	unsigned i;

	memset(&s, 0, sizeof(s));
	s.l = l;
	s.own_flags = -1;
	nl_begin(l, &r, RTM_GETADDR, NLM_F_DUMP, sizeof(r.u.ifa));
	r.u.ifa.ifa_family = AF_INET6;
	r.u.ifa.ifa_index = l->ifindex;
	if (nl_talk(l, &r, scrub_reply, &s) == -1)
		return -1;
	*own_flags = s.own_flags;
	for (i = 0; del && i < s.n; i++) {
		/*
		 * A second link-local address could become the source of
		 * the kernel's own ND messages, and the node would see a
		 * router that exists on this MAG only.
		 */
		log_info(LOG_SUB_MAG, "%s: deleting link-local %s",
		    l->conf.ifname, addr6_ntop(&s.del[i].a, buf));
		if (link_nl_addr(l, 0, &s.del[i].a, s.del[i].plen, 0) == -1 &&
		    errno != EADDRNOTAVAIL)
			return -1;
	}
	return 0;
}

void
link_nl_ll_state(struct mag_link *l, long flags)
{
	int answer;

	/* The kernel ignores NS for a tentative or optimistic address. */
	answer = flags == -1 || (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED |
	    IFA_F_OPTIMISTIC)) != 0;
	if (answer != l->answer_ns)
		log_debug(LOG_SUB_MAG, "%s: %s answers NS for the router "
		    "address", l->conf.ifname, answer ? "pmip6" : "the kernel");
	l->answer_ns = answer;
}

/*
 * Follows an RTM_*ADDR message about the interface; non-zero if the
 * set-up must be put back: our address went, or another link-local
 * address appeared.
 */
static int
addr_msg(struct mag_link *l, const struct nlmsghdr *m)
{
	struct ifaddrmsg *ifa = NLMSG_DATA(m);
	struct rtattr *tb[IFA_MAX + 1];
	struct in6_addr a;
	uint32_t flags;

	if (m->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)) ||
	    ifa->ifa_family != AF_INET6 || ifa->ifa_index != l->ifindex)
		return 0;
	parse_attrs(IFA_RTA(ifa), IFA_PAYLOAD(m), tb, IFA_MAX);
	if (tb[IFA_ADDRESS] == NULL || RTA_PAYLOAD(tb[IFA_ADDRESS]) != 16)
		return 0;
	memcpy(&a, RTA_DATA(tb[IFA_ADDRESS]), 16);
	if (!addr6_eq(&a, &l->conf.lladdr))
		return m->nlmsg_type == RTM_NEWADDR && addr6_is_linklocal(&a);
	if (m->nlmsg_type == RTM_DELADDR) {
		link_nl_ll_state(l, -1);
		return 1;
	}
	flags = ifa->ifa_flags;
	if (tb[IFA_FLAGS] != NULL && RTA_PAYLOAD(tb[IFA_FLAGS]) == 4)
		memcpy(&flags, RTA_DATA(tb[IFA_FLAGS]), 4);
	link_nl_ll_state(l, flags);
	return 0;
}

void
link_nl_monitor(struct mag_link *l)
{
	uint8_t buf[NL_RXBUF];
	struct link_nl_info info;
	struct ifinfomsg *ifi;
	struct nlmsghdr *m;
	int was_up, reapply = 0;
	ssize_t n;
	size_t left;

	for (;;) {
		if ((n = recv(l->nlfd, buf, sizeof(buf), 0)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			/* ENOBUFS: events were lost, ask for the state. */
			LOG_RL(LOG_SUB_MAG, LOG_LVL_NOTICE, "%s: netlink "
			    "monitor: %s, resynchronising", l->conf.ifname,
			    strerror(errno));
			if (link_nl_get_link(l, &info) == 0) {
				l->mtu = info.mtu;
				link_set_state(l, (info.flags & IFF_UP) &&
				    (info.flags & IFF_RUNNING));
				reapply = 1;
			}
			continue;
		}
		left = (size_t)n;
		for (m = (struct nlmsghdr *)buf; NLMSG_OK(m, left);
		    m = NLMSG_NEXT(m, left)) {
			switch (m->nlmsg_type) {
			case RTM_NEWLINK:
			case RTM_DELLINK:
				ifi = NLMSG_DATA(m);
				if (m->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)) ||
				    (unsigned)ifi->ifi_index != l->ifindex)
					break;
				if (m->nlmsg_type == RTM_DELLINK) {
					log_warnx(LOG_SUB_MAG, "%s: interface "
					    "deleted", l->conf.ifname);
					link_set_state(l, 0);
					break;
				}
				memset(&info, 0, sizeof(info));
				link_msg(m, &info);
				if (info.mtu != 0)
					l->mtu = info.mtu;
				was_up = l->up;
				link_set_state(l, (info.flags & IFF_UP) &&
				    (info.flags & IFF_RUNNING));
				if ((!was_up && l->up) || (info.have_mac &&
				    memcmp(info.mac, l->conf.mac, 6) != 0))
					reapply = 1;
				break;
			case RTM_NEWADDR:
			case RTM_DELADDR:
				if (addr_msg(l, m))
					reapply = 1;
				break;
			}
		}
	}
	if (reapply)
		link_reapply(l);
}
