/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for lib/server.c on loopback ports picked by the kernel: bind
 * errors, the client as a session sees it, per-IP and overall limits
 * (refuse_reason), SIGHUP reload, SIGTERM drain (with and without the
 * drain timeout), IPv6, --stdio; each with fork per connection (loop 0)
 * and with a worker pool (loop 1). The pool: sessions reuse a worker,
 * max_use replaces it, a crashing session harms no other, SIGHUP and
 * SIGTERM retire idle workers.
 */
#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "server.h"
#include "tern.h"

static int reloads;

static int
reload(void *ctx)
{
	reloads++;
	return 0;
}

/* Says who it sees, then (unless refused) waits for the client's EOF. */
static void
session(struct server_client *c, void *ctx)
{
	char line[256], b;
	int n;

	n = snprintf(line, sizeof(line), "%s addr=%s loopback=%d local=%s:%u "
	    "listener=%s reloads=%d\n",
	    c->refuse_reason != NULL ? "refused" : "ok", c->addr,
	    c->loopback, c->local_addr, (unsigned)c->local_port,
	    c->listener != NULL ? c->listener->name : "-", reloads);
	if (c->fd < 0) {
		ck_assert_int_eq(write(STDOUT_FILENO, line, (size_t)n), n);
		return;
	}
	if (write(c->fd, line, (size_t)n) != n)
		return;
	if (c->refuse_reason != NULL)
		return;
	while (read(c->fd, &b, 1) > 0)
		;
}

static struct listener_config listeners[2] = {
	{ .name = "mx", .address = "127.0.0.1", .port = 0 },
	{ .name = "v6", .address = "::1", .port = 0 },
};

static struct server_params
params_for(size_t n_listeners, uint32_t max, uint32_t per_ip)
{
	struct server_params p;

	memset(&p, 0, sizeof(p));
	p.prog = "test";
	p.listeners = listeners;
	p.n_listeners = n_listeners;
	p.max_sessions = max;
	p.max_sessions_per_ip = per_ip;
	p.session = session;
	p.reload = reload;
	p.drain_timeout_ms = 10000;
	return p;
}

static uint16_t ports[2];

/* Fork server_run(); the child exits 0 when it returned 0. The parent
 * keeps the ports and frees its copy of srv: an open listener there would
 * keep accepting after the server closed its own. */
static pid_t
fork_server(struct server **srv)
{
	pid_t pid;

	ports[0] = server_listener_port(*srv, 0);
	ports[1] = server_listener_port(*srv, 1);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(server_run(*srv) == 0 ? 0 : 1);
	server_free(srv);
	return pid;
}

static int
connect_to(int family, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (void *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (void *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof(*sin6);
	}
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The session's first line (5 s at most). */
static void
read_line(int fd, char *line, size_t size)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t n = 0;

	while (n + 1 < size) {
		ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
		if (read(fd, line + n, 1) != 1)
			break;
		if (line[n++] == '\n')
			break;
	}
	line[n] = '\0';
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Wait up to 5 s for the server to exit; its status. */
static int
wait_server(pid_t pid)
{
	int status, i;
	pid_t r;

	for (i = 0; i < 500; i++) {
		r = waitpid(pid, &status, WNOHANG);
		ck_assert_int_ge(r, 0);
		if (r == pid)
			return status;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	ck_abort_msg("server did not stop");
	return -1;
}

/* Until the listener is closed (the server saw SIGTERM): true. */
static bool
wait_refused(uint16_t port)
{
	int i, fd;

	for (i = 0; i < 500; i++) {
		fd = connect_to(AF_INET, port);
		if (fd < 0)
			return errno == ECONNREFUSED;
		close(fd);
		usleep(10000);
	}
	return false;
}

START_TEST(test_bind_errors)
{
	struct listener_config bad[2] = {
		{ .name = "a", .address = "127.0.0.1", .port = 0 },
		{ .name = "b", .address = "not-an-ip", .port = 25 },
	};
	struct server_params p = params_for(1, 0, 0);
	struct server *srv, *srv2;
	char *error = NULL;

	p.listeners = bad;
	p.n_listeners = 2;
	ck_assert_int_eq(server_bind(&p, &srv, &error), -1);
	ck_assert_ptr_nonnull(strstr(error, "listener b: address not-an-ip"));
	free(error);

	/* the same port twice */
	p.n_listeners = 1;
	ck_assert_int_eq(server_bind(&p, &srv, &error), 0);
	ck_assert_uint_ne(server_listener_port(srv, 0), 0);
	ck_assert_uint_eq(server_listener_port(srv, 1), 0);
	bad[0].port = server_listener_port(srv, 0);
	ck_assert_int_eq(server_bind(&p, &srv2, &error), -1);
	ck_assert_ptr_nonnull(strstr(error, "Address already in use"));
	free(error);
	server_free(&srv);
	ck_assert_ptr_null(srv);
	server_free(&srv);
}
END_TEST

START_TEST(test_limits_and_drain)
{
	struct server_params p = params_for(1, 10, 2);
	struct server *srv;
	char *error = NULL, line[256], want[128];
	int fd[4];
	uint16_t port;
	pid_t pid;
	int i, status;

	p.prefork = _i == 0 ? 0 : 2;
	ck_assert_int_eq(server_bind(&p, &srv, &error), 0);
	pid = fork_server(&srv);
	port = ports[0];

	for (i = 0; i < 2; i++) {
		fd[i] = connect_to(AF_INET, port);
		ck_assert_int_ge(fd[i], 0);
		read_line(fd[i], line, sizeof(line));
		snprintf(want, sizeof(want), "ok addr=127.0.0.1 loopback=1 "
		    "local=127.0.0.1:%u listener=mx reloads=0\n",
		    (unsigned)port);
		ck_assert_str_eq(line, want);
	}
	/* the third from the same address is refused, with a reply */
	fd[2] = connect_to(AF_INET, port);
	ck_assert_int_ge(fd[2], 0);
	read_line(fd[2], line, sizeof(line));
	ck_assert_msg(starts_with(line, "refused "), "%s", line);
	close(fd[2]);

	/* once a session ends, its slot is free again */
	close(fd[0]);
	for (i = 0; i < 500; i++) {
		fd[3] = connect_to(AF_INET, port);
		ck_assert_int_ge(fd[3], 0);
		read_line(fd[3], line, sizeof(line));
		if (starts_with(line, "ok "))
			break;
		close(fd[3]);
		usleep(10000);
	}
	ck_assert_msg(starts_with(line, "ok "), "%s", line);

	/* SIGTERM: no new connections; the server waits for fd[1], fd[3] */
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	ck_assert(wait_refused(port));
	usleep(100000);
	ck_assert_int_eq(waitpid(pid, &status, WNOHANG), 0);
	close(fd[1]);
	close(fd[3]);
	status = wait_server(pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

START_TEST(test_max_sessions)
{
	struct server_params p = params_for(1, 1, 0);
	struct server *srv;
	char *error = NULL, line[256];
	int fd, fd2, status;
	pid_t pid;

	p.prefork = _i == 0 ? 0 : 2;
	ck_assert_int_eq(server_bind(&p, &srv, &error), 0);
	pid = fork_server(&srv);
	fd = connect_to(AF_INET, ports[0]);
	read_line(fd, line, sizeof(line));
	ck_assert_msg(starts_with(line, "ok "), "%s", line);
	fd2 = connect_to(AF_INET, ports[0]);
	read_line(fd2, line, sizeof(line));
	ck_assert_msg(starts_with(line, "refused "), "%s", line);
	close(fd2);
	close(fd);
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	status = wait_server(pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* A session that never ends is sent SIGTERM after the drain timeout. */
START_TEST(test_drain_timeout)
{
	struct server_params p = params_for(1, 0, 0);
	struct server *srv;
	char *error = NULL, line[256], b;
	int fd, status;
	pid_t pid;

	p.prefork = _i == 0 ? 0 : 2;
	p.drain_timeout_ms = 200;
	ck_assert_int_eq(server_bind(&p, &srv, &error), 0);
	pid = fork_server(&srv);
	fd = connect_to(AF_INET, ports[0]);
	read_line(fd, line, sizeof(line));
	ck_assert_msg(starts_with(line, "ok "), "%s", line);
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	status = wait_server(pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* the session is gone: EOF */
	ck_assert_int_eq(read(fd, &b, 1), 0);
	close(fd);
}
END_TEST

START_TEST(test_reload_and_ipv6)
{
	struct server_params p = params_for(2, 0, 0);
	struct server *srv;
	char *error = NULL, line[256], want[128];
	int fd, status, tries;
	pid_t pid;

	p.prefork = _i == 0 ? 0 : 2;
	if (server_bind(&p, &srv, &error) < 0) {
		/* no IPv6 here: only the IPv4 part */
		ck_assert_ptr_nonnull(strstr(error, "listener v6"));
		free(error);
		p.n_listeners = 1;
		ck_assert_int_eq(server_bind(&p, &srv, &error), 0);
	}
	pid = fork_server(&srv);
	/* One session first: the server has its signal handlers by then
	 * (a SIGHUP before that would kill it, as on a loaded machine). */
	fd = connect_to(AF_INET, ports[0]);
	read_line(fd, line, sizeof(line));
	close(fd);
	ck_assert_int_eq(kill(pid, SIGHUP), 0);
	/* The reload lands asynchronously: poll for it, 5 s at most. */
	for (tries = 0; tries < 100; tries++) {
		fd = connect_to(AF_INET, ports[0]);
		read_line(fd, line, sizeof(line));
		close(fd);
		if (strstr(line, " reloads=1\n") != NULL)
			break;
		usleep(50000);
	}
	ck_assert_msg(strstr(line, " reloads=1\n") != NULL, "%s", line);
	if (p.n_listeners == 2) {
		fd = connect_to(AF_INET6, ports[1]);
		ck_assert_int_ge(fd, 0);
		read_line(fd, line, sizeof(line));
		snprintf(want, sizeof(want), "ok addr=::1 loopback=1 "
		    "local=::1:%u listener=v6 ",
		    (unsigned)ports[1]);
		ck_assert_msg(starts_with(line, want), "%s", line);
		close(fd);
	}
	ck_assert_int_eq(kill(pid, SIGINT), 0);
	status = wait_server(pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* Says its pid, then: "a" aborts, anything else (or EOF) ends. */
static void
session_pid(struct server_client *c, void *ctx)
{
	char line[64], b = 0;
	int n;

	n = snprintf(line, sizeof(line), "%s pid=%ld reloads=%d\n",
	    c->refuse_reason != NULL ? "refused" : "ok", (long)getpid(),
	    reloads);
	if (write(c->fd, line, (size_t)n) != n)
		return;
	if (c->refuse_reason != NULL)
		return;
	if (read(c->fd, &b, 1) == 1 && b == 'a')
		abort();
}

/* Connect, read the session's line, send what (may be NULL), close. */
static void
one_session(uint16_t port, const char *what, char *line, size_t size)
{
	int fd = connect_to(AF_INET, port);

	ck_assert_int_ge(fd, 0);
	read_line(fd, line, size);
	if (what != NULL)
		ck_assert_int_eq(write(fd, what, strlen(what)),
		    (ssize_t)strlen(what));
	close(fd);
	/* XXX: let the worker report "done" before the next connect, or
	 * the master (rightly) starts that one in another worker */
	usleep(100000);
}

static long
pid_of(const char *line)
{
	const char *p = strstr(line, "pid=");

	ck_assert_msg(p != NULL && starts_with(line, "ok "), "%s", line);
	return strtol(p + 4, NULL, 10);
}

static pid_t
start_pool(uint32_t prefork, uint32_t max_use, uint32_t max,
	uint32_t per_ip)
{
	struct server_params p = params_for(1, max, per_ip);
	struct server *srv;
	char *error = NULL;

	p.session = session_pid;
	p.prefork = prefork;
	p.max_use = max_use;
	ck_assert_int_eq(server_bind(&p, &srv, &error), 0);
	return fork_server(&srv);
}

static void
stop_server(pid_t pid)
{
	int status;

	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	status = wait_server(pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Sequential sessions are served by one worker, not the master; after
 * max_use of them it is replaced. */
START_TEST(test_pool_reuse_and_max_use)
{
	char line[128];
	long pids[5];
	pid_t pid;
	int i;

	pid = start_pool(1, 3, 0, 0);
	for (i = 0; i < 5; i++) {
		one_session(ports[0], NULL, line, sizeof(line));
		pids[i] = pid_of(line);
	}
	ck_assert_int_ne(pids[0], pid);
	ck_assert_int_eq(pids[1], pids[0]);
	ck_assert_int_eq(pids[2], pids[0]);
	/* the 4th needs a new worker; it serves the 5th too */
	ck_assert_int_ne(pids[3], pids[0]);
	ck_assert_int_eq(pids[4], pids[3]);
	/* the old one is gone */
	ck_assert_int_eq(kill((pid_t)pids[0], 0), -1);
	stop_server(pid);
	/* and so are the idle workers */
	ck_assert_int_eq(kill((pid_t)pids[3], 0), -1);
}
END_TEST

/* A session that crashes loses only itself: its per-IP slot is free
 * again and the next connection is served. */
START_TEST(test_pool_abort)
{
	char line[128];
	long first;
	pid_t pid;
	int i;

	pid = start_pool(1, 0, 0, 1);
	one_session(ports[0], "a", line, sizeof(line));
	first = pid_of(line);
	for (i = 0; i < 50; i++) {
		one_session(ports[0], NULL, line, sizeof(line));
		if (starts_with(line, "ok "))
			break;
	}
	ck_assert_int_ne(pid_of(line), first);
	ck_assert_int_eq(kill((pid_t)first, 0), -1);
	stop_server(pid);
}
END_TEST

/* Both limits still give refuse_reason when workers run the sessions,
 * and a burst beyond the idle workers is served by new ones. */
START_TEST(test_pool_limits)
{
	char line[128];
	int fd[4], i;
	pid_t pid;

	pid = start_pool(1, 0, 3, 2);
	for (i = 0; i < 2; i++) {
		fd[i] = connect_to(AF_INET, ports[0]);
		ck_assert_int_ge(fd[i], 0);
		read_line(fd[i], line, sizeof(line));
		ck_assert_msg(starts_with(line, "ok "), "%s", line);
	}
	fd[2] = connect_to(AF_INET, ports[0]);
	read_line(fd[2], line, sizeof(line));
	ck_assert_msg(starts_with(line, "refused "), "%s", line);
	close(fd[2]);
	close(fd[0]);
	close(fd[1]);
	stop_server(pid);
}
END_TEST

/* SIGHUP: idle workers are replaced by ones that see the reload; a busy
 * one finishes its session and exits. */
/* Has process pid gone within 5 s? Polls, so a loaded machine does not
 * fail the test that a quiet one passes. */
static bool
gone_within(pid_t pid)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (kill(pid, 0) < 0)
			return true;
		usleep(10000);
	}
	return false;
}

START_TEST(test_pool_reload)
{
	char line[128];
	long idle, busy, fresh;
	pid_t pid;
	int fd, i;

	pid = start_pool(2, 0, 0, 0);
	/* one busy across the reload, one idle */
	fd = connect_to(AF_INET, ports[0]);
	read_line(fd, line, sizeof(line));
	busy = pid_of(line);
	one_session(ports[0], NULL, line, sizeof(line));
	idle = pid_of(line);
	ck_assert_msg(strstr(line, " reloads=0\n") != NULL, "%s", line);
	ck_assert_int_ne(idle, busy);
	ck_assert_int_eq(kill(pid, SIGHUP), 0);
	/* the master handles the signal when it gets to it */
	for (i = 0; i < 50; i++) {
		usleep(100000);
		one_session(ports[0], NULL, line, sizeof(line));
		if (strstr(line, " reloads=1\n") != NULL)
			break;
	}
	ck_assert_msg(strstr(line, " reloads=1\n") != NULL, "%s", line);
	fresh = pid_of(line);
	ck_assert_int_ne(fresh, idle);
	ck_assert_int_ne(fresh, busy);
	ck_assert(gone_within((pid_t)idle));
	/* the busy one still serves its client, then goes */
	ck_assert_int_eq(kill((pid_t)busy, 0), 0);
	close(fd);
	ck_assert(gone_within((pid_t)busy));
	stop_server(pid);
}
END_TEST

/* Reports the session's uid, gid and supplementary groups. */
static void
session_ids(struct server_client *c, void *ctx)
{
	gid_t groups[64];
	char line[128];
	int n, ng;

	ng = getgroups(64, groups);
	n = snprintf(line, sizeof(line), "uid=%ld gid=%ld groups=%d g0=%ld\n",
	    (long)geteuid(), (long)getegid(), ng,
	    ng > 0 ? (long)groups[0] : -1L);
	if (write(c->fd, line, (size_t)n) != n)
		return;
}

/* The server the reload callback below changes, and what to. */
static struct server *rebind_srv;
static struct listener_config rebind_to[1] = {
	{ .name = "new", .address = "127.0.0.1", .port = 0 },
};

static int
reload_rebind(void *ctx)
{
	char *error = NULL;

	(void)ctx;
	reloads++;
	if (server_set_listeners(rebind_srv, rebind_to, 1, &error) < 0) {
		free(error);
		return -1;
	}
	return 0;
}

/* A port nothing listens on (the kernel's pick, closed again). */
static uint16_t
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

/* A reload that names other listeners: the new one is bound, the old
 * one closed; one that cannot be bound changes nothing. */
START_TEST(test_reload_listeners)
{
	struct server_params p = params_for(1, 0, 0);
	struct listener_config taken = { .name = "taken",
	    .address = "127.0.0.1", .port = 0 };
	struct server *srv;
	char *error = NULL, line[256];
	uint16_t old_port;
	int fd, i, status;
	pid_t pid;

	p.reload = reload_rebind;
	ck_assert_int_eq(server_bind(&p, &srv, &error), 0);
	old_port = server_listener_port(srv, 0);
	/* a port in use (by the listener itself, named by its number
	 * rather than 0): refused, the old listener as it was */
	taken.port = old_port;
	{
		struct listener_config both[2] = { listeners[0], taken };

		both[0].port = free_port();
		ck_assert_int_eq(server_set_listeners(srv, both, 2, &error),
		    -1);
		ck_assert_ptr_nonnull(error);
		free(error);
		error = NULL;
	}
	ck_assert_uint_eq(server_listener_port(srv, 0), old_port);
	rebind_to[0].port = free_port();
	rebind_srv = srv;
	pid = fork_server(&srv);
	fd = connect_to(AF_INET, old_port);
	ck_assert_int_ge(fd, 0);
	read_line(fd, line, sizeof(line));
	ck_assert(starts_with(line, "ok "));
	ck_assert(strstr(line, "listener=mx") != NULL);
	close(fd);
	ck_assert_int_eq(kill(pid, SIGHUP), 0);
	for (i = 0; i < 500; i++) {
		fd = connect_to(AF_INET, rebind_to[0].port);
		if (fd >= 0)
			break;
		usleep(10000);
	}
	ck_assert_int_ge(fd, 0);
	read_line(fd, line, sizeof(line));
	ck_assert_msg(strstr(line, "listener=new") != NULL, "%s", line);
	close(fd);
	ck_assert(wait_refused(old_port));
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	status = wait_server(pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* The effective uid of process pid (/proc), -1 if unknown. */
static long
proc_uid(pid_t pid)
{
	char path[64], line[256];
	long real, eff = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "Uid: %ld %ld", &real, &eff) == 2)
			break;
	}
	fclose(f);
	return eff;
}

/* Started as root with run_user: sessions run as that user, with its
 * groups; the master stays root. */
START_TEST(test_drop_privileges)
{
	struct server_params p = params_for(1, 0, 0);
	struct passwd *pw = getpwnam("nobody");
	struct server *srv;
	char *error = NULL, line[256], want[128];
	int fd, status;
	pid_t pid;

	if (geteuid() != 0 || pw == NULL)
		return;		/* XXX: needs root and a "nobody" user */
	snprintf(want, sizeof(want), "uid=%ld gid=%ld groups=1 g0=%ld\n",
	    (long)pw->pw_uid, (long)pw->pw_gid, (long)pw->pw_gid);
	p.run_user = "nobody";
	p.session = session_ids;
	p.prefork = (uint32_t)_i * 2;	/* forked per connection, a pool */
	ck_assert_int_eq(server_bind(&p, &srv, &error), 0);
	pid = fork_server(&srv);
	fd = connect_to(AF_INET, ports[0]);
	ck_assert_int_ge(fd, 0);
	read_line(fd, line, sizeof(line));
	ck_assert_str_eq(line, want);
	close(fd);
	/* the master stays root (a reload may read a root-only key) */
	ck_assert_int_eq(proc_uid(pid), 0);
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	status = wait_server(pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

START_TEST(test_unknown_run_user)
{
	struct server_params p = params_for(1, 0, 0);
	struct server *srv;
	char *error = NULL;

	if (geteuid() != 0)
		return;		/* XXX: without root there is nothing to drop */
	p.run_user = "no-such-user-tern";
	ck_assert_int_eq(server_bind(&p, &srv, &error), 0);
	ck_assert_int_eq(server_run(srv), -1);
	server_free(&srv);
}
END_TEST

START_TEST(test_stdio)
{
	struct server_params p = params_for(0, 0, 0);
	char line[256];
	int sv[2], saved;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	saved = dup(STDOUT_FILENO);
	ck_assert_int_ge(dup2(sv[0], STDOUT_FILENO), 0);
	server_run_stdio(&p);
	ck_assert_int_ge(dup2(saved, STDOUT_FILENO), 0);
	close(saved);
	read_line(sv[1], line, sizeof(line));
	ck_assert_str_eq(line, "ok addr=stdio loopback=1 local=stdio:0 "
	    "listener=- reloads=0\n");
	close(sv[0]);
	close(sv[1]);
}
END_TEST

static void
setup(void)
{
	log_init("server_test", false, LOG_LEVEL_WARN);
	reloads = 0;
}

static Suite *
server_suite(void)
{
	Suite *s = suite_create("server");
	TCase *tc = tcase_create("server");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_bind_errors);
	tcase_add_loop_test(tc, test_limits_and_drain, 0, 2);
	tcase_add_loop_test(tc, test_max_sessions, 0, 2);
	tcase_add_loop_test(tc, test_drain_timeout, 0, 2);
	tcase_add_loop_test(tc, test_reload_and_ipv6, 0, 2);
	tcase_add_test(tc, test_pool_reuse_and_max_use);
	tcase_add_test(tc, test_pool_abort);
	tcase_add_test(tc, test_pool_limits);
	tcase_add_test(tc, test_pool_reload);
	tcase_add_loop_test(tc, test_drop_privileges, 0, 2);
	tcase_add_test(tc, test_reload_listeners);
	tcase_add_test(tc, test_unknown_run_user);
	tcase_add_test(tc, test_stdio);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(server_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
