/*
 * aaa_conf.c: the "radius" group of mag.conf as a schema table, the
 * checks a table cannot express, and reading the shared secrets.
 *
 * Attribute choices follow RFC 6572 5.1 (Service-Type SHOULD be Login,
 * NAS-Port-Type SHOULD be present) and RFC 3580 3.21 (the MAC as
 * Calling-Station-Id, "02-00-00-00-00-01").  Secrets live in files of
 * their own, never in mag.conf, so the configuration can be world-
 * readable and a secret file cannot be.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aaa_int.h"

/* In the order of enum mac_style. */
static const char *const mac_format_names[] = { "colon-lower",
    "colon-upper", "dash-lower", "dash-upper", "plain-lower",
    "plain-upper", NULL };

/* RFC 2865 5.41 and the IANA registry; "none" sends no NAS-Port-Type. */
static const char *const nas_port_type_names[] = { "none", "virtual",
    "ethernet", "xdsl", "cable", "wireless-other", "wireless-802.11",
    "wireless-cdma2000", "wireless-umts", "wireless-1xev",
    "wireless-802.16", NULL };
static const int nas_port_type_values[] = { -1, 5, 15, 16, 17, 18, 19, 22,
    23, 24, 27 };

/* RFC 2865 5.6; 17 is Authorize-Only (RFC 5176 3.1). */
static const char *const service_type_names[] = { "none", "login",
    "framed", "authorize-only", NULL };
static const int service_type_values[] = { -1, 1, 2, 17 };

/* In the order of enum aaa_mnid_source. */
static const char *const mnid_names[] = { "mobile-node-identifier",
    "user-name", "chargeable-user-identity", NULL };

#define S(n)	offsetof(struct aaa_server_conf, n)
#define SSZ(n)	CONF_SIZE(struct aaa_server_conf, n)
#define F(n)	offsetof(struct aaa_config, n)
#define SZ(n)	CONF_SIZE(struct aaa_config, n)

static const struct conf_field aaa_server_schema[] = {
	{ .name = "address", .type = CONF_STRING, .off = S(address),
	  .size = SSZ(address), .min = 1, .flags = CONF_REQUIRED,
	  .help = "IPv6 or IPv4 address of the RADIUS server" },
	{ .name = "auth_port", .type = CONF_INT, .off = S(auth_port),
	  .min = 1, .max = 65535, .def = "1812", .rfc = "RFC 2865 3",
	  .help = "UDP port for Access-Requests" },
	{ .name = "acct_port", .type = CONF_INT, .off = S(acct_port),
	  .min = 1, .max = 65535, .def = "1813", .rfc = "RFC 2866 3",
	  .help = "UDP port for Accounting-Requests" },
	{ .name = "secret_file", .type = CONF_STRING, .off = S(secret_file),
	  .size = SSZ(secret_file), .min = 1, .flags = CONF_REQUIRED,
	  .rfc = "RFC 2865 3",
	  .help = "file holding the shared secret; mode 0600 or stricter" },
	CONF_END
};

const struct conf_field aaa_conf_schema[] = {
	{ .name = "servers", .type = CONF_LIST, .elem = CONF_GROUP,
	  .off = F(servers), .min = 0, .max = AAA_MAX_SERVERS,
	  .size = sizeof(struct aaa_server_conf), .sub = aaa_server_schema,
	  .help = "RADIUS servers, primary first; empty: no RADIUS" },
	{ .name = "timeout_ms", .type = CONF_MS, .off = F(timeout_ms),
	  .min = 50, .max = 60000, .def = "3000", .rfc = "RFC 5080 2.2.1",
	  .help = "ms to wait for a reply to each try" },
	{ .name = "retries", .type = CONF_INT, .off = F(retries), .min = 0,
	  .max = 10, .def = "2",
	  .help = "retransmissions to a server before failing over" },
	{ .name = "retry_primary_interval", .type = CONF_INT,
	  .off = F(retry_primary_interval), .min = 0, .max = 86400,
	  .def = "0",
	  .help = "seconds after a failover before trying the first "
	  "server again; 0: never" },
	{ .name = "workers", .type = CONF_INT, .off = F(workers), .min = 1,
	  .max = 256, .def = "8",
	  .help = "threads running radcli: exchanges in flight at once" },
	{ .name = "queue_max", .type = CONF_INT, .off = F(queue_max),
	  .min = 1, .max = 1048576, .def = "4096",
	  .help = "requests waiting for a worker before new ones fail" },
	{ .name = "mac_format", .type = CONF_ENUM, .off = F(mac_format),
	  .enum_names = mac_format_names, .def = "dash-upper",
	  .rfc = "RFC 3580 3.21",
	  .help = "MAC text in User-Name and Calling-Station-Id" },
	{ .name = "realm", .type = CONF_STRING, .off = F(realm),
	  .size = SZ(realm), .def = "", .rfc = "RFC 6572 5.1",
	  .help = "if set, User-Name is MAC@realm (an NAI)" },
	{ .name = "mac_as_password", .type = CONF_BOOL,
	  .off = F(mac_as_password), .def = "false", .rfc = "RFC 2865 4.1",
	  .help = "send the MAC as User-Password too, for servers that "
	  "want one" },
	{ .name = "nas_identifier", .type = CONF_STRING,
	  .off = F(nas_identifier), .size = SZ(nas_identifier), .def = "",
	  .rfc = "RFC 2865 5.32", .help = "NAS-Identifier; empty: not sent" },
	{ .name = "nas_ipv6_address", .type = CONF_ADDR6,
	  .off = F(nas_ipv6_address), .def = "::", .rfc = "RFC 3162 2.1",
	  .help = "NAS-IPv6-Address; \"::\": the source address of each "
	  "request" },
	{ .name = "bind_address", .type = CONF_STRING,
	  .off = F(bind_address), .size = SZ(bind_address), .def = "",
	  .help = "source address of requests; empty: chosen by routing" },
	{ .name = "message_authenticator", .type = CONF_BOOL,
	  .off = F(message_authenticator), .def = "true",
	  .rfc = "RFC 3579 3.2",
	  .help = "sign Access-Requests with a Message-Authenticator" },
	{ .name = "require_message_authenticator", .type = CONF_BOOL,
	  .off = F(require_message_authenticator), .def = "false",
	  .rfc = "RFC 3579 3.2",
	  .help = "drop Access-Accept/Reject without one (FreeRADIUS 3.2.1 "
	  "signs none)" },
	{ .name = "nas_port_type", .type = CONF_ENUM,
	  .off = F(nas_port_type), .enum_names = nas_port_type_names,
	  .def = "wireless-802.11", .rfc = "RFC 2865 5.41, RFC 6572 5.1",
	  .help = "NAS-Port-Type of the access links" },
	{ .name = "send_nas_port", .type = CONF_BOOL, .off = F(send_nas_port),
	  .def = "false", .rfc = "RFC 2865 5.5",
	  .help = "send the access interface's index as NAS-Port" },
	{ .name = "service_type", .type = CONF_ENUM, .off = F(service_type),
	  .enum_names = service_type_names, .def = "login",
	  .rfc = "RFC 6572 5.1", .help = "Service-Type of Access-Requests" },
	{ .name = "feature_vector", .type = CONF_BOOL,
	  .off = F(feature_vector), .def = "true", .rfc = "RFC 6572 4.1",
	  .help = "send MIP6-Feature-Vector with PMIP6_SUPPORTED" },
	{ .name = "mnid_from", .type = CONF_LIST, .elem = CONF_ENUM,
	  .off = F(mnid_from), .min = 0, .max = 3, .enum_names = mnid_names,
	  .rfc = "RFC 6572 4.2",
	  .help = "where the MN identifier comes from, in order; empty: "
	  "[ \"mobile-node-identifier\" ]" },
	{ .name = "accounting", .type = CONF_BOOL, .off = F(accounting),
	  .def = "true", .rfc = "RFC 2866",
	  .help = "send Accounting-Requests" },
	{ .name = "dictionary", .type = CONF_STRING, .off = F(dictionary),
	  .size = SZ(dictionary), .min = 1, .def = "/etc/radcli/dictionary",
	  .help = "radcli's stock dictionary (attribute names for radcli); "
	  "RFC 6572's is built in" },
	{ .name = "dm_port", .type = CONF_INT, .off = F(dm_port), .min = 0,
	  .max = 65535, .def = "0", .rfc = "RFC 5176 3",
	  .help = "UDP port for Disconnect-Requests from the servers "
	  "(3799); 0: not listening" },
	{ .name = "dm_address", .type = CONF_STRING, .off = F(dm_address),
	  .size = SZ(dm_address), .def = "", .rfc = "RFC 5176 3",
	  .help = "address to take Disconnect-Requests on; empty: any" },
	CONF_END
};

void
aaa_config_defaults(struct aaa_config *c)
{
	struct conf_err err;

	memset(c, 0, sizeof(*c));
	(void)conf_defaults(aaa_conf_schema, c, &err);
}

void
aaa_config_release(struct aaa_config *c)
{
	conf_free(aaa_conf_schema, c);
}

int
aaa_nas_port_type_value(int idx)
{
	if (idx < 0 || (size_t)idx >= sizeof(nas_port_type_values) /
	    sizeof(nas_port_type_values[0]))
		return -1;
	return nas_port_type_values[idx];
}

int
aaa_service_type_value(int idx)
{
	if (idx < 0 || (size_t)idx >= sizeof(service_type_values) /
	    sizeof(service_type_values[0]))
		return -1;
	return service_type_values[idx];
}

int
aaa_read_secret(const char *path, char *buf, size_t len, char *err,
    size_t errlen)
{
	char tmp[512];
	struct stat st;
	ssize_t n;
	size_t l;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	/* Refused rather than warned about: a leaked secret is silent. */
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen, "%s: group or others have access (mode "
		    "%04o); chmod 600 it", path, (unsigned)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	n = read(fd, tmp, sizeof(tmp) - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	tmp[n] = '\0';
	/* The first line; a NUL in it would be a truncated secret. */
	for (l = 0; l < (size_t)n && tmp[l] != '\r' && tmp[l] != '\n'; l++)
		if (tmp[l] == '\0')
			break;
	if (l < (size_t)n && tmp[l] == '\0')
		l = 0;
	tmp[l] = '\0';
	if (l == 0 || l > RADIUS_SECRET_MAX || l >= len) {
		snprintf(err, errlen, "%s: the secret on its first line must "
		    "have 1..%d octets", path, RADIUS_SECRET_MAX);
		explicit_bzero(tmp, sizeof(tmp));
		return -1;
	}
	memcpy(buf, tmp, l + 1);
	explicit_bzero(tmp, sizeof(tmp));
	return 0;
}

static int
addr_family(const char *s)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET6, s, &a6) == 1)
		return AF_INET6;
	if (inet_pton(AF_INET, s, &a4) == 1)
		return AF_INET;
	return -1;
}

int
aaa_config_check(const struct aaa_config *c, char *err, size_t errlen)
{
	const struct aaa_server_conf *s = c->servers.v;
	char secret[RADIUS_SECRET_MAX + 1], why[384];
	int bindfam = -1, dmfam = -1, fam;
	size_t i;

	if (c->servers.n == 0) {
		snprintf(err, errlen, "radius.servers: no server given");
		return -1;
	}
	if (c->servers.n > AAA_MAX_SERVERS) {
		snprintf(err, errlen, "radius.servers: more than %d",
		    AAA_MAX_SERVERS);
		return -1;
	}
	if (c->bind_address[0] != '\0' &&
	    (bindfam = addr_family(c->bind_address)) == -1) {
		snprintf(err, errlen, "radius.bind_address: \"%s\" is not an "
		    "IPv6 or IPv4 address", c->bind_address);
		return -1;
	}
	if (c->dm_address[0] != '\0' &&
	    (dmfam = addr_family(c->dm_address)) == -1) {
		snprintf(err, errlen, "radius.dm_address: \"%s\" is not an "
		    "IPv6 or IPv4 address", c->dm_address);
		return -1;
	}
	for (i = 0; i < c->servers.n; i++) {
		if ((fam = addr_family(s[i].address)) == -1) {
			snprintf(err, errlen, "radius.servers[%zu].address: "
			    "\"%s\" is not an IPv6 or IPv4 address", i,
			    s[i].address);
			return -1;
		}
		if (bindfam != -1 && fam != bindfam) {
			snprintf(err, errlen, "radius.servers[%zu].address: "
			    "%s cannot be reached from bind_address %s", i,
			    s[i].address, c->bind_address);
			return -1;
		}
		/* The servers are the Dynamic Authorization clients. */
		if (c->dm_port != 0 && dmfam != -1 && fam != dmfam) {
			snprintf(err, errlen, "radius.servers[%zu].address: "
			    "%s cannot reach dm_address %s", i, s[i].address,
			    c->dm_address);
			return -1;
		}
		if (aaa_read_secret(s[i].secret_file, secret, sizeof(secret),
		    why, sizeof(why)) == -1) {
			snprintf(err, errlen, "radius.servers[%zu].secret_file:"
			    " %s", i, why);
			return -1;
		}
		explicit_bzero(secret, sizeof(secret));
	}
	if (access(c->dictionary, R_OK) == -1) {
		snprintf(err, errlen, "radius.dictionary: %s: %s",
		    c->dictionary, strerror(errno));
		return -1;
	}
	return 0;
}
