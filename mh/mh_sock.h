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

/* Take only MHs sent to addr, and send from it when no source is named:
 * no per-packet IPV6_PKTINFO for a daemon with one address.  0, or -1
 * with errno set (EADDRNOTAVAIL: addr is not local yet). */
int mh_sock_bind(int fd, const struct in6_addr *addr);

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

/*
 * Batches: many MHs per system call (recvmmsg/sendmmsg), for a busy LMA
 * and for load generators.  At most MH_SOCK_BATCH are handled per call.
 */
#define MH_SOCK_BATCH	64

struct mh_dgram {
	void		*buf;
	size_t		 cap;		/* recv: room in buf */
	size_t		 len;		/* recv: octets received; send: to send */
	struct mh_rxinfo ri;		/* recv: filled in; send: src, dst and
					 * ifindex as for mh_sock_send() */
	int		 err;		/* recv: 0, EMSGSIZE or EBADMSG */
};

/* Receive up to n MHs into d[0..].  Returns how many arrived (0 when none
 * is waiting) or -1 with errno set.  A datagram that would make
 * mh_sock_recv() fail with EMSGSIZE or EBADMSG is counted, with that
 * value in its err, and must be dropped. */
int mh_sock_recv_batch(int fd, struct mh_dgram *d, unsigned n);

/* Send d[0..n-1]; returns how many went (fewer than n when the one after
 * them failed or the socket buffer filled), or -1 with errno set when the
 * first could not be sent. */
int mh_sock_send_batch(int fd, const struct mh_dgram *d, unsigned n);

#endif /* PMIP6_MH_SOCK_H */
