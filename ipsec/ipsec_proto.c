/*
 * ipsec_proto.c: text codec of the daemon <-> charon plugin messages
 * (grammar in ipsec_proto.h).  Pure: no state, no I/O, no logging, so
 * the plugin and libipsecctl share it and it is tested on its own.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipsec_proto.h"

#define MAX_FIELDS	7

static const struct {
	enum ipsec_msg_type	 type;
	const char		*name;
	int			 fields;	/* words after the name */
} msg_kinds[] = {
	{ IPSEC_MSG_HELLO,	"hello",	1 },
	{ IPSEC_MSG_UP,		"up",		5 },
	{ IPSEC_MSG_DOWN,	"down",		1 },
	{ IPSEC_MSG_FAIL,	"fail",		2 },
	{ IPSEC_MSG_SYNCED,	"synced",	0 },
	{ IPSEC_MSG_INITIATE,	"initiate",	1 },
	{ IPSEC_MSG_TERMINATE,	"terminate",	1 },
};

#define NKINDS	(sizeof(msg_kinds) / sizeof(msg_kinds[0]))

const char *
ipsec_msg_type_name(enum ipsec_msg_type type)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (msg_kinds[i].type == type)
			return msg_kinds[i].name;
	return "?";
}

/* Exactly eight hex digits: SPIs are fixed width so logs line up. */
static int
parse_spi(const char *s, uint32_t *spi)
{
	unsigned long v;
	char *end;
	size_t i;

	if (strlen(s) != 8)
		return -1;
	for (i = 0; i < 8; i++)
		if (strchr("0123456789abcdefABCDEF", s[i]) == NULL)
			return -1;
	v = strtoul(s, &end, 16);
	if (*end != '\0')
		return -1;
	*spi = (uint32_t)v;
	return 0;
}

/* A reason is one word a log line can carry as is. */
static int
parse_reason(const char *s, char *out)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= IPSEC_REASON_MAX)
		return -1;
	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz0123456789_-", s[i]) ==
		    NULL)
			return -1;
	memcpy(out, s, n + 1);
	return 0;
}

static int
parse_addr(const char *s, struct in6_addr *a)
{
	return inet_pton(AF_INET6, s, a) == 1 ? 0 : -1;
}

static int
parse_fields(enum ipsec_msg_type type, char **f, struct ipsec_msg *m)
{
	unsigned long v;
	char *end;

	switch (type) {
	case IPSEC_MSG_HELLO:
		v = strtoul(f[0], &end, 10);
		if (end == f[0] || *end != '\0' || v == 0 || v > 65535)
			return -1;
		m->version = (unsigned)v;
		return 0;
	case IPSEC_MSG_UP:
		if (parse_addr(f[0], &m->peer) == -1 ||
		    parse_addr(f[1], &m->local) == -1 ||
		    parse_spi(f[2], &m->spi_in) == -1 ||
		    parse_spi(f[3], &m->spi_out) == -1)
			return -1;
		if (strcmp(f[4], "tunnel") == 0)
			m->tunnel = 1;
		else if (strcmp(f[4], "transport") != 0)
			return -1;
		return 0;
	case IPSEC_MSG_FAIL:
		if (parse_reason(f[1], m->reason) == -1)
			return -1;
		/* FALLTHROUGH */
	case IPSEC_MSG_DOWN:
	case IPSEC_MSG_INITIATE:
	case IPSEC_MSG_TERMINATE:
		return parse_addr(f[0], &m->peer);
	case IPSEC_MSG_SYNCED:
		return 0;
	}
	return -1;
}

int
ipsec_msg_parse(const char *buf, size_t len, struct ipsec_msg *m)
{
	char text[IPSEC_MSG_MAX + 1], *f[MAX_FIELDS], *p;
	size_t i, n = 0;

	memset(m, 0, sizeof(*m));
	if (len == 0 || len > IPSEC_MSG_MAX || memchr(buf, '\0', len) != NULL)
		goto bad;
	memcpy(text, buf, len);
	text[len] = '\0';
	/* Single spaces only: one spelling per message keeps parsing dull. */
	for (p = text; n < MAX_FIELDS; p++) {
		f[n++] = p;
		if ((p = strchr(p, ' ')) == NULL)
			break;
		*p = '\0';
	}
	if (p != NULL)
		goto bad;
	for (i = 0; i < n; i++)
		if (f[i][0] == '\0')
			goto bad;
	for (i = 0; i < NKINDS; i++) {
		if (strcmp(f[0], msg_kinds[i].name) != 0)
			continue;
		if ((size_t)msg_kinds[i].fields != n - 1)
			goto bad;
		m->type = msg_kinds[i].type;
		if (parse_fields(m->type, f + 1, m) == -1)
			goto bad;
		return 0;
	}
bad:
	errno = EINVAL;
	return -1;
}

int
ipsec_msg_format(const struct ipsec_msg *m, char *buf, size_t len)
{
	char peer[INET6_ADDRSTRLEN], local[INET6_ADDRSTRLEN];
	const char *name = ipsec_msg_type_name(m->type);
	int n;

	inet_ntop(AF_INET6, &m->peer, peer, sizeof(peer));
	switch (m->type) {
	case IPSEC_MSG_HELLO:
		n = snprintf(buf, len, "%s %u", name, m->version);
		break;
	case IPSEC_MSG_UP:
		inet_ntop(AF_INET6, &m->local, local, sizeof(local));
		n = snprintf(buf, len, "%s %s %s %08x %08x %s", name, peer,
		    local, m->spi_in, m->spi_out,
		    m->tunnel ? "tunnel" : "transport");
		break;
	case IPSEC_MSG_FAIL:
		n = snprintf(buf, len, "%s %s %s", name, peer,
		    m->reason[0] != '\0' ? m->reason : "unknown");
		break;
	case IPSEC_MSG_SYNCED:
		n = snprintf(buf, len, "%s", name);
		break;
	case IPSEC_MSG_DOWN:
	case IPSEC_MSG_INITIATE:
	case IPSEC_MSG_TERMINATE:
		n = snprintf(buf, len, "%s %s", name, peer);
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (n < 0 || (size_t)n >= len || n > IPSEC_MSG_MAX) {
		errno = ENOSPC;
		return -1;
	}
	return n;
}
