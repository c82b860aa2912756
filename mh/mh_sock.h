/*
 * mh_sock.h: the raw IPPROTO_MH socket both daemons send and receive
 * Mobility Headers on.
 *
 * The kernel here has no MIPv6 support (no CONFIG_IPV6_MIP6), so the
 * socket asks for the checksum itself through IPV6_CHECKSUM at offset 4
 * (RFC 6275 6.1.1): the kernel fills it in on send, and packets whose
 * checksum is wrong are dropped on receive.
 */
#ifndef PMIP6_MH_SOCK_H
#define PMIP6_MH_SOCK_H

#include <netinet/in.h>
#include <stddef.h>
#include <sys/types.h>

/* Where a received MH came from and arrived. */
struct mh_rxinfo {
	struct in6_addr	src;
	struct in6_addr	dst;		/* from IPV6_PKTINFO */
	unsigned	ifindex;	/* arrival interface */
	int		hoplimit;	/* -1 if the kernel did not say */
};

/* Open a non-blocking raw MH socket; -1 with errno set on failure. */
int mh_sock_open(void);

/* Send one MH to dst.  A non-NULL, non-unspecified src chooses the
 * source address (it must be local); ifindex 0 lets routing choose.
 * Returns the octets sent or -1 with errno set. */
ssize_t mh_sock_send(int fd, const struct in6_addr *src,
    const struct in6_addr *dst, unsigned ifindex, const void *buf,
    size_t len);

/* Receive one MH.  Returns its length, 0 when none is waiting, or -1
 * with errno set: EBADMSG for a wrong checksum (the packet is consumed
 * and dropped), EMSGSIZE for one larger than cap. */
ssize_t mh_sock_recv(int fd, void *buf, size_t cap, struct mh_rxinfo *ri);

#endif /* PMIP6_MH_SOCK_H */
