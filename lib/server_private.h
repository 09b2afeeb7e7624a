/* SPDX-License-Identifier: MIT */
/*
 * server_private: what lib/server.c (the master: listeners, accept loop,
 * limits, signals, drain) and lib/server_pool.c (the pre-forked workers)
 * share. Internal to those two files: not installed, not for daemons,
 * which use server.h. Functions here are pool_* (defined in server_pool.c)
 * or child_* (defined in server.c, for any process the master forks).
 */
#ifndef TERN_SERVER_PRIVATE_H
#define TERN_SERVER_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "server.h"

/* Refused children (each says "busy" and exits) alive at once. */
#define SERVER_REFUSED_MAX 32

/* Why a session is refused; the text is the client's refuse_reason. */
enum server_refuse {
	SERVER_REFUSE_NONE,
	SERVER_REFUSE_TOTAL,
	SERVER_REFUSE_PER_IP,
	SERVER_REFUSE_COUNT	/* not a reason: how many there are */
};

/* A process the master watches: a pool worker, or (prefork 0) a child
 * forked for one connection. */
struct server_child {
	pid_t pid;
	/* Worker: the master's end of its socketpair; -1 for a child, and
	 * once the worker was told to exit (or its end hung up). */
	int fd;
	bool worker;
	bool busy;		/* in a session (a child always is) */
	bool refused;		/* that session is a refused one */
	bool retire;		/* worker: close fd when the session is done */
	uint32_t uses;		/* sessions handed to it */
	long long idle_since;	/* monotonic ms, while idle */
	char addr[64];		/* the client of the session */
};

/* Who sessions run as (params.run_user), looked up once by the master. */
struct server_identity {
	bool set;		/* root with a run_user: drop in each child */
	uid_t uid;
	gid_t gid;
	gid_t *groups;		/* supplementary groups, malloc()ed */
	int n_groups;
};

struct server {
	struct server_params params;
	struct server_identity run_as;
	int *fds;			/* one per listener; -1 once closed */
	uint16_t *ports;
	struct server_child *children;
	size_t n_children, cap_children;
};

/* server.c */

/* Add a zeroed entry for process pid (fd -1, idle since now) to the
 * children table and return it; the pointer is valid until the table
 * changes. */
struct server_child *child_new(struct server *srv, pid_t pid);
/* fork() with every signal blocked until the new process has called
 * child_setup(): no handler may run there before it resets them, or its
 * SIGTERM would land in the master's self-pipe. Returns as fork() does;
 * a failure is logged. */
pid_t child_fork(void);
/* In a new worker or child: forget the master's signal handling, its
 * listeners and the other workers' sockets, unblock the signals and
 * become run_user for good (the process exits if that fails). */
void child_setup(struct server *srv);
/* Run one session on connection fd from listener li, then close fd
 * unless the session did. */
void child_serve(struct server *srv, size_t li, int fd,
	const struct sockaddr_storage *peer, enum server_refuse refuse);

/* server_pool.c */

/* The process for connection fd (the caller closes its copy): an idle
 * worker it was handed to, else a newly forked one. NULL (logged) when
 * no worker could be forked. */
struct server_child *pool_start(struct server *srv, size_t li, int fd,
	const struct sockaddr_storage *peer, enum server_refuse refuse);
/* Worker c's socket is readable: its session is done (it becomes idle,
 * or is retired after max_use), or it hung up (its fd is closed; reaping
 * frees the slot). */
void pool_worker_readable(struct server *srv, struct server_child *c);
/* Keep params.prefork idle workers: fork the missing ones, retire idle
 * ones beyond that. Returns the poll timeout until the next retirement,
 * or -1. */
int pool_tend(struct server *srv);
/* Tell every worker to exit: idle ones now, busy ones after their
 * session. */
void pool_retire_all(struct server *srv);

#endif
