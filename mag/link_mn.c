/*
 * link_mn.c: the mobile nodes of one access link, as the link sees
 * them: a hash set of MAC addresses, the dispatch of every received
 * frame, neighbour probing of silent nodes, and sending each node its
 * own Router Advertisement.
 *
 * Attachment (RFC 5213 6.9.1.1 "after detecting a new mobile node"):
 * any frame from a MAC that is neither tracked nor ignored raises
 * mn_seen, whatever it is, so a node that roams at layer 2 and never
 * solicits is found by its first data frame.  One lookup per frame; a
 * MAC is reported again only after seen_holdoff_ms, and new reports
 * share a per-link budget, so a frame flood cannot turn into a callback
 * flood.
 *
 * Detachment (RFC 5213 6.9.1.4, 6.13): a tracked node's latest frame
 * time is written on every frame and read only by its probe timer,
 * which sleeps until probe_after_ms of silence, then sends unicast
 * Neighbor Solicitations (RFC 4861 7.3.3's PROBE state) until a frame
 * arrives or gone_after_ms have passed.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "link_int.h"
#include "log.h"

#define NBUCKET_MIN	64
/* Stale unknown MACs are freed this often, and kept this long. */
#define SWEEP_MS	10000
#define ECHO_ID		0x5213

static const struct in6_addr all_nodes = {
	.s6_addr = { 0xff, 0x02, [15] = 1 }
};

void
mag_link_conf_init(struct mag_link_conf *c)
{
	static const uint8_t mac[6] = MAG_LINK_DEFAULT_MAC;

	memset(c, 0, sizeof(*c));
	memcpy(c->mac, mac, 6);
	(void)addr6_parse(MAG_LINK_DEFAULT_LLADDR, &c->lladdr);
	c->probe_after_ms = MAG_LINK_PROBE_AFTER_MS;
	c->probe_interval_ms = MAG_LINK_PROBE_INTERVAL_MS;
	c->gone_after_ms = MAG_LINK_GONE_AFTER_MS;
	c->seen_holdoff_ms = MAG_LINK_SEEN_HOLDOFF_MS;
	c->max_unknown = MAG_LINK_MAX_UNKNOWN;
	c->new_per_sec = MAG_LINK_NEW_PER_SEC;
}

static const char *
macstr(const uint8_t mac[6], char *buf)
{
	return mac_format(mac, buf, MAC_STRLEN, MAC_COLON_LOWER);
}

static uint32_t
mac_hash(const struct mag_link *l, const uint8_t mac[6])
{
	uint64_t x = 0;
	int i;

	for (i = 0; i < 6; i++)
		x = x << 8 | mac[i];
	/*
	 * A secret seed under a bijective mixer (splitmix64's finaliser):
	 * a station choosing its MACs cannot aim them at one bucket.
	 */
	x ^= l->seed;
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (uint32_t)x;
}

static struct link_mn *
mn_find(const struct mag_link *l, const uint8_t mac[6])
{
	struct link_mn *mn;

	for (mn = l->bucket[mac_hash(l, mac) & (l->nbucket - 1)]; mn != NULL;
	    mn = mn->next)
		if (memcmp(mn->mac, mac, 6) == 0)
			return mn;
	return NULL;
}

/* Doubles the table; on failure the old one stays, only slower. */
static void
table_grow(struct mag_link *l)
{
	struct link_mn **nb, *mn, *next;
	uint32_t i, n = l->nbucket * 2, h;

	if (n == 0 || (nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < l->nbucket; i++)
		for (mn = l->bucket[i]; mn != NULL; mn = next) {
			next = mn->next;
			h = mac_hash(l, mn->mac) & (n - 1);
			mn->next = nb[h];
			nb[h] = mn;
		}
	free(l->bucket);
	l->bucket = nb;
	l->nbucket = n;
}

static void	nud_fire(struct timer *t, void *arg);

/* A new untracked entry, counted as unknown. */
static struct link_mn *
mn_new(struct mag_link *l, const uint8_t mac[6])
{
	struct link_mn *mn;
	uint32_t h;

	if ((mn = calloc(1, sizeof(*mn))) == NULL)
		return NULL;
	mn->link = l;
	memcpy(mn->mac, mac, 6);
	timer_init(&mn->nud, nud_fire, mn);
	if (l->ntracked + l->nunknown >= l->nbucket)
		table_grow(l);
	h = mac_hash(l, mac) & (l->nbucket - 1);
	mn->next = l->bucket[h];
	l->bucket[h] = mn;
	l->nunknown++;
	return mn;
}

static void
mn_remove(struct mag_link *l, struct link_mn *mn)
{
	struct link_mn **pp;

	for (pp = &l->bucket[mac_hash(l, mn->mac) & (l->nbucket - 1)];
	    *pp != mn; pp = &(*pp)->next)
		;
	*pp = mn->next;
	timer_cancel(l->loop, &mn->nud);
	if (mn->tracked)
		l->ntracked--;
	else
		l->nunknown--;
	free(mn);
}

/* Frees untracked entries quiet since at least grace ms. */
static void
sweep(struct mag_link *l, uint64_t now, uint64_t grace)
{
	struct link_mn *mn, *next;
	uint32_t i;

	for (i = 0; i < l->nbucket; i++)
		for (mn = l->bucket[i]; mn != NULL; mn = next) {
			next = mn->next;
			if (!mn->tracked && mn->quiet_until + grace <= now)
				mn_remove(l, mn);
		}
}

static void
sweep_fire(struct timer *t, void *arg)
{
	(void)t;
	sweep(arg, clock_ms(), SWEEP_MS);
}

/* Token bucket of new_per_sec reports, one second deep. */
static int
seen_budget(struct mag_link *l, uint64_t now)
{
	uint64_t cap = (uint64_t)l->conf.new_per_sec * 1000;

	if (l->conf.new_per_sec == 0)
		return 1;
	if (now > l->tb_at) {
		l->tb_level += (now - l->tb_at) * l->conf.new_per_sec;
		if (l->tb_level > cap)
			l->tb_level = cap;
		l->tb_at = now;
	}
	if (l->tb_level < 1000)
		return 0;
	l->tb_level -= 1000;
	return 1;
}

/* Addresses to probe the node at later, from anything it sent. */
static void
learn(struct link_mn *mn, const struct link_pkt *p)
{
	if (!p->ipv6)
		return;
	if (addr6_is_linklocal(&p->src)) {
		mn->ll = p->src;
		mn->have_ll = 1;
	} else if (!addr6_is_unspecified(&p->src) &&
	    !addr6_is_multicast(&p->src)) {
		mn->ga = p->src;
		mn->have_ga = 1;
	} else if (p->nd == LINK_ND_NS && addr6_is_linklocal(&p->target)) {
		/* DAD for the link-local address it is about to use. */
		mn->ll = p->target;
		mn->have_ll = 1;
	}
}

int
link_xmit(struct mag_link *l, const uint8_t *f, size_t len)
{
	if (l->xmit == NULL) {
		l->st.tx_errors++;
		errno = ENETDOWN;
		return -1;
	}
	if (l->xmit(l, f, len) == -1) {
		l->st.tx_errors++;
		return -1;
	}
	return 0;
}

/* Fallback when the kernel cannot answer for lladdr (link_open.c). */
static void
answer_ns(struct mag_link *l, const struct link_pkt *p)
{
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t f[ND_HDR_OFF + 64];
	size_t n;

	if (addr6_is_unspecified(&p->src))
		n = link_na_build(f, sizeof(f), all_nodes_mac, l->conf.mac,
		    &l->conf.lladdr, &all_nodes, &l->conf.lladdr);
	else
		n = link_na_build(f, sizeof(f), p->src_mac, l->conf.mac,
		    &l->conf.lladdr, &p->src, &l->conf.lladdr);
	if (link_xmit(l, f, n) == 0)
		l->st.na_sent++;
}

void
link_rx(struct mag_link *l, const uint8_t *f, size_t caplen, size_t len)
{
	struct link_pkt p;
	struct link_mn *mn;
	uint8_t mac[6];
	uint64_t now;

	if (link_parse(f, caplen, len, &p) == -1)
		return;
	/* The socket filter drops these already; tests feed frames directly. */
	if (p.src_mac[0] & 1 || memcmp(p.src_mac, l->conf.mac, 6) == 0)
		return;
	l->st.frames++;
	if (p.nd == LINK_ND_INVALID)
		l->st.nd_invalid++;
	else if (p.nd == LINK_ND_NS && l->answer_ns &&
	    addr6_eq(&p.target, &l->conf.lladdr))
		answer_ns(l, &p);

	now = clock_ms();
	mn = mn_find(l, p.src_mac);
	if (mn != NULL && (mn->tracked || now < mn->quiet_until)) {
		mn->last_rx = now;
		mn->probes = 0;
		learn(mn, &p);
		if (mn->tracked && p.nd == LINK_ND_RS) {
			l->st.rs++;
			memcpy(mac, mn->mac, 6);
			if (l->cb.rs != NULL)
				l->cb.rs(l->ctx, l, mac);
		}
		return;
	}

	if (!seen_budget(l, now)) {
		l->st.seen_dropped++;
		LOG_RL(LOG_SUB_MAG, LOG_LVL_WARN, "%s: new MACs over %u/s, "
		    "dropping their reports", l->conf.ifname,
		    l->conf.new_per_sec);
		return;
	}
	if (mn == NULL) {
		if (l->nunknown >= l->conf.max_unknown)
			sweep(l, now, 0);
		if (l->nunknown >= l->conf.max_unknown ||
		    (mn = mn_new(l, p.src_mac)) == NULL) {
			l->st.seen_dropped++;
			LOG_RL(LOG_SUB_MAG, LOG_LVL_WARN, "%s: no room for "
			    "another unknown MAC (%u)", l->conf.ifname,
			    l->nunknown);
			return;
		}
	}
	mn->quiet_until = now + l->conf.seen_holdoff_ms;
	mn->last_rx = now;
	learn(mn, &p);
	l->st.seen++;
	memcpy(mac, mn->mac, 6);
	if (l->cb.mn_seen != NULL)
		l->cb.mn_seen(l->ctx, l, mac);
}

static void
probe(struct mag_link *l, struct link_mn *mn)
{
	uint8_t f[ND_HDR_OFF + 64];
	size_t n;

	mn->probes++;
	/* Nothing gets through; the verdict comes on time all the same. */
	if (!l->up)
		return;
	/*
	 * Its link-local address answers whatever prefixes it holds; an
	 * Echo Request to all-nodes, sent to its MAC alone, is the probe
	 * of last resort for a node that never showed an address.
	 */
	if (mn->have_ll)
		n = link_ns_build(f, sizeof(f), mn->mac, l->conf.mac,
		    &l->conf.lladdr, &mn->ll);
	else if (mn->have_ga)
		n = link_ns_build(f, sizeof(f), mn->mac, l->conf.mac,
		    &l->conf.lladdr, &mn->ga);
	else
		n = link_echo_build(f, sizeof(f), mn->mac, l->conf.mac,
		    &l->conf.lladdr, ECHO_ID, ++l->echo_seq);
	l->st.probes++;
	if (link_xmit(l, f, n) == -1)
		LOG_RL(LOG_SUB_MAG, LOG_LVL_WARN, "%s: cannot send a probe: %s",
		    l->conf.ifname, strerror(errno));
}

static void
nud_fire(struct timer *t, void *arg)
{
	struct link_mn *mn = arg;
	struct mag_link *l = mn->link;
	uint64_t now = clock_ms(), silent, next, gone_at;
	char buf[MAC_STRLEN];
	uint8_t mac[6];
	uint32_t probes;

	silent = now > mn->last_rx ? now - mn->last_rx : 0;
	gone_at = mn->last_rx + l->conf.gone_after_ms;
	if (silent >= l->conf.gone_after_ms) {
		memcpy(mac, mn->mac, 6);
		probes = mn->probes;
		mn_remove(l, mn);
		l->st.gone++;
		log_info(LOG_SUB_MAG, "%s: %s silent for %llu ms after %u "
		    "probes: gone", l->conf.ifname, macstr(mac, buf),
		    (unsigned long long)silent, probes);
		if (l->cb.mn_gone != NULL)
			l->cb.mn_gone(l->ctx, l, mac);
		return;
	}
	if (silent < l->conf.probe_after_ms) {
		/* Heard from since: sleep until it could be silent enough. */
		next = mn->last_rx + l->conf.probe_after_ms;
	} else {
		probe(l, mn);
		next = now + l->conf.probe_interval_ms;
		if (next > gone_at)
			next = gone_at;
	}
	if (timer_arm_at(l->loop, t, next) == -1)
		log_warn(LOG_SUB_MAG, "%s: %s no longer probed",
		    l->conf.ifname, macstr(mn->mac, buf));
}

int
mag_link_track(struct mag_link *l, const uint8_t mac[6])
{
	struct link_mn *mn;

	if ((mn = mn_find(l, mac)) == NULL && (mn = mn_new(l, mac)) == NULL)
		return -1;
	if (mn->tracked)
		return 0;
	mn->last_rx = clock_ms();
	mn->probes = 0;
	mn->quiet_until = 0;
	if (timer_arm_at(l->loop, &mn->nud,
	    mn->last_rx + l->conf.probe_after_ms) == -1) {
		mn_remove(l, mn);
		errno = ENOMEM;
		return -1;
	}
	mn->tracked = 1;
	l->nunknown--;
	l->ntracked++;
	return 0;
}

void
mag_link_untrack(struct mag_link *l, const uint8_t mac[6])
{
	struct link_mn *mn;

	if ((mn = mn_find(l, mac)) != NULL && mn->tracked)
		mn_remove(l, mn);
}

void
mag_link_ignore(struct mag_link *l, const uint8_t mac[6], uint32_t ms)
{
	struct link_mn *mn;

	if (ms == 0) {
		if ((mn = mn_find(l, mac)) != NULL)
			mn_remove(l, mn);
		return;
	}
	/* The core asked, so no max_unknown check: it asks about few. */
	if ((mn = mn_find(l, mac)) == NULL && (mn = mn_new(l, mac)) == NULL)
		return;
	if (mn->tracked) {
		timer_cancel(l->loop, &mn->nud);
		mn->tracked = 0;
		l->ntracked--;
		l->nunknown++;
	}
	mn->quiet_until = clock_ms() + ms;
}

int
mag_link_mn_info(const struct mag_link *l, const uint8_t mac[6],
    struct mag_link_mn_info *info)
{
	const struct link_mn *mn;

	if ((mn = mn_find(l, mac)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	memset(info, 0, sizeof(*info));
	info->tracked = mn->tracked;
	info->last_rx_ms = mn->last_rx;
	info->have_lladdr = mn->have_ll;
	info->lladdr = mn->ll;
	info->probes = mn->probes;
	return 0;
}

void
mag_link_get_stats(const struct mag_link *l, struct mag_link_stats *st)
{
	*st = l->st;
	st->tracked = l->ntracked;
	st->unknown = l->nunknown;
}

int
mag_link_send_ra(struct mag_link *l, const uint8_t mac[6],
    const struct mag_ra *ra)
{
	uint8_t f[LINK_FRAME_MAX];
	const struct in6_addr *dst = &all_nodes;
	const struct link_mn *mn;
	size_t i, cap, n;

	/* One node's prefixes must never reach the others on the link. */
	if (mac[0] & 1) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < ra->nprefixes; i++)
		if (ra->prefixes[i].prefix.len > 128) {
			errno = EINVAL;
			return -1;
		}
	/*
	 * RFC 4861 6.2.6 lets a solicited RA go to the node's unicast
	 * address; ff02::1 serves as well when we never learnt it, since
	 * the Ethernet unicast already keeps the RA to this one node.
	 */
	if ((mn = mn_find(l, mac)) != NULL && mn->have_ll)
		dst = &mn->ll;
	cap = sizeof(f);
	if (l->mtu >= 1280 && ETH_HLEN_ + l->mtu < cap)
		cap = ETH_HLEN_ + l->mtu;
	n = mag_link_ra_build(ra, l->conf.mac, &l->conf.lladdr, dst,
	    f + ND_HDR_OFF, cap - ND_HDR_OFF);
	if (n == 0) {
		errno = EMSGSIZE;
		return -1;
	}
	link_frame_hdr(f, mac, l->conf.mac, &l->conf.lladdr, dst, n);
	if (link_xmit(l, f, ND_HDR_OFF + n) == -1)
		return -1;
	l->st.ra_sent++;
	return 0;
}

void
link_set_state(struct mag_link *l, int up)
{
	up = up != 0;
	if (up == l->up)
		return;
	l->up = up;
	log_info(LOG_SUB_MAG, "%s: access link %s", l->conf.ifname,
	    up ? "up" : "down");
	if (l->cb.link_state != NULL)
		l->cb.link_state(l->ctx, l, up);
}

static int
conf_ok(const struct mag_link_conf *c)
{
	static const uint8_t zero[6];

	return (c->mac[0] & 1) == 0 && memcmp(c->mac, zero, 6) != 0 &&
	    addr6_is_linklocal(&c->lladdr) && c->probe_after_ms > 0 &&
	    c->probe_interval_ms > 0 && c->gone_after_ms > c->probe_after_ms &&
	    c->seen_holdoff_ms > 0 && c->max_unknown > 0;
}

struct mag_link *
link_new(struct loop *loop, const struct mag_link_conf *conf,
    const struct mag_link_cb *cb, void *ctx)
{
	struct mag_link *l;

	if (!conf_ok(conf)) {
		errno = EINVAL;
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->loop = loop;
	l->conf = *conf;
	l->conf.ifname[IFNAMSIZ - 1] = '\0';
	if (cb != NULL)
		l->cb = *cb;
	l->ctx = ctx;
	l->pfd = l->nlfd = l->reqfd = -1;
	if (getrandom(&l->seed, sizeof(l->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(l->seed))
		l->seed = clock_ms() ^ (uint64_t)(uintptr_t)l;
	l->nbucket = NBUCKET_MIN;
	l->tb_level = (uint64_t)conf->new_per_sec * 1000;
	l->tb_at = clock_ms();
	timer_init(&l->sweep, sweep_fire, l);
	timer_set_recurrence(&l->sweep, SWEEP_MS, 0);
	if ((l->bucket = calloc(l->nbucket, sizeof(*l->bucket))) == NULL ||
	    timer_arm(loop, &l->sweep, SWEEP_MS) == -1) {
		free(l->bucket);
		free(l);
		errno = ENOMEM;
		return NULL;
	}
	return l;
}

void
link_free(struct mag_link *l)
{
	struct link_mn *mn;
	uint32_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nbucket; i++)
		while ((mn = l->bucket[i]) != NULL)
			mn_remove(l, mn);
	timer_cancel(l->loop, &l->sweep);
	free(l->bucket);
	free(l);
}
