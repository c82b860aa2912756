/*
 * lma_life.c: binding lifetimes (RFC 5213 5.3.2-5.3.4) and the
 * MinDelayBeforeBCEDelete wait after de-registration (5.3.5), without a
 * loop timer per binding.
 *
 * Millions of bindings share a handful of delays: the granted lifetimes
 * and the deletion delay.  Bindings armed with the same delay expire in
 * the order they were armed, so each delay gets a FIFO queue, a binding
 * joins its tail when armed, and one loop timer per queue watches the
 * head.  Arming and cancelling are O(1), and a binding carries two links
 * and a 32-bit deadline instead of a struct timer plus its heap slot.
 * Deadlines are kept as the low 32 bits of clock_ms() and compared
 * modulo 2^32, which is exact for delays under 24 days (the longest is
 * max_lifetime, about 3 days).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lma.h"

#define LQ_BUCKETS	64

struct lma_lq {
	uint64_t	 delay_ms;
	struct lma_binding *head, *tail;
	struct lma_lq	*hash_next;
	struct lma	*lma;
	struct timer	 timer;
	uint32_t	 idx;		/* in lma.lq, from 1 */
};

static int
due(uint32_t deadline, uint32_t now)
{
	return (int32_t)(deadline - now) <= 0;
}

static void
lq_rearm(struct lma *l, struct lma_lq *q)
{
	uint32_t now = (uint32_t)clock_ms();

	if (q->head == NULL) {
		timer_cancel(l->loop, &q->timer);
		return;
	}
	timer_arm(l->loop, &q->timer, due(q->head->deadline, now) ? 0 :
	    q->head->deadline - now);
}

static void
lq_unlink(struct lma_lq *q, struct lma_binding *lb)
{
	if (lb->lq_prev != NULL)
		lb->lq_prev->lq_next = lb->lq_next;
	else
		q->head = lb->lq_next;
	if (lb->lq_next != NULL)
		lb->lq_next->lq_prev = lb->lq_prev;
	else
		q->tail = lb->lq_prev;
	lb->lq_prev = lb->lq_next = NULL;
	lb->lq = 0;
}

static void
lq_fire(struct timer *t, void *ctx)
{
	struct lma_lq *q = ctx;
	struct lma *l = q->lma;
	struct lma_binding *lb, *last = q->tail;
	uint32_t now = (uint32_t)clock_ms();
	int done = 0;

	(void)t;
	/* Only what was queued before this pass: a binding armed from a
	 * callback waits for the next one, as loop timers do. */
	while (!done && (lb = q->head) != NULL && due(lb->deadline, now)) {
		done = lb == last;
		lq_unlink(q, lb);
		lma_binding_expired(l, lb);
	}
	lq_rearm(l, q);
}

static struct lma_lq *
lq_get(struct lma *l, uint64_t delay_ms)
{
	struct lma_lq *q, **nv;
	unsigned h = (unsigned)(delay_ms % LQ_BUCKETS);
	size_t cap;

	if (l->lq_hash == NULL &&
	    (l->lq_hash = calloc(LQ_BUCKETS, sizeof(*l->lq_hash))) == NULL)
		return NULL;
	for (q = l->lq_hash[h]; q != NULL; q = q->hash_next)
		if (q->delay_ms == delay_ms)
			return q;
	if (l->n_lq == l->cap_lq) {
		cap = l->cap_lq ? l->cap_lq * 2 : 8;
		if ((nv = realloc(l->lq, cap * sizeof(*nv))) == NULL)
			return NULL;
		l->lq = nv;
		l->cap_lq = cap;
	}
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->delay_ms = delay_ms;
	q->lma = l;
	timer_init(&q->timer, lq_fire, q);
	l->lq[l->n_lq++] = q;
	q->idx = (uint32_t)l->n_lq;
	q->hash_next = l->lq_hash[h];
	l->lq_hash[h] = q;
	return q;
}

void
lma_life_cancel(struct lma *l, struct lma_binding *lb)
{
	struct lma_lq *q;
	int was_head;

	if (lb->lq == 0)
		return;
	q = l->lq[lb->lq - 1];
	was_head = q->head == lb;
	lq_unlink(q, lb);
	if (was_head)
		lq_rearm(l, q);
}

int
lma_life_arm(struct lma *l, struct lma_binding *lb, uint64_t delay_ms)
{
	struct lma_lq *q;

	lma_life_cancel(l, lb);
	if ((q = lq_get(l, delay_ms)) == NULL)
		return -1;
	lb->deadline = (uint32_t)(clock_ms() + delay_ms);
	lb->lq = q->idx;
	lb->lq_prev = q->tail;
	lb->lq_next = NULL;
	if (q->tail != NULL)
		q->tail->lq_next = lb;
	else
		q->head = lb;
	q->tail = lb;
	if (q->head == lb)
		lq_rearm(l, q);
	return 0;
}

uint64_t
lma_life_remaining(const struct lma_binding *lb)
{
	uint32_t now = (uint32_t)clock_ms();

	if (lb->lq == 0 || due(lb->deadline, now))
		return 0;
	return lb->deadline - now;
}

void
lma_life_free(struct lma *l)
{
	size_t i;

	for (i = 0; i < l->n_lq; i++) {
		timer_cancel(l->loop, &l->lq[i]->timer);
		free(l->lq[i]);
	}
	free(l->lq);
	free(l->lq_hash);
	l->lq = NULL;
	l->lq_hash = NULL;
	l->n_lq = l->cap_lq = 0;
}
