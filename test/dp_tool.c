/*
 * dp_tool.c: runs data-plane requests from a script, so that shell tests
 * can build the LMA and MAG sides of a real tunnel through libdp alone.
 *
 *   dp_tool [-b auto|seg6|ip6tnl|none] [-c 'cmd; cmd; ...']
 *
 * Without -c, commands come from standard input, one per line.  Requests
 * are queued until "commit", which prints one line per request:
 *   "<n> <request>: ok"  or  "<n> <request>: <-errno> <text>".
 * Commands:
 *   tunnel add|del PEER [local ADDR] [dev IF]
 *   route add|replace|del PREFIX [via PEER]
 *   uplink add|del PREFIX iif IF via PEER
 *   access add|replace|del PREFIX dev IF
 *   decap add|del ADDR [dev IF]
 *   commit | flush | refs PEER | uplinks PEER | table IF
 *   hold     print "ready", wait for SIGTERM or SIGINT
 * The data plane is opened first (which clears leftovers) and closed at
 * the end (which removes everything), unless the tool is killed.
 * Exit status: 0, 1 for a bad command or a request refused when queued,
 * 2 for usage or dp_open() failure.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "dp.h"

#define MAX_REQ		4096
#define MAX_WORDS	12

struct req {
	char	 text[128];
	int	 status;
};

static struct dp *dp;
static struct req reqs[MAX_REQ];
static unsigned nreq;

static void
done(void *arg, int status)
{
	((struct req *)arg)->status = status;
}

static int
parse_addr(const char *s, struct in6_addr *a)
{
	if (s == NULL || inet_pton(AF_INET6, s, a) != 1) {
		fprintf(stderr, "dp_tool: bad address '%s'\n", s ? s : "");
		return -1;
	}
	return 0;
}

static int
parse_prefix(const char *s, struct prefix6 *p)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	long len = 128;

	if (s == NULL || strlen(s) >= sizeof(buf))
		return parse_addr(NULL, &p->addr);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash != NULL) {
		*slash = '\0';
		len = strtol(slash + 1, &end, 10);
		if (*end != '\0' || len < 0 || len > 128) {
			fprintf(stderr, "dp_tool: bad prefix '%s'\n", s);
			return -1;
		}
	}
	p->len = (uint8_t)len;
	return parse_addr(buf, &p->addr);
}

static int
parse_if(const char *s, unsigned *ifindex)
{
	*ifindex = s != NULL ? if_nametoindex(s) : 0;
	if (*ifindex == 0) {
		fprintf(stderr, "dp_tool: no interface '%s'\n", s ? s : "");
		return -1;
	}
	return 0;
}

/* The word after key, if key is among w[from..n). */
static const char *
opt(char **w, int n, int from, const char *key)
{
	int i;

	for (i = from; i + 1 < n; i++)
		if (strcmp(w[i], key) == 0)
			return w[i + 1];
	return NULL;
}

static int
do_commit(void)
{
	unsigned i;
	int failed;

	failed = dp_commit(dp);
	for (i = 0; i < nreq; i++) {
		if (reqs[i].status == 0)
			printf("%u %s: ok\n", i + 1, reqs[i].text);
		else
			printf("%u %s: %d %s\n", i + 1, reqs[i].text,
			    reqs[i].status, strerror(-reqs[i].status));
	}
	printf("commit: %u requests, %d failed\n", nreq, failed);
	fflush(stdout);
	nreq = 0;
	return 0;
}

static int
hold(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
	return 0;
}

/* Queues one request; returns 0, or -1 after saying what was wrong. */
static int
request(char **w, int n, struct req *r)
{
	const char *what = w[0], *verb = n > 1 ? w[1] : "";
	bool add = strcmp(verb, "add") == 0 || strcmp(verb, "replace") == 0;
	int err = -EINVAL;

	if (n < 3 || (!add && strcmp(verb, "del") != 0))
		goto usage;
	if (strcmp(what, "tunnel") == 0) {
		struct dp_tunnel t;
		const char *dev = opt(w, n, 3, "dev");

		memset(&t, 0, sizeof(t));
		if (parse_addr(w[2], &t.peer) != 0 ||
		    (opt(w, n, 3, "local") != NULL &&
		    parse_addr(opt(w, n, 3, "local"), &t.local) != 0) ||
		    (dev != NULL && parse_if(dev, &t.ifindex) != 0))
			return -1;
		err = add ? dp_tunnel_add(dp, &t, done, r) :
		    dp_tunnel_del(dp, &t, done, r);
	} else if (strcmp(what, "route") == 0) {
		struct dp_route rt;

		memset(&rt, 0, sizeof(rt));
		rt.replace = strcmp(verb, "replace") == 0;
		if (parse_prefix(w[2], &rt.prefix) != 0 ||
		    (opt(w, n, 3, "via") != NULL &&
		    parse_addr(opt(w, n, 3, "via"), &rt.peer) != 0))
			return -1;
		err = add ? dp_route_add(dp, &rt, done, r) :
		    dp_route_del(dp, &rt, done, r);
	} else if (strcmp(what, "uplink") == 0) {
		struct dp_uplink u;

		memset(&u, 0, sizeof(u));
		if (parse_prefix(w[2], &u.prefix) != 0 ||
		    parse_if(opt(w, n, 3, "iif"), &u.iif) != 0 ||
		    parse_addr(opt(w, n, 3, "via"), &u.peer) != 0)
			return -1;
		err = add ? dp_uplink_add(dp, &u, done, r) :
		    dp_uplink_del(dp, &u, done, r);
	} else if (strcmp(what, "access") == 0) {
		struct dp_access a;

		memset(&a, 0, sizeof(a));
		a.replace = strcmp(verb, "replace") == 0;
		if (parse_prefix(w[2], &a.prefix) != 0 ||
		    (opt(w, n, 3, "dev") != NULL &&
		    parse_if(opt(w, n, 3, "dev"), &a.ifindex) != 0))
			return -1;
		err = add ? dp_access_add(dp, &a, done, r) :
		    dp_access_del(dp, &a, done, r);
	} else if (strcmp(what, "decap") == 0) {
		struct dp_decap d;
		const char *dev = opt(w, n, 3, "dev");

		memset(&d, 0, sizeof(d));
		if (parse_addr(w[2], &d.local) != 0 ||
		    (dev != NULL && parse_if(dev, &d.ifindex) != 0))
			return -1;
		err = add ? dp_decap_add(dp, &d, done, r) :
		    dp_decap_del(dp, &d, done, r);
	} else
		goto usage;
	if (err != 0) {
		printf("%s: refused: %d %s\n", r->text, err, strerror(-err));
		return -1;
	}
	return 0;
usage:
	fprintf(stderr, "dp_tool: bad command '%s'\n", r->text);
	return -1;
}

static int
run(char *line)
{
	char *w[MAX_WORDS], *save = NULL, *tok;
	char text[sizeof(reqs[0].text)];
	int n = 0;
	size_t len;

	/* Commands from -c may span lines: any blank separates words. */
	len = strcspn(line, "#");
	line[len] = '\0';
	while (len > 0 && isspace((unsigned char)line[len - 1]))
		line[--len] = '\0';
	while (isspace((unsigned char)*line))
		line++;
	snprintf(text, sizeof(text), "%s", line);
	for (tok = strtok_r(line, " \t\r\n", &save);
	    tok != NULL && n < MAX_WORDS;
	    tok = strtok_r(NULL, " \t\r\n", &save))
		w[n++] = tok;
	if (n == 0)
		return 0;
	if (strcmp(w[0], "commit") == 0)
		return do_commit();
	if (strcmp(w[0], "hold") == 0)
		return hold();
	if (strcmp(w[0], "flush") == 0) {
		int err = dp_flush(dp);

		printf("flush: %d\n", err);
		nreq = 0;
		return err == 0 ? 0 : -1;
	}
	if (n == 2 && (strcmp(w[0], "refs") == 0 ||
	    strcmp(w[0], "uplinks") == 0)) {
		struct in6_addr a;

		if (parse_addr(w[1], &a) != 0)
			return -1;
		printf("%s %s: %u\n", w[0], w[1], w[0][0] == 'r' ?
		    dp_tunnel_refs(dp, &a) : dp_uplink_refs(dp, &a));
		return 0;
	}
	if (n == 2 && strcmp(w[0], "table") == 0) {
		unsigned ifindex;

		if (parse_if(w[1], &ifindex) != 0)
			return -1;
		printf("table %s: %u\n", w[1],
		    (unsigned)dp_uplink_table(dp, ifindex));
		return 0;
	}
	if (nreq == MAX_REQ) {
		fprintf(stderr, "dp_tool: more than %d requests\n", MAX_REQ);
		return -1;
	}
	snprintf(reqs[nreq].text, sizeof(reqs[nreq].text), "%s", text);
	reqs[nreq].status = 1;
	if (request(w, n, &reqs[nreq]) != 0)
		return -1;
	nreq++;
	return 0;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: dp_tool [-b auto|seg6|ip6tnl|none] [-c 'cmd; ...']\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct dp_config cfg;
	const char *script = NULL;
	char line[512], *cmd, *save = NULL, *copy;
	int c, kind, rc = 0, err;

	dp_config_default(&cfg);
	while ((c = getopt(argc, argv, "b:c:")) != -1) {
		switch (c) {
		case 'b':
			kind = dp_backend_parse(optarg);
			if (kind < 0)
				usage();
			cfg.backend = (enum dp_backend_kind)kind;
			break;
		case 'c':
			script = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	err = dp_open(&dp, &cfg);
	if (err != 0) {
		fprintf(stderr, "dp_tool: dp_open(%s): %s\n",
		    dp_backend_kind_name(cfg.backend), strerror(-err));
		return 2;
	}
	printf("backend: %s\n", dp_backend_kind_name(dp_backend(dp)));
	if (script != NULL) {
		copy = strdup(script);
		if (copy == NULL)
			return 2;
		for (cmd = strtok_r(copy, ";", &save); cmd != NULL;
		    cmd = strtok_r(NULL, ";", &save)) {
			snprintf(line, sizeof(line), "%s", cmd);
			if (run(line) != 0) {
				rc = 1;
				break;
			}
		}
		free(copy);
	} else {
		while (fgets(line, sizeof(line), stdin) != NULL)
			if (run(line) != 0) {
				rc = 1;
				break;
			}
	}
	if (nreq > 0)
		do_commit();
	dp_close(dp);
	return rc;
}
