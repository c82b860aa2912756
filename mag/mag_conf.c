/*
 * mag_conf.c: /etc/pmip6/mag.conf as a schema table (RFC 5213 sections
 * 6.9.4 and 9, RFC 6275 section 12 constants, RFC 5847 timers, RFC 4861
 * Router Advertisement knobs).
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "aaa.h"
#include "mag.h"

static const char *const dp_names[] = { "auto", "seg6", "ip6tnl", "none",
    NULL };
static const char *const level_names[] = { "err", "warn", "notice", "info",
    "debug", NULL };
static const char *const source_names[] = { "radius", "static", NULL };

#define F(n)	offsetof(struct mag_conf, n)
#define SZ(n)	CONF_SIZE(struct mag_conf, n)

static const struct conf_field access_schema[] = {
	{ .name = "interface", .type = CONF_STRING,
	  .off = offsetof(struct mag_access_conf, ifname),
	  .size = CONF_SIZE(struct mag_access_conf, ifname), .min = 1,
	  .max = IFNAMSIZ - 1, .flags = CONF_REQUIRED,
	  .help = "access interface name" },
	{ .name = "att", .type = CONF_INT,
	  .off = offsetof(struct mag_access_conf, att), .min = 1, .max = 255,
	  .def = "4", .rfc = "RFC 5213 8.5",
	  .help = "Access Technology Type of the link (4: IEEE 802.11)" },
	CONF_END
};

static const struct conf_field profile_schema[] = {
	{ .name = "mac", .type = CONF_STRING,
	  .off = offsetof(struct mag_static_profile, mac),
	  .size = CONF_SIZE(struct mag_static_profile, mac), .min = 12,
	  .max = 17, .flags = CONF_REQUIRED, .help = "the MN's MAC address" },
	{ .name = "mnid", .type = CONF_STRING,
	  .off = offsetof(struct mag_static_profile, mnid),
	  .size = CONF_SIZE(struct mag_static_profile, mnid), .min = 1,
	  .max = 253, .flags = CONF_REQUIRED, .rfc = "RFC 4283",
	  .help = "its MN identifier (NAI)" },
	{ .name = "lma", .type = CONF_ADDR6,
	  .off = offsetof(struct mag_static_profile, lma), .def = "::",
	  .help = "its LMA; :: means the default" },
	{ .name = "hnp", .type = CONF_LIST, .elem = CONF_PREFIX6,
	  .off = offsetof(struct mag_static_profile, hnp), .min = 0,
	  .max = MAG_MAX_HNP, .help = "its prefixes; empty: the LMA assigns" },
	CONF_END
};

const struct conf_field mag_conf_schema[] = {
	{ .name = "address", .type = CONF_ADDR6, .off = F(address),
	  .flags = CONF_REQUIRED, .rfc = "RFC 5213 2.2 Proxy-CoA",
	  .help = "this MAG's egress address: PBU source, tunnel end" },
	{ .name = "lma", .type = CONF_ADDR6, .off = F(lma),
	  .flags = CONF_REQUIRED, .rfc = "RFC 5213 2.2 LMAA",
	  .help = "the LMA used when RADIUS names none" },
	{ .name = "access", .type = CONF_LIST, .elem = CONF_GROUP,
	  .off = F(access), .sub = access_schema,
	  .size = sizeof(struct mag_access_conf), .min = 1, .max = 64,
	  .flags = CONF_REQUIRED, .help = "access interfaces with their ATT" },
	{ .name = "profile_source", .type = CONF_ENUM,
	  .off = F(profile_source), .enum_names = source_names,
	  .def = "radius", .rfc = "RFC 6572",
	  .help = "radius, or static (the profiles table, for labs)" },
	{ .name = "profiles", .type = CONF_LIST, .elem = CONF_GROUP,
	  .off = F(profiles), .sub = profile_schema,
	  .size = sizeof(struct mag_static_profile), .min = 0, .max = 16384,
	  .help = "static MN profiles (profile_source = \"static\")" },
	{ .name = "radius", .type = CONF_GROUP, .off = F(radius),
	  .sub = aaa_conf_schema, .rfc = "RFC 6572",
	  .help = "RADIUS servers and attribute choices" },
	{ .name = "link_local", .type = CONF_ADDR6, .off = F(link_local),
	  .def = "fe80::200:5eff:fe00:5213", .rfc = "RFC 6543, RFC 5213 9.3 "
	  "FixedMAGLinkLocalAddressOnAllAccessLinks",
	  .help = "link-local address every MAG uses on access links" },
	{ .name = "link_mac", .type = CONF_STRING, .off = F(link_mac),
	  .size = SZ(link_mac), .min = 12, .max = 17,
	  .def = "00:00:5e:00:52:13", .rfc = "RFC 6543, RFC 5213 9.3 "
	  "FixedMAGLinkLayerAddressOnAllAccessLinks",
	  .help = "MAC address every MAG uses on access links" },
	{ .name = "lifetime", .type = CONF_INT, .off = F(lifetime),
	  .min = 4, .max = 262140, .def = "3600", .rfc = "RFC 6275 6.1.7",
	  .help = "binding lifetime requested in PBUs, seconds" },
	{ .name = "InitialBindackTimeoutFirstReg", .type = CONF_MS,
	  .off = F(InitialBindackTimeoutFirstReg), .min = 100, .max = 60000,
	  .def = "1500", .rfc = "RFC 6275 13",
	  .help = "ms before the first retransmission of an initial PBU" },
	{ .name = "INITIAL_BINDACK_TIMEOUT", .type = CONF_MS,
	  .off = F(INITIAL_BINDACK_TIMEOUT), .min = 100, .max = 60000,
	  .def = "1000", .rfc = "RFC 6275 12, RFC 5213 6.9.4",
	  .help = "ms before the first retransmission of a re-registration" },
	{ .name = "MAX_BINDACK_TIMEOUT", .type = CONF_MS,
	  .off = F(MAX_BINDACK_TIMEOUT), .min = 100, .max = 600000,
	  .def = "32000", .rfc = "RFC 6275 12",
	  .help = "ms cap of the retransmission back-off" },
	{ .name = "max_retransmissions", .type = CONF_INT,
	  .off = F(max_retransmissions), .min = 0, .max = 100, .def = "6",
	  .rfc = "RFC 5213 6.9.4",
	  .help = "PBUs sent before a registration is declared failed" },
	{ .name = "refresh_percent", .type = CONF_INT,
	  .off = F(refresh_percent), .min = 10, .max = 95, .def = "80",
	  .help = "re-register when this much of the lifetime has passed" },
	{ .name = "TimestampBasedApproachInUse", .type = CONF_BOOL,
	  .off = F(TimestampBasedApproachInUse), .def = "true",
	  .rfc = "RFC 5213 9.3", .help = "put a Timestamp option in PBUs" },
	{ .name = "ra_managed", .type = CONF_BOOL, .off = F(ra_managed),
	  .def = "false", .rfc = "RFC 4861 4.2",
	  .help = "M flag: addresses from DHCPv6" },
	{ .name = "ra_other", .type = CONF_BOOL, .off = F(ra_other),
	  .def = "false", .rfc = "RFC 4861 4.2",
	  .help = "O flag: other configuration from DHCPv6" },
	{ .name = "ra_mtu", .type = CONF_INT, .off = F(ra_mtu), .min = 0,
	  .max = 65535, .def = "1460", .rfc = "RFC 5213 6.7",
	  .help = "MTU option (tunnel overhead taken off); 0: none" },
	{ .name = "ra_interval", .type = CONF_INT, .off = F(ra_interval),
	  .min = 0, .max = 1800, .def = "200", .rfc = "RFC 4861 6.2.1",
	  .help = "seconds between unsolicited RAs to each MN; 0: none" },
	{ .name = "router_lifetime", .type = CONF_INT,
	  .off = F(router_lifetime), .min = 0, .max = 9000, .def = "1800",
	  .rfc = "RFC 4861 6.2.1", .help = "Router Lifetime in RAs, seconds" },
	{ .name = "probe_after", .type = CONF_MS, .off = F(probe_after),
	  .min = 100, .max = 3600000, .def = "10000", .rfc = "RFC 4861 7.3",
	  .help = "ms without a frame before the MN is probed" },
	{ .name = "gone_after", .type = CONF_MS, .off = F(gone_after),
	  .min = 200, .max = 3600000, .def = "30000",
	  .help = "ms without a frame before the MN counts as detached" },
	{ .name = "reject_holddown", .type = CONF_MS,
	  .off = F(reject_holddown), .min = 0, .max = 3600000, .def = "60000",
	  .help = "ms a refused MN is ignored before it may try again" },
	{ .name = "new_mns_per_second", .type = CONF_INT,
	  .off = F(new_mns_per_second), .min = 0, .max = 1000000,
	  .def = "5000", .help = "unknown MACs acted on per second and "
	  "access link, against floods; 0: no limit" },
	{ .name = "HEARTBEAT_INTERVAL", .type = CONF_INT,
	  .off = F(HEARTBEAT_INTERVAL), .min = 0, .max = 3600, .def = "60",
	  .rfc = "RFC 5847 5", .help = "seconds between heartbeats, 0: off" },
	{ .name = "MISSING_HEARTBEATS_ALLOWED", .type = CONF_INT,
	  .off = F(MISSING_HEARTBEATS_ALLOWED), .min = 1, .max = 100,
	  .def = "3", .rfc = "RFC 5847 5",
	  .help = "unanswered heartbeats before the path is declared down" },
	{ .name = "dataplane", .type = CONF_ENUM, .off = F(dataplane),
	  .enum_names = dp_names, .def = "auto",
	  .help = "tunnel backend: auto, seg6, ip6tnl or none" },
	{ .name = "control_socket", .type = CONF_STRING,
	  .off = F(control_socket), .size = SZ(control_socket), .min = 1,
	  .max = 107, .def = "/run/pmip6/mag.sock",
	  .help = "path of the pmip6ctl control socket" },
	{ .name = "expected_mns", .type = CONF_INT, .off = F(expected_mns),
	  .min = 1, .max = 16777216, .def = "1024",
	  .help = "sizes the MN indexes up front" },
	{ .name = "ipsec", .type = CONF_GROUP, .off = F(ipsec),
	  .sub = pmip6_ipsec_schema, .rfc = "RFC 5213 4",
	  .help = "IPsec for the signaling with each LMA (charon plugin)" },
	{ .name = "log_level", .type = CONF_ENUM, .off = F(log_level),
	  .enum_names = level_names, .def = "info",
	  .help = "err, warn, notice, info or debug" },
	CONF_END
};

void
mag_conf_release(struct mag_conf *c)
{
	conf_free(mag_conf_schema, c);
}

static int
fail(struct conf_err *err, const char *path, const char *msg, const char *arg)
{
	snprintf(err->file, sizeof(err->file), "%s", path);
	err->line = 0;
	snprintf(err->msg, sizeof(err->msg), "%s%s", msg, arg);
	return -1;
}

int
mag_conf_load(struct mag_conf *c, const char *path, struct conf_err *err)
{
	const struct mag_static_profile *sp;
	config_t cfg;
	uint8_t mac[6];
	size_t i;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	if (conf_defaults(mag_conf_schema, c, err) == -1)
		return -1;
	config_init(&cfg);
	if (conf_load_file(&cfg, path, err) == 0 &&
	    conf_apply(config_root_setting(&cfg), mag_conf_schema, c,
	    err) == 0)
		rc = 0;
	config_destroy(&cfg);
	/* Checks that span settings. */
	if (rc == 0 && mac_parse(c->link_mac, mac) == -1)
		rc = fail(err, path, "link_mac: not a MAC address: ",
		    c->link_mac);
	if (rc == 0 && !addr6_is_linklocal(&c->link_local))
		rc = fail(err, path, "link_local: not a link-local address",
		    "");
	sp = c->profiles.v;
	for (i = 0; rc == 0 && i < c->profiles.n; i++)
		if (mac_parse(sp[i].mac, mac) == -1)
			rc = fail(err, path, "profiles: not a MAC address: ",
			    sp[i].mac);
	if (rc == 0 && c->profile_source == MAG_PROFILE_STATIC &&
	    c->profiles.n == 0)
		rc = fail(err, path, "profile_source is static but the "
		    "profiles table is empty", "");
	if (rc == 0 && c->profile_source == MAG_PROFILE_RADIUS) {
		char why[256];

		if (aaa_config_check(&c->radius, why, sizeof(why)) == -1)
			rc = fail(err, path, "radius: ", why);
	}
	if (rc == 0 && ipsec_conf_check(&c->ipsec, err) == -1) {
		if (err->file[0] == '\0')
			snprintf(err->file, sizeof(err->file), "%s", path);
		rc = -1;
	}
	if (rc == -1)
		mag_conf_release(c);
	return rc;
}
