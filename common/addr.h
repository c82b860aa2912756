/*
 * addr.h: IPv6 address and prefix helpers, hashing for tables keyed by
 * home network prefix or Proxy-CoA, and MAC address text forms.
 */
#ifndef PMIP6_ADDR_H
#define PMIP6_ADDR_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct prefix6 {
	struct in6_addr	addr;
	uint8_t		len;		/* 0..128 */
};

/* "addr/len" at its longest, with the terminating NUL. */
#define PREFIX6_STRLEN	(INET6_ADDRSTRLEN + 4)
/* "02:00:00:00:00:01" with the terminating NUL. */
#define MAC_STRLEN	18

/* Text forms: 0, or -1 and errno EINVAL.  No zone ("%eth0") suffix. */
int		 addr6_parse(const char *s, struct in6_addr *a);
/*
 * prefix6_parse() wants "addr/len" with len 0..128 and no bits set past
 * len: a configured prefix with host bits is more likely a typo than a
 * wish, so it is refused rather than silently masked.
 * prefix6_parse_loose() takes the same text but keeps host bits, for an
 * interface address written with its prefix length.
 */
int		 prefix6_parse(const char *s, struct prefix6 *p);
int		 prefix6_parse_loose(const char *s, struct prefix6 *p);
/* buf must hold INET6_ADDRSTRLEN / PREFIX6_STRLEN bytes; returns buf. */
const char	*addr6_ntop(const struct in6_addr *a, char *buf);
const char	*prefix6_ntop(const struct prefix6 *p, char *buf);

int		 addr6_eq(const struct in6_addr *a, const struct in6_addr *b);
int		 addr6_is_unspecified(const struct in6_addr *a);
int		 addr6_is_linklocal(const struct in6_addr *a);
int		 addr6_is_multicast(const struct in6_addr *a);

/* Clear every bit of a past the first len (len > 128 counts as 128). */
void		 prefix6_mask(struct in6_addr *a, unsigned len);
/* Non-zero if the first p->len bits of a equal those of p->addr. */
int		 prefix6_contains(const struct prefix6 *p,
		    const struct in6_addr *a);
/* Non-zero if inner lies wholly inside outer (equal counts). */
int		 prefix6_covers(const struct prefix6 *outer,
		    const struct prefix6 *inner);
/* Same length and same bits up to it (host bits ignored). */
int		 prefix6_eq(const struct prefix6 *a, const struct prefix6 *b);
/* Non-zero if some address lies in both. */
int		 prefix6_overlap(const struct prefix6 *a,
		    const struct prefix6 *b);

/*
 * 32-bit hashes for in-memory tables; vary seed per table so a peer
 * cannot aim for one bucket.  Values depend on host byte order and are
 * not for storage or the wire.  prefix6_hash() ignores host bits, so
 * prefixes that are prefix6_eq() hash alike.
 */
uint32_t	 addr6_hash(const struct in6_addr *a, uint32_t seed);
uint32_t	 prefix6_hash(const struct prefix6 *p, uint32_t seed);

/*
 * mac_parse() takes six two-digit hex octets separated all by ':' or all
 * by '-', or twelve hex digits with no separator; any case.
 */
enum mac_style {
	MAC_COLON_LOWER,	/* 02:00:00:00:00:0a */
	MAC_COLON_UPPER,	/* 02:00:00:00:00:0A */
	MAC_DASH_LOWER,		/* 02-00-00-00-00-0a */
	MAC_DASH_UPPER,		/* 02-00-00-00-00-0A (RFC 3580 3.21) */
	MAC_PLAIN_LOWER,	/* 02000000000a */
	MAC_PLAIN_UPPER,	/* 02000000000A */
};

int		 mac_parse(const char *s, uint8_t mac[6]);
/* Returns buf, or NULL (errno ENOSPC/EINVAL) if it cannot be written. */
const char	*mac_format(const uint8_t mac[6], char *buf, size_t len,
		    enum mac_style style);

#endif /* PMIP6_ADDR_H */
