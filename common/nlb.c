/*
 * nlb.c: raw rtnetlink message building and batched transactions.
 *
 * Why not one request and one ack at a time: at thousands of bindings a
 * second the round trips, not the kernel's route insertion, would be
 * the cost.  A transaction sends a whole buffer of messages in one
 * sendmsg(); the kernel handles them in order inside that call and
 * queues one ack per message on our socket, which we read back with
 * recvmmsg() and match to messages by sequence number.  The only limit
 * is the receive buffer: an ack that does not fit is dropped, so the
 * socket reports how many acks it can hold (window) and callers never
 * send more messages than that at once.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nlb.h"

#define NLB_ALIGN(n)	(((n) + 3u) & ~(size_t)3u)

/*
 * What one queued ack costs in the receive buffer: the skb's truesize,
 * about 768 bytes for a 36-byte message on 64-bit kernels, rounded up.
 */
#define NLB_ACK_COST	1024
#define NLB_RCVBUF	(8 << 20)
#define NLB_SNDBUF	(4 << 20)
#define NLB_WINDOW_MAX	4096
#define NLB_RX_SLOTS	64
#define NLB_RX_SLOT	2048
#define NLB_DUMP_BUF	(64 << 10)

void
nlb_buf_init(struct nlb_buf *b, void *mem, size_t cap)
{
	b->data = mem;
	b->cap = cap;
	nlb_buf_reset(b);
}

void
nlb_buf_reset(struct nlb_buf *b)
{
	b->len = 0;
	b->msg = 0;
	b->count = 0;
	b->err = 0;
}

static struct nlmsghdr *
nlb_open_msg(struct nlb_buf *b)
{
	return (struct nlmsghdr *)(b->data + b->msg);
}

/* Room for n more bytes (aligned) in the open message, or mark it bad. */
static void *
nlb_reserve(struct nlb_buf *b, size_t n)
{
	void *p;

	if (b->err != 0 || b->cap - b->len < NLB_ALIGN(n)) {
		b->err = -ENOSPC;
		return NULL;
	}
	p = b->data + b->len;
	memset(p, 0, NLB_ALIGN(n));
	b->len += NLB_ALIGN(n);
	nlb_open_msg(b)->nlmsg_len = (uint32_t)(b->len - b->msg);
	return p;
}

void *
nlb_msg_begin(struct nlb_buf *b, uint16_t type, uint16_t flags, uint32_t seq,
    size_t hdrlen)
{
	struct nlmsghdr *m;

	b->msg = b->len;
	b->err = 0;
	if (b->cap - b->len < NLMSG_HDRLEN + NLB_ALIGN(hdrlen)) {
		b->err = -ENOSPC;
		return NULL;
	}
	m = (struct nlmsghdr *)(b->data + b->len);
	memset(m, 0, NLMSG_HDRLEN + NLB_ALIGN(hdrlen));
	m->nlmsg_type = type;
	m->nlmsg_flags = flags;
	m->nlmsg_seq = seq;
	b->len += NLMSG_HDRLEN + NLB_ALIGN(hdrlen);
	m->nlmsg_len = (uint32_t)(b->len - b->msg);
	return (uint8_t *)m + NLMSG_HDRLEN;
}

int
nlb_msg_end(struct nlb_buf *b)
{
	if (b->err != 0) {
		b->len = b->msg;
		return b->err;
	}
	b->count++;
	b->msg = b->len;
	return 0;
}

void
nlb_put(struct nlb_buf *b, uint16_t type, const void *data, size_t len)
{
	struct rtattr *a;

	a = nlb_reserve(b, RTA_LENGTH(len));
	if (a == NULL)
		return;
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len > 0)
		memcpy(RTA_DATA(a), data, len);
}

void
nlb_put_u8(struct nlb_buf *b, uint16_t type, uint8_t v)
{
	nlb_put(b, type, &v, sizeof(v));
}

void
nlb_put_u16(struct nlb_buf *b, uint16_t type, uint16_t v)
{
	nlb_put(b, type, &v, sizeof(v));
}

void
nlb_put_u32(struct nlb_buf *b, uint16_t type, uint32_t v)
{
	nlb_put(b, type, &v, sizeof(v));
}

void
nlb_put_str(struct nlb_buf *b, uint16_t type, const char *s)
{
	nlb_put(b, type, s, strlen(s) + 1);
}

void
nlb_put_raw(struct nlb_buf *b, const void *data, size_t len)
{
	void *p;

	p = nlb_reserve(b, len);
	if (p != NULL && len > 0)
		memcpy(p, data, len);
}

size_t
nlb_nest_begin(struct nlb_buf *b, uint16_t type)
{
	size_t off = b->len;

	nlb_put(b, type, NULL, 0);
	return off;
}

void
nlb_nest_end(struct nlb_buf *b, size_t nest)
{
	struct rtattr *a;

	if (b->err != 0)
		return;
	a = (struct rtattr *)(b->data + nest);
	a->rta_len = (unsigned short)(b->len - nest);
}

static int
nlb_parse_attrs(const struct rtattr *a, size_t len, const struct rtattr **tb,
    unsigned max)
{
	memset(tb, 0, (max + 1) * sizeof(*tb));
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		unsigned type = a->rta_type & NLA_TYPE_MASK;

		if (type <= max)
			tb[type] = a;
	}
	return len == 0 ? 0 : -EINVAL;
}

int
nlb_parse(const struct nlmsghdr *m, size_t hdrlen, const struct rtattr **tb,
    unsigned max)
{
	size_t off = NLMSG_HDRLEN + NLB_ALIGN(hdrlen);
	const struct rtattr *a;

	if (m->nlmsg_len < off) {
		memset(tb, 0, (max + 1) * sizeof(*tb));
		return -EINVAL;
	}
	a = (const struct rtattr *)(const void *)((const uint8_t *)m + off);
	return nlb_parse_attrs(a, m->nlmsg_len - off, tb, max);
}

int
nlb_parse_nested(const struct rtattr *nest, const struct rtattr **tb,
    unsigned max)
{
	return nlb_parse_attrs((const struct rtattr *)RTA_DATA(nest),
	    RTA_PAYLOAD(nest), tb, max);
}

uint32_t
nlb_get_u32(const struct rtattr *a)
{
	uint32_t v = 0;

	if (RTA_PAYLOAD(a) >= sizeof(v))
		memcpy(&v, RTA_DATA(a), sizeof(v));
	return v;
}

int
nlb_open(struct nlb_sock *s)
{
	struct sockaddr_nl sa;
	int one = 1, rcv = NLB_RCVBUF, snd = NLB_SNDBUF, got = 0;
	socklen_t len = sizeof(got);

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->rx = malloc(NLB_RX_SLOTS * NLB_RX_SLOT);
	if (s->rx == NULL)
		return -ENOMEM;
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s->fd == -1) {
		int err = -errno;

		nlb_close(s);
		return err;
	}
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		int err = -errno;

		nlb_close(s);
		return err;
	}
	/*
	 * The FORCE variants pass the sysctl caps and need CAP_NET_ADMIN,
	 * which programming routes needs anyway; without it we settle for
	 * what the caps allow and a smaller window.
	 */
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv,
	    sizeof(rcv)) == -1)
		(void)setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcv,
		    sizeof(rcv));
	if (setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd,
	    sizeof(snd)) == -1)
		(void)setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &snd,
		    sizeof(snd));
	/* Errors then carry only the header, not our whole message back. */
	(void)setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
	    sizeof(one));
	if (getsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &got, &len) == -1)
		got = 0;
	s->window = (unsigned)got / NLB_ACK_COST;
	if (s->window > NLB_WINDOW_MAX)
		s->window = NLB_WINDOW_MAX;
	if (s->window < 16)
		s->window = 16;
	s->seq = 1;
	return 0;
}

void
nlb_close(struct nlb_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->rx);
	s->rx = NULL;
}

static int
nlb_send(struct nlb_sock *s, const void *data, size_t len)
{
	struct sockaddr_nl sa;
	ssize_t n;

	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	do {
		n = sendto(s->fd, data, len, 0, (struct sockaddr *)&sa,
		    sizeof(sa));
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* Hands the messages of one datagram to fn; returns how many acks. */
static unsigned
nlb_dispatch(const uint8_t *p, size_t len, uint32_t first, unsigned count,
    nlb_reply_fn *fn, void *arg)
{
	const struct nlmsghdr *m;
	unsigned acks = 0;

	for (m = (const struct nlmsghdr *)p; NLMSG_OK(m, len);
	    m = NLMSG_NEXT(m, len)) {
		uint32_t idx = m->nlmsg_seq - first;

		/* Late answers to an earlier, abandoned transaction. */
		if (idx >= count)
			continue;
		if (m->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(m);

			if (m->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				continue;
			fn(arg, idx, e->error, NULL);
			acks++;
		} else if (m->nlmsg_type != NLMSG_DONE &&
		    m->nlmsg_type != NLMSG_NOOP) {
			fn(arg, idx, 0, m);
		}
	}
	return acks;
}

int
nlb_transact(struct nlb_sock *s, const struct nlb_buf *b, uint32_t first,
    unsigned count, nlb_reply_fn *fn, void *arg)
{
	struct mmsghdr mm[NLB_RX_SLOTS];
	struct iovec iov[NLB_RX_SLOTS];
	struct sockaddr_nl from[NLB_RX_SLOTS];
	unsigned acked = 0;
	int err, i, n;

	if (count == 0)
		return 0;
	err = nlb_send(s, b->data, b->len);
	if (err != 0)
		return err;
	while (acked < count) {
		for (i = 0; i < NLB_RX_SLOTS; i++) {
			iov[i].iov_base = s->rx + (size_t)i * NLB_RX_SLOT;
			iov[i].iov_len = NLB_RX_SLOT;
			memset(&mm[i], 0, sizeof(mm[i]));
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			mm[i].msg_hdr.msg_name = &from[i];
			mm[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		n = recvmmsg(s->fd, mm, NLB_RX_SLOTS, MSG_WAITFORONE, NULL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			/* ENOBUFS: acks were dropped; we cannot tell whose. */
			return -errno;
		}
		for (i = 0; i < n; i++) {
			if (from[i].nl_pid != 0 ||
			    (mm[i].msg_hdr.msg_flags & MSG_TRUNC))
				continue;
			acked += nlb_dispatch(iov[i].iov_base, mm[i].msg_len,
			    first, count, fn, arg);
		}
	}
	return 0;
}

int
nlb_dump(struct nlb_sock *s, uint16_t type, uint8_t family, nlb_dump_fn *fn,
    void *arg)
{
	struct {
		struct nlmsghdr	h;
		uint8_t		family[16];	/* any family header will do */
	} req;
	uint8_t *buf;
	uint32_t seq = s->seq++;
	int err, stop = 0;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = type;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = seq;
	req.family[0] = family;
	buf = malloc(NLB_DUMP_BUF);
	if (buf == NULL)
		return -ENOMEM;
	err = nlb_send(s, &req, sizeof(req));
	while (err == 0) {
		struct sockaddr_nl from;
		socklen_t fl = sizeof(from);
		const struct nlmsghdr *m;
		ssize_t n;
		size_t len;

		n = recvfrom(s->fd, buf, NLB_DUMP_BUF, 0,
		    (struct sockaddr *)&from, &fl);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (from.nl_pid != 0)
			continue;
		len = (size_t)n;
		for (m = (const struct nlmsghdr *)buf; NLMSG_OK(m, len);
		    m = NLMSG_NEXT(m, len)) {
			if (m->nlmsg_seq != seq)
				continue;
			if (m->nlmsg_type == NLMSG_DONE)
				goto out;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(m);

				err = e->error != 0 ? e->error : -EIO;
				goto out;
			}
			/* Keep reading to DONE so the socket stays in step. */
			if (!stop)
				stop = fn(arg, m);
		}
	}
out:
	free(buf);
	return err;
}
