/* SPDX-License-Identifier: MIT */
/*
 * cmd_hello: HELO and EHLO (RFC 5321 4.1.1.1) and the EHLO keywords:
 * PIPELINING (RFC 2920), SIZE (RFC 1870), ENHANCEDSTATUSCODES (RFC 2034),
 * 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531), CHUNKING (RFC 3030),
 * STARTTLS (RFC 3207) and AUTH (RFC 4954) when they apply.
 */
#include <inttypes.h>

#include "smtpd.h"
#include "sasl.h"
#include "tern.h"

/* Both reset the transaction (RFC 5321 4.1.4). */
static int
hello(struct smtp_session *s, struct span args, struct reply *r, bool esmtp)
{
	const char *name, *error;

	if (parse_helo(args, s->cmd_arena, &name, &error) < 0) {
		reply_set(r, 501, "5.5.4", "Syntax: %s hostname",
		    esmtp ? "EHLO" : "HELO");
		return -1;
	}
	smtp_tx_reset(s);
	s->helo = arena_strdup(s->arena, name);
	s->esmtp = esmtp;
	s->state = SMTP_ST_GREETED;
	return 0;
}

void
cmd_helo(struct smtp_session *s, struct span args, struct reply *r)
{
	if (hello(s, args, r, false) < 0)
		return;
	reply_set(r, 250, NULL, "%s", s->cfg->hostname);
}

void
cmd_ehlo(struct smtp_session *s, struct span args, struct reply *r)
{
	const char *caps[12];
	size_t n = 0, i;

	if (hello(s, args, r, true) < 0)
		return;
	caps[n++] = "PIPELINING";
	caps[n++] = arena_printf(s->cmd_arena, "SIZE %" PRIu64,
	    s->cfg->smtpd.max_message_size);
	if (smtp_starttls_offered(s))
		caps[n++] = "STARTTLS";
	if (smtp_auth_offered(s))
		caps[n++] = arena_printf(s->cmd_arena, "AUTH %s",
		    sasl_mechanisms());
	caps[n++] = "ENHANCEDSTATUSCODES";
	caps[n++] = "8BITMIME";
	caps[n++] = "SMTPUTF8";
	caps[n++] = "CHUNKING";
	/* RFC 5321 4.1.1.1: the greeting line, then one keyword a line;
	 * no enhanced codes on EHLO lines (RFC 2034 3) */
	reply_add_line(r, 250, NULL, s->cfg->hostname);
	for (i = 0; i + 1 < n; i++)
		reply_add_line(r, 250, NULL, caps[i]);
	reply_set(r, 250, NULL, "%s", caps[n - 1]);
}
