/*
 * mh_echo.c: the ceiling pmip6-lma's signalling runs under.  A responder
 * on the same raw MH socket, with the same batching, as the daemon, but
 * no PMIPv6 logic: every Binding Update that arrives goes straight back
 * to its sender as an accepting Binding Acknowledgement carrying the
 * same options.  Driven by pbu_bench in lma_bench.sh's topology
 * (lma_bench.sh -e), it shows what the kernel's raw-socket path allows
 * on a machine; the daemon cannot be faster than this.
 *
 *   mh_echo -l ADDRESS
 *
 * Runs until SIGTERM or SIGINT.  Not a test and not a daemon.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mh.h"
#include "mh_sock.h"

/* Offsets in the MH (RFC 6275 6.1.7, 6.1.8): after the 6-octet header,
 * a BU has Sequence, flags, Lifetime; a BA has Status, flags, Sequence,
 * Lifetime.  Options follow at 12 in both, so they carry over. */
#define OFF_TYPE	2
#define OFF_CSUM	4
#define OFF_BODY	6

static volatile sig_atomic_t stop;

static void
on_signal(int signo)
{
	(void)signo;
	stop = 1;
}

/* Turn the BU in buf into its BA in place; 0 if it is no BU. */
static int
bu_to_ba(uint8_t *buf, size_t len)
{
	uint8_t seq[2];

	if (len < 12 || buf[OFF_TYPE] != MH_TYPE_BU)
		return 0;
	memcpy(seq, buf + OFF_BODY, 2);
	buf[OFF_TYPE] = MH_TYPE_BA;
	buf[OFF_CSUM] = buf[OFF_CSUM + 1] = 0;	/* IPV6_CHECKSUM fills it */
	buf[OFF_BODY] = MH_BA_ACCEPTED;
	buf[OFF_BODY + 1] = (buf[OFF_BODY + 2] & (MH_BU_P >> 8)) ? MH_BA_P : 0;
	memcpy(buf + OFF_BODY + 2, seq, 2);
	return 1;
}

int
main(int argc, char **argv)
{
	static uint8_t bufs[MH_SOCK_BATCH][MH_MAX_LEN + 1];
	struct mh_dgram rx[MH_SOCK_BATCH], tx[MH_SOCK_BATCH];
	struct in6_addr self;
	char name[INET6_ADDRSTRLEN];
	struct pollfd p;
	struct sigaction sa;
	unsigned long echoed = 0, calls = 0, wakes = 0;
	int fd, ch, budget, i, n, nt, k, sent;

	memset(&self, 0, sizeof(self));
	while ((ch = getopt(argc, argv, "l:")) != -1) {
		if (ch != 'l' || inet_pton(AF_INET6, optarg, &self) != 1) {
			fprintf(stderr, "usage: mh_echo -l ADDRESS\n");
			return 2;
		}
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&self)) {
		fprintf(stderr, "usage: mh_echo -l ADDRESS\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((fd = mh_sock_open()) == -1 || mh_sock_bind(fd, &self) == -1) {
		fprintf(stderr, "mh_echo: MH socket: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < MH_SOCK_BATCH; i++) {
		rx[i].buf = bufs[i];
		rx[i].cap = sizeof(bufs[i]);
	}
	printf("mh_echo: answering on %s\n", inet_ntop(AF_INET6, &self, name,
	    sizeof(name)));
	fflush(stdout);
	p.fd = fd;
	p.events = POLLIN;
	while (!stop) {
		if (poll(&p, 1, -1) <= 0)
			continue;
		wakes++;
		/* Bursts of 64, up to 256 per wake-up, as pmip6-lma drains
		 * its socket. */
		for (budget = 4; budget-- > 0;) {
			if ((n = mh_sock_recv_batch(fd, rx, MH_SOCK_BATCH)) <= 0)
				break;
			for (i = nt = 0; i < n; i++) {
				if (rx[i].err != 0 ||
				    !IN6_ARE_ADDR_EQUAL(&rx[i].ri.dst, &self) ||
				    !bu_to_ba(rx[i].buf, rx[i].len))
					continue;
				tx[nt].buf = rx[i].buf;
				tx[nt].len = rx[i].len;
				memset(&tx[nt].ri, 0, sizeof(tx[nt].ri));
				tx[nt].ri.dst = rx[i].ri.src;
				nt++;
			}
			for (k = 0; k < nt; k += sent > 0 ? sent : 1)
				sent = mh_sock_send_batch(fd, tx + k,
				    (unsigned)(nt - k));
			echoed += (unsigned long)nt;
			calls++;
			if (n < MH_SOCK_BATCH)
				break;
		}
	}
	printf("mh_echo: %lu answered, %.1f per recvmmsg, %.1f per wake-up\n",
	    echoed, calls ? (double)echoed / (double)calls : 0.0,
	    wakes ? (double)echoed / (double)wakes : 0.0);
	close(fd);
	return 0;
}
