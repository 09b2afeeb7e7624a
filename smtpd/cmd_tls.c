/* SPDX-License-Identifier: MIT */
/*
 * cmd_tls: STARTTLS (RFC 3207). Input pipelined after the command is
 * refused before the handshake (the STARTTLS injection class: plaintext
 * must never be read as if it came over TLS); after the handshake the
 * session starts over from "no EHLO" (RFC 3207 4.2).
 */
#include "smtpd.h"
#include "log.h"
#include "tern.h"

void
cmd_starttls(struct smtp_session *s, struct span args, struct reply *r)
{
	if (args.len > 0) {
		reply_set(r, 501, "5.5.4", "Syntax: STARTTLS");
		return;
	}
	if (stream_is_tls(s->stream)) {
		reply_std(r, RPL_TLS_TWICE);
		return;
	}
	if (s->listener->tls != LISTENER_TLS_STARTTLS) {
		reply_std(r, RPL_NOT_IMPL);
		return;
	}
	if (s->tls_ctx == NULL) {
		reply_std(r, RPL_TLS_UNAVAILABLE);
		return;
	}
	if (stream_has_pending(s->stream)) {
		log_warn("tls", "client=%s error=\"pipelined input after "
		    "STARTTLS\"", smtp_client_name(s));
		reply_std(r, RPL_TLS_PIPELINED);
		return;
	}
	reply_std(r, RPL_TLS_GO);
	r->start_tls = true;
}

int
smtp_tls_handshake(struct smtp_session *s)
{
	const char *error;

	if (stream_start_tls_server(s->stream, s->tls_ctx, &error) < 0) {
		log_info("tls", "client=%s status=failed error=\"%s\"",
		    smtp_client_name(s), error);
		return -1;
	}
	log_info("tls", "client=%s %s", smtp_client_name(s),
	    stream_tls_info(s->stream));
	smtp_tx_reset(s);
	s->helo = NULL;
	s->esmtp = false;
	s->auth_user = NULL;
	s->state = SMTP_ST_INIT;
	return 0;
}
