/*
 * ctl.c: control socket server (see ctl.h for the protocol).
 *
 * Replies can be large (every binding of a loaded LMA), so output goes
 * into a per-connection buffer flushed as the socket drains; the loop
 * never blocks on a slow client.  A streaming client that stops reading
 * is cut off once its buffer passes CTL_OUT_MAX rather than growing the
 * daemon without bound.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"
#include "loop.h"

#define CTL_IN_MAX	1024
#define CTL_OUT_MAX	(64u << 20)
#define CTL_ARGS_MAX	16

struct ctl_conn {
	struct ctl	*ctl;
	int		 fd;
	char		 in[CTL_IN_MAX];
	size_t		 inlen;
	char		*out;
	size_t		 outlen, outoff, outcap;
	int		 streaming;
	int		 closing;	/* close once out is flushed */
	int		 broken;
	struct ctl_conn	*prev, *next;
};

struct ctl {
	struct loop		*loop;
	int			 fd;
	char			 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const struct ctl_cmd	*table;
	void			*ctx;
	struct ctl_conn		*conns;
	unsigned		 nstreams;
};

static void conn_io(int, uint32_t, void *);

static void
conn_free(struct ctl_conn *c)
{
	struct ctl *ctl = c->ctl;

	loop_del_fd(ctl->loop, c->fd);
	close(c->fd);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		ctl->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	if (c->streaming)
		ctl->nstreams--;
	free(c->out);
	free(c);
}

static void __attribute__((format(printf, 2, 0)))
vappend(struct ctl_conn *c, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	if (c->broken)
		return;
	for (;;) {
		size_t room = c->outcap - c->outlen;

		va_copy(aq, ap);
		n = vsnprintf(c->out + c->outlen, room, fmt, aq);
		va_end(aq);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			c->outlen += (size_t)n;
			return;
		}
		if (c->outcap + (size_t)n + 1 > CTL_OUT_MAX) {
			c->broken = 1;	/* a reader that does not read */
			return;
		}
		{
			size_t cap = c->outcap ? c->outcap * 2 : 4096;
			char *o;

			while (cap < c->outlen + (size_t)n + 1)
				cap *= 2;
			if ((o = realloc(c->out, cap)) == NULL) {
				c->broken = 1;
				return;
			}
			c->out = o;
			c->outcap = cap;
		}
	}
}

void *
ctl_ctx(const struct ctl_conn *c)
{
	return c->ctl->ctx;
}

void
ctl_printf(struct ctl_conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(c, fmt, ap);
	va_end(ap);
}

/* Write what the socket takes now; wait for EPOLLOUT for the rest. */
static void
flush(struct ctl_conn *c)
{
	ssize_t n;

	while (c->outoff < c->outlen) {
		n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			conn_free(c);
			return;
		}
		c->outoff += (size_t)n;
	}
	if (c->outoff == c->outlen) {
		c->outoff = c->outlen = 0;
		if (c->closing || c->broken) {
			conn_free(c);
			return;
		}
		loop_mod_fd(c->ctl->loop, c->fd, EPOLLIN);
	} else {
		loop_mod_fd(c->ctl->loop, c->fd, EPOLLIN | EPOLLOUT);
	}
}

void
ctl_stream(struct ctl_conn *c)
{
	if (!c->streaming) {
		c->streaming = 1;
		c->ctl->nstreams++;
	}
}

int
ctl_has_streams(const struct ctl *ctl)
{
	return ctl->nstreams > 0;
}

void
ctl_broadcast(struct ctl *ctl, const char *fmt, ...)
{
	struct ctl_conn *c, *next;
	va_list ap;

	for (c = ctl->conns; c != NULL; c = next) {
		next = c->next;
		if (!c->streaming)
			continue;
		va_start(ap, fmt);
		vappend(c, fmt, ap);
		va_end(ap);
		if (c->broken)
			conn_free(c);
		else
			flush(c);
	}
}

/* Longest table entry whose words prefix the command wins. */
static const struct ctl_cmd *
lookup(const struct ctl_cmd *t, int argc, char **argv, int *used)
{
	const struct ctl_cmd *best = NULL;
	int bestn = 0;

	for (; t->name != NULL; t++) {
		char words[128], *w, *save = NULL;
		int n = 0, ok = 1;

		snprintf(words, sizeof(words), "%s", t->name);
		for (w = strtok_r(words, " ", &save); w != NULL;
		    w = strtok_r(NULL, " ", &save), n++) {
			if (n >= argc || strcmp(argv[n], w) != 0) {
				ok = 0;
				break;
			}
		}
		if (ok && n > bestn) {
			best = t;
			bestn = n;
		}
	}
	*used = bestn;
	return best;
}

static void
help(struct ctl_conn *c)
{
	const struct ctl_cmd *t;

	for (t = c->ctl->table; t->name != NULL; t++)
		ctl_printf(c, "%-28s %s\n", t->name, t->help);
}

static void
run(struct ctl_conn *c, char *line)
{
	char *argv[CTL_ARGS_MAX], *save = NULL, *w;
	const struct ctl_cmd *cmd;
	int argc = 0, used, code;

	for (w = strtok_r(line, " \t\r", &save); w != NULL && argc <
	    CTL_ARGS_MAX; w = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = w;
	if (argc == 1 && strcmp(argv[0], "help") == 0) {
		help(c);
		code = CTL_OK;
	} else if ((cmd = lookup(c->ctl->table, argc, argv, &used)) ==
	    NULL) {
		ctl_printf(c, "%04d unknown command (try \"help\")\n",
		    CTL_ERR_SYNTAX);
		c->closing = 1;
		return;
	} else {
		code = cmd->fn(c, argc - used, argv + used, c->ctl->ctx);
	}
	if (c->streaming && code == CTL_OK)
		return;
	if (code == CTL_OK)
		ctl_printf(c, "0000\n");
	c->closing = 1;
}

static void
conn_io(int fd, uint32_t ev, void *ctx)
{
	struct ctl_conn *c = ctx;
	char *nl;
	ssize_t n;

	(void)fd;
	if (ev & EPOLLOUT) {
		flush(c);
		return;
	}
	n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - 1 - c->inlen,
	    MSG_DONTWAIT);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		conn_free(c);	/* client went away */
		return;
	}
	if (c->streaming)
		return;		/* monitors only listen */
	c->inlen += (size_t)n;
	c->in[c->inlen] = '\0';
	if ((nl = strchr(c->in, '\n')) == NULL) {
		if (c->inlen == sizeof(c->in) - 1) {
			ctl_printf(c, "%04d command too long\n",
			    CTL_ERR_SYNTAX);
			c->closing = 1;
			flush(c);
		}
		return;
	}
	*nl = '\0';
	run(c, c->in);
	c->inlen = 0;
	flush(c);
}

static void
accept_cb(int fd, uint32_t ev, void *ctx)
{
	struct ctl *ctl = ctx;
	struct ctl_conn *c;
	int cfd;

	(void)ev;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd == -1)
		return;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(cfd);
		return;
	}
	c->ctl = ctl;
	c->fd = cfd;
	if (loop_add_fd(ctl->loop, cfd, EPOLLIN, conn_io, c) == -1) {
		close(cfd);
		free(c);
		return;
	}
	c->next = ctl->conns;
	if (ctl->conns != NULL)
		ctl->conns->prev = c;
	ctl->conns = c;
}

struct ctl *
ctl_open(struct loop *loop, const char *path, const struct ctl_cmd *table,
    void *ctx)
{
	struct sockaddr_un sun;
	struct ctl *ctl;
	mode_t old;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((ctl = calloc(1, sizeof(*ctl))) == NULL)
		return NULL;
	ctl->loop = loop;
	ctl->table = table;
	ctl->ctx = ctx;
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (ctl->fd == -1)
		goto fail;
	/* A previous run's socket: nobody can be listening on it, the pid
	 * file check happened first. */
	(void)unlink(path);
	old = umask(0117);
	if (bind(ctl->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		goto fail;
	}
	umask(old);
	if (chmod(path, 0660) == -1 || listen(ctl->fd, 16) == -1 ||
	    loop_add_fd(loop, ctl->fd, EPOLLIN, accept_cb, ctl) == -1)
		goto fail;
	return ctl;
fail:
	{
		int saved = errno;

		if (ctl->fd != -1)
			close(ctl->fd);
		free(ctl);
		errno = saved;
	}
	return NULL;
}

void
ctl_close(struct ctl *ctl)
{
	if (ctl == NULL)
		return;
	while (ctl->conns != NULL)
		conn_free(ctl->conns);
	loop_del_fd(ctl->loop, ctl->fd);
	close(ctl->fd);
	(void)unlink(ctl->path);
	free(ctl);
}

int
ctl_cmd_monitor(struct ctl_conn *c, int argc, char **argv, void *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	ctl_printf(c, "monitoring binding events\n");
	ctl_stream(c);
	return CTL_OK;
}
