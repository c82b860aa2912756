/*
 * aaa_tool.c: drives libaaa from the command line, so that
 * test/aaa_radius.sh (and anyone debugging a RADIUS set-up) can run it
 * against a real server.
 *
 *   aaa_tool -c FILE [-v] [-s] [-T] [-w SECONDS] COMMAND ...
 *
 * FILE is libconfig with a "radius" group, as in mag.conf.  -v logs at
 * debug level, -s makes auth send one request at a time and print
 * "elapsed MAC N ms" after each, -T runs a 10 ms loop timer and prints
 * the largest gap between its ticks (the loop thread must never block on
 * radcli), -w bounds the run (default 120 s).  Commands:
 *   check          check the group and print it as understood
 *   auth MAC...    authenticate every MAC at once; one line each:
 *                  "MAC ACCEPT mnid=... lma=... hnp=...,..." or
 *                  "MAC REJECT|TIMEOUT|ERROR reason"
 *   cancel MAC     queue an authentication and cancel it at once
 *   bench N        N authentications at once of 02-00-01-xx-xx-xx;
 *                  prints the rate
 *   session MAC    authenticate, then account Start, Interim and Stop;
 *                  prints "session ID" and the accounting counters
 * Exit status: 0 when every request completed, 1 otherwise, 2 for usage
 * or set-up errors.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aaa.h"
#include "log.h"
#include "loop.h"

struct tool_conf {
	struct aaa_config radius;
};

static const struct conf_field tool_schema[] = {
	{ .name = "radius", .type = CONF_GROUP, .off = 0,
	  .sub = aaa_conf_schema, .help = "the MAG's RADIUS client" },
	CONF_END
};

struct job {
	uint8_t		 mac[6];
	int		 finished;
	enum aaa_result	 res;
	struct aaa_profile prof;
	char		 reason[512];
	uint64_t	 started;
};

static struct loop *loop;
static struct aaa *aaa;
static struct job *jobs;
static size_t njobs, nfinished;
static int print_results = 1, sequential;
static size_t next_job;
static struct timer tick, deadline;
static uint64_t last_tick, max_gap, nticks;

static void
usage(void)
{
	fprintf(stderr, "usage: aaa_tool -c FILE [-v] [-s] [-T] [-w SECONDS] "
	    "check | auth MAC... | cancel MAC | bench N | session MAC\n");
	exit(2);
}

static void
print_profile(const struct job *j)
{
	const struct aaa_profile *p = &j->prof;
	char m[MAC_STRLEN], buf[PREFIX6_STRLEN], txt[4 * AAA_STR_MAX + 1];
	static const char *const src[] = { "Mobile-Node-Identifier",
	    "User-Name", "Chargeable-User-Identity" };
	unsigned i;
	size_t k, o;

	mac_format(j->mac, m, sizeof(m), MAC_DASH_UPPER);
	printf("%s ACCEPT", m);
	o = 0;
	for (k = 0; k < p->mnid_len; k++)
		o += (size_t)snprintf(txt + o, sizeof(txt) - o,
		    p->mnid[k] > 0x20 && p->mnid[k] < 0x7f ? "%c" : "\\x%02x",
		    p->mnid[k]);
	printf(" mnid=%s mnid_from=%s", txt, src[p->mnid_from]);
	printf(" lma=%s", p->has_lma ? addr6_ntop(&p->lma, buf) : "-");
	printf(" hnp=");
	for (i = 0; i < p->n_hnp; i++)
		printf("%s%s", i ? "," : "", prefix6_ntop(&p->hnp[i], buf));
	if (p->n_hnp == 0)
		printf("-");
	if (p->has_ifid)
		printf(" ifid=%02x%02x:%02x%02x:%02x%02x:%02x%02x", p->ifid[0],
		    p->ifid[1], p->ifid[2], p->ifid[3], p->ifid[4], p->ifid[5],
		    p->ifid[6], p->ifid[7]);
	else
		printf(" ifid=-");
	printf(" session_timeout=%u interim=%u user_name=%s",
	    p->session_timeout, p->acct_interim_interval, p->user_name);
	printf(" class_len=%zu cui_len=%zu", p->class_len, p->cui_len);
	if (p->has_feature_vector)
		printf(" fv=0x%016llx", (unsigned long long)p->feature_vector);
	if (p->service_selection[0] != '\0')
		printf(" service=%s", p->service_selection);
	printf("\n");
}

static void
print_job(const struct job *j)
{
	char m[MAC_STRLEN];

	if (j->res == AAA_ACCEPT) {
		print_profile(j);
		return;
	}
	mac_format(j->mac, m, sizeof(m), MAC_DASH_UPPER);
	printf("%s %s %s\n", m, aaa_result_name(j->res), j->reason);
}

static void
all_done_check(void)
{
	if (nfinished == njobs && aaa_pending(aaa) == 0)
		loop_stop(loop);
}

static void	on_auth(void *, enum aaa_result, const struct aaa_profile *,
		    const char *);

/* Queue jobs[next_job...]: all of them, or one with -s. */
static int
start_jobs(void)
{
	int rc = 0;

	while (next_job < njobs) {
		jobs[next_job].started = clock_ms();
		if (aaa_auth(aaa, jobs[next_job].mac, 1, on_auth,
		    &jobs[next_job]) == 0) {
			rc = -1;
			nfinished++;	/* nothing will call back */
		}
		next_job++;
		if (sequential)
			break;
	}
	return rc;
}

static void
on_auth(void *ctx, enum aaa_result res, const struct aaa_profile *p,
    const char *reason)
{
	struct job *j = ctx;
	char m[MAC_STRLEN];

	j->finished = 1;
	j->res = res;
	if (p != NULL)
		j->prof = *p;
	snprintf(j->reason, sizeof(j->reason), "%s", reason);
	nfinished++;
	if (print_results)
		print_job(j);
	if (sequential) {
		mac_format(j->mac, m, sizeof(m), MAC_DASH_UPPER);
		printf("elapsed %s %llu ms\n", m,
		    (unsigned long long)(clock_ms() - j->started));
		(void)start_jobs();
	}
	all_done_check();
}

static void
on_tick(struct timer *t, void *ctx)
{
	uint64_t now = clock_ms();

	(void)t;
	(void)ctx;
	if (last_tick != 0 && now - last_tick > max_gap)
		max_gap = now - last_tick;
	last_tick = now;
	nticks++;
	/* Accounting has no callback: poll for its end. */
	if (nfinished == njobs && aaa_pending(aaa) == 0)
		loop_stop(loop);
}

static void
on_deadline(struct timer *t, void *ctx)
{
	(void)t;
	(void)ctx;
	fprintf(stderr, "aaa_tool: time is up with %zu of %zu done\n",
	    nfinished, njobs);
	loop_stop(loop);
}

static void
on_signal(int signo, void *ctx)
{
	(void)signo;
	(void)ctx;
	loop_stop(loop);
}

static int
load(const char *path, struct tool_conf *tc)
{
	struct conf_err err;
	char buf[1024];
	config_t cfg;
	int rc = -1;

	memset(tc, 0, sizeof(*tc));
	if (conf_defaults(tool_schema, tc, &err) == -1) {
		fprintf(stderr, "aaa_tool: %s\n", conf_strerror(&err, buf,
		    sizeof(buf)));
		return -1;
	}
	config_init(&cfg);
	if (conf_load_file(&cfg, path, &err) == 0 &&
	    conf_apply(config_root_setting(&cfg), tool_schema, tc, &err) == 0)
		rc = 0;
	else {
		fprintf(stderr, "aaa_tool: %s\n", conf_strerror(&err, buf,
		    sizeof(buf)));
		aaa_config_release(&tc->radius);
	}
	config_destroy(&cfg);
	return rc;
}

static int
add_job(const char *s)
{
	if (mac_parse(s, jobs[njobs].mac) == -1) {
		fprintf(stderr, "aaa_tool: bad MAC %s\n", s);
		return -1;
	}
	njobs++;
	return 0;
}

static void
run(void)
{
	loop_run(loop);
}

static int
cmd_session(const char *mac)
{
	struct aaa_session s;
	struct aaa_stats st;
	struct job *j = &jobs[0];

	if (add_job(mac) == -1)
		return 2;
	if (aaa_auth(aaa, j->mac, 1, on_auth, j) == 0)
		return 1;
	run();
	if (!j->finished || j->res != AAA_ACCEPT)
		return 1;
	memset(&s, 0, sizeof(s));
	aaa_session_id(aaa, s.session_id, sizeof(s.session_id));
	memcpy(s.mac, j->mac, 6);
	s.nas_port = 1;
	s.profile = &j->prof;
	printf("session %s\n", s.session_id);
	if (aaa_acct(aaa, AAA_ACCT_START, &s) == -1)
		return 1;
	s.session_time = 1;
	s.has_counters = 1;
	s.in_octets = 5000000000ULL;	/* past 2^32: gigawords */
	s.out_octets = 1234;
	s.in_packets = 10;
	s.out_packets = 20;
	if (aaa_acct(aaa, AAA_ACCT_INTERIM, &s) == -1)
		return 1;
	s.session_time = 2;
	s.terminate_cause = AAA_TERM_LOST_CARRIER;
	if (aaa_acct(aaa, AAA_ACCT_STOP, &s) == -1)
		return 1;
	/* on_tick() stops the loop once nothing is pending. */
	timer_set_recurrence(&tick, 10, 0);
	if (!timer_pending(&tick))
		timer_arm(loop, &tick, 10);
	run();
	aaa_get_stats(aaa, &st);
	printf("accounting sent=%llu ok=%llu failed=%llu\n",
	    (unsigned long long)st.acct_sent, (unsigned long long)st.acct_ok,
	    (unsigned long long)st.acct_failed);
	return st.acct_ok == 3 ? 0 : 1;
}

static int
cmd_cancel(const char *mac)
{
	uint64_t id;

	if (add_job(mac) == -1)
		return 2;
	if ((id = aaa_auth(aaa, jobs[0].mac, 1, on_auth, &jobs[0])) == 0)
		return 1;
	aaa_cancel(aaa, id);
	/* The callback must not run: wait for the request to drain. */
	njobs = 0;
	timer_set_recurrence(&tick, 10, 0);
	if (!timer_pending(&tick))
		timer_arm(loop, &tick, 10);
	run();
	printf("cancel: callback %s, pending %zu\n",
	    jobs[0].finished ? "RAN" : "did not run", aaa_pending(aaa));
	return jobs[0].finished ? 1 : 0;
}

static int
cmd_bench(long n)
{
	struct aaa_stats st;
	uint64_t t0, t1;
	long i;

	print_results = 0;
	for (i = 0; i < n; i++) {
		jobs[i].mac[0] = 0x02;
		jobs[i].mac[2] = 0x01;
		jobs[i].mac[3] = (uint8_t)(i >> 16);
		jobs[i].mac[4] = (uint8_t)(i >> 8);
		jobs[i].mac[5] = (uint8_t)i;
	}
	njobs = (size_t)n;
	t0 = clock_ms();
	for (i = 0; i < n; i++)
		if (aaa_auth(aaa, jobs[i].mac, 1, on_auth, &jobs[i]) == 0) {
			fprintf(stderr, "aaa_tool: request %ld not queued\n",
			    i);
			return 1;
		}
	run();
	t1 = clock_ms();
	aaa_get_stats(aaa, &st);
	printf("bench: %zu of %ld done in %llu ms: %.0f auths/s (accept %llu "
	    "reject %llu timeout %llu error %llu)\n", nfinished, n,
	    (unsigned long long)(t1 - t0),
	    t1 > t0 ? (double)nfinished * 1000.0 / (double)(t1 - t0) : 0.0,
	    (unsigned long long)st.accept, (unsigned long long)st.reject,
	    (unsigned long long)st.timeout, (unsigned long long)st.error);
	for (i = 0; i < n; i++)
		if (jobs[i].finished && jobs[i].res != AAA_ACCEPT) {
			print_job(&jobs[i]);
			break;
		}
	return nfinished == njobs && st.accept == (uint64_t)n ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct tool_conf tc;
	char err[512], *end;
	const char *conf = NULL;
	int c, level = LOG_LVL_INFO, measure = 0, rc = 0, i;
	long wait_s = 120, n = 0;

	while ((c = getopt(argc, argv, "c:vsTw:")) != -1) {
		switch (c) {
		case 'c':
			conf = optarg;
			break;
		case 'v':
			level = LOG_LVL_DEBUG;
			break;
		case 's':
			sequential = 1;
			break;
		case 'T':
			measure = 1;
			break;
		case 'w':
			wait_s = strtol(optarg, &end, 10);
			if (*end != '\0' || wait_s <= 0)
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (conf == NULL || argc < 1)
		usage();
	if (strcmp(argv[0], "bench") == 0) {
		if (argc != 2 || (n = strtol(argv[1], &end, 10)) <= 0 ||
		    *end != '\0' || n > 1000000)
			usage();
	} else
		n = argc;
	log_init("aaa_tool", 1, (enum log_level)level);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (load(conf, &tc) == -1)
		return 2;
	if (strcmp(argv[0], "check") == 0) {
		rc = aaa_config_check(&tc.radius, err, sizeof(err));
		if (rc == -1)
			fprintf(stderr, "aaa_tool: %s\n", err);
		else
			conf_print(stdout, tool_schema, &tc, 0);
		aaa_config_release(&tc.radius);
		return rc == -1 ? 2 : 0;
	}
	if ((jobs = calloc((size_t)n, sizeof(*jobs))) == NULL ||
	    (loop = loop_new()) == NULL) {
		fprintf(stderr, "aaa_tool: out of memory\n");
		rc = 2;
		goto out;
	}
	loop_add_signal(loop, SIGINT, on_signal, NULL);
	loop_add_signal(loop, SIGTERM, on_signal, NULL);
	if ((aaa = aaa_new(loop, &tc.radius, err, sizeof(err))) == NULL) {
		fprintf(stderr, "aaa_tool: %s\n", err);
		rc = 2;
		goto out;
	}
	timer_init(&tick, on_tick, NULL);
	timer_init(&deadline, on_deadline, NULL);
	timer_arm(loop, &deadline, (uint64_t)wait_s * 1000);
	if (measure) {
		timer_set_recurrence(&tick, 10, 0);
		timer_arm(loop, &tick, 10);
	}
	if (strcmp(argv[0], "auth") == 0 && argc >= 2) {
		for (i = 1; i < argc && rc == 0; i++)
			if (add_job(argv[i]) == -1)
				rc = 2;
		if (rc != 0)
			goto out;
		if (start_jobs() == -1)
			rc = 1;
		if (nfinished < njobs)
			run();
	} else if (strcmp(argv[0], "cancel") == 0 && argc == 2)
		rc = cmd_cancel(argv[1]);
	else if (strcmp(argv[0], "bench") == 0)
		rc = cmd_bench(n);
	else if (strcmp(argv[0], "session") == 0 && argc == 2)
		rc = cmd_session(argv[1]);
	else {
		rc = 2;
		fprintf(stderr, "aaa_tool: bad command\n");
		goto out;
	}
	if (nfinished != njobs && rc == 0)
		rc = 1;
	if (measure)
		printf("loop: %llu ticks, max gap %llu ms\n",
		    (unsigned long long)nticks, (unsigned long long)max_gap);
out:
	aaa_free(aaa);
	aaa_config_release(&tc.radius);
	loop_free(loop);
	free(jobs);
	return rc;
}
