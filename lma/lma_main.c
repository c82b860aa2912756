/*
 * lma_main.c: pmip6-lma, the Local Mobility Anchor daemon.
 *
 *   pmip6-lma [-d] [-n] [-c FILE] [-p PIDFILE]
 *
 * Start-up order matters: configuration first (so -n and a bad file
 * fail before anything is touched), then the data plane (which clears
 * what a crashed run left), the MH socket, the control socket, and the
 * loop.  SIGTERM/SIGINT remove every route and tunnel we installed;
 * SIGHUP re-reads the configuration.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "lma_daemon.h"

static struct lma_daemon D;

/*
 * Data-plane glue: the core asks for "route this prefix to that MAG";
 * here that becomes a tunnel reference plus a route, committed at once
 * so the core learns the kernel's answer before it sends the PBA.
 */
static int
dp_route_add_cb(void *ctx, const struct prefix6 *pfx,
    const struct in6_addr *pcoa, const struct in6_addr *old)
{
	struct lma_daemon *d = ctx;
	struct dp_tunnel t = { .local = d->conf.lmaa, .peer = *pcoa };
	struct dp_route r = { .prefix = *pfx, .peer = *pcoa,
	    .replace = old != NULL };
	int st_t = 0, st_r = 0, moved = old == NULL ||
	    !IN6_ARE_ADDR_EQUAL(old, pcoa);

	if (moved && dp_tunnel_add(d->dp, &t, dp_status_slot, &st_t) != 0)
		return -ENOMEM;
	if (dp_route_add(d->dp, &r, dp_status_slot, &st_r) != 0) {
		st_r = -ENOMEM;
	}
	dp_commit(d->dp);
	if (st_t != 0 || st_r != 0) {
		if (moved && st_t == 0) {
			dp_tunnel_del(d->dp, &t, NULL, NULL);
			dp_commit(d->dp);
		}
		return st_t != 0 ? st_t : st_r;
	}
	if (moved && old != NULL) {
		t.peer = *old;
		dp_tunnel_del(d->dp, &t, NULL, NULL);
		dp_commit(d->dp);
	}
	return 0;
}

/*
 * The same for a receive burst: the route is only queued, and its
 * outcome reaches the core through lma_route_done() when dp_flush_cb()
 * commits the whole burst at once.  One operation per route, with the
 * tunnel reference bookkeeping dp_route_add_cb() does inline.
 */
struct lma_route_op {
	struct lma_daemon *d;
	struct dp_tunnel t;
	struct in6_addr	 old;
	struct prefix6	 pfx;
	void		*tok;
	struct lma_route_op *next;	/* on the free list */
	int		 st_t, st_r;
	int		 waiting;	/* callbacks still to come */
	uint8_t		 moved, has_old;
	uint8_t		 tunnel_queued;	/* its answer not yet in */
};

static void
route_op_step(void *arg, int status)
{
	struct lma_route_op *op = arg;
	struct lma_daemon *d = op->d;
	int st;

	/* Answers come in queue order: the tunnel's first. */
	if (op->tunnel_queued) {
		op->tunnel_queued = 0;
		op->st_t = status;
	} else
		op->st_r = status;
	if (--op->waiting > 0)
		return;
	if (op->st_t != 0 || op->st_r != 0) {
		if (op->moved && op->st_t == 0)
			dp_tunnel_del(d->dp, &op->t, NULL, NULL);
		st = op->st_t != 0 ? op->st_t : op->st_r;
	} else {
		if (op->moved && op->has_old) {
			op->t.peer = op->old;
			dp_tunnel_del(d->dp, &op->t, NULL, NULL);
		}
		st = 0;
	}
	lma_route_done(&d->lma, op->tok, &op->pfx, st);
	op->next = d->op_free;
	d->op_free = op;
}

static int
dp_route_add_q_cb(void *ctx, const struct prefix6 *pfx,
    const struct in6_addr *pcoa, const struct in6_addr *old, void *tok)
{
	struct lma_daemon *d = ctx;
	struct lma_route_op *op;
	struct dp_route r = { .prefix = *pfx, .peer = *pcoa,
	    .replace = old != NULL };

	if ((op = d->op_free) != NULL)
		d->op_free = op->next;
	else if ((op = malloc(sizeof(*op))) == NULL)
		return -ENOMEM;
	memset(op, 0, sizeof(*op));
	op->d = d;
	op->t.local = d->conf.lmaa;
	op->t.peer = *pcoa;
	op->pfx = *pfx;
	op->tok = tok;
	op->moved = old == NULL || !IN6_ARE_ADDR_EQUAL(old, pcoa);
	if (old != NULL) {
		op->old = *old;
		op->has_old = 1;
	}
	if (op->moved) {
		if (dp_tunnel_add(d->dp, &op->t, route_op_step, op) != 0) {
			op->next = d->op_free;
			d->op_free = op;
			return -ENOMEM;
		}
		op->tunnel_queued = 1;
		op->waiting++;
	}
	op->waiting++;
	if (dp_route_add(d->dp, &r, route_op_step, op) != 0) {
		if (op->waiting == 1) {
			op->next = d->op_free;
			d->op_free = op;
			return -ENOMEM;
		}
		/* The tunnel's callback finishes the operation. */
		op->waiting--;
		op->st_r = -ENOMEM;
	}
	return 0;
}

static void
route_ops_drain(struct lma_daemon *d)
{
	struct lma_route_op *op;

	while ((op = d->op_free) != NULL) {
		d->op_free = op->next;
		free(op);
	}
}

/* Commit what a burst queued; callbacks may queue more (tunnel
 * references to drop), hence the loop. */
static void
dp_flush_cb(void *ctx)
{
	struct lma_daemon *d = ctx;

	if (d->flushing)
		return;
	d->flushing = 1;
	while (dp_pending(d->dp) > 0)
		dp_commit(d->dp);
	d->flushing = 0;
}

static int
dp_route_del_cb(void *ctx, const struct prefix6 *pfx,
    const struct in6_addr *pcoa)
{
	struct lma_daemon *d = ctx;
	struct dp_tunnel t = { .local = d->conf.lmaa, .peer = *pcoa };
	struct dp_route r = { .prefix = *pfx, .peer = *pcoa };
	int st = 0;

	/* In a burst the removal rides with the burst's commit; nobody
	 * waits for its status. */
	if (d->bursting) {
		dp_route_del(d->dp, &r, NULL, NULL);
		dp_tunnel_del(d->dp, &t, NULL, NULL);
		return 0;
	}
	dp_route_del(d->dp, &r, dp_status_slot, &st);
	dp_tunnel_del(d->dp, &t, NULL, NULL);
	dp_commit(d->dp);
	return st;
}

static void
tx_flush(struct lma_daemon *d)
{
	static struct log_ratelimit rl = LOG_RATELIMIT_INIT(10000, 10);
	char s[INET6_ADDRSTRLEN];
	unsigned i = 0;
	int n;

	while (i < d->n_tx) {
		n = mh_sock_send_batch(d->mh_fd, d->tx + i, d->n_tx - i);
		if (n > 0) {
			i += (unsigned)n;
			continue;
		}
		/* The first of the rest failed: report it, skip it. */
		log_rl(&rl, LOG_SUB_MH, LOG_LVL_WARN, "send to %s: %s",
		    addr6_ntop(&d->tx[i].ri.dst, s), strerror(errno));
		i++;
	}
	d->n_tx = 0;
}

/*
 * RFC 5213 4: nothing goes to a MAG whose ipsec is required without its
 * SA.  The LMA mostly answers through the SA the MAG set up; when it
 * must speak first (a revocation, a heartbeat) and there is none, as
 * with a MAG it knows only by an authorized_mags range, it asks charon
 * for one, and the message's own retransmission goes through it.  It
 * waits two retry intervals before asking: a MAG whose SA just went
 * (its charon restarting) sets it up again itself, and both ends
 * initiating at once would make two.
 */
static int
ipsec_may_send(struct lma_daemon *d, const struct in6_addr *dst)
{
	static struct log_ratelimit rl = LOG_RATELIMIT_INIT(10000, 10);
	char s[INET6_ADDRSTRLEN];
	enum ipsec_mode mode;

	if (d->ipsec == NULL || ipsecctl_is_up(d->ipsec, dst) ||
	    (mode = ipsec_conf_mode(&d->conf.ipsec, dst)) == IPSEC_MODE_OFF)
		return 1;
	(void)ipsecctl_initiate_later(d->ipsec, dst,
	    2 * d->conf.ipsec.retry_interval);
	if (mode == IPSEC_MODE_OPTIONAL)
		return 1;
	log_rl(&rl, LOG_SUB_IPSEC, LOG_LVL_INFO, "not sending an MH to %s "
	    "before its IPsec SA is up", addr6_ntop(dst, s));
	errno = EAGAIN;
	return 0;
}

static int
mh_send_cb(void *ctx, const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *mh, size_t len)
{
	struct lma_daemon *d = ctx;
	static struct log_ratelimit rl = LOG_RATELIMIT_INIT(10000, 10);
	char s[INET6_ADDRSTRLEN];
	struct mh_dgram *g;

	if (!ipsec_may_send(d, dst))
		return -1;
	if (d->bursting) {
		if (d->n_tx == TX_SLOTS)
			tx_flush(d);
		g = &d->tx[d->n_tx++];
		memcpy(g->buf, mh, len);
		g->len = len;
		memset(&g->ri, 0, sizeof(g->ri));
		/* Unspecified: the socket's own address, no cmsg. */
		if (!d->mh_bound || !IN6_ARE_ADDR_EQUAL(src, &d->conf.lmaa))
			g->ri.src = *src;
		g->ri.dst = *dst;
		return 0;
	}
	if (mh_sock_send(d->mh_fd, src, dst, 0, mh, len) < 0) {
		log_rl(&rl, LOG_SUB_MH, LOG_LVL_WARN, "send to %s: %s",
		    addr6_ntop(dst, s), strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Drain in bursts of up to 256 MHs, but return to the loop so timers and
 * the control socket are served under load too.  A burst is received
 * with recvmmsg(), its routes committed together and its answers sent
 * with sendmmsg(); a PBA still leaves only once the kernel has accepted
 * its routes.
 */
/*
 * RFC 5213 4: with ipsec = required for the sender, only MHs that came
 * through its SA count: with kernel-libipsec they arrive on the TUN
 * device, with kernel ESP the inbound policy already dropped the rest.
 */
static int
ipsec_ok(struct lma_daemon *d, const struct mh_rxinfo *ri)
{
	return ipsecctl_rx_check(d->ipsec, &d->conf.ipsec, &ri->src,
	    ri->ifindex, &d->rx_unprotected);
}

/*
 * A new SA with kernel-libipsec comes with a new TUN device, and the
 * kernel dropped every route that went out through the old one: put the
 * routes of that MAG's bindings back, through a fresh tunnel.
 */
static void
resync_peer(struct lma_daemon *d, const struct in6_addr *peer)
{
	struct bce_peer *p = bce_peer_find(d->lma.cache, peer);
	const struct bce_hnp *h;
	struct bce *b;
	unsigned n = 0;

	if (p == NULL)
		return;
	for (b = p->head; b != NULL; b = b->peer_next)
		for (h = b->hnp; h != NULL; h = h->next)
			(void)dp_route_del_cb(d, &h->pfx, peer);
	for (b = p->head; b != NULL; b = b->peer_next)
		for (h = b->hnp; h != NULL; h = h->next, n++)
			if (dp_route_add_cb(d, &h->pfx, peer, NULL) != 0)
				log_warnx(LOG_SUB_DP, "route for a binding of "
				    "%s not restored", "a MAG");
	if (n > 0)
		log_info(LOG_SUB_DP, "%u routes through the new SA", n);
}

/*
 * libipsecctl logs every event itself; what is left here is the LMA's
 * policy on them.  An SA the LMA asked for to reach a MAG (mh_send_cb)
 * is not wanted beyond that: the MAG keeps its own SA up.
 */
static void
ipsec_event(enum ipsecctl_event ev, const struct ipsecctl_sa *sa, void *ctx)
{
	struct lma_daemon *d = ctx;

	if (sa != NULL && ev == IPSECCTL_UP) {
		ipsecctl_release(d->ipsec, &sa->peer);
		resync_peer(d, &sa->peer);
	}
}

/* What of a receive burst is for the core, in order. */
static void
burst_process(struct lma_daemon *d, struct mh_dgram *rx, int n)
{
	struct lma_rx in[MH_SOCK_BATCH];
	unsigned k = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (rx[i].err != 0) {
			d->lma.stats.rx_malformed++;
			continue;
		}
		/* Only what is addressed to the LMA address is ours. */
		if (!IN6_ARE_ADDR_EQUAL(&rx[i].ri.dst, &d->conf.lmaa))
			continue;
		if (!ipsec_ok(d, &rx[i].ri))
			continue;
		in[k].buf = rx[i].buf;
		in[k].len = rx[i].len;
		in[k].src = &rx[i].ri.src;
		k++;
	}
	lma_input_burst(&d->lma, in, k);
}

static void
mh_readable(int fd, uint32_t ev, void *ctx)
{
	static uint8_t bufs[MH_SOCK_BATCH][MH_MAX_LEN + 1];
	struct lma_daemon *d = ctx;
	struct mh_dgram rx[MH_SOCK_BATCH];
	int budget = 256 / MH_SOCK_BATCH, i, n;

	(void)ev;
	for (i = 0; i < MH_SOCK_BATCH; i++) {
		rx[i].buf = bufs[i];
		rx[i].cap = sizeof(bufs[i]);
	}
	d->bursting = 1;
	d->lma.dp_defer = 1;
	while (budget-- > 0) {
		if ((n = mh_sock_recv_batch(fd, rx, MH_SOCK_BATCH)) <= 0)
			break;
		burst_process(d, rx, n);
		if (n < MH_SOCK_BATCH)
			break;
	}
	dp_flush_cb(d);
	d->lma.dp_defer = 0;
	tx_flush(d);
	d->bursting = 0;
}

static void
rate_tick(struct timer *t, void *ctx)
{
	struct lma_daemon *d = ctx;

	(void)t;
	d->rate_pos = (d->rate_pos + 1) % RATE_SLOTS;
	d->rate_ring[d->rate_pos] = d->lma.stats.rx[MH_TYPE_BU];
}

double
lma_daemon_pbu_rate(const struct lma_daemon *d)
{
	unsigned oldest = (d->rate_pos + 1) % RATE_SLOTS;

	return (double)(d->rate_ring[d->rate_pos] - d->rate_ring[oldest]) /
	    (RATE_SLOTS - 1);
}

/* RFC 5847 3.2: the counter changes on every restart, so peers notice. */
static uint32_t
restart_counter(const char *path)
{
	FILE *f;
	unsigned long v = 0;

	if (path[0] == '\0')
		return (uint32_t)time(NULL);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	v = (v + 1) & 0xffffffffUL;
	if ((f = fopen(path, "w")) == NULL) {
		log_warn(LOG_SUB_MAIN, "%s", path);
		return (uint32_t)time(NULL);
	}
	fprintf(f, "%lu\n", v);
	fclose(f);
	return (uint32_t)v;
}

/* Apply what can change at run time; the rest needs a restart. */
static void
on_hup(int signo, void *ctx)
{
	struct lma_daemon *d = ctx;
	struct lma_conf nc;
	struct conf_err err;
	char buf[1024];

	(void)signo;
	if (lma_conf_load(&nc, d->conf_path, &err) == -1) {
		log_warnx(LOG_SUB_CONF, "reload refused: %s",
		    conf_strerror(&err, buf, sizeof(buf)));
		return;
	}
	if (!IN6_ARE_ADDR_EQUAL(&nc.lmaa, &d->conf.lmaa) ||
	    nc.dataplane != d->conf.dataplane ||
	    strcmp(nc.control_socket, d->conf.control_socket) != 0)
		log_warnx(LOG_SUB_CONF, "address, dataplane and "
		    "control_socket changes take effect on restart");
	nc.lmaa = d->conf.lmaa;
	nc.dataplane = d->conf.dataplane;
	memcpy(nc.control_socket, d->conf.control_socket,
	    sizeof(nc.control_socket));
	/* The pools were copied at start-up with their allocation state:
	 * changed pools take effect on restart too. */
	lma_conf_release(&d->conf);
	d->conf = nc;
	d->lma.conf = nc;
	d->lma.hb.missing_allowed = (uint32_t)nc.MISSING_HEARTBEATS_ALLOWED;
	log_init("pmip6-lma", d->fg, (enum log_level)nc.log_level);
	log_info(LOG_SUB_CONF, "configuration reloaded from %s",
	    d->conf_path);
}

int
main(int argc, char **argv)
{
	struct lma_daemon *d = &D;
	struct dp_config dpc;
	struct dp_decap dec;
	struct conf_err err;
	struct daemon_args args;
	char buf[1024];
	int rc, dst = 0;

	daemon_args(argc, argv, "pmip6-lma", "lma", &args);
	d->conf_path = args.conf_path;
	d->fg = args.fg;

	if (lma_conf_load(&d->conf, d->conf_path, &err) == -1) {
		fprintf(stderr, "pmip6-lma: %s\n",
		    conf_strerror(&err, buf, sizeof(buf)));
		return 1;
	}
	if (args.check) {
		conf_print(stdout, lma_conf_schema, &d->conf, 0);
		fprintf(stderr, "pmip6-lma: configuration OK\n");
		lma_conf_release(&d->conf);
		return 0;
	}

	log_init("pmip6-lma", d->fg, (enum log_level)d->conf.log_level);
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
	dec.local = d->conf.lmaa;
	dp_decap_add(d->dp, &dec, dp_status_slot, &dst);
	dp_commit(d->dp);
	if (dst != 0)
		fatalx(LOG_SUB_DP, "decapsulation for the LMA address: %s",
		    strerror(-dst));

	if ((d->mh_fd = mh_sock_open()) == -1)
		fatal(LOG_SUB_MH, "MH socket");
	/* Where the address is already up, let the socket filter and
	 * address for us; otherwise mh_readable() filters and every MH
	 * names its source. */
	d->mh_bound = mh_sock_bind(d->mh_fd, &d->conf.lmaa) == 0;
	if (lma_init(&d->lma, d->loop, &d->conf) == -1)
		fatalx(LOG_SUB_MAIN, "out of memory");
	d->lma.send = mh_send_cb;
	d->lma.send_ctx = d;
	d->lma.dp.route_add = dp_route_add_cb;
	d->lma.dp.route_del = dp_route_del_cb;
	d->lma.dp.route_add_q = dp_route_add_q_cb;
	d->lma.dp.flush = dp_flush_cb;
	for (rc = 0; rc < TX_SLOTS; rc++)
		d->tx[rc].buf = d->tx_buf[rc];
	d->lma.dp.ctx = d;
	d->lma.event = lma_ctl_event;
	d->lma.event_ctx = d;
	daemon_mkparent(d->conf.restart_file);
	d->lma.restart_counter = restart_counter(d->conf.restart_file);
	if (loop_add_fd(d->loop, d->mh_fd, EPOLLIN, mh_readable, d) == -1)
		fatal(LOG_SUB_MAIN, "loop");

	if (d->conf.ipsec.mode != IPSEC_MODE_OFF || d->conf.ipsec.peers.n > 0) {
		daemon_mkparent(d->conf.ipsec.socket);
		if ((d->ipsec = ipsecctl_open(d->loop, d->conf.ipsec.socket,
		    d->conf.ipsec.retry_interval, ipsec_event, d)) == NULL)
			fatal(LOG_SUB_IPSEC, "IPsec socket %s",
			    d->conf.ipsec.socket);
	}
	daemon_mkparent(d->conf.control_socket);
	if ((d->ctl = ctl_open(d->loop, d->conf.control_socket, lma_ctl_cmds,
	    d)) == NULL)
		fatal(LOG_SUB_CTL, "control socket %s",
		    d->conf.control_socket);

	timer_init(&d->rate_timer, rate_tick, d);
	timer_set_recurrence(&d->rate_timer, 1000, 0);
	timer_arm(d->loop, &d->rate_timer, 1000);
	lma_hb_start(&d->lma);

	{
		char a[INET6_ADDRSTRLEN];

		log_notice(LOG_SUB_MAIN, "pmip6-lma %s started on %s (restart "
		    "counter %u)", PACKAGE_VERSION,
		    addr6_ntop(&d->conf.lmaa, a), d->lma.restart_counter);
	}
	daemon_ready();
	rc = loop_run(d->loop);

	lma_hb_stop(&d->lma);
	lma_shutdown(&d->lma);
	route_ops_drain(d);
	ctl_close(d->ctl);
	ipsecctl_close(d->ipsec);
	dp_close(d->dp);
	close(d->mh_fd);
	timer_cancel(d->loop, &d->rate_timer);
	loop_free(d->loop);
	lma_conf_release(&d->conf);
	daemon_pidfile_remove(args.pidfile);
	log_notice(LOG_SUB_MAIN, "pmip6-lma stopped");
	return rc == 0 ? 0 : 1;
}
