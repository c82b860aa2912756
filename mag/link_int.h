/*
 * link_int.h: what the access-link files (mag/link_*.c) share among
 * themselves and with test/check_link.c.  The MAG core uses link.h only.
 *
 *   link_ra.c    pure builders: RA, IPv6 + Ethernet headers, checksum
 *   link_nd.c    pure frame parser (RS, NS validity) and NS/NA/echo
 *                builders
 *   link_mn.c    the MAC table, receive dispatch, neighbour probing,
 *                sending RAs: everything that runs on a struct mag_link
 *                without touching the system
 *   link_nl.c    rtnetlink requests and the link/address monitor
 *   link_open.c  interface set-up and restore, the packet socket and
 *                its filter
 */
#ifndef PMIP6_MAG_LINK_INT_H
#define PMIP6_MAG_LINK_INT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

#include "link.h"
#include "loop.h"

#define ETH_HLEN_	14
#define IP6_HLEN_	40
#define ND_HDR_OFF	(ETH_HLEN_ + IP6_HLEN_)	/* ICMPv6 in a frame */
/* Largest frame we build: Ethernet header plus a 1500-byte MTU. */
#define LINK_FRAME_MAX	(ETH_HLEN_ + 1500)

#define ICMP6_ECHO_REQ_	128
#define ND_RS_		133
#define ND_RA_		134
#define ND_NS_		135
#define ND_NA_		136

/* --- link_ra.c ---------------------------------------------------- */

/*
 * Internet checksum over the IPv6 pseudo-header (src, dst, upper-layer
 * length len, next header nh) and data (RFC 8200 8.1), ready to store:
 * computed with the checksum field zeroed.  link_csum6_ok() checks a
 * received one, checksum field included.
 */
uint16_t	 link_csum6(const struct in6_addr *src,
		    const struct in6_addr *dst, uint8_t nh,
		    const uint8_t *data, size_t len);
int		 link_csum6_ok(const struct in6_addr *src,
		    const struct in6_addr *dst, uint8_t nh,
		    const uint8_t *data, size_t len);
/*
 * Ethernet + IPv6 headers for an ICMPv6 payload of plen bytes (hop
 * limit 255, as every ND message needs).  buf holds ND_HDR_OFF bytes.
 */
void		 link_frame_hdr(uint8_t *buf, const uint8_t dst_mac[6],
		    const uint8_t src_mac[6], const struct in6_addr *src,
		    const struct in6_addr *dst, size_t plen);

/* --- link_nd.c ---------------------------------------------------- */

enum link_nd {
	LINK_ND_NONE,		/* not an RS or NS, or not IPv6 */
	LINK_ND_RS,		/* valid per RFC 4861 6.1.1 */
	LINK_ND_NS,		/* valid per RFC 4861 7.1.1 */
	LINK_ND_INVALID,	/* an RS or NS that failed a check */
};

/* One received frame, flattened; nothing points into the frame. */
struct link_pkt {
	uint8_t		 dst_mac[6];
	uint8_t		 src_mac[6];
	uint16_t	 ethertype;
	int		 ipv6;		/* the addresses below are valid */
	uint8_t		 nh;		/* IPv6 next header */
	uint8_t		 hlim;
	struct in6_addr	 src;
	struct in6_addr	 dst;
	enum link_nd	 nd;
	struct in6_addr	 target;	/* NS */
};

/*
 * Parses a frame captured as caplen of its len bytes.  -1 if shorter
 * than an Ethernet header.  RS and NS are validated only when captured
 * whole; a truncated one is LINK_ND_INVALID.
 */
int		 link_parse(const uint8_t *f, size_t caplen, size_t len,
		    struct link_pkt *p);
/*
 * Whole frames (Ethernet to end of ICMPv6) into buf of cap bytes;
 * each returns the length, or 0 if cap is too small.
 *
 * NS: unicast Neighbor Solicitation for target, sent to target itself
 * (RFC 4861 7.2.2 NUD probe), with a Source Link-Layer Address option.
 * NA: solicited answer for our own address target, R=1 S=1 O=1, with a
 * Target Link-Layer Address option, to dst.
 * Echo: an ICMPv6 Echo Request to ff02::1 (only one node gets it: the
 * frame is Ethernet unicast), when no address of the node is known.
 */
size_t		 link_ns_build(uint8_t *buf, size_t cap,
		    const uint8_t dst_mac[6], const uint8_t src_mac[6],
		    const struct in6_addr *src, const struct in6_addr *target);
size_t		 link_na_build(uint8_t *buf, size_t cap,
		    const uint8_t dst_mac[6], const uint8_t src_mac[6],
		    const struct in6_addr *src, const struct in6_addr *dst,
		    const struct in6_addr *target);
size_t		 link_echo_build(uint8_t *buf, size_t cap,
		    const uint8_t dst_mac[6], const uint8_t src_mac[6],
		    const struct in6_addr *src, uint16_t id, uint16_t seq);

/* --- link_mn.c ---------------------------------------------------- */

/* A MAC the link knows: tracked, or unknown and recently reported. */
struct link_mn {
	struct link_mn	*next;		/* hash chain */
	struct mag_link	*link;
	uint8_t		 mac[6];
	uint8_t		 tracked;
	uint8_t		 have_ll;
	uint8_t		 have_ga;
	struct in6_addr	 ll;		/* its link-local address */
	struct in6_addr	 ga;		/* some other unicast address of it */
	uint64_t	 last_rx;	/* clock_ms() of its latest frame */
	uint64_t	 quiet_until;	/* untracked: no mn_seen before */
	uint32_t	 probes;	/* sent since its latest frame */
	struct timer	 nud;		/* tracked: next probe or verdict */
};

/* What mag_link_open() changed, so close can put it back. */
struct link_saved {
	int		 mac_changed;
	uint8_t		 mac[6];
	int		 was_down;
	int		 ll_added;
	int		 sysctl_n;
	struct {
		const char	*name;
		char		 value[16];
	} sysctl[5];
};

struct mag_link {
	struct loop		*loop;
	struct mag_link_conf	 conf;
	struct mag_link_cb	 cb;
	void			*ctx;
	unsigned		 ifindex;
	uint32_t		 mtu;
	int			 up;
	/* Kernel does not own lladdr usably: we answer NS for it. */
	int			 answer_ns;

	/* Sends one whole frame; the packet socket, or a test's capture. */
	int			(*xmit)(struct mag_link *link,
				    const uint8_t *frame, size_t len);
	int			 pfd;		/* AF_PACKET */
	int			 nlfd;		/* rtnetlink monitor */
	int			 reqfd;		/* rtnetlink requests */
	uint32_t		 nlseq;
	struct link_saved	 saved;

	struct link_mn		**bucket;
	uint32_t		 nbucket;	/* a power of two */
	uint64_t		 seed;
	uint32_t		 ntracked;
	uint32_t		 nunknown;
	struct timer		 sweep;		/* frees stale unknown MACs */
	uint64_t		 tb_level;	/* mn_seen budget, 1/1000s */
	uint64_t		 tb_at;
	uint16_t		 echo_seq;
	struct mag_link_stats	 st;
};

/*
 * The system-free half of a link: tables and timers, fds -1, xmit
 * NULL (frames dropped, counted as tx errors).  NULL and errno on
 * failure (EINVAL for a bad conf).
 */
struct mag_link	*link_new(struct loop *loop, const struct mag_link_conf *conf,
		    const struct mag_link_cb *cb, void *ctx);
void		 link_free(struct mag_link *link);
/* One frame from the packet socket (or a test). */
void		 link_rx(struct mag_link *link, const uint8_t *f,
		    size_t caplen, size_t len);
/* Carrier state from the monitor; calls link_state on a change. */
void		 link_set_state(struct mag_link *link, int up);
int		 link_xmit(struct mag_link *link, const uint8_t *f, size_t len);

/* --- link_nl.c ---------------------------------------------------- */

struct link_nl_info {
	unsigned	 flags;		/* IFF_* */
	uint8_t		 mac[6];
	int		 have_mac;
	uint32_t	 mtu;
};

int		 link_nl_open(unsigned groups);		/* fd or -1 */
int		 link_nl_get_link(struct mag_link *link,
		    struct link_nl_info *info);
/* Sets IFF_UP to up (if up >= 0) and the MAC (if mac). */
int		 link_nl_set_link(struct mag_link *link, int up,
		    const uint8_t *mac);
int		 link_nl_addr(struct mag_link *link, int add,
		    const struct in6_addr *a, uint8_t plen, uint32_t flags);
/*
 * *own_flags gets lladdr's IFA_F_* flags on the interface, or -1 if it
 * is absent; with del, the other link-local addresses are deleted.
 */
int		 link_nl_scrub_ll(struct mag_link *link, int del,
		    long *own_flags);
/*
 * Records the state of lladdr on the interface (IFA_F_* flags, -1 if
 * absent): unless usable by the kernel, link_rx() answers NS for it.
 */
void		 link_nl_ll_state(struct mag_link *link, long flags);
/* Reads the monitor socket; calls link_set_state / link_reapply. */
void		 link_nl_monitor(struct mag_link *link);

/* --- link_open.c -------------------------------------------------- */

/* Puts lladdr back after the interface came up or lost addresses. */
void		 link_reapply(struct mag_link *link);

/*
 * The packet socket's filter for an interface with MAC mac: frames
 * from mac or from a group address are dropped, so are unicast frames
 * to another MAC and frames to 01:80:c2:00:00:0x; RS and NS are kept
 * whole up to LINK_SNAP_LONG bytes,
 * anything else cut to LINK_SNAP_SHORT (Ethernet and IPv6 headers).
 * Returns the number of instructions (LINK_BPF_LEN), 0 if cap is less.
 */
#define LINK_SNAP_SHORT	64
#define LINK_SNAP_LONG	512
#define LINK_BPF_LEN	27
size_t		 link_bpf(const uint8_t mac[6], struct sock_filter *prog,
		    size_t cap);

#endif /* PMIP6_MAG_LINK_INT_H */
