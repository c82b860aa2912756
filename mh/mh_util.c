/*
 * mh_util.c: what surrounds the codec proper.
 *
 *  - the MH checksum over the IPv6 pseudo-header (RFC 6275 6.1.1,
 *    RFC 8200 8.1);
 *  - RFC 5213 8.8 timestamps: 48 bits of seconds since 1970-01-01 UTC
 *    and 16 bits of 1/65536 s (not NTP: no 1900 epoch, no 32.32);
 *  - builder helpers for the repeatable and variable-size options;
 *  - names for MH types, BA and BRA status codes and codec errors, taken
 *    from the IANA "Mobile IPv6 parameters" registry and RFC 5846 5.2
 *    (Wireshark 4.0 labels several BA codes after old drafts; we don't).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "mh.h"
#include "mh_wire.h"

/* One's complement sum of 16-bit big-endian words, not yet folded. */
static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += mh_get16(p + i);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Pseudo-header: source, destination, upper-layer length, 0, 0, 0, 135. */
static uint32_t
sum_pseudo(const struct in6_addr *src, const struct in6_addr *dst,
    size_t len)
{
	uint8_t ph[8];
	uint32_t sum;

	sum = sum16(0, src->s6_addr, 16);
	sum = sum16(sum, dst->s6_addr, 16);
	mh_put32(ph, (uint32_t)len);
	mh_put32(ph + 4, MH_PROTO);
	return sum16(sum, ph, sizeof(ph));
}

/*
 * The value the Checksum field must hold; the field itself counts as
 * zero, so this may be called on a message that already carries one.
 */
uint16_t
mh_checksum(const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *mh, size_t len)
{
	uint32_t sum;

	sum = sum_pseudo(src, dst, len);
	if (len <= MH_CSUM_OFFSET)
		return (uint16_t)~fold(sum16(sum, mh, len));
	sum = sum16(sum, mh, MH_CSUM_OFFSET);
	if (len > MH_CSUM_OFFSET + 2)
		sum = sum16(sum, mh + MH_CSUM_OFFSET + 2,
		    len - MH_CSUM_OFFSET - 2);
	return (uint16_t)~fold(sum);
}

/* The receiver's check: everything, checksum included, sums to 0xffff
 * (so 0x0000 and 0xffff are the same checksum, as for the kernel). */
int
mh_checksum_ok(const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *mh, size_t len)
{
	if (len < MH_CSUM_OFFSET + 2)
		return 0;
	return fold(sum16(sum_pseudo(src, dst, len), mh, len)) == 0xffff;
}

/* RFC 5213 8.8: seconds in the upper 48 bits, 1/65536 s below. */
uint64_t
mh_ts_make(uint64_t sec, uint32_t nsec)
{
	uint64_t frac;

	sec += nsec / 1000000000u;
	nsec %= 1000000000u;
	/* Round to the nearest 1/65536 s; 65536 carries into sec. */
	frac = ((uint64_t)nsec * 65536 + 500000000u) / 1000000000u;
	return (sec << 16) + frac;	/* sec beyond 48 bits wraps */
}

uint64_t
mh_ts_sec(uint64_t ts)
{
	return ts >> 16;
}

/* Nearest nanosecond; mh_ts_make() maps it back to the same ts. */
uint32_t
mh_ts_nsec(uint64_t ts)
{
	return (uint32_t)(((ts & 0xffff) * 1000000000u + 32768) >> 16);
}

int
mh_add_hnp(struct mh_opts *o, const struct in6_addr *prefix, uint8_t len)
{
	if (o->n_hnp >= MH_MAX_HNP || len > 128)
		return -1;
	o->hnp[o->n_hnp].addr = *prefix;
	o->hnp[o->n_hnp].len = len;
	o->n_hnp++;
	return 0;
}

int
mh_set_mnid(struct mh_opts *o, uint8_t subtype, const void *id, size_t len)
{
	if (len > MH_MNID_MAX)
		return -1;
	o->present |= MH_HAS_MNID;
	o->mnid_subtype = subtype;
	o->mnid_len = (uint8_t)len;
	if (len > 0)
		memcpy(o->mnid, id, len);
	return 0;
}

const char *
mh_strerror(enum mh_err e)
{
	switch (e) {
	case MH_OK:			return "no error";
	case MH_ERR_TRUNCATED:		return "message truncated";
	case MH_ERR_PAYLOAD_PROTO:	return "Payload Proto is not 59";
	case MH_ERR_HDR_LEN:		return "Header Len below the fixed part";
	case MH_ERR_LENGTH:		return "length differs from Header Len";
	case MH_ERR_TOO_BIG:		return "message too big";
	case MH_ERR_TYPE:		return "unhandled MH Type";
	case MH_ERR_CHECKSUM:		return "bad checksum";
	case MH_ERR_OPT_OVERRUN:	return "option overruns the message";
	case MH_ERR_OPT_LEN:		return "bad option length";
	case MH_ERR_OPT_DUP:		return "option repeated";
	case MH_ERR_OPT_TOO_MANY:	return "too many options of a kind";
	case MH_ERR_OPT_VALUE:		return "bad option field value";
	case MH_ERR_MNID_EMPTY:		return "empty mobile node identifier";
	case MH_ERR_BR_TYPE:		return "bad B.R. Type";
	case MH_ERR_NOSPACE:		return "buffer too small";
	case MH_ERR_INVALID:		return "inconsistent message";
	}
	return "unknown error";
}

/* IANA MH Type registry. */
static const char *const type_names[] = {
	[0] = "Binding Refresh Request",
	[1] = "Home Test Init",
	[2] = "Care-of Test Init",
	[3] = "Home Test",
	[4] = "Care-of Test",
	[5] = "Binding Update",
	[6] = "Binding Acknowledgement",
	[7] = "Binding Error",
	[8] = "Fast Binding Update",
	[9] = "Fast Binding Acknowledgment",
	[10] = "Fast Neighbor Advertisement",
	[11] = "Experimental Mobility Header",
	[12] = "Home Agent Switch",
	[13] = "Heartbeat",
	[14] = "Handover Initiate",
	[15] = "Handover Acknowledge",
	[16] = "Binding Revocation",
	[17] = "Localized Routing Initiation",
	[18] = "Localized Routing Acknowledgment",
	[19] = "Update Notification",
	[20] = "Update Notification Acknowledgement",
	[21] = "Flow Binding",
	[22] = "Subscription Query",
	[23] = "Subscription Response",
};

const char *
mh_type_name(uint8_t type)
{
	if (type < sizeof(type_names) / sizeof(type_names[0]))
		return type_names[type];
	return "unassigned";
}

/* IANA "Status Codes" registry, shared by BA and PBA. */
static const char *const ba_accept_names[] = {
	[0] = "Binding Update accepted",
	[1] = "Accepted but prefix discovery necessary",
	[2] = "GRE_KEY_OPTION_NOT_REQUIRED",
	[3] = "GRE_TUNNELING_BUT_TLV_HEADER_NOT_SUPPORTED",
	[4] = "MCOA NOTCOMPLETE",
	[5] = "MCOA RETURNHOME WO/NDP",
	[6] = "PBU_ACCEPTED_TB_IGNORED_SETTINGSMISMATCH",
};

static const char *const ba_reject_names[] = {	/* from 128 */
	"Reason unspecified",
	"Administratively prohibited",
	"Insufficient resources",
	"Home registration not supported",
	"Not home subnet",
	"Not home agent for this mobile node",
	"Duplicate Address Detection failed",
	"Sequence number out of window",
	"Expired home nonce index",
	"Expired care-of nonce index",
	"Expired nonces",
	"Registration type change disallowed",
	"Mobile Router Operation not permitted",
	"Invalid Prefix",
	"Not Authorized for Prefix",
	"Forwarding Setup failed",
	"MIPV6-ID-MISMATCH",
	"MIPV6-MESG-ID-REQD",
	"MIPV6-AUTH-FAIL",
	"Permanent home keygen token unavailable",
	"CGA and signature verification failed",
	"Permanent home keygen token exists",
	"Non-null home nonce index expected",
	"SERVICE_AUTHORIZATION_FAILED",
	"PROXY_REG_NOT_ENABLED",
	"NOT_LMA_FOR_THIS_MOBILE_NODE",
	"MAG_NOT_AUTHORIZED_FOR_PROXY_REG",
	"NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX",
	"TIMESTAMP_MISMATCH",
	"TIMESTAMP_LOWER_THAN_PREV_ACCEPTED",
	"MISSING_HOME_NETWORK_PREFIX_OPTION",
	"BCE_PBU_PREFIX_SET_DO_NOT_MATCH",
	"MISSING_MN_IDENTIFIER_OPTION",
	"MISSING_HANDOFF_INDICATOR_OPTION",
	"MISSING_ACCESS_TECH_TYPE_OPTION",
	"GRE_KEY_OPTION_REQUIRED",
	"MCOA MALFORMED",
	"MCOA NON-MCOA BINDING EXISTS",
	"MCOA PROHIBITED",
	"MCOA UNKNOWN COA",
	"MCOA BULK REGISTRATION PROHIBITED",
	"MCOA SIMULTANEOUS HOME AND FOREIGN PROHIBITED",
	"NOT_AUTHORIZED_FOR_IPV4_MOBILITY_SERVICE",
	"NOT_AUTHORIZED_FOR_IPV4_HOME_ADDRESS",
	"NOT_AUTHORIZED_FOR_IPV6_MOBILITY_SERVICE",
	"MULTIPLE_IPV4_HOME_ADDRESS_ASSIGNMENT_NOT_SUPPORTED",
	"Invalid Care-of Address",
	"INVALID_MOBILE_NODE_GROUP_IDENTIFIER",
	"REINIT_SA_WITH_HAC",
	"NOT_AUTHORIZED_FOR_DELEGATED_MNP",
	"REQUESTED_DMNP_IN_USE",
	"CANNOT_MEET_QOS_SERVICE_REQUEST",
	"CANNOT_SUPPORT_MULTIPATH_BINDING",
};

const char *
mh_ba_status_name(uint8_t status)
{
	size_t n_acc = sizeof(ba_accept_names) / sizeof(ba_accept_names[0]);
	size_t n_rej = sizeof(ba_reject_names) / sizeof(ba_reject_names[0]);

	if (status < n_acc)
		return ba_accept_names[status];
	if (status >= 128 && (size_t)status - 128 < n_rej)
		return ba_reject_names[status - 128];
	return status < 128 ? "unassigned (accepted)" :
	    "unassigned (rejected)";
}

/* RFC 5846 5.2 (the same in the IANA registry). */
static const char *const bra_reject_names[] = {	/* from 128 */
	"Binding Does NOT Exist",
	"IPv4 Home Address Option Required",
	"Global Revocation NOT Authorized",
	"Revoked Mobile Nodes Identity Required",
	"Revocation Failed - MN is Attached",
	"Revocation Trigger NOT Supported",
	"Revocation Function NOT Supported",
	"Proxy Binding Revocation NOT Supported",
};

const char *
mh_bra_status_name(uint8_t status)
{
	size_t n_rej = sizeof(bra_reject_names) / sizeof(bra_reject_names[0]);

	if (status == MH_BRA_SUCCESS)
		return "success";
	if (status == MH_BRA_PARTIAL)
		return "partial success";
	if (status >= 128 && (size_t)status - 128 < n_rej)
		return bra_reject_names[status - 128];
	return status < 128 ? "unassigned (success)" :
	    "unassigned (rejected)";
}
