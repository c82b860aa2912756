/*
 * lma_core_bench.c: what pmip6-lma's own code costs per PBU, without the
 * kernel.  The protocol core (liblma) is driven in one process the way
 * the daemon drives it: PBU octets in bursts of W through
 * lma_input_burst(), PBAs built and handed to a send hook that only
 * counts them, no data plane.  lma_bench.sh measures the whole path;
 * this isolates the part that depends on the number of bindings (hash
 * lookups and cache misses), for the "flat from 1k to 4M" question.
 *
 *   lma_core_bench [-n N] [-w W] [-P PHASES] [-x]
 *
 * Phases as pbu_bench's (reg, rereg, handoff, dereg); per phase it
 * prints the wall time per PBU spent inside lma_input_burst() (PBU
 * building excluded).  -x feeds the MHs one by one with lma_input()
 * instead, to compare.  Not a test: nothing is compared with a
 * threshold.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lma.h"

#define W_MAX	64

enum phase { PH_REG, PH_REREG, PH_HANDOFF, PH_DEREG, PH_COUNT };

static const char *const phase_names[PH_COUNT] = {
	"reg", "rereg", "handoff", "dereg"
};

static unsigned long pbas, accepted;

static uint64_t
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

static uint64_t
now_ts(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return mh_ts_make((uint64_t)t.tv_sec, (uint32_t)t.tv_nsec);
}

/* The daemon's socket would take the octets; the status octet of a PBA
 * is all the benchmark looks at. */
static int
count_send(void *ctx, const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *mh, size_t len)
{
	(void)ctx;
	(void)src;
	(void)dst;
	if (len > 6 && mh[2] == MH_TYPE_BA) {
		pbas++;
		accepted += mh[6] == MH_BA_ACCEPTED;
	}
	return 0;
}

static void
build(enum phase ph, uint32_t i, const struct in6_addr *hnp, uint8_t *buf,
    size_t *len)
{
	struct mh_msg m;
	char id[32];
	int n;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BU;
	m.flags = MH_BU_A | MH_BU_P;
	m.seq = (uint16_t)i;
	m.lifetime = ph == PH_DEREG ? 0 : 65535;
	n = snprintf(id, sizeof(id), "mn%u@bench", i);
	mh_set_mnid(&m.opt, MH_MNID_NAI, id, (size_t)n);
	m.opt.present |= MH_HAS_HI | MH_HAS_ATT | MH_HAS_TS;
	m.opt.att = MH_ATT_80211;
	m.opt.ts = now_ts();
	mh_add_hnp(&m.opt, hnp, ph == PH_REG ? 0 : 64);
	m.opt.hi = ph == PH_REG ? MH_HI_NEW_IF : ph == PH_HANDOFF ?
	    MH_HI_MAG_HANDOFF : MH_HI_UNCHANGED;
	if (mh_build(&m, NULL, NULL, buf, MH_MAX_LEN, len) != MH_OK) {
		fprintf(stderr, "lma_core_bench: cannot encode a PBU\n");
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	static uint8_t bufs[W_MAX][MH_MAX_LEN];
	static struct prefix6 pool, mags;
	struct lma_rx rx[W_MAX];
	struct in6_addr lmaa, mag1, mag2, *hnp;
	struct lma_conf conf;
	struct lma l;
	struct loop *loop;
	const char *phases = "reg,rereg,handoff,dereg";
	char list[128], *w, *save = NULL;
	unsigned n = 1000, win = 32, k, i, one_by_one = 0;
	uint64_t t, spent;
	const struct bce *b;
	int ch, ph;

	while ((ch = getopt(argc, argv, "n:w:P:x")) != -1) {
		switch (ch) {
		case 'n':
			n = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'w':
			win = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'P':
			phases = optarg;
			break;
		case 'x':
			one_by_one = 1;
			break;
		default:
			fprintf(stderr, "usage: lma_core_bench [-n N] [-w W] "
			    "[-P reg,rereg,handoff,dereg] [-x]\n");
			return 2;
		}
	}
	if (n == 0 || win == 0 || win > W_MAX) {
		fprintf(stderr, "lma_core_bench: bad -n or -w\n");
		return 2;
	}
	inet_pton(AF_INET6, "2001:db8:ff::1", &lmaa);
	inet_pton(AF_INET6, "2001:db8:ff::2", &mag1);
	inet_pton(AF_INET6, "2001:db8:ff::3", &mag2);
	if (prefix6_parse("2001:db8:1000::/40", &pool) != 0 ||
	    prefix6_parse("2001:db8:ff::/120", &mags) != 0 ||
	    (hnp = calloc(n, sizeof(*hnp))) == NULL ||
	    (loop = loop_new()) == NULL)
		return 1;
	/* lma_bench.sh's configuration. */
	lma_conf_defaults(&conf);
	conf.lmaa = lmaa;
	conf.pool.n = 1;
	conf.pool.v = &pool;
	conf.mag.n = 1;
	conf.mag.v = &mags;
	conf.expected_bindings = (int)n;
	conf.max_lifetime = 262140;
	conf.MinDelayBeforeBCEDelete = 3600000;
	conf.TimestampValidityWindow = 5000;
	conf.revocation = 0;
	conf.HEARTBEAT_INTERVAL = 0;
	log_init("lma_core_bench", 1, LOG_LVL_WARN);
	if (lma_init(&l, loop, &conf) == -1)
		return 1;
	l.send = count_send;

	snprintf(list, sizeof(list), "%s", phases);
	for (w = strtok_r(list, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		for (ph = 0; ph < PH_COUNT; ph++)
			if (strcmp(w, phase_names[ph]) == 0)
				break;
		if (ph == PH_COUNT) {
			fprintf(stderr, "lma_core_bench: no phase %s\n", w);
			return 2;
		}
		pbas = accepted = 0;
		spent = 0;
		for (i = 0; i < n; i += k) {
			for (k = 0; k < win && i + k < n; k++) {
				build((enum phase)ph, i + k, &hnp[i + k],
				    bufs[k], &rx[k].len);
				rx[k].buf = bufs[k];
				rx[k].src = ph >= PH_HANDOFF ? &mag2 : &mag1;
			}
			t = now_ns();
			if (one_by_one) {
				unsigned j;

				for (j = 0; j < k; j++)
					lma_input(&l, rx[j].buf, rx[j].len,
					    rx[j].src, &lmaa);
			} else
				lma_input_burst(&l, rx, k);
			spent += now_ns() - t;
			if (ph != PH_REG)
				continue;
			/* Learn the prefixes for the later phases, outside
			 * the measured time. */
			for (unsigned j = 0; j < k; j++) {
				char id[32];
				int len = snprintf(id, sizeof(id), "mn%u@bench",
				    i + j);

				b = bce_by_mnid(l.cache, (const uint8_t *)id,
				    (size_t)len);
				if (b != NULL && b->hnp != NULL)
					hnp[i + j] = b->hnp->pfx.addr;
			}
		}
		printf("phase=%s n=%u window=%u%s pbas=%lu accepted=%lu "
		    "ns_per_pbu=%.0f\n", phase_names[ph], n, win,
		    one_by_one ? " one_by_one" : "", pbas, accepted,
		    (double)spent / n);
		fflush(stdout);
	}
	lma_shutdown(&l);
	loop_free(loop);
	free(hnp);
	return 0;
}
