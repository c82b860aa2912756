/*
 * ipsec_ctl.c: libipsecctl, the daemon's end of the charon plugin link:
 * the listening socket on the event loop, one record per peer in a hash
 * table, and retry timers for wanted peers (RFC 5213 section 4: the MAG
 * and LMA protect PBU/PBA with an IPsec SA; this is how a daemon learns
 * whether one is there and asks for one when not).
 *
 * Exactly one plugin connection counts at a time: a new one replaces
 * the old, which is a charon that restarted before its socket closed.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include "addr.h"
#include "ipsec_ctl.h"
#include "log.h"
#include "loop.h"

#define INITIAL_BUCKETS	64
/* Retries back off to retry_ms << MAX_BACKOFF_SHIFT at most. */
#define MAX_BACKOFF_SHIFT	3
#define SOCKET_PATH_MAX		108	/* sun_path */
/* A TUN device's index is looked up again at most this often (ms). */
#define TUN_LOOKUP_MS		1000

struct peer {
	struct ipsecctl_sa	 sa;
	struct ipsecctl		*c;
	struct timer		 retry;
	int			 attempt;	/* initiated, not up since */
	int			 deferred;	/* retry is ipsecctl_initiate_later's */
	int			 seen;		/* named in the current dump */
	struct peer		*next;		/* hash chain */
};

struct ipsecctl {
	struct loop	*loop;
	int		 lfd;		/* listening */
	int		 cfd;		/* the plugin, or -1 */
	int		 syncing;	/* between hello and synced */
	int		 attached;	/* synced at least once on cfd */
	uint64_t	 retry_ms;
	ipsecctl_cb	 cb;
	void		*ctx;
	char		 path[SOCKET_PATH_MAX];
	struct peer	**buckets;
	size_t		 nbuckets;
	size_t		 npeers;
	uint32_t	 seed;
	unsigned	 tun_ifindex;	/* of tun_name, 0 if unknown */
	char		 tun_name[16];
	uint64_t	 tun_lookup_ms;	/* clock_ms() of the last lookup */
};

static void	send_initiate(struct peer *p);
static void	detach(struct ipsecctl *c, const char *why);

const char *
ipsecctl_event_name(enum ipsecctl_event ev)
{
	static const char *const names[] = { "up", "down", "fail", "attach",
	    "detach" };

	return (unsigned)ev < sizeof(names) / sizeof(names[0]) ?
	    names[ev] : "?";
}

static struct peer *
peer_find(const struct ipsecctl *c, const struct in6_addr *a)
{
	struct peer *p;

	p = c->buckets[addr6_hash(a, c->seed) & (c->nbuckets - 1)];
	for (; p != NULL; p = p->next)
		if (addr6_eq(&p->sa.peer, a))
			return p;
	return NULL;
}

static void
rehash(struct ipsecctl *c)
{
	size_t n = c->nbuckets * 2, i, h;
	struct peer **b, *p, *next;

	/* A failed grow only makes chains longer. */
	if ((b = calloc(n, sizeof(*b))) == NULL)
		return;
	for (i = 0; i < c->nbuckets; i++)
		for (p = c->buckets[i]; p != NULL; p = next) {
			next = p->next;
			h = addr6_hash(&p->sa.peer, c->seed) & (n - 1);
			p->next = b[h];
			b[h] = p;
		}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
}

static void	retry_fired(struct timer *t, void *ctx);

static struct peer *
peer_get(struct ipsecctl *c, const struct in6_addr *a)
{
	struct peer *p;
	size_t h;

	if ((p = peer_find(c, a)) != NULL)
		return p;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->c = c;
	p->sa.peer = *a;
	timer_init(&p->retry, retry_fired, p);
	if (c->npeers >= c->nbuckets * 2)
		rehash(c);
	h = addr6_hash(a, c->seed) & (c->nbuckets - 1);
	p->next = c->buckets[h];
	c->buckets[h] = p;
	c->npeers++;
	return p;
}

static void
notify(struct ipsecctl *c, enum ipsecctl_event ev, const struct peer *p)
{
	if (c->cb != NULL)
		c->cb(ev, p != NULL ? &p->sa : NULL, c->ctx);
}

static uint64_t
backoff(const struct peer *p)
{
	unsigned shift = p->sa.failures < MAX_BACKOFF_SHIFT ?
	    p->sa.failures : MAX_BACKOFF_SHIFT;

	return p->c->retry_ms << shift;
}

static void
retry_fired(struct timer *t, void *ctx)
{
	struct peer *p = ctx;

	(void)t;
	if (p->deferred) {
		p->deferred = 0;
		if (!p->sa.up)
			p->sa.wanted = 1;
	}
	if (p->sa.wanted && !p->sa.up && p->c->attached)
		send_initiate(p);
}

static int
send_msg(struct ipsecctl *c, const struct ipsec_msg *m)
{
	char buf[IPSEC_MSG_MAX + 1];
	int n;

	if (c->cfd == -1 || !c->attached) {
		errno = ENOTCONN;
		return -1;
	}
	if ((n = ipsec_msg_format(m, buf, sizeof(buf))) == -1)
		return -1;
	if (send(c->cfd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) == n)
		return 0;
	/* A full queue only delays: the retry timer asks again. */
	if (errno != EAGAIN && errno != EWOULDBLOCK) {
		log_warn(LOG_SUB_IPSEC, "send to charon");
		detach(c, "send failed");
		errno = ENOTCONN;
	}
	return -1;
}

static void
send_initiate(struct peer *p)
{
	struct ipsec_msg m = { .type = IPSEC_MSG_INITIATE, .peer = p->sa.peer };
	char buf[INET6_ADDRSTRLEN];

	if (send_msg(p->c, &m) == 0) {
		/* Retries belong to the attempt the first one began. */
		if (!p->attempt) {
			p->sa.initiated_ms = clock_ms();
			p->attempt = 1;
		}
		log_debug(LOG_SUB_IPSEC, "initiate %s",
		    addr6_ntop(&p->sa.peer, buf));
	}
	if (p->c->attached)
		(void)timer_arm(p->c->loop, &p->retry, backoff(p));
}

static void
set_down(struct peer *p)
{
	struct ipsecctl *c = p->c;
	char buf[INET6_ADDRSTRLEN];

	p->sa.up = 0;
	p->sa.since_ms = clock_ms();
	p->sa.spi_in = p->sa.spi_out = 0;
	log_info(LOG_SUB_IPSEC, "SA with %s down",
	    addr6_ntop(&p->sa.peer, buf));
	notify(c, IPSECCTL_DOWN, p);
	if (p->sa.wanted && c->attached)
		send_initiate(p);
}

static void
on_up(struct ipsecctl *c, const struct ipsec_msg *m)
{
	char buf[INET6_ADDRSTRLEN];
	struct peer *p;
	int changed;

	if ((p = peer_get(c, &m->peer)) == NULL) {
		log_warnx(LOG_SUB_IPSEC, "no memory for a peer");
		return;
	}
	p->seen = 1;
	changed = !p->sa.up || p->sa.spi_in != m->spi_in ||
	    p->sa.spi_out != m->spi_out;
	if (!p->sa.up)
		p->sa.since_ms = clock_ms();
	p->sa.up = 1;
	p->sa.local = m->local;
	p->sa.spi_in = m->spi_in;
	p->sa.spi_out = m->spi_out;
	p->sa.tunnel = m->tunnel;
	p->sa.failures = 0;
	p->attempt = 0;
	p->deferred = 0;
	timer_cancel(c->loop, &p->retry);
	if (!changed)
		return;
	log_info(LOG_SUB_IPSEC, "SA with %s up, SPIs %08x/%08x, %s mode",
	    addr6_ntop(&m->peer, buf), m->spi_in, m->spi_out,
	    m->tunnel ? "tunnel" : "transport");
	notify(c, IPSECCTL_UP, p);
}

static void
on_fail(struct ipsecctl *c, const struct ipsec_msg *m)
{
	char buf[INET6_ADDRSTRLEN];
	struct peer *p;

	if ((p = peer_get(c, &m->peer)) == NULL)
		return;
	p->sa.failures++;
	memcpy(p->sa.reason, m->reason, sizeof(p->sa.reason));
	LOG_RL(LOG_SUB_IPSEC, LOG_LVL_WARN, "SA with %s failed: %s",
	    addr6_ntop(&m->peer, buf), m->reason);
	notify(c, IPSECCTL_FAIL, p);
	/* Next attempt after the (now longer) back-off. */
	if (p->sa.wanted && !p->sa.up && c->attached)
		(void)timer_arm(c->loop, &p->retry, backoff(p));
}

static void
on_synced(struct ipsecctl *c)
{
	struct peer *p;
	size_t i;

	c->syncing = 0;
	c->attached = 1;
	for (i = 0; i < c->nbuckets; i++)
		for (p = c->buckets[i]; p != NULL; p = p->next)
			if (p->sa.up && !p->seen)
				set_down(p);
	log_info(LOG_SUB_IPSEC, "charon attached");
	notify(c, IPSECCTL_ATTACH, NULL);
	for (i = 0; i < c->nbuckets && c->attached; i++)
		for (p = c->buckets[i]; p != NULL && c->attached; p = p->next)
			if (p->sa.wanted && !p->sa.up &&
			    !timer_pending(&p->retry))
				send_initiate(p);
}

static void
handle(struct ipsecctl *c, const struct ipsec_msg *m)
{
	struct peer *p;
	size_t i;

	switch (m->type) {
	case IPSEC_MSG_HELLO:
		if (m->version != IPSEC_PROTO_VERSION) {
			log_warnx(LOG_SUB_IPSEC, "charon plugin speaks "
			    "version %u, not %u", m->version,
			    IPSEC_PROTO_VERSION);
			detach(c, "version mismatch");
			return;
		}
		c->syncing = 1;
		for (i = 0; i < c->nbuckets; i++)
			for (p = c->buckets[i]; p != NULL; p = p->next)
				p->seen = 0;
		break;
	case IPSEC_MSG_UP:
		on_up(c, m);
		break;
	case IPSEC_MSG_DOWN:
		if ((p = peer_find(c, &m->peer)) != NULL && p->sa.up)
			set_down(p);
		break;
	case IPSEC_MSG_FAIL:
		on_fail(c, m);
		break;
	case IPSEC_MSG_SYNCED:
		if (c->syncing)
			on_synced(c);
		break;
	default:
		LOG_RL(LOG_SUB_IPSEC, LOG_LVL_WARN, "charon sent a %s",
		    ipsec_msg_type_name(m->type));
		break;
	}
}

static void
conn_cb(int fd, uint32_t events, void *ctx)
{
	struct ipsecctl *c = ctx;
	char buf[IPSEC_MSG_MAX + 1];
	struct ipsec_msg m;
	ssize_t n;

	(void)events;
	while (c->cfd == fd) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			return;
		if (n <= 0) {
			detach(c, n == 0 ? "closed" : strerror(errno));
			return;
		}
		if ((size_t)n > IPSEC_MSG_MAX ||
		    ipsec_msg_parse(buf, (size_t)n, &m) == -1) {
			LOG_RL(LOG_SUB_IPSEC, LOG_LVL_WARN,
			    "bad message from charon (%zd octets)", n);
			continue;
		}
		handle(c, &m);
	}
}

static void
detach(struct ipsecctl *c, const char *why)
{
	int was = c->attached;
	struct peer *p;
	size_t i;

	if (c->cfd == -1)
		return;
	loop_del_fd(c->loop, c->cfd);
	close(c->cfd);
	c->cfd = -1;
	c->attached = c->syncing = 0;
	log_info(LOG_SUB_IPSEC, "charon detached: %s", why);
	for (i = 0; i < c->nbuckets; i++)
		for (p = c->buckets[i]; p != NULL; p = p->next) {
			timer_cancel(c->loop, &p->retry);
			p->attempt = 0;
			p->deferred = 0;
			if (p->sa.up)
				set_down(p);
		}
	if (was)
		notify(c, IPSECCTL_DETACH, NULL);
}

/* Only charon's user (root) or our own may speak for charon. */
static int
peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return 0;
	return cred.uid == 0 || cred.uid == geteuid();
}

static void
accept_cb(int fd, uint32_t events, void *ctx)
{
	struct ipsecctl *c = ctx;
	int nfd;

	(void)events;
	nfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (nfd == -1)
		return;
	if (!peer_allowed(nfd)) {
		LOG_RL(LOG_SUB_IPSEC, LOG_LVL_WARN,
		    "refused a connection from another user");
		close(nfd);
		return;
	}
	detach(c, "replaced by a new connection");
	if (loop_add_fd(c->loop, nfd, EPOLLIN, conn_cb, c) == -1) {
		log_warn(LOG_SUB_IPSEC, "loop_add_fd");
		close(nfd);
		return;
	}
	c->cfd = nfd;
	log_debug(LOG_SUB_IPSEC, "charon plugin connected");
}

struct ipsecctl *
ipsecctl_open(struct loop *loop, const char *path, uint64_t retry_ms,
    ipsecctl_cb cb, void *ctx)
{
	struct sockaddr_un sun;
	struct ipsecctl *c;
	char dir[SOCKET_PATH_MAX], *slash;
	mode_t old;
	int saved;

	if (strlen(path) >= sizeof(sun.sun_path) || path[0] == '\0') {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->loop = loop;
	c->lfd = -1;
	c->cfd = -1;
	c->retry_ms = retry_ms ? retry_ms : 5000;
	c->cb = cb;
	c->ctx = ctx;
	c->seed = (uint32_t)clock_ms() ^ ((uint32_t)getpid() << 16);
	c->nbuckets = INITIAL_BUCKETS;
	snprintf(c->path, sizeof(c->path), "%s", path);
	if ((c->buckets = calloc(c->nbuckets, sizeof(*c->buckets))) == NULL)
		goto fail;
	/* /run/pmip6 is on a tmpfs: it may not be there after a boot. */
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) == -1 && errno != EEXIST)
			goto fail;
	}
	c->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (c->lfd == -1)
		goto fail;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	(void)unlink(path);
	old = umask(0177);
	if (bind(c->lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		goto fail;
	}
	umask(old);
	if (listen(c->lfd, 4) == -1 ||
	    loop_add_fd(loop, c->lfd, EPOLLIN, accept_cb, c) == -1)
		goto fail;
	return c;
fail:
	saved = errno;
	if (c->lfd != -1)
		close(c->lfd);
	free(c->buckets);
	free(c);
	errno = saved;
	return NULL;
}

void
ipsecctl_close(struct ipsecctl *c)
{
	struct peer *p, *next;
	size_t i;

	if (c == NULL)
		return;
	/* No callbacks from here on: the daemon is going away. */
	c->cb = NULL;
	detach(c, "closing");
	for (i = 0; i < c->nbuckets; i++)
		for (p = c->buckets[i]; p != NULL; p = next) {
			next = p->next;
			timer_cancel(c->loop, &p->retry);
			free(p);
		}
	loop_del_fd(c->loop, c->lfd);
	close(c->lfd);
	(void)unlink(c->path);
	free(c->buckets);
	free(c);
}

int
ipsecctl_initiate(struct ipsecctl *c, const struct in6_addr *peer)
{
	struct peer *p;

	if ((p = peer_get(c, peer)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	p->sa.wanted = 1;
	/* A pending retry means an initiate is already out. */
	if (!p->sa.up && c->attached && !timer_pending(&p->retry))
		send_initiate(p);
	return 0;
}

int
ipsecctl_initiate_later(struct ipsecctl *c, const struct in6_addr *peer,
    uint64_t delay_ms)
{
	struct peer *p;

	if ((p = peer_get(c, peer)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	/* Wanted already, or a deferral running: nothing to add. */
	if (p->sa.up || p->sa.wanted || timer_pending(&p->retry))
		return 0;
	p->deferred = 1;
	(void)timer_arm(c->loop, &p->retry, delay_ms);
	return 0;
}

void
ipsecctl_release(struct ipsecctl *c, const struct in6_addr *peer)
{
	struct peer *p;

	if ((p = peer_find(c, peer)) == NULL)
		return;
	p->deferred = 0;
	p->sa.wanted = 0;
	p->attempt = 0;
	timer_cancel(c->loop, &p->retry);
}

int
ipsecctl_terminate(struct ipsecctl *c, const struct in6_addr *peer)
{
	struct ipsec_msg m = { .type = IPSEC_MSG_TERMINATE, .peer = *peer };

	ipsecctl_release(c, peer);
	return send_msg(c, &m);
}

const struct ipsecctl_sa *
ipsecctl_find(const struct ipsecctl *c, const struct in6_addr *peer)
{
	const struct peer *p = peer_find(c, peer);

	return p != NULL ? &p->sa : NULL;
}

int
ipsecctl_is_up(const struct ipsecctl *c, const struct in6_addr *peer)
{
	const struct peer *p = peer_find(c, peer);

	return p != NULL && p->sa.up;
}

int
ipsecctl_attached(const struct ipsecctl *c)
{
	return c->attached;
}

void
ipsecctl_foreach(const struct ipsecctl *c,
    void (*fn)(const struct ipsecctl_sa *sa, void *arg), void *arg)
{
	const struct peer *p;
	size_t i;

	for (i = 0; i < c->nbuckets; i++)
		for (p = c->buckets[i]; p != NULL; p = p->next)
			fn(&p->sa, arg);
}

int
ipsecctl_may_send(struct ipsecctl *c, const struct ipsec_conf *conf,
    const struct in6_addr *peer)
{
	enum ipsec_mode mode = ipsec_conf_mode(conf, peer);

	if (mode == IPSEC_MODE_OFF)
		return 1;
	if (c != NULL)
		(void)ipsecctl_initiate(c, peer);
	if (mode == IPSEC_MODE_OPTIONAL)
		return 1;
	return c != NULL && ipsecctl_is_up(c, peer);
}

/*
 * The TUN device comes and goes with charon (and may be renamed), so a
 * mismatch looks it up again, but not for every packet of a flood.
 */
static int
is_tun(struct ipsecctl *c, const char *name, unsigned ifindex)
{
	uint64_t now = clock_ms();

	if (strcmp(c->tun_name, name) != 0) {
		snprintf(c->tun_name, sizeof(c->tun_name), "%s", name);
		c->tun_ifindex = 0;
		c->tun_lookup_ms = 0;
	}
	if (ifindex != 0 && ifindex == c->tun_ifindex)
		return 1;
	if (c->tun_lookup_ms != 0 && now - c->tun_lookup_ms < TUN_LOOKUP_MS)
		return 0;
	c->tun_lookup_ms = now ? now : 1;
	c->tun_ifindex = if_nametoindex(name);
	return ifindex != 0 && ifindex == c->tun_ifindex;
}

int
ipsecctl_rx_allowed(struct ipsecctl *c, const struct ipsec_conf *conf,
    const struct in6_addr *src, unsigned ifindex)
{
	struct ipsec_peer p;

	ipsec_conf_peer(conf, src, &p);
	if (p.mode != IPSEC_MODE_REQUIRED)
		return 1;
	if (c == NULL || !ipsecctl_is_up(c, src))
		return 0;
	if (p.child_mode == IPSEC_CHILD_TRANSPORT)
		return 1;
	return is_tun(c, conf->tun_interface, ifindex);
}

int
ipsecctl_rx_check(struct ipsecctl *c, const struct ipsec_conf *conf,
    const struct in6_addr *src, unsigned ifindex, uint64_t *dropped)
{
	static struct log_ratelimit rl = LOG_RATELIMIT_INIT(10000, 10);
	char s[INET6_ADDRSTRLEN];

	if (c == NULL || ipsecctl_rx_allowed(c, conf, src, ifindex))
		return 1;
	(*dropped)++;
	log_rl(&rl, LOG_SUB_IPSEC, LOG_LVL_WARN, "dropped an MH from %s "
	    "that did not arrive through its IPsec SA", addr6_ntop(src, s));
	return 0;
}

const char *
ipsecctl_state_name(const struct ipsecctl *c, const struct in6_addr *peer)
{
	const struct ipsecctl_sa *sa;

	if (c == NULL)
		return "off";
	if ((sa = ipsecctl_find(c, peer)) == NULL)
		return "none";
	return sa->up ? (sa->tunnel ? "up-tunnel" : "up-transport") : "down";
}
