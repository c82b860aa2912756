/*
 * link.h: the MAG's access links.  One struct mag_link per access
 * interface emulates each mobile node's home link on it (RFC 5213 6.7):
 *
 *  - it gives the interface the router identity every MAG of the domain
 *    shares, FixedMAGLinkLayerAddressOnAllAccessLinks and
 *    FixedMAGLinkLocalAddressOnAllAccessLinks (RFC 5213 6.8, 6.9.3), by
 *    default the RFC 6543 values 00-00-5E-00-52-13 and
 *    fe80::200:5eff:fe00:5213, so a mobile node's default router never
 *    changes when it moves between MAGs;
 *  - it reports a MAC address it has not been told to follow on that
 *    MAC's first frame of any kind (mn_seen), so attachment is detected
 *    even for a node that sends no Router Solicitation;
 *  - it follows the MACs the core accepted: their Router Solicitations
 *    (rs), their silence checked by unicast neighbour probes (mn_gone),
 *    and the carrier of the interface (link_state);
 *  - it sends each mobile node its own Router Advertisement, Ethernet
 *    unicast, carrying only that node's prefixes (RFC 5213 6.9.2).
 *
 * The core decides everything else: whether a MAC is served, when an RA
 * is due (never before the PBA, RFC 5213 6.7) and what it carries.
 *
 * All functions run on the loop's thread.  Callbacks run from the loop
 * and may call any function here for any MAC, except mag_link_close().
 */
#ifndef PMIP6_MAG_LINK_H
#define PMIP6_MAG_LINK_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct loop;
struct mag_link;

/* RFC 6543 reserved values, the defaults of mag_link_conf_init(). */
#define MAG_LINK_DEFAULT_MAC	{ 0x00, 0x00, 0x5e, 0x00, 0x52, 0x13 }
#define MAG_LINK_DEFAULT_LLADDR	"fe80::200:5eff:fe00:5213"

/*
 * Neighbour probing defaults: a tracked node silent for probe_after_ms
 * gets a unicast Neighbor Solicitation every probe_interval_ms and is
 * declared gone once silent for gone_after_ms.  The probe spacing and
 * count follow RFC 4861's RETRANS_TIMER (1 s) and MAX_UNICAST_SOLICIT
 * (3).
 */
#define MAG_LINK_PROBE_AFTER_MS		10000
#define MAG_LINK_PROBE_INTERVAL_MS	1000
#define MAG_LINK_GONE_AFTER_MS		13000
/* An unknown MAC is reported again at most this often. */
#define MAG_LINK_SEEN_HOLDOFF_MS	1000
/* Unknown MACs remembered at once, and new ones accepted per second. */
#define MAG_LINK_MAX_UNKNOWN		4096
#define MAG_LINK_NEW_PER_SEC		100

/* Leave the interface alone: no MAC, address or sysctl changes. */
#define MAG_LINK_F_NO_SETUP	0x01
/* mag_link_close() leaves the interface as set up (daemon restarts). */
#define MAG_LINK_F_KEEP		0x02

struct mag_link_conf {
	char		 ifname[IFNAMSIZ];
	uint8_t		 mac[6];	/* FixedMAGLinkLayerAddress... */
	struct in6_addr	 lladdr;	/* FixedMAGLinkLocalAddress... */
	uint32_t	 probe_after_ms;
	uint32_t	 probe_interval_ms;
	uint32_t	 gone_after_ms;	/* > probe_after_ms */
	uint32_t	 seen_holdoff_ms;
	uint32_t	 max_unknown;
	uint32_t	 new_per_sec;	/* 0: no limit */
	unsigned	 flags;		/* MAG_LINK_F_* */
};

/* Fills the defaults above, with an empty ifname. */
void		 mag_link_conf_init(struct mag_link_conf *conf);

/*
 * Callbacks.  mac points into the library's memory: copy it to keep
 * it.  Any pointer may be NULL.
 *
 * mn_seen: a frame (of any kind: RS, DAD, MLD, DHCPv6, data) came from
 *   a MAC that is neither tracked nor ignored.  Raised again at most
 *   every seen_holdoff_ms while the core does neither.  An RS that
 *   raises mn_seen does not also raise rs: the core sends its first RA
 *   when the PBA arrives anyway (RFC 5213 6.9.1.2).  A core may track
 *   the MAC at once, while it registers it, and answer its RSs only
 *   once the binding is accepted.
 * rs: a valid Router Solicitation (RFC 4861 6.1.1) from a tracked MAC;
 *   its source address, if not ::, becomes the node's RA destination.
 * mn_gone: a tracked MAC stayed silent for gone_after_ms in spite of
 *   the probes.  The MAC is untracked before the call; its next frame
 *   raises mn_seen again.
 * link_state: the interface's carrier came or went (up: IFF_UP and
 *   IFF_RUNNING).  Going down untracks nothing: the core decides.  A
 *   deleted interface stays down for good: close the link.
 */
struct mag_link_cb {
	void	(*mn_seen)(void *ctx, struct mag_link *link,
		    const uint8_t mac[6]);
	void	(*rs)(void *ctx, struct mag_link *link, const uint8_t mac[6]);
	void	(*mn_gone)(void *ctx, struct mag_link *link,
		    const uint8_t mac[6]);
	void	(*link_state)(void *ctx, struct mag_link *link, int up);
};

/*
 * Sets the interface up as an access link and starts listening.
 * Unless MAG_LINK_F_NO_SETUP: sets IPv6 addr_gen_mode none, accept_ra 0,
 * autoconf 0 and forwarding 1 on it (not all.forwarding: that is the
 * data plane's), gives it conf->mac, brings it up, deletes every other
 * link-local address and adds conf->lladdr/64 without DAD, so the
 * kernel answers Neighbor Solicitations for it.  The set-up is put back
 * whenever the interface comes up again or someone removes the address
 * or changes the MAC.  Whenever the kernel cannot answer for lladdr
 * (missing, tentative: always possible with NO_SETUP), the link
 * answers those NS itself.  Needs CAP_NET_ADMIN and CAP_NET_RAW.  0, or
 * -1 with errno set and the interface as it was.
 */
int		 mag_link_open(struct mag_link **linkp, struct loop *loop,
		    const struct mag_link_conf *conf,
		    const struct mag_link_cb *cb, void *ctx);
/*
 * Stops listening, forgets every MAC, and (unless MAG_LINK_F_KEEP or
 * MAG_LINK_F_NO_SETUP) restores the MAC, sysctls, addr_gen_mode and
 * down state it changed and deletes the link-local address it added.
 * Link-local addresses it deleted are not brought back.  NULL is fine.
 */
void		 mag_link_close(struct mag_link *link);

unsigned	 mag_link_ifindex(const struct mag_link *link);
const char	*mag_link_ifname(const struct mag_link *link);
int		 mag_link_is_up(const struct mag_link *link);
/* The interface MTU, for the RA MTU option (RFC 5213 6.9.2 item 3). */
uint32_t	 mag_link_mtu(const struct mag_link *link);

/*
 * The core accepted the MAC: follow it (rs, mn_gone) and stop raising
 * mn_seen for it.  Its silence is counted from now.  Idempotent; 0, or
 * -1 and errno ENOMEM.
 */
int		 mag_link_track(struct mag_link *link, const uint8_t mac[6]);
/*
 * Stop following a tracked MAC: its next frame raises mn_seen at once.
 * A MAC under mag_link_ignore() stays ignored, so a core may ignore a
 * refused MAC and then release it as usual.
 */
void		 mag_link_untrack(struct mag_link *link, const uint8_t mac[6]);
/*
 * Do not raise mn_seen for the MAC for ms milliseconds (untracking it
 * if it was tracked), e.g. after the LMA or RADIUS refused it.  0
 * forgets the MAC whatever its state: its next frame raises mn_seen.
 * mag_link_track() ends an ignore period at once.
 */
void		 mag_link_ignore(struct mag_link *link, const uint8_t mac[6],
		    uint32_t ms);

struct mag_link_mn_info {
	int		 tracked;
	uint64_t	 last_rx_ms;	/* clock_ms() of its latest frame */
	int		 have_lladdr;	/* its link-local address is known */
	struct in6_addr	 lladdr;
	uint32_t	 probes;	/* unanswered probes so far */
};

/*
 * What the link knows about a MAC it tracks or has recently seen, so
 * the core can check a node is still attached before re-registering
 * (RFC 5213 6.9.1.3).  0, or -1 and errno ENOENT.
 */
int		 mag_link_mn_info(const struct mag_link *link,
		    const uint8_t mac[6], struct mag_link_mn_info *info);

struct mag_link_stats {
	uint64_t	 frames;	/* frames past the filter */
	uint64_t	 seen;		/* mn_seen raised */
	uint64_t	 seen_dropped;	/* new MACs over the limits */
	uint64_t	 rs;		/* rs raised */
	uint64_t	 nd_invalid;	/* RS/NS failing RFC 4861 checks */
	uint64_t	 probes;	/* neighbour probes sent */
	uint64_t	 na_sent;	/* NAs we sent for lladdr */
	uint64_t	 gone;		/* mn_gone raised */
	uint64_t	 ra_sent;
	uint64_t	 tx_errors;
	uint32_t	 tracked;	/* MACs tracked now */
	uint32_t	 unknown;	/* unknown or ignored MACs remembered */
};

void		 mag_link_get_stats(const struct mag_link *link,
		    struct mag_link_stats *st);

/*
 * Router Advertisement contents (RFC 4861 4.2, 4.6.2, 4.6.4).  A
 * withdrawal (RFC 5213 6.9.1.4, renumbering) is the same prefixes with
 * both lifetimes 0, and router_lifetime 0 if this router is to stop
 * being the default one too: the caller's choice.
 */
struct mag_ra_prefix {
	struct prefix6	 prefix;	/* sent with L=1, A=1 */
	uint32_t	 valid_lifetime;	/* s, 0xffffffff: infinity */
	uint32_t	 preferred_lifetime;	/* s, cut to valid_lifetime */
};

struct mag_ra {
	uint8_t		 cur_hop_limit;	/* 0: unspecified */
	uint8_t		 managed;	/* M flag (DHCPv6 addresses) */
	uint8_t		 other;		/* O flag (DHCPv6 other config) */
	uint16_t	 router_lifetime;	/* s, 0: not a default router */
	uint32_t	 reachable_time;	/* ms, 0: unspecified */
	uint32_t	 retrans_timer;	/* ms, 0: unspecified */
	uint32_t	 mtu;		/* MTU option; 0: none */
	const struct mag_ra_prefix *prefixes;
	size_t		 nprefixes;
};

/* RFC 4861 6.2.1 defaults: hop limit 64, router lifetime 1800 s. */
#define MAG_RA_CUR_HOP_LIMIT	64
#define MAG_RA_ROUTER_LIFETIME	1800
/* ICMPv6 bytes of an RA with SLLAO, MTU and n prefix options. */
#define MAG_RA_LEN(n)		(16 + 8 + 8 + 32 * (size_t)(n))

/* Zeroes ra and sets the defaults above; no prefixes, no MTU option. */
void		 mag_ra_init(struct mag_ra *ra);

/*
 * Pure builder: writes the ICMPv6 part of an RA (header, Source
 * Link-Layer Address option with src_mac, MTU option if ra->mtu, one
 * Prefix Information option per prefix) into buf, checksum computed
 * over the pseudo-header of src -> dst.  Returns its length, or 0 if
 * it does not fit in cap or a prefix length exceeds 128.
 */
size_t		 mag_link_ra_build(const struct mag_ra *ra,
		    const uint8_t src_mac[6], const struct in6_addr *src,
		    const struct in6_addr *dst, uint8_t *buf, size_t cap);

/*
 * Sends ra to one node: Ethernet unicast to mac, from the shared MAC
 * and link-local address, IPv6 destination the node's link-local
 * address if known (from its RS, NS or other traffic), else ff02::1.
 * The MAC need not be tracked (a withdrawal may follow an untrack).
 * 0, or -1 with errno (EMSGSIZE if the RA does not fit the MTU).
 */
int		 mag_link_send_ra(struct mag_link *link, const uint8_t mac[6],
		    const struct mag_ra *ra);

#endif /* PMIP6_MAG_LINK_H */
