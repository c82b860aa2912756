/*
 * aaa_int.h: what the files of libaaa share with each other and with
 * test/check_aaa.c; not for the daemons, which use aaa.h only.
 *
 * radius_*: the pure parts.  They build and read radcli attribute lists
 * and neither send, log nor keep state, so the unit tests drive them with
 * lists made in-process.
 */
#ifndef PMIP6_AAA_INT_H
#define PMIP6_AAA_INT_H

#include <radcli/radcli.h>
#include <time.h>

#include "aaa.h"

/* Attributes radcli's header does not name (RFC 6572 4, RFC 5447). */
#define RADIUS_MIP6_FEATURE_VECTOR	124
#define RADIUS_MOBILE_NODE_IDENTIFIER	145
#define RADIUS_SERVICE_SELECTION	146
#define RADIUS_PMIP6_HOME_LMA_IPV6	147
#define RADIUS_PMIP6_HOME_HN_PREFIX	151
#define RADIUS_PMIP6_HOME_INTERFACE_ID	153

/* The secret radcli can take: see aaa_read_secret(). */
#define RADIUS_SECRET_MAX	(MAX_SECRET_LENGTH - 1)

/* aaa_conf.c */
/*
 * Read the secret in path's first line into buf.  The file must be a
 * regular file with no group or other permission bits, and the secret
 * 1..RADIUS_SECRET_MAX printable characters other than space and comma
 * (radcli splits its server option on those).
 */
int		 aaa_read_secret(const char *path, char *buf, size_t len,
		    char *err, size_t errlen);
/* Value of the NAS-Port-Type / Service-Type a config index stands for,
 * -1 for "none". */
int		 aaa_nas_port_type_value(int idx);
int		 aaa_service_type_value(int idx);

/* radius_handle.c */
/*
 * A radcli handle for one server: its auth and acct addresses with the
 * secret, c's timeout, retries and bind address, the stock dictionary
 * and ours.  One handle per server keeps radcli's own failover (and its
 * secret lookup by server name, which cannot tell two servers on one
 * address apart) out of the way: libaaa chooses the server.
 */
rc_handle	*radius_handle_new(const struct aaa_config *c,
		    const struct aaa_server_conf *s, const char *secret,
		    char *err, size_t errlen);
/* Just the dictionaries, for tests building lists without a server. */
rc_handle	*radius_dict_handle(const char *base, char *err,
		    size_t errlen);
void		 radius_handle_free(rc_handle *rh);

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

/* aaa_core.c */
/*
 * Tests: replace radcli's rc_aaa() with fn, called on a worker thread
 * for server index `server'; it returns an rc_send_status and may set
 * *recv.  Set right after aaa_new(), before any request.
 */
typedef int	radius_send_fn(void *arg, unsigned server, int acct,
		    VALUE_PAIR *send, VALUE_PAIR **recv);
void		 aaa_set_transport(struct aaa *a, radius_send_fn *fn,
		    void *arg);
/* The handle of server 0, for tests building lists to hand fn. */
rc_handle	*aaa_dict(struct aaa *a);

#endif /* PMIP6_AAA_INT_H */
