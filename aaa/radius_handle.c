/*
 * radius_handle.c: radcli handles made from our configuration, never
 * from /etc/radcli, with the RFC 6572 dictionary built in.
 *
 * radcli's dictionary lacks RFC 6572 section 4 and radcli drops reply
 * attributes it cannot name, so aaa/dictionary.pmip6 is compiled in
 * (radius_dict.inc, made from it at build time) and loaded after the
 * stock dictionary: radcli does not follow $INCLUDE in a buffer.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "aaa_int.h"

static const char radius_dictionary[] =
#include "aaa/radius_dict.inc"
    ;

static int
radius_load_dicts(rc_handle *rh, const char *base, char *err, size_t errlen)
{
	if (rc_read_dictionary(rh, base) != 0) {
		snprintf(err, errlen, "radcli cannot read the dictionary %s",
		    base);
		return -1;
	}
	if (rc_read_dictionary_from_buffer(rh, radius_dictionary,
	    sizeof(radius_dictionary) - 1) != 0 ||
	    rc_dict_getattr(rh, RADIUS_MOBILE_NODE_IDENTIFIER) == NULL) {
		snprintf(err, errlen, "radcli refused the built-in RFC 6572 "
		    "dictionary");
		return -1;
	}
	return 0;
}

rc_handle *
radius_dict_handle(const char *base, char *err, size_t errlen)
{
	rc_handle *rh;

	if ((rh = rc_new()) == NULL || rc_config_init(rh) == NULL) {
		snprintf(err, errlen, "radcli: out of memory");
		return NULL;	/* rc_config_init() freed rh */
	}
	if (radius_load_dicts(rh, base, err, errlen) == -1) {
		rc_destroy(rh);
		return NULL;
	}
	return rh;
}

/* "[2001:db8::1]:1812:secret" or "192.0.2.1:1812:secret". */
static void
server_option(char *buf, size_t len, const char *addr, int port,
    const char *secret)
{
	if (strchr(addr, ':') != NULL)
		snprintf(buf, len, "[%s]:%d:%s", addr, port, secret);
	else
		snprintf(buf, len, "%s:%d:%s", addr, port, secret);
}

rc_handle *
radius_handle_new(const struct aaa_config *c, const struct aaa_server_conf *s,
    const char *secret, char *err, size_t errlen)
{
	char opt[INET6_ADDRSTRLEN + RADIUS_SECRET_MAX + 16], num[16];
	rc_handle *rh;
	int bad = 0;

	if ((rh = rc_new()) == NULL || rc_config_init(rh) == NULL) {
		snprintf(err, errlen, "radcli: out of memory");
		return NULL;
	}
	server_option(opt, sizeof(opt), s->address, s->auth_port, secret);
	bad |= rc_add_config(rh, "authserver", opt, __func__, __LINE__);
	server_option(opt, sizeof(opt), s->address, s->acct_port, secret);
	bad |= rc_add_config(rh, "acctserver", opt, __func__, __LINE__);
	explicit_bzero(opt, sizeof(opt));
	snprintf(num, sizeof(num), "%d", c->timeout);
	bad |= rc_add_config(rh, "radius_timeout", num, __func__, __LINE__);
	snprintf(num, sizeof(num), "%d", c->retries);
	bad |= rc_add_config(rh, "radius_retries", num, __func__, __LINE__);
	bad |= rc_add_config(rh, "bindaddr", c->bind_address[0] != '\0' ?
	    c->bind_address : "*", __func__, __LINE__);
	bad |= rc_add_config(rh, "dictionary", c->dictionary, __func__,
	    __LINE__);
	if (bad != 0 || rc_apply_config(rh) != 0) {
		snprintf(err, errlen, "radcli refused the configuration of "
		    "server %s", s->address);
		rc_destroy(rh);
		return NULL;
	}
	if (radius_load_dicts(rh, c->dictionary, err, errlen) == -1) {
		rc_destroy(rh);
		return NULL;
	}
	return rh;
}

void
radius_handle_free(rc_handle *rh)
{
	if (rh != NULL)
		rc_destroy(rh);
}
