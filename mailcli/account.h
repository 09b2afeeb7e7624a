/* SPDX-License-Identifier: MIT */
/*
 * account: the pieces of mailcli/account.c that tests and the fuzzer
 * call directly. Commands use mc_account_get() and mc_account_password()
 * from mailcli.h; nothing here is part of that contract.
 */
#ifndef MAILCLI_ACCOUNT_H
#define MAILCLI_ACCOUNT_H

#include <stdbool.h>
#include <sys/stat.h>
#include "mailcli.h"

#define ACCOUNT_FILE_MAX (1024 * 1024)	/* a config or .netrc file */
#define ACCOUNT_STRING_MAX 4096		/* one string value */
#define ACCOUNTS_MAX 100		/* accounts in one file */
#define NETRC_TOKEN_MAX 1024		/* one .netrc token */

/*
 * Parse the text of a config file (NUL-terminated; file names it in
 * errors, dir resolves relative paths) and return the account called
 * name, or the default one when name is NULL. *has_password_r says
 * whether any account in the file holds a password (for the mode
 * check). 0 with *a_r (free with mc_account_free), or a sysexits code
 * (EX_CONFIG) with *error_r ("file:line: ...", malloc()ed).
 */
int account_parse(const char *text, const char *file, const char *dir,
	const char *name, struct mc_account **a_r, bool *has_password_r,
	char **error_r);

/* The file described by st may be used by uid: 0, or EX_CONFIG with
 * *error_r. Writable by group or others is always refused; readable
 * by them only when the file holds a password. */
int account_check_mode(const struct stat *st, uid_t uid, bool has_password,
	const char *file, char **error_r);

/* Lay the MAILCLI_* environment over a (see mailcli(1)). 0, or
 * EX_CONFIG/EX_USAGE with *error_r for a bad value. */
int account_apply_env(struct mc_account *a, char **error_r);

/* An account with nothing set, named name. */
struct mc_account *account_new(const char *name);

/*
 * Find the entry for host (and user, when the entry names a login) in
 * the text of a .netrc file: "machine" entries first, then "default".
 * 1 with *password_r (malloc()ed; NULL when the entry has none), 0 when
 * no entry matches, -1 with a static *error_r for a malformed file.
 */
int netrc_lookup(const char *text, size_t len, const char *host,
	const char *user, char **password_r, const char **error_r);

/* netrc.c: the password for host (and user) from ~/.netrc, or the
 * file $NETRC names. EX_OK with *pw_r (malloc()ed) or NULL when there
 * is no entry, or EX_CONFIG after a message. */
int netrc_password(const char *host, const char *user, char **pw_r);

#endif
