/*
 * ipsec_conf.c: the `ipsec' group of lma.conf / mag.conf as a schema
 * table (RFC 5213 section 4, RFC 4877 IKEv2 for PMIPv6 signaling), the
 * checks that span fields, and the per-peer view with overrides applied.
 *
 * The group and peer enums share their first names, so one C enum holds
 * both; only peer entries know "inherit", which keeps the group from
 * ever being undecided.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "ipsec_conf.h"

static const char *const mode_names[] = { "off", "optional", "required",
    NULL };
static const char *const peer_mode_names[] = { "off", "optional",
    "required", "inherit", NULL };
static const char *const auth_names[] = { "psk", "pubkey", NULL };
static const char *const peer_auth_names[] = { "psk", "pubkey", "inherit",
    NULL };
static const char *const child_names[] = { "transport", "tunnel", NULL };
static const char *const peer_child_names[] = { "transport", "tunnel",
    "inherit", NULL };

#define P(n)	offsetof(struct ipsec_peer_conf, n)
#define PSZ(n)	CONF_SIZE(struct ipsec_peer_conf, n)
#define G(n)	offsetof(struct ipsec_conf, n)
#define GSZ(n)	CONF_SIZE(struct ipsec_conf, n)

static const struct conf_field peer_schema[] = {
	{ .name = "address", .type = CONF_ADDR6, .off = P(address),
	  .flags = CONF_REQUIRED,
	  .help = "the peer (a MAG's Proxy-CoA or an LMA address)" },
	{ .name = "mode", .type = CONF_ENUM, .off = P(mode),
	  .enum_names = peer_mode_names, .def = "inherit",
	  .help = "off, optional, required, or inherit (the group's)" },
	{ .name = "auth", .type = CONF_ENUM, .off = P(auth),
	  .enum_names = peer_auth_names, .def = "inherit",
	  .help = "psk, pubkey, or inherit" },
	{ .name = "child_mode", .type = CONF_ENUM, .off = P(child_mode),
	  .enum_names = peer_child_names, .def = "inherit",
	  .help = "transport, tunnel, or inherit" },
	{ .name = "psk_file", .type = CONF_STRING, .off = P(psk_file),
	  .size = PSZ(psk_file), .def = "",
	  .help = "pre-shared key for this peer; \"\": the group's" },
	{ .name = "id", .type = CONF_STRING, .off = P(id), .size = PSZ(id),
	  .def = "", .help = "its IKE identity; \"\": its address" },
	{ .name = "proposals", .type = CONF_STRING, .off = P(proposals),
	  .size = PSZ(proposals), .def = "",
	  .help = "IKE proposals; \"\": the group's" },
	{ .name = "esp_proposals", .type = CONF_STRING,
	  .off = P(esp_proposals), .size = PSZ(esp_proposals), .def = "",
	  .help = "ESP proposals; \"\": the group's" },
	CONF_END
};

const struct conf_field pmip6_ipsec_schema[] = {
	{ .name = "mode", .type = CONF_ENUM, .off = G(mode),
	  .enum_names = mode_names, .def = "off", .rfc = "RFC 5213 4",
	  .help = "off, optional (use an SA when up) or required (wait for"
	  " it)" },
	{ .name = "auth", .type = CONF_ENUM, .off = G(auth),
	  .enum_names = auth_names, .def = "psk", .rfc = "RFC 4877 4.3",
	  .help = "IKEv2 authentication: psk or pubkey (X.509)" },
	{ .name = "child_mode", .type = CONF_ENUM, .off = G(child_mode),
	  .enum_names = child_names, .def = "transport",
	  .rfc = "RFC 5213 4, RFC 4877 4.1",
	  .help = "transport (MH selector) or tunnel (all traffic, for "
	  "kernel-libipsec)" },
	{ .name = "psk_file", .type = CONF_STRING, .off = G(psk_file),
	  .size = GSZ(psk_file), .def = "/etc/pmip6/ipsec.psk",
	  .help = "file holding the pre-shared key (auth = \"psk\")" },
	{ .name = "id", .type = CONF_STRING, .off = G(id), .size = GSZ(id),
	  .def = "", .help = "our IKE identity; \"\": our address" },
	{ .name = "cert", .type = CONF_STRING, .off = G(cert),
	  .size = GSZ(cert), .def = "",
	  .help = "our X.509 certificate, PEM or DER (auth = \"pubkey\")" },
	{ .name = "key", .type = CONF_STRING, .off = G(key),
	  .size = GSZ(key), .def = "",
	  .help = "its private key (auth = \"pubkey\")" },
	{ .name = "ca", .type = CONF_STRING, .off = G(ca), .size = GSZ(ca),
	  .def = "", .help = "CA certificate peers' certificates must chain"
	  " to (auth = \"pubkey\")" },
	{ .name = "proposals", .type = CONF_STRING, .off = G(proposals),
	  .size = GSZ(proposals), .min = 1, .def = "aes128-sha256-modp2048",
	  .help = "IKE proposals, strongSwan syntax, comma-separated" },
	{ .name = "esp_proposals", .type = CONF_STRING,
	  .off = G(esp_proposals), .size = GSZ(esp_proposals), .min = 1,
	  .def = "aes128-sha256",
	  .help = "ESP proposals, strongSwan syntax, comma-separated" },
	{ .name = "dpd_delay", .type = CONF_INT, .off = G(dpd_delay),
	  .min = 0, .max = 3600, .def = "30", .rfc = "RFC 7296 2.4",
	  .help = "seconds of silence before a liveness check; 0: none" },
	{ .name = "socket", .type = CONF_STRING, .off = G(socket),
	  .size = GSZ(socket), .min = 2, .max = IPSEC_SOCKET_MAX - 1,
	  .def = "/run/pmip6/ipsec.sock",
	  .help = "where the daemon listens for the charon plugin" },
	{ .name = "retry_interval", .type = CONF_MS, .off = G(retry_interval),
	  .min = 100, .max = 600000, .def = "5000",
	  .help = "ms between attempts to bring up a wanted SA" },
	{ .name = "tun_interface", .type = CONF_STRING,
	  .off = G(tun_interface), .size = GSZ(tun_interface), .min = 1,
	  .max = 15, .def = "ipsec0",
	  .help = "where kernel-libipsec hands decrypted packets over "
	  "(child_mode tunnel): protected MH arrive there" },
	{ .name = "peers", .type = CONF_LIST, .elem = CONF_GROUP,
	  .off = G(peers), .sub = peer_schema,
	  .size = sizeof(struct ipsec_peer_conf), .min = 0,
	  .max = IPSEC_MAX_PEERS,
	  .help = "per-peer overrides; also names peers to set SAs up with" },
	CONF_END
};

static const struct ipsec_peer_conf *
find_peer(const struct ipsec_conf *c, const struct in6_addr *a)
{
	const struct ipsec_peer_conf *p = c->peers.v;
	size_t i;

	for (i = 0; i < c->peers.n; i++)
		if (addr6_eq(&p[i].address, a))
			return &p[i];
	return NULL;
}

static const char *
pick(const char *own, const char *group)
{
	return own[0] != '\0' ? own : group;
}

void
ipsec_conf_peer(const struct ipsec_conf *c, const struct in6_addr *address,
    struct ipsec_peer *out)
{
	const struct ipsec_peer_conf *p = find_peer(c, address);

	memset(out, 0, sizeof(*out));
	out->address = *address;
	out->mode = (enum ipsec_mode)c->mode;
	out->auth = (enum ipsec_auth)c->auth;
	out->child_mode = (enum ipsec_child_mode)c->child_mode;
	out->psk_file = c->psk_file;
	out->id = "";
	out->proposals = c->proposals;
	out->esp_proposals = c->esp_proposals;
	if (p == NULL)
		return;
	out->listed = 1;
	if (p->mode != IPSEC_MODE_INHERIT)
		out->mode = (enum ipsec_mode)p->mode;
	if (p->auth != IPSEC_AUTH_INHERIT)
		out->auth = (enum ipsec_auth)p->auth;
	if (p->child_mode != IPSEC_CHILD_INHERIT)
		out->child_mode = (enum ipsec_child_mode)p->child_mode;
	out->psk_file = pick(p->psk_file, c->psk_file);
	out->id = p->id;
	out->proposals = pick(p->proposals, c->proposals);
	out->esp_proposals = pick(p->esp_proposals, c->esp_proposals);
}

enum ipsec_mode
ipsec_conf_mode(const struct ipsec_conf *c, const struct in6_addr *address)
{
	struct ipsec_peer p;

	ipsec_conf_peer(c, address, &p);
	return p.mode;
}

const char *
ipsec_mode_name(enum ipsec_mode mode)
{
	return (unsigned)mode < IPSEC_MODE_INHERIT ? mode_names[mode] :
	    "inherit";
}

/* The credentials auth needs; where names the setting for the message. */
static int
check_auth(const struct ipsec_conf *c, enum ipsec_auth auth,
    const char *psk_file, const char *where, struct conf_err *err)
{
	if (auth == IPSEC_AUTH_PSK && psk_file[0] == '\0') {
		snprintf(err->msg, sizeof(err->msg), "%s: auth \"psk\" needs "
		    "psk_file", where);
		return -1;
	}
	if (auth == IPSEC_AUTH_PUBKEY && (c->cert[0] == '\0' ||
	    c->key[0] == '\0')) {
		snprintf(err->msg, sizeof(err->msg), "%s: auth \"pubkey\" "
		    "needs ipsec.cert and ipsec.key", where);
		return -1;
	}
	return 0;
}

int
ipsec_conf_check(const struct ipsec_conf *c, struct conf_err *err)
{
	const struct ipsec_peer_conf *p = c->peers.v;
	char where[64], buf[INET6_ADDRSTRLEN];
	struct ipsec_peer eff;
	size_t i, j;

	memset(err, 0, sizeof(*err));
	if (c->mode != IPSEC_MODE_OFF &&
	    check_auth(c, (enum ipsec_auth)c->auth, c->psk_file, "ipsec",
	    err) == -1)
		return -1;
	for (i = 0; i < c->peers.n; i++) {
		snprintf(where, sizeof(where), "ipsec.peers[%zu]", i);
		for (j = 0; j < i; j++)
			if (addr6_eq(&p[i].address, &p[j].address)) {
				snprintf(err->msg, sizeof(err->msg),
				    "%s: %s is listed twice", where,
				    addr6_ntop(&p[i].address, buf));
				return -1;
			}
		ipsec_conf_peer(c, &p[i].address, &eff);
		if (eff.mode != IPSEC_MODE_OFF &&
		    check_auth(c, eff.auth, eff.psk_file, where, err) == -1)
			return -1;
	}
	return 0;
}
