/*
 * mag_main.c: pmip6-mag, the Mobile Access Gateway daemon.
 *
 *   pmip6-mag [-d] [-n] [-c FILE] [-p PIDFILE]
 *
 * Wires the protocol core to the world: the access links (mag/link.h),
 * RADIUS (aaa/aaa.h), the data plane (common/dp.h), the MH socket and
 * the control socket, all on one event loop.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "link.h"
#include "mag_daemon.h"
#include "mh_sock.h"

static struct mag_daemon D;

/* --- access links ------------------------------------------------- */

static struct mag_iface *
ifc_of(struct mag_daemon *d, struct mag_link *link)
{
	unsigned i;

	for (i = 0; i < d->mag.n_ifc; i++)
		if (d->mag.ifc[i].link == link)
			return &d->mag.ifc[i];
	return NULL;
}

static void
cb_seen(void *ctx, struct mag_link *link, const uint8_t mac[6])
{
	struct mag_daemon *d = ctx;
	struct mag_iface *ifc = ifc_of(d, link);

	if (ifc != NULL)
		mag_mn_seen(&d->mag, ifc, mac);
}

static void
cb_rs(void *ctx, struct mag_link *link, const uint8_t mac[6])
{
	struct mag_daemon *d = ctx;
	struct mag_iface *ifc = ifc_of(d, link);

	if (ifc != NULL)
		mag_mn_rs(&d->mag, ifc, mac);
}

static void
cb_gone(void *ctx, struct mag_link *link, const uint8_t mac[6])
{
	struct mag_daemon *d = ctx;
	struct mag_iface *ifc = ifc_of(d, link);

	if (ifc != NULL)
		mag_mn_gone(&d->mag, ifc, mac, "no answer to neighbour "
		    "unreachability detection");
}

static void
cb_link(void *ctx, struct mag_link *link, int up)
{
	struct mag_daemon *d = ctx;
	struct mag_iface *ifc = ifc_of(d, link);

	if (ifc == NULL)
		return;
	log_notice(LOG_SUB_MAG, "access link %s %s", ifc->name,
	    up ? "up" : "down");
	if (!up)
		mag_link_down(&d->mag, ifc);
}

static const struct mag_link_cb link_cb = {
	.mn_seen = cb_seen, .rs = cb_rs, .mn_gone = cb_gone,
	.link_state = cb_link,
};

static void
io_track(void *ctx, struct mag_mn *mn, int on)
{
	(void)ctx;
	if (on)
		mag_link_track(mn->ifc->link, mn->mac);
	else
		mag_link_untrack(mn->ifc->link, mn->mac);
}

static void
io_ignore(void *ctx, struct mag_iface *ifc, const uint8_t *mac, uint32_t ms)
{
	(void)ctx;
	mag_link_ignore(ifc->link, mac, ms);
}

static int
io_ra(void *ctx, struct mag_mn *mn, int withdraw)
{
	struct mag_daemon *d = ctx;
	struct mag_ra_prefix p[MAG_MAX_HNP];
	struct mag_ra ra;
	const struct bce_hnp *h;
	size_t n = 0;
	uint32_t life = mn->lifetime;

	mag_ra_init(&ra);
	ra.managed = (uint8_t)d->conf.ra_managed;
	ra.other = (uint8_t)d->conf.ra_other;
	ra.mtu = (uint32_t)d->conf.ra_mtu;
	ra.router_lifetime = withdraw ? 0 : (uint16_t)d->conf.router_lifetime;
	/* 6.7: prefix lifetimes no longer than the binding's; it is
	 * refreshed before it runs out, and every RA restates them. */
	for (h = mn->b.hnp; h != NULL && n < MAG_MAX_HNP; h = h->next, n++) {
		p[n].prefix = h->pfx;
		p[n].valid_lifetime = withdraw ? 0 : life;
		p[n].preferred_lifetime = withdraw ? 0 : life;
	}
	ra.prefixes = p;
	ra.nprefixes = n;
	return mag_link_send_ra(mn->ifc->link, mn->mac, &ra);
}

/* --- RADIUS --------------------------------------------------------- */

/* What RADIUS said about an MN, kept for its accounting records. */
struct mn_radius {
	struct aaa_profile	 profile;
	char			 session_id[AAA_SESSION_ID_MAX];
};

static void
aaa_cb(void *ctx, enum aaa_result res, const struct aaa_profile *ap,
    const char *reason)
{
	struct mag_mn *mn = ctx;
	struct mag_daemon *d = mn->mag->io.ctx;
	struct mn_radius *r;
	struct mag_profile p;
	unsigned i;

	memset(&p, 0, sizeof(p));
	if (res == AAA_ACCEPT) {
		p.mnid_len = ap->mnid_len < sizeof(p.mnid) ? ap->mnid_len :
		    sizeof(p.mnid);
		memcpy(p.mnid, ap->mnid, p.mnid_len);
		p.has_lma = ap->has_lma;
		p.lma = ap->lma;
		for (i = 0; i < ap->n_hnp && i < MAG_MAX_HNP; i++)
			p.hnp[p.n_hnp++] = ap->hnp[i];
		p.session_timeout = ap->session_timeout;
		p.acct_interim = ap->acct_interim_interval;
		if ((r = calloc(1, sizeof(*r))) != NULL) {
			r->profile = *ap;
			aaa_session_id(d->aaa, r->session_id,
			    sizeof(r->session_id));
			mn->priv = r;
		}
	}
	mag_aaa_done(mn->mag, mn, res == AAA_ACCEPT ? 0 :
	    res == AAA_REJECT ? 1 : 2, res == AAA_ACCEPT ? &p : NULL, reason);
}

static uint64_t
io_auth(void *ctx, struct mag_mn *mn)
{
	struct mag_daemon *d = ctx;

	return aaa_auth(d->aaa, mn->mac, mn->ifc->ifindex, aaa_cb, mn);
}

static void
io_auth_cancel(void *ctx, uint64_t id)
{
	struct mag_daemon *d = ctx;

	aaa_cancel(d->aaa, id);
}

static void
io_acct(void *ctx, struct mag_mn *mn, int type)
{
	struct mag_daemon *d = ctx;
	struct mn_radius *r = mn->priv;
	struct aaa_session s;

	if (d->aaa == NULL || r == NULL || !d->conf.radius.accounting)
		return;
	memset(&s, 0, sizeof(s));
	memcpy(s.session_id, r->session_id, sizeof(s.session_id));
	memcpy(s.mac, mn->mac, 6);
	s.nas_port = mn->ifc->ifindex;
	s.profile = &r->profile;
	s.session_time = (uint32_t)((clock_ms() - mn->bound_ms) / 1000);
	s.terminate_cause = AAA_TERM_LOST_CARRIER;
	aaa_acct(d->aaa, type == 0 ? AAA_ACCT_START : type == 1 ?
	    AAA_ACCT_INTERIM : AAA_ACCT_STOP, &s);
}

static void
io_release(void *ctx, struct mag_mn *mn)
{
	(void)ctx;
	free(mn->priv);
	mn->priv = NULL;
}

/*
 * RFC 5176 Disconnect-Request: the session named by MAC, User-Name,
 * Acct-Session-Id or MN identifier leaves as if the operator detached
 * it.  Walks every MN for the RADIUS-only keys: this is not a hot path.
 */
struct dm_walk {
	const struct aaa_dm_request	*r;
	unsigned			 n;
};

static void
dm_one(struct mag *m, struct mag_mn *mn, void *ctx)
{
	struct dm_walk *w = ctx;
	const struct aaa_dm_request *r = w->r;
	const struct mn_radius *rad = mn->priv;
	int hit;

	hit = (r->has_mac && memcmp(r->mac, mn->mac, 6) == 0) ||
	    (r->mnid_len > 0 && mn->b.mnid != NULL &&
	    r->mnid_len == mn->b.mnid_len &&
	    memcmp(r->mnid, mn->b.mnid, r->mnid_len) == 0) ||
	    (rad != NULL && r->user_name[0] != '\0' &&
	    strcmp(r->user_name, rad->profile.user_name) == 0) ||
	    (rad != NULL && r->session_id[0] != '\0' &&
	    strcmp(r->session_id, rad->session_id) == 0);
	if (!hit)
		return;
	mag_mn_leave(m, mn, "RADIUS Disconnect-Request", 1);
	w->n++;
}

static unsigned
dm_cb(void *ctx, const struct aaa_dm_request *r)
{
	struct mag_daemon *d = ctx;
	struct dm_walk w = { .r = r, .n = 0 };

	mag_foreach(&d->mag, dm_one, &w);
	return w.n;
}

/* --- data plane ----------------------------------------------------- */

/*
 * Undoes what io_dp_up() queued: all of it (st NULL), or only the
 * requests whose status in st is 0, so that a half-failed set-up gives
 * back exactly the references it took.
 */
static void
dp_undo(struct mag_daemon *d, struct mag_mn *mn, const int *st)
{
	struct dp_tunnel t = { .local = d->conf.address, .peer = mn->lma };
	const struct bce_hnp *h;
	int n = 1;

	for (h = mn->b.hnp; h != NULL; h = h->next, n += 2) {
		struct dp_access a = { .prefix = h->pfx,
		    .ifindex = mn->ifc->ifindex };
		struct dp_uplink u = { .prefix = h->pfx,
		    .iif = mn->ifc->ifindex, .peer = mn->lma };

		if (st == NULL || st[n + 1] == 0)
			dp_uplink_del(d->dp, &u, NULL, NULL);
		if (st == NULL || st[n] == 0)
			dp_access_del(d->dp, &a, NULL, NULL);
	}
	if (st == NULL || st[0] == 0)
		dp_tunnel_del(d->dp, &t, NULL, NULL);
	dp_commit(d->dp);
}

static int
io_dp_up(void *ctx, struct mag_mn *mn)
{
	struct mag_daemon *d = ctx;
	struct dp_tunnel t = { .local = d->conf.address, .peer = mn->lma };
	const struct bce_hnp *h;
	int st[1 + 2 * MAG_MAX_HNP], n = 0, i, rc;

	/* A request refused when queued has no callback: its slot says so. */
	memset(st, 0, sizeof(st));
	rc = dp_tunnel_add(d->dp, &t, dp_status_slot, &st[n]);
	if (rc != 0)
		st[n] = rc;
	n++;
	/* The uplink route needs the tunnel (RFC 5213 6.10). */
	for (h = mn->b.hnp; h != NULL; h = h->next) {
		struct dp_access a = { .prefix = h->pfx,
		    .ifindex = mn->ifc->ifindex, .replace = true };
		struct dp_uplink u = { .prefix = h->pfx,
		    .iif = mn->ifc->ifindex, .peer = mn->lma };

		rc = dp_access_add(d->dp, &a, dp_status_slot, &st[n]);
		if (rc != 0)
			st[n] = rc;
		n++;
		rc = st[0] != 0 ? st[0] :
		    dp_uplink_add(d->dp, &u, dp_status_slot, &st[n]);
		if (rc != 0)
			st[n] = rc;
		n++;
	}
	dp_commit(d->dp);
	for (i = 0; i < n; i++) {
		if (st[i] != 0) {
			log_warnx(LOG_SUB_DP, "data plane for %.*s: %s",
			    (int)mn->b.mnid_len, (const char *)mn->b.mnid,
			    strerror(-st[i]));
			dp_undo(d, mn, st);
			return -1;
		}
	}
	return 0;
}

static void
io_dp_down(void *ctx, struct mag_mn *mn)
{
	dp_undo(ctx, mn, NULL);
}

/* --- MH ------------------------------------------------------------- */

static int
io_send(void *ctx, const struct in6_addr *dst, const uint8_t *mh, size_t len)
{
	struct mag_daemon *d = ctx;
	static struct log_ratelimit rl = LOG_RATELIMIT_INIT(10000, 10);
	char s[INET6_ADDRSTRLEN];

	/* RFC 5213 4: no PBU to an LMA without its SA when required; the
	 * plugin is asked to set one up and the PBU waits (mag_kick). */
	if (d->ipsec != NULL &&
	    !ipsecctl_may_send(d->ipsec, &d->conf.ipsec, dst)) {
		d->tx_held++;
		log_rl(&rl, LOG_SUB_IPSEC, LOG_LVL_INFO, "holding an MH for "
		    "%s until its IPsec SA is up", addr6_ntop(dst, s));
		errno = EAGAIN;
		return -1;
	}
	if (mh_sock_send(d->mh_fd, &d->conf.address, dst, 0, mh, len) < 0) {
		log_rl(&rl, LOG_SUB_MH, LOG_LVL_WARN, "send to %s: %s",
		    addr6_ntop(dst, s), strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * RFC 5213 4, the MAG's side: a PBA, revocation or heartbeat from an LMA
 * whose ipsec is required counts only if it came through the SA
 * (kernel-libipsec: on its TUN device; kernel ESP: the plugin's inbound
 * policy already dropped the rest).
 */
static int
ipsec_ok(struct mag_daemon *d, const struct mh_rxinfo *ri)
{
	return ipsecctl_rx_check(d->ipsec, &d->conf.ipsec, &ri->src,
	    ri->ifindex, &d->rx_unprotected);
}

static void
mh_readable(int fd, uint32_t ev, void *ctx)
{
	struct mag_daemon *d = ctx;
	struct mh_rxinfo ri;
	uint8_t buf[MH_MAX_LEN + 1];
	ssize_t n;
	int budget = 256;

	(void)ev;
	while (budget-- > 0) {
		n = mh_sock_recv(fd, buf, sizeof(buf), &ri);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno != EMSGSIZE && errno != EBADMSG)
				break;
			d->mag.stats.rx_malformed++;
			continue;
		}
		if (!IN6_ARE_ADDR_EQUAL(&ri.dst, &d->conf.address) ||
		    !ipsec_ok(d, &ri))
			continue;
		mag_input(&d->mag, buf, (size_t)n, &ri.src);
	}
}

struct resync {
	struct mag_daemon	*d;
	const struct in6_addr	*lma;
	int			 up;
};

static void
resync_one(struct mag *m, struct mag_mn *mn, void *ctx)
{
	struct resync *r = ctx;

	(void)m;
	if (!mn->routed || !IN6_ARE_ADDR_EQUAL(&mn->lma, r->lma))
		return;
	if (!r->up)
		io_dp_down(r->d, mn);
	else if (io_dp_up(r->d, mn) != 0)
		log_warnx(LOG_SUB_DP, "data plane for %.*s not restored",
		    (int)mn->b.mnid_len, (const char *)mn->b.mnid);
}

/*
 * libipsecctl logs every event itself; what is left here is the MAG's
 * policy on them.
 */
static void
ipsec_event(enum ipsecctl_event ev, const struct ipsecctl_sa *sa, void *ctx)
{
	struct mag_daemon *d = ctx;

	if (sa != NULL && ev == IPSECCTL_UP) {
		/* A new TUN device with kernel-libipsec: the kernel dropped
		 * the tunnel routes through the old one.  Tear down and set
		 * up again, all first down so the tunnel itself is redone. */
		struct resync r = { .d = d, .lma = &sa->peer, .up = 0 };

		mag_foreach(&d->mag, resync_one, &r);
		r.up = 1;
		mag_foreach(&d->mag, resync_one, &r);
		mag_kick(&d->mag, &sa->peer);
	}
}

/* --- life cycle ----------------------------------------------------- */

static void
on_hup(int signo, void *ctx)
{
	struct mag_daemon *d = ctx;
	struct mag_conf nc;
	struct mag_profiles ix;
	struct conf_err err;
	char buf[1024];

	(void)signo;
	if (mag_conf_load(&nc, d->conf_path, &err) == -1) {
		log_warnx(LOG_SUB_CONF, "reload refused: %s",
		    conf_strerror(&err, buf, sizeof(buf)));
		return;
	}
	if (mag_profiles_build(&ix, &nc.profiles, d->mag.mac_seed) == -1) {
		log_warnx(LOG_SUB_CONF, "reload refused: out of memory");
		mag_conf_release(&nc);
		return;
	}
	/* Timers, RA knobs and static profiles apply at once; interfaces,
	 * addresses and RADIUS servers need a restart. */
	log_warnx(LOG_SUB_CONF, "access, address and dataplane changes take "
	    "effect on restart; RADIUS servers too");
	nc.access = d->conf.access;
	d->conf.access.n = 0;
	d->conf.access.v = NULL;
	nc.address = d->conf.address;
	nc.dataplane = d->conf.dataplane;
	mag_conf_release(&d->conf);
	d->conf = nc;
	d->mag.conf = nc;
	mag_profiles_free(&d->mag.profiles);
	d->mag.profiles = ix;
	d->mag.hb.missing_allowed = (uint32_t)nc.MISSING_HEARTBEATS_ALLOWED;
	log_init("pmip6-mag", d->fg, (enum log_level)nc.log_level);
	log_info(LOG_SUB_CONF, "configuration reloaded from %s",
	    d->conf_path);
}

static void
open_links(struct mag_daemon *d)
{
	const struct mag_access_conf *ac = d->conf.access.v;
	struct mag_link_conf lc;
	struct mag_link *link;
	size_t i;
	int rc;

	if ((d->mag.ifc = calloc(d->conf.access.n, sizeof(*d->mag.ifc))) ==
	    NULL)
		fatalx(LOG_SUB_MAIN, "out of memory");
	for (i = 0; i < d->conf.access.n; i++) {
		struct mag_iface *ifc = &d->mag.ifc[i];

		mag_link_conf_init(&lc);
		snprintf(lc.ifname, sizeof(lc.ifname), "%s", ac[i].ifname);
		memcpy(lc.mac, d->link_mac, 6);
		lc.lladdr = d->conf.link_local;
		lc.probe_after_ms = (uint32_t)d->conf.probe_after;
		lc.gone_after_ms = (uint32_t)d->conf.gone_after;
		lc.new_per_sec = (uint32_t)d->conf.new_mns_per_second;
		if (lc.gone_after_ms <= lc.probe_after_ms)
			lc.gone_after_ms = lc.probe_after_ms + 1000;
		/* The ifc must be findable from the first callback on. */
		ifc->mag = &d->mag;
		snprintf(ifc->name, sizeof(ifc->name), "%s", ac[i].ifname);
		ifc->att = (uint8_t)ac[i].att;
		d->mag.n_ifc = (unsigned)i + 1;
		if ((rc = mag_link_open(&link, d->loop, &lc, &link_cb, d)) != 0)
			fatal(LOG_SUB_MAG, "access interface %s", ac[i].ifname);
		ifc->link = link;
		ifc->ifindex = mag_link_ifindex(link);
	}
}

int
main(int argc, char **argv)
{
	struct mag_daemon *d = &D;
	struct dp_config dpc;
	struct dp_decap dec;
	struct conf_err err;
	struct daemon_args args;
	char buf[1024];
	int rc, dst = 0;
	unsigned i;

	daemon_args(argc, argv, "pmip6-mag", "mag", &args);
	d->conf_path = args.conf_path;
	d->fg = args.fg;
	if (mag_conf_load(&d->conf, d->conf_path, &err) == -1) {
		fprintf(stderr, "pmip6-mag: %s\n",
		    conf_strerror(&err, buf, sizeof(buf)));
		return 1;
	}
	if (args.check) {
		conf_print(stdout, mag_conf_schema, &d->conf, 0);
		fprintf(stderr, "pmip6-mag: configuration OK\n");
		mag_conf_release(&d->conf);
		return 0;
	}
	(void)mac_parse(d->conf.link_mac, d->link_mac);

	log_init("pmip6-mag", d->fg, (enum log_level)d->conf.log_level);
	daemon_start(d->fg, args.pidfile);
	if ((d->loop = loop_new()) == NULL)
		fatal(LOG_SUB_MAIN, "event loop");
	daemon_stop_on_signals(d->loop);
	loop_add_signal(d->loop, SIGHUP, on_hup, d);
	signal(SIGPIPE, SIG_IGN);

	dp_config_default(&dpc);
	dpc.backend = (enum dp_backend_kind)d->conf.dataplane;
	if ((rc = dp_open(&d->dp, &dpc)) != 0)
		fatalx(LOG_SUB_DP, "data plane %s: %s",
		    dp_backend_kind_name(dpc.backend), strerror(-rc));
	log_info(LOG_SUB_DP, "data plane: %s",
	    dp_backend_kind_name(dp_backend(d->dp)));
	memset(&dec, 0, sizeof(dec));
	dec.local = d->conf.address;
	dp_decap_add(d->dp, &dec, dp_status_slot, &dst);
	dp_commit(d->dp);
	if (dst != 0)
		fatalx(LOG_SUB_DP, "decapsulation for %s: %s", "the Proxy-CoA",
		    strerror(-dst));

	if (mag_init(&d->mag, d->loop, &d->conf) == -1)
		fatalx(LOG_SUB_MAIN, "out of memory");
	d->mag.restart_counter = (uint32_t)time(NULL);
	d->mag.io = (struct mag_io){
		.ctx = d, .auth = io_auth, .auth_cancel = io_auth_cancel,
		.acct = io_acct, .track = io_track, .ignore = io_ignore,
		.ra = io_ra, .dp_up = io_dp_up, .dp_down = io_dp_down,
		.send = io_send, .event = mag_ctl_event,
		.release = io_release,
	};
	if (d->conf.profile_source == MAG_PROFILE_RADIUS &&
	    (d->aaa = aaa_new(d->loop, &d->conf.radius, buf,
	    sizeof(buf))) == NULL)
		fatalx(LOG_SUB_AAA, "RADIUS: %s", buf);
	if (d->aaa != NULL && d->conf.radius.dm_port != 0 &&
	    (d->dm = aaa_dm_open(d->loop, &d->conf.radius, dm_cb, d, buf,
	    sizeof(buf))) == NULL)
		fatalx(LOG_SUB_AAA, "RADIUS Disconnect-Request listener: %s",
		    buf);
	if ((d->mh_fd = mh_sock_open()) == -1)
		fatal(LOG_SUB_MH, "MH socket");
	if (loop_add_fd(d->loop, d->mh_fd, EPOLLIN, mh_readable, d) == -1)
		fatal(LOG_SUB_MAIN, "loop");
	if (d->conf.ipsec.mode != IPSEC_MODE_OFF || d->conf.ipsec.peers.n > 0) {
		daemon_mkparent(d->conf.ipsec.socket);
		if ((d->ipsec = ipsecctl_open(d->loop, d->conf.ipsec.socket,
		    d->conf.ipsec.retry_interval, ipsec_event, d)) == NULL)
			fatal(LOG_SUB_IPSEC, "IPsec socket %s",
			    d->conf.ipsec.socket);
		/* Have the SA to the default LMA ready before the first MN
		 * needs it, so no attachment waits for IKE. */
		(void)ipsecctl_initiate(d->ipsec, &d->conf.lma);
	}
	open_links(d);
	daemon_mkparent(d->conf.control_socket);
	if ((d->ctl = ctl_open(d->loop, d->conf.control_socket, mag_ctl_cmds,
	    d)) == NULL)
		fatal(LOG_SUB_CTL, "control socket %s",
		    d->conf.control_socket);
	mag_hb_start(&d->mag);
	{
		char a[INET6_ADDRSTRLEN];

		log_notice(LOG_SUB_MAIN, "pmip6-mag %s started on %s with %u "
		    "access link%s", PACKAGE_VERSION,
		    addr6_ntop(&d->conf.address, a), d->mag.n_ifc,
		    d->mag.n_ifc == 1 ? "" : "s");
	}
	daemon_ready();
	rc = loop_run(d->loop);

	mag_shutdown(&d->mag);
	for (i = 0; i < d->mag.n_ifc; i++)
		mag_link_close(d->mag.ifc[i].link);
	free(d->mag.ifc);
	aaa_dm_close(d->dm);
	aaa_free(d->aaa);
	ipsecctl_close(d->ipsec);
	ctl_close(d->ctl);
	dp_close(d->dp);
	close(d->mh_fd);
	loop_free(d->loop);
	mag_conf_release(&d->conf);
	daemon_pidfile_remove(args.pidfile);
	log_notice(LOG_SUB_MAIN, "pmip6-mag stopped");
	return rc == 0 ? 0 : 1;
}
