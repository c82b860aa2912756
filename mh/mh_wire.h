/*
 * mh_wire.h: private to libmh.  Big-endian field access and the layout
 * facts that mh_parse.c and mh_build.c must agree on: where each
 * message type's options start and the fixed lengths of the options.
 *
 * RFC 6275 6.1 and 6.2, RFC 5213 8, RFC 5846 5, RFC 5847 3.3-3.4,
 * RFC 5844 3.3, RFC 5845 6.1, RFC 5094 3.
 */
#ifndef PMIP6_MH_WIRE_H
#define PMIP6_MH_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "mh.h"

/* Generic MH header: Payload Proto, Header Len, MH Type, Reserved,
 * Checksum (RFC 6275 6.1.1). */
#define MH_HDR_LEN		6
#define MH_OFF_PROTO		0
#define MH_OFF_HLEN		1
#define MH_OFF_TYPE		2

/* Option data lengths (the Length octet) of the fixed-size options. */
#define MH_OLEN_REFRESH		2
#define MH_OLEN_ALTCOA		16
#define MH_OLEN_HNP		18
#define MH_OLEN_HI		2
#define MH_OLEN_ATT		2
#define MH_OLEN_LLA		16
#define MH_OLEN_TS		8
#define MH_OLEN_RESTART		4
#define MH_OLEN_GRE_NOKEY	2
#define MH_OLEN_GRE_KEY		6
#define MH_OLEN_V4		6	/* all three IPv4 options */
#define MH_OLEN_VSM_MIN		5	/* Vendor ID + Sub-Type */
#define MH_OLEN_MNLLI_MIN	2	/* Reserved */

/* Largest IPv4 prefix length the 6-bit Prefix-len fields may carry. */
#define MH_V4_PLEN_MAX		32

/*
 * Offset at which the options of a message type begin, that is the
 * length of the header plus the type's fixed part; 0 for a type the
 * codec does not handle.
 */
static inline size_t
mh_fixed_len(uint8_t type)
{
	switch (type) {
	case MH_TYPE_BU:	/* Sequence, Flags, Lifetime */
	case MH_TYPE_BA:	/* Status, Flags, Sequence, Lifetime */
	case MH_TYPE_HB:	/* Reserved+U+R, 32-bit Sequence */
	case MH_TYPE_BR:	/* B.R. Type, Trigger/Status, Sequence, P/V/G */
		return 12;
	case MH_TYPE_BE:	/* Status, Reserved, Home Address */
		return 24;
	default:
		return 0;
	}
}

static inline uint16_t
mh_get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t
mh_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
mh_get64(const uint8_t *p)
{
	return (uint64_t)mh_get32(p) << 32 | mh_get32(p + 4);
}

static inline void
mh_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
mh_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void
mh_put64(uint8_t *p, uint64_t v)
{
	mh_put32(p, (uint32_t)(v >> 32));
	mh_put32(p + 4, (uint32_t)v);
}

#endif /* PMIP6_MH_WIRE_H */
