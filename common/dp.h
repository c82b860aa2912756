/*
 * dp.h: the data plane both daemons drive: tunnels between LMA and MAG
 * (RFC 5213 5.6.1 and 6.10), the routes that send a mobile node's
 * traffic into them, and decapsulation of what comes out.
 *
 * The interface is a handful of operations on request structs.  They
 * are queued, and dp_commit() programs the kernel for a whole batch at
 * once (many netlink messages per system call), then reports each
 * request's own status through its callback: the LMA can then refuse
 * exactly the PBU whose routes failed (RFC 5213 5.3.1) while the rest of
 * the batch goes ahead.  Requests take effect in the order they were
 * queued.
 *
 * Status values are 0 or a negative errno: -EEXIST for a route that is
 * already there, -ENETUNREACH for a tunnel whose peer has no route,
 * -ENOENT for a tunnel reference that was never taken, -ENOSPC when
 * the uplink tables are all in use, and so on.
 * A queueing function that returns non-zero has queued nothing and will
 * not call its callback.
 *
 * Backends: "seg6" builds RFC 2473 IPv6-in-IPv6 from seg6 encap.red
 * routes with a single segment and decapsulates with a seg6local End.DT6
 * route (for kernels without ip6_tunnel); "ip6tnl" uses one ip6tnl
 * device per peer; "none" programs nothing and succeeds, so signalling
 * can be measured alone.  Both real backends put the same packets on the
 * wire (an outer IPv6 header, next header 41, nothing between), so
 * either end may use either.
 *
 * Everything here is for one thread; callbacks must not commit, flush or
 * close.
 *
 * Everything installed is tagged (route protocol, rule protocol, device
 * name prefix) and confined to configured tables, so dp_open() can clear
 * what a crashed run left and dp_close() can remove all of it.  Two
 * instances in one network namespace therefore need different tags, and
 * should not both use seg6 decapsulation (they would share the move of
 * the local rule).
 */
#ifndef PMIP6_DP_H
#define PMIP6_DP_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "addr.h"

enum dp_backend_kind {
	DP_BACKEND_AUTO,	/* ip6tnl if the kernel has it, else seg6 */
	DP_BACKEND_SEG6,
	DP_BACKEND_IP6TNL,
	DP_BACKEND_NONE,
};

#define DP_PROTO		213	/* "proto 213" in ip route, ip rule */
#define DP_TABLE_DECAP		213
#define DP_TABLE_UPLINK		2130
#define DP_TABLE_UPLINK_COUNT	256
#define DP_PREF_DECAP		10
#define DP_PREF_LOCAL		20
#define DP_PREF_UPLINK		100
#define DP_DEV_PREFIX		"pmip6-"
#define DP_DEV_PREFIX_MAX	7	/* leaves 8 hex digits in IFNAMSIZ */
/*
 * Netlink messages per system call.  Small on purpose: each seg6 route
 * takes an atomic per-CPU allocation from a pool that the kernel refills
 * between system calls; 64 was fastest here (see test/bench/dp_bench.c).
 */
#define DP_WINDOW		64
#define DP_WINDOW_MAX		4096

struct dp_config {
	enum dp_backend_kind backend;
	uint8_t		 proto;		/* rtm_protocol and FRA_PROTOCOL */
	uint32_t	 table_route;	/* LMA: HNP routes into tunnels */
	uint32_t	 table_access;	/* MAG: HNP routes onto access links */
	uint32_t	 table_decap;	/* seg6: End.DT6 routes */
	uint32_t	 table_lookup;	/* seg6: routes decapsulated packets */
	uint32_t	 table_uplink;	/* MAG: first of one per access link */
	uint32_t	 table_uplink_count;
	uint32_t	 pref_decap;	/* seg6: rule to table_decap */
	uint32_t	 pref_local;	/* seg6: where the local rule moves */
	uint32_t	 pref_uplink;	/* MAG: "iif ACCESS" rules */
	char		 dev_prefix[DP_DEV_PREFIX_MAX + 1];
	unsigned	 window;	/* messages per sendmsg(), <= MAX */
};

/*
 * A tunnel to a peer (the LMA's tunnel to a Proxy-CoA, the MAG's to an
 * LMAA), reference counted: the first add creates it, the last del
 * removes it.  Routes name their tunnel by peer and can only be added
 * while a reference is held; keep one for as long as routes use the
 * tunnel.  Uplink routes also keep it until they are deleted.  A failed
 * add holds no reference; a del always gives one back.  The local
 * address of the first add counts.
 */
struct dp_tunnel {
	struct in6_addr	 local;		/* our end: LMAA or Proxy-CoA */
	struct in6_addr	 peer;
	unsigned	 ifindex;	/* egress to peer; 0: route lookup */
};
/*
 * seg6 cannot set the outer source per route on this kernel: it is the
 * address the kernel selects on the egress interface (or the namespace's
 * "ip sr tunsrc"), so local must be that address for an ip6tnl peer to
 * accept the packets.  ip6tnl uses local as given.
 */

/* LMA downlink: the HNP goes into the tunnel to peer. */
struct dp_route {
	struct prefix6	 prefix;
	struct in6_addr	 peer;		/* ignored by del */
	bool		 replace;	/* handover: no -EEXIST, move it */
};

/*
 * MAG uplink: packets from prefix arriving on iif go into the tunnel to
 * peer (RFC 5213 6.10.5).
 *
 * Each access interface has one rule, "iif NAME lookup T" at
 * pref_uplink, and a table T of its own from the uplink range; both
 * exist while uplinks on the interface do (reference counted).  Each
 * uplink is a source-specific route in T, "default from prefix" into
 * the tunnel (the kernel needs IPV6_SUBTREES), added with replace.  A
 * lookup that finds nothing in T goes on to the next rule, so packets
 * from other sources take the routes they took before, and the local
 * rule, which comes first, still delivers what is addressed to us.
 * The cost of an uplink is one route: rules, which the kernel walks on
 * every lookup and every rule change, stay as few as access interfaces.
 * Uplinks hold their peer (like a tunnel reference) until deleted.
 */
struct dp_uplink {
	struct prefix6	 prefix;
	unsigned	 iif;
	struct in6_addr	 peer;
};

/* MAG downlink: the HNP is on-link on the access interface. */
struct dp_access {
	struct prefix6	 prefix;
	unsigned	 ifindex;
	bool		 replace;
};

/*
 * Accept IPv6-in-IPv6 (protocol 41) addressed to local, the LMAA or a
 * Proxy-CoA.  Reference counted per address.  ifindex is the interface
 * holding local (0: found from the address).
 */
struct dp_decap {
	struct in6_addr	 local;
	unsigned	 ifindex;
};

struct dp;

typedef void	 dp_done_fn(void *arg, int status);
/* A ready-made callback: stores status in the int arg points to. */
void		 dp_status_slot(void *arg, int status);

void		 dp_config_default(struct dp_config *cfg);
/* "auto", "seg6", "ip6tnl", "none": the kind, or -1. */
int		 dp_backend_parse(const char *name);
const char	*dp_backend_kind_name(enum dp_backend_kind kind);

/*
 * Chooses the backend, clears what an earlier run left behind and
 * returns 0, or -errno (-EPROTONOSUPPORT: the chosen backend cannot run
 * on this kernel).  cfg NULL means the defaults.
 */
int		 dp_open(struct dp **dpp, const struct dp_config *cfg);
/* Cancels what is queued (-ECANCELED) and removes all we installed. */
void		 dp_close(struct dp *dp);
/* Like dp_close() but the handle stays open, with no tunnels. */
int		 dp_flush(struct dp *dp);
enum dp_backend_kind dp_backend(const struct dp *dp);

int		 dp_tunnel_add(struct dp *dp, const struct dp_tunnel *t,
		    dp_done_fn *done, void *arg);
int		 dp_tunnel_del(struct dp *dp, const struct dp_tunnel *t,
		    dp_done_fn *done, void *arg);
int		 dp_route_add(struct dp *dp, const struct dp_route *r,
		    dp_done_fn *done, void *arg);
int		 dp_route_del(struct dp *dp, const struct dp_route *r,
		    dp_done_fn *done, void *arg);
int		 dp_uplink_add(struct dp *dp, const struct dp_uplink *u,
		    dp_done_fn *done, void *arg);
/*
 * iif and peer must be those the uplink was added with: only that they
 * have uplinks at all is checked (-ENOENT).
 */
int		 dp_uplink_del(struct dp *dp, const struct dp_uplink *u,
		    dp_done_fn *done, void *arg);
int		 dp_access_add(struct dp *dp, const struct dp_access *a,
		    dp_done_fn *done, void *arg);
int		 dp_access_del(struct dp *dp, const struct dp_access *a,
		    dp_done_fn *done, void *arg);
int		 dp_decap_add(struct dp *dp, const struct dp_decap *d,
		    dp_done_fn *done, void *arg);
int		 dp_decap_del(struct dp *dp, const struct dp_decap *d,
		    dp_done_fn *done, void *arg);

/*
 * Programs everything queued, then calls each request's callback in
 * queue order.  Callbacks may queue more (for the next commit) but not
 * commit.  Returns how many requests failed, or -EBUSY from a callback.
 */
int		 dp_commit(struct dp *dp);
unsigned	 dp_pending(const struct dp *dp);

/* Bookkeeping, for tests and the control interface. */
unsigned	 dp_tunnel_refs(const struct dp *dp,
		    const struct in6_addr *peer);
/* The access interface's uplink table, 0 if it has none. */
uint32_t	 dp_uplink_table(const struct dp *dp, unsigned iif);
/* Uplinks naming peer. */
unsigned	 dp_uplink_refs(const struct dp *dp,
		    const struct in6_addr *peer);

#endif /* PMIP6_DP_H */
