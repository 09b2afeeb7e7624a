/* SPDX-License-Identifier: MIT */
/*
 * keywords: Dovecot's dovecot-keywords file, the map from the keyword
 * letters of Maildir file names ('a'..'z') to IMAP keyword names. Lines
 * are "<index> <name>", index 0..25 standing for 'a'..'z'. Change it only
 * under the dovecot-uidlist.lock dotlock; writes are atomic.
 */
#ifndef TERN_KEYWORDS_H
#define TERN_KEYWORDS_H

#include <stdbool.h>
#include <stdint.h>
#include "tern.h"

#define KEYWORDS_FILE_NAME "dovecot-keywords"
/* 'a'..'z' in a Maildir file name. */
#define KEYWORDS_MAX 26
/* Longest keyword name we accept (IMAP atom; Dovecot has no lower one). */
#define KEYWORD_NAME_MAX 255
/* Largest dovecot-keywords we read. */
#define KEYWORDS_FILE_MAX (KEYWORDS_MAX * (KEYWORD_NAME_MAX + 8))

struct keywords {
	char *names[KEYWORDS_MAX];	/* malloc()ed; NULL: unused */
};

void keywords_init(struct keywords *kw);
void keywords_clear(struct keywords *kw);

/* Parse file text. Lines with a bad index or name are skipped (as
 * Dovecot does), so a damaged file never blocks the mailbox. */
void keywords_parse(struct span text, struct keywords *kw);
/* Read path (missing: empty). 0, or -1 with a static *error_r. */
int keywords_read(const char *path, struct keywords *kw,
	const char **error_r);
/* Write atomically (temp, fsync, rename). 0 or -1 with *error_r. */
int keywords_write(const char *path, const struct keywords *kw,
	const char **error_r);

/* Index of name (ASCII case-insensitive), or -1. */
int keywords_lookup(const struct keywords *kw, const char *name);
/* Index of name, adding it at the lowest free index when missing. -1
 * when all 26 are used or the name is not a valid keyword atom. */
int keywords_add(struct keywords *kw, const char *name);
/* Is name a valid keyword: an IMAP atom, not a \system flag. */
bool keywords_name_valid(const char *name);

/* Bit mask (bit i for letter 'a'+i) of a flag string's keyword letters. */
uint32_t keywords_mask_from_flags(const char *flags);

#endif
