/*
 * ipsec_conf.h: the `ipsec' settings group of lma.conf and mag.conf,
 * one schema table read by the daemons (inside their own schemas) and
 * by the charon plugin (which reads nothing else of those files but the
 * addresses), so both always agree on what a peer wants.
 *
 *   ipsec = {
 *     mode = "required";           # off | optional | required
 *     auth = "psk";                # psk | pubkey
 *     psk_file = "/etc/pmip6/ipsec.psk";
 *     id = "";                     # our IKE identity; "": our address
 *     cert = ""; key = ""; ca = "";   # X.509 (auth = "pubkey")
 *     proposals = "aes128-sha256-modp2048";   # IKE, comma-separated
 *     esp_proposals = "aes128-sha256";        # ESP, comma-separated
 *     child_mode = "transport";    # transport: MH only; tunnel: all
 *     dpd_delay = 30;              # seconds, 0: no dead peer detection
 *     socket = "/run/pmip6/ipsec.sock";       # daemon <-> plugin
 *     retry_interval = 5000;       # ms between initiate attempts
 *     tun_interface = "ipsec0";    # kernel-libipsec's TUN (tunnel mode)
 *     peers = ( { address = "2001:db8:ff::2"; mode = "optional"; } );
 *   };
 *
 * Every peer takes the group's settings unless its entry in `peers'
 * overrides them ("inherit" and "" mean: the group's).  RFC 5213
 * section 4 asks for IPsec (RFC 4877) on PBU/PBA; `mode' says whether a
 * registration waits for the SA (required), uses it when there
 * (optional), or not at all (off).
 */
#ifndef PMIP6_IPSEC_CONF_H
#define PMIP6_IPSEC_CONF_H

#include <netinet/in.h>
#include <stdint.h>

#include "conf.h"

/* Peer entries also take *_INHERIT, the group never does. */
enum ipsec_mode {
	IPSEC_MODE_OFF,
	IPSEC_MODE_OPTIONAL,
	IPSEC_MODE_REQUIRED,
	IPSEC_MODE_INHERIT,
};

enum ipsec_auth {
	IPSEC_AUTH_PSK,
	IPSEC_AUTH_PUBKEY,
	IPSEC_AUTH_INHERIT,
};

/*
 * transport: a protocol-135 selector between the two addresses, the
 * production setting (RFC 5213 section 4).  tunnel: every protocol
 * between the two addresses, for userspace ESP (kernel-libipsec), which
 * classifies MH by its next-header byte and so cannot match 135; the
 * data tunnel is then encrypted too.
 */
enum ipsec_child_mode {
	IPSEC_CHILD_TRANSPORT,
	IPSEC_CHILD_TUNNEL,
	IPSEC_CHILD_INHERIT,
};

#define IPSEC_PATH_MAX		256
#define IPSEC_ID_MAX		256
#define IPSEC_PROPOSALS_MAX	256
#define IPSEC_SOCKET_MAX	108	/* sun_path */
#define IPSEC_MAX_PEERS		4096

struct ipsec_peer_conf {
	struct in6_addr	 address;
	int		 mode;		/* enum ipsec_mode */
	int		 auth;		/* enum ipsec_auth */
	int		 child_mode;	/* enum ipsec_child_mode */
	char		 psk_file[IPSEC_PATH_MAX];
	char		 id[IPSEC_ID_MAX];	/* its IKE identity */
	char		 proposals[IPSEC_PROPOSALS_MAX];
	char		 esp_proposals[IPSEC_PROPOSALS_MAX];
};

struct ipsec_conf {
	int		 mode;
	int		 auth;
	int		 child_mode;
	char		 psk_file[IPSEC_PATH_MAX];
	char		 id[IPSEC_ID_MAX];
	char		 cert[IPSEC_PATH_MAX];
	char		 key[IPSEC_PATH_MAX];
	char		 ca[IPSEC_PATH_MAX];
	char		 proposals[IPSEC_PROPOSALS_MAX];
	char		 esp_proposals[IPSEC_PROPOSALS_MAX];
	int		 dpd_delay;	/* seconds */
	char		 socket[IPSEC_SOCKET_MAX];
	uint64_t	 retry_interval;	/* ms */
	char		 tun_interface[16];	/* IFNAMSIZ */
	struct conf_list peers;		/* struct ipsec_peer_conf */
};

/*
 * The group's schema: a daemon adds
 *   { .name = "ipsec", .type = CONF_GROUP, .off = offsetof(..., ipsec),
 *     .sub = pmip6_ipsec_schema, ... }
 * to its own table, and calls ipsec_conf_check() after conf_apply().
 */
extern const struct conf_field pmip6_ipsec_schema[];

/*
 * What conf_apply() cannot see on one field: the credentials each
 * peer's auth needs, peers listed twice.  0, or -1 with err set.
 */
int		 ipsec_conf_check(const struct ipsec_conf *c,
		    struct conf_err *err);

/* Everything one peer gets, the group's settings with its overrides. */
struct ipsec_peer {
	struct in6_addr		 address;
	enum ipsec_mode		 mode;
	enum ipsec_auth		 auth;
	enum ipsec_child_mode	 child_mode;
	const char		*psk_file;
	const char		*id;		/* "": its address */
	const char		*proposals;
	const char		*esp_proposals;
	int			 listed;	/* has an entry in peers */
};

/* out's strings point into c: valid while c is. */
void		 ipsec_conf_peer(const struct ipsec_conf *c,
		    const struct in6_addr *address, struct ipsec_peer *out);
/* Shortcut for the daemons: the effective mode towards address. */
enum ipsec_mode	 ipsec_conf_mode(const struct ipsec_conf *c,
		    const struct in6_addr *address);
const char	*ipsec_mode_name(enum ipsec_mode mode);

#endif /* PMIP6_IPSEC_CONF_H */
