/* SPDX-License-Identifier: MIT */
/*
 * folder: Maildir++ folder names. The IMAP name "Work/Projects" (UTF-8,
 * '/' as hierarchy separator) is the directory ".Work.Projects" under
 * the user's Maildir, each name in modified UTF-7 (RFC 3501 5.1.3), as
 * Dovecot stores it; "INBOX" is the Maildir itself. Names that could
 * leave the Maildir or be ambiguous on disk are refused: empty parts,
 * "." and "..", a part starting with '.', a '.' at all (the on-disk
 * separator), control characters, '*' and '%' (LIST wildcards), and
 * names whose directory would pass FOLDER_DIR_MAX.
 */
#ifndef TERN_FOLDER_H
#define TERN_FOLDER_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "tern.h"

/* A directory name is at most NAME_MAX (255) bytes, the leading '.'
 * included. */
#define FOLDER_DIR_MAX 255
/* Folders listed at most (a Maildir with more is broken or hostile). */
#define FOLDER_LIST_MAX 10000

/* UTF-8 text to modified UTF-7 (RFC 3501 5.1.3), appended to out. -1
 * on invalid UTF-8 or when out's max is reached. */
int folder_mutf7_encode(const char *utf8, struct buf *out);
/* Modified UTF-7 to UTF-8, strictly: only printable ASCII outside
 * shifts, "&-" for '&', no ASCII or empty shifts, valid surrogates,
 * zero padding bits. -1 on any violation or when out is full. */
int folder_mutf7_decode(const char *mutf7, struct buf *out);

/* Is name INBOX (case-insensitive, RFC 3501 5.1)? */
bool folder_is_inbox(const char *name);
/* ".Work.Projects" for "Work/Projects" into out. -1 with a static
 * *error_r for a refused name (see above) or for INBOX. */
int folder_name_to_dir(const char *name, struct buf *out,
	const char **error_r);
/* "Work/Projects" for ".Work.Projects" into out; -1 if dir is not a
 * valid folder directory name. */
int folder_dir_to_name(const char *dir, struct buf *out);
/* The folder's path: maildir for INBOX, else maildir/.<name>. */
int folder_path(const char *maildir, const char *name, struct buf *out,
	const char **error_r);

/* Create the folder (tmp/ new/ cur/ and maildirfolder). -1 with *err_r
 * TERN_ERR_EXISTS when it exists, TERN_ERR_SYNTAX for a refused name,
 * TERN_ERR_TEMP on I/O errors; *error_r is static. */
int folder_create(const char *maildir, const char *name,
	enum tern_err *err_r, const char **error_r);

/* The folder names (UTF-8, '/'-separated, sorted; INBOX not included)
 * of maildir: directories ".X" holding cur/. *names_r is a malloc()ed
 * array of malloc()ed strings: free with folder_list_free(). 0 or -1. */
int folder_list(const char *maildir, char ***names_r, size_t *count_r);
void folder_list_free(char ***names, size_t count);

#endif
