/*
 * pmip6_listener.h: the bus listener turning IKE/CHILD_SA events of the
 * plugin's own configs into messages to the pmip6 daemons, and the
 * small table of what is up that the dumps after a reconnect need.
 *
 * @defgroup pmip6_listener pmip6_listener
 * @{ @ingroup pmip6
 */
#ifndef PMIP6_LISTENER_H_
#define PMIP6_LISTENER_H_

#include <bus/listeners/listener.h>
#include <collections/array.h>

#include "pmip6_config.h"
#include "pmip6_socket.h"

typedef struct pmip6_listener_t pmip6_listener_t;

/**
 * Where an SA with a peer stands, as far as initiating goes.
 */
typedef enum {
	PMIP6_PEER_IDLE,
	PMIP6_PEER_CONNECTING,
	PMIP6_PEER_UP,
} pmip6_peer_state_t;

struct pmip6_listener_t {

	/**
	 * listener_t interface; first, so the bus may call through it.
	 */
	listener_t listener;

	/**
	 * Send the daemon on path a hello, an up for each SA of its peers,
	 * and synced.
	 */
	void (*sync)(pmip6_listener_t *this, char *path);

	/**
	 * State of the SAs with peer.
	 */
	pmip6_peer_state_t (*get_state)(pmip6_listener_t *this, host_t *peer);

	/**
	 * Whether charon is shutting down (no initiating then: the SAs
	 * going down on the way out would otherwise be asked for again).
	 */
	bool (*is_stopping)(pmip6_listener_t *this);

	/**
	 * Mark peer as being set up; cleared when its IKE_SA is up or gone.
	 */
	void (*set_connecting)(pmip6_listener_t *this, host_t *peer);

	/**
	 * Send the daemon on path an up for peer again (it asked for an SA
	 * that is up).
	 */
	void (*announce)(pmip6_listener_t *this, char *path, host_t *peer);

	/**
	 * Unique IDs of the IKE_SAs carrying CHILD_SAs with peer.
	 *
	 * @return		array of uint32_t, to array_destroy()
	 */
	array_t *(*get_ike_ids)(pmip6_listener_t *this, host_t *peer);

	/**
	 * Destroy the listener.
	 */
	void (*destroy)(pmip6_listener_t *this);
};

/**
 * Create the listener; it sends through socket and routes through config.
 */
pmip6_listener_t *pmip6_listener_create(pmip6_config_t *config,
										pmip6_socket_t *socket);

#endif /** PMIP6_LISTENER_H_ @}*/
