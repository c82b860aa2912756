/*
 * pbu_bench.c: a closed-loop PBU load generator, to measure how many
 * registrations a second pmip6-lma answers and what each one costs it.
 *
 *   pbu_bench -l LMA -a MAG1 -b MAG2 [-n N] [-w W] [-p LMA_PID]
 *             [-t TIMEOUT_MS] [-L LIFETIME] [-P PHASES]
 *
 * N mobile nodes ("mn<i>@bench") are driven through four phases, one PBU
 * each per phase, with at most W PBUs outstanding (a new one leaves as
 * soon as a PBA or a timeout frees a slot):
 *   reg      from MAG1, HNP ::/0, HI=1: the LMA assigns a pool prefix
 *   rereg    from MAG1, the assigned HNP, HI=5, a newer timestamp
 *   handoff  from MAG2, the assigned HNP, HI=3
 *   dereg    from the MAG holding the binding, lifetime 0
 * -P picks phases by name (comma-separated, default all four in order).
 * A BRI the LMA sends on handoff (RFC 5846) is acknowledged at once.
 *
 * Per phase it prints PBAs a second, latency percentiles (PBU sent to PBA
 * received), non-accepted statuses and timeouts, and with -p the LMA's
 * CPU time per PBU: utime+stime from /proc/PID/stat (10 ms ticks) and,
 * more precise, the run time from /proc/PID/schedstat.  After the
 * registration phase it prints the LMA's VmRSS growth per binding.
 * Not a test: nothing here is compared with a threshold.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mh.h"
#include "mh_sock.h"

#define SLOTS_MAX	256

enum phase { PH_REG, PH_REREG, PH_HANDOFF, PH_DEREG, PH_COUNT };

static const char *const phase_names[PH_COUNT] = {
	"reg", "rereg", "handoff", "dereg"
};

/* What the generator remembers of one mobile node. */
struct mn {
	struct in6_addr	 hnp;
	uint8_t		 registered;	/* holds a binding */
	uint8_t		 at_mag2;	/* the binding points at MAG2 */
};

/* One outstanding PBU; its index and generation travel in the sequence
 * number, which the PBA echoes. */
struct slot {
	uint32_t	 mn;
	uint64_t	 sent_ns;
	uint8_t		 gen;
	uint8_t		 busy;
};

struct bench {
	int		 fd;
	struct in6_addr	 lma, mag1, mag2;
	unsigned	 n, window, timeout_ms;
	uint16_t	 lifetime;
	long		 pid;
	struct mn	*mns;
	struct slot	 slots[SLOTS_MAX];
	unsigned	 free_slots[SLOTS_MAX];
	unsigned	 n_free;
	uint32_t	*lat;		/* ns, one per answered PBU */
	size_t		 n_lat;
	unsigned long	 ok, rejected, timeouts, skipped, bri;
	unsigned long	 status_seen[256];
};

static void
die(const char *what)
{
	fprintf(stderr, "pbu_bench: %s: %s\n", what, strerror(errno));
	exit(2);
}

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

static void
addr(const char *s, struct in6_addr *a)
{
	if (inet_pton(AF_INET6, s, a) != 1) {
		fprintf(stderr, "pbu_bench: bad address %s\n", s);
		exit(2);
	}
}

/* LMA CPU time in microseconds: from the tick counters (in all, and in
 * user space alone), and (-1 if the kernel lacks it) from schedstat's
 * nanoseconds. */
static void
lma_cpu(long pid, double *stat_us, double *user_us, double *sched_us)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0, ns;
	FILE *f;

	*stat_us = *user_us = *sched_us = -1;
	if (pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(buf, sizeof(buf), f) != NULL &&
		    (p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
		    "%llu %llu", &ut, &st) == 2) {
			*stat_us = (double)(ut + st) * 1e6 /
			    (double)sysconf(_SC_CLK_TCK);
			*user_us = (double)ut * 1e6 /
			    (double)sysconf(_SC_CLK_TCK);
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%ld/schedstat", pid);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%llu", &ns) == 1)
			*sched_us = (double)ns / 1e3;
		fclose(f);
	}
}

static long
lma_rss_kb(long pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* The PBU of mobile node i for phase ph; 0 when i sits this one out. */
static int
build_pbu(struct bench *b, enum phase ph, uint32_t i, uint16_t seq,
    uint8_t *buf, size_t *len, const struct in6_addr **src)
{
	struct mh_msg m;
	struct mn *mn = &b->mns[i];
	char id[32];
	int n;

	if (ph != PH_REG && !mn->registered)
		return 0;
	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BU;
	m.flags = MH_BU_A | MH_BU_P;
	m.seq = seq;
	m.lifetime = b->lifetime;
	n = snprintf(id, sizeof(id), "mn%u@bench", i);
	mh_set_mnid(&m.opt, MH_MNID_NAI, id, (size_t)n);
	m.opt.present |= MH_HAS_HI | MH_HAS_ATT | MH_HAS_TS;
	m.opt.att = MH_ATT_80211;
	m.opt.ts = now_ts();
	*src = mn->at_mag2 ? &b->mag2 : &b->mag1;
	switch (ph) {
	case PH_REG:
		mh_add_hnp(&m.opt, &in6addr_any, 0);
		m.opt.hi = MH_HI_NEW_IF;
		*src = &b->mag1;
		break;
	case PH_REREG:
		mh_add_hnp(&m.opt, &mn->hnp, 64);
		m.opt.hi = MH_HI_UNCHANGED;
		break;
	case PH_HANDOFF:
		mh_add_hnp(&m.opt, &mn->hnp, 64);
		m.opt.hi = MH_HI_MAG_HANDOFF;
		*src = &b->mag2;
		break;
	default:
		mh_add_hnp(&m.opt, &mn->hnp, 64);
		m.opt.hi = MH_HI_UNCHANGED;
		m.lifetime = 0;
		break;
	}
	if (mh_build(&m, NULL, NULL, buf, MH_MAX_LEN, len) != MH_OK) {
		fprintf(stderr, "pbu_bench: cannot encode a PBU\n");
		exit(2);
	}
	return 1;
}

static void
finish(struct bench *b, unsigned s)
{
	b->slots[s].busy = 0;
	b->free_slots[b->n_free++] = s;
}

static void
on_pba(struct bench *b, enum phase ph, const struct mh_msg *a, uint64_t t)
{
	unsigned s = a->seq & 0xff;
	struct slot *sl = &b->slots[s];
	struct mn *mn;

	if (s >= b->window || !sl->busy || sl->gen != (a->seq >> 8))
		return;		/* late answer to a PBU given up on */
	mn = &b->mns[sl->mn];
	b->lat[b->n_lat++] = (uint32_t)(t - sl->sent_ns);
	b->status_seen[a->status]++;
	if (a->status != MH_BA_ACCEPTED) {
		b->rejected++;
		if (ph == PH_REG)
			mn->registered = 0;
	} else {
		b->ok++;
		if (ph == PH_REG && a->opt.n_hnp > 0) {
			mn->hnp = a->opt.hnp[0].addr;
			mn->registered = 1;
			mn->at_mag2 = 0;
		} else if (ph == PH_HANDOFF)
			mn->at_mag2 = 1;
		else if (ph == PH_DEREG)
			mn->registered = 0;
	}
	finish(b, s);
}

/* RFC 5846: answer a BRI so the LMA's revocation completes. */
static void
on_bri(struct bench *b, const struct mh_msg *m, const struct mh_rxinfo *ri)
{
	struct mh_msg ack;
	uint8_t buf[MH_MAX_LEN];
	size_t len;

	b->bri++;
	memset(&ack, 0, sizeof(ack));
	ack.type = MH_TYPE_BR;
	ack.br_type = MH_BR_ACK;
	ack.seq = m->seq;
	ack.flags = m->flags & (MH_BR_P | MH_BR_V | MH_BR_G);
	if (m->opt.present & MH_HAS_MNID)
		mh_set_mnid(&ack.opt, m->opt.mnid_subtype, m->opt.mnid,
		    m->opt.mnid_len);
	if (mh_build(&ack, NULL, NULL, buf, sizeof(buf), &len) == MH_OK)
		(void)mh_sock_send(b->fd, &ri->dst, &ri->src, 0, buf, len);
}

static void
receive(struct bench *b, enum phase ph, int wait_ms)
{
	static uint8_t bufs[MH_SOCK_BATCH][MH_MAX_LEN];
	struct mh_dgram d[MH_SOCK_BATCH];
	struct pollfd p = { .fd = b->fd, .events = POLLIN };
	struct mh_msg m;
	uint64_t t;
	int i, n;

	if (poll(&p, 1, wait_ms) <= 0)
		return;
	for (i = 0; i < MH_SOCK_BATCH; i++) {
		d[i].buf = bufs[i];
		d[i].cap = sizeof(bufs[i]);
	}
	if ((n = mh_sock_recv_batch(b->fd, d, MH_SOCK_BATCH)) < 0)
		die("receive");
	t = now_ns();
	for (i = 0; i < n; i++) {
		if (d[i].err != 0 || mh_parse(d[i].buf, d[i].len, &m,
		    NULL) != MH_OK)
			continue;
		if (m.type == MH_TYPE_BA)
			on_pba(b, ph, &m, t);
		else if (m.type == MH_TYPE_BR && m.br_type == MH_BR_INDICATION)
			on_bri(b, &m, &d[i].ri);
	}
}

static void
expire(struct bench *b, uint64_t t)
{
	unsigned s;

	for (s = 0; s < b->window; s++) {
		if (!b->slots[s].busy || t - b->slots[s].sent_ns <
		    (uint64_t)b->timeout_ms * 1000000)
			continue;
		b->timeouts++;
		finish(b, s);
	}
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double
pct_us(const uint32_t *v, size_t n, double q)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return (double)v[i] / 1e3;
}

static void
run_phase(struct bench *b, enum phase ph)
{
	static uint8_t bufs[SLOTS_MAX][MH_MAX_LEN];
	struct mh_dgram d[SLOTS_MAX];
	unsigned filled[SLOTS_MAX];
	const struct in6_addr *src;
	double c0s, c0u, c0n, c1s, c1u, c1n, g0s, g0u, g0n, g1s, g1u, g1n;
	double secs;
	uint32_t next = 0;
	uint64_t t0, t1;
	unsigned s, nd, k;
	int sent;

	b->ok = b->rejected = b->timeouts = b->skipped = b->bri = 0;
	memset(b->status_seen, 0, sizeof(b->status_seen));
	b->n_lat = 0;
	b->n_free = 0;
	for (s = b->window; s-- > 0;) {
		b->slots[s].busy = 0;
		b->free_slots[b->n_free++] = s;
	}
	lma_cpu(b->pid, &c0s, &c0u, &c0n);
	lma_cpu((long)getpid(), &g0s, &g0u, &g0n);
	t0 = now_ns();
	while (next < b->n || b->n_free < b->window) {
		/* Fill the window, then one sendmmsg for all of it. */
		nd = 0;
		while (b->n_free > 0 && next < b->n) {
			s = b->free_slots[b->n_free - 1];
			d[nd].buf = bufs[nd];
			if (!build_pbu(b, ph, next, (uint16_t)(s |
			    ((unsigned)(uint8_t)(b->slots[s].gen + 1) << 8)),
			    bufs[nd], &d[nd].len, &src)) {
				b->skipped++;
				next++;
				continue;
			}
			b->n_free--;
			b->slots[s].busy = 1;
			b->slots[s].gen++;
			b->slots[s].mn = next++;
			filled[nd] = s;
			memset(&d[nd].ri, 0, sizeof(d[nd].ri));
			d[nd].ri.src = *src;
			d[nd].ri.dst = b->lma;
			nd++;
		}
		t1 = now_ns();
		for (k = 0; k < nd; k++)
			b->slots[filled[k]].sent_ns = t1;
		for (k = 0; k < nd; k += (unsigned)sent) {
			sent = mh_sock_send_batch(b->fd, d + k, nd - k);
			if (sent <= 0) {
				if (sent == -1 && errno != EAGAIN &&
				    errno != ENOBUFS)
					die("send");
				sent = 0;
				usleep(100);
			}
		}
		receive(b, ph, 10);
		expire(b, now_ns());
	}
	t1 = now_ns();
	lma_cpu(b->pid, &c1s, &c1u, &c1n);
	lma_cpu((long)getpid(), &g1s, &g1u, &g1n);
	secs = (double)(t1 - t0) / 1e9;
	qsort(b->lat, b->n_lat, sizeof(b->lat[0]), cmp_u32);
	k = (unsigned)(b->ok + b->rejected + b->timeouts);
	printf("phase=%s n=%u ok=%lu rejected=%lu timeouts=%lu skipped=%lu "
	    "bri=%lu secs=%.3f pba_per_s=%.0f p50_us=%.1f p90_us=%.1f "
	    "p99_us=%.1f max_us=%.1f", phase_names[ph], b->n, b->ok,
	    b->rejected, b->timeouts, b->skipped, b->bri, secs,
	    (double)b->n_lat / secs, pct_us(b->lat, b->n_lat, 0.50),
	    pct_us(b->lat, b->n_lat, 0.90), pct_us(b->lat, b->n_lat, 0.99),
	    b->n_lat ? (double)b->lat[b->n_lat - 1] / 1e3 : 0.0);
	if (b->pid > 0 && k > 0)
		printf(" lma_cpu_us_per_pbu=%.2f lma_user_us_per_pbu=%.2f "
		    "lma_cpu_sched_us_per_pbu=%.2f rss_kb=%ld",
		    (c1s - c0s) / k, (c1u - c0u) / k, c0n < 0 ? -1.0 :
		    (c1n - c0n) / k, lma_rss_kb(b->pid));
	if (k > 0 && g0n >= 0)
		printf(" gen_cpu_sched_us_per_pbu=%.2f", (g1n - g0n) / k);
	printf("\n");
	for (s = 1; s < 256; s++)
		if (b->status_seen[s] != 0)
			printf("  status %u (%s): %lu\n", s,
			    mh_ba_status_name((uint8_t)s), b->status_seen[s]);
	fflush(stdout);
}

static void
usage(void)
{
	fprintf(stderr, "usage: pbu_bench -l LMA -a MAG1 -b MAG2 [-n N] "
	    "[-w W] [-p LMA_PID]\n"
	    "                 [-t TIMEOUT_MS] [-L LIFETIME] "
	    "[-P reg,rereg,handoff,dereg]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct bench b;
	const char *phases = "reg,rereg,handoff,dereg";
	char list[128], *w, *save = NULL;
	long rss0 = -1, rss1;
	int ch, ph, have = 0;

	memset(&b, 0, sizeof(b));
	b.n = 1000;
	b.window = 32;
	b.timeout_ms = 1000;
	b.lifetime = 65535;
	while ((ch = getopt(argc, argv, "a:b:l:L:n:p:P:t:w:")) != -1) {
		switch (ch) {
		case 'a':
			addr(optarg, &b.mag1);
			have |= 1;
			break;
		case 'b':
			addr(optarg, &b.mag2);
			have |= 2;
			break;
		case 'l':
			addr(optarg, &b.lma);
			have |= 4;
			break;
		case 'L':
			b.lifetime = (uint16_t)strtoul(optarg, NULL, 0);
			break;
		case 'n':
			b.n = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'p':
			b.pid = strtol(optarg, NULL, 0);
			break;
		case 'P':
			phases = optarg;
			break;
		case 't':
			b.timeout_ms = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'w':
			b.window = (unsigned)strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (have != 7 || b.n == 0 || b.window == 0 || b.window > SLOTS_MAX)
		usage();
	if ((b.mns = calloc(b.n, sizeof(*b.mns))) == NULL ||
	    (b.lat = calloc(b.n, sizeof(*b.lat))) == NULL)
		die("memory");
	if ((b.fd = mh_sock_open()) == -1)
		die("MH socket");
	snprintf(list, sizeof(list), "%s", phases);
	for (w = strtok_r(list, ",", &save); w != NULL;
	    w = strtok_r(NULL, ",", &save)) {
		for (ph = 0; ph < PH_COUNT; ph++)
			if (strcmp(w, phase_names[ph]) == 0)
				break;
		if (ph == PH_COUNT)
			usage();
		if (ph == PH_REG)
			rss0 = lma_rss_kb(b.pid);
		run_phase(&b, (enum phase)ph);
		if (ph == PH_REG && rss0 >= 0 &&
		    (rss1 = lma_rss_kb(b.pid)) >= 0)
			printf("memory n=%u rss_before_kb=%ld rss_after_kb=%ld "
			    "bytes_per_binding=%.1f\n", b.n, rss0, rss1,
			    (double)(rss1 - rss0) * 1024 / b.n);
	}
	close(b.fd);
	free(b.lat);
	free(b.mns);
	return 0;
}
