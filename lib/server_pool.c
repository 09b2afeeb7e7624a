/* SPDX-License-Identifier: MIT */
/*
 * server_pool: the pre-forked workers (prefork N, Postfix's smtpd with
 * max_use). The master keeps N idle workers ready. It still accepts every
 * connection itself, so the limits are counted in one place, and hands the
 * socket and the client's address to an idle worker over that worker's
 * AF_UNIX SOCK_SEQPACKET socketpair (SCM_RIGHTS). The worker runs the
 * session, then writes one "done" byte back. With no idle worker the
 * accept forks a new one with the connection (bursts are served at once);
 * idle workers beyond N are retired after SERVER_IDLE_TIMEOUT_MS. A worker
 * exits when the master closes its end: after max_use sessions, after a
 * reload, on SIGTERM. The master forks replacements after the accepts of
 * each loop turn. A worker that dies mid-session loses that session only;
 * reaping it frees its slot.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "server_private.h"
#include "tern.h"

/* Idle workers beyond params.prefork exit after this (Postfix's
 * max_idle). */
#define SERVER_IDLE_TIMEOUT_MS 100000

/* Master -> worker, with the connected socket as SCM_RIGHTS. The worker
 * is forked from the master, so it has the same listeners table. */
struct server_handoff {
	uint32_t listener;		/* index into params.listeners */
	uint32_t refuse;		/* enum server_refuse */
	struct sockaddr_storage peer;
};

static bool
worker_is_idle(const struct server_child *c)
{
	return c->worker && c->fd >= 0 && !c->busy && !c->retire;
}

/* Workers that can still take sessions (idle or busy, not retiring). */
static void
count_workers(const struct server *srv, size_t *idle_r, size_t *live_r)
{
	size_t i;

	*idle_r = *live_r = 0;
	for (i = 0; i < srv->n_children; i++) {
		const struct server_child *c = &srv->children[i];

		if (!c->worker || c->fd < 0 || c->retire)
			continue;
		(*live_r)++;
		if (!c->busy)
			(*idle_r)++;
	}
}

/* Tell worker c to exit: now when idle, else after its session. */
static void
retire_worker(struct server_child *c)
{
	if (!c->worker || c->fd < 0)
		return;
	c->retire = true;
	if (!c->busy) {
		(void)close(c->fd);
		c->fd = -1;
	}
}

void
pool_retire_all(struct server *srv)
{
	size_t i;

	for (i = 0; i < srv->n_children; i++)
		retire_worker(&srv->children[i]);
}

/* One handoff from the master: 1 with *fd_r, 0 when the master closed
 * its end (exit), -1 on an error. */
static int
recv_handoff(int sock, struct server_handoff *h, int *fd_r)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct iovec iov = { h, sizeof(*h) };
	struct msghdr msg;
	struct cmsghdr *cm;
	ssize_t n;

	*fd_r = -1;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n == 0 ? 0 : -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm != NULL && cm->cmsg_level == SOL_SOCKET &&
	    cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(fd_r, CMSG_DATA(cm), sizeof(int));
	if ((size_t)n != sizeof(*h) || *fd_r < 0 ||
	    (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
		errno = EPROTO;
		if (*fd_r >= 0)
			(void)close(*fd_r);
		return -1;
	}
	return 1;
}

/* A pool worker: serve the first connection (fd >= 0), then each one the
 * master hands over sock, until the master closes it. Never returns. */
static void TERN_NORETURN
run_worker(struct server *srv, int sock, size_t li, int fd,
	const struct sockaddr_storage *peer, enum server_refuse refuse)
{
	struct server_handoff h;
	const char done = 'd';
	int ret;

	child_setup(srv);
	if (fd >= 0)
		child_serve(srv, li, fd, peer, refuse);
	for (;;) {
		if (fd >= 0 && send(sock, &done, 1, MSG_NOSIGNAL) != 1)
			_exit(0);	/* the master is gone */
		ret = recv_handoff(sock, &h, &fd);
		if (ret == 0)
			_exit(0);
		if (ret < 0 || h.listener >= srv->params.n_listeners ||
		    h.refuse >= SERVER_REFUSE_COUNT) {
			log_error("worker", "error=\"bad handoff: %s\"",
			    ret < 0 ? strerror(errno) : "out of range");
			_exit(1);
		}
		child_serve(srv, h.listener, fd, &h.peer,
		    (enum server_refuse)h.refuse);
	}
}

/* Fork a worker, with a first connection when fd >= 0 (the caller closes
 * its copy). NULL (logged) on failure. */
static struct server_child *
fork_worker(struct server *srv, size_t li, int fd,
	const struct sockaddr_storage *peer, enum server_refuse refuse)
{
	struct server_child *c;
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		log_error("worker", "error=\"socketpair: %s\"",
		    strerror(errno));
		return NULL;
	}
	pid = child_fork();
	if (pid == 0) {
		(void)close(sv[0]);
		run_worker(srv, sv[1], li, fd, peer, refuse);
	}
	(void)close(sv[1]);
	if (pid < 0) {
		(void)close(sv[0]);
		return NULL;
	}
	/* A worker that never reads must not block the master. */
	(void)fcntl(sv[0], F_SETFL, O_NONBLOCK);
	c = child_new(srv, pid);
	c->worker = true;
	c->fd = sv[0];
	return c;
}

/* Give connection fd to idle worker c; -1 if the worker is gone. */
static int
hand_off(struct server_child *c, size_t li, int fd,
	const struct sockaddr_storage *peer, enum server_refuse refuse)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct server_handoff h;
	struct iovec iov = { &h, sizeof(h) };
	struct msghdr msg;
	struct cmsghdr *cm;
	ssize_t n;

	memset(&h, 0, sizeof(h));
	h.listener = (uint32_t)li;
	h.refuse = (uint32_t)refuse;
	h.peer = *peer;
	memset(&cbuf, 0, sizeof(cbuf));
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	do {
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(h))
		return 0;
	/* EPIPE, ECONNRESET: it died and is not reaped yet. EAGAIN cannot
	 * happen to an idle worker; treat it the same. */
	(void)close(c->fd);
	c->fd = -1;
	return -1;
}

/* The session for connection fd: an idle worker, else a new one. */
struct server_child *
pool_start(struct server *srv, size_t li, int fd,
	const struct sockaddr_storage *peer, enum server_refuse refuse)
{
	struct server_child *c, *best;
	size_t i;

	for (;;) {
		/* The most recently idle one: its pages are warm. */
		best = NULL;
		for (i = 0; i < srv->n_children; i++) {
			c = &srv->children[i];
			if (worker_is_idle(c) && (best == NULL ||
			    c->idle_since > best->idle_since))
				best = c;
		}
		if (best == NULL)
			return fork_worker(srv, li, fd, peer, refuse);
		if (hand_off(best, li, fd, peer, refuse) == 0)
			return best;
	}
}

/* Worker c wrote (or hung up): its session is done, or it is gone. */
void
pool_worker_readable(struct server *srv, struct server_child *c)
{
	char b[16];
	ssize_t n;

	do {
		n = read(c->fd, b, sizeof(b));
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		/* It died; reap() frees its slot. */
		(void)close(c->fd);
		c->fd = -1;
		return;
	}
	c->busy = false;
	c->refused = false;
	c->addr[0] = '\0';
	c->idle_since = clock_monotonic_ms();
	if (c->retire || c->uses >= srv->params.max_use)
		retire_worker(c);
}

/* Keep params.prefork idle workers: fork what is missing (never more
 * than the limits can keep busy), retire idle ones beyond that after
 * SERVER_IDLE_TIMEOUT_MS. The poll timeout until the next retirement, or
 * -1. */
int
pool_tend(struct server *srv)
{
	size_t idle, live, cap = SIZE_MAX, i;
	long long now = clock_monotonic_ms(), next = -1;

	if (srv->params.prefork == 0)
		return -1;
	if (srv->params.max_sessions != 0)
		cap = (size_t)srv->params.max_sessions + SERVER_REFUSED_MAX;
	if (cap < srv->params.prefork)
		cap = srv->params.prefork;
	count_workers(srv, &idle, &live);
	while (idle < srv->params.prefork && live < cap) {
		if (fork_worker(srv, 0, -1, NULL, SERVER_REFUSE_NONE) == NULL)
			break;
		idle++;
		live++;
	}
	for (i = 0; i < srv->n_children && idle > srv->params.prefork; i++) {
		struct server_child *c = &srv->children[i];
		long long at = c->idle_since + SERVER_IDLE_TIMEOUT_MS;

		if (!worker_is_idle(c))
			continue;
		if (at <= now) {
			retire_worker(c);
			idle--;
		} else if (next < 0 || at < next) {
			next = at;
		}
	}
	if (idle <= srv->params.prefork || next < 0)
		return -1;
	return (int)(next - now) + 1;
}
