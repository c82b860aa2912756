/*
 * lma_hb.c: Heartbeat between the LMA and its MAGs (RFC 5847), the
 * LMA's policy on top of common/hb.c.
 *
 * Requests go to every MAG the LMA has bindings with, once per
 * HEARTBEAT_INTERVAL; requests from anyone are answered with our Restart
 * Counter.  MISSING_HEARTBEATS_ALLOWED unanswered requests in a row is a
 * path failure; a changed Restart Counter is a MAG restart.  Either is
 * logged, and the MAG's bindings are released when configured to.
 */
#include "config.h"

#include <stddef.h>

#include "lma.h"

static void
release_peer(struct lma *l, const struct in6_addr *mag, const char *why)
{
	struct bce_peer *p = bce_peer_hold(l->cache, mag);

	if (p == NULL)
		return;
	while (p->head != NULL)
		lma_binding_release(l, (struct lma_binding *)(void *)
		    ((char *)p->head - offsetof(struct lma_binding, b)), why);
	bce_peer_release(l->cache, p);
}

static int
hb_send_cb(void *ctx, const struct in6_addr *dst, const struct mh_msg *m)
{
	return lma_send_msg(ctx, m, dst);
}

static int
hb_path_failed(void *ctx, const struct in6_addr *mag, uint32_t missing)
{
	struct lma *l = ctx;
	char s[INET6_ADDRSTRLEN];

	log_warnx(LOG_SUB_LMA, "path to MAG %s failed: %u heartbeats "
	    "unanswered", addr6_ntop(mag, s), missing - 1);
	if (!l->conf.release_on_path_failure)
		return 0;
	release_peer(l, mag, "heartbeat path failure");
	return 1;
}

static void
hb_restarted(void *ctx, const struct in6_addr *mag, uint32_t counter)
{
	struct lma *l = ctx;
	char s[INET6_ADDRSTRLEN];

	log_warnx(LOG_SUB_LMA, "MAG %s restarted (restart counter %u)",
	    addr6_ntop(mag, s), counter);
	if (l->conf.release_on_path_failure)
		release_peer(l, mag, "MAG restarted");
}

void
lma_hb_start(struct lma *l)
{
	struct hb *h = &l->hb;

	h->loop = l->loop;
	h->cache = l->cache;
	h->interval = (uint32_t)l->conf.HEARTBEAT_INTERVAL;
	h->missing_allowed = (uint32_t)l->conf.MISSING_HEARTBEATS_ALLOWED;
	h->restart_counter = l->restart_counter;
	h->sub = LOG_SUB_LMA;
	h->peer_name = "MAG";
	h->ctx = l;
	h->send = hb_send_cb;
	h->path_failed = hb_path_failed;
	h->restarted = hb_restarted;
	hb_start(h);
}

void
lma_hb_stop(struct lma *l)
{
	hb_stop(&l->hb);
}

void
lma_hb(struct lma *l, const struct mh_msg *m, const struct in6_addr *src)
{
	hb_input(&l->hb, m, src);
}
