/* SPDX-License-Identifier: MIT */
/*
 * sasl: server side of SASL PLAIN (RFC 4616) and LOGIN, shared by smtpd,
 * imapd and pop3d. It speaks base64 in and out; the protocol wraps it
 * ("334 ", "+ ") and handles "*" cancellation itself.
 */
#ifndef TERN_SASL_H
#define TERN_SASL_H

#include <stdbool.h>
#include "auth.h"
#include "buf.h"
#include "tern.h"

struct sasl_server;

enum sasl_status {
	SASL_CONTINUE,	/* send *challenge_r (base64), wait for a response */
	SASL_OK,	/* authenticated as sasl_server_user() */
	SASL_FAIL,	/* bad credentials: 535 / NO [AUTHENTICATIONFAILED] */
	SASL_TEMPFAIL,	/* user database unavailable: 454 / NO [UNAVAILABLE] */
	SASL_BAD,	/* malformed: bad base64, bad message: 501 / BAD */
};

/* mech is matched case-insensitively: NULL if not supported. */
struct sasl_server *sasl_server_new(const char *mech, struct auth_db *db);
void sasl_server_free(struct sasl_server **s);
/* Names of the mechanisms, space separated: "PLAIN LOGIN". */
const char *sasl_mechanisms(void);

/*
 * One step. response is the client's base64 text (without CRLF), or NULL
 * when there was no initial response; "=" is an empty initial response
 * (RFC 4954 4). On SASL_CONTINUE *challenge_r holds the base64 challenge
 * (possibly empty). *error_r is a static text for the log.
 */
enum sasl_status sasl_server_step(struct sasl_server *s, const char *response,
	struct buf *challenge_r, const char **error_r);
/* The authenticated identity after SASL_OK (owned by s), else NULL;
 * the username attempted so far for logs otherwise (may be NULL). */
const char *sasl_server_user(const struct sasl_server *s);

/* Base64 helpers (RFC 4648) shared with the protocols: -1 if malformed
 * or over out's max. */
int base64_decode(struct span in, struct buf *out);
int base64_encode(const void *p, size_t len, struct buf *out);

#endif
