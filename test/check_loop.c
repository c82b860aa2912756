/*
 * check_loop.c: unit tests for common/loop.c: timer order and heap
 * consistency under a driven clock, cancel and re-arm from callbacks,
 * recurrence with jitter, fd callbacks and deletion inside a batch,
 * signals through the signalfd, and the timerfd with the real clock.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"

static uint64_t fake_now;
static struct loop *L;
static uint64_t rng_state;

static uint64_t
fake_clock(void)
{
	return fake_now;
}

static void
setup_fake(void)
{
	rng_state = 88172645463325252ULL;
	fake_now = 5000;
	clock_set_source(fake_clock);
	ck_assert_ptr_nonnull(L = loop_new());
}

static void
setup_real(void)
{
	clock_set_source(NULL);
	ck_assert_ptr_nonnull(L = loop_new());
}

static void
teardown(void)
{
	loop_free(L);
	L = NULL;
	clock_set_source(NULL);
}

/* Deterministic generator for test data (not the loop's own). */
static uint32_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* A timer owner that records when and in what order it fired. */
struct owner {
	struct timer	 t;
	int		 id;
	uint64_t	 want;		/* deadline asked for */
	uint64_t	 arm_seq;	/* test's own arm counter */
	int		 fired;
	uint64_t	 fired_at;
};

static struct {
	int		 n;
	int		*ids;
	int		 cap;
} order;

static void
order_reset(int cap)
{
	free(order.ids);
	order.ids = calloc((size_t)cap, sizeof(int));
	ck_assert_ptr_nonnull(order.ids);
	order.cap = cap;
	order.n = 0;
}

static void
owner_cb(struct timer *t, void *ctx)
{
	struct owner *o = ctx;

	ck_assert_ptr_eq(t, &o->t);
	ck_assert(!timer_pending(t) || t->recur_ms != 0);
	o->fired++;
	o->fired_at = clock_ms();
	if (order.n < order.cap)
		order.ids[order.n] = o->id;
	order.n++;
}

START_TEST(test_clock_source)
{
	uint64_t a, b;

	ck_assert_uint_eq(clock_ms(), 5000);
	fake_now = 7;
	ck_assert_uint_eq(clock_ms(), 7);
	clock_set_source(NULL);
	a = clock_ms();
	usleep(5000);
	b = clock_ms();
	ck_assert_uint_ge(b, a + 4);
	ck_assert_uint_lt(b, a + 2000);
}
END_TEST

START_TEST(test_timer_basic)
{
	struct owner o;

	memset(&o, 0, sizeof(o));
	timer_init(&o.t, owner_cb, &o);
	order_reset(8);
	ck_assert(!timer_pending(&o.t));
	ck_assert_uint_eq(timer_remaining(&o.t), 0);
	ck_assert_int_eq(timer_arm(L, &o.t, 300), 0);
	ck_assert(timer_pending(&o.t));
	ck_assert_uint_eq(timer_remaining(&o.t), 300);
	ck_assert_uint_eq(loop_timer_count(L), 1);

	fake_now += 299;
	ck_assert_uint_eq(loop_run_timers(L), 0);
	ck_assert_uint_eq(timer_remaining(&o.t), 1);
	fake_now += 1;
	ck_assert_uint_eq(loop_run_timers(L), 1);
	ck_assert_int_eq(o.fired, 1);
	ck_assert(!timer_pending(&o.t));
	ck_assert_uint_eq(loop_timer_count(L), 0);
	ck_assert_uint_eq(loop_run_timers(L), 0);

	/* Re-arming a pending timer moves it, both ways. */
	timer_arm(L, &o.t, 100);
	timer_arm(L, &o.t, 500);
	ck_assert_uint_eq(loop_timer_count(L), 1);
	fake_now += 100;
	ck_assert_uint_eq(loop_run_timers(L), 0);
	timer_arm(L, &o.t, 10);
	fake_now += 10;
	ck_assert_uint_eq(loop_run_timers(L), 1);

	/* Cancel, and cancel again: both harmless. */
	timer_arm(L, &o.t, 10);
	timer_cancel(L, &o.t);
	timer_cancel(L, &o.t);
	fake_now += 1000;
	ck_assert_uint_eq(loop_run_timers(L), 0);
	ck_assert_int_eq(o.fired, 2);

	/* A deadline in the past means now. */
	timer_arm_at(L, &o.t, 1);
	ck_assert_uint_eq(o.t.deadline, fake_now);
	ck_assert_uint_eq(loop_run_timers(L), 1);
}
END_TEST

#define ORDER_N		20000

START_TEST(test_timer_order)
{
	struct owner *o;
	uint64_t start = fake_now, prev_deadline, prev_seq, now;
	int i, step, due, fired_total = 0;

	o = calloc(ORDER_N, sizeof(*o));
	ck_assert_ptr_nonnull(o);
	order_reset(ORDER_N);
	/* Few distinct deadlines, so many ties to order by arm time. */
	for (i = 0; i < ORDER_N; i++) {
		o[i].id = i;
		o[i].want = start + 1 + rnd() % 2000;
		o[i].arm_seq = (uint64_t)i;
		timer_init(&o[i].t, owner_cb, &o[i]);
		ck_assert_int_eq(timer_arm_at(L, &o[i].t, o[i].want), 0);
	}
	ck_assert_uint_eq(loop_timer_count(L), ORDER_N);

	for (step = 0; step < 40; step++) {
		now = start + (uint64_t)(step + 1) * 53;
		fake_now = now;
		due = 0;
		for (i = 0; i < ORDER_N; i++)
			if (o[i].want <= now && !o[i].fired)
				due++;
		ck_assert_int_eq((int)loop_run_timers(L), due);
		fired_total += due;
	}
	fake_now = start + 5000;
	fired_total += (int)loop_run_timers(L);
	ck_assert_int_eq(fired_total, ORDER_N);
	ck_assert_int_eq(order.n, ORDER_N);
	ck_assert_uint_eq(loop_timer_count(L), 0);

	/* Firing order: by deadline, ties by arm order. */
	prev_deadline = 0;
	prev_seq = 0;
	for (i = 0; i < ORDER_N; i++) {
		struct owner *x = &o[order.ids[i]];

		ck_assert_int_eq(x->fired, 1);
		ck_assert_uint_ge(x->want, prev_deadline);
		if (x->want == prev_deadline)
			ck_assert_uint_gt(x->arm_seq, prev_seq);
		/* Never before its deadline. */
		ck_assert_uint_ge(x->fired_at, x->want);
		prev_deadline = x->want;
		prev_seq = x->arm_seq;
	}
	free(o);
}
END_TEST

/*
 * Random arm/re-arm/cancel against a model, draining part of the heap
 * every round and checking that exactly the due timers fire, in order.
 */
#define HEAP_TIMERS	4000
#define HEAP_OPS	100000

START_TEST(test_timer_heap_random)
{
	struct owner *o;
	int *pending;
	uint64_t prev;
	int i, op, expect, npending = 0;

	o = calloc(HEAP_TIMERS, sizeof(*o));
	pending = calloc(HEAP_TIMERS, sizeof(*pending));
	ck_assert(o != NULL && pending != NULL);
	order_reset(HEAP_TIMERS);
	for (i = 0; i < HEAP_TIMERS; i++) {
		o[i].id = i;
		timer_init(&o[i].t, owner_cb, &o[i]);
	}
	for (op = 1; op <= HEAP_OPS; op++) {
		i = (int)(rnd() % HEAP_TIMERS);
		if (rnd() % 3 == 0) {
			timer_cancel(L, &o[i].t);
			npending -= pending[i];
			pending[i] = 0;
		} else {
			o[i].want = fake_now + rnd() % 10000;
			ck_assert_int_eq(timer_arm_at(L, &o[i].t, o[i].want),
			    0);
			npending += !pending[i];
			pending[i] = 1;
		}
		ck_assert_int_eq(timer_pending(&o[i].t), pending[i]);
		if (op % 5000 != 0)
			continue;
		ck_assert_uint_eq(loop_timer_count(L), (size_t)npending);

		/* Drain a slice of time. */
		fake_now += 700;
		expect = 0;
		for (i = 0; i < HEAP_TIMERS; i++)
			if (pending[i] && o[i].want <= fake_now)
				expect++;
		order.n = 0;
		ck_assert_int_eq((int)loop_run_timers(L), expect);
		prev = 0;
		for (i = 0; i < order.n; i++) {
			struct owner *x = &o[order.ids[i]];

			ck_assert(pending[x->id]);
			ck_assert_uint_le(x->want, fake_now);
			ck_assert_uint_ge(x->want, prev);
			prev = x->want;
			pending[x->id] = 0;
			npending--;
		}
		ck_assert_uint_eq(loop_timer_count(L), (size_t)npending);
	}
	for (i = 0; i < HEAP_TIMERS; i++)
		timer_cancel(L, &o[i].t);
	ck_assert_uint_eq(loop_timer_count(L), 0);
	free(o);
	free(pending);
}
END_TEST

/* Callback games: cancel others, cancel and free self, re-arm self. */
struct game {
	struct timer	 t;
	struct timer	*victim;
	int		 fired;
	int		 rearm;		/* re-arm self at delay 0, times */
	int		 free_self;
};

static void
game_cb(struct timer *t, void *ctx)
{
	struct game *g = ctx;

	g->fired++;
	if (g->victim != NULL)
		timer_cancel(L, g->victim);
	if (g->rearm > 0) {
		g->rearm--;
		timer_arm(L, t, 0);
	}
	if (g->free_self) {
		timer_cancel(L, t);
		free(g);
	}
}

START_TEST(test_timer_cancel_in_cb)
{
	struct game a, b, c;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	timer_init(&a.t, game_cb, &a);
	timer_init(&b.t, game_cb, &b);
	timer_init(&c.t, game_cb, &c);
	/* Same deadline: a runs first and cancels b, which is due too. */
	a.victim = &b.t;
	timer_arm(L, &a.t, 10);
	timer_arm(L, &b.t, 10);
	timer_arm(L, &c.t, 10);
	fake_now += 10;
	ck_assert_uint_eq(loop_run_timers(L), 2);
	ck_assert_int_eq(a.fired, 1);
	ck_assert_int_eq(b.fired, 0);
	ck_assert_int_eq(c.fired, 1);
	ck_assert(!timer_pending(&b.t));
	ck_assert_uint_eq(loop_timer_count(L), 0);
}
END_TEST

START_TEST(test_timer_free_in_cb)
{
	struct game *g;
	int i;

	/* Recurring timers whose callbacks cancel and free their owner. */
	for (i = 0; i < 50; i++) {
		ck_assert_ptr_nonnull(g = calloc(1, sizeof(*g)));
		timer_init(&g->t, game_cb, g);
		timer_set_recurrence(&g->t, 100, 0);
		g->free_self = 1;
		timer_arm(L, &g->t, (uint64_t)(i % 5));
	}
	fake_now += 10;
	ck_assert_uint_eq(loop_run_timers(L), 50);
	ck_assert_uint_eq(loop_timer_count(L), 0);
	fake_now += 1000;
	ck_assert_uint_eq(loop_run_timers(L), 0);
}
END_TEST

START_TEST(test_timer_rearm_zero)
{
	struct game g;

	memset(&g, 0, sizeof(g));
	timer_init(&g.t, game_cb, &g);
	g.rearm = 1000;
	timer_arm(L, &g.t, 0);
	/* A zero-delay re-arm waits for the next pass: no spinning. */
	ck_assert_uint_eq(loop_run_timers(L), 1);
	ck_assert_uint_eq(loop_run_timers(L), 1);
	ck_assert_uint_eq(loop_run_timers(L), 1);
	ck_assert_int_eq(g.fired, 3);
	ck_assert(timer_pending(&g.t));
}
END_TEST

/* A timer armed in the past from a callback waits for the next pass. */
struct arm_past {
	struct timer	 t;
	struct owner	*other;
};

static void
arm_past_cb(struct timer *t, void *ctx)
{
	struct arm_past *ap = ctx;

	(void)t;
	timer_arm_at(L, &ap->other->t, 0);
}

START_TEST(test_timer_arm_in_cb)
{
	struct owner late[3];
	struct arm_past ap;
	int i;

	order_reset(8);
	memset(late, 0, sizeof(late));
	memset(&ap, 0, sizeof(ap));
	for (i = 0; i < 3; i++) {
		late[i].id = i;
		timer_init(&late[i].t, owner_cb, &late[i]);
	}
	ap.other = &late[0];
	timer_init(&ap.t, arm_past_cb, &ap);
	timer_arm(L, &ap.t, 5);
	timer_arm(L, &late[1].t, 6);
	timer_arm(L, &late[2].t, 7);
	fake_now += 7;
	/* ap, late[1], late[2] fire; late[0], armed meanwhile, does not. */
	ck_assert_uint_eq(loop_run_timers(L), 3);
	ck_assert_int_eq(late[0].fired, 0);
	ck_assert_int_eq(late[1].fired, 1);
	ck_assert_int_eq(late[2].fired, 1);
	ck_assert_uint_eq(loop_run_timers(L), 1);
	ck_assert_int_eq(late[0].fired, 1);
}
END_TEST

START_TEST(test_timer_recurrence)
{
	struct owner o;
	uint64_t last;
	int i;

	memset(&o, 0, sizeof(o));
	order_reset(1);
	timer_init(&o.t, owner_cb, &o);
	timer_set_recurrence(&o.t, 250, 0);
	timer_arm(L, &o.t, 250);
	last = fake_now;
	for (i = 0; i < 10000; i++) {
		fake_now++;
		if (loop_run_timers(L) == 1) {
			ck_assert_uint_eq(fake_now - last, 250);
			last = fake_now;
		}
	}
	ck_assert_int_eq(o.fired, 40);
	ck_assert(timer_pending(&o.t));

	/* A stalled loop fires once and re-phases, rather than catch up. */
	fake_now += 10000;
	ck_assert_uint_eq(loop_run_timers(L), 1);
	ck_assert_uint_eq(timer_remaining(&o.t), 250);

	/* Interval 0 makes it one-shot again. */
	timer_set_recurrence(&o.t, 0, 0);
	fake_now += 250;
	ck_assert_uint_eq(loop_run_timers(L), 1);
	ck_assert(!timer_pending(&o.t));
}
END_TEST

START_TEST(test_timer_jitter)
{
	struct owner o;
	uint64_t last, d, lo = UINT64_MAX, hi = 0;
	int i, hist[21];

	memset(&o, 0, sizeof(o));
	memset(hist, 0, sizeof(hist));
	order_reset(1);
	timer_init(&o.t, owner_cb, &o);
	/* RA-like: every 100..120 ms. */
	timer_set_recurrence(&o.t, 100, 20);
	timer_arm(L, &o.t, 100);
	last = fake_now;
	for (i = 0; i < 500000; i++) {
		fake_now++;
		if (loop_run_timers(L) == 0)
			continue;
		d = fake_now - last;
		last = fake_now;
		ck_assert_uint_ge(d, 100);
		ck_assert_uint_le(d, 120);
		hist[d - 100]++;
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	/* About 4500 periods: both ends and every value in between seen. */
	ck_assert_uint_eq(lo, 100);
	ck_assert_uint_eq(hi, 120);
	for (i = 0; i <= 20; i++)
		ck_assert_msg(hist[i] > 50, "period %d ms seen %d times",
		    100 + i, hist[i]);
}
END_TEST

START_TEST(test_loop_free_pending)
{
	struct owner o;

	memset(&o, 0, sizeof(o));
	timer_init(&o.t, owner_cb, &o);
	timer_arm(L, &o.t, 10);
	loop_free(L);
	L = NULL;
	ck_assert(!timer_pending(&o.t));
	ck_assert_ptr_nonnull(L = loop_new());
}
END_TEST

/* fds */

struct pipe_ep {
	int		 fds[2];
	int		 calls;
	uint32_t	 events;
	int		 other_rd;	/* fd to delete from the callback */
	int		 close_self;
};

static void
pipe_open(struct pipe_ep *p)
{
	memset(p, 0, sizeof(*p));
	p->other_rd = -1;
	ck_assert_int_eq(pipe2(p->fds, O_NONBLOCK | O_CLOEXEC), 0);
}

static void
pipe_close(struct pipe_ep *p)
{
	if (p->fds[0] != -1)
		close(p->fds[0]);
	if (p->fds[1] != -1)
		close(p->fds[1]);
}

static void
pipe_cb(int fd, uint32_t events, void *ctx)
{
	struct pipe_ep *p = ctx;
	char c;

	p->calls++;
	p->events = events;
	if (events & EPOLLIN)
		(void)read(fd, &c, 1);
	if (p->other_rd != -1) {
		ck_assert_int_eq(loop_del_fd(L, p->other_rd), 0);
		close(p->other_rd);
	}
	if (p->close_self) {
		ck_assert_int_eq(loop_del_fd(L, fd), 0);
		close(fd);
		p->fds[0] = -1;
	}
}

START_TEST(test_fd_basic)
{
	struct pipe_ep p;

	pipe_open(&p);
	ck_assert_int_eq(loop_add_fd(L, p.fds[0], EPOLLIN, pipe_cb, &p), 0);
	errno = 0;
	ck_assert_int_eq(loop_add_fd(L, p.fds[0], EPOLLIN, pipe_cb, &p), -1);
	ck_assert_int_eq(errno, EEXIST);

	/* Nothing to read: times out with nothing run. */
	ck_assert_int_eq(loop_run_once(L, 10), 0);
	ck_assert_int_eq(p.calls, 0);

	ck_assert_int_eq(write(p.fds[1], "x", 1), 1);
	ck_assert_int_eq(loop_run_once(L, 1000), 1);
	ck_assert_int_eq(p.calls, 1);
	ck_assert(p.events & EPOLLIN);

	/* Watch the write end for writability instead. */
	ck_assert_int_eq(loop_add_fd(L, p.fds[1], 0, pipe_cb, &p), 0);
	ck_assert_int_eq(loop_run_once(L, 10), 0);
	ck_assert_int_eq(loop_mod_fd(L, p.fds[1], EPOLLOUT), 0);
	ck_assert_int_eq(loop_run_once(L, 1000), 1);
	ck_assert_int_eq(p.calls, 2);
	ck_assert(p.events & EPOLLOUT);

	ck_assert_int_eq(loop_del_fd(L, p.fds[1]), 0);
	ck_assert_int_eq(loop_del_fd(L, p.fds[0]), 0);
	errno = 0;
	ck_assert_int_eq(loop_del_fd(L, p.fds[0]), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(loop_mod_fd(L, p.fds[0], EPOLLIN), -1);
	ck_assert_int_eq(loop_add_fd(L, -1, EPOLLIN, pipe_cb, &p), -1);
	pipe_close(&p);
}
END_TEST

START_TEST(test_fd_del_in_batch)
{
	struct pipe_ep a, b;

	/* Both ready in one batch; whichever runs first removes the other. */
	pipe_open(&a);
	pipe_open(&b);
	a.other_rd = b.fds[0];
	b.other_rd = a.fds[0];
	ck_assert_int_eq(loop_add_fd(L, a.fds[0], EPOLLIN, pipe_cb, &a), 0);
	ck_assert_int_eq(loop_add_fd(L, b.fds[0], EPOLLIN, pipe_cb, &b), 0);
	ck_assert_int_eq(write(a.fds[1], "x", 1), 1);
	ck_assert_int_eq(write(b.fds[1], "x", 1), 1);
	ck_assert_int_eq(loop_run_once(L, 1000), 1);
	ck_assert_int_eq(a.calls + b.calls, 1);
	if (a.calls)
		b.fds[0] = -1;
	else
		a.fds[0] = -1;
	/* The survivor still works. */
	ck_assert_int_eq(write(a.calls ? a.fds[1] : b.fds[1], "y", 1), 1);
	a.other_rd = b.other_rd = -1;
	ck_assert_int_eq(loop_run_once(L, 1000), 1);
	ck_assert_int_eq(a.calls + b.calls, 2);
	pipe_close(&a);
	pipe_close(&b);
}
END_TEST

START_TEST(test_fd_del_self)
{
	struct pipe_ep p, q;

	pipe_open(&p);
	p.close_self = 1;
	ck_assert_int_eq(loop_add_fd(L, p.fds[0], EPOLLIN, pipe_cb, &p), 0);
	ck_assert_int_eq(write(p.fds[1], "xx", 2), 2);
	ck_assert_int_eq(loop_run_once(L, 1000), 1);
	ck_assert_int_eq(p.fds[0], -1);
	/* The fd number comes back at once and registers cleanly. */
	pipe_open(&q);
	ck_assert_int_eq(loop_add_fd(L, q.fds[0], EPOLLIN, pipe_cb, &q), 0);
	ck_assert_int_eq(write(q.fds[1], "x", 1), 1);
	ck_assert_int_eq(loop_run_once(L, 1000), 1);
	ck_assert_int_eq(q.calls, 1);
	ck_assert_int_eq(p.calls, 1);
	pipe_close(&p);
	pipe_close(&q);
}
END_TEST

/* signals */

static int sig_seen[NSIG];

static void
sig_cb(int signo, void *ctx)
{
	ck_assert_ptr_eq(ctx, &sig_seen);
	sig_seen[signo]++;
}

START_TEST(test_signal)
{
	sigset_t cur;

	memset(sig_seen, 0, sizeof(sig_seen));
	ck_assert_int_eq(loop_add_signal(L, SIGUSR1, sig_cb, &sig_seen), 0);
	ck_assert_int_eq(loop_add_signal(L, SIGUSR2, sig_cb, &sig_seen), 0);
	ck_assert_int_eq(loop_add_signal(L, 0, sig_cb, NULL), -1);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &cur), 0);
	ck_assert(sigismember(&cur, SIGUSR1));
	ck_assert(sigismember(&cur, SIGUSR2));

	/* Blocked, so raise() leaves it pending for the signalfd. */
	ck_assert_int_eq(raise(SIGUSR1), 0);
	ck_assert_int_eq(loop_run_once(L, 1000), 1);
	ck_assert_int_eq(sig_seen[SIGUSR1], 1);
	ck_assert_int_eq(raise(SIGUSR2), 0);
	ck_assert_int_eq(raise(SIGUSR1), 0);
	ck_assert_int_eq(loop_run_once(L, 1000), 2);
	ck_assert_int_eq(sig_seen[SIGUSR1], 2);
	ck_assert_int_eq(sig_seen[SIGUSR2], 1);
	ck_assert_int_eq(loop_run_once(L, 10), 0);
}
END_TEST

/* the real clock and the timerfd */

static void
stop_cb(struct timer *t, void *ctx)
{
	(void)t;
	loop_stop(ctx);
}

START_TEST(test_timerfd_real)
{
	struct owner o;
	uint64_t t0, el;

	memset(&o, 0, sizeof(o));
	order_reset(1);
	timer_init(&o.t, owner_cb, &o);
	t0 = clock_ms();
	timer_arm(L, &o.t, 20);
	/* Nothing else: only the timerfd can end this wait early. */
	ck_assert_int_eq(loop_run_once(L, 5000), 1);
	el = clock_ms() - t0;
	ck_assert_int_eq(o.fired, 1);
	ck_assert_uint_ge(el, 20);
	ck_assert_uint_lt(el, 2000);
	ck_assert_uint_ge(o.fired_at, t0 + 20);

	/* Cancelled: the loop must not wake for it. */
	timer_arm(L, &o.t, 20);
	ck_assert_int_eq(loop_run_once(L, 0), 0);
	timer_cancel(L, &o.t);
	t0 = clock_ms();
	ck_assert_int_eq(loop_run_once(L, 60), 0);
	ck_assert_uint_ge(clock_ms() - t0, 50);
	ck_assert_int_eq(o.fired, 1);
}
END_TEST

/* A timer re-armed for the deadline the timerfd has just passed. */
struct chain {
	struct timer	 t;
	struct owner	*next;
};

static void
chain_cb(struct timer *t, void *ctx)
{
	struct chain *c = ctx;

	timer_arm_at(L, &c->next->t, t->deadline);
}

START_TEST(test_timerfd_same_deadline)
{
	struct chain c;
	struct owner o;
	uint64_t t0;
	int i, ran = 0;

	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	order_reset(1);
	timer_init(&o.t, owner_cb, &o);
	timer_init(&c.t, chain_cb, &c);
	c.next = &o;
	t0 = clock_ms();
	timer_arm(L, &c.t, 20);
	for (i = 0; i < 10 && o.fired == 0; i++)
		ran += loop_run_once(L, 3000);
	ck_assert_int_eq(o.fired, 1);
	ck_assert_int_eq(ran, 2);
	ck_assert_uint_lt(clock_ms() - t0, 1500);
}
END_TEST

START_TEST(test_timer_not_starved)
{
	struct pipe_ep p;
	struct owner o;
	uint64_t t0;
	int i;

	/* An fd that is always ready must not keep timers from running. */
	pipe_open(&p);
	ck_assert_int_eq(write(p.fds[1], "x", 1), 1);
	ck_assert_int_eq(loop_add_fd(L, p.fds[1], EPOLLOUT, pipe_cb, &p), 0);
	memset(&o, 0, sizeof(o));
	order_reset(1);
	timer_init(&o.t, owner_cb, &o);
	/* Read the clock before arming: the deadline counts from the arm's
	 * own reading, which may be a millisecond later. */
	t0 = clock_ms();
	timer_arm(L, &o.t, 30);
	for (i = 0; i < 1000000 && o.fired == 0; i++)
		ck_assert_int_ge(loop_run_once(L, -1), 1);
	ck_assert_int_eq(o.fired, 1);
	ck_assert_uint_ge(clock_ms() - t0, 30);
	ck_assert_uint_lt(clock_ms() - t0, 2000);
	ck_assert_int_gt(p.calls, 1);
	pipe_close(&p);
}
END_TEST

START_TEST(test_loop_run_stop)
{
	struct timer t;
	struct owner o;

	memset(&o, 0, sizeof(o));
	order_reset(4);
	timer_init(&o.t, owner_cb, &o);
	timer_set_recurrence(&o.t, 5, 0);
	timer_arm(L, &o.t, 5);
	timer_init(&t, stop_cb, L);
	timer_arm(L, &t, 40);
	ck_assert_int_eq(loop_run(L), 0);
	ck_assert(!timer_pending(&t));
	ck_assert_int_ge(o.fired, 4);
	ck_assert(timer_pending(&o.t));
}
END_TEST

static Suite *
loop_suite(void)
{
	Suite *s = suite_create("loop");
	TCase *tc;

	tc = tcase_create("timers");
	tcase_add_checked_fixture(tc, setup_fake, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_clock_source);
	tcase_add_test(tc, test_timer_basic);
	tcase_add_test(tc, test_timer_order);
	tcase_add_test(tc, test_timer_heap_random);
	tcase_add_test(tc, test_timer_cancel_in_cb);
	tcase_add_test(tc, test_timer_free_in_cb);
	tcase_add_test(tc, test_timer_rearm_zero);
	tcase_add_test(tc, test_timer_arm_in_cb);
	tcase_add_test(tc, test_timer_recurrence);
	tcase_add_test(tc, test_timer_jitter);
	tcase_add_test(tc, test_loop_free_pending);
	suite_add_tcase(s, tc);

	tc = tcase_create("fds");
	tcase_add_checked_fixture(tc, setup_real, teardown);
	tcase_add_test(tc, test_fd_basic);
	tcase_add_test(tc, test_fd_del_in_batch);
	tcase_add_test(tc, test_fd_del_self);
	tcase_add_test(tc, test_signal);
	suite_add_tcase(s, tc);

	tc = tcase_create("realclock");
	tcase_add_checked_fixture(tc, setup_real, teardown);
	tcase_add_test(tc, test_timerfd_real);
	tcase_add_test(tc, test_timerfd_same_deadline);
	tcase_add_test(tc, test_timer_not_starved);
	tcase_add_test(tc, test_loop_run_stop);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(loop_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(order.ids);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
