/* SPDX-License-Identifier: MIT */
/*
 * server: the listener supervisor shared by the daemons. Binds the
 * configured IPv4/IPv6 addresses (backlog >= 128), drops to an
 * unprivileged user after binding when started as root, runs each session
 * in a pre-forked worker process (max_use sessions each, one at a time) or
 * in a process forked for it, enforces the overall and per-client-IP
 * session limits in the master, reloads on SIGHUP, drains on SIGTERM/SIGINT
 * (stops accepting, waits for sessions, then exits). --stdio serves one
 * session on fds 0/1 instead.
 */
#ifndef TERN_SERVER_H
#define TERN_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include "config.h"

/* A connected client, as the session sees it (in the worker or child
 * process). */
struct server_client {
	int fd;				/* the socket; -1 with --stdio */
	const struct listener_config *listener;	/* NULL with --stdio */
	char addr[64];			/* "192.0.2.7", "::1" */
	uint16_t port;
	char local_addr[64];
	uint16_t local_port;
	bool loopback;			/* 127/8 or ::1 (or --stdio) */
	/* Non-NULL when the session must be refused at once: over
	 * max_sessions or max_sessions_per_ip. The daemon answers with its
	 * protocol's "busy" reply (SMTP 421 4.7.0) and returns. */
	const char *refuse_reason;
};

struct server_params {
	const char *prog;
	const struct listener_config *listeners;
	size_t n_listeners;
	uint32_t max_sessions;
	uint32_t max_sessions_per_ip;
	const char *run_user;		/* sessions' user; NULL: as we are */
	/* SIGTERM: wait this long for sessions, then SIGTERM them (0: the
	 * default, 30 s). */
	uint32_t drain_timeout_ms;
	/* Idle worker processes to keep ready; 0: fork one process per
	 * connection instead of keeping a pool. */
	uint32_t prefork;
	/* Sessions a worker serves before it exits and is replaced (0: the
	 * default, 100, as Postfix's max_use). */
	uint32_t max_use;
	/* Runs in a worker (or child) for each connection, one session at a
	 * time. The session may close client->fd; the server closes it after
	 * the session returns if it is still open. With prefork
	 * the process serves more sessions after this one, so the session
	 * must free what it allocates and restore any signal handler it
	 * changes. */
	void (*session)(struct server_client *client, void *ctx);
	/* SIGHUP: reload configuration in the master; return -1 to keep the
	 * old one (the error is logged by the callback). May be NULL. */
	int (*reload)(void *ctx);
	void *ctx;
};

/*
 * Bind all listeners; -1 with *error_r (malloc'ed) if any fails. Kept
 * separate from server_run() so that a daemon can bind as root, then load
 * files and drop privileges. params is copied; the listeners it points to
 * must outlive the server. A listener port of 0 takes any free port (tests).
 */
struct server;
int server_bind(const struct server_params *params, struct server **srv_r,
	char **error_r);
/* The port listener i is bound to (0 if i is out of range). */
uint16_t server_listener_port(const struct server *srv, size_t i);
/* New session limits (0: none), e.g. from the reload callback; they apply
 * to connections accepted from then on. */
void server_set_limits(struct server *srv, uint32_t max_sessions,
	uint32_t max_sessions_per_ip);
/*
 * Listen on listeners[0..n) from now on, e.g. from the reload callback:
 * a listener whose address and port are bound already keeps its socket
 * (and the connections queued on it), the others are bound anew, and
 * those no longer in the list are closed. All or nothing: -1 with
 * *error_r (malloc'ed) when one cannot be bound, the old ones kept.
 * listeners must stay valid until the next call or server_free().
 */
int server_set_listeners(struct server *srv,
	const struct listener_config *listeners, size_t n, char **error_r);
/* New pool size and max_use (0: the default), e.g. from the reload
 * callback; prefork 0 forks per connection from then on. */
void server_set_pool(struct server *srv, uint32_t prefork, uint32_t max_use);
/* Accept and hand each connection to a worker (or a forked child),
 * which runs as run_user when the master is root (the master stays
 * root), until SIGTERM/SIGINT;
 * returns 0 after draining, -1 on a fatal error. Over a limit the session
 * still runs, with refuse_reason set. After a successful SIGHUP reload the
 * idle workers are replaced by fresh ones forked from the reloaded master.
 * Installs handlers for SIGCHLD, SIGTERM, SIGINT, SIGHUP (reset to default
 * on return, and in workers) and ignores SIGPIPE. */
int server_run(struct server *srv);
void server_free(struct server **srv);

/* Serve one session on fds 0 and 1 (--stdio): the client is "stdio",
 * loopback. */
void server_run_stdio(const struct server_params *params);

#endif
