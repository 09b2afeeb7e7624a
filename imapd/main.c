/* SPDX-License-Identifier: MIT */
/*
 * imapd: the IMAP server (IMAP4rev1 and IMAP4rev2 over the Maildirs).
 * Options:
 *   -c FILE          configuration (default: the embedded one)
 *   --data DIR       data directory (also $TERN_DATA)
 *   -t               check the configuration, print the effective settings
 *   --stdio          one session on stdin/stdout (tests, inetd)
 *   --listener NAME  with --stdio: behave as that configured listener
 *   --preauth USER   with --stdio: start authenticated as USER ("* PREAUTH",
 *                    RFC 9051 7.1.4), for transcript tests only
 *   --syslog         log to syslog(LOG_MAIL) instead of stderr
 *   -d               debug: protocol trace in the log
 * Start-up: config_load, bootstrap_data_dir, auth_db_open, TLS context,
 * server_bind, server_run. SIGHUP reloads the configuration, the users
 * file and the certificate for new sessions (as smtpd does), and binds
 * the listeners added (closing those removed).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon.h"
#include "imapd.h"
#include "config.h"
#include "log.h"
#include "server.h"
#include "stream.h"
#include "tern.h"

struct imapd_ctx {
	struct daemon_state d;		/* config, users, TLS */
	struct listener_config stdio_listener;
	const char *preauth;
};

static void
usage(void)
{
	fprintf(stderr, "usage: imapd [-c FILE] [--data DIR] [-t] [--stdio "
	    "[--listener NAME] [--preauth USER]] [--syslog] [-d]\n");
	exit(2);
}

static void
session_main(struct server_client *client, void *ctx_p)
{
	struct imapd_ctx *ctx = ctx_p;
	const struct listener_config *listener = client->listener;
	struct imap_session s;
	struct stream *stream;

	if (listener == NULL)
		listener = &ctx->stdio_listener;
	if (client->fd >= 0)
		stream = stream_fd_new(client->fd, client->fd, true);
	else
		stream = stream_fd_new(0, 1, false);
	imap_session_init(&s, ctx->d.cfg, listener, client, stream,
	    ctx->d.tls_ctx, ctx->d.auth_db);
	s.preauth = ctx->preauth;
	imap_session_run(&s);
	imap_session_clear(&s);
	stream_free(&stream);
}

/* --stdio: the listener named, else the first STARTTLS one, else a plain
 * one on loopback. */
static int
pick_stdio_listener(struct imapd_ctx *ctx, const char *name)
{
	static struct listener_config plain = {
		.name = "imap", .address = "127.0.0.1", .port = 143,
		.mode = LISTENER_MX, .tls = LISTENER_TLS_STARTTLS, .auth = true
	};
	size_t i;

	for (i = 0; i < ctx->d.boot.imapd.n_listeners; i++) {
		const struct listener_config *l = &ctx->d.boot.imapd.listeners[i];

		if (name != NULL ? strcmp(l->name, name) == 0 :
		    l->tls != LISTENER_TLS_IMPLICIT) {
			ctx->stdio_listener = *l;
			return 0;
		}
	}
	if (name != NULL)
		return -1;
	ctx->stdio_listener = plain;
	return 0;
}

/* The listeners imapd binds, in cfg. */
static const struct listener_config *
imapd_listeners(const struct tern_config *cfg, size_t *n_r)
{
	*n_r = cfg->imapd.n_listeners;
	return cfg->imapd.listeners;
}

/* SIGHUP, in the master (server_run's loop): load everything new first,
 * switch only when all of it loaded. -1 (logged): the old stays. Running
 * sessions keep what they started with (each is its own process). */
static int
reload(void *ctx_p)
{
	struct imapd_ctx *ctx = ctx_p;
	const struct tern_config *cfg;

	if (daemon_reload(&ctx->d) < 0)
		return -1;
	cfg = ctx->d.cfg;
	server_set_limits(ctx->d.srv, cfg->imapd.max_sessions,
	    cfg->imapd.max_sessions_per_ip);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'D' },
		{ "stdio", no_argument, NULL, 'S' },
		{ "listener", required_argument, NULL, 'L' },
		{ "preauth", required_argument, NULL, 'P' },
		{ "syslog", no_argument, NULL, 'Y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct imapd_ctx ctx;
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
		case 'P':
			ctx.preauth = optarg;
			break;
		case 'Y':
			use_syslog = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || ((listener != NULL || ctx.preauth != NULL) &&
	    !stdio))
		usage();
	log_init("imapd", use_syslog, LOG_LEVEL_INFO);
	if (data != NULL && data[0] == '\0')
		data = NULL;
	ctx.d.prog = "imapd";
	ctx.d.conf_file = conf;
	ctx.d.data_dir = data;
	ctx.d.listeners = imapd_listeners;
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
	params.prog = "imapd";
	params.listeners = ctx.d.cfg->imapd.listeners;
	params.n_listeners = ctx.d.cfg->imapd.n_listeners;
	params.max_sessions = ctx.d.cfg->imapd.max_sessions;
	params.max_sessions_per_ip = ctx.d.cfg->imapd.max_sessions_per_ip;
	params.run_user = ctx.d.cfg->run_user;
	params.session = session_main;
	params.reload = reload;
	params.ctx = &ctx;
	if (stdio && pick_stdio_listener(&ctx, listener) < 0) {
		fprintf(stderr, "imapd: no listener named %s\n", listener);
		ret = 2;
	} else {
		ret = daemon_serve(&ctx.d, &params, stdio);
	}
	daemon_clear(&ctx.d);
	return ret;
}
