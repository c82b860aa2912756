/*
 * aaa.h: the MAG's RADIUS client.  Access authentication of a mobile
 * node by its MAC address returns the node's PMIPv6 profile (RFC 6572
 * section 5: MAG to AAA interface; RFC 2865); accounting reports its
 * sessions (RFC 2866).
 *
 * An exchange blocks for up to timeout_ms x (retries + 1) per server, so
 * every one runs on a pool of worker threads.  The loop thread only
 * queues requests and takes completions, which the workers post through
 * an eventfd registered with the loop; callbacks run on the loop thread.
 * Call every function here from the loop thread.  radcli provides the
 * dictionary and attribute lists; the exchange itself is ours, because
 * radcli 1.2.11's rc_aaa() takes replies that fail their Response
 * Authenticator check (a forged Accept would pass).
 *
 * Logging: libaaa logs server events itself (a server stops or starts
 * answering, failover) and lost accounting, rate-limited.  What happened
 * to one authentication is not logged above debug level: it goes to the
 * callback as a result and a reason, for the caller to log once, with
 * its own context.
 */
#ifndef PMIP6_AAA_H
#define PMIP6_AAA_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "conf.h"

struct loop;
struct aaa;

#define AAA_MAX_SERVERS		8
#define AAA_MAX_HNP		8
#define AAA_STR_MAX		253	/* longest attribute value, RFC 2865 5 */
#define AAA_SESSION_ID_MAX	64

/* Where the MN identifier may come from, tried in the configured order. */
enum aaa_mnid_source {
	AAA_MNID_MOBILE_NODE_IDENTIFIER,	/* RFC 6572 4.2 */
	AAA_MNID_USER_NAME,	/* the Accept's User-Name, else the one sent */
	AAA_MNID_CUI,		/* Chargeable-User-Identity, RFC 4372 */
};

/* MIP6-Feature-Vector bits (RFC 5447 4.2.5, RFC 5779 5.5, RFC 6572 4.1). */
#define AAA_FV_PMIP6_SUPPORTED		0x0000010000000000ULL
#define AAA_FV_IP4_HOA_SUPPORTED	0x0000020000000000ULL
#define AAA_FV_LOCAL_MAG_ROUTING	0x0000040000000000ULL
#define AAA_FV_IP4_TRANSPORT		0x0000800000000000ULL
#define AAA_FV_IP4_HOA_ONLY		0x0001000000000000ULL

/*
 * What an Access-Accept said.  Only mnid is sure to be there: an Accept
 * without LMA or prefixes is passed on as it is (the MAG may have a
 * default LMA and let the LMA assign prefixes).
 */
struct aaa_profile {
	uint8_t			mac[6];		/* as asked */
	uint32_t		nas_port;
	uint8_t			mnid[AAA_STR_MAX];	/* raw octets */
	size_t			mnid_len;		/* >= 1 */
	enum aaa_mnid_source	mnid_from;
	int			has_lma;
	struct in6_addr		lma;	/* PMIP6-Home-LMA-IPv6-Address */
	unsigned		n_hnp;
	struct prefix6		hnp[AAA_MAX_HNP];	/* PMIP6-Home-HN-Prefix */
	int			has_ifid;
	uint8_t			ifid[8];	/* PMIP6-Home-Interface-ID */
	uint32_t		session_timeout;	/* s, 0 = none */
	uint32_t		acct_interim_interval;	/* s, 0 = not given */
	int			has_feature_vector;
	uint64_t		feature_vector;	/* AAA_FV_* */
	/* For accounting (RFC 2865 5.1, 5.25; RFC 4372 2.1). */
	char			user_name[AAA_STR_MAX + 1];
	uint8_t			class_[AAA_STR_MAX];	/* first Class */
	size_t			class_len;
	uint8_t			cui[AAA_STR_MAX];
	size_t			cui_len;
	char			service_selection[AAA_STR_MAX + 1]; /* or "" */
};

enum aaa_result {
	AAA_ACCEPT,
	AAA_REJECT,	/* Access-Reject, or an Accept RFC 6572 4.1 rejects */
	AAA_TIMEOUT,	/* no server answered (silent, or port closed) */
	AAA_ERROR,	/* unusable Accept (no MN identifier...), only
			 * replies failing verification, local error */
};

/*
 * p is NULL unless res is AAA_ACCEPT, and valid only during the call.
 * reason is never NULL: a short printable text (Reply-Message of a
 * reject, what was wrong with an Accept, which servers did not answer).
 */
typedef void	aaa_done_fn(void *ctx, enum aaa_result res,
		    const struct aaa_profile *p, const char *reason);

/* Acct-Status-Type values (RFC 2866 5.1). */
enum aaa_acct_type {
	AAA_ACCT_START = 1,
	AAA_ACCT_STOP = 2,
	AAA_ACCT_INTERIM = 3,
};

/* Acct-Terminate-Cause values (RFC 2866 5.10), the ones a MAG uses. */
enum aaa_term_cause {
	AAA_TERM_USER_REQUEST = 1,
	AAA_TERM_LOST_CARRIER = 2,	/* MN detached from the link */
	AAA_TERM_LOST_SERVICE = 3,	/* binding refused or lost at the LMA */
	AAA_TERM_IDLE_TIMEOUT = 4,
	AAA_TERM_SESSION_TIMEOUT = 5,
	AAA_TERM_ADMIN_RESET = 6,
	AAA_TERM_ADMIN_REBOOT = 7,
	AAA_TERM_NAS_ERROR = 9,
	AAA_TERM_NAS_REQUEST = 10,
	AAA_TERM_NAS_REBOOT = 11,
};

/* One accounting record; aaa_acct() copies what it needs. */
struct aaa_session {
	char			 session_id[AAA_SESSION_ID_MAX]; /* aaa_session_id() */
	uint8_t			 mac[6];	/* Calling-Station-Id */
	uint32_t		 nas_port;
	const struct aaa_profile *profile;	/* from the Accept */
	uint32_t		 session_time;	/* s; INTERIM and STOP */
	uint32_t		 terminate_cause;	/* STOP: aaa_term_cause */
	int			 has_counters;
	uint64_t		 in_octets;	/* from the MN */
	uint64_t		 out_octets;	/* to the MN */
	uint64_t		 in_packets;
	uint64_t		 out_packets;
};

/* The "radius" group of mag.conf; see aaa_conf_schema for each field. */
struct aaa_server_conf {
	char		address[INET6_ADDRSTRLEN];	/* IPv6 or IPv4 literal */
	int		auth_port;
	int		acct_port;
	char		secret_file[256];
};

struct aaa_config {
	struct conf_list servers;	/* struct aaa_server_conf, in order */
	uint64_t	timeout_ms;	/* per try */
	int		retries;	/* retransmissions per server */
	int		retry_primary_interval;	/* s; 0: stay on the new one */
	int		workers;
	int		queue_max;
	int		mac_format;	/* enum mac_style */
	char		realm[128];	/* User-Name = MAC@realm if set */
	int		mac_as_password;
	char		nas_identifier[64];
	struct in6_addr	nas_ipv6_address;	/* :: = the source address */
	char		bind_address[INET6_ADDRSTRLEN];	/* "" = any */
	int		message_authenticator;	/* sign Access-Requests */
	int		require_message_authenticator;	/* in replies */
	int		nas_port_type;	/* index into the schema's names */
	int		send_nas_port;
	int		service_type;	/* index into the schema's names */
	int		feature_vector;	/* send MIP6-Feature-Vector */
	struct conf_list mnid_from;	/* int, enum aaa_mnid_source */
	int		accounting;
	char		dictionary[256];	/* radcli's stock one */
	/* Dynamic Authorization (RFC 5176), see aaa_dm_open(). */
	int		dm_port;	/* 0 = off */
	char		dm_address[INET6_ADDRSTRLEN];	/* "" = any */
};

/*
 * The schema of the group, for the daemon to embed as
 * { .name = "radius", .type = CONF_GROUP, .sub = aaa_conf_schema, ... }.
 * An empty servers list means no RADIUS: aaa_new() refuses it.
 */
extern const struct conf_field aaa_conf_schema[];

void		 aaa_config_defaults(struct aaa_config *c);
void		 aaa_config_release(struct aaa_config *c);
/*
 * What conf_apply() cannot check: addresses, and that every secret
 * file can be read, holds a usable secret and is not accessible to
 * group or others.  For `-n'; aaa_new() checks the same.
 */
int		 aaa_config_check(const struct aaa_config *c, char *err,
		    size_t errlen);

/*
 * Reads the secrets and the dictionaries (radcli's configuration in
 * /etc/radcli is never read) and starts the workers, which block every
 * signal so that signals keep going to the loop thread.  c is copied.
 * NULL and a message in err on failure.
 */
struct aaa	*aaa_new(struct loop *loop, const struct aaa_config *c,
		    char *err, size_t errlen);
/*
 * Drops every queued request (auth and accounting) without callbacks,
 * waits for the workers' requests in flight, which may take up to
 * servers x timeout_ms x (retries + 1) when no server answers, and
 * frees.  Called from a callback, it does so once the callback returns,
 * and no other callback runs.
 */
void		 aaa_free(struct aaa *a);

/*
 * Queue an Access-Request for the MN with this MAC; done runs later,
 * exactly once, unless aaa_cancel() or aaa_free() comes first.  nas_port
 * (the access interface, say) is sent only if send_nas_port is set.
 * Returns a request id, or 0 when the request cannot be queued (queue
 * full, out of memory: logged, and done never runs).
 */
uint64_t	 aaa_auth(struct aaa *a, const uint8_t mac[6], uint32_t nas_port,
		    aaa_done_fn *done, void *ctx);
/* done will not run for id; unknown or finished ids are ignored. */
void		 aaa_cancel(struct aaa *a, uint64_t id);

/*
 * Queue an Accounting-Request; fire and forget (failures are counted
 * and logged).  0, or -1 if accounting is off or the queue is full.
 */
int		 aaa_acct(struct aaa *a, enum aaa_acct_type type,
		    const struct aaa_session *s);
/* A fresh Acct-Session-Id, unique across restarts (RFC 2866 5.5). */
void		 aaa_session_id(struct aaa *a, char *buf, size_t len);

/* Requests queued or in flight. */
size_t		 aaa_pending(const struct aaa *a);

struct aaa_stats {
	uint64_t	auth_sent;
	uint64_t	accept;
	uint64_t	reject;
	uint64_t	timeout;
	uint64_t	error;
	uint64_t	acct_sent;
	uint64_t	acct_ok;
	uint64_t	acct_failed;
	uint64_t	dropped;	/* queue full */
	uint64_t	failovers;
};
void		 aaa_get_stats(const struct aaa *a, struct aaa_stats *st);

const char	*aaa_result_name(enum aaa_result res);

/*
 * Dynamic Authorization server (RFC 5176): Disconnect-Requests on UDP
 * dm_port (3799 is the registered one) of dm_address.  The clients are
 * the configured servers: a request is taken only from a server's
 * address and only if it verifies with that server's secret (Request
 * Authenticator, RFC 5176 3.5; Message-Authenticator if present, RFC
 * 3579 3.2).  Anything else is dropped with a rate-limited log line.
 * A retransmission (same source, Identifier and Request Authenticator
 * within a few seconds, RFC 5080 2.2.2) gets the first reply again and
 * does not reach the callback.
 *
 * The callback is told every identifying attribute the request carried
 * (any of them may be empty; at least one is set) and returns how many
 * sessions it ended: at least one is a Disconnect-ACK, none a
 * Disconnect-NAK with Error-Cause 503 (Session Context Not Found).
 * Requests naming no session get a NAK 402 (Missing Attribute) without
 * a callback; requests asking for authorization changes a NAK 401.
 * CoA-Requests are answered CoA-NAK 406 (Unsupported Extension).
 */
struct aaa_dm_request {
	int		has_mac;	/* Calling-Station-Id, any MAC format */
	uint8_t		mac[6];
	char		user_name[AAA_STR_MAX + 1];	/* User-Name or "" */
	char		session_id[AAA_SESSION_ID_MAX];	/* Acct-Session-Id */
	uint8_t		mnid[AAA_STR_MAX];	/* Mobile-Node-Identifier */
	size_t		mnid_len;		/* 0: none */
};
typedef unsigned aaa_dm_fn(void *ctx, const struct aaa_dm_request *r);

struct aaa_dm;
/*
 * Reads the servers' secrets, binds [dm_address]:dm_port and listens
 * on the loop.  c is not kept.  NULL with a message in err on failure,
 * and when dm_port is 0 (the caller checks it first).
 */
struct aaa_dm	*aaa_dm_open(struct loop *loop, const struct aaa_config *c,
		    aaa_dm_fn *fn, void *ctx, char *err, size_t errlen);
/* Closes the socket; NULL is ignored.  Not from within the callback. */
void		 aaa_dm_close(struct aaa_dm *dm);

#endif /* PMIP6_AAA_H */
