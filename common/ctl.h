/*
 * ctl.h: the daemons' control socket, served from the event loop.
 *
 * An AF_UNIX stream socket with mode 0660 (OpenIKED's habit: local
 * control, no network exposure).  The client sends one command line; the
 * daemon answers with text and a last line holding a four-digit code,
 * BIRD style: "0000" for success, "9xxx reason" for an error, then
 * closes, except for streams (monitor) which stay open until the client
 * goes.  Commands come from a table of name, handler and help.
 */
#ifndef PMIP6_CTL_H
#define PMIP6_CTL_H

#include <stddef.h>

struct loop;
struct ctl;
struct ctl_conn;

#define CTL_OK			0
#define CTL_ERR_SYNTAX		9001
#define CTL_ERR_NOTFOUND	9002
#define CTL_ERR_FAILED		9003

/* A handler writes its reply with ctl_printf() and returns a code; a
 * stream handler calls ctl_stream() and returns CTL_OK. */
struct ctl_cmd {
	const char	*name;		/* "show bindings", matched by words */
	int		(*fn)(struct ctl_conn *, int argc, char **argv,
			    void *ctx);
	const char	*help;
};

struct ctl *ctl_open(struct loop *, const char *path,
	    const struct ctl_cmd *table, void *ctx);
void	 ctl_close(struct ctl *);

/* The context pointer given to ctl_open(). */
void	*ctl_ctx(const struct ctl_conn *);
void	 ctl_printf(struct ctl_conn *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Keep the connection open after the handler returns: it will receive
 * ctl_broadcast() output. */
void	 ctl_stream(struct ctl_conn *);
/* Send a line to every streaming connection (monitor). */
void	 ctl_broadcast(struct ctl *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 ctl_has_streams(const struct ctl *);
/* The "monitor" handler both daemons' tables use: the connection
 * becomes a stream of ctl_broadcast() lines. */
int	 ctl_cmd_monitor(struct ctl_conn *, int argc, char **argv,
	    void *ctx);

#endif /* PMIP6_CTL_H */
