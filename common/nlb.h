/*
 * nlb.h: raw rtnetlink for the data plane: a message builder that writes
 * into a caller's buffer, and a socket that sends many messages per
 * sendmsg() and matches every acknowledgement back to its message.
 *
 * Private to the data-plane library (dp_*.c); the daemons use dp.h.
 * libnl-route is not used for routes because it cannot parse seg6
 * routes, and its one-request-one-ack round trips are too slow for
 * thousands of bindings per second.
 */
#ifndef PMIP6_NLB_H
#define PMIP6_NLB_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/*
 * Builder.  Errors are sticky: a message that does not fit sets err and
 * nlb_msg_end() then drops the whole message, so callers append
 * attributes without checking each one.
 */
struct nlb_buf {
	uint8_t		*data;
	size_t		 cap;
	size_t		 len;
	size_t		 msg;		/* offset of the open message */
	unsigned	 count;		/* complete messages in data */
	int		 err;		/* 0 or -ENOSPC for the open message */
};

void		 nlb_buf_init(struct nlb_buf *b, void *mem, size_t cap);
void		 nlb_buf_reset(struct nlb_buf *b);
/* Opens a message; returns its zeroed family header of hdrlen bytes. */
void		*nlb_msg_begin(struct nlb_buf *b, uint16_t type, uint16_t flags,
		    uint32_t seq, size_t hdrlen);
/* 0, or -ENOSPC after dropping the open message. */
int		 nlb_msg_end(struct nlb_buf *b);
void		 nlb_put(struct nlb_buf *b, uint16_t type, const void *data,
		    size_t len);
void		 nlb_put_u8(struct nlb_buf *b, uint16_t type, uint8_t v);
void		 nlb_put_u16(struct nlb_buf *b, uint16_t type, uint16_t v);
void		 nlb_put_u32(struct nlb_buf *b, uint16_t type, uint32_t v);
void		 nlb_put_str(struct nlb_buf *b, uint16_t type, const char *s);
/* Appends bytes as they are: attributes copied from another message. */
void		 nlb_put_raw(struct nlb_buf *b, const void *data, size_t len);
/* Returns a handle for nlb_nest_end(); nesting may go deeper. */
size_t		 nlb_nest_begin(struct nlb_buf *b, uint16_t type);
void		 nlb_nest_end(struct nlb_buf *b, size_t nest);

/*
 * Parsing: tb[type] points at the last attribute of each type up to max
 * (others are skipped); the attributes start hdrlen bytes into the
 * payload.  Returns -EINVAL on a truncated message.
 */
int		 nlb_parse(const struct nlmsghdr *m, size_t hdrlen,
		    const struct rtattr **tb, unsigned max);
int		 nlb_parse_nested(const struct rtattr *nest,
		    const struct rtattr **tb, unsigned max);
uint32_t	 nlb_get_u32(const struct rtattr *a);

/* Socket. */
struct nlb_sock {
	int		 fd;
	uint32_t	 seq;		/* next sequence number to use */
	unsigned	 window;	/* acks the receive buffer can hold */
	uint8_t		*rx;		/* recvmmsg() slots */
};

/*
 * One reply to the message with index idx (seq - first): an ack or
 * error (m NULL, err 0 or -errno), or a data message (err 0).
 */
typedef void	 nlb_reply_fn(void *arg, unsigned idx, int err,
		    const struct nlmsghdr *m);
/* Called for each message of a dump; non-zero stops the walk early. */
typedef int	 nlb_dump_fn(void *arg, const struct nlmsghdr *m);

int		 nlb_open(struct nlb_sock *s);		/* 0 or -errno */
/* Safe on a socket whose nlb_open() failed. */
void		 nlb_close(struct nlb_sock *s);
/*
 * Sends b (all messages in one sendmsg) and waits until each of the
 * count messages numbered from first has been acknowledged.  Every
 * message must carry NLM_F_ACK.  Returns 0, or -errno if the socket
 * failed, in which case messages not yet answered get no reply.
 */
int		 nlb_transact(struct nlb_sock *s, const struct nlb_buf *b,
		    uint32_t first, unsigned count, nlb_reply_fn *fn,
		    void *arg);
/* A dump of type for family, e.g. RTM_GETROUTE, AF_INET6. */
int		 nlb_dump(struct nlb_sock *s, uint16_t type, uint8_t family,
		    nlb_dump_fn *fn, void *arg);

#endif /* PMIP6_NLB_H */
