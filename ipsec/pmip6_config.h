/*
 * pmip6_config.h: a charon backend serving IKE, peer and child configs
 * (and their credentials) built from the pmip6 daemons' own
 * configuration files, so peers are written once, in lma.conf/mag.conf.
 *
 * @defgroup pmip6_config pmip6_config
 * @{ @ingroup pmip6
 */
#ifndef PMIP6_CONFIG_H_
#define PMIP6_CONFIG_H_

#include <config/backend.h>
#include <collections/linked_list.h>
#include <networking/host.h>

#include "addr.h"

/** Prefix of the names of every config this plugin serves. */
#define PMIP6_CFG_PREFIX "pmip6:"

typedef struct pmip6_config_t pmip6_config_t;

/**
 * A guard (ipsec_site.h) with the site address it protects.
 */
typedef struct {
	struct in6_addr local;
	struct prefix6 remote;
	bool pass;
} pmip6_guard_t;

struct pmip6_config_t {

	/**
	 * backend_t interface; first, so charon may call through it.
	 */
	backend_t backend;

	/**
	 * Read the configuration files again and replace every config.
	 *
	 * @return		FALSE if a file could not be used (others are)
	 */
	bool (*reload)(pmip6_config_t *this);

	/**
	 * The config to initiate an SA with peer from.  A site learns a
	 * peer it has no /128 config for: a MAG an LMA named by RADIUS, an
	 * LMA a MAG inside one of its authorized_mags ranges.
	 *
	 * @param peer	remote address
	 * @return		peer_cfg (a reference), or NULL
	 */
	peer_cfg_t *(*get_initiable)(pmip6_config_t *this, host_t *peer);

	/**
	 * The socket path of the daemon whose site covers peer.
	 *
	 * @param peer	remote address
	 * @param path	receives the path
	 * @param len	size of path
	 * @return		TRUE if some site covers peer
	 */
	bool (*route)(pmip6_config_t *this, host_t *peer, char *path,
				  size_t len);

	/**
	 * The inbound MH policies every site asks for (ipsec_site_guards()).
	 *
	 * @return		list of pmip6_guard_t, to destroy_function(free)
	 */
	linked_list_t *(*get_guards)(pmip6_config_t *this);

	/**
	 * Daemon socket paths of every site.
	 *
	 * @return		list of char*, to destroy_function(free)
	 */
	linked_list_t *(*get_sockets)(pmip6_config_t *this);

	/**
	 * Withdraw the backend and credentials, and destroy.
	 */
	void (*destroy)(pmip6_config_t *this);
};

/**
 * Create the backend, reading the files named by
 * charon.plugins.pmip6.config (paths or globs, separated by commas or
 * spaces; by default every .conf file in /etc/pmip6).
 */
pmip6_config_t *pmip6_config_create(void);

#endif /** PMIP6_CONFIG_H_ @}*/
