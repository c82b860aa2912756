/*
 * log.c: logging by subsystem and level, to syslog or stderr, with
 * per-call-site rate limiting for messages network input can trigger.
 *
 * Messages are formatted once into a bounded buffer, cut with "..." when
 * too long, and have control characters replaced so that text copied
 * from a packet (an NAI, say) cannot forge extra log lines.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include "log.h"
#include "loop.h"

static const char *const log_subsys_names[LOG_SUB_MAX] = {
	[LOG_SUB_MAIN] = "main",
	[LOG_SUB_LOOP] = "loop",
	[LOG_SUB_CONF] = "conf",
	[LOG_SUB_MH] = "mh",
	[LOG_SUB_BCE] = "bce",
	[LOG_SUB_DP] = "dp",
	[LOG_SUB_AAA] = "aaa",
	[LOG_SUB_IPSEC] = "ipsec",
	[LOG_SUB_CTL] = "ctl",
	[LOG_SUB_LMA] = "lma",
	[LOG_SUB_MAG] = "mag",
};

static const char *const log_level_names[] = {
	[LOG_LVL_ERR] = "err",
	[LOG_LVL_WARN] = "warn",
	[LOG_LVL_NOTICE] = "notice",
	[LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

static const int log_syslog_prio[] = {
	[LOG_LVL_ERR] = LOG_ERR,
	[LOG_LVL_WARN] = LOG_WARNING,
	[LOG_LVL_NOTICE] = LOG_NOTICE,
	[LOG_LVL_INFO] = LOG_INFO,
	[LOG_LVL_DEBUG] = LOG_DEBUG,
};

static struct {
	const char	*ident;
	int		 to_stderr;
	int		 syslog_open;
	enum log_level	 level[LOG_SUB_MAX];
	log_hook_fn	 hook;
	void		*hook_ctx;
} log_state = {
	.ident = "pmip6",
	.to_stderr = 1,
	.level = {
		LOG_LVL_INFO, LOG_LVL_INFO, LOG_LVL_INFO, LOG_LVL_INFO,
		LOG_LVL_INFO, LOG_LVL_INFO, LOG_LVL_INFO, LOG_LVL_INFO,
		LOG_LVL_INFO, LOG_LVL_INFO, LOG_LVL_INFO,
	},
};

_Static_assert(LOG_SUB_MAX == 11, "log_state.level initialiser is stale");

static int
log_valid(enum log_subsys sub, enum log_level level)
{
	return (unsigned)sub < LOG_SUB_MAX && (unsigned)level <= LOG_LVL_DEBUG;
}

void
log_init(const char *ident, int to_stderr, enum log_level level)
{
	int i;

	if (ident != NULL)
		log_state.ident = ident;
	log_state.to_stderr = to_stderr;
	for (i = 0; i < LOG_SUB_MAX; i++)
		log_state.level[i] = level;
	if (log_state.syslog_open) {
		closelog();
		log_state.syslog_open = 0;
	}
	if (!to_stderr) {
		openlog(log_state.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_state.syslog_open = 1;
	}
}

void
log_set_level(enum log_subsys sub, enum log_level level)
{
	if (log_valid(sub, level))
		log_state.level[sub] = level;
}

enum log_level
log_get_level(enum log_subsys sub)
{
	if ((unsigned)sub >= LOG_SUB_MAX)
		return LOG_LVL_ERR;
	return log_state.level[sub];
}

int
log_enabled(enum log_subsys sub, enum log_level level)
{
	return log_valid(sub, level) && level <= log_state.level[sub];
}

int
log_level_parse(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i <= LOG_LVL_DEBUG; i++)
		if (strcasecmp(name, log_level_names[i]) == 0)
			return i;
	if (strcasecmp(name, "error") == 0)
		return LOG_LVL_ERR;
	if (strcasecmp(name, "warning") == 0)
		return LOG_LVL_WARN;
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	if ((unsigned)level > LOG_LVL_DEBUG)
		return "?";
	return log_level_names[level];
}

int
log_subsys_parse(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < LOG_SUB_MAX; i++)
		if (strcasecmp(name, log_subsys_names[i]) == 0)
			return i;
	return -1;
}

const char *
log_subsys_name(enum log_subsys sub)
{
	if ((unsigned)sub >= LOG_SUB_MAX)
		return "?";
	return log_subsys_names[sub];
}

void
log_set_hook(log_hook_fn fn, void *ctx)
{
	log_state.hook = fn;
	log_state.hook_ctx = ctx;
}

/* Hand one finished message to the hook, syslog or stderr. */
static void
log_emit(enum log_subsys sub, enum log_level level, const char *msg)
{
	char line[LOG_MSG_MAX + 128], stamp[32];
	struct timespec ts;
	struct tm tm;
	int n;

	if (log_state.hook != NULL) {
		log_state.hook(sub, level, msg, log_state.hook_ctx);
		return;
	}
	if (!log_state.to_stderr) {
		syslog(log_syslog_prio[level], "[%s] %s",
		    log_subsys_names[sub], msg);
		return;
	}
	/* Wall-clock UTC stamp for humans; protocol timing uses clock_ms(). */
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	if (strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		stamp[0] = '\0';
	/* One write per line so concurrent writers do not interleave. */
	n = snprintf(line, sizeof(line), "%s.%03ldZ %s[%s] %s: %s\n", stamp,
	    ts.tv_nsec / 1000000, log_state.ident, log_subsys_names[sub],
	    log_level_names[level], msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	fwrite(line, 1, (size_t)n, stderr);
	fflush(stderr);
}

/*
 * Format into buf, appending ": strerror(saved)" when with_errno, and
 * make the result safe to put on one log line.
 */
static void
log_format(char *buf, size_t len, int with_errno, int saved,
    const char *fmt, va_list ap)
{
	unsigned char *p;
	int n;

	n = vsnprintf(buf, len, fmt, ap);
	if (n < 0) {
		snprintf(buf, len, "(bad log format \"%s\")", fmt);
		n = 0;
	}
	if (with_errno && (size_t)n < len)
		n += snprintf(buf + n, len - n, ": %s", strerror(saved));
	if ((size_t)n >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
	for (p = (unsigned char *)buf; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static void
log_vmsg_errno(enum log_subsys sub, enum log_level level, int with_errno,
    const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX];
	int saved = errno;

	if (!log_enabled(sub, level))
		return;
	log_format(msg, sizeof(msg), with_errno, saved, fmt, ap);
	log_emit(sub, level, msg);
	errno = saved;
}

void
log_vmsg(enum log_subsys sub, enum log_level level, const char *fmt,
    va_list ap)
{
	log_vmsg_errno(sub, level, 0, fmt, ap);
}

void
log_msg(enum log_subsys sub, enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg_errno(sub, level, 0, fmt, ap);
	va_end(ap);
}

void
log_warn(enum log_subsys sub, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg_errno(sub, LOG_LVL_WARN, 1, fmt, ap);
	va_end(ap);
}

void
log_warnx(enum log_subsys sub, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg_errno(sub, LOG_LVL_WARN, 0, fmt, ap);
	va_end(ap);
}

void
log_notice(enum log_subsys sub, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg_errno(sub, LOG_LVL_NOTICE, 0, fmt, ap);
	va_end(ap);
}

void
log_info(enum log_subsys sub, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg_errno(sub, LOG_LVL_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(enum log_subsys sub, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg_errno(sub, LOG_LVL_DEBUG, 0, fmt, ap);
	va_end(ap);
}

static void	log_vfatal(enum log_subsys sub, int with_errno,
		    const char *fmt, va_list ap)
		    __attribute__((format(printf, 3, 0), noreturn));

/* fatal messages bypass the level filter: they are the last word. */
static void
log_vfatal(enum log_subsys sub, int with_errno, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX];
	int saved = errno;

	if ((unsigned)sub >= LOG_SUB_MAX)
		sub = LOG_SUB_MAIN;
	log_format(msg, sizeof(msg), with_errno, saved, fmt, ap);
	log_emit(sub, LOG_LVL_ERR, msg);
	exit(1);
}

void
fatal(enum log_subsys sub, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vfatal(sub, 1, fmt, ap);
	va_end(ap);
}

void
fatalx(enum log_subsys sub, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vfatal(sub, 0, fmt, ap);
	va_end(ap);
}

void
log_ratelimit_init(struct log_ratelimit *rl, uint32_t interval_ms,
    uint32_t burst)
{
	memset(rl, 0, sizeof(*rl));
	rl->interval_ms = interval_ms;
	rl->burst = burst;
}

void
log_rl(struct log_ratelimit *rl, enum log_subsys sub, enum log_level level,
    const char *fmt, ...)
{
	uint64_t now;
	va_list ap;
	int saved = errno;

	/* A filtered-out message costs neither a clock read nor a slot. */
	if (!log_enabled(sub, level))
		return;
	now = clock_ms();
	if (!rl->started || now - rl->window_start >= rl->interval_ms) {
		if (rl->suppressed > 0)
			log_msg(sub, level, "%u similar messages suppressed",
			    rl->suppressed);
		rl->started = 1;
		rl->window_start = now;
		rl->count = 0;
		rl->suppressed = 0;
	}
	if (rl->count >= rl->burst) {
		if (rl->suppressed < UINT32_MAX)
			rl->suppressed++;
		return;
	}
	rl->count++;
	errno = saved;
	va_start(ap, fmt);
	log_vmsg_errno(sub, level, 0, fmt, ap);
	va_end(ap);
}
