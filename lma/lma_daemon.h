/*
 * lma_daemon.h: the pmip6-lma process around the protocol core: its
 * socket, data plane, control socket and signals.
 */
#ifndef PMIP6_LMA_DAEMON_H
#define PMIP6_LMA_DAEMON_H

#include "ctl.h"
#include "dp.h"
#include "ipsec_ctl.h"
#include "lma.h"
#include "mh_sock.h"

#define RATE_SLOTS	10
#define TX_SLOTS	MH_SOCK_BATCH

struct lma_route_op;

struct lma_daemon {
	struct lma	 lma;
	struct lma_conf	 conf;
	const char	*conf_path;
	struct loop	*loop;
	struct dp	*dp;
	struct ctl	*ctl;
	int		 mh_fd;
	struct ipsecctl	*ipsec;		/* NULL: IPsec off */
	int		 mh_bound;	/* mh_fd bound to the LMA address */
	int		 fg;
	uint64_t	 rx_unprotected;
	struct timer	 rate_timer;
	uint64_t	 rate_ring[RATE_SLOTS];
	unsigned	 rate_pos;
	/* Within one receive burst, MHs to send wait here for one
	 * sendmmsg() and route requests for one dp_commit(). */
	int		 bursting;
	int		 flushing;
	unsigned	 n_tx;
	struct mh_dgram	 tx[TX_SLOTS];
	uint8_t		 tx_buf[TX_SLOTS][MH_MAX_LEN];
	struct lma_route_op *op_free;
};

extern const struct ctl_cmd lma_ctl_cmds[];
void	lma_ctl_event(void *ctx, const char *event,
	    const struct lma_binding *lb);
double	lma_daemon_pbu_rate(const struct lma_daemon *);

#endif /* PMIP6_LMA_DAEMON_H */
