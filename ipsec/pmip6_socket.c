/*
 * pmip6_socket.c: connections from the plugin to the daemons' ipsec
 * sockets (AF_UNIX SOCK_SEQPACKET, ipsec_proto.h).
 *
 * The daemon is the server so that a daemon restart, a charon restart
 * and a daemon that never runs all look the same from here: no
 * connection, retried every second by one scheduled job.  Nothing here
 * blocks a charon thread: sends use MSG_DONTWAIT, and a send that fails
 * marks the connection dead; the next tick closes it and reconnects,
 * which makes the daemon receive a full dump again.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <daemon.h>
#include <processing/jobs/callback_job.h>
#include <threading/mutex.h>

#include "pmip6_socket.h"

/* ms between reconnect attempts */
#define RECONNECT_MS	1000

typedef struct private_pmip6_socket_t private_pmip6_socket_t;

/* One daemon socket. */
typedef struct {
	private_pmip6_socket_t *sock;	/* back-pointer for the watcher */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;				/* -1 while not connected */
	bool dead;			/* to be closed by the next tick */
	bool unwanted;			/* path no longer configured */
} conn_t;

struct private_pmip6_socket_t {
	pmip6_socket_t public;
	linked_list_t *conns;		/* conn_t */
	mutex_t *mutex;			/* conns and their fields */
	mutex_t *reconnect_lock;
	pmip6_socket_command_t command;
	pmip6_socket_sync_t sync;
	void *data;
};

static void schedule_tick(private_pmip6_socket_t *this, uint32_t ms);

/* Read every queued command; FALSE unregisters fd from the watcher. */
CALLBACK(receive, bool,
	conn_t *conn, int fd, watcher_event_t event)
{
	private_pmip6_socket_t *this = conn->sock;
	char buf[IPSEC_MSG_MAX + 1], path[sizeof(conn->path)];
	struct ipsec_msg msg;
	ssize_t len;

	(void)event;
	this->mutex->lock(this->mutex);
	memcpy(path, conn->path, sizeof(path));
	this->mutex->unlock(this->mutex);
	for (;;) {
		len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			return TRUE;
		if (len <= 0)
			break;
		if ((size_t)len > IPSEC_MSG_MAX ||
		    ipsec_msg_parse(buf, len, &msg) != 0) {
			DBG1(DBG_CFG, "pmip6: bad message from %s ignored", path);
			continue;
		}
		this->command(this->data, path, &msg);
	}
	DBG1(DBG_CFG, "pmip6: %s closed the connection", path);
	this->mutex->lock(this->mutex);
	conn->dead = TRUE;
	this->mutex->unlock(this->mutex);
	schedule_tick(this, 0);
	return FALSE;
}

static int
connect_path(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	memcpy(sun.sun_path, path, strlen(path));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Close dead connections, forget unwanted ones, connect the rest.  An
 * fd must leave the watcher before it is closed, and watcher->remove()
 * waits for a running receive(), which takes our mutex: so fds are
 * removed and closed with the mutex released, and a forgotten conn is
 * freed only after that.  reconnect_lock keeps two ticks apart.
 */
static void
reconnect(private_pmip6_socket_t *this)
{
	linked_list_t *closing, *forgotten, *synced;
	enumerator_t *enumerator;
	conn_t *conn;
	char *path;
	intptr_t fd;

	closing = linked_list_create();
	forgotten = linked_list_create();
	synced = linked_list_create();
	this->reconnect_lock->lock(this->reconnect_lock);

	this->mutex->lock(this->mutex);
	enumerator = this->conns->create_enumerator(this->conns);
	while (enumerator->enumerate(enumerator, &conn)) {
		if (conn->fd != -1 && (conn->dead || conn->unwanted)) {
			closing->insert_last(closing, (void *)(intptr_t)conn->fd);
			conn->fd = -1;
		}
		conn->dead = FALSE;
		if (conn->unwanted) {
			this->conns->remove_at(this->conns, enumerator);
			forgotten->insert_last(forgotten, conn);
		}
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);

	while (closing->remove_first(closing, (void **)&fd) == SUCCESS) {
		lib->watcher->remove(lib->watcher, (int)fd);
		close((int)fd);
	}
	forgotten->destroy_function(forgotten, free);

	this->mutex->lock(this->mutex);
	enumerator = this->conns->create_enumerator(this->conns);
	while (enumerator->enumerate(enumerator, &conn)) {
		if (conn->fd != -1 || (conn->fd = connect_path(conn->path)) == -1)
			continue;
		DBG1(DBG_CFG, "pmip6: connected to %s", conn->path);
		lib->watcher->add(lib->watcher, conn->fd, WATCHER_READ, receive,
						  conn);
		synced->insert_last(synced, strdup(conn->path));
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);

	/* The dump goes out with our mutex free: it sends through us. */
	while (synced->remove_first(synced, (void **)&path) == SUCCESS) {
		this->sync(this->data, path);
		free(path);
	}
	this->reconnect_lock->unlock(this->reconnect_lock);
	closing->destroy(closing);
	synced->destroy(synced);
}

CALLBACK(reconnect_now, job_requeue_t,
	private_pmip6_socket_t *this)
{
	reconnect(this);
	return JOB_REQUEUE_NONE;
}

CALLBACK(tick, job_requeue_t,
	private_pmip6_socket_t *this)
{
	reconnect(this);
	schedule_tick(this, RECONNECT_MS);
	return JOB_REQUEUE_NONE;
}

/* ms 0: a tick as soon as a thread is free (after a lost connection). */
static void
schedule_tick(private_pmip6_socket_t *this, uint32_t ms)
{
	job_t *job;

	if (ms == 0) {
		job = (job_t *)callback_job_create(reconnect_now, this, NULL, NULL);
		lib->processor->queue_job(lib->processor, job);
		return;
	}
	job = (job_t *)callback_job_create(tick, this, NULL, NULL);
	lib->scheduler->schedule_job_ms(lib->scheduler, job, ms);
}

METHOD(pmip6_socket_t, send_, void,
	private_pmip6_socket_t *this, char *path, struct ipsec_msg *msg)
{
	enumerator_t *enumerator;
	char buf[IPSEC_MSG_MAX + 1];
	conn_t *conn;
	int len;

	if ((len = ipsec_msg_format(msg, buf, sizeof(buf))) < 0)
		return;
	this->mutex->lock(this->mutex);
	enumerator = this->conns->create_enumerator(this->conns);
	while (enumerator->enumerate(enumerator, &conn)) {
		if (!streq(conn->path, path) || conn->fd == -1 || conn->dead)
			continue;
		if (send(conn->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) != len) {
			DBG1(DBG_CFG, "pmip6: sending to %s failed (%s), "
				 "reconnecting", path, strerror(errno));
			conn->dead = TRUE;
			schedule_tick(this, 0);
		}
		else
			DBG2(DBG_CFG, "pmip6: sent '%s' to %s", buf, path);
		break;
	}
	enumerator->destroy(enumerator);
	this->mutex->unlock(this->mutex);
}

METHOD(pmip6_socket_t, set_paths, void,
	private_pmip6_socket_t *this, linked_list_t *paths)
{
	enumerator_t *enumerator, *inner;
	conn_t *conn;
	char *path;
	bool found;

	this->mutex->lock(this->mutex);
	enumerator = this->conns->create_enumerator(this->conns);
	while (enumerator->enumerate(enumerator, &conn)) {
		conn->unwanted = !paths->find_first(paths, linked_list_match_str,
											NULL, conn->path);
	}
	enumerator->destroy(enumerator);
	inner = paths->create_enumerator(paths);
	while (inner->enumerate(inner, &path)) {
		found = FALSE;
		enumerator = this->conns->create_enumerator(this->conns);
		while (enumerator->enumerate(enumerator, &conn)) {
			found = found || streq(conn->path, path);
		}
		enumerator->destroy(enumerator);
		if (found || strlen(path) >= sizeof(conn->path))
			continue;
		INIT(conn,
			.sock = this,
			.fd = -1,
		);
		memcpy(conn->path, path, strlen(path) + 1);
		this->conns->insert_last(this->conns, conn);
	}
	inner->destroy(inner);
	this->mutex->unlock(this->mutex);
	schedule_tick(this, 0);
}

METHOD(pmip6_socket_t, destroy, void,
	private_pmip6_socket_t *this)
{
	conn_t *conn;

	/* Scheduler and processor are stopped by now: no tick runs. */
	while (this->conns->remove_first(this->conns, (void **)&conn) == SUCCESS) {
		if (conn->fd != -1) {
			lib->watcher->remove(lib->watcher, conn->fd);
			close(conn->fd);
		}
		free(conn);
	}
	this->conns->destroy(this->conns);
	this->mutex->destroy(this->mutex);
	this->reconnect_lock->destroy(this->reconnect_lock);
	free(this);
}

pmip6_socket_t *
pmip6_socket_create(pmip6_socket_command_t command, pmip6_socket_sync_t sync,
					void *data)
{
	private_pmip6_socket_t *this;

	INIT(this,
		.public = {
			.send = _send_,
			.set_paths = _set_paths,
			.destroy = _destroy,
		},
		.conns = linked_list_create(),
		.mutex = mutex_create(MUTEX_TYPE_DEFAULT),
		.reconnect_lock = mutex_create(MUTEX_TYPE_DEFAULT),
		.command = command,
		.sync = sync,
		.data = data,
	);
	schedule_tick(this, RECONNECT_MS);
	return &this->public;
}
