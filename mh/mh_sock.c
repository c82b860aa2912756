/*
 * mh_sock.c: raw IPPROTO_MH socket I/O (RFC 6275 6.1).
 *
 * Kept out of libmh so the codec stays pure and fuzzable.  Received
 * MHs are checksummed here as well as by the kernel (see
 * mh_sock_recv()).  The source
 * address of every sent MH is chosen explicitly with IPV6_PKTINFO: the
 * LMA must answer from the address the PBU was sent to (RFC 5213
 * 5.3.6), and a MAG's Proxy-CoA is its configured egress address, not
 * whatever the routing table would pick.
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
	int fd, on = 1, off = MH_CSUM_OFFSET;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    MH_PROTO);
	if (fd == -1)
		return -1;
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

ssize_t
mh_sock_send(int fd, const struct in6_addr *src, const struct in6_addr *dst,
    unsigned ifindex, const void *buf, size_t len)
{
	struct sockaddr_in6 sa;
	struct iovec iov;
	struct msghdr msg;
	union {
		struct cmsghdr	align;
		char		buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;
	struct cmsghdr *cm;
	struct in6_pktinfo pi;
	ssize_t n;

	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_addr = *dst;
	if (IN6_IS_ADDR_LINKLOCAL(dst))
		sa.sin6_scope_id = ifindex;

	iov.iov_base = (void *)(uintptr_t)buf;
	iov.iov_len = len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &sa;
	msg.msg_namelen = sizeof(sa);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;

	if ((src != NULL && !IN6_IS_ADDR_UNSPECIFIED(src)) || ifindex != 0) {
		memset(&pi, 0, sizeof(pi));
		if (src != NULL)
			pi.ipi6_addr = *src;
		pi.ipi6_ifindex = ifindex;
		memset(&cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = sizeof(cbuf.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}

	do {
		n = sendmsg(fd, &msg, 0);
	} while (n == -1 && errno == EINTR);
	return n;
}

ssize_t
mh_sock_recv(int fd, void *buf, size_t cap, struct mh_rxinfo *ri)
{
	struct sockaddr_in6 sa;
	struct iovec iov;
	struct msghdr msg;
	union {
		struct cmsghdr	align;
		char		buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				    CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct cmsghdr *cm;
	struct in6_pktinfo pi;
	ssize_t n;

	iov.iov_base = buf;
	iov.iov_len = cap;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &sa;
	msg.msg_namelen = sizeof(sa);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);

	do {
		n = recvmsg(fd, &msg, 0);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;

	memset(ri, 0, sizeof(*ri));
	ri->src = sa.sin6_addr;
	ri->hoplimit = -1;
	/* A datagram larger than cap was cut short; the parser would see a
	 * length that disagrees with Header Len, but say so plainly. */
	if (msg.msg_flags & MSG_TRUNC) {
		errno = EMSGSIZE;
		return -1;
	}
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
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
	if (!mh_checksum_ok(&ri->src, &ri->dst, buf, (size_t)n)) {
		errno = EBADMSG;
		return -1;
	}
	/* The kernel's IPV6_CHECKSUM check is skipped for packets it marks
	 * as already verified, which a veth pair does even for a corrupt
	 * one; check again here so every path drops them. */
	if (!mh_checksum_ok(&ri->src, &ri->dst, buf, (size_t)n)) {
		errno = EBADMSG;
		return -1;
	}
	return n;
}
