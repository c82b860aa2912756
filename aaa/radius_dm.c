/*
 * radius_dm.c: the MAG's Dynamic Authorization server (RFC 5176), by
 * which a RADIUS server ends sessions with a Disconnect-Request.
 *
 * The codec is pure: radius_dm_parse() checks the framing (RFC 2865 3),
 * the Request Authenticator (RFC 5176 3.5), the Message-Authenticator
 * if there is one (RFC 3579 3.2, computed as for an Accounting-Request:
 * over the packet with a zero authenticator), the Event-Timestamp window
 * (RFC 5176 3.5), the NAS identification (RFC 5176 3) and reads which
 * session is meant; radius_dm_reply() builds the ACK or NAK with its
 * Error-Cause (RFC 5176 3.6) and the request's Proxy-States.
 *
 * The rest is one non-blocking UDP socket on the loop.  The clients are
 * the configured RADIUS servers, each known by address and secret; a
 * packet from anywhere else, or failing verification, is dropped and
 * logged, rate-limited.  A small ring of recent replies answers
 * retransmissions without running the callback twice (RFC 5080 2.2.2).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "aaa_int.h"
#include "log.h"
#include "loop.h"

#define DM_DUP_MS	5000	/* how long a reply is kept for resending */
#define DM_RING		32	/* replies kept */
#define DM_BATCH	64	/* datagrams read per wake-up */
#define SERVICE_TYPE_AUTHORIZE_ONLY	17	/* RFC 5176 3.2 */

static int
ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/*
 * Attributes that would change a session's authorization: a CoA
 * matter, which a Disconnect-Request cannot carry out (RFC 5176 3).
 */
static int
authz_attr(uint8_t type)
{
	switch (type) {
	case PW_FILTER_ID:
	case PW_SESSION_TIMEOUT:
	case PW_IDLE_TIMEOUT:
	case RADIUS_PMIP6_HOME_LMA_IPV6:
	case RADIUS_PMIP6_HOME_HN_PREFIX:
	case RADIUS_PMIP6_HOME_INTERFACE_ID:
		return 1;
	default:
		return 0;
	}
}

/* The first NAK cause found is the one answered. */
static void
nak(int *cause, int v)
{
	if (*cause == 0)
		*cause = v;
}

int
radius_dm_parse(const uint8_t *pkt, size_t n, const char *secret,
    size_t slen, const struct aaa_config *c, time_t now,
    struct radius_dm_msg *m, char *why, size_t wl)
{
	static const uint8_t zero[16];
	uint8_t calc[16], copy[RADIUS_MAX_LEN];
	struct aaa_dm_request *r = &m->req;
	struct radius_md5 md;
	size_t len, o, ma_at = 0, vl;
	const uint8_t *v;
	char text[AAA_STR_MAX + 1];
	int cause = 0, sid_too_long = 0, seen_user = 0, seen_sid = 0;
	uint32_t u;
	long long skew;

	memset(m, 0, sizeof(*m));
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
	if (pkt[0] != RADIUS_DISCONNECT_REQUEST &&
	    pkt[0] != RADIUS_COA_REQUEST) {
		snprintf(why, wl, "code %u is no Disconnect-Request", pkt[0]);
		return -1;
	}
	m->code = pkt[0];
	m->id = pkt[1];
	memcpy(m->auth, pkt + 4, 16);
	m->len = len;
	if (radius_attrs_scan(pkt, len, &ma_at, why, wl) == -1)
		return -1;
	/* RFC 5176 3.5: MD5(Code+Identifier+Length+16 zero octets+
	 * Attributes+Secret). */
	radius_md5_init(&md);
	radius_md5_update(&md, pkt, 4);
	radius_md5_update(&md, zero, 16);
	radius_md5_update(&md, pkt + RADIUS_HDR_LEN, len - RADIUS_HDR_LEN);
	radius_md5_update(&md, secret, slen);
	radius_md5_final(&md, calc);
	if (!ct_equal(calc, pkt + 4, 16)) {
		snprintf(why, wl, "wrong Request Authenticator (wrong "
		    "secret?)");
		return -1;
	}
	if (ma_at != 0) {
		/* RFC 3579 3.2, RFC 5176 3.3: zero authenticator, as the
		 * Request Authenticator was computed over. */
		memcpy(copy, pkt, len);
		memset(copy + 4, 0, 16);
		memset(copy + ma_at + 2, 0, 16);
		radius_hmac_md5(calc, secret, slen, copy, len);
		if (!ct_equal(calc, pkt + ma_at + 2, 16)) {
			snprintf(why, wl, "wrong Message-Authenticator");
			return -1;
		}
		m->has_ma = 1;
	}
	if (m->code == RADIUS_COA_REQUEST)
		return RADIUS_EC_UNSUPPORTED_EXTENSION;	/* RFC 5176 3.6 */

	for (o = RADIUS_HDR_LEN; o < len; o += pkt[o + 1]) {
		v = pkt + o + 2;
		vl = (size_t)pkt[o + 1] - 2;
		switch (pkt[o]) {
		case PW_USER_NAME:
			if (seen_user++)
				nak(&cause, RADIUS_EC_INVALID_REQUEST);
			else if (vl == 0 || memchr(v, '\0', vl) != NULL)
				nak(&cause, RADIUS_EC_INVALID_VALUE);
			else {
				memcpy(r->user_name, v, vl);
				r->user_name[vl] = '\0';
			}
			break;
		case PW_CALLING_STATION_ID:
			memcpy(text, v, vl);
			text[vl] = '\0';
			if (r->has_mac)
				nak(&cause, RADIUS_EC_INVALID_REQUEST);
			else if (mac_parse(text, r->mac) == -1)
				nak(&cause, RADIUS_EC_INVALID_VALUE);
			else
				r->has_mac = 1;
			break;
		case PW_ACCT_SESSION_ID:
			if (seen_sid++)
				nak(&cause, RADIUS_EC_INVALID_REQUEST);
			else if (vl == 0 || memchr(v, '\0', vl) != NULL)
				nak(&cause, RADIUS_EC_INVALID_VALUE);
			else if (vl >= sizeof(r->session_id))
				sid_too_long = 1;	/* none of ours */
			else {
				memcpy(r->session_id, v, vl);
				r->session_id[vl] = '\0';
			}
			break;
		case RADIUS_MOBILE_NODE_IDENTIFIER:	/* RFC 6572 4.2 */
			if (r->mnid_len != 0)
				nak(&cause, RADIUS_EC_INVALID_REQUEST);
			else if (vl == 0)
				nak(&cause, RADIUS_EC_INVALID_VALUE);
			else {
				memcpy(r->mnid, v, vl);
				r->mnid_len = vl;
			}
			break;
		case PW_NAS_IDENTIFIER:		/* RFC 5176 3 */
			if (c->nas_identifier[0] != '\0' &&
			    (vl != strlen(c->nas_identifier) ||
			    memcmp(v, c->nas_identifier, vl) != 0))
				nak(&cause, RADIUS_EC_NAS_MISMATCH);
			break;
		case PW_NAS_IPV6_ADDRESS:
			if (vl != 16)
				nak(&cause, RADIUS_EC_INVALID_VALUE);
			else if (!addr6_is_unspecified(&c->nas_ipv6_address) &&
			    memcmp(v, &c->nas_ipv6_address, 16) != 0)
				nak(&cause, RADIUS_EC_NAS_MISMATCH);
			break;
		case PW_SERVICE_TYPE:
			/* RFC 5176 3.2: Authorize Only is for CoA. */
			if (vl != 4)
				nak(&cause, RADIUS_EC_INVALID_VALUE);
			else if (((uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
			    (uint32_t)v[2] << 8 | v[3]) ==
			    SERVICE_TYPE_AUTHORIZE_ONLY)
				nak(&cause, RADIUS_EC_UNSUPPORTED_ATTRIBUTE);
			break;
		case PW_EVENT_TIMESTAMP:
			if (vl != 4) {
				nak(&cause, RADIUS_EC_INVALID_VALUE);
				break;
			}
			u = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
			    (uint32_t)v[2] << 8 | v[3];
			skew = (long long)now - u;
			/* RFC 5176 3.5: silently discarded if not current. */
			if (now != 0 && (skew > RADIUS_DM_TIME_WINDOW ||
			    skew < -RADIUS_DM_TIME_WINDOW)) {
				snprintf(why, wl, "Event-Timestamp %lld s off",
				    skew);
				return -1;
			}
			break;
		default:
			/* Proxy-State, State, Error-Cause, the unknown. */
			if (authz_attr(pkt[o]))
				nak(&cause, RADIUS_EC_UNSUPPORTED_ATTRIBUTE);
			break;
		}
	}
	if (cause != 0)
		return cause;
	if (sid_too_long)
		return RADIUS_EC_SESSION_NOT_FOUND;
	if (!r->has_mac && r->user_name[0] == '\0' &&
	    r->session_id[0] == '\0' && r->mnid_len == 0)
		return RADIUS_EC_MISSING_ATTRIBUTE;
	return 0;
}

int
radius_dm_reply(uint8_t *buf, size_t len, const uint8_t *req,
    const struct radius_dm_msg *m, uint8_t code, uint32_t cause,
    const char *secret, size_t slen)
{
	size_t o = RADIUS_HDR_LEN, ma_at = 0, i;
	struct radius_md5 md;
	uint8_t sum[16];
	uint32_t be;

	if (len > RADIUS_MAX_LEN)
		len = RADIUS_MAX_LEN;
	if (len < RADIUS_HDR_LEN + 18 + 6)
		return -1;
	buf[0] = code;
	buf[1] = m->id;
	memcpy(buf + 4, m->auth, 16);
	if (m->has_ma) {
		ma_at = o;
		buf[o] = PW_MESSAGE_AUTHENTICATOR;
		buf[o + 1] = 18;
		memset(buf + o + 2, 0, 16);
		o += 18;
	}
	if (cause != 0) {
		buf[o] = PW_ERROR_CAUSE;
		buf[o + 1] = 6;
		be = htonl(cause);
		memcpy(buf + o + 2, &be, 4);
		o += 6;
	}
	/* RFC 5176 3: Proxy-State copied, in order. */
	for (i = RADIUS_HDR_LEN; i < m->len; i += req[i + 1]) {
		if (req[i] != PW_PROXY_STATE)
			continue;
		if (o + req[i + 1] > len)
			return -1;
		memcpy(buf + o, req + i, req[i + 1]);
		o += req[i + 1];
	}
	buf[2] = (uint8_t)(o >> 8);
	buf[3] = (uint8_t)o;
	if (ma_at != 0) {
		/* RFC 3579 3.2: with the Request Authenticator in place. */
		radius_hmac_md5(sum, secret, slen, buf, o);
		memcpy(buf + ma_at + 2, sum, 16);
	}
	/* RFC 5176 3.5: MD5(Code+ID+Length+RequestAuth+Attributes+Secret). */
	radius_md5_init(&md);
	radius_md5_update(&md, buf, o);
	radius_md5_update(&md, secret, slen);
	radius_md5_final(&md, buf + 4);
	return (int)o;
}

/* The transport. */

struct dm_client {
	struct in6_addr	addr;	/* IPv4 as ::ffff:a.b.c.d */
	char		secret[RADIUS_SECRET_MAX + 1];
	size_t		slen;
};

/* A reply sent, for resending to a retransmission (RFC 5080 2.2.2). */
struct dm_sent {
	uint64_t	at;	/* clock_ms(); 0: free */
	struct in6_addr	addr;
	uint16_t	port;
	uint8_t		id;
	uint8_t		auth[16];
	size_t		len;
	uint8_t		reply[RADIUS_MAX_LEN];
};

struct aaa_dm {
	struct loop		*loop;
	int			 fd;
	int			 family;
	aaa_dm_fn		*fn;
	void			*ctx;
	struct aaa_config	 conf;	/* without its lists */
	size_t			 n_clients;
	struct dm_client	 clients[AAA_MAX_SERVERS];
	unsigned		 next;	/* ring slot to fill next */
	struct dm_sent		 ring[DM_RING];
};

static void
v4_mapped(struct in6_addr *a, const struct in_addr *a4)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[10] = 0xff;
	a->s6_addr[11] = 0xff;
	memcpy(a->s6_addr + 12, a4, 4);
}

static int
addr_any(const char *s, struct in6_addr *a)
{
	struct in_addr a4;

	if (inet_pton(AF_INET6, s, a) == 1)
		return 0;
	if (inet_pton(AF_INET, s, &a4) == 1) {
		v4_mapped(a, &a4);
		return 0;
	}
	return -1;
}

/* Where a datagram came from and went to, in IPv6 terms. */
struct dm_path {
	struct sockaddr_storage	from;
	socklen_t		from_len;
	struct in6_addr		src;	/* from's address */
	uint16_t		port;
	int			has_dst;	/* dst/ifindex valid */
	struct in6_addr		dst;
	int			ifindex;
	char			name[INET6_ADDRSTRLEN + 8];	/* for logs */
};

static void
path_from(struct dm_path *p)
{
	const struct sockaddr_in6 *s6 = (const void *)&p->from;
	const struct sockaddr_in *s4 = (const void *)&p->from;
	char a[INET6_ADDRSTRLEN];

	if (p->from.ss_family == AF_INET) {
		v4_mapped(&p->src, &s4->sin_addr);
		p->port = ntohs(s4->sin_port);
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(p->name, sizeof(p->name), "%s:%u", a, p->port);
	} else {
		p->src = s6->sin6_addr;
		p->port = ntohs(s6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&p->src)) {
			inet_ntop(AF_INET, p->src.s6_addr + 12, a, sizeof(a));
			snprintf(p->name, sizeof(p->name), "%s:%u", a,
			    p->port);
		} else {
			inet_ntop(AF_INET6, &p->src, a, sizeof(a));
			snprintf(p->name, sizeof(p->name), "[%s]:%u", a,
			    p->port);
		}
	}
}

static void
dm_send(struct aaa_dm *dm, const struct dm_path *p, const uint8_t *buf,
    size_t len)
{
	union {
		struct cmsghdr	hdr;
		uint8_t		b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_name = (void *)&p->from,
	    .msg_namelen = p->from_len, .msg_iov = &iov, .msg_iovlen = 1 };
	struct in6_pktinfo pi;
	struct cmsghdr *cm;

	/* Answer from the address asked (a multihomed MAG). */
	if (dm->family == AF_INET6 && p->has_dst &&
	    !IN6_IS_ADDR_V4MAPPED(&p->dst)) {
		memset(&cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf.b;
		msg.msg_controllen = sizeof(cbuf.b);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memset(&pi, 0, sizeof(pi));
		pi.ipi6_addr = p->dst;
		pi.ipi6_ifindex = (unsigned)p->ifindex;
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	if (sendmsg(dm->fd, &msg, 0) == -1)
		LOG_RL(LOG_SUB_AAA, LOG_LVL_WARN, "Dynamic Authorization: "
		    "reply to %s: %s", p->name, strerror(errno));
}

/* Which session a request names, for the log. */
static void
describe(const struct aaa_dm_request *r, char *buf, size_t len)
{
	char t[AAA_STR_MAX * 4 + 1], mac[18];
	size_t o = 0;

	buf[0] = '\0';
	if (r->has_mac) {
		mac_format(r->mac, mac, sizeof(mac), MAC_DASH_UPPER);
		o += (size_t)snprintf(buf + o, len - o, " Calling-Station-Id"
		    " %s", mac);
	}
	if (r->user_name[0] != '\0' && o < len) {
		radius_printable((const uint8_t *)r->user_name,
		    strlen(r->user_name), t, sizeof(t));
		o += (size_t)snprintf(buf + o, len - o, " User-Name \"%s\"",
		    t);
	}
	if (r->session_id[0] != '\0' && o < len) {
		radius_printable((const uint8_t *)r->session_id,
		    strlen(r->session_id), t, sizeof(t));
		o += (size_t)snprintf(buf + o, len - o, " Acct-Session-Id "
		    "\"%s\"", t);
	}
	if (r->mnid_len != 0 && o < len) {
		radius_printable(r->mnid, r->mnid_len, t, sizeof(t));
		snprintf(buf + o, len - o, " Mobile-Node-Identifier \"%s\"",
		    t);
	}
}

static void
dm_input(struct aaa_dm *dm, const uint8_t *pkt, size_t n,
    const struct dm_path *p)
{
	struct radius_dm_msg m;
	const struct dm_client *cl = NULL;
	struct dm_sent *e;
	char why[128], what[1200];
	uint64_t now = clock_ms();
	unsigned k;
	uint32_t cause;
	uint8_t code;
	size_t i;
	int rc;

	for (i = 0; i < dm->n_clients && cl == NULL; i++)
		if (memcmp(&dm->clients[i].addr, &p->src, 16) == 0)
			cl = &dm->clients[i];
	if (cl == NULL) {
		LOG_RL(LOG_SUB_AAA, LOG_LVL_WARN, "Dynamic Authorization: "
		    "dropped a packet from %s, not a configured server",
		    p->name);
		return;
	}
	rc = radius_dm_parse(pkt, n, cl->secret, cl->slen, &dm->conf,
	    time(NULL), &m, why, sizeof(why));
	if (rc == -1) {
		LOG_RL(LOG_SUB_AAA, LOG_LVL_WARN, "Dynamic Authorization: "
		    "dropped a packet from %s: %s", p->name, why);
		return;
	}
	/* RFC 5080 2.2.2: a retransmission gets the same reply. */
	for (i = 0; i < DM_RING; i++) {
		e = &dm->ring[i];
		if (e->at != 0 && now - e->at < DM_DUP_MS &&
		    e->id == m.id && e->port == p->port &&
		    memcmp(&e->addr, &p->src, 16) == 0 &&
		    memcmp(e->auth, m.auth, 16) == 0) {
			LOG_RL(LOG_SUB_AAA, LOG_LVL_DEBUG, "Dynamic "
			    "Authorization: request %u from %s again, "
			    "same reply", m.id, p->name);
			dm_send(dm, p, e->reply, e->len);
			return;
		}
	}
	if (rc == 0) {
		k = dm->fn(dm->ctx, &m.req);
		code = k > 0 ? RADIUS_DISCONNECT_ACK : RADIUS_DISCONNECT_NAK;
		cause = k > 0 ? 0 : RADIUS_EC_SESSION_NOT_FOUND;
		describe(&m.req, what, sizeof(what));
		LOG_RL(LOG_SUB_AAA, LOG_LVL_INFO, "Disconnect-Request %u "
		    "from %s for%s: %u session%s ended", m.id, p->name, what,
		    k, k == 1 ? "" : "s");
	} else {
		code = m.code == RADIUS_COA_REQUEST ? RADIUS_COA_NAK :
		    RADIUS_DISCONNECT_NAK;
		cause = (uint32_t)rc;
		LOG_RL(LOG_SUB_AAA, LOG_LVL_INFO, "%s %u from %s refused, "
		    "Error-Cause %u", m.code == RADIUS_COA_REQUEST ?
		    "CoA-Request" : "Disconnect-Request", m.id, p->name,
		    cause);
	}
	e = &dm->ring[dm->next];
	dm->next = (dm->next + 1) % DM_RING;
	rc = radius_dm_reply(e->reply, sizeof(e->reply), pkt, &m, code,
	    cause, cl->secret, cl->slen);
	if (rc < 0) {
		e->at = 0;
		LOG_RL(LOG_SUB_AAA, LOG_LVL_WARN, "Dynamic Authorization: "
		    "no room for the reply to %s", p->name);
		return;
	}
	e->at = now != 0 ? now : 1;
	e->addr = p->src;
	e->port = p->port;
	e->id = m.id;
	memcpy(e->auth, m.auth, 16);
	e->len = (size_t)rc;
	dm_send(dm, p, e->reply, e->len);
}

static void
dm_read(int fd, uint32_t events, void *arg)
{
	struct aaa_dm *dm = arg;
	union {
		struct cmsghdr	hdr;
		uint8_t		b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				    CMSG_SPACE(sizeof(struct in_pktinfo))];
	} cbuf;
	uint8_t pkt[RADIUS_MAX_LEN];
	struct iovec iov = { .iov_base = pkt, .iov_len = sizeof(pkt) };
	struct msghdr msg;
	struct dm_path p;
	struct cmsghdr *cm;
	struct in6_pktinfo pi6;
	struct in_pktinfo pi4;
	ssize_t n;
	int i;

	(void)events;
	for (i = 0; i < DM_BATCH; i++) {
		memset(&p, 0, sizeof(p));
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &p.from;
		msg.msg_namelen = sizeof(p.from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf.b;
		msg.msg_controllen = sizeof(cbuf.b);
		if ((n = recvmsg(fd, &msg, 0)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				LOG_RL(LOG_SUB_AAA, LOG_LVL_WARN, "Dynamic "
				    "Authorization: recvmsg: %s",
				    strerror(errno));
			return;
		}
		p.from_len = msg.msg_namelen;
		path_from(&p);
		if (msg.msg_flags & MSG_TRUNC) {
			LOG_RL(LOG_SUB_AAA, LOG_LVL_WARN, "Dynamic "
			    "Authorization: dropped a packet from %s, over "
			    "%d octets", p.name, RADIUS_MAX_LEN);
			continue;
		}
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_PKTINFO) {
				memcpy(&pi6, CMSG_DATA(cm), sizeof(pi6));
				p.dst = pi6.ipi6_addr;
				p.ifindex = (int)pi6.ipi6_ifindex;
				p.has_dst = 1;
			} else if (cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_PKTINFO) {
				memcpy(&pi4, CMSG_DATA(cm), sizeof(pi4));
				v4_mapped(&p.dst, &pi4.ipi_addr);
				p.ifindex = pi4.ipi_ifindex;
				p.has_dst = 1;
			}
		}
		dm_input(dm, pkt, (size_t)n, &p);
	}
}

static int
dm_socket(struct aaa_dm *dm, const struct aaa_config *c, char *err,
    size_t errlen)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (void *)&ss;
	struct sockaddr_in *s4 = (void *)&ss;
	const char *where = c->dm_address[0] != '\0' ? c->dm_address : "::";
	socklen_t sl;
	int on = 1, off = 0, fd;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, where, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)c->dm_port);
		sl = sizeof(*s4);
	} else if (inet_pton(AF_INET6, where, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)c->dm_port);
		sl = sizeof(*s6);
	} else {
		snprintf(err, errlen, "radius.dm_address: \"%s\" is not an "
		    "IPv6 or IPv4 address", where);
		return -1;
	}
	dm->family = ss.ss_family;
	if ((fd = socket(dm->family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "Dynamic Authorization socket: %s",
		    strerror(errno));
		return -1;
	}
	dm->fd = fd;
	/* Both families on "::", so IPv4 servers reach us too. */
	if ((dm->family == AF_INET6 && (setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &off, sizeof(off)) == -1 || setsockopt(fd,
	    IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) == -1)) ||
	    (dm->family == AF_INET && setsockopt(fd, IPPROTO_IP, IP_PKTINFO,
	    &on, sizeof(on)) == -1)) {
		snprintf(err, errlen, "Dynamic Authorization socket options:"
		    " %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1) {
		snprintf(err, errlen, "radius.dm_port: cannot bind %s%s%s:%d:"
		    " %s", dm->family == AF_INET6 ? "[" : "", where,
		    dm->family == AF_INET6 ? "]" : "", c->dm_port,
		    strerror(errno));
		return -1;
	}
	return 0;
}

struct aaa_dm *
aaa_dm_open(struct loop *loop, const struct aaa_config *c, aaa_dm_fn *fn,
    void *ctx, char *err, size_t errlen)
{
	const struct aaa_server_conf *s = c->servers.v;
	struct dm_client *cl;
	struct aaa_dm *dm;
	char why[384];
	size_t i;

	if (c->dm_port == 0) {
		snprintf(err, errlen, "radius.dm_port is 0: Dynamic "
		    "Authorization is off");
		return NULL;
	}
	if (aaa_config_check(c, err, errlen) == -1)
		return NULL;
	if ((dm = calloc(1, sizeof(*dm))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	dm->loop = loop;
	dm->fd = -1;
	dm->fn = fn;
	dm->ctx = ctx;
	dm->conf = *c;
	memset(&dm->conf.servers, 0, sizeof(dm->conf.servers));
	memset(&dm->conf.mnid_from, 0, sizeof(dm->conf.mnid_from));
	for (i = 0; i < c->servers.n; i++) {
		cl = &dm->clients[dm->n_clients++];
		if (addr_any(s[i].address, &cl->addr) == -1) {
			snprintf(err, errlen, "radius.servers[%zu].address: "
			    "\"%s\" is not an address", i, s[i].address);
			goto fail;
		}
		if (aaa_read_secret(s[i].secret_file, cl->secret,
		    sizeof(cl->secret), why, sizeof(why)) == -1) {
			snprintf(err, errlen, "radius.servers[%zu].secret_file:"
			    " %s", i, why);
			goto fail;
		}
		cl->slen = strlen(cl->secret);
	}
	if (dm_socket(dm, c, err, errlen) == -1)
		goto fail;
	if (loop_add_fd(loop, dm->fd, EPOLLIN, dm_read, dm) == -1) {
		snprintf(err, errlen, "Dynamic Authorization: loop_add_fd: "
		    "%s", strerror(errno));
		goto fail;
	}
	return dm;
fail:
	if (dm->fd != -1)
		close(dm->fd);
	explicit_bzero(dm->clients, sizeof(dm->clients));
	free(dm);
	return NULL;
}

void
aaa_dm_close(struct aaa_dm *dm)
{
	if (dm == NULL)
		return;
	loop_del_fd(dm->loop, dm->fd);
	close(dm->fd);
	explicit_bzero(dm->clients, sizeof(dm->clients));
	free(dm);
}
