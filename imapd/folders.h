/* SPDX-License-Identifier: MIT */
/*
 * folders: imapd's operations on a user's folder tree beyond lib/folder:
 * existence, DELETE and RENAME of Maildir++ folders (children move
 * along; RENAME of INBOX moves its messages into the new folder, RFC 9051
 * 6.3.6), the "subscriptions" file (Dovecot's place at the Maildir root;
 * one internal name per line), the special-use attributes (RFC 6154: by
 * default Drafts, Sent, Trash, Junk, Archive; others from CREATE
 * ... USE, kept in "tern-special-use") and the auto-created folders.
 * Names are internal: UTF-8 with '/' (imap_mailbox_decode).
 */
#ifndef IMAPD_FOLDERS_H
#define IMAPD_FOLDERS_H

#include <stdbool.h>
#include <stddef.h>
#include "arena.h"
#include "tern.h"

#define FOLDERS_SUBSCRIPTIONS_FILE "subscriptions"
#define FOLDERS_SPECIAL_USE_FILE "tern-special-use"
#define FOLDERS_FILE_MAX (4 * 1024 * 1024)	/* either file */
#define FOLDERS_LOCK_TIMEOUT_SECS 10	/* wait for another session's
					 * change of either file */

/* The folder name exists (INBOX always does). */
bool folders_exists(const char *maildir, const char *name);
/* The full path of name into out (size bytes). -1 for a refused name. */
int folders_path(const char *maildir, const char *name, char *out,
	size_t size, const char **error_r);

/* DELETE: -1 with *err_r NOTFOUND, PERM (INBOX, or it has children:
 * Maildir++ cannot keep a \Noselect parent), TEMP. */
int folders_delete(const char *maildir, const char *name,
	enum tern_err *err_r, const char **error_r);
/* RENAME old to new with its children. -1 with NOTFOUND, EXISTS,
 * SYNTAX, TEMP. */
int folders_rename(const char *maildir, const char *old_name,
	const char *new_name, enum tern_err *err_r, const char **error_r);

/* The subscribed names (arena), in file order. A missing file: none. */
int folders_subscriptions(const char *maildir, struct arena *a,
	char ***names_r, size_t *n_r);
bool folders_is_subscribed(char **names, size_t n, const char *name);
/* Add or remove name: read, changed and written (temp file + rename)
 * under a dot-lock, so concurrent sessions lose nothing. 0 or -1. */
int folders_subscribe(const char *maildir, const char *name, bool on);

/* The special-use attribute of name ("\\Sent"), or NULL. */
const char *folders_special_use(const char *maildir, const char *name,
	struct arena *a);
/* Is attr one of RFC 6154's (case-insensitive)? Canonical form or NULL. */
const char *folders_special_use_valid(const char *attr);
/* Record attr for name (CREATE ... USE). 0 or -1. */
int folders_set_special_use(const char *maildir, const char *name,
	const char *attr);

/* Create the Drafts, Sent, Trash, Junk and Archive folders that are
 * missing and subscribe them (Dovecot's auto = subscribe). Best effort:
 * failures are logged. */
void folders_autocreate(const char *maildir);

#endif
