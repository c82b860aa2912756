/*
 * link_tool.c: one MAG access link (mag/link.h) on a real interface,
 * for test/link_netns.sh.  It opens the link, prints every callback as
 * a line, and takes commands on standard input:
 *
 *   link_tool -i IF [-a] [-p PREFIX/LEN] [-v VALID] [-l PREFERRED]
 *             [-m MTU] [-P PROBE_AFTER_MS] [-I PROBE_INTERVAL_MS]
 *             [-G GONE_AFTER_MS] [-H SEEN_HOLDOFF_MS]
 *
 *   -a   act as a permissive core: track every MAC seen, answer every
 *        RS of a tracked MAC with an RA for its prefix.
 *
 * Commands: track MAC | untrack MAC | ignore MAC MS | ra MAC |
 *           withdraw MAC | prefix MAC PREFIX/LEN | info MAC | stats |
 *           quit
 * A MAC's prefix is the one given by "prefix", else PREFIX.  ra and
 * withdraw send it with the -v/-l lifetimes, or with zero lifetimes and
 * router lifetime 0.
 *
 * Output lines, each ending in at=<CLOCK_REALTIME ms>:
 *   ready ifindex=N up=U
 *   seen MAC first=KIND lat_us=N      KIND: the frame that revealed it
 *   rs MAC lat_us=N                   RS arrival to RA sent (with -a)
 *   gone MAC silent_ms=N
 *   link up|down
 *   ok | error TEXT | info ... | stats ...
 * lat_us is measured from the kernel's receive timestamp of the frame,
 * taken on a second packet socket, to the callback (or the RA's send).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include "link.h"
#include "log.h"
#include "loop.h"

#define RING	512

struct rx_rec {
	uint8_t		 mac[6];
	char		 kind[12];
	struct timespec	 ts;
	int		 used;
};

static struct loop *loop;
static struct mag_link *link_;
static struct mag_link_conf conf;
static int autopilot, tsfd = -1;
static struct prefix6 pfx;
static int have_pfx;
/* Prefixes given to single MACs ("prefix" command), else pfx. */
static struct {
	uint8_t		 mac[6];
	struct prefix6	 p;
} own[16];
static unsigned nown;
static uint32_t valid_lt = 3600, pref_lt = 1800, mtu;
static struct rx_rec ring[RING];
static unsigned ring_head;
static char line[512];
static size_t line_len;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" at=%lld\n", now_ms());
	fflush(stdout);
}

static uint32_t
num(const char *s)
{
	return (uint32_t)strtoul(s, NULL, 10);
}

static const char *
macs(const uint8_t mac[6])
{
	static char buf[MAC_STRLEN];

	return mac_format(mac, buf, sizeof(buf), MAC_COLON_LOWER);
}

static void
classify(const uint8_t *f, size_t n, char *kind, size_t len)
{
	uint16_t type = n >= 14 ? (uint16_t)(f[12] << 8 | f[13]) : 0;

	if (type == 0x0806)
		snprintf(kind, len, "arp");
	else if (type != 0x86dd || n < 55)
		snprintf(kind, len, "0x%04x", type);
	else if (f[20] == 0)
		snprintf(kind, len, "hbh/mld");
	else if (f[20] != 58)
		snprintf(kind, len, "ipv6/%u", f[20]);
	else
		switch (f[54]) {
		case 128: snprintf(kind, len, "echo-req"); break;
		case 129: snprintf(kind, len, "echo-rep"); break;
		case 133: snprintf(kind, len, "rs"); break;
		case 135:
			/* An unspecified source makes it a DAD probe. */
			snprintf(kind, len, f[22] == 0 && f[23] == 0 ? "dad" :
			    "ns");
			break;
		case 136: snprintf(kind, len, "na"); break;
		case 143: snprintf(kind, len, "mld2"); break;
		default: snprintf(kind, len, "icmp6/%u", f[54]); break;
		}
}

/* Frames as the link sees them, with the kernel's receive time. */
static void
ts_drain(void)
{
	uint8_t f[128], cbuf[256];
	struct sockaddr_ll sll;
	struct iovec iov = { f, sizeof(f) };
	struct msghdr mh;
	struct cmsghdr *c;
	struct rx_rec *r;
	ssize_t n;

	for (;;) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &sll;
		mh.msg_namelen = sizeof(sll);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		if ((n = recvmsg(tsfd, &mh, MSG_DONTWAIT)) < 14)
			return;
		if (sll.sll_pkttype == PACKET_OUTGOING ||
		    !((f[0] & 1) || memcmp(f, conf.mac, 6) == 0))
			continue;
		r = &ring[ring_head++ % RING];
		memset(r, 0, sizeof(*r));
		memcpy(r->mac, f + 6, 6);
		classify(f, (size_t)n, r->kind, sizeof(r->kind));
		for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SCM_TIMESTAMPNS)
				memcpy(&r->ts, CMSG_DATA(c), sizeof(r->ts));
	}
}

static void
ts_read(int fd, uint32_t events, void *ctx)
{
	(void)fd;
	(void)events;
	(void)ctx;
	ts_drain();
}

/* Earliest (or latest) unused record of mac, of kind if given. */
static struct rx_rec *
ts_find(const uint8_t mac[6], const char *kind, int latest)
{
	struct rx_rec *r, *best = NULL;
	unsigned i;

	ts_drain();
	for (i = 0; i < RING; i++) {
		r = &ring[(ring_head + i) % RING];
		if (r->used || r->ts.tv_sec == 0 ||
		    memcmp(r->mac, mac, 6) != 0 ||
		    (kind != NULL && strcmp(r->kind, kind) != 0))
			continue;
		if (best == NULL || latest)
			best = r;
	}
	return best;
}

static void
ts_forget(const uint8_t mac[6])
{
	unsigned i;

	ts_drain();
	for (i = 0; i < RING; i++)
		if (memcmp(ring[i].mac, mac, 6) == 0)
			ring[i].used = 1;
}

static long long
since_us(const struct rx_rec *r)
{
	struct timespec now;

	if (r == NULL)
		return -1;
	clock_gettime(CLOCK_REALTIME, &now);
	return (long long)(now.tv_sec - r->ts.tv_sec) * 1000000 +
	    (now.tv_nsec - r->ts.tv_nsec) / 1000;
}

static int
send_ra(const uint8_t mac[6], int withdraw)
{
	struct mag_ra_prefix p;
	struct mag_ra ra;
	unsigned i;
	int have = have_pfx;

	p.prefix = pfx;
	for (i = 0; i < nown; i++)
		if (memcmp(own[i].mac, mac, 6) == 0) {
			p.prefix = own[i].p;
			have = 1;
		}
	mag_ra_init(&ra);
	ra.mtu = mtu ? mtu : mag_link_mtu(link_);
	if (have) {
		p.valid_lifetime = withdraw ? 0 : valid_lt;
		p.preferred_lifetime = withdraw ? 0 : pref_lt;
		ra.prefixes = &p;
		ra.nprefixes = 1;
	}
	if (withdraw)
		ra.router_lifetime = 0;
	return mag_link_send_ra(link_, mac, &ra);
}

static void
cb_seen(void *ctx, struct mag_link *l, const uint8_t mac[6])
{
	struct rx_rec *r = ts_find(mac, NULL, 0);
	long long lat = since_us(r);

	(void)ctx;
	out("seen %s first=%s lat_us=%lld", macs(mac), r ? r->kind : "?", lat);
	ts_forget(mac);
	if (autopilot && mag_link_track(l, mac) == -1)
		out("error track: %s", strerror(errno));
}

static void
cb_rs(void *ctx, struct mag_link *l, const uint8_t mac[6])
{
	struct rx_rec *r = ts_find(mac, "rs", 1);
	int rc = 0;

	(void)ctx;
	(void)l;
	if (autopilot)
		rc = send_ra(mac, 0);
	out("rs %s lat_us=%lld%s", macs(mac), since_us(r),
	    rc == -1 ? " ra-failed" : autopilot ? " ra-sent" : "");
	ts_forget(mac);
}

static void
cb_gone(void *ctx, struct mag_link *l, const uint8_t mac[6])
{
	(void)ctx;
	(void)l;
	out("gone %s", macs(mac));
	ts_forget(mac);
}

static void
cb_state(void *ctx, struct mag_link *l, int up)
{
	(void)ctx;
	(void)l;
	out("link %s", up ? "up" : "down");
}

static const struct mag_link_cb cbs = { cb_seen, cb_rs, cb_gone, cb_state };

static void
command(char *s)
{
	char *w[4] = { NULL };
	uint8_t mac[6];
	struct mag_link_mn_info info;
	struct mag_link_stats st;
	char buf[INET6_ADDRSTRLEN];
	int n = 0;

	while (n < 4 && (w[n] = strtok(n == 0 ? s : NULL, " \t\r\n")) != NULL)
		n++;
	if (n == 0)
		return;
	if (strcmp(w[0], "quit") == 0) {
		loop_stop(loop);
		return;
	}
	if (strcmp(w[0], "stats") == 0) {
		mag_link_get_stats(link_, &st);
		out("stats frames=%llu seen=%llu rs=%llu probes=%llu gone=%llu "
		    "na=%llu ra=%llu tx_err=%llu tracked=%u",
		    (unsigned long long)st.frames,
		    (unsigned long long)st.seen, (unsigned long long)st.rs,
		    (unsigned long long)st.probes, (unsigned long long)st.gone,
		    (unsigned long long)st.na_sent,
		    (unsigned long long)st.ra_sent,
		    (unsigned long long)st.tx_errors, st.tracked);
		return;
	}
	if (n < 2 || mac_parse(w[1], mac) == -1) {
		out("error bad command");
		return;
	}
	if (strcmp(w[0], "track") == 0) {
		ts_forget(mac);
		if (mag_link_track(link_, mac) == -1)
			out("error %s", strerror(errno));
		else
			out("ok");
	} else if (strcmp(w[0], "untrack") == 0) {
		ts_forget(mac);
		mag_link_untrack(link_, mac);
		out("ok");
	} else if (strcmp(w[0], "ignore") == 0 && n == 3) {
		ts_forget(mac);
		mag_link_ignore(link_, mac, num(w[2]));
		out("ok");
	} else if (strcmp(w[0], "ra") == 0 || strcmp(w[0], "withdraw") == 0) {
		if (send_ra(mac, w[0][0] == 'w') == -1)
			out("error %s", strerror(errno));
		else
			out("ok");
	} else if (strcmp(w[0], "prefix") == 0 && n == 3 &&
	    nown < sizeof(own) / sizeof(own[0]) &&
	    prefix6_parse(w[2], &own[nown].p) == 0) {
		memcpy(own[nown++].mac, mac, 6);
		out("ok");
	} else if (strcmp(w[0], "info") == 0) {
		if (mag_link_mn_info(link_, mac, &info) == -1)
			out("info %s none", macs(mac));
		else
			out("info %s tracked=%d idle_ms=%llu lladdr=%s "
			    "probes=%u", macs(mac), info.tracked,
			    (unsigned long long)(clock_ms() - info.last_rx_ms),
			    info.have_lladdr ? addr6_ntop(&info.lladdr, buf) :
			    "-", info.probes);
	} else
		out("error bad command");
}

static void
stdin_read(int fd, uint32_t events, void *ctx)
{
	ssize_t n;
	char *nl;

	(void)events;
	(void)ctx;
	n = read(fd, line + line_len, sizeof(line) - 1 - line_len);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			loop_del_fd(loop, fd);
			loop_stop(loop);
		}
		return;
	}
	line_len += (size_t)n;
	line[line_len] = '\0';
	while ((nl = strchr(line, '\n')) != NULL) {
		*nl = '\0';
		command(line);
		line_len -= (size_t)(nl + 1 - line);
		memmove(line, nl + 1, line_len + 1);
	}
	if (line_len == sizeof(line) - 1)
		line_len = 0;
}

static void
on_signal(int signo, void *ctx)
{
	(void)signo;
	(void)ctx;
	loop_stop(loop);
}

static int
ts_open(unsigned ifindex)
{
	struct sockaddr_ll sll;
	int fd, one = 1;

	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC,
	    htons(ETH_P_ALL))) == -1)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)ifindex;
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one,
	    sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
usage(void)
{
	fprintf(stderr, "usage: link_tool -i IF [-a] [-p PREFIX/LEN] "
	    "[-v VALID] [-l PREFERRED] [-m MTU] [-P ms] [-I ms] [-G ms] "
	    "[-H ms]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	int c;

	log_init("link_tool", 1, LOG_LVL_INFO);
	mag_link_conf_init(&conf);
	while ((c = getopt(argc, argv, "ai:p:v:l:m:P:I:G:H:")) != -1) {
		switch (c) {
		case 'a': autopilot = 1; break;
		case 'i':
			snprintf(conf.ifname, sizeof(conf.ifname), "%s",
			    optarg);
			break;
		case 'p':
			if (prefix6_parse(optarg, &pfx) == -1)
				usage();
			have_pfx = 1;
			break;
		case 'v': valid_lt = num(optarg); break;
		case 'l': pref_lt = num(optarg); break;
		case 'm': mtu = num(optarg); break;
		case 'P': conf.probe_after_ms = num(optarg); break;
		case 'I': conf.probe_interval_ms = num(optarg); break;
		case 'G': conf.gone_after_ms = num(optarg); break;
		case 'H': conf.seen_holdoff_ms = num(optarg); break;
		default: usage();
		}
	}
	if (conf.ifname[0] == '\0' || optind != argc)
		usage();
	if ((loop = loop_new()) == NULL)
		fatal(LOG_SUB_MAIN, "loop");
	if (loop_add_signal(loop, SIGTERM, on_signal, NULL) == -1 ||
	    loop_add_signal(loop, SIGINT, on_signal, NULL) == -1)
		fatal(LOG_SUB_MAIN, "signals");
	if (mag_link_open(&link_, loop, &conf, &cbs, NULL) == -1)
		fatal(LOG_SUB_MAIN, "opening %s", conf.ifname);
	if ((tsfd = ts_open(mag_link_ifindex(link_))) == -1 ||
	    loop_add_fd(loop, tsfd, EPOLLIN, ts_read, NULL) == -1)
		fatal(LOG_SUB_MAIN, "timestamp socket");
	if (loop_add_fd(loop, STDIN_FILENO, EPOLLIN, stdin_read, NULL) == -1)
		fatal(LOG_SUB_MAIN, "stdin");
	out("ready ifindex=%u up=%d", mag_link_ifindex(link_),
	    mag_link_is_up(link_));
	if (loop_run(loop) == -1)
		log_warn(LOG_SUB_MAIN, "loop");
	loop_del_fd(loop, tsfd);
	close(tsfd);
	mag_link_close(link_);
	loop_free(loop);
	out("closed");
	return 0;
}
