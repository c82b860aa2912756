/*
 * loop.h: the one event loop of a daemon (epoll + timerfd + signalfd),
 * its timers, and the clock everything reads.
 *
 * Handlers are registered with a context pointer (fds, signals) or are
 * embedded in their owner (timers).  A timer handler should only post an
 * event to its owner's state machine; protocol logic does not belong in
 * timer plumbing.
 */
#ifndef PMIP6_LOOP_H
#define PMIP6_LOOP_H

#include <stdint.h>
#include <sys/epoll.h>

/*
 * Monotonic milliseconds (CLOCK_MONOTONIC): the only clock protocol
 * timing may use.  Tests install their own source; NULL restores the
 * real clock.  While a test source is installed the timerfd is not used
 * and loop_run_timers() fires whatever is due by clock_ms().
 */
uint64_t	 clock_ms(void);
void		 clock_set_source(uint64_t (*fn)(void));

struct loop;
struct timer;

typedef void	(*loop_fd_cb)(int fd, uint32_t events, void *ctx);
typedef void	(*loop_sig_cb)(int signo, void *ctx);
typedef void	(*timer_cb)(struct timer *t, void *ctx);

/*
 * A timer lives inside the object it times, so arming never allocates
 * a timer (only, rarely, a bigger heap array).  Fields are for reading;
 * change them through the functions below.
 */
struct timer {
	uint64_t	 deadline;	/* clock_ms() due time, while pending */
	uint64_t	 seq;		/* arm order: breaks deadline ties */
	timer_cb	 cb;
	void		*ctx;
	uint32_t	 heap_idx;	/* 1-based heap slot, 0 = not pending */
	uint32_t	 recur_ms;	/* re-arm interval, 0 = one-shot */
	uint32_t	 jitter_ms;	/* 0..jitter_ms added to each re-arm */
};

struct loop	*loop_new(void);
/* Pending timers become idle; signals stay blocked. */
void		 loop_free(struct loop *loop);

/*
 * events are EPOLLIN, EPOLLOUT, ...  An fd may be registered once.
 * loop_del_fd() is safe from any callback, including one running in the
 * same epoll batch as the fd being removed; it does not close the fd.
 */
int		 loop_add_fd(struct loop *loop, int fd, uint32_t events,
		    loop_fd_cb cb, void *ctx);
int		 loop_mod_fd(struct loop *loop, int fd, uint32_t events);
int		 loop_del_fd(struct loop *loop, int fd);

/*
 * Block signo with sigprocmask() and deliver it through a signalfd: the
 * callback runs from the loop, so it may do anything.  Call before any
 * thread starts, so no thread receives the signal the usual way.
 */
int		 loop_add_signal(struct loop *loop, int signo, loop_sig_cb cb,
		    void *ctx);

/*
 * loop_run() dispatches until loop_stop(); 0 then, -1 on epoll failure.
 * loop_run_once() waits up to timeout_ms (-1: until something happens),
 * runs every ready fd callback of one epoll batch, then every due timer,
 * and returns how many callbacks ran (-1 on error).  Timers run on every
 * pass, whether or not an fd was ready, so busy sockets cannot starve
 * them.
 */
int		 loop_run(struct loop *loop);
int		 loop_run_once(struct loop *loop, int timeout_ms);
void		 loop_stop(struct loop *loop);

/*
 * Timers fire in deadline order, ties in arm order.  A callback may arm
 * or cancel any timer, itself included, and may free its owner once the
 * timer is no longer pending.  A timer armed while timers are running
 * fires on a later pass at the earliest, so a zero delay cannot spin.
 * Arming a pending timer moves it; a deadline in the past means now.
 * timer_arm*() fail (-1, ENOMEM) only when the heap must grow and
 * cannot; re-arming a pending timer never fails.
 */
void		 timer_init(struct timer *t, timer_cb cb, void *ctx);
int		 timer_arm(struct loop *loop, struct timer *t,
		    uint64_t delay_ms);
int		 timer_arm_at(struct loop *loop, struct timer *t,
		    uint64_t deadline_ms);
void		 timer_cancel(struct loop *loop, struct timer *t);
int		 timer_pending(const struct timer *t);
/* ms until due; 0 if due or not pending. */
uint64_t	 timer_remaining(const struct timer *t);
/*
 * After each firing the timer re-arms itself interval_ms + a uniform
 * random 0..jitter_ms after its previous deadline (after now if that is
 * already past, so a stalled loop does not fire a burst).  The jitter is
 * only ever added, so [interval, interval + jitter] is the range of one
 * period: RFC 4861's MinRtrAdvInterval..MaxRtrAdvInterval maps directly.
 * interval_ms 0 makes the timer one-shot again.  Re-arming happens before
 * the callback runs, so the callback may timer_cancel() to stop it.
 */
void		 timer_set_recurrence(struct timer *t, uint32_t interval_ms,
		    uint32_t jitter_ms);
/* Fire every timer due by clock_ms(); returns how many fired. */
unsigned	 loop_run_timers(struct loop *loop);
/* Number of pending timers. */
size_t		 loop_timer_count(const struct loop *loop);

#endif /* PMIP6_LOOP_H */
