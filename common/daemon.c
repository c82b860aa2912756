/*
 * daemon.c: start-up and shutdown chores both daemons share: the command
 * line, detaching with a readiness report, parent directories for
 * sockets and state files, and the pid file.
 *
 * Detaching before the set-up would leave a failure after the fork to
 * syslog alone, and an init script could only say "did not start".  So
 * the process that was started stays, reading a pipe, until the
 * detached one reports ready ("R") or dies; meanwhile the detached one
 * copies each error it logs into the pipe ("E" and the message, one
 * line each), and the waiting one prints those if no "R" comes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "loop.h"

/* The pipe's write end while the parent waits, else -1. */
static int daemon_ready_fd = -1;

/* What the waiting parent keeps of the errors: the last ones count. */
#define DAEMON_REPORT_MAX	(4 * LOG_MSG_MAX)

static void	daemon_startup_log(enum log_subsys, enum log_level,
		    const char *, void *);

static void __attribute__((noreturn))
daemon_usage(const char *name, const char *role)
{
	fprintf(stderr, "usage: %s [-dnv] [-c config] [-p pidfile]\n"
	    "  -c  configuration file (default /etc/pmip6/%s.conf)\n"
	    "  -d  stay in the foreground and log to stderr\n"
	    "  -n  check the configuration, print it, and exit\n"
	    "  -p  pid file (default /run/pmip6/%s.pid)\n"
	    "  -v  print the version\n", name, role, role);
	exit(2);
}

void
daemon_args(int argc, char **argv, const char *name, const char *role,
    struct daemon_args *a)
{
	/* Both daemons run in one process in no test, so static is fine. */
	static char conf[64], pid[64];
	int ch;

	snprintf(conf, sizeof(conf), "/etc/pmip6/%s.conf", role);
	snprintf(pid, sizeof(pid), "/run/pmip6/%s.pid", role);
	memset(a, 0, sizeof(*a));
	a->conf_path = conf;
	a->pidfile = pid;
	while ((ch = getopt(argc, argv, "c:dnp:v")) != -1) {
		switch (ch) {
		case 'c':
			a->conf_path = optarg;
			break;
		case 'd':
			a->fg = 1;
			break;
		case 'n':
			a->check = 1;
			break;
		case 'p':
			a->pidfile = optarg;
			break;
		case 'v':
			printf("%s %s\n", name, PACKAGE_VERSION);
			exit(0);
		default:
			daemon_usage(name, role);
		}
	}
	if (optind != argc)
		daemon_usage(name, role);
}

static void
daemon_startup_log(enum log_subsys sub, enum log_level level,
    const char *msg, void *ctx)
{
	char rec[LOG_MSG_MAX + 2];
	int n;

	(void)ctx;
	/* The normal output first: the system log keeps everything. */
	log_set_hook(NULL, NULL);
	log_msg(sub, level, "%s", msg);
	log_set_hook(daemon_startup_log, NULL);
	if (level != LOG_LVL_ERR || daemon_ready_fd == -1)
		return;
	n = snprintf(rec, sizeof(rec), "E%s\n", msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(rec))
		n = sizeof(rec) - 1;
	if (write(daemon_ready_fd, rec, (size_t)n) == -1) {
		/* The parent is gone: nobody left to tell. */
	}
}

/* Drop whole lines from the front of buf until it has room for need. */
static size_t
daemon_report_trim(char *buf, size_t len, size_t need)
{
	char *nl;
	size_t cut;

	while (len + need > DAEMON_REPORT_MAX && len > 0) {
		nl = memchr(buf, '\n', len);
		cut = nl != NULL ? (size_t)(nl - buf) + 1 : len;
		memmove(buf, buf + cut, len - cut);
		len -= cut;
	}
	return len;
}

/* The started process: wait for the detached one's word, never return. */
static void	daemon_wait_ready(pid_t, int, const char *)
		    __attribute__((noreturn));

static void
daemon_wait_ready(pid_t child, int fd, const char *pidfile)
{
	static char report[DAEMON_REPORT_MAX];
	char chunk[1024], *line;
	size_t len = 0, i, start;
	ssize_t n;
	int st = 0, said = 0;
	pid_t w;
	FILE *f;
	long pid;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len = daemon_report_trim(report, len, (size_t)n);
		memcpy(report + len, chunk, (size_t)n);
		len += (size_t)n;
		/* "R" is the last record the detached process writes. */
		if (len >= 2 && memcmp(report + len - 2, "R\n", 2) == 0 &&
		    (len == 2 || report[len - 3] == '\n'))
			_exit(0);
	}

	for (start = 0, i = 0; i < len; i++) {
		if (report[i] != '\n')
			continue;
		report[i] = '\0';
		line = report + start;
		start = i + 1;
		if (line[0] == 'E') {
			fprintf(stderr, "%s: %s\n",
			    program_invocation_short_name, line + 1);
			said = 1;
		}
	}
	while ((w = waitpid(child, &st, 0)) == -1 && errno == EINTR)
		;
	/* w == -1: reaped for us (SIGCHLD ignored), status unknown. */
	if (!said) {
		if (w != -1 && WIFSIGNALED(st))
			fprintf(stderr, "%s: killed by signal %d before it "
			    "was ready\n", program_invocation_short_name,
			    WTERMSIG(st));
		else if (w != -1 && WIFEXITED(st))
			fprintf(stderr, "%s: exited with status %d before it "
			    "was ready\n", program_invocation_short_name,
			    WEXITSTATUS(st));
		else
			fprintf(stderr, "%s: ended before it was ready\n",
			    program_invocation_short_name);
	}
	/* A fatal() exit leaves the pid file naming a dead process. */
	if (pidfile != NULL && pidfile[0] != '\0' &&
	    (f = fopen(pidfile, "r")) != NULL) {
		if (fscanf(f, "%ld", &pid) == 1 && pid == (long)child)
			(void)unlink(pidfile);
		fclose(f);
	}
	_exit(1);
}

void
daemon_start(int fg, const char *pidfile)
{
	int p[2], null;
	pid_t pid;

	if (fg) {
		daemon_pidfile_write(pidfile);
		return;
	}
	if (pipe2(p, O_CLOEXEC) == -1)
		fatal(LOG_SUB_MAIN, "readiness pipe");
	fflush(NULL);
	if ((pid = fork()) == -1)
		fatal(LOG_SUB_MAIN, "fork");
	if (pid != 0) {
		close(p[1]);
		daemon_wait_ready(pid, p[0], pidfile);
	}
	close(p[0]);
	daemon_ready_fd = p[1];
	/* A parent killed while waiting must not take us with it. */
	signal(SIGPIPE, SIG_IGN);
	log_set_hook(daemon_startup_log, NULL);
	if (setsid() == -1)
		fatal(LOG_SUB_MAIN, "setsid");
	/* Before the chdir: a relative -p names a file where we started,
	 * as the waiting parent reads it. */
	daemon_pidfile_write(pidfile);
	if (chdir("/") == -1)
		fatal(LOG_SUB_MAIN, "chdir /");
	if ((null = open("/dev/null", O_RDWR)) == -1)
		fatal(LOG_SUB_MAIN, "/dev/null");
	if (dup2(null, STDIN_FILENO) == -1 || dup2(null, STDOUT_FILENO) == -1 ||
	    dup2(null, STDERR_FILENO) == -1)
		fatal(LOG_SUB_MAIN, "/dev/null");
	if (null > STDERR_FILENO)
		close(null);
}

void
daemon_ready(void)
{
	if (daemon_ready_fd == -1)
		return;
	log_set_hook(NULL, NULL);
	if (write(daemon_ready_fd, "R\n", 2) == -1) {
		/* The parent is gone: nobody left to tell. */
	}
	close(daemon_ready_fd);
	daemon_ready_fd = -1;
}

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

static void
daemon_on_stop(int signo, void *ctx)
{
	log_info(LOG_SUB_MAIN, "signal %d: shutting down", signo);
	loop_stop(ctx);
}

void
daemon_stop_on_signals(struct loop *loop)
{
	loop_add_signal(loop, SIGTERM, daemon_on_stop, loop);
	loop_add_signal(loop, SIGINT, daemon_on_stop, loop);
}
