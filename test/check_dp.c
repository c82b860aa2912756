/*
 * check_dp.c: unit tests for the parts of the data plane that need no
 * kernel: reference counts, uplink table slots and the request queue
 * (through the "none" backend, which keeps the bookkeeping and programs
 * nothing), configuration checks, the netlink message builder, and the
 * seg6 encapsulation attribute byte for byte.  The kernel side is
 * test/dp_netns.sh.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/lwtunnel.h>
#include <linux/seg6_iptunnel.h>

#include "dp.h"
#include "dp_backend.h"
#include "nlb.h"

static struct in6_addr
A(const char *s)
{
	struct in6_addr a;

	ck_assert_int_eq(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct prefix6
P(const char *s, unsigned len)
{
	struct prefix6 p;

	p.addr = A(s);
	p.len = (uint8_t)len;
	return p;
}

static struct dp *
open_none(unsigned uplink_tables)
{
	struct dp_config cfg;
	struct dp *dp;

	dp_config_default(&cfg);
	cfg.backend = DP_BACKEND_NONE;
	if (uplink_tables != 0)
		cfg.table_uplink_count = uplink_tables;
	ck_assert_int_eq(dp_open(&dp, &cfg), 0);
	ck_assert_int_eq(dp_backend(dp), DP_BACKEND_NONE);
	return dp;
}

static struct dp_tunnel
T(const char *peer)
{
	struct dp_tunnel t;

	memset(&t, 0, sizeof(t));
	t.local = A("2001:db8:1::2");
	t.peer = A(peer);
	return t;
}

/* Callbacks record their order and status here. */
static int order[16];
static int statuses[16];
static unsigned ncalls;

static void
record(void *arg, int status)
{
	order[ncalls] = (int)(intptr_t)arg;
	statuses[ncalls] = status;
	ncalls++;
}

START_TEST(test_tunnel_refs)
{
	struct dp *dp = open_none(0);
	struct dp_tunnel t = T("2001:db8:1::1");
	int st = 1;

	ck_assert_int_eq(dp_tunnel_add(dp, &t, NULL, NULL), 0);
	ck_assert_int_eq(dp_tunnel_add(dp, &t, dp_status_slot, &st), 0);
	/* Counted when queued, so a batch can hold tunnel and routes. */
	ck_assert_uint_eq(dp_tunnel_refs(dp, &t.peer), 2);
	ck_assert_uint_eq(dp_pending(dp), 3);	/* + the install */
	ck_assert_int_eq(dp_commit(dp), 0);
	ck_assert_int_eq(st, 0);
	ck_assert_uint_eq(dp_pending(dp), 0);

	ck_assert_int_eq(dp_tunnel_del(dp, &t, NULL, NULL), 0);
	ck_assert_uint_eq(dp_tunnel_refs(dp, &t.peer), 1);
	ck_assert_int_eq(dp_tunnel_del(dp, &t, NULL, NULL), 0);
	ck_assert_uint_eq(dp_tunnel_refs(dp, &t.peer), 0);
	ck_assert_int_eq(dp_tunnel_del(dp, &t, NULL, NULL), -ENOENT);
	ck_assert_int_eq(dp_commit(dp), 0);
	ck_assert_uint_eq(dp_tunnel_refs(dp, &t.peer), 0);

	t.peer = A("::");
	ck_assert_int_eq(dp_tunnel_add(dp, &t, NULL, NULL), -EINVAL);
	dp_close(dp);
}
END_TEST

START_TEST(test_route_needs_tunnel)
{
	struct dp *dp = open_none(0);
	struct dp_tunnel t = T("2001:db8:1::1");
	struct dp_route r;

	memset(&r, 0, sizeof(r));
	r.prefix = P("2001:db8:aa::", 64);
	r.peer = t.peer;
	/* Refused when queued: no callback will come. */
	ck_assert_int_eq(dp_route_add(dp, &r, record, NULL), -ENOENT);
	ck_assert_uint_eq(dp_pending(dp), 0);
	ck_assert_int_eq(dp_tunnel_add(dp, &t, NULL, NULL), 0);
	ck_assert_int_eq(dp_route_add(dp, &r, NULL, NULL), 0);
	r.prefix.len = 129;
	ck_assert_int_eq(dp_route_add(dp, &r, NULL, NULL), -EINVAL);
	ck_assert_int_eq(dp_route_del(dp, &r, NULL, NULL), -EINVAL);
	/* Deleting needs no tunnel: routes are found by prefix. */
	r.prefix.len = 64;
	r.peer = A("2001:db8:ff::1");
	ck_assert_int_eq(dp_route_del(dp, &r, NULL, NULL), 0);
	ck_assert_int_eq(dp_commit(dp), 0);
	dp_close(dp);
}
END_TEST

static struct dp_uplink
U(const char *prefix, unsigned iif, const struct dp_tunnel *t)
{
	struct dp_uplink u;

	memset(&u, 0, sizeof(u));
	u.prefix = P(prefix, 64);
	u.iif = iif;
	u.peer = t->peer;
	return u;
}

START_TEST(test_uplink_tables)
{
	struct dp *dp = open_none(2);
	struct dp_tunnel t1 = T("2001:db8:1::2"), t2 = T("2001:db8:1::3");
	struct dp_uplink u;

	u = U("2001:db8:aa::", 1, &t1);
	ck_assert_int_eq(dp_uplink_add(dp, &u, record, NULL), -ENOENT);
	ck_assert_int_eq(dp_tunnel_add(dp, &t1, NULL, NULL), 0);
	ck_assert_int_eq(dp_tunnel_add(dp, &t2, NULL, NULL), 0);
	ck_assert_uint_eq(dp_pending(dp), 4);
	/* A table (and rule) per access interface, from its first uplink. */
	ck_assert_uint_eq(dp_uplink_table(dp, 1), 0);
	ck_assert_int_eq(dp_uplink_add(dp, &u, NULL, NULL), 0);
	ck_assert_uint_eq(dp_uplink_table(dp, 1), DP_TABLE_UPLINK);
	ck_assert_uint_eq(dp_pending(dp), 6);	/* + the rule */
	/* Whatever the LMA: the route names the tunnel, not the table. */
	u = U("2001:db8:ab::", 1, &t2);
	ck_assert_int_eq(dp_uplink_add(dp, &u, NULL, NULL), 0);
	ck_assert_uint_eq(dp_uplink_table(dp, 1), DP_TABLE_UPLINK);
	ck_assert_uint_eq(dp_pending(dp), 7);	/* one route, no rule */
	ck_assert_uint_eq(dp_uplink_refs(dp, &t1.peer), 1);
	ck_assert_uint_eq(dp_uplink_refs(dp, &t2.peer), 1);
	u = U("2001:db8:ac::", 2, &t1);
	ck_assert_int_eq(dp_uplink_add(dp, &u, NULL, NULL), 0);
	ck_assert_uint_eq(dp_uplink_table(dp, 2), DP_TABLE_UPLINK + 1);
	u = U("2001:db8:ad::", 3, &t1);
	ck_assert_int_eq(dp_uplink_add(dp, &u, NULL, NULL), -ENOSPC);
	ck_assert_uint_eq(dp_uplink_table(dp, 3), 0);
	u = U("2001:db8:ad::", 0, &t1);
	ck_assert_int_eq(dp_uplink_add(dp, &u, NULL, NULL), -EINVAL);
	ck_assert_int_eq(dp_commit(dp), 0);

	/* Uplinks keep the tunnel after its last reference... */
	ck_assert_int_eq(dp_tunnel_del(dp, &t2, NULL, NULL), 0);
	ck_assert_uint_eq(dp_uplink_refs(dp, &t2.peer), 1);
	ck_assert_int_eq(dp_commit(dp), 0);
	/* ...but a new one needs a reference. */
	u = U("2001:db8:ae::", 1, &t2);
	ck_assert_int_eq(dp_uplink_add(dp, &u, NULL, NULL), -ENOENT);
	/* A delete names an interface and peer that have uplinks. */
	u = U("2001:db8:ab::", 4, &t2);
	ck_assert_int_eq(dp_uplink_del(dp, &u, NULL, NULL), -ENOENT);
	u = U("2001:db8:ab::", 1, &t2);
	ck_assert_int_eq(dp_uplink_del(dp, &u, NULL, NULL), 0);
	ck_assert_int_eq(dp_uplink_del(dp, &u, NULL, NULL), -ENOENT);
	ck_assert_uint_eq(dp_uplink_refs(dp, &t2.peer), 0);
	ck_assert_uint_eq(dp_uplink_table(dp, 1), DP_TABLE_UPLINK);
	u = U("2001:db8:aa::", 1, &t1);
	ck_assert_int_eq(dp_uplink_del(dp, &u, NULL, NULL), 0);
	ck_assert_uint_eq(dp_uplink_table(dp, 1), 0);
	ck_assert_int_eq(dp_commit(dp), 0);
	/* The freed slot goes to the next interface. */
	u = U("2001:db8:ad::", 3, &t1);
	ck_assert_int_eq(dp_uplink_add(dp, &u, NULL, NULL), 0);
	ck_assert_uint_eq(dp_uplink_table(dp, 3), DP_TABLE_UPLINK);
	ck_assert_int_eq(dp_commit(dp), 0);
	/* Removed and added again in one batch: a new rule, in order. */
	ck_assert_int_eq(dp_uplink_del(dp, &u, NULL, NULL), 0);
	ck_assert_uint_eq(dp_uplink_table(dp, 3), 0);
	ck_assert_int_eq(dp_uplink_add(dp, &u, NULL, NULL), 0);
	ck_assert_uint_eq(dp_uplink_table(dp, 3), DP_TABLE_UPLINK);
	ck_assert_uint_eq(dp_pending(dp), 4);
	ck_assert_int_eq(dp_commit(dp), 0);
	ck_assert_uint_eq(dp_uplink_refs(dp, &t1.peer), 2);
	dp_close(dp);
}
END_TEST

START_TEST(test_decap_refs)
{
	struct dp *dp = open_none(0);
	struct dp_decap d;

	memset(&d, 0, sizeof(d));
	d.local = A("2001:db8:1::2");
	ck_assert_int_eq(dp_decap_del(dp, &d, NULL, NULL), -ENOENT);
	ck_assert_int_eq(dp_decap_add(dp, &d, NULL, NULL), 0);
	ck_assert_int_eq(dp_decap_add(dp, &d, NULL, NULL), 0);
	ck_assert_int_eq(dp_commit(dp), 0);
	ck_assert_int_eq(dp_decap_del(dp, &d, NULL, NULL), 0);
	ck_assert_int_eq(dp_decap_del(dp, &d, NULL, NULL), 0);
	ck_assert_int_eq(dp_decap_del(dp, &d, NULL, NULL), -ENOENT);
	ck_assert_int_eq(dp_commit(dp), 0);
	d.local = A("::");
	ck_assert_int_eq(dp_decap_add(dp, &d, NULL, NULL), -EINVAL);
	dp_close(dp);
}
END_TEST

static struct dp *reentrant_dp;
static int reentrant_commit;

static void
requeue(void *arg, int status)
{
	struct dp_access a;

	record(arg, status);
	memset(&a, 0, sizeof(a));
	a.prefix = P("2001:db8:cc::", 64);
	a.ifindex = 1;
	ck_assert_int_eq(dp_access_add(reentrant_dp, &a, record,
	    (void *)(intptr_t)9), 0);
	reentrant_commit = dp_commit(reentrant_dp);
}

START_TEST(test_queue_order)
{
	struct dp *dp = open_none(0);
	struct dp_tunnel t = T("2001:db8:1::1");
	struct dp_route r;
	struct dp_access a;

	ncalls = 0;
	memset(&r, 0, sizeof(r));
	memset(&a, 0, sizeof(a));
	r.prefix = P("2001:db8:aa::", 64);
	r.peer = t.peer;
	a.prefix = r.prefix;
	a.ifindex = 1;
	ck_assert_int_eq(dp_tunnel_add(dp, &t, record, (void *)1), 0);
	ck_assert_int_eq(dp_route_add(dp, &r, record, (void *)2), 0);
	ck_assert_int_eq(dp_access_add(dp, &a, record, (void *)3), 0);
	a.ifindex = 0;
	ck_assert_int_eq(dp_access_add(dp, &a, record, (void *)4), -EINVAL);
	ck_assert_int_eq(dp_access_del(dp, &a, record, (void *)5), 0);
	ck_assert_int_eq(dp_route_del(dp, &r, record, (void *)6), 0);
	ck_assert_int_eq(dp_commit(dp), 0);
	ck_assert_uint_eq(ncalls, 5);
	ck_assert_int_eq(order[0], 1);
	ck_assert_int_eq(order[1], 2);
	ck_assert_int_eq(order[2], 3);
	ck_assert_int_eq(order[3], 5);
	ck_assert_int_eq(order[4], 6);
	ck_assert_int_eq(statuses[0] | statuses[1] | statuses[4], 0);

	/* A callback may queue for the next commit but not commit. */
	ncalls = 0;
	reentrant_dp = dp;
	ck_assert_int_eq(dp_route_del(dp, &r, requeue, (void *)7), 0);
	ck_assert_int_eq(dp_commit(dp), 0);
	ck_assert_int_eq(reentrant_commit, -EBUSY);
	ck_assert_uint_eq(ncalls, 1);
	ck_assert_uint_eq(dp_pending(dp), 1);
	ck_assert_int_eq(dp_commit(dp), 0);
	ck_assert_uint_eq(ncalls, 2);
	ck_assert_int_eq(order[1], 9);

	/* What is still queued at close is cancelled, not lost. */
	ncalls = 0;
	ck_assert_int_eq(dp_route_del(dp, &r, record, (void *)8), 0);
	dp_close(dp);
	ck_assert_uint_eq(ncalls, 1);
	ck_assert_int_eq(statuses[0], -ECANCELED);
}
END_TEST

START_TEST(test_flush_forgets)
{
	struct dp *dp = open_none(0);
	struct dp_tunnel t = T("2001:db8:1::1");

	ck_assert_int_eq(dp_tunnel_add(dp, &t, NULL, NULL), 0);
	ck_assert_int_eq(dp_commit(dp), 0);
	ck_assert_uint_eq(dp_tunnel_refs(dp, &t.peer), 1);
	ck_assert_int_eq(dp_flush(dp), 0);
	ck_assert_uint_eq(dp_tunnel_refs(dp, &t.peer), 0);
	ck_assert_int_eq(dp_tunnel_del(dp, &t, NULL, NULL), -ENOENT);
	dp_close(dp);
}
END_TEST

START_TEST(test_config)
{
	struct dp_config cfg;
	struct dp *dp;

	dp_config_default(&cfg);
	ck_assert_int_eq(cfg.proto, 213);
	ck_assert_str_eq(cfg.dev_prefix, "pmip6-");
	ck_assert_int_eq(dp_backend_parse("seg6"), DP_BACKEND_SEG6);
	ck_assert_int_eq(dp_backend_parse("ip6tnl"), DP_BACKEND_IP6TNL);
	ck_assert_int_eq(dp_backend_parse("none"), DP_BACKEND_NONE);
	ck_assert_int_eq(dp_backend_parse("auto"), DP_BACKEND_AUTO);
	ck_assert_int_eq(dp_backend_parse("gre"), -1);
	ck_assert_str_eq(dp_backend_kind_name(DP_BACKEND_SEG6), "seg6");

	cfg.backend = DP_BACKEND_NONE;
	cfg.pref_decap = cfg.pref_local;
	ck_assert_int_eq(dp_open(&dp, &cfg), -EINVAL);
	ck_assert_ptr_null(dp);
	dp_config_default(&cfg);
	cfg.backend = DP_BACKEND_NONE;
	strcpy(cfg.dev_prefix, "");
	ck_assert_int_eq(dp_open(&dp, &cfg), -EINVAL);
	dp_config_default(&cfg);
	cfg.backend = DP_BACKEND_NONE;
	cfg.table_uplink_count = 0;
	ck_assert_int_eq(dp_open(&dp, &cfg), -EINVAL);
	dp_config_default(&cfg);
	cfg.backend = DP_BACKEND_NONE;
	cfg.window = DP_WINDOW_MAX + 1;
	ck_assert_int_eq(dp_open(&dp, &cfg), -EINVAL);
	/* An uplink table range over main: a flush would empty main. */
	dp_config_default(&cfg);
	cfg.backend = DP_BACKEND_NONE;
	cfg.table_uplink = 250;
	cfg.table_uplink_count = 10;
	ck_assert_int_eq(dp_open(&dp, &cfg), -EINVAL);
	dp_config_default(&cfg);
	cfg.backend = DP_BACKEND_NONE;
	cfg.table_decap = RT_TABLE_MAIN;
	ck_assert_int_eq(dp_open(&dp, &cfg), -EINVAL);
	ck_assert_ptr_null(dp);
}
END_TEST

START_TEST(test_nlb_builder)
{
	uint8_t mem[256];
	struct nlb_buf b;
	const struct rtattr *tb[RTA_MAX + 1], *nt[8];
	const struct nlmsghdr *m;
	struct rtmsg *r;
	size_t nest;

	nlb_buf_init(&b, mem, sizeof(mem));
	r = nlb_msg_begin(&b, RTM_NEWROUTE, NLM_F_REQUEST, 7, sizeof(*r));
	ck_assert_ptr_nonnull(r);
	r->rtm_family = AF_INET6;
	nlb_put_u32(&b, RTA_TABLE, 1000);
	nlb_put_u8(&b, RTA_PREF, 1);
	nest = nlb_nest_begin(&b, RTA_ENCAP);
	nlb_put_u16(&b, 1, 0xabcd);
	nlb_put_str(&b, 2, "x");
	nlb_nest_end(&b, nest);
	ck_assert_int_eq(nlb_msg_end(&b), 0);
	ck_assert_uint_eq(b.count, 1);

	m = (const struct nlmsghdr *)mem;
	/* 16 header + 12 rtmsg + 8 table + 8 pref + 4 + 8 + 8 nest. */
	ck_assert_uint_eq(m->nlmsg_len, 64);
	ck_assert_uint_eq(b.len, 64);
	ck_assert_uint_eq(m->nlmsg_seq, 7);
	ck_assert_int_eq(nlb_parse(m, sizeof(*r), tb, RTA_MAX), 0);
	ck_assert_uint_eq(nlb_get_u32(tb[RTA_TABLE]), 1000);
	ck_assert_ptr_nonnull(tb[RTA_ENCAP]);
	ck_assert_uint_eq(tb[RTA_ENCAP]->rta_len, 20);
	ck_assert_int_eq(nlb_parse_nested(tb[RTA_ENCAP], nt, 7), 0);
	ck_assert_uint_eq(*(const uint16_t *)RTA_DATA(nt[1]), 0xabcd);
	ck_assert_str_eq(RTA_DATA(nt[2]), "x");

	/* A message that does not fit is dropped whole. */
	r = nlb_msg_begin(&b, RTM_NEWROUTE, NLM_F_REQUEST, 8, sizeof(*r));
	ck_assert_ptr_nonnull(r);
	nlb_put(&b, RTA_DST, mem, 200);
	nlb_put_u32(&b, RTA_TABLE, 1);
	ck_assert_int_eq(nlb_msg_end(&b), -ENOSPC);
	ck_assert_uint_eq(b.len, 64);
	ck_assert_uint_eq(b.count, 1);
	/* and the buffer takes the next one. */
	r = nlb_msg_begin(&b, RTM_DELROUTE, NLM_F_REQUEST, 9, sizeof(*r));
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(nlb_msg_end(&b), 0);
	ck_assert_uint_eq(b.count, 2);
	ck_assert_uint_eq(b.len, 64 + 28);
}
END_TEST

START_TEST(test_seg6_encap_bytes)
{
	/*
	 * RTA_ENCAP_TYPE = LWTUNNEL_ENCAP_SEG6, then RTA_ENCAP holding
	 * SEG6_IPTUNNEL_SRH: int mode (ENCAP_RED), an SRH of one segment
	 * (next header 0, hdrlen 2, type 4, segments left 0, last entry 0,
	 * flags 0, tag 0) and the segment: the peer.
	 */
	static const uint8_t want[] = {
		0x06, 0x00, 0x15, 0x00, 0x05, 0x00, 0x00, 0x00,	/* type */
		0x24, 0x00, 0x16, 0x00,				/* encap */
		0x20, 0x00, 0x01, 0x00,				/* SRH */
		0x03, 0x00, 0x00, 0x00,				/* mode */
		0x00, 0x02, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	};
	uint8_t mem[128];
	struct nlb_buf b;
	struct in6_addr seg = A("2001:db8:1::1");

	ck_assert_int_eq(LWTUNNEL_ENCAP_SEG6, 5);
	ck_assert_int_eq(SEG6_IPTUN_MODE_ENCAP_RED, 3);
	nlb_buf_init(&b, mem, sizeof(mem));
	ck_assert_ptr_nonnull(nlb_msg_begin(&b, RTM_NEWROUTE, 0, 0, 0));
	dp_seg6_put_encap(&b, &seg);
	ck_assert_int_eq(nlb_msg_end(&b), 0);
	ck_assert_uint_eq(b.len, NLMSG_HDRLEN + sizeof(want));
	ck_assert_mem_eq(mem + NLMSG_HDRLEN, want, sizeof(want));
}
END_TEST

static Suite *
dp_suite(void)
{
	Suite *s = suite_create("dp");
	TCase *tc = tcase_create("bookkeeping");

	tcase_add_test(tc, test_tunnel_refs);
	tcase_add_test(tc, test_route_needs_tunnel);
	tcase_add_test(tc, test_uplink_tables);
	tcase_add_test(tc, test_decap_refs);
	tcase_add_test(tc, test_queue_order);
	tcase_add_test(tc, test_flush_forgets);
	tcase_add_test(tc, test_config);
	suite_add_tcase(s, tc);
	tc = tcase_create("encoding");
	tcase_add_test(tc, test_nlb_builder);
	tcase_add_test(tc, test_seg6_encap_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(dp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
