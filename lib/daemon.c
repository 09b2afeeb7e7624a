/* SPDX-License-Identifier: MIT */
/* daemon: the all-or-nothing load of config, users and certificate. */
#include <stdio.h>
#include <stdlib.h>

#include "daemon.h"
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
