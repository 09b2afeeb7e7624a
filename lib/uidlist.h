/* SPDX-License-Identifier: MIT */
/*
 * uidlist: Dovecot's dovecot-uidlist file, the UID map of one Maildir
 * folder. Version 3 (Dovecot >= 1.1), the one we write:
 *   3 V<uidvalidity> N<nextuid> G<mailbox guid, 32 hex>
 *   <uid> [<key><value> ...] :<filename>
 * e.g. "7 W1024 :1700000000.M1P2.host,S=1000,W=1024:2,S". Version 1
 * ("1 <uidvalidity> <nextuid>" then "<uid> <filename>") is read too.
 * UIDs are strictly ascending. Records are matched to files by base name
 * (up to ':'), since flags change the rest. Unknown header and record
 * extensions are kept and written back. Change it only under the
 * dovecot-uidlist.lock dotlock; writes are atomic (temp + rename).
 */
#ifndef TERN_UIDLIST_H
#define TERN_UIDLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tern.h"

#define UIDLIST_FILE_NAME "dovecot-uidlist"
/* Largest uidlist we read: ~100 bytes a message, a million messages. */
#define UIDLIST_SIZE_MAX (128u * 1024 * 1024)
/* Longest header extension text we keep. */
#define UIDLIST_EXT_MAX 1024

struct arena;

struct uidlist_rec {
	uint32_t uid;
	char *filename;		/* as stored; may carry ":2,<flags>" */
	char *ext;		/* "W1024 S1000" or "" (kept as is) */
};

struct uidlist {
	unsigned int version;	/* 1 or 3 as read; we write 3 */
	uint32_t uid_validity;	/* 0: none yet */
	uint32_t next_uid;	/* >= last uid + 1 */
	char guid[33];		/* "" when absent */
	char *hdr_ext;		/* other header fields, "" when none */
	struct uidlist_rec *recs;	/* ascending uid */
	size_t count, cap;
	/* The file text, parsed in place: the records' strings point
	 * into it (malloc()ed; NULL when nothing was parsed). */
	char *text;
	struct arena *arena;	/* owns other strings; NULL until needed */
};

/* An empty list (no uidvalidity, next_uid 1). */
void uidlist_init(struct uidlist *ul);
/* Free everything; the list is then as after uidlist_init(), which
 * allocates nothing: a final uidlist_clear() leaves no memory behind. */
void uidlist_clear(struct uidlist *ul);

/* Parse file contents into ul (which must be freshly initialised).
 * Pure: 0, or -1 with a static *error_r. */
int uidlist_parse(struct span text, struct uidlist *ul, const char **error_r);
/* Read path into ul. A missing file gives 0 and an empty list. -1 with
 * a static *error_r on an I/O error (or a file over UIDLIST_SIZE_MAX),
 * -2 when the file is corrupted (ul->uid_validity is then the header's,
 * if that much parsed, else 0). */
int uidlist_read(const char *path, struct uidlist *ul, const char **error_r);
/* The file text (version 3) into a malloc()ed string (*len_r bytes). */
char *uidlist_format(const struct uidlist *ul, size_t *len_r);
/* Write ul to path atomically: temp file, fsync, rename, fsync the
 * directory. 0, or -1 with errno and a static *error_r. */
int uidlist_write(const char *path, const struct uidlist *ul,
	const char **error_r);

/* Add a record for filename with the next UID (ext may be NULL). The
 * new uid goes to *uid_r. -1 when UIDs are exhausted. */
int uidlist_append(struct uidlist *ul, const char *filename,
	const char *ext, uint32_t *uid_r);
/* The record for uid, or NULL. */
struct uidlist_rec *uidlist_lookup(const struct uidlist *ul, uint32_t uid);
/* Remove the records with keep[i] == false, keeping order. */
void uidlist_filter(struct uidlist *ul, const bool *keep);

#endif
