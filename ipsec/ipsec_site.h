/*
 * ipsec_site.h: what the charon plugin needs from one pmip6 daemon
 * configuration file (lma.conf or mag.conf): our address, the peers
 * the daemon talks to, and the `ipsec' group (ipsec_conf.h).
 *
 * Nothing here knows strongSwan; the plugin turns each site peer into
 * IKE, peer and child configs.  Peers come from the file's own settings,
 * so an operator writes each address once:
 *   mag.conf: `lma', plus every address in ipsec.peers;
 *   lma.conf: each authorized_mags entry (a /128 is a peer, a shorter
 *             prefix a range the LMA accepts IKE from), plus ipsec.peers.
 * Peers whose effective mode is "off" are left out.
 */
#ifndef PMIP6_IPSEC_SITE_H
#define PMIP6_IPSEC_SITE_H

#include <stddef.h>

#include "addr.h"
#include "conf.h"
#include "ipsec_conf.h"

enum ipsec_role {
	IPSEC_ROLE_LMA,
	IPSEC_ROLE_MAG,
};

struct ipsec_site_peer {
	struct prefix6		 remote;	/* /128: one peer we may also
						   initiate to; shorter: a
						   range we only answer */
	struct ipsec_peer	 eff;
};

/*
 * The eff strings point into conf, so a site must not move once
 * loaded: allocate it and keep the pointer.
 */
struct ipsec_site {
	char			 path[IPSEC_PATH_MAX];
	enum ipsec_role		 role;
	struct in6_addr		 local;
	struct ipsec_conf	 conf;
	size_t			 npeers;
	size_t			 cap;
	struct ipsec_site_peer	*peers;
};

/*
 * 0 loaded; 1 the file is no daemon configuration (it has neither
 * authorized_mags nor lma: skip it); -1 with err set.  Whatever the
 * result, ipsec_site_free() afterwards.
 */
int		 ipsec_site_load(struct ipsec_site *s, const char *path,
		    struct conf_err *err);
void		 ipsec_site_free(struct ipsec_site *s);
/*
 * The peer whose remote holds a, the longest prefix first; or NULL.
 * Pointers into peers last until the next ipsec_site_learn().
 */
const struct ipsec_site_peer *ipsec_site_match(const struct ipsec_site *s,
		    const struct in6_addr *a);
/*
 * A peer to initiate to, learnt at run time: a MAG's LMA named by
 * RADIUS (RFC 6572), or an LMA's MAG inside an authorized_mags range
 * (to send it a revocation or heartbeat).  It gets the group's settings.
 * The new peer, or NULL (errno EPERM: an LMA's address outside its
 * ranges, or mode off; ENOMEM).  An existing /128 peer is returned as is.
 */
const struct ipsec_site_peer *ipsec_site_learn(struct ipsec_site *s,
		    const struct in6_addr *a);
const char	*ipsec_role_name(enum ipsec_role role);

/*
 * RFC 5213 section 4 with kernel ESP (transport mode): inbound MH to our
 * address that no SA protected must not reach the daemon, so the plugin
 * has the kernel drop it, below the priority of every SA's own policy.
 * A group that is required in transport mode guards everything (::/0)
 * and lets the listed peers that are not required through; otherwise
 * each required transport-mode peer (or range) is guarded alone.
 * Tunnel mode (kernel-libipsec) gets none: there the daemon checks the
 * arrival interface instead.
 */
struct ipsec_guard {
	struct prefix6		 remote;	/* senders it applies to */
	int			 pass;		/* 1 let through, 0 drop */
};

/*
 * The guards s wants, the first max of them in out; returns how many
 * there are (more than max: call again with room for all).
 */
size_t		 ipsec_site_guards(const struct ipsec_site *s,
		    struct ipsec_guard *out, size_t max);

#endif /* PMIP6_IPSEC_SITE_H */
