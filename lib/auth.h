/* SPDX-License-Identifier: MIT */
/*
 * auth: the user database, a passwd-file in Dovecot's format:
 *   user@domain:{SCHEME}hash:uid:gid::home::
 * Schemes SHA512-CRYPT, SHA256-CRYPT, BLF-CRYPT, yescrypt (via crypt(3));
 * a bare "$6$..." is taken as CRYPT; ARGON2ID and ARGON2I (libargon2);
 * the salted and plain digests SSHA512, SSHA256, SSHA, SHA512, SHA256,
 * SHA (as Dovecot's doveadm pw writes them: base64); {PLAIN} exists for
 * tests only. Comparison is constant-time. The file is re-read when its
 * mtime or size changes.
 */
#ifndef TERN_AUTH_H
#define TERN_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include "tern.h"

struct auth_db;

enum auth_result {
	AUTH_OK,
	AUTH_FAILED,	/* unknown user or wrong password: same answer */
	AUTH_TEMPFAIL,	/* the database could not be read */
};

/* Open (and read) a passwd-file. -1 with *error_r (malloc'ed). */
int auth_db_open(const char *path, struct auth_db **db_r, char **error_r);
void auth_db_free(struct auth_db **db);
/* Check passwd-file text without touching the file system: the parser
 * behind auth_db_open(), for tests and the fuzzer. name stands for the
 * file in errors. 0 with the number of users in *n_users_r, or -1 with
 * *error_r (malloc'ed), e.g. "users:3: unknown password scheme". */
int auth_passwd_parse(const char *name, struct span text, size_t *n_users_r,
	char **error_r);
/* Why the last re-read failed (for the log), or NULL when the file in
 * memory is current. Owned by db. After a failed re-read every lookup
 * answers AUTH_TEMPFAIL until the file is fixed. */
const char *auth_db_error(const struct auth_db *db);

/* user@domain exists (local part and domain compared
 * case-insensitively). */
bool auth_user_exists(struct auth_db *db, const char *user);
/* Check a password. The same work is done for unknown users, so timing
 * does not tell them apart. */
enum auth_result auth_verify(struct auth_db *db, const char *user,
	const char *password, size_t password_len);
/* Check a password against one stored "{SCHEME}hash": true if it matches. */
bool auth_password_matches(const char *stored, const char *password,
	size_t password_len);
/* Sleep the failure delay (ms), e.g. after AUTH_FAILED. */
void auth_failure_delay(unsigned delay_ms);

#endif
