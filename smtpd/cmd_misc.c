/* SPDX-License-Identifier: MIT */
/*
 * cmd_misc: NOOP, QUIT, HELP, VRFY (252: we never confirm users, RFC 5321
 * 3.5.3), and the HTTP verbs that mean a browser or a proxy abuse
 * (Postfix's smtpd_forbidden_commands).
 */
#include "smtpd.h"
#include "log.h"
#include "tern.h"

void
cmd_noop(struct smtp_session *s, struct span args, struct reply *r)
{
	reply_std(r, RPL_OK);
}

void
cmd_quit(struct smtp_session *s, struct span args, struct reply *r)
{
	s->quit = true;
	reply_std(r, RPL_BYE);
}

void
cmd_help(struct smtp_session *s, struct span args, struct reply *r)
{
	reply_std(r, RPL_HELP);
}

void
cmd_vrfy(struct smtp_session *s, struct span args, struct reply *r)
{
	if (args.len == 0) {
		reply_set(r, 501, "5.5.4", "Syntax: VRFY address");
		return;
	}
	reply_std(r, RPL_VRFY);
}

void
cmd_http(struct smtp_session *s, struct span args, struct reply *r)
{
	log_warn("http", "client=%s", smtp_client_name(s));
	reply_std(r, RPL_HTTP);
}
