/* SPDX-License-Identifier: MIT */
/*
 * bootstrap: first-start set-up of the data directory for the embedded
 * default (DESIGN.md "The embedded default"): data_dir, mail_root and
 * queue_dir (0700); when the users file is missing, the demo user
 * demo@<first domain> with a random password kept in
 * <data_dir>/demo-password (0600) and its SHA512-CRYPT hash in the users
 * file; when the certificate or key is missing, a self-signed certificate
 * for localhost (SAN localhost, 127.0.0.1, ::1). Safe when several daemons
 * start at once (files are made in a temporary name and linked into
 * place). Existing files are never changed.
 */
#ifndef TERN_BOOTSTRAP_H
#define TERN_BOOTSTRAP_H

#include "config.h"

/* 0, or -1 with *error_r (malloc'ed). */
int bootstrap_data_dir(const struct tern_config *cfg, char **error_r);

#endif
