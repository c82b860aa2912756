/*
 * pmip6_plugin.c: the plugin object: wires the backend (pmip6_config),
 * the bus listener (pmip6_listener), the daemon connections
 * (pmip6_socket) and the inbound MH policies (pmip6_policy) together,
 * and carries out the daemons' commands.
 *
 * It decides nothing about PMIPv6: which peer needs an SA, and what to
 * do while there is none, is the daemons' business.  Here a command is
 * only checked against what charon already has, so that a daemon asking
 * repeatedly does not stack up IKE_SAs.
 */
#include <daemon.h>

#include "pmip6_config.h"
#include "pmip6_listener.h"
#include "pmip6_plugin.h"
#include "pmip6_policy.h"
#include "pmip6_socket.h"

typedef struct private_pmip6_plugin_t private_pmip6_plugin_t;

struct private_pmip6_plugin_t {
	pmip6_plugin_t public;
	pmip6_config_t *config;
	pmip6_socket_t *socket;
	pmip6_listener_t *listener;
	pmip6_policy_t *policy;
};

static void
send_fail(private_pmip6_plugin_t *this, char *path, struct ipsec_msg *cmd,
		  const char *reason)
{
	struct ipsec_msg msg = {
		.type = IPSEC_MSG_FAIL,
		.peer = cmd->peer,
	};

	strncpy(msg.reason, reason, sizeof(msg.reason) - 1);
	this->socket->send(this->socket, path, &msg);
}

static void
initiate(private_pmip6_plugin_t *this, char *path, struct ipsec_msg *cmd,
		 host_t *peer)
{
	enumerator_t *enumerator;
	child_cfg_t *child_cfg = NULL;
	peer_cfg_t *peer_cfg;

	if (this->listener->is_stopping(this->listener)) {
		DBG2(DBG_CFG, "pmip6: shutting down, not initiating");
		return;
	}
	switch (this->listener->get_state(this->listener, peer)) {
	case PMIP6_PEER_UP:
		/* The daemon missed it somehow: tell it again. */
		this->listener->announce(this->listener, path, peer);
		return;
	case PMIP6_PEER_CONNECTING:
		DBG2(DBG_CFG, "pmip6: SA with %H is being set up already", peer);
		return;
	case PMIP6_PEER_IDLE:
		break;
	}
	peer_cfg = this->config->get_initiable(this->config, peer);
	if (peer_cfg == NULL) {
		DBG1(DBG_CFG, "pmip6: %s asked for an SA with %H, which has no "
			 "config", path, peer);
		send_fail(this, path, cmd, IPSEC_REASON_NOCONFIG);
		return;
	}
	enumerator = peer_cfg->create_child_cfg_enumerator(peer_cfg);
	if (enumerator->enumerate(enumerator, &child_cfg))
		child_cfg = child_cfg->get_ref(child_cfg);
	enumerator->destroy(enumerator);
	this->listener->set_connecting(this->listener, peer);
	DBG1(DBG_CFG, "pmip6: initiating '%s' for %s",
		 peer_cfg->get_name(peer_cfg), path);
	/* No callback: returns once the IKE_SA_INIT is out; both adopted. */
	charon->controller->initiate(charon->controller, peer_cfg, child_cfg,
								 NULL, NULL, 0, FALSE);
}

static void
terminate(private_pmip6_plugin_t *this, host_t *peer)
{
	array_t *ids;
	uint32_t id;

	ids = this->listener->get_ike_ids(this->listener, peer);
	while (array_remove(ids, ARRAY_HEAD, &id)) {
		DBG1(DBG_CFG, "pmip6: terminating IKE_SA #%u with %H", id, peer);
		charon->controller->terminate_ike(charon->controller, id, FALSE,
										  NULL, NULL, 0);
	}
	array_destroy(ids);
}

static void
command(void *data, char *path, struct ipsec_msg *msg)
{
	private_pmip6_plugin_t *this = data;
	host_t *peer;

	peer = host_create_from_chunk(AF_INET6, chunk_from_thing(msg->peer), 0);
	if (peer == NULL)
		return;
	switch (msg->type) {
	case IPSEC_MSG_INITIATE:
		initiate(this, path, msg, peer);
		break;
	case IPSEC_MSG_TERMINATE:
		terminate(this, peer);
		break;
	default:
		DBG1(DBG_CFG, "pmip6: %s sent a '%s', ignored", path,
			 ipsec_msg_type_name(msg->type));
		break;
	}
	peer->destroy(peer);
}

static void
sync_daemon(void *data, char *path)
{
	private_pmip6_plugin_t *this = data;

	if (this->listener)
		this->listener->sync(this->listener, path);
}

static void
connect_daemons(private_pmip6_plugin_t *this)
{
	linked_list_t *paths;

	paths = this->config->get_sockets(this->config);
	this->socket->set_paths(this->socket, paths);
	paths->destroy_function(paths, free);
}

static bool
register_pmip6(plugin_t *plugin, plugin_feature_t *feature, bool reg,
			   void *data)
{
	private_pmip6_plugin_t *this = (private_pmip6_plugin_t *)plugin;

	(void)feature;
	(void)data;
	if (reg) {
		this->config = pmip6_config_create();
		this->socket = pmip6_socket_create(command, sync_daemon, this);
		this->listener = pmip6_listener_create(this->config, this->socket);
		charon->backends->add_backend(charon->backends,
									  &this->config->backend);
		charon->bus->add_listener(charon->bus, &this->listener->listener);
		this->policy = pmip6_policy_create(this->config);
		connect_daemons(this);
		return TRUE;
	}
	/* Unloaded before the kernel backend, which still removes them. */
	this->policy->destroy(this->policy);
	this->policy = NULL;
	charon->bus->remove_listener(charon->bus, &this->listener->listener);
	charon->backends->remove_backend(charon->backends,
									 &this->config->backend);
	/* The socket first: its receive callback uses the other two. */
	this->socket->destroy(this->socket);
	this->listener->destroy(this->listener);
	this->config->destroy(this->config);
	this->socket = NULL;
	this->listener = NULL;
	this->config = NULL;
	return TRUE;
}

METHOD(plugin_t, get_name, char *,
	private_pmip6_plugin_t *this)
{
	(void)this;
	return "pmip6";
}

METHOD(plugin_t, get_features, int,
	private_pmip6_plugin_t *this, plugin_feature_t *features[])
{
	static plugin_feature_t f[] = {
		PLUGIN_CALLBACK(register_pmip6, NULL),
			PLUGIN_PROVIDE(CUSTOM, "pmip6"),
				PLUGIN_SDEPEND(CUSTOM, "kernel-ipsec"),
				PLUGIN_SDEPEND(CERT_DECODE, CERT_X509),
				PLUGIN_SDEPEND(PRIVKEY, KEY_ANY),
	};

	(void)this;
	*features = f;
	return countof(f);
}

METHOD(plugin_t, reload, bool,
	private_pmip6_plugin_t *this)
{
	if (this->config == NULL)
		return FALSE;
	this->config->reload(this->config);
	this->policy->update(this->policy);
	connect_daemons(this);
	return TRUE;
}

METHOD(plugin_t, destroy, void,
	private_pmip6_plugin_t *this)
{
	free(this);
}

plugin_t *
pmip6_plugin_create(void)
{
	private_pmip6_plugin_t *this;

	INIT(this,
		.public = {
			.plugin = {
				.get_name = _get_name,
				.get_features = _get_features,
				.reload = _reload,
				.destroy = _destroy,
			},
		},
	);
	return &this->public.plugin;
}
