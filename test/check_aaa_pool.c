/*
 * check_aaa_pool.c: libaaa's worker pool with the exchange replaced by a
 * scripted transport: callbacks on the loop thread, failover and going
 * back to the first server, timeouts, cancel (queued and in flight), a
 * full queue, accounting, and shutdown with requests in flight or from
 * inside a callback; and shutdown while real exchanges wait on a server
 * that never answers.
 */
#include "config.h"

#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check_aaa.h"
#include "log.h"
#include "loop.h"

/*
 * The scripted transport, in place of radius_exchange().  Each server
 * answers per its script entry: OK (with a small Accept), REJECT, or
 * TIMEOUT, optionally after waiting for the gate to open.
 */
struct script {
	int		 rc[AAA_MAX_SERVERS];
	int		 gated;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 open;
	int		 waiting;
	atomic_int	 calls[AAA_MAX_SERVERS];
	struct aaa	*a;
};

static struct script sc;
static struct loop *lp;
static struct aaa *pool;
static pthread_t main_thread;

struct outcome {
	int		 n;
	enum aaa_result	 res;
	char		 mnid[64];
	char		 reason[512];
	int		 on_loop_thread;
};

static int
scripted(void *arg, unsigned server, int acct, VALUE_PAIR **send,
    VALUE_PAIR **recv)
{
	struct script *s = arg;
	rc_handle *d = aaa_dict(s->a);

	(void)send;
	atomic_fetch_add(&s->calls[server], 1);
	if (s->gated) {
		pthread_mutex_lock(&s->mu);
		s->waiting++;
		pthread_cond_broadcast(&s->cv);
		while (!s->open)
			pthread_cond_wait(&s->cv, &s->mu);
		pthread_mutex_unlock(&s->mu);
	}
	if (s->rc[server] == OK_RC && !acct)
		rc_avpair_add(d, recv, RADIUS_MOBILE_NODE_IDENTIFIER,
		    "mn-pool", -1, 0);
	if (s->rc[server] == REJECT_RC)
		rc_avpair_add(d, recv, PW_REPLY_MESSAGE, "not you", -1, 0);
	return s->rc[server];
}

static void
gate_wait(int n)
{
	pthread_mutex_lock(&sc.mu);
	while (sc.waiting < n)
		pthread_cond_wait(&sc.cv, &sc.mu);
	pthread_mutex_unlock(&sc.mu);
}

static void
gate_open(void)
{
	pthread_mutex_lock(&sc.mu);
	sc.open = 1;
	pthread_cond_broadcast(&sc.cv);
	pthread_mutex_unlock(&sc.mu);
}

static void
on_done(void *ctx, enum aaa_result res, const struct aaa_profile *p,
    const char *reason)
{
	struct outcome *o = ctx;

	o->n++;
	o->res = res;
	o->on_loop_thread = pthread_equal(pthread_self(), main_thread);
	if (p != NULL)
		snprintf(o->mnid, sizeof(o->mnid), "%.*s", (int)p->mnid_len,
		    (const char *)p->mnid);
	snprintf(o->reason, sizeof(o->reason), "%s", reason);
}

static void
pool_start(unsigned nservers, int workers, int queue_max, const char *extra)
{
	char text[1024], err[512], path[128];
	size_t o;
	unsigned i;

	snprintf(path, sizeof(path), "%s/secret", tmpdir);
	write_file(path, "testing123\n", 0600);
	o = (size_t)snprintf(text, sizeof(text), "radius = { %s workers = %d;"
	    " queue_max = %d; timeout_ms = 100; retries = 0; servers = (", extra,
	    workers, queue_max);
	for (i = 0; i < nservers; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s{ address"
		    " = \"::1\"; auth_port = %u; secret_file = \"%s\"; }",
		    i ? ", " : "", 40000 + i, path);
	snprintf(text + o, sizeof(text) - o, "); };");
	ck_assert_msg(apply_text(text, err, sizeof(err)) == 0, "%s", err);
	memset(&sc, 0, sizeof(sc));
	pthread_mutex_init(&sc.mu, NULL);
	pthread_cond_init(&sc.cv, NULL);
	main_thread = pthread_self();
	ck_assert_ptr_nonnull(lp = loop_new());
	pool = aaa_new(lp, &conf, err, sizeof(err));
	ck_assert_msg(pool != NULL, "%s", err);
	sc.a = pool;
	aaa_set_transport(pool, scripted, &sc);
}

static void
pool_stop(void)
{
	gate_open();
	aaa_free(pool);
	pool = NULL;
	loop_free(lp);
}

/* Run the loop until *n reaches want or 5 s pass. */
static void
run_until(const int *n, int want)
{
	int i;

	for (i = 0; i < 500 && *n < want; i++)
		loop_run_once(lp, 10);
}

static void
run_until_idle(void)
{
	int i;

	for (i = 0; i < 500 && aaa_pending(pool) > 0; i++)
		loop_run_once(lp, 10);
}

START_TEST(test_pool_accept)
{
	struct outcome o;
	uint64_t id;

	pool_start(1, 4, 16, "");
	memset(&o, 0, sizeof(o));
	id = aaa_auth(pool, MAC1, 3, on_done, &o);
	ck_assert_uint_ne(id, 0);
	ck_assert_uint_eq(aaa_pending(pool), 1);
	run_until(&o.n, 1);
	ck_assert_int_eq(o.n, 1);
	ck_assert_int_eq(o.res, AAA_ACCEPT);
	ck_assert(o.on_loop_thread);
	ck_assert_str_eq(o.mnid, "mn-pool");
	ck_assert_msg(strstr(o.reason, "accepted by [::1]:40000") != NULL,
	    "%s", o.reason);
	ck_assert_uint_eq(aaa_pending(pool), 0);
	/* Cancelling a finished request is harmless. */
	aaa_cancel(pool, id);
	sc.rc[0] = REJECT_RC;
	memset(&o, 0, sizeof(o));
	ck_assert_uint_ne(aaa_auth(pool, MAC1, 3, on_done, &o), 0);
	run_until(&o.n, 1);
	ck_assert_int_eq(o.res, AAA_REJECT);
	ck_assert_msg(strstr(o.reason, ": not you") != NULL, "%s", o.reason);
	pool_stop();
}
END_TEST

START_TEST(test_pool_failover)
{
	struct outcome o;
	struct aaa_stats st;

	pool_start(2, 2, 16, "");
	sc.rc[0] = TIMEOUT_RC;
	sc.rc[1] = OK_RC;
	memset(&o, 0, sizeof(o));
	ck_assert_uint_ne(aaa_auth(pool, MAC1, 3, on_done, &o), 0);
	run_until(&o.n, 1);
	ck_assert_int_eq(o.res, AAA_ACCEPT);
	ck_assert_int_eq(atomic_load(&sc.calls[0]), 1);
	ck_assert_int_eq(atomic_load(&sc.calls[1]), 1);
	ck_assert_msg(strstr(o.reason, "[::1]:40001") != NULL, "%s",
	    o.reason);
	/* Stay on the server that answered. */
	memset(&o, 0, sizeof(o));
	ck_assert_uint_ne(aaa_auth(pool, MAC1, 3, on_done, &o), 0);
	run_until(&o.n, 1);
	ck_assert_int_eq(o.res, AAA_ACCEPT);
	ck_assert_int_eq(atomic_load(&sc.calls[0]), 1);
	ck_assert_int_eq(atomic_load(&sc.calls[1]), 2);
	aaa_get_stats(pool, &st);
	ck_assert_uint_eq(st.failovers, 1);
	ck_assert_uint_eq(st.accept, 2);
	/* Nobody answers: a timeout naming both servers. */
	sc.rc[1] = TIMEOUT_RC;
	memset(&o, 0, sizeof(o));
	ck_assert_uint_ne(aaa_auth(pool, MAC1, 3, on_done, &o), 0);
	run_until(&o.n, 1);
	ck_assert_int_eq(o.res, AAA_TIMEOUT);
	ck_assert_msg(strstr(o.reason, "[::1]:40000 no reply") &&
	    strstr(o.reason, "[::1]:40001 no reply"), "%s", o.reason);
	/* A wrong secret is an error, not a timeout. */
	sc.rc[0] = BADRESP_RC;
	memset(&o, 0, sizeof(o));
	ck_assert_uint_ne(aaa_auth(pool, MAC1, 3, on_done, &o), 0);
	run_until(&o.n, 1);
	ck_assert_int_eq(o.res, AAA_ERROR);
	ck_assert_msg(strstr(o.reason, "wrong secret") != NULL, "%s",
	    o.reason);
	pool_stop();
}
END_TEST

START_TEST(test_pool_retry_primary)
{
	struct outcome o;

	pool_start(2, 1, 16, "retry_primary_interval = 1;");
	sc.rc[0] = TIMEOUT_RC;
	memset(&o, 0, sizeof(o));
	aaa_auth(pool, MAC1, 3, on_done, &o);
	run_until(&o.n, 1);
	ck_assert_int_eq(atomic_load(&sc.calls[1]), 1);
	/* Within the interval: straight to the second server. */
	sc.rc[0] = OK_RC;
	memset(&o, 0, sizeof(o));
	aaa_auth(pool, MAC1, 3, on_done, &o);
	run_until(&o.n, 1);
	ck_assert_int_eq(atomic_load(&sc.calls[0]), 1);
	ck_assert_int_eq(atomic_load(&sc.calls[1]), 2);
	/* After it: the first server again, which now answers. */
	usleep(1100 * 1000);
	memset(&o, 0, sizeof(o));
	aaa_auth(pool, MAC1, 3, on_done, &o);
	run_until(&o.n, 1);
	ck_assert_int_eq(o.res, AAA_ACCEPT);
	ck_assert_int_eq(atomic_load(&sc.calls[0]), 2);
	ck_assert_int_eq(atomic_load(&sc.calls[1]), 2);
	pool_stop();
}
END_TEST

START_TEST(test_pool_cancel)
{
	struct outcome o1, o2, o3;
	uint64_t id1, id2;
	struct aaa_stats st;

	/* One worker, held at the gate: the first request runs, the
	 * second waits in the queue, the third finds the queue full. */
	pool_start(1, 1, 1, "");
	sc.gated = 1;
	memset(&o1, 0, sizeof(o1));
	memset(&o2, 0, sizeof(o2));
	memset(&o3, 0, sizeof(o3));
	id1 = aaa_auth(pool, MAC1, 1, on_done, &o1);
	gate_wait(1);
	id2 = aaa_auth(pool, MAC1, 2, on_done, &o2);
	ck_assert_uint_ne(id1, 0);
	ck_assert_uint_ne(id2, 0);
	ck_assert_uint_eq(aaa_auth(pool, MAC1, 3, on_done, &o3), 0);
	aaa_get_stats(pool, &st);
	ck_assert_uint_eq(st.dropped, 1);
	ck_assert_uint_eq(aaa_pending(pool), 2);
	/* Queued: gone at once.  Running: dropped when it comes back. */
	aaa_cancel(pool, id2);
	ck_assert_uint_eq(aaa_pending(pool), 1);
	aaa_cancel(pool, id1);
	aaa_cancel(pool, 12345);
	gate_open();
	run_until_idle();
	ck_assert_uint_eq(aaa_pending(pool), 0);
	ck_assert_int_eq(o1.n + o2.n + o3.n, 0);
	ck_assert_int_eq(atomic_load(&sc.calls[0]), 1);
	pool_stop();
}
END_TEST

START_TEST(test_pool_acct)
{
	struct aaa_session s;
	struct aaa_stats st;

	pool_start(1, 2, 16, "");
	memset(&s, 0, sizeof(s));
	aaa_session_id(pool, s.session_id, sizeof(s.session_id));
	ck_assert_uint_eq(strlen(s.session_id), 25);
	memcpy(s.mac, MAC1, 6);
	ck_assert_int_eq(aaa_acct(pool, AAA_ACCT_START, &s), 0);
	s.terminate_cause = AAA_TERM_USER_REQUEST;
	ck_assert_int_eq(aaa_acct(pool, AAA_ACCT_STOP, &s), 0);
	run_until_idle();
	aaa_get_stats(pool, &st);
	ck_assert_uint_eq(st.acct_sent, 2);
	ck_assert_uint_eq(st.acct_ok, 2);
	/* Lost accounting is counted. */
	sc.rc[0] = TIMEOUT_RC;
	ck_assert_int_eq(aaa_acct(pool, AAA_ACCT_INTERIM, &s), 0);
	run_until_idle();
	aaa_get_stats(pool, &st);
	ck_assert_uint_eq(st.acct_failed, 1);
	/* No session id: refused at once. */
	s.session_id[0] = '\0';
	ck_assert_int_eq(aaa_acct(pool, AAA_ACCT_INTERIM, &s), -1);
	pool_stop();
}
END_TEST

START_TEST(test_pool_free_pending)
{
	struct outcome o[4];
	struct aaa_session s;
	int i;

	/* Requests queued and in flight at aaa_free(): no callback, no
	 * leak (the sanitizer build checks), no hang once the worker's
	 * exchange ends. */
	pool_start(1, 1, 16, "");
	sc.gated = 1;
	memset(o, 0, sizeof(o));
	for (i = 0; i < 4; i++)
		ck_assert_uint_ne(aaa_auth(pool, MAC1, 1, on_done, &o[i]), 0);
	memset(&s, 0, sizeof(s));
	snprintf(s.session_id, sizeof(s.session_id), "x");
	ck_assert_int_eq(aaa_acct(pool, AAA_ACCT_START, &s), 0);
	gate_wait(1);
	pool_stop();
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(o[i].n, 0);
}
END_TEST

static void
on_done_free(void *ctx, enum aaa_result res, const struct aaa_profile *p,
    const char *reason)
{
	on_done(ctx, res, p, reason);
	aaa_free(pool);
}

START_TEST(test_pool_free_in_callback)
{
	struct outcome o[3];
	int i;

	pool_start(1, 1, 16, "");
	sc.gated = 1;
	memset(o, 0, sizeof(o));
	ck_assert_uint_ne(aaa_auth(pool, MAC1, 1, on_done_free, &o[0]), 0);
	for (i = 1; i < 3; i++)
		ck_assert_uint_ne(aaa_auth(pool, MAC1, 1, on_done, &o[i]), 0);
	gate_wait(1);
	gate_open();
	run_until(&o[0].n, 1);
	ck_assert_int_eq(o[0].n, 1);
	/* The pool is gone; nothing else may be called back. */
	for (i = 0; i < 20; i++)
		loop_run_once(lp, 5);
	ck_assert_int_eq(o[1].n + o[2].n, 0);
	loop_free(lp);
}
END_TEST

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

START_TEST(test_pool_free_interrupts_exchanges)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
	    .sin6_port = htons(40020), .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	char text[512], err[512], path[128], buf[4096];
	struct pollfd pfd;
	struct outcome o[2];
	uint64_t t0, took;
	int fd, got = 0, i;

	/* A server that takes requests and never answers: the workers'
	 * real exchanges wait 20 s per try, twice, for each request. */
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	snprintf(path, sizeof(path), "%s/secret", tmpdir);
	write_file(path, "testing123\n", 0600);
	snprintf(text, sizeof(text), "radius = { workers = 2; queue_max = 16;"
	    " timeout_ms = 20000; retries = 1; servers = ({ address = \"::1\";"
	    " auth_port = 40020; secret_file = \"%s\"; }); };", path);
	ck_assert_msg(apply_text(text, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_nonnull(lp = loop_new());
	pool = aaa_new(lp, &conf, err, sizeof(err));
	ck_assert_msg(pool != NULL, "%s", err);
	memset(o, 0, sizeof(o));
	for (i = 0; i < 2; i++)
		ck_assert_uint_ne(aaa_auth(pool, MAC1, 1, on_done, &o[i]), 0);
	/* Both workers are now waiting for their replies. */
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (got < 2 && poll(&pfd, 1, 5000) == 1)
		if (recv(fd, buf, sizeof(buf), 0) > 0)
			got++;
	ck_assert_int_eq(got, 2);
	t0 = now_ms();
	aaa_free(pool);
	took = now_ms() - t0;
	pool = NULL;
	/* Without the stop the join takes 40 s; 5 s is noise-proof. */
	ck_assert_msg(took < 5000, "aaa_free took %llu ms",
	    (unsigned long long)took);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(o[i].n, 0);
	loop_free(lp);
	close(fd);
}
END_TEST

void
aaa_pool_tcases(Suite *s)
{
	TCase *tc;

	tc = tcase_create("pool");
	tcase_add_checked_fixture(tc, aaa_setup, aaa_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_pool_accept);
	tcase_add_test(tc, test_pool_failover);
	tcase_add_test(tc, test_pool_retry_primary);
	tcase_add_test(tc, test_pool_cancel);
	tcase_add_test(tc, test_pool_acct);
	tcase_add_test(tc, test_pool_free_pending);
	tcase_add_test(tc, test_pool_free_in_callback);
	tcase_add_test(tc, test_pool_free_interrupts_exchanges);
	suite_add_tcase(s, tc);
}
