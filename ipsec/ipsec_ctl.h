/*
 * ipsec_ctl.h: libipsecctl, a daemon's end of the link to the pmip6
 * charon plugin (messages in ipsec_proto.h).  No strongSwan in sight.
 *
 * The daemon listens on a SOCK_SEQPACKET socket on its event loop; the
 * plugin inside charon connects to it.  The library keeps one record
 * per peer (SA up or down, since when, SPIs), tells the daemon about
 * every change through one callback, and asks charon for SAs:
 * ipsecctl_initiate() makes a peer wanted, and a wanted peer is asked
 * for again every retry interval while its SA is down, after a failure,
 * after its SA goes down, and whenever charon (re)connects.  That covers
 * both restarts: a new charon says hello, has nothing up, and is asked
 * again; a new daemon gets the plugin's dump of what is up.
 *
 * While charon is not connected no SA counts as up: without charon
 * there is no rekeying and, with kernel-libipsec, no ESP at all.
 */
#ifndef PMIP6_IPSEC_CTL_H
#define PMIP6_IPSEC_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "ipsec_conf.h"
#include "ipsec_proto.h"

struct loop;
struct ipsecctl;

/* One peer as the daemon sees it; read-only for the daemon. */
struct ipsecctl_sa {
	struct in6_addr	 peer;
	struct in6_addr	 local;		/* our end, while up */
	int		 up;
	uint64_t	 since_ms;	/* clock_ms() of the last up/down */
	uint64_t	 initiated_ms;	/* first initiate of the latest attempt
					   (retries included), or 0 */
	uint32_t	 spi_in;	/* while up */
	uint32_t	 spi_out;
	int		 tunnel;	/* while up: tunnel mode */
	int		 wanted;	/* ipsecctl_initiate() without release */
	unsigned	 failures;	/* since the last up */
	char		 reason[IPSEC_REASON_MAX];	/* last failure */
};

enum ipsecctl_event {
	IPSECCTL_UP,		/* sa is up (again after a rekey: new SPIs) */
	IPSECCTL_DOWN,		/* sa went down */
	IPSECCTL_FAIL,		/* setting sa up failed, see sa->reason */
	IPSECCTL_ATTACH,	/* charon connected and told its state; sa NULL */
	IPSECCTL_DETACH,	/* charon went away (downs came first); sa NULL */
};

typedef void	(*ipsecctl_cb)(enum ipsecctl_event ev,
		    const struct ipsecctl_sa *sa, void *ctx);

/*
 * Listen on path (replacing a stale socket; mode 0600: only charon's
 * user and ours may connect).  retry_ms: ipsec.retry_interval.  NULL
 * and errno on failure.
 */
struct ipsecctl	*ipsecctl_open(struct loop *loop, const char *path,
		    uint64_t retry_ms, ipsecctl_cb cb, void *ctx);
void		 ipsecctl_close(struct ipsecctl *c);

/*
 * Want an SA with peer: sent now if charon is connected and the SA is
 * not up, and again as described above until ipsecctl_release().
 * 0, or -1 (ENOMEM).
 */
int		 ipsecctl_initiate(struct ipsecctl *c,
		    const struct in6_addr *peer);
/*
 * Want an SA with peer unless another party sets one up first: if it is
 * still down after delay_ms, as ipsecctl_initiate().  For the side that
 * is normally the responder (an LMA), so that it does not race a MAG
 * re-establishing its SA into two.  0, or -1 (ENOMEM).
 */
int		 ipsecctl_initiate_later(struct ipsecctl *c,
		    const struct in6_addr *peer, uint64_t delay_ms);
/* Stop asking for peer; an SA that is up stays up. */
void		 ipsecctl_release(struct ipsecctl *c,
		    const struct in6_addr *peer);
/* Release peer and ask charon to delete its SAs.  0, or -1 (ENOTCONN). */
int		 ipsecctl_terminate(struct ipsecctl *c,
		    const struct in6_addr *peer);

/*
 * The ipsec `mode' applied (RFC 5213 section 4), for the two places a
 * daemon needs it.  c may be NULL when no ipsec socket was opened.
 *
 * MAG, before sending a PBU to peer: 1 if it may go now (mode off or
 * optional, or required with the SA up), 0 if it must wait for
 * IPSECCTL_UP.  Unless the mode is off, an SA is asked for.
 */
int		 ipsecctl_may_send(struct ipsecctl *c,
		    const struct ipsec_conf *conf, const struct in6_addr *peer);
/*
 * LMA, for an MH from src that arrived on interface ifindex: 1 if it may
 * be processed.  With mode required it must have come through an SA
 * that is up: in tunnel mode kernel-libipsec hands decrypted packets
 * over on its TUN device (ipsec.tun_interface), so ifindex must be that
 * one; in transport mode the kernel's inbound policy has already
 * dropped whatever the SA should have protected and did not.
 */
int		 ipsecctl_rx_allowed(struct ipsecctl *c,
		    const struct ipsec_conf *conf, const struct in6_addr *src,
		    unsigned ifindex);
/*
 * Either daemon, for every MH it receives: 1 to process it; 0 when
 * ipsecctl_rx_allowed() refuses it, which is counted in *dropped and
 * logged (rate-limited).  c NULL (IPsec off) takes everything.
 */
int		 ipsecctl_rx_check(struct ipsecctl *c,
		    const struct ipsec_conf *conf, const struct in6_addr *src,
		    unsigned ifindex, uint64_t *dropped);

/* NULL if the library has never heard of peer. */
const struct ipsecctl_sa *ipsecctl_find(const struct ipsecctl *c,
		    const struct in6_addr *peer);
int		 ipsecctl_is_up(const struct ipsecctl *c,
		    const struct in6_addr *peer);
/* Charon connected and its dump complete. */
int		 ipsecctl_attached(const struct ipsecctl *c);
void		 ipsecctl_foreach(const struct ipsecctl *c,
		    void (*fn)(const struct ipsecctl_sa *sa, void *arg),
		    void *arg);
const char	*ipsecctl_event_name(enum ipsecctl_event ev);
/* "off" (c NULL), "none", "down", "up-tunnel" or "up-transport":
 * the SA with peer, for the daemons' show peers. */
const char	*ipsecctl_state_name(const struct ipsecctl *c,
		    const struct in6_addr *peer);

#endif /* PMIP6_IPSEC_CTL_H */
