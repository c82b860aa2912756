/*
 * mag_core.c: the MAG's protocol core: set-up, the MAC index of attached
 * mobile nodes, and the receive dispatch of Mobility Headers (RFC 6275
 * 9.2 generic checks; RFC 5213 6.9.1.2 PBA, RFC 5846 9 BRI, RFC 5847
 * heartbeat).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "mag.h"

static struct log_ratelimit rl_bad = LOG_RATELIMIT_INIT(10000, 10);

uint64_t
mag_realtime_ts(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return mh_ts_make((uint64_t)ts.tv_sec, (uint32_t)ts.tv_nsec);
}

static uint32_t
mac_hash(const struct mag *m, unsigned ifindex, const uint8_t *mac)
{
	uint64_t k = m->mac_seed ^ ifindex;
	unsigned i;

	for (i = 0; i < 6; i++)
		k = (k ^ mac[i]) * 0x100000001b3ULL;
	k ^= k >> 29;
	k *= 0xbf58476d1ce4e5b9ULL;
	return (uint32_t)(k ^ (k >> 32));
}

int
mag_init(struct mag *m, struct loop *loop, const struct mag_conf *conf)
{
	size_t n = 64;

	memset(m, 0, sizeof(*m));
	m->conf = *conf;
	m->loop = loop;
	m->realtime_ts = mag_realtime_ts;
	while (n < (size_t)conf->expected_mns)
		n <<= 1;
	if ((m->cache = bce_cache_new((size_t)conf->expected_mns)) == NULL)
		return -1;
	if ((m->mac_tab = calloc(n, sizeof(*m->mac_tab))) == NULL) {
		bce_cache_free(m->cache);
		return -1;
	}
	m->mac_mask = n - 1;
	if (getrandom(&m->mac_seed, sizeof(m->mac_seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(m->mac_seed))
		m->mac_seed = (uint64_t)time(NULL);
	if (getrandom(&m->next_seq, sizeof(m->next_seq), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(m->next_seq))
		m->next_seq = 1;
	if (mag_profiles_build(&m->profiles, &conf->profiles,
	    m->mac_seed) == -1) {
		free(m->mac_tab);
		m->mac_tab = NULL;
		bce_cache_free(m->cache);
		m->cache = NULL;
		return -1;
	}
	return 0;
}

struct mag_mn *
mag_mn_by_mac(const struct mag *m, const struct mag_iface *ifc,
    const uint8_t *mac)
{
	struct mag_mn *mn;

	mn = m->mac_tab[mac_hash(m, ifc->ifindex, mac) & m->mac_mask];
	for (; mn != NULL; mn = mn->mac_next)
		if (mn->ifc == ifc && memcmp(mn->mac, mac, 6) == 0)
			return mn;
	return NULL;
}

static void
mac_grow(struct mag *m)
{
	size_t n = (m->mac_mask + 1) * 2, i;
	struct mag_mn **t, *mn, *next;

	if ((t = calloc(n, sizeof(*t))) == NULL)
		return;		/* longer chains, still correct */
	for (i = 0; i <= m->mac_mask; i++) {
		for (mn = m->mac_tab[i]; mn != NULL; mn = next) {
			size_t h = mac_hash(m, mn->ifc->ifindex, mn->mac) &
			    (n - 1);

			next = mn->mac_next;
			mn->mac_next = t[h];
			t[h] = mn;
		}
	}
	free(m->mac_tab);
	m->mac_tab = t;
	m->mac_mask = n - 1;
}

void
mag_mac_add(struct mag *m, struct mag_mn *mn)
{
	size_t h = mac_hash(m, mn->ifc->ifindex, mn->mac) & m->mac_mask;

	mn->mac_next = m->mac_tab[h];
	m->mac_tab[h] = mn;
	if (++m->n_mn > m->mac_mask + 1)
		mac_grow(m);
}

void
mag_mac_del(struct mag *m, struct mag_mn *mn)
{
	struct mag_mn **pp;

	pp = &m->mac_tab[mac_hash(m, mn->ifc->ifindex, mn->mac) &
	    m->mac_mask];
	for (; *pp != NULL; pp = &(*pp)->mac_next) {
		if (*pp == mn) {
			*pp = mn->mac_next;
			m->n_mn--;
			return;
		}
	}
}

void
mag_foreach(struct mag *m, void (*fn)(struct mag *, struct mag_mn *, void *),
    void *ctx)
{
	struct mag_mn *mn, *next;
	size_t i;

	for (i = 0; i <= m->mac_mask; i++) {
		for (mn = m->mac_tab[i]; mn != NULL; mn = next) {
			next = mn->mac_next;
			fn(m, mn, ctx);
		}
	}
}

void
mag_shutdown(struct mag *m)
{
	size_t i;

	mag_hb_stop(m);
	/* De-register everyone (RFC 5213 6.9.1.4: "on termination"), then
	 * free; the de-registration PBUs go out now, unanswered. */
	for (i = 0; i <= m->mac_mask; i++) {
		while (m->mac_tab[i] != NULL) {
			struct mag_mn *mn = m->mac_tab[i];

			if (mn->state == MAG_S_BOUND)
				mag_deregister(m, mn);
			mag_mn_free(m, mn, "shutdown");
		}
	}
	free(m->mac_tab);
	m->mac_tab = NULL;
	bce_cache_free(m->cache);
	m->cache = NULL;
	mag_profiles_free(&m->profiles);
}

int
mag_send_msg(struct mag *m, const struct mag_mn *mn, const struct mh_msg *msg,
    const struct in6_addr *dst)
{
	uint8_t buf[MH_MAX_LEN];
	size_t len;
	enum mh_err e;

	(void)mn;
	if ((e = mh_build(msg, NULL, NULL, buf, sizeof(buf), &len)) != MH_OK) {
		log_warnx(LOG_SUB_MAG, "cannot encode %s: %s",
		    mh_type_name(msg->type), mh_strerror(e));
		return -1;
	}
	m->stats.tx[msg->type]++;
	if (m->io.send == NULL)
		return 0;
	return m->io.send(m->io.ctx, dst, buf, len);
}

void
mag_input(struct mag *m, const uint8_t *buf, size_t len,
    const struct in6_addr *src)
{
	struct mh_msg msg;
	struct mh_perr pe;
	enum mh_err e;
	char s[INET6_ADDRSTRLEN];

	if ((e = mh_parse(buf, len, &msg, &pe)) != MH_OK) {
		if (e == MH_ERR_TYPE) {
			struct mh_msg be;

			memset(&be, 0, sizeof(be));
			be.type = MH_TYPE_BE;
			be.status = MH_BE_UNKNOWN_TYPE;
			mag_send_msg(m, NULL, &be, src);
			return;
		}
		m->stats.rx_malformed++;
		log_rl(&rl_bad, LOG_SUB_MH, LOG_LVL_NOTICE,
		    "malformed MH from %s: %s at offset %zu",
		    addr6_ntop(src, s), mh_strerror(e), pe.off);
		return;
	}
	m->stats.rx[msg.type]++;
	switch (msg.type) {
	case MH_TYPE_BA:
		mag_pba(m, &msg, src);
		break;
	case MH_TYPE_BR:
		if (msg.br_type == MH_BR_INDICATION)
			mag_bri(m, &msg, src);
		break;
	case MH_TYPE_HB:
		mag_hb(m, &msg, src);
		break;
	default:
		break;	/* a MAG acts on nothing else */
	}
}
