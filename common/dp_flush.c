/*
 * dp_flush.c: removing every trace of the data plane from the kernel,
 * whichever run (this one, or one that crashed) put it there.
 *
 * Our state is recognised by its tags, not by memory: ip6tnl devices by
 * name prefix and kind, routes by route protocol within our tables,
 * rules by rule protocol.  If the local rule was moved (seg6), a local
 * rule at pref 0 is put back before ours is deleted.  Dumps are read
 * with our own parser: libnl-route's cache cannot parse seg6 routes.
 * Deletions go through the same windowed batches as everything else,
 * so a hundred thousand leftover routes go quickly.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>

#include "dp_backend.h"

/* Delete messages built from a dump, kept until the dump is over. */
struct collect {
	struct dp	*dp;
	uint8_t		*buf;
	size_t		 len;
	size_t		 cap;
	int		 err;
	bool		 our_local;	/* a local rule of ours exists */
	bool		 local0;	/* a local rule at pref 0 exists */
};

/* Appends one message: header fields, then the pieces given. */
static void *
collect_msg(struct collect *c, uint16_t type, size_t len)
{
	struct nlmsghdr *m;
	size_t need = NLMSG_ALIGN(NLMSG_HDRLEN + len);
	uint8_t *p;

	if (c->cap - c->len < need) {
		size_t cap = c->cap != 0 ? c->cap * 2 : 65536;

		while (cap - c->len < need)
			cap *= 2;
		p = realloc(c->buf, cap);
		if (p == NULL) {
			c->err = -ENOMEM;
			return NULL;
		}
		c->buf = p;
		c->cap = cap;
	}
	m = (struct nlmsghdr *)(c->buf + c->len);
	memset(m, 0, need);
	m->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + len);
	m->nlmsg_type = type;
	c->len += need;
	return NLMSG_DATA(m);
}

static bool
our_table(const struct dp_config *cfg, uint32_t t)
{
	return t == cfg->table_route || t == cfg->table_access ||
	    t == cfg->table_decap ||
	    (t >= cfg->table_uplink &&
	    t - cfg->table_uplink < cfg->table_uplink_count);
}

static int
link_cb(void *arg, const struct nlmsghdr *m)
{
	struct collect *c = arg;
	const struct rtattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1];
	const struct ifinfomsg *ifi = NLMSG_DATA(m);
	const char *prefix = c->dp->cfg.dev_prefix;
	struct ifinfomsg *del;

	if (m->nlmsg_type != RTM_NEWLINK ||
	    m->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)) ||
	    nlb_parse(m, sizeof(*ifi), tb, IFLA_MAX) != 0 ||
	    tb[IFLA_IFNAME] == NULL || tb[IFLA_LINKINFO] == NULL)
		return 0;
	if (strncmp(RTA_DATA(tb[IFLA_IFNAME]), prefix, strlen(prefix)) != 0)
		return 0;
	if (nlb_parse_nested(tb[IFLA_LINKINFO], li, IFLA_INFO_MAX) != 0 ||
	    li[IFLA_INFO_KIND] == NULL ||
	    strcmp(RTA_DATA(li[IFLA_INFO_KIND]), "ip6tnl") != 0)
		return 0;
	del = collect_msg(c, RTM_DELLINK, sizeof(*del));
	if (del != NULL) {
		del->ifi_family = AF_UNSPEC;
		del->ifi_index = ifi->ifi_index;
	}
	return c->err;
}

/* Copies the attributes that tell one route from another. */
static int
route_cb(void *arg, const struct nlmsghdr *m)
{
	static const uint16_t keep[] = {
		RTA_DST, RTA_SRC, RTA_TABLE, RTA_OIF, RTA_PRIORITY
	};
	struct collect *c = arg;
	const struct rtattr *tb[RTA_MAX + 1];
	const struct rtmsg *r = NLMSG_DATA(m);
	struct rtmsg *del;
	uint32_t table;
	size_t i, len = NLMSG_ALIGN(sizeof(*r));
	uint8_t *p;

	if (m->nlmsg_type != RTM_NEWROUTE ||
	    m->nlmsg_len < NLMSG_LENGTH(sizeof(*r)) ||
	    nlb_parse(m, sizeof(*r), tb, RTA_MAX) != 0 ||
	    r->rtm_family != AF_INET6 ||
	    r->rtm_protocol != c->dp->cfg.proto ||
	    (r->rtm_flags & RTM_F_CLONED))
		return 0;
	table = tb[RTA_TABLE] != NULL ? nlb_get_u32(tb[RTA_TABLE]) :
	    r->rtm_table;
	if (!our_table(&c->dp->cfg, table))
		return 0;
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (tb[keep[i]] != NULL)
			len += RTA_ALIGN(tb[keep[i]]->rta_len);
	del = collect_msg(c, RTM_DELROUTE, len);
	if (del == NULL)
		return c->err;
	*del = *r;
	p = (uint8_t *)del + NLMSG_ALIGN(sizeof(*r));
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (tb[keep[i]] != NULL) {
			memcpy(p, tb[keep[i]], tb[keep[i]]->rta_len);
			p += RTA_ALIGN(tb[keep[i]]->rta_len);
		}
	return 0;
}

/* Rules are few: each of ours goes back as it came, as a delete. */
static int
rule_cb(void *arg, const struct nlmsghdr *m)
{
	struct collect *c = arg;
	const struct rtattr *tb[FRA_MAX + 1];
	const struct fib_rule_hdr *h = NLMSG_DATA(m);
	uint32_t table, pref;
	void *del;

	if (m->nlmsg_type != RTM_NEWRULE ||
	    m->nlmsg_len < NLMSG_LENGTH(sizeof(*h)) ||
	    nlb_parse(m, sizeof(*h), tb, FRA_MAX) != 0 ||
	    h->family != AF_INET6)
		return 0;
	table = tb[FRA_TABLE] != NULL ? nlb_get_u32(tb[FRA_TABLE]) : h->table;
	pref = tb[FRA_PRIORITY] != NULL ? nlb_get_u32(tb[FRA_PRIORITY]) : 0;
	if (table == RT_TABLE_LOCAL && pref == 0)
		c->local0 = true;
	if (tb[FRA_PROTOCOL] == NULL || RTA_PAYLOAD(tb[FRA_PROTOCOL]) < 1 ||
	    *(const uint8_t *)RTA_DATA(tb[FRA_PROTOCOL]) != c->dp->cfg.proto)
		return 0;
	if (table == RT_TABLE_LOCAL)
		c->our_local = true;
	del = collect_msg(c, RTM_DELRULE, m->nlmsg_len - NLMSG_HDRLEN);
	if (del != NULL)
		memcpy(del, NLMSG_DATA(m), m->nlmsg_len - NLMSG_HDRLEN);
	return c->err;
}

/* Sends what was collected; answers of -tolerate do not count. */
static void
send_collected(struct dp *dp, struct dp_op *op, struct collect *c,
    int tolerate)
{
	const struct nlmsghdr *m;
	size_t len = c->len;
	void *p;

	for (m = (const struct nlmsghdr *)c->buf; NLMSG_OK(m, len);
	    m = NLMSG_NEXT(m, len)) {
		if (!dp_window_room(dp, 1))
			dp_window_flush(dp);
		p = dp_msg_begin(dp, op, m->nlmsg_type, 0, 0, tolerate);
		if (p == NULL)
			break;
		nlb_put_raw(&dp->b, NLMSG_DATA(m), m->nlmsg_len - NLMSG_HDRLEN);
		dp_msg_end(dp);
	}
	dp_window_flush(dp);
	c->len = 0;
}

int
dp_flush_kernel(struct dp *dp)
{
	struct collect c;
	struct dp_op op, restore;
	int err;

	if (!dp->be->programs)
		return 0;
	dp_window_flush(dp);
	memset(&c, 0, sizeof(c));
	memset(&op, 0, sizeof(op));
	op.type = DP_OP_RAW;
	c.dp = dp;

	/* Devices first: their routes go with them. */
	err = nlb_dump(&dp->nl, RTM_GETLINK, AF_UNSPEC, link_cb, &c);
	if (err == 0)
		err = c.err;
	if (err == 0) {
		send_collected(dp, &op, &c, ENODEV);
		err = nlb_dump(&dp->nl, RTM_GETROUTE, AF_INET6, route_cb, &c);
	}
	if (err == 0)
		err = c.err;
	if (err == 0) {
		send_collected(dp, &op, &c, ESRCH);
		err = nlb_dump(&dp->nl, RTM_GETRULE, AF_INET6, rule_cb, &c);
	}
	if (err == 0)
		err = c.err;
	if (err == 0 && c.our_local && !c.local0) {
		/* Our local rule goes only once the original is back. */
		memset(&restore, 0, sizeof(restore));
		restore.type = DP_OP_LOCAL_RESTORE;
		err = dp_local_restore(dp, &restore);
	}
	if (err == 0)
		send_collected(dp, &op, &c, ENOENT);
	free(c.buf);
	return err != 0 ? err : op.status;
}
