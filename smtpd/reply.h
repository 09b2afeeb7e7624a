/* SPDX-License-Identifier: MIT */
/*
 * reply: one SMTP reply per command (chasquid's (code, msg) return). A
 * handler adds continuation lines with reply_add_line() and ends with
 * exactly one reply_set()/reply_std()/reply_store_error(); the session
 * loop sends it, logs it when it is 4xx/5xx, and counts it. Texts of the
 * common replies live in one table (OpenSMTPD esc.c); every reply after
 * the greeting carries an RFC 3463 code.
 */
#ifndef SMTPD_REPLY_H
#define SMTPD_REPLY_H

#include <stdbool.h>
#include "buf.h"
#include "tern.h"

#define REPLY_TEXT_MAX 4096	/* all lines of one reply */

struct reply {
	int code;		/* final code; 0 until set */
	unsigned n_final;	/* reply_set calls: must end as 1 */
	struct buf text;	/* "250-...\r\n"... "250 ...\r\n" */
	bool close;		/* close the session after sending */
	bool start_tls;		/* TLS handshake after sending (STARTTLS) */
};

/* The standard replies; texts in reply.c. */
enum smtp_reply_id {
	RPL_OK,			/* 250 2.0.0 Ok */
	RPL_MAIL_OK,		/* 250 2.1.0 Ok */
	RPL_RCPT_OK,		/* 250 2.1.5 Ok */
	RPL_DATA_GO,		/* 354 End data with <CR><LF>.<CR><LF> */
	RPL_BYE,			/* 221 2.0.0 Bye */
	RPL_HELP,			/* 214 2.0.0 ... */
	RPL_VRFY,			/* 252 2.0.0 Cannot VRFY user ... */
	RPL_TLS_GO,		/* 220 2.0.0 Ready to start TLS */
	RPL_AUTH_OK,		/* 235 2.7.0 Authentication successful */
	RPL_UNKNOWN_CMD,		/* 500 5.5.1 Command unrecognized */
	RPL_LINE_TOO_LONG,	/* 500 5.5.2 Line too long */
	RPL_SYNTAX,		/* 501 5.5.4 Syntax error */
	RPL_BAD_SEQUENCE,		/* 503 5.5.1 Bad sequence of commands */
	RPL_NOT_IMPL,		/* 502 5.5.1 Command not implemented */
	RPL_PARAM,		/* 555 5.5.4 Unsupported parameter */
	RPL_NEED_TLS,		/* 530 5.7.0 Must issue a STARTTLS first */
	RPL_NEED_AUTH,		/* 530 5.7.0 Authentication required */
	RPL_ENCRYPT_REQUIRED,	/* 538 5.7.11 Encryption required ... */
	RPL_AUTH_FAILED,		/* 535 5.7.8 Authentication failed */
	RPL_AUTH_CANCEL,		/* 501 5.7.0 Authentication canceled */
	RPL_AUTH_TEMP,		/* 454 4.7.0 Temporary authentication failure */
	RPL_AUTH_MECH,		/* 504 5.5.4 Unrecognized authentication type */
	RPL_AUTH_TWICE,		/* 503 5.5.1 Already authenticated */
	RPL_TLS_TWICE,		/* 503 5.5.1 Already in TLS */
	RPL_TLS_UNAVAILABLE,	/* 454 4.7.0 TLS not available */
	RPL_TLS_PIPELINED,	/* 554 5.5.1 Input after STARTTLS: closing */
	RPL_BAD_SENDER,		/* 501 5.1.7 Bad sender address syntax */
	RPL_BAD_RCPT,		/* 501 5.1.3 Bad recipient address syntax */
	RPL_NEED_UTF8,		/* 553 5.6.7 SMTPUTF8 required */
	RPL_NO_USER,		/* 550 5.1.1 User unknown */
	RPL_RELAY_DENIED,		/* 554 5.7.1 Relay access denied */
	RPL_TOO_MANY_RCPTS,	/* 452 4.5.3 Too many recipients */
	RPL_TOO_BIG,		/* 552 5.3.4 Message size exceeds limit */
	RPL_BARE_LF,		/* 521 5.5.2 Bare CR or LF: use CRLF */
	RPL_BDAT_SYNTAX,		/* 501 5.5.4 Bad BDAT: closing */
	RPL_TEMP,			/* 451 4.3.0 Temporary failure, try later */
	RPL_TOO_MANY_ERRORS,	/* 421 4.7.0 Too many errors */
	RPL_TIMEOUT,		/* 421 4.4.2 Timeout */
	RPL_BUSY,			/* 421 4.7.0 Too many connections */
	RPL_HTTP,			/* 521 5.7.0 Not an HTTP server */
	RPL_N
};

void reply_init(struct reply *r);
void reply_clear(struct reply *r);
/* Empty it for the next command. */
void reply_reset(struct reply *r);

/* A continuation line "code-esc text" (esc may be NULL: none). */
void reply_add_line(struct reply *r, int code, const char *esc,
	const char *text);
/* The final line "code esc text". */
void reply_set(struct reply *r, int code, const char *esc, const char *fmt,
	...) TERN_PRINTF(4, 5);
/* A standard reply from the table. */
void reply_std(struct reply *r, enum smtp_reply_id id);
/* The store-error map: TEMP 451 4.3.0, NOTFOUND 550 5.1.1, QUOTA 552
 * 5.2.2, TOOBIG 552 5.3.4, others 451 4.3.0. Paths and errno go to the
 * log, never to the client. */
void reply_store_error(struct reply *r, enum tern_err err);

/* The final line of r without CRLF, for the log. */
const char *reply_last_line(const struct reply *r);

#endif
