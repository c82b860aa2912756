/*
 * radius_md5.c: MD5 (RFC 1321) and HMAC-MD5 (RFC 2104), which RADIUS
 * needs for its authenticators (RFC 2865 3, RFC 2866 3), User-Password
 * hiding (RFC 2865 5.2) and Message-Authenticator (RFC 3579 3.2).
 *
 * Here rather than from a crypto library so that libaaa needs nothing
 * beyond radcli, whose own MD5 is not exported.  MD5 is broken for
 * collisions, not for these keyed uses; RADIUS leaves no choice.
 */
#include "config.h"

#include <string.h>

#include "aaa_int.h"

/* T[i] = floor(2^32 * |sin(i + 1)|), RFC 1321 3.4. */
static const uint32_t md5_t[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* Left-rotation amounts, four per round. */
static const uint8_t md5_s[16] = { 7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16,
    23, 6, 10, 15, 21 };

static uint32_t
rotl(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

/* One 64-octet block (RFC 1321 3.4). */
static void
md5_block(uint32_t h[4], const uint8_t *p)
{
	uint32_t x[16], a = h[0], b = h[1], c = h[2], d = h[3], f, tmp;
	unsigned i, k;

	for (i = 0; i < 16; i++)
		x[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		    (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
	for (i = 0; i < 64; i++) {
		switch (i / 16) {
		case 0:
			f = (b & c) | (~b & d);
			k = i;
			break;
		case 1:
			f = (b & d) | (c & ~d);
			k = (5 * i + 1) % 16;
			break;
		case 2:
			f = b ^ c ^ d;
			k = (3 * i + 5) % 16;
			break;
		default:
			f = c ^ (b | ~d);
			k = (7 * i) % 16;
			break;
		}
		tmp = d;
		d = c;
		c = b;
		b = b + rotl(a + f + md5_t[i] + x[k], md5_s[(i / 16) * 4 + i % 4]);
		a = tmp;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
}

void
radius_md5_init(struct radius_md5 *m)
{
	m->h[0] = 0x67452301;
	m->h[1] = 0xefcdab89;
	m->h[2] = 0x98badcfe;
	m->h[3] = 0x10325476;
	m->len = 0;
}

void
radius_md5_update(struct radius_md5 *m, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t used = (size_t)(m->len % 64), take;

	m->len += n;
	if (used > 0) {
		take = 64 - used < n ? 64 - used : n;
		memcpy(m->buf + used, p, take);
		p += take;
		n -= take;
		if (used + take < 64)
			return;
		md5_block(m->h, m->buf);
	}
	for (; n >= 64; p += 64, n -= 64)
		md5_block(m->h, p);
	memcpy(m->buf, p, n);
}

void
radius_md5_final(struct radius_md5 *m, uint8_t out[16])
{
	static const uint8_t pad[64] = { 0x80 };
	uint64_t bits = m->len * 8;
	uint8_t lenb[8];
	unsigned i;

	for (i = 0; i < 8; i++)
		lenb[i] = (uint8_t)(bits >> (8 * i));
	/* Pad to 56 mod 64, then the length in bits, little-endian. */
	radius_md5_update(m, pad, 1 + (119 - m->len % 64) % 64);
	radius_md5_update(m, lenb, 8);
	for (i = 0; i < 16; i++)
		out[i] = (uint8_t)(m->h[i / 4] >> (8 * (i % 4)));
	explicit_bzero(m, sizeof(*m));
}

void
radius_md5(uint8_t out[16], const void *data, size_t n)
{
	struct radius_md5 m;

	radius_md5_init(&m);
	radius_md5_update(&m, data, n);
	radius_md5_final(&m, out);
}

void
radius_hmac_md5(uint8_t out[16], const void *key, size_t klen,
    const void *data, size_t n)
{
	uint8_t k[64], pad[64], inner[16];
	struct radius_md5 m;
	unsigned i;

	memset(k, 0, sizeof(k));
	if (klen > 64)
		radius_md5(k, key, klen);
	else
		memcpy(k, key, klen);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	radius_md5_init(&m);
	radius_md5_update(&m, pad, 64);
	radius_md5_update(&m, data, n);
	radius_md5_final(&m, inner);
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	radius_md5_init(&m);
	radius_md5_update(&m, pad, 64);
	radius_md5_update(&m, inner, 16);
	radius_md5_final(&m, out);
	explicit_bzero(k, sizeof(k));
	explicit_bzero(pad, sizeof(pad));
}
