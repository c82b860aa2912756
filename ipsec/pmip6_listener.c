/*
 * pmip6_listener.c: IKE/CHILD_SA events of the plugin's configs, as
 * "up", "down" and "fail" messages to the daemon serving each peer
 * (ipsec_proto.h), and the table of installed CHILD_SAs the dump after
 * a reconnect is made from.
 *
 * A peer counts as up while at least one CHILD_SA with it is: two may
 * briefly coexist (both ends initiating, or a new IKE_SA replacing a
 * stale one on INITIAL_CONTACT), and the daemon must not see a down in
 * between.  The table holds no PMIPv6 state, only what charon reported.
 */
#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include <daemon.h>
#include <threading/mutex.h>

#include "pmip6_listener.h"

/* An initiation older than this no longer blocks a new one (s). */
#define CONNECTING_MAX	120

#define PATH_MAX_LEN	108	/* sun_path */

typedef struct private_pmip6_listener_t private_pmip6_listener_t;

/* One installed CHILD_SA. */
typedef struct {
	struct in6_addr peer;
	struct in6_addr local;
	uint32_t ike_id;
	uint32_t child_id;
	uint32_t spi_in;		/* host order */
	uint32_t spi_out;
	bool tunnel;
	char path[PATH_MAX_LEN];	/* its daemon, "" if none */
} sa_entry_t;

/* An initiation under way. */
typedef struct {
	struct in6_addr peer;
	time_t since;
} pending_t;

struct private_pmip6_listener_t {
	pmip6_listener_t public;
	pmip6_config_t *config;
	pmip6_socket_t *socket;
	linked_list_t *sas;		/* sa_entry_t */
	linked_list_t *pending;		/* pending_t */
	mutex_t *mutex;
	bool stopping;			/* charon got SIGINT/SIGTERM */
};

static bool
host2in6(host_t *host, struct in6_addr *a)
{
	chunk_t addr;

	if (host == NULL || host->get_family(host) != AF_INET6)
		return FALSE;
	addr = host->get_address(host);
	if (addr.len != sizeof(*a))
		return FALSE;
	memcpy(a, addr.ptr, sizeof(*a));
	return TRUE;
}

/* Only SAs made from our own configs concern the daemons. */
static bool
is_ours(ike_sa_t *ike_sa)
{
	peer_cfg_t *peer_cfg;

	if (ike_sa == NULL ||
	    (peer_cfg = ike_sa->get_peer_cfg(ike_sa)) == NULL)
		return FALSE;
	return strpfx(peer_cfg->get_name(peer_cfg), PMIP6_CFG_PREFIX);
}

static void
send_msg(private_pmip6_listener_t *this, char *path, struct ipsec_msg *msg)
{
	if (path[0] != '\0')
		this->socket->send(this->socket, path, msg);
}

static void
send_up(private_pmip6_listener_t *this, char *path, sa_entry_t *sa)
{
	struct ipsec_msg msg = {
		.type = IPSEC_MSG_UP,
		.peer = sa->peer,
		.local = sa->local,
		.spi_in = sa->spi_in,
		.spi_out = sa->spi_out,
		.tunnel = sa->tunnel,
	};

	send_msg(this, path, &msg);
}

static void
send_down(private_pmip6_listener_t *this, char *path, struct in6_addr *peer)
{
	struct ipsec_msg msg = {
		.type = IPSEC_MSG_DOWN,
		.peer = *peer,
	};

	send_msg(this, path, &msg);
}

/* The newest CHILD_SA with peer, or NULL; call with the mutex held. */
static sa_entry_t *
find_peer(private_pmip6_listener_t *this, struct in6_addr *peer)
{
	enumerator_t *enumerator;
	sa_entry_t *sa, *found = NULL;

	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, &sa)) {
		if (memeq(&sa->peer, peer, sizeof(*peer)))
			found = sa;
	}
	enumerator->destroy(enumerator);
	return found;
}

static void
drop_pending(private_pmip6_listener_t *this, struct in6_addr *peer)
{
	enumerator_t *enumerator;
	pending_t *p;

	enumerator = this->pending->create_enumerator(this->pending);
	while (enumerator->enumerate(enumerator, &p)) {
		if (memeq(&p->peer, peer, sizeof(*peer))) {
			this->pending->remove_at(this->pending, enumerator);
			free(p);
		}
	}
	enumerator->destroy(enumerator);
}

/*
 * Remove the entries matching child_id (or, if 0, ike_id) and send a
 * down for each peer left without any.
 */
static void
remove_sas(private_pmip6_listener_t *this, uint32_t ike_id, uint32_t child_id)
{
	char buf[INET6_ADDRSTRLEN];
	enumerator_t *enumerator;
	linked_list_t *gone;
	sa_entry_t *sa;

	gone = linked_list_create();
	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, &sa)) {
		if (child_id ? sa->child_id == child_id : sa->ike_id == ike_id) {
			this->sas->remove_at(this->sas, enumerator);
			gone->insert_last(gone, sa);
		}
	}
	enumerator->destroy(enumerator);
	while (gone->remove_first(gone, (void **)&sa) == SUCCESS) {
		if (find_peer(this, &sa->peer) == NULL) {
			DBG1(DBG_CFG, "pmip6: no CHILD_SA left with %s",
				 inet_ntop(AF_INET6, &sa->peer, buf, sizeof(buf)));
			send_down(this, sa->path, &sa->peer);
		}
		free(sa);
	}
	gone->destroy(gone);
}

METHOD(listener_t, child_updown, bool,
	private_pmip6_listener_t *this, ike_sa_t *ike_sa, child_sa_t *child_sa,
	bool up)
{
	sa_entry_t *sa;

	if (!is_ours(ike_sa))
		return TRUE;
	this->mutex->lock(this->mutex);
	if (!up) {
		remove_sas(this, 0, child_sa->get_unique_id(child_sa));
		this->mutex->unlock(this->mutex);
		return TRUE;
	}
	INIT(sa,
		.ike_id = ike_sa->get_unique_id(ike_sa),
		.child_id = child_sa->get_unique_id(child_sa),
		.spi_in = ntohl(child_sa->get_spi(child_sa, TRUE)),
		.spi_out = ntohl(child_sa->get_spi(child_sa, FALSE)),
		.tunnel = child_sa->get_mode(child_sa) == MODE_TUNNEL,
	);
	if (!host2in6(ike_sa->get_other_host(ike_sa), &sa->peer) ||
	    !host2in6(ike_sa->get_my_host(ike_sa), &sa->local)) {
		this->mutex->unlock(this->mutex);
		free(sa);
		return TRUE;
	}
	if (!this->config->route(this->config, ike_sa->get_other_host(ike_sa),
							 sa->path, sizeof(sa->path)))
		DBG1(DBG_CFG, "pmip6: no daemon configured for %H",
			 ike_sa->get_other_host(ike_sa));
	this->sas->insert_last(this->sas, sa);
	drop_pending(this, &sa->peer);
	send_up(this, sa->path, sa);
	this->mutex->unlock(this->mutex);
	return TRUE;
}

METHOD(listener_t, child_rekey, bool,
	private_pmip6_listener_t *this, ike_sa_t *ike_sa, child_sa_t *old,
	child_sa_t *new)
{
	enumerator_t *enumerator;
	sa_entry_t *sa;

	if (!is_ours(ike_sa))
		return TRUE;
	this->mutex->lock(this->mutex);
	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, &sa)) {
		if (sa->child_id != old->get_unique_id(old))
			continue;
		sa->child_id = new->get_unique_id(new);
		sa->spi_in = ntohl(new->get_spi(new, TRUE));
		sa->spi_out = ntohl(new->get_spi(new, FALSE));
		send_up(this, sa->path, sa);
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	return TRUE;
}

/* CHILD_SAs move along with a rekeyed IKE_SA: follow them. */
METHOD(listener_t, ike_rekey, bool,
	private_pmip6_listener_t *this, ike_sa_t *old, ike_sa_t *new)
{
	enumerator_t *enumerator;
	sa_entry_t *sa;

	this->mutex->lock(this->mutex);
	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, &sa)) {
		if (sa->ike_id == old->get_unique_id(old))
			sa->ike_id = new->get_unique_id(new);
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	return TRUE;
}

/*
 * An IKE_SA on its way out ends any initiation towards its peer, and
 * takes whatever CHILD_SAs the bus did not report down (an SA that
 * never got established has none).
 */
METHOD(listener_t, ike_state_change, bool,
	private_pmip6_listener_t *this, ike_sa_t *ike_sa, ike_sa_state_t state)
{
	struct in6_addr peer;

	if (state != IKE_DESTROYING)
		return TRUE;
	this->mutex->lock(this->mutex);
	if (host2in6(ike_sa->get_other_host(ike_sa), &peer))
		drop_pending(this, &peer);
	remove_sas(this, ike_sa->get_unique_id(ike_sa), 0);
	this->mutex->unlock(this->mutex);
	return TRUE;
}

static const char *
alert_reason(alert_t alert)
{
	switch (alert) {
	case ALERT_PEER_INIT_UNREACHABLE:
	case ALERT_RETRANSMIT_SEND_TIMEOUT:
		return IPSEC_REASON_UNREACHABLE;
	case ALERT_LOCAL_AUTH_FAILED:
	case ALERT_PEER_AUTH_FAILED:
	case ALERT_AUTHORIZATION_FAILED:
		return IPSEC_REASON_AUTH;
	case ALERT_PROPOSAL_MISMATCH_IKE:
	case ALERT_PROPOSAL_MISMATCH_CHILD:
		return IPSEC_REASON_PROPOSAL;
	case ALERT_TS_MISMATCH:
		return IPSEC_REASON_TS;
	case ALERT_INSTALL_CHILD_SA_FAILED:
	case ALERT_INSTALL_CHILD_POLICY_FAILED:
		return IPSEC_REASON_INSTALL;
	default:
		return NULL;
	}
}

METHOD(listener_t, alert, bool,
	private_pmip6_listener_t *this, ike_sa_t *ike_sa, alert_t alert,
	va_list args)
{
	struct ipsec_msg msg = { .type = IPSEC_MSG_FAIL };
	char path[PATH_MAX_LEN];
	const char *reason;
	peer_cfg_t *peer_cfg;
	host_t *other;

	(void)args;
	if (alert == ALERT_SHUTDOWN_SIGNAL) {
		this->mutex->lock(this->mutex);
		this->stopping = TRUE;
		this->mutex->unlock(this->mutex);
		return TRUE;
	}
	if ((reason = alert_reason(alert)) == NULL || ike_sa == NULL)
		return TRUE;
	/* Before authentication the config may not be known yet. */
	peer_cfg = ike_sa->get_peer_cfg(ike_sa);
	if (peer_cfg && !strpfx(peer_cfg->get_name(peer_cfg), PMIP6_CFG_PREFIX))
		return TRUE;
	other = ike_sa->get_other_host(ike_sa);
	if (!host2in6(other, &msg.peer) ||
	    !this->config->route(this->config, other, path, sizeof(path)))
		return TRUE;
	strncpy(msg.reason, reason, sizeof(msg.reason) - 1);
	this->mutex->lock(this->mutex);
	drop_pending(this, &msg.peer);
	send_msg(this, path, &msg);
	this->mutex->unlock(this->mutex);
	return TRUE;
}

METHOD(pmip6_listener_t, sync_, void,
	private_pmip6_listener_t *this, char *path)
{
	struct ipsec_msg msg = {
		.type = IPSEC_MSG_HELLO,
		.version = IPSEC_PROTO_VERSION,
	};
	enumerator_t *enumerator;
	sa_entry_t *sa;

	this->mutex->lock(this->mutex);
	this->socket->send(this->socket, path, &msg);
	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, &sa)) {
		if (streq(sa->path, path))
			send_up(this, path, sa);
	}
	enumerator->destroy(enumerator);
	msg.type = IPSEC_MSG_SYNCED;
	this->socket->send(this->socket, path, &msg);
	this->mutex->unlock(this->mutex);
}

METHOD(pmip6_listener_t, get_state, pmip6_peer_state_t,
	private_pmip6_listener_t *this, host_t *peer)
{
	pmip6_peer_state_t state = PMIP6_PEER_IDLE;
	enumerator_t *enumerator;
	struct in6_addr a;
	time_t now = time_monotonic(NULL);
	pending_t *p;

	if (!host2in6(peer, &a))
		return state;
	this->mutex->lock(this->mutex);
	if (find_peer(this, &a) != NULL)
		state = PMIP6_PEER_UP;
	enumerator = this->pending->create_enumerator(this->pending);
	while (state == PMIP6_PEER_IDLE && enumerator->enumerate(enumerator, &p)) {
		if (memeq(&p->peer, &a, sizeof(a)) &&
		    now - p->since < CONNECTING_MAX)
			state = PMIP6_PEER_CONNECTING;
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	return state;
}

METHOD(pmip6_listener_t, is_stopping, bool,
	private_pmip6_listener_t *this)
{
	bool stopping;

	this->mutex->lock(this->mutex);
	stopping = this->stopping;
	this->mutex->unlock(this->mutex);
	return stopping;
}

METHOD(pmip6_listener_t, set_connecting, void,
	private_pmip6_listener_t *this, host_t *peer)
{
	pending_t *p;

	INIT(p,
		.since = time_monotonic(NULL),
	);
	if (!host2in6(peer, &p->peer)) {
		free(p);
		return;
	}
	this->mutex->lock(this->mutex);
	drop_pending(this, &p->peer);
	this->pending->insert_last(this->pending, p);
	this->mutex->unlock(this->mutex);
}

METHOD(pmip6_listener_t, announce, void,
	private_pmip6_listener_t *this, char *path, host_t *peer)
{
	struct in6_addr a;
	sa_entry_t *sa;

	if (!host2in6(peer, &a))
		return;
	this->mutex->lock(this->mutex);
	if ((sa = find_peer(this, &a)) != NULL)
		send_up(this, path, sa);
	this->mutex->unlock(this->mutex);
}

METHOD(pmip6_listener_t, get_ike_ids, array_t *,
	private_pmip6_listener_t *this, host_t *peer)
{
	enumerator_t *enumerator;
	struct in6_addr a;
	array_t *ids;
	sa_entry_t *sa;

	ids = array_create(sizeof(uint32_t), 0);
	if (!host2in6(peer, &a))
		return ids;
	this->mutex->lock(this->mutex);
	enumerator = this->sas->create_enumerator(this->sas);
	while (enumerator->enumerate(enumerator, &sa)) {
		if (memeq(&sa->peer, &a, sizeof(a)))
			array_insert(ids, ARRAY_TAIL, &sa->ike_id);
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
	return ids;
}

METHOD(pmip6_listener_t, destroy, void,
	private_pmip6_listener_t *this)
{
	this->sas->destroy_function(this->sas, free);
	this->pending->destroy_function(this->pending, free);
	this->mutex->destroy(this->mutex);
	free(this);
}

pmip6_listener_t *
pmip6_listener_create(pmip6_config_t *config, pmip6_socket_t *socket)
{
	private_pmip6_listener_t *this;

	INIT(this,
		.public = {
			.listener = {
				.alert = _alert,
				.ike_state_change = _ike_state_change,
				.ike_rekey = _ike_rekey,
				.child_updown = _child_updown,
				.child_rekey = _child_rekey,
			},
			.sync = _sync_,
			.get_state = _get_state,
			.is_stopping = _is_stopping,
			.set_connecting = _set_connecting,
			.announce = _announce,
			.get_ike_ids = _get_ike_ids,
			.destroy = _destroy,
		},
		.config = config,
		.socket = socket,
		.sas = linked_list_create(),
		.pending = linked_list_create(),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
	);
	return &this->public;
}
