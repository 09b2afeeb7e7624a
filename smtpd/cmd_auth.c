/* SPDX-License-Identifier: MIT */
/*
 * cmd_auth: AUTH (RFC 4954) with lib/sasl's PLAIN and LOGIN. Offered
 * only over TLS unless plaintext is allowed for this client (538 5.7.11
 * otherwise); "*" cancels (501 5.7.0); a failure sleeps the configured
 * delay before 535 5.7.8. Responses are never logged.
 */
#include "smtpd.h"
#include "log.h"
#include "sasl.h"
#include "tern.h"

#define SMTP_AUTH_LINE_MAX 12288	/* RFC 4954 4 */
#define SMTP_AUTH_STEPS_MAX 8		/* PLAIN needs 2, LOGIN 3 */

/* Send a 334 challenge and read the response line into s->line.
 * 1, or 0/-1/-2 as stream_read_line returns. */
static int
challenge(struct smtp_session *s, const struct buf *ch)
{
	stream_printf(s->stream, "334 %s\r\n", buf_str(ch));
	if (stream_flush(s->stream) < 0)
		return -1;
	return stream_read_line(s->stream, &s->line, SMTP_AUTH_LINE_MAX, NULL);
}

static void
run_sasl(struct smtp_session *s, struct sasl_server *sasl, struct span init,
	struct reply *r)
{
	struct buf ch;
	const char *response = NULL, *error = "";
	unsigned steps;

	if (init.p != NULL)
		response = arena_spandup(s->cmd_arena, init);
	buf_init(&ch, SMTP_AUTH_LINE_MAX);
	for (steps = 0; steps < SMTP_AUTH_STEPS_MAX; steps++) {
		enum sasl_status st;
		int n;

		buf_reset(&ch);
		st = sasl_server_step(sasl, response, &ch, &error);
		if (st == SASL_OK) {
			s->auth_user = arena_strdup(s->arena,
			    sasl_server_user(sasl));
			log_info("auth", "client=%s user=%s status=ok",
			    smtp_client_name(s), s->auth_user);
			reply_std(r, RPL_AUTH_OK);
			goto out;
		}
		if (st == SASL_FAIL) {
			log_warn("auth", "client=%s user=%s status=failed "
			    "error=\"%s\"", smtp_client_name(s),
			    sasl_server_user(sasl) != NULL ?
			    sasl_server_user(sasl) : "-", error);
			auth_failure_delay(s->cfg->auth_failure_delay_ms);
			reply_std(r, RPL_AUTH_FAILED);
			goto out;
		}
		if (st == SASL_TEMPFAIL) {
			log_error("auth", "status=tempfail error=\"%s\"", error);
			reply_std(r, RPL_AUTH_TEMP);
			goto out;
		}
		if (st == SASL_BAD) {
			reply_set(r, 501, "5.5.2", "Cannot decode response");
			goto out;
		}
		n = challenge(s, &ch);
		if (n == -2) {
			reply_std(r, RPL_LINE_TOO_LONG);
			goto out;
		}
		if (n <= 0) {
			reply_std(r, n == -1 && stream_timed_out(s->stream) ?
			    RPL_TIMEOUT : RPL_TEMP);
			r->close = true;
			goto out;
		}
		/* RFC 4954 4: "*" cancels the exchange */
		if (s->line.len == 1 && s->line.data[0] == '*') {
			reply_std(r, RPL_AUTH_CANCEL);
			goto out;
		}
		response = arena_strdup(s->cmd_arena, buf_str(&s->line));
	}
	reply_std(r, RPL_AUTH_FAILED);
out:
	OPENSSL_cleanse(s->line.data, s->line.len);
	buf_clear(&ch);
}

void
cmd_auth(struct smtp_session *s, struct span args, struct reply *r)
{
	struct sasl_server *sasl;
	struct span mech, init;
	const char *error;
	char name[24];

	if (s->auth_user != NULL) {
		reply_std(r, RPL_AUTH_TWICE);
		return;
	}
	if (!s->listener->auth && s->listener->mode != LISTENER_SUBMISSION) {
		reply_std(r, RPL_NOT_IMPL);
		return;
	}
	if (!stream_is_tls(s->stream) && !smtp_plaintext_ok(s)) {
		reply_std(r, RPL_ENCRYPT_REQUIRED);
		return;
	}
	if (parse_auth(args, &mech, &init, &error) < 0) {
		reply_set(r, 501, "5.5.4", "Syntax: AUTH mechanism");
		return;
	}
	if (s->auth_db == NULL) {
		reply_std(r, RPL_AUTH_TEMP);
		return;
	}
	memcpy(name, mech.p, mech.len);	/* UNSAFE: parse_auth: len <= 20 */
	name[mech.len] = '\0';
	sasl = sasl_server_new(name, s->auth_db);
	if (sasl == NULL) {
		reply_std(r, RPL_AUTH_MECH);
		return;
	}
	run_sasl(s, sasl, init, r);
	sasl_server_free(&sasl);
}
