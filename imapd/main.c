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
 * file and the certificate for new sessions (as smtpd does); changed
 * listeners are refused, since they are bound once.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon.h"
#include "imapd.h"
#include "auth.h"
#include "bootstrap.h"
#include "config.h"
#include "log.h"
#include "server.h"
#include "stream.h"
#include "tls.h"
#include "tern.h"

struct imapd_ctx {
	struct tern_config boot;	/* loaded at start-up: listeners */
	struct tern_config reloaded;	/* the last good SIGHUP reload */
	bool have_reloaded;
	const struct tern_config *cfg;	/* what new sessions use */
	SSL_CTX *tls_ctx;
	struct auth_db *auth_db;
	struct listener_config stdio_listener;
	const char *preauth;
	const char *conf_file, *data_dir;	/* -c, --data: for reloads */
	struct server *srv;
	bool debug;
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
	imap_session_init(&s, ctx->cfg, listener, client, stream,
	    ctx->tls_ctx, ctx->auth_db);
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
		"imap", "127.0.0.1", 143, LISTENER_MX, LISTENER_TLS_STARTTLS,
		true
	};
	size_t i;

	for (i = 0; i < ctx->boot.imapd.n_listeners; i++) {
		const struct listener_config *l = &ctx->boot.imapd.listeners[i];

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

/* The log level of cfg (-d wins). */
static void
apply_log_level(const struct imapd_ctx *ctx, const struct tern_config *cfg)
{
	enum log_level level = LOG_LEVEL_INFO;

	if (cfg->log_level != NULL &&
	    log_level_parse(cfg->log_level, &level) < 0)
		level = LOG_LEVEL_INFO;
	log_set_level(ctx->debug ? LOG_LEVEL_DEBUG : level);
}

static bool
same_listeners(const struct imapd_config *a, const struct imapd_config *b)
{
	size_t i;

	if (a->n_listeners != b->n_listeners)
		return false;
	for (i = 0; i < a->n_listeners; i++) {
		const struct listener_config *x = &a->listeners[i];
		const struct listener_config *y = &b->listeners[i];

		if (strcmp(x->name, y->name) != 0 ||
		    strcmp(x->address, y->address) != 0 ||
		    x->port != y->port || x->tls != y->tls)
			return false;
	}
	return true;
}

/* SIGHUP, in the master (server_run's loop): load everything new first,
 * switch only when all of it loaded. -1 (logged): the old stays. Running
 * sessions keep what they started with (each is its own process). */
static int
reload(void *ctx_p)
{
	struct imapd_ctx *ctx = ctx_p;
	struct tern_config cfg;
	struct auth_db *db;
	SSL_CTX *tls;
	char *error = NULL;

	if (daemon_load(ctx->conf_file, ctx->data_dir, &cfg, &db, &tls,
	    &error) < 0) {
		log_error("reload", "error=\"%s\"", error);
		free(error);
		return -1;
	}
	if (!same_listeners(&ctx->boot.imapd, &cfg.imapd)) {
		log_error("reload", "error=\"listeners changed: restart imapd "
		    "to bind them\"");
		tls_ctx_free(&tls);
		auth_db_free(&db);
		config_clear(&cfg);
		return -1;
	}
	tls_ctx_free(&ctx->tls_ctx);
	auth_db_free(&ctx->auth_db);
	if (ctx->have_reloaded)
		config_clear(&ctx->reloaded);
	ctx->reloaded = cfg;
	ctx->have_reloaded = true;
	ctx->cfg = &ctx->reloaded;
	ctx->tls_ctx = tls;
	ctx->auth_db = db;
	apply_log_level(ctx, ctx->cfg);
	server_set_limits(ctx->srv, cfg.imapd.max_sessions,
	    cfg.imapd.max_sessions_per_ip);
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
	struct server *srv = NULL;
	const char *conf = NULL, *data = getenv("TERN_DATA");
	const char *listener = NULL, *tls_error;
	bool check = false, stdio = false, use_syslog = false;
	char *error = NULL;
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
			ctx.debug = true;
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
	ctx.conf_file = conf;
	ctx.data_dir = data;
	if (config_load(conf, data, &ctx.boot, &error) < 0) {
		fprintf(stderr, "imapd: %s\n", error);
		free(error);
		return 1;
	}
	if (check) {
		config_dump(&ctx.boot, stdout);
		config_clear(&ctx.boot);
		return 0;
	}
	ctx.cfg = &ctx.boot;
	apply_log_level(&ctx, ctx.cfg);
	if (bootstrap_data_dir(ctx.cfg, &error) < 0) {
		log_error("startup", "error=\"%s\"", error);
		free(error);
		config_clear(&ctx.boot);
		return 1;
	}
	if (auth_db_open(ctx.cfg->users_file, &ctx.auth_db, &error) < 0) {
		log_error("startup", "users=%s error=\"%s\"",
		    ctx.cfg->users_file, error);
		free(error);
		config_clear(&ctx.boot);
		return 1;
	}
	ctx.tls_ctx = tls_server_ctx_new(ctx.cfg->tls_cert, ctx.cfg->tls_key,
	    &tls_error);
	if (ctx.tls_ctx == NULL)
		log_error("startup", "tls=off cert=%s error=\"%s\"",
		    ctx.cfg->tls_cert, tls_error);
	memset(&params, 0, sizeof(params));
	params.prog = "imapd";
	params.listeners = ctx.cfg->imapd.listeners;
	params.n_listeners = ctx.cfg->imapd.n_listeners;
	params.max_sessions = ctx.cfg->imapd.max_sessions;
	params.max_sessions_per_ip = ctx.cfg->imapd.max_sessions_per_ip;
	params.run_user = ctx.cfg->run_user;
	params.session = session_main;
	params.reload = reload;
	params.ctx = &ctx;
	ret = 0;
	if (stdio) {
		if (pick_stdio_listener(&ctx, listener) < 0) {
			fprintf(stderr, "imapd: no listener named %s\n",
			    listener);
			ret = 2;
		} else {
			server_run_stdio(&params);
		}
	} else if (server_bind(&params, &srv, &error) < 0) {
		log_error("startup", "error=\"%s\"", error);
		free(error);
		ret = 1;
	} else {
		ctx.srv = srv;
		log_info("startup", "listeners=%zu", params.n_listeners);
		ret = server_run(srv) < 0 ? 1 : 0;
		server_free(&srv);
	}
	tls_ctx_free(&ctx.tls_ctx);
	auth_db_free(&ctx.auth_db);
	if (ctx.have_reloaded)
		config_clear(&ctx.reloaded);
	config_clear(&ctx.boot);
	return ret;
}
