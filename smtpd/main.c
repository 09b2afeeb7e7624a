/* SPDX-License-Identifier: MIT */
/*
 * smtpd: the SMTP server (MX on 25, submission on 587/465). Options:
 *   -c FILE          configuration (default: the embedded one)
 *   --data DIR       data directory (also $TERN_DATA)
 *   -t               check the configuration, print the effective settings
 *   --stdio          one session on stdin/stdout (tests, inetd)
 *   --listener NAME  with --stdio: behave as that configured listener
 *   --syslog         log to syslog(LOG_MAIL) instead of stderr
 *   -d               debug: protocol trace in the log
 * Start-up: config_load, bootstrap_data_dir, auth_db_open, TLS context,
 * server_bind, server_run (sessions in pre-forked workers: smtpd.prefork,
 * smtpd.max_use). SIGHUP re-reads the configuration, the users
 * file and the certificate for the sessions accepted next, and binds
 * the listeners added (closing those removed; unchanged ones keep their
 * sockets).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon.h"
#include "smtpd.h"
#include "config.h"
#include "log.h"
#include "server.h"
#include "stream.h"
#include "tern.h"

struct smtpd_ctx {
	struct daemon_state d;		/* config, users, TLS */
	struct listener_config stdio_listener;
};

static void
usage(void)
{
	fprintf(stderr, "usage: smtpd [-c FILE] [--data DIR] [-t] [--stdio "
	    "[--listener NAME]] [--syslog] [-d]\n");
	exit(2);
}

static void
session_main(struct server_client *client, void *ctx_p)
{
	struct smtpd_ctx *ctx = ctx_p;
	const struct listener_config *listener = client->listener;
	struct smtp_session s;
	struct stream *stream;

	if (listener == NULL)
		listener = &ctx->stdio_listener;
	if (client->fd >= 0)
		stream = stream_fd_new(client->fd, client->fd, true);
	else
		stream = stream_fd_new(0, 1, false);
	smtp_session_init(&s, ctx->d.cfg, listener, client, stream,
	    ctx->d.tls_ctx, ctx->d.auth_db);
	smtp_session_run(&s);
	smtp_session_clear(&s);
	stream_free(&stream);
}

/* --stdio: the listener named, else the first mx one, else a plain mx
 * on loopback. */
static int
pick_stdio_listener(struct smtpd_ctx *ctx, const char *name)
{
	static struct listener_config mx = {
		.name = "mx", .address = "127.0.0.1", .port = 25,
		.mode = LISTENER_MX, .tls = LISTENER_TLS_STARTTLS
	};
	size_t i;

	for (i = 0; i < ctx->d.boot.smtpd.n_listeners; i++) {
		const struct listener_config *l = &ctx->d.boot.smtpd.listeners[i];

		if (name != NULL ? strcmp(l->name, name) == 0 :
		    l->mode == LISTENER_MX) {
			ctx->stdio_listener = *l;
			return 0;
		}
	}
	if (name != NULL)
		return -1;
	ctx->stdio_listener = mx;
	return 0;
}

/* The listeners smtpd binds, in cfg. */
static const struct listener_config *
smtpd_listeners(const struct tern_config *cfg, size_t *n_r)
{
	*n_r = cfg->smtpd.n_listeners;
	return cfg->smtpd.listeners;
}

/* SIGHUP, in the master (server_run's loop): load everything new first,
 * switch only when all of it loaded. -1 (logged): the old stays. */
static int
reload(void *ctx_p)
{
	struct smtpd_ctx *ctx = ctx_p;
	const struct tern_config *cfg;

	if (daemon_reload(&ctx->d) < 0)
		return -1;
	cfg = ctx->d.cfg;
	server_set_limits(ctx->d.srv, cfg->smtpd.max_sessions,
	    cfg->smtpd.max_sessions_per_ip);
	server_set_pool(ctx->d.srv, cfg->smtpd.prefork, cfg->smtpd.max_use);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'D' },
		{ "stdio", no_argument, NULL, 'S' },
		{ "listener", required_argument, NULL, 'L' },
		{ "syslog", no_argument, NULL, 'Y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct smtpd_ctx ctx;
	struct server_params params;
	const char *conf = NULL, *data = getenv("TERN_DATA");
	const char *listener = NULL;
	bool check = false, stdio = false, use_syslog = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "c:tdh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			conf = optarg;
			break;
		case 'D':
			data = optarg;
			break;
		case 't':
			check = true;
			break;
		case 'd':
			ctx.d.debug = true;
			break;
		case 'S':
			stdio = true;
			break;
		case 'L':
			listener = optarg;
			break;
		case 'Y':
			use_syslog = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (listener != NULL && !stdio))
		usage();
	log_init("smtpd", use_syslog, LOG_LEVEL_INFO);
	if (data != NULL && data[0] == '\0')
		data = NULL;
	ctx.d.prog = "smtpd";
	ctx.d.conf_file = conf;
	ctx.d.data_dir = data;
	ctx.d.listeners = smtpd_listeners;
	if (daemon_configure(&ctx.d) < 0)
		return 1;
	if (check) {
		config_dump(&ctx.d.boot, stdout);
		daemon_clear(&ctx.d);
		return 0;
	}
	if (daemon_start(&ctx.d) < 0) {
		daemon_clear(&ctx.d);
		return 1;
	}
	memset(&params, 0, sizeof(params));
	params.prog = "smtpd";
	params.listeners = ctx.d.cfg->smtpd.listeners;
	params.n_listeners = ctx.d.cfg->smtpd.n_listeners;
	params.max_sessions = ctx.d.cfg->smtpd.max_sessions;
	params.max_sessions_per_ip = ctx.d.cfg->smtpd.max_sessions_per_ip;
	params.prefork = ctx.d.cfg->smtpd.prefork;
	params.max_use = ctx.d.cfg->smtpd.max_use;
	params.run_user = ctx.d.cfg->run_user;
	params.session = session_main;
	params.reload = reload;
	params.ctx = &ctx;
	if (stdio && pick_stdio_listener(&ctx, listener) < 0) {
		fprintf(stderr, "smtpd: no listener named %s\n", listener);
		ret = 2;
	} else {
		ret = daemon_serve(&ctx.d, &params, stdio);
	}
	daemon_clear(&ctx.d);
	return ret;
}
