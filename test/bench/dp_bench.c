/*
 * dp_bench.c: how fast libdp programs HNP routes, to check the data
 * plane keeps up with thousands of registrations a second.
 *
 *   dp_bench [-b seg6|ip6tnl|none|auto] [-c per-commit] [-w window] [N ...]
 *
 * Runs in a network namespace of its own (needs root): one veth pair,
 * one tunnel to a peer on it, then for each N it adds N /64 routes into
 * the tunnel, deletes them, adds them again and times the flush that
 * dp_close() does of leftovers.  Requests are committed per-commit at a
 * time (default 1000, about what a busy LMA loop iteration collects);
 * -c 1 shows the cost of one round trip per route; -w sets the messages
 * per system call (dp_config.window).  Not a test: it is
 * built but not run by "make check".
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>

#include "dp.h"

static unsigned failures;

static void
count_failure(void *arg, int status)
{
	(void)arg;
	if (status != 0 && failures++ < 3)
		fprintf(stderr, "dp_bench: request failed: %s\n",
		    strerror(-status));
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 2001:db8:hhhh:llll::/64 for i: up to 2^32 distinct prefixes. */
static void
hnp(unsigned i, struct prefix6 *p)
{
	memset(p, 0, sizeof(*p));
	p->addr.s6_addr[0] = 0x20;
	p->addr.s6_addr[1] = 0x01;
	p->addr.s6_addr[2] = 0x0d;
	p->addr.s6_addr[3] = 0xb8;
	p->addr.s6_addr[4] = (uint8_t)(i >> 24);
	p->addr.s6_addr[5] = (uint8_t)(i >> 16);
	p->addr.s6_addr[6] = (uint8_t)(i >> 8);
	p->addr.s6_addr[7] = (uint8_t)i;
	p->len = 64;
}

static double
routes(struct dp *dp, const struct in6_addr *peer, unsigned n, unsigned per,
    int add)
{
	struct dp_route r;
	double t0 = now();
	unsigned i;
	int err;

	memset(&r, 0, sizeof(r));
	r.peer = *peer;
	for (i = 0; i < n; i++) {
		hnp(i, &r.prefix);
		err = add ? dp_route_add(dp, &r, count_failure, NULL) :
		    dp_route_del(dp, &r, count_failure, NULL);
		if (err != 0) {
			fprintf(stderr, "dp_bench: queue: %s\n",
			    strerror(-err));
			exit(1);
		}
		if ((i + 1) % per == 0)
			dp_commit(dp);
	}
	dp_commit(dp);
	return now() - t0;
}

static void
report(const char *what, unsigned n, double t)
{
	printf("%-8s %9u routes %9.3f s %10.0f routes/s\n", what, n, t,
	    (double)n / t);
}

static int
setup_netns(void)
{
	if (unshare(CLONE_NEWNET) == -1) {
		perror("dp_bench: unshare(CLONE_NEWNET) (needs root)");
		return -1;
	}
	/* The routes' egress only has to exist: a veth pair will do. */
	if (system("ip link set lo up && "
	    "ip link add bench0 type veth peer name bench1 && "
	    "ip link set bench0 up && ip link set bench1 up && "
	    "ip -6 addr add 2001:db8:ffff::1/64 dev bench0 nodad") != 0) {
		fprintf(stderr, "dp_bench: cannot set up the namespace\n");
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const unsigned def[2] = { 1000, 100000 };
	struct dp_config cfg;
	struct dp_tunnel t;
	struct dp *dp;
	unsigned per = 1000, n;
	int c, i, kind, err, status = 0;
	double tm;

	dp_config_default(&cfg);
	cfg.backend = DP_BACKEND_SEG6;
	while ((c = getopt(argc, argv, "b:c:w:")) != -1) {
		switch (c) {
		case 'b':
			kind = dp_backend_parse(optarg);
			if (kind < 0)
				goto usage;
			cfg.backend = (enum dp_backend_kind)kind;
			break;
		case 'c':
			per = (unsigned)strtoul(optarg, NULL, 10);
			if (per == 0)
				goto usage;
			break;
		case 'w':
			cfg.window = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (setup_netns() != 0)
		return 1;
	memset(&t, 0, sizeof(t));
	inet_pton(AF_INET6, "2001:db8:ffff::1", &t.local);
	inet_pton(AF_INET6, "2001:db8:ffff::2", &t.peer);

	for (i = optind; i < argc || (optind == argc && i - optind < 2); i++) {
		n = optind == argc ? def[i - optind] :
		    (unsigned)strtoul(argv[i], NULL, 10);
		err = dp_open(&dp, &cfg);
		if (err != 0) {
			fprintf(stderr, "dp_bench: dp_open: %s\n",
			    strerror(-err));
			return 1;
		}
		if (i == optind)
			printf("backend %s, %u requests per commit, "
			    "%u messages per sendmsg\n",
			    dp_backend_kind_name(dp_backend(dp)), per,
			    cfg.window);
		if (dp_tunnel_add(dp, &t, count_failure, NULL) != 0 ||
		    dp_commit(dp) != 0) {
			fprintf(stderr, "dp_bench: no tunnel\n");
			return 1;
		}
		failures = 0;
		report("add", n, routes(dp, &t.peer, n, per, 1));
		report("delete", n, routes(dp, &t.peer, n, per, 0));
		routes(dp, &t.peer, n, per, 1);
		tm = now();
		dp_close(dp);
		report("flush", n, now() - tm);
		if (failures != 0) {
			printf("FAILED: %u requests\n", failures);
			status = 1;
		}
	}
	return status;
usage:
	fprintf(stderr, "usage: dp_bench [-b backend] [-c per-commit] "
	    "[-w window] [N ...]\n");
	return 2;
}
