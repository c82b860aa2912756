/*
 * dp_backend.h: what the generic data-plane code (dp.c, dp_flush.c)
 * shares with its kernel backends (dp_seg6.c, dp_ip6tnl.c).  Private to
 * the library.
 *
 * The split follows what differs between kernels: only reaching a peer
 * (an encap route or a device), creating and removing the per-peer
 * state, and decapsulation are the backend's.  Routes to access links,
 * uplink rules, reference counts, batching and cleanup are written once
 * in dp.c.
 */
#ifndef PMIP6_DP_BACKEND_H
#define PMIP6_DP_BACKEND_H

#include <net/if.h>

#include "dp.h"
#include "nlb.h"

enum dp_op_type {
	DP_OP_TUNNEL_ADD,
	DP_OP_TUNNEL_DEL,
	DP_OP_ROUTE_ADD,
	DP_OP_ROUTE_DEL,
	DP_OP_UPLINK_ADD,
	DP_OP_UPLINK_DEL,
	DP_OP_ACCESS_ADD,
	DP_OP_ACCESS_DEL,
	DP_OP_DECAP_ADD,
	DP_OP_DECAP_DEL,
	/* Queued by the bookkeeping, never by callers. */
	DP_OP_PEER_INSTALL,
	DP_OP_PEER_REMOVE,
	DP_OP_IIF_INSTALL,	/* an access interface's uplink rule */
	DP_OP_IIF_REMOVE,
	DP_OP_LOCAL_MOVE,	/* local rule from pref 0 to pref_local */
	DP_OP_LOCAL_RESTORE,
	DP_OP_RAW,		/* flush: a message copied from a dump */
};

/* Install states: 0 done, negative failed, or one of these. */
#define DP_ST_NONE	1	/* nothing installed, nothing queued */
#define DP_ST_QUEUED	2

struct dp_peer {
	struct dp_peer	*next;		/* hash chain */
	struct in6_addr	 addr;
	struct in6_addr	 local;
	unsigned	 egress;	/* from dp_tunnel, 0 if not given */
	unsigned	 ifindex;	/* seg6: egress; ip6tnl: the device */
	unsigned	 refs;		/* dp_tunnel_add() references */
	unsigned	 uplinks;	/* uplink routes naming this peer */
	unsigned	 pending;	/* queued ops pointing here */
	int		 status;	/* of the tunnel itself */
	uint32_t	 dev_id;	/* ip6tnl: name suffix */
};

/* An access interface with uplinks: its rule and table. */
struct dp_iif {
	struct dp_iif	*next;		/* hash chain */
	unsigned	 ifindex;
	unsigned	 refs;		/* uplink routes in its table */
	unsigned	 pending;
	int		 status;	/* of the rule */
	uint32_t	 table;		/* 0 while it has no uplinks */
	/* The rule matches by name: the one it was installed with. */
	char		 name[IF_NAMESIZE];
};

struct dp_decap_ent {
	struct dp_decap_ent *next;
	struct in6_addr	 local;
	unsigned	 ifindex;
	unsigned	 refs;
	unsigned	 pending;
	int		 status;
};

struct dp_op {
	enum dp_op_type	 type;
	union {
		struct dp_tunnel tunnel;
		struct dp_route	 route;
		struct dp_uplink uplink;
		struct dp_access access;
		struct dp_decap	 decap;
	} u;
	struct dp_peer	*peer;
	struct dp_decap_ent *decap;
	struct dp_iif	*iif;
	uint32_t	 table;		/* uplink ops: decided when queued */
	bool		 first;		/* decap: this one changes the kernel */
	dp_done_fn	*done;
	void		*arg;
	int		 status;
};

struct dp_queue {
	struct dp_op	*v;
	size_t		 n;
	size_t		 cap;
};

/* Owner of one message in the window. */
struct dp_msg {
	struct dp_op	*op;
	int		 tolerate;	/* an errno that counts as success */
	int		 err;		/* the kernel's answer */
	bool		 answered;
	bool		 retry;		/* -ENOMEM, safe to send again */
};

/* Open addressing over a window's prefixes, at most half full. */
#define DP_SEEN_SLOTS	8192

#define DP_PEER_BUCKETS	1024
#define DP_IIF_BUCKETS	64
/* No request needs more than this many messages or bytes. */
#define DP_OP_MSGS	4
#define DP_OP_BYTES	2048

struct dp_backend;

struct dp {
	struct dp_config cfg;
	const struct dp_backend *be;
	void		*be_priv;
	struct nlb_sock	 nl;
	/* The window: messages built but not yet sent. */
	struct nlb_buf	 b;
	uint32_t	 first_seq;
	struct dp_msg	*owner;
	unsigned	 window;
	uint16_t	*seen;		/* DP_SEEN_SLOTS, for retries */
	/* Requests: queued, and being committed. */
	struct dp_queue	 q;
	struct dp_queue	 run;
	struct dp_queue	 fix;		/* undoing half-done requests */
	bool		 committing;
	bool		 sweep_due;	/* see sweep() */
	/* Bookkeeping. */
	struct dp_peer	*peers[DP_PEER_BUCKETS];
	struct dp_iif	*iifs[DP_IIF_BUCKETS];
	struct dp_decap_ent *decaps;
	unsigned	 ndecap;	/* decap entries holding references */
	int		 local_status;	/* of the local rule move */
	uint8_t		*uplink_used;	/* bitmap over table_uplink_count */
	uint32_t	 next_dev;
};

struct dp_backend {
	const char	*name;
	enum dp_backend_kind kind;
	bool		 programs;	/* false: "none", no kernel at all */
	bool		 moves_local;	/* decap needs the local rule moved */
	int		 (*open)(struct dp *dp);
	void		 (*close)(struct dp *dp);
	/*
	 * Creates the per-peer state with nothing in flight (may talk to
	 * the kernel synchronously): 0 or -errno.
	 */
	int		 (*peer_install)(struct dp *dp, struct dp_peer *p);
	/* Appends messages removing it; p->ifindex is still valid. */
	void		 (*peer_remove)(struct dp *dp, struct dp_op *op,
			    struct dp_peer *p);
	/* Appends the route's way into the tunnel (RTA_OIF, RTA_ENCAP). */
	void		 (*put_nexthop)(struct dp *dp, const struct dp_peer *p);
	/* Synchronous preparation of a first decap add: 0 or -errno. */
	int		 (*decap_prepare)(struct dp *dp,
			    struct dp_decap_ent *d);
	/* Appends the messages adding or removing decapsulation. */
	void		 (*decap)(struct dp *dp, struct dp_op *op,
			    const struct dp_decap_ent *d, bool add);
};

extern const struct dp_backend dp_backend_seg6;
extern const struct dp_backend dp_backend_ip6tnl;
extern const struct dp_backend dp_backend_none;

/*
 * Message building for backends.  dp_msg_begin() opens a message owned
 * by op (NLM_F_REQUEST | NLM_F_ACK are added) and returns its family
 * header; an answer of -tolerate still counts as success.
 */
void		*dp_msg_begin(struct dp *dp, struct dp_op *op, uint16_t type,
		    uint16_t flags, size_t hdrlen, int tolerate);
void		 dp_msg_end(struct dp *dp);
/* rtmsg for an IPv6 route in table, with RTA_DST and RTA_TABLE. */
struct rtmsg	*dp_put_route(struct dp *dp, struct dp_op *op, uint16_t type,
		    uint16_t flags, uint32_t table, const struct prefix6 *dst,
		    int tolerate);
/* Decapsulation rule: protocol 41 to local goes to table_decap. */
void		 dp_put_decap_rule(struct dp *dp, struct dp_op *op, bool add,
		    const struct in6_addr *local);
/*
 * One request outside the window, which must be empty: b holds a single
 * message whose sequence number is set here.  Replies go to fn.
 */
int		 dp_transact_one(struct dp *dp, struct nlb_buf *b,
		    nlb_reply_fn *fn, void *arg);
/* Sends the window and waits for every answer: 0 or -errno. */
int		 dp_window_flush(struct dp *dp);
/* Whether the window has room for n more messages of one request. */
bool		 dp_window_room(const struct dp *dp, unsigned n);

/* dp.c */
unsigned	 dp_addr_hash(const struct in6_addr *a);
/* dp_exec.c: runs a queue in order; statuses land in each op. */
void		 dp_run_queue(struct dp *dp, struct dp_queue *q);

/* dp_flush.c: remove everything tagged, restore the local rule. */
int		 dp_flush_kernel(struct dp *dp);
/* The local rule dance, shared by decap bookkeeping and flush. */
int		 dp_local_move(struct dp *dp, struct dp_op *op);
int		 dp_local_restore(struct dp *dp, struct dp_op *op);

/* seg6 message encoding, exposed for the unit test. */
void		 dp_seg6_put_encap(struct nlb_buf *b,
		    const struct in6_addr *seg);

#endif /* PMIP6_DP_BACKEND_H */
