/*
 * daemon.h: start-up and shutdown chores both daemons share: detaching
 * with a readiness report, parent directories for run-time files, and
 * the pid file.
 */
#ifndef PMIP6_DAEMON_H
#define PMIP6_DAEMON_H

/* The command line both daemons take. */
struct daemon_args {
	const char	*conf_path;	/* -c */
	const char	*pidfile;	/* -p */
	int		 fg;		/* -d */
	int		 check;		/* -n */
};
/*
 * Parse argv for the daemon called name ("pmip6-lma"), whose files are
 * /etc/pmip6/<role>.conf and /run/pmip6/<role>.pid by default.  Prints
 * the version and exits 0 for -v; prints the usage and exits 2 for
 * anything it does not take.
 */
void	 daemon_args(int argc, char **argv, const char *name,
	    const char *role, struct daemon_args *a);

/*
 * Detach (unless fg) and write the pid file naming the detached
 * process.  The caller that started us stays until daemon_ready(): it
 * then exits 0; if start-up fails first, it prints the errors logged
 * meanwhile on its stderr and exits 1, so an init system learns why.
 * Call after log_init().  pidfile as for daemon_pidfile_write().
 */
void	 daemon_start(int fg, const char *pidfile);
/* Start-up is complete (sockets, data plane, control socket): release
 * the waiting parent.  A no-op in the foreground or when called again. */
void	 daemon_ready(void);

struct loop;
/* SIGTERM and SIGINT end loop's run, with a log line. */
void	 daemon_stop_on_signals(struct loop *loop);

/* Create path's parent directory (one level, mode 0755) if missing. */
void	 daemon_mkparent(const char *path);
/* Write our pid to path, creating its parent; fatal on failure.  An
 * empty path (or NULL) means no pid file. */
void	 daemon_pidfile_write(const char *path);
/* Remove the pid file written by daemon_pidfile_write(). */
void	 daemon_pidfile_remove(const char *path);

#endif /* PMIP6_DAEMON_H */
