/* SPDX-License-Identifier: MIT */
/*
 * server: the listener supervisor. The master binds every listener
 * (IPv6 sockets are V6ONLY, all are CLOEXEC and non-blocking), then
 * polls the listeners, its workers and a self-pipe that the signal
 * handlers write to, so signals are handled in the loop and never inside
 * a handler. Started as root with a run_user, the master stays root (as
 * Postfix's and Dovecot's masters do: a SIGHUP reload can then read a
 * root-only key, as a renewed certificate's is) but reads nothing from
 * the network; every worker and child becomes run_user, groups and all,
 * before it touches a connection.
 *
 * Processes: with prefork 0 each connection gets a child forked for it.
 * With prefork N the master hands each connection to a pre-forked worker
 * (lib/server_pool.c). A child or worker that dies is reaped here, which
 * frees its slot.
 *
 * Limits: a connection over max_sessions or max_sessions_per_ip still gets
 * a session, with refuse_reason set, so the daemon can say its protocol's
 * "busy" reply (SMTP 421 4.7.0) instead of a silent close. Refused
 * sessions do not count toward the limits; at most SERVER_REFUSED_MAX of
 * them run at once, past that the master closes the connection unanswered.
 * So at most max_sessions + SERVER_REFUSED_MAX workers are busy at once.
 * SIGTERM/SIGINT: close the listeners and the idle workers, wait
 * drain_timeout_ms for the sessions, SIGTERM the rest, return 0. SIGHUP:
 * params.reload(), then fresh workers (forked from the reloaded master)
 * replace the idle ones; busy ones exit after their session. The reload
 * callback may change the listeners (server_set_listeners()): those
 * still configured keep their sockets (and their queued connections).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "proxy.h"
#include "server_private.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

/* listen(2) backlog: DESIGN.md asks for at least 128; Linux caps it at
 * net.core.somaxconn. */
#define SERVER_LISTEN_BACKLOG 511
/* Default wait for sessions on SIGTERM before they get SIGTERM. */
#define SERVER_DRAIN_TIMEOUT_MS 30000
/* After the sessions got SIGTERM, wait this long, then SIGKILL. */
#define SERVER_KILL_GRACE_MS 5000
/* Pause accepting after EMFILE/ENFILE, so the loop does not spin. */
#define SERVER_ACCEPT_PAUSE_MS 1000
/* Sessions per worker when params.max_use is 0 (Postfix's max_use). */
#define SERVER_MAX_USE_DEFAULT 100
/* A proxy_protocol listener's header must be there within this. */
#define SERVER_PROXY_TIMEOUT_MS 10000

static const char *const refuse_reasons[SERVER_REFUSE_COUNT] = {
	[SERVER_REFUSE_NONE] = NULL,
	[SERVER_REFUSE_TOTAL] = "too many sessions",
	[SERVER_REFUSE_PER_IP] = "too many sessions from this address",
};


/* The self-pipe: one byte (the signal number) per signal. */
static int sig_pipe[2] = { -1, -1 };

static void
on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	/* Non-blocking: a full pipe already holds a wake-up. */
	ssize_t n = write(sig_pipe[1], &b, 1);

	(void)n;
	errno = saved;
}

static const int handled_signals[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP };

static char *
errorf(const char *fmt, ...) TERN_PRINTF(1, 2);
static char *
errorf(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return xstrdup(msg);
}

/* "192.0.2.7" or "::1" (IPv4-mapped IPv6 as IPv4) and the port. */
static void
sockaddr_text(const struct sockaddr_storage *ss, char *addr, size_t size,
	uint16_t *port_r, bool *loopback_r)
{
	bool loopback = false;

	*port_r = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		if (inet_ntop(AF_INET, &sin->sin_addr, addr, size) == NULL)
			(void)str_copy(addr, size, "?");
		*port_r = ntohs(sin->sin_port);
		loopback = (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;
		const struct in6_addr *a = &sin6->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a)) {
			if (inet_ntop(AF_INET, &a->s6_addr[12], addr, size)
			    == NULL)
				(void)str_copy(addr, size, "?");
			loopback = a->s6_addr[12] == 127;
		} else {
			if (inet_ntop(AF_INET6, a, addr, size) == NULL)
				(void)str_copy(addr, size, "?");
			loopback = IN6_IS_ADDR_LOOPBACK(a);
		}
		*port_r = ntohs(sin6->sin6_port);
	} else {
		(void)str_copy(addr, size, "unix");
	}
	if (loopback_r != NULL)
		*loopback_r = loopback;
}

static int
bind_one(const struct listener_config *l, int *fd_r, uint16_t *port_r,
	char **error_r)
{
	struct addrinfo hints, *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char port[8];
	int fd = -1, on = 1, ret;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	snprintf(port, sizeof(port), "%u", (unsigned)l->port);
	ret = getaddrinfo(l->address, port, &hints, &ai);
	if (ret != 0) {
		*error_r = errorf("listener %s: address %s: %s", l->name,
		    l->address, gai_strerror(ret));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd < 0) {
		*error_r = errorf("listener %s: socket: %s", l->name,
		    strerror(errno));
		goto fail;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    (ai->ai_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) < 0)) {
		*error_r = errorf("listener %s: setsockopt: %s", l->name,
		    strerror(errno));
		goto fail;
	}
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		*error_r = errorf("listener %s: bind %s port %u: %s", l->name,
		    l->address, (unsigned)l->port, strerror(errno));
		goto fail;
	}
	if (listen(fd, SERVER_LISTEN_BACKLOG) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) < 0) {
		*error_r = errorf("listener %s: listen: %s", l->name,
		    strerror(errno));
		goto fail;
	}
	freeaddrinfo(ai);
	{
		char addr[64];

		sockaddr_text(&ss, addr, sizeof(addr), port_r, NULL);
	}
	*fd_r = fd;
	return 0;
fail:
	if (fd >= 0)
		(void)close(fd);
	freeaddrinfo(ai);
	return -1;
}

int
server_bind(const struct server_params *params, struct server **srv_r,
	char **error_r)
{
	struct server *srv = xcalloc(1, sizeof(*srv));
	size_t i;

	srv->params = *params;
	if (srv->params.drain_timeout_ms == 0)
		srv->params.drain_timeout_ms = SERVER_DRAIN_TIMEOUT_MS;
	if (srv->params.max_use == 0)
		srv->params.max_use = SERVER_MAX_USE_DEFAULT;
	srv->fds = xcalloc(params->n_listeners, sizeof(*srv->fds));
	srv->ports = xcalloc(params->n_listeners, sizeof(*srv->ports));
	for (i = 0; i < params->n_listeners; i++)
		srv->fds[i] = -1;
	for (i = 0; i < params->n_listeners; i++) {
		const struct listener_config *l = &params->listeners[i];

		if (bind_one(l, &srv->fds[i], &srv->ports[i], error_r) < 0) {
			server_free(&srv);
			return -1;
		}
		log_info("listen", "name=%s addr=%s port=%u", l->name,
		    l->address, (unsigned)srv->ports[i]);
	}
	*srv_r = srv;
	return 0;
}

/* The socket of srv's listener bound to l's address and port, or -1. */
static int
take_bound(struct server *srv, const struct listener_config *l,
	uint16_t *port_r)
{
	size_t i;
	int fd;

	for (i = 0; i < srv->params.n_listeners; i++) {
		const struct listener_config *o = &srv->params.listeners[i];

		if (srv->fds[i] < 0 || o->port != l->port ||
		    strcmp(o->address, l->address) != 0)
			continue;
		fd = srv->fds[i];
		*port_r = srv->ports[i];
		srv->fds[i] = -1;
		return fd;
	}
	return -1;
}

int
server_set_listeners(struct server *srv,
	const struct listener_config *listeners, size_t n, char **error_r)
{
	int *fds = xcalloc(n > 0 ? n : 1, sizeof(*fds));
	uint16_t *ports = xcalloc(n > 0 ? n : 1, sizeof(*ports));
	bool *kept = xcalloc(n > 0 ? n : 1, sizeof(*kept));
	size_t i, j;

	/* first what is new, so that a failure changes nothing */
	for (i = 0; i < n; i++) {
		fds[i] = -1;
		for (j = 0; j < srv->params.n_listeners; j++) {
			const struct listener_config *o =
			    &srv->params.listeners[j];

			if (srv->fds[j] >= 0 && o->port == listeners[i].port &&
			    strcmp(o->address, listeners[i].address) == 0)
				kept[i] = true;
		}
		if (!kept[i] && bind_one(&listeners[i], &fds[i], &ports[i],
		    error_r) < 0) {
			while (i-- > 0) {
				if (!kept[i])
					(void)close(fds[i]);
			}
			free(fds);
			free(ports);
			free(kept);
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		if (kept[i])
			fds[i] = take_bound(srv, &listeners[i], &ports[i]);
		log_info("listen", "name=%s addr=%s port=%u%s",
		    listeners[i].name, listeners[i].address,
		    (unsigned)ports[i], kept[i] ? " kept=yes" : "");
	}
	/* what is left is no longer configured */
	for (j = 0; j < srv->params.n_listeners; j++) {
		if (srv->fds[j] >= 0) {
			log_info("unlisten", "name=%s addr=%s port=%u",
			    srv->params.listeners[j].name,
			    srv->params.listeners[j].address,
			    (unsigned)srv->ports[j]);
			(void)close(srv->fds[j]);
		}
	}
	free(srv->fds);
	free(srv->ports);
	free(kept);
	srv->fds = fds;
	srv->ports = ports;
	srv->params.listeners = listeners;
	srv->params.n_listeners = n;
	return 0;
}

uint16_t
server_listener_port(const struct server *srv, size_t i)
{
	return i < srv->params.n_listeners ? srv->ports[i] : 0;
}

void
server_set_limits(struct server *srv, uint32_t max_sessions,
	uint32_t max_sessions_per_ip)
{
	srv->params.max_sessions = max_sessions;
	srv->params.max_sessions_per_ip = max_sessions_per_ip;
}

void
server_set_pool(struct server *srv, uint32_t prefork, uint32_t max_use)
{
	srv->params.prefork = prefork;
	srv->params.max_use = max_use != 0 ? max_use : SERVER_MAX_USE_DEFAULT;
}

static void
close_listeners(struct server *srv)
{
	size_t i;

	for (i = 0; i < srv->params.n_listeners; i++) {
		if (srv->fds[i] >= 0)
			(void)close(srv->fds[i]);
		srv->fds[i] = -1;
	}
}

void
server_free(struct server **srvp)
{
	struct server *srv = *srvp;
	size_t i;

	if (srv == NULL)
		return;
	*srvp = NULL;
	close_listeners(srv);
	for (i = 0; i < srv->n_children; i++) {
		if (srv->children[i].fd >= 0)
			(void)close(srv->children[i].fd);
	}
	free(srv->fds);
	free(srv->ports);
	free(srv->children);
	free(srv->run_as.groups);
	free(srv);
}

/* Root with a run_user: look the user up now, in the master (a child
 * must not depend on NSS). 0, or -1 (logged). */
static int
resolve_run_user(struct server *srv)
{
	const char *user = srv->params.run_user;
	struct server_identity *id = &srv->run_as;
	struct passwd *pw;
	int n = 16;

	if (user == NULL || geteuid() != 0)
		return 0;
	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL) {
		log_error("privileges", "run_user=%s error=\"%s\"", user,
		    errno != 0 ? strerror(errno) : "no such user");
		return -1;
	}
	if (pw->pw_uid == 0) {
		log_error("privileges", "run_user=%s error=\"is root\"", user);
		return -1;
	}
	for (;;) {
		int want = n;

		free(id->groups);
		id->groups = xreallocarray(NULL, (size_t)n, sizeof(gid_t));
		if (getgrouplist(pw->pw_name, pw->pw_gid, id->groups,
		    &want) >= 0) {
			id->n_groups = want;
			break;
		}
		if (want <= n || want > 65536) {
			log_error("privileges", "run_user=%s error=\"cannot "
			    "list its groups\"", user);
			return -1;
		}
		n = want;
	}
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	id->set = true;
	log_info("privileges", "run_user=%s uid=%ld gid=%ld sessions=yes "
	    "master=root", user, (long)id->uid, (long)id->gid);
	return 0;
}

/* In a new child: become run_user for good, or exit. */
static void
drop_privileges(const struct server *srv)
{
	const struct server_identity *id = &srv->run_as;

	if (!id->set)
		return;
	if (setgroups((size_t)id->n_groups, id->groups) < 0 ||
	    setgid(id->gid) < 0 || setuid(id->uid) < 0 ||
	    /* paranoia: root must be gone for good */
	    setuid(0) == 0 || geteuid() == 0 || getegid() == 0) {
		log_error("privileges", "uid=%ld error=\"cannot drop root: "
		    "%s\"", (long)id->uid, strerror(errno));
		_exit(1);
	}
}

static int
install_signals(void)
{
	struct sigaction sa;
	size_t i;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < N_ELEMENTS(handled_signals); i++) {
		if (sigaction(handled_signals[i], &sa, NULL) < 0)
			return -1;
	}
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return -1;
	return 0;
}

static void
reset_signals(void)
{
	size_t i;

	for (i = 0; i < N_ELEMENTS(handled_signals); i++)
		(void)signal(handled_signals[i], SIG_DFL);
	if (sig_pipe[0] >= 0)
		(void)close(sig_pipe[0]);
	if (sig_pipe[1] >= 0)
		(void)close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
}

/* Remove child i (reaped): its slot and per-IP count are free. */
static void
forget_child(struct server *srv, size_t i)
{
	if (srv->children[i].fd >= 0)
		(void)close(srv->children[i].fd);
	srv->children[i] = srv->children[--srv->n_children];
}

static void
reap(struct server *srv)
{
	const struct server_child *c;
	pid_t pid;
	int status;
	size_t i;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return;
		for (i = 0; i < srv->n_children; i++) {
			if (srv->children[i].pid == pid)
				break;
		}
		if (i == srv->n_children)
			continue;
		c = &srv->children[i];
		if (WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM)
			log_error("session", "pid=%ld client=%s signal=%d",
			    (long)pid, c->busy ? c->addr : "-",
			    WTERMSIG(status));
		else if (WIFEXITED(status) && c->worker && c->busy)
			log_error("session", "pid=%ld client=%s status=%d "
			    "error=\"worker exited in a session\"",
			    (long)pid, c->addr, WEXITSTATUS(status));
		forget_child(srv, i);
	}
}

/* Why a new client from addr (NULL: no per-IP limit) is refused, or
 * SERVER_REFUSE_NONE. */
static enum server_refuse
check_limits(const struct server *srv, const char *addr)
{
	uint32_t total = 0, same = 0;
	size_t i;

	for (i = 0; i < srv->n_children; i++) {
		if (!srv->children[i].busy || srv->children[i].refused)
			continue;
		total++;
		if (addr != NULL && strcmp(srv->children[i].addr, addr) == 0)
			same++;
	}
	if (srv->params.max_sessions != 0 && total >= srv->params.max_sessions)
		return SERVER_REFUSE_TOTAL;
	if (srv->params.max_sessions_per_ip != 0 &&
	    same >= srv->params.max_sessions_per_ip)
		return SERVER_REFUSE_PER_IP;
	return SERVER_REFUSE_NONE;
}

static size_t
count_refused(const struct server *srv)
{
	size_t i, n = 0;

	for (i = 0; i < srv->n_children; i++)
		n += srv->children[i].busy && srv->children[i].refused ? 1 : 0;
	return n;
}

/* In a new worker or child: forget the master's signal handling, its
 * listeners and the other workers' sockets (an inherited copy would keep
 * a worker from seeing EOF when the master retires it). */
void
child_setup(struct server *srv)
{
	sigset_t none;
	size_t i;

	reset_signals();
	(void)signal(SIGPIPE, SIG_IGN);
	/* A terminal's Ctrl-C goes to the whole process group: let the
	 * master turn it into a drain (idle workers go, sessions finish)
	 * instead of every session dying mid-command. */
	(void)signal(SIGINT, SIG_IGN);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	close_listeners(srv);
	for (i = 0; i < srv->n_children; i++) {
		if (srv->children[i].fd >= 0)
			(void)close(srv->children[i].fd);
		srv->children[i].fd = -1;
	}
	srv->n_children = 0;
	drop_privileges(srv);
}

/* Read the PROXY header a proxy_protocol listener's connection starts
 * with, not a byte more, by the deadline: what it says in *info. 0, or
 * -1 (logged; the caller closes the connection unanswered). */
static int
read_proxy_header(int fd, struct proxy_info *info, const char *peer)
{
	unsigned char buf[PROXY_HEADER_MAX];
	size_t len = 0, need = PROXY_HEADER_MIN;
	long long deadline = clock_monotonic_ms() + SERVER_PROXY_TIMEOUT_MS;
	const char *error = "no header in time";
	int r;

	for (;;) {
		while (len < need) {
			struct pollfd pfd = { fd, POLLIN, 0 };
			long long left = deadline - clock_monotonic_ms();
			ssize_t n;

			if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
				goto fail;
			n = recv(fd, buf + len, need - len, 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				error = n == 0 ? "closed before its header" :
				    strerror(errno);
				goto fail;
			}
			len += (size_t)n;
		}
		r = proxy_parse(buf, len, info, &need, &error);
		if (r > 0 && (size_t)r == len)
			return 0;
		if (r != 0)
			goto fail;
		if (need > sizeof(buf) || need <= len) {
			error = "header too long";
			goto fail;
		}
	}
fail:
	log_warn("proxy", "peer=[%s] error=\"%s\"", peer, error);
	return -1;
}

/* Run one session on fd, then close fd unless the session did. */
void
child_serve(struct server *srv, size_t li, int fd,
	const struct sockaddr_storage *peer, enum server_refuse refuse)
{
	struct server_client client;
	struct sockaddr_storage local;
	socklen_t len = sizeof(local);
	struct stat before, after;
	bool have = fstat(fd, &before) == 0;

	memset(&client, 0, sizeof(client));
	client.fd = fd;
	client.listener = &srv->params.listeners[li];
	sockaddr_text(peer, client.addr, sizeof(client.addr), &client.port,
	    &client.loopback);
	if (getsockname(fd, (struct sockaddr *)&local, &len) == 0)
		sockaddr_text(&local, client.local_addr,
		    sizeof(client.local_addr), &client.local_port, NULL);
	if (client.listener->proxy) {
		struct proxy_info info;

		if (read_proxy_header(fd, &info, client.addr) < 0) {
			(void)close(fd);
			return;
		}
		/* the balancer's client; loopback only if that is */
		if (!info.local) {
			sockaddr_text(&info.src, client.addr,
			    sizeof(client.addr), &client.port,
			    &client.loopback);
			sockaddr_text(&info.dst, client.local_addr,
			    sizeof(client.local_addr), &client.local_port,
			    NULL);
		}
	}
	client.refuse_reason = refuse_reasons[refuse];
	srv->params.session(&client, srv->params.ctx);
	/* The same socket still open: close it. If the session closed it,
	 * the number may belong to something else by now. */
	if (have && fstat(fd, &after) == 0 && after.st_dev == before.st_dev &&
	    after.st_ino == before.st_ino)
		(void)close(fd);
	/* The next session (or the worker's own lines) must not carry this
	 * session's log ID. */
	log_set_id(NULL);
}

/* A child for one connection (prefork 0): never returns. */
static void TERN_NORETURN
run_child(struct server *srv, size_t li, int fd,
	const struct sockaddr_storage *peer, enum server_refuse refuse)
{
	child_setup(srv);
	child_serve(srv, li, fd, peer, refuse);
	_exit(0);
}

struct server_child *
child_new(struct server *srv, pid_t pid)
{
	struct server_child *c;

	if (srv->n_children == srv->cap_children) {
		srv->cap_children = srv->cap_children * 2 + 16;
		srv->children = xreallocarray(srv->children,
		    srv->cap_children, sizeof(*srv->children));
	}
	c = &srv->children[srv->n_children++];
	memset(c, 0, sizeof(*c));
	c->pid = pid;
	c->fd = -1;
	c->idle_since = clock_monotonic_ms();
	return c;
}

pid_t
child_fork(void)
{
	sigset_t all, old;
	pid_t pid;

	/* No handler may run in the child before it resets them: its
	 * SIGTERM would land in the master's self-pipe. */
	sigfillset(&all);
	(void)sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0)
		return 0;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		log_error("fork", "error=\"%s\"", strerror(errno));
	return pid;
}

/* Accept one connection on listener li and start its session. false
 * when accept() ran out of descriptors (pause accepting). */
static bool
accept_one(struct server *srv, size_t li)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	struct server_child *c;
	enum server_refuse refuse;
	char addr[64];
	uint16_t port;
	pid_t pid;
	int fd;

	fd = accept4(srv->fds[li], (struct sockaddr *)&peer, &len,
	    SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			log_error("accept", "error=\"%s\"", strerror(errno));
			return false;
		}
		/* EAGAIN, EINTR, ECONNABORTED, ...: the peer is gone */
		return true;
	}
	sockaddr_text(&peer, addr, sizeof(addr), &port, NULL);
	/* behind a balancer every client has its address: no per-IP
	 * limit until the session knows the client's */
	refuse = check_limits(srv, srv->params.listeners[li].proxy ? NULL :
	    addr);
	if (refuse != SERVER_REFUSE_NONE &&
	    count_refused(srv) >= SERVER_REFUSED_MAX) {
		log_warn("refuse", "client=[%s]:%u reason=\"%s\" answered=no",
		    addr, (unsigned)port, refuse_reasons[refuse]);
		(void)close(fd);
		return true;
	}
	if (srv->params.prefork > 0) {
		c = pool_start(srv, li, fd, &peer, refuse);
	} else {
		pid = child_fork();
		if (pid == 0)
			run_child(srv, li, fd, &peer, refuse);
		c = pid < 0 ? NULL : child_new(srv, pid);
	}
	(void)close(fd);
	if (c == NULL) {
		log_error("session", "client=[%s]:%u error=\"no process\"",
		    addr, (unsigned)port);
		return true;
	}
	c->busy = true;
	c->refused = refuse != SERVER_REFUSE_NONE;
	c->uses++;
	(void)str_copy(c->addr, sizeof(c->addr), addr);
	return true;
}


/* The poll set: the self-pipe, the listeners (when accepting), then each
 * worker's socket; idx[k] is the child of pfds[k] (SIZE_MAX otherwise). */
struct poll_set {
	struct pollfd *pfds;
	size_t *idx;
	size_t n, cap;
};

static void
poll_set_add(struct poll_set *ps, int fd, size_t child)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap * 2 + 16;
		ps->pfds = xreallocarray(ps->pfds, ps->cap, sizeof(*ps->pfds));
		ps->idx = xreallocarray(ps->idx, ps->cap, sizeof(*ps->idx));
	}
	ps->pfds[ps->n].fd = fd;
	ps->pfds[ps->n].events = POLLIN;
	ps->pfds[ps->n].revents = 0;
	ps->idx[ps->n++] = child;
}

static void
poll_set_build(struct poll_set *ps, const struct server *srv,
	bool listeners)
{
	size_t i;

	ps->n = 0;
	poll_set_add(ps, sig_pipe[0], SIZE_MAX);
	for (i = 0; listeners && i < srv->params.n_listeners; i++)
		poll_set_add(ps, srv->fds[i], SIZE_MAX);
	for (i = 0; i < srv->n_children; i++) {
		if (srv->children[i].fd >= 0)
			poll_set_add(ps, srv->children[i].fd, i);
	}
}

/* The workers' "done" messages of this poll, before anything changes
 * the children table. */
static void
poll_set_workers(const struct poll_set *ps, struct server *srv)
{
	size_t k;

	for (k = 0; k < ps->n; k++) {
		if (ps->idx[k] != SIZE_MAX && ps->pfds[k].revents != 0)
			pool_worker_readable(srv, &srv->children[ps->idx[k]]);
	}
}

static void
poll_set_clear(struct poll_set *ps)
{
	free(ps->pfds);
	free(ps->idx);
	memset(ps, 0, sizeof(*ps));
}

static void
kill_children(struct server *srv, int sig)
{
	size_t i;

	for (i = 0; i < srv->n_children; i++)
		(void)kill(srv->children[i].pid, sig);
}

/* Read the self-pipe: which signals came. */
struct sig_seen {
	bool chld, term, hup;
};

static void
drain_pipe(struct sig_seen *seen)
{
	unsigned char b[64];
	ssize_t n, i;

	for (;;) {
		n = read(sig_pipe[0], b, sizeof(b));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		for (i = 0; i < n; i++) {
			if (b[i] == SIGCHLD)
				seen->chld = true;
			else if (b[i] == SIGHUP)
				seen->hup = true;
			else if (b[i] == SIGTERM || b[i] == SIGINT)
				seen->term = true;
		}
	}
}

static size_t
count_busy(const struct server *srv)
{
	size_t i, n = 0;

	for (i = 0; i < srv->n_children; i++)
		n += srv->children[i].busy ? 1 : 0;
	return n;
}

/* Wait for the sessions: drain_timeout_ms, then SIGTERM, then after a
 * grace SIGKILL. A second SIGTERM cuts the wait short. Idle workers are
 * told to exit at once, busy ones when their session is done. */
static void
drain(struct server *srv)
{
	long long deadline = clock_monotonic_ms() + srv->params.drain_timeout_ms;
	struct poll_set ps = { NULL, NULL, 0, 0 };
	int stage = 0;

	pool_retire_all(srv);
	log_info("stopping", "sessions=%zu", count_busy(srv));
	reap(srv);
	while (srv->n_children > 0) {
		struct sig_seen seen = { false, false, false };
		long long left = deadline - clock_monotonic_ms();

		if (left <= 0) {
			if (stage == 2)
				break;
			stage++;
			kill_children(srv, stage == 1 ? SIGTERM : SIGKILL);
			log_info("stopping", "sessions=%zu signal=%s",
			    count_busy(srv), stage == 1 ? "TERM" : "KILL");
			deadline = clock_monotonic_ms() + SERVER_KILL_GRACE_MS;
			continue;
		}
		poll_set_build(&ps, srv, false);
		if (poll(ps.pfds, ps.n, (int)(left > 60000 ? 60000 : left)) < 0) {
			if (errno != EINTR) {
				log_error("poll", "error=\"%s\"",
				    strerror(errno));
				break;
			}
			continue;
		}
		poll_set_workers(&ps, srv);
		drain_pipe(&seen);
		if (seen.term && stage == 0)
			deadline = 0;
		reap(srv);
	}
	poll_set_clear(&ps);
}

int
server_run(struct server *srv)
{
	size_t i;
	struct poll_set ps = { NULL, NULL, 0, 0 };
	long long paused_until = 0;
	int ret = 0, pool_timeout = -1;

	if (resolve_run_user(srv) < 0)
		return -1;
	if (install_signals() < 0) {
		log_error("signals", "error=\"%s\"", strerror(errno));
		reset_signals();
		return -1;
	}
	pool_timeout = pool_tend(srv);
	for (;;) {
		struct sig_seen seen = { false, false, false };
		bool paused = paused_until != 0 &&
		    clock_monotonic_ms() < paused_until;
		int timeout = paused ? SERVER_ACCEPT_PAUSE_MS : pool_timeout;

		poll_set_build(&ps, srv, !paused);
		if (poll(ps.pfds, ps.n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll", "error=\"%s\"", strerror(errno));
			ret = -1;
			break;
		}
		/* Done sessions first, while ps matches the children. */
		poll_set_workers(&ps, srv);
		/* Signals next: a reload applies to what is accepted next. */
		if ((ps.pfds[0].revents & POLLIN) != 0)
			drain_pipe(&seen);
		if (seen.chld)
			reap(srv);
		if (seen.term)
			break;
		if (seen.hup && srv->params.reload != NULL) {
			if (srv->params.reload(srv->params.ctx) < 0) {
				log_warn("reload", "result=failed "
				    "config=unchanged");
			} else {
				log_info("reload", "result=ok");
				/* Workers have the old state: replace. */
				pool_retire_all(srv);
				/* the listeners may have changed under ps:
				 * accept at the next poll */
				pool_timeout = pool_tend(srv);
				continue;
			}
		}
		for (i = 0; !paused && i < srv->params.n_listeners; i++) {
			if ((ps.pfds[i + 1].revents & POLLIN) == 0)
				continue;
			if (!accept_one(srv, i))
				paused_until = clock_monotonic_ms() +
				    SERVER_ACCEPT_PAUSE_MS;
		}
		pool_timeout = pool_tend(srv);
	}
	poll_set_clear(&ps);
	close_listeners(srv);
	drain(srv);
	reset_signals();
	log_info("stopped", NULL);
	return ret;
}

void
server_run_stdio(const struct server_params *params)
{
	struct server_client client;

	(void)signal(SIGPIPE, SIG_IGN);
	memset(&client, 0, sizeof(client));
	client.fd = -1;
	client.listener = NULL;
	(void)str_copy(client.addr, sizeof(client.addr), "stdio");
	(void)str_copy(client.local_addr, sizeof(client.local_addr), "stdio");
	client.loopback = true;
	params->session(&client, params->ctx);
}
