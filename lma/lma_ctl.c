/*
 * lma_ctl.c: the LMA's control commands (pmip6ctl): bindings, statistics,
 * peers, administrative revocation (RFC 5846 8.1) and the event monitor.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "lma.h"
#include "lma_daemon.h"

struct walk {
	struct ctl_conn	*c;
	int		 json;
	int		 first;
	uint64_t	 now;
};

static const char *
state_name(const struct lma_binding *lb)
{
	return lb->state == LMA_B_DELETING ? "deleting" : "active";
}

static void
mnid_print(char *buf, size_t len, const struct bce *b, int json)
{
	size_t i, o = 0;

	for (i = 0; i < b->mnid_len && o + 7 < len; i++) {
		uint8_t ch = b->mnid[i];

		if (ch < 0x20 || ch >= 0x7f || (json && (ch == '"' ||
		    ch == '\\')))
			o += (size_t)snprintf(buf + o, len - o, json ?
			    "\\u%04x" : "\\x%02x", ch);
		else if (!json && ch == ' ')
			o += (size_t)snprintf(buf + o, len - o, "\\x20");
		else
			buf[o++] = (char)ch;
	}
	buf[o] = '\0';
}

static void
print_binding(struct walk *w, const struct lma_binding *lb)
{
	char id[BCE_MNID_MAX * 6 + 1], mag[INET6_ADDRSTRLEN] = "-";
	char p[PREFIX6_STRLEN];
	const struct bce_hnp *h;
	uint64_t left = lma_life_remaining(lb) / 1000;
	unsigned i;

	mnid_print(id, sizeof(id), &lb->b, w->json);
	if (lb->b.peer != NULL)
		addr6_ntop(&lb->b.peer->addr, mag);
	if (w->json) {
		ctl_printf(w->c, "%s{\"mnid\":\"%s\",\"mag\":\"%s\","
		    "\"att\":%u,\"state\":\"%s\",\"lifetime\":%u,"
		    "\"remaining\":%llu,\"lli\":\"", w->first ? "" : ",", id,
		    mag, lb->b.att, state_name(lb), lb->lifetime,
		    (unsigned long long)left);
		for (i = 0; i < lb->b.lli_len; i++)
			ctl_printf(w->c, "%s%02x", i ? ":" : "", lb->b.lli[i]);
		ctl_printf(w->c, "\",\"hnp\":[");
		for (h = lb->b.hnp; h != NULL; h = h->next)
			ctl_printf(w->c, "%s\"%s\"", h == lb->b.hnp ? "" : ",",
			    prefix6_ntop(&h->pfx, p));
		ctl_printf(w->c, "]}\n");
	} else {
		ctl_printf(w->c, "binding %s mag %s hnp", id, mag);
		for (h = lb->b.hnp; h != NULL; h = h->next)
			ctl_printf(w->c, " %s", prefix6_ntop(&h->pfx, p));
		ctl_printf(w->c, " att %u lli ", lb->b.att);
		for (i = 0; i < lb->b.lli_len; i++)
			ctl_printf(w->c, "%s%02x", i ? ":" : "", lb->b.lli[i]);
		if (lb->b.lli_len == 0)
			ctl_printf(w->c, "-");
		ctl_printf(w->c, " state %s lifetime %u remaining %llu\n",
		    state_name(lb), lb->lifetime, (unsigned long long)left);
	}
	w->first = 0;
}

static int
walk_one(struct bce *b, void *ctx)
{
	print_binding(ctx, (struct lma_binding *)(void *)((char *)b -
	    offsetof(struct lma_binding, b)));
	return 0;
}

static int
has_flag(int argc, char **argv, const char *flag)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], flag) == 0)
			return 1;
	return 0;
}

static int
cmd_bindings(struct ctl_conn *c, int argc, char **argv, void *ctx)
{
	struct lma_daemon *d = ctx;
	struct walk w = { .c = c, .json = has_flag(argc, argv, "--json"),
	    .first = 1 };

	if (w.json)
		ctl_printf(c, "[\n");
	bce_walk(d->lma.cache, walk_one, &w);
	if (w.json)
		ctl_printf(c, "]\n");
	return CTL_OK;
}

static int
cmd_binding(struct ctl_conn *c, int argc, char **argv, void *ctx)
{
	struct lma_daemon *d = ctx;
	struct walk w = { .c = c, .json = has_flag(argc, argv, "--json"),
	    .first = 1 };
	struct bce *b;

	if (argc < 1) {
		ctl_printf(c, "%04d usage: show binding MN-ID\n",
		    CTL_ERR_SYNTAX);
		return CTL_ERR_SYNTAX;
	}
	b = bce_by_mnid(d->lma.cache, (const uint8_t *)argv[0],
	    strlen(argv[0]));
	if (b == NULL) {
		ctl_printf(c, "%04d no binding for %s\n", CTL_ERR_NOTFOUND,
		    argv[0]);
		return CTL_ERR_NOTFOUND;
	}
	for (; b != NULL; b = bce_next_mnid(b))
		walk_one(b, &w);
	return CTL_OK;
}

static const char *const type_names[] = {
	[MH_TYPE_BU] = "bu", [MH_TYPE_BA] = "ba", [MH_TYPE_BE] = "be",
	[MH_TYPE_HB] = "heartbeat", [MH_TYPE_BR] = "revocation",
};

static int
cmd_stats(struct ctl_conn *c, int argc, char **argv, void *ctx)
{
	struct lma_daemon *d = ctx;
	const struct lma_stats *s = &d->lma.stats;
	int json = has_flag(argc, argv, "--json");
	const char *sep = "";
	unsigned i;

	ctl_printf(c, json ? "{\"bindings\":%zu,\"peers\":%zu,"
	    "\"pbu_per_s\":%.1f" : "stats bindings %zu peers %zu pbu/s %.1f\n",
	    bce_cache_count(d->lma.cache), bce_cache_peers(d->lma.cache),
	    lma_daemon_pbu_rate(d));
	if (json)
		ctl_printf(c, ",\"rx\":{");
	for (i = 0; i < 256; i++) {
		if (s->rx[i] == 0)
			continue;
		if (json)
			ctl_printf(c, "%s\"%u\":%llu", sep, i,
			    (unsigned long long)s->rx[i]);
		else
			ctl_printf(c, "stats rx %s %llu\n", i < 17 &&
			    type_names[i] != NULL ? type_names[i] : "other",
			    (unsigned long long)s->rx[i]);
		sep = ",";
	}
	sep = "";
	if (json)
		ctl_printf(c, "},\"pba_status\":{");
	for (i = 0; i < 256; i++) {
		if (s->pba_status[i] == 0)
			continue;
		if (json)
			ctl_printf(c, "%s\"%u\":%llu", sep, i,
			    (unsigned long long)s->pba_status[i]);
		else
			ctl_printf(c, "stats pba %u %s %llu\n", i,
			    mh_ba_status_name((uint8_t)i),
			    (unsigned long long)s->pba_status[i]);
		sep = ",";
	}
	if (json) {
		ctl_printf(c, "},\"malformed\":%llu,\"unauthorized\":%llu,"
		    "\"unprotected\":%llu,\"created\":%llu,\"updated\":%llu,"
		    "\"handoffs\":%llu,\"deregistered\":%llu,\"expired\":%llu,"
		    "\"bri_sent\":%llu,\"bri_acked\":%llu,"
		    "\"bri_timeout\":%llu,\"dp_failures\":%llu}\n",
		    (unsigned long long)s->rx_malformed,
		    (unsigned long long)s->rx_unauthorized,
		    (unsigned long long)d->rx_unprotected,
		    (unsigned long long)s->created,
		    (unsigned long long)s->updated,
		    (unsigned long long)s->handoffs,
		    (unsigned long long)s->deregistered,
		    (unsigned long long)s->expired,
		    (unsigned long long)s->bri_sent,
		    (unsigned long long)s->bri_acked,
		    (unsigned long long)s->bri_timeout,
		    (unsigned long long)s->dp_failures);
		return CTL_OK;
	}
	ctl_printf(c, "stats malformed %llu unauthorized %llu\n"
	    "stats created %llu updated %llu handoffs %llu deregistered %llu "
	    "expired %llu\nstats bri sent %llu retransmitted %llu acked %llu "
	    "timeout %llu\nstats dp_failures %llu\n",
	    (unsigned long long)s->rx_malformed,
	    (unsigned long long)s->rx_unauthorized,
	    (unsigned long long)s->created, (unsigned long long)s->updated,
	    (unsigned long long)s->handoffs,
	    (unsigned long long)s->deregistered,
	    (unsigned long long)s->expired, (unsigned long long)s->bri_sent,
	    (unsigned long long)s->bri_retx, (unsigned long long)s->bri_acked,
	    (unsigned long long)s->bri_timeout,
	    (unsigned long long)s->dp_failures);
	return CTL_OK;
}

static const char *
sa_state(const struct lma_daemon *d, const struct in6_addr *peer)
{
	return ipsecctl_state_name(d->ipsec, peer);
}

static void
sa_only(const struct ipsecctl_sa *sa, void *arg)
{
	struct ctl_conn *c = arg;
	struct lma_daemon *d = ctl_ctx(c);
	char a[INET6_ADDRSTRLEN];

	if (bce_peer_find(d->lma.cache, &sa->peer) != NULL)
		return;
	ctl_printf(c, "peer %s bindings 0 ipsec %s\n", addr6_ntop(&sa->peer, a),
	    sa_state(d, &sa->peer));
}

static int
cmd_peers(struct ctl_conn *c, int argc, char **argv, void *ctx)
{
	struct lma_daemon *d = ctx;
	struct bce_peer *p;
	char a[INET6_ADDRSTRLEN];

	(void)argc;
	(void)argv;
	for (p = bce_peer_first(d->lma.cache); p != NULL;
	    p = bce_peer_next(p))
		ctl_printf(c, "peer %s bindings %u ipsec %s\n",
		    addr6_ntop(&p->addr, a), p->count, sa_state(d, &p->addr));
	/* MAGs with an SA but no binding yet. */
	if (d->ipsec != NULL)
		ipsecctl_foreach(d->ipsec, sa_only, c);
	return CTL_OK;
}

static int
cmd_revoke(struct ctl_conn *c, int argc, char **argv, void *ctx)
{
	struct lma_daemon *d = ctx;
	struct in6_addr a;
	unsigned n;

	if (argc != 1) {
		ctl_printf(c, "%04d usage: revoke MN-ID|MAG-ADDRESS\n",
		    CTL_ERR_SYNTAX);
		return CTL_ERR_SYNTAX;
	}
	if (addr6_parse(argv[0], &a) == 0)
		n = lma_revoke_mag(&d->lma, &a);
	else
		n = lma_revoke_mn(&d->lma, (const uint8_t *)argv[0],
		    strlen(argv[0]));
	if (n == 0) {
		ctl_printf(c, "%04d no binding for %s\n", CTL_ERR_NOTFOUND,
		    argv[0]);
		return CTL_ERR_NOTFOUND;
	}
	ctl_printf(c, "revoked %u binding%s\n", n, n == 1 ? "" : "s");
	return CTL_OK;
}

const struct ctl_cmd lma_ctl_cmds[] = {
	{ "show bindings", cmd_bindings, "[--json] every binding" },
	{ "show binding", cmd_binding, "MN-ID [--json] one MN's bindings" },
	{ "show stats", cmd_stats, "[--json] counters and PBU rate" },
	{ "show peers", cmd_peers, "MAGs with bindings" },
	{ "revoke", cmd_revoke, "MN-ID|MAG-ADDRESS revoke (RFC 5846)" },
	{ "monitor", ctl_cmd_monitor, "stream binding events" },
	{ NULL, NULL, NULL }
};

void
lma_ctl_event(void *ctx, const char *event, const struct lma_binding *lb)
{
	struct lma_daemon *d = ctx;
	char id[BCE_MNID_MAX * 6 + 1], mag[INET6_ADDRSTRLEN] = "-";
	char p[PREFIX6_STRLEN] = "-";

	if (d->ctl == NULL || !ctl_has_streams(d->ctl))
		return;
	mnid_print(id, sizeof(id), &lb->b, 0);
	if (lb->b.peer != NULL)
		addr6_ntop(&lb->b.peer->addr, mag);
	if (lb->b.hnp != NULL)
		prefix6_ntop(&lb->b.hnp->pfx, p);
	ctl_broadcast(d->ctl, "event %s %s mag %s hnp %s\n", event, id, mag,
	    p);
}
