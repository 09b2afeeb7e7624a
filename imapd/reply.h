/* SPDX-License-Identifier: MIT */
/*
 * reply: IMAP responses (RFC 9051 7). Untagged lines go out as they are
 * made; a command ends with exactly one tagged imap_ok/imap_no/imap_bad,
 * which first sends the selected mailbox's pending updates (EXISTS,
 * EXPUNGE, FETCH FLAGS) when the command's flags allow. The store-error
 * map turns enum tern_err into NO with a response code (RFC 5530).
 */
#ifndef IMAPD_REPLY_H
#define IMAPD_REPLY_H

#include "imapd.h"
#include "tern.h"

#define IMAP_REPLY_TEXT_MAX 1024	/* the text of one status line */

/* "* <text>\r\n". */
void imap_untagged(struct imap_cmd *c, const char *fmt, ...)
	TERN_PRINTF(2, 3);
/* The same on a session without a command (greeting, BYE). */
void imap_session_untagged(struct imap_session *s, const char *fmt, ...)
	TERN_PRINTF(2, 3);

/* The tagged reply "<tag> OK [code] text". code may be NULL (none);
 * it is the bracketed part without brackets, e.g. "TRYCREATE" or
 * "CAPABILITY IMAP4rev1 ...". Exactly one per command. */
void imap_ok(struct imap_cmd *c, const char *code, const char *fmt, ...)
	TERN_PRINTF(3, 4);
void imap_no(struct imap_cmd *c, const char *code, const char *fmt, ...)
	TERN_PRINTF(3, 4);
void imap_bad(struct imap_cmd *c, const char *code, const char *fmt, ...)
	TERN_PRINTF(3, 4);

/* End c without a tagged reply because the client has gone (EOF or an
 * I/O error while the command waited for it: Thunderbird closes in the
 * middle of IDLE). Counts as the command's one final reply, but not as
 * NO or BAD; the session's next read meets the end and logs it. */
void imap_gone(struct imap_cmd *c);

/* The store-error map (Dovecot's imap_get_error_string): NOTFOUND
 * [NONEXISTENT] (or [TRYCREATE] with trycreate), EXISTS
 * [ALREADYEXISTS], PERM [NOPERM], QUOTA [OVERQUOTA], TOOBIG [TOOBIG],
 * LIMIT [LIMIT], SYNTAX [CANNOT], TEMP [UNAVAILABLE]. Paths and errno
 * go to the log, never to the client. */
void imap_store_error(struct imap_cmd *c, enum tern_err err, bool trycreate);
/* The response code of the map above ("NONEXISTENT"...). */
const char *imap_store_error_code(enum tern_err err, bool trycreate);

/* "NO [EXPUNGEISSUED] Some of the requested messages no longer exist":
 * a command by sequence number (FETCH, STORE, COPY, MOVE) named a
 * message that another session expunged and whose EXPUNGE this session
 * may not send yet (RFC 9051 7.1, RFC 2180 4.1.3; Dovecot's text). */
void imap_expunge_issued(struct imap_cmd *c);

/* Send the pending changes of the selected mailbox now (NOOP, IDLE).
 * Called by imap_ok/no before the tagged line. */
void imap_send_updates(struct imap_cmd *c);

#endif
