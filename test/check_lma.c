/*
 * check_lma.c: the LMA's RFC 5213 section 5 decisions, whole exchanges in
 * one process: PBU bytes in, PBA bytes and data-plane requests out, time
 * driven by a fake clock.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lma.h"

#define MAX_OUT	32

struct sent {
	struct in6_addr	 dst;
	struct mh_msg	 m;
	uint8_t		 raw[512];	/* the octets as sent */
	size_t		 len;
};

struct dpreq {
	char		 op;	/* 'a' add, 'd' del */
	struct prefix6	 pfx;
	struct in6_addr	 peer;
	int		 has_old;
	struct in6_addr	 old;
};

static uint64_t now_ms;
static struct sent out[MAX_OUT];
static int nout;
static struct dpreq dpq[MAX_OUT];
static int ndp;
static int dp_fail;		/* next route_add fails with this -errno */
static struct loop *loop;
static struct lma lma;
static struct lma_conf conf;

static struct in6_addr MAG1, MAG2, EVIL, LMAA;

static uint64_t
fake_clock(void)
{
	return now_ms;
}

/* 2026-01-01 plus the fake monotonic time. */
#define EPOCH_S	1767225600ULL

static uint64_t
fake_realtime(void)
{
	uint64_t ms = EPOCH_S * 1000 + now_ms;

	return mh_ts_make(ms / 1000, (uint32_t)(ms % 1000) * 1000000);
}

static int
rec_send(void *ctx, const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *mh, size_t len)
{
	struct mh_perr pe;

	(void)ctx;
	ck_assert(IN6_ARE_ADDR_EQUAL(src, &LMAA));
	ck_assert_int_lt(nout, MAX_OUT);
	ck_assert_int_eq(mh_parse(mh, len, &out[nout].m, &pe), MH_OK);
	out[nout].dst = *dst;
	ck_assert_uint_le(len, sizeof(out[nout].raw));
	memcpy(out[nout].raw, mh, len);
	out[nout].len = len;
	nout++;
	return 0;
}

static int
rec_add(void *ctx, const struct prefix6 *p, const struct in6_addr *peer,
    const struct in6_addr *old)
{
	(void)ctx;
	if (dp_fail) {
		int rc = dp_fail;

		dp_fail = 0;
		return rc;
	}
	ck_assert_int_lt(ndp, MAX_OUT);
	dpq[ndp].op = 'a';
	dpq[ndp].pfx = *p;
	dpq[ndp].peer = *peer;
	dpq[ndp].has_old = old != NULL;
	if (old != NULL)
		dpq[ndp].old = *old;
	ndp++;
	return 0;
}

static int
rec_del(void *ctx, const struct prefix6 *p, const struct in6_addr *peer)
{
	(void)ctx;
	ck_assert_int_lt(ndp, MAX_OUT);
	dpq[ndp].op = 'd';
	dpq[ndp].pfx = *p;
	dpq[ndp].peer = *peer;
	ndp++;
	return 0;
}

static void
a6(const char *s, struct in6_addr *a)
{
	ck_assert_int_eq(inet_pton(AF_INET6, s, a), 1);
}

static void
setup_mode(int ts_mode)
{
	static struct prefix6 pool, proposed, mags;

	now_ms = 100000;
	clock_set_source(fake_clock);
	nout = ndp = dp_fail = 0;
	a6("2001:db8:ff::2", &MAG1);
	a6("2001:db8:ff::3", &MAG2);
	a6("2001:db8:ee::9", &EVIL);
	a6("2001:db8:ff::1", &LMAA);
	lma_conf_defaults(&conf);
	conf.lmaa = LMAA;
	ck_assert_int_eq(prefix6_parse("2001:db8:100::/48", &pool), 0);
	ck_assert_int_eq(prefix6_parse("2001:db8:200::/48", &proposed), 0);
	ck_assert_int_eq(prefix6_parse("2001:db8:ff::/64", &mags), 0);
	conf.pool.n = 1;
	conf.pool.v = &pool;
	conf.proposed.n = 1;
	conf.proposed.v = &proposed;
	conf.mag.n = 1;
	conf.mag.v = &mags;
	conf.TimestampBasedApproachInUse = ts_mode;
	conf.HEARTBEAT_INTERVAL = 0;
	loop = loop_new();
	ck_assert_ptr_nonnull(loop);
	ck_assert_int_eq(lma_init(&lma, loop, &conf), 0);
	lma.realtime_ts = fake_realtime;
	lma.send = rec_send;
	lma.dp.route_add = rec_add;
	lma.dp.route_del = rec_del;
	lma.restart_counter = 7;
	lma_hb_start(&lma);
}

static void
setup(void)
{
	setup_mode(1);
}

static void
teardown(void)
{
	lma_shutdown(&lma);
	loop_free(loop);
	clock_set_source(NULL);
}

static void
advance(uint64_t ms)
{
	now_ms += ms;
	loop_run_timers(loop);
}

/* A well-formed PBU; tests then break what they test. */
static void
pbu(struct mh_msg *m, const char *nai, const char *hnp, uint8_t hi)
{
	struct in6_addr p;

	memset(m, 0, sizeof(*m));
	m->type = MH_TYPE_BU;
	m->flags = MH_BU_A | MH_BU_P;
	m->seq = 1;
	m->lifetime = 900;
	mh_set_mnid(&m->opt, MH_MNID_NAI, nai, strlen(nai));
	a6(hnp, &p);
	mh_add_hnp(&m->opt, &p, strcmp(hnp, "::") == 0 ? 0 : 64);
	m->opt.present |= MH_HAS_HI | MH_HAS_ATT | MH_HAS_TS;
	m->opt.hi = hi;
	m->opt.att = MH_ATT_80211;
	m->opt.ts = fake_realtime();
}

/* Encode, feed to the LMA as bytes from src. */
static void
feed(const struct mh_msg *m, const struct in6_addr *src)
{
	uint8_t buf[MH_MAX_LEN];
	size_t len;

	ck_assert_int_eq(mh_build(m, src, &LMAA, buf, sizeof(buf), &len),
	    MH_OK);
	lma_input(&lma, buf, len, src, &LMAA);
}

static const struct mh_msg *
last_pba(const struct in6_addr *dst, uint8_t status)
{
	ck_assert_int_ge(nout, 1);
	ck_assert_int_eq(out[nout - 1].m.type, MH_TYPE_BA);
	ck_assert(IN6_ARE_ADDR_EQUAL(&out[nout - 1].dst, dst));
	ck_assert_msg(out[nout - 1].m.status == status, "status %u, want %u",
	    out[nout - 1].m.status, status);
	ck_assert(out[nout - 1].m.flags & MH_BA_P);
	return &out[nout - 1].m;
}

static void
reject_case(struct mh_msg *m, const struct in6_addr *src, uint8_t status)
{
	feed(m, src);
	ck_assert_int_eq(nout, 1);
	last_pba(src, status);
	ck_assert_int_eq(ndp, 0);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 0);
}

/* Register mn1 with a pool prefix from MAG1; returns the prefix. */
static struct mh_prefix
attach(const char *nai, const struct in6_addr *mag)
{
	struct mh_msg m;
	const struct mh_msg *a;

	pbu(&m, nai, "::", MH_HI_NEW_IF);
	feed(&m, mag);
	a = last_pba(mag, MH_BA_ACCEPTED);
	ck_assert_int_eq(a->opt.n_hnp, 1);
	ck_assert_int_eq(a->opt.hnp[0].len, 64);
	return a->opt.hnp[0];
}

START_TEST(t_missing_mnid)
{
	struct mh_msg m;

	pbu(&m, "mn1@x", "::", MH_HI_NEW_IF);
	m.opt.present &= ~MH_HAS_MNID;
	m.opt.mnid_len = 0;
	reject_case(&m, &MAG1, MH_BA_MISSING_MNID);
}
END_TEST

START_TEST(t_unauthorized_mag)
{
	struct mh_msg m;

	pbu(&m, "mn1@x", "::", MH_HI_NEW_IF);
	reject_case(&m, &EVIL, MH_BA_MAG_NOT_AUTHORIZED);
	ck_assert_uint_eq(lma.stats.rx_unauthorized, 1);
	/* An authorized source naming an unauthorized Proxy-CoA. */
	nout = 0;
	m.opt.present |= MH_HAS_ALTCOA;
	m.opt.altcoa = EVIL;
	reject_case(&m, &MAG1, MH_BA_MAG_NOT_AUTHORIZED);
}
END_TEST

START_TEST(t_missing_options)
{
	struct mh_msg m;

	pbu(&m, "mn1@x", "::", MH_HI_NEW_IF);
	m.opt.n_hnp = 0;
	reject_case(&m, &MAG1, MH_BA_MISSING_HNP);
	/* The reject carries one ALL_ZERO HNP (RFC 5213 5.3.6). */
	ck_assert_int_eq(out[0].m.opt.n_hnp, 1);
	ck_assert(IN6_IS_ADDR_UNSPECIFIED(&out[0].m.opt.hnp[0].addr));
	nout = 0;
	pbu(&m, "mn1@x", "::", MH_HI_NEW_IF);
	m.opt.present &= ~MH_HAS_HI;
	reject_case(&m, &MAG1, MH_BA_MISSING_HI);
	nout = 0;
	pbu(&m, "mn1@x", "::", MH_HI_NEW_IF);
	m.opt.present &= ~MH_HAS_ATT;
	reject_case(&m, &MAG1, MH_BA_MISSING_ATT);
	nout = 0;
	pbu(&m, "mn1@x", "::", MH_HI_NEW_IF);
	m.flags &= ~MH_BU_P;
	feed(&m, &MAG1);
	ck_assert_int_eq(out[0].m.status, MH_BA_PROXY_REG_NOT_ENABLED);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 0);
}
END_TEST

START_TEST(t_timestamp_window)
{
	struct mh_msg m;
	const struct mh_msg *a;

	pbu(&m, "mn1@x", "::", MH_HI_NEW_IF);
	m.opt.ts = mh_ts_make(EPOCH_S + now_ms / 1000 + 1, 0);
	reject_case(&m, &MAG1, MH_BA_TIMESTAMP_MISMATCH);
	a = &out[0].m;
	/* 156 carries the LMA's current time, not the MAG's. */
	ck_assert(a->opt.present & MH_HAS_TS);
	ck_assert_uint_eq(a->opt.ts, fake_realtime());
	ck_assert_uint_eq(a->seq, m.seq);
}
END_TEST

START_TEST(t_register_refresh_order)
{
	struct mh_prefix p;
	struct mh_msg m;
	const struct mh_msg *a;
	char s[INET6_ADDRSTRLEN];

	p = attach("mn1@x", &MAG1);
	inet_ntop(AF_INET6, &p.addr, s, sizeof(s));
	ck_assert_str_eq(s, "2001:db8:100::");
	a = &out[0].m;
	ck_assert_uint_eq(a->lifetime, 900);
	ck_assert(a->opt.present & MH_HAS_TS);
	ck_assert_str_eq((const char *)a->opt.mnid, "mn1@x");
	ck_assert_int_eq(a->opt.hi, MH_HI_NEW_IF);
	ck_assert_int_eq(ndp, 1);
	ck_assert_int_eq(dpq[0].op, 'a');
	ck_assert(IN6_ARE_ADDR_EQUAL(&dpq[0].peer, &MAG1));
	ck_assert(!dpq[0].has_old);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 1);

	/* Re-registration: same MAG, HI=5, newer timestamp. */
	advance(10);
	pbu(&m, "mn1@x", s, MH_HI_UNCHANGED);
	m.seq = 2;
	feed(&m, &MAG1);
	last_pba(&MAG1, MH_BA_ACCEPTED);
	ck_assert_int_eq(ndp, 1);	/* nothing to program */
	ck_assert_uint_eq(lma.stats.updated, 1);

	/* The same timestamp again is not newer: 157. */
	feed(&m, &MAG1);
	a = last_pba(&MAG1, MH_BA_TIMESTAMP_LOWER);
	ck_assert_uint_eq(a->opt.ts, fake_realtime());
	ck_assert_uint_eq(bce_cache_count(lma.cache), 1);

	/* Lifetime capped by max_lifetime (3600 s = 900 units). */
	advance(10);
	pbu(&m, "mn1@x", s, MH_HI_UNCHANGED);
	m.lifetime = 65535;
	feed(&m, &MAG1);
	a = last_pba(&MAG1, MH_BA_ACCEPTED);
	ck_assert_uint_eq(a->lifetime, 900);
}
END_TEST

START_TEST(t_handoff_revocation)
{
	struct mh_prefix p;
	struct mh_msg m, bra;
	const struct mh_msg *bri = NULL;
	char s[INET6_ADDRSTRLEN];
	int i;

	p = attach("mn1@x", &MAG1);
	inet_ntop(AF_INET6, &p.addr, s, sizeof(s));
	nout = ndp = 0;
	advance(50);
	pbu(&m, "mn1@x", s, MH_HI_MAG_HANDOFF);
	feed(&m, &MAG2);
	/* The BRI to MAG1 and the PBA to MAG2. */
	ck_assert_int_eq(nout, 2);
	for (i = 0; i < nout; i++)
		if (out[i].m.type == MH_TYPE_BR)
			bri = &out[i].m;
	ck_assert_ptr_nonnull(bri);
	ck_assert_int_eq(bri->br_type, MH_BR_INDICATION);
	ck_assert_int_eq(bri->trigger, MH_BRT_HANDOVER_SAME_ATT);
	ck_assert(bri->flags & MH_BR_P);
	ck_assert_int_eq(bri->opt.n_hnp, 1);
	ck_assert_int_eq(bri->opt.mnid_len, 5);
	last_pba(&MAG2, MH_BA_ACCEPTED);
	ck_assert(IN6_ARE_ADDR_EQUAL(&out[0].dst, &MAG1));
	/* The route moved without a gap: one replace, old peer named. */
	ck_assert_int_eq(ndp, 1);
	ck_assert_int_eq(dpq[0].op, 'a');
	ck_assert(IN6_ARE_ADDR_EQUAL(&dpq[0].peer, &MAG2));
	ck_assert(dpq[0].has_old);
	ck_assert(IN6_ARE_ADDR_EQUAL(&dpq[0].old, &MAG1));
	ck_assert_uint_eq(lma.stats.handoffs, 1);

	/* No BRA yet: retransmitted once after InitMINDelayBRIs. */
	nout = 0;
	advance(1000);
	ck_assert_int_eq(nout, 1);
	ck_assert_int_eq(out[0].m.type, MH_TYPE_BR);
	ck_assert_uint_eq(lma.stats.bri_retx, 1);

	memset(&bra, 0, sizeof(bra));
	bra.type = MH_TYPE_BR;
	bra.br_type = MH_BR_ACK;
	bra.seq = out[0].m.seq;
	bra.flags = MH_BR_P;
	/* A BRA from the wrong MAG matches nothing. */
	feed(&bra, &MAG2);
	ck_assert_uint_eq(lma.stats.bri_acked, 0);
	feed(&bra, &MAG1);
	ck_assert_uint_eq(lma.stats.bri_acked, 1);
	nout = 0;
	advance(5000);
	ck_assert_int_eq(nout, 0);	/* acknowledged: no more BRIs */

	/* The old MAG's late de-registration changes nothing (5.3.5). */
	pbu(&m, "mn1@x", s, MH_HI_UNKNOWN);
	m.lifetime = 0;
	feed(&m, &MAG1);
	ck_assert_int_eq(nout, 0);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 1);
}
END_TEST

START_TEST(t_bri_gives_up)
{
	struct mh_prefix p;
	struct mh_msg m;
	char s[INET6_ADDRSTRLEN];

	p = attach("mn1@x", &MAG1);
	inet_ntop(AF_INET6, &p.addr, s, sizeof(s));
	advance(50);
	pbu(&m, "mn1@x", s, MH_HI_MAG_HANDOFF);
	feed(&m, &MAG2);
	advance(1000);		/* retransmission 1 */
	advance(2000);		/* retries run out */
	ck_assert_uint_eq(lma.stats.bri_retx, 1);
	ck_assert_uint_eq(lma.stats.bri_timeout, 1);
	ck_assert_uint_eq(lma.n_bri, 0);
}
END_TEST

START_TEST(t_deregistration)
{
	struct mh_prefix p;
	struct mh_msg m;
	const struct mh_msg *a;
	char s[INET6_ADDRSTRLEN];

	p = attach("mn1@x", &MAG1);
	inet_ntop(AF_INET6, &p.addr, s, sizeof(s));
	ndp = 0;
	advance(10);
	pbu(&m, "mn1@x", s, MH_HI_UNKNOWN);
	m.lifetime = 0;
	feed(&m, &MAG1);
	a = last_pba(&MAG1, MH_BA_ACCEPTED);
	ck_assert_uint_eq(a->lifetime, 0);
	ck_assert_int_eq(ndp, 1);
	ck_assert_int_eq(dpq[0].op, 'd');
	/* Still there until MinDelayBeforeBCEDelete... */
	advance(9999);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 1);
	advance(1);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 0);
	ck_assert_uint_eq(lma.stats.deregistered, 1);
	/* ...and the prefix is free again. */
	nout = 0;
	p = attach("mn2@x", &MAG1);
	inet_ntop(AF_INET6, &p.addr, s, sizeof(s));
	ck_assert_str_eq(s, "2001:db8:100::");
}
END_TEST

START_TEST(t_dereg_revived)
{
	struct mh_prefix p;
	struct mh_msg m;
	char s[INET6_ADDRSTRLEN];

	p = attach("mn1@x", &MAG1);
	inet_ntop(AF_INET6, &p.addr, s, sizeof(s));
	advance(10);
	pbu(&m, "mn1@x", s, MH_HI_UNKNOWN);
	m.lifetime = 0;
	feed(&m, &MAG1);
	ndp = 0;
	advance(10);
	/* A valid PBU inside MinDelayBeforeBCEDelete revives it. */
	pbu(&m, "mn1@x", s, MH_HI_MAG_HANDOFF);
	feed(&m, &MAG2);
	last_pba(&MAG2, MH_BA_ACCEPTED);
	ck_assert_int_eq(ndp, 1);
	ck_assert_int_eq(dpq[0].op, 'a');
	advance(20000);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 1);
}
END_TEST

START_TEST(t_lifetime_expiry)
{
	struct mh_msg m;

	pbu(&m, "mn1@x", "::", MH_HI_NEW_IF);
	m.lifetime = 10;	/* 40 s */
	feed(&m, &MAG1);
	last_pba(&MAG1, MH_BA_ACCEPTED);
	ck_assert_uint_eq(out[0].m.lifetime, 10);
	advance(39999);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 1);
	advance(1);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 0);
	ck_assert_uint_eq(lma.stats.expired, 1);
	ck_assert_int_eq(dpq[ndp - 1].op, 'd');
}
END_TEST

START_TEST(t_proposed_prefix)
{
	struct mh_msg m;

	pbu(&m, "mn1@x", "2001:db8:300::", MH_HI_NEW_IF);
	reject_case(&m, &MAG1, MH_BA_NOT_AUTHORIZED_FOR_HNP);
	nout = 0;
	pbu(&m, "mn1@x", "2001:db8:200:5::", MH_HI_NEW_IF);
	feed(&m, &MAG1);
	last_pba(&MAG1, MH_BA_ACCEPTED);
	/* Another MN cannot take it. */
	advance(10);
	pbu(&m, "mn2@x", "2001:db8:200:5::", MH_HI_NEW_IF);
	feed(&m, &MAG2);
	last_pba(&MAG2, MH_BA_NOT_AUTHORIZED_FOR_HNP);
	/* The owner asking with a different prefix set: 159. */
	advance(10);
	pbu(&m, "mn1@x", "2001:db8:200:5::", MH_HI_UNCHANGED);
	{
		struct in6_addr x;

		a6("2001:db8:200:6::", &x);
		mh_add_hnp(&m.opt, &x, 64);
	}
	feed(&m, &MAG1);
	last_pba(&MAG1, MH_BA_BCE_PBU_PREFIX_MISMATCH);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 1);
}
END_TEST

START_TEST(t_dataplane_failure)
{
	struct mh_msg m;

	dp_fail = -101;		/* ENETUNREACH */
	pbu(&m, "mn1@x", "::", MH_HI_NEW_IF);
	feed(&m, &MAG1);
	last_pba(&MAG1, MH_BA_INSUFFICIENT);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 0);
	ck_assert_uint_eq(lma.stats.dp_failures, 1);
	/* The prefix went back to the pool. */
	attach("mn1@x", &MAG1);
}
END_TEST

/* Batched data plane: routes queued for a whole receive burst. */
static void *qtok[MAX_OUT];
static struct prefix6 qpfx[MAX_OUT];
static int qfail[MAX_OUT], nq;

static int
rec_add_q(void *ctx, const struct prefix6 *p, const struct in6_addr *peer,
    const struct in6_addr *old, void *tok)
{
	(void)ctx;
	(void)peer;
	(void)old;
	ck_assert_int_lt(nq, MAX_OUT);
	qtok[nq] = tok;
	qpfx[nq] = *p;
	qfail[nq] = dp_fail;
	dp_fail = 0;
	nq++;
	return 0;
}

static void
rec_flush(void *ctx)
{
	int i, n = nq;

	(void)ctx;
	nq = 0;
	for (i = 0; i < n; i++)
		lma_route_done(&lma, qtok[i], &qpfx[i], qfail[i]);
}

START_TEST(t_batched_dataplane)
{
	struct mh_msg m;

	nq = 0;
	lma.dp.route_add_q = rec_add_q;
	lma.dp.flush = rec_flush;
	lma.dp_defer = 1;
	/* One accepted, one whose route fails, in the same burst: no PBA
	 * before the commit, then each its own answer. */
	pbu(&m, "mn1@x", "::", MH_HI_NEW_IF);
	feed(&m, &MAG1);
	dp_fail = -101;
	pbu(&m, "mn2@x", "::", MH_HI_NEW_IF);
	feed(&m, &MAG2);
	ck_assert_int_eq(nout, 0);
	ck_assert_int_eq(nq, 2);
	rec_flush(NULL);
	ck_assert_int_eq(nout, 2);
	ck_assert(IN6_ARE_ADDR_EQUAL(&out[0].dst, &MAG1));
	ck_assert_uint_eq(out[0].m.status, MH_BA_ACCEPTED);
	last_pba(&MAG2, MH_BA_INSUFFICIENT);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 1);
	ck_assert_uint_eq(lma.stats.dp_failures, 1);
	/* A PBU for a binding still waiting commits the batch first: the
	 * handoff is judged against the registered binding. */
	pbu(&m, "mn3@x", "::", MH_HI_NEW_IF);
	feed(&m, &MAG1);
	ck_assert_int_eq(nout, 2);
	pbu(&m, "mn3@x", "::", MH_HI_MAG_HANDOFF);
	m.opt.ts++;
	feed(&m, &MAG2);
	ck_assert_int_eq(nout, 3);
	ck_assert(IN6_ARE_ADDR_EQUAL(&out[2].dst, &MAG1));
	ck_assert_uint_eq(out[2].m.status, MH_BA_ACCEPTED);
	rec_flush(NULL);
	last_pba(&MAG2, MH_BA_ACCEPTED);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 2);
	lma.dp_defer = 0;
}
END_TEST

START_TEST(t_hi4_waits_for_dereg)
{
	struct mh_prefix p;
	struct mh_msg m;
	char s[INET6_ADDRSTRLEN];

	p = attach("mn1@x", &MAG1);
	inet_ntop(AF_INET6, &p.addr, s, sizeof(s));
	nout = 0;
	advance(10);
	pbu(&m, "mn1@x", "::", MH_HI_UNKNOWN);
	feed(&m, &MAG2);
	ck_assert_int_eq(nout, 0);	/* parked */
	advance(100);
	pbu(&m, "mn1@x", s, MH_HI_UNKNOWN);
	m.lifetime = 0;
	feed(&m, &MAG1);
	/* PBA to the old MAG, then the parked PBU's answer. */
	ck_assert_int_eq(nout, 2);
	ck_assert(IN6_ARE_ADDR_EQUAL(&out[0].dst, &MAG1));
	last_pba(&MAG2, MH_BA_ACCEPTED);
	ck_assert(IN6_ARE_ADDR_EQUAL(&out[1].m.opt.hnp[0].addr, &p.addr));
	ck_assert_uint_eq(bce_cache_count(lma.cache), 1);
}
END_TEST

START_TEST(t_hi4_times_out)
{
	struct mh_prefix p;
	struct mh_msg m;

	p = attach("mn1@x", &MAG1);
	nout = 0;
	advance(10);
	pbu(&m, "mn1@x", "::", MH_HI_UNKNOWN);
	feed(&m, &MAG2);
	ck_assert_int_eq(nout, 0);
	advance(1500);
	/* No de-registration: a new session with a new prefix. */
	ck_assert_int_eq(nout, 1);
	last_pba(&MAG2, MH_BA_ACCEPTED);
	ck_assert(!IN6_ARE_ADDR_EQUAL(&out[0].m.opt.hnp[0].addr, &p.addr));
	ck_assert_uint_eq(bce_cache_count(lma.cache), 2);
}
END_TEST

START_TEST(t_sequence_mode)
{
	struct mh_prefix p;
	struct mh_msg m;
	const struct mh_msg *a;
	char s[INET6_ADDRSTRLEN];

	teardown();
	setup_mode(0);
	p = attach("mn1@x", &MAG1);
	inet_ntop(AF_INET6, &p.addr, s, sizeof(s));
	pbu(&m, "mn1@x", s, MH_HI_UNCHANGED);
	m.opt.present &= ~MH_HAS_TS;
	m.seq = 1;	/* not after the accepted 1 */
	feed(&m, &MAG1);
	a = last_pba(&MAG1, MH_BA_SEQ_OUT_OF_WINDOW);
	ck_assert_uint_eq(a->seq, 1);
	ck_assert(!(a->opt.present & MH_HAS_TS));
	m.seq = 2;
	feed(&m, &MAG1);
	last_pba(&MAG1, MH_BA_ACCEPTED);
}
END_TEST

START_TEST(t_heartbeat_and_errors)
{
	struct mh_msg m;
	uint8_t junk[16] = { 59, 1, 99, 0 };

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_HB;
	m.hb_seq = 42;
	feed(&m, &MAG1);
	ck_assert_int_eq(nout, 1);
	ck_assert_int_eq(out[0].m.type, MH_TYPE_HB);
	ck_assert(out[0].m.flags & MH_HB_R);
	ck_assert_uint_eq(out[0].m.hb_seq, 42);
	ck_assert_uint_eq(out[0].m.opt.restart, 7);

	/* Unknown MH type 99: Binding Error status 2. */
	lma_input(&lma, junk, sizeof(junk), &MAG1, &LMAA);
	ck_assert_int_eq(nout, 2);
	ck_assert_int_eq(out[1].m.type, MH_TYPE_BE);
	ck_assert_int_eq(out[1].m.status, MH_BE_UNKNOWN_TYPE);

	/* Malformed: counted, no answer. */
	junk[2] = MH_TYPE_BU;
	junk[0] = 6;
	lma_input(&lma, junk, sizeof(junk), &MAG1, &LMAA);
	ck_assert_int_eq(nout, 2);
	ck_assert_uint_eq(lma.stats.rx_malformed, 1);
}
END_TEST

/*
 * A burst given at once (what the daemon does with each recvmmsg) must
 * have exactly the effects of the same MHs given one by one: the same
 * octets sent to the same peers in the same order, the same routes, the
 * same counters, whatever mix of PBUs, errors and other types it holds.
 */
enum { BURST_N = 9 };

static void
burst_run(int at_once, uint8_t bufs[BURST_N][MH_MAX_LEN], size_t *lens,
    const struct in6_addr **srcs)
{
	struct lma_rx rx[BURST_N];
	int i;

	if (!at_once) {
		for (i = 0; i < BURST_N; i++)
			lma_input(&lma, bufs[i], lens[i], srcs[i], &LMAA);
		return;
	}
	for (i = 0; i < BURST_N; i++) {
		rx[i].buf = bufs[i];
		rx[i].len = lens[i];
		rx[i].src = srcs[i];
	}
	/* A cache this small is not prefetched by lma_input_burst(): ask
	 * for it, so that this checks it changes nothing. */
	lma_prefetch_burst(&lma, rx, BURST_N);
	lma_input_burst(&lma, rx, BURST_N);
}

START_TEST(t_burst_same_as_one_by_one)
{
	static uint8_t bufs[BURST_N][MH_MAX_LEN];
	static struct sent first[MAX_OUT];
	static struct dpreq first_dp[MAX_OUT];
	const struct in6_addr *srcs[BURST_N];
	size_t lens[BURST_N];
	struct lma_stats st;
	struct mh_msg m;
	int i, run, n1 = 0, ndp1 = 0;

	for (run = 0; run < 2; run++) {
		if (run == 1) {
			teardown();
			setup();
		}
		/* Both are registered before the burst, so it refreshes,
		 * hands off and de-registers them. */
		attach("mn1@x", &MAG1);
		attach("mn2@x", &MAG1);
		nout = ndp = 0;
		advance(10);
		i = 0;
		pbu(&m, "mn3@x", "::", MH_HI_NEW_IF);
		srcs[i] = &MAG1;
		ck_assert_int_eq(mh_build(&m, NULL, NULL, bufs[i], MH_MAX_LEN,
		    &lens[i]), MH_OK);
		i++;
		pbu(&m, "mn1@x", "2001:db8:100::", MH_HI_UNCHANGED);
		srcs[i] = &MAG1;
		ck_assert_int_eq(mh_build(&m, NULL, NULL, bufs[i], MH_MAX_LEN,
		    &lens[i]), MH_OK);
		i++;
		/* Malformed, then an unknown type (Binding Error). */
		memset(bufs[i], 0, 16);
		bufs[i][0] = 6;
		bufs[i][1] = 1;
		bufs[i][2] = MH_TYPE_BU;
		lens[i] = 16;
		srcs[i++] = &MAG2;
		memset(bufs[i], 0, 16);
		bufs[i][0] = 59;
		bufs[i][1] = 1;
		bufs[i][2] = 99;
		lens[i] = 16;
		srcs[i++] = &MAG2;
		pbu(&m, "mn2@x", "2001:db8:100:1::", MH_HI_MAG_HANDOFF);
		srcs[i] = &MAG2;
		ck_assert_int_eq(mh_build(&m, NULL, NULL, bufs[i], MH_MAX_LEN,
		    &lens[i]), MH_OK);
		i++;
		pbu(&m, "mn4@x", "::", MH_HI_NEW_IF);
		srcs[i] = &EVIL;
		ck_assert_int_eq(mh_build(&m, NULL, NULL, bufs[i], MH_MAX_LEN,
		    &lens[i]), MH_OK);
		i++;
		/* A second PBU for mn1 in the same burst: stale timestamp. */
		pbu(&m, "mn1@x", "2001:db8:100::", MH_HI_UNCHANGED);
		m.opt.ts -= 1;
		srcs[i] = &MAG1;
		ck_assert_int_eq(mh_build(&m, NULL, NULL, bufs[i], MH_MAX_LEN,
		    &lens[i]), MH_OK);
		i++;
		pbu(&m, "mn1@x", "2001:db8:100::", MH_HI_UNCHANGED);
		m.lifetime = 0;
		m.opt.ts += 1;
		srcs[i] = &MAG1;
		ck_assert_int_eq(mh_build(&m, NULL, NULL, bufs[i], MH_MAX_LEN,
		    &lens[i]), MH_OK);
		i++;
		pbu(&m, "mn3@x", "2001:db8:100:2::", MH_HI_UNCHANGED);
		m.opt.ts += 2;
		srcs[i] = &MAG1;
		ck_assert_int_eq(mh_build(&m, NULL, NULL, bufs[i], MH_MAX_LEN,
		    &lens[i]), MH_OK);
		i++;
		ck_assert_int_eq(i, BURST_N);
		burst_run(run, bufs, lens, srcs);
		if (run == 0) {
			n1 = nout;
			ndp1 = ndp;
			memcpy(first, out, sizeof(first));
			memcpy(first_dp, dpq, sizeof(first_dp));
			st = lma.stats;
			continue;
		}
		ck_assert_int_eq(nout, n1);
		ck_assert_int_eq(ndp, ndp1);
		for (i = 0; i < nout; i++) {
			ck_assert(IN6_ARE_ADDR_EQUAL(&out[i].dst,
			    &first[i].dst));
			ck_assert_uint_eq(out[i].len, first[i].len);
			ck_assert(memcmp(out[i].raw, first[i].raw,
			    out[i].len) == 0);
		}
		for (i = 0; i < ndp; i++) {
			ck_assert_int_eq(dpq[i].op, first_dp[i].op);
			ck_assert(IN6_ARE_ADDR_EQUAL(&dpq[i].pfx.addr,
			    &first_dp[i].pfx.addr));
			ck_assert_int_eq(dpq[i].pfx.len, first_dp[i].pfx.len);
			ck_assert(IN6_ARE_ADDR_EQUAL(&dpq[i].peer,
			    &first_dp[i].peer));
			ck_assert_int_eq(dpq[i].has_old, first_dp[i].has_old);
		}
		ck_assert(memcmp(&st, &lma.stats, sizeof(st)) == 0);
	}
	/* And the burst did what it says: seven PBAs, a Binding Error and
	 * a BRI to mn2's previous MAG. */
	ck_assert_int_eq(n1, 9);
	ck_assert_uint_eq(st.rx_malformed, 1);
	ck_assert_uint_eq(st.tx[MH_TYPE_BE], 1);
	ck_assert_uint_eq(st.bri_sent, 1);
	ck_assert_uint_eq(st.pba_status[MH_BA_ACCEPTED], 2 + 5);
	ck_assert_uint_eq(st.pba_status[MH_BA_TIMESTAMP_LOWER], 1);
	ck_assert_uint_eq(st.pba_status[MH_BA_MAG_NOT_AUTHORIZED], 1);
	ck_assert_uint_eq(st.handoffs, 1);
}
END_TEST

/* The hints lma_prefetch.c works from lead where the lookups will go. */
START_TEST(t_prefetch_hints)
{
	struct mh_prefix p1 = attach("mn1@x", &MAG1);
	struct prefix6 pfx, next0, next1;
	struct bce_hint h;
	const struct bce *b, *want;
	const struct bce_hnp *hn;
	struct mh_prefix p2, p3;

	want = bce_by_mnid(lma.cache, (const uint8_t *)"mn1@x", 5);
	ck_assert_ptr_nonnull(want);
	pfx.addr = p1.addr;
	pfx.len = p1.len;
	bce_hint(lma.cache, (const uint8_t *)"mn1@x", 5, &pfx, &h);
	for (b = bce_hint_mnid_chain(lma.cache, &h); b != NULL && b != want;
	    b = b->mnid_next)
		;
	ck_assert_ptr_eq(b, want);
	for (hn = bce_hint_hnp_chain(lma.cache, &h); hn != NULL &&
	    hn->owner != want; hn = hn->hash_next)
		;
	ck_assert_ptr_nonnull(hn);
	bce_hint(lma.cache, NULL, 0, NULL, &h);
	ck_assert_ptr_null(bce_hint_mnid_chain(lma.cache, &h));
	ck_assert_ptr_null(bce_hint_hnp_chain(lma.cache, &h));

	/* The pool's next two prefixes are the next two assigned. */
	ck_assert_int_eq(lma_pool_peek(lma.pools, 0, &next0), 0);
	ck_assert_int_eq(lma_pool_peek(lma.pools, 1, &next1), 0);
	p2 = attach("mn2@x", &MAG1);
	p3 = attach("mn3@x", &MAG1);
	ck_assert(IN6_ARE_ADDR_EQUAL(&p2.addr, &next0.addr));
	ck_assert(IN6_ARE_ADDR_EQUAL(&p3.addr, &next1.addr));
	/* A released prefix is handed out again first. */
	lma_revoke_mn(&lma, (const uint8_t *)"mn2@x", 5);
	ck_assert_int_eq(lma_pool_peek(lma.pools, 0, &next0), 0);
	p2 = attach("mn4@x", &MAG1);
	ck_assert(IN6_ARE_ADDR_EQUAL(&p2.addr, &next0.addr));
}
END_TEST

/*
 * The prefetch reads keys from the octets before any parse: every cut
 * of a PBU and random octets, each in a buffer of exactly its size (so
 * a sanitizer build catches any read past it), change nothing but what
 * lma_input() would do with them.
 */
START_TEST(t_burst_hostile_octets)
{
	struct mh_msg m;
	uint8_t full[MH_MAX_LEN], *cut;
	struct lma_rx rx;
	size_t len, i;
	unsigned seed = 5213, r;

	attach("mn1@x", &MAG1);
	pbu(&m, "mn1@x", "2001:db8:100::", MH_HI_UNCHANGED);
	ck_assert_int_eq(mh_build(&m, NULL, NULL, full, sizeof(full), &len),
	    MH_OK);
	rx.src = &MAG1;
	for (i = 0; i < len; i++) {
		cut = malloc(i ? i : 1);
		ck_assert_ptr_nonnull(cut);
		memcpy(cut, full, i);
		rx.buf = cut;
		rx.len = i;
		lma_prefetch_burst(&lma, &rx, 1);
		lma_input_burst(&lma, &rx, 1);
		free(cut);
	}
	for (r = 0; r < 2000; r++) {
		size_t n = 8 + rand_r(&seed) % 64;

		cut = malloc(n);
		ck_assert_ptr_nonnull(cut);
		memcpy(cut, full, n < len ? n : len);
		for (i = 0; i < 4; i++)
			cut[6 + rand_r(&seed) % (n - 6)] = (uint8_t)rand_r(&seed);
		cut[2] = MH_TYPE_BU;
		rx.buf = cut;
		rx.len = n;
		lma_prefetch_burst(&lma, &rx, 1);
		lma_input_burst(&lma, &rx, 1);
		free(cut);
	}
	/* The binding is still there and still answers. */
	ck_assert_ptr_nonnull(bce_by_mnid(lma.cache, (const uint8_t *)"mn1@x",
	    5));
}
END_TEST

START_TEST(t_heartbeat_path_failure)
{
	teardown();
	setup_mode(1);
	lma_hb_stop(&lma);
	lma.conf.HEARTBEAT_INTERVAL = 30;
	lma.conf.release_on_path_failure = 1;
	lma_hb_start(&lma);
	attach("mn1@x", &MAG1);
	nout = 0;
	/* Four requests go unanswered; the fifth tick declares failure. */
	advance(30000);
	advance(30000);
	advance(30000);
	advance(30000);
	ck_assert_int_eq(nout, 4);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 1);
	advance(30000);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 0);
}
END_TEST

START_TEST(t_admin_revoke)
{
	struct mh_prefix p;

	p = attach("mn1@x", &MAG1);
	(void)p;
	attach("mn2@x", &MAG1);
	attach("mn3@x", &MAG2);
	nout = 0;
	ck_assert_uint_eq(lma_revoke_mn(&lma, (const uint8_t *)"mn3@x", 5),
	    1);
	ck_assert_int_eq(out[0].m.type, MH_TYPE_BR);
	ck_assert_int_eq(out[0].m.trigger, MH_BRT_ADMIN);
	ck_assert(IN6_ARE_ADDR_EQUAL(&out[0].dst, &MAG2));
	ck_assert_uint_eq(lma_revoke_mag(&lma, &MAG1), 2);
	ck_assert_int_eq(out[1].m.type, MH_TYPE_BR);
	ck_assert(out[1].m.flags & MH_BR_G);
	ck_assert_int_eq(out[1].m.trigger, MH_BRT_PER_PEER_POLICY);
	ck_assert_uint_eq(bce_cache_count(lma.cache), 0);
	ck_assert_ptr_null(bce_peer_find(lma.cache, &MAG1));
}
END_TEST

static Suite *
lma_suite(void)
{
	Suite *s = suite_create("lma");
	TCase *tc = tcase_create("pbu");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_missing_mnid);
	tcase_add_test(tc, t_unauthorized_mag);
	tcase_add_test(tc, t_missing_options);
	tcase_add_test(tc, t_timestamp_window);
	tcase_add_test(tc, t_register_refresh_order);
	tcase_add_test(tc, t_handoff_revocation);
	tcase_add_test(tc, t_bri_gives_up);
	tcase_add_test(tc, t_deregistration);
	tcase_add_test(tc, t_dereg_revived);
	tcase_add_test(tc, t_lifetime_expiry);
	tcase_add_test(tc, t_proposed_prefix);
	tcase_add_test(tc, t_dataplane_failure);
	tcase_add_test(tc, t_batched_dataplane);
	tcase_add_test(tc, t_hi4_waits_for_dereg);
	tcase_add_test(tc, t_hi4_times_out);
	tcase_add_test(tc, t_sequence_mode);
	tcase_add_test(tc, t_heartbeat_and_errors);
	tcase_add_test(tc, t_burst_same_as_one_by_one);
	tcase_add_test(tc, t_prefetch_hints);
	tcase_add_test(tc, t_burst_hostile_octets);
	tcase_add_test(tc, t_heartbeat_path_failure);
	tcase_add_test(tc, t_admin_revoke);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(lma_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
