/*
 * radius_msg.c: the attributes of the MAG's RADIUS messages, built and
 * read as radcli lists, with no I/O, logging or state.
 *
 * Access-Request: RFC 6572 5.1 (User-Name, a NAS address or identifier,
 * Service-Type Login, NAS-Port-Type) with the MAC as Calling-Station-Id
 * (RFC 3580 3.21).  Access-Accept: RFC 6572 4 and 5.2 (Mobile-Node-
 * Identifier, PMIP6-Home-LMA-IPv6-Address, PMIP6-Home-HN-Prefix in the
 * RFC 3162 2.3 layout, PMIP6-Home-Interface-ID, MIP6-Feature-Vector),
 * RFC 2865 5.27 Session-Timeout, 5.25 Class, RFC 4372 CUI.  Accounting-
 * Request: RFC 2866 5 and RFC 6572 5.2's accounting attributes.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "aaa_int.h"

static int
add(rc_handle *rh, VALUE_PAIR **vp, int attr, const void *val, int len,
    const char *name, char *why, size_t wl)
{
	if (rc_avpair_add(rh, vp, attr, val, len, 0) != NULL)
		return 0;
	snprintf(why, wl, "radcli cannot add %s", name);
	return -1;
}

static int
add_int(rc_handle *rh, VALUE_PAIR **vp, int attr, uint32_t v,
    const char *name, char *why, size_t wl)
{
	return add(rh, vp, attr, &v, 0, name, why, wl);
}

/* RFC 3162 2.3: Reserved, Prefix-Length, then the prefix's octets. */
static int
add_prefix(rc_handle *rh, VALUE_PAIR **vp, int attr,
    const struct prefix6 *p, const char *name, char *why, size_t wl)
{
	uint8_t raw[18];
	unsigned n = (p->len + 7u) / 8u;

	raw[0] = 0;
	raw[1] = p->len;
	memcpy(raw + 2, &p->addr, n);
	return add(rh, vp, attr, raw, (int)(2 + n), name, why, wl);
}

void
radius_printable(const uint8_t *s, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;

	if (len == 0)
		return;
	for (i = 0; i < n && o + 1 < len; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			buf[o++] = (char)s[i];
			continue;
		}
		if (o + 4 >= len)
			break;
		snprintf(buf + o, len - o, "\\x%02x", s[i]);
		o += 4;
	}
	buf[o] = '\0';
}

int
radius_user_name(const struct aaa_config *c, const uint8_t mac[6], char *buf,
    size_t len)
{
	char m[MAC_STRLEN];
	int n;

	if (mac_format(mac, m, sizeof(m), (enum mac_style)c->mac_format) ==
	    NULL)
		return -1;
	if (c->realm[0] == '\0')
		n = snprintf(buf, len, "%s", m);
	else
		n = snprintf(buf, len, "%s@%s", m, c->realm);
	return n < 0 || (size_t)n >= len || n > AAA_STR_MAX ? -1 : 0;
}

/* The NAS attributes both kinds of request carry. */
static int
add_nas(rc_handle *rh, const struct aaa_config *c, uint32_t nas_port,
    VALUE_PAIR **vp, char *why, size_t wl)
{
	int v;

	/* Left out, radcli adds the request's source address instead. */
	if (!addr6_is_unspecified(&c->nas_ipv6_address) &&
	    add(rh, vp, PW_NAS_IPV6_ADDRESS, &c->nas_ipv6_address, 16,
	    "NAS-IPv6-Address", why, wl) == -1)
		return -1;
	if (c->nas_identifier[0] != '\0' &&
	    add(rh, vp, PW_NAS_IDENTIFIER, c->nas_identifier, -1,
	    "NAS-Identifier", why, wl) == -1)
		return -1;
	if (c->send_nas_port &&
	    add_int(rh, vp, PW_NAS_PORT, nas_port, "NAS-Port", why, wl) == -1)
		return -1;
	if ((v = aaa_nas_port_type_value(c->nas_port_type)) >= 0 &&
	    add_int(rh, vp, PW_NAS_PORT_TYPE, (uint32_t)v, "NAS-Port-Type",
	    why, wl) == -1)
		return -1;
	if ((v = aaa_service_type_value(c->service_type)) >= 0 &&
	    add_int(rh, vp, PW_SERVICE_TYPE, (uint32_t)v, "Service-Type", why,
	    wl) == -1)
		return -1;
	return 0;
}

int
radius_build_access_request(rc_handle *rh, const struct aaa_config *c,
    const uint8_t mac[6], uint32_t nas_port, VALUE_PAIR **out, char *why,
    size_t wl)
{
	char user[AAA_STR_MAX + 1], m[MAC_STRLEN];
	VALUE_PAIR *vp = NULL;
	uint64_t fv = AAA_FV_PMIP6_SUPPORTED;
	uint8_t fvb[8];
	int i;

	*out = NULL;
	if (radius_user_name(c, mac, user, sizeof(user)) == -1 ||
	    mac_format(mac, m, sizeof(m), (enum mac_style)c->mac_format) ==
	    NULL) {
		snprintf(why, wl, "User-Name would be too long");
		return -1;
	}
	if (add(rh, &vp, PW_USER_NAME, user, -1, "User-Name", why, wl) == -1 ||
	    add(rh, &vp, PW_CALLING_STATION_ID, m, -1, "Calling-Station-Id",
	    why, wl) == -1 ||
	    (c->mac_as_password && add(rh, &vp, PW_USER_PASSWORD, m, -1,
	    "User-Password", why, wl) == -1) ||
	    add_nas(rh, c, nas_port, &vp, why, wl) == -1)
		goto fail;
	if (c->feature_vector) {
		for (i = 7; i >= 0; i--, fv >>= 8)
			fvb[i] = (uint8_t)fv;
		if (add(rh, &vp, RADIUS_MIP6_FEATURE_VECTOR, fvb, 8,
		    "MIP6-Feature-Vector", why, wl) == -1)
			goto fail;
	}
	*out = vp;
	return 0;
fail:
	rc_avpair_free(vp);
	return -1;
}

/* RFC 2866 5.3/5.4/5.7/5.8 with RFC 2869 5.1/5.2 gigawords. */
static int
add_counters(rc_handle *rh, const struct aaa_session *s, VALUE_PAIR **vp,
    char *why, size_t wl)
{
	uint64_t ip = s->in_packets > UINT32_MAX ? UINT32_MAX : s->in_packets;
	uint64_t op = s->out_packets > UINT32_MAX ? UINT32_MAX :
	    s->out_packets;

	if (add_int(rh, vp, PW_ACCT_INPUT_OCTETS, (uint32_t)s->in_octets,
	    "Acct-Input-Octets", why, wl) == -1 ||
	    add_int(rh, vp, PW_ACCT_INPUT_GIGAWORDS,
	    (uint32_t)(s->in_octets >> 32), "Acct-Input-Gigawords", why,
	    wl) == -1 ||
	    add_int(rh, vp, PW_ACCT_OUTPUT_OCTETS, (uint32_t)s->out_octets,
	    "Acct-Output-Octets", why, wl) == -1 ||
	    add_int(rh, vp, PW_ACCT_OUTPUT_GIGAWORDS,
	    (uint32_t)(s->out_octets >> 32), "Acct-Output-Gigawords", why,
	    wl) == -1 ||
	    add_int(rh, vp, PW_ACCT_INPUT_PACKETS, (uint32_t)ip,
	    "Acct-Input-Packets", why, wl) == -1 ||
	    add_int(rh, vp, PW_ACCT_OUTPUT_PACKETS, (uint32_t)op,
	    "Acct-Output-Packets", why, wl) == -1)
		return -1;
	return 0;
}

/* What the Accept gave, echoed as RFC 2865 5.25, RFC 4372, RFC 6572 ask. */
static int
add_profile(rc_handle *rh, const struct aaa_profile *p, VALUE_PAIR **vp,
    char *why, size_t wl)
{
	unsigned i;

	if (p->class_len > 0 && add(rh, vp, PW_CLASS, p->class_,
	    (int)p->class_len, "Class", why, wl) == -1)
		return -1;
	if (p->cui_len > 0 && add(rh, vp, PW_CHARGEABLE_USER_IDENTITY, p->cui,
	    (int)p->cui_len, "Chargeable-User-Identity", why, wl) == -1)
		return -1;
	if (p->mnid_len > 0 && add(rh, vp, RADIUS_MOBILE_NODE_IDENTIFIER,
	    p->mnid, (int)p->mnid_len, "Mobile-Node-Identifier", why,
	    wl) == -1)
		return -1;
	if (p->has_lma && add(rh, vp, RADIUS_PMIP6_HOME_LMA_IPV6, &p->lma, 16,
	    "PMIP6-Home-LMA-IPv6-Address", why, wl) == -1)
		return -1;
	/* Framed-IPv6-Prefix for generic accounting systems, 151 for RFC
	 * 6572 ones. */
	for (i = 0; i < p->n_hnp && i < AAA_MAX_HNP; i++)
		if (add_prefix(rh, vp, PW_FRAMED_IPV6_PREFIX, &p->hnp[i],
		    "Framed-IPv6-Prefix", why, wl) == -1 ||
		    add_prefix(rh, vp, RADIUS_PMIP6_HOME_HN_PREFIX, &p->hnp[i],
		    "PMIP6-Home-HN-Prefix", why, wl) == -1)
			return -1;
	return 0;
}

int
radius_build_acct_request(rc_handle *rh, const struct aaa_config *c,
    enum aaa_acct_type type, const struct aaa_session *s, time_t now,
    VALUE_PAIR **out, char *why, size_t wl)
{
	char user[AAA_STR_MAX + 1], m[MAC_STRLEN];
	const struct aaa_profile *p = s->profile;
	VALUE_PAIR *vp = NULL;

	*out = NULL;
	if (type != AAA_ACCT_START && type != AAA_ACCT_STOP &&
	    type != AAA_ACCT_INTERIM) {
		snprintf(why, wl, "unknown accounting type %d", (int)type);
		return -1;
	}
	if (s->session_id[0] == '\0' ||
	    memchr(s->session_id, '\0', sizeof(s->session_id)) == NULL) {
		snprintf(why, wl, "no Acct-Session-Id");
		return -1;
	}
	if (p != NULL && p->user_name[0] != '\0')
		snprintf(user, sizeof(user), "%s", p->user_name);
	else if (radius_user_name(c, s->mac, user, sizeof(user)) == -1) {
		snprintf(why, wl, "User-Name would be too long");
		return -1;
	}
	if (mac_format(s->mac, m, sizeof(m), (enum mac_style)c->mac_format) ==
	    NULL) {
		snprintf(why, wl, "bad mac_format");
		return -1;
	}
	if (add_int(rh, &vp, PW_ACCT_STATUS_TYPE, (uint32_t)type,
	    "Acct-Status-Type", why, wl) == -1 ||
	    add(rh, &vp, PW_ACCT_SESSION_ID, s->session_id, -1,
	    "Acct-Session-Id", why, wl) == -1 ||
	    add(rh, &vp, PW_USER_NAME, user, -1, "User-Name", why, wl) == -1 ||
	    add(rh, &vp, PW_CALLING_STATION_ID, m, -1, "Calling-Station-Id",
	    why, wl) == -1 ||
	    add_nas(rh, c, s->nas_port, &vp, why, wl) == -1 ||
	    add_int(rh, &vp, PW_ACCT_AUTHENTIC, 1 /* RADIUS */,
	    "Acct-Authentic", why, wl) == -1 ||
	    add_int(rh, &vp, PW_EVENT_TIMESTAMP, (uint32_t)now,
	    "Event-Timestamp", why, wl) == -1 ||
	    (p != NULL && add_profile(rh, p, &vp, why, wl) == -1))
		goto fail;
	if (type != AAA_ACCT_START) {
		if (add_int(rh, &vp, PW_ACCT_SESSION_TIME, s->session_time,
		    "Acct-Session-Time", why, wl) == -1 ||
		    (s->has_counters && add_counters(rh, s, &vp, why,
		    wl) == -1))
			goto fail;
	}
	if (type == AAA_ACCT_STOP && s->terminate_cause != 0 &&
	    add_int(rh, &vp, PW_ACCT_TERMINATE_CAUSE, s->terminate_cause,
	    "Acct-Terminate-Cause", why, wl) == -1)
		goto fail;
	*out = vp;
	return 0;
fail:
	rc_avpair_free(vp);
	return -1;
}

void
radius_reply_message(VALUE_PAIR *vp, char *buf, size_t len)
{
	char *raw;
	unsigned n;
	size_t o = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (; vp != NULL; vp = rc_avpair_next(vp)) {
		vp = rc_avpair_get(vp, PW_REPLY_MESSAGE, 0);
		if (vp == NULL)
			break;
		if (rc_avpair_get_raw(vp, &raw, &n) != 0)
			continue;
		while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == '\r'))
			n--;
		if (n == 0)
			continue;
		if (o > 0 && o + 2 < len) {
			memcpy(buf + o, "; ", 3);
			o += 2;
		}
		if (o + 1 >= len)
			break;
		radius_printable((const uint8_t *)raw, n, buf + o, len - o);
		o += strlen(buf + o);
	}
}

/* Everything an Accept may say that the profile keeps, as read. */
struct accept_seen {
	const uint8_t	*mnid;
	unsigned	 mnid_len;
	const char	*user;
	unsigned	 user_len;
	int		 n_lma;
	int		 n_ifid;
	int		 n_fv;
};

/* RFC 3162 2.3 layout, and a prefix a home network can have. */
static int
parse_prefix(const uint8_t *raw, unsigned n, struct prefix6 *p, char *why,
    size_t wl)
{
	struct in6_addr masked;
	char buf[PREFIX6_STRLEN];
	unsigned need;

	if (n < 2 || n > 18) {
		snprintf(why, wl, "PMIP6-Home-HN-Prefix has %u octets", n);
		return -1;
	}
	if (raw[1] > 128) {
		snprintf(why, wl, "PMIP6-Home-HN-Prefix length /%u", raw[1]);
		return -1;
	}
	need = (raw[1] + 7u) / 8u;
	if (n - 2 < need) {
		snprintf(why, wl, "PMIP6-Home-HN-Prefix /%u in %u octets",
		    raw[1], n - 2);
		return -1;
	}
	memset(p, 0, sizeof(*p));
	memcpy(&p->addr, raw + 2, n - 2);
	p->len = raw[1];
	masked = p->addr;
	prefix6_mask(&masked, p->len);
	if (!addr6_eq(&masked, &p->addr)) {
		/* RFC 3162 2.3: bits outside the length must be zero. */
		snprintf(why, wl, "PMIP6-Home-HN-Prefix %s has bits set past "
		    "its length", prefix6_ntop(p, buf));
		return -1;
	}
	if (p->len == 0 || addr6_is_multicast(&p->addr) ||
	    addr6_is_linklocal(&p->addr) ||
	    addr6_is_unspecified(&p->addr)) {
		snprintf(why, wl, "PMIP6-Home-HN-Prefix %s is no home network"
		    " prefix", prefix6_ntop(p, buf));
		return -1;
	}
	return 0;
}

static int
accept_prefix(struct aaa_profile *p, const uint8_t *raw, unsigned n,
    char *why, size_t wl)
{
	struct prefix6 hnp;
	unsigned i;

	if (parse_prefix(raw, n, &hnp, why, wl) == -1)
		return -1;
	for (i = 0; i < p->n_hnp; i++)
		if (prefix6_eq(&p->hnp[i], &hnp))
			return 0;	/* a repeat changes nothing */
	if (p->n_hnp == AAA_MAX_HNP) {
		snprintf(why, wl, "more than %d PMIP6-Home-HN-Prefix",
		    AAA_MAX_HNP);
		return -1;
	}
	p->hnp[p->n_hnp++] = hnp;
	return 0;
}

static int
accept_lma(struct aaa_profile *p, VALUE_PAIR *vp, char *why, size_t wl)
{
	char buf[INET6_ADDRSTRLEN];
	static const struct in6_addr loop6 = IN6ADDR_LOOPBACK_INIT;

	if (rc_avpair_get_in6(vp, &p->lma, NULL) != 0) {
		snprintf(why, wl, "unreadable PMIP6-Home-LMA-IPv6-Address");
		return -1;
	}
	if (addr6_is_unspecified(&p->lma) || addr6_is_multicast(&p->lma) ||
	    addr6_is_linklocal(&p->lma) || addr6_eq(&p->lma, &loop6) ||
	    IN6_IS_ADDR_V4MAPPED(&p->lma)) {
		snprintf(why, wl, "PMIP6-Home-LMA-IPv6-Address %s is no LMA "
		    "address", addr6_ntop(&p->lma, buf));
		return -1;
	}
	p->has_lma = 1;
	return 0;
}

/* One attribute; -1 with a reason if it makes the Accept unusable. */
static int
accept_attr(struct aaa_profile *p, struct accept_seen *seen, VALUE_PAIR *vp,
    char *why, size_t wl)
{
	unsigned type, id, n, i;
	uint32_t v;
	char *raw = NULL;
	const uint8_t *r;

	rc_avpair_get_attr(vp, &type, &id);
	if (VENDOR(id) != 0)
		return 0;
	if (type == PW_TYPE_STRING || type == PW_TYPE_IPV6PREFIX) {
		if (rc_avpair_get_raw(vp, &raw, &n) != 0)
			return 0;
		if (n > AAA_STR_MAX) {
			snprintf(why, wl, "attribute %u has %u octets", id, n);
			return -1;
		}
	} else
		n = 0;
	r = (const uint8_t *)raw;
	switch (id) {
	case RADIUS_MOBILE_NODE_IDENTIFIER:
		if (seen->mnid != NULL) {
			snprintf(why, wl, "more than one Mobile-Node-"
			    "Identifier");
			return -1;
		}
		if (n > 0) {
			seen->mnid = r;
			seen->mnid_len = n;
		}
		return 0;
	case PW_USER_NAME:
		if (seen->user == NULL && n > 0 && memchr(r, '\0', n) == NULL) {
			seen->user = raw;
			seen->user_len = n;
		}
		return 0;
	case PW_CHARGEABLE_USER_IDENTITY:
		/* A lone NUL asks for a CUI (RFC 4372 2.1); not a value. */
		if (p->cui_len == 0 && n > 0 && !(n == 1 && r[0] == 0)) {
			memcpy(p->cui, r, n);
			p->cui_len = n;
		}
		return 0;
	case PW_CLASS:
		if (p->class_len == 0 && n > 0) {
			memcpy(p->class_, r, n);
			p->class_len = n;
		}
		return 0;
	case RADIUS_SERVICE_SELECTION:
		if (p->service_selection[0] == '\0' && n > 0 &&
		    memchr(r, '\0', n) == NULL) {
			memcpy(p->service_selection, r, n);
			p->service_selection[n] = '\0';
		}
		return 0;
	case RADIUS_PMIP6_HOME_LMA_IPV6:
		/* RFC 6572 5.2: 0-1; two could only be a server's mistake. */
		if (seen->n_lma++ > 0) {
			snprintf(why, wl, "more than one PMIP6-Home-LMA-IPv6-"
			    "Address");
			return -1;
		}
		return accept_lma(p, vp, why, wl);
	case RADIUS_PMIP6_HOME_HN_PREFIX:
		if (raw == NULL) {
			snprintf(why, wl, "unreadable PMIP6-Home-HN-Prefix");
			return -1;
		}
		return accept_prefix(p, r, n, why, wl);
	case RADIUS_PMIP6_HOME_INTERFACE_ID:
		if (seen->n_ifid++ > 0) {
			snprintf(why, wl, "more than one PMIP6-Home-Interface-"
			    "ID");
			return -1;
		}
		if (n != 8) {
			snprintf(why, wl, "PMIP6-Home-Interface-ID has %u "
			    "octets, not 8", n);
			return -1;
		}
		for (i = 0; i < 8 && r[i] == 0; i++)
			;
		if (i == 8) {
			snprintf(why, wl, "PMIP6-Home-Interface-ID is zero");
			return -1;
		}
		memcpy(p->ifid, r, 8);
		p->has_ifid = 1;
		return 0;
	case RADIUS_MIP6_FEATURE_VECTOR:
		if (seen->n_fv++ > 0 || n != 8) {
			snprintf(why, wl, "malformed MIP6-Feature-Vector");
			return -1;
		}
		p->feature_vector = 0;
		for (i = 0; i < 8; i++)
			p->feature_vector = p->feature_vector << 8 | r[i];
		p->has_feature_vector = 1;
		return 0;
	case PW_SESSION_TIMEOUT:
		if (rc_avpair_get_uint32(vp, &v) == 0)
			p->session_timeout = v;
		return 0;
	case PW_ACCT_INTERIM_INTERVAL:
		/* RFC 2869 5.16: SHOULD NOT be below 60 s. */
		if (rc_avpair_get_uint32(vp, &v) == 0)
			p->acct_interim_interval = v != 0 && v < 60 ? 60 : v;
		return 0;
	default:
		return 0;
	}
}

/* RFC 6572 4.1. */
static enum aaa_result
check_feature_vector(const struct aaa_profile *p, char *why, size_t wl)
{
	uint64_t fv = p->feature_vector;

	if (!p->has_feature_vector)
		return AAA_ACCEPT;
	if ((fv & AAA_FV_IP4_HOA_ONLY) && (!(fv & AAA_FV_PMIP6_SUPPORTED) ||
	    (fv & AAA_FV_IP4_HOA_SUPPORTED))) {
		snprintf(why, wl, "contradictory MIP6-Feature-Vector "
		    "0x%016llx: treated as a reject (RFC 6572 4.1)",
		    (unsigned long long)fv);
		return AAA_REJECT;
	}
	if (!(fv & AAA_FV_PMIP6_SUPPORTED)) {
		snprintf(why, wl, "MIP6-Feature-Vector 0x%016llx does not "
		    "authorize PMIPv6", (unsigned long long)fv);
		return AAA_REJECT;
	}
	return AAA_ACCEPT;
}

static const char *
mnid_source_name(enum aaa_mnid_source s)
{
	switch (s) {
	case AAA_MNID_MOBILE_NODE_IDENTIFIER:
		return "Mobile-Node-Identifier";
	case AAA_MNID_USER_NAME:
		return "User-Name";
	case AAA_MNID_CUI:
		return "Chargeable-User-Identity";
	}
	return "?";
}

/* The first source in the configured order that has a value. */
static int
choose_mnid(struct aaa_profile *p, const struct accept_seen *seen,
    const struct aaa_config *c, char *why, size_t wl)
{
	static const int def_order[] = { AAA_MNID_MOBILE_NODE_IDENTIFIER };
	const int *order = c->mnid_from.n > 0 ? c->mnid_from.v : def_order;
	size_t n = c->mnid_from.n > 0 ? c->mnid_from.n : 1, i, o;
	const uint8_t *v;
	size_t len;

	for (i = 0; i < n; i++) {
		switch ((enum aaa_mnid_source)order[i]) {
		case AAA_MNID_MOBILE_NODE_IDENTIFIER:
			v = seen->mnid;
			len = seen->mnid_len;
			break;
		case AAA_MNID_USER_NAME:
			v = (const uint8_t *)p->user_name;
			len = strlen(p->user_name);
			break;
		case AAA_MNID_CUI:
			v = p->cui;
			len = p->cui_len;
			break;
		default:
			continue;
		}
		if (v == NULL || len == 0)
			continue;
		memcpy(p->mnid, v, len);
		p->mnid_len = len;
		p->mnid_from = (enum aaa_mnid_source)order[i];
		return 0;
	}
	o = (size_t)snprintf(why, wl, "Access-Accept without");
	for (i = 0; i < n && o < wl; i++)
		o += (size_t)snprintf(why + o, wl - o, "%s %s", i ? " or" : "",
		    mnid_source_name((enum aaa_mnid_source)order[i]));
	return -1;
}

enum aaa_result
radius_parse_accept(VALUE_PAIR *vp, const struct aaa_config *c,
    const char *sent_user_name, struct aaa_profile *p, char *why, size_t wl)
{
	struct accept_seen seen;
	char tmp[256];
	enum aaa_result res;
	size_t n;

	memset(&seen, 0, sizeof(seen));
	for (; vp != NULL; vp = rc_avpair_next(vp)) {
		if (accept_attr(p, &seen, vp, tmp, sizeof(tmp)) == -1) {
			snprintf(why, wl, "Access-Accept: %s", tmp);
			return AAA_ERROR;
		}
	}
	/* RFC 2865 5.1: an Accept's User-Name is the one to account with. */
	if (seen.user != NULL) {
		memcpy(p->user_name, seen.user, seen.user_len);
		p->user_name[seen.user_len] = '\0';
	} else {
		n = strlen(sent_user_name);
		n = n > AAA_STR_MAX ? AAA_STR_MAX : n;
		memcpy(p->user_name, sent_user_name, n);
		p->user_name[n] = '\0';
	}
	if ((res = check_feature_vector(p, why, wl)) != AAA_ACCEPT)
		return res;
	if (choose_mnid(p, &seen, c, why, wl) == -1)
		return AAA_ERROR;
	snprintf(why, wl, "accepted");
	return AAA_ACCEPT;
}
