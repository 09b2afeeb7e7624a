/* SPDX-License-Identifier: MIT */
/*
 * session: one IMAP session (RFC 9051): greeting (OK, PREAUTH or BYE),
 * the read -> dispatch -> reply loop with the generic checks (unknown
 * command, state, UID prefix, argument syntax), limits (line and literal
 * via the reader, BAD count, login and idle timeouts), flushing when no
 * input is pipelined, and the final log line. Handlers do the rest.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "imapd.h"
#include "commands.h"
#include "folders.h"
#include "log.h"
#include "mailbox_view.h"
#include "maildir.h"
#include "msgcache.h"
#include "reply.h"
#include "str.h"
#include "tern.h"

const char *
imap_state_name(enum imap_state st)
{
	switch (st) {
	case IMAP_ST_NOTAUTH:
		return "notauth";
	case IMAP_ST_AUTH:
		return "auth";
	case IMAP_ST_SELECTED:
		return "selected";
	case IMAP_ST_LOGOUT:
		return "logout";
	}
	return "?";
}

const char *
imap_client_name(const struct imap_session *s)
{
	static char name[128];

	(void)snprintf(name, sizeof(name), "unknown[%s]:%u", s->client->addr,
	    (unsigned)s->client->port);
	return name;
}

bool
imap_plaintext_ok(const struct imap_session *s)
{
	return stream_is_tls(s->stream) ||
	    s->cfg->plaintext_auth == PLAINTEXT_AUTH_ALWAYS ||
	    (s->cfg->plaintext_auth == PLAINTEXT_AUTH_LOOPBACK &&
	    s->client->loopback);
}

bool
imap_starttls_offered(const struct imap_session *s)
{
	return s->tls_ctx != NULL &&
	    s->listener->tls == LISTENER_TLS_STARTTLS &&
	    !stream_is_tls(s->stream);
}

bool
imap_utf8(const struct imap_session *s)
{
	return (s->enabled & IMAP_ENABLED_UTF8) != 0;
}

bool
imap_rev2(const struct imap_session *s)
{
	return (s->enabled & IMAP_ENABLED_REV2) != 0;
}

const char *
imap_capabilities(const struct imap_session *s)
{
	static char caps[512];

	if (s->state == IMAP_ST_NOTAUTH) {
		(void)snprintf(caps, sizeof(caps), "IMAP4rev1 IMAP4rev2 "
		    "SASL-IR ID ENABLE LITERAL+%s%s",
		    imap_starttls_offered(s) ? " STARTTLS" : "",
		    imap_plaintext_ok(s) ? " AUTH=PLAIN AUTH=LOGIN" :
		    " LOGINDISABLED");
		return caps;
	}
	(void)snprintf(caps, sizeof(caps), "IMAP4rev1 IMAP4rev2 SASL-IR ID "
	    "ENABLE LITERAL+ NAMESPACE UNSELECT CHILDREN LIST-EXTENDED "
	    "LIST-STATUS SPECIAL-USE CREATE-SPECIAL-USE UTF8=ACCEPT "
	    "STATUS=SIZE IDLE ESEARCH SEARCHRES CONDSTORE QRESYNC UIDPLUS "
	    "MOVE BINARY MULTIAPPEND APPENDLIMIT=%llu",
	    (unsigned long long)s->cfg->imapd.max_literal_size);
	return caps;
}

void
imap_session_init(struct imap_session *s, const struct tern_config *cfg,
	const struct listener_config *listener,
	const struct server_client *client, struct stream *stream,
	SSL_CTX *tls_ctx, struct auth_db *auth_db)
{
	struct imap_reader_limits lim;

	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->listener = listener;
	s->client = client;
	s->stream = stream;
	s->tls_ctx = tls_ctx;
	s->auth_db = auth_db;
	s->arena = arena_new(0);
	s->cmd_arena = arena_new(0);
	s->state = IMAP_ST_NOTAUTH;
	s->sep = config_imap_separator(&cfg->imapd);
	str_random_hex(s->id, 6);
	lim.line_max = cfg->imapd.max_line_length;
	lim.literal_max = cfg->imapd.max_literal_size;
	lim.mem_max = IMAP_LITERAL_MEM_MAX;
	lim.literals_max = IMAP_LITERALS_MAX;
	imap_reader_init(&s->reader, stream, &lim);
	imap_append_hook_install(s);
	/* imapd -d: what we write goes to the trace as it is queued; the
	 * reader traces what the client sends */
	imap_trace_init(&s->trace_out, 'S');
	if (log_enabled(LOG_LEVEL_DEBUG))
		stream_set_write_tap(stream, imap_trace_bytes, &s->trace_out);
}

void
imap_session_clear(struct imap_session *s)
{
	imap_append_hook_clear(s);
	msgcache_free(&s->msgcache);
	mailbox_view_free(&s->view);
	imap_reader_clear(&s->reader);
	stream_set_write_tap(s->stream, NULL, NULL);
	imap_trace_clear(&s->trace_out);
	arena_free(&s->cmd_arena);
	arena_free(&s->arena);
}

void
imap_session_unselect(struct imap_session *s)
{
	msgcache_free(&s->msgcache);
	mailbox_view_free(&s->view);
	if (s->state == IMAP_ST_SELECTED)
		s->state = IMAP_ST_AUTH;
}

int
imap_session_login(struct imap_session *s, const char *user)
{
	char path[MAILDIR_PATH_MAX];

	if (config_maildir_path(s->cfg, user, path, sizeof(path)) < 0) {
		log_error("login", "user=%s error=\"bad Maildir path\"", user);
		return -1;
	}
	if (maildir_create(path, false) < 0) {
		log_error("login", "user=%s maildir=%s error=\"%s\"", user,
		    path, strerror(errno));
		return -1;
	}
	s->user = arena_strdup(s->arena, user);
	s->maildir = arena_strdup(s->arena, path);
	s->state = IMAP_ST_AUTH;
	folders_autocreate(s->maildir);
	return 0;
}

/* The generic checks, then the handler. */
static void
dispatch(struct imap_session *s, const struct imap_raw_cmd *raw,
	struct imap_cmd *c)
{
	const struct imap_command *def;
	const char *error;
	struct span name = raw->name;

	if (imap_parse_args(&raw->args, c->arena, &c->args, &c->n_args,
	    &error) < 0) {
		imap_bad(c, NULL, "Error in IMAP command: %s", error);
		return;
	}
	if (span_eq_ci(name, "UID")) {
		if (c->n_args == 0 || c->args[0].type != IMAP_ARG_ATOM) {
			imap_bad(c, NULL, "UID needs a command");
			return;
		}
		c->uid = true;
		name = c->args[0].str;
		c->name = arena_printf(c->arena, "UID %s",
		    arena_spandup(c->arena, name));
		c->args++;
		c->n_args--;
	}
	def = imap_command_find(name);
	if (def == NULL || (c->uid && (def->flags & CMD_UID) == 0)) {
		imap_bad(c, NULL, "Unknown command");
		return;
	}
	c->def = def;
	if ((def->states & s->state) == 0) {
		imap_bad(c, NULL, "Command not allowed in the %s state",
		    imap_state_name(s->state));
		return;
	}
	def->handler(c);
}

static void
log_disconnect(struct imap_session *s, const char *reason)
{
	bool io = strcmp(reason, "read-error") == 0 ||
	    strcmp(reason, "write-error") == 0;

	log_info("disconnect", "client=%s user=%s reason=%s%s%s%s cmds=%u "
	    "bad=%u no=%u in=%llu out=%llu", imap_client_name(s),
	    s->user != NULL ? s->user : "-", reason,
	    io ? " error=\"" : "", io ? stream_error(s->stream) : "",
	    io ? "\"" : "", s->counts[IMAP_COUNT_CMDS],
	    s->counts[IMAP_COUNT_BAD], s->counts[IMAP_COUNT_NO],
	    stream_bytes_in(s->stream), stream_bytes_out(s->stream));
}

static int
tls_handshake(struct imap_session *s)
{
	const char *error;

	if (stream_start_tls_server(s->stream, s->tls_ctx, &error) < 0) {
		log_info("tls", "client=%s status=failed error=\"%s\"",
		    imap_client_name(s), error);
		return -1;
	}
	log_info("tls", "client=%s %s", imap_client_name(s),
	    stream_tls_info(s->stream));
	return 0;
}

static bool
greet(struct imap_session *s)
{
	if (s->client->refuse_reason != NULL) {
		log_warn("refuse", "client=%s reason=\"%s\"",
		    imap_client_name(s), s->client->refuse_reason);
		imap_session_untagged(s, "BYE [UNAVAILABLE] Too many "
		    "connections, try again later");
		(void)stream_flush(s->stream);
		log_disconnect(s, "busy");
		return false;
	}
	if (s->listener->tls == LISTENER_TLS_IMPLICIT &&
	    !stream_is_tls(s->stream)) {
		if (s->tls_ctx == NULL || tls_handshake(s) < 0) {
			log_disconnect(s, "tls");
			return false;
		}
	}
	if (s->preauth != NULL) {
		if (imap_session_login(s, s->preauth) < 0) {
			imap_session_untagged(s, "BYE [UNAVAILABLE] "
			    "Mailbox unavailable");
			(void)stream_flush(s->stream);
			log_disconnect(s, "preauth");
			return false;
		}
		log_info("auth", "client=%s user=%s method=preauth "
		    "status=ok", imap_client_name(s), s->user);
		imap_session_untagged(s, "PREAUTH [CAPABILITY %s] Logged in "
		    "as %s", imap_capabilities(s), s->user);
	} else {
		imap_session_untagged(s, "OK [CAPABILITY %s] tern IMAP ready",
		    imap_capabilities(s));
	}
	if (stream_flush(s->stream) < 0) {
		log_disconnect(s, "write-error");
		return false;
	}
	return true;
}

void
imap_session_run(struct imap_session *s)
{
	const char *reason = "eof";
	struct timespec mono;

	log_set_id(s->id);
	log_info("connect", "client=%s listener=%s tls=%s",
	    imap_client_name(s), s->listener->name,
	    s->listener->tls == LISTENER_TLS_IMPLICIT ? "yes" : "no");
	clock_gettime(CLOCK_MONOTONIC, &mono);
	stream_set_deadline(s->stream, (long)mono.tv_sec +
	    IMAP_SESSION_MAX_SECS);
	if (!greet(s))
		return;
	for (;;) {
		struct imap_raw_cmd raw;
		struct imap_cmd c;
		uint32_t timeout = s->state == IMAP_ST_NOTAUTH ?
		    s->cfg->imapd.login_timeout : s->cfg->imapd.idle_timeout;
		int n;

		arena_reset(s->cmd_arena);
		memset(&c, 0, sizeof(c));
		stream_set_timeout(s->stream, (int)timeout * 1000);
		n = imap_reader_read(&s->reader, s->cmd_arena, &raw);
		c.s = s;
		c.arena = s->cmd_arena;
		c.tag = arena_spandup(s->cmd_arena, raw.tag);
		c.name = arena_spandup(s->cmd_arena, raw.name);
		if (n == IMAP_READ_EOF) {
			reason = "eof";
			break;
		}
		if (n == IMAP_READ_IO) {
			if (stream_timed_out(s->stream)) {
				imap_session_untagged(s, "BYE Autologout; "
				    "idle for too long");
				reason = "timeout";
			} else {
				reason = "read-error";
			}
			break;
		}
		if (n == IMAP_READ_CLOSE) {
			imap_append_hook_clear(s);
			imap_session_untagged(s, "BYE [%s] %s",
			    raw.code != NULL ? raw.code : "CLIENTBUG",
			    raw.error);
			/* RFC 7888 4: a refused non-synchronizing literal
			 * gets a tagged BAD [TOOBIG]; its bytes are on the
			 * way, so we close rather than read them */
			if (raw.tag.len != 1 || raw.tag.p[0] != '*')
				imap_bad(&c, raw.code, "%s", raw.error);
			reason = "protocol";
			break;
		}
		s->counts[IMAP_COUNT_CMDS]++;
		if (n == IMAP_READ_BAD) {
			/* drop what a MULTIAPPEND streamed before */
			imap_append_hook_clear(s);
			if (raw.too_big && (s->state & IMAP_ST_AUTHED) != 0 &&
			    span_eq_ci(raw.name, "APPEND"))
				/* RFC 7889 3: refused before the "+" */
				imap_no(&c, "TOOBIG", "Message is larger "
				    "than APPENDLIMIT");
			else
				imap_bad(&c, raw.code, "%s%s", raw.code ==
				    NULL ? "Error in IMAP command: " : "",
				    raw.error);
		} else {
			dispatch(s, &raw, &c);
		}
		/* every command answers exactly once (chasquid's rule) */
		assert(c.n_final == 1);
		if (c.result == 'B')
			s->counts[IMAP_COUNT_BAD]++;
		else if (c.result == 'N')
			s->counts[IMAP_COUNT_NO]++;
		if ((c.close || s->logout || c.start_tls ||
		    !stream_has_pending(s->stream)) &&
		    stream_flush(s->stream) < 0) {
			reason = "write-error";
			break;
		}
		if (c.start_tls) {
			if (tls_handshake(s) < 0) {
				reason = "tls";
				break;
			}
			continue;
		}
		if (s->logout) {
			reason = "logout";
			break;
		}
		if (c.close) {
			reason = "protocol";
			break;
		}
		if (c.result == 'B' &&
		    s->counts[IMAP_COUNT_BAD] >= s->cfg->imapd.max_bad_commands) {
			imap_session_untagged(s, "BYE Too many invalid "
			    "commands");
			reason = "errors";
			break;
		}
	}
	(void)stream_flush(s->stream);
	imap_session_unselect(s);
	log_set_id(s->id);
	log_disconnect(s, reason);
}
