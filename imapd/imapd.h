/* SPDX-License-Identifier: MIT */
/*
 * imapd.h: the session shared by imapd's command files. One session is
 * sequential blocking code in its own process; its data lives in the
 * session arena, a command's in the command arena (STYLE.md 4). States
 * after RFC 9051 3: not authenticated, authenticated, selected, logout.
 */
#ifndef IMAPD_IMAPD_H
#define IMAPD_IMAPD_H

#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdint.h>
#include <openssl/ssl.h>
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "config.h"
#include "imap_parse.h"
#include "reader.h"
#include "server.h"
#include "stream.h"
#include "tern.h"

#define IMAP_SESSION_MAX_SECS (24 * 60 * 60)	/* absolute deadline */
#define IMAP_AUTH_LINE_MAX 12288	/* one SASL response line */
#define IMAP_AUTH_STEPS_MAX 8		/* PLAIN needs 2, LOGIN 3 */

/* States, as bits so the command table can allow several. */
enum imap_state {
	IMAP_ST_NOTAUTH = 1 << 0,
	IMAP_ST_AUTH = 1 << 1,
	IMAP_ST_SELECTED = 1 << 2,
	IMAP_ST_LOGOUT = 1 << 3,
};
#define IMAP_ST_ANY (IMAP_ST_NOTAUTH | IMAP_ST_AUTH | IMAP_ST_SELECTED)
#define IMAP_ST_AUTHED (IMAP_ST_AUTH | IMAP_ST_SELECTED)

const char *imap_state_name(enum imap_state st);

/* ENABLEd extensions (RFC 5161). */
enum imap_enabled {
	IMAP_ENABLED_REV2 = 1 << 0,	/* IMAP4rev2 (RFC 9051) */
	IMAP_ENABLED_UTF8 = 1 << 1,	/* UTF8=ACCEPT (RFC 6855) */
	/* RFC 7162 3.1: by ENABLE or by the first CONDSTORE-enabling
	 * command (condstore_enable()) */
	IMAP_ENABLED_CONDSTORE = 1 << 2,
	IMAP_ENABLED_QRESYNC = 1 << 3,	/* RFC 7162 3.2.3; implies the above */
};

enum imap_counter {
	IMAP_COUNT_CMDS,
	IMAP_COUNT_BAD,
	IMAP_COUNT_NO,
	IMAP_COUNT_N
};

struct mailbox_view;
struct msgcache;
struct imap_command;
struct append_state;

struct imap_session {
	const struct tern_config *cfg;
	const struct listener_config *listener;
	const struct server_client *client;
	struct stream *stream;
	SSL_CTX *tls_ctx;		/* NULL: no STARTTLS */
	struct auth_db *auth_db;
	struct arena *arena;		/* session */
	struct arena *cmd_arena;
	char id[13];
	enum imap_state state;
	const char *user;		/* session arena; NULL before auth */
	const char *maildir;		/* session arena: the user's Maildir */
	char sep;			/* '/' or '.' on the wire */
	unsigned enabled;		/* enum imap_enabled */
	struct imap_reader reader;
	struct imap_trace trace_out;	/* -d: what we send (trace.h) */
	struct mailbox_view *view;	/* selected mailbox, or NULL */
	struct msgcache *msgcache;	/* its FETCH cache (cmd_fetch.c) */
	struct append_state *append;	/* cmd_append.c's reader hook */
	unsigned counts[IMAP_COUNT_N];
	const char *preauth;		/* --preauth USER (tests) */
	bool logout;
};

/* One command being handled: what a handler gets. */
struct imap_cmd {
	struct imap_session *s;
	const struct imap_command *def;
	const char *tag;		/* command arena */
	const char *name;		/* as sent, command arena */
	bool uid;			/* "UID <name>" */
	struct imap_arg *args;
	size_t n_args;
	struct arena *arena;		/* = s->cmd_arena */
	unsigned n_final;		/* tagged replies: must end as 1 */
	char result;			/* 'O', 'N', 'B'; 'G': client gone */
	bool close;			/* close after the reply */
	bool start_tls;			/* handshake after the reply */
};

/* The client for logs: "unknown[addr]:port". */
const char *imap_client_name(const struct imap_session *s);
/* LOGIN/AUTHENTICATE may be used now (TLS or the plaintext policy). */
bool imap_plaintext_ok(const struct imap_session *s);
bool imap_starttls_offered(const struct imap_session *s);
/* The capability list for the current state (no "CAPABILITY" word). */
const char *imap_capabilities(const struct imap_session *s);
bool imap_utf8(const struct imap_session *s);
bool imap_rev2(const struct imap_session *s);

/* After authentication: set user and Maildir, create the Maildir and the
 * special-use folders, move to IMAP_ST_AUTH. -1 (logged) when the
 * Maildir path cannot be made: the caller answers NO [UNAVAILABLE]. */
int imap_session_login(struct imap_session *s, const char *user);
/* Close the selected mailbox (UNSELECT, CLOSE, SELECT of another). */
void imap_session_unselect(struct imap_session *s);

void imap_session_init(struct imap_session *s, const struct tern_config *cfg,
	const struct listener_config *listener,
	const struct server_client *client, struct stream *stream,
	SSL_CTX *tls_ctx, struct auth_db *auth_db);
void imap_session_clear(struct imap_session *s);
/* Greeting, then the read -> dispatch -> reply loop until LOGOUT, EOF,
 * an error or a limit. */
void imap_session_run(struct imap_session *s);

/* The mailbox argument of c as an internal name (command arena), with
 * UTF8=ACCEPT and the separator applied. -1 after sending BAD. */
int imap_cmd_mailbox(struct imap_cmd *c, const struct imap_arg *arg,
	const char **name_r);
/* Append the wire form of an internal name, quoted, to out. */
int imap_append_mailbox(const struct imap_session *s, struct buf *out,
	const char *name);

/* APPEND streams message literals into the target's tmp/ through the
 * reader hook (cmd_append.c): installed by imap_session_init, and
 * cleared (unfinished deliveries unlinked) by imap_session_clear. */
void imap_append_hook_install(struct imap_session *s);
void imap_append_hook_clear(struct imap_session *s);

/* Handlers (commands.c points at them). Each ends with exactly one of
 * imap_ok/imap_no/imap_bad (reply.h). */
typedef void imap_cmd_fn(struct imap_cmd *c);
imap_cmd_fn cmd_capability, cmd_noop, cmd_logout, cmd_id, cmd_enable,
	cmd_starttls, cmd_login, cmd_authenticate, cmd_namespace, cmd_create,
	cmd_delete, cmd_rename, cmd_subscribe, cmd_unsubscribe, cmd_list,
	cmd_lsub, cmd_status, cmd_select, cmd_examine, cmd_unselect,
	cmd_close, cmd_check;
/* Message commands: cmd_append.c, cmd_fetch.c, cmd_store.c,
 * cmd_search.c, cmd_copy.c (COPY, MOVE), cmd_expunge.c, cmd_idle.c. */
imap_cmd_fn cmd_append, cmd_fetch, cmd_store, cmd_search, cmd_copy,
	cmd_move, cmd_expunge, cmd_idle;

#endif
