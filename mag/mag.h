/*
 * mag.h: state shared by the files of pmip6-mag (RFC 5213 section 6).
 *
 * Internal to mag/.  The protocol core (mag_pbu.c, mag_mn.c) reaches the
 * world through narrow doors so unit tests can drive it in one process:
 * send() for Mobility Headers, struct mag_io for everything touching
 * the access links, RADIUS and the data plane, and the clocks.
 */
#ifndef PMIP6_MAG_H
#define PMIP6_MAG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>

#include "aaa.h"
#include "addr.h"
#include "bce.h"
#include "conf.h"
#include "hb.h"
#include "ipsec_conf.h"
#include "log.h"
#include "loop.h"
#include "mh.h"

#define MAG_MAX_HNP	8

enum mag_profile_source { MAG_PROFILE_RADIUS, MAG_PROFILE_STATIC };

struct mag_access_conf {
	char		 ifname[IFNAMSIZ];
	int		 att;			/* RFC 5213 8.5 */
};

struct mag_static_profile {
	char		 mac[18];
	char		 mnid[254];
	struct in6_addr	 lma;			/* :: = the default LMA */
	struct conf_list hnp;			/* prefix6; empty: LMA assigns */
};

struct mag_conf {
	struct in6_addr	 address;		/* Proxy-CoA */
	struct in6_addr	 lma;			/* default LMA */
	struct conf_list access;		/* struct mag_access_conf */
	int		 profile_source;
	struct conf_list profiles;		/* struct mag_static_profile */
	struct in6_addr	 link_local;		/* RFC 6543 */
	char		 link_mac[18];

	int		 lifetime;		/* s, requested */
	uint64_t	 InitialBindackTimeoutFirstReg;	/* ms */
	uint64_t	 INITIAL_BINDACK_TIMEOUT;	/* ms */
	uint64_t	 MAX_BINDACK_TIMEOUT;		/* ms */
	int		 max_retransmissions;
	int		 refresh_percent;	/* re-register at this % */
	int		 TimestampBasedApproachInUse;

	int		 ra_managed;		/* M flag */
	int		 ra_other;		/* O flag */
	int		 ra_mtu;		/* 0: no MTU option */
	int		 ra_interval;		/* s between unsolicited RAs */
	int		 router_lifetime;	/* s */
	uint64_t	 probe_after;		/* ms idle before NUD probes */
	uint64_t	 gone_after;		/* ms silent before detach */
	uint64_t	 reject_holddown;	/* ms a rejected MAC is ignored */
	int		 new_mns_per_second;	/* first frames acted on */

	int		 HEARTBEAT_INTERVAL;
	int		 MISSING_HEARTBEATS_ALLOWED;

	int		 dataplane;
	char		 control_socket[108];
	int		 log_level;
	int		 expected_mns;
	struct ipsec_conf ipsec;		/* RFC 5213 4, per LMA */

	/* The radius group, described by aaa/'s own schema. */
	struct aaa_config radius;
};

enum mag_state {
	MAG_S_AUTH,		/* waiting for RADIUS */
	MAG_S_REG,		/* PBU sent, waiting for the PBA */
	MAG_S_BOUND,		/* accepted, routes up, RA sent */
	MAG_S_DEREG,		/* de-registration sent */
	MAG_S_FAILED,		/* refused: no service, held down */
};

struct mag_iface;

/* One mobile node attached to one access interface: a Binding Update
 * List entry (RFC 5213 6.1) around the shared binding cache entry. */
struct mag_mn {
	struct bce		 b;	/* MN-ID, ATT, LLI = MAC, HNPs, LMA */
	struct mag		*mag;
	struct mag_iface	*ifc;
	struct mag_mn		*mac_next;	/* MAC index chain */
	uint8_t			 mac[6];
	uint8_t			 state;
	uint8_t			 hi;		/* HI of the current PBU */
	uint8_t			 routed;
	uint8_t			 n_req;
	uint8_t			 ra_sent;
	uint16_t		 seq;
	uint32_t		 lifetime;	/* granted, s */
	uint32_t		 tries;
	uint32_t		 rto_ms;
	uint64_t		 first_ms;	/* first frame seen */
	uint64_t		 bound_ms;
	uint64_t		 aaa_id;
	uint32_t		 session_timeout;
	void			*priv;		/* the daemon's (RADIUS) */
	struct in6_addr		 lma;
	struct prefix6		 req[MAG_MAX_HNP];	/* to ask for */
	struct bce_hnp		 hnp_node[MAG_MAX_HNP];	/* granted */
	struct timer		 timer;		/* retransmit or refresh */
	struct timer		 ra_timer;	/* unsolicited RAs */
	struct timer		 sess_timer;	/* RADIUS Session-Timeout */
	struct timer		 acct_timer;	/* interim accounting */
	uint32_t		 acct_interim;	/* s, 0: none */
};

/* What the core needs from the outside; the daemon fills these in with
 * the access-link module, RADIUS and the data plane, tests with fakes. */
struct mag_io {
	void	*ctx;
	/* Start RADIUS for a MAC; the answer comes through mag_aaa_done().
	 * Returns a request id, 0 on failure. */
	uint64_t (*auth)(void *ctx, struct mag_mn *);
	void	 (*auth_cancel)(void *ctx, uint64_t id);
	void	 (*acct)(void *ctx, struct mag_mn *, int type);
	/* Follow, forget, or ignore a MAC on its link. */
	void	 (*track)(void *ctx, struct mag_mn *, int on);
	void	 (*ignore)(void *ctx, struct mag_iface *, const uint8_t *mac,
		    uint32_t ms);
	/* RA with the MN's prefixes, lifetimes bounded by the binding's;
	 * withdraw: zero lifetimes. */
	int	 (*ra)(void *ctx, struct mag_mn *, int withdraw);
	/* Data plane: tunnel to the LMA, uplink and downlink routes. */
	int	 (*dp_up)(void *ctx, struct mag_mn *);
	void	 (*dp_down)(void *ctx, struct mag_mn *);
	/* MH out; src is the Proxy-CoA. */
	int	 (*send)(void *ctx, const struct in6_addr *dst,
		    const uint8_t *mh, size_t len);
	void	 (*event)(void *ctx, const char *what, const struct mag_mn *);
	/* The entry is about to be freed: drop mn->priv. */
	void	 (*release)(void *ctx, struct mag_mn *);
};

struct mag_iface {
	struct mag		*mag;
	char			 name[IFNAMSIZ];
	unsigned		 ifindex;
	uint8_t			 att;
	void			*link;		/* the access-link module's */
};

struct mag_stats {
	uint64_t	 rx[256], tx[256];
	uint64_t	 pba_status[256];
	uint64_t	 attach, accept, reject, aaa_timeout;
	uint64_t	 reg_failed, retransmits, detach, revoked;
	uint64_t	 rx_malformed, rx_unmatched;
	uint64_t	 lma_restarts;
};

/* The static profiles by MAC (mag_profile.c). */
struct mag_profile_slot;
struct mag_profiles {
	struct mag_profile_slot	*slot;
	size_t			 mask;
	uint64_t		 seed;
	const struct mag_static_profile *profiles;
};

struct mag {
	struct mag_conf		 conf;
	struct mag_profiles	 profiles;	/* of conf.profiles */
	struct loop		*loop;
	struct bce_cache	*cache;		/* MN-ID, HNP, LMA indexes */
	struct mag_mn		**mac_tab;	/* MAC index */
	size_t			 mac_mask, n_mn;
	uint64_t		 mac_seed;
	struct mag_iface	*ifc;
	unsigned		 n_ifc;
	struct mag_io		 io;
	struct mag_stats	 stats;
	uint16_t		 next_seq;
	int64_t			 clock_offset_ms;	/* from status 156 */
	uint64_t		 (*realtime_ts)(void);
	struct hb		 hb;		/* RFC 5847 */
	uint32_t		 restart_counter;
};

/* mag_conf.c */
extern const struct conf_field mag_conf_schema[];
int	 mag_conf_load(struct mag_conf *, const char *path,
	    struct conf_err *err);
void	 mag_conf_release(struct mag_conf *);

/* mag_profile.c: the index points into profiles, which must outlive it. */
int	 mag_profiles_build(struct mag_profiles *,
	    const struct conf_list *profiles, uint64_t seed);
void	 mag_profiles_free(struct mag_profiles *);
const struct mag_static_profile *mag_profiles_find(
	    const struct mag_profiles *, const uint8_t *mac);

/* mag_core.c */
int	 mag_init(struct mag *, struct loop *, const struct mag_conf *);
void	 mag_shutdown(struct mag *);
void	 mag_input(struct mag *, const uint8_t *buf, size_t len,
	    const struct in6_addr *src);
int	 mag_send_msg(struct mag *, const struct mag_mn *,
	    const struct mh_msg *, const struct in6_addr *dst);
struct mag_mn *mag_mn_by_mac(const struct mag *, const struct mag_iface *,
	    const uint8_t *mac);
void	 mag_mac_add(struct mag *, struct mag_mn *);
void	 mag_mac_del(struct mag *, struct mag_mn *);
/* Every MN, for walks that are not on a hot path; fn may free mn. */
void	 mag_foreach(struct mag *, void (*fn)(struct mag *, struct mag_mn *,
	    void *), void *ctx);
uint64_t mag_realtime_ts(void);

/* mag_mn.c: attachment life cycle */
void	 mag_mn_seen(struct mag *, struct mag_iface *, const uint8_t *mac);
void	 mag_mn_rs(struct mag *, struct mag_iface *, const uint8_t *mac);
void	 mag_mn_gone(struct mag *, struct mag_iface *, const uint8_t *mac,
	    const char *why);
void	 mag_link_down(struct mag *, struct mag_iface *);
/* RADIUS answered (res: 0 accept, 1 reject, 2 timeout/error). */
struct mag_profile {
	uint8_t		 mnid[254];
	size_t		 mnid_len;
	int		 has_lma;
	struct in6_addr	 lma;
	unsigned	 n_hnp;
	struct prefix6	 hnp[MAG_MAX_HNP];
	uint32_t	 session_timeout;
	uint32_t	 acct_interim;		/* s, 0: none */
};
void	 mag_aaa_done(struct mag *, struct mag_mn *, int res,
	    const struct mag_profile *, const char *reason);
void	 mag_mn_free(struct mag *, struct mag_mn *, const char *why);
void	 mag_mn_leave(struct mag *, struct mag_mn *, const char *why,
	    int withdraw);
unsigned mag_detach(struct mag *, const char *mac_or_mnid);

/* mag_pbu.c: RFC 5213 6.9 */
void	 mag_register(struct mag *, struct mag_mn *, uint8_t hi);
void	 mag_mn_timer(struct mag_mn *);
void	 mag_deregister(struct mag *, struct mag_mn *);
void	 mag_pba(struct mag *, const struct mh_msg *,
	    const struct in6_addr *src);
void	 mag_bri(struct mag *, const struct mh_msg *,
	    const struct in6_addr *src);

/* mag_hb.c: RFC 5847 */
void	 mag_hb(struct mag *, const struct mh_msg *,
	    const struct in6_addr *src);
void	 mag_hb_start(struct mag *);
void	 mag_hb_stop(struct mag *);
void	 mag_lma_restarted(struct mag *, const struct in6_addr *lma);
/* The path to this LMA opened (IPsec SA up): send what waits now. */
void	 mag_kick(struct mag *, const struct in6_addr *lma);

#endif /* PMIP6_MAG_H */
