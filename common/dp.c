/*
 * dp.c: the generic half of the data plane above the backends: request
 * queue, reference counts per peer, per access interface and per
 * decapsulation address, the MAG's uplink table slots, dp_commit() and
 * the life cycle (open, flush, close).  dp_exec.c turns the queue into
 * netlink messages.
 *
 * Bookkeeping is done when a request is queued, so a batch can hold a
 * tunnel's creation and the routes that use it; kernel state is only
 * touched by dp_commit(), in queue order.  A failed add gives its
 * reference back once the kernel has answered, and whatever that leaves
 * unreferenced is taken down in the same commit.
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

unsigned
dp_addr_hash(const struct in6_addr *a)
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

	for (p = dp->peers[dp_addr_hash(a)]; p != NULL; p = p->next)
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
	dp->sweep_due = true;	/* freed by sweep() if its op never runs */
	h = dp_addr_hash(a);
	p->next = dp->peers[h];
	dp->peers[h] = p;
	return p;
}

static struct dp_iif *
iif_find(const struct dp *dp, unsigned ifindex)
{
	struct dp_iif *i;

	for (i = dp->iifs[ifindex % DP_IIF_BUCKETS]; i != NULL; i = i->next)
		if (i->ifindex == ifindex)
			return i;
	return NULL;
}

static struct dp_iif *
iif_get(struct dp *dp, unsigned ifindex)
{
	struct dp_iif *i;

	i = iif_find(dp, ifindex);
	if (i != NULL)
		return i;
	i = calloc(1, sizeof(*i));
	if (i == NULL)
		return NULL;
	i->ifindex = ifindex;
	i->status = DP_ST_NONE;
	dp->sweep_due = true;
	i->next = dp->iifs[ifindex % DP_IIF_BUCKETS];
	dp->iifs[ifindex % DP_IIF_BUCKETS] = i;
	return i;
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

static void
op_iif(struct dp_op *op, struct dp_iif *i)
{
	op->iif = i;
	i->pending++;
}

/* The last reference to a peer is gone: queue the tunnel's removal. */
static void
peer_release(struct dp_queue *q, struct dp_peer *p)
{
	q_push(q, DP_OP_PEER_REMOVE, p, NULL);
}

/*
 * The last uplink of an access interface is gone: queue the removal of
 * its rule.  The table slot is free for requests queued after this one,
 * which the queue order makes safe: the rule goes before a new one can
 * name the table.
 */
static void
iif_release(struct dp *dp, struct dp_queue *q, struct dp_iif *i)
{
	struct dp_op *op;

	op = q_push(q, DP_OP_IIF_REMOVE, NULL, NULL);
	op_iif(op, i);
	op->table = i->table;
	slot_free(dp, i->table);
	i->table = 0;
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
	if (p->refs + p->uplinks == 0) {
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
	if (p->refs + p->uplinks == 0)
		peer_release(&dp->q, p);
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
dp_uplink_add(struct dp *dp, const struct dp_uplink *u, dp_done_fn *done,
    void *arg)
{
	struct dp_peer *p;
	struct dp_iif *i;
	struct dp_op *op;

	if (check_prefix(&u->prefix) != 0 || u->iif == 0)
		return -EINVAL;
	p = peer_find(dp, &u->peer);
	if (p == NULL || p->refs == 0)
		return -ENOENT;
	if (q_reserve(&dp->q, 2) != 0)
		return -ENOMEM;
	i = iif_get(dp, u->iif);
	if (i == NULL)
		return -ENOMEM;
	if (i->refs == 0) {
		/* Left unreferenced on failure; sweep() frees it. */
		i->table = slot_alloc(dp);
		if (i->table == 0)
			return -ENOSPC;
		op = q_push(&dp->q, DP_OP_IIF_INSTALL, NULL, NULL);
		op_iif(op, i);
		op->table = i->table;
	}
	i->refs++;
	p->uplinks++;
	op = q_push(&dp->q, DP_OP_UPLINK_ADD, p, NULL);
	op_iif(op, i);
	op->u.uplink = *u;
	op->table = i->table;
	op->done = done;
	op->arg = arg;
	return 0;
}

int
dp_uplink_del(struct dp *dp, const struct dp_uplink *u, dp_done_fn *done,
    void *arg)
{
	struct dp_peer *p;
	struct dp_iif *i;
	struct dp_op *op;

	if (check_prefix(&u->prefix) != 0 || u->iif == 0)
		return -EINVAL;
	p = peer_find(dp, &u->peer);
	i = iif_find(dp, u->iif);
	if (p == NULL || p->uplinks == 0 || i == NULL || i->refs == 0)
		return -ENOENT;
	if (q_reserve(&dp->q, 3) != 0)
		return -ENOMEM;
	p->uplinks--;
	i->refs--;
	op = q_push(&dp->q, DP_OP_UPLINK_DEL, p, NULL);
	op_iif(op, i);
	op->u.uplink = *u;
	op->table = i->table;
	op->done = done;
	op->arg = arg;
	if (i->refs == 0)
		iif_release(dp, &dp->q, i);
	if (p->refs + p->uplinks == 0)
		peer_release(&dp->q, p);
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
		dp->sweep_due = true;
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
dp_uplink_table(const struct dp *dp, unsigned iif)
{
	const struct dp_iif *i = iif_find(dp, iif);

	return i != NULL ? i->table : 0;
}

unsigned
dp_uplink_refs(const struct dp *dp, const struct in6_addr *peer)
{
	const struct dp_peer *p = peer_find(dp, peer);

	return p != NULL ? p->uplinks : 0;
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
			if (--p->refs + p->uplinks == 0)
				peer_release(&dp->fix, p);
			break;
		case DP_OP_UPLINK_ADD:
			if (p->uplinks == 0 || op->iif->refs == 0)
				break;
			p->uplinks--;
			/* A rule that failed is tried again by the next add. */
			if (--op->iif->refs == 0)
				iif_release(dp, &dp->fix, op->iif);
			if (p->refs + p->uplinks == 0)
				peer_release(&dp->fix, p);
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

/*
 * The ops of q no longer point anywhere.  An object left with no count
 * at all is due for sweep(); the last op pointing at it is the only way
 * one gets there after its creation, so sweep() need not look otherwise.
 */
static void
unpend(struct dp *dp, struct dp_queue *q)
{
	size_t i;

	for (i = 0; i < q->n; i++) {
		struct dp_peer *p = q->v[i].peer;
		struct dp_decap_ent *d = q->v[i].decap;
		struct dp_iif *f = q->v[i].iif;

		if (p != NULL && --p->pending + p->refs + p->uplinks == 0)
			dp->sweep_due = true;
		if (d != NULL && --d->pending + d->refs == 0)
			dp->sweep_due = true;
		if (f != NULL && --f->pending + f->refs == 0)
			dp->sweep_due = true;
	}
}

/*
 * Frees what nothing refers to any more.  A walk of every table, so only
 * when unpend() or a creation said something may be free: a commit of
 * routes alone (the common case) skips it.
 */
static void
sweep(struct dp *dp)
{
	struct dp_peer **pp, *p;
	struct dp_decap_ent **dd, *d;
	struct dp_iif **ii, *i;
	unsigned h;

	if (!dp->sweep_due)
		return;
	dp->sweep_due = false;

	for (h = 0; h < DP_PEER_BUCKETS; h++)
		for (pp = &dp->peers[h]; (p = *pp) != NULL;) {
			if (p->refs + p->uplinks + p->pending == 0) {
				*pp = p->next;
				free(p);
			} else
				pp = &p->next;
		}
	for (h = 0; h < DP_IIF_BUCKETS; h++)
		for (ii = &dp->iifs[h]; (i = *ii) != NULL;) {
			if (i->refs + i->pending == 0) {
				*ii = i->next;
				free(i);
			} else
				ii = &i->next;
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

	dp_run_queue(dp, &dp->run);
	settle(dp, &dp->run);
	dp_run_queue(dp, &dp->fix);
	unpend(dp, &dp->run);
	unpend(dp, &dp->fix);
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
	unpend(dp, &dp->q);
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
	for (h = 0; h < DP_IIF_BUCKETS; h++) {
		struct dp_iif *i, *n;

		for (i = dp->iifs[h]; i != NULL; i = n) {
			n = i->next;
			free(i);
		}
		dp->iifs[h] = NULL;
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

static bool
in_uplink(const struct dp_config *c, uint32_t t)
{
	return t >= c->table_uplink && t - c->table_uplink <
	    c->table_uplink_count;
}

static bool
reserved_table(uint32_t t)
{
	return t == RT_TABLE_MAIN || t == RT_TABLE_LOCAL ||
	    t == RT_TABLE_DEFAULT;
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
	/*
	 * Uplink tables see every packet from an access link and the decap
	 * table every protocol-41 packet: none may be a table something
	 * else uses.
	 */
	if (in_uplink(c, RT_TABLE_MAIN) || in_uplink(c, RT_TABLE_LOCAL) ||
	    in_uplink(c, RT_TABLE_DEFAULT) || in_uplink(c, c->table_route) ||
	    in_uplink(c, c->table_access) || in_uplink(c, c->table_decap) ||
	    in_uplink(c, c->table_lookup) || reserved_table(c->table_decap) ||
	    c->table_decap == c->table_route ||
	    c->table_decap == c->table_access ||
	    c->table_decap == c->table_lookup)
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
