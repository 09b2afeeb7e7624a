/* SPDX-License-Identifier: MIT */
/*
 * submit: SMTP submission of one finished message with libcurl, shared
 * by "mailcli send" and "mailcli sendmail".
 */
#ifndef MAILCLI_SUBMIT_H
#define MAILCLI_SUBMIT_H

#include <stddef.h>
#include "mailcli.h"

#define SUBMIT_URL_MAX 512

struct submit_result {
	char url[SUBMIT_URL_MAX];	/* "smtps://host:465" */
	long smtp_code;			/* the last reply code, 0: none */
};

/*
 * Send msg (CRLF lines) from the envelope sender from to the n
 * addresses rcpts through a's SMTP server. EX_OK, or a sysexits code
 * after a message on stderr that quotes the server's reply:
 * EX_NOHOST, EX_UNAVAILABLE (no connection), EX_PROTOCOL (TLS or
 * certificate), EX_NOPERM (authentication), EX_TEMPFAIL (4xx),
 * EX_DATAERR (5xx), EX_CONFIG.
 */
int submit_message(struct mc_ctx *ctx, struct mc_account *a,
	const char *from, const char *const *rcpts, size_t nrcpts,
	const char *msg, size_t len, struct submit_result *res);

/* The sysexits code for a libcurl result and the last SMTP reply code. */
int submit_exit_code(int curl_code, long smtp_code);

#endif
