/*
 * lma_core.c: the LMA's protocol core: set-up, the receive dispatch of
 * Mobility Headers, and sending.
 *
 * RFC 6275 9.2 (generic MH checks: a message that fails to parse is
 * dropped; an unknown MH type earns a Binding Error, status 2), RFC 5213
 * 5.3.1 step 2.  Parsing errors are counted and logged through a rate
 * limiter: they are triggered from the network.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lma.h"

static struct log_ratelimit rl_bad = LOG_RATELIMIT_INIT(10000, 10);

uint64_t
lma_realtime_ts(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return mh_ts_make((uint64_t)ts.tv_sec, (uint32_t)ts.tv_nsec);
}

int
lma_init(struct lma *l, struct loop *loop, const struct lma_conf *conf)
{
	memset(l, 0, sizeof(*l));
	l->conf = *conf;
	l->loop = loop;
	l->realtime_ts = lma_realtime_ts;
	if ((l->cache = bce_cache_new((size_t)conf->expected_bindings)) == NULL)
		return -1;
	if (conf->pool.n > 0 && (l->pools = lma_pool_new(conf->pool.v,
	    (unsigned)conf->pool.n, (unsigned)conf->hnp_len)) == NULL) {
		bce_cache_free(l->cache);
		return -1;
	}
	return 0;
}

static int
release_one(struct bce *b, void *ctx)
{
	struct lma *l = ctx;

	lma_binding_release(l, (struct lma_binding *)(void *)((char *)b -
	    offsetof(struct lma_binding, b)), "shutdown");
	return 0;
}

void
lma_shutdown(struct lma *l)
{
	lma_revoke_cancel_all(l);
	bce_walk(l->cache, release_one, l);
	bce_cache_free(l->cache);
	lma_pool_free(l->pools);
	lma_pend_drain(l);
	lma_life_free(l);
	l->cache = NULL;
	l->pools = NULL;
}

int
lma_send_msg(struct lma *l, const struct mh_msg *m, const struct in6_addr *dst)
{
	uint8_t buf[MH_MAX_LEN];
	size_t len;
	enum mh_err e;

	if ((e = mh_build(m, NULL, NULL, buf, sizeof(buf), &len)) != MH_OK) {
		log_warnx(LOG_SUB_LMA, "cannot encode %s: %s",
		    mh_type_name(m->type), mh_strerror(e));
		return -1;
	}
	l->stats.tx[m->type]++;
	if (l->send == NULL)
		return 0;
	return l->send(l->send_ctx, &l->conf.lmaa, dst, buf, len);
}

static void
binding_error(struct lma *l, const struct in6_addr *src, uint8_t status)
{
	struct mh_msg be;

	memset(&be, 0, sizeof(be));
	be.type = MH_TYPE_BE;
	be.status = status;
	lma_send_msg(l, &be, src);
}

static void input_parsed(struct lma *, const struct mh_msg *, enum mh_err,
    size_t, const struct in6_addr *);

void
lma_input(struct lma *l, const uint8_t *buf, size_t len,
    const struct in6_addr *src, const struct in6_addr *dst)
{
	struct mh_msg m;
	struct mh_perr pe;
	enum mh_err e;

	(void)dst;
	e = mh_parse(buf, len, &m, &pe);
	input_parsed(l, &m, e, pe.off, src);
}

/*
 * With millions of bindings each lookup is a cache miss; a burst's
 * lookups are prefetched together first (lma_prefetch.c), so that their
 * misses overlap, and then the MHs are processed one by one in order.
 * A cache small enough to stay in the CPU caches gains nothing from it
 * and would only pay for the extra scan (about 5% at a thousand).
 */
#define PREFETCH_MIN_BINDINGS	16384

void
lma_input_burst(struct lma *l, const struct lma_rx *rx, unsigned n)
{
	unsigned i;

	if (bce_cache_count(l->cache) >= PREFETCH_MIN_BINDINGS)
		lma_prefetch_burst(l, rx, n);
	for (i = 0; i < n; i++)
		lma_input(l, rx[i].buf, rx[i].len, rx[i].src, &l->conf.lmaa);
}

static void
input_parsed(struct lma *l, const struct mh_msg *m, enum mh_err e,
    size_t err_off, const struct in6_addr *src)
{
	char s[INET6_ADDRSTRLEN];

	if (e != MH_OK) {
		if (e == MH_ERR_TYPE) {
			l->stats.rx[m->type]++;
			binding_error(l, src, MH_BE_UNKNOWN_TYPE);
			return;
		}
		l->stats.rx_malformed++;
		log_rl(&rl_bad, LOG_SUB_MH, LOG_LVL_NOTICE,
		    "malformed MH from %s: %s at offset %zu",
		    addr6_ntop(src, s), mh_strerror(e), err_off);
		return;
	}
	l->stats.rx[m->type]++;
	/* Only PBU processing knows how to meet a binding whose routes are
	 * still queued: settle the batch before anything else runs. */
	if (m->type != MH_TYPE_BU && l->n_pend > 0 && l->dp.flush != NULL)
		l->dp.flush(l->dp.ctx);
	switch (m->type) {
	case MH_TYPE_BU:
		lma_pbu(l, m, src);
		break;
	case MH_TYPE_BR:
		if (m->br_type == MH_BR_ACK)
			lma_bra(l, m, src);
		break;
	case MH_TYPE_HB:
		lma_hb(l, m, src);
		break;
	default:
		/* BA, BE, BRI: nothing an LMA acts on. */
		break;
	}
}
