/* SPDX-License-Identifier: MIT */
/*
 * maildir_mailbox: a view of one Maildir folder for imapd and pop3d:
 * the messages in UID order with their flags, keywords and sizes. A sync
 * takes the dovecot-uidlist.lock dotlock, reads dovecot-uidlist, scans
 * new/ then cur/, drops vanished records, gives new files the next UIDs
 * in name (delivery) order, optionally moves new/ files to cur/ adding
 * ":2," (what Dovecot does when a session sees them), writes the uidlist
 * atomically if it changed, and reads dovecot-keywords. UIDVALIDITY is
 * made once (the time) and then kept. Flag changes rename into cur/ and
 * expunge unlinks, each under the lock as Dovecot does (a rename during
 * another process's readdir may hide the file from it); a file renamed
 * meanwhile by another process is found again by a sync. Dovecot's
 * ",<extra>" after the flags of a name is kept. Each sync also brings
 * the folder's mod-sequences (lib/modseq, RFC 7162) up to date under
 * the same lock: a flag change or expunge made through this API gets its
 * modseq at the next sync, like one made by another process.
 */
#ifndef TERN_MAILDIR_MAILBOX_H
#define TERN_MAILDIR_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dotlock.h"
#include "keywords.h"
#include "modseq.h"
#include "tern.h"

/* How long a sync waits for another process's uidlist lock. */
#define MAILDIR_MAILBOX_LOCK_TIMEOUT_SECS 30
/* Flag letters in a name: six system flags and 26 keywords, sorted. */
#define MAILDIR_FLAGS_MAX 64

enum maildir_sync_flags {
	MAILDIR_SYNC_MOVE_NEW = 1 << 0,	/* new/ -> cur/ with ":2," */
	/* take the \Recent UIDs no session has had (lib/maildir_recent,
	 * RFC 3501 2.3.2): SELECT, not EXAMINE or STATUS */
	MAILDIR_SYNC_CLAIM_RECENT = 1 << 1,
};

struct maildir_mail {
	uint32_t uid;
	char *basename;		/* current file name in new/ or cur/ */
	bool in_new;
	char flags[MAILDIR_FLAGS_MAX];	/* "FRSab": sorted letters */
	uint32_t keywords;	/* bit i: keyword i ('a' + i) */
	uint64_t size;		/* S=, or the file size */
	uint64_t vsize;		/* W=, the uidlist's W, or counted */
	uint64_t modseq;	/* RFC 7162, as of the last sync */
};

struct maildir_mailbox {
	char *path;
	uint32_t uid_validity;
	uint32_t next_uid;
	char guid[33];
	struct maildir_mail *mails;	/* ascending uid */
	size_t count;
	struct keywords keywords;
	/* HIGHESTMODSEQ, the expunge log and each UID's modseq as of the
	 * last sync (modseq.highest is never 0 after one) */
	struct modseq_state modseq;
	/* UIDs from this one on are \Recent for the last sync's caller:
	 * claimed with MAILDIR_SYNC_CLAIM_RECENT, else unclaimed so far */
	uint32_t first_recent_uid;
	struct dotlock_settings lock_set;
	struct arena *arena;		/* mails' strings; reset per sync */
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
