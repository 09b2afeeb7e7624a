/* SPDX-License-Identifier: MIT */
/*
 * cmd_login: STARTTLS (RFC 9051 6.2.1), LOGIN (6.2.3) and AUTHENTICATE
 * (6.2.2, RFC 4959 SASL-IR) with lib/sasl's PLAIN and LOGIN. Without TLS
 * and outside the plaintext policy both are refused (LOGINDISABLED,
 * [PRIVACYREQUIRED]). A failure sleeps the configured delay. The tagged
 * OK carries [CAPABILITY ...], which Thunderbird reads instead of asking.
 * Passwords and SASL responses are never logged; their buffers are wiped.
 */
#include "imapd.h"
#include "log.h"
#include "reply.h"
#include "sasl.h"
#include "str.h"
#include "tern.h"

void
cmd_starttls(struct imap_cmd *c)
{
	struct imap_session *s = c->s;

	if (c->n_args != 0) {
		imap_bad(c, NULL, "STARTTLS takes no arguments");
		return;
	}
	if (stream_is_tls(s->stream)) {
		imap_bad(c, NULL, "TLS is already active");
		return;
	}
	if (!imap_starttls_offered(s)) {
		imap_no(c, NULL, "STARTTLS is not available");
		return;
	}
	if (stream_has_pending(s->stream)) {
		/* the STARTTLS injection class (RFC 9051 6.2.1 note) */
		log_warn("tls", "client=%s error=\"pipelined input after "
		    "STARTTLS\"", imap_client_name(s));
		c->close = true;
		imap_bad(c, NULL, "Pipelined data after STARTTLS");
		return;
	}
	c->start_tls = true;
	imap_ok(c, NULL, "Begin TLS negotiation now");
}

static void
login_ok(struct imap_cmd *c, const char *user, const char *method)
{
	struct imap_session *s = c->s;

	if (imap_session_login(s, user) < 0) {
		imap_no(c, "UNAVAILABLE", "Mailbox is unavailable");
		return;
	}
	log_info("auth", "client=%s user=%s method=%s status=ok",
	    imap_client_name(s), s->user, method);
	imap_ok(c, arena_printf(c->arena, "CAPABILITY %s",
	    imap_capabilities(s)), "Logged in");
}

static void
login_failed(struct imap_cmd *c, const char *user, const char *method,
	const char *error)
{
	log_warn("auth", "client=%s user=%s method=%s status=failed "
	    "error=\"%s\"", imap_client_name(c->s), user != NULL ? user : "-",
	    method, error);
	auth_failure_delay(c->s->cfg->auth_failure_delay_ms);
	imap_no(c, "AUTHENTICATIONFAILED", "Authentication failed");
}

void
cmd_login(struct imap_cmd *c)
{
	struct imap_session *s = c->s;
	struct span user, pass;
	char esc[LOG_ESCAPE_SIZE];
	char *u, *p;
	enum auth_result res;

	if (c->n_args != 2 || !imap_arg_astring(&c->args[0], &user) ||
	    !imap_arg_astring(&c->args[1], &pass)) {
		imap_bad(c, NULL, "Syntax: LOGIN user password");
		return;
	}
	if (!imap_plaintext_ok(s)) {
		imap_no(c, "PRIVACYREQUIRED", "Plaintext authentication is "
		    "disabled: use STARTTLS first");
		return;
	}
	if (s->auth_db == NULL) {
		imap_no(c, "UNAVAILABLE", "Authentication is unavailable");
		return;
	}
	u = arena_spandup(c->arena, user);
	p = arena_spandup(c->arena, pass);
	res = auth_verify(s->auth_db, u, p, pass.len);
	OPENSSL_cleanse(p, pass.len);
	if (res == AUTH_TEMPFAIL) {
		log_error("auth", "status=tempfail error=\"%s\"",
		    auth_db_error(s->auth_db) != NULL ?
		    auth_db_error(s->auth_db) : "users file unreadable");
		imap_no(c, "UNAVAILABLE", "Temporary authentication failure");
		return;
	}
	if (res != AUTH_OK) {
		login_failed(c, log_escape(user.p, user.len, esc, sizeof(esc)),
		    "login", "bad credentials");
		return;
	}
	login_ok(c, u, "login");
}

/* Send a "+ " challenge and read the response line. 1, or 0/-1/-2. */
static int
challenge(struct imap_cmd *c, const struct buf *ch, struct span *line_r)
{
	stream_printf(c->s->stream, "+ %s\r\n", buf_str(ch));
	if (stream_flush(c->s->stream) < 0)
		return -1;
	return imap_reader_line(&c->s->reader, line_r);
}

static void
run_sasl(struct imap_cmd *c, struct sasl_server *sasl, const char *mech,
	const char *init)
{
	struct buf ch;
	const char *response = init, *error = "";
	char *owned = NULL;
	unsigned steps;

	buf_init(&ch, IMAP_AUTH_LINE_MAX);
	for (steps = 0; steps < IMAP_AUTH_STEPS_MAX; steps++) {
		enum sasl_status st;
		struct span line;
		int n;

		buf_reset(&ch);
		st = sasl_server_step(sasl, response, &ch, &error);
		if (owned != NULL) {
			OPENSSL_cleanse(owned, strlen(owned));
			owned = NULL;
		}
		if (st == SASL_OK) {
			login_ok(c, sasl_server_user(sasl), mech);
			goto out;
		}
		if (st == SASL_FAIL) {
			login_failed(c, sasl_server_user(sasl), mech, error);
			goto out;
		}
		if (st == SASL_TEMPFAIL) {
			log_error("auth", "status=tempfail error=\"%s\"", error);
			imap_no(c, "UNAVAILABLE",
			    "Temporary authentication failure");
			goto out;
		}
		if (st == SASL_BAD) {
			imap_bad(c, NULL, "Cannot decode the response");
			goto out;
		}
		n = challenge(c, &ch, &line);
		if (n == -2) {
			imap_bad(c, "TOOBIG", "Response too long");
			goto out;
		}
		if (n == 0) {
			/* the client went away: a normal end, not a bad
			 * command (the session logs reason=eof) */
			imap_gone(c);
			goto out;
		}
		if (n < 0) {
			c->close = true;
			imap_bad(c, NULL, "Connection lost during "
			    "authentication");
			goto out;
		}
		/* RFC 9051 6.2.2: "*" cancels */
		if (line.len == 1 && line.p[0] == '*') {
			imap_bad(c, NULL, "Authentication canceled");
			goto out;
		}
		owned = arena_spandup(c->arena, line);
		OPENSSL_cleanse(c->s->reader.line.data, c->s->reader.line.len);
		response = owned;
	}
	login_failed(c, NULL, mech, "too many steps");
out:
	buf_clear(&ch);
}

void
cmd_authenticate(struct imap_cmd *c)
{
	struct imap_session *s = c->s;
	struct sasl_server *sasl;
	struct span mech, init = { NULL, 0 };
	char *name, *ir = NULL;

	if (c->n_args < 1 || c->n_args > 2 ||
	    c->args[0].type != IMAP_ARG_ATOM ||
	    (c->n_args == 2 && c->args[1].type != IMAP_ARG_ATOM)) {
		imap_bad(c, NULL, "Syntax: AUTHENTICATE mechanism "
		    "[initial-response]");
		return;
	}
	mech = c->args[0].str;
	if (c->n_args == 2) {
		init = c->args[1].str;
		ir = arena_spandup(c->arena, init);
	}
	if (!imap_plaintext_ok(s)) {
		imap_no(c, "PRIVACYREQUIRED", "Plaintext authentication is "
		    "disabled: use STARTTLS first");
		return;
	}
	if (s->auth_db == NULL) {
		imap_no(c, "UNAVAILABLE", "Authentication is unavailable");
		return;
	}
	name = arena_spandup(c->arena, mech);
	sasl = sasl_server_new(name, s->auth_db);
	if (sasl == NULL) {
		imap_no(c, "CANNOT", "Unsupported authentication mechanism");
		return;
	}
	str_lower(name);
	run_sasl(c, sasl, name, ir);
	if (ir != NULL)
		OPENSSL_cleanse(ir, init.len);
	sasl_server_free(&sasl);
}
