/*
 * frame_inject.c: first frames from many new mobile nodes onto a MAG's
 * access link, to measure how soon each gets the Router Advertisement
 * carrying its prefix and how many attach a second.
 *
 *   frame_inject -i IF [-n N] [-o FIRST] [-r RATE] [-w WINDOW]
 *                [-x RESEND_MS] [-t TIMEOUT_MS] [-p PID]...
 *
 * N mobile nodes with MACs 02:00:01:xx:xx:xx (xx:xx:xx = FIRST + i) each
 * send a Router Solicitation (RFC 4861 6.3.7; valid per 6.1.1: hop limit
 * 255, its EUI-64 link-local source, a Source Link-Layer Address option,
 * to ff02::2 and 33:33:00:00:00:02) from a packet socket on IF.  The same
 * socket reads Router Advertisements (ICMPv6 type 134) sent to those MACs;
 * an MN counts as attached at the first one carrying a Prefix Information
 * option, and its latency is from its first RS, both as the kernel
 * timestamps them.  RATE > 0 paces the first RSs (per second; 0: as fast
 * as the socket takes them); WINDOW > 0 keeps at most that many MNs
 * waiting (1: one at a time, the unloaded latency).  An MN still waiting
 * after RESEND_MS sends another RS (a real host retries too); one
 * waiting TIMEOUT_MS is given up.  With -p (up to 4) it prints each
 * process's CPU time per attach (all its threads' schedstat run time).
 * Not a test: nothing is compared with a threshold.
 */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PIDS	4
#define BATCH		64
#define FRAME_MAX	2048
#define RS_LEN		(14 + 40 + 8 + 8)

enum mn_state { MN_IDLE, MN_WAITING, MN_DONE, MN_LOST };

struct mn {
	uint64_t	 first_ns;	/* its first RS left */
	uint64_t	 last_ns;	/* its latest RS left */
	uint64_t	 ra_ns;		/* its first RA with a prefix came */
	uint8_t		 state;
};

static struct mn	*mns;
static unsigned		 n_mn = 1000, first_idx, n_waiting;
static uint64_t		 frames_sent, ras_seen, ras_noprefix, send_errors;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
mn_mac(unsigned i, uint8_t mac[6])
{
	uint32_t v = first_idx + i;

	mac[0] = 0x02;
	mac[1] = 0x00;
	mac[2] = 0x01;
	mac[3] = (uint8_t)(v >> 16);
	mac[4] = (uint8_t)(v >> 8);
	mac[5] = (uint8_t)v;
}

static uint16_t
icmp6_cksum(const uint8_t *ip6, const uint8_t *icmp, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 8; i < 40; i += 2)		/* source and destination */
		sum += (uint32_t)(ip6[i] << 8 | ip6[i + 1]);
	sum += (uint32_t)len + 58;
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(icmp[i] << 8 | icmp[i + 1]);
	if (len & 1)
		sum += (uint32_t)icmp[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Ethernet, IPv6 and an RS with a Source Link-Layer Address option. */
static void
build_rs(uint8_t *f, const uint8_t mac[6])
{
	static const uint8_t all_routers_mac[6] = { 0x33, 0x33, 0, 0, 0, 2 };
	uint8_t *ip6 = f + 14, *icmp = f + 54;
	uint16_t ck;

	memset(f, 0, RS_LEN);
	memcpy(f, all_routers_mac, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip6[0] = 0x60;
	ip6[5] = 16;			/* payload length */
	ip6[6] = 58;			/* ICMPv6 */
	ip6[7] = 255;			/* hop limit, RFC 4861 6.1.1 */
	ip6[8] = 0xfe;			/* fe80::EUI-64 */
	ip6[9] = 0x80;
	ip6[16] = mac[0] ^ 0x02;
	ip6[17] = mac[1];
	ip6[18] = mac[2];
	ip6[19] = 0xff;
	ip6[20] = 0xfe;
	memcpy(ip6 + 21, mac + 3, 3);
	ip6[24] = 0xff;			/* ff02::2 */
	ip6[25] = 0x02;
	ip6[39] = 0x02;
	icmp[0] = 133;			/* Router Solicitation */
	icmp[8] = 1;			/* Source Link-Layer Address */
	icmp[9] = 1;
	memcpy(icmp + 10, mac, 6);
	ck = icmp6_cksum(ip6, icmp, 16);
	icmp[2] = (uint8_t)(ck >> 8);
	icmp[3] = (uint8_t)ck;
}

static int
send_rs(int fd, unsigned i)
{
	uint8_t f[RS_LEN], mac[6];

	mn_mac(i, mac);
	build_rs(f, mac);
	if (send(fd, f, sizeof(f), 0) != (ssize_t)sizeof(f)) {
		send_errors++;
		return -1;
	}
	frames_sent++;
	return 0;
}

/* Only IPv6 ICMPv6 type 134 without extension headers gets through. */
static int
open_socket(const char *ifname)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x86dd, 0, 5),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 20),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 58, 0, 3),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 54),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 134, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, FRAME_MAX),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]),
	    .filter = code };
	struct sockaddr_ll sll;
	int fd, one = 1, buf = 32 << 20;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IPV6);
	if ((sll.sll_ifindex = (int)if_nametoindex(ifname)) == 0) {
		perror(ifname);
		return -1;
	}
	if ((fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK,
	    htons(ETH_P_IPV6))) == -1) {
		perror("socket");
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
	    sizeof(prog)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one,
	    sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		perror("packet socket");
		close(fd);
		return -1;
	}
	/* Deep buffers both ways: a burst of thousands must not drop. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf,
	    sizeof(buf)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf,
	    sizeof(buf)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	return fd;
}

/* Does an RA (ICMPv6 at offset 54) carry a Prefix Information option? */
static int
ra_has_prefix(const uint8_t *f, size_t len)
{
	size_t off = 54 + 16;

	while (off + 2 <= len && f[off + 1] != 0) {
		if (f[off] == 3 && f[off + 1] == 4 && off + 32 <= len)
			return 1;
		off += (size_t)f[off + 1] * 8;
	}
	return 0;
}

static void
got_frame(const uint8_t *f, size_t len, uint64_t ts)
{
	uint32_t v;
	unsigned i;
	struct mn *mn;

	if (len < 54 + 16 || f[0] != 0x02 || f[1] != 0 || f[2] != 0x01)
		return;
	v = (uint32_t)f[3] << 16 | (uint32_t)f[4] << 8 | f[5];
	if (v < first_idx || v - first_idx >= n_mn)
		return;
	i = v - first_idx;
	mn = &mns[i];
	ras_seen++;
	if (!ra_has_prefix(f, len)) {
		ras_noprefix++;
		return;
	}
	if (mn->state != MN_WAITING)
		return;
	mn->state = MN_DONE;
	mn->ra_ns = ts;
	n_waiting--;
}

static unsigned
drain(int fd)
{
	static uint8_t bufs[BATCH][FRAME_MAX];
	static char cbufs[BATCH][64];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct cmsghdr *c;
	unsigned total = 0;
	int i, n;

	for (;;) {
		memset(msgs, 0, sizeof(msgs));
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = FRAME_MAX;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_control = cbufs[i];
			msgs[i].msg_hdr.msg_controllen = sizeof(cbufs[i]);
		}
		if ((n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL)) <= 0)
			return total;
		for (i = 0; i < n; i++) {
			uint64_t ts = 0;

			for (c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c != NULL;
			    c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
				if (c->cmsg_level == SOL_SOCKET &&
				    c->cmsg_type == SCM_TIMESTAMPNS) {
					struct timespec t;

					memcpy(&t, CMSG_DATA(c), sizeof(t));
					ts = (uint64_t)t.tv_sec * 1000000000u +
					    (uint64_t)t.tv_nsec;
				}
			if (ts == 0)
				ts = now_ns();
			got_frame(bufs[i], msgs[i].msg_len, ts);
		}
		total += (unsigned)n;
	}
}

/* Nanoseconds on CPU of every thread of a process. */
static long long
cpu_ns(long pid)
{
	char path[64], tp[384];
	unsigned long long ns, sum = 0;
	struct dirent *de;
	DIR *d;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/task", pid);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(tp, sizeof(tp), "%s/%s/schedstat", path, de->d_name);
		if ((f = fopen(tp, "r")) == NULL)
			continue;
		if (fscanf(f, "%llu", &ns) == 1)
			sum += ns;
		fclose(f);
	}
	closedir(d);
	return (long long)sum;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double
pct(const uint64_t *v, size_t n, double p)
{
	size_t k = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);

	return (double)v[k] / 1e6;
}

static void
usage(void)
{
	fprintf(stderr, "usage: frame_inject -i IF [-n N] [-o FIRST] "
	    "[-r RATE] [-w WINDOW] [-x RESEND_MS] [-t TIMEOUT_MS] "
	    "[-p PID]...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *ifname = NULL;
	unsigned long rate = 0, window = 0, resend_ms = 1000;
	unsigned long timeout_ms = 10000;
	long pids[MAX_PIDS];
	long long cpu0[MAX_PIDS], cpu1[MAX_PIDS];
	unsigned npid = 0, next = 0, done = 0, i, k;
	uint64_t t0, now, last_scan = 0, first_ra = 0, last_ra = 0, *lat;
	size_t nlat = 0;
	int fd, ch;

	while ((ch = getopt(argc, argv, "i:n:o:p:r:t:w:x:")) != -1) {
		switch (ch) {
		case 'i': ifname = optarg; break;
		case 'n': n_mn = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'o': first_idx = (unsigned)strtoul(optarg, NULL, 0);
			break;
		case 'p':
			if (npid < MAX_PIDS)
				pids[npid++] = strtol(optarg, NULL, 0);
			break;
		case 'r': rate = strtoul(optarg, NULL, 0); break;
		case 't': timeout_ms = strtoul(optarg, NULL, 0); break;
		case 'w': window = strtoul(optarg, NULL, 0); break;
		case 'x': resend_ms = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (ifname == NULL || n_mn == 0 || first_idx + n_mn > 0xffffff)
		usage();
	if ((mns = calloc(n_mn, sizeof(*mns))) == NULL ||
	    (lat = calloc(n_mn, sizeof(*lat))) == NULL) {
		perror("calloc");
		return 1;
	}
	if ((fd = open_socket(ifname)) == -1)
		return 1;
	for (k = 0; k < npid; k++)
		cpu0[k] = cpu_ns(pids[k]);
	t0 = now_ns();
	while (done < n_mn) {
		unsigned burst = 0;
		int timeout;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		now = now_ns();
		while (next < n_mn && burst < BATCH &&
		    (window == 0 || n_waiting < window) &&
		    (rate == 0 || now >= t0 + (uint64_t)next * 1000000000u /
		    rate)) {
			uint64_t ts = now_ns();

			if (send_rs(fd, next) == -1)
				break;
			mns[next].first_ns = mns[next].last_ns = ts;
			mns[next].state = MN_WAITING;
			n_waiting++;
			next++;
			burst++;
		}
		drain(fd);
		now = now_ns();
		/* Retries and give-ups, every 10 ms. */
		if (now - last_scan >= 10000000u) {
			last_scan = now;
			for (i = 0; i < next; i++) {
				struct mn *mn = &mns[i];

				if (mn->state != MN_WAITING)
					continue;
				if (now - mn->first_ns >= timeout_ms * 1000000u) {
					mn->state = MN_LOST;
					n_waiting--;
				} else if (resend_ms > 0 && now - mn->last_ns >=
				    resend_ms * 1000000u && send_rs(fd, i) == 0)
					mn->last_ns = now;
			}
		}
		done = 0;
		if (next == n_mn) {
			for (i = 0; i < n_mn; i++)
				done += mns[i].state >= MN_DONE;
		}
		if (burst == BATCH)
			continue;
		timeout = 10;
		if (next < n_mn && rate > 0 && (window == 0 ||
		    n_waiting < window)) {
			uint64_t due = t0 + (uint64_t)next * 1000000000u / rate;

			timeout = due > now ? (int)((due - now) / 1000000u) : 0;
			if (timeout > 10)
				timeout = 10;
		} else if (next < n_mn && (window == 0 || n_waiting < window))
			timeout = 0;
		(void)poll(&pfd, 1, timeout);
	}
	drain(fd);
	for (k = 0; k < npid; k++)
		cpu1[k] = cpu_ns(pids[k]);

	for (i = 0; i < n_mn; i++) {
		if (mns[i].state != MN_DONE)
			continue;
		lat[nlat++] = mns[i].ra_ns > mns[i].first_ns ?
		    mns[i].ra_ns - mns[i].first_ns : 0;
		if (first_ra == 0 || mns[i].ra_ns < first_ra)
			first_ra = mns[i].ra_ns;
		if (mns[i].ra_ns > last_ra)
			last_ra = mns[i].ra_ns;
	}
	printf("frames: %u MNs, %llu RS sent (%llu send errors), %llu RAs "
	    "(%llu without a prefix), %zu attached, %u lost\n", n_mn,
	    (unsigned long long)frames_sent, (unsigned long long)send_errors,
	    (unsigned long long)ras_seen, (unsigned long long)ras_noprefix,
	    nlat, n_mn - (unsigned)nlat);
	if (nlat > 0) {
		double wall = (double)(last_ra - t0) / 1e9;
		double sum = 0;

		qsort(lat, nlat, sizeof(*lat), cmp_u64);
		for (i = 0; i < nlat; i++)
			sum += (double)lat[i];
		printf("first frame -> RA (ms): p50 %.2f  p90 %.2f  p99 %.2f  "
		    "max %.2f  mean %.2f  min %.2f\n", pct(lat, nlat, 50),
		    pct(lat, nlat, 90), pct(lat, nlat, 99),
		    (double)lat[nlat - 1] / 1e6, sum / (double)nlat / 1e6,
		    (double)lat[0] / 1e6);
		printf("attach rate: %.0f /s (%zu RAs, first RS to last RA "
		    "%.3f s)\n", wall > 0 ? (double)nlat / wall : 0, nlat,
		    wall);
	}
	for (k = 0; k < npid; k++) {
		if (cpu0[k] < 0 || cpu1[k] < 0 || nlat == 0) {
			printf("cpu: pid %ld unreadable\n", pids[k]);
			continue;
		}
		printf("cpu: pid %ld: %.1f us per attach (%.3f s in all)\n",
		    pids[k], (double)(cpu1[k] - cpu0[k]) / 1e3 / (double)nlat,
		    (double)(cpu1[k] - cpu0[k]) / 1e9);
	}
	close(fd);
	free(lat);
	free(mns);
	return 0;
}
