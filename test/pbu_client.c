/*
 * pbu_client.c: a scripted MAG for LMA tests: sends one PBU (or a
 * deliberately broken one) and reports the PBA, or waits for a BRI and
 * acknowledges it.
 *
 *   pbu_client SRC LMA reg MNID HNP[,HNP...] HI [LIFETIME] [flags]
 *       flags: no-mnid no-hi no-att no-hnp no-ts ts-skew=MS att=N lli=HEX
 *              altcoa=ADDR seq=N
 *       prints "status N lifetime L hnp P..." and exits 0 when a PBA came
 *       back, 3 when none did within two seconds.
 *   pbu_client SRC LMA bri TIMEOUT_MS [status=N]
 *       waits for a BRI, prints "bri trigger T seq S mnid M hnp P", answers
 *       with a BRA, exits 0; 3 on timeout.
 *   pbu_client SRC LMA hb
 *       sends a heartbeat request, prints "hb restart N".
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mh.h"
#include "mh_sock.h"

static struct in6_addr src, lma;
static int fd;

static void
die(const char *msg)
{
	fprintf(stderr, "pbu_client: %s: %s\n", msg, strerror(errno));
	exit(2);
}

static void
addr(const char *s, struct in6_addr *a)
{
	if (inet_pton(AF_INET6, s, a) != 1) {
		fprintf(stderr, "pbu_client: bad address %s\n", s);
		exit(2);
	}
}

static uint64_t
now_ts(long skew_ms)
{
	struct timespec t;
	int64_t ns;

	clock_gettime(CLOCK_REALTIME, &t);
	ns = (int64_t)t.tv_nsec + (int64_t)skew_ms * 1000000;
	t.tv_sec += ns / 1000000000;
	ns %= 1000000000;
	if (ns < 0) {
		ns += 1000000000;
		t.tv_sec--;
	}
	return mh_ts_make((uint64_t)t.tv_sec, (uint32_t)ns);
}

static void
send_msg(const struct mh_msg *m)
{
	uint8_t buf[MH_MAX_LEN];
	size_t len;

	if (mh_build(m, NULL, NULL, buf, sizeof(buf), &len) != MH_OK) {
		fprintf(stderr, "pbu_client: cannot encode\n");
		exit(2);
	}
	if (mh_sock_send(fd, &src, &lma, 0, buf, len) != (ssize_t)len)
		die("send");
}

/* Wait for an MH of the given type; 0 when one arrived. */
static int
wait_for(uint8_t type, int timeout_ms, struct mh_msg *m,
    struct mh_rxinfo *ri)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint8_t buf[MH_MAX_LEN];
	struct mh_perr pe;
	ssize_t n;

	while (poll(&p, 1, timeout_ms) > 0) {
		while ((n = mh_sock_recv(fd, buf, sizeof(buf), ri)) > 0) {
			if (!IN6_ARE_ADDR_EQUAL(&ri->dst, &src))
				continue;
			if (mh_parse(buf, (size_t)n, m, &pe) == MH_OK &&
			    m->type == type)
				return 0;
		}
	}
	return -1;
}

static void
print_hnps(const struct mh_opts *o)
{
	char a[INET6_ADDRSTRLEN];
	unsigned i;

	for (i = 0; i < o->n_hnp; i++)
		printf(" hnp %s/%u", inet_ntop(AF_INET6, &o->hnp[i].addr, a,
		    sizeof(a)), o->hnp[i].len);
}

static int
cmd_reg(int argc, char **argv)
{
	struct mh_msg m, a;
	struct mh_rxinfo ri;
	struct in6_addr p;
	long skew = 0;
	int i;

	if (argc < 3)
		return 2;
	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_BU;
	m.flags = MH_BU_A | MH_BU_P;
	m.seq = (uint16_t)(time(NULL) & 0xffff);
	m.lifetime = 900;
	mh_set_mnid(&m.opt, MH_MNID_NAI, argv[0], strlen(argv[0]));
	{
		/* HNP may be a comma-separated list. */
		char list[512], *w, *save = NULL;

		snprintf(list, sizeof(list), "%s", argv[1]);
		for (w = strtok_r(list, ",", &save); w != NULL;
		    w = strtok_r(NULL, ",", &save)) {
			addr(w, &p);
			mh_add_hnp(&m.opt, &p,
			    IN6_IS_ADDR_UNSPECIFIED(&p) ? 0 : 64);
		}
	}
	m.opt.present |= MH_HAS_HI | MH_HAS_ATT | MH_HAS_TS;
	m.opt.hi = (uint8_t)atoi(argv[2]);
	m.opt.att = MH_ATT_80211;
	i = 3;
	if (argc > 3 && argv[3][0] >= '0' && argv[3][0] <= '9')
		m.lifetime = (uint16_t)atoi(argv[i++]);
	for (; i < argc; i++) {
		if (strcmp(argv[i], "no-mnid") == 0)
			m.opt.present &= ~MH_HAS_MNID;
		else if (strcmp(argv[i], "no-hi") == 0)
			m.opt.present &= ~MH_HAS_HI;
		else if (strcmp(argv[i], "no-att") == 0)
			m.opt.present &= ~MH_HAS_ATT;
		else if (strcmp(argv[i], "no-ts") == 0)
			m.opt.present &= ~MH_HAS_TS;
		else if (strcmp(argv[i], "no-hnp") == 0)
			m.opt.n_hnp = 0;
		else if (strncmp(argv[i], "ts-skew=", 8) == 0)
			skew = atol(argv[i] + 8);
		else if (strncmp(argv[i], "att=", 4) == 0)
			m.opt.att = (uint8_t)atoi(argv[i] + 4);
		else if (strncmp(argv[i], "seq=", 4) == 0)
			m.seq = (uint16_t)atoi(argv[i] + 4);
		else if (strncmp(argv[i], "altcoa=", 7) == 0) {
			addr(argv[i] + 7, &m.opt.altcoa);
			m.opt.present |= MH_HAS_ALTCOA;
		} else if (strncmp(argv[i], "lli=", 4) == 0) {
			const char *h = argv[i] + 4;

			m.opt.present |= MH_HAS_MNLLI;
			while (h[0] && h[1] && m.opt.mnlli_len < MH_MNLLI_MAX) {
				unsigned v;

				if (sscanf(h, "%2x", &v) != 1)
					break;
				m.opt.mnlli[m.opt.mnlli_len++] = (uint8_t)v;
				h += 2;
				if (*h == ':')
					h++;
			}
		} else {
			fprintf(stderr, "pbu_client: unknown flag %s\n",
			    argv[i]);
			return 2;
		}
	}
	if (!(m.opt.present & MH_HAS_MNID))
		m.opt.mnid_len = 0;
	m.opt.ts = now_ts(skew);
	send_msg(&m);
	if (wait_for(MH_TYPE_BA, 2000, &a, &ri) == -1) {
		printf("no-pba\n");
		return 3;
	}
	printf("status %u lifetime %u seq %u", a.status, a.lifetime * 4,
	    a.seq);
	print_hnps(&a.opt);
	printf("\n");
	return 0;
}

static int
cmd_bri(int argc, char **argv)
{
	struct mh_msg m, ack;
	struct mh_rxinfo ri;
	uint8_t status = 0;

	if (argc < 1)
		return 2;
	if (argc > 1 && strncmp(argv[1], "status=", 7) == 0)
		status = (uint8_t)atoi(argv[1] + 7);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if (wait_for(MH_TYPE_BR, atoi(argv[0]), &m, &ri) == -1) {
			printf("no-bri\n");
			return 3;
		}
		if (m.br_type == MH_BR_INDICATION)
			break;
	}
	printf("bri trigger %u seq %u flags 0x%04x mnid %.*s", m.trigger,
	    m.seq, m.flags, m.opt.mnid_len, (const char *)m.opt.mnid);
	print_hnps(&m.opt);
	printf("\n");
	fflush(stdout);
	memset(&ack, 0, sizeof(ack));
	ack.type = MH_TYPE_BR;
	ack.br_type = MH_BR_ACK;
	ack.status = status;
	ack.seq = m.seq;
	ack.flags = m.flags & (MH_BR_P | MH_BR_V | MH_BR_G);
	if (m.opt.present & MH_HAS_MNID)
		mh_set_mnid(&ack.opt, m.opt.mnid_subtype, m.opt.mnid,
		    m.opt.mnid_len);
	/* The BRA goes back to whoever sent the BRI. */
	lma = ri.src;
	send_msg(&ack);
	return 0;
}

static int
cmd_hb(void)
{
	struct mh_msg m, r;
	struct mh_rxinfo ri;

	memset(&m, 0, sizeof(m));
	m.type = MH_TYPE_HB;
	m.hb_seq = 77;
	send_msg(&m);
	if (wait_for(MH_TYPE_HB, 2000, &r, &ri) == -1 ||
	    !(r.flags & MH_HB_R)) {
		printf("no-hb\n");
		return 3;
	}
	printf("hb seq %u restart %u\n", r.hb_seq, r.opt.restart);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: pbu_client SRC LMA reg|bri|hb ...\n");
		return 2;
	}
	addr(argv[1], &src);
	addr(argv[2], &lma);
	if ((fd = mh_sock_open()) == -1)
		die("socket");
	if (strcmp(argv[3], "reg") == 0)
		return cmd_reg(argc - 4, argv + 4);
	if (strcmp(argv[3], "bri") == 0)
		return cmd_bri(argc - 4, argv + 4);
	if (strcmp(argv[3], "hb") == 0)
		return cmd_hb();
	return 2;
}
