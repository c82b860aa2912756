/*
 * lma_conf.c: /etc/pmip6/lma.conf, as a schema table (RFC 5213 section 9
 * variables under their RFC names; RFC 5846 11 and RFC 5847 5 timers).
 *
 * The table is the single description of every setting: the loader, the
 * `-n` printer and the documentation all read it.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "lma.h"

static const char *const dp_names[] = { "auto", "seg6", "ip6tnl", "none",
    NULL };
static const char *const level_names[] = { "err", "warn", "notice", "info",
    "debug", NULL };

#define F(n)	offsetof(struct lma_conf, n)
#define SZ(n)	CONF_SIZE(struct lma_conf, n)

const struct conf_field lma_conf_schema[] = {
	{ .name = "address", .type = CONF_ADDR6, .off = F(lmaa),
	  .flags = CONF_REQUIRED, .rfc = "RFC 5213 2.2 LMAA",
	  .help = "the LMA address: PBUs arrive here, tunnels end here" },
	{ .name = "hnp_pools", .type = CONF_LIST, .elem = CONF_PREFIX6,
	  .off = F(pool), .min = 0, .max = 16,
	  .rfc = "RFC 5213 5.3.2",
	  .help = "prefixes home network prefixes are allocated from" },
	{ .name = "hnp_length", .type = CONF_INT, .off = F(hnp_len),
	  .min = 1, .max = 128, .def = "64",
	  .help = "length of each allocated home network prefix" },
	{ .name = "hnp_per_mn", .type = CONF_INT, .off = F(hnp_per_mn),
	  .min = 1, .max = LMA_MAX_HNP_PER_MN, .def = "1",
	  .help = "prefixes allocated to each mobile node interface" },
	{ .name = "proposed_hnp_ranges", .type = CONF_LIST,
	  .elem = CONF_PREFIX6, .off = F(proposed), .min = 0, .max = 16,
	  .rfc = "RFC 5213 5.3.2",
	  .help = "ranges a MAG may propose prefixes from (learnt from "
	  "RADIUS); empty: none" },
	{ .name = "authorized_mags", .type = CONF_LIST, .elem = CONF_PREFIX6,
	  .off = F(mag), .min = 1, .max = 256, .flags = CONF_REQUIRED,
	  .rfc = "RFC 5213 5.3.1 step 5",
	  .help = "MAG addresses or prefixes allowed to send PBUs" },
	{ .name = "MinDelayBeforeBCEDelete", .type = CONF_MS,
	  .off = F(MinDelayBeforeBCEDelete), .min = 0, .max = 3600000,
	  .def = "10000", .rfc = "RFC 5213 9.1",
	  .help = "ms a de-registered binding is kept before deletion" },
	{ .name = "MaxDelayBeforeNewBCEAssign", .type = CONF_MS,
	  .off = F(MaxDelayBeforeNewBCEAssign), .min = 0, .max = 60000,
	  .def = "1500", .rfc = "RFC 5213 9.1",
	  .help = "ms to wait for the old MAG's de-registration (HI=4)" },
	{ .name = "TimestampValidityWindow", .type = CONF_MS,
	  .off = F(TimestampValidityWindow), .min = 0, .max = 3600000,
	  .def = "300", .rfc = "RFC 5213 9.1",
	  .help = "ms a PBU timestamp may differ from the LMA's clock" },
	{ .name = "TimestampBasedApproachInUse", .type = CONF_BOOL,
	  .off = F(TimestampBasedApproachInUse), .def = "true",
	  .rfc = "RFC 5213 9.3",
	  .help = "order PBUs by timestamp; false: by sequence number" },
	{ .name = "MobileNodeGeneratedTimestampInUse", .type = CONF_BOOL,
	  .off = F(MobileNodeGeneratedTimestampInUse), .def = "false",
	  .rfc = "RFC 5213 9.3",
	  .help = "skip the validity window, check only monotonicity" },
	{ .name = "wait_for_deregistration", .type = CONF_BOOL,
	  .off = F(wait_for_dereg), .def = "true", .rfc = "RFC 5213 5.4.1.2",
	  .help = "with HI=4, wait MaxDelayBeforeNewBCEAssign for the old "
	  "MAG" },
	{ .name = "max_lifetime", .type = CONF_INT, .off = F(max_lifetime),
	  .min = 4, .max = 262140, .def = "3600", .rfc = "RFC 6275 6.1.8",
	  .help = "longest binding lifetime granted, seconds" },
	{ .name = "revocation", .type = CONF_BOOL, .off = F(revocation),
	  .def = "true", .rfc = "RFC 5846",
	  .help = "send a BRI to the previous MAG on handoff" },
	{ .name = "BRIMaxRetriesNumber", .type = CONF_INT,
	  .off = F(BRIMaxRetriesNumber), .min = 0, .max = 10, .def = "1",
	  .rfc = "RFC 5846 11", .help = "BRI retransmissions" },
	{ .name = "InitMINDelayBRIs", .type = CONF_MS,
	  .off = F(InitMINDelayBRIs), .min = 500, .max = 60000, .def = "1000",
	  .rfc = "RFC 5846 11", .help = "ms before the first BRI "
	  "retransmission" },
	{ .name = "MAX_BRACK_TIMEOUT", .type = CONF_MS,
	  .off = F(MAX_BRACK_TIMEOUT), .min = 500, .max = 60000,
	  .def = "2000", .rfc = "RFC 5846 11",
	  .help = "ms cap of the BRI retransmission back-off" },
	{ .name = "HEARTBEAT_INTERVAL", .type = CONF_INT,
	  .off = F(HEARTBEAT_INTERVAL), .min = 0, .max = 3600, .def = "60",
	  .rfc = "RFC 5847 5", .help = "seconds between heartbeats, 0: off" },
	{ .name = "MISSING_HEARTBEATS_ALLOWED", .type = CONF_INT,
	  .off = F(MISSING_HEARTBEATS_ALLOWED), .min = 1, .max = 100,
	  .def = "3", .rfc = "RFC 5847 5",
	  .help = "unanswered heartbeats before the path is declared down" },
	{ .name = "release_on_path_failure", .type = CONF_BOOL,
	  .off = F(release_on_path_failure), .def = "false",
	  .rfc = "RFC 5847 5", .help = "release a MAG's bindings when its "
	  "path fails or it restarts" },
	{ .name = "expected_bindings", .type = CONF_INT,
	  .off = F(expected_bindings), .min = 1, .max = 16777216,
	  .def = "1024", .help = "sizes the binding indexes up front" },
	{ .name = "dataplane", .type = CONF_ENUM, .off = F(dataplane),
	  .enum_names = dp_names, .def = "auto",
	  .help = "tunnel backend: auto, seg6, ip6tnl or none (signaling "
	  "only)" },
	{ .name = "control_socket", .type = CONF_STRING,
	  .off = F(control_socket), .size = SZ(control_socket), .min = 1,
	  .max = 107, .def = "/run/pmip6/lma.sock",
	  .help = "path of the pmip6ctl control socket" },
	{ .name = "restart_counter_file", .type = CONF_STRING,
	  .off = F(restart_file), .size = SZ(restart_file), .min = 0,
	  .max = 255, .def = "/var/lib/pmip6/lma.restart",
	  .rfc = "RFC 5847 3.2", .help = "where the restart counter "
	  "persists; empty: not kept" },
	{ .name = "ipsec", .type = CONF_GROUP, .off = F(ipsec),
	  .sub = pmip6_ipsec_schema, .rfc = "RFC 5213 4",
	  .help = "IPsec for the signaling with each MAG (charon plugin)" },
	{ .name = "log_level", .type = CONF_ENUM, .off = F(log_level),
	  .enum_names = level_names, .def = "info",
	  .help = "err, warn, notice, info or debug" },
	CONF_END
};

void
lma_conf_defaults(struct lma_conf *c)
{
	struct conf_err err;

	memset(c, 0, sizeof(*c));
	(void)conf_defaults(lma_conf_schema, c, &err);
}

void
lma_conf_release(struct lma_conf *c)
{
	conf_free(lma_conf_schema, c);
}

int
lma_conf_load(struct lma_conf *c, const char *path, struct conf_err *err)
{
	config_t cfg;
	const struct prefix6 *pool;
	size_t i;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	if (conf_defaults(lma_conf_schema, c, err) == -1)
		return -1;
	config_init(&cfg);
	if (conf_load_file(&cfg, path, err) == 0 &&
	    conf_apply(config_root_setting(&cfg), lma_conf_schema, c,
	    err) == 0)
		rc = 0;
	/* Checks that span settings. */
	pool = c->pool.v;
	for (i = 0; rc == 0 && i < c->pool.n; i++) {
		if (pool[i].len > c->hnp_len) {
			snprintf(err->file, sizeof(err->file), "%s", path);
			err->line = 0;
			snprintf(err->msg, sizeof(err->msg), "hnp_pools: a /%u "
			    "pool cannot hold /%d prefixes", pool[i].len,
			    c->hnp_len);
			rc = -1;
		}
	}
	if (rc == 0 && ipsec_conf_check(&c->ipsec, err) == -1) {
		if (err->file[0] == '\0')
			snprintf(err->file, sizeof(err->file), "%s", path);
		rc = -1;
	}
	if (rc == 0 && c->pool.n == 0 && c->proposed.n == 0) {
		snprintf(err->file, sizeof(err->file), "%s", path);
		err->line = 0;
		snprintf(err->msg, sizeof(err->msg), "neither hnp_pools nor "
		    "proposed_hnp_ranges: no prefix could ever be assigned");
		rc = -1;
	}
	config_destroy(&cfg);
	if (rc == -1)
		lma_conf_release(c);
	return rc;
}
