/* SPDX-License-Identifier: MIT */
/*
 * maildir_mailbox: a view of one Maildir folder for imapd and pop3d:
 * the messages in UID order with their flags, keywords and sizes. A sync
 * takes the dovecot-uidlist.lock dotlock, reads dovecot-uidlist, scans
 * new/ then cur/, drops vanished records, gives new files the next UIDs
 * in name (delivery) order, optionally moves new/ files to cur/ adding
 * ":2," (what Dovecot does when a session sees them), writes the uidlist
 * atomically if it changed, and reads dovecot-keywords. UIDVALIDITY is
 * made once (the time) and then kept; only a corrupted uidlist, set
 * aside as dovecot-uidlist.broken, is replaced by a new list with a
 * higher UIDVALIDITY (as Dovecot does). Flag changes rename into cur/ and
 * expunge unlinks, each under the lock as Dovecot does (a rename during
 * another process's readdir may hide the file from it); a file renamed
 * meanwhile by another process is found again by a sync. Dovecot's
 * ",<extra>" after the flags of a name is kept. Each sync also brings
 * the folder's mod-sequences (lib/modseq, RFC 7162) up to date under
 * the same lock: a flag change or expunge made through this API gets its
 * modseq at the next sync, like one made by another process.
 *
 * A sync is skipped when nothing it reads can have changed: new/, cur/,
 * dovecot-uidlist, dovecot-keywords and tern-modseq have the same inode,
 * size, mtime and ctime as at the last full sync, and every mtime was
 * then at least MAILDIR_STAMP_SAFE_SECS old (a change later in the same
 * clock tick would not move a fresh mtime; Dovecot's rule). The uidlist
 * and tern-modseq, written only under the lock and replaced by rename,
 * are stamped under the lock and held open, so that their inode cannot
 * be reused: a change shows as another inode or size however recent
 * (Dovecot keeps its uidlist open for the same reason).
 *
 * The first sync of a process loads the view from "tern-index"
 * (lib/maildir_index) instead when the stamps are those the index
 * records: written under the lock after a full sync whose stamp was
 * trusted and whose every mtime, the held-open files' too (another
 * process may reuse their inode), was old enough. \Recent comes from
 * tern-recent as in a full sync; when a claim would have to store a
 * new first UID the full sync runs instead. Sizes
 * of messages whose names lack S= and W= are counted once and kept in
 * the uidlist record (Dovecot's "S<size> W<vsize>" extension fields).
 */
#ifndef TERN_MAILDIR_MAILBOX_H
#define TERN_MAILDIR_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include "dotlock.h"
#include "keywords.h"
#include "modseq.h"
#include "tern.h"

/* How long a sync waits for another process's uidlist lock. */
#define MAILDIR_MAILBOX_LOCK_TIMEOUT_SECS 30
/* Flag letters in a name: six system flags and 26 keywords, sorted. */
#define MAILDIR_FLAGS_MAX 64
/* A directory or file time is trusted to show every later change only
 * when it is older than this (mtime granularity, clock ticks, NFS). */
#define MAILDIR_STAMP_SAFE_SECS 2

enum maildir_sync_flags {
	MAILDIR_SYNC_MOVE_NEW = 1 << 0,	/* new/ -> cur/ with ":2," */
	/* take the \Recent UIDs no session has had (lib/maildir_recent,
	 * RFC 3501 2.3.2): SELECT, not EXAMINE or STATUS */
	MAILDIR_SYNC_CLAIM_RECENT = 1 << 1,
};

/*
 * One message. It is also the record of tern-index (lib/maildir_index):
 * a view loaded from the index is the file's mapping itself, with no
 * copy, and the strings are then the file's. So the two strings are not
 * pointers but addresses relative to the mailbox's names_base (0 after
 * a full sync, the index's string table after a load); read them with
 * maildir_mail_name() and maildir_mail_flags(), and test a flag with
 * maildir_mail_has_flag(), which reads no string.
 */
struct maildir_mail {
	uint32_t uid;
	uint32_t keywords;	/* bit i: keyword i ('a' + i) */
	uint64_t size;		/* S=, or the file size */
	uint64_t vsize;		/* W=, the uidlist's W, or counted */
	uint64_t modseq;	/* RFC 7162, as of the last sync */
	uint64_t name;		/* current file name in new/ or cur/ */
	/* "FRSab": the sorted flag letters, often the end of name */
	uint64_t flags;
	uint16_t name_len;
	uint8_t flags_len;
	uint8_t in_new;		/* 0 or 1 */
	uint32_t capitals;	/* bit i: flag letter 'A' + i ("FRS") */
};

/* What a sync read, to tell whether the next one can be skipped. */
enum maildir_stamp_file {
	MAILDIR_STAMP_NEW,
	MAILDIR_STAMP_CUR,
	MAILDIR_STAMP_UIDLIST,
	MAILDIR_STAMP_KEYWORDS,
	MAILDIR_STAMP_MODSEQ,
	MAILDIR_STAMP_COUNT
};

struct maildir_stamp_entry {
	bool exists;
	bool pinned;	/* held open by the mailbox: its age does not matter */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

struct maildir_stamp {
	bool trusted;	/* every time old enough (see above) */
	struct timespec taken;	/* the clock before the first stat */
	struct maildir_stamp_entry e[MAILDIR_STAMP_COUNT];
};

struct maildir_mailbox {
	char *path;
	uint32_t uid_validity;
	uint32_t next_uid;
	char guid[33];
	/* ascending uid: malloc()ed, or inside index_map */
	struct maildir_mail *mails;
	size_t count;
	uintptr_t names_base;	/* see struct maildir_mail */
	/* tern-index mapped (private, copy-on-write) when the view was
	 * loaded from it; NULL after a full sync */
	void *index_map;
	size_t index_map_len;
	/* The index's string table is checked (checksum, then each name)
	 * only when a name is first read: a SELECT reads none. */
	bool names_unchecked;
	size_t index_keywords_len, index_names_len;
	uint64_t index_names_sum;
	struct keywords keywords;
	/* HIGHESTMODSEQ and the expunge log as of the last sync
	 * (modseq.highest is never 0 after one); no records: each UID's
	 * modseq is in mails[] */
	struct modseq_state modseq;
	/* UIDs from this one on are \Recent for the last sync's caller:
	 * claimed with MAILDIR_SYNC_CLAIM_RECENT, else unclaimed so far */
	uint32_t first_recent_uid;
	struct dotlock_settings lock_set;
	struct arena *arena;		/* mails' strings; new per sync */
	/* Changes whenever mails may have changed (a full sync, a flag
	 * change, an expunge); equal: the view is the same. */
	uint64_t generation;
	/* a new uidlist's UIDVALIDITY must be above this (the last one
	 * of a corrupted list that was set aside) */
	uint32_t uid_validity_floor;
	struct maildir_stamp stamp;	/* of the last full sync */
	int pin_fd[MAILDIR_STAMP_COUNT];	/* -1, or the pinned file */
	bool from_index;	/* the last sync loaded tern-index */
};

/*
 * Open the folder at path (a Maildir or Maildir/.Name) and sync it. -1
 * with *err_r TERN_ERR_NOTFOUND when path has no cur/, TERN_ERR_TEMP on
 * a lock timeout, I/O error or a corrupted uidlist; *error_r is static.
 * *mb_r is owned by the caller: maildir_mailbox_free().
 */
int maildir_mailbox_open(const char *path, enum maildir_sync_flags flags,
	struct maildir_mailbox **mb_r, enum tern_err *err_r,
	const char **error_r);
/* Sync again (see above). Pointers into the old view become invalid. */
int maildir_mailbox_sync(struct maildir_mailbox *mb,
	enum maildir_sync_flags flags, enum tern_err *err_r,
	const char **error_r);
void maildir_mailbox_free(struct maildir_mailbox **mb);

/* Check the names of a view loaded from tern-index (see names_unchecked;
 * a cache of mb's, hence const). When they are damaged, every name reads
 * as "" (maildir_mailbox_mail_path() refuses it), the index is removed
 * and the next sync is a full one. */
void maildir_mailbox_check_names(const struct maildir_mailbox *mb);

/* The file name and the sorted flag letters of m, a mail of mb. Valid
 * until the next sync or change of m. */
static inline const char *
maildir_mail_name(const struct maildir_mailbox *mb,
	const struct maildir_mail *m)
{
	if (mb->names_unchecked)
		maildir_mailbox_check_names(mb);
	return (const char *)(mb->names_base + (uintptr_t)m->name);
}

static inline const char *
maildir_mail_flags(const struct maildir_mailbox *mb,
	const struct maildir_mail *m)
{
	if (mb->names_unchecked)
		maildir_mailbox_check_names(mb);
	return (const char *)(mb->names_base + (uintptr_t)m->flags);
}

/* Has m the flag letter c ('A'..'Z' or a keyword's 'a'..'z')? */
static inline bool
maildir_mail_has_flag(const struct maildir_mail *m, char c)
{
	if (c >= 'A' && c <= 'Z')
		return (m->capitals & (1u << (c - 'A'))) != 0;
	if (c >= 'a' && c <= 'z')
		return (m->keywords & (1u << (c - 'a'))) != 0;
	return false;
}

/* The mail with uid, or NULL. */
const struct maildir_mail *maildir_mailbox_find(
	const struct maildir_mailbox *mb, uint32_t uid);
/* Its full path into out. 0 or -1 (too long). */
int maildir_mailbox_mail_path(const struct maildir_mailbox *mb,
	const struct maildir_mail *mail, char *out, size_t size);

/* Replace the flags of uid with flags (letters; keywords as 'a'..'z'):
 * rename into cur/ with ":2,<sorted flags>". -1 with TERN_ERR_NOTFOUND
 * when the message has been expunged, TERN_ERR_SYNTAX for bad flags. */
int maildir_mailbox_set_flags(struct maildir_mailbox *mb, uint32_t uid,
	const char *flags, enum tern_err *err_r, const char **error_r);
/* The same, only while the message's modseq is at most max_modseq (RFC
 * 7162 UNCHANGEDSINCE): the rename goes from the name of the last sync,
 * under the lock, so a change made meanwhile (a rename) makes it fail,
 * and the re-sync that follows shows the newer modseq: -1 with
 * TERN_ERR_EXISTS when the test fails. UINT64_MAX: no test. */
int maildir_mailbox_set_flags_if(struct maildir_mailbox *mb, uint32_t uid,
	const char *flags, uint64_t max_modseq, enum tern_err *err_r,
	const char **error_r);
/* Unlink the message uid and drop it from the view. A message already
 * gone counts as expunged (0). */
int maildir_mailbox_expunge(struct maildir_mailbox *mb, uint32_t uid,
	enum tern_err *err_r, const char **error_r);
/* Index (0..25) of keyword name; with create, add it to dovecot-keywords
 * under the lock when missing. -1 with TERN_ERR_NOTFOUND (absent, no
 * create), TERN_ERR_LIMIT (26 in use), TERN_ERR_SYNTAX (bad name). */
int maildir_mailbox_keyword_index(struct maildir_mailbox *mb,
	const char *name, bool create, enum tern_err *err_r,
	const char **error_r);

#endif
