/*
 * aaa_int.h: what the files of libaaa share with each other and with
 * test/check_aaa*.c; not for the daemons, which use aaa.h only.
 *
 * radius_msg.c, radius_wire.c, radius_md5.c are pure: they build and
 * read attribute lists and packets and neither send, log nor keep state,
 * so the unit tests drive them with lists and octets made in-process.
 * radius_udp.c is the one blocking exchange; aaa_conf.c and aaa_core.c
 * are the configuration and the worker pool behind aaa.h.
 */
#ifndef PMIP6_AAA_INT_H
#define PMIP6_AAA_INT_H

#include <radcli/radcli.h>
#include <sys/socket.h>
#include <time.h>

#include "aaa.h"

/* Attributes radcli's header does not name (RFC 6572 4, RFC 5447). */
#define RADIUS_MIP6_FEATURE_VECTOR	124
#define RADIUS_MOBILE_NODE_IDENTIFIER	145
#define RADIUS_SERVICE_SELECTION	146
#define RADIUS_PMIP6_HOME_LMA_IPV6	147
#define RADIUS_PMIP6_HOME_HN_PREFIX	151
#define RADIUS_PMIP6_HOME_INTERFACE_ID	153

#define RADIUS_HDR_LEN		20
#define RADIUS_MAX_LEN		4096	/* RFC 2865 3 */
#define RADIUS_SECRET_MAX	128
/* Our own rc_send_status: the server's port is closed (ICMP). */
#define RADIUS_REFUSED_RC	10

/* aaa_conf.c */
/*
 * Read the secret in path's first line into buf.  The file must be a
 * regular file with no group or other permission bits, and the secret
 * 1..RADIUS_SECRET_MAX octets (anything but NUL, CR and LF).
 */
int		 aaa_read_secret(const char *path, char *buf, size_t len,
		    char *err, size_t errlen);
/* Value of the NAS-Port-Type / Service-Type a config index stands for,
 * -1 for "none". */
int		 aaa_nas_port_type_value(int idx);
int		 aaa_service_type_value(int idx);

/* radius_dict.c */
/*
 * A radcli handle holding only dictionaries: base (the stock one) and
 * the built-in RFC 6572 one.  libaaa uses radcli for attribute lists and
 * their decoding, not for sending (see radius_udp.c).
 */
rc_handle	*radius_dict_handle(const char *base, char *err,
		    size_t errlen);
void		 radius_handle_free(rc_handle *rh);

/* radius_md5.c */
struct radius_md5 {
	uint32_t	h[4];
	uint64_t	len;
	uint8_t		buf[64];
};
void		 radius_md5_init(struct radius_md5 *m);
void		 radius_md5_update(struct radius_md5 *m, const void *data,
		    size_t n);
void		 radius_md5_final(struct radius_md5 *m, uint8_t out[16]);
void		 radius_md5(uint8_t out[16], const void *data, size_t n);
void		 radius_hmac_md5(uint8_t out[16], const void *key,
		    size_t klen, const void *data, size_t n);

/* radius_wire.c */
/*
 * Encode a request: code, identifier, auth (the Request Authenticator of
 * an Access-Request; ignored for Accounting-Request, whose authenticator
 * is computed) and vp's attributes; with ma, an Access-Request gets a
 * Message-Authenticator first.  The length, or -1 with a reason.
 */
int		 radius_encode(uint8_t *buf, size_t len, uint8_t code,
		    uint8_t id, const uint8_t auth[16], VALUE_PAIR *vp,
		    const char *secret, size_t slen, int ma, char *why,
		    size_t wl);
/* 0 if pkt (n octets) is a genuine reply to req; -1 with a reason. */
int		 radius_attrs_scan(const uint8_t *pkt, size_t len,
		    size_t *ma_at, char *why, size_t wl);
int		 radius_verify_reply(const uint8_t *req, const uint8_t *pkt,
		    size_t n, const char *secret, size_t slen, int require_ma,
		    char *why, size_t wl);

/* radius_udp.c */
struct radius_peer {
	struct sockaddr_storage addr;	/* with the port */
	socklen_t	addr_len;
	const char	*secret;
	size_t		 secret_len;
};
struct radius_xopts {
	uint64_t	timeout_ms;	/* per try */
	int		retries;
	struct sockaddr_storage bind;
	socklen_t	bind_len;	/* 0: any */
	int		add_ma;		/* Message-Authenticator in requests */
	int		require_ma;	/* ... and in Access-Request replies */
	/*
	 * > 0: an fd that becomes readable when the exchange must end now
	 * (shutdown), so that no worker holds aaa_free() for its timeouts.
	 * 0 (stdin, never such an fd) when unused, as in zeroed options.
	 */
	int		stop_fd;
};
/* A worker's socket to one server, kept from one exchange to the next. */
struct radius_conn {
	int		fd;		/* -1: opened by the next exchange */
	uint8_t		next_id;
};
void		 radius_conn_init(struct radius_conn *c);
void		 radius_conn_close(struct radius_conn *c);
/*
 * One exchange, blocking: every try, each waiting timeout_ms, on c's
 * socket (c NULL: a socket of its own, closed at the end).  Returns
 * an rc_send_status (OK_RC, REJECT_RC, CHALLENGE_RC, TIMEOUT_RC,
 * BADRESP_RC: only bad replies came, ERROR_RC) or RADIUS_REFUSED_RC,
 * with the reply's attributes in *recv and a reason in why (ERROR_RC
 * with "shutting down" when o's stop_fd ended it).  queued_ms
 * (CLOCK_MONOTONIC) sets an Accounting-Request's Acct-Delay-Time.
 */
int		 radius_exchange(rc_handle *rh, const struct radius_peer *p,
		    struct radius_conn *c, const struct radius_xopts *o,
		    int acct, VALUE_PAIR **send, uint64_t queued_ms,
		    VALUE_PAIR **recv, char *why, size_t wl);

/* radius_msg.c */
/* "02-00-00-00-00-01" or "02-00-00-00-00-01@realm", as configured. */
int		 radius_user_name(const struct aaa_config *c,
		    const uint8_t mac[6], char *buf, size_t len);
/*
 * The Access-Request's attributes (RFC 6572 5.1): User-Name and
 * Calling-Station-Id from the MAC, User-Password if configured, the NAS
 * attributes, Service-Type, MIP6-Feature-Vector.  0, or -1 with a
 * reason; *out is freed on failure.
 */
int		 radius_build_access_request(rc_handle *rh,
		    const struct aaa_config *c, const uint8_t mac[6],
		    uint32_t nas_port, VALUE_PAIR **out, char *why,
		    size_t wl);
/* An Accounting-Request's attributes (RFC 2866, RFC 6572 5.2). */
int		 radius_build_acct_request(rc_handle *rh,
		    const struct aaa_config *c, enum aaa_acct_type type,
		    const struct aaa_session *s, time_t now, VALUE_PAIR **out,
		    char *why, size_t wl);
/*
 * Read an Access-Accept into p (which the caller zeroes and fills with
 * mac and nas_port).  sent_user_name is the request's User-Name.
 * Returns AAA_ACCEPT, AAA_REJECT for a Feature-Vector that RFC 6572 4.1
 * turns into a reject, or AAA_ERROR for an Accept unfit for use; why
 * says what, printable.
 */
enum aaa_result	 radius_parse_accept(VALUE_PAIR *vp,
		    const struct aaa_config *c, const char *sent_user_name,
		    struct aaa_profile *p, char *why, size_t wl);
/* Every Reply-Message, joined by "; ", made printable; "" if none. */
void		 radius_reply_message(VALUE_PAIR *vp, char *buf, size_t len);
/* Copy n raw octets into buf as printable text (\xNN escapes). */
void		 radius_printable(const uint8_t *s, size_t n, char *buf,
		    size_t len);

/* radius_dm.c: the codec of the Dynamic Authorization server. */
#define RADIUS_DISCONNECT_REQUEST	40	/* RFC 5176 2.1 */
#define RADIUS_DISCONNECT_ACK		41
#define RADIUS_DISCONNECT_NAK		42
#define RADIUS_COA_REQUEST		43	/* RFC 5176 2.2 */
#define RADIUS_COA_ACK			44
#define RADIUS_COA_NAK			45
/* Error-Cause values (RFC 5176 3.6). */
#define RADIUS_EC_UNSUPPORTED_ATTRIBUTE	401
#define RADIUS_EC_MISSING_ATTRIBUTE	402
#define RADIUS_EC_NAS_MISMATCH		403
#define RADIUS_EC_INVALID_REQUEST	404
#define RADIUS_EC_UNSUPPORTED_EXTENSION	406
#define RADIUS_EC_INVALID_VALUE		407
#define RADIUS_EC_SESSION_NOT_FOUND	503
/* Event-Timestamp window, RFC 5176 3.5 (its default). */
#define RADIUS_DM_TIME_WINDOW		300

struct radius_dm_msg {
	uint8_t			code;	/* Disconnect- or CoA-Request */
	uint8_t			id;
	uint8_t			auth[16];	/* Request Authenticator */
	size_t			len;	/* the Length field */
	int			has_ma;	/* Message-Authenticator */
	struct aaa_dm_request	req;	/* what it names */
};
/*
 * Read pkt (n octets) as a Disconnect-Request or CoA-Request signed with
 * secret.  -1: drop it (why says why); 0: a valid Disconnect-Request,
 * m->req names at least one session; > 0: the Error-Cause of the NAK to
 * answer with.  The NAS identification is checked against c's
 * nas_identifier and nas_ipv6_address when set; now (time(), 0: no
 * check) against an Event-Timestamp.  Pure: neither logs nor keeps pkt.
 */
int		 radius_dm_parse(const uint8_t *pkt, size_t n,
		    const char *secret, size_t slen, const struct aaa_config *c,
		    time_t now, struct radius_dm_msg *m, char *why, size_t wl);
/*
 * Build into buf the reply of code to req (which radius_dm_parse() took,
 * m its result): Error-Cause if cause != 0, the request's Proxy-States
 * in order (RFC 5176 3), a Message-Authenticator if the request had one,
 * and the Response Authenticator.  The length, or -1 if len is short.
 */
int		 radius_dm_reply(uint8_t *buf, size_t len, const uint8_t *req,
		    const struct radius_dm_msg *m, uint8_t code, uint32_t cause,
		    const char *secret, size_t slen);

/* aaa_core.c */
/*
 * Tests: replace radius_exchange() with fn, called on a worker thread
 * for server index `server'; it returns what radius_exchange() would.
 * Set right after aaa_new(), before any request.
 */
typedef int	radius_send_fn(void *arg, unsigned server, int acct,
		    VALUE_PAIR **send, VALUE_PAIR **recv);
void		 aaa_set_transport(struct aaa *a, radius_send_fn *fn,
		    void *arg);
/* The dictionary handle, for tests building lists to hand fn. */
rc_handle	*aaa_dict(struct aaa *a);

#endif /* PMIP6_AAA_INT_H */
