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
#include <time.h>

#include "deliver.h"
#include "header_fixup.h"
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
	/* authenticated submission: Date and Message-ID to add when the
	 * message has none (RFC 6409 8.2, 8.3) */
	bool fixup;
	struct header_fixup hf;
	char date[64];
	char message_id[160];
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

/* What an authenticated client's message gets if it lacks them. */
static void
fixup_begin(const struct smtp_session *s, struct delivery *d)
{
	char rnd[17];
	time_t now = s->now();
	struct tm tm;
	int n;

	if (received_date(now, d->date, sizeof(d->date)) < 0)
		return;
	str_random_hex(rnd, 8);
	gmtime_r(&now, &tm);
	n = snprintf(d->message_id, sizeof(d->message_id),
	    "<%04d%02d%02d%02d%02d%02d.%s.%s@%s>", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    d->queue_id, rnd, s->cfg->hostname);
	if (n < 0 || (size_t)n >= sizeof(d->message_id))
		return;
	header_fixup_init(&d->hf);
	d->fixup = true;
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
	if (s->auth_user != NULL)
		fixup_begin(s, d);
	*d_r = d;
	return 0;
fail:
	deliver_abort(&d);
	return -1;
}

static int
write_copies(struct delivery *d, const void *p, size_t len)
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

/* Write the fields the client left out; blank: the body began without
 * the empty line, so end the header section here. */
static void
fixup_write(struct delivery *d, bool blank)
{
	char line[256];
	int n;

	d->fixup = false;
	if (d->hf.have_date && d->hf.have_message_id)
		return;
	if (!d->hf.have_date) {
		n = snprintf(line, sizeof(line), "Date: %s\r\n", d->date);
		if (n > 0 && (size_t)n < sizeof(line))
			(void)write_copies(d, line, (size_t)n);
	}
	if (!d->hf.have_message_id) {
		n = snprintf(line, sizeof(line), "Message-ID: %s\r\n",
		    d->message_id);
		if (n > 0 && (size_t)n < sizeof(line))
			(void)write_copies(d, line, (size_t)n);
	}
	if (blank)
		(void)write_copies(d, "\r\n", 2);
}

int
deliver_write(struct delivery *d, const void *p, size_t len)
{
	size_t at;
	bool end;

	if (d->fixup) {
		at = header_fixup_scan(&d->hf, p, len, &end);
		if (end) {
			(void)write_copies(d, p, at);
			fixup_write(d, d->hf.need_blank);
			return write_copies(d, (const char *)p + at,
			    len - at);
		}
	}
	return write_copies(d, p, len);
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
	/* a message of header fields only: append them at the end */
	if (d->fixup && header_fixup_can_append(&d->hf))
		fixup_write(d, false);
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
