/* SPDX-License-Identifier: MIT */
/*
 * reply: IMAP response output and the store-error map (see reply.h).
 * Response codes after RFC 9051 7.1 and RFC 5530.
 */
#include <stdarg.h>
#include <stdio.h>

#include "reply.h"
#include "commands.h"
#include "condstore.h"
#include "log.h"
#include "mailbox_view.h"
#include "tern.h"

static void TERN_PRINTF(3, 0)
vline(struct stream *st, const char *prefix, const char *fmt, va_list ap)
{
	char text[IMAP_REPLY_TEXT_MAX];

	(void)vsnprintf(text, sizeof(text), fmt, ap);
	/* the session's stream tap traces it (trace.h) */
	stream_printf(st, "%s%s\r\n", prefix, text);
}

void
imap_untagged(struct imap_cmd *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(c->s->stream, "* ", fmt, ap);
	va_end(ap);
}

void
imap_session_untagged(struct imap_session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(s->stream, "* ", fmt, ap);
	va_end(ap);
}

void
imap_send_updates(struct imap_cmd *c)
{
	struct imap_session *s = c->s;
	bool expunges;

	if (s->view == NULL || s->state != IMAP_ST_SELECTED)
		return;
	/* RFC 9051 7.5.1: no EXPUNGE during a command that uses
	 * sequence numbers (FETCH, STORE, SEARCH without UID) */
	expunges = c->def == NULL || (c->def->flags & CMD_USES_SEQS) == 0 ||
	    c->uid;
	if (mailbox_view_sync(s->view, NULL, NULL) < 0) {
		/* RFC 9051 2.3.1.1: UIDVALIDITY cannot change under a
		 * client in a session; it must reselect (Dovecot also
		 * disconnects). Else logged; tried again next time. */
		if (s->view->uid_validity_changed && !c->close) {
			imap_untagged(c, "BYE Mailbox UIDVALIDITY changed");
			c->close = true;
		}
		return;
	}
	mailbox_view_send_updates(s->view, s->stream,
	    (expunges ? VIEW_UPDATE_EXPUNGE : 0) |
	    (imap_rev2(s) ? VIEW_UPDATE_REV2 : 0) | condstore_view_flags(s));
}

static void TERN_PRINTF(4, 0)
tagged(struct imap_cmd *c, const char *status, const char *code,
	const char *fmt, va_list ap)
{
	char text[IMAP_REPLY_TEXT_MAX];
	char prefix[IMAP_TAG_MAX + 16];

	c->n_final++;
	c->result = status[0];
	if (status[0] != 'B' && (c->def == NULL ||
	    (c->def->flags & CMD_NO_UPDATES) == 0))
		imap_send_updates(c);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	(void)snprintf(prefix, sizeof(prefix), "%s %s ", c->tag, status);
	if (code != NULL)
		stream_printf(c->s->stream, "%s[%s] %s\r\n", prefix, code,
		    text);
	else
		stream_printf(c->s->stream, "%s%s\r\n", prefix, text);
	if (status[0] != 'O') {
		char esc[LOG_ESCAPE_SIZE];

		log_info("reject", "cmd=%s reply=\"%s %s%s%s%s\"",
		    c->name[0] != '\0' ? c->name : "-", status,
		    code != NULL ? "[" : "", code != NULL ? code : "",
		    code != NULL ? "] " : "",
		    log_escape(text, strlen(text), esc, sizeof(esc)));
	}
}

void
imap_ok(struct imap_cmd *c, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tagged(c, "OK", code, fmt, ap);
	va_end(ap);
}

void
imap_no(struct imap_cmd *c, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tagged(c, "NO", code, fmt, ap);
	va_end(ap);
}

void
imap_bad(struct imap_cmd *c, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tagged(c, "BAD", code, fmt, ap);
	va_end(ap);
}

void
imap_gone(struct imap_cmd *c)
{
	c->n_final++;
	c->result = 'G';
}

void
imap_expunge_issued(struct imap_cmd *c)
{
	imap_no(c, "EXPUNGEISSUED",
	    "Some of the requested messages no longer exist");
}

const char *
imap_store_error_code(enum tern_err err, bool trycreate)
{
	switch (err) {
	case TERN_ERR_NOTFOUND:
		return trycreate ? "TRYCREATE" : "NONEXISTENT";
	case TERN_ERR_EXISTS:
		return "ALREADYEXISTS";
	case TERN_ERR_PERM:
		return "NOPERM";
	case TERN_ERR_QUOTA:
		return "OVERQUOTA";
	case TERN_ERR_TOOBIG:
		return "TOOBIG";
	case TERN_ERR_LIMIT:
		return "LIMIT";
	case TERN_ERR_SYNTAX:
		return "CANNOT";
	case TERN_OK:
	case TERN_ERR_TEMP:
	default:
		return "UNAVAILABLE";
	}
}

void
imap_store_error(struct imap_cmd *c, enum tern_err err, bool trycreate)
{
	static const char *const texts[] = {
		[TERN_OK] = "Temporary failure, try again later",
		[TERN_ERR_TEMP] = "Temporary failure, try again later",
		[TERN_ERR_NOTFOUND] = "Mailbox does not exist",
		[TERN_ERR_EXISTS] = "Mailbox already exists",
		[TERN_ERR_PERM] = "Permission denied",
		[TERN_ERR_QUOTA] = "Quota exceeded",
		[TERN_ERR_TOOBIG] = "Too big",
		[TERN_ERR_SYNTAX] = "Invalid mailbox name",
		[TERN_ERR_LIMIT] = "Limit reached",
	};
	const char *text = (size_t)err < N_ELEMENTS(texts) &&
	    texts[err] != NULL ? texts[err] : texts[TERN_ERR_TEMP];

	imap_no(c, imap_store_error_code(err, trycreate), "%s", text);
}
