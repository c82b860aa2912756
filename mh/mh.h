/*
 * mh.h: the Mobility Header wire codec, shared by pmip6-lma and pmip6-mag.
 *
 * RFC 6275 section 6.1 (generic MH, BU, BA, BE, options), RFC 5213
 * section 8 (PBU/PBA and its options), RFC 5846 (Binding Revocation),
 * RFC 5847 (Heartbeat), RFC 4283 (MN identifier), RFC 5844/5845/5094.
 *
 * The codec is pure: no I/O, no globals, no allocation, no logging.
 * mh_parse() turns bytes into a flat struct mh_msg and never keeps a
 * pointer into the packet; mh_build() writes a struct mh_msg into the
 * caller's buffer.  Stateless semantic checks (which status code a PBU
 * earns) belong to the receiver, not here.
 */
#ifndef PMIP6_MH_H
#define PMIP6_MH_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define MH_PROTO		135	/* IPv6 Next Header of the MH */
#define MH_PAYLOAD_NONE		59	/* Payload Proto: IPPROTO_NONE */
#define MH_CSUM_OFFSET		4	/* for IPV6_CHECKSUM */
#define MH_MAX_LEN		2048	/* 8 * (255 + 1) */

/* MH Type (IANA). Only the types PMIPv6 uses are parsed. */
enum mh_type {
	MH_TYPE_BRR = 0,
	MH_TYPE_BU = 5,		/* Binding Update; Proxy BU when MH_BU_P set */
	MH_TYPE_BA = 6,		/* Binding Ack; Proxy BA when MH_BA_P set */
	MH_TYPE_BE = 7,		/* Binding Error */
	MH_TYPE_HB = 13,	/* Heartbeat (RFC 5847) */
	MH_TYPE_BR = 16,	/* Binding Revocation (RFC 5846) */
};

/* BU flag word, host order (RFC 6275 6.1.7, RFC 5213 8.1, ...). */
#define MH_BU_A		0x8000
#define MH_BU_H		0x4000
#define MH_BU_L		0x2000
#define MH_BU_K		0x1000
#define MH_BU_M		0x0800
#define MH_BU_R		0x0400
#define MH_BU_P		0x0200
#define MH_BU_F		0x0100
#define MH_BU_T		0x0080
#define MH_BU_B		0x0040

/* BA flag byte (offset 7). */
#define MH_BA_K		0x80
#define MH_BA_R		0x40
#define MH_BA_P		0x20
#define MH_BA_T		0x10
#define MH_BA_B		0x08

/* Heartbeat flag word (RFC 5847 5.1). */
#define MH_HB_U		0x0002	/* unsolicited response */
#define MH_HB_R		0x0001	/* 1 = response */

/* Binding Revocation flag word (RFC 5846 6.1). */
#define MH_BR_P		0x8000
#define MH_BR_V		0x4000
#define MH_BR_G		0x2000

enum mh_br_type {
	MH_BR_INDICATION = 1,
	MH_BR_ACK = 2,
};

/* Mobility option types (IANA). */
enum mh_opt_type {
	MH_OPT_PAD1 = 0,
	MH_OPT_PADN = 1,
	MH_OPT_REFRESH = 2,	/* Binding Refresh Advice */
	MH_OPT_ALTCOA = 3,	/* Alternate Care-of Address */
	MH_OPT_MNID = 8,	/* Mobile Node Identifier (RFC 4283) */
	MH_OPT_VSM = 19,	/* Vendor-Specific (RFC 5094) */
	MH_OPT_HNP = 22,	/* Home Network Prefix */
	MH_OPT_HI = 23,		/* Handoff Indicator */
	MH_OPT_ATT = 24,	/* Access Technology Type */
	MH_OPT_MNLLI = 25,	/* Mobile Node Link-layer Identifier */
	MH_OPT_LLA = 26,	/* Link-local Address */
	MH_OPT_TS = 27,		/* Timestamp */
	MH_OPT_RESTART = 28,	/* Restart Counter (RFC 5847) */
	MH_OPT_GRE = 33,	/* GRE Key (RFC 5845) */
	MH_OPT_V4HOA_REQ = 36,	/* IPv4 Home Address Request (RFC 5844) */
	MH_OPT_V4HOA_REP = 37,	/* IPv4 Home Address Reply */
	MH_OPT_V4DR = 38,	/* IPv4 Default-Router Address */
};

/* Bits of struct mh_opts.present, one per singleton option. */
#define MH_HAS_REFRESH		(1u << 0)
#define MH_HAS_ALTCOA		(1u << 1)
#define MH_HAS_MNID		(1u << 2)
#define MH_HAS_HI		(1u << 3)
#define MH_HAS_ATT		(1u << 4)
#define MH_HAS_MNLLI		(1u << 5)
#define MH_HAS_LLA		(1u << 6)
#define MH_HAS_TS		(1u << 7)
#define MH_HAS_RESTART		(1u << 8)
#define MH_HAS_GRE		(1u << 9)
#define MH_HAS_V4HOA_REQ	(1u << 10)
#define MH_HAS_V4HOA_REP	(1u << 11)
#define MH_HAS_V4DR		(1u << 12)

/* Handoff Indicator values (RFC 5213 8.4). */
enum mh_hi {
	MH_HI_NEW_IF = 1,
	MH_HI_IF_HANDOFF = 2,
	MH_HI_MAG_HANDOFF = 3,
	MH_HI_UNKNOWN = 4,
	MH_HI_UNCHANGED = 5,
};

/* Access Technology Type values (RFC 5213 8.5). */
enum mh_att {
	MH_ATT_VIRTUAL = 1,
	MH_ATT_PPP = 2,
	MH_ATT_8023 = 3,
	MH_ATT_80211 = 4,
	MH_ATT_80216E = 5,
};

#define MH_MNID_NAI	1	/* MN-ID subtype (RFC 4283) */

/* BA status codes used by PMIPv6 (RFC 6275 6.1.8, RFC 5213 8.9). */
enum mh_ba_status {
	MH_BA_ACCEPTED = 0,
	MH_BA_UNSPECIFIED = 128,
	MH_BA_PROHIBITED = 129,
	MH_BA_INSUFFICIENT = 130,
	MH_BA_SEQ_OUT_OF_WINDOW = 135,
	MH_BA_PROXY_REG_NOT_ENABLED = 152,
	MH_BA_NOT_LMA_FOR_THIS_MN = 153,
	MH_BA_MAG_NOT_AUTHORIZED = 154,
	MH_BA_NOT_AUTHORIZED_FOR_HNP = 155,
	MH_BA_TIMESTAMP_MISMATCH = 156,
	MH_BA_TIMESTAMP_LOWER = 157,
	MH_BA_MISSING_HNP = 158,
	MH_BA_BCE_PBU_PREFIX_MISMATCH = 159,
	MH_BA_MISSING_MNID = 160,
	MH_BA_MISSING_HI = 161,
	MH_BA_MISSING_ATT = 162,
	MH_BA_GRE_KEY_REQUIRED = 163,
	MH_BA_NOT_AUTHORIZED_V4 = 170,
	MH_BA_NOT_AUTHORIZED_V4_HOA = 171,
	MH_BA_NOT_AUTHORIZED_V6 = 172,
	MH_BA_MULTIPLE_V4_HOA = 173,
	MH_BA_INVALID_COA = 174,
};

/* Revocation triggers (RFC 5846 5.1). */
enum mh_br_trigger {
	MH_BRT_UNSPECIFIED = 0,
	MH_BRT_ADMIN = 1,
	MH_BRT_HANDOVER_SAME_ATT = 2,
	MH_BRT_HANDOVER_DIFF_ATT = 3,
	MH_BRT_HANDOVER_UNKNOWN = 4,
	MH_BRT_USER_TERMINATION = 5,
	MH_BRT_ACCESS_TERMINATION = 6,
	MH_BRT_OUT_OF_SYNC = 7,
	MH_BRT_PER_PEER_POLICY = 128,
	MH_BRT_LOCAL_POLICY = 129,
};

/* BRA status (RFC 5846 5.2). */
enum mh_bra_status {
	MH_BRA_SUCCESS = 0,
	MH_BRA_PARTIAL = 1,
	MH_BRA_NO_BINDING = 128,
	MH_BRA_V4HOA_REQUIRED = 129,
	MH_BRA_GLOBAL_NOT_AUTHORIZED = 130,
	MH_BRA_MNID_REQUIRED = 131,
	MH_BRA_MN_ATTACHED = 132,
	MH_BRA_TRIGGER_NOT_SUPPORTED = 133,
	MH_BRA_NOT_SUPPORTED = 134,
	MH_BRA_PROXY_NOT_SUPPORTED = 135,
};

/* Binding Error status (RFC 6275 6.1.9). */
enum mh_be_status {
	MH_BE_UNKNOWN_BINDING = 1,
	MH_BE_UNKNOWN_TYPE = 2,
};

/* Storage limits of the flat struct; larger inputs are rejected. */
#define MH_MNID_MAX	254	/* option length is one octet: 1 + id */
#define MH_MNLLI_MAX	32
#define MH_MAX_HNP	16
#define MH_MAX_VSM	4
#define MH_VSM_DATA_MAX	64

struct mh_prefix {
	struct in6_addr	addr;
	uint8_t		len;
};

struct mh_vsm {
	uint32_t	vendor;		/* IANA Private Enterprise Number */
	uint8_t		subtype;
	uint8_t		len;
	uint8_t		data[MH_VSM_DATA_MAX];
};

struct mh_opts {
	uint32_t	present;	/* MH_HAS_* */

	uint16_t	refresh;	/* 4-second units */
	struct in6_addr	altcoa;
	uint8_t		mnid_subtype;
	uint8_t		mnid_len;	/* 1..MH_MNID_MAX; 0 only in a BA */
	uint8_t		mnid[MH_MNID_MAX];
	uint8_t		hi;		/* enum mh_hi */
	uint8_t		att;		/* enum mh_att */
	uint8_t		mnlli_len;
	uint8_t		mnlli[MH_MNLLI_MAX];
	struct in6_addr	lla;
	uint64_t	ts;		/* 48.16 fixed point since 1970 */
	uint32_t	restart;
	uint8_t		gre_has_key;	/* option length 6 rather than 2 */
	uint32_t	gre_key;
	uint8_t		v4hoa_req_plen;
	struct in_addr	v4hoa_req;
	uint8_t		v4hoa_rep_status;
	uint8_t		v4hoa_rep_plen;
	struct in_addr	v4hoa_rep;
	struct in_addr	v4dr;

	uint8_t		n_hnp;
	struct mh_prefix hnp[MH_MAX_HNP];
	uint8_t		n_vsm;
	struct mh_vsm	vsm[MH_MAX_VSM];

	uint16_t	n_unknown;	/* options skipped per RFC 6275 9.2 */
};

/*
 * One parsed message.  Which fixed fields mean something depends on
 * the type:
 *   BU:  seq, flags (MH_BU_*), lifetime
 *   BA:  status, flags (MH_BA_*), seq, lifetime
 *   BE:  status, be_home
 *   HB:  flags (MH_HB_*), hb_seq
 *   BR:  br_type, trigger (BRI) or status (BRA), seq, flags (MH_BR_*)
 */
struct mh_msg {
	uint8_t		type;		/* enum mh_type */
	uint8_t		status;
	uint8_t		trigger;
	uint8_t		br_type;
	uint16_t	flags;
	uint16_t	seq;
	uint16_t	lifetime;	/* 4-second units */
	uint32_t	hb_seq;
	struct in6_addr	be_home;
	struct mh_opts	opt;
};

enum mh_err {
	MH_OK = 0,
	MH_ERR_TRUNCATED,	/* shorter than the header or Header Len */
	MH_ERR_PAYLOAD_PROTO,	/* Payload Proto is not 59 */
	MH_ERR_HDR_LEN,		/* Header Len below the type's fixed part */
	MH_ERR_LENGTH,		/* buffer length differs from Header Len */
	MH_ERR_TOO_BIG,		/* longer than MH_MAX_LEN */
	MH_ERR_TYPE,		/* MH Type we do not handle */
	MH_ERR_CHECKSUM,
	MH_ERR_OPT_OVERRUN,	/* option runs past the end */
	MH_ERR_OPT_LEN,		/* known option with a bad length */
	MH_ERR_OPT_DUP,		/* single-use option repeated */
	MH_ERR_OPT_TOO_MANY,	/* more HNP/VSM options than we store */
	MH_ERR_OPT_VALUE,	/* bad field value (prefix length > 128, ...) */
	MH_ERR_MNID_EMPTY,	/* zero-length identifier */
	MH_ERR_BR_TYPE,		/* B.R. Type neither 1 nor 2 */
	MH_ERR_NOSPACE,		/* mh_build: buffer too small */
	MH_ERR_INVALID,		/* mh_build: message inconsistent */
};

/*
 * Where a parse failed, from the MH start: Payload Proto 0, MH Type 2 and
 * Header Len 1 (MH_ERR_HDR_LEN, MH_ERR_LENGTH); the first missing octet
 * for MH_ERR_TRUNCATED; MH_MAX_LEN for MH_ERR_TOO_BIG; B.R. Type 6.  For
 * an option: its Length octet (MH_ERR_OPT_LEN, MH_ERR_MNID_EMPTY, and
 * MH_ERR_OPT_OVERRUN when the data overruns), its Type octet
 * (MH_ERR_OPT_DUP, MH_ERR_OPT_TOO_MANY, MH_ERR_OPT_OVERRUN when not even
 * the Length fits), or the bad field (MH_ERR_OPT_VALUE).
 */
struct mh_perr {
	enum mh_err	code;
	size_t		off;	/* offset of the offending octet */
};

/*
 * Parse one MH of exactly len octets.  Zeroes *m first; after an error
 * only m->type is meaningful (set once 8 octets are there, so that an
 * MH_ERR_TYPE can be answered with Binding Error status 2).  err may be
 * NULL.  Any known option is accepted in any message type, unknown ones
 * are counted in opt.n_unknown and skipped; a zero-length MN identifier
 * is refused (MH_ERR_MNID_EMPTY) except in a BA, where RFC 5213 5.3.6
 * requires one in answer to a PBU that lacked the option.  Flag words
 * are kept whole, reserved bits included.  IPv4 prefix lengths above 32
 * and HNP prefix lengths above 128 are MH_ERR_OPT_VALUE.  The checksum
 * is not verified here (see mh_checksum_ok); the kernel does it when the
 * socket has IPV6_CHECKSUM set.
 */
enum mh_err mh_parse(const uint8_t *buf, size_t len, struct mh_msg *m,
    struct mh_perr *err);

/*
 * Encode *m into buf (capacity cap), aligned and padded to 8 octets, the
 * options in a fixed order per type (see mh_build.c).  When src and dst
 * are non-NULL the checksum is filled in; otherwise it is left 0 for the
 * kernel.  *outlen receives the MH length (0 on error).  MH_ERR_INVALID
 * when *m could not be parsed back as it is (unhandled type, B.R. Type
 * not 1 or 2, BA flags above 0xff, unknown MH_HAS_* bits, counts or
 * lengths over the limits, prefix lengths over 128 or 32, empty MN-ID
 * outside a BA); MH_ERR_NOSPACE when cap is too small, in which case buf
 * may hold a partial message but nothing beyond cap is written.
 */
enum mh_err mh_build(const struct mh_msg *m, const struct in6_addr *src,
    const struct in6_addr *dst, uint8_t *buf, size_t cap, size_t *outlen);

/* Internet checksum over the IPv6 pseudo-header and the MH: the value the
 * Checksum field must hold (the field itself counts as zero).  _ok sums
 * everything, Checksum included, as a receiver does. */
uint16_t mh_checksum(const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *mh, size_t len);
int mh_checksum_ok(const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *mh, size_t len);

const char *mh_strerror(enum mh_err e);
const char *mh_type_name(uint8_t type);
const char *mh_ba_status_name(uint8_t status);
const char *mh_bra_status_name(uint8_t status);

/* Option helpers for builders: -1 when the struct is full, the prefix
 * length is over 128 or the identifier over MH_MNID_MAX. */
int mh_add_hnp(struct mh_opts *o, const struct in6_addr *prefix, uint8_t len);
int mh_set_mnid(struct mh_opts *o, uint8_t subtype, const void *id, size_t len);

/* RFC 5213 8.8 timestamps: 48 bits of seconds, 16 bits of 1/65536 s.
 * Both conversions round to nearest, so that
 * mh_ts_make(mh_ts_sec(ts), mh_ts_nsec(ts)) == ts. */
uint64_t mh_ts_make(uint64_t sec, uint32_t nsec);
uint64_t mh_ts_sec(uint64_t ts);
uint32_t mh_ts_nsec(uint64_t ts);

/* RFC 6275 9.5.1: is a "greater than" b, modulo 2^16? */
static inline int
mh_seq_after(uint16_t a, uint16_t b)
{
	return (int16_t)(uint16_t)(a - b) > 0;
}

#endif /* PMIP6_MH_H */
