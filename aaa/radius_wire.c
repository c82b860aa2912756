/*
 * radius_wire.c: RADIUS packets to and from octets, with no I/O.
 *
 * Encoding writes a radcli attribute list as RFC 2865 3 / 5 TLVs, hides
 * User-Password (RFC 2865 5.2), signs Access-Requests with a
 * Message-Authenticator placed first (RFC 3579 3.2; first, as the
 * Blast-RADIUS advice has it) and computes the Accounting-Request
 * authenticator (RFC 2866 3).  Verification is what radcli 1.2.11 fails
 * to enforce: it computes the Response Authenticator (RFC 2865 3) of a
 * reply, finds it wrong, and returns the packet as an Accept anyway.  A
 * reply is used here only once its authenticator, its Message-
 * Authenticator if any, its identifier, its code and its framing are
 * right; anything else is dropped as RFC 2865 3 says.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "aaa_int.h"

static int
ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/* RFC 2865 5.2: 16-octet blocks, each XORed with MD5(S + previous). */
static int
hide_password(uint8_t *out, const uint8_t *pw, size_t n, const uint8_t ra[16],
    const char *secret, size_t slen)
{
	struct radius_md5 m;
	uint8_t b[16];
	size_t padded = n == 0 ? 16 : (n + 15) / 16 * 16, i, j;
	const uint8_t *prev = ra;

	if (padded > 128)
		return -1;
	memset(out, 0, padded);
	memcpy(out, pw, n);
	for (i = 0; i < padded; i += 16) {
		radius_md5_init(&m);
		radius_md5_update(&m, secret, slen);
		radius_md5_update(&m, prev, 16);
		radius_md5_final(&m, b);
		for (j = 0; j < 16; j++)
			out[i + j] ^= b[j];
		prev = out + i;
	}
	explicit_bzero(b, sizeof(b));
	return (int)padded;
}

/* The value of one pair in wire form; its length or -1. */
static int
pair_value(VALUE_PAIR *vp, unsigned type, uint8_t *v)
{
	struct in6_addr a;
	uint32_t u;
	unsigned n;
	char *raw;

	switch (type) {
	case PW_TYPE_STRING:
	case PW_TYPE_IPV6PREFIX:
		if (rc_avpair_get_raw(vp, &raw, &n) != 0 || n > 253)
			return -1;
		memcpy(v, raw, n);
		return (int)n;
	case PW_TYPE_IPV6ADDR:
		if (rc_avpair_get_in6(vp, &a, NULL) != 0)
			return -1;
		memcpy(v, &a, 16);
		return 16;
	case PW_TYPE_INTEGER:
	case PW_TYPE_DATE:
	case PW_TYPE_IPADDR:	/* radcli keeps it in host order */
		if (rc_avpair_get_uint32(vp, &u) != 0)
			return -1;
		u = htonl(u);
		memcpy(v, &u, 4);
		return 4;
	default:
		return -1;
	}
}

int
radius_encode(uint8_t *buf, size_t len, uint8_t code, uint8_t id,
    const uint8_t auth[16], VALUE_PAIR *vp, const char *secret, size_t slen,
    int ma, char *why, size_t wl)
{
	uint8_t v[256], h[128], mac[16];
	struct radius_md5 m;
	size_t o = RADIUS_HDR_LEN, ma_at = 0;
	unsigned type, attr;
	int n;

	if (len < RADIUS_HDR_LEN + 18) {
		snprintf(why, wl, "no room");
		return -1;
	}
	if (len > RADIUS_MAX_LEN)
		len = RADIUS_MAX_LEN;
	buf[0] = code;
	buf[1] = id;
	if (code == PW_ACCOUNTING_REQUEST)
		memset(buf + 4, 0, 16);
	else
		memcpy(buf + 4, auth, 16);
	if (ma && code == PW_ACCESS_REQUEST) {
		ma_at = o;
		buf[o] = PW_MESSAGE_AUTHENTICATOR;
		buf[o + 1] = 18;
		memset(buf + o + 2, 0, 16);
		o += 18;
	}
	for (; vp != NULL; vp = rc_avpair_next(vp)) {
		rc_avpair_get_attr(vp, &type, &attr);
		if (attr == PW_MESSAGE_AUTHENTICATOR)
			continue;	/* ours, computed below */
		if (VENDOR(attr) != 0 || attr > 255) {
			snprintf(why, wl, "attribute %u: vendor attributes are"
			    " not supported", attr);
			return -1;
		}
		if ((n = pair_value(vp, type, v)) < 0) {
			snprintf(why, wl, "attribute %u: unusable value",
			    attr);
			return -1;
		}
		if (attr == PW_USER_PASSWORD) {
			if (code != PW_ACCESS_REQUEST ||
			    (n = hide_password(h, v, (size_t)n, auth, secret,
			    slen)) < 0) {
				snprintf(why, wl, "User-Password unusable");
				return -1;
			}
			memcpy(v, h, (size_t)n);
		}
		if (o + 2 + (size_t)n > len) {
			snprintf(why, wl, "packet over %zu octets", len);
			return -1;
		}
		buf[o] = (uint8_t)attr;
		buf[o + 1] = (uint8_t)(n + 2);
		memcpy(buf + o + 2, v, (size_t)n);
		o += 2 + (size_t)n;
	}
	buf[2] = (uint8_t)(o >> 8);
	buf[3] = (uint8_t)o;
	if (ma_at != 0) {
		/* RFC 3579 3.2: over the packet with the field zeroed. */
		radius_hmac_md5(mac, secret, slen, buf, o);
		memcpy(buf + ma_at + 2, mac, 16);
	}
	if (code == PW_ACCOUNTING_REQUEST) {
		/* RFC 2866 3: MD5(Code+ID+Length+16 zeros+Attributes+Secret). */
		radius_md5_init(&m);
		radius_md5_update(&m, buf, o);
		radius_md5_update(&m, secret, slen);
		radius_md5_final(&m, buf + 4);
	}
	explicit_bzero(h, sizeof(h));
	explicit_bzero(v, sizeof(v));
	return (int)o;
}

static int
reply_code_ok(uint8_t req, uint8_t rep)
{
	if (req == PW_ACCESS_REQUEST)
		return rep == PW_ACCESS_ACCEPT || rep == PW_ACCESS_REJECT ||
		    rep == PW_ACCESS_CHALLENGE;
	if (req == PW_ACCOUNTING_REQUEST)
		return rep == PW_ACCOUNTING_RESPONSE;
	return 0;
}

/*
 * Walk the attributes of a RADIUS packet of len octets: every one must
 * fit, and at most one well-formed Message-Authenticator may appear
 * (RFC 3579 3.2).  *ma_at gets its offset, or 0.
 */
int
radius_attrs_scan(const uint8_t *pkt, size_t len, size_t *ma_at, char *why,
    size_t wl)
{
	size_t o;

	*ma_at = 0;
	for (o = RADIUS_HDR_LEN; o < len; o += pkt[o + 1]) {
		if (o + 2 > len || pkt[o + 1] < 2 || o + pkt[o + 1] > len) {
			snprintf(why, wl, "attribute at %zu overruns", o);
			return -1;
		}
		if (pkt[o] == PW_MESSAGE_AUTHENTICATOR) {
			if (pkt[o + 1] != 18 || *ma_at != 0) {
				snprintf(why, wl, "malformed Message-"
				    "Authenticator");
				return -1;
			}
			*ma_at = o;
		}
	}
	return 0;
}

int
radius_verify_reply(const uint8_t *req, const uint8_t *pkt, size_t n,
    const char *secret, size_t slen, int require_ma, char *why, size_t wl)
{
	uint8_t calc[16], copy[RADIUS_MAX_LEN];
	struct radius_md5 m;
	size_t len, ma_at = 0;

	if (n < RADIUS_HDR_LEN) {
		snprintf(why, wl, "%zu octets", n);
		return -1;
	}
	len = (size_t)pkt[2] << 8 | pkt[3];
	/* RFC 2865 3: octets past Length are padding; fewer is an error. */
	if (len < RADIUS_HDR_LEN || len > n || len > RADIUS_MAX_LEN) {
		snprintf(why, wl, "Length %zu in %zu octets", len, n);
		return -1;
	}
	if (pkt[1] != req[1]) {
		snprintf(why, wl, "identifier %u, not %u", pkt[1], req[1]);
		return -1;
	}
	if (!reply_code_ok(req[0], pkt[0])) {
		snprintf(why, wl, "code %u answers no code %u", pkt[0], req[0]);
		return -1;
	}
	if (radius_attrs_scan(pkt, len, &ma_at, why, wl) == -1)
		return -1;
	/* RFC 2865 3: MD5(Code+ID+Length+RequestAuth+Attributes+Secret). */
	radius_md5_init(&m);
	radius_md5_update(&m, pkt, 4);
	radius_md5_update(&m, req + 4, 16);
	radius_md5_update(&m, pkt + RADIUS_HDR_LEN, len - RADIUS_HDR_LEN);
	radius_md5_update(&m, secret, slen);
	radius_md5_final(&m, calc);
	if (!ct_equal(calc, pkt + 4, 16)) {
		snprintf(why, wl, "wrong Response Authenticator (wrong "
		    "secret?)");
		return -1;
	}
	if (ma_at == 0) {
		if (require_ma && req[0] == PW_ACCESS_REQUEST) {
			snprintf(why, wl, "no Message-Authenticator");
			return -1;
		}
		return 0;
	}
	/* RFC 3579 3.2: with the Request Authenticator and the field 0. */
	memcpy(copy, pkt, len);
	memcpy(copy + 4, req + 4, 16);
	memset(copy + ma_at + 2, 0, 16);
	radius_hmac_md5(calc, secret, slen, copy, len);
	if (!ct_equal(calc, pkt + ma_at + 2, 16)) {
		snprintf(why, wl, "wrong Message-Authenticator");
		return -1;
	}
	return 0;
}
