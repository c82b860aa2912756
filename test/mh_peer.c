/*
 * mh_peer.c: exercise the raw MH socket between two network namespaces.
 *
 *   mh_peer serve LOCAL        wait for one PBU on LOCAL, answer a PBA
 *   mh_peer ping SRC DST       send a PBU with a corrupt checksum, then a
 *                              good one, and wait for the PBA
 *
 * The corrupt one must be dropped on receive, by the kernel or by
 * mh_sock_recv() (EBADMSG), so the server accepts only the good one.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mh.h"
#include "mh_sock.h"

#define BAD_SEQ		100
#define GOOD_SEQ	101
#define NAI		"mn1@pmip6.example"

static unsigned dropped;	/* bad checksums mh_sock_recv() refused */

static void
die(const char *what)
{
	fprintf(stderr, "mh_peer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
fail(const char *what, const char *arg)
{
	fprintf(stderr, "mh_peer: %s %s\n", what, arg);
	exit(1);
}

static void
addr(const char *s, struct in6_addr *a)
{
	if (inet_pton(AF_INET6, s, a) != 1)
		fail("bad address", s);
}

static ssize_t
recv_wait(int fd, uint8_t *buf, size_t cap, struct mh_rxinfo *ri)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	for (;;) {
		if (poll(&p, 1, 5000) <= 0)
			fail("timed out waiting for an MH", "");
		n = mh_sock_recv(fd, buf, cap, ri);
		if (n < 0 && errno == EBADMSG) {
			dropped++;
			continue;
		}
		if (n < 0)
			die("recv");
		if (n > 0)
			return n;
	}
}

static void
make_pbu(struct mh_msg *m, uint16_t seq)
{
	struct in6_addr hnp;

	memset(m, 0, sizeof(*m));
	m->type = MH_TYPE_BU;
	m->seq = seq;
	m->flags = MH_BU_A | MH_BU_P;
	m->lifetime = 900;
	mh_set_mnid(&m->opt, MH_MNID_NAI, NAI, strlen(NAI));
	addr("2001:db8:1::", &hnp);
	mh_add_hnp(&m->opt, &hnp, 64);
	m->opt.present |= MH_HAS_HI | MH_HAS_ATT | MH_HAS_TS;
	m->opt.hi = MH_HI_NEW_IF;
	m->opt.att = MH_ATT_80211;
	m->opt.ts = mh_ts_make((uint64_t)time(NULL), 0);
}

static int
serve(const char *local)
{
	struct in6_addr me;
	struct mh_rxinfo ri;
	struct mh_msg m, ba;
	struct mh_perr pe;
	uint8_t buf[MH_MAX_LEN], out[MH_MAX_LEN];
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	size_t olen;
	ssize_t n;
	int fd;

	addr(local, &me);
	if ((fd = mh_sock_open()) == -1)
		die("mh_sock_open");
	/* Tell the test script we are listening. */
	printf("ready\n");
	fflush(stdout);

	n = recv_wait(fd, buf, sizeof(buf), &ri);
	inet_ntop(AF_INET6, &ri.src, s, sizeof(s));
	inet_ntop(AF_INET6, &ri.dst, d, sizeof(d));
	printf("serve: %zd octets from %s to %s ifindex %u hoplimit %d\n",
	    n, s, d, ri.ifindex, ri.hoplimit);
	if (!IN6_ARE_ADDR_EQUAL(&ri.dst, &me))
		fail("PKTINFO destination is not ours:", d);
	if (ri.ifindex == 0)
		fail("no arrival interface", "");
	if (mh_parse(buf, (size_t)n, &m, &pe) != MH_OK)
		fail("parse:", mh_strerror(pe.code));
	if (m.type != MH_TYPE_BU || !(m.flags & MH_BU_P))
		fail("not a PBU", "");
	if (m.seq != GOOD_SEQ)
		fail("first PBU accepted is not the good one:", "a bad "
		    "checksum got through");
	if (!mh_checksum_ok(&ri.src, &ri.dst, buf, (size_t)n))
		fail("checksum of the received PBU does not verify", "");

	memset(&ba, 0, sizeof(ba));
	ba.type = MH_TYPE_BA;
	ba.status = MH_BA_ACCEPTED;
	ba.flags = MH_BA_P;
	ba.seq = m.seq;
	ba.lifetime = m.lifetime;
	ba.opt = m.opt;
	if (mh_build(&ba, NULL, NULL, out, sizeof(out), &olen) != MH_OK)
		fail("build PBA", "");
	/* Answer from the address the PBU was sent to (RFC 5213 5.3.6). */
	if (mh_sock_send(fd, &ri.dst, &ri.src, 0, out, olen) != (ssize_t)olen)
		die("send PBA");
	printf("serve: PBA sent, seq %u; %u PBU with a bad checksum "
	    "dropped\n", ba.seq, dropped);
	close(fd);
	return 0;
}

static int
ping(const char *src, const char *dst)
{
	struct in6_addr me, peer;
	struct mh_rxinfo ri;
	struct mh_msg m;
	struct mh_perr pe;
	struct sockaddr_in6 sa;
	struct timespec t0, t1;
	uint8_t buf[MH_MAX_LEN];
	size_t len;
	ssize_t n;
	int fd, plain;

	addr(src, &me);
	addr(dst, &peer);
	if ((fd = mh_sock_open()) == -1)
		die("mh_sock_open");

	/* Linux checksums raw MH sockets at offset 4 by default; turned off,
	 * the socket sends our bytes untouched and a deliberately wrong
	 * checksum reaches the wire. */
	if ((plain = socket(AF_INET6, SOCK_RAW, MH_PROTO)) == -1)
		die("socket");
	{
		int off = -1;

		if (setsockopt(plain, IPPROTO_IPV6, IPV6_CHECKSUM, &off,
		    sizeof(off)) == -1)
			die("IPV6_CHECKSUM off");
	}
	make_pbu(&m, BAD_SEQ);
	if (mh_build(&m, &me, &peer, buf, sizeof(buf), &len) != MH_OK)
		fail("build bad PBU", "");
	buf[MH_CSUM_OFFSET] ^= 0x5a;
	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_addr = peer;
	if (sendto(plain, buf, len, 0, (struct sockaddr *)&sa,
	    sizeof(sa)) != (ssize_t)len)
		die("send bad PBU");
	close(plain);

	make_pbu(&m, GOOD_SEQ);
	if (mh_build(&m, NULL, NULL, buf, sizeof(buf), &len) != MH_OK)
		fail("build PBU", "");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (mh_sock_send(fd, &me, &peer, 0, buf, len) != (ssize_t)len)
		die("send PBU");
	n = recv_wait(fd, buf, sizeof(buf), &ri);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (mh_parse(buf, (size_t)n, &m, &pe) != MH_OK)
		fail("parse PBA:", mh_strerror(pe.code));
	if (m.type != MH_TYPE_BA || m.seq != GOOD_SEQ ||
	    m.status != MH_BA_ACCEPTED || !(m.flags & MH_BA_P))
		fail("unexpected PBA", "");
	if (!IN6_ARE_ADDR_EQUAL(&ri.src, &peer) ||
	    !IN6_ARE_ADDR_EQUAL(&ri.dst, &me))
		fail("PBA addresses are not the PBU's reversed", "");
	if (m.opt.mnid_len != strlen(NAI) ||
	    memcmp(m.opt.mnid, NAI, strlen(NAI)) != 0)
		fail("PBA lost the MN identifier", "");
	printf("ping: PBA seq %u status %u, round trip %.3f ms\n", m.seq,
	    m.status, (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2]);
	if (argc == 4 && strcmp(argv[1], "ping") == 0)
		return ping(argv[2], argv[3]);
	fprintf(stderr, "usage: mh_peer serve LOCAL | ping SRC DST\n");
	return 2;
}
