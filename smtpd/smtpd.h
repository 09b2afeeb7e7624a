/* SPDX-License-Identifier: MIT */
/*
 * smtpd.h: the session shared by smtpd's command files. One session is
 * sequential blocking code in its own process; it lives in the session
 * arena, a transaction (MAIL..DATA) in the transaction arena, a command's
 * scratch in the command arena (STYLE.md 4).
 */
#ifndef SMTPD_SMTPD_H
#define SMTPD_SMTPD_H

#include <stdbool.h>
#include <stdint.h>
#include <openssl/ssl.h>
#include "addr.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "config.h"
#include "parse.h"
#include "reply.h"
#include "server.h"
#include "stream.h"
#include "tern.h"

#define SMTP_DATA_LINE_MAX (1024 * 1024)	/* RFC 5321 4.5.3.1.6 says
						 * 1000; we take longer, as
						 * Postfix does, but bounded */
#define SMTP_CMD_LINE_MIN 512	/* RFC 5321 4.5.3.1.4 */
#define SMTP_BDAT_READ_MAX (64 * 1024)	/* bytes per read of a chunk */
#define SMTP_SESSION_MAX_SECS (60 * 60)	/* absolute session deadline */

/* States, as bits so the command table can allow several. */
enum smtp_state {
	SMTP_ST_INIT = 1 << 0,		/* greeted us? not yet: no EHLO */
	SMTP_ST_GREETED = 1 << 1,	/* EHLO/HELO done, no transaction */
	SMTP_ST_MAIL = 1 << 2,		/* MAIL accepted, no RCPT yet */
	SMTP_ST_RCPT = 1 << 3,		/* one or more RCPT accepted */
	SMTP_ST_BDAT = 1 << 4,		/* BDAT chunks arriving */
};
#define SMTP_ST_ANY 0x1f
#define SMTP_ST_TX (SMTP_ST_MAIL | SMTP_ST_RCPT | SMTP_ST_BDAT)

const char *smtp_state_name(enum smtp_state st);

struct delivery;

struct smtp_rcpt {
	struct addr addr;
	const char *maildir;	/* local: the Maildir path; NULL: remote */
};

/* One mail transaction, in the transaction arena. */
struct smtp_tx {
	struct smtp_mail_args mail;
	struct smtp_rcpt *rcpts;
	size_t n_rcpts, cap_rcpts;
	size_t n_remote;
	struct delivery *delivery;	/* BDAT in progress */
	uint64_t bdat_size;		/* bytes of BDAT so far */
};

enum smtp_counter {
	SMTP_COUNT_CMDS,
	SMTP_COUNT_ERRORS,
	SMTP_COUNT_MESSAGES,
	SMTP_COUNT_RCPTS,
	SMTP_COUNT_N
};

struct smtp_session {
	const struct tern_config *cfg;
	const struct listener_config *listener;
	const struct server_client *client;
	struct stream *stream;
	SSL_CTX *tls_ctx;		/* NULL: no STARTTLS */
	struct auth_db *auth_db;	/* NULL: no users (all unknown) */
	struct arena *arena;		/* session */
	struct arena *cmd_arena;
	struct arena *tx_arena;
	char id[13];			/* session id for the log */
	enum smtp_state state;
	const char *helo;		/* session arena; NULL before EHLO */
	bool esmtp;			/* EHLO rather than HELO */
	const char *auth_user;		/* session arena; NULL: not authed */
	struct smtp_tx tx;
	unsigned counts[SMTP_COUNT_N];
	bool quit;			/* close after the current reply */
	struct buf line;		/* the current command line */
	time_t (*now)(void);		/* clock, injected for tests */
	unsigned max_secs;		/* whole-session limit (tests
					 * shorten it) */
	long deadline;			/* of the session: monotonic s */
};

/* The session's text for the client in logs: "host[addr]:port". */
const char *smtp_client_name(const struct smtp_session *s);

/* AUTH may be offered now (listener, TLS, plaintext policy, not yet
 * authenticated). */
bool smtp_auth_offered(const struct smtp_session *s);
/* Plaintext AUTH is allowed on this connection without TLS. */
bool smtp_plaintext_ok(const struct smtp_session *s);
/* STARTTLS may be offered now. */
bool smtp_starttls_offered(const struct smtp_session *s);

/* Forget the transaction (RSET, after DATA, EHLO, STARTTLS): aborts a
 * BDAT delivery in progress and resets the transaction arena. */
void smtp_tx_reset(struct smtp_session *s);

/* Run one session over s->stream until QUIT, EOF, error or a limit.
 * Sends the greeting (or the 421 refusal of client->refuse_reason). */
void smtp_session_run(struct smtp_session *s);

/* Set up / tear down a session around smtp_session_run (main.c and the
 * tests). The stream is owned by the caller. */
void smtp_session_init(struct smtp_session *s, const struct tern_config *cfg,
	const struct listener_config *listener,
	const struct server_client *client, struct stream *stream,
	SSL_CTX *tls_ctx, struct auth_db *auth_db);
void smtp_session_clear(struct smtp_session *s);

/* Command handlers (commands.c's table points at them). Each sets
 * exactly one final reply in r. */
typedef void smtp_cmd_fn(struct smtp_session *s, struct span args,
	struct reply *r);
smtp_cmd_fn cmd_helo, cmd_ehlo, cmd_starttls, cmd_auth, cmd_mail, cmd_rcpt,
	cmd_rset, cmd_data, cmd_bdat, cmd_noop, cmd_quit, cmd_help, cmd_vrfy,
	cmd_http;

/* The TLS handshake after "220 Ready to start TLS" has been sent; then
 * the session forgets EHLO, AUTH and the transaction (RFC 3207 4.2).
 * -1 if it failed (logged): the session must close. */
int smtp_tls_handshake(struct smtp_session *s);

/* Read and drop a BDAT chunk that was refused before its handler ran,
 * so the session stays in sync. -1 if the size cannot be parsed or the
 * stream fails (then the session must close). */
int bdat_discard(struct smtp_session *s, struct span args);

#endif
