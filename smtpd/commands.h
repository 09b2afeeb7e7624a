/* SPDX-License-Identifier: MIT */
/*
 * commands: the SMTP command table, the only place where a verb, the
 * states it is allowed in and its flags are written (STYLE.md 6).
 */
#ifndef SMTPD_COMMANDS_H
#define SMTPD_COMMANDS_H

#include "smtpd.h"

enum smtp_cmd_flags {
	CMD_PRE_TLS = 1 << 0,	/* allowed while TLS is still required */
	CMD_LAST = 1 << 1,	/* flush replies after it (RFC 2920 3.1) */
	CMD_NEED_AUTH = 1 << 2,	/* submission: AUTH must come first */
	CMD_PAYLOAD = 1 << 3,	/* carries bytes after the line (BDAT) */
	CMD_CLOSE = 1 << 4,	/* not SMTP (GET/POST/CONNECT): close */
};

struct smtp_cmd {
	const char *verb;
	unsigned states;	/* enum smtp_state bits */
	unsigned flags;		/* enum smtp_cmd_flags */
	smtp_cmd_fn *handler;
};

/* The entry for verb (ASCII case-insensitive), NULL if unknown. */
const struct smtp_cmd *smtp_cmd_find(struct span verb);

#endif
