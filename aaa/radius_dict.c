/*
 * radius_dict.c: the radcli handle libaaa keeps its dictionaries in,
 * with the RFC 6572 section 4 dictionary built in.
 *
 * radcli's stock dictionary lacks RFC 6572, and radcli drops reply
 * attributes it cannot name, so aaa/dictionary.pmip6 is compiled in
 * (radius_dict.inc, made from it at build time) and loaded after the
 * stock one: radcli does not follow $INCLUDE in a buffer.  The handle
 * has no server configuration: radius_udp.c does the sending.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "aaa_int.h"

static const char radius_dictionary[] =
#include "aaa/radius_dict.inc"
    ;

rc_handle *
radius_dict_handle(const char *base, char *err, size_t errlen)
{
	rc_handle *rh;

	if ((rh = rc_new()) == NULL || rc_config_init(rh) == NULL) {
		snprintf(err, errlen, "radcli: out of memory");
		return NULL;	/* rc_config_init() freed rh */
	}
	if (rc_read_dictionary(rh, base) != 0) {
		snprintf(err, errlen, "radcli cannot read the dictionary %s",
		    base);
		rc_destroy(rh);
		return NULL;
	}
	if (rc_read_dictionary_from_buffer(rh, radius_dictionary,
	    sizeof(radius_dictionary) - 1) != 0 ||
	    rc_dict_getattr(rh, RADIUS_MOBILE_NODE_IDENTIFIER) == NULL) {
		snprintf(err, errlen, "radcli refused the built-in RFC 6572 "
		    "dictionary");
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
