/*
 * dp_exec.c: running queued data-plane requests as batches of rtnetlink
 * messages (the window), and the messages every backend shares: access
 * routes, uplink rules and routes, route deletion, the local rule move.
 *
 * Most requests ride in the window, which is sent when full.  The rare
 * ones whose outcome later requests depend on (creating a tunnel, an
 * access interface's uplink rule, the first decapsulation of an address,
 * moving the local rule) are barriers: the window is sent before and after
 * them, so their status is known when the requests behind them are
 * encoded and those fail with it instead of reaching the kernel.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/fib_rules.h>

#include "dp.h"
#include "dp_backend.h"

static void
in6_mask(struct in6_addr *a, unsigned len)
{
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (len >= 8)
			len -= 8;
		else {
			a->s6_addr[i] &= (uint8_t)(0xff00u >> len);
			len = 0;
		}
	}
}

bool
dp_window_room(const struct dp *dp, unsigned n)
{
	return dp->b.count + n <= dp->window &&
	    dp->b.cap - dp->b.len >= DP_OP_BYTES;
}

void *
dp_msg_begin(struct dp *dp, struct dp_op *op, uint16_t type, uint16_t flags,
    size_t hdrlen, int tolerate)
{
	unsigned i = dp->b.count;
	void *h;

	if (i >= dp->window) {
		op->status = -ENOSPC;
		return NULL;
	}
	/* Dumps and single requests take numbers between windows. */
	if (i == 0)
		dp->first_seq = dp->nl.seq;
	h = nlb_msg_begin(&dp->b, type, flags | NLM_F_REQUEST | NLM_F_ACK,
	    dp->first_seq + i, hdrlen);
	if (h == NULL) {
		op->status = -ENOSPC;
		return NULL;
	}
	dp->owner[i].op = op;
	dp->owner[i].tolerate = tolerate;
	dp->owner[i].answered = false;
	dp->owner[i].retry = false;
	dp->owner[i].err = 0;
	return h;
}

void
dp_msg_end(struct dp *dp)
{
	struct dp_op *op = dp->owner[dp->b.count].op;

	if (nlb_msg_end(&dp->b) != 0 && op->status == 0)
		op->status = -ENOSPC;
}

static void
dp_ack(void *arg, unsigned idx, int err, const struct nlmsghdr *m)
{
	struct dp *dp = arg;

	if (m != NULL || idx >= dp->b.count)
		return;
	dp->owner[idx].answered = true;
	dp->owner[idx].err = err;
}

/* What a route request is keyed by in the kernel: table and prefix. */
static const struct prefix6 *
op_prefix(const struct dp *dp, const struct dp_op *op, uint32_t *table)
{
	switch (op->type) {
	case DP_OP_ROUTE_ADD:
	case DP_OP_ROUTE_DEL:
		*table = dp->cfg.table_route;
		return &op->u.route.prefix;
	case DP_OP_ACCESS_ADD:
	case DP_OP_ACCESS_DEL:
		*table = dp->cfg.table_access;
		return &op->u.access.prefix;
	case DP_OP_UPLINK_ADD:
	case DP_OP_UPLINK_DEL:
		*table = op->table;
		return &op->u.uplink.prefix;
	default:
		return NULL;
	}
}

static bool
prefix_same(const struct prefix6 *a, uint32_t ta, const struct prefix6 *b,
    uint32_t tb)
{
	struct in6_addr x = a->addr, y = b->addr;

	if (a->len != b->len || ta != tb)
		return false;
	in6_mask(&x, a->len);
	in6_mask(&y, b->len);
	return memcmp(&x, &y, sizeof(x)) == 0;
}

static unsigned
prefix_slot(const struct prefix6 *p, uint32_t table)
{
	struct in6_addr a = p->addr;

	in6_mask(&a, p->len);
	return ((dp_addr_hash(&a) * 31u + p->len) * 31u + table) %
	    DP_SEEN_SLOTS;
}

/*
 * Which -ENOMEM answers may be sent again.  A retried message runs
 * after the rest of its window, so it must not overtake a later request
 * for the same prefix (a delete, a handover): those are not retried.
 * Walking the window backwards, a prefix already seen is such a case.
 */
static unsigned
mark_retries(struct dp *dp)
{
	unsigned i, h, n = dp->b.count, count = 0;
	const struct prefix6 *p, *p2;
	struct dp_msg *o;
	uint32_t t, t2;
	bool later;

	for (i = 0; i < n; i++)
		if (dp->owner[i].err == -ENOMEM)
			break;
	if (i == n)
		return 0;
	if (n == 1) {
		dp->owner[0].retry = true;
		return 1;
	}
	memset(dp->seen, 0, DP_SEEN_SLOTS * sizeof(*dp->seen));
	for (i = n; i-- > 0;) {
		o = &dp->owner[i];
		p = op_prefix(dp, o->op, &t);
		if (p == NULL)
			continue;
		later = false;
		for (h = prefix_slot(p, t); dp->seen[h] != 0;
		    h = (h + 1) % DP_SEEN_SLOTS) {
			p2 = op_prefix(dp, dp->owner[dp->seen[h] - 1].op, &t2);
			if (prefix_same(p2, t2, p, t)) {
				later = true;
				break;
			}
		}
		if (!later)
			dp->seen[h] = (uint16_t)(i + 1);
		if (o->err == -ENOMEM && !later) {
			o->retry = true;
			count++;
		}
	}
	return count;
}

static void
settle_msg(const struct dp_msg *o, int err)
{
	if (o->answered)
		err = o->err;
	/* The first failure is the one that explains the others. */
	if (err != 0 && err != -o->tolerate && o->op->status == 0)
		o->op->status = err;
}

/*
 * Keeps only the messages to retry, moved to the front of the window
 * with new sequence numbers; settles the others.
 */
static void
keep_retries(struct dp *dp)
{
	struct nlmsghdr *m = (struct nlmsghdr *)dp->b.data;
	uint8_t *to = dp->b.data;
	unsigned i, n = dp->b.count, kept = 0;
	size_t len;

	dp->first_seq = dp->nl.seq;
	for (i = 0; i < n; i++) {
		len = NLMSG_ALIGN(m->nlmsg_len);
		if (!dp->owner[i].retry)
			settle_msg(&dp->owner[i], 0);
		else {
			memmove(to, m, len);
			((struct nlmsghdr *)to)->nlmsg_seq =
			    dp->first_seq + kept;
			dp->owner[kept] = dp->owner[i];
			dp->owner[kept].answered = false;
			dp->owner[kept].retry = false;
			dp->owner[kept].err = 0;
			kept++;
			to += len;
		}
		m = (struct nlmsghdr *)((uint8_t *)m + len);
	}
	dp->b.len = (size_t)(to - dp->b.data);
	dp->b.msg = dp->b.len;
	dp->b.count = kept;
}

/*
 * Each seg6 route takes a per-CPU dst cache allocated GFP_ATOMIC, from a
 * pool the kernel refills in a worker: a large batch drains the pool and
 * later routes fail with -ENOMEM until the worker has run.  Those are
 * sent again after a pause that lets it run (a few rounds, backing off).
 */
#define DP_NOMEM_TRIES	10
#define DP_NOMEM_WAIT	100	/* microseconds, doubled each round */

int
dp_window_flush(struct dp *dp)
{
	unsigned i, n, tries = 0;
	int err;

	for (;;) {
		n = dp->b.count;
		if (n == 0)
			return 0;
		err = nlb_transact(&dp->nl, &dp->b, dp->first_seq, n, dp_ack,
		    dp);
		dp->nl.seq += n;
		if (err != 0 || tries == DP_NOMEM_TRIES ||
		    mark_retries(dp) == 0)
			break;
		keep_retries(dp);
		usleep(DP_NOMEM_WAIT << tries);
		tries++;
	}
	for (i = 0; i < n; i++)
		settle_msg(&dp->owner[i], err);
	dp->first_seq = dp->nl.seq;
	nlb_buf_reset(&dp->b);
	return err;
}

int
dp_transact_one(struct dp *dp, struct nlb_buf *b, nlb_reply_fn *fn, void *arg)
{
	uint32_t seq = dp->nl.seq;
	int err;

	((struct nlmsghdr *)b->data)->nlmsg_seq = seq;
	err = nlb_transact(&dp->nl, b, seq, 1, fn, arg);
	dp->nl.seq++;
	dp->first_seq = dp->nl.seq;
	return err;
}

struct rtmsg *
dp_put_route(struct dp *dp, struct dp_op *op, uint16_t type, uint16_t flags,
    uint32_t table, const struct prefix6 *dst, int tolerate)
{
	struct rtmsg *r;
	struct in6_addr a = dst->addr;

	r = dp_msg_begin(dp, op, type, flags, sizeof(*r), tolerate);
	if (r == NULL)
		return NULL;
	r->rtm_family = AF_INET6;
	r->rtm_dst_len = dst->len;
	r->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	r->rtm_protocol = dp->cfg.proto;
	r->rtm_scope = RT_SCOPE_UNIVERSE;
	r->rtm_type = RTN_UNICAST;
	if (dst->len > 0) {
		in6_mask(&a, dst->len);
		nlb_put(&dp->b, RTA_DST, &a, sizeof(a));
	}
	nlb_put_u32(&dp->b, RTA_TABLE, table);
	return r;
}

/* One RTM_NEWRULE/RTM_DELRULE; what is NULL or 0 is left out. */
static void
put_rule(struct dp *dp, struct dp_op *op, uint16_t type, uint16_t flags,
    uint32_t pref, uint32_t table, const struct prefix6 *src,
    const struct prefix6 *dst, const char *iif, uint8_t ipproto,
    uint8_t proto, int tolerate)
{
	struct fib_rule_hdr *h;
	struct in6_addr a;

	h = dp_msg_begin(dp, op, type, flags, sizeof(*h), tolerate);
	if (h == NULL)
		return;
	h->family = AF_INET6;
	h->action = FR_ACT_TO_TBL;
	h->table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	nlb_put_u32(&dp->b, FRA_PRIORITY, pref);
	nlb_put_u32(&dp->b, FRA_TABLE, table);
	if (src != NULL) {
		h->src_len = src->len;
		a = src->addr;
		in6_mask(&a, src->len);
		nlb_put(&dp->b, FRA_SRC, &a, sizeof(a));
	}
	if (dst != NULL) {
		h->dst_len = dst->len;
		a = dst->addr;
		in6_mask(&a, dst->len);
		nlb_put(&dp->b, FRA_DST, &a, sizeof(a));
	}
	if (iif != NULL)
		nlb_put_str(&dp->b, FRA_IIFNAME, iif);
	if (ipproto != 0)
		nlb_put_u8(&dp->b, FRA_IP_PROTO, ipproto);
	if (proto != 0)
		nlb_put_u8(&dp->b, FRA_PROTOCOL, proto);
	dp_msg_end(dp);
}

void
dp_put_decap_rule(struct dp *dp, struct dp_op *op, bool add,
    const struct in6_addr *local)
{
	struct prefix6 dst;

	dst.addr = *local;
	dst.len = 128;
	if (add)
		put_rule(dp, op, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL,
		    dp->cfg.pref_decap, dp->cfg.table_decap, NULL, &dst, NULL,
		    IPPROTO_IPV6, dp->cfg.proto, EEXIST);
	else
		put_rule(dp, op, RTM_DELRULE, 0, dp->cfg.pref_decap,
		    dp->cfg.table_decap, NULL, &dst, NULL, IPPROTO_IPV6,
		    dp->cfg.proto, ENOENT);
}

/*
 * Decapsulated packets addressed to us must reach the decap rule before
 * the local table claims them, so the local rule moves from 0 to
 * pref_local.  It is added at its new place before it goes from the old
 * one: at no moment is the host without a local rule.
 */
int
dp_local_move(struct dp *dp, struct dp_op *op)
{
	put_rule(dp, op, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL,
	    dp->cfg.pref_local, RT_TABLE_LOCAL, NULL, NULL, NULL, 0,
	    dp->cfg.proto, EEXIST);
	dp_window_flush(dp);
	if (op->status != 0)
		return op->status;
	put_rule(dp, op, RTM_DELRULE, 0, 0, RT_TABLE_LOCAL, NULL, NULL, NULL,
	    0, 0, ENOENT);
	dp_window_flush(dp);
	return op->status;
}

int
dp_local_restore(struct dp *dp, struct dp_op *op)
{
	put_rule(dp, op, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, 0,
	    RT_TABLE_LOCAL, NULL, NULL, NULL, 0, RTPROT_KERNEL, EEXIST);
	dp_window_flush(dp);
	if (op->status != 0)
		return op->status;
	put_rule(dp, op, RTM_DELRULE, 0, dp->cfg.pref_local, RT_TABLE_LOCAL,
	    NULL, NULL, NULL, 0, dp->cfg.proto, ENOENT);
	dp_window_flush(dp);
	return op->status;
}

/*
 * An uplink: "default from prefix" in the access interface's table.
 * Without a nexthop it is the delete's key.
 */
static struct rtmsg *
put_uplink(struct dp *dp, struct dp_op *op, uint16_t type, uint16_t flags)
{
	static const struct prefix6 any;
	struct in6_addr a = op->u.uplink.prefix.addr;
	struct rtmsg *r;

	r = dp_put_route(dp, op, type, flags, op->table, &any, 0);
	if (r == NULL)
		return NULL;
	r->rtm_src_len = op->u.uplink.prefix.len;
	in6_mask(&a, op->u.uplink.prefix.len);
	nlb_put(&dp->b, RTA_SRC, &a, sizeof(a));
	return r;
}

/* The access interface's rule: "iif NAME lookup table". */
static void
put_iif_rule(struct dp *dp, struct dp_op *op, bool add)
{
	if (add)
		put_rule(dp, op, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL,
		    dp->cfg.pref_uplink, op->table, NULL, NULL, op->iif->name,
		    0, dp->cfg.proto, EEXIST);
	else
		put_rule(dp, op, RTM_DELRULE, 0, dp->cfg.pref_uplink,
		    op->table, NULL, NULL, op->iif->name, 0, dp->cfg.proto,
		    ENOENT);
}

/* Status of a peer as seen by a request that needs its tunnel. */
static int
peer_usable(const struct dp_peer *p)
{
	if (p->status < 0)
		return p->status;
	return p->status == 0 ? 0 : -ENOENT;
}

static void
exec_barrier(struct dp *dp, struct dp_op *op)
{
	struct dp_peer *p = op->peer;
	struct dp_decap_ent *d = op->decap;
	struct dp_iif *i = op->iif;

	dp_window_flush(dp);
	switch (op->type) {
	case DP_OP_PEER_INSTALL:
		op->status = dp->be->peer_install(dp, p);
		p->status = op->status;
		break;
	case DP_OP_IIF_INSTALL:
		/*
		 * The name now is the one the rule keeps: its removal must
		 * find it even if the interface is renamed or gone by then.
		 */
		if (if_indextoname(i->ifindex, i->name) == NULL)
			op->status = -ENODEV;
		else {
			put_iif_rule(dp, op, true);
			dp_window_flush(dp);
		}
		i->status = op->status;
		break;
	case DP_OP_DECAP_ADD:
		if (dp->be->moves_local && dp->local_status != 0)
			op->status = dp->local_status < 0 ? dp->local_status :
			    -EIO;
		if (op->status == 0 && dp->be->decap_prepare != NULL)
			op->status = dp->be->decap_prepare(dp, d);
		if (op->status == 0) {
			dp->be->decap(dp, op, d, true);
			dp_window_flush(dp);
		}
		d->status = op->status;
		break;
	case DP_OP_LOCAL_MOVE:
		dp->local_status = dp_local_move(dp, op);
		break;
	case DP_OP_LOCAL_RESTORE:
		dp_local_restore(dp, op);
		dp->local_status = DP_ST_NONE;
		break;
	default:
		break;
	}
}

/* What "none" does: the state changes a real backend would make. */
static void
exec_none(struct dp *dp, struct dp_op *op)
{
	switch (op->type) {
	case DP_OP_PEER_INSTALL:
		op->peer->status = 0;
		break;
	case DP_OP_PEER_REMOVE:
		op->peer->status = DP_ST_NONE;
		break;
	case DP_OP_IIF_INSTALL:
		op->iif->status = 0;
		break;
	case DP_OP_IIF_REMOVE:
		op->iif->status = DP_ST_NONE;
		break;
	case DP_OP_DECAP_ADD:
		if (op->first)
			op->decap->status = 0;
		break;
	case DP_OP_DECAP_DEL:
		if (op->first)
			op->decap->status = DP_ST_NONE;
		break;
	case DP_OP_LOCAL_MOVE:
		dp->local_status = 0;
		break;
	case DP_OP_LOCAL_RESTORE:
		dp->local_status = DP_ST_NONE;
		break;
	default:
		break;
	}
}

static void
exec_op(struct dp *dp, struct dp_op *op)
{
	struct dp_peer *p = op->peer;
	struct dp_decap_ent *d = op->decap;
	struct dp_iif *i = op->iif;
	uint16_t excl;

	if (!dp->be->programs) {
		exec_none(dp, op);
		return;
	}
	switch (op->type) {
	case DP_OP_PEER_INSTALL:
	case DP_OP_IIF_INSTALL:
	case DP_OP_LOCAL_MOVE:
	case DP_OP_LOCAL_RESTORE:
		exec_barrier(dp, op);
		return;
	case DP_OP_DECAP_ADD:
		if (op->first)
			exec_barrier(dp, op);
		else if (d->status != 0)
			op->status = d->status < 0 ? d->status : -EIO;
		return;
	case DP_OP_TUNNEL_ADD:
		op->status = peer_usable(p);
		return;
	case DP_OP_TUNNEL_DEL:
	case DP_OP_RAW:
		return;
	default:
		break;
	}

	if (!dp_window_room(dp, DP_OP_MSGS))
		dp_window_flush(dp);
	switch (op->type) {
	case DP_OP_PEER_REMOVE:
		if (p->status == 0)
			dp->be->peer_remove(dp, op, p);
		p->status = DP_ST_NONE;
		break;
	case DP_OP_IIF_REMOVE:
		if (i->status == 0)
			put_iif_rule(dp, op, false);
		i->status = DP_ST_NONE;
		break;
	case DP_OP_ROUTE_ADD:
		op->status = peer_usable(p);
		if (op->status != 0)
			break;
		excl = op->u.route.replace ? NLM_F_REPLACE : NLM_F_EXCL;
		dp_put_route(dp, op, RTM_NEWROUTE, NLM_F_CREATE | excl,
		    dp->cfg.table_route, &op->u.route.prefix, 0);
		dp->be->put_nexthop(dp, p);
		dp_msg_end(dp);
		break;
	case DP_OP_ROUTE_DEL:
		dp_put_route(dp, op, RTM_DELROUTE, 0, dp->cfg.table_route,
		    &op->u.route.prefix, 0);
		dp_msg_end(dp);
		break;
	case DP_OP_UPLINK_ADD:
		op->status = peer_usable(p);
		if (op->status == 0 && i->status != 0)
			op->status = i->status < 0 ? i->status : -EIO;
		if (op->status != 0)
			break;
		/* Replace: a re-registration may point it elsewhere. */
		if (put_uplink(dp, op, RTM_NEWROUTE,
		    NLM_F_CREATE | NLM_F_REPLACE) == NULL)
			break;
		dp->be->put_nexthop(dp, p);
		dp_msg_end(dp);
		break;
	case DP_OP_UPLINK_DEL:
		if (put_uplink(dp, op, RTM_DELROUTE, 0) != NULL)
			dp_msg_end(dp);
		break;
	case DP_OP_ACCESS_ADD:
	case DP_OP_ACCESS_DEL:
		excl = op->u.access.replace ? NLM_F_REPLACE : NLM_F_EXCL;
		dp_put_route(dp, op,
		    op->type == DP_OP_ACCESS_ADD ? RTM_NEWROUTE : RTM_DELROUTE,
		    op->type == DP_OP_ACCESS_ADD ? NLM_F_CREATE | excl : 0,
		    dp->cfg.table_access, &op->u.access.prefix, 0);
		if (op->u.access.ifindex != 0)
			nlb_put_u32(&dp->b, RTA_OIF, op->u.access.ifindex);
		dp_msg_end(dp);
		break;
	case DP_OP_DECAP_DEL:
		/* Also after a failed add: take away what half-worked. */
		if (op->first && d->status != DP_ST_NONE)
			dp->be->decap(dp, op, d, false);
		if (op->first)
			d->status = DP_ST_NONE;
		break;
	default:
		break;
	}
}

void
dp_run_queue(struct dp *dp, struct dp_queue *q)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		exec_op(dp, &q->v[i]);
	if (dp->be->programs)
		dp_window_flush(dp);
}
