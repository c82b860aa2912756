/*
 * pmip6ctl: talk to pmip6-lma or pmip6-mag over their control socket.
 *
 *   pmip6ctl [-s SOCKET] COMMAND...      e.g. pmip6ctl show bindings --json
 *
 * Prints the daemon's reply and exits 0 when its final code is 0000, 1
 * otherwise (2 when the daemon cannot be reached).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_SOCKET	"/run/pmip6/lma.sock"

static void
usage(void)
{
	fprintf(stderr, "usage: pmip6ctl [-s socket] command ...\n"
	    "       pmip6ctl [-s socket] help\n"
	    "The default socket is " DEFAULT_SOCKET
	    "; the MAG's is /run/pmip6/mag.sock.\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *path = getenv("PMIP6CTL_SOCKET");
	struct sockaddr_un sun;
	char cmd[1024], buf[65536], last[256] = "";
	size_t len = 0, lastlen = 0;
	ssize_t n;
	int ch, fd, i;

	if (path == NULL)
		path = DEFAULT_SOCKET;
	while ((ch = getopt(argc, argv, "+s:h")) != -1) {
		switch (ch) {
		case 's':
			path = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	for (i = optind; i < argc; i++) {
		int w = snprintf(cmd + len, sizeof(cmd) - len, "%s%s",
		    i > optind ? " " : "", argv[i]);

		if (w < 0 || (size_t)w >= sizeof(cmd) - len - 1) {
			fprintf(stderr, "pmip6ctl: command too long\n");
			return 2;
		}
		len += (size_t)w;
	}
	cmd[len++] = '\n';

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "pmip6ctl: socket path too long\n");
		return 2;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "pmip6ctl: %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (write(fd, cmd, len) != (ssize_t)len) {
		fprintf(stderr, "pmip6ctl: write: %s\n", strerror(errno));
		return 2;
	}
	/* Print everything but the final code line, which decides the exit
	 * status; streams (monitor) never end on their own. */
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++) {
			if (lastlen < sizeof(last) - 1)
				last[lastlen++] = buf[i];
			if (buf[i] == '\n') {
				last[lastlen] = '\0';
				if (!(lastlen == 5 &&
				    strcmp(last, "0000\n") == 0))
					fputs(last, stdout);
				fflush(stdout);
				lastlen = 0;
				if (strncmp(last, "0000", 4) == 0)
					return 0;
				if (last[0] == '9' && strlen(last) > 4 &&
				    last[4] == ' ' && last[1] >= '0' &&
				    last[1] <= '9')
					return 1;
			}
		}
	}
	return 1;
}
