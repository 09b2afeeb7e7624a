/* SPDX-License-Identifier: MIT */
/*
 * parse: pure parsers for SMTP command lines (RFC 5321 4.1.1): the verb
 * and its arguments, MAIL/RCPT paths and ESMTP parameters (SIZE RFC 1870,
 * BODY RFC 6152, SMTPUTF8 RFC 6531, AUTH= RFC 4954 5), EHLO, BDAT (RFC
 * 3030) and AUTH. No I/O; errors are static strings; the caller picks the
 * reply.
 */
#ifndef SMTPD_PARSE_H
#define SMTPD_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include "addr.h"
#include "arena.h"
#include "tern.h"

#define SMTP_VERB_MAX 16	/* longest verb we look up ("STARTTLS") */
#define SMTP_PARAMS_MAX 16	/* ESMTP parameters per MAIL/RCPT */
#define SMTP_HELO_MAX 255	/* RFC 5321 4.5.3.1.2: a domain */

struct smtp_cmd_line {
	struct span verb;	/* 1*ALPHA, as sent */
	struct span args;	/* after the first space, trimmed; may be empty */
};

/* Split a command line. -1 with *error_r for a NUL, a bad verb, or an
 * empty line. */
int parse_command(struct span line, struct smtp_cmd_line *out_r,
	const char **error_r);

enum smtp_body {
	SMTP_BODY_NONE,		/* not given */
	SMTP_BODY_7BIT,
	SMTP_BODY_8BITMIME,
};

struct smtp_mail_args {
	struct addr path;
	bool has_size;
	uint64_t size;		/* SIZE= (RFC 1870) */
	enum smtp_body body;
	bool smtputf8;		/* SMTPUTF8 (RFC 6531 3.4) */
	const char *auth;	/* AUTH= decoded xtext; "" for <>; NULL */
};

/* Return values of parse_mail and parse_rcpt besides 0. */
#define PARSE_ERR_SYNTAX -1	/* 501: bad syntax or address */
#define PARSE_ERR_PARAM -2	/* 555 5.5.4: unknown parameter or value */
#define PARSE_ERR_ARGS -3	/* 501 5.5.4: malformed parameter */

/*
 * "FROM:<path> [params]" (any case; spaces after the colon tolerated, as
 * Outlook sends them). The path may contain UTF-8 in any case: the caller
 * answers 553 5.6.7 when path.utf8 && !smtputf8 (RFC 6531 3.7.1). 0,
 * PARSE_ERR_SYNTAX, PARSE_ERR_PARAM or PARSE_ERR_ARGS with a static
 * *error_r. Strings in
 * arena a.
 */
int parse_mail(struct span args, struct arena *a, struct smtp_mail_args *out_r,
	const char **error_r);

struct smtp_rcpt_args {
	struct addr path;
};

/* "TO:<path>" ("<Postmaster>" allowed); no parameters are supported
 * (no DSN). Same returns as parse_mail. */
int parse_rcpt(struct span args, struct arena *a, struct smtp_rcpt_args *out_r,
	const char **error_r);

/* EHLO/HELO argument: a domain or address literal; lenient (as Postfix
 * by default): the first word, printable ASCII/UTF-8, at most
 * SMTP_HELO_MAX bytes. *name_r in arena a. */
int parse_helo(struct span args, struct arena *a, const char **name_r,
	const char **error_r);

/* "chunk-size [LAST]" (RFC 3030 4); size at most max. */
int parse_bdat(struct span args, uint64_t max, uint64_t *size_r, bool *last_r,
	const char **error_r);

/* "mechanism [initial-response]" (RFC 4954 4). initial_r.p is NULL when
 * there is none. */
int parse_auth(struct span args, struct span *mech_r, struct span *initial_r,
	const char **error_r);

/* Decode RFC 3461 4 xtext ("+2B" -> '+') into arena a. -1 if malformed. */
int parse_xtext(struct span in, struct arena *a, const char **out_r);

#endif
