/*
 * check_mag.c: the MAG's RFC 5213 section 6 behaviour in one process:
 * first frame and RADIUS answer in, PBU bytes out; PBA bytes in, data
 * plane and RA requests out; retransmission under a driven clock.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mag.h"

#define MAX_OUT	64

static uint64_t now_ms;
static struct loop *loop;
static struct mag mag;
static struct mag_conf conf;
static struct mag_iface ifc;
static struct mag_access_conf acc;

static struct { struct in6_addr dst; struct mh_msg m; uint64_t at; }
    out[MAX_OUT];
static int nout, nauth, nra, nwithdraw, ndp_up, ndp_down, nignore, nacct;
static int dp_fail;
static struct mag_mn *authed;
static const uint8_t MAC1[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t MAC2[6] = { 2, 0, 0, 0, 0, 2 };
static struct in6_addr LMA1, LMA2, ME;

#define EPOCH_S	1767225600ULL

static uint64_t
fake_clock(void)
{
	return now_ms;
}

static uint64_t
fake_realtime(void)
{
	uint64_t ms = EPOCH_S * 1000 + now_ms;

	return mh_ts_make(ms / 1000, (uint32_t)(ms % 1000) * 1000000);
}

static uint64_t
f_auth(void *ctx, struct mag_mn *mn)
{
	(void)ctx;
	nauth++;
	authed = mn;
	return 42;
}

static int
f_send(void *ctx, const struct in6_addr *dst, const uint8_t *mh, size_t len)
{
	struct mh_perr pe;

	(void)ctx;
	ck_assert_int_lt(nout, MAX_OUT);
	ck_assert_int_eq(mh_parse(mh, len, &out[nout].m, &pe), MH_OK);
	out[nout].dst = *dst;
	out[nout].at = now_ms;
	nout++;
	return 0;
}

static int
f_ra(void *ctx, struct mag_mn *mn, int withdraw)
{
	(void)ctx;
	/* Never before the PBA accepted the binding (RFC 5213 6.7). */
	ck_assert(mn->state == MAG_S_BOUND || withdraw);
	if (withdraw)
		nwithdraw++;
	else
		nra++;
	return 0;
}

static int
f_dp_up(void *ctx, struct mag_mn *mn)
{
	(void)ctx;
	(void)mn;
	if (dp_fail)
		return -1;
	ndp_up++;
	return 0;
}

static void
f_dp_down(void *ctx, struct mag_mn *mn)
{
	(void)ctx;
	(void)mn;
	ndp_down++;
}

static void
f_ignore(void *ctx, struct mag_iface *i, const uint8_t *mac, uint32_t ms)
{
	(void)ctx;
	(void)i;
	(void)mac;
	(void)ms;
	nignore++;
}

static void
f_acct(void *ctx, struct mag_mn *mn, int type)
{
	(void)ctx;
	(void)mn;
	(void)type;
	nacct++;
}

static void
a6(const char *s, struct in6_addr *a)
{
	ck_assert_int_eq(inet_pton(AF_INET6, s, a), 1);
}

static void
setup(void)
{
	now_ms = 5000;
	clock_set_source(fake_clock);
	nout = nauth = nra = nwithdraw = ndp_up = ndp_down = nignore = 0;
	nacct = dp_fail = 0;
	authed = NULL;
	a6("2001:db8:ff::1", &LMA1);
	a6("2001:db8:ff::7", &LMA2);
	a6("2001:db8:ff::2", &ME);
	memset(&conf, 0, sizeof(conf));
	conf.address = ME;
	conf.lma = LMA1;
	a6("fe80::200:5eff:fe00:5213", &conf.link_local);
	conf.lifetime = 3600;
	conf.InitialBindackTimeoutFirstReg = 1500;
	conf.INITIAL_BINDACK_TIMEOUT = 1000;
	conf.MAX_BINDACK_TIMEOUT = 32000;
	conf.max_retransmissions = 6;
	conf.refresh_percent = 80;
	conf.TimestampBasedApproachInUse = 1;
	conf.reject_holddown = 60000;
	conf.expected_mns = 16;
	conf.HEARTBEAT_INTERVAL = 0;
	conf.MISSING_HEARTBEATS_ALLOWED = 3;
	loop = loop_new();
	ck_assert_int_eq(mag_init(&mag, loop, &conf), 0);
	mag.realtime_ts = fake_realtime;
	mag.restart_counter = 9;
	memset(&ifc, 0, sizeof(ifc));
	ifc.mag = &mag;
	strcpy(ifc.name, "acc0");
	ifc.ifindex = 7;
	ifc.att = MH_ATT_80211;
	mag.ifc = &ifc;
	mag.n_ifc = 1;
	(void)acc;
	mag.io = (struct mag_io){ .auth = f_auth, .send = f_send, .ra = f_ra,
	    .dp_up = f_dp_up, .dp_down = f_dp_down, .ignore = f_ignore,
	    .acct = f_acct };
	mag_hb_start(&mag);
}

static void
teardown(void)
{
	mag_shutdown(&mag);
	loop_free(loop);
	clock_set_source(NULL);
}

static void
advance(uint64_t ms)
{
	uint64_t end = now_ms + ms;

	/* Step so that every timer fires at its own time. */
	while (now_ms < end) {
		now_ms += 1;
		loop_run_timers(loop);
	}
}

static void
profile(struct mag_profile *p, const char *nai, const char *lma,
    const char *hnp1, const char *hnp2)
{
	memset(p, 0, sizeof(*p));
	p->mnid_len = strlen(nai);
	memcpy(p->mnid, nai, p->mnid_len);
	if (lma != NULL) {
		p->has_lma = 1;
		a6(lma, &p->lma);
	}
	if (hnp1 != NULL)
		ck_assert_int_eq(prefix6_parse(hnp1, &p->hnp[p->n_hnp++]), 0);
	if (hnp2 != NULL)
		ck_assert_int_eq(prefix6_parse(hnp2, &p->hnp[p->n_hnp++]), 0);
}

/* Feed a message to the MAG as bytes from src. */
static void
feed(const struct mh_msg *m, const struct in6_addr *src)
{
	uint8_t buf[MH_MAX_LEN];
	size_t len;

	ck_assert_int_eq(mh_build(m, src, &ME, buf, sizeof(buf), &len), MH_OK);
	mag_input(&mag, buf, len, src);
}

/* The PBA an LMA would send for out[i]. */
static void
pba_for(int i, uint8_t status, const char *grant, struct mh_msg *a)
{
	const struct mh_msg *u = &out[i].m;

	memset(a, 0, sizeof(*a));
	a->type = MH_TYPE_BA;
	a->flags = MH_BA_P;
	a->status = status;
	a->seq = u->seq;
	a->lifetime = u->lifetime;
	a->opt = u->opt;
	if (grant != NULL) {
		struct prefix6 p;

		ck_assert_int_eq(prefix6_parse(grant, &p), 0);
		a->opt.n_hnp = 0;
		mh_add_hnp(&a->opt, &p.addr, p.len);
	}
}

static struct mag_mn *
attach(const uint8_t *mac, const char *nai, const char *grant)
{
	struct mag_profile p;
	struct mh_msg a;

	mag_mn_seen(&mag, &ifc, mac);
	ck_assert_ptr_nonnull(authed);
	profile(&p, nai, NULL, NULL, NULL);
	mag_aaa_done(&mag, authed, 0, &p, NULL);
	ck_assert_int_ge(nout, 1);
	pba_for(nout - 1, MH_BA_ACCEPTED, grant, &a);
	feed(&a, &LMA1);
	return mag_mn_by_mac(&mag, &ifc, mac);
}

START_TEST(t_pbu_from_full_profile)
{
	struct mag_profile p;
	const struct mh_msg *u;
	struct in6_addr lma;

	mag_mn_seen(&mag, &ifc, MAC1);
	ck_assert_int_eq(nauth, 1);
	ck_assert_int_eq(nout, 0);	/* nothing before RADIUS answers */
	profile(&p, "mn1@pmip6.example", "2001:db8:ff::7", "2001:db8:1::/64",
	    "2001:db8:2::/64");
	mag_aaa_done(&mag, authed, 0, &p, NULL);
	ck_assert_int_eq(nout, 1);
	u = &out[0].m;
	a6("2001:db8:ff::7", &lma);
	ck_assert(IN6_ARE_ADDR_EQUAL(&out[0].dst, &lma));
	ck_assert_int_eq(u->type, MH_TYPE_BU);
	ck_assert_uint_eq(u->flags, MH_BU_A | MH_BU_P);
	ck_assert_uint_eq(u->lifetime, 900);
	ck_assert_int_eq(u->opt.mnid_len, 17);
	ck_assert(memcmp(u->opt.mnid, "mn1@pmip6.example", 17) == 0);
	ck_assert_int_eq(u->opt.mnid_subtype, MH_MNID_NAI);
	ck_assert_int_eq(u->opt.n_hnp, 2);
	ck_assert_int_eq(u->opt.hnp[0].len, 64);
	ck_assert_int_eq(u->opt.hi, MH_HI_UNKNOWN);
	ck_assert_int_eq(u->opt.att, MH_ATT_80211);
	ck_assert(u->opt.present & MH_HAS_MNLLI);
	ck_assert_int_eq(u->opt.mnlli_len, 6);
	ck_assert(memcmp(u->opt.mnlli, MAC1, 6) == 0);
	ck_assert(u->opt.present & MH_HAS_LLA);
	ck_assert(IN6_ARE_ADDR_EQUAL(&u->opt.lla, &conf.link_local));
	ck_assert(u->opt.present & MH_HAS_TS);
	ck_assert_uint_eq(u->opt.ts, fake_realtime());
	ck_assert_int_eq(nra, 0);
}
END_TEST

START_TEST(t_pbu_from_bare_profile)
{
	struct mag_profile p;
	const struct mh_msg *u;

	mag_mn_seen(&mag, &ifc, MAC1);
	profile(&p, "mn1@pmip6.example", NULL, NULL, NULL);
	mag_aaa_done(&mag, authed, 0, &p, NULL);
	u = &out[0].m;
	/* No LMA from RADIUS: the default; no prefix: ALL_ZERO. */
	ck_assert(IN6_ARE_ADDR_EQUAL(&out[0].dst, &LMA1));
	ck_assert_int_eq(u->opt.n_hnp, 1);
	ck_assert(IN6_IS_ADDR_UNSPECIFIED(&u->opt.hnp[0].addr));
	ck_assert_int_eq(u->opt.hnp[0].len, 0);
}
END_TEST

START_TEST(t_static_profile)
{
	static struct mag_static_profile sp[2];
	const struct mh_msg *u;

	memset(sp, 0, sizeof(sp));
	/* MAC1 twice, in two spellings: the first entry counts. */
	strcpy(sp[1].mac, "020000000001");
	strcpy(sp[1].mnid, "other@pmip6.example");
	strcpy(sp[0].mac, "02-00-00-00-00-01");
	strcpy(sp[0].mnid, "lab1@pmip6.example");
	sp[0].hnp.n = 1;
	sp[0].hnp.v = calloc(1, sizeof(struct prefix6));
	ck_assert_int_eq(prefix6_parse("2001:db8:200:1::/64",
	    sp[0].hnp.v), 0);
	mag.conf.profile_source = MAG_PROFILE_STATIC;
	mag.conf.profiles.n = 2;
	mag.conf.profiles.v = sp;
	mag_profiles_free(&mag.profiles);
	ck_assert_int_eq(mag_profiles_build(&mag.profiles, &mag.conf.profiles,
	    42), 0);
	/* No RADIUS: the table answers at once. */
	mag_mn_seen(&mag, &ifc, MAC1);
	ck_assert_int_eq(nauth, 0);
	ck_assert_int_eq(nout, 1);
	u = &out[0].m;
	ck_assert(IN6_ARE_ADDR_EQUAL(&out[0].dst, &LMA1));
	ck_assert_int_eq(u->opt.mnid_len, 18);
	ck_assert_int_eq(u->opt.n_hnp, 1);
	/* A MAC the table lacks is not served. */
	mag_mn_seen(&mag, &ifc, MAC2);
	ck_assert_int_eq(nout, 1);
	ck_assert_ptr_null(mag_mn_by_mac(&mag, &ifc, MAC2));
	ck_assert_int_eq(nignore, 1);
	free(sp[0].hnp.v);
}
END_TEST

/* The index over a large table: every MAC found, its own entry. */
START_TEST(t_static_profile_index)
{
	enum { N = 5000 };
	struct mag_static_profile *sp = calloc(N, sizeof(*sp));
	struct conf_list l = { N, sp };
	struct mag_profiles ix;
	uint8_t mac[6] = { 2, 0, 1, 0, 0, 0 };
	size_t i;

	ck_assert_ptr_nonnull(sp);
	for (i = 0; i < N; i++)
		snprintf(sp[i].mac, sizeof(sp[i].mac), i % 2 ?
		    "02:00:01:%02zx:%02zx:%02zx" : "02-00-01-%02zX-%02zX-%02zX",
		    i >> 16 & 0xff, i >> 8 & 0xff, i & 0xff);
	ck_assert_int_eq(mag_profiles_build(&ix, &l, 7), 0);
	for (i = 0; i < N; i++) {
		mac[3] = (uint8_t)(i >> 16);
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		ck_assert_ptr_eq(mag_profiles_find(&ix, mac), &sp[i]);
	}
	mac[5] = 0xff;
	mac[4] = 0xff;
	ck_assert_ptr_null(mag_profiles_find(&ix, mac));
	mag_profiles_free(&ix);
	/* An empty table finds nothing. */
	l.n = 0;
	ck_assert_int_eq(mag_profiles_build(&ix, &l, 7), 0);
	ck_assert_ptr_null(mag_profiles_find(&ix, mac));
	mag_profiles_free(&ix);
	free(sp);
}
END_TEST

START_TEST(t_retransmission_schedule)
{
	struct mag_profile p;
	/* 1.5 s first (InitialBindackTimeoutFirstReg), then doubling. */
	static const uint64_t gaps[] = { 1500, 3000, 6000, 12000, 24000, 32000 };
	unsigned i;

	mag_mn_seen(&mag, &ifc, MAC1);
	profile(&p, "mn1@x", NULL, NULL, NULL);
	mag_aaa_done(&mag, authed, 0, &p, NULL);
	advance(100000);
	/* max_retransmissions 6: the first PBU and 6 more. */
	ck_assert_int_eq(nout, 7);
	for (i = 1; i < 7; i++) {
		ck_assert_uint_eq(out[i].at - out[i - 1].at, gaps[i - 1]);
		ck_assert_uint_ne(out[i].m.seq, out[i - 1].m.seq);
		ck_assert_uint_gt(out[i].m.opt.ts, out[i - 1].m.opt.ts);
	}
	advance(40000);
	ck_assert_uint_eq(mag.stats.reg_failed, 1);
	ck_assert_ptr_null(mag_mn_by_mac(&mag, &ifc, MAC1));
	ck_assert_int_eq(nra, 0);
	ck_assert_int_eq(ndp_up, 0);
	ck_assert_int_eq(nignore, 1);
}
END_TEST

START_TEST(t_accept_then_ra_and_refresh)
{
	struct mag_mn *mn;
	struct mh_msg a;

	mag_mn_seen(&mag, &ifc, MAC1);
	/* An RS before the PBA gets no RA. */
	mag_mn_rs(&mag, &ifc, MAC1);
	ck_assert_int_eq(nra, 0);
	mn = attach(MAC1, "mn1@x", "2001:db8:100::/64");
	ck_assert_ptr_nonnull(mn);
	ck_assert_int_eq(mn->state, MAG_S_BOUND);
	ck_assert_int_eq(ndp_up, 1);
	ck_assert_int_eq(nra, 1);
	ck_assert_uint_eq(mn->lifetime, 3600);
	ck_assert_int_eq(mn->b.n_hnp, 1);
	mag_mn_rs(&mag, &ifc, MAC1);
	ck_assert_int_eq(nra, 2);
	/* Re-registration at 80% of 3600 s with HI=5 and the prefix. */
	nout = 0;
	advance(2880000 - 1);
	ck_assert_int_eq(nout, 0);
	advance(1);
	ck_assert_int_eq(nout, 1);
	ck_assert_int_eq(out[0].m.opt.hi, MH_HI_UNCHANGED);
	ck_assert_int_eq(out[0].m.opt.n_hnp, 1);
	ck_assert_int_eq(out[0].m.opt.hnp[0].len, 64);
	pba_for(0, MH_BA_ACCEPTED, NULL, &a);
	feed(&a, &LMA1);
	ck_assert_int_eq(ndp_up, 1);	/* nothing to set up again */
	ck_assert_int_eq(mn->state, MAG_S_BOUND);
	/* The RA restates the prefix lifetimes for the extended binding. */
	ck_assert_int_eq(nra, 3);
}
END_TEST

START_TEST(t_unmatched_pba_ignored)
{
	struct mag_profile p;
	struct mh_msg a;

	mag_mn_seen(&mag, &ifc, MAC1);
	profile(&p, "mn1@x", NULL, NULL, NULL);
	mag_aaa_done(&mag, authed, 0, &p, NULL);
	pba_for(0, MH_BA_ACCEPTED, "2001:db8:100::/64", &a);
	a.seq++;
	feed(&a, &LMA1);
	a.seq--;
	feed(&a, &LMA2);	/* right seq, wrong LMA */
	ck_assert_uint_eq(mag.stats.rx_unmatched, 2);
	ck_assert_int_eq(ndp_up, 0);
	a.opt.att = MH_ATT_8023;	/* changed what we asked */
	feed(&a, &LMA1);
	ck_assert_int_eq(ndp_up, 0);
}
END_TEST

START_TEST(t_status_156_resync)
{
	struct mag_profile p;
	struct mh_msg a;

	mag_mn_seen(&mag, &ifc, MAC1);
	profile(&p, "mn1@x", NULL, NULL, NULL);
	mag_aaa_done(&mag, authed, 0, &p, NULL);
	pba_for(0, MH_BA_TIMESTAMP_MISMATCH, NULL, &a);
	/* The LMA's clock is 5 s ahead of ours. */
	a.opt.ts = mh_ts_make(EPOCH_S + now_ms / 1000 + 5, 0);
	feed(&a, &LMA1);
	ck_assert_int_eq(nout, 2);	/* retried at once */
	ck_assert_int_eq(mag.clock_offset_ms, 5000);
	ck_assert_uint_eq(mh_ts_sec(out[1].m.opt.ts), EPOCH_S + 10);
}
END_TEST

START_TEST(t_status_155_asks_lma)
{
	struct mag_profile p;
	struct mh_msg a;

	mag_mn_seen(&mag, &ifc, MAC1);
	profile(&p, "mn1@x", NULL, "2001:db8:300::/64", NULL);
	mag_aaa_done(&mag, authed, 0, &p, NULL);
	pba_for(0, MH_BA_NOT_AUTHORIZED_FOR_HNP, NULL, &a);
	feed(&a, &LMA1);
	ck_assert_int_eq(nout, 2);
	ck_assert_int_eq(out[1].m.opt.n_hnp, 1);
	ck_assert(IN6_IS_ADDR_UNSPECIFIED(&out[1].m.opt.hnp[0].addr));
}
END_TEST

START_TEST(t_refused)
{
	struct mag_profile p;
	struct mh_msg a;

	mag_mn_seen(&mag, &ifc, MAC1);
	profile(&p, "mn1@x", NULL, NULL, NULL);
	mag_aaa_done(&mag, authed, 0, &p, NULL);
	pba_for(0, MH_BA_MAG_NOT_AUTHORIZED, NULL, &a);
	feed(&a, &LMA1);
	ck_assert_ptr_null(mag_mn_by_mac(&mag, &ifc, MAC1));
	ck_assert_int_eq(nignore, 1);
	ck_assert_int_eq(nra + ndp_up, 0);
	advance(60000);
	ck_assert_int_eq(nout, 1);	/* no retransmission */
}
END_TEST

START_TEST(t_session_timeout_and_interim)
{
	struct mag_profile p;
	struct mh_msg a;

	mag_mn_seen(&mag, &ifc, MAC1);
	profile(&p, "mn1@x", NULL, NULL, NULL);
	p.session_timeout = 600;
	p.acct_interim = 120;
	mag_aaa_done(&mag, authed, 0, &p, NULL);
	pba_for(0, MH_BA_ACCEPTED, "2001:db8:100::/64", &a);
	feed(&a, &LMA1);
	ck_assert_int_eq(nacct, 1);		/* Start */
	advance(120000);
	ck_assert_int_eq(nacct, 2);		/* Interim */
	advance(360000);
	ck_assert_int_eq(nacct, 5);
	nout = 0;
	/* 600 s after the Accept: Stop, de-registration, withdrawal. */
	advance(120000);
	ck_assert_ptr_null(mag_mn_by_mac(&mag, &ifc, MAC1));
	ck_assert_int_eq(nout, 1);
	ck_assert_uint_eq(out[0].m.lifetime, 0);
	ck_assert_int_eq(nwithdraw, 1);
	ck_assert_int_ge(nacct, 6);
}
END_TEST

START_TEST(t_radius_reject)
{
	mag_mn_seen(&mag, &ifc, MAC1);
	mag_aaa_done(&mag, authed, 1, NULL, "unknown MAC");
	ck_assert_int_eq(nout, 0);
	ck_assert_int_eq(nra, 0);
	ck_assert_int_eq(nignore, 1);
	ck_assert_uint_eq(mag.stats.reject, 1);
	ck_assert_ptr_null(mag_mn_by_mac(&mag, &ifc, MAC1));
}
END_TEST

START_TEST(t_dataplane_failure)
{
	dp_fail = 1;
	attach(MAC1, "mn1@x", "2001:db8:100::/64");
	ck_assert_ptr_null(mag_mn_by_mac(&mag, &ifc, MAC1));
	ck_assert_int_eq(nra, 0);
}
END_TEST

START_TEST(t_revocation)
{
	struct mh_msg bri;
	struct in6_addr p;

	attach(MAC1, "mn1@x", "2001:db8:100::/64");
	attach(MAC2, "mn2@x", "2001:db8:101::/64");
	nout = 0;
	memset(&bri, 0, sizeof(bri));
	bri.type = MH_TYPE_BR;
	bri.br_type = MH_BR_INDICATION;
	bri.trigger = MH_BRT_HANDOVER_SAME_ATT;
	bri.seq = 300;
	bri.flags = MH_BR_P;
	mh_set_mnid(&bri.opt, MH_MNID_NAI, "mn1@x", 5);
	a6("2001:db8:100::", &p);
	mh_add_hnp(&bri.opt, &p, 64);
	feed(&bri, &LMA1);
	ck_assert_int_eq(nout, 1);
	ck_assert_int_eq(out[0].m.type, MH_TYPE_BR);
	ck_assert_int_eq(out[0].m.br_type, MH_BR_ACK);
	ck_assert_int_eq(out[0].m.status, MH_BRA_SUCCESS);
	ck_assert_uint_eq(out[0].m.seq, 300);
	ck_assert(out[0].m.flags & MH_BR_P);
	ck_assert_ptr_null(mag_mn_by_mac(&mag, &ifc, MAC1));
	ck_assert_int_eq(ndp_down, 1);
	ck_assert_int_eq(nwithdraw, 0);	/* handover: the MN is elsewhere */
	/* Unknown MN: 128. */
	feed(&bri, &LMA1);
	ck_assert_int_eq(out[1].m.status, MH_BRA_NO_BINDING);
	/* Global revocation from the LMA: everyone anchored there. */
	memset(&bri.opt, 0, sizeof(bri.opt));
	bri.flags = MH_BR_P | MH_BR_G;
	bri.trigger = MH_BRT_PER_PEER_POLICY;
	feed(&bri, &LMA1);
	ck_assert_int_eq(out[2].m.status, MH_BRA_SUCCESS);
	ck_assert(out[2].m.flags & MH_BR_G);
	ck_assert_ptr_null(mag_mn_by_mac(&mag, &ifc, MAC2));
	ck_assert_int_eq(nwithdraw, 1);
}
END_TEST

START_TEST(t_detach_and_link_down)
{
	attach(MAC1, "mn1@x", "2001:db8:100::/64");
	attach(MAC2, "mn2@x", "2001:db8:101::/64");
	nout = 0;
	ck_assert_uint_eq(mag_detach(&mag, "mn1@x"), 1);
	ck_assert_int_eq(nout, 1);
	ck_assert_uint_eq(out[0].m.lifetime, 0);
	ck_assert_int_eq(out[0].m.opt.hi, MH_HI_UNKNOWN);
	ck_assert_int_eq(out[0].m.opt.n_hnp, 1);
	ck_assert_int_eq(nwithdraw, 1);
	mag_link_down(&mag, &ifc);
	ck_assert_int_eq(nout, 2);
	ck_assert_uint_eq(out[1].m.lifetime, 0);
	ck_assert_int_eq(ndp_down, 2);
	ck_assert_uint_eq(mag.n_mn, 0);
	ck_assert_uint_eq(mag_detach(&mag, "02:00:00:00:00:09"), 0);
}
END_TEST

START_TEST(t_heartbeat_restart)
{
	struct mh_msg hb;

	attach(MAC1, "mn1@x", "2001:db8:100::/64");
	nout = 0;
	memset(&hb, 0, sizeof(hb));
	hb.type = MH_TYPE_HB;
	hb.hb_seq = 5;
	feed(&hb, &LMA1);
	ck_assert_int_eq(out[0].m.type, MH_TYPE_HB);
	ck_assert(out[0].m.flags & MH_HB_R);
	ck_assert_uint_eq(out[0].m.opt.restart, 9);
	/* Unsolicited responses: first counter learnt, then a change. */
	hb.flags = MH_HB_R | MH_HB_U;
	hb.opt.present = MH_HAS_RESTART;
	hb.opt.restart = 1;
	feed(&hb, &LMA1);
	ck_assert_int_eq(nout, 1);
	hb.opt.restart = 2;
	feed(&hb, &LMA1);
	ck_assert_uint_eq(mag.stats.lma_restarts, 1);
	ck_assert_int_eq(nout, 2);
	ck_assert_int_eq(out[1].m.type, MH_TYPE_BU);
	ck_assert_uint_eq(out[1].m.lifetime, 900);
	ck_assert_int_eq(out[1].m.opt.n_hnp, 1);
}
END_TEST

static Suite *
mag_suite(void)
{
	Suite *s = suite_create("mag");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_pbu_from_full_profile);
	tcase_add_test(tc, t_pbu_from_bare_profile);
	tcase_add_test(tc, t_static_profile);
	tcase_add_test(tc, t_static_profile_index);
	tcase_add_test(tc, t_retransmission_schedule);
	tcase_add_test(tc, t_accept_then_ra_and_refresh);
	tcase_add_test(tc, t_unmatched_pba_ignored);
	tcase_add_test(tc, t_status_156_resync);
	tcase_add_test(tc, t_status_155_asks_lma);
	tcase_add_test(tc, t_refused);
	tcase_add_test(tc, t_radius_reject);
	tcase_add_test(tc, t_session_timeout_and_interim);
	tcase_add_test(tc, t_dataplane_failure);
	tcase_add_test(tc, t_revocation);
	tcase_add_test(tc, t_detach_and_link_down);
	tcase_add_test(tc, t_heartbeat_restart);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(mag_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
