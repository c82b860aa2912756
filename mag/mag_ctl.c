/*
 * mag_ctl.c: the MAG's control commands (pmip6ctl -s /run/pmip6/mag.sock):
 * the binding update list, statistics, operator detach, event monitor.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "mag.h"
#include "mag_daemon.h"

static const char *const state_names[] = {
	[MAG_S_AUTH] = "radius", [MAG_S_REG] = "registering",
	[MAG_S_BOUND] = "bound", [MAG_S_DEREG] = "deregistering",
	[MAG_S_FAILED] = "refused",
};

static int
has_flag(int argc, char **argv, const char *flag)
{
	int i;

	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], flag) == 0)
			return 1;
	return 0;
}

/* MN-IDs come from RADIUS: print them safely. */
static void
safe_id(const struct mag_mn *mn, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; mn->b.mnid != NULL && i < mn->b.mnid_len && o + 1 < len;
	    i++) {
		uint8_t ch = mn->b.mnid[i];

		buf[o++] = (ch > 0x20 && ch < 0x7f && ch != '"' &&
		    ch != '\\') ? (char)ch : '?';
	}
	if (o == 0 && len > 1)
		buf[o++] = '-';
	buf[o] = '\0';
}

struct walk {
	struct ctl_conn	*c;
	int		 json, first;
};

static void
print_mn(struct mag *m, struct mag_mn *mn, void *ctx)
{
	struct walk *w = ctx;
	char id[256], mac[MAC_STRLEN], lma[INET6_ADDRSTRLEN], p[PREFIX6_STRLEN];
	const struct bce_hnp *h;

	(void)m;
	safe_id(mn, id, sizeof(id));
	mac_format(mn->mac, mac, sizeof(mac), MAC_COLON_LOWER);
	addr6_ntop(&mn->lma, lma);
	if (w->json) {
		ctl_printf(w->c, "%s{\"mnid\":\"%s\",\"mac\":\"%s\","
		    "\"interface\":\"%s\",\"state\":\"%s\",\"lma\":\"%s\","
		    "\"lifetime\":%u,\"attach_ms\":%llu,\"hnp\":[",
		    w->first ? "" : ",", id, mac, mn->ifc->name,
		    state_names[mn->state], lma, mn->lifetime,
		    (unsigned long long)(mn->bound_ms ? mn->bound_ms -
		    mn->first_ms : 0));
		for (h = mn->b.hnp; h != NULL; h = h->next)
			ctl_printf(w->c, "%s\"%s\"", h == mn->b.hnp ? "" : ",",
			    prefix6_ntop(&h->pfx, p));
		ctl_printf(w->c, "]}\n");
	} else {
		ctl_printf(w->c, "mn %s mac %s on %s state %s lma %s hnp", id,
		    mac, mn->ifc->name, state_names[mn->state], lma);
		for (h = mn->b.hnp; h != NULL; h = h->next)
			ctl_printf(w->c, " %s", prefix6_ntop(&h->pfx, p));
		if (mn->b.hnp == NULL)
			ctl_printf(w->c, " -");
		ctl_printf(w->c, " lifetime %u\n", mn->lifetime);
	}
	w->first = 0;
}

static int
cmd_bindings(struct ctl_conn *c, int argc, char **argv, void *ctx)
{
	struct mag_daemon *d = ctx;
	struct walk w = { .c = c, .json = has_flag(argc, argv, "--json"),
	    .first = 1 };

	if (w.json)
		ctl_printf(c, "[\n");
	mag_foreach(&d->mag, print_mn, &w);
	if (w.json)
		ctl_printf(c, "]\n");
	return CTL_OK;
}

static int
cmd_stats(struct ctl_conn *c, int argc, char **argv, void *ctx)
{
	struct mag_daemon *d = ctx;
	const struct mag_stats *s = &d->mag.stats;
	unsigned i;
	const char *sep = "";

	if (has_flag(argc, argv, "--json")) {
		ctl_printf(c, "{\"mns\":%zu,\"attach\":%llu,\"accept\":%llu,"
		    "\"reject\":%llu,\"aaa_timeout\":%llu,\"reg_failed\":%llu,"
		    "\"retransmits\":%llu,\"detach\":%llu,\"revoked\":%llu,"
		    "\"malformed\":%llu,\"unmatched\":%llu,"
		    "\"lma_restarts\":%llu,\"unprotected\":%llu,"
		    "\"held_for_sa\":%llu,\"pba_status\":{", d->mag.n_mn,
		    (unsigned long long)s->attach,
		    (unsigned long long)s->accept,
		    (unsigned long long)s->reject,
		    (unsigned long long)s->aaa_timeout,
		    (unsigned long long)s->reg_failed,
		    (unsigned long long)s->retransmits,
		    (unsigned long long)s->detach,
		    (unsigned long long)s->revoked,
		    (unsigned long long)s->rx_malformed,
		    (unsigned long long)s->rx_unmatched,
		    (unsigned long long)s->lma_restarts,
		    (unsigned long long)d->rx_unprotected,
		    (unsigned long long)d->tx_held);
		for (i = 0; i < 256; i++) {
			if (s->pba_status[i] == 0)
				continue;
			ctl_printf(c, "%s\"%u\":%llu", sep, i,
			    (unsigned long long)s->pba_status[i]);
			sep = ",";
		}
		ctl_printf(c, "}}\n");
		return CTL_OK;
	}
	ctl_printf(c, "stats mns %zu attach %llu accept %llu reject %llu "
	    "aaa_timeout %llu\nstats reg_failed %llu retransmits %llu "
	    "detach %llu revoked %llu lma_restarts %llu\n"
	    "stats unprotected %llu held_for_sa %llu\n", d->mag.n_mn,
	    (unsigned long long)s->attach, (unsigned long long)s->accept,
	    (unsigned long long)s->reject, (unsigned long long)s->aaa_timeout,
	    (unsigned long long)s->reg_failed,
	    (unsigned long long)s->retransmits, (unsigned long long)s->detach,
	    (unsigned long long)s->revoked,
	    (unsigned long long)s->lma_restarts,
	    (unsigned long long)d->rx_unprotected,
	    (unsigned long long)d->tx_held);
	for (i = 0; i < 256; i++)
		if (s->pba_status[i] != 0)
			ctl_printf(c, "stats pba %u %s %llu\n", i,
			    mh_ba_status_name((uint8_t)i),
			    (unsigned long long)s->pba_status[i]);
	return CTL_OK;
}

static int
cmd_detach(struct ctl_conn *c, int argc, char **argv, void *ctx)
{
	struct mag_daemon *d = ctx;
	unsigned n;

	if (argc != 1) {
		ctl_printf(c, "%04d usage: detach MAC|MN-ID\n",
		    CTL_ERR_SYNTAX);
		return CTL_ERR_SYNTAX;
	}
	if ((n = mag_detach(&d->mag, argv[0])) == 0) {
		ctl_printf(c, "%04d no MN %s\n", CTL_ERR_NOTFOUND, argv[0]);
		return CTL_ERR_NOTFOUND;
	}
	ctl_printf(c, "detached %u\n", n);
	return CTL_OK;
}

struct peers {
	struct ctl_conn		*c;
	struct mag_daemon	*d;
};

static const char *
sa_state(const struct mag_daemon *d, const struct in6_addr *peer)
{
	return ipsecctl_state_name(d->ipsec, peer);
}

static void
sa_only(const struct ipsecctl_sa *sa, void *arg)
{
	struct peers *p = arg;
	char a[INET6_ADDRSTRLEN];

	if (bce_peer_find(p->d->mag.cache, &sa->peer) != NULL)
		return;
	ctl_printf(p->c, "peer %s bindings 0 ipsec %s\n",
	    addr6_ntop(&sa->peer, a), sa_state(p->d, &sa->peer));
}

static int
cmd_peers(struct ctl_conn *c, int argc, char **argv, void *ctx)
{
	struct mag_daemon *d = ctx;
	struct peers p = { .c = c, .d = d };
	struct bce_peer *bp;
	char a[INET6_ADDRSTRLEN];

	(void)argc;
	(void)argv;
	for (bp = bce_peer_first(d->mag.cache); bp != NULL;
	    bp = bce_peer_next(bp))
		ctl_printf(c, "peer %s bindings %u ipsec %s\n",
		    addr6_ntop(&bp->addr, a), bp->count, sa_state(d, &bp->addr));
	if (d->ipsec != NULL)
		ipsecctl_foreach(d->ipsec, sa_only, &p);
	return CTL_OK;
}

const struct ctl_cmd mag_ctl_cmds[] = {
	{ "show peers", cmd_peers, "LMAs with bindings and their IPsec SA" },
	{ "show bindings", cmd_bindings, "[--json] the binding update list" },
	{ "show stats", cmd_stats, "[--json] counters" },
	{ "detach", cmd_detach, "MAC|MN-ID detach a mobile node" },
	{ "monitor", ctl_cmd_monitor, "stream binding events" },
	{ NULL, NULL, NULL }
};

void
mag_ctl_event(void *ctx, const char *what, const struct mag_mn *mn)
{
	struct mag_daemon *d = ctx;
	char id[256], mac[MAC_STRLEN], p[PREFIX6_STRLEN] = "-";

	if (d->ctl == NULL || !ctl_has_streams(d->ctl))
		return;
	safe_id(mn, id, sizeof(id));
	mac_format(mn->mac, mac, sizeof(mac), MAC_COLON_LOWER);
	if (mn->b.hnp != NULL)
		prefix6_ntop(&mn->b.hnp->pfx, p);
	ctl_broadcast(d->ctl, "event %s %s mac %s on %s hnp %s\n", what, id,
	    mac, mn->ifc->name, p);
}
