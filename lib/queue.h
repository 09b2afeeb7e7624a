/* SPDX-License-Identifier: MIT */
/*
 * queue: the outbound queue directory, one file per message, written with
 * the Maildir discipline: <queue>/tmp/<id> -> fsync -> rename into
 * <queue>/new/<id> -> fsync. The relay (a later program) claims a file by
 * renaming it into its own directory. File format: an envelope of text
 * lines, a blank line, then the message (LF line endings):
 *   V 1
 *   I <queue id>
 *   T <unix time queued>
 *   F <sender>            ("F " and nothing more for the null sender)
 *   A <auth user>         (who submitted it; may be absent)
 *   R <recipient>         (one per recipient)
 *   B 8BITMIME|7BIT ; U (SMTPUTF8)  (optional)
 */
#ifndef TERN_QUEUE_H
#define TERN_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include "tern.h"

struct queue_entry;

struct queue_envelope {
	const char *sender;		/* "" for <> */
	const char *auth_user;		/* NULL if none */
	const char *const *recipients;
	size_t n_recipients;
	bool body_8bit;
	bool smtputf8;
};

/* Start a queue file in <queue_dir>/tmp/ (queue_dir, tmp/ and new/ are
 * created if missing); id_r (13 bytes) receives the queue id, 12 hex
 * digits. -1 with a static *error_r for an envelope field holding CR or
 * LF, no recipients, or an I/O error. */
int queue_entry_begin(const char *queue_dir, const struct queue_envelope *env,
	char id_r[13], struct queue_entry **e_r, const char **error_r);
/* Message bytes, CRLF written as LF. */
int queue_entry_write(struct queue_entry *e, const void *p, size_t len);
/* fsync, rename into new/, fsync new/. After 0 the message is queued. */
int queue_entry_commit(struct queue_entry *e, const char **error_r);
/* Unlink the tmp file (or the committed one: rollback). Sets *e NULL. */
void queue_entry_abort(struct queue_entry **e);
void queue_entry_free(struct queue_entry **e);

#endif
