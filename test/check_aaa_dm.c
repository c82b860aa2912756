/*
 * check_aaa_dm.c: the Dynamic Authorization server (aaa/radius_dm.c,
 * RFC 5176) over UDP on ::1.  Disconnect-Requests are made here octet by
 * octet, signed as RFC 5176 3.5 says, sent to aaa_dm on a loop of our
 * own, and the replies checked: code, identifier, Response
 * Authenticator, Message-Authenticator, Error-Cause, Proxy-State.  Bad
 * packets must get no reply and no callback; retransmissions the same
 * reply and no second callback.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aaa_int.h"
#include "log.h"
#include "loop.h"

#define SECRET		"testing123"

static char tmpdir[64], secret_path[128];
static struct aaa_config conf;
static struct loop *loop;
static struct aaa_dm *dm;
static int cli = -1;
static int dm_port;

/* What the callback saw and answers. */
static unsigned calls, answer = 1;
static struct aaa_dm_request last;

static unsigned
fake_disconnect(void *ctx, const struct aaa_dm_request *r)
{
	ck_assert_ptr_eq(ctx, &calls);
	calls++;
	last = *r;
	return answer;
}

static int
apply(const char *text, char *err, size_t len)
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

/* A UDP port on ::1 that was free a moment ago. */
static int
free_port(void)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6,
	    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t sl = sizeof(s);
	int fd;

	ck_assert_int_ne(fd = socket(AF_INET6, SOCK_DGRAM, 0), -1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&s, sizeof(s)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&s, &sl), 0);
	close(fd);
	return ntohs(s.sin6_port);
}

/* Configure with server address srv and open aaa_dm; the client socket
 * sends to it. */
static void
open_dm(const char *srv, const char *extra)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6,
	    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	char text[1024], err[512];

	dm_port = free_port();
	snprintf(text, sizeof(text), "radius = { servers = ( { address = "
	    "\"%s\"; secret_file = \"%s\"; } ); dm_port = %d; dm_address = "
	    "\"::1\"; %s };", srv, secret_path, dm_port, extra);
	ck_assert_msg(apply(text, err, sizeof(err)) == 0, "%s", err);
	dm = aaa_dm_open(loop, &conf, fake_disconnect, &calls, err,
	    sizeof(err));
	ck_assert_msg(dm != NULL, "%s", err);
	if (cli != -1)
		close(cli);
	ck_assert_int_ne(cli = socket(AF_INET6, SOCK_DGRAM, 0), -1);
	s.sin6_port = htons((uint16_t)dm_port);
	ck_assert_int_eq(connect(cli, (struct sockaddr *)&s, sizeof(s)), 0);
}

static void
setup(void)
{
	FILE *f;

	log_init("check_aaa_dm", 1, LOG_LVL_ERR);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_aaa_dm.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(secret_path, sizeof(secret_path), "%s/secret", tmpdir);
	ck_assert_ptr_nonnull(f = fopen(secret_path, "w"));
	fputs(SECRET "\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(secret_path, 0600), 0);
	aaa_config_defaults(&conf);
	ck_assert_ptr_nonnull(loop = loop_new());
	calls = 0;
	answer = 1;
	memset(&last, 0, sizeof(last));
	dm = NULL;
}

static void
teardown(void)
{
	char cmd[128];

	clock_set_source(NULL);
	aaa_dm_close(dm);
	if (cli != -1)
		close(cli);
	cli = -1;
	loop_free(loop);
	aaa_config_release(&conf);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A request under construction. */
struct req {
	uint8_t	b[RADIUS_MAX_LEN];
	size_t	len;
	size_t	ma_at;	/* 0: no Message-Authenticator */
};

static void
req_start(struct req *q, uint8_t code, uint8_t id)
{
	memset(q, 0, sizeof(*q));
	q->b[0] = code;
	q->b[1] = id;
	q->len = RADIUS_HDR_LEN;
}

static void
req_attr(struct req *q, uint8_t type, const void *v, size_t n)
{
	ck_assert_uint_le(n, 253);
	q->b[q->len] = type;
	q->b[q->len + 1] = (uint8_t)(n + 2);
	memcpy(q->b + q->len + 2, v, n);
	q->len += n + 2;
}

static void
req_str(struct req *q, uint8_t type, const char *s)
{
	req_attr(q, type, s, strlen(s));
}

static void
req_u32(struct req *q, uint8_t type, uint32_t v)
{
	v = htonl(v);
	req_attr(q, type, &v, 4);
}

static void
req_ma(struct req *q)
{
	static const uint8_t zero[16];

	q->ma_at = q->len;
	req_attr(q, PW_MESSAGE_AUTHENTICATOR, zero, 16);
}

/* RFC 5176 3.5 and RFC 3579 3.2, with secret. */
static void
req_sign(struct req *q, const char *secret)
{
	struct radius_md5 m;
	uint8_t mac[16];

	q->b[2] = (uint8_t)(q->len >> 8);
	q->b[3] = (uint8_t)q->len;
	memset(q->b + 4, 0, 16);
	if (q->ma_at != 0) {
		radius_hmac_md5(mac, secret, strlen(secret), q->b, q->len);
		memcpy(q->b + q->ma_at + 2, mac, 16);
	}
	radius_md5_init(&m);
	radius_md5_update(&m, q->b, q->len);
	radius_md5_update(&m, secret, strlen(secret));
	radius_md5_final(&m, q->b + 4);
}

/* Send n octets, let the loop run, return the reply's length (-1 if
 * none). */
static int
exchange(const uint8_t *pkt, size_t n, uint8_t *rep, size_t replen)
{
	struct pollfd pfd = { .fd = cli, .events = POLLIN };
	ssize_t r;

	ck_assert_int_eq(send(cli, pkt, n, 0), (ssize_t)n);
	ck_assert_int_ge(loop_run_once(loop, 1000), 1);
	/* The reply is sent from the handler, so it is here or never. */
	if (poll(&pfd, 1, 50) != 1)
		return -1;
	r = recv(cli, rep, replen, 0);
	ck_assert_int_ge(r, RADIUS_HDR_LEN);
	return (int)r;
}

/* Check rep answers q: code, identifier, length, Response Authenticator
 * and Message-Authenticator (required when q had one). */
static void
check_reply(const struct req *q, const uint8_t *rep, int n, uint8_t code)
{
	uint8_t calc[16], copy[RADIUS_MAX_LEN];
	struct radius_md5 m;
	size_t o, ma_at = 0;

	ck_assert_int_ge(n, RADIUS_HDR_LEN);
	ck_assert_uint_eq(rep[0], code);
	ck_assert_uint_eq(rep[1], q->b[1]);
	ck_assert_int_eq((rep[2] << 8 | rep[3]), n);
	radius_md5_init(&m);
	radius_md5_update(&m, rep, 4);
	radius_md5_update(&m, q->b + 4, 16);
	radius_md5_update(&m, rep + RADIUS_HDR_LEN, (size_t)n -
	    RADIUS_HDR_LEN);
	radius_md5_update(&m, SECRET, strlen(SECRET));
	radius_md5_final(&m, calc);
	ck_assert_msg(memcmp(calc, rep + 4, 16) == 0,
	    "wrong Response Authenticator");
	for (o = RADIUS_HDR_LEN; o < (size_t)n; o += rep[o + 1]) {
		ck_assert_uint_ge(rep[o + 1], 2);
		if (rep[o] == PW_MESSAGE_AUTHENTICATOR)
			ma_at = o;
	}
	ck_assert_uint_eq(o, (size_t)n);
	ck_assert_int_eq(ma_at != 0, q->ma_at != 0);
	if (ma_at != 0) {
		memcpy(copy, rep, (size_t)n);
		memcpy(copy + 4, q->b + 4, 16);
		memset(copy + ma_at + 2, 0, 16);
		radius_hmac_md5(calc, SECRET, strlen(SECRET), copy,
		    (size_t)n);
		ck_assert_msg(memcmp(calc, rep + ma_at + 2, 16) == 0,
		    "wrong Message-Authenticator");
	}
}

/* The reply's Error-Cause, 0 if none. */
static uint32_t
error_cause(const uint8_t *rep, int n)
{
	size_t o;

	for (o = RADIUS_HDR_LEN; o < (size_t)n; o += rep[o + 1])
		if (rep[o] == PW_ERROR_CAUSE && rep[o + 1] == 6)
			return (uint32_t)rep[o + 2] << 24 |
			    (uint32_t)rep[o + 3] << 16 |
			    (uint32_t)rep[o + 4] << 8 | rep[o + 5];
	return 0;
}

static const uint8_t MAC1[6] = { 0x02, 0, 0, 0, 0, 0x01 };

START_TEST(test_ack)
{
	uint8_t rep[RADIUS_MAX_LEN];
	struct req q;
	int n;

	open_dm("::1", "");
	req_start(&q, RADIUS_DISCONNECT_REQUEST, 7);
	req_str(&q, PW_CALLING_STATION_ID, "02-00-00-00-00-01");
	req_sign(&q, SECRET);
	n = exchange(q.b, q.len, rep, sizeof(rep));
	check_reply(&q, rep, n, RADIUS_DISCONNECT_ACK);
	ck_assert_uint_eq(error_cause(rep, n), 0);
	ck_assert_uint_eq(calls, 1);
	ck_assert(last.has_mac);
	ck_assert_mem_eq(last.mac, MAC1, 6);
	ck_assert_str_eq(last.user_name, "");
	ck_assert_str_eq(last.session_id, "");
	ck_assert_uint_eq(last.mnid_len, 0);
}
END_TEST

/* Any common format, any case: all are 02-00-00-00-00-AB. */
static const char *const mac_texts[] = { "02-00-00-00-00-AB",
    "02-00-00-00-00-ab", "02:00:00:00:00:ab", "02:00:00:00:00:AB",
    "0200000000ab", "0200000000AB" };

START_TEST(test_mac_formats)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0xab };
	uint8_t rep[RADIUS_MAX_LEN];
	struct req q;
	int n;

	open_dm("::1", "");
	req_start(&q, RADIUS_DISCONNECT_REQUEST, (uint8_t)_i);
	req_str(&q, PW_CALLING_STATION_ID, mac_texts[_i]);
	req_sign(&q, SECRET);
	n = exchange(q.b, q.len, rep, sizeof(rep));
	check_reply(&q, rep, n, RADIUS_DISCONNECT_ACK);
	ck_assert(last.has_mac);
	ck_assert_mem_eq(last.mac, mac, 6);
}
END_TEST

START_TEST(test_identities)
{
	static const uint8_t mnid[] = { 'm', 'n', 0, 1 };
	uint8_t rep[RADIUS_MAX_LEN];
	struct req q;
	int n;

	open_dm("::1", "");
	req_start(&q, RADIUS_DISCONNECT_REQUEST, 1);
	req_str(&q, PW_USER_NAME, "02-00-00-00-00-01@example.net");
	req_str(&q, PW_ACCT_SESSION_ID, "5f3a00000001");
	req_attr(&q, RADIUS_MOBILE_NODE_IDENTIFIER, mnid, sizeof(mnid));
	req_str(&q, 250, "an unknown attribute is ignored");
	req_sign(&q, SECRET);
	n = exchange(q.b, q.len, rep, sizeof(rep));
	check_reply(&q, rep, n, RADIUS_DISCONNECT_ACK);
	ck_assert_uint_eq(calls, 1);
	ck_assert(!last.has_mac);
	ck_assert_str_eq(last.user_name, "02-00-00-00-00-01@example.net");
	ck_assert_str_eq(last.session_id, "5f3a00000001");
	ck_assert_uint_eq(last.mnid_len, sizeof(mnid));
	ck_assert_mem_eq(last.mnid, mnid, sizeof(mnid));
}
END_TEST

/* Each is dropped: no reply, no callback. */
enum { BAD_SECRET, BAD_TAMPERED, BAD_MA, BAD_SHORT, BAD_LENGTH,
    BAD_OVERRUN, BAD_CODE, BAD_TIMESTAMP, BAD_MAX };

START_TEST(test_dropped)
{
	uint8_t rep[RADIUS_MAX_LEN];
	struct req q;
	size_t n;

	open_dm("::1", "");
	req_start(&q, _i == BAD_CODE ? PW_ACCESS_REQUEST :
	    RADIUS_DISCONNECT_REQUEST, 3);
	req_str(&q, PW_CALLING_STATION_ID, "02-00-00-00-00-01");
	if (_i == BAD_MA)
		req_ma(&q);
	if (_i == BAD_TIMESTAMP)
		req_u32(&q, PW_EVENT_TIMESTAMP, (uint32_t)time(NULL) - 3600);
	req_sign(&q, _i == BAD_SECRET ? "testing124" : SECRET);
	n = q.len;
	switch (_i) {
	case BAD_TAMPERED:
		q.b[q.len - 1] ^= 1;	/* 01 -> 00 */
		break;
	case BAD_MA:
		/* Right Request Authenticator, wrong HMAC. */
		q.b[q.ma_at + 2] ^= 1;
		{
			struct radius_md5 m;
			static const uint8_t zero[16];

			radius_md5_init(&m);
			radius_md5_update(&m, q.b, 4);
			radius_md5_update(&m, zero, 16);
			radius_md5_update(&m, q.b + 20, q.len - 20);
			radius_md5_update(&m, SECRET, strlen(SECRET));
			radius_md5_final(&m, q.b + 4);
		}
		break;
	case BAD_SHORT:
		n = 19;
		break;
	case BAD_LENGTH:
		n = q.len - 1;	/* Length says more than came */
		break;
	case BAD_OVERRUN:
		q.b[RADIUS_HDR_LEN + 1] = 40;	/* past the end */
		break;
	}
	ck_assert_int_eq(exchange(q.b, n, rep, sizeof(rep)), -1);
	ck_assert_uint_eq(calls, 0);
}
END_TEST

START_TEST(test_unknown_client)
{
	uint8_t rep[RADIUS_MAX_LEN];
	struct req q;

	open_dm("::2", "");
	req_start(&q, RADIUS_DISCONNECT_REQUEST, 3);
	req_str(&q, PW_CALLING_STATION_ID, "02-00-00-00-00-01");
	req_sign(&q, SECRET);
	ck_assert_int_eq(exchange(q.b, q.len, rep, sizeof(rep)), -1);
	ck_assert_uint_eq(calls, 0);
}
END_TEST

START_TEST(test_not_found)
{
	uint8_t rep[RADIUS_MAX_LEN];
	struct req q;
	int n;

	open_dm("::1", "");
	answer = 0;
	req_start(&q, RADIUS_DISCONNECT_REQUEST, 9);
	req_str(&q, PW_CALLING_STATION_ID, "02-00-00-00-00-99");
	req_sign(&q, SECRET);
	n = exchange(q.b, q.len, rep, sizeof(rep));
	check_reply(&q, rep, n, RADIUS_DISCONNECT_NAK);
	ck_assert_uint_eq(error_cause(rep, n), RADIUS_EC_SESSION_NOT_FOUND);
	ck_assert_uint_eq(calls, 1);

	/* An Acct-Session-Id longer than any of ours. */
	req_start(&q, RADIUS_DISCONNECT_REQUEST, 10);
	req_str(&q, PW_ACCT_SESSION_ID, "0123456789012345678901234567890123"
	    "456789012345678901234567890123456789");
	req_sign(&q, SECRET);
	n = exchange(q.b, q.len, rep, sizeof(rep));
	check_reply(&q, rep, n, RADIUS_DISCONNECT_NAK);
	ck_assert_uint_eq(error_cause(rep, n), RADIUS_EC_SESSION_NOT_FOUND);
	ck_assert_uint_eq(calls, 1);
}
END_TEST

/* NAKs without a callback: which request, which Error-Cause. */
enum { NAK_MISSING, NAK_AUTHORIZE_ONLY, NAK_SESSION_TIMEOUT, NAK_BAD_MAC,
    NAK_TWO_MACS, NAK_NAS_ID, NAK_NAS_IP6, NAK_COA, NAK_MAX };

START_TEST(test_nak)
{
	static const uint32_t want[NAK_MAX] = { RADIUS_EC_MISSING_ATTRIBUTE,
	    RADIUS_EC_UNSUPPORTED_ATTRIBUTE, RADIUS_EC_UNSUPPORTED_ATTRIBUTE,
	    RADIUS_EC_INVALID_VALUE, RADIUS_EC_INVALID_REQUEST,
	    RADIUS_EC_NAS_MISMATCH, RADIUS_EC_NAS_MISMATCH,
	    RADIUS_EC_UNSUPPORTED_EXTENSION };
	uint8_t rep[RADIUS_MAX_LEN];
	struct in6_addr a;
	struct req q;
	int n;

	open_dm("::1", "nas_identifier = \"mag1\"; nas_ipv6_address = "
	    "\"2001:db8::1\";");
	req_start(&q, _i == NAK_COA ? RADIUS_COA_REQUEST :
	    RADIUS_DISCONNECT_REQUEST, 20);
	req_str(&q, PW_NAS_IDENTIFIER, _i == NAK_NAS_ID ? "mag2" : "mag1");
	inet_pton(AF_INET6, _i == NAK_NAS_IP6 ? "2001:db8::2" : "2001:db8::1",
	    &a);
	req_attr(&q, PW_NAS_IPV6_ADDRESS, &a, 16);
	req_u32(&q, PW_EVENT_TIMESTAMP, (uint32_t)time(NULL));
	if (_i != NAK_MISSING)
		req_str(&q, PW_CALLING_STATION_ID, _i == NAK_BAD_MAC ?
		    "02-00-00-00-00" : "02-00-00-00-00-01");
	if (_i == NAK_TWO_MACS)
		req_str(&q, PW_CALLING_STATION_ID, "02-00-00-00-00-02");
	if (_i == NAK_AUTHORIZE_ONLY)
		req_u32(&q, PW_SERVICE_TYPE, 17);
	if (_i == NAK_SESSION_TIMEOUT)
		req_u32(&q, PW_SESSION_TIMEOUT, 60);
	req_sign(&q, SECRET);
	n = exchange(q.b, q.len, rep, sizeof(rep));
	check_reply(&q, rep, n, _i == NAK_COA ? RADIUS_COA_NAK :
	    RADIUS_DISCONNECT_NAK);
	ck_assert_uint_eq(error_cause(rep, n), want[_i]);
	ck_assert_uint_eq(calls, 0);
}
END_TEST

static uint64_t fake_now = 1000000;

static uint64_t
fake_clock(void)
{
	return fake_now;
}

START_TEST(test_duplicate)
{
	uint8_t rep1[RADIUS_MAX_LEN], rep2[RADIUS_MAX_LEN];
	struct req q;
	int n1, n2;

	clock_set_source(fake_clock);
	open_dm("::1", "");
	req_start(&q, RADIUS_DISCONNECT_REQUEST, 42);
	req_str(&q, PW_CALLING_STATION_ID, "02-00-00-00-00-01");
	req_sign(&q, SECRET);
	n1 = exchange(q.b, q.len, rep1, sizeof(rep1));
	check_reply(&q, rep1, n1, RADIUS_DISCONNECT_ACK);
	ck_assert_uint_eq(calls, 1);

	/* The session is gone now: a new request would get a NAK, the
	 * retransmission gets the ACK again. */
	answer = 0;
	fake_now += 2000;
	n2 = exchange(q.b, q.len, rep2, sizeof(rep2));
	ck_assert_int_eq(n2, n1);
	ck_assert_mem_eq(rep1, rep2, (size_t)n1);
	ck_assert_uint_eq(calls, 1);

	/* Same identifier, other authenticator: a new request. */
	req_u32(&q, PW_EVENT_TIMESTAMP, (uint32_t)time(NULL));
	req_sign(&q, SECRET);
	n2 = exchange(q.b, q.len, rep2, sizeof(rep2));
	check_reply(&q, rep2, n2, RADIUS_DISCONNECT_NAK);
	ck_assert_uint_eq(calls, 2);

	/* Past the window, the same packet is new again. */
	fake_now += 10000;
	n2 = exchange(q.b, q.len, rep2, sizeof(rep2));
	check_reply(&q, rep2, n2, RADIUS_DISCONNECT_NAK);
	ck_assert_uint_eq(calls, 3);
}
END_TEST

START_TEST(test_message_authenticator)
{
	uint8_t rep[RADIUS_MAX_LEN];
	struct req q;
	int n;

	open_dm("::1", "");
	answer = _i;
	req_start(&q, RADIUS_DISCONNECT_REQUEST, 77);
	req_ma(&q);
	req_str(&q, PW_CALLING_STATION_ID, "02-00-00-00-00-01");
	req_sign(&q, SECRET);
	n = exchange(q.b, q.len, rep, sizeof(rep));
	check_reply(&q, rep, n, _i ? RADIUS_DISCONNECT_ACK :
	    RADIUS_DISCONNECT_NAK);
	ck_assert_uint_eq(calls, 1);
}
END_TEST

START_TEST(test_proxy_state)
{
	uint8_t rep[RADIUS_MAX_LEN];
	struct req q;
	int n;

	open_dm("::1", "");
	req_start(&q, RADIUS_DISCONNECT_REQUEST, 5);
	req_str(&q, PW_PROXY_STATE, "first");
	req_str(&q, PW_CALLING_STATION_ID, "02-00-00-00-00-01");
	req_str(&q, PW_PROXY_STATE, "second");
	req_sign(&q, SECRET);
	n = exchange(q.b, q.len, rep, sizeof(rep));
	check_reply(&q, rep, n, RADIUS_DISCONNECT_ACK);
	ck_assert_int_eq(n, RADIUS_HDR_LEN + 7 + 8);
	ck_assert_mem_eq(rep + RADIUS_HDR_LEN, "\x21\x07" "first", 7);
	ck_assert_mem_eq(rep + RADIUS_HDR_LEN + 7, "\x21\x08" "second", 8);
}
END_TEST

START_TEST(test_schema)
{
	char text[1024], err[512];

	ck_assert_int_eq(conf.dm_port, 0);
	ck_assert_str_eq(conf.dm_address, "");
	snprintf(text, sizeof(text), "radius = { servers = ( { address = "
	    "\"::1\"; secret_file = \"%s\"; } ); };", secret_path);
	ck_assert_int_eq(apply(text, err, sizeof(err)), 0);
	ck_assert_ptr_null(aaa_dm_open(loop, &conf, fake_disconnect, &calls,
	    err, sizeof(err)));
	ck_assert_msg(strstr(err, "dm_port") != NULL, "%s", err);

	snprintf(text, sizeof(text), "radius = { servers = ( { address = "
	    "\"::1\"; secret_file = \"%s\"; } ); dm_port = 3799; dm_address "
	    "= \"nowhere\"; };", secret_path);
	ck_assert_int_eq(apply(text, err, sizeof(err)), 0);
	ck_assert_int_eq(aaa_config_check(&conf, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "dm_address") != NULL, "%s", err);

	snprintf(text, sizeof(text), "radius = { servers = ( { address = "
	    "\"192.0.2.1\"; secret_file = \"%s\"; } ); dm_port = 3799; "
	    "dm_address = \"::1\"; };", secret_path);
	ck_assert_int_eq(apply(text, err, sizeof(err)), 0);
	ck_assert_int_eq(aaa_config_check(&conf, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "dm_address") != NULL, "%s", err);

	snprintf(text, sizeof(text), "radius = { servers = ( { address = "
	    "\"192.0.2.1\"; secret_file = \"%s\"; } ); dm_port = 3799; };",
	    secret_path);
	ck_assert_int_eq(apply(text, err, sizeof(err)), 0);
	ck_assert_msg(aaa_config_check(&conf, err, sizeof(err)) == 0, "%s",
	    err);

	snprintf(text, sizeof(text), "radius = { dm_port = 65536; };");
	ck_assert_int_eq(apply(text, err, sizeof(err)), -1);
}
END_TEST

static Suite *
dm_suite(void)
{
	Suite *s = suite_create("aaa_dm");
	TCase *tc = tcase_create("disconnect");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ack);
	tcase_add_loop_test(tc, test_mac_formats, 0,
	    sizeof(mac_texts) / sizeof(mac_texts[0]));
	tcase_add_test(tc, test_identities);
	tcase_add_loop_test(tc, test_dropped, 0, BAD_MAX);
	tcase_add_test(tc, test_unknown_client);
	tcase_add_test(tc, test_not_found);
	tcase_add_loop_test(tc, test_nak, 0, NAK_MAX);
	tcase_add_test(tc, test_duplicate);
	tcase_add_loop_test(tc, test_message_authenticator, 0, 2);
	tcase_add_test(tc, test_proxy_state);
	tcase_add_test(tc, test_schema);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(dm_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
