/* SPDX-License-Identifier: MIT */
/*
 * commands: the table of SMTP verbs (RFC 5321 4.1, RFC 3207, RFC 4954,
 * RFC 3030). session.c checks states and flags before any handler runs,
 * so handlers never re-check them.
 */
#include "commands.h"
#include "str.h"
#include "tern.h"

static const struct smtp_cmd smtp_cmds[] = {
	/* verb        allowed states       flags                 handler */
	{ "EHLO",      SMTP_ST_ANY,
	                                    CMD_PRE_TLS | CMD_LAST, cmd_ehlo },
	{ "HELO",      SMTP_ST_ANY,
	                                    CMD_PRE_TLS | CMD_LAST, cmd_helo },
	{ "STARTTLS",  SMTP_ST_INIT | SMTP_ST_GREETED,
	                                    CMD_PRE_TLS | CMD_LAST,
	                                                        cmd_starttls },
	{ "AUTH",      SMTP_ST_GREETED,     CMD_LAST,             cmd_auth },
	{ "MAIL",      SMTP_ST_GREETED,     CMD_NEED_AUTH,        cmd_mail },
	{ "RCPT",      SMTP_ST_MAIL | SMTP_ST_RCPT,
	                                    CMD_NEED_AUTH,        cmd_rcpt },
	{ "DATA",      SMTP_ST_RCPT,        CMD_NEED_AUTH | CMD_LAST,
	                                                          cmd_data },
	{ "BDAT",      SMTP_ST_RCPT | SMTP_ST_BDAT,
	                                    CMD_NEED_AUTH | CMD_PAYLOAD,
	                                                          cmd_bdat },
	{ "RSET",      SMTP_ST_ANY,         CMD_PRE_TLS,          cmd_rset },
	{ "NOOP",      SMTP_ST_ANY,         CMD_PRE_TLS | CMD_LAST, cmd_noop },
	{ "QUIT",      SMTP_ST_ANY,         CMD_PRE_TLS | CMD_LAST, cmd_quit },
	{ "HELP",      SMTP_ST_ANY,         CMD_PRE_TLS | CMD_LAST, cmd_help },
	{ "VRFY",      SMTP_ST_ANY,         CMD_LAST,             cmd_vrfy },
	{ "GET",       SMTP_ST_ANY,         CMD_PRE_TLS | CMD_CLOSE, cmd_http },
	{ "POST",      SMTP_ST_ANY,         CMD_PRE_TLS | CMD_CLOSE, cmd_http },
	{ "CONNECT",   SMTP_ST_ANY,         CMD_PRE_TLS | CMD_CLOSE, cmd_http },
	{ NULL,        0,                   0,                    NULL },
};

const struct smtp_cmd *
smtp_cmd_find(struct span verb)
{
	const struct smtp_cmd *c;

	for (c = smtp_cmds; c->verb != NULL; c++) {
		if (span_eq_ci(verb, c->verb))
			return c;
	}
	return NULL;
}
