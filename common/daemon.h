/*
 * daemon.h: start-up and shutdown chores both daemons share: parent
 * directories for run-time files, and the pid file.
 */
#ifndef PMIP6_DAEMON_H
#define PMIP6_DAEMON_H

/* Create path's parent directory (one level, mode 0755) if missing. */
void	 daemon_mkparent(const char *path);
/* Write our pid to path, creating its parent; fatal on failure.  An
 * empty path (or NULL) means no pid file. */
void	 daemon_pidfile_write(const char *path);
/* Remove the pid file written by daemon_pidfile_write(). */
void	 daemon_pidfile_remove(const char *path);

#endif /* PMIP6_DAEMON_H */
