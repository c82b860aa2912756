/*
 * log.h: logging by subsystem and level, to syslog or stderr.
 *
 * log_warn() and fatal() append strerror(errno); log_warnx() and fatalx()
 * do not.  fatal()/fatalx() exit(1) and are for start-up failures and
 * broken internal invariants only: network input is never fatal.
 *
 * Every message a received packet can trigger goes through LOG_RL() or
 * log_rl(), so a flood of bad packets cannot flood the log.
 */
#ifndef PMIP6_LOG_H
#define PMIP6_LOG_H

#include <stdarg.h>
#include <stdint.h>

enum log_level {
	LOG_LVL_ERR,
	LOG_LVL_WARN,
	LOG_LVL_NOTICE,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};

enum log_subsys {
	LOG_SUB_MAIN,
	LOG_SUB_LOOP,
	LOG_SUB_CONF,
	LOG_SUB_MH,
	LOG_SUB_BCE,
	LOG_SUB_DP,
	LOG_SUB_AAA,
	LOG_SUB_IPSEC,
	LOG_SUB_CTL,
	LOG_SUB_LMA,
	LOG_SUB_MAG,
	LOG_SUB_MAX
};

/* Longest message kept; longer ones are cut and end in "...". */
#define LOG_MSG_MAX	1024

/*
 * Until log_init() runs, messages go to stderr at LOG_LVL_INFO under the
 * ident "pmip6".  ident must outlive the logger (a string literal or
 * argv[0]).  log_init() sets every subsystem to level.
 */
void		 log_init(const char *ident, int to_stderr,
		    enum log_level level);
void		 log_set_level(enum log_subsys sub, enum log_level level);
enum log_level	 log_get_level(enum log_subsys sub);
/* Non-zero if a message at level for sub would be written. */
int		 log_enabled(enum log_subsys sub, enum log_level level);

/* "err", "warn", "notice", "info", "debug" (and "error", "warning"). */
int		 log_level_parse(const char *name);	/* level or -1 */
const char	*log_level_name(enum log_level level);
int		 log_subsys_parse(const char *name);	/* subsys or -1 */
const char	*log_subsys_name(enum log_subsys sub);

/*
 * Tests: when a hook is set, every message that passes the level filter
 * goes to it (already formatted, without timestamp or ident) instead of
 * syslog/stderr.  NULL restores normal output.
 */
typedef void	(*log_hook_fn)(enum log_subsys sub, enum log_level level,
		    const char *msg, void *ctx);
void		 log_set_hook(log_hook_fn fn, void *ctx);

void		 log_msg(enum log_subsys sub, enum log_level level,
		    const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
void		 log_vmsg(enum log_subsys sub, enum log_level level,
		    const char *fmt, va_list ap)
		    __attribute__((format(printf, 3, 0)));

void		 log_warn(enum log_subsys sub, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 log_warnx(enum log_subsys sub, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 log_notice(enum log_subsys sub, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 log_info(enum log_subsys sub, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 log_debug(enum log_subsys sub, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 fatal(enum log_subsys sub, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3), noreturn));
void		 fatalx(enum log_subsys sub, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3), noreturn));

/*
 * Rate limiting.  A limiter lets `burst' messages through per window of
 * `interval_ms' (clock_ms() time, so tests can drive it) and counts the
 * rest.  The first message let through in a later window is preceded by
 * "N similar messages suppressed": the count is reported when the source
 * speaks again, not on a timer.  A limiter lives at the call site
 * (LOG_RL) or in the object the messages are about (one per peer, say),
 * set up with LOG_RATELIMIT_INIT or log_ratelimit_init().
 */
struct log_ratelimit {
	uint64_t	window_start;	/* clock_ms() the window opened */
	uint32_t	interval_ms;
	uint32_t	burst;
	uint32_t	count;		/* let through in this window */
	uint32_t	suppressed;	/* dropped since last report */
	int		started;	/* window_start is meaningful */
};

#define LOG_RL_INTERVAL_MS	10000
#define LOG_RL_BURST		10

#define LOG_RATELIMIT_INIT(interval_ms, burst) \
	{ 0, (interval_ms), (burst), 0, 0, 0 }

void		 log_ratelimit_init(struct log_ratelimit *rl,
		    uint32_t interval_ms, uint32_t burst);
void		 log_rl(struct log_ratelimit *rl, enum log_subsys sub,
		    enum log_level level, const char *fmt, ...)
		    __attribute__((format(printf, 4, 5)));

/* One limiter per call site, LOG_RL_BURST per LOG_RL_INTERVAL_MS. */
#define LOG_RL(sub, level, ...) do {					\
	static struct log_ratelimit log_rl_site_ =			\
	    LOG_RATELIMIT_INIT(LOG_RL_INTERVAL_MS, LOG_RL_BURST);	\
	log_rl(&log_rl_site_, (sub), (level), __VA_ARGS__);		\
} while (0)

#endif /* PMIP6_LOG_H */
