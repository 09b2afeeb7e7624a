/* SPDX-License-Identifier: MIT */
/*
 * daemon: what every daemon loads at start and again on SIGHUP, all or
 * nothing: tern.conf, the users file and the TLS certificate it names.
 */
#ifndef TERN_DAEMON_H
#define TERN_DAEMON_H

#include <openssl/ssl.h>
#include "auth.h"
#include "config.h"

/*
 * Load the config (conf_file NULL: the embedded default; data_dir as for
 * config_load()), then its users file and certificate. 0 with all three
 * set; -1 with *error_r (malloc'ed, for the log) and nothing kept.
 */
int daemon_load(const char *conf_file, const char *data_dir,
	struct tern_config *cfg_r, struct auth_db **db_r, SSL_CTX **tls_r,
	char **error_r);

#endif
