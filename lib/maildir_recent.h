/* SPDX-License-Identifier: MIT */
/*
 * maildir_recent: who gets \Recent (RFC 3501 2.3.2: set in exactly one
 * session, the first to be notified of the message; IMAP4rev2 drops the
 * flag). Like Dovecot's first_recent_uid index header, one number per
 * folder, "tern-recent" beside dovecot-uidlist, read and written only
 * under the dovecot-uidlist.lock dotlock the sync holds: the UIDs from
 * it on are \Recent for the next session that syncs with claim (SELECT),
 * which then stores next_uid; a sync without claim (EXAMINE, STATUS)
 * only reads it. Before the file exists (or after UIDVALIDITY changed)
 * the caller's fallback decides: maildir_mailbox uses the lowest UID
 * still in new/, as Dovecot moves to cur/ what a session has seen.
 *
 * File: "tern-recent 1 V<uidvalidity> R<first recent uid>\n".
 */
#ifndef TERN_MAILDIR_RECENT_H
#define TERN_MAILDIR_RECENT_H

#include <stdbool.h>
#include <stdint.h>
#include "tern.h"

#define MAILDIR_RECENT_FILE_NAME "tern-recent"
#define MAILDIR_RECENT_FILE_MAX 128	/* one short line */

/* Pure: parse the file's text. 0 with *uid_validity_r and *uid_r, or -1
 * (not this format). */
int maildir_recent_parse(struct span text, uint32_t *uid_validity_r,
	uint32_t *uid_r);

/*
 * Under the folder's uidlist lock: the first UID that is \Recent for
 * this sync into *first_r, the stored one or, when there is none for
 * uid_validity (missing, unreadable, another UIDVALIDITY), fallback(ctx).
 * With claim the UIDs from *first_r up to next_uid become the caller's:
 * next_uid is stored (only when that changes the file). 0, or -1 with
 * *error_r (static) when the file cannot be written.
 */
int maildir_recent_sync(const char *folder, uint32_t uid_validity,
	uint32_t next_uid, bool claim, uint32_t (*fallback)(void *ctx),
	void *ctx, uint32_t *first_r, const char **error_r);

#endif
