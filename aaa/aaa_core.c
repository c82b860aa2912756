/*
 * aaa_core.c: requests, the worker pool that runs the exchanges, server
 * failover, and completions back on the loop thread.
 *
 * An exchange (radius_udp.c) blocks for up to timeout x (retries + 1)
 * per server.  So the loop thread builds each request's attributes,
 * queues it, and returns; a worker runs the exchange, trying servers in
 * turn from the one that last answered (hostapd's failover: stay on the
 * server that works, optionally go back to the first after a while),
 * then queues the request as done and bumps an eventfd.  Each worker
 * keeps a socket per server (radius_udp.c).  The loop reads
 * the eventfd, turns the reply into a result (radius_msg.c) and calls
 * back.  Workers never log, and touch only the queues (under the mutex),
 * the failover cursor (atomic) and their own request.
 *
 * RFC 2865 2.4 and RFC 5080 2.2.1 (retransmission and failover), RFC
 * 2866 5.2 (Acct-Delay-Time counts the time a request spent queued).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "aaa_int.h"
#include "log.h"
#include "loop.h"

enum req_state {
	REQ_QUEUED,
	REQ_RUNNING,
	REQ_DONE,
};

#define RC_NOT_TRIED	127
#define AAA_BATCH	128	/* completions handled per loop pass */

struct aaa_req {
	struct aaa_req	*next;		/* every request: loop thread */
	struct aaa_req	*prev;
	struct aaa_req	*qnext;		/* work or done queue: under mu */
	enum req_state	 state;		/* under mu */
	int		 cancelled;	/* loop thread */
	uint64_t	 id;
	int		 acct;
	uint64_t	 queued_ms;
	VALUE_PAIR	*send;
	/* Written by the worker, read by the loop once done. */
	VALUE_PAIR	*recv;
	int		 rc;		/* rc_send_status of the last try */
	int		 server;	/* index that answered, -1 */
	int		 moved;		/* the answer moved the cursor */
	int8_t		 rcs[AAA_MAX_SERVERS];	/* per server, or not tried */
	char		 why[160];	/* the exchange's last reason */
	/* Auth only. */
	aaa_done_fn	*done;
	void		*ctx;
	uint8_t		 mac[6];
	uint32_t	 nas_port;
	char		 user[AAA_STR_MAX + 1];
};

struct aaa_srv {
	struct radius_peer peer[2];	/* auth, acct */
	char		 secret[RADIUS_SECRET_MAX + 1];
	char		 name[2][INET6_ADDRSTRLEN + 10];
	int		 up[2];		/* loop thread: answering, as last seen */
};

struct aaa {
	struct loop	*loop;
	struct aaa_config conf;		/* a deep copy */
	rc_handle	*rh;		/* dictionaries only */
	struct radius_xopts xo;
	struct aaa_srv	 srv[AAA_MAX_SERVERS];
	unsigned	 nsrv;
	int		 efd;
	int		 stop_fd;	/* readable once stopping: xo.stop_fd */
	pthread_t	*threads;
	unsigned	 nthreads;
	radius_send_fn	*send_fn;
	void		*send_arg;

	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct aaa_req	*wq_head;	/* under mu */
	struct aaa_req	*wq_tail;
	size_t		 wq_len;
	struct aaa_req	*dq_head;
	struct aaa_req	*dq_tail;
	int		 stopping;

	/* Failover, per kind (0 auth, 1 acct): where workers start. */
	atomic_uint	 cur[2];
	atomic_ullong	 left_first[2];	/* mono ms the cursor left server 0 */

	/* Loop thread only. */
	struct aaa_req	*all;
	size_t		 n_all;
	uint64_t	 next_id;
	int		 dispatching;
	int		 free_pending;
	struct aaa_stats stats;
	uint32_t	 sid_prefix[2];
	uint32_t	 sid_counter;
	struct log_ratelimit rl;
};

static const char *const kind_name[2] = { "auth", "acct" };

/* Workers do not read clock_ms(): tests may drive it from the loop. */
static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

const char *
aaa_result_name(enum aaa_result res)
{
	switch (res) {
	case AAA_ACCEPT:
		return "ACCEPT";
	case AAA_REJECT:
		return "REJECT";
	case AAA_TIMEOUT:
		return "TIMEOUT";
	case AAA_ERROR:
		return "ERROR";
	}
	return "?";
}

static const char *
rc_text(int rc)
{
	switch (rc) {
	case TIMEOUT_RC:
		return "no reply";
	case RADIUS_REFUSED_RC:
		return "port unreachable";
	case BADRESP_RC:
	case BADRESPID_RC:
		return "only bad replies (wrong secret?)";
	case ERROR_RC:
		return "cannot send";
	default:
		return "failed";
	}
}

/*
 * One request, on a worker: every server at most once, in turn, over
 * the worker's sockets conn[server][kind].
 */
static void
aaa_exchange(struct aaa *a, struct aaa_req *r,
    struct radius_conn conn[][2])
{
	unsigned k, i, start, n = a->nsrv, kind = (unsigned)r->acct;
	uint64_t back = (uint64_t)a->conf.retry_primary_interval * 1000;
	int rc;

	start = atomic_load(&a->cur[kind]) % n;
	if (start != 0 && back > 0 &&
	    mono_ms() - atomic_load(&a->left_first[kind]) >= back)
		start = 0;
	for (k = 0; k < n; k++) {
		i = (start + k) % n;
		if (a->send_fn != NULL)
			rc = a->send_fn(a->send_arg, i, r->acct, &r->send,
			    &r->recv);
		else
			rc = radius_exchange(a->rh, &a->srv[i].peer[kind],
			    &conn[i][kind], &a->xo, r->acct, &r->send,
			    r->queued_ms, &r->recv, r->why, sizeof(r->why));
		r->rc = rc;
		r->rcs[i] = (int8_t)rc;
		if (rc == OK_RC || rc == REJECT_RC || rc == CHALLENGE_RC) {
			r->server = (int)i;
			if (atomic_exchange(&a->cur[kind], i) != i) {
				r->moved = 1;
				if (i != 0)
					atomic_store(&a->left_first[kind],
					    mono_ms());
			}
			return;
		}
		if (r->recv != NULL) {
			rc_avpair_free(r->recv);
			r->recv = NULL;
		}
	}
}

static void *
aaa_worker(void *arg)
{
	struct aaa *a = arg;
	struct aaa_req *r;
	struct radius_conn conn[AAA_MAX_SERVERS][2];
	uint64_t one = 1;
	unsigned i;

	for (i = 0; i < AAA_MAX_SERVERS; i++) {
		radius_conn_init(&conn[i][0]);
		radius_conn_init(&conn[i][1]);
	}
	for (;;) {
		pthread_mutex_lock(&a->mu);
		while (a->wq_head == NULL && !a->stopping)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->stopping) {
			pthread_mutex_unlock(&a->mu);
			for (i = 0; i < AAA_MAX_SERVERS; i++) {
				radius_conn_close(&conn[i][0]);
				radius_conn_close(&conn[i][1]);
			}
			return NULL;
		}
		r = a->wq_head;
		if ((a->wq_head = r->qnext) == NULL)
			a->wq_tail = NULL;
		a->wq_len--;
		r->qnext = NULL;
		r->state = REQ_RUNNING;
		pthread_mutex_unlock(&a->mu);

		aaa_exchange(a, r, conn);

		pthread_mutex_lock(&a->mu);
		r->state = REQ_DONE;
		if (a->dq_tail != NULL)
			a->dq_tail->qnext = r;
		else
			a->dq_head = r;
		a->dq_tail = r;
		pthread_mutex_unlock(&a->mu);
		/* Cannot fail short of EAGAIN at 2^64-1, never reached. */
		(void)!write(a->efd, &one, sizeof(one));
	}
}

static void
req_free(struct aaa_req *r)
{
	rc_avpair_free(r->send);
	rc_avpair_free(r->recv);
	free(r);
}

static void
all_unlink(struct aaa *a, struct aaa_req *r)
{
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		a->all = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	a->n_all--;
}

/* 0, or -1 if the queue is full. */
static int
enqueue(struct aaa *a, struct aaa_req *r)
{
	int ok = 0;

	/* Everything the loop thread owns is set before a worker can see
	 * the request. */
	r->id = ++a->next_id;
	r->queued_ms = mono_ms();
	r->server = -1;
	memset(r->rcs, RC_NOT_TRIED, sizeof(r->rcs));
	r->prev = NULL;
	r->next = a->all;
	if (a->all != NULL)
		a->all->prev = r;
	a->all = r;
	a->n_all++;
	pthread_mutex_lock(&a->mu);
	if (a->wq_len < (size_t)a->conf.queue_max) {
		r->state = REQ_QUEUED;
		if (a->wq_tail != NULL)
			a->wq_tail->qnext = r;
		else
			a->wq_head = r;
		a->wq_tail = r;
		a->wq_len++;
		pthread_cond_signal(&a->cv);
		ok = 1;
	}
	pthread_mutex_unlock(&a->mu);
	if (ok)
		return 0;
	all_unlink(a, r);
	a->stats.dropped++;
	log_rl(&a->rl, LOG_SUB_AAA, LOG_LVL_WARN, "RADIUS request queue full "
	    "(%d waiting): request dropped", a->conf.queue_max);
	return -1;
}

/* Server state as this request saw it: log the changes (loop thread). */
static void
server_events(struct aaa *a, const struct aaa_req *r)
{
	unsigned i, k = (unsigned)r->acct;
	struct aaa_srv *s;

	for (i = 0; i < a->nsrv; i++) {
		s = &a->srv[i];
		if (r->rcs[i] == RC_NOT_TRIED)
			continue;
		if ((int)i == r->server) {
			if (!s->up[k])
				LOG_RL(LOG_SUB_AAA, LOG_LVL_NOTICE, "RADIUS %s "
				    "server %s answers again", kind_name[k],
				    s->name[k]);
			s->up[k] = 1;
		} else if (s->up[k]) {
			s->up[k] = 0;
			LOG_RL(LOG_SUB_AAA, LOG_LVL_WARN, "RADIUS %s server %s:"
			    " %s (%d tr%s of %llu ms)", kind_name[k],
			    s->name[k], rc_text(r->rcs[i]), a->conf.retries + 1,
			    a->conf.retries ? "ies" : "y",
			    (unsigned long long)a->conf.timeout_ms);
		}
	}
	if (r->moved && r->server >= 0) {
		a->stats.failovers++;
		/* Back on the first server is good news. */
		LOG_RL(LOG_SUB_AAA, r->server == 0 ? LOG_LVL_NOTICE :
		    LOG_LVL_WARN, "RADIUS %s: now using server %s",
		    kind_name[k], a->srv[r->server].name[k]);
	}
}

/*
 * Why no server answered, e.g. "no RADIUS auth server answered:
 * [2001:db8::1]:1812 no reply; 3 tries of 3000 ms each".
 */
static void
no_answer(struct aaa *a, const struct aaa_req *r, char *buf, size_t len,
    enum aaa_result *res)
{
	unsigned i, k = (unsigned)r->acct;
	size_t o;
	int all_timeouts = 1;

	o = (size_t)snprintf(buf, len, "no RADIUS %s server answered:",
	    kind_name[k]);
	for (i = 0; i < a->nsrv && o < len; i++) {
		if (r->rcs[i] == RC_NOT_TRIED)
			continue;
		if (r->rcs[i] != TIMEOUT_RC && r->rcs[i] != RADIUS_REFUSED_RC)
			all_timeouts = 0;
		o += (size_t)snprintf(buf + o, len - o, " %s %s;",
		    a->srv[i].name[k], rc_text(r->rcs[i]));
	}
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, " %d tr%s of %llu ms "
		    "each", a->conf.retries + 1, a->conf.retries ? "ies" : "y",
		    (unsigned long long)a->conf.timeout_ms);
	if (!all_timeouts && r->why[0] != '\0' && o < len)
		snprintf(buf + o, len - o, "; last: %s", r->why);
	*res = all_timeouts ? AAA_TIMEOUT : AAA_ERROR;
}

static void
complete_acct(struct aaa *a, struct aaa_req *r)
{
	char why[512];
	enum aaa_result res;
	VALUE_PAIR *vp;
	char *sid = NULL;
	unsigned n = 0;

	if (r->server >= 0 && r->rc == OK_RC) {
		a->stats.acct_ok++;
		return;
	}
	a->stats.acct_failed++;
	/* Nobody else hears of it: this is where it is handled. */
	if (r->server >= 0)
		snprintf(why, sizeof(why), "unexpected reply from %s",
		    a->srv[r->server].name[1]);
	else
		no_answer(a, r, why, sizeof(why), &res);
	vp = rc_avpair_get(r->send, PW_ACCT_SESSION_ID, 0);
	if (vp != NULL)
		(void)rc_avpair_get_raw(vp, &sid, &n);
	log_rl(&a->rl, LOG_SUB_AAA, LOG_LVL_WARN, "accounting for session "
	    "%.*s lost: %s", (int)n, sid != NULL ? sid : "", why);
}

static void
complete_auth(struct aaa *a, struct aaa_req *r)
{
	struct aaa_profile p;
	enum aaa_result res;
	char why[768], msg[512], m[MAC_STRLEN];
	const char *from;

	if (r->server < 0) {
		no_answer(a, r, why, sizeof(why), &res);
	} else {
		from = a->srv[r->server].name[0];
		switch (r->rc) {
		case OK_RC:
			memset(&p, 0, sizeof(p));
			memcpy(p.mac, r->mac, 6);
			p.nas_port = r->nas_port;
			res = radius_parse_accept(r->recv, &a->conf, r->user, &p,
			    msg, sizeof(msg));
			if (res == AAA_ACCEPT)
				snprintf(why, sizeof(why), "accepted by %s",
				    from);
			else
				snprintf(why, sizeof(why), "%s (from %s)", msg,
				    from);
			break;
		case REJECT_RC:
			res = AAA_REJECT;
			radius_reply_message(r->recv, msg, sizeof(msg));
			snprintf(why, sizeof(why), "Access-Reject from %s%s%s",
			    from, msg[0] ? ": " : "", msg);
			break;
		default:
			res = AAA_ERROR;
			snprintf(why, sizeof(why), "Access-Challenge from %s, "
			    "which a MAG cannot answer", from);
			break;
		}
	}
	switch (res) {
	case AAA_ACCEPT:
		a->stats.accept++;
		break;
	case AAA_REJECT:
		a->stats.reject++;
		break;
	case AAA_TIMEOUT:
		a->stats.timeout++;
		break;
	case AAA_ERROR:
		a->stats.error++;
		break;
	}
	log_debug(LOG_SUB_AAA, "%s: %s: %s", mac_format(r->mac, m, sizeof(m),
	    MAC_COLON_LOWER), aaa_result_name(res), why);
	r->done(r->ctx, res, res == AAA_ACCEPT ? &p : NULL, why);
}

static void
aaa_destroy(struct aaa *a)
{
	struct aaa_req *r, *next;
	size_t lost = 0;
	unsigned i;

	pthread_mutex_lock(&a->mu);
	a->stopping = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	/* Workers waiting on a server give up now, not after its timeouts:
	 * the eventfd stays readable, so every one of them sees it. */
	if (a->stop_fd != -1 &&
	    write(a->stop_fd, &(uint64_t){ 1 }, sizeof(uint64_t)) == -1)
		log_warn(LOG_SUB_AAA, "eventfd");
	for (i = 0; i < a->nthreads; i++)
		pthread_join(a->threads[i], NULL);
	free(a->threads);
	for (r = a->all; r != NULL; r = next) {
		next = r->next;
		if (r->acct && r->state == REQ_QUEUED)
			lost++;
		req_free(r);
	}
	if (lost > 0)
		log_warnx(LOG_SUB_AAA, "%zu accounting requests not sent: "
		    "shutting down", lost);
	if (a->efd != -1) {
		loop_del_fd(a->loop, a->efd);
		close(a->efd);
	}
	if (a->stop_fd != -1)
		close(a->stop_fd);
	radius_handle_free(a->rh);
	explicit_bzero(a->srv, sizeof(a->srv));
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	aaa_config_release(&a->conf);
	free(a);
}

static void
aaa_on_done(int fd, uint32_t events, void *ctx)
{
	struct aaa *a = ctx;
	struct aaa_req *r, *next, *last;
	uint64_t cnt, one = 1;
	unsigned n;

	(void)events;
	if (read(fd, &cnt, sizeof(cnt)) == -1 && errno != EAGAIN)
		log_warn(LOG_SUB_AAA, "eventfd");
	/* A bounded batch per pass, so timers run between batches. */
	pthread_mutex_lock(&a->mu);
	r = last = a->dq_head;
	for (n = 1; last != NULL && last->qnext != NULL && n < AAA_BATCH; n++)
		last = last->qnext;
	if (last != NULL) {
		a->dq_head = last->qnext;
		last->qnext = NULL;
		if (a->dq_head == NULL)
			a->dq_tail = NULL;
		else
			(void)!write(a->efd, &one, sizeof(one));
	}
	pthread_mutex_unlock(&a->mu);
	a->dispatching = 1;
	for (; r != NULL && !a->free_pending; r = next) {
		next = r->qnext;
		all_unlink(a, r);
		server_events(a, r);
		if (r->acct)
			complete_acct(a, r);
		else if (!r->cancelled)
			complete_auth(a, r);
		req_free(r);
	}
	a->dispatching = 0;
	/* The rest of the batch is still on the list aaa_destroy() frees. */
	if (a->free_pending)
		aaa_destroy(a);
}

static int
copy_config(struct aaa_config *dst, const struct aaa_config *src)
{
	size_t ns = src->servers.n * sizeof(struct aaa_server_conf);
	size_t nm = src->mnid_from.n * sizeof(int);

	*dst = *src;
	dst->servers.v = malloc(ns > 0 ? ns : 1);
	dst->mnid_from.v = malloc(nm > 0 ? nm : 1);
	if (dst->servers.v == NULL || dst->mnid_from.v == NULL) {
		free(dst->servers.v);
		free(dst->mnid_from.v);
		memset(dst, 0, sizeof(*dst));
		return -1;
	}
	if (ns > 0)
		memcpy(dst->servers.v, src->servers.v, ns);
	if (nm > 0)
		memcpy(dst->mnid_from.v, src->mnid_from.v, nm);
	return 0;
}

/* aaa_config_check() has vetted the address. */
static socklen_t
sockaddr_of(struct sockaddr_storage *ss, const char *addr, int port)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return sizeof(*s6);
	}
	inet_pton(AF_INET, addr, &s4->sin_addr);
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	return sizeof(*s4);
}

static void
server_name(char *buf, size_t len, const char *addr, int port)
{
	if (strchr(addr, ':') != NULL)
		snprintf(buf, len, "[%s]:%d", addr, port);
	else
		snprintf(buf, len, "%s:%d", addr, port);
}

static int
start_workers(struct aaa *a, char *err, size_t errlen)
{
	sigset_t all, old;
	int e = 0;

	a->threads = calloc((size_t)a->conf.workers, sizeof(pthread_t));
	if (a->threads == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* Workers inherit this mask: signals stay with the loop thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	while (a->nthreads < (unsigned)a->conf.workers) {
		e = pthread_create(&a->threads[a->nthreads], NULL, aaa_worker,
		    a);
		if (e != 0)
			break;
		a->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		snprintf(err, errlen, "cannot start RADIUS worker %u: %s",
		    a->nthreads, strerror(e));
		return -1;
	}
	return 0;
}

struct aaa *
aaa_new(struct loop *loop, const struct aaa_config *c, char *err,
    size_t errlen)
{
	const struct aaa_server_conf *sc = c->servers.v;
	struct aaa_srv *s;
	struct aaa *a;
	unsigned i, k;

	if (aaa_config_check(c, err, errlen) == -1)
		return NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->efd = -1;
	a->stop_fd = -1;
	a->loop = loop;
	log_ratelimit_init(&a->rl, LOG_RL_INTERVAL_MS, LOG_RL_BURST);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	atomic_init(&a->cur[0], 0);
	atomic_init(&a->cur[1], 0);
	atomic_init(&a->left_first[0], 0);
	atomic_init(&a->left_first[1], 0);
	if (copy_config(&a->conf, c) == -1) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* Everything workers read is set before any of them exists. */
	if ((a->rh = radius_dict_handle(c->dictionary, err, errlen)) == NULL)
		goto fail;
	a->xo.timeout_ms = c->timeout_ms;
	a->xo.retries = c->retries;
	a->xo.add_ma = c->message_authenticator;
	a->xo.require_ma = c->require_message_authenticator;
	if (c->bind_address[0] != '\0')
		a->xo.bind_len = sockaddr_of(&a->xo.bind, c->bind_address, 0);
	for (i = 0; i < c->servers.n; i++) {
		s = &a->srv[i];
		if (aaa_read_secret(sc[i].secret_file, s->secret,
		    sizeof(s->secret), err, errlen) == -1)
			goto fail;
		for (k = 0; k < 2; k++) {
			s->peer[k].addr_len = sockaddr_of(&s->peer[k].addr,
			    sc[i].address, k ? sc[i].acct_port :
			    sc[i].auth_port);
			s->peer[k].secret = s->secret;
			s->peer[k].secret_len = strlen(s->secret);
			server_name(s->name[k], sizeof(s->name[k]),
			    sc[i].address, k ? sc[i].acct_port :
			    sc[i].auth_port);
			s->up[k] = 1;
		}
		a->nsrv++;
	}
	if ((a->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    (a->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto fail;
	}
	a->xo.stop_fd = a->stop_fd;
	if (loop_add_fd(loop, a->efd, EPOLLIN, aaa_on_done, a) == -1) {
		snprintf(err, errlen, "cannot watch the eventfd: %s",
		    strerror(errno));
		close(a->efd);
		a->efd = -1;
		goto fail;
	}
	/* Acct-Session-Ids must not repeat across restarts (RFC 2866 5.5). */
	a->sid_prefix[0] = (uint32_t)time(NULL);
	if (getrandom(&a->sid_prefix[1], sizeof(a->sid_prefix[1]), 0) !=
	    (ssize_t)sizeof(a->sid_prefix[1]))
		a->sid_prefix[1] = (uint32_t)getpid() ^ (uint32_t)mono_ms();
	if (start_workers(a, err, errlen) == -1)
		goto fail;
	return a;
fail:
	aaa_destroy(a);
	return NULL;
}

void
aaa_free(struct aaa *a)
{
	if (a == NULL)
		return;
	if (a->dispatching) {
		/* From a callback: finish after the batch. */
		a->free_pending = 1;
		return;
	}
	aaa_destroy(a);
}

void
aaa_set_transport(struct aaa *a, radius_send_fn *fn, void *arg)
{
	pthread_mutex_lock(&a->mu);
	a->send_fn = fn;
	a->send_arg = arg;
	pthread_mutex_unlock(&a->mu);
}

rc_handle *
aaa_dict(struct aaa *a)
{
	return a->rh;
}

uint64_t
aaa_auth(struct aaa *a, const uint8_t mac[6], uint32_t nas_port,
    aaa_done_fn *done, void *ctx)
{
	struct aaa_req *r;
	char why[256];

	if (a->free_pending)
		return 0;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_rl(&a->rl, LOG_SUB_AAA, LOG_LVL_WARN, "RADIUS request: out "
		    "of memory");
		return 0;
	}
	if (radius_build_access_request(a->rh, &a->conf, mac, nas_port,
	    &r->send, why, sizeof(why)) == -1 ||
	    radius_user_name(&a->conf, mac, r->user, sizeof(r->user)) == -1) {
		log_rl(&a->rl, LOG_SUB_AAA, LOG_LVL_WARN, "Access-Request not "
		    "sent: %s", why);
		req_free(r);
		return 0;
	}
	memcpy(r->mac, mac, 6);
	r->nas_port = nas_port;
	r->done = done;
	r->ctx = ctx;
	if (enqueue(a, r) == -1) {
		req_free(r);
		return 0;
	}
	a->stats.auth_sent++;
	return r->id;
}

void
aaa_cancel(struct aaa *a, uint64_t id)
{
	struct aaa_req *r, *q, *prev = NULL;
	int queued = 0;

	for (r = a->all; r != NULL; r = r->next)
		if (r->id == id && !r->acct)
			break;
	if (r == NULL)
		return;
	pthread_mutex_lock(&a->mu);
	if (r->state == REQ_QUEUED) {
		for (q = a->wq_head; q != NULL && q != r; q = q->qnext)
			prev = q;
		if (q == r) {
			if (prev != NULL)
				prev->qnext = r->qnext;
			else
				a->wq_head = r->qnext;
			if (a->wq_tail == r)
				a->wq_tail = prev;
			a->wq_len--;
			queued = 1;
		}
	}
	pthread_mutex_unlock(&a->mu);
	if (queued) {
		all_unlink(a, r);
		req_free(r);
	} else
		r->cancelled = 1;	/* a worker has it: drop it when done */
}

int
aaa_acct(struct aaa *a, enum aaa_acct_type type, const struct aaa_session *s)
{
	struct aaa_req *r;
	char why[256];

	if (!a->conf.accounting || a->free_pending)
		return -1;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_rl(&a->rl, LOG_SUB_AAA, LOG_LVL_WARN, "accounting: out of "
		    "memory");
		return -1;
	}
	r->acct = 1;
	if (radius_build_acct_request(a->rh, &a->conf, type, s,
	    time(NULL), &r->send, why, sizeof(why)) == -1) {
		log_rl(&a->rl, LOG_SUB_AAA, LOG_LVL_WARN, "Accounting-Request "
		    "not sent: %s", why);
		req_free(r);
		return -1;
	}
	memcpy(r->mac, s->mac, 6);
	if (enqueue(a, r) == -1) {
		req_free(r);
		return -1;
	}
	a->stats.acct_sent++;
	return 0;
}

void
aaa_session_id(struct aaa *a, char *buf, size_t len)
{
	snprintf(buf, len, "%08x%08x-%08x", a->sid_prefix[0], a->sid_prefix[1],
	    ++a->sid_counter);
}

size_t
aaa_pending(const struct aaa *a)
{
	return a->n_all;
}

void
aaa_get_stats(const struct aaa *a, struct aaa_stats *st)
{
	*st = a->stats;
}
