/*
 * daemon.c: start-up and shutdown chores both daemons share: parent
 * directories for sockets and state files, and the pid file.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"

void
daemon_mkparent(const char *path)
{
	char dir[256], *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		(void)mkdir(dir, 0755);
	}
}

void
daemon_pidfile_write(const char *path)
{
	FILE *f;

	if (path == NULL || path[0] == '\0')
		return;
	daemon_mkparent(path);
	if ((f = fopen(path, "w")) == NULL)
		fatal(LOG_SUB_MAIN, "pid file %s", path);
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
}

void
daemon_pidfile_remove(const char *path)
{
	if (path != NULL && path[0] != '\0')
		(void)unlink(path);
}
