/*
 * pmip6_config.c: charon configs from the pmip6 daemons' own files.
 *
 * Each site (one lma.conf or mag.conf, ipsec_site.h) gives one IKEv2
 * peer config per peer, named PMIP6_CFG_PREFIX + the peer's address (or
 * prefix, for a range the LMA answers), with one child config:
 *   transport mode, a protocol-135 selector between the two addresses
 *   (RFC 5213 section 4, RFC 4877 section 4.1), or
 *   tunnel mode, any protocol between them (kernel-libipsec).
 * Selectors are "dynamic": the IKE endpoints are the MAG's Proxy-CoA and
 * the LMAA, which are also the ends of the signaling to protect.
 * Identities are those addresses unless the file names others;
 * pre-shared keys come from files, one shared key per (site, file) owned
 * by our identity and every peer identity using that file.
 *
 * Everything is built apart and swapped in under the write lock, so a
 * reload never leaves charon with half a configuration.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <daemon.h>
#include <credentials/sets/mem_cred.h>
#include <threading/rwlock.h>

#include "ipsec_site.h"
#include "pmip6_config.h"

#define DEFAULT_FILES	"/etc/pmip6/*.conf"

/* IKE_SA and CHILD_SA lifetimes (s): the usual IKEv2 defaults. */
#define IKE_REKEY	14400
#define IKE_JITTER	1440
#define CHILD_REKEY	3600
#define CHILD_LIFE	3960
#define CHILD_JITTER	360

typedef struct private_pmip6_config_t private_pmip6_config_t;

/* A loaded site and what its configs share. */
typedef struct {
	struct ipsec_site *site;
	identification_t *local_id;
	certificate_t *cert;		/* ours, auth = pubkey */
	certificate_t *ca;		/* peers must chain to it */
} site_t;

/* One served peer config. */
typedef struct {
	peer_cfg_t *peer_cfg;
	site_t *site;
} cfg_t;

/* Everything one load produced. */
typedef struct {
	linked_list_t *sites;		/* site_t */
	linked_list_t *cfgs;		/* cfg_t */
	mem_cred_t *creds;
	bool complete;			/* every file was usable */
} load_t;

struct private_pmip6_config_t {
	pmip6_config_t public;
	rwlock_t *lock;
	load_t *cur;
};

static void
site_destroy(site_t *s)
{
	ipsec_site_free(s->site);
	free(s->site);
	DESTROY_IF(s->local_id);
	DESTROY_IF(s->cert);
	DESTROY_IF(s->ca);
	free(s);
}

static void
cfg_destroy(cfg_t *c)
{
	c->peer_cfg->destroy(c->peer_cfg);
	free(c);
}

static void
load_destroy(load_t *l)
{
	l->cfgs->destroy_function(l->cfgs, (void *)cfg_destroy);
	l->sites->destroy_function(l->sites, (void *)site_destroy);
	l->creds->destroy(l->creds);
	free(l);
}

static void
peer_text(const struct ipsec_site_peer *sp, char *buf)
{
	if (sp->remote.len == 128)
		addr6_ntop(&sp->remote.addr, buf);
	else
		prefix6_ntop(&sp->remote, buf);
}

static identification_t *
remote_id(const struct ipsec_site_peer *sp)
{
	char buf[PREFIX6_STRLEN];

	if (sp->eff.id[0] != '\0')
		return identification_create_from_string((char *)sp->eff.id);
	peer_text(sp, buf);
	return identification_create_from_string(buf);
}

static bool
add_proposals(const char *list, protocol_id_t proto, ike_cfg_t *ike,
			  child_cfg_t *child)
{
	char *copy, *tok, *save = NULL;
	proposal_t *proposal;
	bool ok = TRUE;

	copy = strdup(list);
	for (tok = strtok_r(copy, ", ", &save); tok != NULL;
		 tok = strtok_r(NULL, ", ", &save)) {
		if ((proposal = proposal_create_from_string(proto, tok)) == NULL) {
			DBG1(DBG_CFG, "pmip6: invalid proposal '%s'", tok);
			ok = FALSE;
			break;
		}
		if (ike)
			ike->add_proposal(ike, proposal);
		else
			child->add_proposal(child, proposal);
	}
	free(copy);
	return ok;
}

static auth_cfg_t *
auth_create(enum ipsec_auth auth, identification_t *id, certificate_t *cert,
			certificate_t *ca)
{
	auth_cfg_t *cfg = auth_cfg_create();

	cfg->add(cfg, AUTH_RULE_AUTH_CLASS, auth == IPSEC_AUTH_PSK ?
			 AUTH_CLASS_PSK : AUTH_CLASS_PUBKEY);
	cfg->add(cfg, AUTH_RULE_IDENTITY, id);
	if (auth == IPSEC_AUTH_PUBKEY && cert)
		cfg->add(cfg, AUTH_RULE_SUBJECT_CERT, cert->get_ref(cert));
	if (auth == IPSEC_AUTH_PUBKEY && ca)
		cfg->add(cfg, AUTH_RULE_CA_CERT, ca->get_ref(ca));
	return cfg;
}

/* The peer config for one site peer, or NULL (logged). */
static peer_cfg_t *
build_peer_cfg(site_t *s, const struct ipsec_site_peer *sp)
{
	char local[INET6_ADDRSTRLEN], remote[PREFIX6_STRLEN];
	char name[sizeof(PMIP6_CFG_PREFIX) + PREFIX6_STRLEN];
	const struct ipsec_peer *eff = &sp->eff;
	bool tunnel = eff->child_mode == IPSEC_CHILD_TUNNEL;
	ike_cfg_t *ike_cfg;
	peer_cfg_t *peer_cfg;
	child_cfg_t *child_cfg;
	ike_cfg_create_t ike = {
		.version = IKEV2,
		.local = local,
		.local_port = charon->socket->get_port(charon->socket, FALSE),
		.remote = remote,
		.remote_port = IKEV2_UDP_PORT,
		.no_certreq = eff->auth == IPSEC_AUTH_PSK,
		.fragmentation = FRAGMENTATION_YES,
	};
	peer_cfg_create_t peer = {
		.cert_policy = CERT_SEND_IF_ASKED,
		.unique = UNIQUE_NO,
		.keyingtries = 1,
		.rekey_time = IKE_REKEY,
		.jitter_time = IKE_JITTER,
		.over_time = IKE_JITTER,
		/* Fixed addresses are the point: they are the identities. */
		.no_mobike = TRUE,
		.dpd = s->site->conf.dpd_delay,
	};
	child_cfg_create_t child = {
		.mode = tunnel ? MODE_TUNNEL : MODE_TRANSPORT,
		.lifetime = {
			.time = {
				.rekey = CHILD_REKEY,
				.life = CHILD_LIFE,
				.jitter = CHILD_JITTER,
			},
		},
		.start_action = ACTION_NONE,
		.dpd_action = ACTION_NONE,
		.close_action = ACTION_NONE,
	};
	uint8_t proto = tunnel ? 0 : IPPROTO_MH;

	addr6_ntop(&s->site->local, local);
	peer_text(sp, remote);
	snprintf(name, sizeof(name), "%s%s", PMIP6_CFG_PREFIX, remote);

	ike_cfg = ike_cfg_create(&ike);
	if (!add_proposals(eff->proposals, PROTO_IKE, ike_cfg, NULL)) {
		ike_cfg->destroy(ike_cfg);
		return NULL;
	}
	peer_cfg = peer_cfg_create(name, ike_cfg, &peer);
	peer_cfg->add_auth_cfg(peer_cfg, auth_create(eff->auth,
		s->local_id->clone(s->local_id), s->cert, NULL), TRUE);
	peer_cfg->add_auth_cfg(peer_cfg, auth_create(eff->auth, remote_id(sp),
		NULL, s->ca), FALSE);

	child_cfg = child_cfg_create(name, &child);
	if (!add_proposals(eff->esp_proposals, PROTO_ESP, NULL, child_cfg)) {
		child_cfg->destroy(child_cfg);
		peer_cfg->destroy(peer_cfg);
		return NULL;
	}
	child_cfg->add_traffic_selector(child_cfg, TRUE,
		traffic_selector_create_dynamic(proto, 0, 65535));
	child_cfg->add_traffic_selector(child_cfg, FALSE,
		traffic_selector_create_dynamic(proto, 0, 65535));
	peer_cfg->add_child_cfg(peer_cfg, child_cfg);
	return peer_cfg;
}

/*
 * The key in a PSK file: its first line, or "0x" and hex digits.  A
 * file others may read is used, with a warning: refusing it would turn
 * a permission slip into an outage of every registration.
 */
static shared_key_t *
read_psk(const char *path)
{
	char line[1024], *p, *end;
	chunk_t key;
	struct stat st;
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		DBG1(DBG_CFG, "pmip6: cannot read PSK file %s: %s", path,
			 strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) == 0 && (st.st_mode & 077))
		DBG1(DBG_CFG, "pmip6: PSK file %s is readable by others", path);
	p = fgets(line, sizeof(line), fp);
	fclose(fp);
	if (p == NULL)
		line[0] = '\0';
	end = line + strlen(line);
	while (end > line && (end[-1] == '\n' || end[-1] == '\r' ||
		   end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (line[0] == '\0') {
		DBG1(DBG_CFG, "pmip6: PSK file %s is empty", path);
		return NULL;
	}
	key = chunk_create((u_char *)line, strlen(line));
	if (strncasecmp(line, "0x", 2) == 0)
		key = chunk_from_hex(chunk_skip(key, 2), NULL);
	else
		key = chunk_clone(key);
	memwipe(line, sizeof(line));
	return shared_key_create(SHARED_IKE, key);
}

/* One shared key per PSK file, owned by us and its peers' identities. */
static bool
add_psks(load_t *l, site_t *s, size_t first)
{
	struct ipsec_site *site = s->site;
	linked_list_t *files, *owners;
	enumerator_t *enumerator;
	shared_key_t *key;
	size_t i;
	char *file;
	bool ok = TRUE;

	files = linked_list_create();
	for (i = first; i < site->npeers; i++) {
		if (site->peers[i].eff.auth != IPSEC_AUTH_PSK)
			continue;
		file = (char *)site->peers[i].eff.psk_file;
		if (!files->find_first(files, linked_list_match_str, NULL, file))
			files->insert_last(files, file);
	}
	enumerator = files->create_enumerator(files);
	while (enumerator->enumerate(enumerator, &file)) {
		if ((key = read_psk(file)) == NULL) {
			ok = FALSE;
			continue;
		}
		owners = linked_list_create();
		owners->insert_last(owners, s->local_id->clone(s->local_id));
		for (i = first; i < site->npeers; i++) {
			if (site->peers[i].eff.auth == IPSEC_AUTH_PSK &&
				streq(site->peers[i].eff.psk_file, file))
				owners->insert_last(owners, remote_id(&site->peers[i]));
		}
		l->creds->add_shared_list(l->creds, key, owners);
	}
	enumerator->destroy(enumerator);
	files->destroy(files);
	return ok;
}

static certificate_t *
load_cert(const char *path)
{
	certificate_t *cert;

	cert = lib->creds->create(lib->creds, CRED_CERTIFICATE, CERT_X509,
							  BUILD_FROM_FILE, path, BUILD_END);
	if (cert == NULL)
		DBG1(DBG_CFG, "pmip6: cannot load certificate %s", path);
	return cert;
}

/* Our certificate and key, and the CA, if any peer uses pubkey. */
static bool
add_pubkey(load_t *l, site_t *s)
{
	struct ipsec_conf *c = &s->site->conf;
	private_key_t *key;
	size_t i;
	bool used = FALSE;

	for (i = 0; i < s->site->npeers; i++)
		used = used || s->site->peers[i].eff.auth == IPSEC_AUTH_PUBKEY;
	if (!used)
		return TRUE;
	if ((s->cert = load_cert(c->cert)) == NULL)
		return FALSE;
	l->creds->add_cert(l->creds, FALSE, s->cert->get_ref(s->cert));
	key = lib->creds->create(lib->creds, CRED_PRIVATE_KEY, KEY_ANY,
							 BUILD_FROM_FILE, c->key, BUILD_END);
	if (key == NULL) {
		DBG1(DBG_CFG, "pmip6: cannot load private key %s", c->key);
		return FALSE;
	}
	l->creds->add_key(l->creds, key);
	if (c->ca[0] != '\0') {
		if ((s->ca = load_cert(c->ca)) == NULL)
			return FALSE;
		l->creds->add_cert(l->creds, TRUE, s->ca->get_ref(s->ca));
	}
	return TRUE;
}

static bool
name_taken(load_t *l, peer_cfg_t *peer_cfg)
{
	enumerator_t *enumerator;
	cfg_t *c;
	bool taken = FALSE;

	enumerator = l->cfgs->create_enumerator(l->cfgs);
	while (!taken && enumerator->enumerate(enumerator, &c)) {
		taken = streq(c->peer_cfg->get_name(c->peer_cfg),
					  peer_cfg->get_name(peer_cfg));
	}
	enumerator->destroy(enumerator);
	return taken;
}

/* Configs for site peers from index first on. */
static void
add_cfgs(load_t *l, site_t *s, size_t first)
{
	peer_cfg_t *peer_cfg;
	cfg_t *c;
	size_t i;

	for (i = first; i < s->site->npeers; i++) {
		if ((peer_cfg = build_peer_cfg(s, &s->site->peers[i])) == NULL) {
			l->complete = FALSE;
			continue;
		}
		if (name_taken(l, peer_cfg)) {
			DBG1(DBG_CFG, "pmip6: %s: %s is configured in another file "
				 "already", s->site->path, peer_cfg->get_name(peer_cfg));
			peer_cfg->destroy(peer_cfg);
			continue;
		}
		INIT(c,
			.peer_cfg = peer_cfg,
			.site = s,
		);
		l->cfgs->insert_last(l->cfgs, c);
	}
}

static void
load_file(load_t *l, const char *path)
{
	char err_text[1024], local[INET6_ADDRSTRLEN];
	struct conf_err err;
	site_t *s;
	int rc;

	INIT(s,
		.site = malloc(sizeof(struct ipsec_site)),
	);
	rc = ipsec_site_load(s->site, path, &err);
	if (rc != 0) {
		if (rc < 0) {
			DBG1(DBG_CFG, "pmip6: %s", conf_strerror(&err, err_text,
					 sizeof(err_text)));
			l->complete = FALSE;
		} else
			DBG1(DBG_CFG, "pmip6: %s is no pmip6 daemon configuration, "
				 "skipped", path);
		site_destroy(s);
		return;
	}
	addr6_ntop(&s->site->local, local);
	s->local_id = identification_create_from_string(
		s->site->conf.id[0] != '\0' ? s->site->conf.id : local);
	if (!add_pubkey(l, s) || !add_psks(l, s, 0))
		l->complete = FALSE;
	add_cfgs(l, s, 0);
	DBG1(DBG_CFG, "pmip6: %s: %s %s, ipsec %s, %zu peer(s), socket %s",
		 path, ipsec_role_name(s->site->role), local,
		 ipsec_mode_name(s->site->conf.mode), s->site->npeers,
		 s->site->conf.socket);
	l->sites->insert_last(l->sites, s);
}

/* The files named by charon.plugins.pmip6.config, globs expanded. */
static load_t *
load(void)
{
	char *list, *tok, *save = NULL;
	glob_t g;
	load_t *l;
	size_t i;
	int rc;

	INIT(l,
		.sites = linked_list_create(),
		.cfgs = linked_list_create(),
		.creds = mem_cred_create(),
		.complete = TRUE,
	);
	list = strdup(lib->settings->get_str(lib->settings,
				"%s.plugins.pmip6.config", DEFAULT_FILES, lib->ns));
	for (tok = strtok_r(list, ", \t", &save); tok != NULL;
		 tok = strtok_r(NULL, ", \t", &save)) {
		rc = glob(tok, 0, NULL, &g);
		if (rc == GLOB_NOMATCH) {
			DBG1(DBG_CFG, "pmip6: no file matches %s", tok);
			continue;
		}
		if (rc != 0) {
			DBG1(DBG_CFG, "pmip6: cannot expand %s", tok);
			l->complete = FALSE;
			continue;
		}
		for (i = 0; i < g.gl_pathc; i++)
			load_file(l, g.gl_pathv[i]);
		globfree(&g);
	}
	free(list);
	return l;
}

/* Install l as the current configuration. */
static void
swap_in(private_pmip6_config_t *this, load_t *l)
{
	load_t *old;

	lib->credmgr->add_set(lib->credmgr, &l->creds->set);
	this->lock->write_lock(this->lock);
	old = this->cur;
	this->cur = l;
	this->lock->unlock(this->lock);
	if (old) {
		lib->credmgr->remove_set(lib->credmgr, &old->creds->set);
		load_destroy(old);
	}
}

static bool
host2in6(host_t *host, struct in6_addr *a)
{
	chunk_t addr;

	if (host->get_family(host) != AF_INET6)
		return FALSE;
	addr = host->get_address(host);
	memcpy(a, addr.ptr, sizeof(*a));
	return TRUE;
}

CALLBACK(peer_filter, bool,
	void *data, enumerator_t *orig, va_list args)
{
	peer_cfg_t **out;
	cfg_t *c;

	(void)data;
	VA_ARGS_VGET(args, out);
	if (!orig->enumerate(orig, &c))
		return FALSE;
	*out = c->peer_cfg;
	return TRUE;
}

CALLBACK(ike_filter, bool,
	void *data, enumerator_t *orig, va_list args)
{
	ike_cfg_t **out;
	cfg_t *c;

	(void)data;
	VA_ARGS_VGET(args, out);
	if (!orig->enumerate(orig, &c))
		return FALSE;
	*out = c->peer_cfg->get_ike_cfg(c->peer_cfg);
	return TRUE;
}

METHOD(backend_t, create_peer_cfg_enumerator, enumerator_t *,
	private_pmip6_config_t *this, identification_t *me,
	identification_t *other)
{
	(void)me;
	(void)other;
	this->lock->read_lock(this->lock);
	return enumerator_create_cleaner(enumerator_create_filter(
				this->cur->cfgs->create_enumerator(this->cur->cfgs),
				peer_filter, NULL, NULL),
			(void *)this->lock->unlock, this->lock);
}

METHOD(backend_t, create_ike_cfg_enumerator, enumerator_t *,
	private_pmip6_config_t *this, host_t *me, host_t *other)
{
	(void)me;
	(void)other;
	this->lock->read_lock(this->lock);
	return enumerator_create_cleaner(enumerator_create_filter(
				this->cur->cfgs->create_enumerator(this->cur->cfgs),
				ike_filter, NULL, NULL),
			(void *)this->lock->unlock, this->lock);
}

/* With the lock held. */
static peer_cfg_t *
find_by_name(private_pmip6_config_t *this, char *name)
{
	enumerator_t *enumerator;
	peer_cfg_t *found = NULL;
	cfg_t *c;

	enumerator = this->cur->cfgs->create_enumerator(this->cur->cfgs);
	while (!found && enumerator->enumerate(enumerator, &c)) {
		if (streq(c->peer_cfg->get_name(c->peer_cfg), name))
			found = c->peer_cfg->get_ref(c->peer_cfg);
	}
	enumerator->destroy(enumerator);
	return found;
}

METHOD(backend_t, get_peer_cfg_by_name, peer_cfg_t *,
	private_pmip6_config_t *this, char *name)
{
	peer_cfg_t *found;

	this->lock->read_lock(this->lock);
	found = find_by_name(this, name);
	this->lock->unlock(this->lock);
	return found;
}

/*
 * A peer learnt at run time (ipsec_site_learn: a MAG's LMA from RADIUS,
 * an LMA's MAG inside a range): config and key for it.
 */
static void
learn(private_pmip6_config_t *this, const struct in6_addr *a)
{
	const struct ipsec_site_peer *sp;
	char buf[INET6_ADDRSTRLEN];
	enumerator_t *enumerator;
	size_t first;
	site_t *s;

	enumerator = this->cur->sites->create_enumerator(this->cur->sites);
	while (enumerator->enumerate(enumerator, &s)) {
		first = s->site->npeers;
		if ((sp = ipsec_site_learn(s->site, a)) == NULL ||
			s->site->npeers == first)
			continue;
		DBG1(DBG_CFG, "pmip6: %s: new peer %s with the group's settings",
			 s->site->path, addr6_ntop(&sp->remote.addr, buf));
		/* The first peer using pubkey may be this one. */
		if (s->cert == NULL)
			add_pubkey(this->cur, s);
		add_psks(this->cur, s, first);
		add_cfgs(this->cur, s, first);
		break;
	}
	enumerator->destroy(enumerator);
}

METHOD(pmip6_config_t, get_initiable, peer_cfg_t *,
	private_pmip6_config_t *this, host_t *peer)
{
	char name[sizeof(PMIP6_CFG_PREFIX) + INET6_ADDRSTRLEN];
	char addr[INET6_ADDRSTRLEN];
	struct in6_addr a;
	peer_cfg_t *found;

	if (!host2in6(peer, &a))
		return NULL;
	snprintf(name, sizeof(name), "%s%s", PMIP6_CFG_PREFIX,
			 addr6_ntop(&a, addr));
	this->lock->read_lock(this->lock);
	found = find_by_name(this, name);
	this->lock->unlock(this->lock);
	if (found)
		return found;
	this->lock->write_lock(this->lock);
	if ((found = find_by_name(this, name)) == NULL) {
		learn(this, &a);
		found = find_by_name(this, name);
	}
	this->lock->unlock(this->lock);
	return found;
}

METHOD(pmip6_config_t, route, bool,
	private_pmip6_config_t *this, host_t *peer, char *path, size_t len)
{
	const struct ipsec_site_peer *sp, *best = NULL;
	enumerator_t *enumerator;
	struct in6_addr a;
	site_t *s, *best_site = NULL;

	if (!host2in6(peer, &a))
		return FALSE;
	this->lock->read_lock(this->lock);
	enumerator = this->cur->sites->create_enumerator(this->cur->sites);
	while (enumerator->enumerate(enumerator, &s)) {
		sp = ipsec_site_match(s->site, &a);
		if (sp && (!best || sp->remote.len > best->remote.len)) {
			best = sp;
			best_site = s;
		}
	}
	enumerator->destroy(enumerator);
	if (best_site)
		snprintf(path, len, "%s", best_site->site->conf.socket);
	this->lock->unlock(this->lock);
	return best_site != NULL;
}

/* Guards of one site into list. */
static void
site_guards(site_t *s, linked_list_t *list)
{
	struct ipsec_guard *g;
	pmip6_guard_t *pg;
	size_t i, n;

	n = ipsec_site_guards(s->site, NULL, 0);
	if (n == 0)
		return;
	if ((g = calloc(n, sizeof(*g))) == NULL)
		return;
	n = ipsec_site_guards(s->site, g, n);
	for (i = 0; i < n; i++) {
		INIT(pg,
			.local = s->site->local,
			.remote = g[i].remote,
			.pass = g[i].pass,
		);
		list->insert_last(list, pg);
	}
	free(g);
}

METHOD(pmip6_config_t, get_guards, linked_list_t *,
	private_pmip6_config_t *this)
{
	enumerator_t *enumerator;
	linked_list_t *list;
	site_t *s;

	list = linked_list_create();
	this->lock->read_lock(this->lock);
	enumerator = this->cur->sites->create_enumerator(this->cur->sites);
	while (enumerator->enumerate(enumerator, &s))
		site_guards(s, list);
	enumerator->destroy(enumerator);
	this->lock->unlock(this->lock);
	return list;
}

METHOD(pmip6_config_t, get_sockets, linked_list_t *,
	private_pmip6_config_t *this)
{
	enumerator_t *enumerator;
	linked_list_t *paths;
	site_t *s;

	paths = linked_list_create();
	this->lock->read_lock(this->lock);
	enumerator = this->cur->sites->create_enumerator(this->cur->sites);
	while (enumerator->enumerate(enumerator, &s)) {
		if (!paths->find_first(paths, linked_list_match_str, NULL,
							   s->site->conf.socket))
			paths->insert_last(paths, strdup(s->site->conf.socket));
	}
	enumerator->destroy(enumerator);
	this->lock->unlock(this->lock);
	return paths;
}

METHOD(pmip6_config_t, reload, bool,
	private_pmip6_config_t *this)
{
	load_t *l = load();
	bool complete = l->complete;

	swap_in(this, l);
	return complete;
}

METHOD(pmip6_config_t, destroy, void,
	private_pmip6_config_t *this)
{
	lib->credmgr->remove_set(lib->credmgr, &this->cur->creds->set);
	load_destroy(this->cur);
	this->lock->destroy(this->lock);
	free(this);
}

pmip6_config_t *
pmip6_config_create(void)
{
	private_pmip6_config_t *this;

	INIT(this,
		.public = {
			.backend = {
				.create_peer_cfg_enumerator = _create_peer_cfg_enumerator,
				.create_ike_cfg_enumerator = _create_ike_cfg_enumerator,
				.get_peer_cfg_by_name = _get_peer_cfg_by_name,
			},
			.reload = _reload,
			.get_initiable = _get_initiable,
			.route = _route,
			.get_guards = _get_guards,
			.get_sockets = _get_sockets,
			.destroy = _destroy,
		},
		.lock = rwlock_create(RWLOCK_TYPE_DEFAULT),
	);
	swap_in(this, load());
	return &this->public;
}
