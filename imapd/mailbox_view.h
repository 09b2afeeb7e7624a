/* SPDX-License-Identifier: MIT */
/*
 * mailbox_view: the selected mailbox as one session sees it (RFC 9051
 * 2.3.1, 7.5). It keeps the sequence number -> UID map stable within the
 * session: a message expunged by another process stays in the map as a
 * "ghost" until an EXPUNGE may be sent (never during a command that uses
 * sequence numbers); new messages are appended and announced with
 * EXISTS; flag changes made elsewhere are announced as FETCH (FLAGS).
 * Changes are found by re-syncing the Maildir at command boundaries
 * (mailbox_view_sync). \Recent is set in the one session whose sync
 * first saw the message (RFC 3501 2.3.2; lib/maildir_recent): a
 * read-write view claims the folder's new UIDs at each sync, a read-only
 * one (EXAMINE) shows the unclaimed ones without taking them.
 *
 * For the FETCH/STORE/SEARCH/COPY/EXPUNGE/IDLE handlers:
 *   seqs:  mailbox_view_resolve() turns a sequence set (or UID set) into
 *          ascending sequence numbers; mailbox_view_uid(),
 *          mailbox_view_seq(), mailbox_view_mail() (NULL for a ghost).
 *   flags: mailbox_view_format_flags() "(\Seen $Junk)";
 *          mailbox_view_set_flags() stores and records, so no duplicate
 *          FETCH is sent later; the handler sends its own FETCH.
 *   expunge: mailbox_view_expunge() removes the message from the store
 *          and marks the seq; the "* n EXPUNGE" goes out with the next
 *          mailbox_view_send_updates() that allows expunges.
 *   IDLE:  call mailbox_view_sync() + mailbox_view_send_updates() when
 *          the folder changes (inotify on new/ and cur/) or on a timer.
 *   modseq (RFC 7162): mailbox_view_modseq() of a seq as of the last
 *          sync (a STORE syncs after its renames so that its FETCH
 *          carries the new one), mailbox_view_highestmodseq(), and
 *          mailbox_view_vanished() for VANISHED (EARLIER).
 */
#ifndef IMAPD_MAILBOX_VIEW_H
#define IMAPD_MAILBOX_VIEW_H

#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "buf.h"
#include "imap_parse.h"
#include "maildir_mailbox.h"
#include "stream.h"
#include "tern.h"

/* view_msg.sysflags: the system flags, in IMAP order */
enum view_sysflag {
	VIEW_FLAG_ANSWERED = 1 << 0,	/* R */
	VIEW_FLAG_FLAGGED = 1 << 1,	/* F */
	VIEW_FLAG_DELETED = 1 << 2,	/* T */
	VIEW_FLAG_SEEN = 1 << 3,	/* S */
	VIEW_FLAG_DRAFT = 1 << 4,	/* D */
};

/* One message; kept small, there is one per message in the folder. */
struct view_msg {
	uint32_t uid;
	/* the flags the client was last told: enum view_sysflag, and
	 * keyword i as bit i */
	uint32_t keywords;
	uint8_t sysflags;
	bool recent;
	bool expunged;			/* ghost: EXPUNGE not sent yet */
	bool flags_changed;		/* FETCH (FLAGS) not sent yet */
};

struct mailbox_view {
	char *name;			/* internal name ("INBOX", "a/b") */
	char *path;
	bool readonly;			/* EXAMINE */
	struct maildir_mailbox *mb;
	struct view_msg *msgs;		/* index = seq - 1 */
	size_t count, cap;
	size_t announced_exists;	/* EXISTS the client knows */
	size_t announced_recent;
	unsigned announced_keywords;	/* keywords in the last FLAGS */
	uint64_t generation;		/* mb->generation merged */
	/* UIDVALIDITY at SELECT; if the store's changes (a rebuilt
	 * uidlist), no UID of the view means anything: every message
	 * reads as expunged and the session must end */
	uint32_t uid_validity;
	bool uid_validity_changed;
	uint32_t *saved;		/* SEARCHRES "$" (RFC 5182): UIDs,
					 * ascending; xmalloc()ed */
	size_t n_saved;
};

/* Flags for mailbox_view_send_updates. */
enum view_update_flags {
	VIEW_UPDATE_EXPUNGE = 1 << 0,	/* EXPUNGE may be sent now */
	VIEW_UPDATE_REV2 = 1 << 1,	/* IMAP4rev2: no RECENT */
	/* CONDSTORE enabled: FETCH (FLAGS) carries MODSEQ (RFC 7162
	 * 3.1.4) */
	VIEW_UPDATE_CONDSTORE = 1 << 2,
	/* QRESYNC enabled: "* VANISHED uids" instead of "* n EXPUNGE"
	 * (RFC 7162 3.2.10) */
	VIEW_UPDATE_QRESYNC = 1 << 3,
};

/* Open and sync the Maildir folder at path. -1 with *err_r, *error_r
 * (static, for the log). *v_r: free with mailbox_view_free(). */
int mailbox_view_open(const char *path, const char *name, bool readonly,
	struct mailbox_view **v_r, enum tern_err *err_r,
	const char **error_r);
void mailbox_view_free(struct mailbox_view **v);

/* Re-sync with the Maildir and record what changed. err_r and error_r
 * may be NULL (the failure is then logged). 0 or -1 (also when the
 * UIDVALIDITY changed: uid_validity_changed, for good). */
int mailbox_view_sync(struct mailbox_view *v, enum tern_err *err_r,
	const char **error_r);
/* Send pending EXPUNGE (when allowed), EXISTS, RECENT, FLAGS and FETCH
 * (FLAGS) lines. flags: enum view_update_flags. */
void mailbox_view_send_updates(struct mailbox_view *v, struct stream *out,
	unsigned flags);

/* The number of messages the client knows of (EXISTS), ghosts included. */
uint32_t mailbox_view_count(const struct mailbox_view *v);
/* UID of seq (1-based), 0 if out of range. */
uint32_t mailbox_view_uid(const struct mailbox_view *v, uint32_t seq);
/* seq of uid, 0 if not in the view. Binary search. */
uint32_t mailbox_view_seq(const struct mailbox_view *v, uint32_t uid);
/* The store's record of seq, NULL for a ghost or out of range. Valid
 * until the next sync. */
const struct maildir_mail *mailbox_view_mail(const struct mailbox_view *v,
	uint32_t seq);
/* Messages marked \Recent; the first seq without \Seen (0: none). */
uint32_t mailbox_view_recent(const struct mailbox_view *v);
uint32_t mailbox_view_first_unseen(const struct mailbox_view *v);
/* UIDVALIDITY and UIDNEXT of the store. */
uint32_t mailbox_view_uidvalidity(const struct mailbox_view *v);
uint32_t mailbox_view_uidnext(const struct mailbox_view *v);

/*
 * The sequence numbers of set, ascending, into *seqs_r (arena). With uid
 * the set holds UIDs: '*' is the highest UID, UIDs not in the view are
 * skipped (RFC 9051 6.4.9; "UIDNEXT:*" gives the last message). Without
 * uid, a number beyond the count is an error: -1 with *error_r. An
 * empty mailbox gives none. "$" gives the saved search result (RFC 5182
 * 2.1: the messages still there, with or without uid).
 */
int mailbox_view_resolve(const struct mailbox_view *v,
	const struct imap_seqset *set, bool uid, struct arena *a,
	uint32_t **seqs_r, size_t *n_r, const char **error_r);

/* Keep uids[0..n) (ascending) as the saved search result "$" (RFC 5182);
 * it lives as long as the view (SELECT, UNSELECT and CLOSE drop it). */
void mailbox_view_save_result(struct mailbox_view *v, const uint32_t *uids,
	size_t n);
/* Is uid in the saved result? */
bool mailbox_view_saved_has(const struct mailbox_view *v, uint32_t uid);

/* "(\Seen \Recent $Junk)" for seq into out. */
int mailbox_view_format_flags(const struct mailbox_view *v, uint32_t seq,
	struct buf *out);
/* "\Answered \Flagged \Deleted \Seen \Draft" and the keywords, for the
 * FLAGS response, without parentheses. */
int mailbox_view_format_flag_names(const struct mailbox_view *v,
	struct buf *out);

/* HIGHESTMODSEQ as of the last sync (RFC 7162 3.1.1). */
uint64_t mailbox_view_highestmodseq(const struct mailbox_view *v);
/* MODSEQ of seq as of the last sync; 0 for a ghost or out of range. */
uint64_t mailbox_view_modseq(const struct mailbox_view *v, uint32_t seq);
/*
 * The UIDs expunged since the client's modseq since, limited to known
 * (a UID set; NULL: all UIDs), as a UID set "3:5,9" appended to out
 * (nothing appended when none): what "* VANISHED (EARLIER)" reports (RFC
 * 7162 3.2.5.2, 3.2.6). Exact while the expunge log reaches back to
 * since; below its floor (a lost cache, an old client) every UID below
 * UIDNEXT that is not in the folder, which RFC 7162 allows. a holds the
 * work arrays. -1 when out is full.
 */
int mailbox_view_vanished(const struct mailbox_view *v, uint64_t since,
	const struct imap_seqset *known, struct arena *a, struct buf *out);

/* Store new Maildir flag letters for seq (keywords as 'a'..'z'). The
 * view records them as told. -1 with *err_r (NOTFOUND: expunged). */
int mailbox_view_set_flags(struct mailbox_view *v, uint32_t seq,
	const char *flags, enum tern_err *err_r, const char **error_r);
/* The same, only while seq's modseq is at most max_modseq (STORE
 * UNCHANGEDSINCE, RFC 7162 3.1.3): -1 with TERN_ERR_EXISTS when it
 * changed since, also when that is found only now. */
int mailbox_view_set_flags_if(struct mailbox_view *v, uint32_t seq,
	const char *flags, uint64_t max_modseq, enum tern_err *err_r,
	const char **error_r);
/* Expunge seq from the store; the message becomes a ghost until the
 * EXPUNGE is sent. */
int mailbox_view_expunge(struct mailbox_view *v, uint32_t seq,
	enum tern_err *err_r, const char **error_r);

#endif
