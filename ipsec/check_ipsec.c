/*
 * check_ipsec.c: unit tests for ipsec/ without charon: the message
 * codec (byte-exact vectors, round trips, refusals), the `ipsec' group
 * (defaults, overrides, cross-field checks), the site reader the plugin
 * uses on lma.conf/mag.conf, and libipsecctl driven by a scripted
 * plugin over a real socket with a controlled clock.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "addr.h"
#include "ipsec_conf.h"
#include "ipsec_ctl.h"
#include "ipsec_proto.h"
#include "ipsec_site.h"
#include "log.h"
#include "loop.h"

static struct in6_addr
A(const char *s)
{
	struct in6_addr a;

	ck_assert_int_eq(addr6_parse(s, &a), 0);
	return a;
}

/* A pointer to the address s, valid for the next few calls. */
static const struct in6_addr *
AP(const char *s)
{
	static struct in6_addr ring[8];
	static unsigned next;

	ring[next % 8] = A(s);
	return &ring[next++ % 8];
}

/* codec */

static void
roundtrip(const char *text)
{
	char buf[IPSEC_MSG_MAX + 1];
	struct ipsec_msg m;
	int n;

	ck_assert_msg(ipsec_msg_parse(text, strlen(text), &m) == 0,
	    "refused: %s", text);
	n = ipsec_msg_format(&m, buf, sizeof(buf));
	ck_assert_int_eq(n, (int)strlen(text));
	ck_assert_str_eq(buf, text);
}

START_TEST(proto_vectors)
{
	char buf[IPSEC_MSG_MAX + 1];
	struct ipsec_msg m = {
		.type = IPSEC_MSG_UP,
		.peer = A("2001:db8:ff::2"),
		.local = A("2001:db8:ff::1"),
		.spi_in = 0xc0ffee01,
		.spi_out = 0xabcd,
		.tunnel = 1,
	};

	ck_assert_int_eq(ipsec_msg_format(&m, buf, sizeof(buf)), 57);
	/* type, peer, local, SPI in, SPI out (zero-padded), mode */
	ck_assert_str_eq(buf,
	    "up 2001:db8:ff::2 2001:db8:ff::1 c0ffee01 0000abcd tunnel");
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(ipsec_msg_parse("fail 2001:db8::9 unreachable", 28,
	    &m), 0);
	ck_assert_int_eq(m.type, IPSEC_MSG_FAIL);
	ck_assert_str_eq(m.reason, "unreachable");
	ck_assert(addr6_eq(&m.peer, AP("2001:db8::9")));
	ck_assert_int_eq(ipsec_msg_parse("hello 1", 7, &m), 0);
	ck_assert_uint_eq(m.version, 1);

	roundtrip("hello 1");
	roundtrip("up 2001:db8::2 2001:db8::1 00000001 ffffffff transport");
	roundtrip("down 2001:db8::2");
	roundtrip("fail 2001:db8::2 auth");
	roundtrip("synced");
	roundtrip("initiate 2001:db8::2");
	roundtrip("terminate 2001:db8::2");
}
END_TEST

START_TEST(proto_refusals)
{
	static const char *const bad[] = {
		"", "hello", "hello 0", "hello x", "hello 1 2", "bogus",
		"synced ", " synced", "down  2001:db8::2", "down 10.0.0.1",
		"down 2001:db8::2 extra", "up 2001:db8::2 2001:db8::1 1 2 tunnel",
		"up 2001:db8::2 2001:db8::1 0000000g 00000002 tunnel",
		"up 2001:db8::2 2001:db8::1 00000001 00000002 beet",
		"fail 2001:db8::2", "fail 2001:db8::2 Auth",
		"fail 2001:db8::2 a b", "initiate", "initiate ::1%eth0",
	};
	char big[IPSEC_MSG_MAX + 2];
	struct ipsec_msg m;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ipsec_msg_parse(bad[i], strlen(bad[i]), &m) == -1,
		    "accepted: '%s'", bad[i]);
	ck_assert_int_eq(ipsec_msg_parse("synced\0x", 8, &m), -1);
	memset(big, 'a', sizeof(big));
	memcpy(big, "fail ::1 ", 9);
	ck_assert_int_eq(ipsec_msg_parse(big, sizeof(big), &m), -1);
	m.type = IPSEC_MSG_SYNCED;
	ck_assert_int_eq(ipsec_msg_format(&m, big, 4), -1);
	ck_assert_int_eq(errno, ENOSPC);
}
END_TEST

/* the ipsec group */

static int
apply_text(const char *text, struct ipsec_conf *c, struct conf_err *err)
{
	config_t cfg;
	int rc;

	config_init(&cfg);
	ck_assert_int_eq(config_read_string(&cfg, text), CONFIG_TRUE);
	ck_assert_int_eq(conf_defaults(pmip6_ipsec_schema, c, err), 0);
	rc = conf_apply(config_lookup(&cfg, "ipsec"), pmip6_ipsec_schema, c,
	    err);
	if (rc == 0)
		rc = ipsec_conf_check(c, err);
	config_destroy(&cfg);
	return rc;
}

START_TEST(conf_defaults_and_overrides)
{
	struct ipsec_conf c;
	struct conf_err err;
	struct ipsec_peer p;

	/* A peer that is off needs no credentials for its auth. */
	ck_assert_int_eq(apply_text("ipsec = { mode = \"required\"; "
	    "psk_file = \"/k\"; peers = ( { address = \"2001:db8::3\"; "
	    "mode = \"off\"; auth = \"pubkey\"; } ); };", &c, &err), 0);
	ck_assert_int_eq(ipsec_conf_mode(&c,
	    AP("2001:db8::3")), IPSEC_MODE_OFF);
	conf_free(pmip6_ipsec_schema, &c);

	ck_assert_int_eq(apply_text("ipsec = { mode = \"required\"; "
	    "child_mode = \"tunnel\"; psk_file = \"/k\"; peers = ("
	    "{ address = \"2001:db8::2\"; mode = \"optional\"; "
	    "psk_file = \"/k2\"; esp_proposals = \"aes256-sha384\"; }"
	    "); };", &c, &err), 0);
	ipsec_conf_peer(&c, AP("2001:db8::2"), &p);
	ck_assert(p.listed);
	ck_assert_int_eq(p.mode, IPSEC_MODE_OPTIONAL);
	ck_assert_int_eq(p.auth, IPSEC_AUTH_PSK);
	ck_assert_int_eq(p.child_mode, IPSEC_CHILD_TUNNEL);
	ck_assert_str_eq(p.psk_file, "/k2");
	ck_assert_str_eq(p.proposals, "aes128-sha256-modp2048");
	ck_assert_str_eq(p.esp_proposals, "aes256-sha384");
	ipsec_conf_peer(&c, AP("2001:db8::7"), &p);
	ck_assert(!p.listed);
	ck_assert_int_eq(p.mode, IPSEC_MODE_REQUIRED);
	ck_assert_str_eq(p.psk_file, "/k");
	ck_assert_str_eq(p.id, "");
	ck_assert_int_eq(ipsec_conf_mode(&c,
	    AP("2001:db8::2")), IPSEC_MODE_OPTIONAL);
	ck_assert_str_eq(c.socket, "/run/pmip6/ipsec.sock");
	ck_assert_uint_eq(c.retry_interval, 5000);
	ck_assert_int_eq(c.dpd_delay, 30);
	conf_free(pmip6_ipsec_schema, &c);
}
END_TEST

/* What -n prints reads back the same (golden tests rely on it). */
START_TEST(conf_print_roundtrip)
{
	struct ipsec_conf a, b;
	struct conf_err err;
	char *text = NULL, *wrapped;
	size_t len = 0;
	FILE *fp;

	ck_assert_int_eq(apply_text("ipsec = { mode = \"optional\"; "
	    "auth = \"pubkey\"; cert = \"/c\"; key = \"/k\"; "
	    "retry_interval = 2500; peers = ( { address = \"2001:db8::2\"; "
	    "mode = \"required\"; id = \"mag2@pmip6\"; } ); };", &a, &err),
	    0);
	ck_assert_ptr_nonnull(fp = open_memstream(&text, &len));
	conf_print(fp, pmip6_ipsec_schema, &a, 1);
	fclose(fp);
	ck_assert_ptr_nonnull(wrapped = malloc(len + 32));
	snprintf(wrapped, len + 32, "ipsec = {\n%s};\n", text);
	ck_assert_msg(apply_text(wrapped, &b, &err) == 0, "%s\n%s", err.msg,
	    wrapped);
	ck_assert_int_eq(b.mode, IPSEC_MODE_OPTIONAL);
	ck_assert_int_eq(b.auth, IPSEC_AUTH_PUBKEY);
	ck_assert_uint_eq(b.retry_interval, 2500);
	ck_assert_uint_eq(b.peers.n, 1);
	ck_assert_str_eq(((struct ipsec_peer_conf *)b.peers.v)->id,
	    "mag2@pmip6");
	ck_assert_int_eq(((struct ipsec_peer_conf *)b.peers.v)->auth,
	    IPSEC_AUTH_INHERIT);
	free(text);
	free(wrapped);
	conf_free(pmip6_ipsec_schema, &a);
	conf_free(pmip6_ipsec_schema, &b);
}
END_TEST

START_TEST(conf_refusals)
{
	static const char *const bad[] = {
		"ipsec = { mode = \"inherit\"; };",	/* peers only */
		"ipsec = { mode = \"sometimes\"; };",
		"ipsec = { colour = \"blue\"; };",
		"ipsec = { mode = \"required\"; auth = \"pubkey\"; };",
		"ipsec = { mode = \"optional\"; psk_file = \"\"; };",
		"ipsec = { peers = ( { address = \"2001:db8::2\"; },"
		    " { address = \"2001:db8::2\"; } ); };",
		"ipsec = { peers = ( { mode = \"off\"; } ); };",
		"ipsec = { proposals = \"\"; };",
		"ipsec = { dpd_delay = -1; };",
	};
	struct ipsec_conf c;
	struct conf_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(apply_text(bad[i], &c, &err) == -1,
		    "accepted: %s", bad[i]);
		ck_assert(err.msg[0] != '\0');
		conf_free(pmip6_ipsec_schema, &c);
	}
	/* mode off asks nothing of the credentials */
	ck_assert_int_eq(apply_text("ipsec = { auth = \"pubkey\"; };", &c,
	    &err), 0);
	conf_free(pmip6_ipsec_schema, &c);
}
END_TEST

/* the site reader */

static char tmpdir[64];

static void
setup_tmp(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_ipsec.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *
write_file(const char *name, const char *text)
{
	static char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
	return path;
}

START_TEST(site_lma)
{
	const struct ipsec_site_peer *sp;
	struct ipsec_site s;
	struct conf_err err;

	/* The daemon's other settings are none of the plugin's business. */
	ck_assert_int_eq(ipsec_site_load(&s, write_file("lma.conf",
	    "address = \"2001:db8:ff::1\";\n"
	    "hnp_pools = [ \"2001:db8:100::/40\" ];\n"
	    "authorized_mags = [ \"2001:db8:ff::2/128\", \"2001:db8:fe::/64\","
	    " \"2001:db8:ff::3/128\" ];\n"
	    "ipsec = { mode = \"required\"; child_mode = \"tunnel\";\n"
	    "  peers = ( { address = \"2001:db8:ff::3\"; mode = \"off\"; },\n"
	    "    { address = \"2001:db8:aa::9\"; auth = \"psk\";"
	    " psk_file = \"/other\"; } ); };\n"), &err), 0);
	ck_assert_int_eq(s.role, IPSEC_ROLE_LMA);
	ck_assert(addr6_eq(&s.local, AP("2001:db8:ff::1")));
	/* ::2, the /64 range and ::9; ::3 is off */
	ck_assert_uint_eq(s.npeers, 3);
	ck_assert_uint_eq(s.peers[0].remote.len, 128);
	ck_assert_uint_eq(s.peers[1].remote.len, 64);
	ck_assert_int_eq(s.peers[1].eff.child_mode, IPSEC_CHILD_TUNNEL);
	ck_assert_str_eq(s.peers[2].eff.psk_file, "/other");
	ck_assert_ptr_null(ipsec_site_match(&s,
	    AP("2001:db8:ff::3")));
	sp = ipsec_site_match(&s, AP("2001:db8:fe::77"));
	ck_assert_ptr_nonnull(sp);
	ck_assert_uint_eq(sp->remote.len, 64);
	/* an LMA learns a MAG inside a range, with the range's settings,
	 * and nothing outside its ranges */
	sp = ipsec_site_learn(&s, AP("2001:db8:fe::77"));
	ck_assert_ptr_nonnull(sp);
	ck_assert_uint_eq(sp->remote.len, 128);
	ck_assert_int_eq(sp->eff.mode, IPSEC_MODE_REQUIRED);
	ck_assert_int_eq(sp->eff.child_mode, IPSEC_CHILD_TUNNEL);
	ck_assert_uint_eq(s.npeers, 4);
	ck_assert_uint_eq(ipsec_site_match(&s,
	    AP("2001:db8:fe::77"))->remote.len, 128);
	ck_assert_ptr_null(ipsec_site_learn(&s,
	    AP("2001:db8:77::1")));
	ck_assert_int_eq(errno, EPERM);
	/* nor a MAG the file turned off */
	ck_assert_ptr_null(ipsec_site_learn(&s,
	    AP("2001:db8:ff::3")));
	ck_assert_uint_eq(s.npeers, 4);
	ipsec_site_free(&s);
}
END_TEST

START_TEST(site_mag)
{
	const struct ipsec_site_peer *sp;
	struct ipsec_site s;
	struct conf_err err;

	ck_assert_int_eq(ipsec_site_load(&s, write_file("mag.conf",
	    "address = \"2001:db8:ff::2\";\nlma = \"2001:db8:ff::1\";\n"
	    "access = ( { interface = \"eth1\"; } );\n"
	    "ipsec = { mode = \"optional\"; socket = \"/tmp/x.sock\"; };\n"),
	    &err), 0);
	ck_assert_int_eq(s.role, IPSEC_ROLE_MAG);
	ck_assert_uint_eq(s.npeers, 1);
	ck_assert_str_eq(s.conf.socket, "/tmp/x.sock");
	sp = ipsec_site_learn(&s, AP("2001:db8:ee::1"));
	ck_assert_ptr_nonnull(sp);
	ck_assert_uint_eq(s.npeers, 2);
	ck_assert_int_eq(sp->eff.mode, IPSEC_MODE_OPTIONAL);
	/* learning twice adds nothing */
	ck_assert_ptr_nonnull(ipsec_site_learn(&s,
	    AP("2001:db8:ee::1")));
	ck_assert_uint_eq(s.npeers, 2);
	ipsec_site_free(&s);

	/* no ipsec group: mode off, no peers, nothing learnt */
	ck_assert_int_eq(ipsec_site_load(&s, write_file("mag2.conf",
	    "address = \"2001:db8:ff::2\";\nlma = \"2001:db8:ff::1\";\n"),
	    &err), 0);
	ck_assert_uint_eq(s.npeers, 0);
	ck_assert_ptr_null(ipsec_site_learn(&s,
	    AP("2001:db8:ee::1")));
	ipsec_site_free(&s);
}
END_TEST

START_TEST(site_guards)
{
	struct ipsec_guard g[4];
	struct ipsec_site s;
	struct conf_err err;

	/* Required in transport mode: everything dropped but ::9, which is
	 * optional, and ::3, which is off. */
	ck_assert_int_eq(ipsec_site_load(&s, write_file("lmag.conf",
	    "address = \"2001:db8:ff::1\";\n"
	    "authorized_mags = [ \"2001:db8:ff::/64\" ];\n"
	    "ipsec = { mode = \"required\";\n"
	    "  peers = ( { address = \"2001:db8:ff::3\"; mode = \"off\"; },\n"
	    "    { address = \"2001:db8:ff::9\"; mode = \"optional\"; } ); };\n"),
	    &err), 0);
	ck_assert_uint_eq(ipsec_site_guards(&s, g, 4), 3);
	ck_assert_uint_eq(g[0].remote.len, 0);
	ck_assert_int_eq(g[0].pass, 0);
	ck_assert(addr6_eq(&g[1].remote.addr, AP("2001:db8:ff::3")));
	ck_assert_uint_eq(g[1].remote.len, 128);
	ck_assert_int_eq(g[1].pass, 1);
	ck_assert(addr6_eq(&g[2].remote.addr, AP("2001:db8:ff::9")));
	ck_assert_int_eq(g[2].pass, 1);
	/* too little room: the count still tells */
	ck_assert_uint_eq(ipsec_site_guards(&s, g, 1), 3);
	ipsec_site_free(&s);

	/* Tunnel mode (kernel-libipsec): none. */
	ck_assert_int_eq(ipsec_site_load(&s, write_file("lmat.conf",
	    "address = \"2001:db8:ff::1\";\n"
	    "authorized_mags = [ \"2001:db8:ff::/64\" ];\n"
	    "ipsec = { mode = \"required\"; child_mode = \"tunnel\"; };\n"),
	    &err), 0);
	ck_assert_uint_eq(ipsec_site_guards(&s, g, 4), 0);
	ipsec_site_free(&s);

	/* Optional group, one required transport-mode peer: it alone. */
	ck_assert_int_eq(ipsec_site_load(&s, write_file("mago.conf",
	    "address = \"2001:db8:ff::2\";\nlma = \"2001:db8:ff::1\";\n"
	    "ipsec = { mode = \"optional\";\n"
	    "  peers = ( { address = \"2001:db8:ff::5\"; mode = \"required\"; }"
	    " ); };\n"), &err), 0);
	ck_assert_uint_eq(ipsec_site_guards(&s, g, 4), 1);
	ck_assert(addr6_eq(&g[0].remote.addr, AP("2001:db8:ff::5")));
	ck_assert_uint_eq(g[0].remote.len, 128);
	ck_assert_int_eq(g[0].pass, 0);
	ipsec_site_free(&s);
}
END_TEST

START_TEST(site_refusals)
{
	struct ipsec_site s;
	struct conf_err err;
	char buf[1024];

	ck_assert_int_eq(ipsec_site_load(&s, write_file("other.conf",
	    "servers = ( );\n"), &err), 1);
	ipsec_site_free(&s);
	ck_assert_int_eq(ipsec_site_load(&s, write_file("bad.conf",
	    "lma = \"2001:db8:ff::1\";\naddress = \"nowhere\";\n"), &err), -1);
	ck_assert_int_eq(err.line, 2);
	ipsec_site_free(&s);
	ck_assert_int_eq(ipsec_site_load(&s, write_file("bad2.conf",
	    "address = \"2001:db8:ff::1\";\nauthorized_mags = [ \"x\" ];\n"),
	    &err), -1);
	ipsec_site_free(&s);
	ck_assert_int_eq(ipsec_site_load(&s, write_file("bad3.conf",
	    "address = \"2001:db8:ff::1\";\nlma = \"2001:db8:ff::2\";\n"
	    "ipsec = {\n  mode = \"required\";\n  bogus = 1;\n};\n"), &err), -1);
	ck_assert_int_eq(err.line, 5);
	ck_assert_msg(strstr(conf_strerror(&err, buf, sizeof(buf)),
	    "bad3.conf:5") != NULL, "%s", buf);
	ipsec_site_free(&s);
	ck_assert_int_eq(ipsec_site_load(&s, "/nonexistent/lma.conf", &err),
	    -1);
	ipsec_site_free(&s);
}
END_TEST

/* libipsecctl against a scripted plugin */

static uint64_t fake_now;
static struct loop *L;
static struct ipsecctl *C;
static char sock_path[128];
static int plugin = -1;
static char events[1024];

static uint64_t
fake_clock(void)
{
	return fake_now;
}

static void
on_event(enum ipsecctl_event ev, const struct ipsecctl_sa *sa, void *ctx)
{
	char buf[INET6_ADDRSTRLEN];
	size_t n = strlen(events);

	(void)ctx;
	snprintf(events + n, sizeof(events) - n, "%s%s%s;",
	    ipsecctl_event_name(ev), sa ? " " : "",
	    sa ? addr6_ntop(&sa->peer, buf) : "");
}

static void
pump(void)
{
	int i;

	for (i = 0; i < 5; i++)
		(void)loop_run_once(L, 0);
}

static void
plugin_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	plugin = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ck_assert_int_ne(plugin, -1);
	memcpy(sun.sun_path, sock_path, strlen(sock_path));
	ck_assert_int_eq(connect(plugin, (struct sockaddr *)&sun,
	    sizeof(sun)), 0);
	pump();
}

static void
plugin_say(const char *text)
{
	ck_assert_int_eq(send(plugin, text, strlen(text), 0),
	    (ssize_t)strlen(text));
	pump();
}

/* The next command the daemon sent, or "" if none. */
static const char *
plugin_hear(void)
{
	static char buf[IPSEC_MSG_MAX + 1];
	ssize_t n;

	n = recv(plugin, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void
setup_ctl(void)
{
	setup_tmp();
	log_init("check_ipsec", 1, LOG_LVL_ERR);
	fake_now = 1000;
	clock_set_source(fake_clock);
	ck_assert_ptr_nonnull(L = loop_new());
	snprintf(sock_path, sizeof(sock_path), "%s/run/ipsec.sock", tmpdir);
	events[0] = '\0';
	C = ipsecctl_open(L, sock_path, 1000, on_event, NULL);
	ck_assert_ptr_nonnull(C);
}

static void
teardown_ctl(void)
{
	if (plugin != -1)
		close(plugin);
	plugin = -1;
	ipsecctl_close(C);
	ck_assert_int_eq(access(sock_path, F_OK), -1);
	loop_free(L);
	clock_set_source(NULL);
	teardown_tmp();
}

#define LMA	"2001:db8:ff::1"
#define UP_LMA	"up " LMA " 2001:db8:ff::2 c1000001 c2000002 tunnel"

START_TEST(ctl_lifecycle)
{
	struct in6_addr lma = A(LMA);
	const struct ipsecctl_sa *sa;

	/* Wanted before charon is there: nothing to send to yet. */
	ck_assert_int_eq(ipsecctl_initiate(C, &lma), 0);
	ck_assert(!ipsecctl_attached(C));
	plugin_connect();
	plugin_say("hello 1");
	ck_assert_str_eq(plugin_hear(), "");
	plugin_say("synced");
	ck_assert_str_eq(events, "attach;");
	ck_assert(ipsecctl_attached(C));
	ck_assert_str_eq(plugin_hear(), "initiate " LMA);
	/* asking again while one is out sends nothing */
	ck_assert_int_eq(ipsecctl_initiate(C, &lma), 0);
	ck_assert_str_eq(plugin_hear(), "");

	fake_now += 300;
	plugin_say(UP_LMA);
	ck_assert_str_eq(events, "attach;up " LMA ";");
	ck_assert(ipsecctl_is_up(C, &lma));
	sa = ipsecctl_find(C, &lma);
	ck_assert_uint_eq(sa->spi_in, 0xc1000001);
	ck_assert(sa->tunnel);
	ck_assert_uint_eq(sa->since_ms - sa->initiated_ms, 300);
	/* no retry while up */
	fake_now += 10000;
	pump();
	ck_assert_str_eq(plugin_hear(), "");
	/* the same up again (a dump) is no news; a rekey is */
	plugin_say(UP_LMA);
	ck_assert_str_eq(events, "attach;up " LMA ";");
	plugin_say("up " LMA " 2001:db8:ff::2 c1000003 c2000004 tunnel");
	ck_assert_str_eq(events, "attach;up " LMA ";up " LMA ";");

	/* a wanted peer going down is asked for at once */
	events[0] = '\0';
	plugin_say("down " LMA);
	ck_assert_str_eq(events, "down " LMA ";");
	ck_assert_str_eq(plugin_hear(), "initiate " LMA);
	/* a failure backs off: 1 s << 1 */
	plugin_say("fail " LMA " unreachable");
	ck_assert_uint_eq(ipsecctl_find(C, &lma)->failures, 1);
	ck_assert_str_eq(ipsecctl_find(C, &lma)->reason, "unreachable");
	fake_now += 1500;
	pump();
	ck_assert_str_eq(plugin_hear(), "");
	fake_now += 600;
	pump();
	ck_assert_str_eq(plugin_hear(), "initiate " LMA);

	/* charon dies: detach, and nothing is sent until it is back */
	plugin_say(UP_LMA);
	events[0] = '\0';
	close(plugin);
	plugin = -1;
	pump();
	ck_assert_str_eq(events, "down " LMA ";detach;");
	ck_assert(!ipsecctl_is_up(C, &lma));
	ck_assert(!ipsecctl_attached(C));

	/* a new charon has nothing up: the wanted peer is asked for */
	events[0] = '\0';
	plugin_connect();
	plugin_say("hello 1");
	plugin_say("synced");
	ck_assert_str_eq(events, "attach;");
	ck_assert_str_eq(plugin_hear(), "initiate " LMA);

	ck_assert_int_eq(ipsecctl_terminate(C, &lma), 0);
	ck_assert_str_eq(plugin_hear(), "terminate " LMA);
	ck_assert(!ipsecctl_find(C, &lma)->wanted);
}
END_TEST

START_TEST(ctl_dump)
{
	struct in6_addr lma = A(LMA), mag = A("2001:db8:ff::5");

	/* A new daemon learns what is up from the dump. */
	plugin_connect();
	plugin_say("hello 1");
	plugin_say(UP_LMA);
	plugin_say("up 2001:db8:ff::5 2001:db8:ff::2 00000001 00000002 "
	    "transport");
	plugin_say("synced");
	ck_assert_str_eq(events, "up " LMA ";up 2001:db8:ff::5;attach;");
	ck_assert(ipsecctl_is_up(C, &mag));
	ck_assert(!ipsecctl_find(C, &mag)->tunnel);

	/* A replacing connection's dump omits mag: it went down meanwhile. */
	events[0] = '\0';
	{
		int old = plugin;

		plugin_connect();
		close(old);
	}
	pump();
	/* downs in table order, then the detach */
	ck_assert_uint_eq(strlen(events), strlen("down " LMA
	    ";down 2001:db8:ff::5;detach;"));
	ck_assert_ptr_nonnull(strstr(events, "down " LMA ";"));
	ck_assert_ptr_nonnull(strstr(events, "down 2001:db8:ff::5;"));
	ck_assert_str_eq(events + strlen(events) - 7, "detach;");
	events[0] = '\0';
	plugin_say("hello 1");
	plugin_say(UP_LMA);
	plugin_say("synced");
	ck_assert_str_eq(events, "up " LMA ";attach;");
	ck_assert(ipsecctl_is_up(C, &lma));
	ck_assert(!ipsecctl_is_up(C, &mag));

	/* garbage and a wrong version */
	plugin_say("up nonsense");
	ck_assert(ipsecctl_attached(C));
	plugin_say("hello 2");
	ck_assert(!ipsecctl_attached(C));
}
END_TEST

START_TEST(ctl_policy)
{
	struct in6_addr lma = A(LMA), mag = A("2001:db8:ff::5");
	struct ipsec_conf c;
	struct conf_err err;
	unsigned lo = if_nametoindex("lo");

	ck_assert_int_eq(apply_text("ipsec = { mode = \"required\"; "
	    "child_mode = \"tunnel\"; tun_interface = \"lo\"; peers = ("
	    "{ address = \"2001:db8:ff::5\"; mode = \"optional\"; },"
	    "{ address = \"2001:db8:ff::6\"; mode = \"off\"; } ); };", &c,
	    &err), 0);
	plugin_connect();
	plugin_say("hello 1");
	plugin_say("synced");

	/* MAG: required waits for the SA and asks for it, once */
	ck_assert_int_eq(ipsecctl_may_send(C, &c, &lma), 0);
	ck_assert_str_eq(plugin_hear(), "initiate " LMA);
	ck_assert_int_eq(ipsecctl_may_send(C, &c, &lma), 0);
	ck_assert_str_eq(plugin_hear(), "");
	/* optional goes now and asks; off neither waits nor asks */
	ck_assert_int_eq(ipsecctl_may_send(C, &c, &mag), 1);
	ck_assert_str_eq(plugin_hear(), "initiate 2001:db8:ff::5");
	ck_assert_int_eq(ipsecctl_may_send(C, &c, AP("2001:db8:ff::6")), 1);
	ck_assert_str_eq(plugin_hear(), "");
	ck_assert_int_eq(ipsecctl_may_send(NULL, &c, &lma), 0);
	ck_assert_int_eq(ipsecctl_may_send(NULL, &c, &mag), 1);

	/* LMA: required wants the SA up and, in tunnel mode, the TUN */
	ck_assert_int_eq(ipsecctl_rx_allowed(C, &c, &lma, lo), 0);
	plugin_say(UP_LMA);
	ck_assert_int_eq(ipsecctl_may_send(C, &c, &lma), 1);
	ck_assert_int_eq(ipsecctl_rx_allowed(C, &c, &lma, lo), 1);
	ck_assert_int_eq(ipsecctl_rx_allowed(C, &c, &lma, lo + 1000), 0);
	ck_assert_int_eq(ipsecctl_rx_allowed(C, &c, &lma, 0), 0);
	ck_assert_int_eq(ipsecctl_rx_allowed(C, &c, &mag, lo + 1000), 1);
	ck_assert_int_eq(ipsecctl_rx_allowed(NULL, &c, &lma, lo), 0);
	c.child_mode = IPSEC_CHILD_TRANSPORT;
	ck_assert_int_eq(ipsecctl_rx_allowed(C, &c, &lma, lo + 1000), 1);
	plugin_say("down " LMA);
	ck_assert_int_eq(ipsecctl_rx_allowed(C, &c, &lma, lo), 0);
	conf_free(pmip6_ipsec_schema, &c);
}
END_TEST

START_TEST(ctl_initiate_later)
{
	struct in6_addr mag = A("2001:db8:ff::7"), mag2 = A("2001:db8:ff::8");

	plugin_connect();
	plugin_say("hello 1");
	plugin_say("synced");
	/* Asked later: nothing before the delay, once after it, and the
	 * peer is then wanted (asked again after a down). */
	ck_assert_int_eq(ipsecctl_initiate_later(C, &mag, 2000), 0);
	ck_assert_int_eq(ipsecctl_initiate_later(C, &mag, 2000), 0);
	fake_now += 1900;
	pump();
	ck_assert_str_eq(plugin_hear(), "");
	fake_now += 200;
	pump();
	ck_assert_str_eq(plugin_hear(), "initiate 2001:db8:ff::7");
	ck_assert_str_eq(plugin_hear(), "");
	ck_assert_int_eq(ipsecctl_find(C, &mag)->wanted, 1);
	plugin_say("up 2001:db8:ff::7 2001:db8:ff::1 00000003 00000004 "
	    "tunnel");
	/* The other side set it up first: no initiate at all. */
	ck_assert_int_eq(ipsecctl_initiate_later(C, &mag2, 2000), 0);
	plugin_say("up 2001:db8:ff::8 2001:db8:ff::1 00000001 00000002 "
	    "tunnel");
	fake_now += 3000;
	pump();
	ck_assert_str_eq(plugin_hear(), "");
	ck_assert_int_eq(ipsecctl_find(C, &mag2)->wanted, 0);
	/* Up already: nothing to defer. */
	ck_assert_int_eq(ipsecctl_initiate_later(C, &mag2, 10), 0);
	fake_now += 100;
	pump();
	ck_assert_str_eq(plugin_hear(), "");
}
END_TEST

static Suite *
ipsec_suite(void)
{
	Suite *s = suite_create("ipsec");
	TCase *tc;

	tc = tcase_create("proto");
	tcase_add_test(tc, proto_vectors);
	tcase_add_test(tc, proto_refusals);
	suite_add_tcase(s, tc);

	tc = tcase_create("conf");
	tcase_add_test(tc, conf_defaults_and_overrides);
	tcase_add_test(tc, conf_refusals);
	tcase_add_test(tc, conf_print_roundtrip);
	suite_add_tcase(s, tc);

	tc = tcase_create("site");
	tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_add_test(tc, site_lma);
	tcase_add_test(tc, site_mag);
	tcase_add_test(tc, site_refusals);
	tcase_add_test(tc, site_guards);
	suite_add_tcase(s, tc);

	tc = tcase_create("ctl");
	tcase_add_checked_fixture(tc, setup_ctl, teardown_ctl);
	tcase_add_test(tc, ctl_lifecycle);
	tcase_add_test(tc, ctl_dump);
	tcase_add_test(tc, ctl_policy);
	tcase_add_test(tc, ctl_initiate_later);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ipsec_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
