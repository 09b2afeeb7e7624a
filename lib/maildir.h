/* SPDX-License-Identifier: MIT */
/*
 * maildir: the store, Dovecot-compatible Maildir++ (DESIGN.md "The
 * store"). Delivery is the qmail discipline: tmp/ -> fsync -> rename into
 * new/ -> fsync new/. Names are
 *   <secs>.M<usec>P<pid>Q<n>.<host>,S=<size>,W=<crlf-size>[:2,<flags>]
 * Messages are stored with LF line endings (as Dovecot and Postfix do);
 * S= is the file size, W= the size with CRLF. Readers keep UIDs in
 * dovecot-uidlist (v3) and keywords in dovecot-keywords under the
 * dovecot-uidlist.lock dotlock.
 */
#ifndef TERN_MAILDIR_H
#define TERN_MAILDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "tern.h"

/* ---- Delivery ---- */

struct maildir_delivery;

/*
 * Start a message in <maildir>/tmp/ (maildir is the folder's path: the
 * user's Maildir for INBOX, or Maildir/.Name). Creates the Maildir and
 * its tmp/new/cur if missing. -1 with *error_r (static or owned by d's
 * caller-visible log text) and *err_r.
 */
int maildir_delivery_begin(const char *maildir, struct maildir_delivery **d_r,
	enum tern_err *err_r, const char **error_r);
/* Append message bytes. Line endings are normalised: CRLF is written as
 * LF. Buffered; -1 on a write error (reported again by _sync). */
int maildir_delivery_write(struct maildir_delivery *d, const void *p,
	size_t len);
/* Flush, fsync and close the tmp file; fixes S= and W=. -1 on error. */
int maildir_delivery_sync(struct maildir_delivery *d, const char **error_r);
/* Rename into new/ (or into cur/ with ":2,<flags>" when flags != NULL,
 * e.g. "S" for APPEND), then fsync that directory. After 0 the message
 * is delivered; *basename_r (owned by d) is its file name. */
int maildir_delivery_publish(struct maildir_delivery *d, const char *flags,
	const char **basename_r, const char **error_r);
/* Undo: unlink the tmp file, or the published file (rollback of a
 * multi-recipient delivery). Frees d; sets *d to NULL; accepts NULL. */
void maildir_delivery_abort(struct maildir_delivery **d);
/* Free a published delivery (keeps the message). Accepts NULL. */
void maildir_delivery_free(struct maildir_delivery **d);

/* A new unique base name "<secs>.M<usec>P<pid>Q<n>.<host>" into out. */
int maildir_unique_name(char *out, size_t size);

/* Create <maildir> with tmp/ new/ cur/ (mode 0700) if missing, and its
 * missing parents; with folder_marker also the "maildirfolder" file.
 * 0 or -1 (errno). */
int maildir_create(const char *maildir, bool folder_marker);

/* ---- Paths and file names ---- */

/* Longest path we build (Maildir + folder + file name). */
#define MAILDIR_PATH_MAX 4096
/* Longest file name we accept (NAME_MAX on Linux). */
#define MAILDIR_NAME_MAX 255

/* snprintf into out; -1 with errno ENAMETOOLONG when it does not fit. */
int maildir_path(char *out, size_t size, const char *fmt, ...)
	TERN_PRINTF(3, 4);

/* Length of the base name: up to the ':' that starts the info part. */
size_t maildir_filename_base_len(const char *name);
/* The flags of a name ("RS" in "x:2,RS"), or "" when it has none.
 * Dovecot allows "<flags>,<extra fields>" here: see the next two. */
const char *maildir_filename_flags(const char *name);
/* The flag letters of name, up to a ',' that starts Dovecot's extra
 * fields, normalised into out (see maildir_flags_normalize). -1 when they
 * are not letters. */
int maildir_filename_get_flags(const char *name, char *out, size_t size);
/* The extra fields after the flags (",xyz"), kept on renames; or "". */
const char *maildir_filename_flags_extra(const char *name);
/* The ,S= (key 'S') or ,W= (key 'W') size of a base name. 0 or -1. */
int maildir_filename_size(const char *name, char key, uint64_t *size_r);

/*
 * Normalise a Maildir flag string into out (size >= 53): letters only,
 * sorted in ASCII order (the Maildir rule: "RSa", never "aSR"), without
 * duplicates. -1 for any other character or when out is too small.
 */
int maildir_flags_normalize(const char *flags, char *out, size_t size);
/* Has flag letter c. */
bool maildir_flags_has(const char *flags, char c);

#endif
