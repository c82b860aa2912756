/*
 * pmip6_socket.h: the plugin's connections to the pmip6 daemons'
 * sockets (ipsec_proto.h).  One connection per distinct socket path;
 * a lost or refused connection is retried every second.
 *
 * @defgroup pmip6_socket pmip6_socket
 * @{ @ingroup pmip6
 */
#ifndef PMIP6_SOCKET_H_
#define PMIP6_SOCKET_H_

#include <library.h>
#include <collections/linked_list.h>

#include "ipsec_proto.h"

typedef struct pmip6_socket_t pmip6_socket_t;

/**
 * A command arrived from the daemon listening on path.
 */
typedef void (*pmip6_socket_command_t)(void *data, char *path,
									   struct ipsec_msg *msg);

/**
 * The daemon on path was (re)connected and wants the state dump.
 */
typedef void (*pmip6_socket_sync_t)(void *data, char *path);

struct pmip6_socket_t {

	/**
	 * Send a message to the daemon on path, without blocking.
	 *
	 * A message that cannot be queued drops the connection: the
	 * reconnect then brings a complete dump, so nothing is lost for good.
	 *
	 * @param path		socket path of the daemon
	 * @param msg		message to send
	 */
	void (*send)(pmip6_socket_t *this, char *path, struct ipsec_msg *msg);

	/**
	 * Connect to exactly these paths, closing connections to others.
	 *
	 * @param paths		list of char*, not adopted
	 */
	void (*set_paths)(pmip6_socket_t *this, linked_list_t *paths);

	/**
	 * Close every connection and destroy.
	 */
	void (*destroy)(pmip6_socket_t *this);
};

/**
 * Create the connection manager.
 *
 * @param command	called for each command from a daemon
 * @param sync		called after each successful connect
 * @param data		passed to both
 */
pmip6_socket_t *pmip6_socket_create(pmip6_socket_command_t command,
									pmip6_socket_sync_t sync, void *data);

#endif /** PMIP6_SOCKET_H_ @}*/
