/* SPDX-License-Identifier: MIT */
/*
 * daemon: what every daemon's master holds and does around its server
 * loop: the configuration, the users file and the TLS certificate,
 * loaded at start-up and again on SIGHUP (all or nothing: a reload that
 * fails in any part keeps what runs), and the log level they set. A
 * reload binds the listeners added and closes those removed.
 */
#ifndef TERN_DAEMON_H
#define TERN_DAEMON_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include "auth.h"
#include "config.h"
#include "server.h"

struct daemon_state {
	const char *prog;		/* "smtpd": messages, logs */
	const char *conf_file;		/* -c; NULL: the embedded default */
	const char *data_dir;		/* --data; NULL: $TERN_DATA, ./var */
	bool debug;			/* -d: the debug level wins */
	/* The daemon's listeners in a config (cfg->smtpd.listeners...). */
	const struct listener_config *(*listeners)(
		const struct tern_config *cfg, size_t *n_r);
	struct tern_config boot;	/* start-up: the bound listeners */
	struct tern_config reloaded;	/* the last good SIGHUP reload */
	bool have_reloaded;
	const struct tern_config *cfg;	/* what new sessions use */
	SSL_CTX *tls_ctx;		/* NULL: TLS is off (logged) */
	struct auth_db *auth_db;
	/* the running server (daemon_serve()), NULL before and after */
	struct server *srv;
};

/*
 * Load the config (conf_file NULL: the embedded default; data_dir as for
 * config_load()), then its users file and certificate. 0 with all three
 * set; -1 with *error_r (malloc'ed, for the log) and nothing kept.
 */
int daemon_load(const char *conf_file, const char *data_dir,
	struct tern_config *cfg_r, struct auth_db **db_r, SSL_CTX **tls_r,
	char **error_r);

/* Read st's configuration into st->boot (for -t, before daemon_start).
 * -1 after "prog: error" on stderr. */
int daemon_configure(struct daemon_state *st);

/* Start-up after daemon_configure(): the log level, the data directory
 * (bootstrap), the users file, the certificate. A certificate that does
 * not load leaves TLS off (logged), as a mail server that cannot offer
 * STARTTLS still takes mail; anything else is -1 (logged). */
int daemon_start(struct daemon_state *st);

/* SIGHUP: load everything anew, and bind the listeners it names that
 * are not bound yet (server_set_listeners(): those gone are closed);
 * switch only when all of that worked. 0, or -1 (logged) with the old
 * kept. Running sessions keep what they started with. */
int daemon_reload(struct daemon_state *st);

/* The end of a daemon's main(): with stdio one session on stdin and
 * stdout (tests, inetd), else bind params' listeners and serve until
 * told to stop; st->srv is the running server meanwhile (for the reload
 * callback), NULL after. The exit code: 0, or 1 when the listeners
 * cannot be bound (logged). */
int daemon_serve(struct daemon_state *st, const struct server_params *params,
	bool stdio);

/* Free what st holds. */
void daemon_clear(struct daemon_state *st);

#endif
