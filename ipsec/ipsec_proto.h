/*
 * ipsec_proto.h: the messages between a pmip6 daemon and the pmip6
 * charon plugin (libstrongswan-pmip6.so).
 *
 * Transport: an AF_UNIX SOCK_SEQPACKET socket that the daemon listens on
 * (ipsec.socket in its configuration; the plugin reads the same file, so
 * the path is written once).  The plugin connects, retries every second
 * while the daemon is away, and both ends send without blocking.  One
 * message per packet, ASCII, fields separated by one space, no newline,
 * at most IPSEC_MSG_MAX octets.  Addresses are IPv6 text, SPIs eight
 * lower-case hex digits.
 *
 * Plugin to daemon:
 *   hello VERSION                  connected: a state dump follows
 *   up PEER LOCAL SPI-IN SPI-OUT MODE
 *                                  a CHILD_SA with PEER is installed
 *                                  (again after a rekey, with new SPIs);
 *                                  MODE is transport or tunnel
 *   down PEER                      no CHILD_SA with PEER is left
 *   fail PEER REASON               setting up an SA with PEER failed;
 *                                  REASON is one word (see below)
 *   synced                         end of the dump: SAs the dump did not
 *                                  name are down
 * Daemon to plugin:
 *   initiate PEER                  bring up an SA with PEER unless one
 *                                  is up or being set up
 *   terminate PEER                 delete the IKE_SAs with PEER
 *
 * The dump after hello is how either side's restart is survived: a new
 * charon has no SA, a new daemon learns what is up.  A plugin that
 * cannot send (the daemon's queue is full) drops the connection and
 * reconnects, so a lost message always ends in a fresh dump.
 */
#ifndef PMIP6_IPSEC_PROTO_H
#define PMIP6_IPSEC_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define IPSEC_PROTO_VERSION	1
#define IPSEC_MSG_MAX		256
#define IPSEC_REASON_MAX	32

enum ipsec_msg_type {
	IPSEC_MSG_HELLO,
	IPSEC_MSG_UP,
	IPSEC_MSG_DOWN,
	IPSEC_MSG_FAIL,
	IPSEC_MSG_SYNCED,
	IPSEC_MSG_INITIATE,
	IPSEC_MSG_TERMINATE,
};

/* fail reasons the plugin sends; a daemon must accept any word */
#define IPSEC_REASON_UNREACHABLE	"unreachable"
#define IPSEC_REASON_AUTH		"auth"
#define IPSEC_REASON_PROPOSAL		"proposal"
#define IPSEC_REASON_TS			"ts"
#define IPSEC_REASON_INSTALL		"install"
#define IPSEC_REASON_NOCONFIG		"noconfig"

struct ipsec_msg {
	enum ipsec_msg_type	 type;
	unsigned		 version;	/* hello */
	struct in6_addr		 peer;		/* all but hello, synced */
	struct in6_addr		 local;		/* up */
	uint32_t		 spi_in;	/* up, host byte order */
	uint32_t		 spi_out;	/* up */
	int			 tunnel;	/* up: 1 tunnel, 0 transport */
	char			 reason[IPSEC_REASON_MAX]; /* fail */
};

/* 0, or -1 (EINVAL) for anything not in the grammar above. */
int		 ipsec_msg_parse(const char *buf, size_t len,
		    struct ipsec_msg *m);
/* Length written (without a NUL, which is added), or -1 (ENOSPC). */
int		 ipsec_msg_format(const struct ipsec_msg *m, char *buf,
		    size_t len);
const char	*ipsec_msg_type_name(enum ipsec_msg_type type);

#endif /* PMIP6_IPSEC_PROTO_H */
