/*
 * mh_sock.c: raw IPPROTO_MH socket I/O (RFC 6275 6.1).
 *
 * Kept out of libmh so the codec stays pure and fuzzable.  Received
 * MHs are checksummed here as well as by the kernel (see
 * mh_sock_recv()).  The source
 * address of every sent MH is chosen explicitly with IPV6_PKTINFO: the
 * LMA must answer from the address the PBU was sent to (RFC 5213
 * 5.3.6), and a MAG's Proxy-CoA is its configured egress address, not
 * whatever the routing table would pick.  The batch calls move many
 * MHs per system call with recvmmsg()/sendmmsg(), the same way.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mh.h"
#include "mh_sock.h"

int
mh_sock_open(void)
{
	int fd, on = 1, off = MH_CSUM_OFFSET, rcvbuf = 4 << 20;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    MH_PROTO);
	if (fd == -1)
		return -1;
	/* Bursts are normal: an LMA gets a PBU per MN from every MAG at once
	 * after a restart, a MAG gets their PBAs while it programs routes.
	 * 4 MB queues a few thousand MHs; CAP_NET_ADMIN may pass
	 * net.core.rmem_max, otherwise the plain request is capped. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf));
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &off,
	    sizeof(off)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
	    sizeof(on)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on,
	    sizeof(on)) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
mh_sock_bind(int fd, const struct in6_addr *addr)
{
	struct sockaddr_in6 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_addr = *addr;
	return bind(fd, (struct sockaddr *)&sa, sizeof(sa));
}

/* Room for the IPV6_PKTINFO a sent MH carries. */
union tx_cmsg {
	struct cmsghdr	align;
	char		buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

/* And for what a received one carries: PKTINFO and HOPLIMIT. */
union rx_cmsg {
	struct cmsghdr	align;
	char		buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
			    CMSG_SPACE(sizeof(int))];
};

static void
tx_prepare(struct msghdr *msg, struct sockaddr_in6 *sa, struct iovec *iov,
    union tx_cmsg *cbuf, const struct in6_addr *src,
    const struct in6_addr *dst, unsigned ifindex, const void *buf,
    size_t len)
{
	struct cmsghdr *cm;
	struct in6_pktinfo pi;

	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	sa->sin6_addr = *dst;
	if (IN6_IS_ADDR_LINKLOCAL(dst))
		sa->sin6_scope_id = ifindex;

	iov->iov_base = (void *)(uintptr_t)buf;
	iov->iov_len = len;
	memset(msg, 0, sizeof(*msg));
	msg->msg_name = sa;
	msg->msg_namelen = sizeof(*sa);
	msg->msg_iov = iov;
	msg->msg_iovlen = 1;

	if ((src != NULL && !IN6_IS_ADDR_UNSPECIFIED(src)) || ifindex != 0) {
		memset(&pi, 0, sizeof(pi));
		if (src != NULL)
			pi.ipi6_addr = *src;
		pi.ipi6_ifindex = ifindex;
		memset(cbuf, 0, sizeof(*cbuf));
		msg->msg_control = cbuf->buf;
		msg->msg_controllen = sizeof(cbuf->buf);
		cm = CMSG_FIRSTHDR(msg);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
}

ssize_t
mh_sock_send(int fd, const struct in6_addr *src, const struct in6_addr *dst,
    unsigned ifindex, const void *buf, size_t len)
{
	struct sockaddr_in6 sa;
	struct iovec iov;
	struct msghdr msg;
	union tx_cmsg cbuf;
	ssize_t n;

	tx_prepare(&msg, &sa, &iov, &cbuf, src, dst, ifindex, buf, len);
	do {
		n = sendmsg(fd, &msg, 0);
	} while (n == -1 && errno == EINTR);
	return n;
}

static void
rx_prepare(struct msghdr *msg, struct sockaddr_in6 *sa, struct iovec *iov,
    union rx_cmsg *cbuf, void *buf, size_t cap)
{
	iov->iov_base = buf;
	iov->iov_len = cap;
	memset(msg, 0, sizeof(*msg));
	msg->msg_name = sa;
	msg->msg_namelen = sizeof(*sa);
	msg->msg_iov = iov;
	msg->msg_iovlen = 1;
	msg->msg_control = cbuf->buf;
	msg->msg_controllen = sizeof(cbuf->buf);
}

/* What the kernel said about one received datagram of n octets: 0, or
 * -1 with errno EMSGSIZE or EBADMSG (the datagram is consumed). */
static int
rx_finish(struct msghdr *msg, const struct sockaddr_in6 *sa, const void *buf,
    size_t n, struct mh_rxinfo *ri)
{
	struct cmsghdr *cm;
	struct in6_pktinfo pi;

	memset(ri, 0, sizeof(*ri));
	ri->src = sa->sin6_addr;
	ri->hoplimit = -1;
	/* A datagram larger than cap was cut short; the parser would see a
	 * length that disagrees with Header Len, but say so plainly. */
	if (msg->msg_flags & MSG_TRUNC) {
		errno = EMSGSIZE;
		return -1;
	}
	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != IPPROTO_IPV6)
			continue;
		if (cm->cmsg_type == IPV6_PKTINFO &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(pi))) {
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			ri->dst = pi.ipi6_addr;
			ri->ifindex = pi.ipi6_ifindex;
		} else if (cm->cmsg_type == IPV6_HOPLIMIT &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(&ri->hoplimit, CMSG_DATA(cm), sizeof(int));
		}
	}
	/* The kernel's IPV6_CHECKSUM check is skipped for packets it marks
	 * as already verified, which a veth pair does even for a corrupt
	 * one; check again here so every path drops them. */
	if (!mh_checksum_ok(&ri->src, &ri->dst, buf, n)) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}

ssize_t
mh_sock_recv(int fd, void *buf, size_t cap, struct mh_rxinfo *ri)
{
	struct sockaddr_in6 sa;
	struct iovec iov;
	struct msghdr msg;
	union rx_cmsg cbuf;
	ssize_t n;

	rx_prepare(&msg, &sa, &iov, &cbuf, buf, cap);
	do {
		n = recvmsg(fd, &msg, 0);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
	if (rx_finish(&msg, &sa, buf, (size_t)n, ri) == -1)
		return -1;
	return n;
}

int
mh_sock_recv_batch(int fd, struct mh_dgram *d, unsigned n)
{
	struct mmsghdr mm[MH_SOCK_BATCH];
	struct sockaddr_in6 sa[MH_SOCK_BATCH];
	struct iovec iov[MH_SOCK_BATCH];
	union rx_cmsg cbuf[MH_SOCK_BATCH];
	unsigned i;
	int got;

	if (n > MH_SOCK_BATCH)
		n = MH_SOCK_BATCH;
	for (i = 0; i < n; i++) {
		rx_prepare(&mm[i].msg_hdr, &sa[i], &iov[i], &cbuf[i],
		    d[i].buf, d[i].cap);
		mm[i].msg_len = 0;
	}
	do {
		got = recvmmsg(fd, mm, n, 0, NULL);
	} while (got == -1 && errno == EINTR);
	if (got == -1)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
	for (i = 0; i < (unsigned)got; i++) {
		d[i].len = mm[i].msg_len;
		d[i].err = rx_finish(&mm[i].msg_hdr, &sa[i], d[i].buf,
		    d[i].len, &d[i].ri) == -1 ? errno : 0;
	}
	return got;
}

int
mh_sock_send_batch(int fd, const struct mh_dgram *d, unsigned n)
{
	struct mmsghdr mm[MH_SOCK_BATCH];
	struct sockaddr_in6 sa[MH_SOCK_BATCH];
	struct iovec iov[MH_SOCK_BATCH];
	union tx_cmsg cbuf[MH_SOCK_BATCH];
	unsigned i;
	int sent;

	if (n > MH_SOCK_BATCH)
		n = MH_SOCK_BATCH;
	for (i = 0; i < n; i++) {
		tx_prepare(&mm[i].msg_hdr, &sa[i], &iov[i], &cbuf[i],
		    &d[i].ri.src, &d[i].ri.dst, d[i].ri.ifindex, d[i].buf,
		    d[i].len);
		mm[i].msg_len = 0;
	}
	do {
		sent = sendmmsg(fd, mm, n, 0);
	} while (sent == -1 && errno == EINTR);
	return sent;
}
