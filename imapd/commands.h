/* SPDX-License-Identifier: MIT */
/*
 * commands: the IMAP command table, the only place where a command, the
 * states it is allowed in and its flags are written (STYLE.md 6).
 */
#ifndef IMAPD_COMMANDS_H
#define IMAPD_COMMANDS_H

#include "imapd.h"

enum imap_cmd_flags {
	/* Uses sequence numbers: no EXPUNGE may be sent in its reply
	 * (RFC 9051 7.5.1; Dovecot COMMAND_FLAG_USES_SEQS). */
	CMD_USES_SEQS = 1 << 0,
	/* Changes sequence numbers (EXPUNGE, CLOSE): Dovecot's
	 * COMMAND_FLAG_BREAKS_SEQS; not run while another is pipelined. */
	CMD_BREAKS_SEQS = 1 << 1,
	/* May be prefixed with "UID". */
	CMD_UID = 1 << 2,
	/* Sends no pending mailbox updates (LOGOUT, STARTTLS). */
	CMD_NO_UPDATES = 1 << 3,
	/* Allowed only as "UID <name>" (UID EXPUNGE). */
	CMD_UID_ONLY = 1 << 4,
};

struct imap_command {
	const char *name;
	unsigned states;	/* enum imap_state bits */
	unsigned flags;		/* enum imap_cmd_flags */
	imap_cmd_fn *handler;
};

/* The entry for name (ASCII case-insensitive), NULL if unknown. */
const struct imap_command *imap_command_find(struct span name);

#endif
