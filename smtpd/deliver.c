/* SPDX-License-Identifier: MIT */
/*
 * deliver: all-or-nothing delivery of one message to N Maildirs and the
 * queue (qmail discipline per copy: tmp, fsync, rename, fsync dir; here
 * all tmp files first, then all renames, so one failure can still undo
 * the rest). XXX: a crash between the renames and the queue commit can
 * leave some copies delivered; the window is a few renames long.
 */
#include <stdio.h>
#include <stdlib.h>

#include "deliver.h"
#include "log.h"
#include "maildir.h"
#include "queue.h"
#include "received.h"
#include "str.h"
#include "xmalloc.h"
#include "tern.h"

#define TRACE_HEADER_MAX 4096

struct delivery {
	struct maildir_delivery **copies;	/* one per local recipient */
	size_t n_copies;
	struct queue_entry *queue;		/* remote recipients */
	char queue_id[13];
	bool failed;				/* a write failed */
};

const char *
deliver_queue_id(const struct delivery *d)
{
	return d->queue_id;
}

static void
trace_info(const struct smtp_session *s, const char *qid, const char *rcpt,
	struct received_info *ri)
{
	bool tls = stream_is_tls(s->stream);

	memset(ri, 0, sizeof(*ri));
	ri->helo = s->helo;
	ri->client_name = NULL;
	ri->client_addr = s->client->addr;
	ri->hostname = s->cfg->hostname;
	ri->protocol = received_protocol(s->esmtp, tls, s->auth_user != NULL,
	    s->tx.mail.smtputf8);
	ri->tls_info = tls ? stream_tls_info(s->stream) : NULL;
	ri->auth_user = s->auth_user;
	ri->queue_id = qid;
	ri->for_rcpt = rcpt;
	ri->when = s->now();
}

static int
begin_queue(struct smtp_session *s, struct delivery *d, enum tern_err *err_r)
{
	const char **rcpts;
	struct queue_envelope env;
	struct received_info ri;
	struct buf hdr;
	const char *error, *one = NULL;
	size_t i, n = 0;
	int ret;

	rcpts = arena_alloc_array(s->tx_arena, s->tx.n_remote, sizeof(*rcpts));
	for (i = 0; i < s->tx.n_rcpts; i++) {
		if (s->tx.rcpts[i].maildir == NULL)
			rcpts[n++] = s->tx.rcpts[i].addr.addr;
	}
	memset(&env, 0, sizeof(env));
	env.sender = s->tx.mail.path.addr;
	env.auth_user = s->auth_user;
	env.recipients = rcpts;
	env.n_recipients = n;
	env.body_8bit = s->tx.mail.body == SMTP_BODY_8BITMIME;
	env.smtputf8 = s->tx.mail.smtputf8;
	if (queue_entry_begin(s->cfg->queue_dir, &env, d->queue_id, &d->queue,
	    &error) < 0) {
		log_error("queue", "dir=%s error=\"%s\"", s->cfg->queue_dir,
		    error);
		*err_r = TERN_ERR_TEMP;
		return -1;
	}
	if (n == 1)
		one = rcpts[0];
	trace_info(s, d->queue_id, one, &ri);
	buf_init(&hdr, TRACE_HEADER_MAX);
	ret = received_header(&hdr, &ri);
	if (ret == 0)
		ret = queue_entry_write(d->queue, hdr.data, hdr.len);
	buf_clear(&hdr);
	if (ret < 0) {
		log_error("queue", "id=%s error=\"write failed\"", d->queue_id);
		*err_r = TERN_ERR_TEMP;
		return -1;
	}
	return 0;
}

static int
begin_copy(struct smtp_session *s, struct delivery *d,
	const struct smtp_rcpt *rcpt, enum tern_err *err_r)
{
	struct maildir_delivery *md;
	struct received_info ri;
	struct buf hdr;
	const char *error;
	int ret;

	if (maildir_delivery_begin(rcpt->maildir, &md, err_r, &error) < 0) {
		log_error("deliver", "to=<%s> maildir=%s error=\"%s\"",
		    rcpt->addr.addr, rcpt->maildir, error);
		return -1;
	}
	d->copies[d->n_copies++] = md;
	trace_info(s, d->queue_id, rcpt->addr.addr, &ri);
	buf_init(&hdr, TRACE_HEADER_MAX);
	/* RFC 5321 4.4: Return-Path at final delivery */
	ret = buf_appendf(&hdr, "Return-Path: <%s>\r\nDelivered-To: %s\r\n",
	    s->tx.mail.path.addr, rcpt->addr.addr);
	if (ret == 0)
		ret = received_header(&hdr, &ri);
	if (ret == 0)
		ret = maildir_delivery_write(md, hdr.data, hdr.len);
	buf_clear(&hdr);
	if (ret < 0) {
		log_error("deliver", "to=<%s> error=\"header write failed\"",
		    rcpt->addr.addr);
		*err_r = TERN_ERR_TEMP;
		return -1;
	}
	return 0;
}

int
deliver_begin(struct smtp_session *s, struct delivery **d_r,
	enum tern_err *err_r)
{
	struct delivery *d = xcalloc(1, sizeof(*d));
	size_t i;

	d->copies = xcalloc(s->tx.n_rcpts + 1, sizeof(*d->copies));
	if (s->tx.n_remote > 0) {
		if (begin_queue(s, d, err_r) < 0)
			goto fail;
	} else {
		str_random_hex(d->queue_id, 6);
	}
	log_set_id(d->queue_id);
	for (i = 0; i < s->tx.n_rcpts; i++) {
		if (s->tx.rcpts[i].maildir == NULL)
			continue;
		if (begin_copy(s, d, &s->tx.rcpts[i], err_r) < 0)
			goto fail;
	}
	*d_r = d;
	return 0;
fail:
	deliver_abort(&d);
	return -1;
}

int
deliver_write(struct delivery *d, const void *p, size_t len)
{
	size_t i;

	if (d->failed)
		return -1;
	for (i = 0; i < d->n_copies; i++) {
		if (maildir_delivery_write(d->copies[i], p, len) < 0)
			d->failed = true;
	}
	if (d->queue != NULL && queue_entry_write(d->queue, p, len) < 0)
		d->failed = true;
	return d->failed ? -1 : 0;
}

/* Free *dp and its copies, keeping them (after commit) or taking them
 * back (abort: tmp files and published files are unlinked). */
static void
release(struct delivery **dp, bool keep)
{
	struct delivery *d = *dp;
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n_copies; i++) {
		if (keep)
			maildir_delivery_free(&d->copies[i]);
		else
			maildir_delivery_abort(&d->copies[i]);
	}
	if (d->queue != NULL && keep)
		queue_entry_free(&d->queue);
	else if (d->queue != NULL)
		queue_entry_abort(&d->queue);
	free(d->copies);
	free(d);
	*dp = NULL;
}

int
deliver_commit(struct delivery **dp, enum tern_err *err_r)
{
	struct delivery *d = *dp;
	const char *error = "write failed", *base;
	size_t i;

	*err_r = TERN_ERR_TEMP;
	if (d->failed)
		goto fail;
	for (i = 0; i < d->n_copies; i++) {
		if (maildir_delivery_sync(d->copies[i], &error) < 0)
			goto fail;
	}
	for (i = 0; i < d->n_copies; i++) {
		if (maildir_delivery_publish(d->copies[i], NULL, &base,
		    &error) < 0)
			goto fail;
	}
	/* the queue last: after it commits nothing can fail any more */
	if (d->queue != NULL && queue_entry_commit(d->queue, &error) < 0)
		goto fail;
	release(dp, true);
	return 0;
fail:
	log_error("deliver", "status=failed error=\"%s\"", error);
	deliver_abort(dp);
	return -1;
}

void
deliver_abort(struct delivery **dp)
{
	release(dp, false);
}
