/*
 * check_aaa.c: libaaa without a server.  The pure parts: the dictionary,
 * Access-Request and Accounting-Request attribute lists built from a MAC
 * and a configuration, profiles read from Access-Accept lists made in
 * process with rc_avpair_add() (RFC 6572 4 and 5.2), MN identifier
 * selection, bad attributes, the secret file rules and the schema.  The
 * pool and the packet layer have files of their own (check_aaa.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_aaa.h"
#include "log.h"

const uint8_t MAC1[6] = { 0x02, 0, 0, 0, 0, 0x01 };

rc_handle *rh;
struct aaa_config conf;
char tmpdir[64];

void
aaa_setup(void)
{
	char err[256];

	log_init("check_aaa", 1, LOG_LVL_WARN);
	rh = radius_dict_handle("/etc/radcli/dictionary", err, sizeof(err));
	ck_assert_msg(rh != NULL, "%s", err);
	aaa_config_defaults(&conf);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_aaa.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

void
aaa_teardown(void)
{
	char cmd[128];

	aaa_config_release(&conf);
	radius_handle_free(rh);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The n-th (from 0) attribute id in vp, or NULL. */
static VALUE_PAIR *
nth(VALUE_PAIR *vp, int id, int n)
{
	for (vp = rc_avpair_get(vp, id, 0); vp != NULL && n > 0; n--)
		vp = rc_avpair_get(rc_avpair_next(vp), id, 0);
	return vp;
}

static int
count(VALUE_PAIR *vp, int id)
{
	int n = 0;

	while (nth(vp, id, n) != NULL)
		n++;
	return n;
}

static uint32_t
int_of(VALUE_PAIR *vp, int id)
{
	uint32_t v = 0xdeadbeef;

	vp = rc_avpair_get(vp, id, 0);
	ck_assert_msg(vp != NULL, "attribute %d missing", id);
	ck_assert_int_eq(rc_avpair_get_uint32(vp, &v), 0);
	return v;
}

/* The raw value as a NUL-terminated string (attributes are <= 253). */
static const char *
str_of(VALUE_PAIR *vp, int id)
{
	static char buf[256];
	char *raw;
	unsigned n;

	vp = rc_avpair_get(vp, id, 0);
	ck_assert_msg(vp != NULL, "attribute %d missing", id);
	ck_assert_int_eq(rc_avpair_get_raw(vp, &raw, &n), 0);
	memcpy(buf, raw, n);
	buf[n] = '\0';
	return buf;
}

static void
add(VALUE_PAIR **vp, int id, const void *v, int len)
{
	ck_assert_msg(rc_avpair_add(rh, vp, id, v, len, 0) != NULL,
	    "cannot add attribute %d", id);
}

static void
add_u32(VALUE_PAIR **vp, int id, uint32_t v)
{
	add(vp, id, &v, 0);
}

static void
add_addr(VALUE_PAIR **vp, int id, const char *s)
{
	struct in6_addr a;

	ck_assert_int_eq(inet_pton(AF_INET6, s, &a), 1);
	add(vp, id, &a, 16);
}

/* RFC 3162 2.3 layout with nbytes prefix octets; plen as given. */
static void
add_prefix_raw(VALUE_PAIR **vp, const char *addr, unsigned plen,
    unsigned nbytes)
{
	uint8_t raw[18] = { 0 };
	struct in6_addr a;

	ck_assert_int_eq(inet_pton(AF_INET6, addr, &a), 1);
	raw[1] = (uint8_t)plen;
	memcpy(raw + 2, &a, nbytes);
	add(vp, RADIUS_PMIP6_HOME_HN_PREFIX, raw, (int)(2 + nbytes));
}

static void
add_fv(VALUE_PAIR **vp, uint64_t fv)
{
	uint8_t b[8];
	int i;

	for (i = 7; i >= 0; i--, fv >>= 8)
		b[i] = (uint8_t)fv;
	add(vp, RADIUS_MIP6_FEATURE_VECTOR, b, 8);
}

static enum aaa_result
parse(VALUE_PAIR *vp, struct aaa_profile *p, char *why, size_t wl)
{
	memset(p, 0, sizeof(*p));
	return radius_parse_accept(vp, &conf, "02-00-00-00-00-01", p, why,
	    wl);
}

static void
set_mnid_from(int a, int b)
{
	int *v = calloc(2, sizeof(int));

	ck_assert_ptr_nonnull(v);
	free(conf.mnid_from.v);
	v[0] = a;
	v[1] = b;
	conf.mnid_from.v = v;
	conf.mnid_from.n = b < 0 ? 1 : 2;
}

START_TEST(test_dictionary)
{
	static const struct {
		int		 id;
		const char	*name;
		rc_attr_type	 type;
	} want[] = {
		{ 124, "MIP6-Feature-Vector", PW_TYPE_STRING },
		{ 145, "Mobile-Node-Identifier", PW_TYPE_STRING },
		{ 146, "Service-Selection", PW_TYPE_STRING },
		{ 147, "PMIP6-Home-LMA-IPv6-Address", PW_TYPE_IPV6ADDR },
		{ 151, "PMIP6-Home-HN-Prefix", PW_TYPE_IPV6PREFIX },
		{ 153, "PMIP6-Home-Interface-ID", PW_TYPE_STRING },
		{ 158, "PMIP6-Visited-DHCP4-Server-Addr", PW_TYPE_IPADDR },
		{ 162, "PMIP6-Visited-IPv4-Gateway", PW_TYPE_IPADDR },
		{ 1, "User-Name", PW_TYPE_STRING },
		{ 97, "Framed-IPv6-Prefix", PW_TYPE_IPV6PREFIX },
	};
	DICT_ATTR *d, *f;
	rc_handle *file;
	size_t i;
	int id;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		d = rc_dict_getattr(rh, want[i].id);
		ck_assert_msg(d != NULL, "no attribute %d", want[i].id);
		ck_assert_str_eq(d->name, want[i].name);
		ck_assert_int_eq(d->type, want[i].type);
	}
	/* The shipped file (with its $INCLUDE) says what the built-in says. */
	file = rc_config_init(rc_new());
	ck_assert_ptr_nonnull(file);
	ck_assert_int_eq(rc_read_dictionary(file, AAA_DICT_FILE), 0);
	for (id = 1; id < 256; id++) {
		d = rc_dict_getattr(rh, id);
		f = rc_dict_getattr(file, id);
		ck_assert_msg((d == NULL) == (f == NULL), "attribute %d", id);
		if (d == NULL)
			continue;
		ck_assert_str_eq(d->name, f->name);
		ck_assert_int_eq(d->type, f->type);
	}
	rc_destroy(file);
}
END_TEST

START_TEST(test_request_defaults)
{
	VALUE_PAIR *vp;
	char why[256], *raw;
	unsigned n;
	static const uint8_t fv[8] = { 0, 0, 0x01, 0, 0, 0, 0, 0 };

	ck_assert_int_eq(radius_build_access_request(rh, &conf, MAC1, 7, &vp,
	    why, sizeof(why)), 0);
	ck_assert_str_eq(str_of(vp, PW_USER_NAME), "02-00-00-00-00-01");
	ck_assert_str_eq(str_of(vp, PW_CALLING_STATION_ID),
	    "02-00-00-00-00-01");
	/* RFC 6572 5.1: Service-Type Login, NAS-Port-Type present. */
	ck_assert_uint_eq(int_of(vp, PW_SERVICE_TYPE), 1);
	ck_assert_uint_eq(int_of(vp, PW_NAS_PORT_TYPE), 19);
	/* Left to radcli (source address) or off by default. */
	ck_assert_ptr_null(rc_avpair_get(vp, PW_NAS_IPV6_ADDRESS, 0));
	ck_assert_ptr_null(rc_avpair_get(vp, PW_NAS_IDENTIFIER, 0));
	ck_assert_ptr_null(rc_avpair_get(vp, PW_NAS_PORT, 0));
	ck_assert_ptr_null(rc_avpair_get(vp, PW_USER_PASSWORD, 0));
	ck_assert_int_eq(rc_avpair_get_raw(rc_avpair_get(vp,
	    RADIUS_MIP6_FEATURE_VECTOR, 0), &raw, &n), 0);
	ck_assert_uint_eq(n, 8);
	ck_assert_mem_eq(raw, fv, 8);
	rc_avpair_free(vp);
}
END_TEST

START_TEST(test_request_options)
{
	VALUE_PAIR *vp;
	struct in6_addr a, nas;
	char why[256];

	conf.mac_format = MAC_COLON_LOWER;
	snprintf(conf.realm, sizeof(conf.realm), "pmip6.example");
	conf.mac_as_password = 1;
	snprintf(conf.nas_identifier, sizeof(conf.nas_identifier), "mag1");
	inet_pton(AF_INET6, "2001:db8::1", &nas);
	conf.nas_ipv6_address = nas;
	conf.send_nas_port = 1;
	conf.nas_port_type = 2;		/* ethernet */
	conf.service_type = 2;		/* framed */
	conf.feature_vector = 0;
	ck_assert_int_eq(radius_build_access_request(rh, &conf, MAC1, 7, &vp,
	    why, sizeof(why)), 0);
	ck_assert_str_eq(str_of(vp, PW_USER_NAME),
	    "02:00:00:00:00:01@pmip6.example");
	ck_assert_str_eq(str_of(vp, PW_CALLING_STATION_ID),
	    "02:00:00:00:00:01");
	ck_assert_str_eq(str_of(vp, PW_USER_PASSWORD), "02:00:00:00:00:01");
	ck_assert_str_eq(str_of(vp, PW_NAS_IDENTIFIER), "mag1");
	ck_assert_int_eq(rc_avpair_get_in6(rc_avpair_get(vp,
	    PW_NAS_IPV6_ADDRESS, 0), &a, NULL), 0);
	ck_assert(addr6_eq(&a, &nas));
	ck_assert_uint_eq(int_of(vp, PW_NAS_PORT), 7);
	ck_assert_uint_eq(int_of(vp, PW_NAS_PORT_TYPE), 15);
	ck_assert_uint_eq(int_of(vp, PW_SERVICE_TYPE), 2);
	ck_assert_ptr_null(rc_avpair_get(vp, RADIUS_MIP6_FEATURE_VECTOR, 0));
	rc_avpair_free(vp);

	conf.service_type = 0;		/* none */
	conf.nas_port_type = 0;
	conf.mac_format = MAC_PLAIN_UPPER;
	conf.realm[0] = '\0';
	ck_assert_int_eq(radius_build_access_request(rh, &conf, MAC1, 7, &vp,
	    why, sizeof(why)), 0);
	ck_assert_ptr_null(rc_avpair_get(vp, PW_SERVICE_TYPE, 0));
	ck_assert_ptr_null(rc_avpair_get(vp, PW_NAS_PORT_TYPE, 0));
	ck_assert_str_eq(str_of(vp, PW_USER_NAME), "020000000001");
	rc_avpair_free(vp);
}
END_TEST

/* The Accept RADIUS.md's users file gives, plus what accounting needs. */
static VALUE_PAIR *
full_accept(void)
{
	static const uint8_t ifid[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
	VALUE_PAIR *vp = NULL;

	add(&vp, RADIUS_MOBILE_NODE_IDENTIFIER, "mn1@pmip6.example", -1);
	add_addr(&vp, RADIUS_PMIP6_HOME_LMA_IPV6, "fd00:1::1");
	add_prefix_raw(&vp, "fd00:100:1::", 64, 16);
	add_prefix_raw(&vp, "fd00:100:2::", 64, 8);
	add(&vp, RADIUS_PMIP6_HOME_INTERFACE_ID, ifid, 8);
	add_u32(&vp, PW_SESSION_TIMEOUT, 3600);
	add_u32(&vp, PW_ACCT_INTERIM_INTERVAL, 30);
	add(&vp, PW_CLASS, "\x01\x00\x02", 3);
	add(&vp, PW_CHARGEABLE_USER_IDENTITY, "cui-1", -1);
	add(&vp, PW_USER_NAME, "alice@pmip6.example", -1);
	add(&vp, RADIUS_SERVICE_SELECTION, "internet", -1);
	add_fv(&vp, AAA_FV_PMIP6_SUPPORTED | AAA_FV_LOCAL_MAG_ROUTING);
	add(&vp, PW_REPLY_MESSAGE, "welcome", -1);
	return vp;
}

START_TEST(test_accept_full)
{
	static const uint8_t ifid[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
	struct aaa_profile p;
	struct prefix6 h1, h2;
	struct in6_addr lma;
	VALUE_PAIR *vp = full_accept();
	char why[256];

	ck_assert_int_eq(parse(vp, &p, why, sizeof(why)), AAA_ACCEPT);
	ck_assert_uint_eq(p.mnid_len, 17);
	ck_assert_mem_eq(p.mnid, "mn1@pmip6.example", 17);
	ck_assert_int_eq(p.mnid_from, AAA_MNID_MOBILE_NODE_IDENTIFIER);
	ck_assert(p.has_lma);
	inet_pton(AF_INET6, "fd00:1::1", &lma);
	ck_assert(addr6_eq(&p.lma, &lma));
	ck_assert_uint_eq(p.n_hnp, 2);
	prefix6_parse("fd00:100:1::/64", &h1);
	prefix6_parse("fd00:100:2::/64", &h2);
	ck_assert(prefix6_eq(&p.hnp[0], &h1));
	ck_assert(prefix6_eq(&p.hnp[1], &h2));
	ck_assert(p.has_ifid);
	ck_assert_mem_eq(p.ifid, ifid, 8);
	ck_assert_uint_eq(p.session_timeout, 3600);
	ck_assert_uint_eq(p.acct_interim_interval, 60);	/* RFC 2869 5.16 */
	ck_assert_uint_eq(p.class_len, 3);
	ck_assert_mem_eq(p.class_, "\x01\x00\x02", 3);
	ck_assert_uint_eq(p.cui_len, 5);
	ck_assert_mem_eq(p.cui, "cui-1", 5);
	ck_assert_str_eq(p.user_name, "alice@pmip6.example");
	ck_assert_str_eq(p.service_selection, "internet");
	ck_assert(p.has_feature_vector);
	ck_assert(p.feature_vector & AAA_FV_LOCAL_MAG_ROUTING);
	rc_avpair_free(vp);
}
END_TEST

START_TEST(test_accept_minimal)
{
	struct aaa_profile p;
	VALUE_PAIR *vp = NULL;
	char why[256];

	/* No LMA, no prefix: the MAG decides (default LMA, LMA assigns). */
	add(&vp, RADIUS_MOBILE_NODE_IDENTIFIER, "mn2", -1);
	ck_assert_int_eq(parse(vp, &p, why, sizeof(why)), AAA_ACCEPT);
	ck_assert(!p.has_lma);
	ck_assert_uint_eq(p.n_hnp, 0);
	ck_assert(!p.has_ifid);
	ck_assert_uint_eq(p.session_timeout, 0);
	ck_assert_str_eq(p.user_name, "02-00-00-00-00-01");
	rc_avpair_free(vp);

	/* Nothing at all: an Accept without MN identifier is a failure. */
	ck_assert_int_eq(parse(NULL, &p, why, sizeof(why)), AAA_ERROR);
	ck_assert_msg(strstr(why, "without Mobile-Node-Identifier") != NULL,
	    "%s", why);
}
END_TEST

START_TEST(test_mnid_order)
{
	struct aaa_profile p;
	VALUE_PAIR *vp = NULL, *vp2 = NULL;
	char why[256];

	add(&vp, PW_CHARGEABLE_USER_IDENTITY, "cui-7", -1);
	/* Default order: only Mobile-Node-Identifier counts. */
	ck_assert_int_eq(parse(vp, &p, why, sizeof(why)), AAA_ERROR);

	set_mnid_from(AAA_MNID_USER_NAME, -1);	/* the User-Name sent */
	ck_assert_int_eq(parse(vp, &p, why, sizeof(why)), AAA_ACCEPT);
	ck_assert_int_eq(p.mnid_from, AAA_MNID_USER_NAME);
	ck_assert_mem_eq(p.mnid, "02-00-00-00-00-01", 17);

	set_mnid_from(AAA_MNID_CUI, AAA_MNID_USER_NAME);
	ck_assert_int_eq(parse(vp, &p, why, sizeof(why)), AAA_ACCEPT);
	ck_assert_int_eq(p.mnid_from, AAA_MNID_CUI);
	ck_assert_uint_eq(p.mnid_len, 5);
	ck_assert_mem_eq(p.mnid, "cui-7", 5);

	add(&vp, RADIUS_MOBILE_NODE_IDENTIFIER, "mn-7", -1);
	set_mnid_from(AAA_MNID_MOBILE_NODE_IDENTIFIER, AAA_MNID_CUI);
	ck_assert_int_eq(parse(vp, &p, why, sizeof(why)), AAA_ACCEPT);
	ck_assert_int_eq(p.mnid_from, AAA_MNID_MOBILE_NODE_IDENTIFIER);
	ck_assert_mem_eq(p.mnid, "mn-7", 4);

	/* The Accept's User-Name wins over the one sent. */
	add(&vp2, PW_USER_NAME, "bob", -1);
	add(&vp2, PW_CHARGEABLE_USER_IDENTITY, "", 1);	/* a CUI request */
	set_mnid_from(AAA_MNID_CUI, AAA_MNID_USER_NAME);
	ck_assert_int_eq(parse(vp2, &p, why, sizeof(why)), AAA_ACCEPT);
	ck_assert_int_eq(p.mnid_from, AAA_MNID_USER_NAME);
	ck_assert_uint_eq(p.mnid_len, 3);
	ck_assert_uint_eq(p.cui_len, 0);
	set_mnid_from(AAA_MNID_CUI, -1);
	ck_assert_int_eq(parse(vp2, &p, why, sizeof(why)), AAA_ERROR);
	ck_assert_msg(strstr(why, "Chargeable-User-Identity") != NULL, "%s",
	    why);
	rc_avpair_free(vp);
	rc_avpair_free(vp2);
}
END_TEST

/* Accepts that must not be used, and the word the reason must hold. */
enum bad_kind {
	BAD_PLEN, BAD_SHORT, BAD_HOSTBITS, BAD_ZERO_PLEN, BAD_LINKLOCAL,
	BAD_TOO_MANY, BAD_IFID_LEN, BAD_IFID_ZERO, BAD_TWO_LMA, BAD_LMA_ANY,
	BAD_LMA_MCAST, BAD_TWO_MNID, BAD_FV_LEN, BAD_TWO_IFID, BAD_MAX
};

static const char *const bad_word[BAD_MAX] = {
	"length /129", "/64 in 3 octets", "bits set past", "no home network",
	"no home network", "more than 8", "7 octets", "is zero",
	"more than one PMIP6-Home-LMA", "no LMA address", "no LMA address",
	"more than one Mobile-Node", "malformed MIP6-Feature-Vector",
	"more than one PMIP6-Home-Interface-ID",
};

START_TEST(test_accept_bad)
{
	static const uint8_t ifid[8] = { 0, 0, 0, 0, 0, 0, 0, 9 };
	static const uint8_t zero[8];
	struct aaa_profile p;
	VALUE_PAIR *vp = NULL;
	char why[256], a[64];
	int i;

	add(&vp, RADIUS_MOBILE_NODE_IDENTIFIER, "mn1", -1);
	switch ((enum bad_kind)_i) {
	case BAD_PLEN:
		add_prefix_raw(&vp, "fd00::", 129, 16);
		break;
	case BAD_SHORT:
		add_prefix_raw(&vp, "fd00::", 64, 3);
		break;
	case BAD_HOSTBITS:
		add_prefix_raw(&vp, "fd00::1", 64, 16);
		break;
	case BAD_ZERO_PLEN:
		add_prefix_raw(&vp, "::", 0, 0);
		break;
	case BAD_LINKLOCAL:
		add_prefix_raw(&vp, "fe80::", 64, 8);
		break;
	case BAD_TOO_MANY:
		for (i = 0; i < 9; i++) {
			snprintf(a, sizeof(a), "fd00:%x::", i + 1);
			add_prefix_raw(&vp, a, 64, 8);
		}
		break;
	case BAD_IFID_LEN:
		add(&vp, RADIUS_PMIP6_HOME_INTERFACE_ID, ifid, 7);
		break;
	case BAD_IFID_ZERO:
		add(&vp, RADIUS_PMIP6_HOME_INTERFACE_ID, zero, 8);
		break;
	case BAD_TWO_IFID:
		add(&vp, RADIUS_PMIP6_HOME_INTERFACE_ID, ifid, 8);
		add(&vp, RADIUS_PMIP6_HOME_INTERFACE_ID, ifid, 8);
		break;
	case BAD_TWO_LMA:
		add_addr(&vp, RADIUS_PMIP6_HOME_LMA_IPV6, "fd00:1::1");
		add_addr(&vp, RADIUS_PMIP6_HOME_LMA_IPV6, "fd00:1::2");
		break;
	case BAD_LMA_ANY:
		add_addr(&vp, RADIUS_PMIP6_HOME_LMA_IPV6, "::");
		break;
	case BAD_LMA_MCAST:
		add_addr(&vp, RADIUS_PMIP6_HOME_LMA_IPV6, "ff02::1");
		break;
	case BAD_TWO_MNID:
		add(&vp, RADIUS_MOBILE_NODE_IDENTIFIER, "mn2", -1);
		break;
	case BAD_FV_LEN:
		add(&vp, RADIUS_MIP6_FEATURE_VECTOR, "\0\0\1\0", 4);
		break;
	case BAD_MAX:
		break;
	}
	ck_assert_int_eq(parse(vp, &p, why, sizeof(why)), AAA_ERROR);
	ck_assert_msg(strstr(why, bad_word[_i]) != NULL, "case %d: %s", _i,
	    why);
	ck_assert_msg(strncmp(why, "Access-Accept: ", 15) == 0, "%s", why);
	rc_avpair_free(vp);
}
END_TEST

START_TEST(test_accept_prefixes)
{
	struct aaa_profile p;
	VALUE_PAIR *vp = NULL;
	char why[256], buf[PREFIX6_STRLEN];

	add(&vp, RADIUS_MOBILE_NODE_IDENTIFIER, "mn1", -1);
	/* A repeat is the same prefix; /56 in 7 octets; /128 too. */
	add_prefix_raw(&vp, "fd00:100:1::", 64, 8);
	add_prefix_raw(&vp, "fd00:100:1::", 64, 16);
	add_prefix_raw(&vp, "2001:db8:ab00::", 56, 7);
	add_prefix_raw(&vp, "2001:db8::5", 128, 16);
	ck_assert_int_eq(parse(vp, &p, why, sizeof(why)), AAA_ACCEPT);
	ck_assert_uint_eq(p.n_hnp, 3);
	ck_assert_str_eq(prefix6_ntop(&p.hnp[0], buf), "fd00:100:1::/64");
	ck_assert_str_eq(prefix6_ntop(&p.hnp[1], buf), "2001:db8:ab00::/56");
	ck_assert_str_eq(prefix6_ntop(&p.hnp[2], buf), "2001:db8::5/128");
	rc_avpair_free(vp);
}
END_TEST

START_TEST(test_feature_vector)
{
	struct aaa_profile p;
	VALUE_PAIR *vp;
	char why[256];

	/* RFC 6572 4.1: contradictions are rejects. */
	vp = NULL;
	add(&vp, RADIUS_MOBILE_NODE_IDENTIFIER, "mn1", -1);
	add_fv(&vp, AAA_FV_PMIP6_SUPPORTED | AAA_FV_IP4_HOA_ONLY |
	    AAA_FV_IP4_HOA_SUPPORTED);
	ck_assert_int_eq(parse(vp, &p, why, sizeof(why)), AAA_REJECT);
	ck_assert_msg(strstr(why, "contradictory") != NULL, "%s", why);
	rc_avpair_free(vp);

	vp = NULL;
	add(&vp, RADIUS_MOBILE_NODE_IDENTIFIER, "mn1", -1);
	add_fv(&vp, AAA_FV_IP4_HOA_ONLY);
	ck_assert_int_eq(parse(vp, &p, why, sizeof(why)), AAA_REJECT);
	rc_avpair_free(vp);

	vp = NULL;
	add(&vp, RADIUS_MOBILE_NODE_IDENTIFIER, "mn1", -1);
	add_fv(&vp, AAA_FV_LOCAL_MAG_ROUTING);
	ck_assert_int_eq(parse(vp, &p, why, sizeof(why)), AAA_REJECT);
	ck_assert_msg(strstr(why, "does not authorize PMIPv6") != NULL, "%s",
	    why);
	rc_avpair_free(vp);

	/* IPv4-only is coherent: reported, the MAG decides. */
	vp = NULL;
	add(&vp, RADIUS_MOBILE_NODE_IDENTIFIER, "mn1", -1);
	add_fv(&vp, AAA_FV_PMIP6_SUPPORTED | AAA_FV_IP4_HOA_ONLY);
	ck_assert_int_eq(parse(vp, &p, why, sizeof(why)), AAA_ACCEPT);
	ck_assert(p.has_feature_vector);
	ck_assert(p.feature_vector & AAA_FV_IP4_HOA_ONLY);
	rc_avpair_free(vp);
}
END_TEST

START_TEST(test_reply_message)
{
	VALUE_PAIR *vp = NULL;
	char buf[64];

	radius_reply_message(NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	add(&vp, PW_REPLY_MESSAGE, "go away\r\n", -1);
	add(&vp, PW_SESSION_TIMEOUT, "\0\0\0\1", 4);
	add(&vp, PW_REPLY_MESSAGE, "bad\001\\", -1);
	radius_reply_message(vp, buf, sizeof(buf));
	ck_assert_str_eq(buf, "go away; bad\\x01\\x5c");
	/* Cut, never overrun. */
	radius_reply_message(vp, buf, 12);
	ck_assert_uint_lt(strlen(buf), 12);
	rc_avpair_free(vp);
}
END_TEST

static VALUE_PAIR *
acct_list(enum aaa_acct_type type, struct aaa_session *s, int rc_want)
{
	VALUE_PAIR *vp = NULL;
	char why[256];

	ck_assert_int_eq(radius_build_acct_request(rh, &conf, type, s,
	    1700000000, &vp, why, sizeof(why)), rc_want);
	return vp;
}

START_TEST(test_acct)
{
	struct aaa_session s;
	struct aaa_profile p;
	VALUE_PAIR *vp, *in = full_accept(), *v;
	char why[256], *raw;
	unsigned n;
	static const uint8_t pfx64[10] = { 0, 64, 0xfd, 0, 0x01, 0, 0, 0x02,
	    0, 0 };

	ck_assert_int_eq(parse(in, &p, why, sizeof(why)), AAA_ACCEPT);
	memset(&s, 0, sizeof(s));
	snprintf(s.session_id, sizeof(s.session_id), "sess-1");
	memcpy(s.mac, MAC1, 6);
	s.profile = &p;

	vp = acct_list(AAA_ACCT_START, &s, 0);
	ck_assert_uint_eq(int_of(vp, PW_ACCT_STATUS_TYPE), 1);
	ck_assert_str_eq(str_of(vp, PW_ACCT_SESSION_ID), "sess-1");
	ck_assert_str_eq(str_of(vp, PW_USER_NAME), "alice@pmip6.example");
	ck_assert_str_eq(str_of(vp, PW_CALLING_STATION_ID),
	    "02-00-00-00-00-01");
	ck_assert_uint_eq(int_of(vp, PW_EVENT_TIMESTAMP), 1700000000);
	ck_assert_uint_eq(int_of(vp, PW_ACCT_AUTHENTIC), 1);
	ck_assert_uint_eq(int_of(vp, PW_NAS_PORT_TYPE), 19);
	ck_assert_str_eq(str_of(vp, PW_CHARGEABLE_USER_IDENTITY), "cui-1");
	ck_assert_str_eq(str_of(vp, RADIUS_MOBILE_NODE_IDENTIFIER),
	    "mn1@pmip6.example");
	ck_assert_ptr_nonnull(rc_avpair_get(vp, PW_CLASS, 0));
	ck_assert_ptr_nonnull(rc_avpair_get(vp, RADIUS_PMIP6_HOME_LMA_IPV6,
	    0));
	ck_assert_int_eq(count(vp, PW_FRAMED_IPV6_PREFIX), 2);
	ck_assert_int_eq(count(vp, RADIUS_PMIP6_HOME_HN_PREFIX), 2);
	/* RFC 3162 2.3 with only the octets the length needs. */
	v = nth(vp, RADIUS_PMIP6_HOME_HN_PREFIX, 1);
	ck_assert_int_eq(rc_avpair_get_raw(v, &raw, &n), 0);
	ck_assert_uint_eq(n, 10);
	ck_assert_mem_eq(raw, pfx64, 10);
	ck_assert_ptr_null(rc_avpair_get(vp, PW_ACCT_SESSION_TIME, 0));
	ck_assert_ptr_null(rc_avpair_get(vp, PW_ACCT_TERMINATE_CAUSE, 0));
	rc_avpair_free(vp);

	s.session_time = 42;
	s.terminate_cause = AAA_TERM_LOST_CARRIER;
	s.has_counters = 1;
	s.in_octets = 0x100000005ULL;
	s.out_octets = 7;
	s.in_packets = 0x1ffffffffULL;
	s.out_packets = 3;
	vp = acct_list(AAA_ACCT_STOP, &s, 0);
	ck_assert_uint_eq(int_of(vp, PW_ACCT_STATUS_TYPE), 2);
	ck_assert_uint_eq(int_of(vp, PW_ACCT_SESSION_TIME), 42);
	ck_assert_uint_eq(int_of(vp, PW_ACCT_TERMINATE_CAUSE), 2);
	ck_assert_uint_eq(int_of(vp, PW_ACCT_INPUT_OCTETS), 5);
	ck_assert_uint_eq(int_of(vp, PW_ACCT_INPUT_GIGAWORDS), 1);
	ck_assert_uint_eq(int_of(vp, PW_ACCT_OUTPUT_OCTETS), 7);
	ck_assert_uint_eq(int_of(vp, PW_ACCT_OUTPUT_GIGAWORDS), 0);
	ck_assert_uint_eq(int_of(vp, PW_ACCT_INPUT_PACKETS), 0xffffffffU);
	ck_assert_uint_eq(int_of(vp, PW_ACCT_OUTPUT_PACKETS), 3);
	rc_avpair_free(vp);

	vp = acct_list(AAA_ACCT_INTERIM, &s, 0);
	ck_assert_uint_eq(int_of(vp, PW_ACCT_STATUS_TYPE), 3);
	ck_assert_ptr_null(rc_avpair_get(vp, PW_ACCT_TERMINATE_CAUSE, 0));
	rc_avpair_free(vp);

	/* Without a profile: the MAC is the User-Name. */
	s.profile = NULL;
	vp = acct_list(AAA_ACCT_START, &s, 0);
	ck_assert_str_eq(str_of(vp, PW_USER_NAME), "02-00-00-00-00-01");
	ck_assert_ptr_null(rc_avpair_get(vp, PW_FRAMED_IPV6_PREFIX, 0));
	rc_avpair_free(vp);

	ck_assert_ptr_null(acct_list((enum aaa_acct_type)7, &s, -1));
	s.session_id[0] = '\0';
	ck_assert_ptr_null(acct_list(AAA_ACCT_START, &s, -1));
	rc_avpair_free(in);
}
END_TEST

void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(test_secret_file)
{
	char path[128], buf[RADIUS_SECRET_MAX + 1], err[512], s129[130];

	snprintf(path, sizeof(path), "%s/secret", tmpdir);
	write_file(path, "s3cr:et!\nsecond line\n", 0600);
	ck_assert_int_eq(aaa_read_secret(path, buf, sizeof(buf), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(buf, "s3cr:et!");
	write_file(path, "s3cret", 0400);
	ck_assert_int_eq(aaa_read_secret(path, buf, sizeof(buf), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(buf, "s3cret");

	write_file(path, "s3cret\n", 0640);
	ck_assert_int_eq(aaa_read_secret(path, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	ck_assert_msg(strstr(err, "mode 0640") && strstr(err, "chmod 600"),
	    "%s", err);
	write_file(path, "s3cret\n", 0604);
	ck_assert_int_eq(aaa_read_secret(path, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	write_file(path, "s3cret\n", 0620);
	ck_assert_int_eq(aaa_read_secret(path, buf, sizeof(buf), err,
	    sizeof(err)), -1);

	write_file(path, "\n", 0600);
	ck_assert_int_eq(aaa_read_secret(path, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	/* RFC 2865 3: any octets; the line ends it. */
	write_file(path, "with space, comma\ttab\r\n", 0600);
	ck_assert_int_eq(aaa_read_secret(path, buf, sizeof(buf), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(buf, "with space, comma\ttab");
	memset(s129, 'x', 129);
	s129[129] = '\0';
	write_file(path, s129, 0600);
	ck_assert_int_eq(aaa_read_secret(path, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	s129[128] = '\0';
	write_file(path, s129, 0600);
	ck_assert_int_eq(aaa_read_secret(path, buf, sizeof(buf), err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(strlen(buf), 128);
	{
		FILE *f = fopen(path, "w");

		fwrite("ab\0cd\n", 1, 6, f);
		fclose(f);
	}
	ck_assert_int_eq(aaa_read_secret(path, buf, sizeof(buf), err,
	    sizeof(err)), -1);

	ck_assert_int_eq(aaa_read_secret(tmpdir, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	ck_assert_msg(strstr(err, "regular") != NULL, "%s", err);
	snprintf(path, sizeof(path), "%s/none", tmpdir);
	ck_assert_int_eq(aaa_read_secret(path, buf, sizeof(buf), err,
	    sizeof(err)), -1);
}
END_TEST

/* Parse text as a file holding a radius group into conf. */
int
apply_text(const char *text, char *err, size_t len)
{
	static const struct conf_field root[] = {
		{ .name = "radius", .type = CONF_GROUP, .off = 0,
		  .sub = aaa_conf_schema },
		CONF_END
	};
	struct conf_err ce;
	config_t cfg;
	int rc;

	aaa_config_release(&conf);
	aaa_config_defaults(&conf);
	config_init(&cfg);
	ck_assert_int_eq(config_read_string(&cfg, text), CONFIG_TRUE);
	rc = conf_apply(config_root_setting(&cfg), root, &conf, &ce);
	if (rc == -1)
		conf_strerror(&ce, err, len);
	config_destroy(&cfg);
	return rc;
}

START_TEST(test_schema)
{
	const struct aaa_server_conf *s;
	char text[1024], err[512], path[128];
	const int *m;

	/* Defaults as documented. */
	ck_assert_uint_eq(conf.timeout_ms, 3000);
	ck_assert(conf.message_authenticator);
	ck_assert(!conf.require_message_authenticator);
	ck_assert_int_eq(conf.retries, 2);
	ck_assert_int_eq(conf.workers, 8);
	ck_assert_int_eq(conf.mac_format, MAC_DASH_UPPER);
	ck_assert_int_eq(aaa_nas_port_type_value(conf.nas_port_type), 19);
	ck_assert_int_eq(aaa_service_type_value(conf.service_type), 1);
	ck_assert(conf.feature_vector);
	ck_assert(conf.accounting);
	ck_assert(!conf.send_nas_port);
	ck_assert_str_eq(conf.dictionary, "/etc/radcli/dictionary");
	ck_assert_uint_eq(conf.servers.n, 0);

	snprintf(path, sizeof(path), "%s/secret", tmpdir);
	write_file(path, "testing123\n", 0600);
	snprintf(text, sizeof(text), "radius = {\n"
	    " servers = ( { address = \"2001:db8::10\"; secret_file = \"%s\";"
	    " }, { address = \"192.0.2.1\"; auth_port = 11812;"
	    " acct_port = 11813; secret_file = \"%s\"; } );\n"
	    " mac_format = \"colon-lower\";\n"
	    " nas_port_type = \"ethernet\";\n"
	    " mnid_from = [ \"user-name\", \"chargeable-user-identity\" ];\n"
	    "};\n", path, path);
	ck_assert_msg(apply_text(text, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(conf.servers.n, 2);
	s = conf.servers.v;
	ck_assert_str_eq(s[0].address, "2001:db8::10");
	ck_assert_int_eq(s[0].auth_port, 1812);
	ck_assert_int_eq(s[0].acct_port, 1813);
	ck_assert_int_eq(s[1].auth_port, 11812);
	ck_assert_int_eq(conf.mac_format, MAC_COLON_LOWER);
	ck_assert_int_eq(aaa_nas_port_type_value(conf.nas_port_type), 15);
	ck_assert_uint_eq(conf.mnid_from.n, 2);
	m = conf.mnid_from.v;
	ck_assert_int_eq(m[0], AAA_MNID_USER_NAME);
	ck_assert_int_eq(m[1], AAA_MNID_CUI);
	ck_assert_msg(aaa_config_check(&conf, err, sizeof(err)) == 0, "%s",
	    err);

	/* What the checker refuses, by name. */
	snprintf(text, sizeof(text), "radius = { bind_address = \"::1\";"
	    " servers = ( { address = \"192.0.2.1\"; secret_file = \"%s\";"
	    " } ); };", path);
	ck_assert_int_eq(apply_text(text, err, sizeof(err)), 0);
	ck_assert_int_eq(aaa_config_check(&conf, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "bind_address") != NULL, "%s", err);

	snprintf(text, sizeof(text), "radius = { servers = ( { address ="
	    " \"radius.example\"; secret_file = \"%s\"; } ); };", path);
	ck_assert_int_eq(apply_text(text, err, sizeof(err)), 0);
	ck_assert_int_eq(aaa_config_check(&conf, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "servers[0].address") != NULL, "%s", err);

	chmod(path, 0644);
	snprintf(text, sizeof(text), "radius = { servers = ( { address ="
	    " \"::1\"; secret_file = \"%s\"; } ); };", path);
	ck_assert_int_eq(apply_text(text, err, sizeof(err)), 0);
	ck_assert_int_eq(aaa_config_check(&conf, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "servers[0].secret_file") &&
	    strstr(err, "chmod 600"), "%s", err);

	ck_assert_int_eq(apply_text("radius = { };", err, sizeof(err)), 0);
	ck_assert_int_eq(aaa_config_check(&conf, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "no server") != NULL, "%s", err);

	/* The engine refuses what the table forbids. */
	ck_assert_int_eq(apply_text("radius = { mnid_from = [ \"mac\" ]; };",
	    err, sizeof(err)), -1);
	ck_assert_int_eq(apply_text("radius = { servers = ( { address = "
	    "\"::1\"; } ); };", err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "secret_file") != NULL, "%s", err);
	ck_assert_int_eq(apply_text("radius = { timeout_ms = 10; };", err,
	    sizeof(err)), -1);
}
END_TEST

static Suite *
aaa_suite(void)
{
	Suite *s = suite_create("aaa");
	TCase *tc;

	tc = tcase_create("messages");
	tcase_add_checked_fixture(tc, aaa_setup, aaa_teardown);
	tcase_add_test(tc, test_dictionary);
	tcase_add_test(tc, test_request_defaults);
	tcase_add_test(tc, test_request_options);
	tcase_add_test(tc, test_accept_full);
	tcase_add_test(tc, test_accept_minimal);
	tcase_add_test(tc, test_mnid_order);
	tcase_add_loop_test(tc, test_accept_bad, 0, BAD_MAX);
	tcase_add_test(tc, test_accept_prefixes);
	tcase_add_test(tc, test_feature_vector);
	tcase_add_test(tc, test_reply_message);
	tcase_add_test(tc, test_acct);
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_add_checked_fixture(tc, aaa_setup, aaa_teardown);
	tcase_add_test(tc, test_secret_file);
	tcase_add_test(tc, test_schema);
	suite_add_tcase(s, tc);

	aaa_pool_tcases(s);
	aaa_wire_tcases(s);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(aaa_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
