/*
 * link_open.c: turning an interface into a PMIPv6 access link and back
 * (RFC 5213 6.8 and 6.9.3, RFC 6543), and the packet socket that hears
 * every mobile node on it.
 *
 * The interface gets the domain's shared MAC and link-local address and
 * no other link-local address, so every ND message the kernel sends on
 * it shows the same router as every other MAG.  The address is added
 * without DAD: all MAGs own it at once, and a node's DAD for it must not
 * make us give it up.  The kernel then answers Neighbor Solicitations
 * for it; while it cannot (address missing or tentative), link_mn.c
 * answers them instead.
 *
 * The packet socket sees each frame a station sends to us: unicast to
 * the shared MAC or multicast (allmulti, so a NIC's multicast filter
 * does not hide a node's DAD or MLD frames).  A classic BPF program
 * drops everything else (and the IEEE 802.1 link-constrained protocols
 * of the switch next to us) before it is copied, and keeps only the
 * headers of most frames: RS and NS whole, since they are validated.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "link_int.h"
#include "log.h"

#define RX_BATCH	64
/*
 * Receive buffer of the packet socket.  Each queued frame costs its
 * skb's truesize (about 1 KB for a 70-byte RS), so 256 KB dropped the
 * first frames of a burst of 1000 new MNs (test/bench/mag_bench.sh).
 */
#define RX_RCVBUF	(4 * 1024 * 1024)

/*
 * Per-interface IPv6 sysctls, in the order they are set (and restored
 * in reverse).  addr_gen_mode none comes first so that nothing later
 * (enabling IPv6, the new MAC, bringing the link up) makes the kernel
 * generate an EUI-64 link-local address; a router neither takes RAs
 * nor autoconfigures, and forwarding 1 makes its NAs carry R=1.  Global
 * forwarding between interfaces is the data plane's business.
 */
static const struct {
	const char	*name;
	const char	*value;
} tunables[] = {
	{ "addr_gen_mode", "1" },	/* IN6_ADDR_GEN_MODE_NONE */
	{ "disable_ipv6", "0" },
	{ "accept_ra", "0" },
	{ "autoconf", "0" },
	{ "forwarding", "1" },
};

static int
sysctl_path(char *path, size_t len, const char *ifname, const char *name)
{
	if ((size_t)snprintf(path, len, "/proc/sys/net/ipv6/conf/%s/%s",
	    ifname, name) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int
sysctl_read(const char *ifname, const char *name, char *val, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	if (sysctl_path(path, sizeof(path), ifname, name) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((n = read(fd, val, len - 1)) >= 0) {
		val[n] = '\0';
		val[strcspn(val, "\n")] = '\0';
	}
	close(fd);
	return n < 0 ? -1 : 0;
}

static int
sysctl_write(const char *ifname, const char *name, const char *val)
{
	char path[128];
	ssize_t n;
	int fd;

	if (sysctl_path(path, sizeof(path), ifname, name) == -1 ||
	    (fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -1 : 0;
}

static int
tune_sysctls(struct mag_link *l)
{
	struct link_saved *sv = &l->saved;
	char old[sizeof(sv->sysctl[0].value)];
	size_t i;

	for (i = 0; i < sizeof(tunables) / sizeof(tunables[0]); i++) {
		if (sysctl_read(l->conf.ifname, tunables[i].name, old,
		    sizeof(old)) == -1) {
			log_warn(LOG_SUB_MAG, "%s: reading %s", l->conf.ifname,
			    tunables[i].name);
			return -1;
		}
		if (strcmp(old, tunables[i].value) == 0)
			continue;
		if (sysctl_write(l->conf.ifname, tunables[i].name,
		    tunables[i].value) == -1) {
			log_warn(LOG_SUB_MAG, "%s: setting %s", l->conf.ifname,
			    tunables[i].name);
			return -1;
		}
		sv->sysctl[sv->sysctl_n].name = tunables[i].name;
		memcpy(sv->sysctl[sv->sysctl_n].value, old, sizeof(old));
		sv->sysctl_n++;
	}
	return 0;
}

/* Some drivers take a new MAC only while down (EBUSY when up). */
static int
set_mac(struct mag_link *l, const uint8_t mac[6])
{
	if (link_nl_set_link(l, -1, mac) == 0)
		return 0;
	if (errno != EBUSY)
		return -1;
	if (link_nl_set_link(l, 0, NULL) == -1)
		return -1;
	if (link_nl_set_link(l, -1, mac) == -1) {
		(void)link_nl_set_link(l, 1, NULL);
		return -1;
	}
	return link_nl_set_link(l, 1, NULL);
}

/* Our link-local address on, every other one off. */
static int
ll_setup(struct mag_link *l)
{
	long fl;

	if (link_nl_scrub_ll(l, 1, &fl) == -1)
		return -1;
	/*
	 * Put there by someone else with DAD: it would be tentative for
	 * a second after each carrier change, and could be given up for
	 * a node's collision probe.
	 */
	if (fl != -1 && (!(fl & IFA_F_NODAD) || (fl & (IFA_F_DADFAILED |
	    IFA_F_OPTIMISTIC)))) {
		if (link_nl_addr(l, 0, &l->conf.lladdr, 64, 0) == -1 &&
		    errno != EADDRNOTAVAIL)
			return -1;
		fl = -1;
	}
	if (fl == -1) {
		if (link_nl_addr(l, 1, &l->conf.lladdr, 64, IFA_F_NODAD) == -1)
			return -1;
		l->saved.ll_added = 1;
	}
	return 0;
}

static int
setup(struct mag_link *l, const struct link_nl_info *info)
{
	if (tune_sysctls(l) == -1)
		return -1;
	if (!info->have_mac || memcmp(info->mac, l->conf.mac, 6) != 0) {
		if (set_mac(l, l->conf.mac) == -1) {
			log_warn(LOG_SUB_MAG, "%s: setting the MAC",
			    l->conf.ifname);
			return -1;
		}
		l->saved.mac_changed = info->have_mac;
		memcpy(l->saved.mac, info->mac, 6);
	}
	if (!(info->flags & IFF_UP)) {
		if (link_nl_set_link(l, 1, NULL) == -1) {
			log_warn(LOG_SUB_MAG, "%s: bringing it up",
			    l->conf.ifname);
			return -1;
		}
		l->saved.was_down = 1;
	}
	if (ll_setup(l) == -1) {
		log_warn(LOG_SUB_MAG, "%s: setting the link-local address",
		    l->conf.ifname);
		return -1;
	}
	return 0;
}

static void
restore(struct mag_link *l)
{
	struct link_saved *sv = &l->saved;
	char name[IF_NAMESIZE];
	int i;

	/* Gone (or renamed): nothing left to restore, or not by name. */
	if (if_indextoname(l->ifindex, name) == NULL ||
	    strcmp(name, l->conf.ifname) != 0) {
		memset(sv, 0, sizeof(*sv));
		return;
	}
	if (sv->ll_added && link_nl_addr(l, 0, &l->conf.lladdr, 64, 0) == -1 &&
	    errno != EADDRNOTAVAIL)
		log_warn(LOG_SUB_MAG, "%s: deleting the link-local address",
		    l->conf.ifname);
	if (sv->mac_changed && set_mac(l, sv->mac) == -1)
		log_warn(LOG_SUB_MAG, "%s: restoring the MAC", l->conf.ifname);
	if (sv->was_down && link_nl_set_link(l, 0, NULL) == -1)
		log_warn(LOG_SUB_MAG, "%s: setting it down", l->conf.ifname);
	/* addr_gen_mode last: the kernel regenerates from the old MAC. */
	for (i = sv->sysctl_n - 1; i >= 0; i--)
		if (sysctl_write(l->conf.ifname, sv->sysctl[i].name,
		    sv->sysctl[i].value) == -1)
			log_warn(LOG_SUB_MAG, "%s: restoring %s",
			    l->conf.ifname, sv->sysctl[i].name);
	memset(sv, 0, sizeof(*sv));
}

void
link_reapply(struct mag_link *l)
{
	struct link_nl_info info;
	long fl;

	if (l->conf.flags & MAG_LINK_F_NO_SETUP) {
		if (link_nl_scrub_ll(l, 0, &fl) == 0)
			link_nl_ll_state(l, fl);
		return;
	}
	if (link_nl_get_link(l, &info) == -1)
		goto fail;
	if (info.have_mac && memcmp(info.mac, l->conf.mac, 6) != 0) {
		log_notice(LOG_SUB_MAG, "%s: MAC changed behind our back, "
		    "setting it again", l->conf.ifname);
		if (set_mac(l, l->conf.mac) == -1)
			goto fail;
	}
	if (ll_setup(l) == -1)
		goto fail;
	return;
fail:
	LOG_RL(LOG_SUB_MAG, LOG_LVL_WARN, "%s: cannot restore the access "
	    "link set-up: %s", l->conf.ifname, strerror(errno));
}

#define JMP(from, to)	((uint8_t)((to) - (from) - 1))

size_t
link_bpf(const uint8_t mac[6], struct sock_filter *prog, size_t cap)
{
	uint32_t hi = (uint32_t)mac[0] << 8 | mac[1];
	uint32_t lo = (uint32_t)mac[2] << 24 | (uint32_t)mac[3] << 16 |
	    (uint32_t)mac[4] << 8 | mac[5];
	enum {
		SRC_LO, SRC_LO_EQ, SRC_HI, SRC_HI_EQ, SRC_GRP, SRC_GRP_SET,
		DST_GRP, DST_GRP_SET, DST_LO, DST_LO_EQ, DST_HI, DST_HI_EQ,
		GRP_HI, GRP_HI_EQ, GRP_LO, GRP_LO_AND, GRP_LO_EQ, TYPE, TYPE_EQ, NH, NH_EQ, ICMP, IS_RS, IS_NS,
		SHORT, LONG, DROP, NINSN
	};
	const struct sock_filter p[NINSN] = {
		/* Our own frames (other MAGs on a shared segment too). */
		[SRC_LO] = BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 8),
		[SRC_LO_EQ] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, lo,
		    0, JMP(SRC_LO_EQ, SRC_GRP)),
		[SRC_HI] = BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
		[SRC_HI_EQ] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, hi,
		    JMP(SRC_HI_EQ, DROP), 0),
		/* A group source address is no station. */
		[SRC_GRP] = BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 6),
		[SRC_GRP_SET] = BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1,
		    JMP(SRC_GRP_SET, DROP), 0),
		/* Multicast and broadcast for anyone, unicast for us. */
		[DST_GRP] = BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		[DST_GRP_SET] = BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1,
		    JMP(DST_GRP_SET, GRP_HI), 0),
		[DST_LO] = BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
		[DST_LO_EQ] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, lo,
		    0, JMP(DST_LO_EQ, DROP)),
		[DST_HI] = BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0),
		[DST_HI_EQ] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, hi,
		    JMP(DST_HI_EQ, TYPE), JMP(DST_HI_EQ, DROP)),
		/*
		 * 01:80:c2:00:00:0x (STP, LACP, LLDP, ...): bridges never
		 * relay these, so they come from the switch or access point
		 * next to us, never from a mobile node.
		 */
		[GRP_HI] = BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0),
		[GRP_HI_EQ] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0180,
		    0, JMP(GRP_HI_EQ, TYPE)),
		[GRP_LO] = BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
		[GRP_LO_AND] = BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xfffffff0),
		[GRP_LO_EQ] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xc2000000,
		    JMP(GRP_LO_EQ, DROP), 0),
		/* IPv6 carrying ICMPv6 RS or NS: whole. */
		[TYPE] = BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		[TYPE_EQ] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6,
		    0, JMP(TYPE_EQ, SHORT)),
		[NH] = BPF_STMT(BPF_LD | BPF_B | BPF_ABS, ETH_HLEN_ + 6),
		[NH_EQ] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6,
		    0, JMP(NH_EQ, SHORT)),
		[ICMP] = BPF_STMT(BPF_LD | BPF_B | BPF_ABS, ND_HDR_OFF),
		[IS_RS] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ND_RS_,
		    JMP(IS_RS, LONG), 0),
		[IS_NS] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ND_NS_,
		    JMP(IS_NS, LONG), JMP(IS_NS, SHORT)),
		[SHORT] = BPF_STMT(BPF_RET | BPF_K, LINK_SNAP_SHORT),
		[LONG] = BPF_STMT(BPF_RET | BPF_K, LINK_SNAP_LONG),
		[DROP] = BPF_STMT(BPF_RET | BPF_K, 0),
	};

	if (cap < NINSN)
		return 0;
	memcpy(prog, p, sizeof(p));
	return NINSN;
}

static int
pkt_xmit(struct mag_link *l, const uint8_t *f, size_t len)
{
	ssize_t n;

	while ((n = send(l->pfd, f, len, 0)) == -1 && errno == EINTR)
		;
	return n == (ssize_t)len ? 0 : -1;
}

static void
pkt_read(int fd, uint32_t events, void *arg)
{
	struct mag_link *l = arg;
	uint8_t buf[LINK_FRAME_MAX];
	struct sockaddr_ll sll;
	socklen_t slen;
	ssize_t n;
	int i;

	(void)events;
	/* A bounded batch: the loop comes back while frames are queued. */
	for (i = 0; i < RX_BATCH; i++) {
		slen = sizeof(sll);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sll,
		    &slen);
		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				LOG_RL(LOG_SUB_MAG, LOG_LVL_WARN, "%s: packet "
				    "socket: %s", l->conf.ifname,
				    strerror(errno));
			return;
		}
		if (sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		link_rx(l, buf, (size_t)n, (size_t)n);
	}
}

static int
pkt_open(struct mag_link *l)
{
	struct sock_filter insn[32];
	struct sock_fprog prog;
	struct packet_mreq mr;
	struct sockaddr_ll sll;
	int fd, one = 1, rcvbuf = RX_RCVBUF;

	/* Protocol 0 hears nothing until bind(), after the filter is on. */
	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	prog.len = (unsigned short)link_bpf(l->conf.mac, insn, 32);
	prog.filter = insn;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1)
		goto fail;
	/* Our sends would come back to us otherwise (kernel >= 4.20). */
	(void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one));
	/* Past net.core.rmem_max with CAP_NET_ADMIN, which we hold. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)l->ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		goto fail;
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = (int)l->ifindex;
	mr.mr_type = PACKET_MR_ALLMULTI;
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
	    sizeof(mr)) == -1)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static void
nl_read(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	link_nl_monitor(arg);
}

/* Events our own set-up caused describe states already gone. */
static void
nl_drain(int fd)
{
	uint8_t buf[4096];
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0 || (n == -1 && (errno == ENOBUFS || errno == EINTR)))
			continue;
		break;
	}
}

int
mag_link_open(struct mag_link **lp, struct loop *loop,
    const struct mag_link_conf *conf, const struct mag_link_cb *cb,
    void *ctx)
{
	struct link_nl_info info;
	struct mag_link *l;
	long fl;
	int saved;

	*lp = NULL;
	if ((l = link_new(loop, conf, cb, ctx)) == NULL)
		return -1;
	if ((l->ifindex = if_nametoindex(l->conf.ifname)) == 0) {
		log_warn(LOG_SUB_MAG, "access interface %s", l->conf.ifname);
		goto fail;
	}
	if ((l->reqfd = link_nl_open(0)) == -1 ||
	    (l->nlfd = link_nl_open(RTMGRP_LINK | RTMGRP_IPV6_IFADDR)) == -1) {
		log_warn(LOG_SUB_MAG, "%s: netlink", l->conf.ifname);
		goto fail;
	}
	if (link_nl_get_link(l, &info) == -1) {
		log_warn(LOG_SUB_MAG, "%s: reading the link", l->conf.ifname);
		goto fail;
	}
	if (!(l->conf.flags & MAG_LINK_F_NO_SETUP) && setup(l, &info) == -1)
		goto fail;
	if ((l->pfd = pkt_open(l)) == -1) {
		log_warn(LOG_SUB_MAG, "%s: packet socket", l->conf.ifname);
		goto fail;
	}
	nl_drain(l->nlfd);
	if (link_nl_get_link(l, &info) == -1 ||
	    link_nl_scrub_ll(l, 0, &fl) == -1) {
		log_warn(LOG_SUB_MAG, "%s: reading the link", l->conf.ifname);
		goto fail;
	}
	l->mtu = info.mtu;
	l->up = (info.flags & IFF_UP) && (info.flags & IFF_RUNNING);
	link_nl_ll_state(l, fl);
	if (loop_add_fd(loop, l->pfd, EPOLLIN, pkt_read, l) == -1)
		goto fail;
	if (loop_add_fd(loop, l->nlfd, EPOLLIN, nl_read, l) == -1) {
		loop_del_fd(loop, l->pfd);
		goto fail;
	}
	l->xmit = pkt_xmit;
	log_info(LOG_SUB_MAG, "%s: access link ready (ifindex %u, %s)",
	    l->conf.ifname, l->ifindex, l->up ? "up" : "down");
	*lp = l;
	return 0;
fail:
	saved = errno;
	if (l->reqfd != -1)
		restore(l);
	if (l->pfd != -1)
		close(l->pfd);
	if (l->nlfd != -1)
		close(l->nlfd);
	if (l->reqfd != -1)
		close(l->reqfd);
	link_free(l);
	errno = saved;
	return -1;
}

void
mag_link_close(struct mag_link *l)
{
	if (l == NULL)
		return;
	loop_del_fd(l->loop, l->pfd);
	loop_del_fd(l->loop, l->nlfd);
	close(l->pfd);
	close(l->nlfd);
	l->xmit = NULL;
	if (!(l->conf.flags & (MAG_LINK_F_NO_SETUP | MAG_LINK_F_KEEP)))
		restore(l);
	close(l->reqfd);
	log_info(LOG_SUB_MAG, "%s: access link closed", l->conf.ifname);
	link_free(l);
}

unsigned
mag_link_ifindex(const struct mag_link *l)
{
	return l->ifindex;
}

const char *
mag_link_ifname(const struct mag_link *l)
{
	return l->conf.ifname;
}

int
mag_link_is_up(const struct mag_link *l)
{
	return l->up;
}

uint32_t
mag_link_mtu(const struct mag_link *l)
{
	return l->mtu;
}
