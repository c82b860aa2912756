/*
 * pmip6_policy.c: inbound XFRM policies for protocol 135 to our own
 * address: a drop below every SA's policy, so an MH that no SA
 * protected never reaches the daemon (RFC 5213 section 4), and a pass
 * for the peers allowed to send in clear.
 *
 * Why here, through charon's kernel interface, and not in the daemons
 * through XFRM netlink: the policies must sit below charon's own in the
 * same policy database, and charon's kernel backend is what orders them
 * (a per-SA policy with the same selector as a guard replaces it while
 * the SA lives and gives it back afterwards); XFRM stays inside
 * strongSwan, so the daemons need no netlink code of their own for it,
 * and a kernel backend without XFRM still gets the equivalent.  When
 * charon is not running the guards are gone too, but then no SA counts
 * as up and the daemons refuse the MH themselves (ipsecctl_rx_allowed).
 */
#include <arpa/inet.h>

#include <daemon.h>

#include "pmip6_policy.h"

typedef struct private_pmip6_policy_t private_pmip6_policy_t;

/* One installed policy. */
typedef struct {
	pmip6_guard_t guard;
	traffic_selector_t *src;
	traffic_selector_t *dst;
} entry_t;

struct private_pmip6_policy_t {
	pmip6_policy_t public;
	pmip6_config_t *config;
	linked_list_t *entries;		/* entry_t */
};

static bool
same_guard(const pmip6_guard_t *a, const pmip6_guard_t *b)
{
	return addr6_eq(&a->local, &b->local) &&
	       prefix6_eq(&a->remote, &b->remote) && a->pass == b->pass;
}

/* Add (or delete) the kernel policy of e. */
static bool
apply(entry_t *e, bool add)
{
	ipsec_sa_cfg_t sa = { .mode = MODE_TRANSPORT };
	host_t *any = host_create_any(AF_INET6);
	kernel_ipsec_policy_id_t id = {
		.dir = POLICY_IN,
		.src_ts = e->src,
		.dst_ts = e->dst,
	};
	kernel_ipsec_manage_policy_t policy = {
		.type = e->guard.pass ? POLICY_PASS : POLICY_DROP,
		/* Shunts' classes: a pass above, a drop below every SA. */
		.prio = e->guard.pass ? POLICY_PRIORITY_PASS :
								POLICY_PRIORITY_FALLBACK,
		.src = any,
		.dst = any,
		.sa = &sa,
	};
	status_t status;

	if (add)
		status = charon->kernel->add_policy(charon->kernel, &id, &policy);
	else
		status = charon->kernel->del_policy(charon->kernel, &id, &policy);
	any->destroy(any);
	if (status != SUCCESS)
		DBG1(DBG_KNL, "pmip6: cannot %s the inbound MH %s policy %R === %R",
			 add ? "install" : "remove", e->guard.pass ? "pass" : "drop",
			 e->src, e->dst);
	else
		DBG1(DBG_KNL, "pmip6: %s inbound MH %s policy %R === %R",
			 add ? "installed" : "removed", e->guard.pass ? "pass" : "drop",
			 e->src, e->dst);
	return status == SUCCESS;
}

static void
entry_destroy(entry_t *e)
{
	DESTROY_IF(e->src);
	DESTROY_IF(e->dst);
	free(e);
}

static entry_t *
entry_create(pmip6_guard_t *g)
{
	char remote[PREFIX6_STRLEN], local[INET6_ADDRSTRLEN + 4];
	entry_t *e;

	INIT(e,
		.guard = *g,
	);
	prefix6_ntop(&g->remote, remote);
	addr6_ntop(&g->local, local);
	strcat(local, "/128");
	e->src = traffic_selector_create_from_cidr(remote, IPPROTO_MH, 0, 65535);
	e->dst = traffic_selector_create_from_cidr(local, IPPROTO_MH, 0, 65535);
	if (e->src == NULL || e->dst == NULL) {
		entry_destroy(e);
		return NULL;
	}
	return e;
}

static bool
installed(private_pmip6_policy_t *this, pmip6_guard_t *g)
{
	enumerator_t *enumerator;
	entry_t *e;
	bool found = FALSE;

	enumerator = this->entries->create_enumerator(this->entries);
	while (!found && enumerator->enumerate(enumerator, &e))
		found = same_guard(&e->guard, g);
	enumerator->destroy(enumerator);
	return found;
}

static bool
wanted(linked_list_t *want, pmip6_guard_t *g)
{
	enumerator_t *enumerator;
	pmip6_guard_t *w;
	bool found = FALSE;

	enumerator = want->create_enumerator(want);
	while (!found && enumerator->enumerate(enumerator, &w))
		found = same_guard(w, g);
	enumerator->destroy(enumerator);
	return found;
}

METHOD(pmip6_policy_t, update, void,
	private_pmip6_policy_t *this)
{
	enumerator_t *enumerator;
	linked_list_t *want;
	pmip6_guard_t *g;
	entry_t *e;

	want = this->config->get_guards(this->config);
	/* New ones first: a reload leaves no moment without a drop. */
	enumerator = want->create_enumerator(want);
	while (enumerator->enumerate(enumerator, &g)) {
		if (installed(this, g) || (e = entry_create(g)) == NULL)
			continue;
		if (apply(e, TRUE))
			this->entries->insert_last(this->entries, e);
		else
			entry_destroy(e);
	}
	enumerator->destroy(enumerator);
	enumerator = this->entries->create_enumerator(this->entries);
	while (enumerator->enumerate(enumerator, &e)) {
		if (wanted(want, &e->guard))
			continue;
		apply(e, FALSE);
		this->entries->remove_at(this->entries, enumerator);
		entry_destroy(e);
	}
	enumerator->destroy(enumerator);
	want->destroy_function(want, free);
}

METHOD(pmip6_policy_t, destroy, void,
	private_pmip6_policy_t *this)
{
	entry_t *e;

	while (this->entries->remove_first(this->entries,
									   (void **)&e) == SUCCESS) {
		apply(e, FALSE);
		entry_destroy(e);
	}
	this->entries->destroy(this->entries);
	free(this);
}

pmip6_policy_t *
pmip6_policy_create(pmip6_config_t *config)
{
	private_pmip6_policy_t *this;

	INIT(this,
		.public = {
			.update = _update,
			.destroy = _destroy,
		},
		.config = config,
		.entries = linked_list_create(),
	);
	_update(this);
	return &this->public;
}
