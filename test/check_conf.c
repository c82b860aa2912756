/*
 * check_conf.c: unit tests for common/conf.c with a schema shaped like a
 * daemon's: defaults, a good file against its golden printout, print and
 * re-read round trips, and one refused file per kind of mistake, each
 * with the exact "file:line: setting: reason" an operator would see.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "conf.h"

#ifndef CONF_TESTDIR
#define CONF_TESTDIR	"test/conf"
#endif

enum tmode { TMODE_STRICT, TMODE_LOOSE };
static const char *const tmode_names[] = { "strict", "loose", NULL };

struct tpeer {
	struct in6_addr		 address;
	char			 name[16];
	uint64_t		 heartbeat_ms;
	int			 enabled;
	struct conf_list	 prefixes;
};

struct ttimers {
	uint64_t		 min_delay_bce_delete;
	uint64_t		 max_delay_new_bce;
	uint64_t		 ts_window;
};

struct tconf {
	char			 ident[32];
	struct in6_addr		 lma_address;
	int			 max_bindings;
	int			 local_routing;
	int			 mode;
	struct prefix6		 hnp_pool;
	struct ttimers		 timers;
	struct conf_list	 auth_mags;
	struct conf_list	 interfaces;
	struct conf_list	 peers;
	uint64_t		 big_ms;
};

static const struct conf_field peer_schema[] = {
	{ .name = "address", .type = CONF_ADDR6,
	  .off = offsetof(struct tpeer, address), .flags = CONF_REQUIRED },
	{ .name = "name", .type = CONF_STRING,
	  .off = offsetof(struct tpeer, name),
	  .size = CONF_SIZE(struct tpeer, name), .min = 1, .def = "peer" },
	{ .name = "heartbeat_ms", .type = CONF_MS,
	  .off = offsetof(struct tpeer, heartbeat_ms), .min = 1000,
	  .max = 3600000, .def = "60000", .rfc = "RFC 5847 5" },
	{ .name = "enabled", .type = CONF_BOOL,
	  .off = offsetof(struct tpeer, enabled), .def = "true" },
	{ .name = "prefixes", .type = CONF_LIST, .elem = CONF_PREFIX6,
	  .off = offsetof(struct tpeer, prefixes), .max = 4 },
	CONF_END
};

static const struct conf_field timers_schema[] = {
	{ .name = "MinDelayBeforeBCEDelete", .type = CONF_MS,
	  .off = offsetof(struct ttimers, min_delay_bce_delete),
	  .min = 0, .max = 60000, .def = "10000",
	  .rfc = "RFC 5213 9.1 MinDelayBeforeBCEDelete" },
	{ .name = "MaxDelayBeforeNewBCEAssign", .type = CONF_MS,
	  .off = offsetof(struct ttimers, max_delay_new_bce),
	  .min = 0, .max = 60000, .def = "1500",
	  .rfc = "RFC 5213 9.1 MaxDelayBeforeNewBCEAssign" },
	{ .name = "TimestampValidityWindow", .type = CONF_MS,
	  .off = offsetof(struct ttimers, ts_window),
	  .min = 0, .max = 60000, .def = "300",
	  .rfc = "RFC 5213 9.1 TimestampValidityWindow" },
	CONF_END
};

static const struct conf_field tschema[] = {
	{ .name = "ident", .type = CONF_STRING,
	  .off = offsetof(struct tconf, ident),
	  .size = CONF_SIZE(struct tconf, ident), .max = 20,
	  .flags = CONF_REQUIRED, .help = "name in logs" },
	{ .name = "lma_address", .type = CONF_ADDR6,
	  .off = offsetof(struct tconf, lma_address), .flags = CONF_REQUIRED },
	{ .name = "max_bindings", .type = CONF_INT,
	  .off = offsetof(struct tconf, max_bindings), .min = 1,
	  .max = 4000000, .def = "1000" },
	{ .name = "EnableMAGLocalRouting", .type = CONF_BOOL,
	  .off = offsetof(struct tconf, local_routing), .def = "false",
	  .rfc = "RFC 5213 9.2 EnableMAGLocalRouting" },
	{ .name = "mode", .type = CONF_ENUM,
	  .off = offsetof(struct tconf, mode), .enum_names = tmode_names,
	  .def = "strict" },
	{ .name = "hnp_pool", .type = CONF_PREFIX6,
	  .off = offsetof(struct tconf, hnp_pool), .min = 16, .max = 64,
	  .def = "2001:db8:f000::/36" },
	{ .name = "timers", .type = CONF_GROUP,
	  .off = offsetof(struct tconf, timers), .sub = timers_schema },
	{ .name = "auth_mags", .type = CONF_LIST, .elem = CONF_ADDR6,
	  .off = offsetof(struct tconf, auth_mags) },
	{ .name = "interfaces", .type = CONF_LIST, .elem = CONF_STRING,
	  .off = offsetof(struct tconf, interfaces), .size = 16 },
	{ .name = "peers", .type = CONF_LIST, .elem = CONF_GROUP,
	  .off = offsetof(struct tconf, peers), .sub = peer_schema,
	  .size = sizeof(struct tpeer), .max = 4 },
	{ .name = "big_ms", .type = CONF_MS,
	  .off = offsetof(struct tconf, big_ms), .def = "3000000000" },
	CONF_END
};

static char tmpdir[64];

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_conf.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

static char *
read_file(const char *path)
{
	static char buf[8192];
	FILE *fp = fopen(path, "r");
	size_t n;

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* Print with conf_print() into a malloc'ed string. */
static char *
print_str(const struct conf_field *schema, const void *obj)
{
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);

	ck_assert_ptr_nonnull(fp);
	conf_print(fp, schema, obj, 0);
	ck_assert_int_eq(fclose(fp), 0);
	return s;
}

/* Load path into obj from the defaults; 0 or -1 with err set. */
static int
load(const char *path, struct tconf *obj, struct conf_err *err)
{
	config_t cfg;
	int rc;

	memset(obj, 0xa5, sizeof(*obj));	/* defaults must set it all */
	ck_assert_int_eq(conf_defaults(tschema, obj, err), 0);
	config_init(&cfg);
	rc = conf_load_file(&cfg, path, err);
	if (rc == 0)
		rc = conf_apply(config_root_setting(&cfg), tschema, obj, err);
	config_destroy(&cfg);
	return rc;
}

START_TEST(test_defaults)
{
	struct conf_err err;
	struct tconf c;
	char buf[PREFIX6_STRLEN];

	memset(&c, 0xa5, sizeof(c));
	ck_assert_int_eq(conf_defaults(tschema, &c, &err), 0);
	ck_assert_str_eq(c.ident, "");
	ck_assert(addr6_is_unspecified(&c.lma_address));
	ck_assert_int_eq(c.max_bindings, 1000);
	ck_assert_int_eq(c.local_routing, 0);
	ck_assert_int_eq(c.mode, TMODE_STRICT);
	ck_assert_str_eq(prefix6_ntop(&c.hnp_pool, buf), "2001:db8:f000::/36");
	ck_assert_uint_eq(c.timers.min_delay_bce_delete, 10000);
	ck_assert_uint_eq(c.timers.max_delay_new_bce, 1500);
	ck_assert_uint_eq(c.timers.ts_window, 300);
	ck_assert_uint_eq(c.auth_mags.n, 0);
	ck_assert_ptr_null(c.auth_mags.v);
	ck_assert_uint_eq(c.peers.n, 0);
	ck_assert_uint_eq(c.big_ms, 3000000000ULL);
	conf_free(tschema, &c);
}
END_TEST

START_TEST(test_bad_schema)
{
	struct tconf c;
	struct conf_err err;
	char msg[600];
	static const struct conf_field bad_range[] = {
		{ .name = "n", .type = CONF_INT,
		  .off = offsetof(struct tconf, max_bindings), .min = 1,
		  .max = 10, .def = "11" },
		CONF_END
	};
	static const struct conf_field bad_enum[] = {
		{ .name = "mode", .type = CONF_ENUM,
		  .off = offsetof(struct tconf, mode),
		  .enum_names = tmode_names, .def = "medium" },
		CONF_END
	};
	static const struct conf_field no_size[] = {
		{ .name = "s", .type = CONF_STRING,
		  .off = offsetof(struct tconf, ident) },
		CONF_END
	};

	/* A broken default is a schema bug: no file, no line. */
	ck_assert_int_eq(conf_defaults(bad_range, &c, &err), -1);
	ck_assert_str_eq(conf_strerror(&err, msg, sizeof(msg)),
	    "n: bad default: 11 is out of range 1..10");
	ck_assert_int_eq(conf_defaults(bad_enum, &c, &err), -1);
	ck_assert_str_eq(conf_strerror(&err, msg, sizeof(msg)),
	    "mode: bad default: \"medium\" is not one of strict, loose");
	ck_assert_int_eq(conf_defaults(no_size, &c, &err), -1);
	ck_assert_str_eq(err.msg, "s: schema gives no string size");
}
END_TEST

START_TEST(test_good_file)
{
	char buf[PREFIX6_STRLEN], abuf[INET6_ADDRSTRLEN];
	const struct in6_addr *mags;
	const struct prefix6 *pfx;
	const struct tpeer *p;
	struct conf_err err;
	struct tconf c;
	char *out;

	ck_assert_msg(load(CONF_TESTDIR "/good.conf", &c, &err) == 0, "%s",
	    conf_strerror(&err, buf, sizeof(buf)));
	ck_assert_str_eq(c.ident, "lma-test");
	ck_assert_str_eq(addr6_ntop(&c.lma_address, abuf), "2001:db8::1");
	ck_assert_int_eq(c.max_bindings, 250000);
	ck_assert_int_eq(c.local_routing, 1);
	ck_assert_int_eq(c.mode, TMODE_LOOSE);
	ck_assert_str_eq(prefix6_ntop(&c.hnp_pool, buf), "2001:db8:8000::/33");
	ck_assert_uint_eq(c.timers.min_delay_bce_delete, 5000);
	ck_assert_uint_eq(c.timers.max_delay_new_bce, 1500);	/* default */
	ck_assert_uint_eq(c.timers.ts_window, 300);
	ck_assert_uint_eq(c.big_ms, 5000000000ULL);

	ck_assert_uint_eq(c.auth_mags.n, 2);
	mags = c.auth_mags.v;
	ck_assert_str_eq(addr6_ntop(&mags[1], abuf), "2001:db8:2::1");
	ck_assert_uint_eq(c.interfaces.n, 2);
	ck_assert_str_eq((const char *)c.interfaces.v + 16, "eth1");

	ck_assert_uint_eq(c.peers.n, 2);
	p = c.peers.v;
	ck_assert_str_eq(p[0].name, "mag1");
	ck_assert_uint_eq(p[0].heartbeat_ms, 30000);
	ck_assert_int_eq(p[0].enabled, 1);
	ck_assert_uint_eq(p[0].prefixes.n, 2);
	pfx = p[0].prefixes.v;
	ck_assert_str_eq(prefix6_ntop(&pfx[1], buf), "2001:db8:101::/48");
	/* The second peer starts from the element defaults. */
	ck_assert_str_eq(addr6_ntop(&p[1].address, abuf), "2001:db8:2::1");
	ck_assert_str_eq(p[1].name, "peer");
	ck_assert_uint_eq(p[1].heartbeat_ms, 60000);
	ck_assert_int_eq(p[1].enabled, 0);
	ck_assert_uint_eq(p[1].prefixes.n, 0);

	/* Golden printout (bgpd-style -n test). */
	out = print_str(tschema, &c);
	ck_assert_str_eq(out, read_file(CONF_TESTDIR "/good.out"));
	free(out);
	conf_free(tschema, &c);
	ck_assert_uint_eq(c.peers.n, 0);
	ck_assert_ptr_null(c.peers.v);
}
END_TEST

START_TEST(test_round_trip)
{
	char path[128], emsg[600];
	struct conf_err err;
	struct tconf a, b;
	char *first, *second;

	/* Awkward strings and values survive print and re-read. */
	ck_assert_int_eq(load(CONF_TESTDIR "/good.conf", &a, &err), 0);
	snprintf(a.ident, sizeof(a.ident), "a \"q\" \\ \t\x01z");
	a.big_ms = 0;
	a.max_bindings = 4000000;
	first = print_str(tschema, &a);
	snprintf(path, sizeof(path), "%s/rt.conf", tmpdir);
	write_file(path, first);
	ck_assert_msg(load(path, &b, &err) == 0, "%s\n%s",
	    conf_strerror(&err, emsg, sizeof(emsg)), first);
	second = print_str(tschema, &b);
	ck_assert_str_eq(first, second);
	ck_assert_str_eq(a.ident, b.ident);
	ck_assert_mem_eq(&a.timers, &b.timers, sizeof(a.timers));
	free(first);
	free(second);
	conf_free(tschema, &a);
	conf_free(tschema, &b);

	/* The defaults alone print and read back too. */
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(conf_defaults(tschema, &a, &err), 0);
	snprintf(a.ident, sizeof(a.ident), "x");
	first = print_str(tschema, &a);
	write_file(path, first);
	ck_assert_msg(load(path, &b, &err) == 0, "%s\n%s",
	    conf_strerror(&err, emsg, sizeof(emsg)), first);
	second = print_str(tschema, &b);
	ck_assert_str_eq(first, second);
	ck_assert_ptr_nonnull(strstr(first, "big_ms = 3000000000L;\n"));
	ck_assert_ptr_nonnull(strstr(first, "peers = ();\n"));
	ck_assert_ptr_nonnull(strstr(first, "auth_mags = [];\n"));
	free(first);
	free(second);
	conf_free(tschema, &b);
}
END_TEST

/*
 * One refused configuration per case.  want is the message after the
 * file name: ":line: setting: reason", or ": setting: reason" where the
 * error belongs to the top level, which has no line.
 */
static const struct {
	const char	*text;
	const char	*want;
} bad[] = {
	/* unknown settings, at the top and inside groups */
	{ "ident = \"x\";\nlma_address = \"::1\";\nbogus = 1;\n",
	  ":3: bogus: unknown setting" },
	{ "ident = \"x\";\nlma_address = \"::1\";\ntimers = {\n"
	  "  MinDelayBeforeBCEDelete = 1;\n  MinDelayBCE = 1;\n};\n",
	  ":5: timers.MinDelayBCE: unknown setting" },
	{ "ident = \"x\";\nlma_address = \"::1\";\npeers = ( {\n"
	  "  address = \"::2\";\n  port = 5436;\n} );\n",
	  ":5: peers[0].port: unknown setting" },
	/* ranges */
	{ "ident = \"x\";\nlma_address = \"::1\";\nmax_bindings = 0;\n",
	  ":3: max_bindings: 0 is out of range 1..4000000" },
	{ "ident = \"x\";\nlma_address = \"::1\";\nmax_bindings = 4000001;\n",
	  ":3: max_bindings: 4000001 is out of range 1..4000000" },
	{ "ident = \"x\"; lma_address = \"::1\";\n"
	  "timers = { TimestampValidityWindow = 60001; };\n",
	  ":2: timers.TimestampValidityWindow: 60001 ms is out of range"
	  " 0..60000" },
	{ "ident = \"x\"; lma_address = \"::1\";\n"
	  "timers = { TimestampValidityWindow = -1; };\n",
	  ":2: timers.TimestampValidityWindow: -1 ms is out of range"
	  " 0..60000" },
	{ "ident = \"x\"; lma_address = \"::1\";\nbig_ms = -5L;\n",
	  ":2: big_ms: -5 ms is out of range 0..9223372036854775807" },
	{ "ident = \"this name is far too long\"; lma_address = \"::1\";\n",
	  ":1: ident: must have at most 20 characters" },
	{ "ident = \"x\"; lma_address = \"::1\";\n"
	  "peers = ( { address = \"::2\"; name = \"\"; } );\n",
	  ":2: peers[0].name: must have at least 1 characters" },
	{ "ident = \"x\"; lma_address = \"::1\";\n"
	  "interfaces = [ \"eth0\", \"a-very-long-ifname\" ];\n",
	  ":2: interfaces[1]: must have at most 15 characters" },
	/* types */
	{ "ident = \"x\"; lma_address = \"::1\";\nmax_bindings = \"ten\";\n",
	  ":2: max_bindings: expected an integer, not a string" },
	{ "ident = \"x\"; lma_address = \"::1\";\nmax_bindings = 1.5;\n",
	  ":2: max_bindings: expected an integer, not a float" },
	{ "ident = \"x\"; lma_address = \"::1\";\nEnableMAGLocalRouting = 1;\n",
	  ":2: EnableMAGLocalRouting: expected true or false, not an integer" },
	{ "ident = 7; lma_address = \"::1\";\n",
	  ":1: ident: expected a string, not an integer" },
	{ "ident = \"x\"; lma_address = \"::1\";\ntimers = 5;\n",
	  ":2: timers: expected a group { ... }, not an integer" },
	{ "ident = \"x\"; lma_address = \"::1\";\nauth_mags = \"::2\";\n",
	  ":2: auth_mags: expected an array [ ... ], not a string" },
	{ "ident = \"x\"; lma_address = \"::1\";\n"
	  "peers = { address = \"::2\"; };\n",
	  ":2: peers: expected a list ( { ... }, ... ), not a group" },
	{ "ident = \"x\"; lma_address = \"::1\";\n"
	  "peers = ( { address = \"::2\"; },\n"
	  "  \"::3\" );\n",
	  ":3: peers[1]: expected a group { ... }, not a string" },
	/* addresses, prefixes, names */
	{ "ident = \"x\";\nlma_address = \"2001:db8::zz\";\n",
	  ":2: lma_address: \"2001:db8::zz\" is not an IPv6 address" },
	{ "ident = \"x\"; lma_address = \"::1\";\n"
	  "auth_mags = [ \"2001:db8::1\",\n  \"192.0.2.1\" ];\n",
	  ":3: auth_mags[1]: \"192.0.2.1\" is not an IPv6 address" },
	{ "ident = \"x\"; lma_address = \"::1\";\nhnp_pool = \"2001:db8::\";\n",
	  ":2: hnp_pool: \"2001:db8::\" is not an IPv6 prefix"
	  " (address/length)" },
	{ "ident = \"x\"; lma_address = \"::1\";\n"
	  "hnp_pool = \"2001:db8::1/48\";\n",
	  ":2: hnp_pool: \"2001:db8::1/48\" has bits set past /48 (did you mean"
	  " 2001:db8::/48?)" },
	{ "ident = \"x\"; lma_address = \"::1\";\n"
	  "hnp_pool = \"2001:db8::/96\";\n",
	  ":2: hnp_pool: prefix length /96 is out of range /16../64" },
	{ "ident = \"x\"; lma_address = \"::1\";\nmode = \"medium\";\n",
	  ":2: mode: \"medium\" is not one of strict, loose" },
	/* counts */
	{ "ident = \"x\"; lma_address = \"::1\";\npeers = (\n"
	  " { address = \"::2\"; }, { address = \"::3\"; },\n"
	  " { address = \"::4\"; }, { address = \"::5\"; },\n"
	  " { address = \"::6\"; } );\n",
	  ":2: peers: has 5 elements, wants 0..4" },
	/* required settings: top level (no line), in a list element */
	{ "ident = \"x\";\n", ": lma_address: required setting missing" },
	{ "lma_address = \"::1\";\n", ": ident: required setting missing" },
	{ "ident = \"x\"; lma_address = \"::1\";\n"
	  "peers = ( { address = \"::2\"; },\n"
	  "  {\n    name = \"m2\";\n  } );\n",
	  ":3: peers[1].address: required setting missing" },
	/* syntax */
	{ "ident = \"x\";\nlma_address = ;\n", ":2: syntax error" },
	{ "ident = \"x\";\nident = \"y\";\n", ":2: duplicate setting name" },
};

START_TEST(test_bad_file)
{
	char path[128], want[600], got[600];
	struct conf_err err;
	struct tconf c;

	snprintf(path, sizeof(path), "%s/bad%d.conf", tmpdir, _i);
	write_file(path, bad[_i].text);
	memset(&err, 0, sizeof(err));
	ck_assert_msg(load(path, &c, &err) == -1, "took:\n%s", bad[_i].text);
	snprintf(want, sizeof(want), "%s%s", path, bad[_i].want);
	ck_assert_str_eq(conf_strerror(&err, got, sizeof(got)), want);
	/* Half-filled lists are still freed cleanly (LeakSanitizer). */
	conf_free(tschema, &c);
}
END_TEST

START_TEST(test_load_errors)
{
	char path[128], inc[128], got[600], want[600];
	struct conf_err err;
	struct tconf c;

	/* A missing file names the path and errno's text. */
	snprintf(path, sizeof(path), "%s/absent.conf", tmpdir);
	ck_assert_int_eq(load(path, &c, &err), -1);
	snprintf(want, sizeof(want), "%s: cannot read: %s", path,
	    strerror(ENOENT));
	ck_assert_str_eq(conf_strerror(&err, got, sizeof(got)), want);

	/* Errors in an included file name that file, found next to ours. */
	snprintf(inc, sizeof(inc), "%s/inc.conf", tmpdir);
	write_file(inc, "# included\n\nmax_bindings = ;\n");
	snprintf(path, sizeof(path), "%s/main.conf", tmpdir);
	write_file(path, "ident = \"x\";\n@include \"inc.conf\"\n");
	ck_assert_int_eq(load(path, &c, &err), -1);
	ck_assert_str_eq(conf_strerror(&err, got, sizeof(got)),
	    "inc.conf:3: syntax error");

	/* And so do semantic errors in it. */
	write_file(inc, "# included\nmax_bindings = 0;\n");
	write_file(path, "ident = \"x\";\nlma_address = \"::1\";\n"
	    "@include \"inc.conf\"\n");
	ck_assert_int_eq(load(path, &c, &err), -1);
	ck_assert_str_eq(conf_strerror(&err, got, sizeof(got)),
	    "inc.conf:2: max_bindings: 0 is out of range 1..4000000");
}
END_TEST

START_TEST(test_strerror)
{
	struct conf_err err;
	char buf[64];

	memset(&err, 0, sizeof(err));
	snprintf(err.msg, sizeof(err.msg), "x: why");
	ck_assert_str_eq(conf_strerror(&err, buf, sizeof(buf)), "x: why");
	err.line = 3;
	ck_assert_str_eq(conf_strerror(&err, buf, sizeof(buf)),
	    "line 3: x: why");
	err.line = 0;
	snprintf(err.file, sizeof(err.file), "f.conf");
	ck_assert_str_eq(conf_strerror(&err, buf, sizeof(buf)),
	    "f.conf: x: why");
	err.line = 12;
	ck_assert_str_eq(conf_strerror(&err, buf, sizeof(buf)),
	    "f.conf:12: x: why");
	/* Cut to the buffer, still terminated. */
	ck_assert_str_eq(conf_strerror(&err, buf, 8), "f.conf:");
}
END_TEST

START_TEST(test_apply_list)
{
	const struct tpeer *p;
	struct conf_list l = { 0, NULL };
	struct conf_err err;
	config_t cfg;
	char emsg[600];

	/* A list handled outside any schema, element by element. */
	config_init(&cfg);
	ck_assert_int_eq(config_read_string(&cfg,
	    "mags = ( { address = \"2001:db8::7\"; },\n"
	    "  { address = \"2001:db8::8\"; heartbeat_ms = 5000; } );\n"
	    "bad = ( { address = \"::1\"; },\n { heartbeat_ms = 1; } );\n"),
	    CONFIG_TRUE);
	ck_assert_msg(conf_apply_list(config_lookup(&cfg, "mags"), peer_schema,
	    sizeof(struct tpeer), &l, &err) == 0, "%s",
	    conf_strerror(&err, emsg, sizeof(emsg)));
	ck_assert_uint_eq(l.n, 2);
	p = l.v;
	ck_assert_uint_eq(p[0].heartbeat_ms, 60000);
	ck_assert_uint_eq(p[1].heartbeat_ms, 5000);
	ck_assert_int_eq(p[1].enabled, 1);

	/* Applying again replaces the old contents. */
	ck_assert_int_eq(conf_apply_list(config_lookup(&cfg, "bad"),
	    peer_schema, sizeof(struct tpeer), &l, &err), -1);
	/* Read from a string: a line but no file name. */
	ck_assert_str_eq(conf_strerror(&err, emsg, sizeof(emsg)),
	    "line 4: bad[1].heartbeat_ms: 1 ms is out of range 1000..3600000");
	conf_list_free(peer_schema, sizeof(struct tpeer), &l);
	ck_assert_uint_eq(l.n, 0);
	config_destroy(&cfg);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc;

	tc = tcase_create("engine");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_bad_schema);
	tcase_add_test(tc, test_good_file);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_strerror);
	tcase_add_test(tc, test_apply_list);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_bad_file, 0,
	    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_load_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
