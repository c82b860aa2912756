/*
 * ipsec_listen.c: the daemon end of the charon plugin link as a tool,
 * for the namespace test (test/ipsec_netns.sh) and for poking at a
 * running charon by hand.
 *
 *   ipsec_listen [-i PEER]... SOCKET
 *
 * Listens on SOCKET through libipsecctl, wants an SA with each PEER
 * (initiated as soon as charon attaches, and again after every down or
 * charon restart), and prints one line per event until SIGINT/SIGTERM:
 *   attach | detach
 *   up PEER LOCAL SPI-IN SPI-OUT MODE setup_ms=N  (N: initiate to up)
 *   down PEER | fail PEER REASON
 * each prefixed with the ms since start.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "ipsec_ctl.h"
#include "log.h"
#include "loop.h"

#define MAX_PEERS	64

static uint64_t	start_ms;

static void
event(enum ipsecctl_event ev, const struct ipsecctl_sa *sa, void *ctx)
{
	char peer[INET6_ADDRSTRLEN], local[INET6_ADDRSTRLEN];

	(void)ctx;
	printf("%llu ", (unsigned long long)(clock_ms() - start_ms));
	if (sa == NULL) {
		printf("%s\n", ipsecctl_event_name(ev));
		return;
	}
	addr6_ntop(&sa->peer, peer);
	switch (ev) {
	case IPSECCTL_UP:
		addr6_ntop(&sa->local, local);
		printf("up %s %s %08x %08x %s setup_ms=%lld\n", peer, local,
		    sa->spi_in, sa->spi_out, sa->tunnel ? "tunnel" : "transport",
		    sa->initiated_ms ?
		    (long long)(sa->since_ms - sa->initiated_ms) : -1LL);
		break;
	case IPSECCTL_FAIL:
		printf("fail %s %s\n", peer, sa->reason);
		break;
	default:
		printf("%s %s\n", ipsecctl_event_name(ev), peer);
		break;
	}
}

static void
stop(int signo, void *ctx)
{
	(void)signo;
	loop_stop(ctx);
}

static void
usage(void)
{
	fprintf(stderr, "usage: ipsec_listen [-i PEER]... SOCKET\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct in6_addr peers[MAX_PEERS];
	struct ipsecctl *ctl;
	struct loop *loop;
	size_t npeers = 0, i;
	int ch;

	while ((ch = getopt(argc, argv, "i:")) != -1) {
		switch (ch) {
		case 'i':
			if (npeers == MAX_PEERS ||
			    addr6_parse(optarg, &peers[npeers]) == -1)
				usage();
			npeers++;
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	log_init("ipsec_listen", 1, LOG_LVL_NOTICE);
	start_ms = clock_ms();
	if ((loop = loop_new()) == NULL)
		fatal(LOG_SUB_MAIN, "loop_new");
	if (loop_add_signal(loop, SIGINT, stop, loop) == -1 ||
	    loop_add_signal(loop, SIGTERM, stop, loop) == -1)
		fatal(LOG_SUB_MAIN, "signals");
	ctl = ipsecctl_open(loop, argv[optind], 1000, event, NULL);
	if (ctl == NULL)
		fatal(LOG_SUB_MAIN, "%s", argv[optind]);
	for (i = 0; i < npeers; i++)
		if (ipsecctl_initiate(ctl, &peers[i]) == -1)
			fatal(LOG_SUB_MAIN, "ipsecctl_initiate");
	printf("0 listening %s\n", argv[optind]);
	if (loop_run(loop) == -1)
		log_warn(LOG_SUB_MAIN, "loop_run");
	ipsecctl_close(ctl);
	loop_free(loop);
	return 0;
}
