/*
 * check_aaa_wire.c: the RADIUS packet layer libaaa uses instead of
 * radcli's rc_aaa(): MD5 and HMAC-MD5 against RFC 1321 A.5 and RFC 2202
 * 2, packets byte for byte against vectors computed independently
 * (Python's hashlib and hmac), reply verification refusing what radcli
 * 1.2.11 lets through, and whole exchanges with a fake server thread on
 * ::1: retransmission, forged and stray replies, port unreachable,
 * accounting.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_aaa.h"

static size_t
unhex(const char *h, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	for (; h[0] != '\0' && h[1] != '\0'; h += 2) {
		ck_assert_int_eq(sscanf(h, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
	}
	return n;
}

static void
hex(const uint8_t *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

START_TEST(test_md5)
{
	static const char *const in[] = { "", "a", "abc", "message digest",
	    "abcdefghijklmnopqrstuvwxyz",
	    ("1234567890123456789012345678901234567890"
	    "1234567890123456789012345678901234567890") };
	static const char *const want[] = {
	    "d41d8cd98f00b204e9800998ecf8427e",
	    "0cc175b9c0f1b6a831c399e269772661",
	    "900150983cd24fb0d6963f7d28e17f72",
	    "f96b697d7cb7938d525a2f31aaf161d0",
	    "c3fcd3d76192e4007dfb496cca67e13b",
	    "57edf4a22be3c955ac49da2e2107b67a" };
	struct radius_md5 m;
	uint8_t d[16], key[80];
	char h[33];
	size_t i, j;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		radius_md5(d, in[i], strlen(in[i]));
		hex(d, 16, h);
		ck_assert_str_eq(h, want[i]);
		/* Fed in pieces of every size, the same digest. */
		radius_md5_init(&m);
		for (j = 0; j < strlen(in[i]); j++)
			radius_md5_update(&m, in[i] + j, 1);
		radius_md5_final(&m, d);
		hex(d, 16, h);
		ck_assert_str_eq(h, want[i]);
	}
	memset(key, 0x0b, 16);
	radius_hmac_md5(d, key, 16, "Hi There", 8);
	hex(d, 16, h);
	ck_assert_str_eq(h, "9294727a3638bb1c13f48ef8158bfc9d");
	radius_hmac_md5(d, "Jefe", 4, "what do ya want for nothing?", 28);
	hex(d, 16, h);
	ck_assert_str_eq(h, "750c783e6ab0b503eaa86e310a5db738");
	memset(key, 0xaa, 80);	/* a key longer than a block is hashed */
	radius_hmac_md5(d, key, 80, "Test Using Larger Than Block-Size Key "
	    "- Hash Key First", 54);
	hex(d, 16, h);
	ck_assert_str_eq(h, "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd");
}
END_TEST

/* Computed with hashlib/hmac: secret "testing123", ID 0x2a, RA 00..0f. */
#define REQ_HEX "012a0061000102030405060708090a0b0c0d0e0f5012f2e13d99aaca8dcf" \
	"3e9489b46d7fb75f011330322d30302d30302d30302d30302d30310222a6dc24fa44" \
	"d04a2a3d7637093024afbb237ef0d8f7c3bf6d3a63743790396a6f060600000001"
#define REP_HEX "022a002b47e9e0d7b085ca31eaed7e4e7cb9858891056d6e3150126a39e2" \
	"b8e811e4da7423e907952917b1"
#define ACCT_HEX "0407001e229d69da2385f8a18e803e5f6dd2e1cd2806000000012c0473" \
	"31"
#define SECRET	"testing123"

static const uint8_t RA[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    13, 14, 15 };

START_TEST(test_encode)
{
	uint8_t buf[RADIUS_MAX_LEN], want[128];
	VALUE_PAIR *vp = NULL;
	uint32_t one = 1;
	char why[128];
	size_t n;
	int len;

	/* Message-Authenticator first, User-Password hidden. */
	rc_avpair_add(rh, &vp, PW_USER_NAME, "02-00-00-00-00-01", -1, 0);
	rc_avpair_add(rh, &vp, PW_USER_PASSWORD, "02-00-00-00-00-01", -1, 0);
	rc_avpair_add(rh, &vp, PW_SERVICE_TYPE, &one, 0, 0);
	len = radius_encode(buf, sizeof(buf), PW_ACCESS_REQUEST, 0x2a, RA, vp,
	    SECRET, strlen(SECRET), 1, why, sizeof(why));
	n = unhex(REQ_HEX, want);
	ck_assert_int_eq(len, (int)n);
	ck_assert_mem_eq(buf, want, n);
	rc_avpair_free(vp);

	/* RFC 2866 3 authenticator. */
	vp = NULL;
	rc_avpair_add(rh, &vp, PW_ACCT_STATUS_TYPE, &one, 0, 0);
	rc_avpair_add(rh, &vp, PW_ACCT_SESSION_ID, "s1", -1, 0);
	len = radius_encode(buf, sizeof(buf), PW_ACCOUNTING_REQUEST, 7, NULL,
	    vp, SECRET, strlen(SECRET), 1, why, sizeof(why));
	n = unhex(ACCT_HEX, want);
	ck_assert_int_eq(len, (int)n);
	ck_assert_mem_eq(buf, want, n);

	/* No room: refused, never overrun. */
	ck_assert_int_eq(radius_encode(buf, 30, PW_ACCOUNTING_REQUEST, 7,
	    NULL, vp, SECRET, strlen(SECRET), 0, why, sizeof(why)), -1);
	rc_avpair_free(vp);
}
END_TEST

START_TEST(test_verify)
{
	uint8_t req[128], rep[128], bad[128];
	char why[128];
	size_t rn;

	unhex(REQ_HEX, req);
	rn = unhex(REP_HEX, rep);
	ck_assert_int_eq(radius_verify_reply(req, rep, rn, SECRET,
	    strlen(SECRET), 1, why, sizeof(why)), 0);
	/* UDP padding past Length is ignored (RFC 2865 3). */
	memcpy(bad, rep, rn);
	bad[rn] = 0xee;
	ck_assert_int_eq(radius_verify_reply(req, bad, rn + 1, SECRET,
	    strlen(SECRET), 1, why, sizeof(why)), 0);

	/* Another secret: what radcli 1.2.11 accepts. */
	ck_assert_int_eq(radius_verify_reply(req, rep, rn, "testing124", 10, 0,
	    why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "Response Authenticator") != NULL, "%s",
	    why);
	/* Any octet changed. */
	memcpy(bad, rep, rn);
	bad[22] ^= 1;
	ck_assert_int_eq(radius_verify_reply(req, bad, rn, SECRET,
	    strlen(SECRET), 0, why, sizeof(why)), -1);
	/* Another identifier. */
	memcpy(bad, req, sizeof(bad));
	bad[1] = 0x2b;
	ck_assert_int_eq(radius_verify_reply(bad, rep, rn, SECRET,
	    strlen(SECRET), 0, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "identifier") != NULL, "%s", why);
	/* An Accounting-Response does not answer an Access-Request. */
	memcpy(bad, rep, rn);
	bad[0] = PW_ACCOUNTING_RESPONSE;
	ck_assert_int_eq(radius_verify_reply(req, bad, rn, SECRET,
	    strlen(SECRET), 0, why, sizeof(why)), -1);
	/* Short, Length beyond the datagram, an attribute overrunning. */
	ck_assert_int_eq(radius_verify_reply(req, rep, 19, SECRET,
	    strlen(SECRET), 0, why, sizeof(why)), -1);
	ck_assert_int_eq(radius_verify_reply(req, rep, rn - 1, SECRET,
	    strlen(SECRET), 0, why, sizeof(why)), -1);
	memcpy(bad, rep, rn);
	bad[21] = 40;
	ck_assert_int_eq(radius_verify_reply(req, bad, rn, SECRET,
	    strlen(SECRET), 0, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "overruns") != NULL, "%s", why);
}
END_TEST

/* A reply to req: code, attributes, signed with secret, MA optional. */
static size_t
make_reply(uint8_t *out, const uint8_t *req, uint8_t code, uint8_t id,
    const uint8_t *attrs, size_t an, const char *secret, int ma)
{
	struct radius_md5 m;
	size_t len = RADIUS_HDR_LEN + an + (ma ? 18 : 0);
	uint8_t mac[16];

	out[0] = code;
	out[1] = id;
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	memcpy(out + 4, req + 4, 16);
	if (an > 0)
		memcpy(out + RADIUS_HDR_LEN, attrs, an);
	if (ma) {
		out[RADIUS_HDR_LEN + an] = PW_MESSAGE_AUTHENTICATOR;
		out[RADIUS_HDR_LEN + an + 1] = 18;
		memset(out + RADIUS_HDR_LEN + an + 2, 0, 16);
		radius_hmac_md5(mac, secret, strlen(secret), out, len);
		memcpy(out + RADIUS_HDR_LEN + an + 2, mac, 16);
	}
	radius_md5_init(&m);
	radius_md5_update(&m, out, len);
	radius_md5_update(&m, secret, strlen(secret));
	radius_md5_final(&m, out + 4);
	return len;
}

START_TEST(test_verify_ma)
{
	uint8_t req[128], rep[128];
	static const uint8_t mnid[] = { 145, 5, 'm', 'n', '1' };
	char why[128];
	size_t rn;

	unhex(REQ_HEX, req);
	/* Without one: fine unless required. */
	rn = make_reply(rep, req, PW_ACCESS_ACCEPT, 0x2a, mnid, sizeof(mnid),
	    SECRET, 0);
	ck_assert_int_eq(radius_verify_reply(req, rep, rn, SECRET,
	    strlen(SECRET), 0, why, sizeof(why)), 0);
	ck_assert_int_eq(radius_verify_reply(req, rep, rn, SECRET,
	    strlen(SECRET), 1, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "no Message-Authenticator") != NULL, "%s",
	    why);
	/* A Message-Authenticator keyed otherwise, under a good authenti-
	 * cator: caught by the HMAC. */
	rn = make_reply(rep, req, PW_ACCESS_ACCEPT, 0x2a, mnid, sizeof(mnid),
	    SECRET, 1);
	rep[rn - 1] ^= 1;
	{
		struct radius_md5 m;

		memcpy(rep + 4, req + 4, 16);
		radius_md5_init(&m);
		radius_md5_update(&m, rep, rn);
		radius_md5_update(&m, SECRET, strlen(SECRET));
		radius_md5_final(&m, rep + 4);
	}
	ck_assert_int_eq(radius_verify_reply(req, rep, rn, SECRET,
	    strlen(SECRET), 0, why, sizeof(why)), -1);
	ck_assert_msg(strstr(why, "wrong Message-Authenticator") != NULL,
	    "%s", why);
}
END_TEST

/*
 * The fake server: answers each request it receives per the script, one
 * step per datagram, and keeps a copy of what came in.
 */
enum step {
	S_ACCEPT,	/* Access-Accept with an MN-ID and an MA */
	S_REJECT,
	S_SILENT,
	S_FORGED,	/* signed with another secret */
	S_STRAY,	/* wrong identifier, then the right reply */
	S_ACCT,		/* Accounting-Response */
	S_LATE,		/* Access-Accept, sent when the next request comes */
};

struct fake {
	int		 fd;
	struct sockaddr_in6 addr;
	enum step	 script[8];
	int		 nscript;
	pthread_t	 th;
	uint8_t		 got[8][RADIUS_MAX_LEN];
	size_t		 gotlen[8];
	in_port_t	 gotport[8];	/* the client's source port */
	int		 ngot;
};

static void *
fake_run(void *arg)
{
	struct fake *f = arg;
	static const uint8_t mnid[] = { 145, 9, 'm', 'n', '-', 'f', 'a', 'k',
	    'e' };
	static const uint8_t msg[] = { 18, 5, 'n', 'o', '!' };
	struct sockaddr_in6 from;
	socklen_t fl;
	uint8_t in[RADIUS_MAX_LEN], out[RADIUS_MAX_LEN];
	uint8_t late[RADIUS_MAX_LEN];
	size_t on, latelen = 0;
	ssize_t n;
	int k;

	while (f->ngot < f->nscript) {
		fl = sizeof(from);
		n = recvfrom(f->fd, in, sizeof(in), 0,
		    (struct sockaddr *)&from, &fl);
		if (n <= 0)
			break;
		k = f->ngot++;
		memcpy(f->got[k], in, (size_t)n);
		f->gotlen[k] = (size_t)n;
		f->gotport[k] = from.sin6_port;
		if (latelen > 0) {
			sendto(f->fd, late, latelen, 0,
			    (struct sockaddr *)&from, fl);
			latelen = 0;
		}
		switch (f->script[k]) {
		case S_ACCEPT:
			on = make_reply(out, in, PW_ACCESS_ACCEPT, in[1], mnid,
			    sizeof(mnid), SECRET, 1);
			break;
		case S_REJECT:
			on = make_reply(out, in, PW_ACCESS_REJECT, in[1], msg,
			    sizeof(msg), SECRET, 0);
			break;
		case S_FORGED:
			on = make_reply(out, in, PW_ACCESS_ACCEPT, in[1], mnid,
			    sizeof(mnid), "not-the-secret", 0);
			break;
		case S_STRAY:
			on = make_reply(out, in, PW_ACCESS_ACCEPT,
			    (uint8_t)(in[1] + 1), mnid, sizeof(mnid), SECRET,
			    0);
			sendto(f->fd, out, on, 0, (struct sockaddr *)&from, fl);
			on = make_reply(out, in, PW_ACCESS_ACCEPT, in[1], mnid,
			    sizeof(mnid), SECRET, 0);
			break;
		case S_ACCT:
			on = make_reply(out, in, PW_ACCOUNTING_RESPONSE, in[1],
			    NULL, 0, SECRET, 0);
			break;
		case S_LATE:
			latelen = make_reply(late, in, PW_ACCESS_ACCEPT, in[1],
			    mnid, sizeof(mnid), SECRET, 1);
			continue;
		default:
			continue;
		}
		sendto(f->fd, out, on, 0, (struct sockaddr *)&from, fl);
	}
	return NULL;
}

/* A fake server on port (0: any free one). */
static void
fake_start_port(struct fake *f, const enum step *script, int n,
    in_port_t port)
{
	struct timeval tv = { 3, 0 };
	socklen_t sl = sizeof(f->addr);

	memset(f, 0, sizeof(*f));
	memcpy(f->script, script, (size_t)n * sizeof(*script));
	f->nscript = n;
	f->fd = socket(AF_INET6, SOCK_DGRAM, 0);
	ck_assert_int_ge(f->fd, 0);
	f->addr.sin6_family = AF_INET6;
	f->addr.sin6_addr = in6addr_loopback;
	f->addr.sin6_port = port;
	ck_assert_int_eq(bind(f->fd, (struct sockaddr *)&f->addr,
	    sizeof(f->addr)), 0);
	ck_assert_int_eq(getsockname(f->fd, (struct sockaddr *)&f->addr, &sl),
	    0);
	setsockopt(f->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_run, f), 0);
}

static void
fake_start(struct fake *f, const enum step *script, int n)
{
	fake_start_port(f, script, n, 0);
}

static void
fake_stop(struct fake *f)
{
	shutdown(f->fd, SHUT_RDWR);
	pthread_join(f->th, NULL);
	close(f->fd);
}

static void
peer_of(struct radius_peer *p, const struct sockaddr_in6 *a)
{
	memset(p, 0, sizeof(*p));
	memcpy(&p->addr, a, sizeof(*a));
	p->addr_len = sizeof(*a);
	p->secret = SECRET;
	p->secret_len = strlen(SECRET);
}

static int
exchange_on(const struct fake *f, struct radius_conn *c, int acct,
    int retries, VALUE_PAIR **send, VALUE_PAIR **recv, char *why, size_t wl)
{
	struct radius_xopts o;
	struct radius_peer p;

	memset(&o, 0, sizeof(o));
	o.timeout_ms = 200;
	o.retries = retries;
	o.add_ma = 1;
	o.require_ma = 0;
	peer_of(&p, &f->addr);
	return radius_exchange(rh, &p, c, &o, acct, send, 0, recv, why, wl);
}

static int
exchange(const struct fake *f, int acct, int retries, VALUE_PAIR **send,
    VALUE_PAIR **recv, char *why, size_t wl)
{
	return exchange_on(f, NULL, acct, retries, send, recv, why, wl);
}

static VALUE_PAIR *
access_list(void)
{
	VALUE_PAIR *vp = NULL;

	rc_avpair_add(rh, &vp, PW_USER_NAME, "02-00-00-00-00-01", -1, 0);
	return vp;
}

START_TEST(test_exchange_accept)
{
	static const enum step s[] = { S_SILENT, S_ACCEPT };
	VALUE_PAIR *send = access_list(), *recv = NULL, *v;
	uint8_t req[RADIUS_MAX_LEN];
	struct fake f;
	char why[128];

	fake_start(&f, s, 2);
	ck_assert_int_eq(exchange(&f, 0, 2, &send, &recv, why, sizeof(why)),
	    OK_RC);
	fake_stop(&f);
	v = rc_avpair_get(recv, RADIUS_MOBILE_NODE_IDENTIFIER, 0);
	ck_assert_ptr_nonnull(v);
	/* RFC 5080 2.2.1: the retransmission is the same packet. */
	ck_assert_int_eq(f.ngot, 2);
	ck_assert_uint_eq(f.gotlen[0], f.gotlen[1]);
	ck_assert_mem_eq(f.got[0], f.got[1], f.gotlen[0]);
	/* Signed, Message-Authenticator first, with the NAS address the
	 * socket had (RFC 6572 5.1), which the list does not keep. */
	memcpy(req, f.got[0], f.gotlen[0]);
	ck_assert_int_eq(req[RADIUS_HDR_LEN], PW_MESSAGE_AUTHENTICATOR);
	ck_assert_ptr_nonnull(memmem(req, f.gotlen[0], "\x5f\x12\0\0\0\0\0\0"
	    "\0\0\0\0\0\0\0\0\0\x01", 18));
	ck_assert_ptr_null(rc_avpair_get(send, PW_NAS_IPV6_ADDRESS, 0));
	rc_avpair_free(send);
	rc_avpair_free(recv);
}
END_TEST

START_TEST(test_exchange_reject)
{
	static const enum step s[] = { S_REJECT };
	VALUE_PAIR *send = access_list(), *recv = NULL;
	struct fake f;
	char why[128];

	fake_start(&f, s, 1);
	ck_assert_int_eq(exchange(&f, 0, 0, &send, &recv, why, sizeof(why)),
	    REJECT_RC);
	fake_stop(&f);
	ck_assert_ptr_nonnull(rc_avpair_get(recv, PW_REPLY_MESSAGE, 0));
	rc_avpair_free(send);
	rc_avpair_free(recv);
}
END_TEST

START_TEST(test_exchange_forged)
{
	static const enum step s[] = { S_FORGED, S_FORGED };
	VALUE_PAIR *send = access_list(), *recv = NULL;
	struct fake f;
	char why[128];

	/* The Accept radcli would have taken: dropped, each time. */
	fake_start(&f, s, 2);
	ck_assert_int_eq(exchange(&f, 0, 1, &send, &recv, why, sizeof(why)),
	    BADRESP_RC);
	fake_stop(&f);
	ck_assert_ptr_null(recv);
	ck_assert_msg(strstr(why, "Response Authenticator") != NULL, "%s",
	    why);
	rc_avpair_free(send);
}
END_TEST

START_TEST(test_exchange_stray)
{
	static const enum step s[] = { S_STRAY };
	VALUE_PAIR *send = access_list(), *recv = NULL;
	struct fake f;
	char why[128];

	/* A reply to someone else is skipped; ours still counts. */
	fake_start(&f, s, 1);
	ck_assert_int_eq(exchange(&f, 0, 0, &send, &recv, why, sizeof(why)),
	    OK_RC);
	fake_stop(&f);
	ck_assert_ptr_nonnull(recv);
	rc_avpair_free(send);
	rc_avpair_free(recv);
}
END_TEST

START_TEST(test_exchange_timeout_refused)
{
	static const enum step s[] = { S_SILENT, S_SILENT, S_SILENT };
	VALUE_PAIR *send = access_list(), *recv = NULL;
	struct fake f;
	char why[128];
	int fd;
	socklen_t sl;

	fake_start(&f, s, 3);
	ck_assert_int_eq(exchange(&f, 0, 2, &send, &recv, why, sizeof(why)),
	    TIMEOUT_RC);
	fake_stop(&f);
	ck_assert_int_eq(f.ngot, 3);

	/* A closed port answers with ICMP: no need to wait it out. */
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	sl = sizeof(f.addr);
	f.addr.sin6_port = 0;
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&f.addr, sl), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&f.addr, &sl), 0);
	close(fd);
	ck_assert_int_eq(exchange(&f, 0, 5, &send, &recv, why, sizeof(why)),
	    RADIUS_REFUSED_RC);
	rc_avpair_free(send);
}
END_TEST

/*
 * A worker's kept socket: one source port for every exchange, and the
 * late Accept to a request that timed out is not taken for the answer
 * to the next one, nor counted as a bad reply.
 */
START_TEST(test_exchange_conn)
{
	static const enum step s[] = { S_LATE, S_REJECT, S_ACCEPT };
	VALUE_PAIR *send = access_list(), *recv = NULL;
	struct radius_conn c;
	struct fake f;
	char why[128];

	radius_conn_init(&c);
	fake_start(&f, s, 3);
	ck_assert_int_eq(exchange_on(&f, &c, 0, 0, &send, &recv, why,
	    sizeof(why)), TIMEOUT_RC);
	ck_assert_int_ge(c.fd, 0);
	/* The late Accept arrives first: dropped, the Reject counts. */
	ck_assert_int_eq(exchange_on(&f, &c, 0, 0, &send, &recv, why,
	    sizeof(why)), REJECT_RC);
	rc_avpair_free(recv);
	recv = NULL;
	ck_assert_int_eq(exchange_on(&f, &c, 0, 0, &send, &recv, why,
	    sizeof(why)), OK_RC);
	fake_stop(&f);
	ck_assert_int_eq(f.ngot, 3);
	ck_assert_uint_eq(f.gotport[0], f.gotport[1]);
	ck_assert_uint_eq(f.gotport[1], f.gotport[2]);
	/* Identifiers follow each other on a kept socket. */
	ck_assert_uint_eq(f.got[1][1], (uint8_t)(f.got[0][1] + 1));
	ck_assert_uint_eq(f.got[2][1], (uint8_t)(f.got[1][1] + 1));
	rc_avpair_free(recv);
	recv = NULL;

	/*
	 * The server goes away: the port unreachable ends the exchange,
	 * and does not end the first one after the server is back.
	 */
	ck_assert_int_eq(exchange_on(&f, &c, 0, 3, &send, &recv, why,
	    sizeof(why)), RADIUS_REFUSED_RC);
	ck_assert_int_ge(c.fd, 0);
	{
		static const enum step s2[] = { S_ACCEPT };
		struct fake g;

		fake_start_port(&g, s2, 1, f.addr.sin6_port);
		ck_assert_int_eq(exchange_on(&g, &c, 0, 0, &send, &recv, why,
		    sizeof(why)), OK_RC);
		fake_stop(&g);
		ck_assert_uint_eq(g.gotport[0], f.gotport[0]);
	}
	radius_conn_close(&c);
	ck_assert_int_eq(c.fd, -1);
	rc_avpair_free(send);
	rc_avpair_free(recv);
}
END_TEST

START_TEST(test_exchange_acct)
{
	static const enum step s[] = { S_SILENT, S_ACCT };
	VALUE_PAIR *send = NULL, *recv = NULL;
	uint32_t one = 1;
	uint8_t z[16] = { 0 }, calc[16];
	struct radius_md5 m;
	struct fake f;
	char why[128];
	int i;

	rc_avpair_add(rh, &send, PW_ACCT_STATUS_TYPE, &one, 0, 0);
	rc_avpair_add(rh, &send, PW_ACCT_SESSION_ID, "s1", -1, 0);
	fake_start(&f, s, 2);
	ck_assert_int_eq(exchange(&f, 1, 1, &send, &recv, why, sizeof(why)),
	    OK_RC);
	fake_stop(&f);
	ck_assert_int_eq(f.ngot, 2);
	for (i = 0; i < 2; i++) {
		/* RFC 2866 3 authenticator, and no Message-Authenticator. */
		radius_md5_init(&m);
		radius_md5_update(&m, f.got[i], 4);
		radius_md5_update(&m, z, 16);
		radius_md5_update(&m, f.got[i] + 20, f.gotlen[i] - 20);
		radius_md5_update(&m, SECRET, strlen(SECRET));
		radius_md5_final(&m, calc);
		ck_assert_mem_eq(calc, f.got[i] + 4, 16);
		ck_assert_int_ne(f.got[i][RADIUS_HDR_LEN],
		    PW_MESSAGE_AUTHENTICATOR);
	}
	/* Acct-Delay-Time went in (RFC 2866 5.2). */
	ck_assert_ptr_nonnull(rc_avpair_get(send, PW_ACCT_DELAY_TIME, 0));
	rc_avpair_free(send);
	rc_avpair_free(recv);
}
END_TEST

void
aaa_wire_tcases(Suite *s)
{
	TCase *tc;

	tc = tcase_create("wire");
	tcase_add_checked_fixture(tc, aaa_setup, aaa_teardown);
	tcase_add_test(tc, test_md5);
	tcase_add_test(tc, test_encode);
	tcase_add_test(tc, test_verify);
	tcase_add_test(tc, test_verify_ma);
	suite_add_tcase(s, tc);

	tc = tcase_create("exchange");
	tcase_add_checked_fixture(tc, aaa_setup, aaa_teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_exchange_accept);
	tcase_add_test(tc, test_exchange_reject);
	tcase_add_test(tc, test_exchange_forged);
	tcase_add_test(tc, test_exchange_stray);
	tcase_add_test(tc, test_exchange_timeout_refused);
	tcase_add_test(tc, test_exchange_conn);
	tcase_add_test(tc, test_exchange_acct);
	suite_add_tcase(s, tc);
}
