/* SPDX-License-Identifier: MIT */
/*
 * maildir_index: "tern-index" beside dovecot-uidlist, the view of a
 * Maildir folder (lib/maildir_mailbox) as its last trusted full sync
 * left it: UIDVALIDITY, next UID, HIGHESTMODSEQ, the expunge log, the
 * keyword names, each message's UID, flags, keywords, sizes, modseq and
 * file name, and the stamps (maildir_mailbox.h) of what that sync read.
 * A new process whose stamps still match loads the view from it with
 * one read instead of scanning and parsing. It is a cache (DESIGN.md):
 * written by rename without fsync, checked by magic, version, size and
 * checksum, and ignored (then rewritten) when anything is wrong;
 * deleting it loses nothing.
 *
 * File (native byte order and layout; another machine's file fails the
 * magic): header, count records (struct maildir_mail, the strings as
 * offsets into the table), n_expunged expunge entries, the string table
 * (NUL-terminated names), a 64-bit checksum of all that. A process
 * maps it and uses the records in place (maildir_mailbox.h).
 */
#ifndef TERN_MAILDIR_INDEX_H
#define TERN_MAILDIR_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "keywords.h"
#include "maildir_mailbox.h"
#include "modseq.h"
#include "tern.h"

#define MAILDIR_INDEX_FILE_NAME "tern-index"
/* Largest index we read: ~110 bytes a message, a million messages. */
#define MAILDIR_INDEX_FILE_MAX (256u * 1024 * 1024)
#define MAILDIR_INDEX_VERSION 3

/* What the file holds. */
struct maildir_index {
	uint32_t uid_validity;
	uint32_t next_uid;
	char guid[33];
	/* the stamps the writing sync trusted (mtimes old enough, see
	 * maildir_mailbox.h); trusted is always true in a parsed index */
	struct maildir_stamp stamp;
	/* modseq state without records: uid_validity, highest, floor,
	 * expunged (malloc()ed) */
	struct modseq_state modseq;
	/* NULL or a name in the string table */
	const char *keywords[KEYWORDS_MAX];
	/* the records where they are in the data parsed, ascending uid;
	 * their strings are relative to names_base (the string table) */
	const struct maildir_mail *mails;
	size_t count;
	uintptr_t names_base;
	/* what maildir_index_check_names() needs: the table's length, how
	 * much of it holds the keywords (checked by the parse), and the
	 * checksum of the rest */
	size_t keywords_len, names_len;
	uint64_t names_sum;
	/* from maildir_index_read(): the file's private, writable mapping
	 * that holds the records (take it over, or maildir_index_clear()
	 * unmaps it); NULL from maildir_index_parse() */
	void *map;
	size_t map_len;
};

/*
 * Pure: parse the bytes of an index file (8-byte aligned). mails,
 * keywords and the strings point into data, which must outlive them;
 * modseq.expunged is malloc()ed (free it with maildir_index_clear(), or
 * take it over). 0, or -1 with a static *error_r: bad magic, version,
 * size or checksum, or any record that a sync could not have written
 * (UIDs not ascending or not below next_uid, a name with '/', a leading
 * '.' or control characters, an offset outside the table).
 */
int maildir_index_parse(struct span data, struct maildir_index *idx_r,
	const char **error_r);
/* Pure: check what the parse left: the file names and flags of the
 * records (their offsets are checked): the table's checksum, each name
 * a file name (no '/', no leading '.', no control character), each
 * flags string letters agreeing with the record's masks. 0 or -1. */
int maildir_index_check_names(const struct maildir_mail *mails,
	size_t count, uintptr_t names_base, size_t keywords_len,
	size_t names_len, uint64_t names_sum);
/* The checksum of the len bytes at data (the file's last 8 bytes hold
 * that of all before the file names, the header's names_sum that of
 * those; the size is the 8 bytes at offset 8). */
uint64_t maildir_index_checksum(const void *data, size_t len);
/* Set the size and checksums of the len bytes of an index file at data
 * as format does (tests and fuzzing change files and seal them). */
void maildir_index_seal(void *data, size_t len);
/* Free what parse allocated and unmap what read mapped. */
void maildir_index_clear(struct maildir_index *idx);

/* The file's bytes for mb's view and stamp: *len_r bytes, malloc()ed
 * (the caller frees them). */
char *maildir_index_format(const struct maildir_mailbox *mb,
	const struct maildir_stamp *stamp, size_t *len_r);

/* Read and parse folder's index (see parse). With want, an index whose
 * stamps differ from want's is not parsed (stale). -1 with *error_r
 * when it is missing, too large, unreadable, stale or corrupt. */
int maildir_index_read(const char *folder, const struct maildir_stamp *want,
	struct maildir_index *idx_r, const char **error_r);
/* Write mb's view with stamp as folder's index: a temp file renamed
 * over it, no fsync (a cache). Call under the folder lock. 0, or -1
 * with errno and a static *error_r (the old index is then removed). */
int maildir_index_write(const struct maildir_mailbox *mb,
	const struct maildir_stamp *stamp, const char **error_r);
/* Remove folder's index (missing is fine). */
void maildir_index_remove(const char *folder);

#endif
