/*
 * lma_daemon.h: the pmip6-lma process around the protocol core: its
 * socket, data plane, control socket and signals.
 */
#ifndef PMIP6_LMA_DAEMON_H
#define PMIP6_LMA_DAEMON_H

#include "ctl.h"
#include "dp.h"
#include "lma.h"

#define RATE_SLOTS	10

struct lma_daemon {
	struct lma	 lma;
	struct lma_conf	 conf;
	const char	*conf_path;
	struct loop	*loop;
	struct dp	*dp;
	struct ctl	*ctl;
	int		 mh_fd;
	int		 fg;
	uint64_t	 rx_unprotected;
	struct timer	 rate_timer;
	uint64_t	 rate_ring[RATE_SLOTS];
	unsigned	 rate_pos;
};

extern const struct ctl_cmd lma_ctl_cmds[];
void	lma_ctl_event(void *ctx, const char *event,
	    const struct lma_binding *lb);
double	lma_daemon_pbu_rate(const struct lma_daemon *);

#endif /* PMIP6_LMA_DAEMON_H */
