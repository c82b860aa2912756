/*
 * mag_daemon.h: the pmip6-mag process around the protocol core: its
 * sockets, access links, RADIUS client, data plane and control socket.
 */
#ifndef PMIP6_MAG_DAEMON_H
#define PMIP6_MAG_DAEMON_H

#include "aaa.h"
#include "ctl.h"
#include "dp.h"
#include "ipsec_ctl.h"
#include "mag.h"

struct mag_daemon {
	struct mag	 mag;
	struct mag_conf	 conf;
	const char	*conf_path;
	struct loop	*loop;
	struct dp	*dp;
	struct ctl	*ctl;
	struct aaa	*aaa;
	struct aaa_dm	*dm;		/* RFC 5176 listener */
	int		 mh_fd;
	struct ipsecctl	*ipsec;		/* NULL: IPsec off */
	uint64_t	 tx_held;	/* PBUs held for an SA */
	uint64_t	 rx_unprotected;	/* MH dropped: not through its SA */
	int		 fg;
	uint8_t		 link_mac[6];
};

extern const struct ctl_cmd mag_ctl_cmds[];
void	mag_ctl_event(void *ctx, const char *what, const struct mag_mn *);

#endif /* PMIP6_MAG_DAEMON_H */
