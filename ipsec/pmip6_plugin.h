/*
 * pmip6_plugin.h: libstrongswan-pmip6.so, the charon plugin that gives
 * the pmip6 daemons their IPsec SAs (RFC 5213 section 4, RFC 4877):
 * configs from the daemons' files, SA events to the daemons, SAs
 * initiated when a daemon asks.
 *
 * strongswan.conf:
 *   charon.plugins.pmip6.config   files to read: paths or globs,
 *                                 separated by commas or spaces
 *                                 (default: every .conf file in
 *                                 /etc/pmip6)
 *
 * @defgroup pmip6 pmip6
 * @ingroup cplugins
 *
 * @defgroup pmip6_plugin pmip6_plugin
 * @{ @ingroup pmip6
 */
#ifndef PMIP6_PLUGIN_H_
#define PMIP6_PLUGIN_H_

#include <plugins/plugin.h>

typedef struct pmip6_plugin_t pmip6_plugin_t;

struct pmip6_plugin_t {

	/**
	 * implements plugin interface
	 */
	plugin_t plugin;
};

/**
 * The constructor charon's plugin loader looks for.
 */
plugin_t *pmip6_plugin_create(void);

#endif /** PMIP6_PLUGIN_H_ @}*/
