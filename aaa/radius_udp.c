/*
 * radius_udp.c: one RADIUS exchange with one server over UDP, blocking;
 * run on libaaa's worker threads, never on the loop thread.
 *
 * A connected socket: replies only from the server, and a port
 * unreachable ends the exchange at once instead of after every timeout.
 * Each worker keeps one per server (struct radius_conn) for its
 * lifetime: connecting is a route lookup, and a socket per exchange made
 * that a cost of every attach.  A kept socket hears late replies to its
 * earlier exchanges, so identifiers go up by one per packet on it (the
 * last 256 packets all differ) and a reply must carry the identifier of
 * the packet now outstanding and verify against its Request
 * Authenticator (random per Access-Request, RFC 2865 3; a digest of the
 * packet for accounting); others are dropped without counting as bad.
 * Whatever an earlier exchange left queued (replies, an ICMP error) is
 * discarded before the next one starts.  RFC 5080 2.2.1 retransmits an
 * Access-Request unchanged.  Accounting retransmissions carry an
 * updated Acct-Delay-Time (RFC 2866 5.2) and so a new identifier.
 * Replies that fail radius_verify_reply() are dropped and the wait goes
 * on.
 *
 * This replaces radcli's rc_aaa()/rc_acct(): radcli 1.2.11 returns a
 * reply whose Response Authenticator is wrong as if it were good, so
 * anyone on the path could forge an Access-Accept.  radcli still
 * provides the dictionary, attribute lists and their decoding.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "aaa_int.h"

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
random_bytes(void *p, size_t n)
{
	return getrandom(p, n, 0) == (ssize_t)n ? 0 : -1;
}

/*
 * RFC 6572 5.1 wants a NAS address; radcli used to add the source
 * address when none was configured.  The attribute added, or 0.
 */
static int
add_nas_address(rc_handle *rh, int fd, VALUE_PAIR **send)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	uint32_t v4;

	if (rc_avpair_get(*send, PW_NAS_IP_ADDRESS, 0) != NULL ||
	    rc_avpair_get(*send, PW_NAS_IPV6_ADDRESS, 0) != NULL ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) == -1)
		return 0;
	if (ss.ss_family == AF_INET6)
		return rc_avpair_add(rh, send, PW_NAS_IPV6_ADDRESS,
		    &((struct sockaddr_in6 *)&ss)->sin6_addr, 16, 0) != NULL ?
		    PW_NAS_IPV6_ADDRESS : 0;
	v4 = ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr);
	return rc_avpair_add(rh, send, PW_NAS_IP_ADDRESS, &v4, 0, 0) != NULL ?
	    PW_NAS_IP_ADDRESS : 0;
}

static void
set_delay(rc_handle *rh, VALUE_PAIR **send, uint64_t queued_ms)
{
	uint64_t now = now_ms();
	uint32_t d = queued_ms != 0 && now > queued_ms ?
	    (uint32_t)((now - queued_ms) / 1000) : 0;
	VALUE_PAIR *vp = rc_avpair_get(*send, PW_ACCT_DELAY_TIME, 0);

	if (vp != NULL)
		rc_avpair_assign(vp, &d, 0);
	else
		rc_avpair_add(rh, send, PW_ACCT_DELAY_TIME, &d, 0, 0);
}

static int
open_socket(const struct radius_peer *p, const struct radius_xopts *o)
{
	int fd;

	fd = socket(p->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if ((o->bind_len > 0 && bind(fd, (const struct sockaddr *)&o->bind,
	    o->bind_len) == -1) ||
	    connect(fd, (const struct sockaddr *)&p->addr, p->addr_len) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

void
radius_conn_init(struct radius_conn *c)
{
	c->fd = -1;
	c->next_id = 0;
}

void
radius_conn_close(struct radius_conn *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
}

/* The kept socket, opened if needed, with nothing left from before. */
static int
conn_ready(struct radius_conn *c, const struct radius_peer *p,
    const struct radius_xopts *o)
{
	uint8_t buf[64];
	socklen_t sl = sizeof(int);
	int e;

	if (c->fd == -1) {
		if ((c->fd = open_socket(p, o)) == -1)
			return -1;
		if (random_bytes(&c->next_id, 1) == -1) {
			radius_conn_close(c);
			return -1;
		}
		return 0;
	}
	/* An ICMP error queued by an earlier exchange: not this one's. */
	(void)getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &sl);
	while (recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) >= 0 ||
	    errno == EINTR || errno == ECONNREFUSED)
		;
	return 0;
}

/* Whether o's stop_fd says the exchange must end. */
static int
stopped(const struct radius_xopts *o)
{
	struct pollfd pfd = { .fd = o->stop_fd, .events = POLLIN };

	return o->stop_fd > 0 && poll(&pfd, 1, 0) == 1;
}

/*
 * Wait up to ms for a valid reply to req; 1 with it in rep (length in
 * *n), 0 on timeout, -1 with errno on a socket error, -2 when o's
 * stop_fd fired.  *bad counts the replies dropped that claim to answer
 * req.
 */
static int
await_reply(int fd, const uint8_t *req, const struct radius_peer *p,
    const struct radius_xopts *o, uint8_t *rep, size_t *n, int *bad,
    char *why, size_t wl)
{
	uint64_t end = now_ms() + o->timeout_ms, t;
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = o->stop_fd > 0 ? o->stop_fd : -1, .events = POLLIN },
	};
	ssize_t r;
	int pr;

	while ((t = now_ms()) < end) {
		pr = poll(pfd, 2, (int)(end - t));
		if (pr == -1 && errno == EINTR)
			continue;
		if (pr == -1)
			return -1;
		if (pr == 0)
			return 0;
		if (pfd[1].revents != 0)
			return -2;
		r = recv(fd, rep, RADIUS_MAX_LEN, 0);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r == -1)
			return -1;
		/* Late, for an earlier packet on a kept socket. */
		if (r >= 2 && rep[1] != req[1])
			continue;
		if (radius_verify_reply(req, rep, (size_t)r, p->secret,
		    p->secret_len, o->require_ma, why, wl) == 0) {
			*n = (size_t)r;
			return 1;
		}
		(*bad)++;
	}
	return 0;
}

static int
send_packet(int fd, const uint8_t *p, size_t n)
{
	ssize_t r;

	do
		r = send(fd, p, n, 0);
	while (r == -1 && errno == EINTR);
	return r == (ssize_t)n ? 0 : -1;
}

/*
 * The next packet to send: a new identifier (the conn's next, else
 * random) and authenticator.
 */
static int
build(rc_handle *rh, const struct radius_peer *p, struct radius_conn *c,
    const struct radius_xopts *o, int acct, VALUE_PAIR **send,
    uint64_t queued_ms, uint8_t *req, char *why, size_t wl)
{
	uint8_t auth[16], id;

	if (acct)
		set_delay(rh, send, queued_ms);
	if (c != NULL)
		id = c->next_id++;
	else if (random_bytes(&id, 1) == -1) {
		snprintf(why, wl, "getrandom: %s", strerror(errno));
		return -1;
	}
	if (random_bytes(auth, 16) == -1) {
		snprintf(why, wl, "getrandom: %s", strerror(errno));
		return -1;
	}
	return radius_encode(req, RADIUS_MAX_LEN, acct ?
	    PW_ACCOUNTING_REQUEST : PW_ACCESS_REQUEST, id, auth, *send,
	    p->secret, p->secret_len, !acct && o->add_ma, why, wl);
}

int
radius_exchange(rc_handle *rh, const struct radius_peer *p,
    struct radius_conn *c, const struct radius_xopts *o, int acct,
    VALUE_PAIR **send, uint64_t queued_ms, VALUE_PAIR **recv, char *why,
    size_t wl)
{
	uint8_t req[RADIUS_MAX_LEN], rep[RADIUS_MAX_LEN];
	size_t rn = 0;
	int fd, len = -1, t, bad = 0, rc = TIMEOUT_RC, w, nas;

	*recv = NULL;
	why[0] = '\0';
	if (stopped(o)) {
		snprintf(why, wl, "shutting down");
		return ERROR_RC;
	}
	if (c != NULL)
		fd = conn_ready(c, p, o) == 0 ? c->fd : -1;
	else
		fd = open_socket(p, o);
	if (fd == -1) {
		snprintf(why, wl, "%s", strerror(errno));
		return ERROR_RC;
	}
	nas = add_nas_address(rh, fd, send);
	for (t = 0; t <= o->retries; t++) {
		/* RFC 5080 2.2.1: an unchanged packet keeps its identity. */
		if ((t == 0 || acct) && (len = build(rh, p, c, o, acct, send,
		    queued_ms, req, why, wl)) == -1) {
			rc = ERROR_RC;
			break;
		}
		if (send_packet(fd, req, (size_t)len) == -1)
			w = -1;
		else
			w = await_reply(fd, req, p, o, rep, &rn, &bad, why, wl);
		if (w == -2) {
			snprintf(why, wl, "shutting down");
			rc = ERROR_RC;
			break;
		}
		if (w == -1) {
			rc = errno == ECONNREFUSED ? RADIUS_REFUSED_RC :
			    ERROR_RC;
			snprintf(why, wl, "%s", strerror(errno));
			break;
		}
		if (w == 0)
			continue;
		rc = rep[0] == PW_ACCESS_REJECT ? REJECT_RC :
		    rep[0] == PW_ACCESS_CHALLENGE ? CHALLENGE_RC : OK_RC;
		rn = (size_t)rep[2] << 8 | rep[3];
		if (rn > RADIUS_HDR_LEN)
			*recv = rc_avpair_gen(rh, NULL, rep + RADIUS_HDR_LEN,
			    (int)(rn - RADIUS_HDR_LEN), 0);
		break;
	}
	if (rc == TIMEOUT_RC && bad > 0)
		rc = BADRESP_RC;	/* why holds the last reason */
	if (nas != 0)
		rc_avpair_remove(send, nas, 0);
	/* A socket that failed otherwise than by ICMP is not kept. */
	if (c == NULL)
		close(fd);
	else if (rc == ERROR_RC)
		radius_conn_close(c);
	explicit_bzero(req, sizeof(req));
	return rc;
}
