/* SPDX-License-Identifier: MIT */
/* daemon: start-up and the all-or-nothing SIGHUP reload of config,
 * users and certificate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootstrap.h"
#include "daemon.h"
#include "log.h"
#include "tls.h"
#include "xmalloc.h"
#include "tern.h"

static char *
error_text(const char *what, const char *path, const char *error)
{
	size_t size = strlen(what) + strlen(path) + strlen(error) + 4;
	char *text = xmalloc(size);

	(void)snprintf(text, size, "%s %s: %s", what, path, error);
	return text;
}

int
daemon_load(const char *conf_file, const char *data_dir,
	struct tern_config *cfg_r, struct auth_db **db_r, SSL_CTX **tls_r,
	char **error_r)
{
	const char *tls_error;
	char *error = NULL;

	if (config_load(conf_file, data_dir, cfg_r, error_r) < 0)
		return -1;
	if (auth_db_open(cfg_r->users_file, db_r, &error) < 0) {
		*error_r = error_text("users", cfg_r->users_file, error);
		free(error);
		config_clear(cfg_r);
		return -1;
	}
	*tls_r = tls_server_ctx_new(cfg_r->tls_cert, cfg_r->tls_key,
	    &tls_error);
	if (*tls_r == NULL) {
		*error_r = error_text("certificate", cfg_r->tls_cert,
		    tls_error);
		auth_db_free(db_r);
		config_clear(cfg_r);
		return -1;
	}
	return 0;
}

/* The log level of st's config (-d wins). */
static void
apply_log_level(const struct daemon_state *st)
{
	enum log_level level = LOG_LEVEL_INFO;

	if (st->cfg->log_level != NULL &&
	    log_level_parse(st->cfg->log_level, &level) < 0)
		level = LOG_LEVEL_INFO;
	log_set_level(st->debug ? LOG_LEVEL_DEBUG : level);
}

int
daemon_configure(struct daemon_state *st)
{
	char *error = NULL;

	if (config_load(st->conf_file, st->data_dir, &st->boot, &error) < 0) {
		fprintf(stderr, "%s: %s\n", st->prog, error);
		free(error);
		return -1;
	}
	st->cfg = &st->boot;
	return 0;
}

int
daemon_start(struct daemon_state *st)
{
	const char *tls_error;
	char *error = NULL;

	apply_log_level(st);
	if (bootstrap_data_dir(st->cfg, &error) < 0) {
		log_error("startup", "error=\"%s\"", error);
		free(error);
		return -1;
	}
	if (auth_db_open(st->cfg->users_file, &st->auth_db, &error) < 0) {
		log_error("startup", "users=%s error=\"%s\"",
		    st->cfg->users_file, error);
		free(error);
		return -1;
	}
	st->tls_ctx = tls_server_ctx_new(st->cfg->tls_cert, st->cfg->tls_key,
	    &tls_error);
	if (st->tls_ctx == NULL)
		log_error("startup", "tls=off cert=%s error=\"%s\"",
		    st->cfg->tls_cert, tls_error);
	return 0;
}

int
daemon_reload(struct daemon_state *st)
{
	struct tern_config cfg;
	struct auth_db *db;
	SSL_CTX *tls;
	char *error = NULL;

	if (daemon_load(st->conf_file, st->data_dir, &cfg, &db, &tls,
	    &error) < 0) {
		log_error("reload", "error=\"%s\"", error);
		free(error);
		return -1;
	}
	if (st->srv != NULL) {
		const struct listener_config *l;
		size_t n;

		/* the last step that may fail: nothing is switched yet */
		l = st->listeners(&cfg, &n);
		if (server_set_listeners(st->srv, l, n, &error) < 0) {
			log_error("reload", "error=\"%s\"", error);
			free(error);
			tls_ctx_free(&tls);
			auth_db_free(&db);
			config_clear(&cfg);
			return -1;
		}
	}
	tls_ctx_free(&st->tls_ctx);
	auth_db_free(&st->auth_db);
	if (st->have_reloaded)
		config_clear(&st->reloaded);
	st->reloaded = cfg;
	st->have_reloaded = true;
	st->cfg = &st->reloaded;
	st->tls_ctx = tls;
	st->auth_db = db;
	apply_log_level(st);
	return 0;
}

void
daemon_clear(struct daemon_state *st)
{
	tls_ctx_free(&st->tls_ctx);
	auth_db_free(&st->auth_db);
	if (st->have_reloaded)
		config_clear(&st->reloaded);
	st->have_reloaded = false;
	config_clear(&st->boot);
	st->cfg = NULL;
}

int
daemon_serve(struct daemon_state *st, const struct server_params *params,
	bool stdio)
{
	char *error = NULL;
	int ret;

	st->srv = NULL;
	if (stdio) {
		server_run_stdio(params);
		return 0;
	}
	if (server_bind(params, &st->srv, &error) < 0) {
		log_error("startup", "error=\"%s\"", error);
		free(error);
		return 1;
	}
	log_info("startup", "listeners=%zu", params->n_listeners);
	ret = server_run(st->srv) < 0 ? 1 : 0;
	server_free(&st->srv);
	return ret;
}
