/* SPDX-License-Identifier: MIT */
/*
 * server: the listener supervisor. The master binds every listener
 * (IPv6 sockets are V6ONLY, all are CLOEXEC and non-blocking), drops
 * privileges when root, then polls the listeners and a self-pipe that the
 * signal handlers write to, so signals are handled in the loop and never
 * inside a handler. Each connection gets its own child process.
 *
 * Limits: a connection over max_sessions or max_sessions_per_ip still gets
 * a child, with refuse_reason set, so the daemon can say its protocol's
 * "busy" reply (SMTP 421 4.7.0) instead of a silent close. Refused children
 * do not count toward the limits; at most SERVER_REFUSED_MAX of them run at
 * once, past that the master closes the connection unanswered.
 * SIGTERM/SIGINT: close the listeners, wait drain_timeout_ms for the
 * sessions, SIGTERM the rest, return 0. SIGHUP: params.reload(). Listener
 * addresses are not re-read: changing them needs a restart.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "server.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

/* listen(2) backlog: DESIGN.md asks for at least 128; Linux caps it at
 * net.core.somaxconn. */
#define SERVER_LISTEN_BACKLOG 511
/* Refused children (each says "busy" and exits) alive at once. */
#define SERVER_REFUSED_MAX 32
/* Default wait for sessions on SIGTERM before they get SIGTERM. */
#define SERVER_DRAIN_TIMEOUT_MS 30000
/* After the sessions got SIGTERM, wait this long, then SIGKILL. */
#define SERVER_KILL_GRACE_MS 5000
/* Pause accepting after EMFILE/ENFILE, so the loop does not spin. */
#define SERVER_ACCEPT_PAUSE_MS 1000

struct server_child {
	pid_t pid;
	bool refused;
	char addr[64];
};

struct server {
	struct server_params params;
	int *fds;			/* one per listener; -1 once closed */
	uint16_t *ports;
	struct server_child *children;
	size_t n_children, cap_children;
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

static long long
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		tern_panic("clock_gettime: %s", strerror(errno));
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

	if (srv == NULL)
		return;
	*srvp = NULL;
	close_listeners(srv);
	free(srv->fds);
	free(srv->ports);
	free(srv->children);
	free(srv);
}

/* Root with a run_user: become that user for good. */
static int
drop_privileges(const char *user)
{
	struct passwd *pw;

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
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 ||
	    setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		log_error("privileges", "run_user=%s error=\"%s\"", user,
		    strerror(errno));
		return -1;
	}
	/* Paranoia: root must be gone for good. */
	if (setuid(0) == 0 || geteuid() == 0) {
		log_error("privileges", "run_user=%s error=\"still root\"",
		    user);
		return -1;
	}
	log_info("privileges", "run_user=%s uid=%ld gid=%ld", user,
	    (long)pw->pw_uid, (long)pw->pw_gid);
	return 0;
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

static void
reap(struct server *srv)
{
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
		if (WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM)
			log_error("session", "pid=%ld client=%s signal=%d",
			    (long)pid, srv->children[i].addr,
			    WTERMSIG(status));
		srv->children[i] = srv->children[--srv->n_children];
	}
}

/* The refuse_reason for a new client from addr, or NULL. */
static const char *
check_limits(const struct server *srv, const char *addr)
{
	uint32_t total = 0, same = 0;
	size_t i;

	for (i = 0; i < srv->n_children; i++) {
		if (srv->children[i].refused)
			continue;
		total++;
		if (strcmp(srv->children[i].addr, addr) == 0)
			same++;
	}
	if (srv->params.max_sessions != 0 && total >= srv->params.max_sessions)
		return "too many sessions";
	if (srv->params.max_sessions_per_ip != 0 &&
	    same >= srv->params.max_sessions_per_ip)
		return "too many sessions from this address";
	return NULL;
}

static size_t
count_refused(const struct server *srv)
{
	size_t i, n = 0;

	for (i = 0; i < srv->n_children; i++)
		n += srv->children[i].refused ? 1 : 0;
	return n;
}

/* In the child: never returns. */
static void TERN_NORETURN
run_child(struct server *srv, size_t li, int fd,
	const struct sockaddr_storage *peer, const char *refuse_reason)
{
	struct server_client client;
	struct sockaddr_storage local;
	socklen_t len = sizeof(local);
	sigset_t none;

	reset_signals();
	(void)signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	close_listeners(srv);

	memset(&client, 0, sizeof(client));
	client.fd = fd;
	client.listener = &srv->params.listeners[li];
	sockaddr_text(peer, client.addr, sizeof(client.addr), &client.port,
	    &client.loopback);
	if (getsockname(fd, (struct sockaddr *)&local, &len) == 0)
		sockaddr_text(&local, client.local_addr,
		    sizeof(client.local_addr), &client.local_port, NULL);
	client.refuse_reason = refuse_reason;
	srv->params.session(&client, srv->params.ctx);
	_exit(0);
}

/* Accept one connection on listener li and fork its session. false
 * when accept() ran out of descriptors (pause accepting). */
static bool
accept_one(struct server *srv, size_t li)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	char addr[64];
	const char *reason;
	sigset_t all, old;
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
	reason = check_limits(srv, addr);
	if (reason != NULL && count_refused(srv) >= SERVER_REFUSED_MAX) {
		log_warn("refuse", "client=[%s]:%u reason=\"%s\" answered=no",
		    addr, (unsigned)port, reason);
		(void)close(fd);
		return true;
	}
	if (srv->n_children == srv->cap_children) {
		srv->cap_children = srv->cap_children * 2 + 16;
		srv->children = xreallocarray(srv->children,
		    srv->cap_children, sizeof(*srv->children));
	}
	/* No handler may run in the child before it resets them: its
	 * SIGTERM would land in the master's self-pipe. */
	sigfillset(&all);
	(void)sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0)
		run_child(srv, li, fd, &peer, reason);
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	(void)close(fd);
	if (pid < 0) {
		log_error("fork", "client=[%s]:%u error=\"%s\"", addr,
		    (unsigned)port, strerror(errno));
		return true;
	}
	srv->children[srv->n_children].pid = pid;
	srv->children[srv->n_children].refused = reason != NULL;
	(void)str_copy(srv->children[srv->n_children].addr,
	    sizeof(srv->children[0].addr), addr);
	srv->n_children++;
	return true;
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

/* Wait for the sessions: drain_timeout_ms, then SIGTERM, then after a
 * grace SIGKILL. A second SIGTERM cuts the wait short. */
static void
drain(struct server *srv)
{
	long long deadline = now_ms() + srv->params.drain_timeout_ms;
	int stage = 0;

	log_info("stopping", "sessions=%zu", srv->n_children);
	reap(srv);
	while (srv->n_children > 0) {
		struct sig_seen seen = { false, false, false };
		struct pollfd pfd = { sig_pipe[0], POLLIN, 0 };
		long long left = deadline - now_ms();

		if (left <= 0) {
			if (stage == 2)
				break;
			stage++;
			kill_children(srv, stage == 1 ? SIGTERM : SIGKILL);
			log_info("stopping", "sessions=%zu signal=%s",
			    srv->n_children, stage == 1 ? "TERM" : "KILL");
			deadline = now_ms() + SERVER_KILL_GRACE_MS;
			continue;
		}
		if (poll(&pfd, 1, (int)(left > 60000 ? 60000 : left)) < 0 &&
		    errno != EINTR) {
			log_error("poll", "error=\"%s\"", strerror(errno));
			break;
		}
		drain_pipe(&seen);
		if (seen.term && stage == 0)
			deadline = 0;
		reap(srv);
	}
}

int
server_run(struct server *srv)
{
	size_t n = srv->params.n_listeners, i;
	struct pollfd *pfds;
	long long paused_until = 0;
	int ret = 0;

	if (drop_privileges(srv->params.run_user) < 0)
		return -1;
	if (install_signals() < 0) {
		log_error("signals", "error=\"%s\"", strerror(errno));
		reset_signals();
		return -1;
	}
	pfds = xcalloc(n + 1, sizeof(*pfds));
	for (;;) {
		struct sig_seen seen = { false, false, false };
		bool paused = paused_until != 0 && now_ms() < paused_until;
		int timeout = paused ? SERVER_ACCEPT_PAUSE_MS : -1;

		pfds[0].fd = sig_pipe[0];
		pfds[0].events = POLLIN;
		for (i = 0; i < n; i++) {
			pfds[i + 1].fd = paused ? -1 : srv->fds[i];
			pfds[i + 1].events = POLLIN;
			pfds[i + 1].revents = 0;
		}
		if (poll(pfds, n + 1, timeout) < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll", "error=\"%s\"", strerror(errno));
			ret = -1;
			break;
		}
		/* Signals first: a reload applies to what is accepted next. */
		if ((pfds[0].revents & POLLIN) != 0)
			drain_pipe(&seen);
		if (seen.chld)
			reap(srv);
		if (seen.term)
			break;
		if (seen.hup && srv->params.reload != NULL) {
			if (srv->params.reload(srv->params.ctx) < 0)
				log_warn("reload", "result=failed "
				    "config=unchanged");
			else
				log_info("reload", "result=ok");
		}
		for (i = 0; i < n; i++) {
			if ((pfds[i + 1].revents & POLLIN) == 0)
				continue;
			if (!accept_one(srv, i))
				paused_until = now_ms() +
				    SERVER_ACCEPT_PAUSE_MS;
		}
	}
	free(pfds);
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
