/*
 * dp.c: the generic half of the data plane: request queue, reference
 * counts per peer and per decapsulation address, uplink table slots,
 * the commit engine, and the messages every backend shares (access
 * routes, source rules, route deletion).
 *
 * Bookkeeping is done when a request is queued, so a batch can hold a
 * tunnel's creation and the routes that use it; kernel state is only
 * touched by dp_commit(), in queue order.  The rare requests whose
 * outcome later requests depend on (creating a tunnel or a peer's
 * uplink table, the first decapsulation) are barriers: the window is
 * sent before and after them, so their status is known when the
 * requests behind them are encoded.  Everything else rides in the
 * window, up to the number of acks the socket can hold.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/fib_rules.h>

#include "dp.h"
#include "dp_backend.h"

#define DP_BUF_SIZE	(1u << 20)
/* No request needs more than this many messages or bytes. */
#define DP_OP_MSGS	4
#define DP_OP_BYTES	2048

static const struct {
	const char		*name;
	enum dp_backend_kind	 kind;
} dp_kinds[] = {
	{ "auto", DP_BACKEND_AUTO },
	{ "seg6", DP_BACKEND_SEG6 },
	{ "ip6tnl", DP_BACKEND_IP6TNL },
	{ "none", DP_BACKEND_NONE },
};

/* Programs nothing: for measuring signalling alone. */
const struct dp_backend dp_backend_none = {
	.name = "none",
	.kind = DP_BACKEND_NONE,
	.programs = false,
};

void
dp_status_slot(void *arg, int status)
{
	*(int *)arg = status;
}

void
dp_config_default(struct dp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->backend = DP_BACKEND_AUTO;
	cfg->proto = DP_PROTO;
	cfg->table_route = RT_TABLE_MAIN;
	cfg->table_access = RT_TABLE_MAIN;
	cfg->table_decap = DP_TABLE_DECAP;
	cfg->table_lookup = RT_TABLE_MAIN;
	cfg->table_uplink = DP_TABLE_UPLINK;
	cfg->table_uplink_count = DP_TABLE_UPLINK_COUNT;
	cfg->pref_decap = DP_PREF_DECAP;
	cfg->pref_local = DP_PREF_LOCAL;
	cfg->pref_uplink = DP_PREF_UPLINK;
	cfg->window = DP_WINDOW;
	memcpy(cfg->dev_prefix, DP_DEV_PREFIX, sizeof(DP_DEV_PREFIX));
}

int
dp_backend_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(dp_kinds) / sizeof(dp_kinds[0]); i++)
		if (strcmp(name, dp_kinds[i].name) == 0)
			return (int)dp_kinds[i].kind;
	return -1;
}

const char *
dp_backend_kind_name(enum dp_backend_kind kind)
{
	size_t i;

	for (i = 0; i < sizeof(dp_kinds) / sizeof(dp_kinds[0]); i++)
		if (dp_kinds[i].kind == kind)
			return dp_kinds[i].name;
	return "?";
}

enum dp_backend_kind
dp_backend(const struct dp *dp)
{
	return dp->be->kind;
}

/* Small helpers. */

static bool
in6_is_zero(const struct in6_addr *a)
{
	static const struct in6_addr zero;

	return memcmp(a, &zero, sizeof(zero)) == 0;
}

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

static unsigned
peer_hash(const struct in6_addr *a)
{
	uint32_t h = 2166136261u;
	unsigned i;

	/* FNV-1a: peers are configured or authenticated, not chosen. */
	for (i = 0; i < 16; i++)
		h = (h ^ a->s6_addr[i]) * 16777619u;
	return h % DP_PEER_BUCKETS;
}

static struct dp_peer *
peer_find(const struct dp *dp, const struct in6_addr *a)
{
	struct dp_peer *p;

	for (p = dp->peers[peer_hash(a)]; p != NULL; p = p->next)
		if (memcmp(&p->addr, a, sizeof(*a)) == 0)
			return p;
	return NULL;
}

static struct dp_peer *
peer_get(struct dp *dp, const struct in6_addr *a)
{
	struct dp_peer *p;
	unsigned h;

	p = peer_find(dp, a);
	if (p != NULL)
		return p;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->addr = *a;
	p->status = DP_ST_NONE;
	p->uplink = DP_ST_NONE;
	h = peer_hash(a);
	p->next = dp->peers[h];
	dp->peers[h] = p;
	return p;
}

static struct dp_decap_ent *
decap_find(const struct dp *dp, const struct in6_addr *a)
{
	struct dp_decap_ent *d;

	for (d = dp->decaps; d != NULL; d = d->next)
		if (memcmp(&d->local, a, sizeof(*a)) == 0)
			return d;
	return NULL;
}

static uint32_t
slot_alloc(struct dp *dp)
{
	uint32_t i;

	for (i = 0; i < dp->cfg.table_uplink_count; i++)
		if (!(dp->uplink_used[i / 8] & (1u << (i % 8)))) {
			dp->uplink_used[i / 8] |= (uint8_t)(1u << (i % 8));
			return dp->cfg.table_uplink + i;
		}
	return 0;
}

static void
slot_free(struct dp *dp, uint32_t table)
{
	uint32_t i = table - dp->cfg.table_uplink;

	if (table != 0 && i < dp->cfg.table_uplink_count)
		dp->uplink_used[i / 8] &= (uint8_t)~(1u << (i % 8));
}

/* Request queue. */

static int
q_reserve(struct dp_queue *q, size_t n)
{
	struct dp_op *v;
	size_t cap;

	if (q->cap - q->n >= n)
		return 0;
	cap = q->cap != 0 ? q->cap * 2 : 64;
	while (cap - q->n < n)
		cap *= 2;
	v = realloc(q->v, cap * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	q->v = v;
	q->cap = cap;
	return 0;
}

/* Callers have reserved room: this cannot fail. */
static struct dp_op *
q_push(struct dp_queue *q, enum dp_op_type type, struct dp_peer *p,
    struct dp_decap_ent *d)
{
	struct dp_op *op = &q->v[q->n++];

	memset(op, 0, sizeof(*op));
	op->type = type;
	op->peer = p;
	op->decap = d;
	if (p != NULL)
		p->pending++;
	if (d != NULL)
		d->pending++;
	return op;
}

/*
 * The last reference to a peer is gone: queue the removal of its uplink
 * table and of the tunnel.  The table slot is free for requests queued
 * after this one, which the queue order makes safe.
 */
static void
peer_release(struct dp *dp, struct dp_queue *q, struct dp_peer *p)
{
	struct dp_op *op;

	if (p->table != 0) {
		op = q_push(q, DP_OP_UPLINK_REMOVE, p, NULL);
		op->table = p->table;
		slot_free(dp, p->table);
		p->table = 0;
	}
	q_push(q, DP_OP_PEER_REMOVE, p, NULL);
}

static int
check_prefix(const struct prefix6 *p)
{
	return p->len <= 128 ? 0 : -EINVAL;
}

int
dp_tunnel_add(struct dp *dp, const struct dp_tunnel *t, dp_done_fn *done,
    void *arg)
{
	struct dp_peer *p;
	struct dp_op *op;

	if (in6_is_zero(&t->peer))
		return -EINVAL;
	if (q_reserve(&dp->q, 2) != 0)
		return -ENOMEM;
	p = peer_get(dp, &t->peer);
	if (p == NULL)
		return -ENOMEM;
	if (p->refs + p->rules == 0) {
		p->local = t->local;
		p->egress = t->ifindex;
		q_push(&dp->q, DP_OP_PEER_INSTALL, p, NULL);
	}
	p->refs++;
	op = q_push(&dp->q, DP_OP_TUNNEL_ADD, p, NULL);
	op->u.tunnel = *t;
	op->done = done;
	op->arg = arg;
	return 0;
}

int
dp_tunnel_del(struct dp *dp, const struct dp_tunnel *t, dp_done_fn *done,
    void *arg)
{
	struct dp_peer *p;
	struct dp_op *op;

	p = peer_find(dp, &t->peer);
	if (p == NULL || p->refs == 0)
		return -ENOENT;
	if (q_reserve(&dp->q, 3) != 0)
		return -ENOMEM;
	p->refs--;
	op = q_push(&dp->q, DP_OP_TUNNEL_DEL, p, NULL);
	op->u.tunnel = *t;
	op->done = done;
	op->arg = arg;
	if (p->refs + p->rules == 0)
		peer_release(dp, &dp->q, p);
	return 0;
}

int
dp_route_add(struct dp *dp, const struct dp_route *r, dp_done_fn *done,
    void *arg)
{
	struct dp_peer *p;
	struct dp_op *op;

	if (check_prefix(&r->prefix) != 0)
		return -EINVAL;
	p = peer_find(dp, &r->peer);
	if (p == NULL || p->refs == 0)
		return -ENOENT;
	if (q_reserve(&dp->q, 1) != 0)
		return -ENOMEM;
	op = q_push(&dp->q, DP_OP_ROUTE_ADD, p, NULL);
	op->u.route = *r;
	op->done = done;
	op->arg = arg;
	return 0;
}

int
dp_route_del(struct dp *dp, const struct dp_route *r, dp_done_fn *done,
    void *arg)
{
	struct dp_op *op;

	if (check_prefix(&r->prefix) != 0)
		return -EINVAL;
	if (q_reserve(&dp->q, 1) != 0)
		return -ENOMEM;
	op = q_push(&dp->q, DP_OP_ROUTE_DEL, NULL, NULL);
	op->u.route = *r;
	op->done = done;
	op->arg = arg;
	return 0;
}

int
dp_rule_add(struct dp *dp, const struct dp_rule *r, dp_done_fn *done,
    void *arg)
{
	struct dp_peer *p;
	struct dp_op *op;

	if (check_prefix(&r->prefix) != 0 || r->iif == 0)
		return -EINVAL;
	p = peer_find(dp, &r->peer);
	if (p == NULL || p->refs == 0)
		return -ENOENT;
	if (q_reserve(&dp->q, 2) != 0)
		return -ENOMEM;
	if (p->table == 0) {
		p->table = slot_alloc(dp);
		if (p->table == 0)
			return -ENOSPC;
		op = q_push(&dp->q, DP_OP_UPLINK_INSTALL, p, NULL);
		op->table = p->table;
	}
	p->rules++;
	op = q_push(&dp->q, DP_OP_RULE_ADD, p, NULL);
	op->u.rule = *r;
	op->table = p->table;
	op->done = done;
	op->arg = arg;
	return 0;
}

int
dp_rule_del(struct dp *dp, const struct dp_rule *r, dp_done_fn *done,
    void *arg)
{
	struct dp_peer *p;
	struct dp_op *op;

	if (check_prefix(&r->prefix) != 0 || r->iif == 0)
		return -EINVAL;
	p = peer_find(dp, &r->peer);
	if (p == NULL || p->rules == 0)
		return -ENOENT;
	if (q_reserve(&dp->q, 3) != 0)
		return -ENOMEM;
	p->rules--;
	op = q_push(&dp->q, DP_OP_RULE_DEL, p, NULL);
	op->u.rule = *r;
	op->table = p->table;
	op->done = done;
	op->arg = arg;
	if (p->refs + p->rules == 0)
		peer_release(dp, &dp->q, p);
	return 0;
}

static int
access_op(struct dp *dp, enum dp_op_type type, const struct dp_access *a,
    dp_done_fn *done, void *arg)
{
	struct dp_op *op;

	if (check_prefix(&a->prefix) != 0 ||
	    (type == DP_OP_ACCESS_ADD && a->ifindex == 0))
		return -EINVAL;
	if (q_reserve(&dp->q, 1) != 0)
		return -ENOMEM;
	op = q_push(&dp->q, type, NULL, NULL);
	op->u.access = *a;
	op->done = done;
	op->arg = arg;
	return 0;
}

int
dp_access_add(struct dp *dp, const struct dp_access *a, dp_done_fn *done,
    void *arg)
{
	return access_op(dp, DP_OP_ACCESS_ADD, a, done, arg);
}

int
dp_access_del(struct dp *dp, const struct dp_access *a, dp_done_fn *done,
    void *arg)
{
	return access_op(dp, DP_OP_ACCESS_DEL, a, done, arg);
}

/* Last reference to a decapsulation address: queue its removal. */
static void
decap_release(struct dp *dp, struct dp_queue *q, struct dp_decap_ent *d,
    dp_done_fn *done, void *arg, const struct dp_decap *req)
{
	struct dp_op *op;

	op = q_push(q, DP_OP_DECAP_DEL, NULL, d);
	op->first = true;
	op->done = done;
	op->arg = arg;
	if (req != NULL)
		op->u.decap = *req;
	if (--dp->ndecap == 0 && dp->be->moves_local)
		q_push(q, DP_OP_LOCAL_RESTORE, NULL, NULL);
}

int
dp_decap_add(struct dp *dp, const struct dp_decap *req, dp_done_fn *done,
    void *arg)
{
	struct dp_decap_ent *d;
	struct dp_op *op;

	if (in6_is_zero(&req->local))
		return -EINVAL;
	if (q_reserve(&dp->q, 2) != 0)
		return -ENOMEM;
	d = decap_find(dp, &req->local);
	if (d == NULL) {
		d = calloc(1, sizeof(*d));
		if (d == NULL)
			return -ENOMEM;
		d->local = req->local;
		d->status = DP_ST_NONE;
		d->next = dp->decaps;
		dp->decaps = d;
	}
	if (d->refs == 0) {
		if (dp->ndecap++ == 0 && dp->be->moves_local)
			q_push(&dp->q, DP_OP_LOCAL_MOVE, NULL, NULL);
		d->ifindex = req->ifindex;
	}
	op = q_push(&dp->q, DP_OP_DECAP_ADD, NULL, d);
	op->first = d->refs++ == 0;
	op->u.decap = *req;
	op->done = done;
	op->arg = arg;
	return 0;
}

int
dp_decap_del(struct dp *dp, const struct dp_decap *req, dp_done_fn *done,
    void *arg)
{
	struct dp_decap_ent *d;
	struct dp_op *op;

	d = decap_find(dp, &req->local);
	if (d == NULL || d->refs == 0)
		return -ENOENT;
	if (q_reserve(&dp->q, 2) != 0)
		return -ENOMEM;
	if (--d->refs == 0) {
		decap_release(dp, &dp->q, d, done, arg, req);
		return 0;
	}
	op = q_push(&dp->q, DP_OP_DECAP_DEL, NULL, d);
	op->u.decap = *req;
	op->done = done;
	op->arg = arg;
	return 0;
}

unsigned
dp_pending(const struct dp *dp)
{
	return (unsigned)dp->q.n;
}

unsigned
dp_tunnel_refs(const struct dp *dp, const struct in6_addr *peer)
{
	const struct dp_peer *p = peer_find(dp, peer);

	return p != NULL ? p->refs : 0;
}

uint32_t
dp_uplink_table(const struct dp *dp, const struct in6_addr *peer)
{
	const struct dp_peer *p = peer_find(dp, peer);

	return p != NULL ? p->table : 0;
}

/* The window. */

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

static const struct prefix6 *
op_prefix(const struct dp_op *op)
{
	switch (op->type) {
	case DP_OP_ROUTE_ADD:
	case DP_OP_ROUTE_DEL:
		return &op->u.route.prefix;
	case DP_OP_ACCESS_ADD:
	case DP_OP_ACCESS_DEL:
		return &op->u.access.prefix;
	default:
		return NULL;
	}
}

static bool
prefix_same(const struct prefix6 *a, const struct prefix6 *b)
{
	struct in6_addr x = a->addr, y = b->addr;

	if (a->len != b->len)
		return false;
	in6_mask(&x, a->len);
	in6_mask(&y, b->len);
	return memcmp(&x, &y, sizeof(x)) == 0;
}

static unsigned
prefix_slot(const struct prefix6 *p)
{
	struct in6_addr a = p->addr;

	in6_mask(&a, p->len);
	return (peer_hash(&a) * 31u + p->len) % DP_SEEN_SLOTS;
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
	const struct prefix6 *p;
	struct dp_msg *o;
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
		p = op_prefix(o->op);
		if (p == NULL)
			continue;
		later = false;
		for (h = prefix_slot(p); dp->seen[h] != 0;
		    h = (h + 1) % DP_SEEN_SLOTS)
			if (prefix_same(op_prefix(dp->owner[dp->seen[h] - 1].op),
			    p)) {
				later = true;
				break;
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
			((struct nlmsghdr *)to)->nlmsg_seq = dp->first_seq + kept;
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

void
dp_put_route(struct dp *dp, struct dp_op *op, uint16_t type, uint16_t flags,
    uint32_t table, const struct prefix6 *dst, int tolerate)
{
	struct rtmsg *r;
	struct in6_addr a = dst->addr;

	r = dp_msg_begin(dp, op, type, flags, sizeof(*r), tolerate);
	if (r == NULL)
		return;
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
}

static const char *
dp_ifname(struct dp *dp, unsigned ifindex)
{
	if (dp->ifname_idx != ifindex) {
		if (if_indextoname(ifindex, dp->ifname) == NULL)
			return NULL;
		dp->ifname_idx = ifindex;
	}
	return dp->ifname;
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

static void
encode_rule(struct dp *dp, struct dp_op *op, bool add)
{
	const struct dp_rule *r = &op->u.rule;
	const char *iif;

	iif = dp_ifname(dp, r->iif);
	if (iif == NULL) {
		op->status = -ENODEV;
		return;
	}
	if (add)
		put_rule(dp, op, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL,
		    dp->cfg.pref_uplink, op->table, &r->prefix, NULL, iif, 0,
		    dp->cfg.proto, 0);
	else
		put_rule(dp, op, RTM_DELRULE, 0, dp->cfg.pref_uplink,
		    op->table, &r->prefix, NULL, iif, 0, dp->cfg.proto, 0);
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
	static const struct prefix6 any;

	dp_window_flush(dp);
	switch (op->type) {
	case DP_OP_PEER_INSTALL:
		op->status = dp->be->peer_install(dp, p);
		p->status = op->status;
		break;
	case DP_OP_UPLINK_INSTALL:
		op->status = peer_usable(p);
		if (op->status == 0) {
			dp_put_route(dp, op, RTM_NEWROUTE,
			    NLM_F_CREATE | NLM_F_REPLACE, op->table, &any, 0);
			dp->be->put_nexthop(dp, p);
			dp_msg_end(dp);
			dp_window_flush(dp);
		}
		p->uplink = op->status;
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
	case DP_OP_UPLINK_INSTALL:
		op->peer->uplink = 0;
		break;
	case DP_OP_UPLINK_REMOVE:
		op->peer->uplink = DP_ST_NONE;
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
	static const struct prefix6 any;
	uint16_t excl;

	if (!dp->be->programs) {
		exec_none(dp, op);
		return;
	}
	switch (op->type) {
	case DP_OP_PEER_INSTALL:
	case DP_OP_UPLINK_INSTALL:
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
	case DP_OP_UPLINK_REMOVE:
		if (p->uplink == 0) {
			dp_put_route(dp, op, RTM_DELROUTE, 0, op->table, &any,
			    ESRCH);
			dp_msg_end(dp);
		}
		p->uplink = DP_ST_NONE;
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
	case DP_OP_RULE_ADD:
		op->status = peer_usable(p);
		if (op->status == 0 && p->uplink != 0)
			op->status = p->uplink < 0 ? p->uplink : -EIO;
		if (op->status == 0)
			encode_rule(dp, op, true);
		break;
	case DP_OP_RULE_DEL:
		encode_rule(dp, op, false);
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

/*
 * After the kernel has answered: a failed add gives its reference back,
 * and what it leaves with no reference is queued for removal on fix.
 */
static void
settle(struct dp *dp, struct dp_queue *run)
{
	struct dp_peer *p;
	struct dp_decap_ent *d;
	size_t i;

	for (i = 0; i < run->n; i++) {
		struct dp_op *op = &run->v[i];

		if (op->status == 0 || q_reserve(&dp->fix, 3) != 0)
			continue;
		p = op->peer;
		d = op->decap;
		switch (op->type) {
		case DP_OP_TUNNEL_ADD:
			if (p->refs == 0)
				break;
			if (--p->refs + p->rules == 0)
				peer_release(dp, &dp->fix, p);
			break;
		case DP_OP_RULE_ADD:
			if (p->rules == 0)
				break;
			p->rules--;
			/* Let the next rule try the uplink table again. */
			if (p->rules == 0 && p->uplink < 0 && p->table != 0) {
				slot_free(dp, p->table);
				p->table = 0;
			}
			if (p->refs + p->rules == 0)
				peer_release(dp, &dp->fix, p);
			break;
		case DP_OP_DECAP_ADD:
			if (d->refs > 0 && --d->refs == 0)
				decap_release(dp, &dp->fix, d, NULL, NULL,
				    NULL);
			break;
		default:
			break;
		}
	}
}

static void
run_queue(struct dp *dp, struct dp_queue *q)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		exec_op(dp, &q->v[i]);
	if (dp->be->programs)
		dp_window_flush(dp);
}

static void
unpend(struct dp_queue *q)
{
	size_t i;

	for (i = 0; i < q->n; i++) {
		if (q->v[i].peer != NULL)
			q->v[i].peer->pending--;
		if (q->v[i].decap != NULL)
			q->v[i].decap->pending--;
	}
}

/* Frees what nothing refers to any more. */
static void
sweep(struct dp *dp)
{
	struct dp_peer **pp, *p;
	struct dp_decap_ent **dd, *d;
	unsigned h;

	for (h = 0; h < DP_PEER_BUCKETS; h++)
		for (pp = &dp->peers[h]; (p = *pp) != NULL;) {
			if (p->refs + p->rules + p->pending == 0) {
				*pp = p->next;
				free(p);
			} else
				pp = &p->next;
		}
	for (dd = &dp->decaps; (d = *dd) != NULL;) {
		if (d->refs + d->pending == 0) {
			*dd = d->next;
			free(d);
		} else
			dd = &d->next;
	}
}

int
dp_commit(struct dp *dp)
{
	struct dp_queue tmp;
	size_t i;
	int failed = 0;

	if (dp->committing)
		return -EBUSY;
	dp->committing = true;
	tmp = dp->run;
	dp->run = dp->q;
	dp->q = tmp;
	dp->q.n = 0;

	run_queue(dp, &dp->run);
	settle(dp, &dp->run);
	run_queue(dp, &dp->fix);
	unpend(&dp->run);
	unpend(&dp->fix);
	dp->fix.n = 0;
	sweep(dp);

	for (i = 0; i < dp->run.n; i++) {
		struct dp_op *op = &dp->run.v[i];

		if (op->done == NULL && op->type >= DP_OP_PEER_INSTALL)
			continue;
		if (op->status != 0)
			failed++;
		if (op->done != NULL)
			op->done(op->arg, op->status);
	}
	dp->run.n = 0;
	dp->committing = false;
	return failed;
}

static void
cancel_queue(struct dp *dp)
{
	size_t i;

	for (i = 0; i < dp->q.n; i++)
		if (dp->q.v[i].done != NULL)
			dp->q.v[i].done(dp->q.v[i].arg, -ECANCELED);
	unpend(&dp->q);
	dp->q.n = 0;
}

static void
forget_all(struct dp *dp)
{
	unsigned h;

	for (h = 0; h < DP_PEER_BUCKETS; h++) {
		struct dp_peer *p, *n;

		for (p = dp->peers[h]; p != NULL; p = n) {
			n = p->next;
			free(p);
		}
		dp->peers[h] = NULL;
	}
	while (dp->decaps != NULL) {
		struct dp_decap_ent *d = dp->decaps;

		dp->decaps = d->next;
		free(d);
	}
	dp->ndecap = 0;
	dp->local_status = DP_ST_NONE;
	memset(dp->uplink_used, 0, (dp->cfg.table_uplink_count + 7) / 8);
}

int
dp_flush(struct dp *dp)
{
	if (dp->committing)
		return -EBUSY;
	cancel_queue(dp);
	forget_all(dp);
	return dp_flush_kernel(dp);
}

static int
check_config(const struct dp_config *c)
{
	size_t n = strnlen(c->dev_prefix, sizeof(c->dev_prefix));

	if (c->proto == 0 || c->table_route == 0 || c->table_access == 0 ||
	    c->table_decap == 0 || c->table_lookup == 0 ||
	    c->table_uplink == 0 || c->table_uplink_count == 0 ||
	    c->table_uplink + c->table_uplink_count < c->table_uplink ||
	    c->pref_local == 0 || n == 0 || n > DP_DEV_PREFIX_MAX ||
	    c->window < DP_OP_MSGS || c->window > DP_WINDOW_MAX)
		return -EINVAL;
	/* The decap rule must come before the local rule it steps over. */
	if (c->pref_decap >= c->pref_local)
		return -EINVAL;
	return 0;
}

static void
dp_free(struct dp *dp)
{
	forget_all(dp);
	nlb_close(&dp->nl);
	free(dp->b.data);
	free(dp->owner);
	free(dp->seen);
	free(dp->uplink_used);
	free(dp->q.v);
	free(dp->run.v);
	free(dp->fix.v);
	free(dp);
}

static int
dp_start(struct dp *dp, const struct dp_backend *be)
{
	int err;

	dp->be = be;
	if (!be->programs)
		return 0;
	if (dp->nl.fd < 0) {
		err = nlb_open(&dp->nl);
		if (err != 0)
			return err;
		dp->window = dp->nl.window;
		dp->first_seq = dp->nl.seq;
	}
	return be->open != NULL ? be->open(dp) : 0;
}

int
dp_open(struct dp **dpp, const struct dp_config *cfg)
{
	struct dp *dp;
	void *buf;
	int err;

	*dpp = NULL;
	dp = calloc(1, sizeof(*dp));
	if (dp == NULL)
		return -ENOMEM;
	dp->nl.fd = -1;
	if (cfg != NULL)
		dp->cfg = *cfg;
	else
		dp_config_default(&dp->cfg);
	dp->local_status = DP_ST_NONE;
	err = check_config(&dp->cfg);
	if (err != 0) {
		free(dp);
		return err;
	}
	buf = malloc(DP_BUF_SIZE);
	dp->owner = calloc(dp->cfg.window + DP_OP_MSGS, sizeof(*dp->owner));
	dp->seen = calloc(DP_SEEN_SLOTS, sizeof(*dp->seen));
	dp->uplink_used = calloc((dp->cfg.table_uplink_count + 7) / 8, 1);
	nlb_buf_init(&dp->b, buf, buf != NULL ? DP_BUF_SIZE : 0);
	if (buf == NULL || dp->owner == NULL || dp->seen == NULL ||
	    dp->uplink_used == NULL) {
		dp_free(dp);
		return -ENOMEM;
	}

	switch (dp->cfg.backend) {
	case DP_BACKEND_AUTO:
		err = dp_start(dp, &dp_backend_ip6tnl);
		if (err == -EPROTONOSUPPORT)
			err = dp_start(dp, &dp_backend_seg6);
		break;
	case DP_BACKEND_SEG6:
		err = dp_start(dp, &dp_backend_seg6);
		break;
	case DP_BACKEND_IP6TNL:
		err = dp_start(dp, &dp_backend_ip6tnl);
		break;
	case DP_BACKEND_NONE:
		err = dp_start(dp, &dp_backend_none);
		break;
	default:
		err = -EINVAL;
		break;
	}
	if (err == 0 && dp->window > dp->cfg.window)
		dp->window = dp->cfg.window;

	if (err == 0)
		err = dp_flush_kernel(dp);
	if (err != 0) {
		if (dp->be != NULL && dp->be->close != NULL)
			dp->be->close(dp);
		dp_free(dp);
		return err;
	}
	*dpp = dp;
	return 0;
}

void
dp_close(struct dp *dp)
{
	if (dp == NULL)
		return;
	cancel_queue(dp);
	forget_all(dp);
	(void)dp_flush_kernel(dp);
	if (dp->be->close != NULL)
		dp->be->close(dp);
	dp_free(dp);
}
