/*
 * aaa_dm_tool.c: the Dynamic Authorization server (aaa_dm_open) with a
 * fake session table, so that test/aaa_dm.sh can send it real
 * Disconnect-Requests with radclient.
 *
 *   aaa_dm_tool -c FILE [MAC...]
 *
 * FILE is libconfig with a "radius" group, as in mag.conf (servers,
 * dm_port, dm_address).  Each MAC is a live session; a Disconnect-
 * Request naming one by Calling-Station-Id ends it (ACK), any other gets
 * a NAK 503.  Prints "ready" once listening, then one line per request
 * reaching the callback: "disconnect MAC|- user=... session=... -> N".
 * Runs until SIGINT or SIGTERM.  Exit status 0, or 2 for usage or set-up
 * errors.
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

#define MAX_SESSIONS	64

static const struct conf_field tool_schema[] = {
	{ .name = "radius", .type = CONF_GROUP, .off = 0,
	  .sub = aaa_conf_schema, .help = "the MAG's RADIUS client" },
	CONF_END
};

static uint8_t sessions[MAX_SESSIONS][6];
static size_t nsessions;

static unsigned
on_disconnect(void *ctx, const struct aaa_dm_request *r)
{
	char mac[18] = "-";
	unsigned ended = 0;
	size_t i;

	(void)ctx;
	if (r->has_mac) {
		mac_format(r->mac, mac, sizeof(mac), MAC_DASH_UPPER);
		for (i = 0; i < nsessions; i++) {
			if (memcmp(sessions[i], r->mac, 6) != 0)
				continue;
			memmove(sessions[i], sessions[i + 1],
			    (nsessions - i - 1) * 6);
			nsessions--;
			ended = 1;
			break;
		}
	}
	printf("disconnect %s user=%s session=%s -> %u\n", mac, r->user_name,
	    r->session_id, ended);
	return ended;
}

static void
on_signal(int signo, void *ctx)
{
	(void)signo;
	loop_stop(ctx);
}

static void
usage(void)
{
	fprintf(stderr, "usage: aaa_dm_tool -c FILE [MAC...]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct aaa_config c;
	struct conf_err ce;
	struct aaa_dm *dm;
	struct loop *loop;
	const char *path = NULL;
	char err[512];
	config_t cfg;
	int ch, i;

	while ((ch = getopt(argc, argv, "c:")) != -1) {
		if (ch == 'c')
			path = optarg;
		else
			usage();
	}
	argc -= optind;
	argv += optind;
	if (path == NULL || argc > MAX_SESSIONS)
		usage();
	for (i = 0; i < argc; i++)
		if (mac_parse(argv[i], sessions[nsessions++]) == -1)
			usage();
	log_init("aaa_dm_tool", 1, LOG_LVL_DEBUG);
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&c, 0, sizeof(c));
	if (conf_defaults(tool_schema, &c, &ce) == -1) {
		fprintf(stderr, "aaa_dm_tool: %s\n", conf_strerror(&ce, err,
		    sizeof(err)));
		return 2;
	}
	config_init(&cfg);
	if (conf_load_file(&cfg, path, &ce) == -1 ||
	    conf_apply(config_root_setting(&cfg), tool_schema, &c, &ce) == -1) {
		fprintf(stderr, "aaa_dm_tool: %s\n", conf_strerror(&ce, err,
		    sizeof(err)));
		config_destroy(&cfg);
		aaa_config_release(&c);
		return 2;
	}
	config_destroy(&cfg);
	if ((loop = loop_new()) == NULL) {
		fprintf(stderr, "aaa_dm_tool: out of memory\n");
		return 2;
	}
	loop_add_signal(loop, SIGINT, on_signal, loop);
	loop_add_signal(loop, SIGTERM, on_signal, loop);
	if ((dm = aaa_dm_open(loop, &c, on_disconnect, NULL, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "aaa_dm_tool: %s\n", err);
		aaa_config_release(&c);
		loop_free(loop);
		return 2;
	}
	printf("ready\n");
	loop_run(loop);
	aaa_dm_close(dm);
	aaa_config_release(&c);
	loop_free(loop);
	return 0;
}
