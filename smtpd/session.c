/* SPDX-License-Identifier: MIT */
/*
 * session: one SMTP session (RFC 5321): greeting, the read -> dispatch ->
 * reply loop, the generic checks (unknown verb, state, TLS and AUTH
 * required), limits (line length, errors, timeouts), pipelined reply
 * flushing (RFC 2920) and the final log line. Handlers do the rest.
 */
#include <assert.h>
#include <stdio.h>
#include <time.h>

#include "smtpd.h"
#include "deliver.h"
#include "commands.h"
#include "log.h"
#include "str.h"
#include "tern.h"

const char *
smtp_state_name(enum smtp_state st)
{
	switch (st) {
	case SMTP_ST_INIT:
		return "init";
	case SMTP_ST_GREETED:
		return "greeted";
	case SMTP_ST_MAIL:
		return "mail";
	case SMTP_ST_RCPT:
		return "rcpt";
	case SMTP_ST_BDAT:
		return "bdat";
	}
	return "?";
}

const char *
smtp_client_name(const struct smtp_session *s)
{
	static char name[128];

	/* XXX: no reverse DNS lookup yet; Postfix writes "unknown" too */
	(void)snprintf(name, sizeof(name), "unknown[%s]:%u", s->client->addr,
	    (unsigned)s->client->port);
	return name;
}

bool
smtp_plaintext_ok(const struct smtp_session *s)
{
	return s->cfg->plaintext_auth == PLAINTEXT_AUTH_ALWAYS ||
	    (s->cfg->plaintext_auth == PLAINTEXT_AUTH_LOOPBACK &&
	    s->client->loopback);
}

bool
smtp_starttls_offered(const struct smtp_session *s)
{
	return s->tls_ctx != NULL && s->listener->tls == LISTENER_TLS_STARTTLS &&
	    !stream_is_tls(s->stream);
}

bool
smtp_auth_offered(const struct smtp_session *s)
{
	return (s->listener->auth || s->listener->mode == LISTENER_SUBMISSION) &&
	    s->auth_user == NULL &&
	    (stream_is_tls(s->stream) || smtp_plaintext_ok(s));
}

/* RFC 3207 / RFC 8314: a submission listener wants TLS before AUTH and
 * mail, unless plaintext AUTH is allowed on this connection. */
static bool
tls_required(const struct smtp_session *s)
{
	return s->listener->mode == LISTENER_SUBMISSION &&
	    !stream_is_tls(s->stream) && !smtp_plaintext_ok(s);
}

static time_t
real_now(void)
{
	return time(NULL);
}

void
smtp_session_init(struct smtp_session *s, const struct tern_config *cfg,
	const struct listener_config *listener,
	const struct server_client *client, struct stream *stream,
	SSL_CTX *tls_ctx, struct auth_db *auth_db)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->listener = listener;
	s->client = client;
	s->stream = stream;
	s->tls_ctx = tls_ctx;
	s->auth_db = auth_db;
	s->arena = arena_new(0);
	s->cmd_arena = arena_new(0);
	s->tx_arena = arena_new(0);
	s->state = SMTP_ST_INIT;
	s->now = real_now;
	s->max_secs = SMTP_SESSION_MAX_SECS;
	str_random_hex(s->id, 6);
	buf_init(&s->line, SMTP_DATA_LINE_MAX);
}

void
smtp_session_clear(struct smtp_session *s)
{
	smtp_tx_reset(s);
	buf_clear(&s->line);
	arena_free(&s->tx_arena);
	arena_free(&s->cmd_arena);
	arena_free(&s->arena);
}

void
smtp_tx_reset(struct smtp_session *s)
{
	deliver_abort(&s->tx.delivery);
	memset(&s->tx, 0, sizeof(s->tx));
	arena_reset(s->tx_arena);
	if ((s->state & SMTP_ST_TX) != 0)
		s->state = SMTP_ST_GREETED;
	log_set_id(s->id);
}

/* The command line for the debug trace, with AUTH payloads hidden. */
static void
trace_command(const struct smtp_session *s, struct span line)
{
	char esc[LOG_ESCAPE_SIZE];

	if (!log_enabled(LOG_LEVEL_DEBUG))
		return;
	if (span_startswith_ci(line, "AUTH ")) {
		struct span rest = span_make(line.p + 5, line.len - 5);
		size_t i = 0;

		rest = span_trim(rest);
		while (i < rest.len && rest.p[i] != ' ')
			i++;
		log_debug("trace", "C: AUTH %s%s",
		    log_escape(rest.p, i, esc, sizeof(esc)),
		    i < rest.len ? " ***" : "");
		return;
	}
	log_debug("trace", "C: %s", log_escape(line.p, line.len, esc,
	    sizeof(esc)));
}

/* Send r; log it when it is a refusal. 0, or -1 if the stream failed. */
static int
send_reply(struct smtp_session *s, const struct reply *r, const char *verb,
	bool flush)
{
	stream_write(s->stream, r->text.data, r->text.len);
	if (log_enabled(LOG_LEVEL_DEBUG))
		log_debug("trace", "S: %s", reply_last_line(r));
	if (r->code >= 400)
		log_info("reject", "cmd=%s reply=\"%s\"", verb,
		    reply_last_line(r));
	/* a failure is logged once, by the final disconnect line */
	if (flush && stream_flush(s->stream) < 0)
		return -1;
	return 0;
}

/* The generic checks of STYLE.md 6, then the handler. */
static void
dispatch(struct smtp_session *s, struct span line, struct reply *r,
	const struct smtp_cmd **cmd_r)
{
	struct smtp_cmd_line cl;
	const struct smtp_cmd *cmd;
	const char *error;
	enum smtp_reply_id refuse = RPL_N;

	*cmd_r = NULL;
	if (parse_command(line, &cl, &error) < 0) {
		reply_std(r, memchr(line.p, '\0', line.len) != NULL ?
		    RPL_SYNTAX : RPL_UNKNOWN_CMD);
		return;
	}
	cmd = smtp_cmd_find(cl.verb);
	if (cmd == NULL) {
		reply_std(r, RPL_UNKNOWN_CMD);
		return;
	}
	*cmd_r = cmd;
	s->counts[SMTP_COUNT_CMDS]++;
	if ((cmd->flags & CMD_CLOSE) == 0) {
		if ((cmd->states & s->state) == 0)
			refuse = RPL_BAD_SEQUENCE;
		else if (tls_required(s) && (cmd->flags & CMD_PRE_TLS) == 0)
			refuse = RPL_NEED_TLS;
		else if ((cmd->flags & CMD_NEED_AUTH) != 0 &&
		    s->listener->mode == LISTENER_SUBMISSION &&
		    s->auth_user == NULL)
			refuse = RPL_NEED_AUTH;
	}
	if (refuse != RPL_N) {
		/* RFC 3030 4: a refused BDAT still carries its chunk */
		if ((cmd->flags & CMD_PAYLOAD) != 0 &&
		    bdat_discard(s, cl.args) < 0) {
			reply_std(r, RPL_BDAT_SYNTAX);
			return;
		}
		reply_std(r, refuse);
		return;
	}
	cmd->handler(s, cl.args, r);
	/* chasquid's rule: every handler answers exactly once */
	assert(r->n_final == 1);
}

static void
log_disconnect(struct smtp_session *s, const char *reason)
{
	bool io = strcmp(reason, "read-error") == 0 ||
	    strcmp(reason, "write-error") == 0 || strcmp(reason, "write") == 0;

	log_info("disconnect", "client=%s reason=%s%s%s%s cmds=%u errors=%u "
	    "messages=%u in=%llu out=%llu", smtp_client_name(s), reason,
	    io ? " error=\"" : "", io ? stream_error(s->stream) : "",
	    io ? "\"" : "", s->counts[SMTP_COUNT_CMDS],
	    s->counts[SMTP_COUNT_ERRORS], s->counts[SMTP_COUNT_MESSAGES],
	    stream_bytes_in(s->stream), stream_bytes_out(s->stream));
}

void
smtp_session_run(struct smtp_session *s)
{
	struct reply r;
	const char *reason = "eof", *error;
	struct timespec mono;
	size_t max_line = s->cfg->smtpd.max_line_length;

	if (max_line < SMTP_CMD_LINE_MIN)
		max_line = SMTP_CMD_LINE_MIN;
	log_set_id(s->id);
	log_info("connect", "client=%s listener=%s tls=%s",
	    smtp_client_name(s), s->listener->name,
	    s->listener->tls == LISTENER_TLS_IMPLICIT ? "yes" : "no");
	reply_init(&r);
	if (s->client->refuse_reason != NULL) {
		log_warn("refuse", "client=%s reason=\"%s\"",
		    smtp_client_name(s), s->client->refuse_reason);
		reply_std(&r, RPL_BUSY);
		(void)send_reply(s, &r, "CONNECT", true);
		reply_clear(&r);
		log_disconnect(s, "busy");
		return;
	}
	if (s->listener->tls == LISTENER_TLS_IMPLICIT &&
	    !stream_is_tls(s->stream)) {
		if (s->tls_ctx == NULL || stream_start_tls_server(s->stream,
		    s->tls_ctx, &error) < 0) {
			log_info("tls", "client=%s status=failed error=\"%s\"",
			    smtp_client_name(s), s->tls_ctx == NULL ?
			    "no certificate" : error);
			reply_clear(&r);
			log_disconnect(s, "tls");
			return;
		}
		log_info("tls", "client=%s %s", smtp_client_name(s),
		    stream_tls_info(s->stream));
	}
	/* the stream's deadline is on the monotonic clock */
	clock_gettime(CLOCK_MONOTONIC, &mono);
	s->deadline = (long)mono.tv_sec + (long)s->max_secs;
	stream_set_deadline(s->stream, s->deadline);
	/* RFC 5321 4.3.1: 220 <domain> text, no enhanced code */
	reply_set(&r, 220, NULL, "%s %s", s->cfg->hostname,
	    s->cfg->smtpd.banner != NULL ? s->cfg->smtpd.banner :
	    "ESMTP tern");
	if (send_reply(s, &r, "CONNECT", true) < 0) {
		reply_clear(&r);
		log_disconnect(s, "write");
		return;
	}
	for (;;) {
		const struct smtp_cmd *cmd = NULL;
		struct span line;
		int n;

		reply_reset(&r);
		arena_reset(s->cmd_arena);
		stream_set_timeout(s->stream,
		    (int)s->cfg->smtpd.command_timeout * 1000);
		n = stream_read_line(s->stream, &s->line, max_line, NULL);
		if (n == 0) {
			reason = "eof";
			break;
		}
		if (n == -1) {
			if (stream_timed_out(s->stream)) {
				reply_std(&r, RPL_TIMEOUT);
				(void)send_reply(s, &r, "-", true);
				reason = "timeout";
			} else {
				reason = "read-error";
			}
			break;
		}
		if (n == -2) {
			/* RFC 5321 4.5.3.1.4; the rest was dropped */
			reply_std(&r, RPL_LINE_TOO_LONG);
		} else {
			line = buf_span(&s->line);
			trace_command(s, line);
			dispatch(s, line, &r, &cmd);
		}
		if (r.code >= 400)
			s->counts[SMTP_COUNT_ERRORS]++;
		if (send_reply(s, &r, cmd != NULL ? cmd->verb : "-",
		    r.close || s->quit ||
		    (cmd != NULL && (cmd->flags & CMD_LAST) != 0) ||
		    !stream_has_pending(s->stream)) < 0) {
			reason = "write-error";
			break;
		}
		if (r.start_tls && smtp_tls_handshake(s) < 0) {
			reason = "tls";
			break;
		}
		if (s->quit) {
			reason = "quit";
			break;
		}
		if (r.close) {
			reason = r.code == 421 ? "limit" : "protocol";
			break;
		}
		if (r.code >= 400 && s->cfg->smtpd.max_errors > 0 &&
		    s->counts[SMTP_COUNT_ERRORS] >= s->cfg->smtpd.max_errors) {
			reply_reset(&r);
			reply_std(&r, RPL_TOO_MANY_ERRORS);
			(void)send_reply(s, &r, "-", true);
			reason = "errors";
			break;
		}
	}
	(void)stream_flush(s->stream);
	reply_clear(&r);
	smtp_tx_reset(s);
	log_set_id(s->id);
	log_disconnect(s, reason);
}
