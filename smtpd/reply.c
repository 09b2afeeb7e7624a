/* SPDX-License-Identifier: MIT */
/*
 * reply: reply texts (one table) and the store-error map. The codes are
 * RFC 5321 4.2.3 plus RFC 3463 enhanced codes; the texts say what
 * Postfix's say, without paths or errno.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>

#include "reply.h"
#include "tern.h"

static const struct {
	int code;
	const char *esc;
	const char *text;
} reply_table[RPL_N] = {
	[RPL_OK] = { 250, "2.0.0", "Ok" },
	[RPL_MAIL_OK] = { 250, "2.1.0", "Ok" },
	[RPL_RCPT_OK] = { 250, "2.1.5", "Ok" },
	[RPL_DATA_GO] = { 354, NULL, "End data with <CR><LF>.<CR><LF>" },
	[RPL_BYE] = { 221, "2.0.0", "Bye" },
	[RPL_HELP] = { 214, "2.0.0", "Commands: HELO EHLO MAIL RCPT DATA BDAT "
	    "RSET NOOP QUIT HELP VRFY STARTTLS AUTH" },
	[RPL_VRFY] = { 252, "2.0.0", "Cannot VRFY user, but will accept "
	    "message and attempt delivery" },
	[RPL_TLS_GO] = { 220, "2.0.0", "Ready to start TLS" },
	[RPL_AUTH_OK] = { 235, "2.7.0", "Authentication successful" },
	[RPL_UNKNOWN_CMD] = { 500, "5.5.1", "Command unrecognized" },
	[RPL_LINE_TOO_LONG] = { 500, "5.5.2", "Line too long" },
	[RPL_SYNTAX] = { 501, "5.5.4", "Syntax error" },
	[RPL_BAD_SEQUENCE] = { 503, "5.5.1", "Bad sequence of commands" },
	[RPL_NOT_IMPL] = { 502, "5.5.1", "Command not implemented" },
	[RPL_PARAM] = { 555, "5.5.4", "Unsupported parameter" },
	[RPL_NEED_TLS] = { 530, "5.7.0", "Must issue a STARTTLS command first" },
	[RPL_NEED_AUTH] = { 530, "5.7.0", "Authentication required" },
	[RPL_ENCRYPT_REQUIRED] = { 538, "5.7.11",
	    "Encryption required for requested authentication mechanism" },
	[RPL_AUTH_FAILED] = { 535, "5.7.8",
	    "Authentication credentials invalid" },
	[RPL_AUTH_CANCEL] = { 501, "5.7.0", "Authentication canceled" },
	[RPL_AUTH_TEMP] = { 454, "4.7.0", "Temporary authentication failure" },
	[RPL_AUTH_MECH] = { 504, "5.5.4", "Unrecognized authentication type" },
	[RPL_AUTH_TWICE] = { 503, "5.5.1", "Already authenticated" },
	[RPL_TLS_TWICE] = { 503, "5.5.1", "TLS already active" },
	[RPL_TLS_UNAVAILABLE] = { 454, "4.7.0",
	    "TLS not available due to temporary reason" },
	[RPL_TLS_PIPELINED] = { 554, "5.5.1",
	    "Pipelined input after STARTTLS: closing" },
	[RPL_BAD_SENDER] = { 501, "5.1.7", "Bad sender address syntax" },
	[RPL_BAD_RCPT] = { 501, "5.1.3", "Bad recipient address syntax" },
	[RPL_NEED_UTF8] = { 553, "5.6.7",
	    "Non-ASCII address requires SMTPUTF8" },
	[RPL_NO_USER] = { 550, "5.1.1", "User unknown" },
	[RPL_RELAY_DENIED] = { 554, "5.7.1", "Relay access denied" },
	[RPL_TOO_MANY_RCPTS] = { 452, "4.5.3", "Too many recipients" },
	[RPL_TOO_BIG] = { 552, "5.3.4", "Message size exceeds fixed limit" },
	[RPL_BARE_LF] = { 521, "5.5.2",
	    "Bare CR or LF received: lines must end in CRLF" },
	[RPL_BDAT_SYNTAX] = { 501, "5.5.4", "Bad BDAT size: closing" },
	[RPL_TEMP] = { 451, "4.3.0", "Temporary failure, try again later" },
	[RPL_TOO_MANY_ERRORS] = { 421, "4.7.0", "Too many errors: closing" },
	[RPL_TIMEOUT] = { 421, "4.4.2", "Timeout exceeded: closing" },
	[RPL_BUSY] = { 421, "4.7.0", "Too many connections: try again later" },
	[RPL_HTTP] = { 521, "5.7.0", "This is an SMTP server: closing" },
};

void
reply_init(struct reply *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->text, REPLY_TEXT_MAX);
}

void
reply_clear(struct reply *r)
{
	buf_clear(&r->text);
}

void
reply_reset(struct reply *r)
{
	buf_reset(&r->text);
	r->code = 0;
	r->n_final = 0;
	r->close = false;
	r->start_tls = false;
}

static void
add(struct reply *r, int code, char sep, const char *esc, const char *text)
{
	/* XXX: a reply over REPLY_TEXT_MAX is a bug in the caller */
	if (buf_appendf(&r->text, "%03d%c%s%s%s\r\n", code, sep,
	    esc != NULL ? esc : "", esc != NULL ? " " : "", text) < 0)
		tern_panic("reply: text over %d bytes", REPLY_TEXT_MAX);
}

void
reply_add_line(struct reply *r, int code, const char *esc, const char *text)
{
	assert(r->n_final == 0);
	add(r, code, '-', esc, text);
}

void
reply_set(struct reply *r, int code, const char *esc, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	r->n_final++;
	r->code = code;
	add(r, code, ' ', esc, text);
}

void
reply_std(struct reply *r, enum smtp_reply_id id)
{
	assert(id < RPL_N && reply_table[id].code != 0);
	reply_set(r, reply_table[id].code, reply_table[id].esc, "%s",
	    reply_table[id].text);
	if (reply_table[id].code == 421 || id == RPL_BARE_LF || id == RPL_HTTP ||
	    id == RPL_BDAT_SYNTAX || id == RPL_TLS_PIPELINED)
		r->close = true;
}

void
reply_store_error(struct reply *r, enum tern_err err)
{
	switch (err) {
	case TERN_ERR_NOTFOUND:
		reply_std(r, RPL_NO_USER);
		break;
	case TERN_ERR_QUOTA:
		reply_set(r, 552, "5.2.2", "Mailbox full");
		break;
	case TERN_ERR_TOOBIG:
		reply_std(r, RPL_TOO_BIG);
		break;
	case TERN_OK:
	case TERN_ERR_TEMP:
	case TERN_ERR_EXISTS:
	case TERN_ERR_PERM:
	case TERN_ERR_SYNTAX:
	case TERN_ERR_LIMIT:
	default:
		reply_std(r, RPL_TEMP);
		break;
	}
}

const char *
reply_last_line(const struct reply *r)
{
	static char line[1100];
	const char *end, *start;
	size_t len;

	if (r->text.len < 2)
		return "";
	end = r->text.data + r->text.len - 2;	/* before the last CRLF */
	start = end;
	while (start > r->text.data && start[-1] != '\n')
		start--;
	len = (size_t)(end - start);
	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	memcpy(line, start, len);
	line[len] = '\0';
	return line;
}
