/* SPDX-License-Identifier: MIT */
/*
 * commands: the table of IMAP commands (RFC 9051 6, RFC 3501 6, and the
 * extensions: RFC 2971 ID, RFC 5161 ENABLE, RFC 2342 NAMESPACE, RFC 3691
 * UNSELECT, RFC 6851 MOVE, RFC 2177 IDLE). session.c checks states and
 * the UID prefix before a handler runs, so handlers never re-check them.
 */
#include "commands.h"
#include "str.h"
#include "tern.h"

static const struct imap_command imap_commands[] = {
	/* name          allowed states      flags           handler */
	{ "CAPABILITY",  IMAP_ST_ANY,        0,              cmd_capability },
	{ "NOOP",        IMAP_ST_ANY,        0,              cmd_noop },
	{ "LOGOUT",      IMAP_ST_ANY,        CMD_NO_UPDATES, cmd_logout },
	{ "ID",          IMAP_ST_ANY,        0,              cmd_id },
	{ "ENABLE",      IMAP_ST_AUTHED,     0,              cmd_enable },
	{ "STARTTLS",    IMAP_ST_NOTAUTH,    CMD_NO_UPDATES, cmd_starttls },
	{ "LOGIN",       IMAP_ST_NOTAUTH,    0,              cmd_login },
	{ "AUTHENTICATE", IMAP_ST_NOTAUTH,   0,              cmd_authenticate },
	{ "NAMESPACE",   IMAP_ST_AUTHED,     0,              cmd_namespace },
	{ "CREATE",      IMAP_ST_AUTHED,     0,              cmd_create },
	{ "DELETE",      IMAP_ST_AUTHED,     0,              cmd_delete },
	{ "RENAME",      IMAP_ST_AUTHED,     0,              cmd_rename },
	{ "SUBSCRIBE",   IMAP_ST_AUTHED,     0,              cmd_subscribe },
	{ "UNSUBSCRIBE", IMAP_ST_AUTHED,     0,              cmd_unsubscribe },
	{ "LIST",        IMAP_ST_AUTHED,     0,              cmd_list },
	{ "LSUB",        IMAP_ST_AUTHED,     0,              cmd_lsub },
	{ "STATUS",      IMAP_ST_AUTHED,     0,              cmd_status },
	{ "SELECT",      IMAP_ST_AUTHED,     CMD_NO_UPDATES, cmd_select },
	{ "EXAMINE",     IMAP_ST_AUTHED,     CMD_NO_UPDATES, cmd_examine },
	{ "UNSELECT",    IMAP_ST_SELECTED,   CMD_NO_UPDATES, cmd_unselect },
	{ "CLOSE",       IMAP_ST_SELECTED,
	                             CMD_BREAKS_SEQS | CMD_NO_UPDATES,
	                                                     cmd_close },
	{ "CHECK",       IMAP_ST_SELECTED,   0,              cmd_check },
	{ "APPEND",      IMAP_ST_AUTHED,     0,              cmd_append },
	{ "IDLE",        IMAP_ST_AUTHED,     0,              cmd_idle },
	{ "FETCH",       IMAP_ST_SELECTED,   CMD_USES_SEQS | CMD_UID,
	                                                     cmd_fetch },
	{ "STORE",       IMAP_ST_SELECTED,   CMD_USES_SEQS | CMD_UID,
	                                                     cmd_store },
	{ "SEARCH",      IMAP_ST_SELECTED,   CMD_USES_SEQS | CMD_UID,
	                                                     cmd_search },
	{ "COPY",        IMAP_ST_SELECTED,   CMD_USES_SEQS | CMD_UID,
	                                                     cmd_copy },
	{ "MOVE",        IMAP_ST_SELECTED,
	                     CMD_USES_SEQS | CMD_BREAKS_SEQS | CMD_UID,
	                                                     cmd_move },
	{ "EXPUNGE",     IMAP_ST_SELECTED,
	                     CMD_BREAKS_SEQS | CMD_UID,      cmd_expunge },
	{ NULL,          0,                  0,              NULL },
};

const struct imap_command *
imap_command_find(struct span name)
{
	const struct imap_command *c;

	for (c = imap_commands; c->name != NULL; c++) {
		if (span_eq_ci(name, c->name))
			return c;
	}
	return NULL;
}
