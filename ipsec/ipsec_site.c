/*
 * ipsec_site.c: read the few settings of a pmip6 daemon configuration
 * the charon plugin needs (address, lma, authorized_mags and the ipsec
 * group), without the daemons' own schemas: those refuse unknown
 * settings and belong to the daemons, while the plugin must accept any
 * lma.conf or mag.conf the daemons accept.  The ipsec group itself goes
 * through the same table as in the daemons (pmip6_ipsec_schema).
 *
 * RFC 5213 section 4: the SA protects signaling between the MAG's
 * Proxy-CoA and the LMAA, so those addresses are both the IKE endpoints
 * and the identities used with pre-shared keys.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipsec_site.h"

const char *
ipsec_role_name(enum ipsec_role role)
{
	return role == IPSEC_ROLE_LMA ? "lma" : "mag";
}

static void
site_err(struct conf_err *err, const config_setting_t *s, const char *file,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
site_err(struct conf_err *err, const config_setting_t *s, const char *file,
    const char *fmt, ...)
{
	va_list ap;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", file);
	if (s != NULL)
		err->line = config_setting_source_line(s);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static int
get_addr(const config_t *cfg, const char *name, struct in6_addr *a,
    const char *file, struct conf_err *err)
{
	const config_setting_t *s = config_lookup(cfg, name);
	const char *v;

	if (s == NULL || (v = config_setting_get_string(s)) == NULL ||
	    addr6_parse(v, a) == -1) {
		site_err(err, s, file, "%s: wants an IPv6 address", name);
		return -1;
	}
	return 0;
}

/* The peer entry for remote, added if new. */
static struct ipsec_site_peer *
add_peer(struct ipsec_site *s, const struct prefix6 *remote)
{
	struct ipsec_site_peer *p;
	size_t i, cap;

	for (i = 0; i < s->npeers; i++)
		if (prefix6_eq(&s->peers[i].remote, remote))
			return &s->peers[i];
	if (s->npeers == s->cap) {
		cap = s->cap ? s->cap * 2 : 8;
		p = realloc(s->peers, cap * sizeof(*p));
		if (p == NULL)
			return NULL;
		s->peers = p;
		s->cap = cap;
	}
	p = &s->peers[s->npeers++];
	memset(p, 0, sizeof(*p));
	p->remote = *remote;
	ipsec_conf_peer(&s->conf, &remote->addr, &p->eff);
	return p;
}

/* A whole address becomes a peer unless its mode says off. */
static int
add_host(struct ipsec_site *s, const struct in6_addr *a)
{
	struct prefix6 p = { .addr = *a, .len = 128 };

	if (ipsec_conf_mode(&s->conf, a) == IPSEC_MODE_OFF)
		return 0;
	return add_peer(s, &p) == NULL ? -1 : 0;
}

static int
add_authorized_mags(struct ipsec_site *s, const config_setting_t *list,
    struct conf_err *err)
{
	const config_setting_t *e;
	struct prefix6 p;
	const char *v;
	int i;

	for (i = 0; (e = config_setting_get_elem(list, (unsigned)i)) != NULL;
	    i++) {
		if ((v = config_setting_get_string(e)) == NULL ||
		    prefix6_parse(v, &p) == -1) {
			site_err(err, e, s->path, "authorized_mags[%s]: wants"
			    " an IPv6 prefix", v != NULL ? v : "?");
			return -1;
		}
		if (p.len == 128) {
			if (add_host(s, &p.addr) == -1)
				goto nomem;
			continue;
		}
		/* A range has no entry in peers: it takes the group's. */
		if (s->conf.mode == IPSEC_MODE_OFF)
			continue;
		if (add_peer(s, &p) == NULL)
			goto nomem;
	}
	return 0;
nomem:
	site_err(err, NULL, s->path, "%s", strerror(ENOMEM));
	return -1;
}

int
ipsec_site_load(struct ipsec_site *s, const char *path,
    struct conf_err *err)
{
	const config_setting_t *mags, *lma, *group;
	const struct ipsec_peer_conf *pc;
	config_t cfg;
	size_t i;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (conf_defaults(pmip6_ipsec_schema, &s->conf, err) == -1)
		return -1;
	config_init(&cfg);
	if (conf_load_file(&cfg, path, err) == -1)
		goto out;
	mags = config_lookup(&cfg, "authorized_mags");
	lma = config_lookup(&cfg, "lma");
	if ((mags == NULL) == (lma == NULL)) {
		/* Some other file in the directory, or a confused one. */
		rc = 1;
		goto out;
	}
	s->role = mags != NULL ? IPSEC_ROLE_LMA : IPSEC_ROLE_MAG;
	if (get_addr(&cfg, "address", &s->local, path, err) == -1)
		goto out;
	if ((group = config_lookup(&cfg, "ipsec")) != NULL &&
	    (conf_apply(group, pmip6_ipsec_schema, &s->conf, err) == -1 ||
	    ipsec_conf_check(&s->conf, err) == -1)) {
		if (err->file[0] == '\0')
			snprintf(err->file, sizeof(err->file), "%s", path);
		goto out;
	}
	if (s->role == IPSEC_ROLE_MAG) {
		struct in6_addr a;

		if (get_addr(&cfg, "lma", &a, path, err) == -1)
			goto out;
		if (add_host(s, &a) == -1)
			goto nomem;
	} else if (add_authorized_mags(s, mags, err) == -1)
		goto out;
	pc = s->conf.peers.v;
	for (i = 0; i < s->conf.peers.n; i++)
		if (add_host(s, &pc[i].address) == -1)
			goto nomem;
	rc = 0;
	goto out;
nomem:
	site_err(err, NULL, path, "%s", strerror(ENOMEM));
out:
	config_destroy(&cfg);
	return rc;
}

void
ipsec_site_free(struct ipsec_site *s)
{
	conf_free(pmip6_ipsec_schema, &s->conf);
	free(s->peers);
	s->peers = NULL;
	s->npeers = s->cap = 0;
}

const struct ipsec_site_peer *
ipsec_site_match(const struct ipsec_site *s, const struct in6_addr *a)
{
	const struct ipsec_site_peer *best = NULL;
	size_t i;

	for (i = 0; i < s->npeers; i++)
		if (prefix6_contains(&s->peers[i].remote, a) &&
		    (best == NULL || s->peers[i].remote.len > best->remote.len))
			best = &s->peers[i];
	return best;
}

const struct ipsec_site_peer *
ipsec_site_learn(struct ipsec_site *s, const struct in6_addr *a)
{
	struct prefix6 p = { .addr = *a, .len = 128 };
	const struct ipsec_site_peer *m = ipsec_site_match(s, a);

	if (m != NULL && m->remote.len == 128)
		return m;
	/* A MAG goes to whichever LMA RADIUS names (RFC 6572); an LMA
	 * speaks first only to MAGs its authorized_mags let in. */
	if ((s->role == IPSEC_ROLE_LMA && m == NULL) ||
	    ipsec_conf_mode(&s->conf, a) == IPSEC_MODE_OFF) {
		errno = EPERM;
		return NULL;
	}
	if ((m = add_peer(s, &p)) == NULL)
		errno = ENOMEM;
	return m;
}

static void
put_guard(struct ipsec_guard *out, size_t max, size_t *n,
    const struct prefix6 *remote, int pass)
{
	if (*n < max) {
		out[*n].remote = *remote;
		out[*n].pass = pass;
	}
	(*n)++;
}

static int
guarded(const struct ipsec_peer *p)
{
	return p->mode == IPSEC_MODE_REQUIRED &&
	    p->child_mode == IPSEC_CHILD_TRANSPORT;
}

size_t
ipsec_site_guards(const struct ipsec_site *s, struct ipsec_guard *out,
    size_t max)
{
	const struct ipsec_peer_conf *pc = s->conf.peers.v;
	struct prefix6 p = { .len = 0 };
	struct ipsec_peer eff;
	size_t i, n = 0;

	if (s->conf.mode == IPSEC_MODE_REQUIRED &&
	    s->conf.child_mode == IPSEC_CHILD_TRANSPORT) {
		put_guard(out, max, &n, &p, 0);
		/* Off peers are in no SA, so only the listing names them. */
		p.len = 128;
		for (i = 0; i < s->conf.peers.n; i++) {
			ipsec_conf_peer(&s->conf, &pc[i].address, &eff);
			if (eff.mode == IPSEC_MODE_REQUIRED)
				continue;
			p.addr = pc[i].address;
			put_guard(out, max, &n, &p, 1);
		}
		return n;
	}
	for (i = 0; i < s->npeers; i++)
		if (guarded(&s->peers[i].eff))
			put_guard(out, max, &n, &s->peers[i].remote, 0);
	return n;
}
