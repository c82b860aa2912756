/*
 * addr.c: IPv6 address and prefix helpers, their hashes, MAC text forms.
 *
 * Prefixes compare bit-wise on the first len bits and never look at host
 * bits, so a prefix read loosely ("2001:db8::1/64") still matches the
 * canonical one.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

int
addr6_parse(const char *s, struct in6_addr *a)
{
	if (s == NULL || inet_pton(AF_INET6, s, a) != 1) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
prefix6_parse_loose(const char *s, struct prefix6 *p)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash, *d;
	unsigned len = 0;
	size_t alen;

	if (s == NULL || (slash = strchr(s, '/')) == NULL)
		goto bad;
	alen = (size_t)(slash - s);
	if (alen == 0 || alen >= sizeof(buf))
		goto bad;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	/* Decimal only, at most three digits: no sign, no "0x", no spaces. */
	for (d = slash + 1; *d != '\0'; d++) {
		if (*d < '0' || *d > '9' || d - slash > 3)
			goto bad;
		len = len * 10 + (unsigned)(*d - '0');
	}
	if (d == slash + 1 || len > 128)
		goto bad;
	if (inet_pton(AF_INET6, buf, &p->addr) != 1)
		goto bad;
	p->len = (uint8_t)len;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
prefix6_parse(const char *s, struct prefix6 *p)
{
	struct in6_addr masked;

	if (prefix6_parse_loose(s, p) == -1)
		return -1;
	masked = p->addr;
	prefix6_mask(&masked, p->len);
	if (!addr6_eq(&masked, &p->addr)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

const char *
addr6_ntop(const struct in6_addr *a, char *buf)
{
	/* Cannot fail for AF_INET6 with a buffer of INET6_ADDRSTRLEN. */
	if (inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN) == NULL)
		strcpy(buf, "?");
	return buf;
}

const char *
prefix6_ntop(const struct prefix6 *p, char *buf)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, PREFIX6_STRLEN, "%s/%u", addr6_ntop(&p->addr, a),
	    (unsigned)p->len);
	return buf;
}

int
addr6_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

int
addr6_is_unspecified(const struct in6_addr *a)
{
	static const struct in6_addr any;

	return addr6_eq(a, &any);
}

int
addr6_is_linklocal(const struct in6_addr *a)
{
	/* fe80::/10 */
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

int
addr6_is_multicast(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xff;
}

void
prefix6_mask(struct in6_addr *a, unsigned len)
{
	unsigned i;

	if (len >= 128)
		return;
	i = len / 8;
	if (len % 8) {
		a->s6_addr[i] &= (uint8_t)(0xff00 >> (len % 8));
		i++;
	}
	memset(&a->s6_addr[i], 0, 16 - i);
}

/* Do a and b agree on their first len bits? */
static int
prefix6_bits_eq(const struct in6_addr *a, const struct in6_addr *b,
    unsigned len)
{
	unsigned full = len / 8, rest = len % 8;
	uint8_t m;

	if (len > 128)
		full = 16, rest = 0;
	if (memcmp(a->s6_addr, b->s6_addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	m = (uint8_t)(0xff00 >> rest);
	return (a->s6_addr[full] & m) == (b->s6_addr[full] & m);
}

int
prefix6_contains(const struct prefix6 *p, const struct in6_addr *a)
{
	return prefix6_bits_eq(&p->addr, a, p->len);
}

int
prefix6_covers(const struct prefix6 *outer, const struct prefix6 *inner)
{
	return outer->len <= inner->len &&
	    prefix6_bits_eq(&outer->addr, &inner->addr, outer->len);
}

int
prefix6_eq(const struct prefix6 *a, const struct prefix6 *b)
{
	return a->len == b->len && prefix6_bits_eq(&a->addr, &b->addr, a->len);
}

int
prefix6_overlap(const struct prefix6 *a, const struct prefix6 *b)
{
	/* Two prefixes overlap exactly when the shorter covers the longer. */
	return prefix6_bits_eq(&a->addr, &b->addr,
	    a->len < b->len ? a->len : b->len);
}

/*
 * Multiply-xorshift mixing: each multiply carries low bits upward, each
 * right shift folds high bits back down, so a change in any input byte
 * (the /64 part of an HNP, or the last byte of an address) reaches the
 * low bits a table indexes with.
 */
#define ADDR6_K1	0x9e3779b97f4a7c15ULL
#define ADDR6_K2	0xd1b54a32d192ed03ULL

static uint64_t
addr6_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * ADDR6_K1;
	return h ^ (h >> 29);
}

static uint32_t
addr6_hash_words(const struct in6_addr *a, uint64_t h)
{
	uint64_t w0, w1;

	memcpy(&w0, &a->s6_addr[0], sizeof(w0));
	memcpy(&w1, &a->s6_addr[8], sizeof(w1));
	h = addr6_mix(h, w0);
	h = addr6_mix(h, w1);
	h = (h ^ (h >> 32)) * ADDR6_K2;
	h ^= h >> 31;
	return (uint32_t)(h ^ (h >> 32));
}

uint32_t
addr6_hash(const struct in6_addr *a, uint32_t seed)
{
	return addr6_hash_words(a, (uint64_t)seed * ADDR6_K2);
}

uint32_t
prefix6_hash(const struct prefix6 *p, uint32_t seed)
{
	struct in6_addr m = p->addr;

	prefix6_mask(&m, p->len);
	return addr6_hash_words(&m, ((uint64_t)seed << 8 | p->len) * ADDR6_K2);
}

static int
mac_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
mac_parse(const char *s, uint8_t mac[6])
{
	uint8_t out[6];
	size_t len, step;
	char sep;
	int i, hi, lo;

	if (s == NULL)
		goto bad;
	len = strlen(s);
	if (len == 17) {
		sep = s[2];
		if (sep != ':' && sep != '-')
			goto bad;
		step = 3;
	} else if (len == 12) {
		sep = '\0';
		step = 2;
	} else
		goto bad;
	for (i = 0; i < 6; i++, s += step) {
		if ((hi = mac_hex(s[0])) == -1 || (lo = mac_hex(s[1])) == -1)
			goto bad;
		/* One separator throughout: "02:00-..." is a typo. */
		if (sep != '\0' && i < 5 && s[2] != sep)
			goto bad;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, out, sizeof(out));
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

const char *
mac_format(const uint8_t mac[6], char *buf, size_t len, enum mac_style style)
{
	static const char lower[] = "0123456789abcdef";
	static const char upper[] = "0123456789ABCDEF";
	const char *hex;
	char sep, *p;
	int i;

	switch (style) {
	case MAC_COLON_LOWER:
	case MAC_COLON_UPPER:
		sep = ':';
		break;
	case MAC_DASH_LOWER:
	case MAC_DASH_UPPER:
		sep = '-';
		break;
	case MAC_PLAIN_LOWER:
	case MAC_PLAIN_UPPER:
		sep = '\0';
		break;
	default:
		errno = EINVAL;
		return NULL;
	}
	hex = (style == MAC_COLON_UPPER || style == MAC_DASH_UPPER ||
	    style == MAC_PLAIN_UPPER) ? upper : lower;
	if (buf == NULL || len < (sep ? MAC_STRLEN : 13)) {
		errno = ENOSPC;
		return NULL;
	}
	for (p = buf, i = 0; i < 6; i++) {
		*p++ = hex[mac[i] >> 4];
		*p++ = hex[mac[i] & 0x0f];
		if (sep != '\0' && i < 5)
			*p++ = sep;
	}
	*p = '\0';
	return buf;
}
