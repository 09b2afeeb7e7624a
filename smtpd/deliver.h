/* SPDX-License-Identifier: MIT */
/*
 * deliver: one accepted message to all its recipients, all or nothing.
 * Each local recipient gets its own copy in its Maildir (Return-Path,
 * Delivered-To, Received, then the message), remote recipients share one
 * queue file. deliver_commit() syncs every copy, publishes them, commits
 * the queue file, and on any failure unlinks what it had published, so
 * that 250 means every copy is durable and 451 means none exists.
 */
#ifndef SMTPD_DELIVER_H
#define SMTPD_DELIVER_H

#include "smtpd.h"

struct delivery;

/* Open every copy for the transaction of s and write the trace headers.
 * -1 with *err_r (for reply_store_error) after logging the cause. */
int deliver_begin(struct smtp_session *s, struct delivery **d_r,
	enum tern_err *err_r);
/* Message bytes (CRLF line ends; the store writes LF). 0 or -1; a
 * failure is reported again by deliver_commit(). */
int deliver_write(struct delivery *d, const void *p, size_t len);
/* Make every copy durable, then free d (*d = NULL). 0, or -1 with
 * *err_r after logging, and nothing delivered. */
int deliver_commit(struct delivery **d, enum tern_err *err_r);
/* Drop every copy (also published ones); *d = NULL; accepts NULL. */
void deliver_abort(struct delivery **d);
/* The queue id of the message (for the log and Received). */
const char *deliver_queue_id(const struct delivery *d);

#endif
