/* SPDX-License-Identifier: MIT */
/*
 * msgstore: what APPEND, COPY and MOVE share when they add messages to a
 * folder: open the target (the selected mailbox's store when it is the
 * same folder, so one process never holds two views of it), learn the
 * UIDs the target's dovecot-uidlist gave the new files (a sync under the
 * uidlist lock assigns them), and write a UID set for APPENDUID/COPYUID
 * (RFC 4315 3).
 */
#ifndef IMAPD_MSGSTORE_H
#define IMAPD_MSGSTORE_H

#include "imapd.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "maildir_mailbox.h"
#include "tern.h"

struct msgstore_target {
	struct maildir_mailbox *mb;
	char path[4096];
	bool owned;		/* mb is ours (not the selected view's) */
};

/* Open the folder name (internal form) of the session's Maildir. -1
 * with *err_r NOTFOUND (answer [TRYCREATE]), SYNTAX or TEMP. */
int msgstore_open(struct imap_session *s, const char *name,
	struct msgstore_target *t, enum tern_err *err_r,
	const char **error_r);
void msgstore_close(struct msgstore_target *t);

/* Sync t and put the UID of each base name (up to ':') into uids_r[i]
 * (0 when not found: expunged at once by someone else). 0 or -1. */
int msgstore_uids(struct msgstore_target *t, char *const *bases, size_t n,
	uint32_t *uids_r, enum tern_err *err_r, const char **error_r);

/* "1:3,7" for uids (in the given order: ranges only where ascending by
 * one) appended to out. */
int msgstore_format_uidset(const uint32_t *uids, size_t n, struct buf *out);

/* fsync a directory (after links or renames into it). 0 or -1. */
int msgstore_fsync_dir(const char *dir);

#endif
