/*
 * loop.c: epoll event loop with a timer heap, one timerfd and one
 * signalfd, and the monotonic millisecond clock.
 *
 * Timers sit in a binary min-heap of (deadline, timer pointer) entries.
 * The deadline is copied into the entry so that sifting compares
 * neighbouring array slots instead of chasing pointers into timers
 * scattered over the heap of a daemon holding millions of bindings; the
 * timer keeps its slot index so cancel is O(log n).  The timerfd is
 * armed (absolute, CLOCK_MONOTONIC) to the earliest deadline just before
 * each epoll_wait(), and due timers run after every epoll batch whatever
 * woke the loop, so busy sockets cannot starve them.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

#define LOOP_BATCH		64	/* epoll events per pass */
#define LOOP_HEAP_MIN		64	/* smallest heap array, entries */

struct loop_fd {
	int		 fd;
	loop_fd_cb	 cb;		/* NULL once deleted */
	void		*ctx;
	struct loop_fd	*next_dead;
};

struct loop_heap_ent {
	uint64_t	 deadline;
	struct timer	*t;
};

struct loop_sig {
	loop_sig_cb	 cb;
	void		*ctx;
};

struct loop {
	int			 epfd;
	int			 stop;

	struct loop_fd		**fds;		/* indexed by fd number */
	size_t			 fds_cap;
	struct loop_fd		*dead;		/* deleted during dispatch */
	int			 dispatching;

	struct loop_heap_ent	*heap;
	size_t			 heap_len;
	size_t			 heap_cap;
	uint64_t		 seq;
	uint64_t		 rng;

	struct loop_fd		 tfd;		/* the timerfd */
	int			 tfd_armed;
	uint64_t		 tfd_deadline;

	struct loop_fd		 sigfd;		/* the signalfd; fd -1: none */
	sigset_t		 sigmask;
	struct loop_sig		 sigs[NSIG];
};

static uint64_t (*clock_source)(void);

uint64_t
clock_ms(void)
{
	struct timespec ts;

	if (clock_source != NULL)
		return clock_source();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
clock_set_source(uint64_t (*fn)(void))
{
	clock_source = fn;
}

/* xorshift64*: jitter needs spread, not secrecy. */
static uint32_t
loop_rand(struct loop *l)
{
	l->rng ^= l->rng >> 12;
	l->rng ^= l->rng << 25;
	l->rng ^= l->rng >> 27;
	return (uint32_t)((l->rng * 0x2545f4914f6cdd1dULL) >> 32);
}

static uint64_t
loop_jitter(struct loop *l, uint32_t jitter_ms)
{
	if (jitter_ms == 0)
		return 0;
	return loop_rand(l) % ((uint64_t)jitter_ms + 1);
}

static int
loop_epoll_add(struct loop *l, struct loop_fd *lf, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = lf;
	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, lf->fd, &ev);
}

struct loop *
loop_new(void)
{
	struct loop *l;
	int saved;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->tfd.fd = -1;
	l->sigfd.fd = -1;
	sigemptyset(&l->sigmask);
	if (getrandom(&l->rng, sizeof(l->rng), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(l->rng))
		l->rng = clock_ms() ^ (uintptr_t)l;
	if (l->rng == 0)
		l->rng = 1;
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		goto fail;
	l->tfd.fd = timerfd_create(CLOCK_MONOTONIC,
	    TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->tfd.fd == -1 || loop_epoll_add(l, &l->tfd, EPOLLIN) == -1)
		goto fail;
	return l;
fail:
	saved = errno;
	if (l->tfd.fd != -1)
		close(l->tfd.fd);
	if (l->epfd != -1)
		close(l->epfd);
	free(l);
	errno = saved;
	return NULL;
}

static void
loop_reap(struct loop *l)
{
	struct loop_fd *lf;

	while ((lf = l->dead) != NULL) {
		l->dead = lf->next_dead;
		free(lf);
	}
}

void
loop_free(struct loop *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->heap_len; i++)
		l->heap[i].t->heap_idx = 0;
	free(l->heap);
	for (i = 0; i < l->fds_cap; i++)
		free(l->fds[i]);
	free(l->fds);
	loop_reap(l);
	if (l->sigfd.fd != -1)
		close(l->sigfd.fd);
	close(l->tfd.fd);
	close(l->epfd);
	free(l);
}

/* fd callbacks */

static struct loop_fd *
loop_fd_find(struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->fds_cap)
		return NULL;
	return l->fds[fd];
}

int
loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_cb cb,
    void *ctx)
{
	struct loop_fd *lf, **nfds;
	size_t ncap;

	if (fd < 0 || cb == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (loop_fd_find(l, fd) != NULL) {
		errno = EEXIST;
		return -1;
	}
	if ((size_t)fd >= l->fds_cap) {
		ncap = l->fds_cap ? l->fds_cap : 16;
		while (ncap <= (size_t)fd)
			ncap *= 2;
		if ((nfds = realloc(l->fds, ncap * sizeof(*nfds))) == NULL)
			return -1;
		memset(nfds + l->fds_cap, 0,
		    (ncap - l->fds_cap) * sizeof(*nfds));
		l->fds = nfds;
		l->fds_cap = ncap;
	}
	if ((lf = calloc(1, sizeof(*lf))) == NULL)
		return -1;
	lf->fd = fd;
	lf->cb = cb;
	lf->ctx = ctx;
	if (loop_epoll_add(l, lf, events) == -1) {
		int saved = errno;

		free(lf);
		errno = saved;
		return -1;
	}
	l->fds[fd] = lf;
	return 0;
}

int
loop_mod_fd(struct loop *l, int fd, uint32_t events)
{
	struct epoll_event ev;
	struct loop_fd *lf;

	if ((lf = loop_fd_find(l, fd)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = lf;
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev);
}

int
loop_del_fd(struct loop *l, int fd)
{
	struct loop_fd *lf;
	int saved = errno;

	if ((lf = loop_fd_find(l, fd)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	/* Fails harmlessly if the fd was already closed. */
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	errno = saved;
	l->fds[fd] = NULL;
	lf->cb = NULL;
	/*
	 * Events already fetched in this batch may still point at lf, so
	 * it must outlive the batch.
	 */
	if (l->dispatching) {
		lf->next_dead = l->dead;
		l->dead = lf;
	} else
		free(lf);
	return 0;
}

/* signals */

int
loop_add_signal(struct loop *l, int signo, loop_sig_cb cb, void *ctx)
{
	sigset_t one;
	int fd;

	if (signo <= 0 || signo >= NSIG || cb == NULL) {
		errno = EINVAL;
		return -1;
	}
	sigemptyset(&one);
	if (sigaddset(&one, signo) == -1 ||
	    sigprocmask(SIG_BLOCK, &one, NULL) == -1)
		return -1;
	sigaddset(&l->sigmask, signo);
	fd = signalfd(l->sigfd.fd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd == -1)
		return -1;
	if (l->sigfd.fd == -1) {
		l->sigfd.fd = fd;
		if (loop_epoll_add(l, &l->sigfd, EPOLLIN) == -1) {
			int saved = errno;

			close(fd);
			l->sigfd.fd = -1;
			errno = saved;
			return -1;
		}
	}
	l->sigs[signo].cb = cb;
	l->sigs[signo].ctx = ctx;
	return 0;
}

static int
loop_signals(struct loop *l)
{
	struct signalfd_siginfo si;
	struct loop_sig *s;
	int ran = 0;

	while (read(l->sigfd.fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo >= NSIG)
			continue;
		s = &l->sigs[si.ssi_signo];
		if (s->cb != NULL) {
			s->cb((int)si.ssi_signo, s->ctx);
			ran++;
		}
	}
	return ran;
}

/* the timer heap */

static int
loop_heap_less(const struct loop_heap_ent *a, const struct loop_heap_ent *b)
{
	if (a->deadline != b->deadline)
		return a->deadline < b->deadline;
	return a->t->seq < b->t->seq;
}

static void
loop_heap_set(struct loop *l, size_t i, struct loop_heap_ent e)
{
	l->heap[i] = e;
	e.t->heap_idx = (uint32_t)(i + 1);
}

static void
loop_heap_up(struct loop *l, size_t i)
{
	struct loop_heap_ent e = l->heap[i];
	size_t p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (!loop_heap_less(&e, &l->heap[p]))
			break;
		loop_heap_set(l, i, l->heap[p]);
		i = p;
	}
	loop_heap_set(l, i, e);
}

static void
loop_heap_down(struct loop *l, size_t i)
{
	struct loop_heap_ent e = l->heap[i];
	size_t c, n = l->heap_len;

	for (;;) {
		c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && loop_heap_less(&l->heap[c + 1], &l->heap[c]))
			c++;
		if (!loop_heap_less(&l->heap[c], &e))
			break;
		loop_heap_set(l, i, l->heap[c]);
		i = c;
	}
	loop_heap_set(l, i, e);
}

/* Restore heap order after the key at slot i changed either way. */
static void
loop_heap_fix(struct loop *l, size_t i)
{
	if (i > 0 && loop_heap_less(&l->heap[i], &l->heap[(i - 1) / 2]))
		loop_heap_up(l, i);
	else
		loop_heap_down(l, i);
}

static void
loop_heap_remove(struct loop *l, size_t i)
{
	struct loop_heap_ent *nh;
	size_t ncap;

	l->heap[i].t->heap_idx = 0;
	if (i != --l->heap_len) {
		loop_heap_set(l, i, l->heap[l->heap_len]);
		loop_heap_fix(l, i);
	}
	/* Give memory back after a mass expiry; a quarter leaves slack. */
	if (l->heap_cap > LOOP_HEAP_MIN && l->heap_len < l->heap_cap / 4) {
		ncap = l->heap_cap / 2;
		if ((nh = realloc(l->heap, ncap * sizeof(*nh))) != NULL) {
			l->heap = nh;
			l->heap_cap = ncap;
		}
	}
}

static int
loop_heap_grow(struct loop *l)
{
	struct loop_heap_ent *nh;
	size_t ncap;

	ncap = l->heap_cap ? l->heap_cap * 2 : LOOP_HEAP_MIN;
	if (ncap > UINT32_MAX - 1) {
		errno = ENOMEM;
		return -1;
	}
	if ((nh = realloc(l->heap, ncap * sizeof(*nh))) == NULL)
		return -1;
	l->heap = nh;
	l->heap_cap = ncap;
	return 0;
}

/* timers */

void
timer_init(struct timer *t, timer_cb cb, void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
	t->ctx = ctx;
}

int
timer_arm_at(struct loop *l, struct timer *t, uint64_t deadline_ms)
{
	struct loop_heap_ent e;
	uint64_t now;

	/*
	 * Never before now: together with the seq check in
	 * loop_run_timers() this keeps a timer armed by a timer callback
	 * out of the pass that is running.
	 */
	now = clock_ms();
	if (deadline_ms < now)
		deadline_ms = now;
	if (t->heap_idx == 0 && l->heap_len == l->heap_cap &&
	    loop_heap_grow(l) == -1)
		return -1;
	t->deadline = deadline_ms;
	t->seq = l->seq++;
	if (t->heap_idx != 0) {
		l->heap[t->heap_idx - 1].deadline = deadline_ms;
		loop_heap_fix(l, t->heap_idx - 1);
		return 0;
	}
	e.deadline = deadline_ms;
	e.t = t;
	loop_heap_set(l, l->heap_len++, e);
	loop_heap_up(l, l->heap_len - 1);
	return 0;
}

int
timer_arm(struct loop *l, struct timer *t, uint64_t delay_ms)
{
	uint64_t now = clock_ms();

	if (delay_ms > UINT64_MAX - now)
		return timer_arm_at(l, t, UINT64_MAX);
	return timer_arm_at(l, t, now + delay_ms);
}

void
timer_cancel(struct loop *l, struct timer *t)
{
	if (t->heap_idx != 0)
		loop_heap_remove(l, t->heap_idx - 1);
}

int
timer_pending(const struct timer *t)
{
	return t->heap_idx != 0;
}

uint64_t
timer_remaining(const struct timer *t)
{
	uint64_t now;

	if (t->heap_idx == 0)
		return 0;
	now = clock_ms();
	return t->deadline > now ? t->deadline - now : 0;
}

void
timer_set_recurrence(struct timer *t, uint32_t interval_ms,
    uint32_t jitter_ms)
{
	t->recur_ms = interval_ms;
	t->jitter_ms = interval_ms ? jitter_ms : 0;
}

size_t
loop_timer_count(const struct loop *l)
{
	return l->heap_len;
}

unsigned
loop_run_timers(struct loop *l)
{
	struct loop_heap_ent *top;
	struct timer *t;
	uint64_t now, limit, next;
	unsigned fired = 0;

	now = clock_ms();
	/* Timers armed from here on wait for the next pass. */
	limit = l->seq;
	while (l->heap_len > 0) {
		top = &l->heap[0];
		t = top->t;
		if (top->deadline > now || t->seq >= limit)
			break;
		if (t->recur_ms != 0) {
			/* Keep the phase unless the loop fell behind. */
			next = t->deadline + t->recur_ms +
			    loop_jitter(l, t->jitter_ms);
			if (next <= now)
				next = now + t->recur_ms +
				    loop_jitter(l, t->jitter_ms);
			t->deadline = next;
			t->seq = l->seq++;
			top->deadline = next;
			loop_heap_down(l, 0);
		} else
			loop_heap_remove(l, 0);
		fired++;
		/* t may be freed by its callback: do not touch it after. */
		if (t->cb != NULL)
			t->cb(t, t->ctx);
	}
	return fired;
}

/* Point the timerfd at the earliest deadline, or disarm it. */
static int
loop_timerfd_sync(struct loop *l)
{
	struct itimerspec its;
	uint64_t d;

	memset(&its, 0, sizeof(its));
	if (l->heap_len == 0 || clock_source != NULL) {
		if (!l->tfd_armed)
			return 0;
		l->tfd_armed = 0;
		return timerfd_settime(l->tfd.fd, 0, &its, NULL);
	}
	d = l->heap[0].deadline;
	if (l->tfd_armed && l->tfd_deadline == d)
		return 0;
	its.it_value.tv_sec = (time_t)(d / 1000);
	its.it_value.tv_nsec = (long)(d % 1000) * 1000000;
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;	/* all-zero would disarm */
	if (timerfd_settime(l->tfd.fd, TFD_TIMER_ABSTIME, &its, NULL) == -1)
		return -1;
	l->tfd_armed = 1;
	l->tfd_deadline = d;
	return 0;
}

int
loop_run_once(struct loop *l, int timeout_ms)
{
	struct epoll_event ev[LOOP_BATCH];
	struct loop_fd *lf;
	uint64_t expirations;
	int i, n, ran = 0;

	if (l->heap_len > 0 && l->heap[0].deadline <= clock_ms())
		timeout_ms = 0;
	else if (loop_timerfd_sync(l) == -1)
		return -1;
	n = epoll_wait(l->epfd, ev, LOOP_BATCH, timeout_ms);
	if (n == -1) {
		if (errno != EINTR)
			return -1;
		n = 0;
	}
	l->dispatching++;
	for (i = 0; i < n; i++) {
		lf = ev[i].data.ptr;
		if (lf == &l->tfd) {
			/* Expired: re-arm even for an unchanged deadline. */
			while (read(lf->fd, &expirations,
			    sizeof(expirations)) > 0)
				;
			l->tfd_armed = 0;
		} else if (lf == &l->sigfd)
			ran += loop_signals(l);
		else if (lf->cb != NULL) {
			lf->cb(lf->fd, ev[i].events, lf->ctx);
			ran++;
		}
	}
	if (--l->dispatching == 0)
		loop_reap(l);
	ran += (int)loop_run_timers(l);
	return ran;
}

int
loop_run(struct loop *l)
{
	while (!l->stop)
		if (loop_run_once(l, -1) == -1)
			return -1;
	l->stop = 0;
	return 0;
}

void
loop_stop(struct loop *l)
{
	l->stop = 1;
}
